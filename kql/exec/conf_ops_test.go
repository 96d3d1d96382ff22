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
	{name: "one name takes the first result, the others keep their names",
		query: `print y = dynamic([1, 2, 3]) | extend m = series_stats(y) | project m, series_stats_y_max`,
		want:  []string{"m|series_stats_y_max", "1|3"}},
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
	{name: "hll and tdigest sketches",
		query: `range x from 1 to 10 step 1 | summarize h = hll(x), t = tdigest(x) | project d = dcount_hll(h), p = percentile_tdigest(t, 50), r = rank_tdigest(t, 7)`,
		want:  []string{"d|p|r", "10|5|7"}},
	{name: "hll_merge is an aggregate and a scalar",
		query: `range x from 1 to 6 step 1 | summarize h = hll(x) by odd = x % 2 | summarize m = hll_merge(h), a = make_list(h) | project d = dcount_hll(m), e = dcount_hll(hll_merge(a[0], a[1]))`,
		want:  []string{"d|e", "6|6"}},
	{name: "dcount_intersect over register sketches",
		query: `range x from 1 to 20000 step 1 | summarize a = hll(x), b = hll(iff(x % 2 == 0, x, 0)) | evaluate dcount_intersect(a, b) | project s0ok = abs(s0 - 20000) < 400, s1ok = abs(s1 - 10001) < 800`,
		want:  []string{"s0ok|s1ok", "true|true"}},
	{name: "buildschema",
		query: `datatable(v:dynamic)[dynamic({"x":1, "y":3.5}), dynamic({"x":"s", "z":[1, "a"]})] | summarize s = buildschema(v) | project s = tostring(s)`,
		want:  []string{"s", "{\"x\":[\"long\",\"string\"],\"y\":\"double\",\"z\":{\"`indexer`\":[\"long\",\"string\"]}}"}},
	{name: "assert passes a true constant",
		query: `let f = (n:long) { assert(n > 0, "n must be positive") and n < 5 }; range x from 1 to 3 step 1 | where f(2)`,
		want:  []string{"x", "1", "2", "3"}},
	{name: "assert stops the query on false",
		query: `let f = (n:long) { assert(n > 0, "n must be positive") }; print f(0)`,
		err:   "assertion failed: n must be positive"},
	{name: "make-series takes a constant for bins with rows",
		query: `datatable(t:long, v:long)[0, 5, 2, 7] | make-series s = sum(v), c = -1 default = -2 on t from 0 to 3 step 1`,
		want:  []string{"s|c|t", "[5,0,7]|[-1,-2,-1]|[0,1,2]"}},
	{name: "pattern with a path",
		query: "declare pattern country = (name:string)[state:string]\n{\n  (\"USA\").[\"New York\"] = { print Capital = \"Albany\" };\n  (\"Canada\").[\"Alberta\"] = { print Capital = strcat(name, \"/\", state) };\n};\ncountry(\"Canada\").Alberta",
		want:  []string{"Capital", "Canada/Alberta"}},
	{name: "pattern without a matching case",
		query: "declare pattern p = (a:long) { (1) = { print x = 1 }; };\np(2)",
		err:   "no case for these arguments"},
	{name: "sliding_window_counts (the reference page's data)",
		query: `datatable(UserId:string, Timestamp:datetime)[
    "Bob", datetime(2017-08-01), "David", datetime(2017-08-01), "David", datetime(2017-08-01), "John", datetime(2017-08-01), "Bob", datetime(2017-08-01),
    "Ananda", datetime(2017-08-02), "Atul", datetime(2017-08-02), "John", datetime(2017-08-02),
    "Ananda", datetime(2017-08-03), "Atul", datetime(2017-08-03), "Atul", datetime(2017-08-03), "John", datetime(2017-08-03), "Bob", datetime(2017-08-03),
    "Betsy", datetime(2017-08-04), "Bob", datetime(2017-08-05)]
| evaluate sliding_window_counts(UserId, Timestamp, datetime(2017-08-01), datetime(2017-08-07), 3d, 1d)`,
		want: []string{"Timestamp|Count|dcount", "2017-08-01T00:00:00Z|5|3", "2017-08-02T00:00:00Z|8|5", "2017-08-03T00:00:00Z|13|5",
			"2017-08-04T00:00:00Z|9|5", "2017-08-05T00:00:00Z|7|5", "2017-08-06T00:00:00Z|2|2", "2017-08-07T00:00:00Z|1|1"}},
	{name: "lenient datetime literals",
		query: `print a = datetime(2025, 6, 14), b = datetime(2017 - 08 - 01)`,
		want:  []string{"a|b", "2025-06-14T00:00:00Z|2017-08-01T00:00:00Z"}},
	{name: "count(x) over a non-bool column counts rows",
		query: `range x from 1 to 2 step 1 | extend y = iff(x == 1, real(null), real(5)) | summarize count(y), count(x > 1)`,
		want:  []string{"count_y|count_", "2|1"}},
	{name: "partition by a column named as a table in the subquery",
		query: `let T = datatable(x:long)[1, 2, 3]; datatable(k:long)[1, 2, 1] | partition by k { T | where x > toscalar(k) | summarize n = count() | extend k = toscalar(k) }`,
		want:  []string{"n|k", "2|1", "1|2"}},
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
