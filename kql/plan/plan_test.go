package plan

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

func testEnv() Env {
	tables := map[string][]Field{
		"SigninLogs": {
			{Name: "TimeGenerated", Type: types.DateTime}, {Name: "UserPrincipalName", Type: types.String},
			{Name: "ResultType", Type: types.String}, {Name: "IPAddress", Type: types.String},
			{Name: "DeviceDetail", Type: types.Dynamic},
		},
		"AuditLogs": {
			{Name: "TimeGenerated", Type: types.DateTime}, {Name: "OperationName", Type: types.String},
			{Name: "InitiatedBy", Type: types.Dynamic},
		},
	}
	return Env{
		Funcs: funcs.Default(),
		Table: func(n string) ([]Field, bool) { f, ok := tables[n]; return f, ok },
		TableNames: func() []string {
			return []string{"AuditLogs", "SigninLogs"}
		},
	}
}

func build(t *testing.T, src string, optimize bool) *Query {
	t.Helper()
	script, errs := syntax.Parse(src)
	if len(errs) > 0 {
		t.Fatalf("Parse(%q): %v", src, errs[0].At(src))
	}
	q, err := Build(script, testEnv())
	if err != nil {
		if pe, ok := err.(*Error); ok {
			t.Fatalf("Build(%q): %s", src, pe.At(src))
		}
		t.Fatalf("Build(%q): %v", src, err)
	}
	if optimize {
		Optimize(q)
	}
	return q
}

func TestFormat(t *testing.T) {
	q := build(t, `SigninLogs
| extend u = tolower(UserPrincipalName)
| where ResultType == "50126" and u != ""
| summarize n = count() by u
| top 3 by n`, true)
	got := Format(q)
	want := `output #0 [u:string, n:long]
  top 3 by n#1 desc nulls last
    summarize [n=count()] by [u=u#5]
      where (u#5 != "")
        extend [u=tolower(UserPrincipalName#1)] (+5 columns passed through)
          where (ResultType#2 == "50126")
            scan SigninLogs columns=[UserPrincipalName, ResultType] (2 of 5)
`
	if got != want {
		t.Errorf("Format =\n%s\nwant\n%s", got, want)
	}
}

func TestFilterPushdown(t *testing.T) {
	tests := []struct {
		src       string
		belowFrom string // the operator the filter must end up below
	}{
		{`SigninLogs | extend x = 1 | where ResultType == "0"`, "extend"},
		{`SigninLogs | project ResultType, IPAddress | where ResultType == "0"`, "project"},
		{`SigninLogs | sort by TimeGenerated | where ResultType == "0"`, "sort"},
	}
	for _, tt := range tests {
		out := Format(build(t, tt.src, true))
		if strings.Index(out, "where") < strings.Index(out, tt.belowFrom) {
			t.Errorf("where not pushed below %s in %q:\n%s", tt.belowFrom, tt.src, out)
		}
	}
	// A filter is copied into every input of a union that has its columns.
	out0 := Format(build(t, `union SigninLogs, (SigninLogs | project TimeGenerated, ResultType) | where ResultType == "0"`, true))
	if strings.Count(out0, "where") != 2 || strings.Index(out0, "where") < strings.Index(out0, "union") {
		t.Errorf("filter not pushed into the union inputs:\n%s", out0)
	}
	// ...but not when an input lacks a column the predicate reads.
	out0 = Format(build(t, `union SigninLogs, AuditLogs | where OperationName == "x"`, true))
	if strings.Index(out0, "where") > strings.Index(out0, "union") {
		t.Errorf("filter on a partial column pushed into the union:\n%s", out0)
	}
	// A filter on a computed column stays above the extend.
	out := Format(build(t, `SigninLogs | extend x = strlen(IPAddress) | where x > 3`, true))
	if strings.Index(out, "where") > strings.Index(out, "extend") {
		t.Errorf("filter on a computed column was moved:\n%s", out)
	}
	// top (sort with a limit) must not swap with a filter.
	out = Format(build(t, `SigninLogs | top 3 by TimeGenerated | where ResultType == "0"`, true))
	if strings.Index(out, "where") > strings.Index(out, "top") {
		t.Errorf("filter moved below top:\n%s", out)
	}
}

