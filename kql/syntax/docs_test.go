package syntax

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
)

func usesUnsupported(q string) bool {
	for _, op := range unsupportedOperators {
		if strings.Contains(q, op) {
			return true
		}
	}
	return false
}

// docsSkip lists documentation examples socfeed does not parse, each with
// the reason.
var docsSkip = map[string]string{
	"cluster-function#2":                   "two queries in one block without ';'",
	"find-operator#6":                      "wildcard database paths database(\"S*\").C* are not supported",
	"functions-library/wilcoxon-test-fl#3": "stray '-->' after the query",
	"r-plugin#5":                           "unbalanced quote in the example",
	"sql-cheat-sheet#1":                    "SQL, not KQL",
	"graph-query-language-guide#1":         "GQL, not KQL",
}

// unsupportedOperators are operators socfeed does not parse yet; none occurs
// in the Sentinel query corpus.
var unsupportedOperators = []string{
	"make-graph", "graph-match", "graph-to-table", "graph-shortest-paths",
	"graph-mark-components", "project-by-names", "top-hitters", "inline_external_table",
}

// TestDocsExamples parses every runnable query of the documentation
// examples; all of them are valid KQL.
func TestDocsExamples(t *testing.T) {
	type example struct {
		ID       string `json:"id"`
		Query    string `json:"query"`
		Runnable bool   `json:"runnable"`
	}
	recs, err := sharedtest.ReadJSONL[example](sharedtest.Dir(t, "conformance", "docs-examples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var total, failed int
	for _, r := range recs {
		if !r.Runnable || docsSkip[r.ID] != "" || usesUnsupported(r.Query) {
			continue
		}
		total++
		s, errs := Parse(r.Query)
		if len(errs) > 0 {
			failed++
			t.Errorf("%s: %s", r.ID, errs[0].At(r.Query))
			continue
		}
		roundTrip(t, r.ID, s)
	}
	t.Logf("parsed %d/%d runnable documentation examples", total-failed, total)
}
