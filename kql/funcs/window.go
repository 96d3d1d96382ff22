package funcs

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/types"
)

// Window functions (row_number, prev, next, row_cumsum, row_window_session, row_rank_min,
// row_rank_dense) need a serialized row set: the value of a row depends on the rows before
// or after it. Their Func entries have Kind Window and no Scalar kernel; the executor gets
// their kernel from [WindowKernelFor] and calls it once per serialized row set (after
// `serialize`, `sort`, `top`, ... or per partition), with every argument already evaluated
// for every row. Window calls nested in arguments (`row_number(1, prev(A) != A)`) are
// evaluated first, innermost out.

// WindowCall is the input of a [WindowKernel].
type WindowCall struct {
	// Rows is the number of rows in the serialized row set.
	Rows int
	// Args holds, for each argument, its value at every row (len Rows). An argument that
	// the function requires to be constant (the offset of prev) is read from row 0.
	Args [][]types.Value
	// Types holds each argument's type, for the type of nulls the kernel produces.
	Types []types.Type
}

// WindowKernel computes a window function: one value per row of the call, in row order.
// It returns an error, worded for the user, for arguments it cannot use (a negative
// offset). Kernels are pure and may be called concurrently on different row sets.
type WindowKernel func(call WindowCall) ([]types.Value, error)

// WindowKernelFor returns the kernel of the window function called name (canonical name).
func WindowKernelFor(name string) (WindowKernel, bool) {
	switch name {
	case "row_number":
		return winRowNumber, true
	case "prev":
		return winShift(-1), true
	case "next":
		return winShift(1), true
	case "row_cumsum":
		return winCumsum, true
	case "row_window_session":
		return winSession, true
	case "row_rank_min":
		return winRank(false), true
	case "row_rank_dense":
		return winRank(true), true
	}
	return nil, false
}

// winRestart reports whether the optional restart argument i is true at row r.
func winRestart(call WindowCall, i, r int) bool {
	return i < len(call.Args) && call.Args[i][r].Bool()
}

// winConst reads an optional constant integer argument from row 0.
func winConst(call WindowCall, fn string, i int, def int64) (int64, error) {
	if i >= len(call.Args) || call.Rows == 0 {
		return def, nil
	}
	v, ok := dynLong(call.Args[i][0])
	if !ok {
		return 0, fmt.Errorf("%s(): argument %d: expected a constant integer", fn, i+1)
	}
	return v, nil
}

func winRowNumber(call WindowCall) ([]types.Value, error) {
	start, err := winConst(call, "row_number", 0, 1)
	if err != nil {
		return nil, err
	}
	out := make([]types.Value, call.Rows)
	n := start
	for r := range out {
		if r > 0 && winRestart(call, 1, r) {
			n = start
		}
		out[r] = types.NewLong(n)
		n++
	}
	return out, nil
}

// winShift implements prev (dir -1) and next (dir +1): the column's value offset rows away,
// or the default (null by default) outside the row set.
func winShift(dir int) WindowKernel {
	fn := "prev"
	if dir > 0 {
		fn = "next"
	}
	return func(call WindowCall) ([]types.Value, error) {
		off, err := winConst(call, fn, 1, 1)
		if err != nil {
			return nil, err
		}
		if off < 0 {
			return nil, fmt.Errorf("%s(): argument 2: expected a non-negative offset, found %d", fn, off)
		}
		def := types.NullOf(call.Types[0])
		if len(call.Args) > 2 && call.Rows > 0 {
			def = call.Args[2][0]
		}
		out := make([]types.Value, call.Rows)
		for r := range out {
			src := int64(r) + int64(dir)*off
			if src < 0 || src >= int64(call.Rows) {
				out[r] = def
			} else {
				out[r] = call.Args[0][src]
			}
		}
		return out, nil
	}
}

// winCumsum implements row_cumsum(term[, restart]): the running sum, reset to 0 before rows
// where restart is true. Nulls add nothing. The result has the term's type (int sums as
// long, following sum).
func winCumsum(call WindowCall) ([]types.Value, error) {
	out := make([]types.Value, call.Rows)
	t := aggSumType(call.Types[0])
	var i int64
	var f float64
	for r := range out {
		if winRestart(call, 1, r) {
			i, f = 0, 0
		}
		v := aggScalar(call.Args[0][r])
		if !v.IsNull() {
			switch v.Type {
			case types.Int, types.Long, types.TimeSpan:
				i += v.I
				f += float64(v.I)
			case types.Real:
				f += v.F
			}
		}
		switch t {
		case types.Long, types.TimeSpan:
			out[r] = types.Value{Type: t, I: i}
		default:
			out[r] = types.NewReal(f)
		}
	}
	return out, nil
}

