package syntax

// This file holds the graph operators: make-graph, graph-match,
// graph-shortest-paths, graph-to-table and graph-mark-components, with their
// syntax nodes, parsers and printers. See make-graph-operator.md and
// graph-match-operator.md in the language reference.

import "strconv"

// MakeGraphOp is `make-graph Source --> Target [with T on K, ...]
// [with_node_id=Name] [partitioned-by Col (GraphOps)]`.
type MakeGraphOp struct {
	Keyword      Pos
	Source       *Ident
	Arrow        Pos
	Target       *Ident
	WithPos      Pos                 // NoPos when there is no `with T on K`
	Tables       []*GraphNodesClause // the node tables after `with`
	NodeID       *OpParam            // `with_node_id=Name`; nil when absent
	PartitionPos Pos                 // NoPos when there is no `partitioned-by`
	PartitionBy  *Ident
	Sub          Expr // a ParenExpr around a PipeExpr without source; nil when absent
	EndPos       Pos
}

// GraphNodesClause is one `T on K` node table of a [MakeGraphOp].
type GraphNodesClause struct {
	Table Expr
	OnPos Pos
	On    *Ident
}

// GraphMatchOp is `graph-match [params] Patterns [where Pred] project Cols`
// or, with Name "graph-shortest-paths", the same form for shortest paths.
type GraphMatchOp struct {
	Keyword    Pos
	Name       string     // "graph-match" or "graph-shortest-paths"
	Params     []*OpParam // cycles=..., output=...
	Patterns   []*GraphPath
	WherePos   Pos  // NoPos when absent
	Where      Expr // nil when absent
	ProjectPos Pos  // NoPos when absent (an error)
	Project    []Expr
	EndPos     Pos
}

// GraphPath is one comma-separated sequence of a graph pattern: nodes
// joined by edges, len(Nodes) == len(Edges)+1.
type GraphPath struct {
	Nodes []*GraphNodePat
	Edges []*GraphEdgePat
}

// GraphNodePat is a node of a pattern, `(n)` or `()` (Name nil).
type GraphNodePat struct {
	Lparen Pos
	Name   *Ident // nil when anonymous
	Rparen Pos
}

// EdgeDir is the direction of a [GraphEdgePat].
type EdgeDir int

// Edge directions.
const (
	EdgeRight EdgeDir = iota // -->, -[e]->
	EdgeLeft                 // <--, <-[e]-
	EdgeAny                  // --, -[e]-
)

// GraphEdgePat is an edge of a pattern: `-->`, `<--`, `--`, or the
// bracketed forms `-[e]->`, `<-[e]-`, `-[e]-`, optionally with a variable
// length `*Min..Max` (`-[e*1..3]->`, `-[*2]-`).
type GraphEdgePat struct {
	From    Pos
	Dir     EdgeDir
	Lbrack  Pos    // NoPos for the short forms
	Name    *Ident // nil when anonymous
	Star    Pos    // NoPos when the edge has a fixed length of one
	Min     Expr   // nil unless Star is valid
	Max     Expr   // nil for `*N` (exactly N)
	EndPos  Pos
	Bracket bool // written with brackets even though anonymous and fixed (`-[]->`)
}

// GraphToTableOp is `graph-to-table Output [, Output]`.
type GraphToTableOp struct {
	Keyword Pos
	Outputs []*GraphTableOutput
	EndPos  Pos
}

// GraphTableOutput is `nodes|edges [as Name] [with_node_id=C]
// [with_source_id=C] [with_target_id=C]` of a [GraphToTableOp].
type GraphTableOutput struct {
	KindPos Pos
	Kind    string // "nodes" or "edges"
	As      *Ident // nil when absent
	Params  []*OpParam
	EndPos  Pos
}

// GraphMarkComponentsOp is `graph-mark-components [kind=K] [with_component_id=C]`.
type GraphMarkComponentsOp struct {
	Keyword Pos
	Params  []*OpParam
	EndPos  Pos
}

