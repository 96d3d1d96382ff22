package exec

import (
	"math"
	"net/netip"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// blocking computes the whole output of an operator that needs all of its inputs first.
func (x *executor) blocking(n plan.Node) ([]*column.Batch, error) {
	switch n := n.(type) {
	case *plan.Join:
		return x.join(n)
	case *plan.MakeSeries:
		return x.makeSeries(n)
	case *plan.TopNested:
		return x.topNested(n)
	case *plan.MvApply:
		return x.mvApply(n)
	case *plan.External:
		return x.external(n)
	case *plan.Partition:
		return x.partition(n)
	case *plan.Pivot:
		return x.pivot(n)
	case *plan.IPLookup:
		return x.ipLookup(n)
	case *plan.GeoLookup:
		return x.geoLookup(n)
	}
	if bs, ok, err := x.graphBlocking(n); ok {
		return bs, err
	}
	return nil, &InternalError{Msg: "no executor for " + plan.Label(n)}
}

func (x *executor) collectBatch(n plan.Node) (*column.Batch, error) {
	t, err := x.collect(n)
	if err != nil {
		return nil, err
	}
	b, err := concatBatches(n.Schema(), t.Batches)
	if err != nil {
		return nil, err
	}
	return b, x.budget.grow(plan.Label(n), batchBytes(b))
}

func newAgg(a *plan.AggCall) (funcs.Aggregator, error) {
	ts := make([]types.Type, len(a.Args))
	for i, e := range a.Args {
		ts[i] = e.Type()
	}
	ag, err := a.Func.Agg(ts, a.Consts)
	if err != nil {
		return nil, &RuntimeError{Op: a.Name, Msg: err.Error()}
	}
	return ag, nil
}

// makeSeries groups by the keys and, per group, aggregates into bins of the axis.
func (x *executor) makeSeries(n *plan.MakeSeries) ([]*column.Batch, error) {
	in, err := x.collectBatch(n.Input)
	if err != nil {
		return nil, err
	}
	keyFns, err := x.compileAll(n.Keys)
	if err != nil {
		return nil, err
	}
	axisFn, err := x.compile(n.Axis)
	if err != nil {
		return nil, err
	}
	argFns := make([][]evalFn, len(n.Aggs))
	for i, a := range n.Aggs {
		if argFns[i], err = x.compileAll(a.Args); err != nil {
			return nil, err
		}
	}
	axis := axisFn(in)
	isReal := n.Axis.Type() == types.Real
	num := func(v types.Value) (float64, bool) {
		if v.IsNull() {
			return 0, false
		}
		if isReal {
			return types.ToReal(v).F, true
		}
		return float64(v.I), true
	}
	stepV, err := x.evalConst(n.Step)
	if err != nil {
		return nil, err
	}
	step := stepV.Float()
	if stepV.Type == types.TimeSpan || stepV.Type.IsInteger() {
		step = float64(stepV.I)
	}
	if !(step > 0) {
		return nil, &RuntimeError{Op: "make-series", Msg: "step must be positive"}
	}
	var from, to float64
	haveFrom, haveTo := n.From != nil, n.To != nil
	if haveFrom {
		v, err := x.evalConst(n.From)
		if err != nil {
			return nil, err
		}
		from, _ = num(v)
	}
	if haveTo {
		v, err := x.evalConst(n.To)
		if err != nil {
			return nil, err
		}
		to, _ = num(v)
	}
	if !haveFrom || !haveTo {
		lo, hi := math.Inf(1), math.Inf(-1)
		for r := 0; r < in.Len; r++ {
			if f, ok := num(axis.Value(r)); ok {
				lo, hi = math.Min(lo, f), math.Max(hi, f)
			}
		}
		if !haveFrom {
			from = math.Floor(lo/step) * step
		}
		if !haveTo {
			to = hi + step
			if math.IsInf(hi, -1) {
				to = from
			}
		}
	}
	bins := int(math.Ceil((to - from) / step))
	if bins < 0 {
		bins = 0
	}
	if bins > 1_000_000 {
		return nil, &RuntimeError{Op: "make-series", Msg: "more than 1000000 bins"}
	}
	keyVecs := make([]column.Vector, len(keyFns))
	for i, f := range keyFns {
		keyVecs[i] = f(in)
	}
	argVecs := make([][]column.Vector, len(argFns))
	for i, fs := range argFns {
		for _, f := range fs {
			argVecs[i] = append(argVecs[i], f(in))
		}
	}
	type group struct {
		keys []types.Value
		aggs [][]funcs.Aggregator // [agg][bin]
	}
	groups := map[string]*group{}
	var order []*group
	var buf []byte
	for r := 0; r < in.Len; r++ {
		buf = buf[:0]
		for _, k := range keyVecs {
			buf = appendKey(buf, k.Value(r))
		}
		g := groups[string(buf)]
		if g == nil {
			g = &group{aggs: make([][]funcs.Aggregator, len(n.Aggs))}
			for _, k := range keyVecs {
				g.keys = append(g.keys, k.Value(r))
			}
			for i := range g.aggs {
				g.aggs[i] = make([]funcs.Aggregator, bins)
			}
			groups[string(buf)] = g
			order = append(order, g)
			if err := x.budget.grow("make-series", int64(64*bins*len(n.Aggs))); err != nil {
				return nil, err
			}
		}
		f, ok := num(axis.Value(r))
		if !ok || f < from || f >= to {
			continue
		}
		bin := int((f - from) / step)
		if bin >= bins {
			continue
		}
		for i, a := range n.Aggs {
			if g.aggs[i][bin] == nil {
				if g.aggs[i][bin], err = newAgg(a); err != nil {
					return nil, err
				}
			}
			args := make([]types.Value, len(argVecs[i]))
			for j, v := range argVecs[i] {
				args[j] = v.Value(r)
			}
			g.aggs[i][bin].Add(args)
		}
	}
	axisVal := func(i int) types.Value {
		f := from + float64(i)*step
		switch n.Axis.Type() {
		case types.Real:
			return types.NewReal(f)
		case types.DateTime, types.TimeSpan:
			return types.Value{Type: n.Axis.Type(), I: int64(from) + int64(i)*int64(step)}
		}
		return types.NewLong(int64(f))
	}
	var axisJSON []byte
	axisJSON = append(axisJSON, '[')
	for i := 0; i < bins; i++ {
		if i > 0 {
			axisJSON = append(axisJSON, ',')
		}
		axisJSON = types.AppendDynamic(axisJSON, axisVal(i))
	}
	axisJSON = append(axisJSON, ']')
	if len(order) == 0 && len(n.Keys) == 0 && n.NonEmpty {
		order = append(order, &group{aggs: make([][]funcs.Aggregator, len(n.Aggs))})
		for i := range order[0].aggs {
			order[0].aggs[i] = make([]funcs.Aggregator, bins)
		}
	}
	var rows [][]types.Value
	for _, g := range order {
		row := append([]types.Value(nil), g.keys...)
		for i := range n.Aggs {
			var arr []byte
			arr = append(arr, '[')
			for b := 0; b < bins; b++ {
				if b > 0 {
					arr = append(arr, ',')
				}
				v := n.Defaults[i]
				if ag := g.aggs[i][b]; ag != nil {
					v = ag.Result()
				}
				arr = types.AppendDynamic(arr, v)
			}
			arr = append(arr, ']')
			row = append(row, types.NewDynamic(string(arr)))
		}
		row = append(row, types.NewDynamic(string(axisJSON)))
		rows = append(rows, row)
	}
	return rowsToBatches(n.Fields, rows, x.batch), nil
}

// topNested computes top-nested level by level over row subsets.
func (x *executor) topNested(n *plan.TopNested) ([]*column.Batch, error) {
	in, err := x.collectBatch(n.Input)
	if err != nil {
		return nil, err
	}
	ofVecs := make([]column.Vector, len(n.Levels))
	argVecs := make([][]column.Vector, len(n.Levels))
	for i, l := range n.Levels {
		f, err := x.compile(l.Of)
		if err != nil {
			return nil, err
		}
		ofVecs[i] = f(in)
		fs, err := x.compileAll(l.Agg.Args)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			argVecs[i] = append(argVecs[i], f(in))
		}
	}
	var rows [][]types.Value
	var rec func(level int, subset []int32, prefix []types.Value) error
	rec = func(level int, subset []int32, prefix []types.Value) error {
		if level == len(n.Levels) {
			rows = append(rows, append([]types.Value(nil), prefix...))
			return nil
		}
		l := n.Levels[level]
		type grp struct {
			key  types.Value
			rows []int32
			agg  types.Value
		}
		idx := map[string]*grp{}
		var gs []*grp
		for _, r := range subset {
			k := ofVecs[level].Value(int(r))
			kb := string(appendKey(nil, k))
			g := idx[kb]
			if g == nil {
				g = &grp{key: k}
				idx[kb] = g
				gs = append(gs, g)
			}
			g.rows = append(g.rows, r)
		}
		for _, g := range gs {
			ag, err := newAgg(l.Agg)
			if err != nil {
				return err
			}
			args := make([]types.Value, len(argVecs[level]))
			for _, r := range g.rows {
				for j, v := range argVecs[level] {
					args[j] = v.Value(int(r))
				}
				ag.Add(args)
			}
			g.agg = ag.Result()
		}
		sort.SliceStable(gs, func(i, j int) bool {
			c := compareKey(gs[i].agg, gs[j].agg, plan.SortKey{Desc: l.Desc, NullsFirst: false})
			return c < 0
		})
		keep := gs
		var rest []*grp
		if l.N >= 0 && int64(len(gs)) > l.N {
			keep, rest = gs[:l.N], gs[l.N:]
		}
		for _, g := range keep {
			if err := rec(level+1, g.rows, append(prefix, g.key, g.agg)); err != nil {
				return err
			}
		}
		if l.Others != nil && len(rest) > 0 {
			var all []int32
			for _, g := range rest {
				all = append(all, g.rows...)
			}
			ag, err := newAgg(l.Agg)
			if err != nil {
				return err
			}
			args := make([]types.Value, len(argVecs[level]))
			for _, r := range all {
				for j, v := range argVecs[level] {
					args[j] = v.Value(int(r))
				}
				ag.Add(args)
			}
			p := append(prefix, *l.Others, ag.Result())
			for k := level + 1; k < len(n.Levels); k++ {
				p = append(p, types.Value{}, types.Value{})
			}
			rows = append(rows, append([]types.Value(nil), p...))
		}
		return nil
	}
	all := make([]int32, in.Len)
	for i := range all {
		all[i] = int32(i)
	}
	if err := rec(0, all, nil); err != nil {
		return nil, err
	}
	return rowsToBatches(n.Fields, rows, x.batch), nil
}

