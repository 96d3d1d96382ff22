package exec

// This file runs the graph operators: it builds graphs in memory from their edge and
// node tables (make-graph), marks components, lists nodes and edges (graph-to-table) and
// matches patterns (graph-match, graph-shortest-paths) by backtracking over the
// adjacency lists.

import (
	"fmt"
	"strconv"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// maxGraphSteps bounds the work of one pattern match, so that a pattern with long
// variable length edges over a dense graph fails with a clear error.
const maxGraphSteps = 20_000_000

// graph is a built graph. Node i has id ids[i] and the properties of row i of nodes;
// edge j runs from node src[j] to node dst[j] and has the properties of row j of edges.
// out[i] and in[i] list node i's edges in edge order.
type graph struct {
	nodes    *column.Batch
	ids      []types.Value
	idType   types.Type
	edges    *column.Batch
	src, dst []int32
	out, in  [][]int32
}

// graphBlocking computes the table produced by a graph operator; ok is false for
// other nodes.
func (x *executor) graphBlocking(n plan.Node) (bs []*column.Batch, ok bool, err error) {
	switch n := n.(type) {
	case *plan.GraphMatch:
		bs, err = x.graphMatch(n)
	case *plan.GraphToTable:
		bs, err = x.graphToTable(n)
	case *plan.GraphPartition:
		bs, err = x.graphPartition(n)
	case plan.GraphSource:
		return nil, true, &RuntimeError{Op: "make-graph", Msg: "the query ends in a graph: follow make-graph with graph-match, graph-shortest-paths or graph-to-table"}
	default:
		return nil, false, nil
	}
	return bs, true, err
}

// graphOf builds the graph n produces.
func (x *executor) graphOf(n plan.GraphSource) (*graph, error) {
	switch n := n.(type) {
	case *plan.MakeGraph:
		edges, err := x.collectBatch(n.Edges)
		if err != nil {
			return nil, err
		}
		tables := make([]*column.Batch, len(n.Tables))
		for i, t := range n.Tables {
			if tables[i], err = x.collectBatch(t.Input); err != nil {
				return nil, err
			}
		}
		return buildGraph(n, edges, tables)
	case *plan.MarkComponents:
		g, err := x.graphOf(n.Input)
		if err != nil {
			return nil, err
		}
		return markComponents(g, n), nil
	case *plan.GraphInput:
		x.mu.Lock()
		g := x.graphIn[n]
		x.mu.Unlock()
		if g == nil {
			return nil, &InternalError{Msg: "graph partition input outside its operator"}
		}
		return g, nil
	}
	return nil, &InternalError{Msg: "no graph executor for " + plan.Label(n)}
}

// buildGraph makes the graph of n from its collected inputs.
func buildGraph(n *plan.MakeGraph, edges *column.Batch, tables []*column.Batch) (*graph, error) {
	g := &graph{idType: n.IDType}
	index := map[string]int32{}
	var rows [][]types.Value
	newNode := func(id types.Value) int32 {
		row := make([]types.Value, len(n.NodeFields))
		for j, f := range n.NodeFields {
			row[j] = types.NullOf(f.Type)
		}
		rows = append(rows, row)
		g.ids = append(g.ids, id)
		return int32(len(rows) - 1)
	}
	for ti, t := range tables {
		key, m := n.Tables[ti].Key, n.TableMaps[ti]
		for r := 0; r < t.Len; r++ {
			id := t.Cols[key].Value(r)
			if id.IsNull() {
				continue
			}
			k := string(appendKey(nil, id))
			i, seen := index[k]
			if !seen {
				i = newNode(id)
				index[k] = i
			}
			for c := range t.Cols {
				// make-graph-operator.md: a node in several tables merges their
				// properties; on a conflict one value is kept (the first here).
				if cur := rows[i][m[c]]; !seen || cur.IsNull() || (cur.Type == types.String && cur.S == "") {
					rows[i][m[c]] = types.Convert(t.Cols[c].Value(r), n.NodeFields[m[c]].Type)
				}
			}
		}
	}
	node := func(id types.Value) int32 {
		k := string(appendKey(nil, id))
		if i, ok := index[k]; ok {
			return i
		}
		i := newNode(id)
		index[k] = i
		// A node named only by edges has its id as its key properties.
		for ti := range n.Tables {
			j := n.TableMaps[ti][n.Tables[ti].Key]
			rows[i][j] = types.Convert(id, n.NodeFields[j].Type)
		}
		if n.NodeID != "" {
			rows[i][0] = id
		}
		return i
	}
	var keep []int32
	for r := 0; r < edges.Len; r++ {
		s, d := edges.Cols[n.Source].Value(r), edges.Cols[n.Target].Value(r)
		if s.IsNull() || d.IsNull() {
			continue // an edge needs both ends
		}
		g.src = append(g.src, node(s))
		g.dst = append(g.dst, node(d))
		keep = append(keep, int32(r))
	}
	if len(keep) == edges.Len {
		g.edges = edges
	} else {
		g.edges = edges.Gather(keep)
	}
	cols := make([]column.Vector, len(n.NodeFields))
	for j, f := range n.NodeFields {
		bld := column.NewBuilder(f.Type)
		for _, row := range rows {
			bld.Append(row[j])
		}
		cols[j] = bld.Build()
	}
	g.nodes = &column.Batch{Schema: n.NodeFields, Cols: cols, Len: len(rows)}
	g.link()
	return g, nil
}

// link fills the adjacency lists from src and dst.
func (g *graph) link() {
	g.out = make([][]int32, len(g.ids))
	g.in = make([][]int32, len(g.ids))
	for e := range g.src {
		g.out[g.src[e]] = append(g.out[g.src[e]], int32(e))
		g.in[g.dst[e]] = append(g.in[g.dst[e]], int32(e))
	}
}

// markComponents returns g with one more node property: the component index.
func markComponents(g *graph, n *plan.MarkComponents) *graph {
	nn := len(g.ids)
	comp := make([]int64, nn)
	for i := range comp {
		comp[i] = -1
	}
	if n.Strong {
		for i, c := range strongComponents(g) {
			comp[i] = int64(c)
		}
	} else {
		next := int64(0)
		var stack []int32
		for i := range nn {
			if comp[i] >= 0 {
				continue
			}
			comp[i] = next
			stack = append(stack[:0], int32(i))
			for len(stack) > 0 {
				u := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				visit := func(w int32) {
					if comp[w] < 0 {
						comp[w] = next
						stack = append(stack, w)
					}
				}
				for _, e := range g.out[u] {
					visit(g.dst[e])
				}
				for _, e := range g.in[u] {
					visit(g.src[e])
				}
			}
			next++
		}
	}
	out := *g
	fields, _ := n.GraphSchema()
	out.nodes = &column.Batch{Schema: fields, Cols: append(append([]column.Vector(nil), g.nodes.Cols...), &column.Ints{T: types.Long, Vals: comp}), Len: g.nodes.Len}
	return &out
}

// strongComponents numbers the strongly connected components (Tarjan's algorithm,
// iterative), in the order of their first node.
func strongComponents(g *graph) []int {
	nn := len(g.ids)
	index, low, comp := make([]int, nn), make([]int, nn), make([]int, nn)
	onStack := make([]bool, nn)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack []int32
	counter := 0
	var raw [][]int32 // components as found
	type frame struct {
		v    int32
		next int
	}
	for root := range nn {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{v: int32(root)}}
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.next < len(g.out[v]) {
				w := g.dst[g.out[v][f.next]]
				f.next++
				if index[w] < 0 {
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{v: w})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			if low[v] == index[v] {
				var c []int32
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					c = append(c, w)
					if w == v {
						break
					}
				}
				raw = append(raw, c)
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
		}
	}
	of := make([]int, nn)
	for ci, c := range raw {
		for _, v := range c {
			of[v] = ci
		}
	}
	renum := map[int]int{}
	for i := range nn {
		if _, ok := renum[of[i]]; !ok {
			renum[of[i]] = len(renum)
		}
		comp[i] = renum[of[i]]
	}
	return comp
}

