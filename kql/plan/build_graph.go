package plan

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// graphOps lists the operators that read a graph, for error messages.
const graphOps = "graph-match, graph-shortest-paths, graph-to-table or graph-mark-components"

// graphOperator plans the graph operators, and rejects a tabular operator over a graph.
// ok is false for a tabular operator over a table, which the caller plans.
func (b *builder) graphOperator(op syntax.Operator, in Node, sc *scope) (n Node, ok bool, err error) {
	g, isGraph := in.(GraphSource)
	switch op := op.(type) {
	case *syntax.MakeGraphOp:
		if isGraph {
			return nil, true, errAt(op, "'make-graph' needs a table of edges, found a graph")
		}
		n, err := b.makeGraph(op, in, sc)
		return n, true, err
	case *syntax.GraphMatchOp, *syntax.GraphToTableOp, *syntax.GraphMarkComponentsOp:
		if !isGraph {
			return nil, true, errAt(op, "'%s' needs a graph: build one with make-graph first", op.OpName())
		}
		switch op := op.(type) {
		case *syntax.GraphMatchOp:
			n, err := b.graphMatch(op, g, sc)
			return n, true, err
		case *syntax.GraphToTableOp:
			n, err := b.graphToTable(op, g, sc)
			return n, true, err
		case *syntax.GraphMarkComponentsOp:
			n, err := b.markComponents(op, g)
			return n, true, err
		}
	}
	if isGraph {
		return nil, true, errAt(op, "'%s' cannot read a graph: expected %s", op.OpName(), graphOps)
	}
	return nil, false, nil
}

// graphIDType returns the type of g's node ids.
func graphIDType(g GraphSource) types.Type {
	switch x := g.(type) {
	case *MakeGraph:
		return x.IDType
	case *MarkComponents:
		return graphIDType(x.Input)
	case *GraphInput:
		return x.IDType
	}
	return types.Dynamic
}

func (b *builder) makeGraph(op *syntax.MakeGraphOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	col := func(id *syntax.Ident, fs []Field, what string) (int, error) {
		if id == nil {
			return -1, errAt(op, "in 'make-graph': missing %s", what)
		}
		i := fieldIndex(fs, id.Name)
		if i < 0 {
			return -1, errAt(id, "in 'make-graph': unknown column %q", id.Name)
		}
		return i, nil
	}
	src, err := col(op.Source, row, "source column")
	if err != nil {
		return nil, err
	}
	dst, err := col(op.Target, row, "target column")
	if err != nil {
		return nil, err
	}
	mg := &MakeGraph{Edges: in, Source: src, Target: dst, IDType: row[src].Type}
	for _, cl := range op.Tables {
		t, err := b.tabular(cl.Table, sc, nil)
		if err != nil {
			return nil, err
		}
		if _, ok := t.(GraphSource); ok {
			return nil, errAt(cl.Table, "in 'make-graph': the node table is a graph")
		}
		key, err := col(cl.On, t.Schema(), "node id column")
		if err != nil {
			return nil, err
		}
		var m []int
		for _, f := range t.Schema() {
			j := fieldIndex(mg.NodeFields, f.Name)
			if j < 0 {
				j = len(mg.NodeFields)
				mg.NodeFields = append(mg.NodeFields, f)
			}
			m = append(m, j)
		}
		mg.Tables = append(mg.Tables, GraphNodeTable{Input: t, Key: key})
		mg.TableMaps = append(mg.TableMaps, m)
	}
	if op.NodeID != nil {
		id, ok := op.NodeID.Value.(*syntax.Ident)
		if !ok {
			return nil, errAt(op.NodeID.Value, "in 'make-graph': with_node_id needs a property name")
		}
		mg.NodeID = id.Name
		mg.NodeFields = []Field{{Name: id.Name, Type: mg.IDType}}
	}
	if op.PartitionBy == nil {
		return mg, nil
	}
	by, err := col(op.PartitionBy, row, "partition column")
	if err != nil {
		return nil, err
	}
	gp := &GraphPartition{Graph: mg, By: by, In: &GraphInput{NodeFields: mg.NodeFields, EdgeFields: row, IDType: mg.IDType}}
	for _, t := range mg.Tables {
		j := fieldIndex(t.Input.Schema(), op.PartitionBy.Name)
		if j < 0 {
			return nil, errAt(op.PartitionBy, "in 'make-graph': node table has no partition column %q", op.PartitionBy.Name)
		}
		gp.NodeBy = append(gp.NodeBy, j)
	}
	if op.Sub == nil {
		return nil, errAt(op.PartitionBy, "in 'make-graph': expected '(' and a graph operator after partitioned-by")
	}
	sub, err := b.tabular(op.Sub, sc, gp.In)
	if err != nil {
		return nil, err
	}
	if _, ok := sub.(GraphSource); ok {
		return nil, errAt(op.Sub, "in 'make-graph': the partitioned-by query must end in a table, found a graph")
	}
	gp.Sub = sub
	return gp, nil
}

