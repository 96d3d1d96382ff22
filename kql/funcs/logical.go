package funcs

import (
	"github.com/socfeed/socfeed/kql/types"
)

// The result types of iff, case and coalesce follow Kusto.Language (Functions.cs and
// TypeFacts.TryGetCommonType):
//
//   - iff, iif and case return the common type of their value arguments ignoring the
//     dynamic ones (ReturnTypeKind.CommonNonDynamic): iff(c, Props.x, "") is a string, so
//     it may be grouped on. Values whose types have no common type (a string and a long)
//     make the result dynamic, since each value parameter is CommonScalarOrDynamic. Only
//     when every value is dynamic is the result dynamic for that reason.
//   - coalesce returns the common type of all its arguments (ReturnTypeKind.Common with
//     CommonScalar parameters): a dynamic argument makes the result dynamic, numbers widen,
//     and other mixes (a string and a long) are an error.
//
// The corpus labels agree: Microsoft's analyser accepts iff(c, Extprop['CommandLine'], '')
// followed by `summarize by` that column, and coalesce of string and dynamic columns.

// commonType merges the types of coalesce's arguments: Unknown yields to the other side,
// dynamic mixed with any scalar gives dynamic, numbers widen, and anything else must
// match. i is the argument index reported on a mismatch.
func commonType(name string, common types.Type, t types.Type, i int) (types.Type, error) {
	switch {
	case t == types.Unknown:
		return common, nil
	case common == types.Unknown || t == common:
		return t, nil
	case t == types.Dynamic || common == types.Dynamic:
		return types.Dynamic, nil
	case t.IsNumeric() && common.IsNumeric():
		return widerNumber(common, t), nil
	}
	return types.Unknown, argTypeError(name, i, common.String(), t)
}

// commonNonDynamic is the result type of iff and case given their value arguments' types:
// the common type of the values that are not dynamic (numbers widen; other mixes give
// dynamic), or dynamic when every known value is dynamic. Unknown types are skipped.
func commonNonDynamic(ts []types.Type) types.Type {
	var common types.Type
	sawDynamic := false
	for _, t := range ts {
		switch {
		case t == types.Unknown:
		case t == types.Dynamic:
			sawDynamic = true
		case common == types.Unknown || t == common:
			common = t
		case t.IsNumeric() && common.IsNumeric():
			common = widerNumber(common, t)
		default:
			return types.Dynamic
		}
	}
	if common == types.Unknown && sawDynamic {
		return types.Dynamic
	}
	return common
}

// asType converts a chosen value to the call's result type: int → long when another value
// is long, any scalar → dynamic when the result is dynamic, and a dynamic value → the
// result's scalar type (tostring() of it for a string result). The untyped null becomes
// the typed null.
func asType(v types.Value, t types.Type) types.Value {
	if v.Type == t || t == types.Unknown {
		return v
	}
	if v.IsNull() {
		return types.NullOf(t)
	}
	if v.Type.IsNumeric() && t.IsNumeric() || t == types.Dynamic || v.Type == types.Dynamic {
		return types.Convert(v, t)
	}
	return v
}

// typesOf returns the values' types.
func typesOf(vs []types.Value) []types.Type {
	ts := make([]types.Type, len(vs))
	for i, v := range vs {
		ts[i] = v.Type
	}
	return ts
}