func (x *MakeGraphOp) Pos() Pos                 { return x.Keyword }
func (x *MakeGraphOp) End() Pos                 { return x.EndPos }
func (x *GraphNodesClause) Pos() Pos            { return x.Table.Pos() }
func (x *GraphNodesClause) End() Pos            { return endOr(x.On, x.Table.End()) }
func (x *GraphMatchOp) Pos() Pos                { return x.Keyword }
func (x *GraphMatchOp) End() Pos                { return x.EndPos }
func (x *GraphPath) Pos() Pos                   { return x.Nodes[0].Pos() }
func (x *GraphPath) End() Pos                   { return x.Nodes[len(x.Nodes)-1].End() }
func (x *GraphNodePat) Pos() Pos                { return x.Lparen }
func (x *GraphNodePat) End() Pos                { return x.Rparen + 1 }
func (x *GraphEdgePat) Pos() Pos                { return x.From }
func (x *GraphEdgePat) End() Pos                { return x.EndPos }
func (x *GraphToTableOp) Pos() Pos              { return x.Keyword }
func (x *GraphToTableOp) End() Pos              { return x.EndPos }
func (x *GraphTableOutput) Pos() Pos            { return x.KindPos }
func (x *GraphTableOutput) End() Pos            { return x.EndPos }
func (x *GraphMarkComponentsOp) Pos() Pos       { return x.Keyword }
func (x *GraphMarkComponentsOp) End() Pos       { return x.EndPos }
func (*MakeGraphOp) node()                      {}
func (*GraphNodesClause) node()                 {}
func (*GraphMatchOp) node()                     {}
func (*GraphPath) node()                        {}
func (*GraphNodePat) node()                     {}
func (*GraphEdgePat) node()                     {}
func (*GraphToTableOp) node()                   {}
func (*GraphTableOutput) node()                 {}
func (*GraphMarkComponentsOp) node()            {}
func (*MakeGraphOp) operatorNode()              {}
func (*GraphMatchOp) operatorNode()             {}
func (*GraphToTableOp) operatorNode()           {}
func (*GraphMarkComponentsOp) operatorNode()    {}
func (x *MakeGraphOp) OpName() string           { return "make-graph" }
func (x *GraphMatchOp) OpName() string          { return x.Name }
func (x *GraphToTableOp) OpName() string        { return "graph-to-table" }
func (x *GraphMarkComponentsOp) OpName() string { return "graph-mark-components" }

// IsGraphOperator reports whether op takes a graph as its input (every graph
// operator but make-graph, which builds one from a table).
func IsGraphOperator(op Operator) bool {
	switch op.(type) {
	case *GraphMatchOp, *GraphToTableOp, *GraphMarkComponentsOp:
		return true
	}
	return false
}

// parseGraphOperator parses the graph operators after their keyword; ok is
// false when name is not one of them.
func (p *parser) parseGraphOperator(name string, pos Pos) (Operator, bool) {
	switch name {
	case "make-graph":
		return p.parseMakeGraph(pos), true
	case "graph-match", "graph-shortest-paths":
		return p.parseGraphMatch(pos, name), true
	case "graph-to-table":
		return p.parseGraphToTable(pos), true
	case "graph-mark-components":
		op := &GraphMarkComponentsOp{Keyword: pos}
		op.Params = p.parseOpParams(func(s string) bool { return s == "kind" || s == "with_component_id" })
		op.EndPos = p.prevEnd()
		return op, true
	}
	return nil, false
}

