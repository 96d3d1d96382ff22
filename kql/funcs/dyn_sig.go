package funcs

import (
	"fmt"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// This file holds the small argument-checking helpers the aggregate, dynamic, window and
// series declarations share. Each returns an error worded for the user that names the
// function and the argument; Unknown argument types are always accepted, so one error is
// not reported twice.
//
// TODO(funcs): unify with the conversion/string group's helpers once both exist.

// dynArgError reports that argument i (0-based) of fn has the wrong type.
func dynArgError(fn string, i int, want string, got types.Type) error {
	return fmt.Errorf("argument %d of %s(): expected %s, found %s", i+1, fn, want, got)
}

// dynTypeClass is a set of types an argument accepts.
type dynTypeClass uint8

const (
	dynAny         dynTypeClass = iota // any scalar type, dynamic included
	dynBool                            // bool
	dynInteger                         // int or long
	dynNumber                          // int, long, real or decimal
	dynSummable                        // numbers and timespan
	dynOrderable                       // any type but dynamic (min, max, arg_max)
	dynNotDyn                          // any type but dynamic
	dynString                          // string
	dynDynamic                         // dynamic
	dynStringOrDyn                     // string or dynamic (for functions that parse text)
)

// accepts reports whether a value of type t fits the class. Dynamic values fit every class
// but dynNotDyn and dynOrderable, since Kusto converts a dynamic argument at run time.
func (c dynTypeClass) accepts(t types.Type) bool {
	if t == types.Unknown {
		return true
	}
	switch c {
	case dynAny:
		return true
	case dynBool:
		return t == types.Bool || t == types.Dynamic
	case dynInteger:
		return t.IsInteger() || t == types.Dynamic
	case dynNumber:
		return t.IsNumeric() || t == types.Dynamic
	case dynSummable:
		return t.IsNumeric() || t == types.TimeSpan || t == types.Dynamic
	case dynOrderable, dynNotDyn:
		return t != types.Dynamic
	case dynString:
		return t == types.String
	case dynDynamic:
		return t == types.Dynamic
	case dynStringOrDyn:
		return t == types.String || t == types.Dynamic
	}
	return false
}

// want describes the class for an error message.
func (c dynTypeClass) want() string {
	switch c {
	case dynBool:
		return "a value of type bool"
	case dynInteger:
		return "an integer value (int or long)"
	case dynNumber:
		return "a numeric value"
	case dynSummable:
		return "a numeric or timespan value"
	case dynOrderable, dynNotDyn:
		return "a scalar value that is not dynamic"
	case dynString:
		return "a value of type string"
	case dynDynamic:
		return "a value of type dynamic"
	case dynStringOrDyn:
		return "a value of type string or dynamic"
	}
	return "a scalar value"
}

// dynCheck checks args against classes; the last class repeats for extra arguments.
func dynCheck(fn string, args []types.Type, classes ...dynTypeClass) error {
	for i, t := range args {
		c := dynAny
		if len(classes) > 0 {
			c = classes[min(i, len(classes)-1)]
		}
		if !c.accepts(t) {
			return dynArgError(fn, i, c.want(), t)
		}
	}
	return nil
}

// dynFixed returns a Result rule that checks args and always gives type t.
func dynFixed(fn string, t types.Type, classes ...dynTypeClass) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := dynCheck(fn, args, classes...); err != nil {
			return types.Unknown, err
		}
		return t, nil
	}
}

// dynSameAsFirst returns a Result rule that checks args and gives the first argument's type.
func dynSameAsFirst(fn string, classes ...dynTypeClass) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := dynCheck(fn, args, classes...); err != nil {
			return types.Unknown, err
		}
		if len(args) == 0 {
			return types.Unknown, nil
		}
		return args[0], nil
	}
}

// dynNameFragment turns a constant into a column-name fragment as Kusto does for
// percentile(x, 99.9) → percentile_x_99_9: its text with every character that is not a
// letter, digit or '_' replaced by '_'.
func dynNameFragment(v types.Value) string {
	var text string
	switch v.Type {
	case types.Real:
		text = types.FormatReal(v.F)
	default:
		text = v.String()
	}
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, text)
}