// winSession implements row_window_session(expr, maxDistanceFromFirst,
// maxDistanceBetweenNeighbors[, restart]): each row gets the expr value that starts its
// session; a session starts at the first row, after a null, when restart is true, or when
// the value reaches the session start plus maxDistanceFromFirst or the previous value plus
// maxDistanceBetweenNeighbors.
func winSession(call WindowCall) ([]types.Value, error) {
	out := make([]types.Value, call.Rows)
	if call.Rows == 0 {
		return out, nil
	}
	first, ok1 := winSpan(call.Args[1][0])
	neigh, ok2 := winSpan(call.Args[2][0])
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("row_window_session(): expected constant timespan distances")
	}
	var start, prev types.Value
	for r := range out {
		v := call.Args[0][r]
		switch {
		case v.IsNull():
			out[r] = types.NullOf(call.Types[0])
			start, prev = types.Value{}, types.Value{}
			continue
		case start.IsNull() || winRestart(call, 3, r) ||
			v.I >= start.I+first || v.I >= prev.I+neigh:
			start = v
		}
		prev = v
		out[r] = start
	}
	return out, nil
}

func winSpan(v types.Value) (int64, bool) {
	v = aggScalar(v)
	if v.IsNull() || (v.Type != types.TimeSpan && !v.Type.IsInteger()) {
		return 0, false
	}
	return v.I, true
}

// winRank implements row_rank_min (the row number of the first row with an equal term) and
// row_rank_dense (a number that grows by one whenever the term changes), restarting at 1
// where restart is true.
func winRank(dense bool) WindowKernel {
	return func(call WindowCall) ([]types.Value, error) {
		out := make([]types.Value, call.Rows)
		var rowNum, rank int64
		for r := range out {
			if r == 0 || winRestart(call, 1, r) {
				rowNum, rank = 1, 1
			} else {
				rowNum++
				if !types.Same(call.Args[0][r], call.Args[0][r-1]) {
					if dense {
						rank++
					} else {
						rank = rowNum
					}
				}
			}
			out[r] = types.NewLong(rank)
		}
		return out, nil
	}
}

// windowFuncs declares the window functions.
func windowFuncs() []*Func {
	win := func(name string, min, max int, result func([]types.Type) (types.Type, error), doc string) *Func {
		return &Func{Name: name, Kind: Window, MinArgs: min, MaxArgs: max, Result: result, Naming: NameNone, Doc: doc}
	}
	// row_rank is the function's earlier name, still accepted by Kusto.Language.
	rowRankDense := win("row_rank_dense", 1, 2, returns("row_rank_dense", types.Long, argOrderable, argBool),
		"a rank that grows by one each time the term changes")
	rowRankDense.Aliases = []string{"row_rank"}
	return []*Func{
		win("row_number", 0, 2, returns("row_number", types.Long, argInteger, argBool),
			"the row's index in the serialized row set, from StartingIndex (1), restarting where restart is true"),
		win("prev", 1, 3, returnsArg("prev", 0, types.Dynamic, argAny, argInteger, argAny),
			"the column's value offset rows (1) before the current row, or the default (null)"),
		win("next", 1, 3, returnsArg("next", 0, types.Dynamic, argAny, argInteger, argAny),
			"the column's value offset rows (1) after the current row, or the default (null)"),
		win("row_cumsum", 1, 2, func(args []types.Type) (types.Type, error) {
			if err := checkArgs("row_cumsum", args, []argKind{argNumber, argBool}); err != nil {
				return types.Unknown, err
			}
			return aggSumType(args[0]), nil
		}, "the cumulative sum of the term, reset to 0 where restart is true"),
		win("row_window_session", 3, 4, func(args []types.Type) (types.Type, error) {
			if len(args) > 0 && args[0] != types.DateTime && args[0] != types.Unknown {
				return types.Unknown, argTypeError("row_window_session", 0, "datetime", args[0])
			}
			for i := 1; i < min(len(args), 3); i++ {
				if args[i] != types.TimeSpan && args[i] != types.Unknown {
					return types.Unknown, argTypeError("row_window_session", i, "timespan", args[i])
				}
			}
			if err := checkArgs("row_window_session", args, []argKind{argAny, argAny, argAny, argBool}); err != nil {
				return types.Unknown, err
			}
			return types.DateTime, nil
		}, "the datetime that starts the row's session"),
		win("row_rank_min", 1, 2, returns("row_rank_min", types.Long, argOrderable, argBool),
			"the row number of the first row whose term equals the current row's"),
		rowRankDense,
	}
}
