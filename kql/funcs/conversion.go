package funcs

import (
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// convertKernel converts the one argument to t with Kusto's conversion rules.
func convertKernel(t types.Type) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value { return types.Convert(args[0], t) }
}

// conversionFuncs declares the conversion functions. Each names its result after its
// argument (`summarize by tostring(Props.x)` gives a column `Props_x`), as Kusto does.
func conversionFuncs() []*Func {
	conv := func(name string, aliases []string, t types.Type, doc string, examples ...Example) *Func {
		return &Func{
			Name: name, Aliases: aliases, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns(name, t, argAny), Naming: NameFirstArg,
			Doc: doc, Examples: examples, Scalar: convertKernel(t),
		}
	}
	return []*Func{
		conv("tostring", nil, types.String,
			"converts the value to its string representation; null gives an empty string",
			ex(`tostring(123)`, "123"),
			ex(`tostring(int(null))`, ""),
			ex(`tostring(dynamic({"a":1}))`, `{"a":1}`),
		),
		conv("toint", nil, types.Int,
			"converts the value to a 32-bit integer; null when it does not convert",
			ex(`toint("123") == 123`, "true"),
			ex(`toint(2.3)`, "2"),
		),
		conv("tolong", nil, types.Long,
			"converts the value to a 64-bit integer; null when it does not convert",
			ex(`tolong("123") == 123`, "true"),
		),
		conv("toreal", []string{"todouble"}, types.Real,
			"converts the value to a real; null when it does not convert",
			ex(`toreal("123.4") == 123.4`, "true"),
		),
		conv("tobool", []string{"toboolean"}, types.Bool,
			"converts the value to a bool; null when it does not convert",
			ex(`tobool("true") == true`, "true"),
			ex(`tobool("false") == false`, "true"),
			ex(`tobool(1) == true`, "true"),
			ex(`tobool(123) == true`, "true"),
		),
		conv("todecimal", nil, types.Decimal,
			"converts the value to a decimal; null when it does not convert",
			ex(`todecimal("123.45678") == decimal(123.45678)`, "true"),
		),
		conv("todatetime", nil, types.DateTime,
			"converts the value to a datetime; null when it does not convert",
			ex(`todatetime('12-02-2022') == datetime('12-02-2022')`, "true"),
		),
		conv("totimespan", []string{"totime"}, types.TimeSpan,
			"converts the value to a timespan; null when it does not convert",
			ex(`totimespan("0.00:03:00")`, "00:03:00"),
			ex(`totimespan(4d)`, "4.00:00:00"),
			ex(`totimespan(5 * 1h)`, "05:00:00"),
			ex(`totimespan(5 * 2m)`, "00:10:00"),
			ex(`totimespan(5 * 4s)`, "00:00:20"),
		),
		conv("toguid", nil, types.GUID,
			"converts the first 32 hex digits of the value, ignoring hyphens, to a guid; null when it does not convert",
			ex(`toguid("0123456789abcdef0123456789abcdef")`, "01234567-89ab-cdef-0123-456789abcdef"),
			ex(`toguid("0123456789ab-cdef-0123-456789abcdef")`, "01234567-89ab-cdef-0123-456789abcdef"),
			ex(`toguid("a string that is not a guid")`, ""),
		),
		{
			Name: "tohex", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("tohex", types.String, argInteger, argInteger),
			Doc:    "converts an int or long to lower-case hexadecimal (two's complement for negatives), padded with zeros to the minimum length",
			Examples: []Example{
				ex(`tohex(256) == '100'`, "true"),
				ex(`tohex(-256) == 'ffffffffffffff00'`, "true"),
				ex(`tohex(toint(-256), 8) == 'ffffff00'`, "true"),
				ex(`tohex(256, 8) == '00000100'`, "true"),
				ex(`tohex(256, 2) == '100'`, "true"),
			},
			Scalar: tohex,
		},
	}
}

func tohex(_ *Context, args []types.Value) types.Value {
	v := args[0]
	if v.IsNull() || !v.Type.IsInteger() && v.Type != types.Dynamic {
		return types.NullOf(types.String)
	}
	n, ok := asLong(v)
	if !ok {
		return types.NullOf(types.String)
	}
	var s string
	if v.Type == types.Int {
		s = strconv.FormatUint(uint64(uint32(n)), 16)
	} else {
		s = strconv.FormatUint(uint64(n), 16)
	}
	if len(args) > 1 {
		if w, ok := asLong(args[1]); ok && w > int64(len(s)) && w <= 64 {
			s = strings.Repeat("0", int(w)-len(s)) + s
		}
	}
	return types.NewString(s)
}