// idVector returns the node ids as a column.
func (g *graph) idVector() column.Vector {
	bld := column.NewBuilder(g.idType)
	for _, id := range g.ids {
		bld.Append(id)
	}
	return bld.Build()
}

func (x *executor) graphToTable(n *plan.GraphToTable) ([]*column.Batch, error) {
	g, err := x.graphOf(n.Input)
	if err != nil {
		return nil, err
	}
	var hashes column.Vector
	if n.IDName != "" || n.SourceIDName != "" || n.TargetIDName != "" {
		hf, err := x.compile(n.Hash)
		if err != nil {
			return nil, err
		}
		hashes = hf(&column.Batch{Schema: []column.Field{{Name: "id", Type: g.idType}}, Cols: []column.Vector{g.idVector()}, Len: len(g.ids)})
	}
	var cols []column.Vector
	if !n.Edges {
		if n.IDName != "" {
			cols = append(cols, hashes)
		}
		cols = append(cols, g.nodes.Cols...)
	} else {
		if n.SourceIDName != "" {
			cols = append(cols, column.Gather(hashes, g.src))
		}
		if n.TargetIDName != "" {
			cols = append(cols, column.Gather(hashes, g.dst))
		}
		cols = append(cols, g.edges.Cols...)
	}
	b, err := column.NewBatch(n.Fields, cols)
	if err != nil {
		return nil, &InternalError{Msg: "graph-to-table: " + err.Error()}
	}
	if b.Len == 0 {
		return nil, nil
	}
	return []*column.Batch{b}, nil
}