func (p *parser) parseMakeGraph(pos Pos) Operator {
	op := &MakeGraphOp{Keyword: pos, Arrow: NoPos, WithPos: NoPos, PartitionPos: NoPos}
	defer func() { op.EndPos = p.prevEnd() }()
	op.Source = p.parseName("source column")
	op.Arrow = p.tok.Pos
	if !(p.tok.Kind == TokMinus && p.peek(1).Kind == TokMinus && p.peek(2).Kind == TokGt && p.adjacent(1) && p.adjacent(2)) {
		p.errorExpected("'-->'")
		op.Arrow = NoPos
		return op
	}
	p.next()
	p.next()
	p.next()
	op.Target = p.parseName("target column")
	switch {
	case p.isWord("with"):
		op.WithPos = p.tok.Pos
		p.next()
		for {
			cl := &GraphNodesClause{OnPos: NoPos}
			cl.Table = p.parseRightTable()
			op.Tables = append(op.Tables, cl)
			if cl.OnPos = p.expectWord("on"); cl.OnPos == NoPos {
				return op
			}
			cl.On = p.parseName("node id column")
			if !p.got(TokComma) {
				break
			}
		}
	case p.isWord("with_node_id") && p.peek(1).Kind == TokAssign:
		prm := p.parseOpParams(func(s string) bool { return s == "with_node_id" })
		op.NodeID = prm[0]
	}
	if p.isWord("partitioned") && p.peek(1).Kind == TokMinus && p.adjacent(1) && p.peek(2).Kind == TokIdent && p.peek(2).Text == "by" && p.adjacent(2) {
		op.PartitionPos = p.tok.Pos
		p.next()
		p.next()
		p.next()
		op.PartitionBy = p.parseName("partition column")
		lp := p.tok.Pos
		if p.expect(TokLparen) == NoPos {
			return op
		}
		if !p.enter() {
			p.leave()
			op.Sub = &BadExpr{From: lp, To: p.prevEnd()}
			return op
		}
		pipe := &PipeExpr{Pipes: []Pos{NoPos}}
		saved := p.ctx
		pipe.Ops = append(pipe.Ops, p.parseOperatorRecover())
		p.parseOps(pipe)
		p.ctx = saved
		p.leave()
		rp := p.expectClose(TokRparen)
		op.Sub = &ParenExpr{Lparen: lp, X: pipe, Rparen: rp}
	}
	return op
}

func (p *parser) parseGraphMatch(pos Pos, name string) Operator {
	op := &GraphMatchOp{Keyword: pos, Name: name, WherePos: NoPos, ProjectPos: NoPos}
	defer func() { op.EndPos = p.prevEnd() }()
	op.Params = p.parseOpParams(func(string) bool { return true })
	for {
		path := p.parseGraphPath()
		if path == nil {
			return op
		}
		op.Patterns = append(op.Patterns, path)
		if !p.got(TokComma) {
			break
		}
	}
	if p.isWord("where") {
		op.WherePos = p.tok.Pos
		p.next()
		savedEq := p.assignIsEq
		p.assignIsEq = true
		op.Where = p.parseExpr()
		p.assignIsEq = savedEq
	}
	if op.ProjectPos = p.expectWord("project"); op.ProjectPos != NoPos {
		op.Project = p.parseColumnList(true)
	}
	return op
}

// parseGraphPath parses `(a)-[e]->(b)...`; it returns nil after an error.
func (p *parser) parseGraphPath() *GraphPath {
	path := &GraphPath{}
	n := p.parseGraphNode()
	if n == nil {
		return nil
	}
	path.Nodes = append(path.Nodes, n)
	for p.tok.Kind == TokMinus || p.tok.Kind == TokLt {
		e := p.parseGraphEdge()
		if e == nil {
			return nil
		}
		path.Edges = append(path.Edges, e)
		n := p.parseGraphNode()
		if n == nil {
			return nil
		}
		path.Nodes = append(path.Nodes, n)
	}
	return path
}

func (p *parser) parseGraphNode() *GraphNodePat {
	if p.tok.Kind != TokLparen {
		p.errorExpected("'(' of a graph node")
		return nil
	}
	n := &GraphNodePat{Lparen: p.tok.Pos}
	p.next()
	if p.tok.Kind != TokRparen {
		n.Name = p.parseName("node name or ')'")
		if n.Name.Name == "" {
			return nil
		}
	}
	if p.tok.Kind != TokRparen {
		p.errorExpected("')'")
		return nil
	}
	n.Rparen = p.tok.Pos
	p.next()
	return n
}

