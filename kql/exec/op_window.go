package exec

import (
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// newSerialProject is a projection with window functions (row_number, prev, next,
// row_cumsum, ...): it buffers its input and evaluates the expressions once over all rows
// in order, so neighbouring rows are visible across batch boundaries.
func (x *executor) newSerialProject(n *plan.Project, next processor) (processor, error) {
	fns, err := x.compileAll(n.Exprs)
	if err != nil {
		return nil, err
	}
	return &bufferProc{x: x, op: n.Op, schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		cols := make([]column.Vector, len(fns))
		for i, f := range fns {
			cols[i] = f(in)
		}
		out := &column.Batch{Schema: n.Fields, Cols: cols, Len: in.Len}
		var bs []*column.Batch
		for i := 0; i < out.Len; i += x.batch {
			bs = append(bs, out.Slice(i, min(i+x.batch, out.Len)))
		}
		return bs, nil
	}}, nil
}

// compileWindow evaluates a window function over a batch taken as the whole row set.
func (x *executor) compileWindow(e *plan.Window) (evalFn, error) {
	args, err := x.compileAll(e.Args)
	if err != nil {
		return nil, err
	}
	t := e.T
	if t == types.Unknown {
		t = types.Dynamic
	}
	arg := func(b *column.Batch, i int) column.Vector {
		if i < len(args) {
			return args[i](b)
		}
		return nil
	}
	return func(b *column.Batch) column.Vector {
		n := b.Len
		bld := column.NewBuilder(t)
		switch e.Kind {
		case "row_number":
			start := int64(1)
			if v := arg(b, 0); v != nil && n > 0 {
				if s := types.ToLong(v.Value(0)); !s.IsNull() {
					start = s.I
				}
			}
			restart := arg(b, 1)
			k := start
			for i := 0; i < n; i++ {
				if restart != nil && boolOf(restart.Value(i)).Bool() {
					k = start
				}
				appendValue(bld, t, types.NewLong(k))
				k++
			}
		case "prev", "next":
			v := arg(b, 0)
			off := 1
			if o := arg(b, 1); o != nil && n > 0 {
				off = int(types.ToLong(o.Value(0)).I)
			}
			def := arg(b, 2)
			for i := 0; i < n; i++ {
				j := i - off
				if e.Kind == "next" {
					j = i + off
				}
				switch {
				case j >= 0 && j < n:
					appendValue(bld, t, v.Value(j))
				case def != nil:
					appendValue(bld, t, def.Value(i))
				default:
					bld.AppendNull()
				}
			}
		case "row_cumsum":
			v := arg(b, 0)
			restart := arg(b, 1)
			sum := types.Convert(types.NewLong(0), t)
			for i := 0; i < n; i++ {
				if restart != nil && boolOf(restart.Value(i)).Bool() {
					sum = types.Convert(types.NewLong(0), t)
				}
				if c := v.Value(i); !c.IsNull() {
					sum = types.Arith(types.OpAdd, sum, c)
				}
				appendValue(bld, t, sum)
			}
		case "row_rank_min", "row_rank_dense":
			v := arg(b, 0)
			restart := arg(b, 1)
			rank := int64(0)
			first := 0
			for i := 0; i < n; i++ {
				if restart != nil && boolOf(restart.Value(i)).Bool() {
					first = i
				}
				switch {
				case i == first:
					rank = 1
				case !types.Same(v.Value(i), v.Value(i-1)):
					if e.Kind == "row_rank_min" {
						rank = int64(i - first + 1)
					} else {
						rank++
					}
				}
				appendValue(bld, t, types.NewLong(rank))
			}
		default:
			// The other window functions (row_window_session) come from the registry's
			// kernels. A kernel error (a distance that is not constant) gives nulls.
			var out []types.Value
			if k, ok := funcs.WindowKernelFor(string(e.Kind)); ok {
				call := funcs.WindowCall{Rows: n}
				for i := range args {
					v := args[i](b)
					vals := make([]types.Value, n)
					for r := range vals {
						vals[r] = v.Value(r)
					}
					call.Args = append(call.Args, vals)
					call.Types = append(call.Types, e.Args[i].Type())
				}
				out, _ = k(call)
			}
			for i := 0; i < n; i++ {
				if i < len(out) {
					appendValue(bld, t, out[i])
				} else {
					bld.AppendNull()
				}
			}
		}
		return bld.Build()
	}, nil
}
