package exec

import (
	"fmt"
	"math"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// maxPluginBins bounds the bins the time-window plugins (rolling_percentile,
// active_users_count, sliding_window_counts) produce per group, so a tiny bin over a wide
// range fails instead of exhausting memory.
const maxPluginBins = 10_000_000

// scanState is the state of one scan step: a record for each step up to it (nil where
// the sequence has none) and the sequence's match id. A nil *scanState is an empty state.
type scanState struct {
	recs  [][]types.Value
	match int64
}

// scanStep is a compiled step: its condition and assignments over the step row.
type scanStep struct {
	plan.ScanStep
	cond    evalFn
	assigns []evalFn
}

// newStepScan runs `scan` over its whole input in order (see plan.StepScan). Each record
// is evaluated against the steps from the last to the first; a step matches either by
// taking over the previous step's state (check 1) or within its own active sequence, or
// as the first step (check 2), as scan-operator.md describes.
func (x *executor) newStepScan(n *plan.StepScan, next processor) (processor, error) {
	steps := make([]scanStep, len(n.Steps))
	for i, st := range n.Steps {
		steps[i].ScanStep = st
		f, err := x.compile(st.Cond)
		if err != nil {
			return nil, err
		}
		steps[i].cond = f
		for _, a := range st.Assigns {
			g, err := x.compile(a.X)
			if err != nil {
				return nil, err
			}
			steps[i].assigns = append(steps[i].assigns, g)
		}
	}
	width := n.RecordWidth()
	record := n.Fields[:width]
	nIn := len(n.Input.Schema())
	return &bufferProc{x: x, op: "scan", schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		state := make([]*scanState, len(steps))
		pending := make([][]types.Value, len(steps)) // output=last: the latest match not yet written
		var out [][]types.Value
		matchCounter := int64(-1)
		envSchema := make([]column.Field, 0, width*(len(steps)+1))
		envSchema = append(envSchema, record...)
		for range steps {
			envSchema = append(envSchema, record...)
		}
		env := func(base []types.Value, st *scanState) *column.Batch {
			cols := make([]column.Vector, 0, len(envSchema))
			for i, v := range base {
				cols = append(cols, constVec(record[i].Type, v, 1))
			}
			for j := range steps {
				for i, f := range record {
					// A step without a record reads the declared defaults (null for the
					// input's columns).
					v := types.NullOf(f.Type)
					if i >= nIn {
						v = n.Declared[i-nIn]
					}
					if st != nil && j < len(st.recs) && st.recs[j] != nil {
						v = st.recs[j][i]
					}
					cols = append(cols, constVec(f.Type, v, 1))
				}
			}
			return &column.Batch{Schema: envSchema, Cols: cols, Len: 1}
		}
		emit := func(k int, rec []types.Value, match int64) {
			row := append([]types.Value(nil), rec...)
			if n.MatchID {
				row = append(row, types.NewLong(match))
			}
			switch steps[k].Output {
			case "all":
				out = append(out, row)
			case "last":
				pending[k] = row
			}
		}
		flush := func(k int) {
			if pending[k] != nil {
				out = append(out, pending[k])
				pending[k] = nil
			}
		}
		// try evaluates step k against the state st; it returns the extended record when
		// the condition holds.
		try := func(k int, base []types.Value, st *scanState) []types.Value {
			b := env(base, st)
			if c := steps[k].cond(b).Value(0); c.IsNull() || !boolOf(c).Bool() {
				return nil
			}
			ext := append([]types.Value(nil), base...)
			for i, a := range steps[k].assigns {
				ext[steps[k].Assigns[i].Index] = types.Convert(a(b).Value(0), record[steps[k].Assigns[i].Index].Type)
			}
			return ext
		}
		for r := 0; r < in.Len; r++ {
			if r%4096 == 0 {
				if err := x.canceled(); err != nil {
					return nil, err
				}
			}
			base := make([]types.Value, width)
			for i := 0; i < nIn; i++ {
				base[i] = in.Cols[i].Value(r)
			}
			copy(base[nIn:], n.Declared)
			for k := len(steps) - 1; k >= 0; k-- {
				if k > 0 && state[k-1] != nil {
					if ext := try(k, base, state[k-1]); ext != nil {
						// Check 1: the previous step's sequence moves on to this step.
						flush(k - 1)
						flush(k)
						prev := state[k-1]
						recs := make([][]types.Value, len(steps))
						copy(recs, prev.recs)
						recs[k] = ext
						state[k] = &scanState{recs: recs, match: prev.match}
						state[k-1] = nil
						emit(k, ext, prev.match)
						continue
					}
				}
				if state[k] == nil && k > 0 {
					continue
				}
				if ext := try(k, base, state[k]); ext != nil {
					// Check 2: a match within the step's own sequence, or a new sequence.
					if state[k] == nil {
						matchCounter++
						recs := make([][]types.Value, len(steps))
						state[k] = &scanState{recs: recs, match: matchCounter}
					}
					state[k].recs[k] = ext
					emit(k, ext, state[k].match)
				}
			}
		}
		for k := range steps {
			flush(k)
		}
		if err := x.budget.grow("scan", int64(len(out)*len(n.Fields)*16)); err != nil {
			return nil, err
		}
		return rowsToBatches(n.Fields, out, x.batch), nil
	}}, nil
}