// logicalFuncs declares the conditional and null-testing functions.
func logicalFuncs() []*Func {
	iffResult := func(name string) func([]types.Type) (types.Type, error) {
		return func(args []types.Type) (types.Type, error) {
			if len(args) < 3 {
				return types.Unknown, nil
			}
			if !argBool.accepts(args[0]) {
				return types.Unknown, argTypeError(name, 0, "bool", args[0])
			}
			return commonNonDynamic(args[1:3]), nil
		}
	}
	iff := func(_ *Context, args []types.Value) types.Value {
		t := commonNonDynamic(typesOf(args[1:3]))
		if args[0].Bool() || args[0].Type == types.Dynamic && types.ToBool(args[0]).Bool() {
			return asType(args[1], t)
		}
		return asType(args[2], t)
	}
	return []*Func{
		{
			Name: "iff", Kind: Scalar, MinArgs: 3, MaxArgs: 3, Result: iffResult("iff"),
			Doc: "returns the second argument when the condition is true, else the third (also when the condition is null)",
			Examples: []Example{
				ex(`iff(1 > 2, "yes", "no")`, "no"),
				ex(`iff(bool(null), 1, 2)`, "2"),
			},
			Scalar: iff,
		},
		{
			Name: "iif", Kind: Scalar, MinArgs: 3, MaxArgs: 3, Result: iffResult("iif"),
			Doc:      "returns the second argument when the condition is true, else the third; the same as iff",
			Examples: []Example{ex(`iif(2 > 1, "yes", "no")`, "yes")},
			Scalar:   iff,
		},
		{
			Name: "case", Kind: Scalar, MinArgs: 3, MaxArgs: -1,
			Result: func(args []types.Type) (types.Type, error) {
				if len(args)%2 == 0 {
					return types.Unknown, argCountError("case", "an odd number of arguments (predicate, value pairs and an else value)", len(args))
				}
				var vals []types.Type
				for i, t := range args {
					if i%2 == 0 && i < len(args)-1 {
						if !argBool.accepts(t) {
							return types.Unknown, argTypeError("case", i, "bool", t)
						}
						continue
					}
					vals = append(vals, t)
				}
				return commonNonDynamic(vals), nil
			},
			Doc: "returns the value after the first true predicate, or the last argument when none is true",
			Examples: []Example{
				ex(`case(1 <= 3, "Small", 1 <= 10, "Medium", "Large")`, "Small"),
				ex(`case(5 <= 3, "Small", 5 <= 10, "Medium", "Large")`, "Medium"),
				ex(`case(11 <= 3, "Small", 11 <= 10, "Medium", "Large")`, "Large"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				var vals []types.Value
				for i := 1; i < len(args); i += 2 {
					vals = append(vals, args[i])
				}
				vals = append(vals, args[len(args)-1])
				t := commonNonDynamic(typesOf(vals))
				for i := 0; i+1 < len(args); i += 2 {
					if args[i].Bool() {
						return asType(args[i+1], t)
					}
				}
				return asType(args[len(args)-1], t)
			},
		},
		{
			Name: "coalesce", Kind: Scalar, MinArgs: 2, MaxArgs: 64,
			Result: func(args []types.Type) (types.Type, error) {
				var common types.Type
				for i, t := range args {
					var err error
					if common, err = commonType("coalesce", common, t, i); err != nil {
						return types.Unknown, err
					}
				}
				return common, nil
			},
			Doc: "returns the first argument that is not null (for strings, not empty)",
			Examples: []Example{
				ex(`coalesce(tolong("not a number"), tolong("42"), 33)`, "42"),
				ex(`coalesce("", "b")`, "b"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				t := resultTypeOf(args...)
				for _, a := range args {
					if !a.IsNull() && !(a.Type == types.String && a.S == "") {
						return asType(a, t)
					}
				}
				return types.NullOf(t)
			},
		},
		{
			Name: "isempty", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("isempty", types.Bool, argAny),
			Doc:    "reports whether the value is null or an empty string",
			Examples: []Example{
				ex(`isempty("")`, "true"),
				ex(`isempty("x")`, "false"),
				ex(`isempty(int(null))`, "true"),
				ex(`isempty(parse_json(""))`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return types.NewBool(isEmpty(args[0])) },
		},
		{
			Name: "isnotempty", Aliases: []string{"notempty"}, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("isnotempty", types.Bool, argAny),
			Doc:    "reports whether the value is neither null nor an empty string",
			Examples: []Example{
				ex(`isnotempty("")`, "false"),
				ex(`isnotempty("x")`, "true"),
				ex(`isnotempty(1)`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return types.NewBool(!isEmpty(args[0])) },
		},
		{
			Name: "isnull", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("isnull", types.Bool, argAny),
			Doc:    "reports whether the value is null (a string is never null)",
			Examples: []Example{
				ex(`isnull(int(null))`, "true"),
				ex(`isnull("")`, "false"),
				ex(`isnull(1)`, "false"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return types.NewBool(args[0].IsNull()) },
		},
		{
			Name: "isnotnull", Aliases: []string{"notnull"}, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("isnotnull", types.Bool, argAny),
			Doc:    "reports whether the value is not null (a string is never null)",
			Examples: []Example{
				ex(`isnotnull(int(null))`, "false"),
				ex(`isnotnull("")`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return types.NewBool(!args[0].IsNull()) },
		},
		{
			Name: "not", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("not", types.Bool, argBool),
			Doc:    "negates a bool; null stays null",
			Examples: []Example{
				ex(`not(1 == 2)`, "true"),
				ex(`not(true)`, "false"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				b := types.ToBool(args[0])
				if b.IsNull() {
					return b
				}
				return types.NewBool(!b.Bool())
			},
		},
		{
			Name: "gettype", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("gettype", types.String, argAny),
			Doc:    "returns the name of the value's runtime type (for dynamic values: the JSON kind, such as array or dictionary)",
			Examples: []Example{
				ex(`gettype("a")`, "string"),
				ex(`gettype(111)`, "long"),
				ex(`gettype(1==1)`, "bool"),
				ex(`gettype(now())`, "datetime"),
				ex(`gettype(1s)`, "timespan"),
				ex(`gettype(parse_json('1'))`, "int"),
				ex(`gettype(parse_json(' "abc" '))`, "string"),
				ex(`gettype(parse_json(' {"abc":1} '))`, "dictionary"),
				ex(`gettype(parse_json(' [1, 2, 3] '))`, "array"),
				ex(`gettype(123.45)`, "real"),
				ex(`gettype(guid(12e8b78d-55b4-46ae-b068-26d7a0080254))`, "guid"),
				ex(`gettype(parse_json(''))`, "null"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return types.NewString(getType(args[0])) },
		},
	}
}

// resultTypeOf is the runtime form of commonType: dynamic when any value is dynamic, else
// the widest numeric type among the values, or the first known type.
func resultTypeOf(vs ...types.Value) types.Type {
	var t types.Type
	for _, v := range vs {
		switch {
		case v.Type == types.Unknown:
		case v.Type == types.Dynamic:
			return types.Dynamic
		case t == types.Unknown:
			t = v.Type
		case v.Type != t && v.Type.IsNumeric() && t.IsNumeric():
			t = widerNumber(t, v.Type)
		}
	}
	return t
}

func isEmpty(v types.Value) bool {
	if v.IsNull() {
		return true
	}
	switch v.Type {
	case types.String:
		return v.S == ""
	case types.Dynamic:
		return v.S == `""`
	}
	return false
}

func getType(v types.Value) string {
	if v.Type != types.Dynamic {
		if v.Type == types.Unknown {
			return "null"
		}
		return v.Type.String()
	}
	if v.IsNull() {
		return "null"
	}
	switch types.JSON(v.S).Kind() {
	case types.JSONObject:
		return "dictionary"
	case types.JSONArray:
		return "array"
	case types.JSONString:
		return "string"
	case types.JSONBool:
		return "bool"
	case types.JSONNumber:
		s := types.DynamicScalar(types.JSON(v.S))
		if s.Type == types.Long {
			if s.I == int64(int32(s.I)) {
				return "int"
			}
			return "long"
		}
		return "real"
	}
	return "null"
}