// mvApply runs the subquery once per input row over that row's expansion.
func (x *executor) mvApply(n *plan.MvApply) ([]*column.Batch, error) {
	in, err := x.collectBatch(n.Input)
	if err != nil {
		return nil, err
	}
	var out []*column.Batch
	if len(n.KeepInput) == 0 && streamingSub(n.Sub, n.SubIn) {
		// The subquery only filters and computes per row and keeps every input column,
		// so running it once over all rows' expansions gives the same rows.
		c := &collector{}
		p, err := x.newMvExpandProc(n.Expand, c)
		if err != nil {
			return nil, err
		}
		if in.Len > 0 {
			if err := p.push(0, in); err != nil {
				return nil, err
			}
		}
		x.mu.Lock()
		x.subIn[n.SubIn] = c.batches
		x.mu.Unlock()
		t, err := x.collect(n.Sub)
		if err != nil {
			return nil, err
		}
		return t.Batches, nil
	}
	for r := 0; r < in.Len; r++ {
		if err := x.canceled(); err != nil {
			return nil, err
		}
		one := in.Slice(r, r+1)
		c := &collector{}
		p, err := x.newMvExpandProc(n.Expand, c)
		if err != nil {
			return nil, err
		}
		if err := p.push(0, one); err != nil {
			return nil, err
		}
		x.mu.Lock()
		x.subIn[n.SubIn] = c.batches
		x.mu.Unlock()
		t, err := x.collect(n.Sub)
		if err != nil {
			return nil, err
		}
		for _, b := range t.Batches {
			cols := make([]column.Vector, 0, len(n.Fields))
			for _, k := range n.KeepInput {
				f := n.Fields[len(cols)]
				cols = append(cols, constVec(f.Type, in.Cols[k].Value(r), b.Len))
			}
			cols = append(cols, b.Cols...)
			out = append(out, &column.Batch{Schema: n.Fields, Cols: cols, Len: b.Len})
		}
	}
	return out, nil
}