// newRowsNear runs `evaluate rows_near(Condition, NumRows[, RowsAfter])` over its whole
// input in order: it keeps every row within NumRows before, or RowsAfter (default NumRows)
// after, a row where Condition is true.
func (x *executor) newRowsNear(n *plan.Evaluate, next processor) (processor, error) {
	cond, err := x.compile(n.Args[0])
	if err != nil {
		return nil, err
	}
	before, _ := plan.FoldConst(n.Args[1])
	after := before
	if len(n.Args) > 2 {
		after, _ = plan.FoldConst(n.Args[2])
	}
	return &bufferProc{x: x, op: "rows_near", schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		c := cond(in)
		keep := make([]bool, in.Len)
		for i := 0; i < in.Len; i++ {
			if v := c.Value(i); v.IsNull() || !boolOf(v).Bool() {
				continue
			}
			lo, hi := max(0, int64(i)-before.I), min(int64(in.Len-1), int64(i)+after.I)
			for j := lo; j <= hi; j++ {
				keep[j] = true
			}
		}
		var sel []int32
		for i, k := range keep {
			if k {
				sel = append(sel, int32(i))
			}
		}
		out := in.Gather(sel)
		var bs []*column.Batch
		for i := 0; i < out.Len; i += x.batch {
			bs = append(bs, out.Slice(i, min(i+x.batch, out.Len)))
		}
		return bs, nil
	}}, nil
}

// newRollingPercentile runs `evaluate rolling_percentile(...)` (see
// plan.builder.rollingPercentile for the arguments): rows are binned on the index column;
// for every bin from a group's first to its last, the percentile is taken over the values
// of the window of BinsPerWindow bins ending at it.
func (x *executor) newRollingPercentile(n *plan.Evaluate, next processor) (processor, error) {
	fns, err := x.compileAll(n.Args)
	if err != nil {
		return nil, err
	}
	pct, _ := plan.FoldConst(n.Args[1])
	sizeV, _ := plan.FoldConst(n.Args[3])
	kV, _ := plan.FoldConst(n.Args[4])
	pf, ok := x.eng.Funcs.Lookup("percentile")
	if !ok || pf.Agg == nil {
		return nil, &RuntimeError{Op: "rolling_percentile", Msg: "the percentile aggregate is not available"}
	}
	idxType := n.Fields[0].Type
	valType := n.Args[0].Type()
	outType := n.Fields[len(n.Fields)-1].Type
	pos := func(v types.Value) (float64, bool) {
		v = unDyn(v)
		if v.IsNull() {
			return 0, false
		}
		switch v.Type {
		case types.Real:
			return v.F, true
		case types.Int, types.Long, types.DateTime, types.TimeSpan:
			return float64(v.I), true
		}
		r := types.ToReal(v)
		return r.F, !r.IsNull()
	}
	size, okS := pos(sizeV)
	if !okS || size <= 0 {
		return nil, &RuntimeError{Op: "rolling_percentile", Msg: "the bin size must be positive"}
	}
	back := func(f float64) types.Value {
		switch idxType {
		case types.DateTime:
			return types.NewDateTime(int64(f))
		case types.TimeSpan:
			return types.NewTimeSpan(int64(f))
		case types.Real:
			return types.NewReal(f)
		}
		return types.Convert(types.NewLong(int64(f)), idxType)
	}
	nd := len(n.Args) - 5
	return &bufferProc{x: x, op: "rolling_percentile", schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		vecs := make([]column.Vector, len(fns))
		for i, f := range fns {
			vecs[i] = f(in)
		}
		type group struct {
			dims []types.Value
			bins map[float64][]types.Value
		}
		groups := map[string]*group{}
		var order []string
		for r := 0; r < in.Len; r++ {
			p, ok := pos(vecs[2].Value(r))
			if !ok {
				continue
			}
			bin := math.Floor(p/size) * size
			dims := make([]types.Value, nd)
			key := ""
			for d := 0; d < nd; d++ {
				dims[d] = vecs[5+d].Value(r)
				key += FormatValue(dims[d]) + "\x00" + dims[d].Type.String() + "\x01"
			}
			g := groups[key]
			if g == nil {
				g = &group{dims: dims, bins: map[float64][]types.Value{}}
				groups[key] = g
				order = append(order, key)
			}
			g.bins[bin] = append(g.bins[bin], vecs[0].Value(r))
		}
		var rows [][]types.Value
		for _, key := range order {
			g := groups[key]
			first, last := math.Inf(1), math.Inf(-1)
			for b := range g.bins {
				first, last = math.Min(first, b), math.Max(last, b)
			}
			if (last-first)/size > maxPluginBins {
				return nil, &RuntimeError{Op: "rolling_percentile", Msg: fmt.Sprintf("more than %d bins", maxPluginBins)}
			}
			for b := first; b <= last; b += size {
				agg, err := pf.Agg([]types.Type{valType, pct.Type}, []types.Value{types.NullOf(valType), pct})
				if err != nil {
					return nil, &RuntimeError{Op: "rolling_percentile", Msg: err.Error()}
				}
				for w := int64(0); w < kV.I; w++ {
					for _, v := range g.bins[b-float64(w)*size] {
						agg.Add([]types.Value{v, pct})
					}
				}
				row := append([]types.Value{back(b)}, g.dims...)
				rows = append(rows, append(row, types.Convert(agg.Result(), outType)))
			}
		}
		return rowsToBatches(n.Fields, rows, x.batch), nil
	}}, nil
}

