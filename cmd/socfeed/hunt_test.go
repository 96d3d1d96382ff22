package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const huntSignins = `{"TimeGenerated":"2024-05-01T10:00:00Z","UserPrincipalName":"alice@contoso.com","IPAddress":"10.0.0.1","ResultType":"50126"}
{"TimeGenerated":"2024-05-01T10:20:00Z","UserPrincipalName":"bob@contoso.com","IPAddress":"10.0.0.1","ResultType":"50126"}
{"TimeGenerated":"2024-05-01T11:30:00Z","UserPrincipalName":"carol@contoso.com","IPAddress":"10.0.0.2","ResultType":"0"}
`

const huntRule = `id: 11111111-2222-3333-4444-555555555555
name: Failed sign-in
severity: High
queryFrequency: 30m
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: [CredentialAccess]
relevantTechniques: [T1110]
query: |
  SigninLogs
  | where ResultType == "50126"
  | project TimeGenerated, UserPrincipalName, IPAddress
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: UserPrincipalName
eventGroupingSettings:
  aggregationKind: AlertPerResult
`

const huntBroken = `id: 21111111-2222-3333-4444-555555555555
name: Broken
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: []
relevantTechniques: []
query: |
  SigninLogs
  | where NoSuchColumn == 1
`

func TestHuntJSON(t *testing.T) {
	dir := writeFiles(t, map[string]string{"rules/spray.yaml": huntRule, "data/SigninLogs.jsonl": huntSignins})
	code, out, stderr := runCmd(t, "hunt", "--rules", filepath.Join(dir, "rules"), "--data", filepath.Join(dir, "data"), "--replay", "--format", "json")
	if code != exitOK {
		t.Fatalf("hunt = %d, stderr %q", code, stderr)
	}
	var doc struct {
		Findings []struct {
			Rule struct {
				ID, Name, Severity string
				Techniques         []string
			}
			Window   struct{ Start, End string }
			Rows     []map[string]any
			Entities []struct {
				Type        string
				Identifiers map[string]string
			}
		}
		Summary struct {
			Findings, Runs int
			Since, Until   string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	// Runs end at 10:00, 10:30, 11:00, 11:30 with a 1h lookback: alice is seen by the
	// first two, bob by the 10:30 and 11:00 runs.
	var got []string
	for _, f := range doc.Findings {
		got = append(got, f.Window.End+" "+f.Rows[0]["UserPrincipalName"].(string)+" "+f.Entities[0].Identifiers["FullName"])
	}
	want := []string{
		"2024-05-01T10:00:00Z alice@contoso.com alice@contoso.com",
		"2024-05-01T10:30:00Z alice@contoso.com alice@contoso.com",
		"2024-05-01T10:30:00Z bob@contoso.com bob@contoso.com",
		"2024-05-01T11:00:00Z bob@contoso.com bob@contoso.com",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
	if doc.Summary.Findings != 4 || doc.Summary.Runs != 4 || doc.Summary.Since != "2024-05-01T10:00:00Z" {
		t.Errorf("summary = %+v", doc.Summary)
	}
	if len(doc.Findings) > 0 && (doc.Findings[0].Rule.Severity != "High" || doc.Findings[0].Rule.Techniques[0] != "T1110") {
		t.Errorf("rule = %+v", doc.Findings[0].Rule)
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing when not a terminal", stderr)
	}
}

func TestHuntExitStatus(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"rules/spray.yaml":      huntRule,
		"rules/spray.test.yaml": "expect: {no_findings: true}\n",
		"broken/broken.yaml":    huntBroken,
		"data/SigninLogs.jsonl": huntSignins,
	})
	rulesDir, broken, data := filepath.Join(dir, "rules"), filepath.Join(dir, "broken"), filepath.Join(dir, "data")
	tests := []struct {
		name string
		args []string
		want int
		out  []string
	}{
		{"findings", []string{"--rules", rulesDir, "--data", data, "--as-of", "2024-05-01T10:30:00Z"}, exitOK, []string{"#1 [High] Failed sign-in", "Summary\n"}},
		{"fail on findings", []string{"--rules", rulesDir, "--data", data, "--replay", "--fail-on-findings"}, exitFindings, nil},
		{"no findings as of the end of the data", []string{"--rules", rulesDir, "--data", data, "--fail-on-findings"}, exitOK,
			[]string{"findings:   0\n"}},
		{"no findings as of an earlier time", []string{"--rules", rulesDir, "--data", data, "--as-of", "2024-05-01T09:00:00Z", "--fail-on-findings"}, exitOK,
			[]string{"findings:   0\n"}},
		{"a broken rule does not stop the others", []string{"--rules", rulesDir, broken, "--data", data, "--replay"}, exitError,
			[]string{"#1 [High] Failed sign-in", "rules that failed:\n    Broken\n", "broken.yaml:12:11: "}},
		{"csv", []string{"--rules=" + rulesDir, "--data=" + data, "--format", "csv"}, exitOK, []string{"rule_id,rule_name,"}},
		{"bad format", []string{"--rules", rulesDir, "--data", data, "--format", "xml"}, exitUsage, nil},
		{"bad time", []string{"--rules", rulesDir, "--data", data, "--as-of", "yesterday"}, exitUsage, nil},
		{"no data", []string{"--rules", rulesDir}, exitUsage, nil},
		{"stray argument", []string{"stray", "--rules", rulesDir, "--data", data}, exitUsage, nil},
		{"missing data", []string{"--rules", rulesDir, "--data", filepath.Join(dir, "nope")}, exitError, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, append([]string{"hunt"}, tt.args...)...)
			if code != tt.want {
				t.Errorf("hunt %v = %d, want %d; stderr %q", tt.args, code, tt.want, stderr)
			}
			for _, w := range tt.out {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestHuntProgress(t *testing.T) {
	dir := writeFiles(t, map[string]string{"rules/spray.yaml": huntRule, "data/SigninLogs.jsonl": huntSignins})
	args := []string{"hunt", "--rules", filepath.Join(dir, "rules"), "--data", filepath.Join(dir, "data"), "--replay"}
	_, _, stderr := runCmd(t, append(args, "--progress")...)
	if !strings.Contains(stderr, "\rrule 1/1 Failed sign-in: run 4/4, ") || !strings.HasSuffix(stderr, "\r") {
		t.Errorf("stderr with --progress = %q", stderr)
	}
	if _, _, stderr := runCmd(t, append(args, "--progress", "--no-progress")...); stderr != "" {
		t.Errorf("stderr with --no-progress = %q", stderr)
	}
}

func TestSplitListArgs(t *testing.T) {
	var rs, ds []string
	rest, stray := splitListArgs([]string{"--rules", "a", "b", "--as-of", "T", "--data=d1", "d2", "--replay", "x", "-data", "d3"},
		map[string]*[]string{"rules": &rs, "data": &ds}, map[string]bool{"as-of": true})
	if !reflect.DeepEqual(rs, []string{"a", "b"}) || !reflect.DeepEqual(ds, []string{"d1", "d2", "d3"}) ||
		!reflect.DeepEqual(rest, []string{"--as-of", "T", "--replay"}) || !reflect.DeepEqual(stray, []string{"x"}) {
		t.Errorf("splitListArgs = rules %q data %q rest %q stray %q", rs, ds, rest, stray)
	}
}
