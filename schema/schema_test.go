package schema

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestDefault(t *testing.T) {
	c := Default()
	if c.Len() < 900 {
		t.Fatalf("Default() has %d tables, want at least 900", c.Len())
	}
	for _, tc := range []struct {
		table, column string
		want          types.Type
	}{
		{"SigninLogs", "ResultType", types.String},
		{"SigninLogs", "TimeGenerated", types.DateTime},
		{"SigninLogs", "LocationDetails", types.Dynamic},
		{"AuditLogs", "TargetResources", types.Dynamic},
		{"SecurityAlert", "Entities", types.String},
		{"AADNonInteractiveUserSignInLogs", "DeviceDetail", types.String},
	} {
		tab, ok := c.Table(tc.table)
		if !ok {
			t.Errorf("Table(%q) not found", tc.table)
			continue
		}
		col, ok := tab.Column(tc.column)
		if !ok || col.Type != tc.want {
			t.Errorf("%s.%s = %v %v, want %v", tc.table, tc.column, col.Type, ok, tc.want)
		}
	}
	if got := c.Suggest("signinlogs"); got != "SigninLogs" {
		t.Errorf("Suggest(signinlogs) = %q", got)
	}
}
