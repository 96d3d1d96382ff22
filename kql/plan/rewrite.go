package plan

import (
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// Pass is one named rewrite of a plan.
type Pass struct {
	Name string
	Run  func(q *Query)
}

// Passes are the rewrite passes [Optimize] runs, in order. The order matters:
//
//  1. filter-pushdown moves `where` below extend/project/sort when its predicate reads
//     only columns those operators pass through unchanged (splitting and-ed conditions),
//     and into every input of a union. It runs first because it changes which operator
//     reads which columns.
//  2. projection-pushdown then propagates the set of needed columns from the outputs down
//     to every scan, so a scan produces unread columns as nulls without touching them. It
//     must see the final operator order, so it runs last.
var Passes = []Pass{
	{Name: "filter-pushdown", Run: func(q *Query) {
		memo := map[Node]Node{}
		for _, o := range q.Outputs {
			o.Root = pushFilters(o.Root, memo)
		}
		for _, sp := range subplans(q) {
			switch e := sp.(type) {
			case *Subquery:
				e.Plan = pushFilters(e.Plan, memo)
			case *In:
				e.Sub = pushFilters(e.Sub, memo)
			}
		}
	}},
	{Name: "projection-pushdown", Run: func(q *Query) {
		scans := map[*Scan][]bool{}
		for _, o := range q.Outputs {
			need(o.Root, allTrue(len(o.Root.Schema())), scans)
		}
		// Subqueries (toscalar, in) read only their first column.
		for _, sp := range subplans(q) {
			var n Node
			switch e := sp.(type) {
			case *Subquery:
				n = e.Plan
			case *In:
				n = e.Sub
			}
			first := make([]bool, len(n.Schema()))
			if len(first) > 0 {
				first[0] = true
			}
			need(n, first, scans)
		}
		for s, n := range scans {
			all := true
			for _, b := range n {
				all = all && b
			}
			if !all {
				s.Needed = n
			}
		}
	}},
}

// Optimize runs [Passes] over q in order.
func Optimize(q *Query) {
	for _, p := range Passes {
		p.Run(q)
	}
}

func allTrue(n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = true
	}
	return out
}

// pushFilters rewrites the tree below n, moving filters down. memo keeps shared subtrees
// (let-bound tables) shared.
func pushFilters(n Node, memo map[Node]Node) Node {
	if r, ok := memo[n]; ok {
		return r
	}
	var out Node
	switch x := n.(type) {
	case *Filter:
		in := pushFilters(x.Input, memo)
		out = pushOne(&Filter{Input: in, Pred: x.Pred, Op: x.Op}, memo)
	default:
		rewriteInputs(n, func(c Node) Node { return pushFilters(c, memo) })
		out = n
	}
	memo[n] = out
	return out
}

// pushOne moves filter f below its input when that is safe.
func pushOne(f *Filter, memo map[Node]Node) Node {
	switch in := f.Input.(type) {
	case *Project:
		if in.Serial || hasWindow(f.Pred) {
			return f
		}
		m := make([]int, len(in.Exprs))
		for i, e := range in.Exprs {
			m[i] = -1
			if c, ok := e.(*ColRef); ok {
				m[i] = c.Index
			}
		}
		// Push the conjuncts that read only passed-through columns; keep the rest above.
		var down, stay []Expr
		for _, c := range conjuncts(f.Pred) {
			if r := Remap(c, m, in.Input.Schema()); r != nil {
				down = append(down, r)
			} else {
				stay = append(stay, c)
			}
		}
		if len(down) == 0 {
			return f
		}
		inner := pushOne(&Filter{Input: in.Input, Pred: and(down), Op: f.Op}, memo)
		var out Node = &Project{Input: inner, Exprs: in.Exprs, Fields: in.Fields, Op: in.Op, Serial: in.Serial}
		if len(stay) > 0 {
			out = &Filter{Input: out, Pred: and(stay), Op: f.Op}
		}
		return out
	case *Join:
		// Conjuncts that read only left columns move to the left input when the join passes
		// left rows through as they are. For innerunique this happens before the left side
		// is deduplicated, which is what Kusto does and documents (join-innerunique.md: a
		// `where` on a left column after the join picks the left row it keeps).
		switch in.Kind {
		case InnerUnique, Inner, LeftOuter, LeftSemi, LeftAnti:
		default:
			return f
		}
		m := make([]int, len(in.Fields))
		for j := range m {
			m[j] = -1
			if j < len(in.LeftOut) {
				m[j] = in.LeftOut[j]
			}
		}
		var down, stay []Expr
		for _, c := range conjuncts(f.Pred) {
			if hasWindow(c) {
				stay = append(stay, c)
			} else if r := Remap(c, m, in.Left.Schema()); r != nil {
				down = append(down, r)
			} else {
				stay = append(stay, c)
			}
		}
		if len(down) == 0 {
			return f
		}
		left := pushOne(&Filter{Input: in.Left, Pred: and(down), Op: f.Op}, memo)
		var out Node = &Join{Left: left, Right: in.Right, Kind: in.Kind, LeftKeys: in.LeftKeys, RightKeys: in.RightKeys,
			LeftOut: in.LeftOut, RightOut: in.RightOut, Fields: in.Fields, Op: in.Op}
		if len(stay) > 0 {
			out = &Filter{Input: out, Pred: and(stay), Op: f.Op}
		}
		return out
	case *Union:
		// Filter each input, when the predicate reads only columns every input has.
		off := 0
		if in.Source != "" {
			off = 1
		}
		ins := make([]Node, len(in.Ins))
		for i, child := range in.Ins {
			m := make([]int, len(in.Fields))
			for j := range m {
				m[j] = -1
				if j >= off {
					m[j] = in.Maps[i][j-off]
				}
			}
			p := Remap(f.Pred, m, child.Schema())
			if p == nil {
				return f
			}
			ins[i] = pushOne(&Filter{Input: child, Pred: p, Op: f.Op}, memo)
		}
		return &Union{Ins: ins, Maps: in.Maps, Fields: in.Fields, Source: in.Source, Sources: in.Sources}
	case *Sort:
		if in.Limit >= 0 {
			return f
		}
		inner := pushOne(&Filter{Input: in.Input, Pred: f.Pred, Op: f.Op}, memo)
		return &Sort{Input: inner, Keys: in.Keys, Limit: in.Limit, Op: in.Op}
	}
	return f
}

