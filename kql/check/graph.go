package check

// This file checks the graph operators (make-graph-operator.md and the pages it links).
// make-graph and graph-mark-components produce a graph, a [Schema] with Graph set, which
// only graph operators may read; graph-match, graph-shortest-paths and graph-to-table
// turn it back into a table.

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// GraphSchema describes a graph value: the properties of its nodes and of its edges.
type GraphSchema struct {
	Nodes, Edges *Schema
	IDType       types.Type // the type of the node ids
}

const graphOpList = "graph-match, graph-shortest-paths, graph-to-table or graph-mark-components"

// graphScope is what the expressions of graph-match see: the pattern's variables or,
// inside all/any/map, one element of a variable length edge.
type graphScope struct {
	g     *GraphSchema
	nodes map[string]bool // node variables
	edges map[string]bool // edge variables: true for variable length edges
	elem  bool            // inside all(), any() or map()
	inner bool            // ... over inner_nodes(): the element is a node
}

func openGraph() *GraphSchema {
	return &GraphSchema{Nodes: openSchema(), Edges: openSchema(), IDType: types.Unknown}
}

// graphOp checks the graph operators and rejects a tabular operator over a graph; ok
// is false for a tabular operator over a table.
func (c *checker) graphOp(op syntax.Operator, in *Schema, sc *scope) (*Schema, bool) {
	isGraph := in != nil && in.Graph != nil
	switch op := op.(type) {
	case *syntax.MakeGraphOp:
		if isGraph {
			c.errorf(op, "'make-graph' needs a table of edges, found a graph")
			return &Schema{Graph: openGraph()}, true
		}
		return c.makeGraph(op, in, sc), true
	case *syntax.GraphMatchOp, *syntax.GraphToTableOp, *syntax.GraphMarkComponentsOp:
		g := openGraph()
		if isGraph {
			g = in.Graph
		} else {
			c.errorf(op, "'%s' needs a graph: build one with make-graph first", op.OpName())
		}
		switch op := op.(type) {
		case *syntax.GraphMatchOp:
			return c.graphMatch(op, g, sc), true
		case *syntax.GraphToTableOp:
			return c.graphToTable(op, g, sc), true
		case *syntax.GraphMarkComponentsOp:
			return c.markComponents(op, g), true
		}
	}
	if isGraph {
		c.errorf(op, "'%s' cannot read a graph: expected %s", op.OpName(), graphOpList)
		return openSchema(), true
	}
	return nil, false
}

// graphColumn looks up a column named by a graph operator.
func (c *checker) graphColumn(id *syntax.Ident, s *Schema, op string) (Column, bool) {
	if id == nil || id.Name == "" {
		return Column{Type: types.Unknown}, false
	}
	if i := s.Index(id.Name); i >= 0 {
		return s.Columns[i], true
	}
	if !s.Open {
		c.errorf(id, "unknown column '%s' in '%s'%s", id.Name, op, c.columnHint(id.Name, s, nil))
	}
	return Column{Name: id.Name, Type: types.Unknown}, false
}

func (c *checker) makeGraph(op *syntax.MakeGraphOp, in *Schema, sc *scope) *Schema {
	src, _ := c.graphColumn(op.Source, in, "make-graph")
	dst, _ := c.graphColumn(op.Target, in, "make-graph")
	if src.Type != types.Unknown && dst.Type != types.Unknown && src.Type != dst.Type {
		c.errorf(op.Target, "in 'make-graph': source and target ids must have one type, found %s and %s", src.Type, dst.Type)
	}
	g := &GraphSchema{Nodes: &Schema{}, Edges: in, IDType: src.Type}
	for _, cl := range op.Tables {
		t := c.tabular(cl.Table, sc)
		if t.Graph != nil {
			c.errorf(cl.Table, "in 'make-graph': the node table is a graph")
			continue
		}
		if key, ok := c.graphColumn(cl.On, t, "make-graph"); ok && src.Type != types.Unknown && key.Type != types.Unknown && key.Type != src.Type {
			c.errorf(cl.On, "in 'make-graph': node id '%s' is %s, but the edges' ids are %s", key.Name, key.Type, src.Type)
		}
		for _, col := range t.Columns {
			if g.Nodes.Index(col.Name) < 0 {
				g.Nodes.Columns = append(g.Nodes.Columns, col)
			}
		}
		g.Nodes.Open = g.Nodes.Open || t.Open
	}
	if op.NodeID != nil {
		if id, ok := op.NodeID.Value.(*syntax.Ident); ok {
			g.Nodes = &Schema{Columns: []Column{{Name: id.Name, Type: src.Type}}}
		} else {
			c.errorf(op.NodeID.Value, "in 'make-graph': with_node_id needs a property name")
		}
	}
	out := &Schema{Graph: g}
	if op.PartitionBy == nil {
		return out
	}
	c.graphColumn(op.PartitionBy, in, "make-graph")
	for _, cl := range op.Tables {
		if t := c.info.Tabular[cl.Table]; t != nil && t.Index(op.PartitionBy.Name) < 0 && !t.Open {
			c.errorf(cl.Table, "in 'make-graph': the node table has no partition column '%s'", op.PartitionBy.Name)
		}
	}
	if op.Sub == nil {
		return openSchema()
	}
	res := c.subquery(op.Sub, sc, out)
	if res != nil && res.Graph != nil {
		c.errorf(op.Sub, "in 'make-graph': the partitioned-by query must end in a table, found a graph")
		return openSchema()
	}
	return res
}

