package exec

import (
	"math"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// pluginWildcards reads the CustomWildcard arguments of basket and autocluster, from
// argument first on: each is a value that stands for "any value" in the columns of its
// type. Columns of other types get the default wildcard: "" for strings, null otherwise.
func pluginWildcards(args []plan.Expr, first int) map[types.Type]types.Value {
	out := map[types.Type]types.Value{}
	for i := first; i < len(args); i++ {
		v, ok := plan.FoldConst(args[i])
		if !ok || v.Type == types.String && strings.TrimSpace(v.S) == "~" {
			continue
		}
		out[v.Type] = v
	}
	return out
}

// wildcardOf is the wildcard of a column of type t.
func wildcardOf(t types.Type, custom map[types.Type]types.Value) types.Value {
	if v, ok := custom[t]; ok {
		return v
	}
	if t == types.String {
		return types.NewString("")
	}
	return types.NullOf(t)
}

// patternRow is a result row of basket and autocluster: id, Count (weight rounded) and
// Percent, then the input columns but the weight column, each the pattern's value (set,
// by input column) or the column type's wildcard.
func patternRow(id types.Value, count, total float64, in []column.Field, weight int, set map[int]types.Value, wild map[types.Type]types.Value) []types.Value {
	row := []types.Value{id, types.NewLong(int64(math.Round(count))), types.NewReal(100 * count / total)}
	for i, f := range in {
		if i == weight {
			continue
		}
		if v, ok := set[i]; ok {
			row = append(row, v)
		} else {
			row = append(row, wildcardOf(f.Type, wild))
		}
	}
	return row
}

// newAutocluster runs `evaluate autocluster([SizeWeight, WeightColumn, NumSeeds,
// CustomWildcard...])` (autocluster-plugin.md), a Seed-Expand search for patterns of
// column values. A pattern fixes the values of some columns and leaves the others free;
// its score is the weighted geometric mean of its coverage (the share of the rows, or of
// the weight column's sum, it matches) and its informativeness (the share of the columns
// it fixes), with weights SizeWeight and 1-SizeWeight. Seeds are the NumSeeds most
// frequent distinct rows; from each, the search frees one column at a time, the one that
// raises the score most, until no freeing raises it. The distinct local optima are the
// result, best score first: SegmentId, Count, Percent, then the input columns other than
// the weight column, with a wildcard where a pattern leaves a column free. Dynamic
// columns are not attributes (always wildcards), and empty or null values never make a
// pattern.
func (x *executor) newAutocluster(n *plan.Evaluate, next processor) (processor, error) {
	sizeWeight, seeds, weight := 0.5, 25, -1
	arg := func(i int) (types.Value, bool) {
		if i >= len(n.Args) {
			return types.Value{}, false
		}
		v, ok := plan.FoldConst(n.Args[i])
		if !ok || v.IsNull() || v.Type == types.String && strings.TrimSpace(v.S) == "~" {
			return types.Value{}, false
		}
		return v, true
	}
	if v, ok := arg(0); ok {
		if f := types.ToReal(v); !f.IsNull() && f.F >= 0 && f.F <= 1 {
			sizeWeight = f.F
		} else {
			return nil, &RuntimeError{Op: "autocluster", Msg: "SizeWeight must be a number between 0 and 1, found " + FormatValue(v)}
		}
	}
	if len(n.Args) > 1 {
		if c, ok := n.Args[1].(*plan.ColRef); ok {
			weight = c.Index
		}
	}
	if v, ok := arg(2); ok {
		if l := types.ToLong(v); !l.IsNull() && l.I > 0 {
			seeds = int(min(l.I, 10000))
		}
	}
	wild := pluginWildcards(n.Args, 3)
	in := n.Input.Schema()
	var cols []int // the input columns patterns are made of
	for i, f := range in {
		if i != weight && f.Type != types.Dynamic {
			cols = append(cols, i)
		}
	}
	return &bufferProc{x: x, op: "autocluster", schema: in, next: next, fn: func(b *column.Batch) ([]*column.Batch, error) {
		// Encode each attribute value as a small integer per column; 0 is "no value".
		codes := make([][]int32, len(cols))
		values := make([][]types.Value, len(cols))
		for ci, c := range cols {
			ids := map[string]int32{}
			values[ci] = []types.Value{{}}
			codes[ci] = make([]int32, b.Len)
			col := b.Cols[c]
			for r := 0; r < b.Len; r++ {
				v := col.Value(r)
				if v.IsNull() || v.Type == types.String && v.S == "" {
					continue
				}
				k := string(appendKey(nil, v))
				id, ok := ids[k]
				if !ok {
					id = int32(len(values[ci]))
					ids[k] = id
					values[ci] = append(values[ci], v)
				}
				codes[ci][r] = id
			}
		}
		w := make([]float64, b.Len)
		total := 0.0
		for r := range w {
			w[r] = 1
			if weight >= 0 {
				if f := types.ToReal(b.Cols[weight].Value(r)); !f.IsNull() && f.F > 0 {
					w[r] = f.F
				} else {
					w[r] = 0
				}
			}
			total += w[r]
		}
		if total == 0 || len(cols) == 0 {
			return rowsToBatches(n.Fields, nil, x.batch), nil
		}
		// Distinct rows with their weights, heaviest first: the seeds.
		type tuple struct {
			codes []int32
			w     float64
		}
		byKey := map[string]*tuple{}
		var tuples []*tuple
		key := make([]byte, 0, 4*len(cols))
		for r := 0; r < b.Len; r++ {
			if w[r] == 0 {
				continue
			}
			key = key[:0]
			for ci := range cols {
				c := codes[ci][r]
				key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
			}
			t := byKey[string(key)]
			if t == nil {
				t = &tuple{codes: make([]int32, len(cols))}
				for ci := range cols {
					t.codes[ci] = codes[ci][r]
				}
				byKey[string(key)] = t
				tuples = append(tuples, t)
			}
			t.w += w[r]
		}
		order := make([]*tuple, len(tuples))
		copy(order, tuples)
		sort.SliceStable(order, func(i, j int) bool { return order[i].w > order[j].w })
		// coverage is the weight of the tuples a pattern (a code per column, 0 = free)
		// matches.
		coverage := func(p []int32) float64 {
			sum := 0.0
			for _, t := range tuples {
				ok := true
				for ci, c := range p {
					if c != 0 && t.codes[ci] != c {
						ok = false
						break
					}
				}
				if ok {
					sum += t.w
				}
			}
			return sum
		}
		score := func(p []int32, cov float64) float64 {
			fixed := 0
			for _, c := range p {
				if c != 0 {
					fixed++
				}
			}
			if fixed == 0 {
				return 0
			}
			info := float64(fixed) / float64(len(cols))
			return math.Pow(cov/total, sizeWeight) * math.Pow(info, 1-sizeWeight)
		}
		type result struct {
			p     []int32
			cov   float64
			score float64
		}
		found := map[string]*result{}
		var results []*result
		for si := 0; si < len(order) && si < seeds; si++ {
			if err := x.ctx.Err(); err != nil {
				return nil, err
			}
			cur := append([]int32(nil), order[si].codes...)
			curCov := coverage(cur)
			curScore := score(cur, curCov)
			for {
				best, bestCov, bestScore := -1, 0.0, curScore
				for ci, c := range cur {
					if c == 0 {
						continue
					}
					cur[ci] = 0
					cov := coverage(cur)
					if s := score(cur, cov); s > bestScore {
						best, bestCov, bestScore = ci, cov, s
					}
					cur[ci] = c
				}
				if best < 0 {
					break
				}
				cur[best] = 0
				curCov, curScore = bestCov, bestScore
			}
			if curScore == 0 {
				continue
			}
			key = key[:0]
			for _, c := range cur {
				key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
			}
			if found[string(key)] != nil {
				continue
			}
			res := &result{p: cur, cov: curCov, score: curScore}
			found[string(key)] = res
			results = append(results, res)
		}
		sort.SliceStable(results, func(i, j int) bool {
			if results[i].score != results[j].score {
				return results[i].score > results[j].score
			}
			return results[i].cov > results[j].cov
		})
		var rows [][]types.Value
		for id, res := range results {
			set := map[int]types.Value{}
			for ci, c := range res.p {
				if c != 0 {
					set[cols[ci]] = values[ci][c]
				}
			}
			rows = append(rows, patternRow(types.NewLong(int64(id)), res.cov, total, in, weight, set, wild))
		}
		return rowsToBatches(n.Fields, rows, x.batch), nil
	}}, nil
}