// newActiveUsersCount runs `evaluate active_users_count(...)`: an appearance of an id at
// time t within [Start, End] makes the id active when its appearances in the lookback
// window (t - LookbackWindow, t] fall in at least ActivePeriodsCount distinct periods; the
// output counts the distinct active ids per bin (Start + k*Bin) and dimensions, leaving
// out bins with none.
func (x *executor) newActiveUsersCount(n *plan.Evaluate, next processor) (processor, error) {
	fns, err := x.compileAll(n.Args)
	if err != nil {
		return nil, err
	}
	c := make([]types.Value, 6)
	for i := range c {
		c[i], _ = plan.FoldConst(n.Args[2+i])
	}
	start, end, lookback, period, bin := c[0].I, c[1].I, c[2].I, c[3].I, c[5].I
	need := types.ToReal(c[4]).F
	if period <= 0 || bin <= 0 || lookback < 0 {
		return nil, &RuntimeError{Op: "active_users_count", Msg: "the period, bin and lookback window must be positive"}
	}
	if end >= start && (end-start)/bin > maxPluginBins {
		return nil, &RuntimeError{Op: "active_users_count", Msg: fmt.Sprintf("more than %d bins from start to end", maxPluginBins)}
	}
	nd := len(n.Args) - 8
	return &bufferProc{x: x, op: "active_users_count", schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		vecs := make([]column.Vector, len(fns))
		for i, f := range fns {
			vecs[i] = f(in)
		}
		type series struct {
			dims  []types.Value
			times map[string][]int64 // id → appearance times
		}
		groups := map[string]*series{}
		var order []string
		for r := 0; r < in.Len; r++ {
			t := vecs[1].Value(r)
			id := vecs[0].Value(r)
			if t.IsNull() || id.IsNull() {
				continue
			}
			dims := make([]types.Value, nd)
			key := ""
			for d := 0; d < nd; d++ {
				dims[d] = vecs[8+d].Value(r)
				key += FormatValue(dims[d]) + "\x00" + dims[d].Type.String() + "\x01"
			}
			g := groups[key]
			if g == nil {
				g = &series{dims: dims, times: map[string][]int64{}}
				groups[key] = g
				order = append(order, key)
			}
			k := FormatValue(id) + "\x00" + id.Type.String()
			g.times[k] = append(g.times[k], t.I)
		}
		var rows [][]types.Value
		for _, key := range order {
			g := groups[key]
			active := map[int64]map[string]bool{} // bin start → active ids
			for id, ts := range g.times {
				for _, t := range ts {
					if t < start || t > end {
						continue
					}
					periods := map[int64]bool{}
					for _, u := range ts {
						if u > t-lookback && u <= t {
							periods[floorDiv(u, period)] = true
						}
					}
					if float64(len(periods)) < need {
						continue
					}
					b := start + floorDiv(t-start, bin)*bin
					if active[b] == nil {
						active[b] = map[string]bool{}
					}
					active[b][id] = true
				}
			}
			for b := start; b <= end; b += bin {
				if len(active[b]) == 0 {
					continue
				}
				row := append([]types.Value{types.NewDateTime(b)}, g.dims...)
				rows = append(rows, append(row, types.NewLong(int64(len(active[b])))))
			}
		}
		return rowsToBatches(n.Fields, rows, x.batch), nil
	}}, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// newDcountIntersect runs `evaluate dcount_intersect(hll_1, hll_2, ...)` over its whole
