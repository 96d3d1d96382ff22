package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestLogicalKernels(t *testing.T) {
	b, s := types.Bool, types.String
	runScalarCases(t, []scCase{
		{"iff", vArgs(vBool(false), vStr("yes"), vStr("no")), "no", s},
		{"iff", vArgs(vBool(true), vStr("yes"), vStr("no")), "yes", s},
		{"iff", vArgs(vNull(b), vLong(1), vLong(2)), "2", types.Long},
		{"iff", vArgs(vBool(true), vInt(1), vLong(2)), "1", types.Long},
		{"iif", vArgs(vBool(true), vNull(types.Real), vLong(2)), "null", types.Real},
		{"case", vArgs(vBool(true), vStr("Small"), vBool(true), vStr("Medium"), vStr("Large")), "Small", s},
		{"case", vArgs(vBool(false), vStr("Small"), vBool(true), vStr("Medium"), vStr("Large")), "Medium", s},
		{"case", vArgs(vBool(false), vStr("Small"), vNull(b), vStr("Medium"), vStr("Large")), "Large", s},
		{"coalesce", vArgs(vNull(types.Long), vLong(42), vLong(33)), "42", types.Long},
		{"coalesce", vArgs(vStr(""), vStr("b")), "b", s},
		{"coalesce", vArgs(vNull(types.Long), vNull(types.Long)), "null", types.Long},
		// iff and case ignore dynamic values when typing their result (Kusto's
		// CommonNonDynamic): a dynamic branch next to a string gives a string.
		{"iff", vArgs(vBool(false), vDyn(`"cmd.exe"`), vStr("")), ``, s},
		{"iff", vArgs(vBool(true), vDyn(`"cmd.exe"`), vStr("")), `cmd.exe`, s},
		{"iff", vArgs(vBool(true), vStr("x"), vDyn(`[1]`)), `x`, s},
		{"iff", vArgs(vBool(false), vStr("x"), vDyn(`{"a":[1]}`)), `{"a":[1]}`, s},
		{"iff", vArgs(vBool(false), vDyn(`1`), vDyn(`[1]`)), `[1]`, types.Dynamic},
		{"iff", vArgs(vBool(true), vDyn(`"7"`), vLong(1)), `7`, types.Long},
		// Values without a common type make the result dynamic.
		{"iff", vArgs(vBool(true), vStr("x"), vLong(1)), `x`, types.Dynamic},
		{"case", vArgs(vBool(false), vDyn(`{"a":1}`), vLong(7)), "7", types.Long},
		{"case", vArgs(vBool(true), vDyn(`{"a":1}`), vLong(7)), "null", types.Long},
		// coalesce: a dynamic argument makes the result dynamic.
		{"coalesce", vArgs(vStr(""), vNull(types.Dynamic), vStr("b")), "b", types.Dynamic},
		{"coalesce", vArgs(vNull(types.Dynamic), vStr("")), "null", types.Dynamic},
		{"isempty", vArgs(vStr("")), "true", b},
		{"isempty", vArgs(vStr("x")), "false", b},
		{"isempty", vArgs(vNull(types.Int)), "true", b},
		{"isempty", vArgs(vNull(types.Dynamic)), "true", b},
		{"isempty", vArgs(vDyn(`""`)), "true", b},
		{"isempty", vArgs(vDyn(`[]`)), "false", b},
		{"isnotempty", vArgs(vStr("")), "false", b},
		{"notempty", vArgs(vLong(1)), "true", b},
		{"isnull", vArgs(vNull(types.Int)), "true", b},
		{"isnull", vArgs(vStr("")), "false", b},
		{"isnotnull", vArgs(vNull(types.DateTime)), "false", b},
		{"notnull", vArgs(vDT("2020-01-01")), "true", b},
		{"not", vArgs(vBool(false)), "true", b},
		{"not", vArgs(vNull(b)), "null", b},
		{"gettype", vArgs(vStr("a")), "string", s},
		{"gettype", vArgs(vLong(111)), "long", s},
		{"gettype", vArgs(vBool(true)), "bool", s},
		{"gettype", vArgs(vSpan(1)), "timespan", s},
		{"gettype", vArgs(vDyn("1")), "int", s},
		{"gettype", vArgs(vDyn("10000000000")), "long", s},
		{"gettype", vArgs(vDyn("1.5")), "real", s},
		{"gettype", vArgs(vDyn(`"abc"`)), "string", s},
		{"gettype", vArgs(vDyn(`{"abc":1}`)), "dictionary", s},
		{"gettype", vArgs(vDyn(`[1,2,3]`)), "array", s},
		{"gettype", vArgs(vNull(types.Dynamic)), "null", s},
	})
}

func TestLogicalResultTypes(t *testing.T) {
	reg := scalarRegistry()
	tests := []struct {
		fn      string
		args    []types.Type
		want    types.Type
		wantErr string
	}{
		{"iff", []types.Type{types.Bool, types.String, types.String}, types.String, ""},
		{"iff", []types.Type{types.Bool, types.Int, types.Real}, types.Real, ""},
		{"iff", []types.Type{types.Bool, types.Unknown, types.Long}, types.Long, ""},
		{"iff", []types.Type{types.Long, types.Long, types.Long}, types.Unknown, "iff(): argument 1: expected a value of type bool, found long"},
		{"iff", []types.Type{types.Bool, types.String, types.Long}, types.Dynamic, ""},
		{"case", []types.Type{types.Bool, types.String, types.Bool, types.String, types.String}, types.String, ""},
		{"case", []types.Type{types.Bool, types.String, types.Bool, types.String}, types.Unknown, "case(): expected an odd number of arguments (predicate, value pairs and an else value), found 4"},
		{"case", []types.Type{types.String, types.String, types.String}, types.Unknown, "case(): argument 1: expected a value of type bool, found string"},
		{"coalesce", []types.Type{types.Long, types.Int}, types.Long, ""},
		{"coalesce", []types.Type{types.Long, types.String}, types.Unknown, "coalesce(): argument 2: expected a value of type long, found string"},
		{"iff", []types.Type{types.Bool, types.Dynamic, types.String}, types.String, ""},
		{"iif", []types.Type{types.Bool, types.String, types.Dynamic}, types.String, ""},
		{"iff", []types.Type{types.Bool, types.Long, types.Dynamic}, types.Long, ""},
		{"iff", []types.Type{types.Bool, types.Dynamic, types.Dynamic}, types.Dynamic, ""},
		{"iff", []types.Type{types.Bool, types.Dynamic, types.Unknown}, types.Dynamic, ""},
		{"iff", []types.Type{types.Dynamic, types.Int, types.Long}, types.Long, ""},
		{"case", []types.Type{types.Bool, types.Dynamic, types.Bool, types.String, types.String}, types.String, ""},
		{"case", []types.Type{types.Bool, types.String, types.Bool, types.Long, types.Dynamic}, types.Dynamic, ""},
		{"coalesce", []types.Type{types.String, types.Dynamic, types.String}, types.Dynamic, ""},
		{"coalesce", []types.Type{types.Dynamic, types.String}, types.Dynamic, ""},
		{"not", []types.Type{types.String}, types.Unknown, "not(): argument 1: expected a value of type bool, found string"},
	}
	for _, tt := range tests {
		got, err := mustLookup(t, reg, tt.fn).Result(tt.args)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s.Result(%v) = %s, %q, want %s, %q", tt.fn, tt.args, got, gotErr, tt.want, tt.wantErr)
		}
	}
}
