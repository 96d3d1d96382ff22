package exec

import (
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
)

// appendValue appends v to a builder of type t, converting it when a kernel returned a
// value of another type (int for long, a typed null, ...).
func appendValue(b column.Builder, t types.Type, v types.Value) {
	if v.IsNull() {
		b.AppendNull()
		return
	}
	if v.Type != t {
		v = types.Convert(v, t)
		if v.IsNull() {
			b.AppendNull()
			return
		}
	}
	b.Append(v)
}

// fromValues builds a vector of type t from boxed values.
func fromValues(t types.Type, vals []types.Value) column.Vector {
	b := column.NewBuilder(t)
	for _, v := range vals {
		appendValue(b, t, v)
	}
	return b.Build()
}

// constVec is v repeated n times, typed t.
func constVec(t types.Type, v types.Value, n int) column.Vector {
	if v.IsNull() {
		v = types.NullOf(t)
	} else if v.Type != t {
		v = types.Convert(v, t)
	}
	return &column.Const{V: v, N: n}
}

// newNulls returns an empty null bitmap for n rows.
func newNulls(n int) column.Nulls { return make(column.Nulls, (n+63)/64) }

func setNull(n column.Nulls, i int) { n[i>>6] |= 1 << (uint(i) & 63) }

// concatTable concatenates every batch of t into one batch (nil when t has no rows).
func concatBatches(schema []column.Field, bs []*column.Batch) (*column.Batch, error) {
	if len(bs) == 0 {
		cols := make([]column.Vector, len(schema))
		for i, f := range schema {
			cols[i] = constVec(f.Type, types.NullOf(f.Type), 0)
		}
		return &column.Batch{Schema: schema, Cols: cols}, nil
	}
	if len(bs) == 1 {
		return bs[0], nil
	}
	cols := make([]column.Vector, len(schema))
	n := 0
	for _, b := range bs {
		n += b.Len
	}
	for i, f := range schema {
		vs := make([]column.Vector, 0, len(bs))
		for _, b := range bs {
			if b.Len > 0 {
				vs = append(vs, b.Cols[i])
			}
		}
		if len(vs) == 0 {
			cols[i] = constVec(f.Type, types.NullOf(f.Type), 0)
			continue
		}
		v, err := column.Concat(vs...)
		if err != nil {
			// Vectors of one column always share the column's type; rebuild from values
			// if a producer broke that.
			bld := column.NewBuilder(f.Type)
			for _, x := range vs {
				for r := 0; r < x.Len(); r++ {
					appendValue(bld, f.Type, x.Value(r))
				}
			}
			v = bld.Build()
		}
		cols[i] = v
	}
	return &column.Batch{Schema: schema, Cols: cols, Len: n}, nil
}

// rowsToBatches builds batches of at most size rows from boxed rows.
func rowsToBatches(schema []column.Field, rows [][]types.Value, size int) []*column.Batch {
	var out []*column.Batch
	for start := 0; start < len(rows) || (start == 0 && len(rows) == 0 && false); start += size {
		end := min(start+size, len(rows))
		cols := make([]column.Vector, len(schema))
		for j, f := range schema {
			b := column.NewBuilder(f.Type)
			for _, r := range rows[start:end] {
				appendValue(b, f.Type, r[j])
			}
			cols[j] = b.Build()
		}
		out = append(out, &column.Batch{Schema: schema, Cols: cols, Len: end - start})
	}
	return out
}

// batchBytes estimates the memory a batch holds, for the budget.
func batchBytes(b *column.Batch) int64 {
	var n int64
	for _, c := range b.Cols {
		switch v := c.(type) {
		case *column.Strings:
			if v.Dict != nil {
				n += int64(4 * len(v.Codes))
			} else {
				for _, s := range v.Plain {
					n += int64(16 + len(s))
				}
			}
		case *column.Dynamics:
			n += int64(len(v.Data) + 4*len(v.Offs))
		case *column.Const:
			n += 32
		default:
			n += int64(9 * c.Len())
		}
	}
	return n
}
