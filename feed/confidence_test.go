package feed

import (
	"testing"
	"time"
)

func TestAssess(t *testing.T) {
	ok := &Analysis{Parsed: true, Checked: true, Tables: []TableUse{{Name: "SigninLogs", Known: true}}}
	unknownTable := &Analysis{Parsed: true, Checked: true, Tables: []TableUse{{Name: "MyCustom_CL"}}}
	badCheck := &Analysis{Parsed: true, Checked: true, CheckErrors: []string{"3:5: unknown column 'X'"}}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fired := RunEvidence{Data: "s", Rows: 10, Findings: 2, Scenario: "spray", At: at}
	missed := RunEvidence{Data: "s", Rows: 10, Scenario: "spray", At: at.Add(time.Hour)}
	quiet := RunEvidence{Data: "b", Rows: 10, Benign: true, At: at}
	noisy := RunEvidence{Data: "b", Rows: 10, Findings: 7, Benign: true, At: at.Add(time.Hour)}
	failed := RunEvidence{Data: "b", Err: "out of memory", At: at.Add(2 * time.Hour)}
	tests := []struct {
		name string
		a    *Analysis
		test string
		runs []RunEvidence
		want Level
	}{
		{"no query", nil, "", nil, Unknown},
		{"parse error", &Analysis{ParseErrors: []string{"1:1: x"}}, "", nil, Low},
		{"check error", badCheck, "", nil, Low},
		{"static only", ok, "", nil, Medium},
		{"static with test", ok, "r.test.yaml", nil, Medium},
		{"unknown table", unknownTable, "", nil, Unknown},
		{"unknown table, proven on data", unknownTable, "", []RunEvidence{fired}, Medium},
		{"fired and quiet", ok, "", []RunEvidence{fired, quiet}, High},
		{"fired only", ok, "", []RunEvidence{fired}, Medium},
		{"latest scenario run missed", ok, "", []RunEvidence{fired, missed, quiet}, Low},
		{"noisy baseline", ok, "", []RunEvidence{fired, quiet, noisy}, Low},
		{"last run failed", ok, "", []RunEvidence{fired, quiet, failed}, Low},
	}
	for _, tt := range tests {
		c := Assess(tt.a, tt.test, tt.runs)
		if c.Level != tt.want {
			t.Errorf("%s: level %s, want %s\n%s", tt.name, c.Level, tt.want, c.Reasons())
		}
		if len(c.Evidence) == 0 {
			t.Errorf("%s: no evidence behind the level", tt.name)
		}
		for _, e := range c.Evidence {
			if e.Sentence == "" || (e.Status != Pass && e.Status != Fail && e.Status != None) {
				t.Errorf("%s: bad evidence item %+v", tt.name, e)
			}
		}
	}
}