// rewriteInputs replaces each input of n by fn(input), in place.
func rewriteInputs(n Node, fn func(Node) Node) {
	switch x := n.(type) {
	case *Filter:
		x.Input = fn(x.Input)
	case *Project:
		x.Input = fn(x.Input)
	case *Aggregate:
		x.Input = fn(x.Input)
	case *Sort:
		x.Input = fn(x.Input)
	case *Limit:
		x.Input = fn(x.Input)
	case *Join:
		x.Left, x.Right = fn(x.Left), fn(x.Right)
	case *Union:
		for i := range x.Ins {
			x.Ins[i] = fn(x.Ins[i])
		}
	case *MvExpand:
		x.Input = fn(x.Input)
	case *Parse:
		x.Input = fn(x.Input)
	case *ParseKv:
		x.Input = fn(x.Input)
	case *MakeSeries:
		x.Input = fn(x.Input)
	case *Sample:
		x.Input = fn(x.Input)
	case *GetSchema:
		x.Input = fn(x.Input)
	case *Render:
		x.Input = fn(x.Input)
	case *Materialize:
		x.Input = fn(x.Input)
	case *TopNested:
		x.Input = fn(x.Input)
	case *MvApply:
		x.Input = fn(x.Input)
		x.Sub = fn(x.Sub)
	case *Pivot:
		x.Input = fn(x.Input)
	case *IPLookup:
		x.Input, x.Lookup = fn(x.Input), fn(x.Lookup)
	case *GeoLookup:
		x.Input, x.Lookup = fn(x.Input), fn(x.Lookup)
	case *Reduce:
		x.Input = fn(x.Input)
	case *Partition:
		x.Input = fn(x.Input)
		x.Sub = fn(x.Sub)
	case *Evaluate:
		if x.Input != nil {
			x.Input = fn(x.Input)
		}
	case *StepScan:
		x.Input = fn(x.Input)
	}
}

