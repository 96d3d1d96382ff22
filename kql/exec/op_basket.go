package exec

import (
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// basketMaxCandidates bounds the patterns basket counts per level, so wide inputs with
// many distinct values stay cheap.
const basketMaxCandidates = 20000

// newBasket runs `evaluate basket(...)` (basket-plugin.md): the frequent patterns of
// column values whose share of the rows (or of the weight column's sum) reaches Threshold,
// with at most MaxDimensions columns each. A pattern is left out when a pattern with one
// more column matches as many rows (it says nothing more). Rows are in descending Count.
func (x *executor) newBasket(n *plan.Evaluate, next processor) (processor, error) {
	threshold, maxDims, weight := 0.05, 5, -1
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
		if f := types.ToReal(v); !f.IsNull() && f.F > 0 && f.F <= 1 {
			threshold = f.F
		}
	}
	if len(n.Args) > 1 {
		if c, ok := n.Args[1].(*plan.ColRef); ok {
			weight = c.Index
		}
	}
	if v, ok := arg(2); ok {
		if l := types.ToLong(v); !l.IsNull() && l.I > 0 {
			maxDims = int(l.I)
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
	return &bufferProc{x: x, op: "basket", schema: in, next: next, fn: func(b *column.Batch) ([]*column.Batch, error) {
		vals := make([][]types.Value, len(in))
		for _, c := range cols {
			v := b.Cols[c]
			vals[c] = make([]types.Value, b.Len)
			for r := 0; r < b.Len; r++ {
				vals[c][r] = v.Value(r)
			}
		}
		w := make([]float64, b.Len)
		total := 0.0
		for r := range w {
			w[r] = 1
			if weight >= 0 {
				if f := types.ToReal(b.Cols[weight].Value(r)); !f.IsNull() {
					w[r] = f.F
				} else {
					w[r] = 0
				}
			}
			total += w[r]
		}
		type item struct {
			col int // index into cols
			key string
			v   types.Value
		}
		type pattern struct {
			items []item
			rows  []int32
			count float64
		}
		min := threshold * total
		// Level 1: frequent single values.
		var level []*pattern
		for ci, c := range cols {
			by := map[string]*pattern{}
			var order []string
			for r := 0; r < b.Len; r++ {
				v := vals[c][r]
				if v.IsNull() || v.Type == types.String && v.S == "" {
					continue
				}
				k := string(appendKey(nil, v))
				p := by[k]
				if p == nil {
					p = &pattern{items: []item{{ci, k, v}}}
					by[k] = p
					order = append(order, k)
				}
				p.rows = append(p.rows, int32(r))
				p.count += w[r]
			}
			for _, k := range order {
				if p := by[k]; p.count >= min && p.count > 0 {
					level = append(level, p)
				}
			}
		}
		var all []*pattern
		for dims := 1; len(level) > 0; dims++ {
			all = append(all, level...)
			if dims >= maxDims {
				break
			}
			var nextLevel []*pattern
			for _, p := range level {
				last := p.items[len(p.items)-1].col
				for ci := last + 1; ci < len(cols) && len(nextLevel) < basketMaxCandidates; ci++ {
					by := map[string]*pattern{}
					var order []string
					for _, r := range p.rows {
						v := vals[cols[ci]][r]
						if v.IsNull() || v.Type == types.String && v.S == "" {
							continue
						}
						k := string(appendKey(nil, v))
						q := by[k]
						if q == nil {
							items := append(append([]item(nil), p.items...), item{ci, k, v})
							q = &pattern{items: items}
							by[k] = q
							order = append(order, k)
						}
						q.rows = append(q.rows, r)
						q.count += w[r]
					}
					for _, k := range order {
						if q := by[k]; q.count >= min && q.count > 0 {
							nextLevel = append(nextLevel, q)
						}
					}
				}
			}
			level = nextLevel
		}
		// Leave out a pattern that a pattern with one more value matches equally.
		sig := func(items []item) string {
			var sb strings.Builder
			for _, it := range items {
				sb.WriteString(string(rune('0' + it.col)))
				sb.WriteString(it.key)
				sb.WriteByte(0)
			}
			return sb.String()
		}
		counts := make(map[string]float64, len(all))
		for _, p := range all {
			counts[sig(p.items)] = p.count
		}
		covered := map[string]bool{}
		for _, p := range all {
			if len(p.items) < 2 {
				continue
			}
			for skip := range p.items {
				sub := sig(append(append([]item(nil), p.items[:skip]...), p.items[skip+1:]...))
				if c, ok := counts[sub]; ok && c == p.count {
					covered[sub] = true
				}
			}
		}
		var keep []*pattern
		for _, p := range all {
			if !covered[sig(p.items)] {
				keep = append(keep, p)
			}
		}
		sort.SliceStable(keep, func(i, j int) bool { return keep[i].count > keep[j].count })
		var rows [][]types.Value
		for id, p := range keep {
			set := map[int]types.Value{}
			for _, it := range p.items {
				set[cols[it.col]] = it.v
			}
			rows = append(rows, patternRow(types.NewInt(int32(id)), p.count, total, in, weight, set, wild))
		}
		return rowsToBatches(n.Fields, rows, x.batch), nil
	}}, nil
}