func (c *checker) markComponents(op *syntax.GraphMarkComponentsOp, g *GraphSchema) *Schema {
	name := "ComponentId"
	for _, prm := range op.Params {
		v := paramText(prm)
		switch prm.Name.Name {
		case "kind":
			if v != "weak" && v != "strong" {
				c.errorf(prm.Value, "in 'graph-mark-components': kind must be weak or strong, found '%s'", v)
			}
		case "with_component_id":
			name = v
		}
	}
	nodes := &Schema{Columns: append(append([]Column(nil), g.Nodes.Columns...), Column{Name: name, Type: types.Long}), Open: g.Nodes.Open}
	return &Schema{Graph: &GraphSchema{Nodes: nodes, Edges: g.Edges, IDType: g.IDType}}
}

// paramText is the name or string given as a parameter value, or "".
func paramText(prm *syntax.OpParam) string {
	switch v := prm.Value.(type) {
	case *syntax.Ident:
		return v.Name
	case *syntax.Literal:
		if v.Kind == syntax.LitString {
			return v.Value
		}
	}
	return ""
}

func (c *checker) graphToTable(op *syntax.GraphToTableOp, g *GraphSchema, sc *scope) *Schema {
	if len(op.Outputs) > 1 {
		for _, o := range op.Outputs {
			if o.As == nil {
				c.errorf(o, "in 'graph-to-table': with both nodes and edges, each needs a name: %s as Name", o.Kind)
			}
		}
		if op.Outputs[0].Kind == op.Outputs[1].Kind || len(op.Outputs) > 2 {
			c.errorf(op.Outputs[1], "in 'graph-to-table': expected one nodes and one edges output")
		}
	}
	var first *Schema
	for _, o := range op.Outputs {
		out := &Schema{}
		edges := o.Kind == "edges"
		for _, prm := range o.Params {
			name := paramText(prm)
			switch {
			case name == "":
				c.errorf(prm.Value, "in 'graph-to-table': %s needs a column name", prm.Name.Name)
			case prm.Name.Name == "with_node_id" && edges:
				c.errorf(prm, "in 'graph-to-table': with_node_id applies to nodes, not edges")
			case prm.Name.Name != "with_node_id" && !edges:
				c.errorf(prm, "in 'graph-to-table': %s applies to edges, not nodes", prm.Name.Name)
			default:
				out.set(name, types.Long)
			}
		}
		src := g.Nodes
		if edges {
			src = g.Edges
		}
		for _, col := range src.Columns {
			out.set(col.Name, col.Type)
		}
		out.Open = src.Open
		if o.As != nil {
			sc.syms[o.As.Name] = &binding{sym: Symbol{Kind: SymTableLet, Name: o.As.Name, Decl: op}, tab: out}
		}
		if first == nil {
			first = out
		}
	}
	if first == nil {
		return openSchema()
	}
	return first
}