func (x *executor) graphPartition(n *plan.GraphPartition) ([]*column.Batch, error) {
	edges, err := x.collectBatch(n.Graph.Edges)
	if err != nil {
		return nil, err
	}
	tables := make([]*column.Batch, len(n.Graph.Tables))
	for i, t := range n.Graph.Tables {
		if tables[i], err = x.collectBatch(t.Input); err != nil {
			return nil, err
		}
	}
	var order []string
	groups := map[string][][]int32{} // per key: edge rows, then rows of each table
	add := func(k string, which int, r int32) {
		gs, ok := groups[k]
		if !ok {
			gs = make([][]int32, 1+len(tables))
			order = append(order, k)
		}
		gs[which] = append(gs[which], r)
		groups[k] = gs
	}
	for r := 0; r < edges.Len; r++ {
		add(string(appendKey(nil, edges.Cols[n.By].Value(r))), 0, int32(r))
	}
	for ti, t := range tables {
		for r := 0; r < t.Len; r++ {
			add(string(appendKey(nil, t.Cols[n.NodeBy[ti]].Value(r))), ti+1, int32(r))
		}
	}
	var out []*column.Batch
	for _, k := range order {
		if err := x.canceled(); err != nil {
			return nil, err
		}
		gs := groups[k]
		parts := make([]*column.Batch, len(tables))
		for ti, t := range tables {
			parts[ti] = t.Gather(gs[ti+1])
		}
		g, err := buildGraph(n.Graph, edges.Gather(gs[0]), parts)
		if err != nil {
			return nil, err
		}
		x.mu.Lock()
		x.graphIn[n.In] = g
		x.mu.Unlock()
		t, err := x.collect(n.Sub)
		if err != nil {
			return nil, err
		}
		out = append(out, t.Batches...)
	}
	return out, nil
}

// gmatch is one match of a pattern: the node of each node variable, the edge of each
// fixed edge and, for variable length edges, the edges and nodes (ends included) walked.
type gmatch struct {
	nodes     []int32
	edges     []int32
	pathEdges [][]int32
	pathNodes [][]int32
}

// matcher enumerates the matches of a pattern by backtracking.
type matcher struct {
	x        *executor
	g        *graph
	gm       *plan.GraphMatch
	nodeOf   []int32
	edgeOf   []int32
	pEdges   [][]int32
	pNodes   [][]int32
	nodeUse  []int
	edgeUse  []int
	matches  []gmatch
	steps    int
	curEdges []int32
	curNodes []int32
	// Masks from the filters of single variables (plan.GraphMatch.NodeFilters and the
	// like); nil when a variable has none.
	nodeOK, edgeOK, innerOK [][]bool
	held                    int64 // bytes of matches not yet charged to the budget
}

func (m *matcher) step() error {
	m.steps++
	if m.steps > maxGraphSteps {
		return &RuntimeError{Op: m.gm.Op, Msg: fmt.Sprintf("the pattern needs more than %d search steps; bound its variable length edges or add cycles=none", maxGraphSteps)}
	}
	if m.steps%65536 == 0 {
		return m.x.canceled()
	}
	return nil
}

// bindNode binds node variable v to node n; bound is true when it was a new binding
// (to undo with unbindNode), ok false when n cannot be v.
func (m *matcher) bindNode(v int, n int32) (ok, bound bool) {
	if cur := m.nodeOf[v]; cur >= 0 {
		return cur == n, false
	}
	if ok := m.nodeOK[v]; ok != nil && !ok[n] {
		return false, false
	}
	if m.gm.Cycles == plan.CyclesNone && m.nodeUse[n] > 0 {
		return false, false
	}
	m.nodeOf[v] = n
	m.nodeUse[n]++
	return true, true
}

func (m *matcher) unbindNode(v int) {
	m.nodeUse[m.nodeOf[v]]--
	m.nodeOf[v] = -1
}

