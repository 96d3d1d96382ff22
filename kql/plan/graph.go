package plan

// This file plans the graph operators (make-graph-operator.md and the pages it links).
// make-graph and graph-mark-components produce a graph, not a table: their nodes
// implement [GraphSource] and have no Schema. Only graph operators may read a graph;
// graph-match, graph-shortest-paths and graph-to-table turn it back into a table.

import (
	"fmt"
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// GraphSource is a plan node whose result is a graph. Schema returns nil; GraphSchema
// returns the properties of its nodes and edges.
type GraphSource interface {
	Node
	GraphSchema() (nodes, edges []Field)
}

// GraphNodeTable is one `with T on K` of make-graph: the rows of Input are nodes whose
// id is column Key.
type GraphNodeTable struct {
	Input Node
	Key   int
}

// MakeGraph builds a graph from the rows of Edges (each an edge from node Source to
// node Target, column indexes) and the node tables. Nodes named by edges but absent
// from the tables get their id in the key properties and nulls elsewhere. NodeFields
// are the node properties: the node tables' columns merged by name, or with NodeID one
// property of that name holding the id, or none.
type MakeGraph struct {
	Edges          Node
	Source, Target int
	Tables         []GraphNodeTable
	NodeID         string
	IDType         types.Type
	NodeFields     []Field
	// TableMaps maps, per node table, each of its columns to its NodeFields index.
	TableMaps [][]int
}

func (n *MakeGraph) Schema() []Field { return nil }
func (n *MakeGraph) Inputs() []Node {
	ins := []Node{n.Edges}
	for _, t := range n.Tables {
		ins = append(ins, t.Input)
	}
	return ins
}

// GraphSchema returns the node and edge properties.
func (n *MakeGraph) GraphSchema() ([]Field, []Field) { return n.NodeFields, n.Edges.Schema() }

// GraphInput stands for the graph of one partition inside `make-graph ...
// partitioned-by Col (ops)`.
type GraphInput struct {
	NodeFields, EdgeFields []Field
	IDType                 types.Type
}

func (n *GraphInput) Schema() []Field                 { return nil }
func (n *GraphInput) Inputs() []Node                  { return nil }
func (n *GraphInput) GraphSchema() ([]Field, []Field) { return n.NodeFields, n.EdgeFields }
func (n *GraphPartition) Schema() []Field             { return n.Sub.Schema() }
func (n *GraphPartition) Inputs() []Node              { return []Node{n.Graph, n.Sub} }
func (n *MarkComponents) Schema() []Field             { return nil }
func (n *MarkComponents) Inputs() []Node              { return []Node{n.Input} }
func (n *MarkComponents) GraphSchema() ([]Field, []Field) {
	nodes, edges := n.Input.GraphSchema()
	return append(append([]Field(nil), nodes...), Field{Name: n.Name, Type: types.Long}), edges
}
func (n *GraphToTable) Schema() []Field { return n.Fields }
func (n *GraphToTable) Inputs() []Node  { return []Node{n.Input} }
func (n *GraphMatch) Schema() []Field   { return n.Fields }
func (n *GraphMatch) Inputs() []Node    { return []Node{n.Input} }

// GraphPartition builds Graph once per distinct value of the edges' column By (and the
// node tables' columns NodeBy), runs Sub over each graph (read through In), and
// concatenates the results.
type GraphPartition struct {
	Graph  *MakeGraph
	By     int
	NodeBy []int
	Sub    Node
	In     *GraphInput
}

// MarkComponents adds the property Name to every node: the zero-based index of its
// connected component, weak (edge direction ignored) or Strong.
type MarkComponents struct {
	Input  GraphSource
	Name   string
	Strong bool
}

// GraphToTable lists a graph's nodes (or, with Edges, its edges) as rows of their
// properties, preceded by the node hash columns asked for (IDName for nodes,
// SourceIDName and TargetIDName for edges). Hash computes a node's hash from its id
// (column 0 of a one-column row).
type GraphToTable struct {
	Input                      GraphSource
	Edges                      bool
	IDName                     string
	SourceIDName, TargetIDName string
	Hash                       Expr
	Fields                     []Field
}

// GraphCycles says which repetitions a match may contain (graph-match's cycles=).
type GraphCycles int

// Cycle options.
const (
	CyclesUniqueEdges GraphCycles = iota // no edge twice (the default)
	CyclesNone                           // no node twice, but for a variable written twice
	CyclesAll                            // anything goes
)

// GraphEdgeVar is one edge of a pattern: length Min..Max edges (1..1 unless Variable).
type GraphEdgeVar struct {
	Name     string // "" when anonymous
	Variable bool
	Min, Max int64
}

// GraphHop is one edge of a path with the node after it.
type GraphHop struct {
	Edge int // index in GraphMatch.EdgeVars
	Dir  syntax.EdgeDir
	Node int // index in GraphMatch.NodeVars
}

// GraphPathPlan is one sequence of a pattern: a node, then hops.
type GraphPathPlan struct {
	First int
	Hops  []GraphHop
}

// GraphColKind says what a [GraphCol] of the match row holds.
type GraphColKind int

// Match row column kinds.
const (
	GraphNodeProp GraphColKind = iota // property Prop of node variable Var
	GraphEdgeProp                     // property Prop of edge Var (an array for a variable edge)
	GraphNodeFunc                     // Func (node_degree_in/out, node_id) of node variable Var
	GraphPathMap                      // map(): Elem of each edge (inner node) of edge Var, as an array
	GraphPathAll                      // all(): Elem is true for every element
	GraphPathAny                      // any(): Elem is true for some element
	GraphNodeBag                      // node variable Var as a property bag
	GraphEdgeBag                      // edge Var as a property bag (an array of bags for a variable edge)
)

// GraphCol is one column of the row a match is seen as: the row Where and Project read.
type GraphCol struct {
	Kind  GraphColKind
	Var   int
	Prop  int
	Func  string
	Inner bool // the elements are the inner nodes of the path, not its edges
	// Elem is evaluated over each element: a node row ([GraphElemNodeFields] appended to
	// the node properties) or an edge row (the edge properties).
	Elem  Expr
	Field Field
}

// GraphElemNodeFields are the columns appended to a node's properties for the
// expressions of map/all/any over inner nodes.
var graphElemNodeFields = []Field{
	{Name: "\x00node_degree_in", Type: types.Long},
	{Name: "\x00node_degree_out", Type: types.Long},
	{Name: "\x00node_id", Type: types.String},
}

// GraphElemNodeFields returns the columns appended to a node's properties for the
// expressions of map/all/any over inner nodes: in-degree, out-degree, node id.
func GraphElemNodeFields() []Field { return append([]Field(nil), graphElemNodeFields...) }

// GraphMatch is graph-match, or with Shortest graph-shortest-paths: every assignment of
// the pattern's variables to nodes and edges of the graph that satisfies Where, one
// output row (Project) each. For shortest paths only the shortest matches per pair of
// end nodes are kept, one (or with AllShortest every one).
type GraphMatch struct {
	Input       GraphSource
	Op          string
	Shortest    bool
	AllShortest bool
	Cycles      GraphCycles
	NodeVars    []string // "" for anonymous nodes
	EdgeVars    []GraphEdgeVar
	Paths       []GraphPathPlan
	Cols        []GraphCol
	Where       Expr // over Cols; nil when absent
	Project     []Expr
	Fields      []Field
	// The conditions that read one variable only, which the search enforces (Where
	// holds the rest): per node variable, a predicate over its node row (the properties and
	// [GraphElemNodeFields]); per edge variable, a predicate over each of its edges and,
	// for variable length edges, one over each inner node. Entries are nil when absent.
	NodeFilters, EdgeFilters, InnerFilters []Expr
}

func graphLabel(n Node) (string, bool) {
	switch x := n.(type) {
	case *MakeGraph:
		s := fmt.Sprintf("make-graph %s --> %s", x.Edges.Schema()[x.Source].Name, x.Edges.Schema()[x.Target].Name)
		if x.NodeID != "" {
			s += " with_node_id=" + x.NodeID
		}
		return s + " nodes [" + fieldList(x.NodeFields) + "]", true
	case *GraphInput:
		return "graph-partition-input", true
	case *GraphPartition:
		return "make-graph partitioned-by " + x.Graph.Edges.Schema()[x.By].Name, true
	case *MarkComponents:
		kind := "weak"
		if x.Strong {
			kind = "strong"
		}
		return fmt.Sprintf("graph-mark-components kind=%s with_component_id=%s", kind, x.Name), true
	case *GraphToTable:
		what := "nodes"
		if x.Edges {
			what = "edges"
		}
		return fmt.Sprintf("graph-to-table %s [%s]", what, fieldList(x.Fields)), true
	case *GraphMatch:
		var paths []string
		for _, p := range x.Paths {
			paths = append(paths, x.pathString(p))
		}
		s := x.Op + " " + strings.Join(paths, ", ")
		var filters []string
		for i, f := range x.NodeFilters {
			if f != nil {
				filters = append(filters, fmt.Sprintf("(%s): %s", x.NodeVars[i], f))
			}
		}
		for i, f := range x.EdgeFilters {
			if f != nil {
				filters = append(filters, fmt.Sprintf("[%s]: %s", x.EdgeVars[i].Name, f))
			}
		}
		for i, f := range x.InnerFilters {
			if f != nil {
				filters = append(filters, fmt.Sprintf("inner_nodes(%s): %s", x.EdgeVars[i].Name, f))
			}
		}
		if len(filters) > 0 {
			s += " filters {" + strings.Join(filters, "; ") + "}"
		}
		if x.Where != nil {
			s += " where " + x.Where.String()
		}
		return s + " project [" + fieldList(x.Fields) + "]", true
	}
	return "", false
}

func (n *GraphMatch) pathString(p GraphPathPlan) string {
	node := func(i int) string { return "(" + n.NodeVars[i] + ")" }
	s := node(p.First)
	for _, h := range p.Hops {
		e := n.EdgeVars[h.Edge]
		in := e.Name
		if e.Variable {
			in += fmt.Sprintf("*%d..%d", e.Min, e.Max)
		}
		switch h.Dir {
		case syntax.EdgeRight:
			s += "-[" + in + "]->"
		case syntax.EdgeLeft:
			s += "<-[" + in + "]-"
		default:
			s += "-[" + in + "]-"
		}
		s += node(h.Node)
	}
	return s
}