func (c *checker) graphMatch(op *syntax.GraphMatchOp, g *GraphSchema, sc *scope) *Schema {
	name := op.Name
	shortest := name == "graph-shortest-paths"
	for _, prm := range op.Params {
		v := paramText(prm)
		switch {
		case prm.Name.Name == "cycles":
			if v != "all" && v != "none" && v != "unique_edges" {
				c.errorf(prm.Value, "in '%s': cycles must be all, none or unique_edges, found '%s'", name, v)
			}
		case prm.Name.Name == "output" && shortest:
			if v != "any" && v != "all" {
				c.errorf(prm.Value, "in '%s': output must be any or all, found '%s'", name, v)
			}
		default:
			c.errorf(prm.Name, "in '%s': unknown parameter '%s'", name, prm.Name.Name)
		}
	}
	gs := &graphScope{g: g, nodes: map[string]bool{}, edges: map[string]bool{}}
	variable := false
	for _, p := range op.Patterns {
		for i, n := range p.Nodes {
			if n.Name != nil {
				if _, clash := gs.edges[n.Name.Name]; clash {
					c.errorf(n.Name, "in '%s': '%s' names both a node and an edge", name, n.Name.Name)
				}
				gs.nodes[n.Name.Name] = true
			}
			if i == len(p.Edges) {
				break
			}
			e := p.Edges[i]
			if e.Star.IsValid() {
				variable = true
				c.graphBounds(e, sc, name)
			}
			if e.Name == nil {
				continue
			}
			if _, dup := gs.edges[e.Name.Name]; dup {
				c.errorf(e.Name, "in '%s': edge '%s' appears twice in the pattern", name, e.Name.Name)
			}
			if gs.nodes[e.Name.Name] {
				c.errorf(e.Name, "in '%s': '%s' names both a node and an edge", name, e.Name.Name)
			}
			gs.edges[e.Name.Name] = e.Star.IsValid()
		}
	}
	if shortest {
		if len(op.Patterns) > 1 {
			c.errorf(op.Patterns[1], "in '%s': the pattern must be a single sequence", name)
		}
		if !variable && len(op.Patterns) > 0 {
			c.errorf(op.Patterns[0], "in '%s': the pattern needs a variable length edge", name)
		}
	}
	// A variable by itself is a dynamic value: a node's or edge's property bag, or the
	// array of bags of a variable length edge.
	vars := &Schema{}
	for _, p := range op.Patterns {
		for i, n := range p.Nodes {
			if n.Name != nil {
				vars.set(n.Name.Name, types.Dynamic)
			}
			if i < len(p.Edges) && p.Edges[i].Name != nil {
				vars.set(p.Edges[i].Name.Name, types.Dynamic)
			}
		}
	}
	r := &row{cols: vars, op: name, graph: gs}
	if op.Where != nil {
		if t := c.scalar(op.Where, sc, r); t != types.Bool && t != types.Unknown && t != types.Dynamic {
			c.errorf(op.Where, "'%s' needs a bool predicate, found %s", name, t)
		}
	}
	out := &Schema{}
	if !op.ProjectPos.IsValid() {
		return out
	}
	for i, x := range op.Project {
		col := ""
		var t types.Type
		switch x := x.(type) {
		case *syntax.NamedExpr:
			t = c.scalar(x.Value, sc, r)
			c.info.Types[x] = t
			if len(x.Names) != 1 {
				c.errorf(x, "in '%s': a project item names one column", name)
				continue
			}
			col = x.Names[0].Name
		case *syntax.CallExpr:
			t = c.scalar(x, sc, r)
			if isGraphFunc(x.Fun.Name) {
				col = x.Fun.Name
			} else {
				col = c.exprName(x)
			}
		default:
			t = c.scalar(x, sc, r)
			col = c.exprName(x)
		}
		if col == "" {
			col = fmt.Sprintf("Column%d", i+1)
		}
		c.info.Names[x] = col
		for base, k := col, 1; out.Index(col) >= 0; k++ {
			col = fmt.Sprintf("%s%d", base, k)
		}
		out.Columns = append(out.Columns, Column{Name: col, Type: t})
	}
	return out
}

// graphBounds checks the length bounds of a variable length edge: constant integers.
func (c *checker) graphBounds(e *syntax.GraphEdgePat, sc *scope, op string) {
	var vals []int64
	for _, b := range []syntax.Expr{e.Min, e.Max} {
		if b == nil {
			continue
		}
		t := c.scalar(b, sc, nil)
		if t != types.Unknown && !t.IsInteger() {
			c.errorf(b, "in '%s': an edge length must be an integer, found %s", op, t)
			return
		}
		if v, ok := c.info.Consts[b]; ok && !v.IsNull() {
			if v.I < 0 {
				c.errorf(b, "in '%s': an edge length cannot be negative, found %d", op, v.I)
				return
			}
			vals = append(vals, v.I)
		}
	}
	if e.Max != nil && len(vals) == 2 && vals[1] < vals[0] {
		c.errorf(e, "in '%s': the edge length range %d..%d is empty", op, vals[0], vals[1])
	}
}

// isGraphFunc reports whether name is a function of graph patterns.
func isGraphFunc(name string) bool {
	switch name {
	case "all", "any", "map", "inner_nodes", "node_degree_in", "node_degree_out", "node_id", "labels":
		return true
	}
	return false
}

// graphSelector checks `v.prop` for a pattern variable v; ok is false for other
// selectors.
func (c *checker) graphSelector(e *syntax.SelectorExpr, r *row) (value, bool) {
	gs := r.graph
	id, isID := e.X.(*syntax.Ident)
	if !isID || e.Sel == nil || gs.elem {
		return unknownValue, false
	}
	var props *Schema
	what, array := "node", false
	switch {
	case gs.nodes[id.Name]:
		props = gs.g.Nodes
	default:
		v, ok := gs.edges[id.Name]
		if !ok {
			return unknownValue, false
		}
		props, what, array = gs.g.Edges, "edge", v
	}
	i := props.Index(e.Sel.Name)
	if i < 0 {
		if !props.Open {
			c.errorf(e.Sel, "unknown property '%s' of %s '%s' in '%s'%s", e.Sel.Name, what, id.Name, r.op, c.columnHint(e.Sel.Name, props, nil))
		}
		return unknownValue, true
	}
	if array {
		return value{typ: types.Dynamic}, true
	}
	return value{typ: props.Columns[i].Type}, true
}

