package exec

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/types"
)

// testEngine has two small tables, built in batches of 2 rows so that every operator sees
// several batches, and runs with the given number of workers.
func testEngine(t testing.TB, workers int) *Engine {
	t.Helper()
	mk := func(name string, schema []column.Field, rows [][]types.Value) *column.Table {
		return &column.Table{Name: name, Schema: schema, Batches: rowsToBatches(schema, rows, 2)}
	}
	ts := func(s string) types.Value {
		v, ok := types.ParseDateTime(s)
		if !ok {
			t.Fatalf("bad datetime %q", s)
		}
		return types.NewDateTime(v)
	}
	str, long := types.NewString, types.NewLong
	dyn := types.ParseJSON
	signin := mk("SigninLogs", []column.Field{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "UserPrincipalName", Type: types.String},
		{Name: "ResultType", Type: types.String}, {Name: "IPAddress", Type: types.String},
		{Name: "AppDisplayName", Type: types.String}, {Name: "DurationMs", Type: types.Long},
		{Name: "DeviceDetail", Type: types.Dynamic},
	}, [][]types.Value{
		{ts("2024-01-01T10:00:00Z"), str("alice@contoso.com"), str("0"), str("10.0.0.1"), str("Azure Portal"), long(120), dyn(`{"operatingSystem":"Windows","browser":"Edge"}`)},
		{ts("2024-01-01T10:05:00Z"), str("bob@contoso.com"), str("50126"), str("10.0.0.2"), str("Azure Portal"), long(80), dyn(`{"operatingSystem":"Linux"}`)},
		{ts("2024-01-01T11:00:00Z"), str("alice@contoso.com"), str("50126"), str("10.0.0.3"), str("Office 365 Exchange Online"), types.NullOf(types.Long), dyn(`{"operatingSystem":"Windows"}`)},
		{ts("2024-01-01T11:30:00Z"), str("carol@contoso.com"), str("0"), str("10.0.0.1"), str("Microsoft Teams"), long(300), types.NullOf(types.Dynamic)},
		{ts("2024-01-01T12:00:00Z"), str("bob@contoso.com"), str("50126"), str("10.0.0.2"), str("Azure Portal"), long(95), dyn(`{"operatingSystem":"Linux"}`)},
		{ts("2024-01-02T09:00:00Z"), str("Alice@Contoso.com"), str("0"), str("10.0.0.9"), str("AzurePortal"), long(60), dyn(`{}`)},
	})
	return &Engine{
		Tables:  map[string]*column.Table{"SigninLogs": signin},
		Funcs:   funcs.Default(),
		Now:     time.Date(2024, 1, 2, 12, 0, 0, 0, time.UTC),
		Workers: workers,
	}
}

// render prints a result table as lines of `|`-separated cells, header first.
func render(t ResultTable) []string {
	var names []string
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	out := []string{strings.Join(names, "|")}
	for _, r := range t.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = FormatValue(v)
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

type scriptCase struct {
	name    string
	query   string
	want    []string // header then rows
	ordered bool     // compare rows in order; otherwise as a sorted multiset
	err     string   // expected error fragment instead of a result
}

func runScript(t *testing.T, eng *Engine, cases []scriptCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := eng.Query(context.Background(), c.query)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("Query(%q) error = %v, want %q", c.query, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Query(%q): %v", c.query, err)
			}
			if len(res.Tables) != 1 {
				t.Fatalf("Query(%q) returned %d tables, want 1", c.query, len(res.Tables))
			}
			got := render(res.Tables[0])
			want := append([]string(nil), c.want...)
			if !c.ordered {
				sort.Strings(got[1:])
				sort.Strings(want[1:])
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Query(%q) mismatch (-want +got):\n%s", c.query, diff)
			}
		})
	}
}

func TestOperators(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			runScript(t, testEngine(t, workers), operatorCases)
		})
	}
}