// Probe runs a plan node and returns its rows; the planner uses it to learn schemas that
// depend on data (bag_unpack without an output schema).
func (e *Engine) Probe(n plan.Node) ([][]types.Value, error) {
	x := e.newExecutor(contextBackground())
	t, err := x.collect(n)
	if err != nil {
		return nil, err
	}
	var rows [][]types.Value
	for _, b := range t.Batches {
		for i := 0; i < b.Len; i++ {
			rows = append(rows, b.Row(i))
		}
	}
	return rows, nil
}

// partition runs the subquery once per distinct key over that key's rows.
func (x *executor) partition(n *plan.Partition) ([]*column.Batch, error) {
	in, err := x.collectBatch(n.Input)
	if err != nil {
		return nil, err
	}
	kf, err := x.compile(n.By)
	if err != nil {
		return nil, err
	}
	kv := kf(in)
	groups := map[string][]int32{}
	var order []string
	for r := 0; r < in.Len; r++ {
		k := string(appendKey(nil, kv.Value(r)))
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], int32(r))
	}
	var out []*column.Batch
	for _, k := range order {
		if err := x.canceled(); err != nil {
			return nil, err
		}
		x.mu.Lock()
		x.subIn[n.SubIn] = []*column.Batch{in.Gather(groups[k])}
		x.mu.Unlock()
		t, err := x.collect(n.Sub)
		if err != nil {
			return nil, err
		}
		out = append(out, t.Batches...)
	}
	return out, nil
}