// graphCall checks a graph function call in graph-match; ok is false for other calls.
func (c *checker) graphCall(e *syntax.CallExpr, sc *scope, r *row) (value, bool) {
	name := e.Fun.Name
	if !isGraphFunc(name) {
		return unknownValue, false
	}
	if r == nil || r.graph == nil {
		if name == "any" {
			return unknownValue, false // the aggregate
		}
		if c.env.Funcs != nil {
			if _, builtin := c.env.Funcs.Lookup(name); builtin {
				return unknownValue, false
			}
		}
		c.errorf(e.Fun, "%s() is a graph function: use it in graph-match or graph-shortest-paths", name)
		for _, a := range e.Args {
			c.value(a, sc, r, false)
		}
		return unknownValue, true
	}
	gs := r.graph
	switch name {
	case "all", "any", "map":
		if len(e.Args) != 2 {
			if name == "any" {
				return unknownValue, false // the aggregate
			}
			c.errorf(e, "%s() expects a variable length edge and an expression, found %d arguments", name, len(e.Args))
			return unknownValue, true
		}
		if gs.elem {
			c.errorf(e, "in '%s': %s() cannot be nested inside all(), any() or map()", r.op, name)
			return unknownValue, true
		}
		first, inner := e.Args[0], false
		if call, ok := first.(*syntax.CallExpr); ok && call.Fun != nil && call.Fun.Name == "inner_nodes" && call.Recv == nil {
			inner = true
			if len(call.Args) != 1 {
				c.errorf(call, "inner_nodes() expects a variable length edge")
				return unknownValue, true
			}
			first = call.Args[0]
		}
		id, ok := first.(*syntax.Ident)
		if !ok {
			c.errorf(first, "in '%s': %s() expects a variable length edge of the pattern", r.op, name)
			return unknownValue, true
		}
		variable, isEdge := gs.edges[id.Name]
		switch {
		case !isEdge:
			c.errorf(id, "in '%s': '%s' is not an edge variable of the pattern", r.op, id.Name)
			return unknownValue, true
		case !variable:
			c.errorf(id, "in '%s': %s() needs a variable length edge, and '%s' has a fixed length", r.op, name, id.Name)
			return unknownValue, true
		}
		elemCols := gs.g.Edges
		if inner {
			elemCols = gs.g.Nodes
		}
		er := &row{cols: elemCols, op: r.op, graph: &graphScope{g: gs.g, elem: true, inner: inner}}
		t := c.scalar(e.Args[1], sc, er)
		if name == "map" {
			return value{typ: types.Dynamic}, true
		}
		if t != types.Bool && t != types.Unknown && t != types.Dynamic {
			c.errorf(e.Args[1], "%s() needs a bool condition, found %s", name, t)
		}
		return value{typ: types.Bool}, true
	case "inner_nodes":
		c.errorf(e, "inner_nodes() can only be the first argument of all(), any() or map()")
		return unknownValue, true
	}
	// node_degree_in, node_degree_out, node_id, labels
	t := types.Long
	switch name {
	case "node_id":
		t = types.String
	case "labels":
		t = types.Dynamic
	}
	if gs.elem {
		if len(e.Args) != 0 {
			c.errorf(e, "inside all(), any() and map(), %s() takes no argument", name)
		} else if !gs.inner && name != "labels" {
			c.errorf(e, "%s() applies to nodes: use inner_nodes() in all(), any() or map()", name)
		}
		return value{typ: t}, true
	}
	if len(e.Args) != 1 {
		c.errorf(e, "%s() expects a variable of the pattern (with no argument it belongs inside all(), any() or map())", name)
		return value{typ: t}, true
	}
	id, ok := e.Args[0].(*syntax.Ident)
	if !ok {
		c.errorf(e.Args[0], "%s() expects a variable of the pattern", name)
		return value{typ: t}, true
	}
	_, isEdge := gs.edges[id.Name]
	switch {
	case false:
		c.errorf(e.Args[0], "%s() expects a variable of the pattern", name)
	case name == "labels" && (gs.nodes[id.Name] || isEdge):
	case !gs.nodes[id.Name]:
		c.errorf(id, "in '%s': '%s' is not a node variable of the pattern", r.op, id.Name)
	}
	return value{typ: t}, true
}