var operatorCases = []scriptCase{
	{name: "where string eq is case-sensitive",
		query: `SigninLogs | where UserPrincipalName == "alice@contoso.com" | project IPAddress`,
		want:  []string{"IPAddress", "10.0.0.1", "10.0.0.3"}},
	{name: "where =~ ignores case",
		query: `SigninLogs | where UserPrincipalName =~ "alice@contoso.com" | project IPAddress`,
		want:  []string{"IPAddress", "10.0.0.1", "10.0.0.3", "10.0.0.9"}},
	{name: "has matches whole terms",
		query: `SigninLogs | where AppDisplayName has "portal" | count`,
		want:  []string{"Count", "3"}},
	{name: "contains matches substrings",
		query: `SigninLogs | where AppDisplayName contains "portal" | count`,
		want:  []string{"Count", "4"}},
	{name: "has_cs is case-sensitive",
		query: `SigninLogs | where AppDisplayName has_cs "portal" | count`,
		want:  []string{"Count", "0"}},
	{name: "!has", query: `SigninLogs | where AppDisplayName !has "Portal" | project AppDisplayName`,
		want: []string{"AppDisplayName", "AzurePortal", "Microsoft Teams", "Office 365 Exchange Online"}},
	{name: "in and !in",
		query: `SigninLogs | where ResultType in ("50126", "50053") and IPAddress !in ("10.0.0.3") | project IPAddress`,
		want:  []string{"IPAddress", "10.0.0.2", "10.0.0.2"}},
	{name: "string in a list of numbers compares text",
		query: `let codes = dynamic([50126, 50053]); SigninLogs | where ResultType in (codes) | count`,
		want:  []string{"Count", "3"}},
	{name: "in~ ignores case",
		query: `SigninLogs | where UserPrincipalName in~ ("ALICE@contoso.com") | count`,
		want:  []string{"Count", "3"}},
	{name: "has_any",
		query: `SigninLogs | where AppDisplayName has_any ("teams", "exchange") | project AppDisplayName`,
		want:  []string{"AppDisplayName", "Microsoft Teams", "Office 365 Exchange Online"}},
	{name: "null comparisons are not true",
		query: `SigninLogs | where DurationMs > 90 | project DurationMs`,
		want:  []string{"DurationMs", "120", "300", "95"}},
	{name: "isnull",
		query: `SigninLogs | where isnull(DurationMs) | project UserPrincipalName`,
		want:  []string{"UserPrincipalName", "alice@contoso.com"}},
	{name: "dynamic member access",
		query: `SigninLogs | extend os = tostring(DeviceDetail.operatingSystem) | summarize n=count() by os`,
		want:  []string{"os|n", "|2", "Linux|2", "Windows|2"}},
	{name: "extend removes a replaced column and appends it (extend-operator.md)",
		query: `SigninLogs | where DurationMs == 120 | extend ResultType = "x" | project-keep ResultType, IPAddress`,
		want:  []string{"IPAddress|ResultType", "10.0.0.1|x"}},
	{name: "project computes and names",
		query: `SigninLogs | where IPAddress == "10.0.0.9" | project IPAddress, d = DurationMs * 2, DurationMs + 1`,
		want:  []string{"IPAddress|d|Column1", "10.0.0.9|120|61"}},
	{name: "project-away with wildcard",
		query: `SigninLogs | where DurationMs == 120 | project-away *Name, TimeGenerated, DeviceDetail, DurationMs`,
		want:  []string{"ResultType|IPAddress", "0|10.0.0.1"}},
	{name: "project-rename",
		query: `SigninLogs | where DurationMs == 120 | project-rename Ip = IPAddress | project Ip`,
		want:  []string{"Ip", "10.0.0.1"}},
	{name: "project-reorder",
		query: `SigninLogs | where DurationMs == 120 | project IPAddress, ResultType | project-reorder ResultType`,
		want:  []string{"ResultType|IPAddress", "0|10.0.0.1"}},
	{name: "summarize count and dcount by key",
		query: `SigninLogs | summarize count(), dcount(IPAddress) by ResultType`,
		want:  []string{"ResultType|count_|dcount_IPAddress", "0|3|2", "50126|3|2"}},
	{name: "summarize with bin keeps the column name",
		query: `SigninLogs | summarize n = count() by bin(TimeGenerated, 1d)`,
		want:  []string{"TimeGenerated|n", "2024-01-01T00:00:00Z|5", "2024-01-02T00:00:00Z|1"}},
	{name: "summarize without rows gives one row",
		query: `SigninLogs | where IPAddress == "none" | summarize count(), sum(DurationMs)`,
		want:  []string{"count_|sum_DurationMs", "0|0"}},
	{name: "summarize expression over aggregates",
		query: `SigninLogs | summarize avgMs = round(avg(DurationMs) / 10, 1) by ResultType`,
		want:  []string{"ResultType|avgMs", "0|16", "50126|8.8"}},
	{name: "arg_max with star",
		query: `SigninLogs | summarize arg_max(TimeGenerated, *) by UserPrincipalName | project UserPrincipalName, IPAddress`,
		want:  []string{"UserPrincipalName|IPAddress", "Alice@Contoso.com|10.0.0.9", "alice@contoso.com|10.0.0.3", "bob@contoso.com|10.0.0.2", "carol@contoso.com|10.0.0.1"}},
	{name: "make_set",
		query: `SigninLogs | where UserPrincipalName == "bob@contoso.com" | summarize ips = make_set(IPAddress)`,
		want:  []string{"ips", `["10.0.0.2"]`}},
	{name: "sort desc puts nulls last", ordered: true,
		query: `SigninLogs | sort by DurationMs desc | project DurationMs`,
		want:  []string{"DurationMs", "300", "120", "95", "80", "60", ""}},
	{name: "sort asc puts nulls first", ordered: true,
		query: `SigninLogs | order by DurationMs asc | project DurationMs`,
		want:  []string{"DurationMs", "", "60", "80", "95", "120", "300"}},
	{name: "top", ordered: true,
		query: `SigninLogs | top 2 by DurationMs | project DurationMs`,
		want:  []string{"DurationMs", "300", "120"}},
	{name: "take stops early",
		query: `SigninLogs | take 3 | count`,
		want:  []string{"Count", "3"}},
	{name: "distinct",
		query: `SigninLogs | distinct ResultType, IPAddress`,
		want:  []string{"ResultType|IPAddress", "0|10.0.0.1", "0|10.0.0.9", "50126|10.0.0.2", "50126|10.0.0.3"}},
	{name: "ago uses the engine's now",
		query: `SigninLogs | where TimeGenerated > ago(4h) | count`,
		want:  []string{"Count", "1"}},
	{name: "let scalar and tabular",
		query: `let threshold = 90; let slow = SigninLogs | where DurationMs > threshold; slow | count`,
		want:  []string{"Count", "3"}},
	{name: "let function",
		query: `let f = (n:long) { n * 2 }; print x = f(21)`,
		want:  []string{"x", "42"}},
	{name: "toscalar",
		query: `let m = toscalar(SigninLogs | summarize max(DurationMs)); SigninLogs | where DurationMs == m | project UserPrincipalName`,
		want:  []string{"UserPrincipalName", "carol@contoso.com"}},
	{name: "in subquery",
		query: `SigninLogs | where UserPrincipalName in ((SigninLogs | where ResultType == "50126" | distinct UserPrincipalName)) | distinct UserPrincipalName`,
		want:  []string{"UserPrincipalName", "alice@contoso.com", "bob@contoso.com"}},
	{name: "materialize",
		query: `let m = materialize(SigninLogs | summarize n=count() by ResultType); m | join kind=inner m on ResultType | project ResultType, n, n1`,
		want:  []string{"ResultType|n|n1", "0|3|3", "50126|3|3"}},
	{name: "union withsource",
		query: `union withsource=T (print a=1), (print a=2, b="x") | project T, a, b`,
		want:  []string{"T|a|b", "union_arg0|1|", "union_arg1|2|x"}},
	{name: "mv-expand with itemindex",
		query: `print d=dynamic(["a","b"]) | mv-expand with_itemindex=i d to typeof(string)`,
		want:  []string{"d|i", "a|0", "b|1"}},
	{name: "mv-expand of an empty array gives no row",
		query: `datatable(k:long, d:dynamic)[1, dynamic([]), 2, dynamic([5])] | mv-expand d`,
		want:  []string{"k|d", "2|5"}},
	{name: "parse",
		query: `print s="user=bob id=42 end" | parse s with "user=" user " id=" id:long " " rest`,
		want:  []string{"s|user|id|rest", "user=bob id=42 end|bob|42|end"}},
	{name: "parse-where drops non-matching rows",
		query: `datatable(s:string)["a=1", "nope"] | parse-where s with "a=" a:long`,
		want:  []string{"s|a", "a=1|1"}},
	{name: "range and serialize row_number", ordered: true,
		query: `range x from 1 to 3 step 1 | serialize rn = row_number() | extend p = prev(x)`,
		want:  []string{"x|rn|p", "1|1|", "2|2|1", "3|3|2"}},
	{name: "datatable with nulls",
		query: `datatable(a:long, b:string)[1, "x", long(null), ""] | where isnull(a) | extend e = isempty(b)`,
		want:  []string{"a|b|e", "||true"}},
	{name: "getschema",
		query: `SigninLogs | project IPAddress, DurationMs | getschema`,
		want:  []string{"ColumnName|ColumnOrdinal|DataType|ColumnType", "IPAddress|0|System.String|string", "DurationMs|1|System.Int64|long"}},
	{name: "bag_unpack",
		query: `datatable(d:dynamic)[dynamic({"a":1,"b":"x"}), dynamic({"a":2})] | evaluate bag_unpack(d)`,
		want:  []string{"a|b", "1|x", "2|"}},
	{name: "make-series",
		query: `SigninLogs | make-series n=count() default=0 on TimeGenerated from datetime(2024-01-01) to datetime(2024-01-03) step 1d`,
		want:  []string{"n|TimeGenerated", `[5,1]|["2024-01-01T00:00:00.0000000Z","2024-01-02T00:00:00.0000000Z"]`}},
	{name: "render is accepted",
		query: `SigninLogs | summarize count() by ResultType | render piechart`,
		want:  []string{"ResultType|count_", "0|3", "50126|3"}},
	{name: "search a term in any column",
		query: `SigninLogs | search "teams" | project UserPrincipalName`,
		want:  []string{"UserPrincipalName", "carol@contoso.com"}},
	{name: "search column:term",
		query: `search in (SigninLogs) AppDisplayName:"exchange" | project $table, IPAddress`,
		want:  []string{"$table|IPAddress", "SigninLogs|10.0.0.3"}},
	{name: "partition",
		query: `SigninLogs | partition by ResultType (top 1 by TimeGenerated) | project ResultType, IPAddress`,
		want:  []string{"ResultType|IPAddress", "0|10.0.0.9", "50126|10.0.0.2"}},
	{name: "mv-apply keeps the outer columns",
		query: `datatable(k:long, a:dynamic)[1, dynamic([3,1,2]), 2, dynamic([7])] | mv-apply v = a to typeof(long) on (top 1 by v) | project k, v`,
		want:  []string{"k|v", "1|3", "2|7"}},
	{name: "mv-apply with a row-wise subquery",
		query: `datatable(k:long, a:dynamic)[1, dynamic([3,1,2]), 2, dynamic([7])] | mv-apply v = a to typeof(long) on (where v > 1 | extend w = v * 10) | project k, v, w`,
		want:  []string{"k|v|w", "1|3|30", "1|2|20", "2|7|70"}},
	{name: "or evaluates the right side only where needed, keeping null rules",
		query: `SigninLogs | where isnull(DurationMs) or DurationMs > 100 | project IPAddress`,
		want:  []string{"IPAddress", "10.0.0.1", "10.0.0.3", "10.0.0.1"}},
	{name: "and with a null left side",
		query: `SigninLogs | extend big = DurationMs > 100 | where not(big and ResultType == "0") | project IPAddress`,
		want:  []string{"IPAddress", "10.0.0.2", "10.0.0.3", "10.0.0.2", "10.0.0.9"}},
	{name: "union of differently typed columns",
		query: `union (print x = 1), (print x = "a") | project x_long, x_string`,
		want:  []string{"x_long|x_string", "1|", "|a"}},
	{name: "parse-kv",
		query: `print s = "a=1, b=x y, c=3" | parse-kv s as (a:long, b:string, c:long) with (pair_delimiter=",", kv_delimiter="=") | project a, b, c`,
		want:  []string{"a|b|c", "1|x y|3"}},
	{name: "top-nested",
		query: `SigninLogs | top-nested 1 of ResultType by n = count(), top-nested 1 of IPAddress by m = count()`,
		want:  []string{"ResultType|n|IPAddress|m", "0|3|10.0.0.1|2"}},
	{name: "pivot",
		query: `SigninLogs | evaluate pivot(ResultType, count(), AppDisplayName) | where AppDisplayName has "portal"`,
		want:  []string{"AppDisplayName|0|50126", "Azure Portal|1|2"}},
	{name: "sample-distinct",
		query: `SigninLogs | sample-distinct 10 of ResultType`,
		want:  []string{"ResultType", "0", "50126"}},
	{name: "ipv4_lookup takes the longest matching prefix",
		query: `let nets = datatable(net:string, label:string)["10.0.0.0/8","corp", "10.0.0.0/30","core", "192.168.1.1","host"];
SigninLogs | evaluate ipv4_lookup(nets, IPAddress, net, return_unmatched = true) | distinct IPAddress, label`,
		want: []string{"IPAddress|label", "10.0.0.1|core", "10.0.0.2|core", "10.0.0.3|core", "10.0.0.9|corp"}},
	{name: "unknown column is an error with position",
		query: `SigninLogs | where Nope == 1`, err: `1:20: unknown name "Nope"`},
	{name: "row_window_session starts a session at the first value, after maxDistanceFromFirst and after a gap",
		query: `range i from 0 to 7 step 1 | extend t = datetime(2024-01-01) + i * 3m + iff(i == 7, 30m, 0m) | extend s = row_window_session(t, 10m, 5m) | summarize n = count() by s`,
		want:  []string{"s|n", "2024-01-01T00:00:00Z|4", "2024-01-01T00:12:00Z|3", "2024-01-01T00:51:00Z|1"}},
	{name: "arithmetic converts dynamic numbers; the result is dynamic",
		query: `print a = dynamic(5) / 2, b = parse_json('{"x":2.5}').x - 1.0 | extend ta = gettype(a) == gettype(dynamic(7))`,
		want:  []string{"a|b|ta", "2|1.5|true"}},
	{name: "a 32-bit hex int literal keeps its bits",
		query: `print a = int(0xf090013d), b = int(0x10)`,
		want:  []string{"a|b", "-258997955|16"}},
	{name: "row_number after summarize is an error (serialize-operator.md)",
		query: `SigninLogs | summarize by IPAddress | extend rn = row_number()`, err: "not serialized after 'summarize'"},
	{name: "row_number after summarize then serialize runs",
		query: `SigninLogs | summarize by IPAddress | serialize | extend rn = row_number() | count`,
		want:  []string{"Count", "4"}},
	{name: "find with project: source_, the listed columns, null where a table lacks one",
		query: `let A = datatable(OperationName:string)["x"]; find in (SigninLogs, A) where IPAddress == "10.0.0.9" project IPAddress, OperationName`,
		want:  []string{"source_|IPAddress|OperationName", "SigninLogs|10.0.0.9|"}},
	{name: "find project-smart packs the columns the predicate does not name",
		query: `find in (SigninLogs) where IPAddress == "10.0.0.9" | project source_, IPAddress, t = gettype(pack_)`,
		want:  []string{"source_|IPAddress|t", "SigninLogs|10.0.0.9|dictionary"}},
	{name: "search terms with wildcards and kind=case_sensitive (search-operator.md)",
		query: `SigninLogs | search "10.0.0.*" | count | extend cs = toscalar(SigninLogs | search kind=case_sensitive "X" | count)`,
		want:  []string{"Count|cs", "6|0"}},
	{name: "a datetime literal of a time of day alone is that time today; datetime(now) is now()",
		query: `print a = datetime("8:30:00 PM"), b = datetime(8:00), c = datetime(now) == now()`,
		want:  []string{"a|b|c", "2024-01-02T20:30:00Z|2024-01-02T08:00:00Z|true"}},
	{name: "basket finds the frequent patterns and leaves out those a longer pattern matches equally",
		query: `datatable(a:string, b:string, n:long)["x","p",1, "x","p",1, "x","q",2, "y","q",1] | evaluate basket(0.5)`,
		want:  []string{"SegmentId|Count|Percent|a|b|n", "0|3|75|x||", "1|3|75|||1", "2|2|50||q|", "3|2|50|x|p|1"}},
	{name: "row_rank is row_rank_dense",
		query: `datatable(x:long)[1, 1, 5, 7, 7] | serialize | extend r = row_rank(x), d = row_rank_dense(x) | where r != d | count`,
		want:  []string{"Count", "0"}},
	{name: "externaldata refuses schemes other than file and http(s)",
		query: `externaldata(a:string)["ftp://example.com/x.csv"]`, err: "expected a local file or an http(s) URL"},
}

