package check

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/schema"
)

// TestConformanceColumns compares the result column names the checker infers with the
// documented outputs of the self-contained reference examples
// (../shared/conformance/docs-examples.jsonl). It logs the agreement and, with -v, the
// first disagreements; it fails when agreement drops below the floor measured when the
// test was written.
func TestConformanceColumns(t *testing.T) {
	type example struct {
		ID            string `json:"id"`
		Query         string `json:"query"`
		SelfContained bool   `json:"self_contained"`
		Runnable      bool   `json:"runnable"`
		Malformed     bool   `json:"malformed"`
		Expected      struct {
			Columns []string `json:"columns"`
		} `json:"expected"`
		ResultTables []json.RawMessage `json:"result_tables"`
	}
	recs, err := sharedtest.ReadJSONL[example](sharedtest.Dir(t, "conformance", "docs-examples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Catalog: schema.Default(), Funcs: funcs.Default(), Strict: true}
	total, same := 0, 0
	var diffs []string
	for _, r := range recs {
		if !r.SelfContained || !r.Runnable || r.Malformed || len(r.ResultTables) > 0 || len(r.Expected.Columns) == 0 {
			continue
		}
		script, perrs := syntax.Parse(r.Query)
		if len(perrs) > 0 {
			continue
		}
		info, ds := Check(script, env)
		if hasError(ds) {
			continue
		}
		got := lastSchema(script, info)
		if len(got) > 0 && got[len(got)-1] == "*" {
			continue // open schema: the columns depend on the data
		}
		total++
		names := make([]string, len(got))
		for i, g := range got {
			names[i] = g[:strings.LastIndexByte(g, ':')]
		}
		if strings.Join(names, ",") == strings.Join(r.Expected.Columns, ",") {
			same++
			continue
		}
		diffs = append(diffs, r.ID+": got "+strings.Join(names, ",")+"; want "+strings.Join(r.Expected.Columns, ","))
	}
	rate := float64(same) / float64(max(total, 1))
	t.Logf("result columns agree with the documented output for %d/%d checked examples (%.1f%%)", same, total, 100*rate)
	if testing.Verbose() {
		for i, d := range diffs {
			if i == 40 {
				break
			}
			t.Log(d)
		}
	}
	if rate < conformanceFloor {
		t.Errorf("column agreement %.1f%%, want >= %.0f%%", 100*rate, 100*conformanceFloor)
	}
}

// conformanceFloor is the agreement measured when the test was written, rounded down.
const conformanceFloor = 0.90

func hasError(ds []Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}
