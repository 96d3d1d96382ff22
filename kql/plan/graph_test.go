package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/syntax"
)

func TestGraphPlan(t *testing.T) {
	src := `let E = datatable(s:string, t:string, w:long) ["a", "b", 1];
let N = datatable(id:string, k:long) ["a", 1];
E
| make-graph s --> t with N on id
| graph-mark-components
| graph-match (x)-[e*1..3]->(y)-[f]-(z)
  where x.k > 1 and e.w < 5 and all(inner_nodes(e), k != 2) and f.w == 1 and y.k == z.k
  project x.id, ws = map(e, w), node_degree_out(y)`
	got := Format(build(t, src, true))
	want := strings.Join([]string{
		"output #0 [x_id:string, ws:dynamic, node_degree_out:long]",
		"  graph-match (x)-[e*1..3]->(y)-[f]-(z) filters {(x): (x.k#1 > 1); [e]: (e.w#2 < 5); [f]: (f.w#2 == 1); inner_nodes(e): (k#1 != 2)} where (y.k#9 == z.k#12) project [x_id:string, ws:dynamic, node_degree_out:long]",
		"    graph-mark-components kind=weak with_component_id=ComponentId",
		"      make-graph s --> t nodes [id:string, k:long]",
		"        datatable [s:string, t:string, w:long] rows=1",
		"        datatable [id:string, k:long] rows=1",
		"",
	}, "\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Format (-want +got):\n%s", diff)
	}
}

func TestGraphPlanErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`datatable(s:string, t:string) ["a", "b"] | make-graph s --> t | project s`, "'project' cannot read a graph"},
		{`datatable(s:string, t:string) ["a", "b"] | graph-to-table nodes`, "'graph-to-table' needs a graph"},
		{`datatable(s:string, t:string) ["a", "b"] | make-graph s --> t | graph-match (a)-[e*n..2]->(b) project a`, `unknown name "n"`},
		{`datatable(s:string, t:string) ["a", "b"] | make-graph s --> t | graph-match (a)-[e*-1..2]->(b) project a`, "expected number of edges"},
		{`datatable(s:string, t:string) ["a", "b"] | make-graph s --> t | graph-match (a)-[e*1..2]->(b) project map(inner_nodes(e), node_degree_in(a))`, "takes no argument"},
		{`datatable(s:string, t:string) ["a", "b"] | make-graph s --> t | graph-match (a)-[e*1..2]->(b) project map(e, node_id())`, "needs inner_nodes()"},
		{`datatable(s:string, t:string) ["a", "b"] | make-graph s --> t | graph-match (a)-[e*1..2]->(b) project map(e, map(e, s))`, "cannot be nested"},
	} {
		script, errs := syntaxParse(tc.src)
		if len(errs) > 0 {
			if !strings.Contains(errs, tc.want) {
				t.Errorf("Parse(%q) = %s, want an error containing %q", tc.src, errs, tc.want)
			}
			continue
		}
		_, err := Build(script, testEnv())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Build(%q) = %v, want an error containing %q", tc.src, err, tc.want)
		}
	}
}

func syntaxParse(src string) (*syntax.Script, string) {
	s, errs := syntax.Parse(src)
	if len(errs) > 0 {
		return s, errs[0].At(src)
	}
	return s, ""
}
