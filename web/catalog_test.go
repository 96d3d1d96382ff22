package web

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt/local"
)

// testCatalog is a [Catalog] over a few rules held in memory, for driving the server in
// tests without the feed database.
type testCatalog struct {
	rules   []*RuleDetail
	history map[string][]Version
	attack  *attack.Catalog

	mu    sync.Mutex
	fired map[string]bool // rules a recorded run fired
}

func (c *testCatalog) facetValues(r *RuleDetail, facet string) []string {
	switch facet {
	case FacetLanguage:
		return []string{r.Language}
	case FacetSeverity:
		return []string{r.Severity}
	case FacetSource:
		return []string{r.Source}
	case FacetKind:
		return []string{r.Kind}
	case FacetTactic:
		return r.Tactics
	case FacetTechnique:
		return r.Techniques
	case FacetTable:
		return r.Tables
	case FacetStatus:
		return []string{r.Status}
	case FacetConfidence:
		return []string{r.Confidence}
	}
	return nil
}

func (c *testCatalog) Search(ctx context.Context, q Query) (*SearchResult, error) {
	// matches reports whether r matches the text and every filter but skip's, so that
	// facet counts let the user widen a choice, as the feed's do.
	text := strings.ToLower(q.Text)
	matches := func(r *RuleDetail, skip string) bool {
		if text != "" && !strings.Contains(strings.ToLower(r.Name+" "+r.Description+" "+r.Query), text) {
			return false
		}
		for f, vals := range q.Filters {
			if f != skip && !slices.ContainsFunc(c.facetValues(r, f), func(v string) bool { return slices.Contains(vals, v) }) {
				return false
			}
		}
		return true
	}
	var hits []*RuleDetail
	for _, r := range c.rules {
		if matches(r, "") {
			hits = append(hits, r)
		}
	}
	switch q.Sort {
	case SortName, SortRelevance, "":
		sort.Slice(hits, func(i, j int) bool { return hits[i].Name < hits[j].Name })
	case SortSeverity:
		rank := map[string]int{"High": 0, "Medium": 1, "Low": 2}
		sort.Slice(hits, func(i, j int) bool { return rank[hits[i].Severity] < rank[hits[j].Severity] })
	}
	res := &SearchResult{Total: len(hits)}
	for _, f := range FacetNames() {
		counts := map[string]int{}
		for _, r := range c.rules {
			if !matches(r, f) {
				continue
			}
			for _, v := range c.facetValues(r, f) {
				if v != "" {
					counts[v]++
				}
			}
		}
		fc := Facet{Name: f}
		for v, n := range counts {
			fc.Values = append(fc.Values, FacetValue{v, n})
		}
		sort.Slice(fc.Values, func(i, j int) bool { return fc.Values[i].Value < fc.Values[j].Value })
		res.Facets = append(res.Facets, fc)
	}
	from, to := 0, len(hits)
	if q.PerPage > 0 {
		from = min((q.Page-1)*q.PerPage, len(hits))
		if q.Offset > 0 {
			from = min(q.Offset, len(hits))
		}
		to = min(from+q.PerPage, len(hits))
	}
	for _, r := range hits[from:to] {
		res.Rules = append(res.Rules, r.RuleSummary)
	}
	return res, nil
}

func (c *testCatalog) Rule(ctx context.Context, id string) (*RuleDetail, error) {
	for _, r := range c.rules {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, notFound("no rule %q", id)
}

func (c *testCatalog) History(ctx context.Context, id string) ([]Version, error) {
	return c.history[id], nil
}

func (c *testCatalog) CoverageRules(ctx context.Context) ([]CoverageRule, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []CoverageRule
	for _, r := range c.rules {
		out = append(out, CoverageRule{ID: r.ID, Name: r.Name, Source: r.Source, Severity: r.Severity,
			Techniques: r.Techniques, Tables: r.Tables, Fired: c.fired[r.ID]})
	}
	return out, nil
}

// RecordRun implements [RunRecorder]: a run with findings marks the rule fired.
func (c *testCatalog) RecordRun(ctx context.Context, id string, run RunRecord) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if run.Err == "" && run.Findings > 0 {
		c.fired[id] = true
	}
	return nil
}

// Rule files of the test catalog.
const (
	sprayID   = "11111111-2222-3333-4444-555555555555"
	sprayYAML = `id: 11111111-2222-3333-4444-555555555555
name: Password spray from one IP
description: Many failed sign-ins from one address.
severity: High
queryFrequency: 1d
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
tactics:
  - CredentialAccess
relevantTechniques:
  - T1110
query: |
  SigninLogs
  | where ResultType == "50126"
  | summarize Attempts = count() by IPAddress
  | where Attempts >= 3
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: IPAddress
`
	xssID   = "22222222-2222-3333-4444-555555555555"
	xssYAML = `id: 22222222-2222-3333-4444-555555555555
name: <script>alert(1)</script> role changes
description: Role changes by <b>admins</b>.
tactics:
  - Persistence
relevantTechniques:
  - T1098
query: |
  AuditLogs
  | where OperationName has_any ("Add member to role")
`
	brokenID   = "33333333-2222-3333-4444-555555555555"
	brokenYAML = `id: 33333333-2222-3333-4444-555555555555
name: Broken column
severity: Low
query: |
  SigninLogs
  | where NoSuchColumn == 1
`
)