// parseGraphEdge parses an edge at `-` or `<`.
func (p *parser) parseGraphEdge() *GraphEdgePat {
	e := &GraphEdgePat{From: p.tok.Pos, Dir: EdgeAny, Lbrack: NoPos, Star: NoPos}
	left := false
	if p.tok.Kind == TokLt {
		left = true
		p.next()
		if p.tok.Kind != TokMinus || p.tok.Pos != p.prevEnd() {
			p.errorExpected("'-' of a graph edge")
			return nil
		}
	}
	p.next() // the first '-'
	switch {
	case p.tok.Kind == TokMinus && p.tok.Pos == p.prevEnd():
		p.next()
	case p.tok.Kind == TokLbrack && p.tok.Pos == p.prevEnd():
		e.Lbrack = p.tok.Pos
		e.Bracket = true
		p.next()
		if p.tok.Kind == TokIdent || p.tok.Kind == TokLbrack && p.peek(1).Kind == TokString {
			e.Name = p.parseName("edge name")
		}
		if p.tok.Kind == TokStar {
			e.Star = p.tok.Pos
			p.next()
			e.Min = p.parseGraphBound()
			if e.Min == nil {
				return nil
			}
			if p.got(TokDotDot) {
				if e.Max = p.parseGraphBound(); e.Max == nil {
					return nil
				}
			}
		}
		if p.tok.Kind != TokRbrack {
			p.errorExpected("']' of a graph edge")
			return nil
		}
		p.next()
		if p.tok.Kind != TokMinus || p.tok.Pos != p.prevEnd() {
			p.errorExpected("'-' after ']'")
			return nil
		}
		p.next()
	default:
		p.errorExpected("'-' or '[' of a graph edge")
		return nil
	}
	if p.tok.Kind == TokGt && p.tok.Pos == p.prevEnd() {
		if left {
			p.error(e.From, p.tok.End, "a graph edge cannot point both ways")
			return nil
		}
		e.Dir = EdgeRight
		p.next()
	} else if left {
		e.Dir = EdgeLeft
	}
	e.EndPos = p.prevEnd()
	return e
}

// parseGraphBound parses a variable-length bound: a number or a name.
func (p *parser) parseGraphBound() Expr {
	switch p.tok.Kind {
	case TokLong:
		t := p.tok
		p.next()
		return &Literal{ValuePos: t.Pos, EndPos: t.End, Kind: LitLong, Raw: t.Text, Value: t.Text}
	case TokIdent:
		t := p.tok
		p.next()
		return &Ident{NamePos: t.Pos, Name: t.Text, Raw: t.Text}
	}
	p.errorExpected("number of edges")
	return nil
}

func (p *parser) parseGraphToTable(pos Pos) Operator {
	op := &GraphToTableOp{Keyword: pos}
	defer func() { op.EndPos = p.prevEnd() }()
	for {
		if !p.isWord("nodes") && !p.isWord("edges") {
			p.errorExpected("'nodes' or 'edges'")
			return op
		}
		out := &GraphTableOutput{KindPos: p.tok.Pos, Kind: p.tok.Text}
		p.next()
		for {
			if p.isWord("as") && p.peek(1).Kind != TokAssign {
				if out.As != nil {
					p.errorExpected("',' or '|'")
					return op
				}
				p.next()
				out.As = p.parseName("table name after 'as'")
				continue
			}
			prm := p.parseOpParams(func(s string) bool {
				return s == "with_node_id" || s == "with_source_id" || s == "with_target_id"
			})
			if len(prm) == 0 {
				break
			}
			out.Params = append(out.Params, prm...)
		}
		out.EndPos = p.prevEnd()
		op.Outputs = append(op.Outputs, out)
		if !p.got(TokComma) {
			break
		}
	}
	return op
}

