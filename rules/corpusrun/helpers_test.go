package corpusrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// testCatalog is a catalog of one small table.
func testCatalog() *schema.Catalog {
	return schema.NewCatalog(&schema.Table{Name: "Logs", Columns: []schema.Column{
		{Name: "TimeGenerated", Type: types.DateTime},
		{Name: "User", Type: types.String},
		{Name: "Code", Type: types.Long},
	}})
}

// testTable is Logs with n rows: User "u<i>", Code i, TimeGenerated one minute apart
// ending at end.
func testTable(n int, end time.Time) *column.Table {
	tb, ub, cb := column.NewBuilder(types.DateTime), column.NewBuilder(types.String), column.NewBuilder(types.Long)
	for i := range n {
		tb.Append(types.NewDateTime(types.TicksFromTime(end.Add(-time.Duration(n-i) * time.Minute))))
		ub.Append(types.NewString("u" + string(rune('a'+i%26))))
		cb.Append(types.NewLong(int64(i)))
	}
	fields := []column.Field{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "User", Type: types.String}, {Name: "Code", Type: types.Long}}
	b, err := column.NewBatch(fields, []column.Vector{tb.Build(), ub.Build(), cb.Build()})
	if err != nil {
		panic(err)
	}
	return &column.Table{Name: "Logs", Schema: fields, Batches: []*column.Batch{b}}
}

func TestPrepareTables(t *testing.T) {
	cat := testCatalog()
	q, err := Prepare(`let f = (name:string) { table(name) }; f("Logs") | take 1`, cat, funcs.Default())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Logs"}, q.Tables); diff != "" {
		t.Errorf("Tables (-want +got):\n%s", diff)
	}
}

func TestLiterals(t *testing.T) {
	cat := testCatalog()
	src := `let users = dynamic(["alice", "bob"]);
Logs
| where User in (users) or User =~ "carol" or User has "dave" or User !has "eve"
| where Code == 50126 or 53003 == Code or Code in (1, 2) or Code !in (3)
| where (User startswith "frank")`
	q, err := Prepare(src, cat, funcs.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"User": {"alice", "bob", "carol", "dave", "frank"},
		"Code": {"50126", "53003", "1", "2"},
	}
	if diff := cmp.Diff(want, q.Literals()); diff != "" {
		t.Errorf("Literals (-want +got):\n%s", diff)
	}
}

func TestPlant(t *testing.T) {
	tables := map[string]*column.Table{"Logs": testTable(200, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	got := Plant(tables, map[string][]string{"Code": {"50126", "not a number"}, "Missing": {"x"}}, 1)
	if got["Logs"] == tables["Logs"] {
		t.Fatalf("Plant returned the table unchanged")
	}
	b := got["Logs"].Batches[0]
	planted := 0
	for i := 0; i < b.Len; i++ {
		if b.Cols[2].Value(i).I == 50126 {
			planted++
		}
		if u := b.Cols[1].Value(i).S; u != tables["Logs"].Batches[0].Cols[1].Value(i).S {
			t.Fatalf("row %d: User changed to %q", i, u)
		}
	}
	if planted < 60 || planted > 140 {
		t.Errorf("%d of 200 rows hold the planted value, want about half", planted)
	}
	again := Plant(tables, map[string][]string{"Code": {"50126"}}, 1)
	for i := 0; i < b.Len; i++ {
		if again["Logs"].Batches[0].Cols[2].Value(i).I != b.Cols[2].Value(i).I {
			t.Fatalf("row %d differs between two plantings with the same seed", i)
		}
	}
	if same := Plant(tables, map[string][]string{"Other": {"1"}}, 1); same["Logs"] != tables["Logs"] {
		t.Errorf("a table with no planted column was copied")
	}
}

func TestRunnerOutcomes(t *testing.T) {
	cat := testCatalog()
	reg := funcs.Default()
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &Runner{Catalog: cat, Funcs: reg, Tables: map[string]*column.Table{"Logs": testTable(50, end)}, Now: end, Timeout: 300 * time.Millisecond}
	unknown := func(name string) bool { return name == "_GetWatchlist" }
	for _, c := range []struct {
		src  string
		want Outcome
		rows int
		msg  string
	}{
		{"Logs | where TimeGenerated > ago(10m) | summarize count() by User", Completed, 9, ""},
		{"Logs | where", ParseError, 0, "1:13: expected expression"},
		{"Logs | where Nope == 1", CheckError, 0, "unknown column 'Nope'"},
		{"_GetWatchlist('vip') | join Logs on User", CheckEnvironment, 0, "unknown function '_GetWatchlist'"},
		{"_Other('vip') | join Logs on User", CheckError, 0, "unknown function '_Other'"},
		{"range x from 1 to 9000000000000 step 1 | summarize count()", Timeout, 0, ""},
	} {
		q, err := Prepare(c.src, cat, reg)
		if err != nil {
			t.Fatal(err)
		}
		res := r.Run(q, unknown)
		if res.Outcome != c.want || res.Outcome == Completed && res.Rows != c.rows || !strings.Contains(res.Msg, c.msg) {
			t.Errorf("Run(%q) = %s, %d rows, %q; want %s, %d rows, message with %q", c.src, res.Outcome, res.Rows, res.Msg, c.want, c.rows, c.msg)
		}
	}
}

func TestUnknownName(t *testing.T) {
	for msg, want := range map[string]string{
		"1:5: unknown function '_GetWatchlist'": "_GetWatchlist",
		`unknown table "SQLEvent"`:              "SQLEvent",
		"unknown column 'X'; did you mean 'Y'?": "X",
		"operator '/' is not defined":           "",
	} {
		if got, _ := unknownName(msg); got != want {
			t.Errorf("unknownName(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestServeExternalData(t *testing.T) {
	dir := t.TempDir()
	const url = "https://example.com/feed.csv"
	src := `externaldata(Name:string, Count:long)[@"` + url + `"] with (format="csv", ignoreFirstRecord=true)
| summarize sum(Count) by Name`
	n, err := ServeExternalData(src, dir, 10, 1)
	if err != nil || n != 1 {
		t.Fatalf("ServeExternalData = %d, %v; want 1 URL served", n, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, exec.URLKey(url)+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 11 || lines[0] != "Name,Count" {
		t.Errorf("file has %d lines starting %q, want a header and 10 rows", len(lines), lines[0])
	}
	cat, reg := testCatalog(), funcs.Default()
	q, err := Prepare(src, cat, reg)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Catalog: cat, Funcs: reg, Now: time.Now()}
	if res := r.Run(q, nil); res.Outcome != NetworkData {
		t.Errorf("offline without the served files: %s %s, want %s", res.Outcome, res.Msg, NetworkData)
	}
	r.External = &exec.Fetcher{Offline: true, MapDir: dir}
	if res := r.Run(q, nil); res.Outcome != Completed || res.Rows == 0 {
		t.Errorf("with the served files: %s %s (%d rows)", res.Outcome, res.Msg, res.Rows)
	}
	if n, _ := ServeExternalData(`externaldata(a:string)[@"local.csv"]`, dir, 1, 1); n != 0 {
		t.Errorf("a local path was served")
	}
}
