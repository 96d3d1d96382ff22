package check

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/syntax"
)

const graphPrelude = `let N = datatable(name:string, age:long) ["a", 1];
let E = datatable(src:string, dst:string, w:real, tenant:string) ["a", "b", 1.5, "t"];
`

func TestGraphSchemas(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"E | make-graph src --> dst with N on name | graph-match (x)-[e]->(y) project x.name, y.age, e.w",
			"x_name:string, y_age:long, e_w:real"},
		{"E | make-graph src --> dst with N on name | graph-match (x)-[e*1..3]->(y) project e.w, m = map(e, w * 2), ok = all(inner_nodes(e), age > 1), any(e, w > 1), node_degree_in(x), node_id(y), labels(x)",
			"e_w:dynamic, m:dynamic, ok:bool, any:bool, node_degree_in:long, node_id:string, labels:dynamic"},
		{"E | make-graph src --> dst with_node_id=id | graph-to-table nodes with_node_id=H", "H:long, id:string"},
		{"E | make-graph src --> dst | graph-to-table edges with_source_id=S with_target_id=T", "S:long, T:long, src:string, dst:string, w:real, tenant:string"},
		{"E | make-graph src --> dst with N on name | graph-mark-components with_component_id=c | graph-to-table nodes", "name:string, age:long, c:long"},
		{"E | make-graph src --> dst with N on name | graph-mark-components | graph-match (x) project x.ComponentId", "x_ComponentId:long"},
		{"E | make-graph src --> dst with_node_id=id | graph-shortest-paths output=all (x)-[e*1..2]->(y) project x.id, n = tostring(e.w)", "x_id:string, n:string"},
		{"E | make-graph src --> dst with_node_id=id partitioned-by tenant (graph-match (x)-->(y) project x.id | take 1)", "x_id:string"},
		{"let G = E | make-graph src --> dst with_node_id=id; G | graph-match (x)--(y) project y.id", "y_id:string"},
	}
	for _, tt := range tests {
		src := graphPrelude + tt.src
		script, info, ds := checkSrc(t, src)
		if errs := formatDiags(src, ds); len(errs) > 0 {
			t.Errorf("Check(%q) errors: %v", tt.src, errs)
		}
		if got := strings.Join(lastSchema(script, info), ", "); got != tt.want {
			t.Errorf("Check(%q) schema = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestGraphErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"E | make-graph src --> dst | where src == 'a'", []string{"3:30: 'where' cannot read a graph: expected graph-match, graph-shortest-paths, graph-to-table or graph-mark-components"}},
		{"E | make-graph src --> dst", []string{"3:1: the query ends in a graph: follow make-graph with graph-match, graph-shortest-paths, graph-to-table or graph-mark-components"}},
		{"E | graph-match (x)-->(y) project x.name", []string{"3:5: 'graph-match' needs a graph: build one with make-graph first"}},
		{"E | make-graph src --> dts | graph-to-table nodes", []string{"3:24: unknown column 'dts' in 'make-graph'"}},
		{"E | make-graph src --> w | graph-to-table nodes", []string{"3:24: in 'make-graph': source and target ids must have one type, found string and real"}},
		{"E | make-graph src --> dst with N on age | graph-to-table nodes", []string{"3:38: in 'make-graph': node id 'age' is long, but the edges' ids are string"}},
		{"E | make-graph src --> dst with N on name | graph-match (x)-->(y) project x.nme", []string{"3:77: unknown property 'nme' of node 'x' in 'graph-match'"}},
		{"E | make-graph src --> dst | graph-match (x)-[e]->(y) project map(e, w)", []string{"3:67: in 'graph-match': map() needs a variable length edge, and 'e' has a fixed length"}},
		{"E | make-graph src --> dst | graph-match (x)-[e*1..2]->(y) project map(x, w)", []string{"3:72: in 'graph-match': 'x' is not an edge variable of the pattern"}},
		{"E | make-graph src --> dst | graph-match (x)-[e*1..2]->(y) where all(e, w) project x", []string{"3:73: all() needs a bool condition, found real"}},
		{"E | make-graph src --> dst | graph-match (x)-[e*1..2]->(y) project map(e, node_degree_in())", []string{"3:75: node_degree_in() applies to nodes: use inner_nodes() in all(), any() or map()"}},
		{"E | make-graph src --> dst | graph-match (x)-[e*1..2]->(y) project inner_nodes(e)", []string{"3:68: inner_nodes() can only be the first argument of all(), any() or map()"}},
		{"E | make-graph src --> dst | graph-match (x)-[e*3..1]->(y) project x", []string{"3:45: in 'graph-match': the edge length range 3..1 is empty"}},
		{"E | make-graph src --> dst | graph-match (x)-[e]->(y), (y)-[e]->(z) project x", []string{"3:61: in 'graph-match': edge 'e' appears twice in the pattern"}},
		{"E | make-graph src --> dst | graph-match cycles=never (x)-->(y) project x", []string{"3:49: in 'graph-match': cycles must be all, none or unique_edges, found 'never'"}},
		{"E | make-graph src --> dst | graph-shortest-paths (x)-->(y) project x", []string{"3:51: in 'graph-shortest-paths': the pattern needs a variable length edge"}},
		{"E | make-graph src --> dst | graph-to-table edges with_node_id=H", []string{"3:51: in 'graph-to-table': with_node_id applies to nodes, not edges"}},
		{"E | extend m = map(w, 1), d = node_degree_in(src)", []string{"3:16: map() is a graph function: use it in graph-match or graph-shortest-paths", "3:31: node_degree_in() is a graph function: use it in graph-match or graph-shortest-paths"}},
		{"E | make-graph src --> dst | graph-to-table nodes as A, nodes as B; A", []string{"3:57: in 'graph-to-table': expected one nodes and one edges output"}},
		{"E | make-graph src --> dst | graph-mark-components kind=medium | graph-to-table nodes", []string{"3:57: in 'graph-mark-components': kind must be weak or strong, found 'medium'"}},
	}
	for _, tt := range tests {
		src := graphPrelude + tt.src
		_, _, ds := checkSrc(t, src)
		got := formatDiags(src, ds)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Check(%q) diagnostics (-want +got):\n%s", tt.src, diff)
		}
	}
}

// FuzzCheckGraph checks arbitrary graph queries, parsed or not: no input may panic.
func FuzzCheckGraph(f *testing.F) {
	for _, s := range []string{
		"E | make-graph src --> dst with N on name | graph-match (x)-[e*1..3]->(y), (y)--(z) where all(inner_nodes(e), age > 1) project x, map(e, w), node_degree_in(y)",
		"E | make-graph src --> dst with_node_id=id partitioned-by tenant (graph-shortest-paths output=all (x)-[e*1..2]->(y) project x.id | take 1)",
		"E | make-graph src --> dst | graph-mark-components kind=strong | graph-to-table nodes as N with_node_id=I, edges as F with_source_id=S",
		"E | make-graph src --> | graph-match (x)-[e*]->( project",
	} {
		f.Add(graphPrelude + s)
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		script, _ := syntax.Parse(src)
		Check(script, env)
	})
}