// need records which input columns n reads to produce the outputs marked in out, and
// recurses; at scans it accumulates the union into scans.
func need(n Node, out []bool, scans map[*Scan][]bool) {
	cols := func(es ...Expr) map[int]bool {
		s := map[int]bool{}
		for _, e := range es {
			Columns(e, s)
		}
		return s
	}
	toMask := func(s map[int]bool, width int) []bool {
		m := make([]bool, width)
		for i := range s {
			if i < width {
				m[i] = true
			}
		}
		return m
	}
	orMask := func(a []bool, s map[int]bool) []bool {
		m := append([]bool(nil), a...)
		for i := range s {
			if i < len(m) {
				m[i] = true
			}
		}
		return m
	}
	switch x := n.(type) {
	case *Scan:
		cur := scans[x]
		if cur == nil {
			cur = make([]bool, len(x.Fields))
			scans[x] = cur
		}
		for i, b := range out {
			if b && i < len(cur) {
				cur[i] = true
			}
		}
	case *Filter:
		need(x.Input, orMask(out, cols(x.Pred)), scans)
	case *Project:
		var es []Expr
		for i, b := range out {
			if b || x.Serial {
				es = append(es, x.Exprs[i])
			}
		}
		need(x.Input, toMask(cols(es...), len(x.Input.Schema())), scans)
	case *Aggregate:
		es := append([]Expr(nil), x.Keys...)
		for _, a := range x.Aggs {
			es = append(es, a.Args...)
		}
		need(x.Input, toMask(cols(es...), len(x.Input.Schema())), scans)
	case *Sort:
		var es []Expr
		for _, k := range x.Keys {
			es = append(es, k.X)
		}
		need(x.Input, orMask(out, cols(es...)), scans)
	case *Limit:
		need(x.Input, out, scans)
	case *Sample:
		need(x.Input, out, scans)
	case *Render:
		need(x.Input, out, scans)
	case *Join:
		lm := make([]bool, len(x.Left.Schema()))
		rm := make([]bool, len(x.Right.Schema()))
		for _, k := range x.LeftKeys {
			lm[k] = true
		}
		for _, k := range x.RightKeys {
			rm[k] = true
		}
		j := 0
		for _, i := range x.LeftOut {
			if j < len(out) && out[j] {
				lm[i] = true
			}
			j++
		}
		for _, i := range x.RightOut {
			if j < len(out) && out[j] {
				rm[i] = true
			}
			j++
		}
		need(x.Left, lm, scans)
		need(x.Right, rm, scans)
	case *Union:
		off := 0
		if x.Source != "" {
			off = 1
		}
		for i, in := range x.Ins {
			m := make([]bool, len(in.Schema()))
			for j, src := range x.Maps[i] {
				if src >= 0 && (j+off >= len(out) || out[j+off]) {
					m[src] = true
				}
			}
			need(in, m, scans)
		}
	case *Reduce:
		x.need(out, scans)
	default:
		for _, in := range n.Inputs() {
			need(in, allTrue(len(in.Schema())), scans)
		}
	}
}

// conjuncts splits a predicate on its top-level ands.
func conjuncts(e Expr) []Expr {
	if b, ok := e.(*Binary); ok && b.Op == syntax.OpAnd {
		return append(conjuncts(b.X), conjuncts(b.Y)...)
	}
	return []Expr{e}
}

// and joins predicates with and.
func and(es []Expr) Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = &Binary{Op: syntax.OpAnd, X: out, Y: e, T: types.Bool}
	}
	return out
}

// subplans returns every toscalar and `in (subquery)` expression of q, including those
// nested in other subqueries.
func subplans(q *Query) []Expr {
	var out []Expr
	seen := map[Node]bool{}
	var visit func(n Node)
	visitExpr := func(e Expr) {
		Walk(e, func(x Expr) {
			switch x := x.(type) {
			case *Subquery:
				out = append(out, x)
				visit(x.Plan)
			case *In:
				if x.Sub != nil {
					out = append(out, x)
					visit(x.Sub)
				}
			}
		})
	}
	visit = func(n Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		for _, e := range nodeExprs(n) {
			visitExpr(e)
		}
		for _, in := range n.Inputs() {
			visit(in)
		}
	}
	for _, o := range q.Outputs {
		visit(o.Root)
	}
	return out
}

// nodeExprs lists the scalar expressions an operator evaluates.
func nodeExprs(n Node) []Expr {
	var es []Expr
	aggArgs := func(a *AggCall) {
		if a != nil {
			es = append(es, a.Args...)
		}
	}
	switch x := n.(type) {
	case *Range:
		es = append(es, x.From, x.To, x.Step)
	case *Filter:
		es = append(es, x.Pred)
	case *Project:
		es = append(es, x.Exprs...)
	case *Aggregate:
		es = append(es, x.Keys...)
		for _, a := range x.Aggs {
			aggArgs(a)
		}
	case *Sort:
		for _, k := range x.Keys {
			es = append(es, k.X)
		}
	case *MvExpand:
		for _, it := range x.Items {
			es = append(es, it.X)
		}
	case *Parse:
		es = append(es, x.X)
	case *GeoLookup:
		if x.Radius != nil {
			es = append(es, x.Radius)
		}
	case *ParseKv:
		es = append(es, x.X)
	case *MakeSeries:
		es = append(es, x.Keys...)
		es = append(es, x.Axis, x.Step)
		if x.From != nil {
			es = append(es, x.From)
		}
		if x.To != nil {
			es = append(es, x.To)
		}
		for _, a := range x.Aggs {
			aggArgs(a)
		}
	case *Evaluate:
		es = append(es, x.Args...)
	case *TopNested:
		for _, l := range x.Levels {
			es = append(es, l.Of)
			aggArgs(l.Agg)
		}
	case *Partition:
		es = append(es, x.By)
	case *Reduce:
		es = append(es, x.By)
	case *Pivot:
		es = append(es, x.Col)
		es = append(es, x.Keys...)
		aggArgs(x.Agg)
	case *StepScan:
		for _, st := range x.Steps {
			es = append(es, st.Cond)
			for _, a := range st.Assigns {
				es = append(es, a.X)
			}
		}
	}
	return es
}
