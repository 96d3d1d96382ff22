package exec

import (
	"context"
	"errors"
	"testing"
	"time"
)

const graphFuzzPrelude = `let E = datatable(s:string, t:string, w:long) ["a","b",1, "b","c",2, "c","a",3, "c","d",4, "d","d",5];
let N = datatable(id:string, k:long) ["a",1, "b",2, "e",3];
`

// FuzzGraphQuery runs arbitrary graph queries: bad input must give an error, never an
// internal error (a recovered panic).
func FuzzGraphQuery(f *testing.F) {
	for _, s := range []string{
		"E | make-graph s --> t with N on id | graph-match (x)-[e*0..3]->(y), (y)--(z) where all(inner_nodes(e), k > 1) project x, map(e, w), node_degree_in(y)",
		"E | make-graph s --> t with_node_id=id | graph-match cycles=all (x)-[e*1..4]-(x) project x.id, e.w",
		"E | make-graph s --> t with_node_id=id partitioned-by w (graph-shortest-paths output=all (x)-[e*1..2]->(y) project x.id | take 1)",
		"E | make-graph s --> t | graph-mark-components kind=strong | graph-to-table nodes with_node_id=I",
		"E | make-graph s --> t with N on id | graph-to-table edges with_source_id=S with_target_id=T",
	} {
		f.Add(graphFuzzPrelude + s)
	}
	eng := testEngine(f, 2)
	f.Fuzz(func(t *testing.T, src string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := eng.Query(ctx, src)
		var ie *InternalError
		if errors.As(err, &ie) {
			t.Fatalf("Query(%q): internal error: %v\n%s", src, ie, ie.Stack)
		}
	})
}
