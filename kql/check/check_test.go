package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// testEnv is a small catalog and registry of its own, so these tests do not depend on how
// far the real registry has been filled.
func testEnv() *Env {
	cat := schema.NewCatalog(
		&schema.Table{Name: "SigninLogs", Columns: []schema.Column{
			{Name: "TimeGenerated", Type: types.DateTime},
			{Name: "UserPrincipalName", Type: types.String},
			{Name: "IPAddress", Type: types.String},
			{Name: "ResultType", Type: types.String},
			{Name: "LocationDetails", Type: types.Dynamic},
		}},
		&schema.Table{Name: "AuditLogs", Columns: []schema.Column{
			{Name: "TimeGenerated", Type: types.DateTime},
			{Name: "OperationName", Type: types.String},
			{Name: "InitiatedBy", Type: types.Dynamic},
			{Name: "Result", Type: types.String},
		}},
	)
	// typed returns a Result rule checking each argument's type (Unknown always passes).
	typed := func(name string, ret types.Type, want ...types.Type) func([]types.Type) (types.Type, error) {
		return func(args []types.Type) (types.Type, error) {
			for i, a := range args {
				if i < len(want) && a != types.Unknown && want[i] != types.Unknown && a != want[i] {
					return types.Unknown, fmt.Errorf("argument %d of %s(): expected %s, found %s", i+1, name, want[i], a)
				}
			}
			return ret, nil
		}
	}
	first := func(args []types.Type) (types.Type, error) {
		if len(args) == 0 {
			return types.Unknown, nil
		}
		return args[0], nil
	}
	reg := funcs.NewRegistry(
		&funcs.Func{Name: "strlen", Kind: funcs.Scalar, MinArgs: 1, MaxArgs: 1, Result: typed("strlen", types.Long, types.String)},
		&funcs.Func{Name: "tostring", Kind: funcs.Scalar, MinArgs: 1, MaxArgs: 1, Result: typed("tostring", types.String), Naming: funcs.NameFirstArg},
		&funcs.Func{Name: "ago", Kind: funcs.Scalar, MinArgs: 1, MaxArgs: 1, Result: typed("ago", types.DateTime, types.TimeSpan)},
		&funcs.Func{Name: "bin", Kind: funcs.Scalar, MinArgs: 2, MaxArgs: 2, Result: first, Naming: funcs.NameFirstArg},
		&funcs.Func{Name: "count", Kind: funcs.Aggregate, MinArgs: 0, MaxArgs: 1, Result: typed("count", types.Long, types.Bool), Naming: funcs.NamePrefixOnly},
		&funcs.Func{Name: "dcount", Kind: funcs.Aggregate, MinArgs: 1, MaxArgs: 2, Result: typed("dcount", types.Long), Naming: funcs.NamePrefixFirstArg},
		&funcs.Func{Name: "make_set", Kind: funcs.Aggregate, MinArgs: 1, MaxArgs: 2, Result: typed("make_set", types.Dynamic), Naming: funcs.NamePrefixFirstArg, Prefix: "set"},
		&funcs.Func{Name: "arg_max", Kind: funcs.Aggregate, MinArgs: 2, MaxArgs: -1, Result: first},
		&funcs.Func{Name: "max", Kind: funcs.Aggregate, MinArgs: 1, MaxArgs: 1, Result: first, Naming: funcs.NamePrefixFirstArg},
		&funcs.Func{Name: "series_stats", Kind: funcs.Scalar, MinArgs: 1, MaxArgs: 2, Result: typed("series_stats", types.Dynamic)},
	)
	return &Env{Catalog: cat, Funcs: reg, Strict: true}
}

// checkSrc parses and checks src; it fails the test on syntax errors.
func checkSrc(t *testing.T, src string) (*syntax.Script, *Info, []Diagnostic) {
	t.Helper()
	script, errs := syntax.Parse(src)
	if len(errs) > 0 {
		t.Fatalf("Parse(%q): %s", src, errs[0].At(src))
	}
	info, ds := Check(script, testEnv())
	return script, info, ds
}

