package feed

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const bruteRule = `id: 11111111-2222-4333-8444-555555555555
name: Brute force against one account
description: 'Many failed sign-ins for one account from many addresses.'
severity: High
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - CredentialAccess
relevantTechniques:
  - T1110.001
query: |
  SigninLogs
  | where ResultType == "50126"
  | summarize Addresses = dcount(IPAddress) by UserPrincipalName
  | where Addresses > 10
kind: Scheduled
`

// testCatalog syncs the three sample rules from a folder.
func testCatalog(t *testing.T) (*Catalog, Source) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "spray.yaml"), sprayRule)
	writeFile(t, filepath.Join(dir, "hunt.yaml"), huntRule)
	writeFile(t, filepath.Join(dir, "brute.yaml"), bruteRule)
	src, err := ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Open(t.TempDir(), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	if _, err := cat.Sync(context.Background(), src, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	return cat, src
}

func names(res *Results) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Name)
	}
	return out
}

func TestSearch(t *testing.T) {
	cat, _ := testCatalog(t)
	ctx := context.Background()
	const (
		brute = "Brute force against one account"
		spray = "Password spray from one address"
		hunt  = "Role changes after failed portal sign-ins"
	)
	tests := []struct {
		q    Query
		want []string
	}{
		{Query{}, []string{brute, spray, hunt}},
		{Query{Sort: SortName, Reverse: true}, []string{hunt, spray, brute}},
		{Query{Sort: SortSeverity}, []string{brute, spray, hunt}},
		{Query{Text: "spray"}, []string{spray}},
		{Query{Text: "T1110"}, []string{brute, spray}},
		{Query{Text: "T1110.003"}, []string{spray}},
		{Query{Text: "auditlogs"}, []string{hunt}},
		{Query{Text: "Credential Access"}, []string{brute, spray}},
		{Query{Text: `"unbalanced AND (`}, []string{}},
		{Query{Filters: map[string][]string{"severity": {"High", "Medium"}}}, []string{brute, spray}},
		{Query{Filters: map[string][]string{"table": {"AuditLogs"}}}, []string{hunt}},
		{Query{Filters: map[string][]string{"technique": {"T1110.001"}, "tactic": {"Credential Access"}}}, []string{brute}},
		{Query{Filters: map[string][]string{"kind": {"Hunting"}, "severity": {"High"}}}, []string{}},
		{Query{Limit: 2}, []string{brute, spray}},
		{Query{Offset: 2, Limit: 2}, []string{hunt}},
		{Query{Offset: 10}, []string{}},
	}
	for _, tt := range tests {
		res, err := cat.Search(ctx, tt.q)
		if err != nil {
			t.Errorf("Search(%+v): %v", tt.q, err)
			continue
		}
		if diff := cmp.Diff(tt.want, names(res), cmp.Comparer(func(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") })); diff != "" {
			t.Errorf("Search(%+v) (-want +got):\n%s", tt.q, diff)
		}
	}
	res, err := cat.Search(ctx, Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 || len(res.Hits) != 1 {
		t.Errorf("paged search: total %d, %d hits", res.Total, len(res.Hits))
	}
	want := map[string][]FacetCount{
		"language":   {{"KQL", 3}},
		"kind":       {{"Scheduled", 2}, {"Hunting", 1}},
		"severity":   {{"-", 1}, {"High", 1}, {"Medium", 1}},
		"tactic":     {{"Credential Access", 2}, {"Initial Access", 1}, {"Privilege Escalation", 1}},
		"technique":  {{"T1078", 1}, {"T1110.001", 1}, {"T1110.003", 1}},
		"table":      {{"SigninLogs", 3}, {"AuditLogs", 1}},
		"status":     {{"-", 2}, {"Available", 1}},
		"confidence": {{"medium", 3}},
	}
	for f, w := range want {
		if diff := cmp.Diff(w, res.Facets[f]); diff != "" {
			t.Errorf("facet %s (-want +got):\n%s", f, diff)
		}
	}
	// A filtered facet keeps the counts of its other values; other facets narrow.
	res, err = cat.Search(ctx, Query{Filters: map[string][]string{"severity": {"High"}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]FacetCount{{"-", 1}, {"High", 1}, {"Medium", 1}}, res.Facets["severity"]); diff != "" {
		t.Errorf("filtered facet counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]FacetCount{{"Scheduled", 1}}, res.Facets["kind"]); diff != "" {
		t.Errorf("narrowed facet counts (-want +got):\n%s", diff)
	}
	for _, q := range []Query{{Filters: map[string][]string{"colour": {"red"}}}, {Sort: "colour"}, {Sort: SortRelevance}} {
		if _, err := cat.Search(ctx, q); err == nil {
			t.Errorf("Search(%+v) did not fail", q)
		}
	}
}

func TestSearchSeesNewRuns(t *testing.T) {
	cat, _ := testCatalog(t)
	ctx := context.Background()
	if _, err := cat.Search(ctx, Query{}); err != nil { // loads the index
		t.Fatal(err)
	}
	if err := cat.RecordRun(ctx, "11111111-2222-4333-8444-555555555555", RunEvidence{Data: "d", Err: "table SigninLogs is missing"}); err != nil {
		t.Fatal(err)
	}
	res, err := cat.Search(ctx, Query{Filters: map[string][]string{"confidence": {"low"}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Brute force against one account"}, names(res)); diff != "" {
		t.Errorf("search after a failed run (-want +got):\n%s", diff)
	}
	res, err = cat.Search(ctx, Query{Sort: SortConfidence, Reverse: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hits[0].Confidence != Low {
		t.Errorf("reverse confidence sort starts with %s", res.Hits[0].Confidence)
	}
}

func TestCoverage(t *testing.T) {
	cat, _ := testCatalog(t)
	cov, err := cat.Coverage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cov.Rules != 3 || cov.Mapped != 3 {
		t.Errorf("coverage counted %d rules, %d mapped", cov.Rules, cov.Mapped)
	}
	cells := map[string][]string{}
	for _, tc := range cov.Tactics {
		for _, te := range tc.Techniques {
			for _, r := range te.Rules {
				cells[tc.Tactic.ShortName+"/"+te.ID] = append(cells[tc.Tactic.ShortName+"/"+te.ID], r.Name)
			}
		}
	}
	// T1078 belongs to four tactics; the hunt lists two of them.
	want := map[string][]string{
		"credential-access/T1110.001": {"Brute force against one account"},
		"credential-access/T1110.003": {"Password spray from one address"},
		"initial-access/T1078":        {"Role changes after failed portal sign-ins"},
		"privilege-escalation/T1078":  {"Role changes after failed portal sign-ins"},
	}
	if diff := cmp.Diff(want, cells); diff != "" {
		t.Errorf("coverage cells (-want +got):\n%s", diff)
	}
	data, err := cov.NavigatorLayer("socfeed", "test")
	if err != nil {
		t.Fatal(err)
	}
	var layer struct {
		Versions   map[string]string `json:"versions"`
		Domain     string            `json:"domain"`
		Techniques []struct {
			TechniqueID string `json:"techniqueID"`
			Tactic      string `json:"tactic"`
			Score       int    `json:"score"`
			Comment     string `json:"comment"`
		} `json:"techniques"`
	}
	if err := json.Unmarshal(data, &layer); err != nil {
		t.Fatal(err)
	}
	if layer.Versions["layer"] != "4.5" || layer.Domain != "enterprise-attack" || len(layer.Techniques) != 4 {
		t.Fatalf("layer = %s", data)
	}
	for _, te := range layer.Techniques {
		if te.Score != 1 || !strings.HasPrefix(te.Comment, "1 rule(s): ") || te.Tactic == "" {
			t.Errorf("layer technique = %+v", te)
		}
	}
}

func TestReadiness(t *testing.T) {
	cat, src := testCatalog(t)
	loaded := map[string]LoadedTable{
		"SigninLogs": {Rows: 100, Columns: []string{"TimeGenerated", "ResultType", "UserPrincipalName", "IPAddress", "AppDisplayName"}},
		"AuditLogs":  {Rows: 0},
	}
	rr, err := cat.Readiness(context.Background(), loaded)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Readiness{}
	for _, r := range rr {
		got[strings.TrimPrefix(r.Key, src.ID()+":")] = r.Readiness
	}
	if !got["spray.yaml"].Ready || !got["brute.yaml"].Ready {
		t.Errorf("SigninLogs rules not ready: %+v", got)
	}
	want := Readiness{Tables: []TableReadiness{
		{Table: "SigninLogs", State: TablePresent, Rows: 100, Present: []string{"IPAddress", "ResultType", "UserPrincipalName"}},
		{Table: "AuditLogs", State: TableEmpty, Present: []string{"Category", "InitiatedBy"}},
	}}
	if diff := cmp.Diff(want, got["hunt.yaml"]); diff != "" {
		t.Errorf("hunt readiness (-want +got):\n%s", diff)
	}
	a := &Analysis{Tables: []TableUse{{Name: "SigninLogs", Columns: []string{"ResultType", "RiskLevelDuringSignIn"}}, {Name: "OfficeActivity", Columns: []string{"Operation"}}}}
	r := CheckReadiness(a, loaded)
	want = Readiness{Tables: []TableReadiness{
		{Table: "SigninLogs", State: TablePresent, Rows: 100, Present: []string{"ResultType"}, Missing: []string{"RiskLevelDuringSignIn"}},
		{Table: "OfficeActivity", State: TableMissing, Missing: []string{"Operation"}},
	}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("readiness (-want +got):\n%s", diff)
	}
}