func (b *builder) markComponents(op *syntax.GraphMarkComponentsOp, g GraphSource) (Node, error) {
	mc := &MarkComponents{Input: g, Name: "ComponentId"}
	for _, prm := range op.Params {
		v := paramWord(prm)
		switch prm.Name.Name {
		case "kind":
			switch v {
			case "weak":
			case "strong":
				mc.Strong = true
			default:
				return nil, errAt(prm.Value, "in 'graph-mark-components': kind must be weak or strong, found %q", v)
			}
		case "with_component_id":
			if v == "" {
				return nil, errAt(prm.Value, "in 'graph-mark-components': with_component_id needs a name")
			}
			mc.Name = v
		}
	}
	return mc, nil
}

// paramWord returns the name or string given as a parameter's value, or "".
func paramWord(prm *syntax.OpParam) string {
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

func (b *builder) graphToTable(op *syntax.GraphToTableOp, g GraphSource, sc *scope) (Node, error) {
	nodes, edges := g.GraphSchema()
	hash, ok := b.env.Funcs.Lookup("hash")
	if !ok {
		return nil, errAt(op, "internal error: no hash function")
	}
	idt := graphIDType(g)
	hashExpr := &Call{Func: hash, Args: []Expr{&ColRef{Index: 0, Name: "id", T: idt}}, T: types.Long}
	if len(op.Outputs) > 1 {
		for _, o := range op.Outputs {
			if o.As == nil {
				return nil, errAt(o, "in 'graph-to-table': with both nodes and edges, each needs a name: %s as Name", o.Kind)
			}
		}
		if op.Outputs[0].Kind == op.Outputs[1].Kind || len(op.Outputs) > 2 {
			return nil, errAt(op.Outputs[1], "in 'graph-to-table': expected one nodes and one edges output")
		}
	}
	var first Node
	for _, o := range op.Outputs {
		gt := &GraphToTable{Input: g, Edges: o.Kind == "edges", Hash: hashExpr}
		for _, prm := range o.Params {
			name := paramWord(prm)
			if name == "" {
				return nil, errAt(prm.Value, "in 'graph-to-table': %s needs a column name", prm.Name.Name)
			}
			switch prm.Name.Name {
			case "with_node_id":
				if gt.Edges {
					return nil, errAt(prm, "in 'graph-to-table': with_node_id applies to nodes, not edges")
				}
				gt.IDName = name
			case "with_source_id", "with_target_id":
				if !gt.Edges {
					return nil, errAt(prm, "in 'graph-to-table': %s applies to edges, not nodes", prm.Name.Name)
				}
				if prm.Name.Name == "with_source_id" {
					gt.SourceIDName = name
				} else {
					gt.TargetIDName = name
				}
			}
		}
		for _, n := range []string{gt.IDName, gt.SourceIDName, gt.TargetIDName} {
			if n != "" {
				gt.Fields = append(gt.Fields, Field{Name: n, Type: types.Long})
			}
		}
		if gt.Edges {
			gt.Fields = append(gt.Fields, edges...)
		} else {
			gt.Fields = append(gt.Fields, nodes...)
		}
		if o.As != nil {
			sc.vars[o.As.Name] = &binding{table: gt}
		}
		if first == nil {
			first = gt
		}
	}
	if first == nil {
		return nil, errAt(op, "in 'graph-to-table': expected nodes or edges")
	}
	return first, nil
}

// graphVars names the variables of a pattern while it is planned.
type graphVars struct {
	nodes map[string]int
	edges map[string]int
}

func (b *builder) graphMatch(op *syntax.GraphMatchOp, g GraphSource, sc *scope) (Node, error) {
	nodeFields, edgeFields := g.GraphSchema()
	gm := &GraphMatch{Input: g, Op: op.Name, Shortest: op.Name == "graph-shortest-paths"}
	for _, prm := range op.Params {
		v := paramWord(prm)
		switch {
		case prm.Name.Name == "cycles" && !gm.Shortest:
			switch v {
			case "unique_edges":
			case "none":
				gm.Cycles = CyclesNone
			case "all":
				gm.Cycles = CyclesAll
			default:
				return nil, errAt(prm.Value, "in '%s': cycles must be all, none or unique_edges, found %q", op.Name, v)
			}
		case prm.Name.Name == "cycles":
			// graph-shortest-paths accepts cycles= too (graph-node-centrality-fl uses it);
			// a shortest path never repeats a node, so the option changes nothing.
		case prm.Name.Name == "output" && gm.Shortest:
			switch v {
			case "any":
			case "all":
				gm.AllShortest = true
			default:
				return nil, errAt(prm.Value, "in '%s': output must be any or all, found %q", op.Name, v)
			}
		default:
			return nil, errAt(prm.Name, "in '%s': unknown parameter %q", op.Name, prm.Name.Name)
		}
	}
	if gm.Shortest {
		gm.Cycles = CyclesUniqueEdges
	}
	vars := graphVars{nodes: map[string]int{}, edges: map[string]int{}}
	for _, p := range op.Patterns {
		pp := GraphPathPlan{First: b.graphNodeVar(gm, vars, p.Nodes[0])}
		for i, e := range p.Edges {
			ev := GraphEdgeVar{Min: 1, Max: 1}
			if e.Name != nil {
				if _, dup := vars.edges[e.Name.Name]; dup {
					return nil, errAt(e.Name, "in '%s': edge %q appears twice in the pattern", op.Name, e.Name.Name)
				}
				if _, dup := vars.nodes[e.Name.Name]; dup {
					return nil, errAt(e.Name, "in '%s': %q names both a node and an edge", op.Name, e.Name.Name)
				}
				ev.Name = e.Name.Name
				vars.edges[ev.Name] = len(gm.EdgeVars)
			}
			if e.Star.IsValid() {
				ev.Variable = true
				lo, err := b.graphBound(e.Min, sc, op.Name)
				if err != nil {
					return nil, err
				}
				hi := lo
				if e.Max != nil {
					if hi, err = b.graphBound(e.Max, sc, op.Name); err != nil {
						return nil, err
					}
				}
				if hi < lo {
					return nil, errAt(e, "in '%s': the edge length range %d..%d is empty", op.Name, lo, hi)
				}
				ev.Min, ev.Max = lo, hi
			}
			gm.EdgeVars = append(gm.EdgeVars, ev)
			node := p.Nodes[i+1]
			if node.Name != nil {
				if _, clash := vars.edges[node.Name.Name]; clash {
					return nil, errAt(node.Name, "in '%s': %q names both a node and an edge", op.Name, node.Name.Name)
				}
			}
			pp.Hops = append(pp.Hops, GraphHop{Edge: len(gm.EdgeVars) - 1, Dir: e.Dir, Node: b.graphNodeVar(gm, vars, node)})
		}
		gm.Paths = append(gm.Paths, pp)
	}
	if gm.Shortest {
		if len(gm.Paths) != 1 {
			return nil, errAt(op, "in '%s': the pattern must be a single sequence", op.Name)
		}
		variable := false
		for _, e := range gm.EdgeVars {
			variable = variable || e.Variable
		}
		if !variable {
			return nil, errAt(op, "in '%s': the pattern needs a variable length edge", op.Name)
		}
	}

	// The match row: every named variable as a property bag, then every property of
	// every named variable, as "var.prop".
	for i, name := range gm.NodeVars {
		if name != "" && vars.nodes[name] == i {
			gm.Cols = append(gm.Cols, GraphCol{Kind: GraphNodeBag, Var: i, Field: Field{Name: name, Type: types.Dynamic}})
		}
	}
	for i, ev := range gm.EdgeVars {
		if ev.Name != "" {
			gm.Cols = append(gm.Cols, GraphCol{Kind: GraphEdgeBag, Var: i, Field: Field{Name: ev.Name, Type: types.Dynamic}})
		}
	}
	var row []Field
	for i, name := range gm.NodeVars {
		if name == "" || vars.nodes[name] != i {
			continue
		}
		for j, f := range nodeFields {
			gm.Cols = append(gm.Cols, GraphCol{Kind: GraphNodeProp, Var: i, Prop: j, Field: Field{Name: name + "." + f.Name, Type: f.Type}})
		}
	}
	for i, ev := range gm.EdgeVars {
		if ev.Name == "" {
			continue
		}
		for j, f := range edgeFields {
			t := f.Type
			if ev.Variable {
				t = types.Dynamic
			}
			gm.Cols = append(gm.Cols, GraphCol{Kind: GraphEdgeProp, Var: i, Prop: j, Field: Field{Name: ev.Name + "." + f.Name, Type: t}})
		}
	}
	gc := &graphCalls{b: b, gm: gm, vars: vars, sc: sc, nodeFields: nodeFields, edgeFields: edgeFields, subst: map[*syntax.CallExpr]Expr{}}
	var exprs []syntax.Expr
	if op.Where != nil {
		exprs = append(exprs, op.Where)
	}
	exprs = append(exprs, op.Project...)
	for _, x := range exprs {
		if err := gc.collect(x); err != nil {
			return nil, err
		}
	}
	for _, c := range gm.Cols {
		row = append(row, c.Field)
	}
	saved := b.aggSubst
	b.aggSubst = gc.subst
	defer func() { b.aggSubst = saved }()
	gm.NodeFilters = make([]Expr, len(gm.NodeVars))
	gm.EdgeFilters = make([]Expr, len(gm.EdgeVars))
	gm.InnerFilters = make([]Expr, len(gm.EdgeVars))
	if op.Where != nil {
		var rest []Expr
		for _, cj := range splitAnd(op.Where) {
			// graph-match-operator.md: a variable length edge matches a sequence of
			// edges that each satisfy the constraints; a condition on the properties of
			// such an edge alone holds for each of its edges.
			if ev, ok := gc.edgeOnly(cj); ok {
				var erow []Field
				for _, f := range edgeFields {
					erow = append(erow, Field{Name: gm.EdgeVars[ev].Name + "." + f.Name, Type: f.Type})
				}
				f, err := b.scalar(cj, erow, sc)
				if err != nil {
					return nil, err
				}
				gm.addFilter(gm.EdgeFilters, ev, f)
				continue
			}
			w, err := b.scalar(cj, row, sc)
			if err != nil {
				return nil, err
			}
			if t := w.Type(); t != types.Bool && t != types.Dynamic && t != types.Unknown {
				return nil, errAt(cj, "in '%s': expected a bool predicate, found %s", op.Name, t)
			}
			rest = append(rest, w)
		}
		if len(rest) > 0 {
			gm.Where = gm.prefilters(and(rest), len(nodeFields))
		}
	}
	if !op.ProjectPos.IsValid() || len(op.Project) == 0 {
		return nil, errAt(op, "in '%s': expected a project clause", op.Name)
	}
	used := map[string]int{}
	for i, x := range op.Project {
		e, err := b.scalar(x, row, sc)
		if err != nil {
			return nil, err
		}
		name := ""
		if ne, ok := x.(*syntax.NamedExpr); ok {
			if len(ne.Names) != 1 {
				return nil, errAt(x, "in '%s': a project item names one column", op.Name)
			}
			name = ne.Names[0].Name
		} else if call, ok := x.(*syntax.CallExpr); ok && isGraphFunc(call.Fun.Name) {
			name = call.Fun.Name
		} else {
			name = b.exprName(x, row, sc)
		}
		if name == "" {
			name = fmt.Sprintf("Column%d", i+1)
		}
		if n := used[name]; n > 0 {
			used[name]++
			name = fmt.Sprintf("%s%d", name, n)
		} else {
			used[name] = 1
		}
		t := e.Type()
		if t == types.Unknown {
			t = types.Dynamic
		}
		gm.Project = append(gm.Project, e)
		gm.Fields = append(gm.Fields, Field{Name: name, Type: t})
	}
	return gm, nil
}

func (b *builder) graphNodeVar(gm *GraphMatch, vars graphVars, n *syntax.GraphNodePat) int {
	if n.Name != nil {
		if i, ok := vars.nodes[n.Name.Name]; ok {
			return i
		}
		vars.nodes[n.Name.Name] = len(gm.NodeVars)
		gm.NodeVars = append(gm.NodeVars, n.Name.Name)
		return len(gm.NodeVars) - 1
	}
	gm.NodeVars = append(gm.NodeVars, "")
	return len(gm.NodeVars) - 1
}

// graphBound evaluates a variable length edge bound: a constant integer.
func (b *builder) graphBound(x syntax.Expr, sc *scope, op string) (int64, error) {
	e, err := b.scalar(x, nil, sc)
	if err != nil {
		return 0, err
	}
	c, ok := e.(*Const)
	if !ok || c.V.IsNull() || (c.V.Type != types.Long && c.V.Type != types.Int) {
		return 0, errAt(x, "in '%s': an edge length must be a constant integer", op)
	}
	if c.V.I < 0 {
		return 0, errAt(x, "in '%s': an edge length cannot be negative, found %d", op, c.V.I)
	}
	return c.V.I, nil
}

// isGraphFunc reports whether name is a function of graph patterns.
func isGraphFunc(name string) bool {
	switch name {
	case "all", "any", "map", "inner_nodes", "node_degree_in", "node_degree_out", "node_id", "labels":
		return true
	}
	return false
}

// graphCalls finds the graph function calls of graph-match expressions and gives each
// its column of the match row (or a constant); subst maps the calls to those.
type graphCalls struct {
	b                      *builder
	gm                     *GraphMatch
	vars                   graphVars
	sc                     *scope
	nodeFields, edgeFields []Field
	subst                  map[*syntax.CallExpr]Expr
}

func (gc *graphCalls) collect(x syntax.Expr) error {
	var err error
	syntax.Inspect(x, func(n syntax.Node) bool {
		if err != nil {
			return false
		}
		call, ok := n.(*syntax.CallExpr)
		if !ok || call.Recv != nil || !isGraphFunc(call.Fun.Name) {
			return true
		}
		if bd := gc.sc.lookup(call.Fun.Name); bd != nil && bd.fn != nil {
			return true // a user function of that name
		}
		var handled bool
		handled, err = gc.call(call)
		return !handled
	})
	return err
}

func (gc *graphCalls) addCol(c GraphCol) Expr {
	gc.gm.Cols = append(gc.gm.Cols, c)
	return &ColRef{Index: len(gc.gm.Cols) - 1, Name: c.Field.Name, T: c.Field.Type}
}

// call handles one graph function call; handled is false for calls that are not graph
// calls after all (`any(x)` over something that is no edge).
func (gc *graphCalls) call(call *syntax.CallExpr) (handled bool, err error) {
	name := call.Fun.Name
	op := gc.gm.Op
	switch name {
	case "all", "any", "map":
		if len(call.Args) != 2 {
			if name == "any" {
				return false, nil
			}
			return true, errAt(call, "in '%s': %s() expects a variable length edge and an expression", op, name)
		}
		ev, inner, err := gc.pathArg(call.Args[0], name)
		if err != nil {
			return name != "any", err
		}
		var elemRow []Field
		if inner {
			elemRow = append(append([]Field(nil), gc.nodeFields...), graphElemNodeFields...)
		} else {
			elemRow = gc.edgeFields
		}
		elemSubst := map[*syntax.CallExpr]Expr{}
		var ierr error
		syntax.Inspect(call.Args[1], func(n syntax.Node) bool {
			c, ok := n.(*syntax.CallExpr)
			if !ok || ierr != nil || c.Recv != nil {
				return ierr == nil
			}
			switch c.Fun.Name {
			case "node_degree_in", "node_degree_out", "node_id":
				if len(c.Args) != 0 {
					ierr = errAt(c, "in '%s': inside %s(), %s() takes no argument", op, name, c.Fun.Name)
					return false
				}
				if !inner {
					ierr = errAt(c, "in '%s': %s() needs inner_nodes() to apply to nodes", op, c.Fun.Name)
					return false
				}
				k := len(gc.nodeFields)
				switch c.Fun.Name {
				case "node_degree_out":
					k++
				case "node_id":
					k += 2
				}
				elemSubst[c] = &ColRef{Index: k, Name: c.Fun.Name, T: elemRow[k].Type}
			case "labels":
				elemSubst[c] = &Const{V: types.NewDynamic("[]")}
			case "all", "any", "map", "inner_nodes":
				if len(c.Args) == 2 || c.Fun.Name == "inner_nodes" {
					ierr = errAt(c, "in '%s': %s() cannot be nested inside %s()", op, c.Fun.Name, name)
					return false
				}
			}
			return true
		})
		if ierr != nil {
			return true, ierr
		}
		saved := gc.b.aggSubst
		gc.b.aggSubst = elemSubst
		elem, err := gc.b.scalar(call.Args[1], elemRow, gc.sc)
		gc.b.aggSubst = saved
		if err != nil {
			return true, err
		}
		col := GraphCol{Var: ev, Inner: inner, Elem: elem}
		switch name {
		case "map":
			col.Kind = GraphPathMap
			col.Field = Field{Name: "\x00map", Type: types.Dynamic}
		case "all", "any":
			if t := elem.Type(); t != types.Bool && t != types.Dynamic && t != types.Unknown {
				return true, errAt(call.Args[1], "in '%s': %s() needs a bool condition, found %s", op, name, t)
			}
			col.Kind = GraphPathAll
			if name == "any" {
				col.Kind = GraphPathAny
			}
			col.Field = Field{Name: "\x00" + name, Type: types.Bool}
		}
		gc.subst[call] = gc.addCol(col)
		return true, nil
	case "inner_nodes":
		return true, errAt(call, "in '%s': inner_nodes() can only be the first argument of all(), any() or map()", op)
	case "node_degree_in", "node_degree_out", "node_id", "labels":
		if len(call.Args) != 1 {
			return true, errAt(call, "in '%s': %s() expects a node variable of the pattern (with no argument it belongs inside all(), any() or map())", op, name)
		}
		id, ok := call.Args[0].(*syntax.Ident)
		if !ok {
			return true, errAt(call.Args[0], "in '%s': %s() expects a node variable of the pattern", op, name)
		}
		if name == "labels" {
			_, isNode := gc.vars.nodes[id.Name]
			_, isEdge := gc.vars.edges[id.Name]
			if !isNode && !isEdge {
				return true, errAt(id, "in '%s': %q is not a variable of the pattern", op, id.Name)
			}
			gc.subst[call] = &Const{V: types.NewDynamic("[]")}
			return true, nil
		}
		v, ok := gc.vars.nodes[id.Name]
		if !ok {
			return true, errAt(id, "in '%s': %q is not a node variable of the pattern", op, id.Name)
		}
		t := types.Long
		if name == "node_id" {
			t = types.String
		}
		gc.subst[call] = gc.addCol(GraphCol{Kind: GraphNodeFunc, Var: v, Func: name, Field: Field{Name: "\x00" + name, Type: t}})
		return true, nil
	}
	return false, nil
}

// pathArg resolves the first argument of all/any/map: a variable length edge, or
// inner_nodes() of one.
func (gc *graphCalls) pathArg(x syntax.Expr, fn string) (ev int, inner bool, err error) {
	op := gc.gm.Op
	if c, ok := x.(*syntax.CallExpr); ok && c.Fun.Name == "inner_nodes" && c.Recv == nil {
		if len(c.Args) != 1 {
			return 0, false, errAt(c, "in '%s': inner_nodes() expects a variable length edge", op)
		}
		x, inner = c.Args[0], true
	}
	id, ok := x.(*syntax.Ident)
	if !ok {
		return 0, false, errAt(x, "in '%s': %s() expects a variable length edge of the pattern", op, fn)
	}
	ev, ok = gc.vars.edges[id.Name]
	if !ok {
		return 0, false, errAt(id, "in '%s': %q is not an edge variable of the pattern", op, id.Name)
	}
	if !gc.gm.EdgeVars[ev].Variable {
		return 0, false, errAt(id, "in '%s': %s() needs a variable length edge, and %q has a fixed length", op, fn, id.Name)
	}
	return ev, inner, nil
}

// prefilters moves the conjuncts of where that read a single variable to that
// variable's filter (see GraphMatch), which the search enforces exactly, and returns the
// rest (nil when nothing is left).
func (gm *GraphMatch) prefilters(where Expr, nodeProps int) Expr {
	add := gm.addFilter
	var rest []Expr
	for _, cj := range conjuncts(where) {
		if cr, ok := cj.(*ColRef); ok && gm.Cols[cr.Index].Kind == GraphPathAll {
			c := gm.Cols[cr.Index]
			if c.Inner {
				add(gm.InnerFilters, c.Var, c.Elem)
			} else {
				add(gm.EdgeFilters, c.Var, c.Elem)
			}
			continue
		}
		cols := map[int]bool{}
		Columns(cj, cols)
		m := make([]int, len(gm.Cols))
		for i := range m {
			m[i] = -1
		}
		v, edge, ok := -1, false, len(cols) > 0
		for i := range cols {
			c := gm.Cols[i]
			isEdge := c.Kind == GraphEdgeProp
			switch {
			case c.Kind == GraphNodeProp:
				m[i] = c.Prop
			case c.Kind == GraphNodeFunc:
				m[i] = nodeProps + map[string]int{"node_degree_in": 0, "node_degree_out": 1, "node_id": 2}[c.Func]
			case isEdge && !gm.EdgeVars[c.Var].Variable:
				m[i] = c.Prop
			default:
				ok = false
			}
			if v >= 0 && (c.Var != v || isEdge != edge) {
				ok = false
			}
			v, edge = c.Var, isEdge
		}
		if !ok {
			rest = append(rest, cj)
			continue
		}
		var fields []Field
		for i := range cols {
			for len(fields) <= m[i] {
				fields = append(fields, Field{})
			}
			fields[m[i]] = Field{Name: gm.Cols[i].Field.Name, Type: gm.Cols[i].Field.Type}
		}
		f := Remap(cj, m, fields)
		switch {
		case f == nil:
			rest = append(rest, cj)
		case edge:
			add(gm.EdgeFilters, v, f)
		default:
			add(gm.NodeFilters, v, f)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return and(rest)
}

// addFilter adds predicate e to the filter of variable i.
func (gm *GraphMatch) addFilter(list []Expr, i int, e Expr) {
	if list[i] == nil {
		list[i] = e
	} else {
		list[i] = &Binary{Op: syntax.OpAnd, X: list[i], Y: e, T: types.Bool}
	}
}

// edgeOnly reports whether condition x reads the properties of one variable length
// edge and nothing else of the pattern, and which edge.
func (gc *graphCalls) edgeOnly(x syntax.Expr) (int, bool) {
	ev, ok := -1, true
	syntax.Inspect(x, func(n syntax.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *syntax.SelectorExpr:
			id, isID := n.X.(*syntax.Ident)
			if !isID {
				return true
			}
			if i, isEdge := gc.vars.edges[id.Name]; isEdge {
				if ev >= 0 && ev != i || !gc.gm.EdgeVars[i].Variable {
					ok = false
				}
				ev = i
				return false
			}
			return true
		case *syntax.Ident:
			if _, isNode := gc.vars.nodes[n.Name]; isNode {
				ok = false
			}
			if _, isEdge := gc.vars.edges[n.Name]; isEdge {
				ok = false
			}
		case *syntax.CallExpr:
			if n.Recv == nil && isGraphFunc(n.Fun.Name) {
				ok = false
			}
		}
		return true
	})
	return ev, ok && ev >= 0
}

// graphTablesOnly reports whether query x ends in a graph-to-table with both nodes and
// edges: graph-to-table-operator.md says such a statement names its two tables (`as`)
// for the statements after it, which return them.
func graphTablesOnly(x syntax.Expr) bool {
	p, ok := x.(*syntax.PipeExpr)
	if !ok || len(p.Ops) == 0 {
		return false
	}
	g, ok := p.Ops[len(p.Ops)-1].(*syntax.GraphToTableOp)
	return ok && len(g.Outputs) > 1
}
