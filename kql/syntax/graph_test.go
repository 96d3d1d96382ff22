package syntax

import (
	"strings"
	"testing"
)

var validGraphQueries = []string{
	`E | make-graph a --> b with N on id | graph-match (x)-[e]->(y) project x.id, e.w`,
	`E | make-graph a --> b with N on id, (M | where k) on id2 | graph-to-table nodes`,
	`E | make-graph a --> b with_node_id=name | graph-match cycles=none (s)-[e*1..5]->(d)-[r*2]->(s), (s)<--(x)--(y)<-[f]-() where s.name != d.name and all(e, line == "red") project from = s.name, hops = map(inner_nodes(e), name)`,
	`E | make-graph a --> b | graph-shortest-paths output=all (s)-[e*1..n]->(d) where s.k == 1 project s.k, n = node_degree_out(d)`,
	`E | make-graph a --> b | graph-mark-components kind=strong with_component_id=c | graph-to-table nodes with_node_id=Id`,
	`E | make-graph a --> b | graph-to-table edges with_source_id=S with_target_id=T as Edges`,
	`E | make-graph a --> b | graph-to-table nodes as N with_node_id=Id, edges as E with_source_id=S`,
	`E | make-graph a --> b with N on id partitioned-by t (graph-match (x)-[]-(y) project x.id | take 5)`,
	`E | make-graph a --> b | graph-match (x)-[*1..2]-() project x.id`,
}

var invalidGraphQueries = []struct {
	src, want string
}{
	{`E | make-graph a -> b`, "1:18: expected '-->', found '-' in 'make-graph'"},
	{`E | make-graph a --> b with N`, "1:30: expected 'on', found end of input in 'make-graph'"},
	{`E | make-graph a --> b | graph-match (x)-[e]->(y)`, "1:50: expected 'project', found end of input in 'graph-match'"},
	{`E | make-graph a --> b | graph-match x-->(y) project x`, "1:38: expected '(' of a graph node, found 'x' in 'graph-match'"},
	{`E | make-graph a --> b | graph-match (x)-[e*]->(y) project x`, "1:45: expected number of edges, found ']' in 'graph-match'"},
	{`E | make-graph a --> b | graph-match (x)<-[e]->(y) project x`, "1:41: a graph edge cannot point both ways in 'graph-match'"},
	{`E | make-graph a --> b | graph-match (x)-[e(y) project x`, "1:44: expected ']' of a graph edge, found '(' in 'graph-match'"},
	{`E | make-graph a --> b | graph-to-table vertices`, "1:41: expected 'nodes' or 'edges', found 'vertices' in 'graph-to-table'"},
}

func TestParseGraph(t *testing.T) {
	for _, src := range validGraphQueries {
		s, errs := Parse(src)
		if len(errs) > 0 {
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.At(src))
			}
			t.Errorf("Parse(%q) errors: %s", src, strings.Join(msgs, "; "))
			continue
		}
		if err := checkPositions(src, s); err != nil {
			t.Errorf("Parse(%q): %v", src, err)
		}
		roundTrip(t, src, s)
	}
	for _, tc := range invalidGraphQueries {
		_, errs := Parse(tc.src)
		if len(errs) == 0 {
			t.Errorf("Parse(%q) = no errors, want %q", tc.src, tc.want)
			continue
		}
		if got := errs[0].At(tc.src); got != tc.want {
			t.Errorf("Parse(%q) first error = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestGraphEdgeBounds(t *testing.T) {
	s, errs := Parse(`E | make-graph a --> b | graph-match (x)-[e*2..4]->(y)-->(z)-[f*3]-(w)-[g*1..n]-(v) project x`)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	gm := s.Stmts[0].(*ExprStmt).X.(*PipeExpr).Ops[1].(*GraphMatchOp)
	type b struct {
		lo, hi int64
		ok     bool
	}
	want := []b{{2, 4, true}, {1, 1, true}, {3, 3, true}, {1, 0, false}}
	for i, e := range gm.Patterns[0].Edges {
		lo, hi, ok := e.EdgeBounds()
		got := b{lo, hi, ok}
		if !ok {
			got = b{1, 0, false}
		}
		if got != want[i] {
			t.Errorf("edge %d bounds = %v, want %v", i, got, want[i])
		}
	}
}

// FuzzGraphRoundTrip is FuzzRoundTrip seeded with graph queries: printing a graph
// operator that parsed must reparse to the same tree, and no input may panic.
func FuzzGraphRoundTrip(f *testing.F) {
	for _, q := range validGraphQueries {
		f.Add(q)
	}
	for _, tc := range invalidGraphQueries {
		f.Add(tc.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, errs := Parse(src)
		for _, e := range errs {
			e.At(src)
		}
		if len(errs) > 0 {
			Print(s)
			return
		}
		printed := Print(s)
		s2, errs := Parse(printed)
		if len(errs) > 0 {
			t.Fatalf("Parse(Print(Parse(%q))) = %s, want no errors; printed:\n%s", src, errs[0].At(printed), printed)
		}
		if got, want := dumpTree(s2), dumpTree(s); got != want {
			t.Fatalf("Parse(Print(Parse(%q))) gives another tree; printed:\n%s", src, printed)
		}
		if err := checkPositions(src, s); err != nil {
			t.Fatal(err)
		}
	})
}
