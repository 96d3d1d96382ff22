package exec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/schema"
)

// The planner needs no column of a join that only counts: the second case reads
// neither OperationName nor IPAddress.
func TestNeededColumns(t *testing.T) {
	cat := schema.Default()
	for _, tc := range []struct {
		query string
		want  map[string][]string
	}{
		{`SigninLogs | where ResultType == "50126" | summarize count() by AppDisplayName`,
			map[string][]string{"SigninLogs": {"AppDisplayName", "ResultType"}}},
		{`SigninLogs | where TimeGenerated > ago(1d) | join kind=inner (AuditLogs | project OperationName, Caller = tostring(InitiatedBy.user.userPrincipalName)) on $left.UserPrincipalName == $right.Caller | count`,
			map[string][]string{"AuditLogs": {"InitiatedBy"}, "SigninLogs": {"TimeGenerated", "UserPrincipalName"}}},
		{`let n = toscalar(AuditLogs | summarize dcount(Category)); SigninLogs | extend n | project n, IPAddress`,
			map[string][]string{"AuditLogs": {"Category"}, "SigninLogs": {"IPAddress"}}},
		{`SigninLogs | take 10`, map[string][]string{}},
	} {
		eng := &Engine{Tables: map[string]*column.Table{}, Funcs: funcs.Default()}
		q, _, err := Prepare(tc.query, PrepareOptions{Catalog: cat, Engine: eng})
		if err != nil {
			t.Fatalf("Prepare(%q): %v", tc.query, err)
		}
		if diff := cmp.Diff(tc.want, plan.NeededColumns(q)); diff != "" {
			t.Errorf("NeededColumns(%q) (-want +got):\n%s", tc.query, diff)
		}
	}
}
