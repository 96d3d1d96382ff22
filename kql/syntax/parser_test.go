package syntax

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
)

// validQueries must parse without errors and round-trip through Print.
var validQueries = []string{
	`T`,
	`T | where a > 1`,
	`T | filter a == "x" and b != 'y' or c <> 1`,
	`T | where a =~ "x" and b !~ "y"`,
	"let x = 1;\nT | where a == x",
	"let x = 1;\nlet y = 2;\nT;",
	`let f = (a:string, b:long = 5) { T | where c == a | take b }; f("x")`,
	`let f = (T:(a:string, *), n:int) { T | take n }; f(X, 1)`,
	`let f = () { 1 }; print f()`,
	`let v = view () { T }; v`,
	`let t = datatable(a:string, b:long) ["x", 1, "y", 2,]; t`,
	`externaldata(a:string, b:int) [h@"https://x/y.csv", "https://z"] with (format="csv", ignoreFirstRecord=true)`,
	`set notruncation; T`,
	`set query_now = datetime(2024-01-01); T`,
	`declare query_parameters(p:timespan = 14d, q:string = "x"); T | where TimeGenerated > ago(p)`,
	`alias database db = cluster("https://c.kusto.windows.net").database("d"); db.T`,
	`cluster("c").database("d").T | take 1`,
	`database("d").T`,
	`table("X") | count`,
	`['My Table'] | project ['a b'], ["c"]`,
	`T | extend x = 1, (a, b) = f(c), y = a.b.c, z = a['b'][0], w = a.['c'], v = a.[0]`,
	`T | project a, b = c + 1, c = -d * 2 / 3 % 4`,
	`T | project-away a, b*, *c`,
	`T | project-keep a, b*`,
	`T | project-rename a = b, c = ['d e']`,
	`T | project-reorder a, b* asc, c desc`,
	`T | summarize count(), c = dcount(x), (t, u) = arg_max(T, *) by bin(TimeGenerated, 1h), y`,
	`T | summarize by x`,
	`T | summarize hint.strategy=shuffle hint.shufflekey=x count() by x`,
	`T | sort by a asc nulls last, b desc nulls first, c`,
	`T | order by a`,
	`T | top 10 by a desc nulls last`,
	`T | top-nested 3 of a with others = "other" by sum(b), top-nested of c by count() desc`,
	`T | take 5 | limit 10`,
	`T | sample 10 | sample-distinct 3 of a`,
	`T | distinct a, b | distinct *`,
	`T | count | count as n`,
	`T | join kind=leftouter hint.strategy=broadcast (S | where a) on $left.a == $right.b, c`,
	`T | join S on a`,
	`T | join kind=inner (S) on $left.a == $right.b and $left.c == $right.d`,
	`T | lookup kind=leftouter S on a`,
	`T | union withsource=Src kind=outer isfuzzy=true S, (R | take 1), Sign*`,
	`union isfuzzy=True A, B | where x`,
	`T | mv-expand kind=array bagexpansion=array with_itemindex=i a to typeof(string), b limit 10`,
	`T | mvexpand a`,
	`T | mv-apply x = a to typeof(dynamic) on (where x > 1 | summarize make_list(x))`,
	`T | mv-apply with_itemindex=i a on (take 1)`,
	`T | parse kind=regex flags=Ui a with * "x=" x:long "," y '.' *`,
	`T | parse-where a with "x" b`,
	`T | parse-kv a as (k:string, v:long) with (pair_delimiter=",", kv_delimiter="=", quote='"')`,
	`T | make-series n = count() default = 0, s = sum(b) on TimeGenerated from ago(7d) to now() step 1h by c`,
	`T | make-series n = count() on TimeGenerated in range(ago(7d), now(), 1h)`,
	`T | make-series n = count() on TimeGenerated step 1d`,
	`T | evaluate bag_unpack(x)`,
	`T | evaluate hint.distribution=per_node pivot(a, any(b), c) : (a:string, *)`,
	`evaluate python(typeof(*), "x")`,
	`T | render timechart with (title="x", ycolumns=a, b, kind=stacked)`,
	`T | render piechart`,
	`T | as hint.materialized=true X | getschema`,
	`T | serialize | serialize r = row_number()`,
	`T | invoke f(1)`,
	`T | consume`,
	`T | reduce by a with (threshold=0.1)`,
	`T | scan with_match_id=Id declare (s:string, d:timespan = 1s) with (step a: x == 1 => s = "a"; step b optional: x == 2;)`,
	`T | partition hint.strategy=native by a (top 1 by b)`,
	`T | partition by a { T | take 1 }`,
	`T | fork (take 1) f = (count)`,
	`T | facet by a, b with (take 1)`,
	`search "x"`,
	`search in (T, S*) "x" and a:"y"`,
	`T | search kind=case_sensitive "x"`,
	`find withsource=Src in (T, S) where a == 1 project a, b:string`,
	`find where a has "x" project-smart`,
	`print a = 1, b = "x"`,
	`range x from 1 to 10 step 1`,
	`range x from 1 to 10 step 1 | extend y = range(1, 5, 1)`,
	`let m = materialize(T | take 1); m`,
	`print toscalar(T | count), toscalar(kind=nooptimization, T | count)`,
	`T | where a in (1, 2) and b in~ ("x") and c !in (S | project c) and d !in~ (l)`,
	`T | where a has_any (l) and b has_all ("a", "b") and c has_any ("x")`,
	`T | where a between (1 .. 10) and b !between (datetime(2024-01-01) .. now())`,
	`T | where a has "x" and a !has "x" and a has_cs "x" and a !has_cs "x"`,
	`T | where a hasprefix "x" and a !hasprefix "x" and a hasprefix_cs "x" and a !hasprefix_cs "x"`,
	`T | where a hassuffix "x" and a !hassuffix "x" and a hassuffix_cs "x" and a !hassuffix_cs "x"`,
	`T | where a contains "x" and a !contains "x" and a contains_cs "x" and a !contains_cs "x"`,
	`T | where a startswith "x" and a !startswith "x" and a startswith_cs "x" and a !startswith_cs "x"`,
	`T | where a endswith "x" and a !endswith "x" and a endswith_cs "x" and a !endswith_cs "x"`,
	`T | where a matches regex "x" and not(b) and a containscs "x" and a notcontains "y"`,
	`T | where a < 1 and b <= 2 and c > 3 and d >= 4`,
	`print datetime(2024-01-01), datetime(2024-01-01 10:00:00.123), datetime(2024-01-01T10:00Z), datetime(null), datetime(6/25/2019)`,
	`print 1d, 2h, 30m, 10s, 100ms, 10microsecond, 1tick, 1.5h, time(1.02:03:04), timespan(2d)`,
	`print dynamic([1, "a", {"b": [true, null]}]), dynamic({}), dynamic(null), dynamic(-1)`,
	`print guid(74be27de-1e4e-49d9-b579-fe0b331d3642), int(1), long(null), real(nan), real(+inf), decimal(1.5), bool(true)`,
	`print 1e10, 0x1F, 1.5, -2, +3`,
	"print \"a\\\"b\\n\", 'c\\'d', @\"e\\f\"\"g\", @'h', h\"secret\", H'x', ```multi\nline```, ~~~x~~~",
	`print "a" "b" 'c'`,
	"T // comment\n| where a // another\n",
	`T | where kind == "x" and title == 1 and type == 2 and count > 3 and default == 4`,
	`T | extend typeof_x = typeof(long), e = extract("re", 1, s, typeof(long))`,
	`T | where isnotempty(x) | extend y = iff(a, b, c), z = case(a, 1, 2)`,
	`T | where TimeGenerated > ago(1d);`,
	"let a = 1;;\nT",
	`T | summarize make_set(x, 100) by y | where array_length(set_x) > 1`,
	`T | extend x = tostring(a.b)["c"]`,
	`T | extend x = 5Minutebin`,
	`T | where isAudit = true`,
	`print x = strcat("a", @"\b")`,
	`T | join kind=inner (S | where x) on a | where b`,
	`T | extend x = $left`,
}

