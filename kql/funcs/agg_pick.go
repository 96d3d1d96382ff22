package funcs

import (
	"github.com/socfeed/socfeed/kql/types"
)

// argAgg keeps the row that maximizes (arg_max) or minimizes (arg_min) its first argument
// and returns all its arguments from that row, one column each (see [MultiResult]).
//
// A null or NaN key never beats a real one; among equal keys the first row seen is kept.
// When every key of the group is null, the first row is returned (with its null key), as
// Kusto's null-handling example shows.
type argAgg struct {
	max   bool
	types []types.Type
	row   []types.Value
	has   bool
}

func aggNewArg(max bool) AggFactory {
	return func(argTypes []types.Type, _ []types.Value) (Aggregator, error) {
		return &argAgg{max: max, types: append([]types.Type(nil), argTypes...)}, nil
	}
}

func (a *argAgg) better(key types.Value) bool {
	if !a.has {
		return true
	}
	if types.IsNullOrNaN(key) {
		return false
	}
	if types.IsNullOrNaN(a.row[0]) {
		return true
	}
	c := types.Compare(key, a.row[0])
	return (a.max && c > 0) || (!a.max && c < 0)
}

func (a *argAgg) Add(args []types.Value) int {
	if !a.better(args[0]) {
		return 0
	}
	old := aggRowBytes(a.row)
	a.row = append(a.row[:0], args...)
	a.has = true
	return max(aggRowBytes(a.row)-old, 0)
}

func aggRowBytes(row []types.Value) int {
	n := 0
	for _, v := range row {
		n += 48 + len(v.S)
	}
	return n
}

func (a *argAgg) Merge(other Aggregator) {
	if o := aggOther[*argAgg](a, other); o.has {
		a.Add(o.row)
	}
}

// Result returns the first column: the extreme key.
func (a *argAgg) Result() types.Value { return a.Results()[0] }

// Results returns the chosen row's arguments; nulls when the group had no rows.
func (a *argAgg) Results() []types.Value {
	if !a.has {
		out := make([]types.Value, len(a.types))
		for i, t := range a.types {
			out[i] = types.NullOf(t)
		}
		return out
	}
	return append([]types.Value(nil), a.row...)
}

// anyAgg returns its arguments from one row of the group: take_any(x, ...), any(x, ...),
// take_anyif(x, p). It keeps the first row, but while the first argument is null or an
// empty string it moves to the next row that has a value, as Kusto tries to return a
// non-null, non-empty value.
type anyAgg struct {
	types []types.Type
	row   []types.Value
	has   bool
}

func aggNewAny(argTypes []types.Type, _ []types.Value) (Aggregator, error) {
	return &anyAgg{types: append([]types.Type(nil), argTypes...)}, nil
}

func (a *anyAgg) Add(args []types.Value) int {
	if a.has && (!aggIsEmpty(a.row[0]) || aggIsEmpty(args[0])) {
		return 0
	}
	old := aggRowBytes(a.row)
	a.row = append(a.row[:0], args...)
	a.has = true
	return max(aggRowBytes(a.row)-old, 0)
}

func (a *anyAgg) Merge(other Aggregator) {
	if o := aggOther[*anyAgg](a, other); o.has {
		a.Add(o.row)
	}
}

// Result returns the first column.
func (a *anyAgg) Result() types.Value { return a.Results()[0] }

// Results returns the chosen row's arguments; nulls when the group had no rows.
func (a *anyAgg) Results() []types.Value {
	if !a.has {
		out := make([]types.Value, len(a.types))
		for i, t := range a.types {
			out[i] = types.NullOf(t)
		}
		return out
	}
	return append([]types.Value(nil), a.row...)
}