func TestProjectionPushdown(t *testing.T) {
	q := build(t, `SigninLogs | where ResultType == "0" | project IPAddress`, true)
	out := Format(q)
	if !strings.Contains(out, "scan SigninLogs columns=[ResultType, IPAddress] (2 of 5)") {
		t.Errorf("needed columns not pushed to the scan:\n%s", out)
	}
	// A toscalar subquery reads only what its first column needs.
	q2 := build(t, `let m = toscalar(SigninLogs | summarize max(TimeGenerated)); print m`, true)
	sub := q2.Outputs[0].Root.(*Project).Exprs[0].(*Subquery)
	if got := Label(sub.Plan.Inputs()[0]); got != "scan SigninLogs columns=[TimeGenerated] (1 of 5)" {
		t.Errorf("toscalar scan = %q, want only TimeGenerated", got)
	}
	// Both sides of a join narrow independently.
	out = Format(build(t, `SigninLogs | join kind=inner (AuditLogs | project TimeGenerated, OperationName) on TimeGenerated | project UserPrincipalName, OperationName`, true))
	for _, want := range []string{"scan SigninLogs columns=[TimeGenerated, UserPrincipalName]", "scan AuditLogs columns=[TimeGenerated, OperationName]"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
}

func TestNaming(t *testing.T) {
	tests := []struct {
		src  string
		want string // comma-separated output columns
	}{
		{`SigninLogs | summarize count(), dcount(IPAddress) by bin(TimeGenerated, 1h)`, "TimeGenerated,count_,dcount_IPAddress"},
		{`SigninLogs | summarize arg_max(TimeGenerated, *) by UserPrincipalName`, "UserPrincipalName,TimeGenerated,ResultType,IPAddress,DeviceDetail"},
		{`SigninLogs | project DeviceDetail.operatingSystem, strlen(IPAddress) + 1`, "DeviceDetail_operatingSystem,Column1"},
		{`print 1, x = 2`, "print_0,x"},
		{`SigninLogs | join kind=inner AuditLogs on TimeGenerated | getschema`, "ColumnName,ColumnOrdinal,DataType,ColumnType"},
		{`SigninLogs | join kind=inner AuditLogs on TimeGenerated`, "TimeGenerated,UserPrincipalName,ResultType,IPAddress,DeviceDetail,TimeGenerated1,OperationName,InitiatedBy"},
		{`SigninLogs | count`, "Count"},
		{`union withsource=T Sign*, AuditLogs | take 1`, "T,TimeGenerated,UserPrincipalName,ResultType,IPAddress,DeviceDetail,OperationName,InitiatedBy"},
	}
	for _, tt := range tests {
		q := build(t, tt.src, false)
		var names []string
		for _, f := range q.Outputs[0].Root.Schema() {
			names = append(names, f.Name)
		}
		if got := strings.Join(names, ","); got != tt.want {
			t.Errorf("columns of %q = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`SigninLogs | where Nope == 1`, `1:20: unknown name "Nope"`},
		{`Nope | take 1`, `1:1: unknown table "Nope"`},
		{`SigninLogs | where strlen(IPAddress)`, `in 'where': expected a bool predicate, found long`},
		{`SigninLogs | project x = count()`, `aggregation function count() is only allowed in summarize`},
		{`SigninLogs | join kind=sideways AuditLogs on TimeGenerated`, `unknown kind "sideways"`},
		{`SigninLogs | join AuditLogs on OperationName`, `key "OperationName" is not a column of the left side`},
		{`externaldata(a:string)["ftp://x/y.csv"]`, `expected a local file or an http(s) URL`},
	}
	for _, tt := range tests {
		script, errs := syntax.Parse(tt.src)
		if len(errs) > 0 {
			t.Fatalf("Parse(%q): %v", tt.src, errs[0])
		}
		_, err := Build(script, testEnv())
		msg := ""
		if pe, ok := err.(*Error); ok {
			msg = pe.At(tt.src)
		} else if err != nil {
			msg = err.Error()
		}
		if !strings.Contains(msg, tt.want) {
			t.Errorf("Build(%q) error = %q, want %q", tt.src, msg, tt.want)
		}
	}
}