// useEdge takes edge e for the match, unless the cycle option forbids it.
func (m *matcher) useEdge(e int32) bool {
	if m.gm.Cycles != plan.CyclesAll && m.edgeUse[e] > 0 {
		return false
	}
	m.edgeUse[e]++
	return true
}

// neighbours calls fn with each edge from node u in direction dir and its other end.
func (m *matcher) neighbours(u int32, dir syntax.EdgeDir, fn func(e, w int32) error) error {
	if dir != syntax.EdgeLeft {
		for _, e := range m.g.out[u] {
			if err := fn(e, m.g.dst[e]); err != nil {
				return err
			}
		}
	}
	if dir != syntax.EdgeRight {
		for _, e := range m.g.in[u] {
			if err := fn(e, m.g.src[e]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *matcher) path(pi int) error {
	if pi == len(m.gm.Paths) {
		return m.emit()
	}
	v := m.gm.Paths[pi].First
	if n := m.nodeOf[v]; n >= 0 {
		return m.hop(pi, 0, n)
	}
	for n := range m.g.ids {
		if err := m.step(); err != nil {
			return err
		}
		ok, bound := m.bindNode(v, int32(n))
		if !ok {
			continue
		}
		err := m.hop(pi, 0, int32(n))
		if bound {
			m.unbindNode(v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *matcher) hop(pi, hi int, u int32) error {
	p := m.gm.Paths[pi]
	if hi == len(p.Hops) {
		return m.path(pi + 1)
	}
	h := p.Hops[hi]
	if m.gm.EdgeVars[h.Edge].Variable {
		m.curEdges = m.curEdges[:0]
		m.curNodes = append(m.curNodes[:0], u)
		return m.extend(pi, hi, u, 0)
	}
	return m.neighbours(u, h.Dir, func(e, w int32) error {
		if err := m.step(); err != nil {
			return err
		}
		if ok := m.edgeOK[h.Edge]; ok != nil && !ok[e] {
			return nil
		}
		if !m.useEdge(e) {
			return nil
		}
		defer func() { m.edgeUse[e]-- }()
		ok, bound := m.bindNode(h.Node, w)
		if !ok {
			return nil
		}
		m.edgeOf[h.Edge] = e
		err := m.hop(pi, hi+1, w)
		if bound {
			m.unbindNode(h.Node)
		}
		return err
	})
}

// extend walks a variable length edge: cur is the node reached after depth edges.
func (m *matcher) extend(pi, hi int, cur int32, depth int64) error {
	h := m.gm.Paths[pi].Hops[hi]
	ev := m.gm.EdgeVars[h.Edge]
	if depth >= ev.Min {
		if err := m.close(pi, hi, cur, depth); err != nil {
			return err
		}
	}
	if depth >= ev.Max {
		return nil
	}
	if in := m.innerOK[h.Edge]; in != nil && depth > 0 && !in[cur] {
		return nil // cur would be an inner node
	}
	return m.neighbours(cur, h.Dir, func(e, w int32) error {
		if err := m.step(); err != nil {
			return err
		}
		if ok := m.edgeOK[h.Edge]; ok != nil && !ok[e] {
			return nil
		}
		closeOnly := false
		if m.gm.Cycles == plan.CyclesNone && m.nodeUse[w] > 0 {
			// The walk may come back to a node only to end at the variable it is bound to.
			if m.nodeOf[h.Node] != w || depth+1 < ev.Min {
				return nil
			}
			closeOnly = true
		}
		if !m.useEdge(e) {
			return nil
		}
		defer func() { m.edgeUse[e]-- }()
		m.curEdges = append(m.curEdges, e)
		m.curNodes = append(m.curNodes, w)
		defer func() {
			m.curEdges = m.curEdges[:len(m.curEdges)-1]
			m.curNodes = m.curNodes[:len(m.curNodes)-1]
		}()
		if closeOnly {
			return m.close(pi, hi, w, depth+1)
		}
		m.nodeUse[w]++
		defer func() { m.nodeUse[w]-- }()
		return m.extend(pi, hi, w, depth+1)
	})
}

// close ends a variable length edge at node cur and goes on with the pattern.
func (m *matcher) close(pi, hi int, cur int32, depth int64) error {
	h := m.gm.Paths[pi].Hops[hi]
	// The walk counted cur as used; as the end node it is used by the binding instead.
	if depth > 0 && m.nodeOf[h.Node] != cur {
		m.nodeUse[cur]--
		defer func() { m.nodeUse[cur]++ }()
	}
	ok, bound := m.bindNode(h.Node, cur)
	if !ok {
		return nil
	}
	savedE, savedN := m.pEdges[h.Edge], m.pNodes[h.Edge]
	m.pEdges[h.Edge] = append([]int32(nil), m.curEdges...)
	m.pNodes[h.Edge] = append([]int32(nil), m.curNodes...)
	// The rest of the pattern may walk other variable length edges, which reuse the
	// walk buffers: keep this walk's state.
	ce, cn := m.curEdges, m.curNodes
	m.curEdges, m.curNodes = nil, nil
	err := m.hop(pi, hi+1, cur)
	m.curEdges, m.curNodes = ce, cn
	m.pEdges[h.Edge], m.pNodes[h.Edge] = savedE, savedN
	if bound {
		m.unbindNode(h.Node)
	}
	return err
}

func (m *matcher) emit() error {
	mt := gmatch{nodes: append([]int32(nil), m.nodeOf...), edges: append([]int32(nil), m.edgeOf...)}
	mt.pathEdges = append([][]int32(nil), m.pEdges...)
	mt.pathNodes = append([][]int32(nil), m.pNodes...)
	m.matches = append(m.matches, mt)
	// Charge the memory budget for what the match holds (slices and their headers).
	n := int64(4*(len(mt.nodes)+len(mt.edges)) + 48*(len(mt.pathEdges)+2) + 96)
	for i := range mt.pathEdges {
		n += int64(4 * (len(mt.pathEdges[i]) + len(mt.pathNodes[i])))
	}
	m.held += n
	if len(m.matches)%1024 == 0 {
		held := m.held
		m.held = 0
		return m.x.budget.grow(m.gm.Op, held)
	}
	return nil
}

func (x *executor) graphMatch(n *plan.GraphMatch) ([]*column.Batch, error) {
	g, err := x.graphOf(n.Input)
	if err != nil {
		return nil, err
	}
	m := &matcher{x: x, g: g, gm: n,
		nodeOf: make([]int32, len(n.NodeVars)), edgeOf: make([]int32, len(n.EdgeVars)),
		pEdges: make([][]int32, len(n.EdgeVars)), pNodes: make([][]int32, len(n.EdgeVars)),
		nodeUse: make([]int, len(g.ids)), edgeUse: make([]int, len(g.src)),
	}
	for i := range m.nodeOf {
		m.nodeOf[i] = -1
	}
	for i := range m.edgeOf {
		m.edgeOf[i] = -1
	}
	if m.nodeOK, m.edgeOK, m.innerOK, err = x.graphMasks(g, n); err != nil {
		return nil, err
	}
	if n.Shortest && bfsApplies(n) {
		err = m.bfsShortest()
	} else {
		err = m.path(0)
	}
	if err != nil {
		return nil, err
	}
	if len(m.matches) == 0 {
		return nil, nil
	}
	need := map[int]bool{}
	if n.Where != nil {
		plan.Columns(n.Where, need)
	}
	for _, e := range n.Project {
		plan.Columns(e, need)
	}
	rows, err := x.matchBatch(g, n, m.matches, need)
	if err != nil {
		return nil, err
	}
	sel := make([]int32, 0, rows.Len)
	if n.Where != nil {
		wf, err := x.compile(n.Where)
		if err != nil {
			return nil, err
		}
		sel = selection(wf(rows))
	} else {
		for i := range rows.Len {
			sel = append(sel, int32(i))
		}
	}
	if n.Shortest {
		sel = shortest(n, m.matches, sel)
	}
	if len(sel) == 0 {
		return nil, nil
	}
	rows = rows.Gather(sel)
	pf, err := x.compileAll(n.Project)
	if err != nil {
		return nil, err
	}
	cols := make([]column.Vector, len(pf))
	for i, f := range pf {
		cols[i] = f(rows)
		if cols[i].Type() != n.Fields[i].Type && cols[i].Type() != types.Unknown {
			cols[i] = convertVec(cols[i], n.Fields[i].Type)
		}
	}
	b, err := column.NewBatch(n.Fields, cols)
	if err != nil {
		return nil, &InternalError{Msg: n.Op + ": " + err.Error()}
	}
	if err := x.budget.grow(n.Op, batchBytes(b)); err != nil {
		return nil, err
	}
	return []*column.Batch{b}, nil
}

// graphMasks evaluates the filters of single variables over the graph's nodes and edges.
func (x *executor) graphMasks(g *graph, n *plan.GraphMatch) (nodeOK, edgeOK, innerOK [][]bool, err error) {
	var nodes *column.Batch
	mask := func(fs []plan.Expr, size int, edges bool) ([][]bool, error) {
		out := make([][]bool, size)
		for i, f := range fs {
			if f == nil {
				continue
			}
			fn, err := x.compile(f)
			if err != nil {
				return nil, err
			}
			b := g.edges
			if !edges {
				if nodes == nil {
					nodes = nodeElemBatch(g)
				}
				b = nodes
			}
			out[i] = make([]bool, b.Len)
			for _, r := range selection(fn(b)) {
				out[i][r] = true
			}
		}
		return out, nil
	}
	if nodeOK, err = mask(n.NodeFilters, len(n.NodeVars), false); err != nil {
		return
	}
	if edgeOK, err = mask(n.EdgeFilters, len(n.EdgeVars), true); err != nil {
		return
	}
	innerOK, err = mask(n.InnerFilters, len(n.EdgeVars), false)
	return
}

// convertVec converts every value of v to type t.
func convertVec(v column.Vector, t types.Type) column.Vector {
	bld := column.NewBuilder(t)
	for i := 0; i < v.Len(); i++ {
		bld.Append(types.Convert(v.Value(i), t))
	}
	return bld.Build()
}

// shortest keeps, of the selected matches, the shortest per pair of end nodes: the
// first found, or every one of that length with output=all. A node is paired with
// itself only by a zero-length path.
func shortest(n *plan.GraphMatch, ms []gmatch, sel []int32) []int32 {
	p := n.Paths[0]
	last := p.First
	if len(p.Hops) > 0 {
		last = p.Hops[len(p.Hops)-1].Node
	}
	type best struct {
		length int
		rows   []int32
	}
	byPair := map[[2]int32]*best{}
	var order [][2]int32
	for _, r := range sel {
		mt := ms[r]
		length := 0
		for i, ev := range n.EdgeVars {
			if ev.Variable {
				length += len(mt.pathEdges[i])
			} else {
				length++
			}
		}
		k := [2]int32{mt.nodes[p.First], mt.nodes[last]}
		if k[0] == k[1] && length > 0 {
			// A node's shortest path to itself is the empty one: a cycle is never a
			// shortest path (as in the breadth-first search).
			continue
		}
		b := byPair[k]
		switch {
		case b == nil:
			byPair[k] = &best{length: length, rows: []int32{r}}
			order = append(order, k)
		case length < b.length:
			b.length, b.rows = length, []int32{r}
		case length == b.length && n.AllShortest:
			b.rows = append(b.rows, r)
		}
	}
	var out []int32
	for _, k := range order {
		out = append(out, byPair[k].rows...)
	}
	return out
}

// matchBatch builds the match row of every match: the columns in need, nulls elsewhere.
func (x *executor) matchBatch(g *graph, n *plan.GraphMatch, ms []gmatch, need map[int]bool) (*column.Batch, error) {
	cols := make([]column.Vector, len(n.Cols))
	fields := make([]column.Field, len(n.Cols))
	var nodeElems *column.Batch
	for ci, c := range n.Cols {
		fields[ci] = c.Field
		if !need[ci] {
			cols[ci] = constVec(c.Field.Type, types.NullOf(c.Field.Type), len(ms))
			continue
		}
		switch c.Kind {
		case plan.GraphNodeProp:
			idx := make([]int32, len(ms))
			for i, mt := range ms {
				idx[i] = mt.nodes[c.Var]
			}
			cols[ci] = column.Gather(g.nodes.Cols[c.Prop], idx)
		case plan.GraphEdgeProp:
			if !n.EdgeVars[c.Var].Variable {
				idx := make([]int32, len(ms))
				for i, mt := range ms {
					idx[i] = mt.edges[c.Var]
				}
				cols[ci] = column.Gather(g.edges.Cols[c.Prop], idx)
				continue
			}
			vals := g.edges.Cols[c.Prop]
			cols[ci] = arrays(ms, func(mt gmatch) []int32 { return mt.pathEdges[c.Var] }, vals)
		case plan.GraphNodeBag:
			bld := &column.DynamicBuilder{}
			for _, mt := range ms {
				bld.AppendRawJSON(bagJSON(nil, g.nodes, mt.nodes[c.Var]))
			}
			cols[ci] = bld.Build()
		case plan.GraphEdgeBag:
			bld := &column.DynamicBuilder{}
			var buf []byte
			for _, mt := range ms {
				if !n.EdgeVars[c.Var].Variable {
					bld.AppendRawJSON(bagJSON(buf[:0], g.edges, mt.edges[c.Var]))
					continue
				}
				buf = append(buf[:0], '[')
				for i, e := range mt.pathEdges[c.Var] {
					if i > 0 {
						buf = append(buf, ',')
					}
					buf = bagJSON(buf, g.edges, e)
				}
				bld.AppendRawJSON(append(buf, ']'))
			}
			cols[ci] = bld.Build()
		case plan.GraphNodeFunc:
			bld := column.NewBuilder(c.Field.Type)
			for _, mt := range ms {
				bld.Append(nodeFunc(g, c.Func, mt.nodes[c.Var]))
			}
			cols[ci] = bld.Build()
		case plan.GraphPathMap, plan.GraphPathAll, plan.GraphPathAny:
			f, err := x.compile(c.Elem)
			if err != nil {
				return nil, err
			}
			var vals column.Vector
			elems := func(mt gmatch) []int32 { return mt.pathEdges[c.Var] }
			if c.Inner {
				if nodeElems == nil {
					nodeElems = nodeElemBatch(g)
				}
				vals = f(nodeElems)
				elems = func(mt gmatch) []int32 {
					ns := mt.pathNodes[c.Var]
					if len(ns) <= 2 {
						return nil
					}
					return ns[1 : len(ns)-1]
				}
			} else {
				vals = f(g.edges)
			}
			if c.Kind == plan.GraphPathMap {
				cols[ci] = arrays(ms, elems, vals)
				continue
			}
			out := &column.Bools{Vals: make([]bool, len(ms))}
			for i, mt := range ms {
				all, any := true, false
				for _, e := range elems(mt) {
					t := boolOf(vals.Value(int(e))).Bool()
					all = all && t
					any = any || t
				}
				out.Vals[i] = any
				if c.Kind == plan.GraphPathAll {
					out.Vals[i] = all
				}
			}
			cols[ci] = out
		}
	}
	return &column.Batch{Schema: fields, Cols: cols, Len: len(ms)}, nil
}

// arrays builds, per match, the dynamic array of vals at the element indexes elems.
func arrays(ms []gmatch, elems func(gmatch) []int32, vals column.Vector) column.Vector {
	bld := &column.DynamicBuilder{}
	var buf []byte
	for _, mt := range ms {
		buf = append(buf[:0], '[')
		for i, e := range elems(mt) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = types.AppendDynamic(buf, vals.Value(int(e)))
		}
		buf = append(buf, ']')
		bld.AppendRawJSON(buf)
	}
	return bld.Build()
}

// bagJSON appends row r of b as a JSON object of its columns.
func bagJSON(dst []byte, b *column.Batch, r int32) []byte {
	dst = append(dst, '{')
	for i, f := range b.Schema {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = types.AppendJSONString(dst, f.Name)
		dst = append(dst, ':')
		dst = types.AppendDynamic(dst, b.Cols[i].Value(int(r)))
	}
	return append(dst, '}')
}

// nodeFunc computes node_degree_in, node_degree_out or node_id of node n.
func nodeFunc(g *graph, fn string, n int32) types.Value {
	switch fn {
	case "node_degree_in":
		return types.NewLong(int64(len(g.in[n])))
	case "node_degree_out":
		return types.NewLong(int64(len(g.out[n])))
	}
	return types.NewString(nodeIDText(g.ids[n]))
}

// nodeIDText is a node id as text (node-id.md: its string representation).
func nodeIDText(v types.Value) string {
	if v.Type == types.String {
		return v.S
	}
	if v.Type == types.Long || v.Type == types.Int {
		return strconv.FormatInt(v.I, 10)
	}
	return types.Convert(v, types.String).S
}

// nodeElemBatch is the node rows seen by map/all/any over inner nodes: the properties
// followed by in-degree, out-degree and id.
func nodeElemBatch(g *graph) *column.Batch {
	in := &column.Ints{T: types.Long, Vals: make([]int64, len(g.ids))}
	out := &column.Ints{T: types.Long, Vals: make([]int64, len(g.ids))}
	ids := column.NewBuilder(types.String)
	for i := range g.ids {
		in.Vals[i] = int64(len(g.in[i]))
		out.Vals[i] = int64(len(g.out[i]))
		ids.Append(types.NewString(nodeIDText(g.ids[i])))
	}
	fields := append(append([]column.Field(nil), g.nodes.Schema...), plan.GraphElemNodeFields()...)
	cols := append(append([]column.Vector(nil), g.nodes.Cols...), in, out, ids.Build())
	return &column.Batch{Schema: fields, Cols: cols, Len: len(g.ids)}
}

// bfsApplies reports whether the shortest paths of n can be found breadth first: a
// pattern of one variable length edge of minimum length 0 or 1 between two different
// node variables, with the rest of the where clause reading the end nodes only (the
// conditions on single variables are masks the search applies).
func bfsApplies(n *plan.GraphMatch) bool {
	if len(n.Paths) != 1 || len(n.Paths[0].Hops) != 1 {
		return false
	}
	p := n.Paths[0]
	ev := n.EdgeVars[p.Hops[0].Edge]
	if !ev.Variable || ev.Min > 1 || p.First == p.Hops[0].Node {
		return false
	}
	if n.Where == nil {
		return true
	}
	cols := map[int]bool{}
	plan.Columns(n.Where, cols)
	for i := range cols {
		switch n.Cols[i].Kind {
		case plan.GraphNodeProp, plan.GraphNodeFunc, plan.GraphNodeBag:
		default:
			return false
		}
	}
	return true
}

// bfsShortest finds, from every start node, the shortest paths to every end node
// breadth first: one per pair (the first found, edges in table order), or with
// output=all every path of that length.
func (m *matcher) bfsShortest() error {
	n, g := m.gm, m.g
	p := n.Paths[0]
	h := p.Hops[0]
	ev := n.EdgeVars[h.Edge]
	startOK, endOK := m.nodeOK[p.First], m.nodeOK[h.Node]
	edgeOK, innerOK := m.edgeOK[h.Edge], m.innerOK[h.Edge]
	type link struct{ edge, from int32 }
	dist := make([]int64, len(g.ids))
	parents := make([][]link, len(g.ids))
	for i := range dist {
		dist[i] = -1
	}
	var touched []int32
	for s := range g.ids {
		if startOK != nil && !startOK[s] {
			continue
		}
		for _, t := range touched {
			dist[t], parents[t] = -1, parents[t][:0]
		}
		touched = append(touched[:0], int32(s))
		dist[s] = 0
		frontier := []int32{int32(s)}
		for d := int64(0); d < ev.Max && len(frontier) > 0; d++ {
			var next []int32
			for _, u := range frontier {
				if d > 0 && innerOK != nil && !innerOK[u] {
					continue // u may end a path but not lie inside one
				}
				err := m.neighbours(u, h.Dir, func(e, w int32) error {
					if err := m.step(); err != nil {
						return err
					}
					if edgeOK != nil && !edgeOK[e] {
						return nil
					}
					switch dist[w] {
					case -1:
						dist[w] = d + 1
						parents[w] = append(parents[w], link{e, u})
						touched = append(touched, w)
						next = append(next, w)
					case d + 1:
						if n.AllShortest {
							parents[w] = append(parents[w], link{e, u})
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			frontier = next
		}
		for _, t := range touched {
			if dist[t] < ev.Min || (t == int32(s) && ev.Min > 0) || (endOK != nil && !endOK[t]) {
				continue
			}
			// Walk the parent links back from t, every combination of them.
			var edges, nodes []int32
			var walk func(v int32) error
			walk = func(v int32) error {
				if v == int32(s) && len(edges) == int(dist[t]) {
					mt := gmatch{nodes: make([]int32, len(n.NodeVars)), edges: make([]int32, len(n.EdgeVars)),
						pathEdges: make([][]int32, len(n.EdgeVars)), pathNodes: make([][]int32, len(n.EdgeVars))}
					for i := range mt.nodes {
						mt.nodes[i] = -1
					}
					for i := range mt.edges {
						mt.edges[i] = -1
					}
					mt.nodes[p.First], mt.nodes[h.Node] = int32(s), t
					pe := make([]int32, len(edges))
					pn := make([]int32, 0, len(nodes)+1)
					for i := range edges {
						pe[i] = edges[len(edges)-1-i]
					}
					pn = append(pn, int32(s))
					for i := len(nodes) - 1; i >= 0; i-- {
						pn = append(pn, nodes[i])
					}
					mt.pathEdges[h.Edge], mt.pathNodes[h.Edge] = pe, pn
					m.matches = append(m.matches, mt)
					return m.step()
				}
				for _, l := range parents[v] {
					edges = append(edges, l.edge)
					nodes = append(nodes, v)
					err := walk(l.from)
					edges, nodes = edges[:len(edges)-1], nodes[:len(nodes)-1]
					if err != nil {
						return err
					}
				}
				return nil
			}
			if err := walk(t); err != nil {
				return err
			}
		}
	}
	return nil
}
