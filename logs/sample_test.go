package logs

import (
	"context"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/types"
)

func TestLoadAzureSentinelSamples(t *testing.T) {
	dir := sharedtest.Dir(t, "sample-data", "azure-sentinel")
	ds, rep, err := Load(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rejected {
		t.Errorf("rejected: %v", r)
	}
	for _, w := range rep.Warnings {
		t.Logf("warning: %s", w)
	}
	t.Logf("rows: %v derived: %v", rep.Rows, rep.Derived)
	// Row counts from SOURCE.md: sign-in_adelete 56 + disable_accounts 4 SigninLogs rows,
	// 5 AuditLogs rows, and one query-output row in signinLogs.csv.
	want := map[string]int{"SigninLogs": 60, "AuditLogs": 5, "signinLogs": 1}
	for name, n := range want {
		if got := rep.Rows[name]; got != n {
			t.Errorf("Rows[%q] = %d, want %d", name, got, n)
		}
	}
	if len(rep.Rows) != len(want) {
		t.Errorf("tables = %v, want %v", ds.Names(), want)
	}
	sl, _ := ds.Table("SigninLogs")
	// Files load in name order: disable_accounts.csv (4 rows, no CreatedDateTime column),
	// then sign-in_adelete.csv.
	if len(sl.Batches) != 2 || sl.Batches[0].Len != 4 {
		t.Fatalf("SigninLogs batches = %d, first has %d rows; want 2 batches, 4 rows first", len(sl.Batches), sl.Batches[0].Len)
	}
	if !sl.Batches[0].Column("TimeGenerated").IsNull(0) {
		t.Errorf("disable_accounts.csv TimeGenerated = %v, want null", sl.Batches[0].Column("TimeGenerated").Value(0))
	}
	first := sl.Batches[1]
	for _, c := range []struct{ col, want string }{
		{"ResultType", "0"},
		{"UserPrincipalName", "adelev@m365x816222.onmicrosoft.com"},
		{"LocationDetails", `{"countryOrRegion":"IL","geoCoordinates":{"longitude":34.79964828491211,"latitude":32.02956008911133},"state":"Tel Aviv","city":"Azor"}`},
		{"CreatedDateTime", "2021-04-28T14:08:45.221Z"},
		{"TimeGenerated", "2021-04-28T14:08:45.221Z"},
		{"IsInteractive", "true"},
		{"Type", "SigninLogs"},
	} {
		v := first.Column(c.col).Value(0)
		got := v.S
		switch v.Type.String() {
		case "datetime":
			got = types.TimeFromTicks(v.I).Format(time.RFC3339Nano)
		case "bool":
			got = map[bool]string{true: "true", false: "false"}[v.Bool()]
		}
		if got != c.want {
			t.Errorf("SigninLogs %s = %q, want %q", c.col, got, c.want)
		}
	}
	q, _ := ds.Table("signinLogs")
	if i := q.Index("StartTime"); i < 0 || q.Schema[i].Type.String() != "datetime" {
		t.Errorf("signinLogs StartTime: schema %v, want a datetime column", q.Schema)
	}
}