// lastSchema returns the result schema of the script's last query statement as
// "Name:type" strings.
func lastSchema(script *syntax.Script, info *Info) []string {
	for i := len(script.Stmts) - 1; i >= 0; i-- {
		if es, ok := script.Stmts[i].(*syntax.ExprStmt); ok {
			s := info.Tabular[es.X]
			if s == nil {
				return nil
			}
			var out []string
			for _, c := range s.Columns {
				out = append(out, c.Name+":"+c.Type.String())
			}
			if s.Open {
				out = append(out, "*")
			}
			return out
		}
	}
	return nil
}

func formatDiags(src string, ds []Diagnostic) []string {
	var out []string
	for _, d := range ds {
		line, col := syntax.LineCol(src, d.Pos)
		sev := ""
		if d.Severity == Warning {
			sev = "warning: "
		}
		out = append(out, fmt.Sprintf("%d:%d: %s%s", line, col, sev, d.Msg))
	}
	return out
}

func TestSchemas(t *testing.T) {
	tests := []struct {
		src  string
		want string // comma-separated Name:type; a trailing "*" marks an open schema
	}{
		{"SigninLogs | project IPAddress, U = UserPrincipalName", "IPAddress:string, U:string"},
		{"SigninLogs | extend L = strlen(IPAddress), IPAddress = 1 | project-away TimeGenerated, U*, R*, Loc*",
			"IPAddress:long, L:long"},
		{"SigninLogs | extend strlen(IPAddress), strlen(ResultType) | project Column1, Column2", "Column1:long, Column2:long"},
		{"SigninLogs | summarize count(), dcount(IPAddress), make_set(ResultType) by bin(TimeGenerated, 1h), UserPrincipalName",
			"TimeGenerated:datetime, UserPrincipalName:string, count_:long, dcount_IPAddress:long, set_ResultType:dynamic"},
		{"SigninLogs | summarize arg_max(TimeGenerated, *) by IPAddress",
			"IPAddress:string, TimeGenerated:datetime, UserPrincipalName:string, ResultType:string, LocationDetails:dynamic"},
		{"SigninLogs | summarize Last = arg_max(TimeGenerated, IPAddress) by IPAddress",
			"IPAddress:string, Last:datetime, IPAddress1:string"},
		{"SigninLogs | summarize by tostring(LocationDetails.city)", "LocationDetails_city:string"},
		{"print 1, x = 'a', strlen('b')", "print_0:long, x:string, print_2:long"},
		{"SigninLogs | project IPAddress | join (AuditLogs | project IPAddress = OperationName, Result) on IPAddress",
			"IPAddress:string, IPAddress1:string, Result:string"},
		{"SigninLogs | project IPAddress | join kind=leftsemi (AuditLogs | project IPAddress = OperationName) on IPAddress",
			"IPAddress:string"},
		{"SigninLogs | project a = IPAddress | join (AuditLogs | project b = OperationName) on $left.a == $right.b",
			"a:string, b:string"},
		{"SigninLogs | project IPAddress, T = TimeGenerated | lookup (AuditLogs | project IPAddress = OperationName, Result) on IPAddress",
			"IPAddress:string, T:datetime, Result:string"},
		{"union withsource=Src (SigninLogs | project A = IPAddress), (AuditLogs | project A = OperationName, B = Result)",
			"Src:string, A:string, B:string"},
		{"union kind=inner (SigninLogs | project A = IPAddress, C = 1), (AuditLogs | project A = OperationName, B = Result)",
			"A:string"},
		{"SigninLogs | project LocationDetails | mv-expand with_itemindex=i LocationDetails to typeof(string)",
			"LocationDetails:string, i:long"},
		{"SigninLogs | project ResultType | parse ResultType with 'a' X:long '-' Y", "ResultType:string, X:long, Y:string"},
		{"SigninLogs | make-series n = count() default = 0 on TimeGenerated step 1h by UserPrincipalName",
			"UserPrincipalName:string, n:dynamic, TimeGenerated:dynamic"},
		{"SigninLogs | getschema", "ColumnName:string, ColumnOrdinal:int, DataType:string, ColumnType:string"},
		{"SigninLogs | count", "Count:long"},
		{"SigninLogs | distinct UserPrincipalName, IPAddress", "UserPrincipalName:string, IPAddress:string"},
		{"range x from 1 to 10 step 1", "x:long"},
		{"range t from ago(1d) to ago(0s) step 1h", "t:datetime"},
		{"datatable(a:string, b:long) ['x', 1]", "a:string, b:long"},
		{"let T = SigninLogs | project IPAddress; T | extend n = 1", "IPAddress:string, n:long"},
		{"let f = (t:(IPAddress:string)) { t | extend n = strlen(IPAddress) }; SigninLogs | project IPAddress, ResultType | invoke f()",
			"IPAddress:string, ResultType:string, n:long"},
		{"SigninLogs | project IPAddress | evaluate bag_unpack(IPAddress)", "*"},
		{"SigninLogs | project ResultType, IPAddress | project-reorder IPAddress", "IPAddress:string, ResultType:string"},
		{"SigninLogs | project-rename Who = UserPrincipalName | project Who", "Who:string"},
		{"SigninLogs | project LocationDetails | extend series_stats(LocationDetails) | project series_stats_LocationDetails_avg",
			"series_stats_LocationDetails_avg:real"},
		{"SigninLogs | top-nested 3 of UserPrincipalName by count()", "UserPrincipalName:string, aggregated_UserPrincipalName:long"},
		{"SigninLogs | project LocationDetails | mv-apply LocationDetails on (summarize n = count())", "n:long"},
	}
	for _, tt := range tests {
		script, info, ds := checkSrc(t, tt.src)
		var errs []string
		for _, d := range ds {
			if d.Severity == Error {
				errs = append(errs, d.Msg)
			}
		}
		if len(errs) > 0 {
			t.Errorf("Check(%q) errors: %v", tt.src, errs)
		}
		got := strings.Join(lastSchema(script, info), ", ")
		if got != tt.want {
			t.Errorf("Check(%q) schema = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"SigninLog | take 1", []string{"1:1: unknown table 'SigninLog'"}},
		{"signinlogs | take 1", []string{"1:1: unknown table 'signinlogs'; did you mean 'SigninLogs'?"}},
		{"SigninLogs | where ipaddress == '1'", []string{"1:20: unknown column 'ipaddress'; did you mean 'IPAddress'?"}},
		{"SigninLogs | extend x = TimeGenerated + TimeGenerated", []string{"1:25: operator '+' is not defined for datetime and datetime"}},
		{"SigninLogs | where TimeGenerated > 1h", []string{"1:20: operator '>' is not defined for datetime and timespan"}},
		{"SigninLogs | where ResultType >= 400", []string{"1:20: operator '>=' is not defined for string and long"}},
		{"SigninLogs | extend n = strlen(IPAddress, 2)", []string{"1:25: function 'strlen' expects 1 argument, found 2"}},
		{"SigninLogs | extend n = strlen(TimeGenerated)", []string{"1:25: argument 1 of strlen(): expected string, found datetime"}},
		{"SigninLogs | extend n = nosuch(IPAddress)", []string{"1:25: unknown function 'nosuch'"}},
		{"SigninLogs | extend n = count()", []string{"1:25: aggregate function 'count' can be used only in 'summarize', 'make-series' or 'top-nested' (in 'extend')"}},
		{"SigninLogs | summarize count by IPAddress", []string{"1:24: function 'count' needs an argument list: count()"}},
		{"SigninLogs | where strlen(IPAddress)", []string{"1:20: 'where' needs a bool predicate, found long"}},
		{"SigninLogs | join (AuditLogs) on IPAddress", []string{"1:34: column 'IPAddress' must exist on both sides of 'join'"}},
		{"SigninLogs | join (AuditLogs) on $right.TimeGenerated == $left.TimeGenerated", []string{
			"1:34: the join condition operand must be $left.<column>",
			"1:58: the join condition operand must be $right.<column>"}},
		{"SigninLogs | summarize by LocationDetails", []string{"1:27: 'summarize' cannot group by a dynamic value; convert it, for example with tostring()"}},
		{"SigninLogs | project IPAddress, IPAddress", []string{"1:33: column 'IPAddress' appears twice in 'project'"}},
		{"SigninLogs | project-rename X = strlen(IPAddress)", []string{"1:33: 'project-rename' expects a column name, found an expression"}},
		{"let f = (n:long) { n + 1 }; print f()", []string{"1:35: function 'f' expects 1 argument, found 0"}},
		{"SigninLogs | where IPAddress has_any (AuditLogs | project OperationName) | extend x = SigninLogs", []string{"1:87: expected a scalar value, found a table"}},
		{"SigninLogs | extend x = 1 | where x in (1, 2) | project TimeGenerated | where IPAddress == ''", []string{"1:79: unknown column 'IPAddress'"}},
		{"print x = 1 | where x == 1 | evaluate nosuch_plugin()", []string{"1:39: unknown plugin 'nosuch_plugin'"}},
		{"union isfuzzy=true NoSuchTable, SigninLogs | take 1", []string{"1:20: warning: unknown table 'NoSuchTable'"}},
		{"declare pattern P = (n:string)[k:string] { ('a').['x'] = { print n }; }; P('a').y", []string{"1:74: pattern 'P' has no case for these arguments"}},
		{"declare pattern P = (n:string) { ('a') = { print n }; }; P('a', 'b')", []string{"1:58: pattern 'P' expects 1 argument, found 2"}},
		{"declare pattern P = (n:string) { ('a') = { print n }; }; P('a').x", []string{"1:65: pattern 'P' has no path parameter"}},
		{"declare pattern P = (n:long) { ('a') = { print n }; }; P(1)", []string{"1:33: pattern 'P' case: expected long, found string", "1:56: pattern 'P' has no case for these arguments"}},
		{"SigninLogs | extend x = TimeGenerated / 1000", []string{"1:25: warning: operator '/' on datetime and long is not in the language reference; Kusto's analyser accepts it (result datetime)"}},
		{"SigninLogs | extend x = TimeGenerated / 1h", []string{"1:25: warning: operator '/' on datetime and timespan is not in the language reference; Kusto's analyser accepts it (result real)"}},
		{"SigninLogs | extend x = 1000 / TimeGenerated", []string{"1:25: operator '/' is not defined for long and datetime"}},
		{"declare pattern E; E('anything').path | take 1", []string{"1:20: warning: pattern 'E' is declared but not defined: Kusto answers error SEM0036 unless a middle tier supplies the definition"}},
		{"SigninLogs | summarize count(IPAddress)", []string{"1:24: warning: count() takes no argument in the language reference; count(x) counts the rows of the group — use countif(predicate) to count matches"}},
		{"SigninLogs | summarize count(IPAddress == '1')", nil},
	}
	for _, tt := range tests {
		_, _, ds := checkSrc(t, tt.src)
		got := formatDiags(tt.src, ds)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Check(%q) diagnostics (-want +got):\n%s", tt.src, diff)
		}
	}
}

func TestValidQueries(t *testing.T) {
	for _, src := range []string{
		"let x = 5; SigninLogs | where strlen(IPAddress) > x",
		"declare query_parameters(lookback:timespan = 1d); SigninLogs | where TimeGenerated > ago(lookback)",
		"let f = (t:(*), n:long = 3) { t | take n }; f(SigninLogs) | project IPAddress",
		"let m = materialize(SigninLogs | project IPAddress); m | join (m) on IPAddress",
		"let n = toscalar(SigninLogs | count); print n + 1",
		"SigninLogs | where ResultType == 0 and IPAddress in ('a', 'b') and TimeGenerated between (ago(1d) .. 1h)",
		"SigninLogs | extend City = LocationDetails.city, S = LocationDetails['state'] | where City has 'x'",
		"SigninLogs | as S | join (S | project IPAddress) on IPAddress",
		"SigninLogs | where IPAddress in (AuditLogs | project OperationName)",
		"SigninLogs | mv-apply d = LocationDetails on (where d has 'x' | take 1)",
		"SigninLogs | partition by IPAddress (top 1 by TimeGenerated)",
		"table('SigninLogs') | project IPAddress",
		"declare pattern P = (n:string)[k:string] { ('a').['x'] = { SigninLogs | extend K = k }; ('b').['y'] = { print n }; }; P('a').x | project IPAddress, K",
		"declare pattern Q = (n:string) { ('a') = { print v = n }; }; let s = 'a'; union Q('a'), Q(s) | project v",
		"SigninLogs | project-keep IP* | project IPAddress",
		"SigninLogs | sort by TimeGenerated desc | top 3 by TimeGenerated | serialize | take 2",
		"SigninLogs | summarize (T, IP) = arg_max(TimeGenerated, IPAddress) | project T, IP",
		"SigninLogs | summarize Ts = make_set(TimeGenerated) by UserPrincipalName | mv-expand Ts to typeof(datetime) | where Ts > ago(1h)",
	} {
		_, _, ds := checkSrc(t, src)
		for _, d := range ds {
			if d.Severity == Error {
				t.Errorf("Check(%q): %s", src, formatDiags(src, []Diagnostic{d})[0])
			}
		}
	}
}

func TestInfoTables(t *testing.T) {
	src := "let lim = 10; SigninLogs | summarize n = count() by bin(TimeGenerated, 1h) | where n > lim"
	script, info, ds := checkSrc(t, src)
	if len(ds) > 0 {
		t.Fatalf("unexpected diagnostics: %v", formatDiags(src, ds))
	}
	pipe := script.Stmts[1].(*syntax.ExprStmt).X.(*syntax.PipeExpr)
	sum := pipe.Ops[0].(*syntax.SummarizeOp)
	if got := info.Names[sum.Aggs[0]]; got != "n" {
		t.Errorf("Names[n = count()] = %q, want n", got)
	}
	if got := info.Names[sum.By[0]]; got != "TimeGenerated" {
		t.Errorf("Names[bin(...)] = %q, want TimeGenerated", got)
	}
	call := sum.By[0].(*syntax.CallExpr)
	if f := info.Calls[call]; f == nil || f.Name != "bin" {
		t.Errorf("Calls[bin(...)] = %v, want bin", f)
	}
	if got := info.Types[call]; got != types.DateTime {
		t.Errorf("Types[bin(...)] = %v, want datetime", got)
	}
	where := pipe.Ops[1].(*syntax.WhereOp).Pred.(*syntax.BinaryExpr)
	lim := where.Y.(*syntax.Ident)
	if s := info.Refs[lim]; s.Kind != SymScalarLet || s.Type != types.Long {
		t.Errorf("Refs[lim] = %+v, want a scalar let of type long", s)
	}
	if v, ok := info.Consts[lim]; !ok || v.I != 10 {
		t.Errorf("Consts[lim] = %v, %v, want 10", v, ok)
	}
	if s := info.Ops[pipe.Ops[0]]; s == nil || s.Index("n") != 1 {
		t.Errorf("Ops[summarize] = %+v, want n second", s)
	}
}

// FuzzCheck checks arbitrary parsed text: Check must never panic.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"SigninLogs | summarize arg_max(TimeGenerated, *) by IPAddress",
		"let f = (t:(*)) { t | invoke f() }; SigninLogs | invoke f()",
		"union * | join (x) on $left.a == $right.b | mv-apply y on (take 1)",
		"print toscalar(1), materialize(print 1)",
	} {
		f.Add(s)
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		script, _ := syntax.Parse(src)
		Check(script, env)
	})
}
