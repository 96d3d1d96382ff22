package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/feed"
	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/rules/hunt/local"
	"github.com/socfeed/socfeed/schema"
)

// syncedCatalog syncs the files into a feed catalog in a temporary store, once per text
// of the files: each later map changes or adds files and syncs again.
func syncedCatalog(t *testing.T, versions ...map[string]string) *FeedCatalog {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "rules")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	at := attack.Default()
	c, err := feed.Open(filepath.Join(dir, "store"), feed.Env{ATTACK: at, Check: &check.Env{Catalog: schema.Default(), Funcs: funcs.Default()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := feed.ParseSource(src)
	if err != nil {
		t.Fatal(err)
	}
	for i, files := range versions {
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 6, 1+i, 0, 0, 0, 0, time.UTC)
		if _, err := c.Sync(context.Background(), s, feed.SyncOptions{Now: now}); err != nil {
			t.Fatalf("sync %d: %v", i, err)
		}
	}
	return NewFeedCatalog(c, at)
}

func TestFeedCatalog(t *testing.T) {
	changed := strings.Replace(sprayYAML, "Attempts >= 3", "Attempts >= 5", 1)
	fc := syncedCatalog(t,
		map[string]string{"spray.yaml": sprayYAML, "roles.yaml": xssYAML, "broken.yaml": brokenYAML, "hunt.kql": "AuditLogs\n| take 10\n"},
		map[string]string{"spray.yaml": changed})
	ctx := context.Background()

	res, err := fc.Search(ctx, Query{Text: "spray", Page: 1, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Rules) != 1 || res.Rules[0].Name != "Password spray from one IP" {
		t.Fatalf("Search(spray) = %+v", res)
	}
	if len(res.Facets) != len(FacetNames()) || res.Facets[1].Name != FacetSeverity {
		t.Errorf("Search facets = %+v, want every facet in order", res.Facets)
	}
	all, err := fc.Search(ctx, Query{})
	if err != nil || all.Total != 4 || len(all.Rules) != 4 {
		t.Fatalf("Search(all) = %d rules of %d, %v; want 4", len(all.Rules), all.Total, err)
	}
	high, err := fc.Search(ctx, Query{Filters: map[string][]string{FacetSeverity: {"High"}}, Page: 1, PerPage: 10})
	if err != nil || high.Total != 1 {
		t.Errorf("Search(severity=High) = %+v, %v", high, err)
	}

	id := res.Rules[0].ID
	d, err := fc.Rule(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rule == nil || d.YAML != changed || !strings.Contains(d.Query, "Attempts >= 5") || d.Hypothesis == "" || len(d.Evidence) == 0 {
		t.Errorf("Rule(%q) = %+v", id, d)
	}
	if len(d.DataSources) != 1 || d.DataSources[0].Table != "SigninLogs" {
		t.Errorf("Rule data sources = %+v", d.DataSources)
	}
	if len(d.AttackContext) != 1 || d.AttackContext[0].ID != "T1110" || d.AttackContext[0].Name != "Brute Force" ||
		len(d.AttackContext[0].Tactics) == 0 || d.AttackContext[0].Tactics[0] != "Credential Access" {
		t.Errorf("Rule ATT&CK context = %+v", d.AttackContext)
	}
	if d.Generated {
		t.Errorf("template text marked as written by a model")
	}

	hist, err := fc.History(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Number != 2 || hist[1].Diff != "" ||
		!strings.Contains(hist[0].Diff, "-  | where Attempts >= 3") || !strings.Contains(hist[0].Diff, "+  | where Attempts >= 5") {
		t.Errorf("History = %+v", hist)
	}

	if _, err := fc.Rule(ctx, "no-such-rule"); !errorsIsNotFound(err) {
		t.Errorf("Rule(missing) error = %v, want ErrNotFound", err)
	}

	kql, err := fc.Search(ctx, Query{Text: "take", Page: 1, PerPage: 10})
	if err != nil || kql.Total != 1 {
		t.Fatalf("Search(take) = %+v, %v", kql, err)
	}
	kd, err := fc.Rule(ctx, kql.Rules[0].ID)
	if err != nil || kd.Rule == nil || kd.YAML != "" || kd.Kind != "Hunting" {
		t.Errorf("Rule(.kql) = %+v, %v", kd, err)
	}

	crs, err := fc.CoverageRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cov := BuildCoverage(attack.Default(), crs, nil, CoverageFilter{})
	if cov.Rules != 4 || cov.Mapped != 2 || cov.Covered != 2 || cov.Fired != 0 {
		t.Errorf("coverage = %d rules, %d mapped, %d covered, %d fired; want 4, 2, 2, 0", cov.Rules, cov.Mapped, cov.Covered, cov.Fired)
	}
	layer, err := NavigatorLayer(cov)
	if err != nil || !strings.Contains(string(layer), `"techniqueID": "T1098"`) || !strings.Contains(string(layer), `"domain": "enterprise-attack"`) {
		t.Errorf("Layer = %s, %v", layer, err)
	}

	// The adapter serves the pages: a rule id with ':' and '/' round-trips through URLs.
	data := testData(t)
	s, err := New(Config{Catalog: fc, Data: data, Runner: NewHuntRunner(local.New(data.Tables, nil, nil))})
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ := do(t, s, "GET", ruleURLFor(id))
	if code != 200 || !strings.Contains(body, "Password spray from one IP") || !strings.Contains(body, "v2") {
		t.Errorf("GET %s = %d", ruleURLFor(id), code)
	}

	// A run from the page is recorded as evidence: the rule "ran on data".
	ranOnData := func() string {
		d, err := fc.Rule(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range d.Evidence {
			if e.Name == "ran on data" {
				return e.Status
			}
		}
		return "missing"
	}
	if got := ranOnData(); got != "none" {
		t.Errorf("before the run, ran on data = %q, want none", got)
	}
	code, body, _ = do(t, s, "POST", ruleURLFor(id)+"/run")
	if code != 200 || !strings.Contains(body, `id="run-result"`) || strings.Contains(body, "not recorded") {
		t.Fatalf("POST run = %d\n%s", code, body)
	}
	if got := ranOnData(); got != "pass" {
		t.Errorf("after the run, ran on data = %q, want pass", got)
	}

	// The fired layer reads the run evidence: the changed spray rule (5 attempts) found
	// nothing; a recorded run of the role-change rule with findings fires it.
	fired := func() map[string]bool {
		crs, err := fc.CoverageRules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range crs {
			if r.Fired {
				out[r.Name] = true
			}
		}
		return out
	}
	if got := fired(); len(got) != 0 {
		t.Errorf("fired before any findings = %v, want none", got)
	}
	roles, err := fc.Search(ctx, Query{Text: "role", Page: 1, PerPage: 10})
	if err != nil || roles.Total != 1 {
		t.Fatalf("Search(role) = %+v, %v", roles, err)
	}
	if err := fc.RecordRun(ctx, roles.Rules[0].ID, RunRecord{Data: "test", Rows: 3, Findings: 2, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if got := fired(); !got["<script>alert(1)</script> role changes"] || len(got) != 1 {
		t.Errorf("fired after a run with findings = %v", got)
	}
	_, csv, _ := do(t, s, "GET", "/api/coverage.csv?layer=fired&covered=1")
	if want := "Persistence,T1098,Account Manipulation,1,0,1"; !strings.Contains(csv, want) {
		t.Errorf("fired coverage CSV lacks %q:\n%s", want, csv)
	}
}

func ruleURLFor(id string) string {
	return templateFuncs(attack.Default())["ruleURL"].(func(string) string)(id)
}

func errorsIsNotFound(err error) bool {
	status, _ := errorStatus(err)
	return status == 404
}