// joinCases checks every join kind on two small tables; keys compare case-sensitively.
var joinCases = []scriptCase{
	{name: "innerunique is the default and keeps the first left row per key",
		query: joinPrelude + `L | join R on k | project k, lv, rv`,
		want:  []string{"k|lv|rv", "a|1|x", "a|1|y", "b|3|z"}},
	{name: "innerunique: a where on a left column applies before the dedup",
		query: joinPrelude + `L | join R on k | where lv == 2 | project k, lv, rv`,
		want:  []string{"k|lv|rv", "a|2|x", "a|2|y"}},
	{name: "innerunique: a where on a right column applies after the join",
		query: joinPrelude + `L | join R on k | where rv == "y" | project k, lv, rv`,
		want:  []string{"k|lv|rv", "a|1|y"}},
	{name: "inner",
		query: joinPrelude + `L | join kind=inner R on k | project k, lv, rv`,
		want:  []string{"k|lv|rv", "a|1|x", "a|1|y", "a|2|x", "a|2|y", "b|3|z"}},
	{name: "leftouter",
		query: joinPrelude + `L | join kind=leftouter R on k | project k, lv, k1, rv`,
		want:  []string{"k|lv|k1|rv", "a|1|a|x", "a|1|a|y", "a|2|a|x", "a|2|a|y", "b|3|b|z", "A|4||", "c|5||"}},
	{name: "rightouter",
		query: joinPrelude + `L | join kind=rightouter R on k | project k, lv, k1, rv`,
		want:  []string{"k|lv|k1|rv", "a|1|a|x", "a|1|a|y", "a|2|a|x", "a|2|a|y", "b|3|b|z", "||d|w"}},
	{name: "fullouter",
		query: joinPrelude + `L | join kind=fullouter R on k | project k, lv, k1, rv`,
		want:  []string{"k|lv|k1|rv", "a|1|a|x", "a|1|a|y", "a|2|a|x", "a|2|a|y", "b|3|b|z", "A|4||", "c|5||", "||d|w"}},
	{name: "leftsemi",
		query: joinPrelude + `L | join kind=leftsemi R on k`,
		want:  []string{"k|lv", "a|1", "a|2", "b|3"}},
	{name: "leftanti",
		query: joinPrelude + `L | join kind=leftanti R on k`,
		want:  []string{"k|lv", "A|4", "c|5"}},
	{name: "anti is leftanti",
		query: joinPrelude + `L | join kind=anti R on k`,
		want:  []string{"k|lv", "A|4", "c|5"}},
	{name: "rightsemi",
		query: joinPrelude + `L | join kind=rightsemi R on k`,
		want:  []string{"k|rv", "a|x", "a|y", "b|z"}},
	{name: "rightanti",
		query: joinPrelude + `L | join kind=rightanti R on k`,
		want:  []string{"k|rv", "d|w"}},
	{name: "$left and $right keys",
		query: joinPrelude + `L | join kind=inner (R | project key=k, rv) on $left.k == $right.key | project k, rv`,
		want:  []string{"k|rv", "a|x", "a|y", "a|x", "a|y", "b|z"}},
	{name: "lookup drops the right key",
		query: joinPrelude + `L | lookup (R | summarize rv=max(rv) by k) on k`,
		want:  []string{"k|lv|rv", "a|1|y", "a|2|y", "b|3|z", "A|4|", "c|5|"}},
}