// input (see funcs.DcountIntersect).
func (x *executor) newDcountIntersect(n *plan.Evaluate, next processor) (processor, error) {
	fns, err := x.compileAll(n.Args)
	if err != nil {
		return nil, err
	}
	return &bufferProc{x: x, op: "dcount_intersect", schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		cols := make([][]types.Value, len(fns))
		for i, f := range fns {
			v := f(in)
			for r := 0; r < in.Len; r++ {
				cols[i] = append(cols[i], v.Value(r))
			}
		}
		counts, err := funcs.DcountIntersect(cols)
		if err != nil {
			return nil, &RuntimeError{Op: "dcount_intersect", Msg: err.Error()}
		}
		row := make([]types.Value, len(counts))
		for i, c := range counts {
			row[i] = types.NewLong(c)
		}
		return rowsToBatches(n.Fields, [][]types.Value{row}, x.batch), nil
	}}, nil
}

// newSlidingWindowCounts runs `evaluate sliding_window_counts(...)`: for each bin b from
// Start to End (step Bin) and each combination of dimensions, Count and dcount are the
// rows and distinct ids whose time falls in the LookbackWindow (rounded down to whole
// bins) ending with bin b.
func (x *executor) newSlidingWindowCounts(n *plan.Evaluate, next processor) (processor, error) {
	fns, err := x.compileAll(n.Args)
	if err != nil {
		return nil, err
	}
	c := make([]types.Value, 4)
	for i := range c {
		c[i], _ = plan.FoldConst(n.Args[2+i])
	}
	start, end, lookback, bin := c[0].I, c[1].I, c[2].I, c[3].I
	if bin <= 0 || lookback < bin {
		return nil, &RuntimeError{Op: "sliding_window_counts", Msg: "the bin must be positive and the lookback window at least one bin"}
	}
	k := lookback / bin
	if end >= start && (end-start)/bin > maxPluginBins {
		return nil, &RuntimeError{Op: "sliding_window_counts", Msg: fmt.Sprintf("more than %d bins from start to end", maxPluginBins)}
	}
	tlType := n.Fields[0].Type
	nd := len(n.Args) - 6
	return &bufferProc{x: x, op: "sliding_window_counts", schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
		vecs := make([]column.Vector, len(fns))
		for i, f := range fns {
			vecs[i] = f(in)
		}
		type group struct {
			dims []types.Value
			bins map[int64][]string // bin index → ids of its rows
		}
		groups := map[string]*group{}
		var order []string
		for r := 0; r < in.Len; r++ {
			t := vecs[1].Value(r)
			if t.IsNull() {
				continue
			}
			dims := make([]types.Value, nd)
			key := ""
			for d := 0; d < nd; d++ {
				dims[d] = vecs[6+d].Value(r)
				key += FormatValue(dims[d]) + "\x00" + dims[d].Type.String() + "\x01"
			}
			g := groups[key]
			if g == nil {
				g = &group{dims: dims, bins: map[int64][]string{}}
				groups[key] = g
				order = append(order, key)
			}
			id := vecs[0].Value(r)
			idKey := "\x02null"
			if !id.IsNull() {
				idKey = FormatValue(id) + "\x00" + id.Type.String()
			}
			bi := floorDiv(t.I-start, bin)
			g.bins[bi] = append(g.bins[bi], idKey)
		}
		var rows [][]types.Value
		for _, key := range order {
			g := groups[key]
			for bi := int64(0); start+bi*bin <= end; bi++ {
				count := 0
				ids := map[string]bool{}
				for w := bi - k + 1; w <= bi; w++ {
					for _, id := range g.bins[w] {
						count++
						if id != "\x02null" {
							ids[id] = true
						}
					}
				}
				tv := types.Value{Type: tlType, I: start + bi*bin}
				row := append([]types.Value{tv}, g.dims...)
				rows = append(rows, append(row, types.NewLong(int64(count)), types.NewLong(int64(len(ids)))))
			}
		}
		return rowsToBatches(n.Fields, rows, x.batch), nil
	}}, nil
}