// pivot aggregates per group and pivot value, one output column per value.
func (x *executor) pivot(n *plan.Pivot) ([]*column.Batch, error) {
	in, err := x.collectBatch(n.Input)
	if err != nil {
		return nil, err
	}
	cf, err := x.compile(n.Col)
	if err != nil {
		return nil, err
	}
	kfs, err := x.compileAll(n.Keys)
	if err != nil {
		return nil, err
	}
	afs, err := x.compileAll(n.Agg.Args)
	if err != nil {
		return nil, err
	}
	cv := cf(in)
	kvs := make([]column.Vector, len(kfs))
	for i, f := range kfs {
		kvs[i] = f(in)
	}
	avs := make([]column.Vector, len(afs))
	for i, f := range afs {
		avs[i] = f(in)
	}
	col := map[string]int{}
	for i, v := range n.Values {
		col[v] = i
	}
	type group struct {
		keys []types.Value
		aggs []funcs.Aggregator
	}
	groups := map[string]*group{}
	var order []*group
	args := make([]types.Value, len(avs))
	for r := 0; r < in.Len; r++ {
		var kb []byte
		for _, k := range kvs {
			kb = appendKey(kb, k.Value(r))
		}
		g := groups[string(kb)]
		if g == nil {
			g = &group{aggs: make([]funcs.Aggregator, len(n.Values))}
			for _, k := range kvs {
				g.keys = append(g.keys, k.Value(r))
			}
			groups[string(kb)] = g
			order = append(order, g)
		}
		ci, ok := col[cv.Value(r).String()]
		if !ok {
			continue // a value that appeared after planning
		}
		if g.aggs[ci] == nil {
			if g.aggs[ci], err = newAgg(n.Agg); err != nil {
				return nil, err
			}
		}
		for i, v := range avs {
			args[i] = v.Value(r)
		}
		g.aggs[ci].Add(args)
	}
	var rows [][]types.Value
	for _, g := range order {
		row := append([]types.Value(nil), g.keys...)
		for i, a := range g.aggs {
			if a == nil {
				if a, err = newAgg(n.Agg); err != nil {
					return nil, err
				}
				g.aggs[i] = a
			}
			row = append(row, a.Result())
		}
		rows = append(rows, row)
	}
	return rowsToBatches(n.Fields, rows, x.batch), nil
}

