package funcs

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/types"
)

// argKind says which argument types a function's parameter accepts; every function's
// Result rule checks its arguments with these (see [checkArgs]). Unknown is always
// accepted: the checker has already reported why the type is unknown. Dynamic is accepted
// wherever Kusto converts a dynamic argument at run time, which is everywhere but
// argOrderable and argStringOnly.
type argKind uint8

const (
	argAny        argKind = iota // any scalar, dynamic included
	argString                    // string; dynamic too, read through tostring()
	argText                      // any scalar, read through tostring()
	argNumber                    // int, long, real or decimal
	argInteger                   // int or long
	argBool                      // bool
	argDateTime                  // datetime
	argTimeSpan                  // timespan
	argDynamic                   // dynamic
	argBinnable                  // number, datetime or timespan: what bin() rounds
	argTimeLike                  // datetime or timespan
	argSummable                  // number or timespan: what sum() adds
	argOrderable                 // any scalar but dynamic: what min(), max() and arg_max() compare
	argStringOnly                // string, and not dynamic
)

func (k argKind) accepts(t types.Type) bool {
	if t == types.Unknown {
		return true
	}
	switch k {
	case argAny, argText:
		return true
	case argString:
		return t == types.String || t == types.Dynamic
	case argNumber:
		return t.IsNumeric() || t == types.Dynamic
	case argInteger:
		return t.IsInteger() || t == types.Dynamic
	case argBool:
		return t == types.Bool || t == types.Dynamic
	case argDateTime:
		return t == types.DateTime || t == types.Dynamic
	case argTimeSpan:
		return t == types.TimeSpan || t == types.Dynamic
	case argDynamic:
		return t == types.Dynamic
	case argBinnable:
		return t.IsNumeric() || t == types.DateTime || t == types.TimeSpan || t == types.Dynamic
	case argTimeLike:
		return t == types.DateTime || t == types.TimeSpan || t == types.Dynamic
	case argSummable:
		return t.IsNumeric() || t == types.TimeSpan || t == types.Dynamic
	case argOrderable:
		return t != types.Dynamic
	case argStringOnly:
		return t == types.String
	}
	return false
}

// String names the types the kind accepts, for error messages.
func (k argKind) String() string {
	return [...]string{
		argAny:        "scalar",
		argString:     "string",
		argText:       "scalar",
		argNumber:     "number",
		argInteger:    "int or long",
		argBool:       "bool",
		argDateTime:   "datetime",
		argTimeSpan:   "timespan",
		argDynamic:    "dynamic",
		argBinnable:   "number, datetime or timespan",
		argTimeLike:   "datetime or timespan",
		argSummable:   "number or timespan",
		argOrderable:  "scalar but dynamic",
		argStringOnly: "string",
	}[k]
}

// want describes what the kind accepts, for "expected ..." in error messages.
func (k argKind) want() string {
	switch k {
	case argAny, argText:
		return "a scalar value"
	case argOrderable:
		return "a scalar value that is not dynamic"
	}
	return "a value of type " + k.String()
}

// checkArgs checks each argument against params; the last param repeats for any further
// arguments, and no params accept anything. The error names the function and the 1-based
// argument.
func checkArgs(name string, args []types.Type, params []argKind) error {
	if len(params) == 0 {
		return nil
	}
	for i, t := range args {
		k := params[min(i, len(params)-1)]
		if !k.accepts(t) {
			return argError(name, i, k.want(), t)
		}
	}
	return nil
}

// argTypeError reports that argument i (0-based) of a function is not of the type named
// by want.
func argTypeError(name string, i int, want string, found types.Type) error {
	return argError(name, i, "a value of type "+want, found)
}

// argError reports that argument i (0-based) of a function is not what the phrase want
// describes ("a percentile between 0 and 100").
func argError(name string, i int, want string, found types.Type) error {
	return fmt.Errorf("%s(): argument %d: expected %s, found %s", name, i+1, want, found)
}

// returns gives a Result rule: arguments checked against params, result type ret.
func returns(name string, ret types.Type, params ...argKind) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := checkArgs(name, args, params); err != nil {
			return types.Unknown, err
		}
		return ret, nil
	}
}

// returnsArg gives a Result rule whose result type is that of argument i (Unknown stays
// Unknown); a dynamic argument gives ifDynamic.
func returnsArg(name string, i int, ifDynamic types.Type, params ...argKind) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := checkArgs(name, args, params); err != nil {
			return types.Unknown, err
		}
		if i >= len(args) {
			return types.Unknown, nil
		}
		if args[i] == types.Dynamic {
			return ifDynamic, nil
		}
		return args[i], nil
	}
}

// anyNull reports whether any of args is null. Strings are never null.
func anyNull(args []types.Value) bool {
	for _, a := range args {
		if a.IsNull() {
			return true
		}
	}
	return false
}

// text reads an argument as a string the way tostring() does.
func text(v types.Value) string {
	if v.Type == types.String {
		return v.S
	}
	return v.String()
}

// asLong reads an integer argument; ok is false for null or a value that is not a number.
func asLong(v types.Value) (int64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.Type {
	case types.Int, types.Long:
		return v.I, true
	}
	l := types.ToLong(v)
	return l.I, !l.IsNull()
}

// asReal reads a numeric argument as float64; ok is false for null or non-numbers.
func asReal(v types.Value) (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	if v.Type == types.Real {
		return v.F, true
	}
	r := types.ToReal(v)
	return r.F, !r.IsNull()
}

// asTicks reads a datetime or timespan argument (a dynamic string is parsed).
func asTicks(v types.Value, t types.Type) (int64, bool) {
	if v.IsNull() {
		return 0, false
	}
	if v.Type == t {
		return v.I, true
	}
	if v.Type != types.Dynamic && v.Type != types.String {
		return 0, false
	}
	c := types.Convert(v, t)
	return c.I, !c.IsNull()
}

// ex is shorthand for an Example.
func ex(expr, want string) Example { return Example{Expr: expr, Want: want} }

// argCountError reports a wrong number of arguments.
func argCountError(name, want string, found int) error {
	return fmt.Errorf("%s(): expected %s, found %d", name, want, found)
}
