package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/syntax"
)

// TestColumnIfExists checks the column_ifexists special form: the named column when the
// row has it (typed and named as that column), else the default value.
func TestColumnIfExists(t *testing.T) {
	tests := []struct {
		src      string
		schema   []string
		ifExists []string // the column names Info.IfExists records
		errs     []string
	}{
		{src: `SigninLogs | project column_ifexists("IPAddress", "none")`,
			schema: []string{"IPAddress:string"}, ifExists: []string{"IPAddress"}},
		{src: `SigninLogs | project X = columnifexists("TimeGenerated", datetime(null))`,
			schema: []string{"X:datetime"}, ifExists: []string{"TimeGenerated"}},
		// The reference example: no column Capital, so the default column, named after it.
		{src: `SigninLogs | project column_ifexists("Capital", UserPrincipalName)`,
			schema: []string{"UserPrincipalName:string"}},
		{src: `SigninLogs | extend c = column_ifexists("NoSuch", 0) | project c`,
			schema: []string{"c:long"}},
		// A name from a parameter is known only at run time.
		{src: `let f = (T:(*), col:string) { T | extend v = column_ifexists(col, "") | project v }; f(SigninLogs, "IPAddress")`,
			schema: []string{"v:unknown"}},
		{src: `SigninLogs | project column_ifexists(1, "")`,
			errs: []string{`1:38: the first argument of 'column_ifexists' must be a string naming a column, found long`}},
		{src: `SigninLogs | project column_ifexists("IPAddress")`,
			errs: []string{`1:22: function 'column_ifexists' expects 2 arguments, found 1`}},
	}
	for _, tt := range tests {
		script, info, ds := checkSrc(t, tt.src)
		if diff := cmp.Diff(tt.errs, formatDiags(tt.src, ds)); diff != "" {
			t.Errorf("Check(%q) diagnostics (-want +got):\n%s", tt.src, diff)
			continue
		}
		if tt.errs != nil {
			continue
		}
		if diff := cmp.Diff(tt.schema, lastSchema(script, info)); diff != "" {
			t.Errorf("Check(%q) schema (-want +got):\n%s", tt.src, diff)
		}
		var got []string
		syntax.Inspect(script, func(n syntax.Node) bool {
			if c, ok := n.(*syntax.CallExpr); ok {
				if name, ok := info.IfExists[c]; ok {
					got = append(got, name)
				}
			}
			return true
		})
		if diff := cmp.Diff(tt.ifExists, got); diff != "" {
			t.Errorf("Check(%q) IfExists (-want +got):\n%s", tt.src, diff)
		}
	}
}