// printGraph prints a graph operator node; it reports false for other nodes.
func (p *printer) printGraph(n Node) bool {
	switch n := n.(type) {
	case *MakeGraphOp:
		p.str("make-graph ")
		p.node(n.Source)
		p.str(" --> ")
		p.node(n.Target)
		if len(n.Tables) > 0 {
			p.str(" with ")
			for i, t := range n.Tables {
				if i > 0 {
					p.str(", ")
				}
				p.node(t)
			}
		}
		if n.NodeID != nil {
			p.str(" ")
			p.node(n.NodeID)
		}
		if n.PartitionBy != nil {
			p.str(" partitioned-by ")
			p.node(n.PartitionBy)
			if n.Sub != nil {
				p.str(" ")
				p.node(n.Sub)
			}
		}
	case *GraphNodesClause:
		p.node(n.Table)
		p.str(" on ")
		p.node(n.On)
	case *GraphMatchOp:
		p.str(n.Name)
		p.params(n.Params)
		for i, path := range n.Patterns {
			if i > 0 {
				p.str(",")
			}
			p.str(" ")
			p.node(path)
		}
		if n.Where != nil {
			p.str(" where ")
			p.node(n.Where)
		}
		if n.ProjectPos.IsValid() {
			p.str(" project ")
			p.exprs(n.Project, ", ")
		}
	case *GraphPath:
		for i, node := range n.Nodes {
			if i > 0 {
				p.node(n.Edges[i-1])
			}
			p.node(node)
		}
	case *GraphNodePat:
		p.str("(")
		if n.Name != nil {
			p.node(n.Name)
		}
		p.str(")")
	case *GraphEdgePat:
		if n.Dir == EdgeLeft {
			p.str("<")
		}
		p.str("-")
		if n.Bracket || n.Name != nil || n.Star.IsValid() {
			p.str("[")
			if n.Name != nil {
				p.node(n.Name)
			}
			if n.Star.IsValid() {
				p.str("*")
				p.node(n.Min)
				if n.Max != nil {
					p.str("..")
					p.node(n.Max)
				}
			}
			p.str("]")
		}
		p.str("-")
		if n.Dir == EdgeRight {
			p.str(">")
		}
	case *GraphToTableOp:
		p.str("graph-to-table ")
		for i, o := range n.Outputs {
			if i > 0 {
				p.str(", ")
			}
			p.node(o)
		}
	case *GraphTableOutput:
		p.str(n.Kind)
		if n.As != nil {
			p.str(" as ")
			p.node(n.As)
		}
		p.params(n.Params)
	case *GraphMarkComponentsOp:
		p.str("graph-mark-components")
		p.params(n.Params)
	default:
		return false
	}
	return true
}

// walkGraph visits the children of a graph operator node.
func walkGraph(n Node, v func(Node)) {
	switch n := n.(type) {
	case *MakeGraphOp:
		v(n.Source)
		v(n.Target)
		for _, t := range n.Tables {
			v(t)
		}
		if n.NodeID != nil {
			v(n.NodeID)
		}
		v(n.PartitionBy)
		v(n.Sub)
	case *GraphNodesClause:
		v(n.Table)
		v(n.On)
	case *GraphMatchOp:
		for _, prm := range n.Params {
			v(prm)
		}
		for _, path := range n.Patterns {
			v(path)
		}
		v(n.Where)
		for _, x := range n.Project {
			v(x)
		}
	case *GraphPath:
		for i, node := range n.Nodes {
			if i > 0 {
				v(n.Edges[i-1])
			}
			v(node)
		}
	case *GraphNodePat:
		v(n.Name)
	case *GraphEdgePat:
		v(n.Name)
		v(n.Min)
		v(n.Max)
	case *GraphToTableOp:
		for _, o := range n.Outputs {
			v(o)
		}
	case *GraphTableOutput:
		v(n.As)
		for _, prm := range n.Params {
			v(prm)
		}
	case *GraphMarkComponentsOp:
		for _, prm := range n.Params {
			v(prm)
		}
	}
}

// EdgeBounds returns the length range of e when its bounds are literal
// numbers: (1, 1) for a fixed edge. ok is false when a bound is a name or
// not a number.
func (e *GraphEdgePat) EdgeBounds() (lo, hi int64, ok bool) {
	if !e.Star.IsValid() {
		return 1, 1, true
	}
	num := func(x Expr) (int64, bool) {
		l, isLit := x.(*Literal)
		if !isLit || l.Kind != LitLong {
			return 0, false
		}
		v, err := strconv.ParseInt(l.Value, 0, 64)
		return v, err == nil
	}
	lo, ok = num(e.Min)
	if !ok {
		return 0, 0, false
	}
	if e.Max == nil {
		return lo, lo, true
	}
	hi, ok = num(e.Max)
	return lo, hi, ok
}