// testRule loads a rule file and describes it as a catalog would.
func testRule(t *testing.T, yaml, severity string) *RuleDetail {
	t.Helper()
	r, ds := rules.Loader{}.Load("rule.yaml", []byte(yaml))
	if ds.HasErrors() {
		t.Fatalf("loading test rule: %v", ds)
	}
	table := strings.TrimSpace(strings.SplitN(r.Query, "\n", 2)[0])
	d := &RuleDetail{
		RuleSummary: RuleSummary{ID: r.ID, Name: r.Name, Description: r.Description, Language: "kql",
			Severity: severity, Source: "Azure-Sentinel", Kind: r.Kind.String(), Status: "Available",
			Tactics: r.Tactics, Techniques: r.RelevantTechniques, Tables: []string{table}, Confidence: "medium",
			Retrieved: time.Date(2026, 6, 3, 23, 0, 0, 0, time.UTC), Tags: []string{"official"}},
		Rule: r, Query: r.Query, YAML: yaml,
		OriginalURL:    "https://github.com/Azure/Azure-Sentinel/blob/main/Detections/" + r.ID + ".yaml",
		Hypothesis:     "An adversary may be guessing passwords for many accounts from one address.",
		FalsePositives: []string{"A misconfigured service retrying with an old password."},
		References:     []string{"https://attack.mitre.org/techniques/T1110/", "not a url <i>x</i>"},
		Evidence:       []Evidence{{Name: "parses", Status: "pass"}, {Name: "ran on data", Status: "unknown", Detail: "never run"}},
		DataSources:    []DataSource{{Table: table, Connectors: []string{"AzureActiveDirectory"}}},
	}
	for _, id := range r.RelevantTechniques {
		tech, _ := attack.Default().Technique(id)
		d.AttackContext = append(d.AttackContext, TechniqueInfo{ID: id, Name: tech.Name, URL: tech.URL, Tactics: tech.Tactics})
	}
	return d
}

func newTestCatalog(t *testing.T) *testCatalog {
	return &testCatalog{
		rules: []*RuleDetail{testRule(t, sprayYAML, "High"), testRule(t, xssYAML, "Medium"), testRule(t, brokenYAML, "Low")},
		history: map[string][]Version{sprayID: {
			{Number: 2, Commit: "abcdef0123456789", Time: time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC), Summary: "query changed",
				Diff: "--- v1\n+++ v2\n@@ -1,2 +1,2 @@\n SigninLogs\n-| where ResultType == \"50053\"\n+| where ResultType == \"50126\"\n"},
			{Number: 1, Commit: "0123456789abcdef", Time: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
		}},
		attack: attack.Default(),
		fired:  map[string]bool{},
	}
}

// signinRows are sign-ins: four failures from 10.0.0.9 (a spray) and one from 10.0.0.1.
const signinRows = `{"TimeGenerated":"2024-05-01T08:00:00Z","ResultType":"50126","IPAddress":"10.0.0.9","UserPrincipalName":"a@x.com"}
{"TimeGenerated":"2024-05-01T08:01:00Z","ResultType":"50126","IPAddress":"10.0.0.9","UserPrincipalName":"b@x.com"}
{"TimeGenerated":"2024-05-01T08:02:00Z","ResultType":"50126","IPAddress":"10.0.0.9","UserPrincipalName":"c@x.com"}
{"TimeGenerated":"2024-05-01T08:03:00Z","ResultType":"50126","IPAddress":"10.0.0.9","UserPrincipalName":"d@x.com"}
{"TimeGenerated":"2024-05-01T09:00:00Z","ResultType":"50126","IPAddress":"10.0.0.1","UserPrincipalName":"e@x.com"}
{"TimeGenerated":"2024-05-01T10:00:00Z","ResultType":"0","IPAddress":"10.0.0.1","UserPrincipalName":"e@x.com"}
`

// badSigninRow is a record of signinRows' file that the loader rejects (line 7).
const badSigninRow = `{"TimeGenerated":"2024-05-01T11:00:00Z","ResultType":` + "\n"

// testData loads signinRows (and badSigninRow, which the loader rejects) as the
// SigninLogs table with package logs.
func testData(t *testing.T) *Data {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "SigninLogs.jsonl")
	if err := os.WriteFile(p, []byte(signinRows+badSigninRow), 0o600); err != nil {
		t.Fatal(err)
	}
	ds, rep, err := logs.Load(context.Background(), []string{p}, logs.Options{Workers: 1})
	if err != nil {
		t.Fatalf("loading test data: %v", err)
	}
	if len(rep.Rejected) != 1 || rep.Rejected[0].Line != 7 {
		t.Fatalf("test data rejected %v, want line 7", rep.Rejected)
	}
	return &Data{Tables: ds.Tables, Paths: []string{p}, Report: rep}
}

// newTestServer returns a server over the test catalog, with the test data loaded when
// withData is set.
func newTestServer(t *testing.T, withData bool) *Server {
	t.Helper()
	cfg := Config{Catalog: newTestCatalog(t)}
	if withData {
		cfg.Data = testData(t)
		cfg.Runner = NewHuntRunner(local.New(cfg.Data.Tables, nil, nil))
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