// streamingSub reports whether the plan from n down to in only filters rows and computes
// columns row by row, so that running it over many groups of rows at once is the same as
// running it per group.
func streamingSub(n plan.Node, in *plan.SubInput) bool {
	for {
		switch x := n.(type) {
		case *plan.SubInput:
			return x == in
		case *plan.Filter:
			n = x.Input
		case *plan.Project:
			if x.Serial {
				return false
			}
			n = x.Input
		case *plan.MvExpand:
			n = x.Input
		case *plan.Parse:
			n = x.Input
		case *plan.ParseKv:
			n = x.Input
		default:
			return false
		}
	}
}

// parsePrefix reads a CIDR range ("10.0.0.0/8") or a single address (a full-length
// prefix).
func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// ipLookup joins input rows with the lookup rows whose range holds their address.
func (x *executor) ipLookup(n *plan.IPLookup) ([]*column.Batch, error) {
	in, err := x.collectBatch(n.Input)
	if err != nil {
		return nil, err
	}
	lk, err := x.collectBatch(n.Lookup)
	if err != nil {
		return nil, err
	}
	// Index the lookup rows by prefix length, then by masked prefix.
	byLen := map[int]map[netip.Prefix][]int32{}
	var lens []int
	for r := 0; r < lk.Len; r++ {
		p, ok := parsePrefix(textOf(lk.Cols[n.Range].Value(r)))
		if !ok || p.Addr().Is4() == n.V6 && !p.Addr().Is4In6() {
			continue
		}
		m := byLen[p.Bits()]
		if m == nil {
			m = map[netip.Prefix][]int32{}
			byLen[p.Bits()] = m
			lens = append(lens, p.Bits())
		}
		m[p] = append(m[p], int32(r))
	}
	sort.Sort(sort.Reverse(sort.IntSlice(lens)))
	var li, ri []int32
	for r := 0; r < in.Len; r++ {
		match := int32(-1)
		if a, err := netip.ParseAddr(strings.TrimSpace(textOf(in.Cols[n.Src].Value(r)))); err == nil {
			a = a.Unmap()
		search:
			for _, bits := range lens {
				p, err := a.Prefix(bits)
				if err != nil {
					continue
				}
				for _, cand := range byLen[bits][p] {
					ok := true
					for k, c := range n.ExtraIn {
						if !types.Same(in.Cols[c].Value(r), lk.Cols[n.ExtraLk[k]].Value(int(cand))) {
							ok = false
							break
						}
					}
					if ok {
						match = cand
						break search
					}
				}
			}
		}
		if match < 0 && !n.Unmatched {
			continue
		}
		li = append(li, int32(r))
		ri = append(ri, match)
	}
	return x.lookupRows(in, lk, li, ri, n.LookupOut, n.Fields), nil
}

// lookupRows builds the result of a lookup plugin: input row li[k] with the lookupOut
// columns of lookup row ri[k] (nulls where ri[k] is -1), in batches.
func (x *executor) lookupRows(in, lk *column.Batch, li, ri []int32, lookupOut []int, fields []column.Field) []*column.Batch {
	cols := make([]column.Vector, 0, len(fields))
	for c := range in.Cols {
		cols = append(cols, column.Gather(in.Cols[c], li))
	}
	for _, c := range lookupOut {
		cols = append(cols, gatherOrNull(lk.Cols[c], ri))
	}
	out := &column.Batch{Schema: fields, Cols: cols, Len: len(li)}
	var bs []*column.Batch
	for i := 0; i < out.Len; i += x.batch {
		bs = append(bs, out.Slice(i, min(i+x.batch, out.Len)))
	}
	return bs
}
