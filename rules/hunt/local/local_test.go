package local

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
)

// at parses an RFC 3339 time for tests.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fired summarizes findings as "window end: row count".
func fired(fs []hunt.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s: %d", f.Window.End.Format("15:04"), len(f.Rows)))
	}
	return out
}

// queryErrors returns the *hunt.QueryError values in err, looking through joined errors.
func queryErrors(err error) []*hunt.QueryError {
	var out []*hunt.QueryError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, queryErrors(e)...)
		}
		return out
	}
	var qe *hunt.QueryError
	if errors.As(err, &qe) {
		out = append(out, qe)
	}
	return out
}

// localSignins opens an Engine over a few SigninLogs rows, through the log loader.
func localSignins(t *testing.T) hunt.Engine {
	t.Helper()
	rows := `{"TimeGenerated":"2024-05-01T10:00:00Z","UserPrincipalName":"alice@contoso.com","IPAddress":"10.0.0.1","ResultType":"50126"}
{"TimeGenerated":"2024-05-01T10:20:00Z","UserPrincipalName":"bob@contoso.com","IPAddress":"10.0.0.1","ResultType":"50126"}
{"TimeGenerated":"2024-05-01T11:30:00Z","UserPrincipalName":"carol@contoso.com","IPAddress":"10.0.0.2","ResultType":"0"}
`
	eng, err := Opener(OpenerOptions{})(context.Background(), hunt.TestInput{Tables: []hunt.TestTable{{Name: "SigninLogs", JSONLines: []byte(rows)}}})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func TestLocalQuery(t *testing.T) {
	eng := localSignins(t)
	ctx := context.Background()
	first, last, ok, err := hunt.DataSpan(ctx, eng)
	if err != nil || !ok || !first.Equal(at("2024-05-01T10:00:00Z")) || !last.Equal(at("2024-05-01T11:30:00Z")) {
		t.Fatalf("DataSpan = %v, %v, %v, %v", first, last, ok, err)
	}
	q := "SigninLogs | where TimeGenerated between (ago(1h) .. now()) | project UserPrincipalName"
	users := func(q string, now time.Time, w hunt.Window) []string {
		t.Helper()
		tab, err := eng.Query(ctx, q, now, w)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range tab.Rows {
			out = append(out, r[0].String())
		}
		return out
	}
	if diff := cmp.Diff([]string{"alice@contoso.com", "bob@contoso.com"}, users(q, at("2024-05-01T10:30:00Z"), hunt.Window{})); diff != "" {
		t.Errorf("ago(1h) as of 10:30 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"carol@contoso.com"}, users(q, at("2024-05-01T12:00:00Z"), hunt.Window{})); diff != "" {
		t.Errorf("ago(1h) as of 12:00 (-want +got):\n%s", diff)
	}
	// The window limits the rows before the query sees them: (10:00, 12:00] drops alice.
	w := hunt.Window{Start: at("2024-05-01T10:00:00Z"), End: at("2024-05-01T12:00:00Z")}
	if diff := cmp.Diff([]string{"bob@contoso.com", "carol@contoso.com"}, users("SigninLogs | project UserPrincipalName", w.End, w)); diff != "" {
		t.Errorf("windowed (-want +got):\n%s", diff)
	}
	// A table the export lacks scans as empty.
	tab, err := eng.Query(ctx, "AuditLogs | count", last, hunt.Window{})
	if err != nil || len(tab.Rows) != 1 || tab.Rows[0][0].I != 0 {
		t.Errorf("count of a table without data = %v, %v", tab, err)
	}
}

func TestLocalQueryErrors(t *testing.T) {
	eng := localSignins(t)
	for _, q := range []string{"SigninLogs | where Nope == 1", "SigninLogs | where (", "SigninLogs | summarize count() by"} {
		_, err := eng.Query(context.Background(), q, time.Now(), hunt.Window{})
		qes := queryErrors(err)
		if len(qes) == 0 {
			t.Errorf("Query(%q) err = %v, want a QueryError", q, err)
			continue
		}
		if qes[0].Offset < strings.Index(q, "|") {
			t.Errorf("Query(%q) error at offset %d (%s), want one after the pipe", q, qes[0].Offset, qes[0].Msg)
		}
	}
}

const sprayRule = `id: 11111111-2222-3333-4444-555555555555
name: Spray from {{IPAddress}}
severity: High
queryFrequency: 30m
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: [CredentialAccess]
relevantTechniques: [T1110.003]
query: |
  SigninLogs
  | where ResultType == "50126"
  | summarize Users = dcount(UserPrincipalName), Accounts = make_set(UserPrincipalName) by IPAddress
  | where Users >= 2
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: IPAddress
customDetails:
  Users: Users
`

func TestLocalReplay(t *testing.T) {
	r, ds := rules.Loader{}.Load("spray.yaml", []byte(sprayRule))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	res, err := hunt.Run(context.Background(), localSignins(t), []*rules.Rule{r}, hunt.Options{Replay: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 {
		t.Fatalf("failures: %v", res.Failures)
	}
	// Runs end at 10:00, 10:30, 11:00 and 11:30; both failures are seen by the runs
	// ending 10:30 and 11:00 (alice at 10:00 is outside (10:00, 11:00] of the 11:00 run).
	if diff := cmp.Diff([]string{"10:30: 1"}, fired(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.Findings) == 1 {
		f := res.Findings[0]
		if diff := cmp.Diff([]hunt.Entity{{Type: "IP", Identifiers: []hunt.Identifier{{Name: "Address", Value: "10.0.0.1"}}}}, f.Entities); diff != "" {
			t.Errorf("entities (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]hunt.Detail{{Key: "Users", Values: []string{"2"}}}, f.CustomDetails); diff != "" {
			t.Errorf("custom details (-want +got):\n%s", diff)
		}
	}
}

func TestLocalRuleErrorPosition(t *testing.T) {
	bad := strings.Replace(sprayRule, "ResultType ==", "ResultTyp ==", 1)
	r, _ := rules.Loader{}.Load("spray.yaml", []byte(bad))
	res, err := hunt.Run(context.Background(), localSignins(t), []*rules.Rule{r}, hunt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 {
		t.Fatalf("failures = %v, want one", res.Failures)
	}
	d := res.Failures[0].Diagnostics[0]
	if d.File != "spray.yaml" || d.Line != 12 || d.Col != 11 {
		t.Errorf("failure at %s, want spray.yaml:12:11", d)
	}
}

func TestLocalOpenerRejects(t *testing.T) {
	_, err := Opener(OpenerOptions{})(context.Background(), hunt.TestInput{Tables: []hunt.TestTable{{Name: "SigninLogs", JSONLines: []byte("{\"TimeGenerated\": \"not a time\"}\n")}}})
	if err == nil || !strings.Contains(err.Error(), "table SigninLogs, row 1") {
		t.Errorf("Opener of a bad row: err = %v", err)
	}
	// Bad test data is not an error in the rule's query.
	var qe *hunt.QueryError
	if errors.As(err, &qe) {
		t.Errorf("Opener of a bad row: err = %v is a *hunt.QueryError", err)
	}
}

func TestRuleTestsLocal(t *testing.T) {
	files, err := hunt.FindTests([]string{"../testdata/ruletest", "testdata/ruletest-local"})
	if err != nil {
		t.Fatal(err)
	}
	results := hunt.RunTests(context.Background(), files, Opener(OpenerOptions{}), rules.Loader{})
	var b strings.Builder
	if n := hunt.WriteTestReport(&b, results); n != 0 || len(results) != 12 {
		t.Errorf("%d of %d test(s) failed:\n%s", n, len(results), b.String())
	}
}
