package exec

import (
	"sort"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// newSortProc is sort/order and top: it buffers its input (within the memory budget),
// orders the rows at flush and emits them (the first Limit of them for top).
func (x *executor) newSortProc(n *plan.Sort, next processor) (processor, error) {
	keys := make([]evalFn, len(n.Keys))
	for i, k := range n.Keys {
		f, err := x.compile(k.X)
		if err != nil {
			return nil, err
		}
		keys[i] = f
	}
	op := n.Op
	if op == "" {
		op = "sort"
	}
	return &bufferProc{x: x, op: op, schema: n.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		perm := x.sortPerm(in, n.Keys, keys)
		if n.Limit >= 0 && int64(len(perm)) > n.Limit {
			perm = perm[:n.Limit]
		}
		return gatherBatches(in, perm, x.batch), nil
	}}, nil
}

// sortPerm returns the row order of b under keys.
func (x *executor) sortPerm(b *column.Batch, keys []plan.SortKey, fns []evalFn) []int32 {
	vals := make([][]types.Value, len(fns))
	for k, f := range fns {
		v := f(b)
		vals[k] = make([]types.Value, b.Len)
		for i := range vals[k] {
			vals[k][i] = unDyn(v.Value(i))
		}
	}
	perm := make([]int32, b.Len)
	for i := range perm {
		perm[i] = int32(i)
	}
	sort.SliceStable(perm, func(i, j int) bool {
		a, c := perm[i], perm[j]
		for k, key := range keys {
			if r := compareKey(vals[k][a], vals[k][c], key); r != 0 {
				return r < 0
			}
		}
		return false
	})
	return perm
}

// compareKey orders two values by one sort key: nulls (and NaN) first or last as the key
// says, other values ascending or descending.
func compareKey(a, b types.Value, k plan.SortKey) int {
	an, bn := types.IsNullOrNaN(a) || (a.Type == types.String && false), types.IsNullOrNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		if k.NullsFirst {
			return -1
		}
		return 1
	case bn:
		if k.NullsFirst {
			return 1
		}
		return -1
	}
	c := types.Compare(a, b)
	if k.Desc {
		return -c
	}
	return c
}

// gatherBatches returns the rows of b at idx, in batches of at most size rows.
func gatherBatches(b *column.Batch, idx []int32, size int) []*column.Batch {
	var out []*column.Batch
	for i := 0; i < len(idx); i += size {
		end := min(i+size, len(idx))
		out = append(out, b.Gather(idx[i:end]))
	}
	return out
}
