package feed

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/rules"
)

// corpusTree writes the YAML rules of the shared corpus into Azure-Sentinel-shaped folder
// trees under dir, one per source revision ("current" and "snapshot"), and returns the
// tree roots and the number of files written.
func corpusTree(tb testing.TB, dir string) ([]string, int) {
	tb.Helper()
	written := map[string]bool{}
	roots := map[string]bool{}
	n := 0
	for _, rec := range sharedtest.Corpus(tb) {
		if rec.YAML == nil || rec.Repo != "Azure/Azure-Sentinel" {
			continue
		}
		group := "current"
		if rec.Commit == "0aa08fc4b18886401f956548ab2c5d5b9de6e33a" {
			group = "snapshot"
		}
		rel := path.Clean(rec.Path)
		if strings.HasPrefix(rel, "..") || written[group+"/"+rel] {
			continue
		}
		written[group+"/"+rel] = true
		p := filepath.Join(dir, group, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(*rec.YAML), 0o644); err != nil {
			tb.Fatal(err)
		}
		roots[filepath.Join(dir, group)] = true
		n++
	}
	var out []string
	for r := range roots {
		out = append(out, r)
	}
	return out, n
}

// syncCorpus syncs the corpus trees into a new catalog.
func syncCorpus(tb testing.TB) (*Catalog, int) {
	tb.Helper()
	roots, n := corpusTree(tb, tb.TempDir())
	cat, err := Open(tb.TempDir(), testEnv())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cat.Close() })
	start := time.Now()
	total := 0
	for _, root := range roots {
		src, err := ParseSource(root)
		if err != nil {
			tb.Fatal(err)
		}
		rep, err := cat.Sync(context.Background(), src, SyncOptions{})
		if err != nil {
			tb.Fatal(err)
		}
		total += rep.Rules
	}
	tb.Logf("synced %d rules from %d files in %v", total, n, time.Since(start))
	return cat, total
}

func TestCorpusCatalog(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the whole corpus")
	}
	cat, total := syncCorpus(t)
	if total < 2000 {
		t.Fatalf("synced %d rules, want the corpus' ~2,260", total)
	}
	ctx := context.Background()
	res, err := cat.Search(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != total {
		t.Errorf("empty search found %d, want %d", res.Total, total)
	}
	for _, f := range Facets {
		if len(res.Facets[f]) == 0 {
			t.Errorf("facet %s has no values", f)
		}
	}
	conf := map[string]int{}
	for _, fc := range res.Facets["confidence"] {
		conf[fc.Value] = fc.Count
	}
	t.Logf("confidence: %v", conf)
	if conf["medium"] < total/2 {
		t.Errorf("only %d of %d rules parse and check (confidence medium)", conf["medium"], total)
	}
	q := Query{Text: "sign-in", Filters: map[string][]string{"table": {"SigninLogs"}, "tactic": {"Credential Access", "Initial Access"}}, Sort: SortSeverity}
	start := time.Now()
	res, err = cat.Search(ctx, q)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("faceted search: %d hits in %v", res.Total, took)
	if res.Total == 0 {
		t.Fatal("faceted search found nothing")
	}
	for _, h := range res.Hits {
		if !contains(h.Tables, "SigninLogs") {
			t.Errorf("hit %s does not read SigninLogs: %v", h.Key, h.Tables)
		}
	}
	cov, err := cat.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	covered := 0
	for _, tc := range cov.Tactics {
		covered += len(tc.Techniques)
	}
	t.Logf("coverage: %d of %d rules mapped; %d tactic-technique cells", cov.Mapped, cov.Rules, covered)
	if covered < 50 {
		t.Errorf("coverage has %d technique cells, want many", covered)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func BenchmarkFacetedSearch(b *testing.B) {
	cat, _ := syncCorpus(b)
	ctx := context.Background()
	q := Query{Text: "sign-in", Filters: map[string][]string{"table": {"SigninLogs"}, "tactic": {"Credential Access", "Initial Access"}}, Sort: SortSeverity}
	b.ResetTimer()
	for b.Loop() {
		if _, err := cat.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchAll(b *testing.B) {
	cat, _ := syncCorpus(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := cat.Search(ctx, Query{Sort: SortUpdated}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAnalyzeCorpus analyses every query of the corpus (YAML rules and plain KQL): it must
// never panic, and it must find tables in nearly all of them.
func TestAnalyzeCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses the whole corpus")
	}
	env := testEnv()
	n, parsed, withTables, withFilters, internal := 0, 0, 0, 0, 0
	for _, rec := range sharedtest.Corpus(t) {
		r, _ := loader().LoadKQL(rec.ID+".kql", []byte(rec.Query))
		a := Analyze(r, nil, env)
		n++
		if a.Parsed {
			parsed++
			if len(a.Tables) > 0 {
				withTables++
			}
		}
		if len(a.Filters) > 0 {
			withFilters++
		}
		for _, e := range a.CheckErrors {
			if strings.Contains(e, "internal error") {
				internal++
				if internal <= 3 {
					t.Logf("%s: %s", rec.ID, e)
				}
			}
		}
	}
	t.Logf("%d queries: %d parse, %d of those read tables, %d have selection criteria; %d checker panics", n, parsed, withTables, withFilters, internal)
	if withTables < parsed*9/10 {
		t.Errorf("only %d of %d parsed queries have tables", withTables, parsed)
	}
}

func loader() rules.Loader { return rules.Loader{} }
