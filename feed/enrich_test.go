package feed

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/rules"
)

func load(t *testing.T, name, text string) *rules.Rule {
	t.Helper()
	r, ds := rules.Loader{}.Load(name, []byte(text))
	if ds.HasErrors() || r == nil {
		t.Fatalf("loading %s: %v", name, ds)
	}
	return r
}

func TestAnalyzeSpray(t *testing.T) {
	r := load(t, "spray.yaml", sprayRule)
	a := Analyze(r, []byte(sprayRule), testEnv())
	if !a.Parsed || !a.Checked || len(a.CheckErrors) > 0 {
		t.Fatalf("parsed %v checked %v errors %v %v", a.Parsed, a.Checked, a.ParseErrors, a.CheckErrors)
	}
	wantTables := []TableUse{{Name: "SigninLogs", Known: true, Columns: []string{"AppDisplayName", "IPAddress", "ResultType", "TimeGenerated", "UserPrincipalName"}}}
	if diff := cmp.Diff(wantTables, a.Tables); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	wantFilters := []Filter{
		{Table: "SigninLogs", Column: "ResultType", Op: "==", Values: []string{"50126"}, Text: `ResultType == "50126"`},
		{Table: "SigninLogs", Column: "AppDisplayName", Op: "in", Values: []string{"Azure Portal", "Office 365"}, Text: `AppDisplayName in ("Azure Portal", "Office 365")`},
	}
	if diff := cmp.Diff(wantFilters, a.Filters); diff != "" {
		t.Errorf("filters (-want +got):\n%s", diff)
	}
	wantThresholds := []Threshold{
		{Subject: "result count", Op: "gt", Value: "0", Text: "alert when the result count is gt 0"},
		{Subject: "Accounts", Op: ">", Value: "5", Text: "Accounts > threshold"},
	}
	if diff := cmp.Diff(wantThresholds, a.Thresholds); diff != "" {
		t.Errorf("thresholds (-want +got):\n%s", diff)
	}
	wantWindows := []TimeWindow{
		{Role: "queryFrequency", Text: "1h", Duration: time.Hour},
		{Role: "queryPeriod", Text: "1d", Duration: 24 * time.Hour},
		{Role: "ago", Text: "ago(1d)", Duration: 24 * time.Hour},
		{Role: "bin", Text: "bin(TimeGenerated, 1h)", Duration: time.Hour},
	}
	if diff := cmp.Diff(wantWindows, a.TimeWindows); diff != "" {
		t.Errorf("time windows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Entity{{Type: "IP", Columns: []string{"IPAddress"}, From: "entityMappings"}}, a.Entities); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if len(a.ATTACK.Techniques) != 1 || a.ATTACK.Techniques[0].ID != "T1110.003" || a.ATTACK.Techniques[0].ParentName != "Brute Force" ||
		a.ATTACK.Techniques[0].Name != "Password Spraying" || len(a.ATTACK.Tactics) != 1 || a.ATTACK.Tactics[0].ID != "TA0006" {
		t.Errorf("ATT&CK context = %+v", a.ATTACK)
	}
	if diff := cmp.Diff([]string{"https://learn.microsoft.com/en-us/entra/identity/authentication/concept-password-spray"}, a.References); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

func TestAnalyzeJoin(t *testing.T) {
	r := load(t, "hunt.yaml", huntRule)
	a := Analyze(r, nil, testEnv())
	want := []Join{{Operator: "join", Kind: "inner", Left: []string{"SigninLogs"}, Right: []string{"AuditLogs"},
		Keys: []JoinKey{{Left: "UserPrincipalName", Right: "InitiatedByUpn"}}}}
	if diff := cmp.Diff(want, a.Joins); diff != "" {
		t.Errorf("joins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"SigninLogs", "AuditLogs"}, a.TableNames()); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Entity{{Type: "Account", Columns: []string{"AccountCustomEntity"}, From: "customEntity"}}, a.Entities); diff != "" {
		t.Errorf("legacy entities (-want +got):\n%s", diff)
	}
	if got := a.Tables[1].Columns; !cmp.Equal(got, []string{"Category", "InitiatedBy"}) {
		t.Errorf("AuditLogs columns = %v", got)
	}
}

func TestAnalyzeQueries(t *testing.T) {
	tests := []struct {
		query   string
		filters []string // Filter.Text
		tables  []string
		joins   []string // Kind
		windows []string // Role:Text
	}{
		{query: `let lookback = 14d; AuditLogs | where TimeGenerated > ago(lookback) | where OperationName has "Add member" and not(Result == "failure")`,
			filters: []string{`OperationName has "Add member"`, `not(Result == "failure")`}, tables: []string{"AuditLogs"},
			windows: []string{"let:lookback = 14d", "ago:ago(lookback)"}},
		{query: `let codes = dynamic(["50053", "50126"]); SigninLogs | where ResultType in (codes) | where isnotempty(IPAddress)`,
			filters: []string{`ResultType in (codes)`, `isnotempty(IPAddress)`}, tables: []string{"SigninLogs"}},
		{query: `union SigninLogs, AADNonInteractiveUserSignInLogs | where tostring(DeviceDetail.operatingSystem) =~ "linux" | lookup (AuditLogs | project Id) on Id`,
			filters: []string{`tostring(DeviceDetail.operatingSystem) =~ "linux"`}, tables: []string{"SigninLogs", "AADNonInteractiveUserSignInLogs", "AuditLogs"},
			joins: []string{"leftouter"}},
		{query: `let f = (t:string) { table(t) | where ResultType == "0" }; f("SigninLogs") | join (AuditLogs) on CorrelationId | summarize count() by bin(TimeGenerated, 5m)`,
			filters: []string{`ResultType == "0"`}, tables: []string{"SigninLogs", "AuditLogs"}, joins: []string{"innerunique"}, windows: []string{"bin:bin(TimeGenerated, 5m)"}},
		{query: `SigninLogs | where `, tables: []string{"SigninLogs"}},
	}
	for _, tt := range tests {
		r := &rules.Rule{File: "q.kql", Kind: rules.KindHunting, Query: tt.query}
		a := Analyze(r, nil, testEnv())
		var filters, joins, windows []string
		for _, f := range a.Filters {
			filters = append(filters, f.Text)
		}
		for _, j := range a.Joins {
			joins = append(joins, j.Kind)
		}
		for _, w := range a.TimeWindows {
			windows = append(windows, w.Role+":"+w.Text)
		}
		got := []any{filters, a.TableNames(), joins, windows}
		want := []any{tt.filters, tt.tables, tt.joins, tt.windows}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Analyze(%q) (-want +got):\n%s", tt.query, diff)
		}
	}
}

func TestAnalyzeParseError(t *testing.T) {
	r := load(t, "spray.yaml", strings.Replace(sprayRule, `| where ResultType == "50126"`, `| where ResultType == `, 1))
	a := Analyze(r, nil, testEnv())
	if a.Parsed || len(a.ParseErrors) == 0 {
		t.Fatalf("broken query parsed: %+v", a)
	}
	// The error points into the YAML file, not the query text.
	// The query's where-clause ends at line 24; the parser finds the next '|' at 25:3.
	if !strings.HasPrefix(a.ParseErrors[0], "25:3: ") {
		t.Errorf("parse error %q is not at the query's line in the file", a.ParseErrors[0])
	}
	c := Assess(a, "", nil)
	if c.Level != Low || c.Evidence[0].Status != Fail {
		t.Errorf("confidence of a broken query = %+v", c)
	}
}

func TestCompose(t *testing.T) {
	r := load(t, "spray.yaml", sprayRule)
	a := Analyze(r, nil, testEnv())
	e := Compose(r, a)
	for _, n := range []Narrative{e.Hypothesis, e.FalsePositives} {
		if !n.Generated || n.GeneratedBy != TemplateVersion {
			t.Errorf("narrative not marked generated: %+v", n)
		}
	}
	for _, want := range []string{"Brute Force: Password Spraying (T1110.003)", "Credential Access", "SigninLogs rows", "`ResultType == \"50126\"`", "`Accounts > threshold`", "the last 1d", "IP"} {
		if !strings.Contains(e.Hypothesis.Text, want) {
			t.Errorf("hypothesis lacks %q:\n%s", want, e.Hypothesis.Text)
		}
	}
	for _, want := range []string{"`ResultType == \"50126\"`", "threshold `Accounts > threshold`", "bin(TimeGenerated, 1h)"} {
		if !strings.Contains(e.FalsePositives.Text, want) {
			t.Errorf("false-positive guidance lacks %q:\n%s", want, e.FalsePositives.Text)
		}
	}
	h := Compose(load(t, "hunt.yaml", huntRule), Analyze(load(t, "hunt.yaml", huntRule), nil, testEnv()))
	if !strings.Contains(h.Hypothesis.Text, "correlates them with AuditLogs rows on UserPrincipalName = InitiatedByUpn (join inner)") {
		t.Errorf("hypothesis lacks the join:\n%s", h.Hypothesis.Text)
	}
}

func TestAnalyzeWrittenFor(t *testing.T) {
	text := sprayRule + "mitreVersion: v14.1\n"
	r, _ := rules.Loader{}.Load("spray.yaml", []byte(text))
	if got := Analyze(r, []byte(text), testEnv()).ATTACK; got.WrittenFor != "14.1" || got.Version == "" {
		t.Errorf("ATT&CK versions = %q written for, %q catalog; want 14.1 and the catalog's", got.WrittenFor, got.Version)
	}
	if got := Analyze(r, []byte(sprayRule), testEnv()).ATTACK.WrittenFor; got != "" {
		t.Errorf("WrittenFor without a version key = %q", got)
	}
}

// TestAnalyzeStoredFunctions: the tables a stored function reads are the rule's, so a
// rule calling _GetWatchlist needs the Watchlist table.
func TestAnalyzeStoredFunctions(t *testing.T) {
	r := load(t, "vip.yaml", `id: 7d0c2a8e-9b61-4d1e-8c57-2a4b6d8e0f13
name: VIP sign-in
description: A VIP signs in.
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  let vips = _GetWatchlist('VIPUsers') | project SearchKey;
  SigninLogs | where UserPrincipalName in (vips)
`)
	env := testEnv()
	env.Check.Functions = stored.Builtin().Lets()
	a := Analyze(r, nil, env)
	if diff := cmp.Diff([]string{"Watchlist", "SigninLogs"}, a.TableNames(), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}