func TestParseValid(t *testing.T) {
	for _, src := range validQueries {
		s, errs := Parse(src)
		if len(errs) > 0 {
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.At(src))
			}
			t.Errorf("Parse(%q) errors: %s", src, strings.Join(msgs, "; "))
			continue
		}
		if err := checkPositions(src, s); err != nil {
			t.Errorf("Parse(%q): %v", src, err)
		}
		roundTrip(t, src, s)
	}
}

// invalidQueries pairs a query with its first expected error.
var invalidQueries = []struct {
	src, want string
}{
	{`T | project a b`, "1:15: expected ',', found 'b' in 'project'"},
	{"T\n\nT", "1:2: expected ';', found 'T'"},
	{"T | project a\n// c\n\nS | count", "1:14: expected ',', found 'S' in 'project'"},
	{"T | where x ==\n| count", "2:1: expected expression, found '|' in 'where'"},
	{"T | where x == <ImpactedUser>", "1:16: expected expression, found '<' in 'where'"},
	{`T | where (a`, "1:13: expected ')', found end of input in 'where'"},
	{`T | frobnicate`, "1:5: expected query operator, found 'frobnicate'"},
	{`T |`, "1:4: expected query operator, found end of input"},
	{`T | project a,`, "1:15: expected expression, found end of input in 'project'"},
	{`T | summarize count() by`, "1:25: expected expression, found end of input in 'summarize'"},
	{`T | where a in 1`, "1:16: expected '(', found '1' in 'where'"},
	{`print "abc`, "1:7: missing closing quote \""},
	{`print "a\Eb"`, `1:7: invalid escape sequence '\E' in string`},
	{`let x = ;`, "1:9: expected expression, found ';'"},
	{`let = 1`, "1:5: expected name after 'let', found '='"},
	{`T | sort a`, "1:10: expected 'by', found 'a' in 'sort'"},
	{`T | where a between (1, 2)`, "1:23: expected '..', found ',' in 'where'"},
	{`T | join kind=inner (S) on`, "1:27: expected expression, found end of input in 'join'"},
	{`print dynamic([1,])`, "1:18: expected literal value, found ']' in 'print'"},
	{`print dynamic`, "1:7: the name 'dynamic' needs to be bracketed as ['dynamic'] to be used here in 'print'"},
	{`T | where a == “x”`, "1:16: unexpected character '“' in 'where'"},
	{`T | extend x = {TimeRange:grain}`, "1:16: expected expression, found '{' in 'extend'"},
	{`T | mv-apply x on take 1`, "1:19: expected '(', found 'take' in 'mv-apply'"},
	{`T | parse a with`, "1:17: expected parse pattern, found end of input in 'parse'"},
	{"T | where a\n| project b c\n| extend d e", "2:13: expected ',', found 'c' in 'project'"},
	{`T | make-series count() on T`, "1:29: expected 'step', found end of input in 'make-series'"},
	{`T | where f(a b)`, "1:15: expected ')', found 'b' in 'where'"},
	{`print datetime()`, "1:7: expected value inside 'datetime(...)' in 'print'"},
	{`T | extend x = a.`, "1:18: expected name after '.', found end of input in 'extend'"},
	{`T | where a == 1)`, "1:17: expected ';', found ')'"},
	{`T | where a in (1,)`, "1:19: expected expression, found ')' in 'where'"},
	{`print f(a,)`, "1:11: expected expression, found ')' in 'print'"},
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range invalidQueries {
		_, errs := Parse(tc.src)
		if len(errs) == 0 {
			t.Errorf("Parse(%q) = no errors, want %q", tc.src, tc.want)
			continue
		}
		if got := errs[0].At(tc.src); got != tc.want {
			t.Errorf("Parse(%q) first error = %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestOneErrorPerMistake checks that recovery at `|` and `;` reports each
// mistake once and keeps parsing the rest.
func TestOneErrorPerMistake(t *testing.T) {
	src := "T | where a == <x>\n| project b c\n| extend d = (1\n| take 5;\nlet x = ;\nS | count"
	s, errs := Parse(src)
	var got []string
	for _, e := range errs {
		got = append(got, e.At(src))
	}
	want := []string{
		"1:16: expected expression, found '<' in 'where'",
		"2:13: expected ',', found 'c' in 'project'",
		"4:9: expected ')', found ';' in 'extend'",
		"5:9: expected expression, found ';'",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Parse(%q) errors:\n%s\nwant:\n%s", src, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(s.Stmts) != 3 {
		t.Errorf("Parse(%q) kept %d statements, want 3", src, len(s.Stmts))
	}
	last, ok := s.Stmts[2].(*ExprStmt)
	if !ok || Print(last) != "S\n| count" {
		t.Errorf("last statement = %q, want %q", Print(s.Stmts[2]), "S\n| count")
	}
}

// TestErrorLimit checks the cap of ten errors, one per line.
func TestErrorLimit(t *testing.T) {
	src := strings.Repeat("T | project a b\n;", 30)
	_, errs := Parse(src)
	if len(errs) != maxErrors {
		t.Fatalf("Parse: %d errors, want %d", len(errs), maxErrors)
	}
}

// TestNestingCap checks that deep nesting gives an error, not a crash.
func TestNestingCap(t *testing.T) {
	for _, src := range []string{
		"print " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
		"print " + strings.Repeat("-", 100000) + "1",
		"print dynamic(" + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + ")",
		"print " + strings.Repeat("f(", 100000),
		strings.Repeat("T | where x in (", 10000),
	} {
		_, errs := Parse(src)
		if len(errs) == 0 || !strings.Contains(errs[0].Msg, "nested too deeply") {
			t.Errorf("Parse(deep %.20q...) = %v, want a nesting error", src, errs)
		}
	}
}

func TestLineCol(t *testing.T) {
	src := "ab\nçd\n"
	for _, tc := range []struct {
		pos       Pos
		line, col int
	}{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 2}, {6, 2, 3}, {7, 3, 1}, {100, 3, 1}, {-1, 1, 1},
	} {
		line, col := LineCol(src, tc.pos)
		if line != tc.line || col != tc.col {
			t.Errorf("LineCol(%q, %d) = %d:%d, want %d:%d", src, tc.pos, line, col, tc.line, tc.col)
		}
	}
}

func TestLiterals(t *testing.T) {
	for _, tc := range []struct {
		src   string
		kind  LitKind
		value string
		null  bool
	}{
		{`"a\tb"`, LitString, "a\tb", false},
		{`'it\'s'`, LitString, "it's", false},
		{`@"c:\x"`, LitString, `c:\x`, false},
		{`@'a''b'`, LitString, `a'b`, false},
		{`"a" 'b'`, LitString, "ab", false},
		{`h"hidden"`, LitString, "hidden", false},
		{"```x\ny```", LitString, "x\ny", false},
		{`"\u0041"`, LitString, "A", false},
		{`datetime( 2024-01-01 )`, LitDateTime, "2024-01-01", false},
		{`datetime("2019-01-18T10:36:07Z")`, LitDateTime, "2019-01-18T10:36:07Z", false},
		{`long(null)`, LitLong, "null", true},
		{`1.5h`, LitTimespan, "1.5h", false},
		{`0x1F`, LitLong, "0x1F", false},
		{`1e10`, LitReal, "1e10", false},
		{`time(1.02:03:04)`, LitTimespan, "1.02:03:04", false},
		{`guid(00000000-0000-0000-0000-000000000000)`, LitGUID, "00000000-0000-0000-0000-000000000000", false},
		{`true`, LitBool, "true", false},
		{`real(+inf)`, LitReal, "+inf", false},
	} {
		x, errs := ParseExpr(tc.src)
		if len(errs) > 0 {
			t.Errorf("ParseExpr(%q): %v", tc.src, errs[0].At(tc.src))
			continue
		}
		lit, ok := x.(*Literal)
		if !ok {
			t.Errorf("ParseExpr(%q) = %T, want *Literal", tc.src, x)
			continue
		}
		if lit.Kind != tc.kind || lit.Value != tc.value || lit.IsNull != tc.null {
			t.Errorf("ParseExpr(%q) = %v %q null=%v, want %v %q null=%v", tc.src, lit.Kind, lit.Value, lit.IsNull, tc.kind, tc.value, tc.null)
		}
	}
}

// TestPrecedence checks operator binding by printing with explicit
// structure.
func TestPrecedence(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"a or b and c", "(a or (b and c))"},
		{"a and b == c", "(a and (b == c))"},
		{"a == b + c * d", "(a == (b + (c * d)))"},
		{"a - b - c", "((a - b) - c)"},
		{"-a * b", "((-a) * b)"},
		{"a has 'x' or b in (1, 2) and c between (1 .. 2)", "((a has \"x\") or ((b in (1, 2)) and (c between (1 .. 2))))"},
		{"a.b[0].c(1)", "a.b[0].c(1)"},
	} {
		x, errs := ParseExpr(tc.src)
		if len(errs) > 0 {
			t.Errorf("ParseExpr(%q): %v", tc.src, errs[0].At(tc.src))
			continue
		}
		if got := structure(x); got != tc.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
}

// structure prints binary and unary expressions fully parenthesized.
func structure(x Expr) string {
	switch x := x.(type) {
	case *BinaryExpr:
		return "(" + structure(x.X) + " " + x.Op.String() + " " + structure(x.Y) + ")"
	case *UnaryExpr:
		return "(" + x.Op.String() + structure(x.X) + ")"
	case *InExpr:
		return "(" + structure(x.X) + " " + Print(&InExpr{X: &Ident{Name: "", Raw: ""}, Op: x.Op, Lparen: x.Lparen, List: x.List})[len("<bad> "):] + ")"
	case *BetweenExpr:
		return "(" + structure(x.X) + Print(&BetweenExpr{X: &Ident{}, Lo: x.Lo, Hi: x.Hi, Not: x.Not})[len("<bad>"):] + ")"
	}
	return Print(x)
}

// TestSeedRule checks that the upstream seed rule, whose YAML keys were
// swallowed into its query block, is rejected where Microsoft rejects it.
func TestSeedRule(t *testing.T) {
	path := sharedtest.Dir(t, "seeds", "seed-rule.upstream.yaml")
	query := yamlBlock(t, path, "query")
	_, errs := Parse(query)
	if len(errs) == 0 {
		t.Fatal("Parse(seed upstream query) = no errors, want the swallowed entityMappings rejected")
	}
	got := errs[0].At(query)
	want := "expected ',', found 'entityMappings' in 'project'"
	if !strings.HasSuffix(got, want) {
		t.Errorf("Parse(seed upstream query) first error = %q, want suffix %q", got, want)
	}
	fixed := yamlBlock(t, sharedtest.Dir(t, "seeds", "seed-rule.yaml"), "query")
	if _, errs := Parse(fixed); len(errs) > 0 {
		t.Errorf("Parse(fixed seed query): %s", errs[0].At(fixed))
	}
}

// TestLargeInputs checks that pathological inputs stay fast (no quadratic
// error or string handling).
func TestLargeInputs(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("T | project a b\n;", 50000),
		"print " + strings.Repeat(`"a" `, 200000),
		strings.Repeat("(a, ", 50000),
		strings.Repeat("T | where x == (", 20000),
		strings.Repeat("let x = 1;\n", 50000) + "x",
	} {
		s, _ := Parse(src)
		Print(s)
	}
}
