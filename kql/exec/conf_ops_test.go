package exec

import (
	"fmt"
	"testing"
)

// confOpCases cover the operators and planning rules added for the documentation's
// examples: scan, several-result functions, project-by-names, rows_near, named arguments,
// extract with typeof, and the semantics DESIGN.md lists as easy to get wrong.
var confOpCases = []scriptCase{
	{name: "scan: running total with a declared default",
		query: `range x from 1 to 4 step 1 | scan declare (total:long=0) with (step s: true => total = x + s.total;)`,
		want:  []string{"x|total", "1|1", "2|3", "3|6", "4|10"}, ordered: true},
	{name: "scan: assignments may target input columns",
		query: `datatable(v:long)[1, long(null), 3, long(null)] | scan with (step s: true => v = iff(isnull(v), s.v, v);)`,
		want:  []string{"v", "1", "1", "3", "3"}, ordered: true},
	{name: "scan: sessions with match ids and output=none",
		query: `datatable(Ts:timespan)[0m, 1m, 32m, 36m, 75m]
| scan with_match_id=id declare (start:timespan) with (
    step inSession: true => start = iff(isnull(inSession.start), Ts, inSession.start);
    step endSession output=none: Ts - inSession.start > 30m;)`,
		want: []string{"Ts|start|id", "00:00:00|00:00:00|0", "00:01:00|00:00:00|0", "00:32:00|00:32:00|1",
			"00:36:00|00:32:00|1", "01:15:00|01:15:00|2"}, ordered: true},
	{name: "scan: a two-step sequence; a repeated end matches within its sequence",
		query: `datatable(t:long, e:string)[1,"login", 2,"x", 3,"logout", 4,"logout"]
| scan declare (began:long) with (
    step s1 output=none: e == "login" => began = t;
    step s2: e == "logout" => began = s1.began;)`,
		want: []string{"t|e|began", "3|logout|1", "4|logout|1"}, ordered: true},
	{name: "scan: output=last keeps the last of repeated matches",
		query: `range x from 1 to 5 step 1 | scan with (step s output=last: x < 4;)`,
		want:  []string{"x", "3"}},
	{name: "scan: unknown assigned column",
		query: `range x from 1 to 2 step 1 | scan with (step s: true => y = 1;)`,
		err:   `unknown column "y"`},
	{name: "series_stats in project gives seven named columns",
		query: `print x=dynamic([1, 2, 3]) | project series_stats(x)`,
		want: []string{"series_stats_x_min|series_stats_x_min_idx|series_stats_x_max|series_stats_x_max_idx|series_stats_x_avg|series_stats_x_stdev|series_stats_x_variance",
			"1|0|3|2|2|1|1"}},
	{name: "tuple names take the results in order",
		query: `print y=dynamic([2, 4, 6]) | extend (rsq, slope) = series_fit_line(y) | project rsq, slope`,
		want:  []string{"rsq|slope", "1|2"}},
	{name: "array_sort_asc over several arrays names a column per array",
		query: `let a = dynamic([3, 1, 2]); print array_sort_asc(a, dynamic(["c", "a", "b"]))`,
		want:  []string{`a_sorted|print_1`, `[1,2,3]|["a","b","c"]`}},
	{name: "array_sort_asc over several arrays indexes as an array of arrays",
		query: `print r = array_sort_desc(dynamic([3, 1, 2]), dynamic(["c", "a", "b"]))[1]`,
		want:  []string{`r`, `["c","b","a"]`}},
	{name: "project-by-names keeps named and matched columns in order",
		query: `datatable(Name:string, Age:int, City:string, Country:string)["P", 39, "NY", "USA"]
| project-by-names "C*", dynamic(["Name", "Nope"]), "City"`,
		want: []string{"City|Country|Name", "NY|USA|P"}},
	{name: "column_names_of",
		query: `let T = datatable(A:string, B:int)[]; print c = column_names_of(T)`,
		want:  []string{"c", `["A","B"]`}},
	{name: "rows_near",
		query: `range x from 1 to 10 step 1 | evaluate rows_near(x == 5 or x == 9, 1, 0)`,
		want:  []string{"x", "4", "5", "8", "9"}, ordered: true},
	{name: "rolling_percentile over windows of two bins",
		query: `range idx from 0 to 5 step 1 | extend val = idx + 1 | evaluate rolling_percentile(val, 50, idx, 2, 2)`,
		want:  []string{"idx|rolling_2_percentile_val_50", "0|1", "2|2", "4|4"}},
	{name: "active_users_count needs appearances in enough distinct periods",
		query: `datatable(u:string, t:datetime)["A", datetime(2018-07-01), "A", datetime(2018-07-02), "A", datetime(2018-07-03), "B", datetime(2018-07-03), "B", datetime(2018-07-03 05:00)]
| evaluate active_users_count(u, t, datetime(2018-07-01), datetime(2018-07-10), 8d, 1d, 3, 7d)`,
		want: []string{"t|dcount", "2018-07-01T00:00:00Z|1"}},
	{name: "named arguments of a let function",
		query: `let f = (a:long, b:string = "d", c:long = 0) { strcat(a, "-", b, "-", c) }; print x = f(c=7, a=12)`,
		want:  []string{"x", "12-d-7"}},
	{name: "extract converts with typeof",
		query: `print m = extract(@"-(\d{2})-", 1, "21-07-2023", typeof(int)) | extend t = gettype(m)`,
		want:  []string{"m|t", "7|int"}},
	{name: "a column shadows a let value in mv-expand naming",
		query: `let x = dynamic([1, 2]); print x = x | mv-expand x`,
		want:  []string{"x", "1", "2"}},
	// DESIGN.md's "easy to get wrong".
	{name: "has matches whole terms",
		query: `print a = "hello world" has "wor", b = "hello world" has "WORLD", c = "a.b.c" has "b.c"`,
		want:  []string{"a|b|c", "false|true|true"}},
	{name: "== is case-sensitive on strings, =~ is not",
		query: `print a = "ABC" == "abc", b = "ABC" =~ "abc", c = "a" in ("A"), d = "a" in~ ("A")`,
		want:  []string{"a|b|c|d", "false|true|false|true"}},
	{name: "strings are never null",
		query: `print a = isnull(""), b = isnull(tostring(int(null))), c = isempty(tostring(int(null)))`,
		want:  []string{"a|b|c", "false|false|true"}},
	{name: "tostring of a bag is compact JSON",
		query: `print s = tostring(dynamic({"a": 1, "b": [1, 2]}))`,
		want:  []string{"s", `{"a":1,"b":[1,2]}`}},
	{name: "arg_max(T, *) names the columns after the input",
		query: `datatable(a:long, b:string, c:real)[1, "x", 1.5, 2, "y", 2.5, 3, "x", 0.5] | summarize arg_max(a, *) by b`,
		want:  []string{"b|a|c", "x|3|0.5", "y|2|2.5"}},
	{name: "real printing",
		query: `print a = 1.0, b = real(1) / 4, c = 1e20`,
		want:  []string{"a|b|c", "1|0.25|1E+20"}},
}

func TestConfOperators(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			runScript(t, testEngine(t, workers), confOpCases)
		})
	}
}