const joinPrelude = `let L = datatable(k:string, lv:long)["a",1, "a",2, "b",3, "A",4, "c",5];
let R = datatable(k:string, rv:string)["a","x", "a","y", "b","z", "d","w"];
`

func TestJoinKinds(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			runScript(t, testEngine(t, workers), joinCases)
		})
	}
}

func TestMemoryLimit(t *testing.T) {
	eng := testEngine(t, 2)
	eng.MemoryLimit = 64
	_, err := eng.Query(context.Background(), `SigninLogs | sort by TimeGenerated`)
	var le *LimitError
	if !errors.As(err, &le) {
		t.Fatalf("Query error = %v, want a *LimitError", err)
	}
	if want := "'sort' needs more than 64B of memory"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestCancel(t *testing.T) {
	eng := testEngine(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := eng.Query(ctx, `SigninLogs | count`)
	var ce *CanceledError
	if !errors.As(err, &ce) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Query error = %v, want a *CanceledError wrapping context.Canceled", err)
	}
}

// countingProc counts the batches it receives and asks to stop after the first.
type countingProc struct{ n int }

func (p *countingProc) push(int, *column.Batch) error { p.n++; return errStop }
func (p *countingProc) flush() error                  { return nil }

// TestTakeStopsScan checks that a processor returning errStop ends the scan early.
func TestTakeStopsScan(t *testing.T) {
	eng := testEngine(t, 1)
	x := eng.newExecutor(context.Background())
	q, err := Compile(`SigninLogs`, eng.PlanEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProc{}
	if err := x.run(q.Outputs[0].Root, p); err != nil {
		t.Fatal(err)
	}
	if p.n != 1 {
		t.Errorf("scan pushed %d batches after a stop, want 1", p.n)
	}
}

// TestParallelAggregation builds a table of many batches and checks that partial
// aggregates merged from several workers give the exact totals.
func TestParallelAggregation(t *testing.T) {
	eng := syntheticEngine(20_000, 4)
	res, err := eng.Query(context.Background(), `SigninLogs | where ResultType != "0" | summarize n=count(), s=sum(DurationMs) by AppDisplayName | summarize apps=count(), n=sum(n), s=sum(s)`)
	if err != nil {
		t.Fatal(err)
	}
	var wantN, wantS int64
	for i := 0; i < 20_000; i++ {
		if synthResult(i) != "0" {
			wantN++
			wantS += synthDuration(i)
		}
	}
	got := render(res.Tables[0])
	want := []string{"apps|n|s", fmt.Sprintf("%d|%d|%d", len(synthApps), wantN, wantS)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parallel aggregation mismatch (-want +got):\n%s", diff)
	}
}

func TestErrorKinds(t *testing.T) {
	eng := testEngine(t, 2)
	_, err := eng.Query(context.Background(), `SigninLogs | where`)
	if k := Kind(err); k != KindQuery {
		t.Errorf("Kind(%v) = %s, want query", err, k)
	}
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	_, err = eng.Query(ctx, `SigninLogs | count`)
	if k := Kind(err); k != KindTimeout {
		t.Errorf("Kind(%v) = %s, want timeout", err, k)
	}
	eng.MemoryLimit = 10
	_, err = eng.Query(context.Background(), `SigninLogs | summarize count() by IPAddress`)
	if k := Kind(err); k != KindLimit || !strings.Contains(err.Error(), "'summarize' needs more than") {
		t.Errorf("Kind(%v) = %s, want limit naming summarize", err, k)
	}
}
