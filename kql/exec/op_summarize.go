package exec

import (
	"encoding/binary"
	"math"
	"sort"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// aggProc is summarize (and count, distinct): each worker folds its batches into its own
// hash table of groups; flush merges the tables and emits one row per group.
type aggProc struct {
	x      *executor
	n      *plan.Aggregate
	keys   []evalFn
	args   [][]evalFn // per aggregate
	shards []*aggShard
	next   processor
}

type aggShard struct {
	groups map[string]*aggGroup
	order  []*aggGroup // first-seen order
	keyBuf []byte
}

type aggGroup struct {
	keys []types.Value
	aggs []funcs.Aggregator
}

func (x *executor) newAggProc(n *plan.Aggregate, next processor) (processor, error) {
	p := &aggProc{x: x, n: n, next: next}
	for _, k := range n.Keys {
		f, err := x.compile(k)
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, f)
	}
	for _, a := range n.Aggs {
		var fs []evalFn
		for _, e := range a.Args {
			f, err := x.compile(e)
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
		}
		p.args = append(p.args, fs)
	}
	p.shards = make([]*aggShard, x.workers)
	for i := range p.shards {
		p.shards[i] = &aggShard{groups: map[string]*aggGroup{}}
	}
	return p, nil
}

func newAggregators(aggs []*plan.AggCall) ([]funcs.Aggregator, error) {
	out := make([]funcs.Aggregator, len(aggs))
	for i, a := range aggs {
		ts := make([]types.Type, len(a.Args))
		for j, e := range a.Args {
			ts[j] = e.Type()
		}
		ag, err := a.Func.Agg(ts, a.Consts)
		if err != nil {
			return nil, &RuntimeError{Op: "summarize", Msg: a.Name + "(): " + err.Error()}
		}
		out[i] = ag
	}
	return out, nil
}

// appendKey encodes v so equal keys give equal bytes (strings case-sensitively).
func appendKey(buf []byte, v types.Value) []byte {
	if v.IsNull() && v.Type != types.String {
		return append(buf, 0)
	}
	buf = append(buf, byte(v.Type)+1)
	switch v.Type {
	case types.Real:
		f := v.F
		if f == 0 {
			f = 0 // -0 groups with 0
		}
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		buf = binary.LittleEndian.AppendUint64(buf, uint64(v.I))
	default:
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(v.S)))
		buf = append(buf, v.S...)
	}
	return buf
}

func (p *aggProc) push(w int, b *column.Batch) error {
	sh := p.shards[w]
	keyVecs := make([]column.Vector, len(p.keys))
	for i, f := range p.keys {
		keyVecs[i] = f(b)
	}
	argVecs := make([][]column.Vector, len(p.args))
	for i, fs := range p.args {
		argVecs[i] = make([]column.Vector, len(fs))
		for j, f := range fs {
			argVecs[i][j] = f(b)
		}
	}
	argVals := make([][]types.Value, len(p.args))
	for i := range argVals {
		argVals[i] = make([]types.Value, len(p.args[i]))
	}
	var grown int64
	var dictCodes []uint32
	var dictKeys []*aggGroup
	if len(keyVecs) == 1 {
		if s, ok := keyVecs[0].(*column.Strings); ok && s.IsDict() {
			dictCodes = s.Codes
			dictKeys = make([]*aggGroup, len(s.Dict))
		}
	}
	for r := 0; r < b.Len; r++ {
		var g *aggGroup
		if dictKeys != nil {
			g = dictKeys[dictCodes[r]]
		}
		if g == nil {
			sh.keyBuf = sh.keyBuf[:0]
			for _, kv := range keyVecs {
				sh.keyBuf = appendKey(sh.keyBuf, kv.Value(r))
			}
			g = sh.groups[string(sh.keyBuf)]
			if g == nil {
				aggs, err := newAggregators(p.n.Aggs)
				if err != nil {
					return err
				}
				g = &aggGroup{aggs: aggs}
				for _, kv := range keyVecs {
					g.keys = append(g.keys, kv.Value(r))
				}
				sh.groups[string(sh.keyBuf)] = g
				sh.order = append(sh.order, g)
				grown += int64(96 + len(sh.keyBuf) + 64*len(aggs))
			}
			if dictKeys != nil {
				dictKeys[dictCodes[r]] = g
			}
		}
		for i, ag := range g.aggs {
			vals := argVals[i]
			for j, v := range argVecs[i] {
				vals[j] = v.Value(r)
			}
			grown += int64(ag.Add(vals))
		}
	}
	if grown > 0 {
		if err := p.x.budget.grow(p.n.Op, grown); err != nil {
			return err
		}
	}
	return p.x.canceled()
}

func (p *aggProc) flush() error {
	main := p.shards[0]
	for _, sh := range p.shards[1:] {
		for _, g := range sh.order {
			var key []byte
			for _, k := range g.keys {
				key = appendKey(key, k)
			}
			if mg := main.groups[string(key)]; mg != nil {
				for i, a := range mg.aggs {
					a.Merge(g.aggs[i])
				}
			} else {
				main.groups[string(key)] = g
				main.order = append(main.order, g)
			}
		}
	}
	groups := main.order
	empty := false
	if len(groups) == 0 && len(p.n.Keys) == 0 && p.n.Op != "distinct" {
		empty = true
		aggs, err := newAggregators(p.n.Aggs)
		if err != nil {
			return err
		}
		groups = []*aggGroup{{aggs: aggs}}
	}
	if len(p.shards) > 1 {
		// Group order depends on how batches met workers; make it stable.
		sortGroups(groups)
	}
	rows := make([][]types.Value, 0, len(groups))
	for _, g := range groups {
		row := append([]types.Value(nil), g.keys...)
		for i, a := range g.aggs {
			outs := p.n.Aggs[i].Outputs
			if mr, ok := a.(funcs.MultiResult); ok && len(outs) > 1 {
				rs := mr.Results()
				for j := range outs {
					if j < len(rs) {
						row = append(row, rs[j])
					} else {
						row = append(row, types.NullOf(outs[j].Type))
					}
				}
				continue
			}
			v := a.Result()
			if empty && v.IsNull() && v.Type == types.Real && (p.n.Aggs[i].Name == "avg" || p.n.Aggs[i].Name == "avgif") {
				// summarize-operator.md, default values: avg over no rows divides by 0.
				v = types.NewReal(math.NaN())
			}
			row = append(row, v)
			for range outs[1:] {
				row = append(row, types.Value{})
			}
		}
		rows = append(rows, row)
	}
	for _, b := range rowsToBatches(p.n.Fields, rows, p.x.batch) {
		if err := p.next.push(0, b); err != nil {
			if err == errStop {
				break
			}
			return err
		}
	}
	return p.next.flush()
}

func sortGroups(gs []*aggGroup) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i].keys, gs[j].keys
		for k := range a {
			if c := types.Compare(a[k], b[k]); c != 0 {
				return c < 0
			}
		}
		return false
	})
}
