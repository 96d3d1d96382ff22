package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

// TestShortestPathsBFS checks the breadth-first shortest paths against the general
// search (forced by a condition that reads the path) on random graphs.
func TestShortestPathsBFS(t *testing.T) {
	eng := testEngine(t, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	total := 0
	for trial := range 30 {
		var cells []string
		for range 4 + rng.IntN(25) {
			cells = append(cells, fmt.Sprintf("%d, %d, %d", rng.IntN(9), rng.IntN(9), rng.IntN(3)))
		}
		edges := "datatable(s:long, t:long, k:long) [" + strings.Join(cells, ", ") + "]"
		for _, out := range []string{"any", "all"} {
			for _, dir := range []string{"->", "-"} {
				q := func(extra string) []string {
					src := fmt.Sprintf("%s | make-graph s --> t with_node_id=id | graph-shortest-paths output=%s (a)-[e*1..4]%s(b) where a.id != 3 and all(e, k != 2)%s project a.id, b.id, n = array_length(e)",
						edges, out, dir, extra)
					res, err := eng.Query(context.Background(), src)
					if err != nil {
						t.Fatalf("Query(%q): %v", src, err)
					}
					rows := render(res.Tables[0])[1:]
					sort.Strings(rows)
					return rows
				}
				bfs, dfs := q(""), q(" and any(e, true)")
				total += len(bfs)
				if diff := cmp.Diff(dfs, bfs); diff != "" {
					t.Errorf("trial %d output=%s dir=%s: breadth first differs from the general search (-general +bfs):\n%s", trial, out, dir, diff)
				}
			}
		}
	}
	if total < 100 {
		t.Errorf("the random graphs gave %d paths in all; the test needs more to mean something", total)
	}
}
