package exec

import (
	"errors"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// joinKeyBytes encodes a row's join key; ok is false when a key is null (nulls never
// match). Strings compare case-sensitively; int and long keys of equal value match.
func joinKeyBytes(buf []byte, cols []column.Vector, r int) ([]byte, bool) {
	for _, c := range cols {
		v := unDyn(c.Value(r))
		if v.IsNull() && v.Type != types.String {
			return buf, false
		}
		if v.Type == types.Int {
			v.Type = types.Long
		}
		buf = appendKey(buf, v)
	}
	return buf, true
}

// join computes join and lookup from both sides collected in full.
func (x *executor) join(n *plan.Join) ([]*column.Batch, error) {
	lt, err := x.collect(n.Left)
	if err != nil {
		return nil, err
	}
	rt, err := x.collect(n.Right)
	if err != nil {
		return nil, err
	}
	l, err := concatBatches(n.Left.Schema(), lt.Batches)
	if err != nil {
		return nil, err
	}
	r, err := concatBatches(n.Right.Schema(), rt.Batches)
	if err != nil {
		return nil, err
	}
	if err := x.budget.grow(n.Op, batchBytes(l)+batchBytes(r)); err != nil {
		return nil, err
	}
	lk := make([]column.Vector, len(n.LeftKeys))
	for i, k := range n.LeftKeys {
		lk[i] = l.Cols[k]
	}
	rk := make([]column.Vector, len(n.RightKeys))
	for i, k := range n.RightKeys {
		rk[i] = r.Cols[k]
	}
	// Hash the right side.
	index := map[string][]int32{}
	var buf []byte
	var grown int64
	for i := 0; i < r.Len; i++ {
		var ok bool
		buf, ok = joinKeyBytes(buf[:0], rk, i)
		if !ok {
			continue
		}
		index[string(buf)] = append(index[string(buf)], int32(i))
		grown += int64(len(buf) + 8)
	}
	if err := x.budget.grow(n.Op, grown); err != nil {
		return nil, err
	}
	var li, ri []int32 // output pairs; -1 for a missing side
	rightMatched := make([]bool, r.Len)
	// innerunique keeps one left row per key: the first, as join-innerunique.md says
	// ("The deduplication keeps only the first record") and its example shows. Kusto
	// calls the choice arbitrary on distributed data; socfeed's input order is stable.
	keptLeft := map[string]int32{}
	if n.Kind == plan.InnerUnique {
		for i := 0; i < l.Len; i++ {
			if k, ok := joinKeyBytes(buf[:0], lk, i); ok {
				if _, seen := keptLeft[string(k)]; !seen {
					keptLeft[string(k)] = int32(i)
				}
				buf = k
			}
		}
	}
	for i := 0; i < l.Len; i++ {
		if i%4096 == 0 {
			if err := x.canceled(); err != nil {
				return nil, err
			}
		}
		var ok bool
		buf, ok = joinKeyBytes(buf[:0], lk, i)
		var matches []int32
		if ok {
			if n.Kind == plan.InnerUnique && keptLeft[string(buf)] != int32(i) {
				continue // not the row kept for this key
			}
			matches = index[string(buf)]
		}
		switch n.Kind {
		case plan.InnerUnique, plan.Inner, plan.LeftOuter, plan.FullOuter, plan.RightOuter:
			for _, m := range matches {
				li = append(li, int32(i))
				ri = append(ri, m)
				rightMatched[m] = true
			}
			if len(matches) == 0 && (n.Kind == plan.LeftOuter || n.Kind == plan.FullOuter) {
				li = append(li, int32(i))
				ri = append(ri, -1)
			}
		case plan.LeftSemi:
			if len(matches) > 0 {
				li = append(li, int32(i))
			}
		case plan.LeftAnti:
			if len(matches) == 0 {
				li = append(li, int32(i))
			}
		case plan.RightSemi, plan.RightAnti:
			for _, m := range matches {
				rightMatched[m] = true
			}
		}
		if len(li) > 0 && len(li)%65536 == 0 {
			if err := x.budget.grow(n.Op, 65536*8); err != nil {
				return nil, err
			}
		}
	}
	switch n.Kind {
	case plan.RightOuter, plan.FullOuter:
		for m := 0; m < r.Len; m++ {
			if !rightMatched[m] {
				li = append(li, -1)
				ri = append(ri, int32(m))
			}
		}
	case plan.RightSemi, plan.RightAnti:
		for m := 0; m < r.Len; m++ {
			if rightMatched[m] == (n.Kind == plan.RightSemi) {
				ri = append(ri, int32(m))
			}
		}
	}
	rows := max(len(li), len(ri))
	cols := make([]column.Vector, 0, len(n.Fields))
	if len(n.LeftOut) > 0 {
		for _, c := range n.LeftOut {
			cols = append(cols, gatherOrNull(l.Cols[c], li))
		}
	}
	for _, c := range n.RightOut {
		cols = append(cols, gatherOrNull(r.Cols[c], ri))
	}
	out := &column.Batch{Schema: n.Fields, Cols: cols, Len: rows}
	var bs []*column.Batch
	for i := 0; i < rows; i += x.batch {
		bs = append(bs, out.Slice(i, min(i+x.batch, rows)))
	}
	return bs, nil
}

// gatherOrNull is column.Gather where index -1 gives a null.
func gatherOrNull(v column.Vector, idx []int32) column.Vector {
	missing := false
	for _, i := range idx {
		if i < 0 {
			missing = true
			break
		}
	}
	if !missing {
		return column.Gather(v, idx)
	}
	t := v.Type()
	b := column.NewBuilder(t)
	for _, i := range idx {
		if i < 0 {
			b.AppendNull()
		} else {
			appendValue(b, t, v.Value(int(i)))
		}
	}
	return b.Build()
}

// unionAdapter maps one union input onto the union's columns and forwards its batches;
// the union flushes the sink once, after the last input.
type unionAdapter struct {
	fields []column.Field
	m      []int
	source string
	sink   processor
	hasSrc bool
}

func (a *unionAdapter) push(w int, b *column.Batch) error {
	cols := make([]column.Vector, 0, len(a.fields))
	fields := a.fields
	if a.hasSrc {
		cols = append(cols, &column.Const{V: types.NewString(a.source), N: b.Len})
		fields = fields[1:]
	}
	for j, f := range fields {
		src := a.m[j]
		switch {
		case src < 0:
			cols = append(cols, constVec(f.Type, types.NullOf(f.Type), b.Len))
		case b.Cols[src].Type() == f.Type:
			cols = append(cols, b.Cols[src])
		default:
			bld := column.NewBuilder(f.Type)
			for r := 0; r < b.Len; r++ {
				appendValue(bld, f.Type, b.Cols[src].Value(r))
			}
			cols = append(cols, bld.Build())
		}
	}
	return a.sink.push(w, &column.Batch{Schema: a.fields, Cols: cols, Len: b.Len})
}

func (a *unionAdapter) flush() error { return nil }

func (x *executor) runUnion(n *plan.Union, sink processor) error {
	for _, u := range n.Unresolved {
		x.warn("Failed to resolve entity '%s'", u)
	}
	for i, in := range n.Ins {
		a := &unionAdapter{fields: n.Fields, m: n.Maps[i], source: n.Sources[i], sink: sink, hasSrc: n.Source != ""}
		if err := x.run(in, a); err != nil {
			if errors.Is(err, errStop) {
				break
			}
			return err
		}
	}
	return sink.flush()
}
