package stored_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/schema"
)

// run prepares and runs src with the stored functions fns over a table T(a:string,
// n:long) and returns the first result's rows as "x|y" lines, or the error text.
func run(t *testing.T, fns *stored.Set, src string) ([]string, string) {
	t.Helper()
	eng := &exec.Engine{Funcs: funcs.Default(), Functions: fns, Tables: map[string]*column.Table{}}
	setup := &exec.Engine{Funcs: funcs.Default()}
	res, err := setup.Query(context.Background(), `datatable(a:string, n:long)["x",1, "y",2, "x",3]`)
	if err != nil {
		t.Fatal(err)
	}
	eng.Tables["T"] = toTable(res.Tables[0])
	cat := schema.NewCatalog()
	exec.AddTables(cat, eng.Tables)
	q, _, err := exec.Prepare(src, exec.PrepareOptions{Catalog: cat, Engine: eng})
	if err != nil {
		var pe *exec.PrepareError
		if ok := asPrepare(err, &pe); ok {
			return nil, pe.At(src)
		}
		return nil, err.Error()
	}
	out, err := eng.Run(context.Background(), q)
	if err != nil {
		return nil, err.Error()
	}
	var rows []string
	for _, r := range out.Tables[0].Rows {
		var cells []string
		for _, v := range r {
			cells = append(cells, exec.FormatValue(v))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	return rows, ""
}

// toTable turns a result into a table an engine can read.
func toTable(r exec.ResultTable) *column.Table {
	var fields []column.Field
	var cols []column.Vector
	for i, c := range r.Columns {
		fields = append(fields, column.Field{Name: c.Name, Type: c.Type})
		b := column.NewBuilder(c.Type)
		for _, row := range r.Rows {
			b.Append(row[i])
		}
		cols = append(cols, b.Build())
	}
	return &column.Table{Schema: fields, Batches: []*column.Batch{{Schema: fields, Cols: cols, Len: len(r.Rows)}}}
}

func asPrepare(err error, pe **exec.PrepareError) bool {
	p, ok := err.(*exec.PrepareError)
	if ok {
		*pe = p
	}
	return ok
}

func TestStoredFunctions(t *testing.T) {
	fns := &stored.Set{}
	src := `// functions of a workspace
let Xs = view () { T | where a == "x" };
let Twice = (v:long) { v * 2 };
let Filter = (name:string, least:long = 2) { T | where a == name and n >= least };
.create-or-alter function with (docstring = "rows of (a)", folder = "f") RowsOf(name:string) {
    T | where a == name
}
`
	if ds := fns.AddSource("f.kql", 1, src); len(ds) > 0 {
		t.Fatalf("AddSource: %v", ds)
	}
	if got, want := fns.Names(), []string{"Filter", "RowsOf", "Twice", "Xs"}; !cmp.Equal(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	tests := []struct {
		src  string
		want []string
		err  string
	}{
		{src: `Xs | project n`, want: []string{"1", "3"}},
		{src: `Xs() | summarize sum(n)`, want: []string{"4"}},
		{src: `T | extend d = Twice(n) | project d`, want: []string{"2", "4", "6"}},
		{src: `Filter("x") | project n`, want: []string{"3"}},
		{src: `Filter("x", least = 1) | count`, want: []string{"2"}},
		{src: `RowsOf("y") | project n`, want: []string{"2"}},
		// The query's own let statements shadow stored functions.
		{src: `let Xs = T | where a == "y"; Xs | project n`, want: []string{"2"}},
		{src: `Nope | count`, err: "Nope"},
	}
	for _, tt := range tests {
		got, err := run(t, fns, tt.src)
		if tt.err != "" {
			if !strings.Contains(err, tt.err) {
				t.Errorf("%s: error %q, want one containing %q", tt.src, err, tt.err)
			}
			continue
		}
		if err != "" {
			t.Errorf("%s: %s", tt.src, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.src, diff)
		}
	}
}

// TestStoredFunctionError: a problem inside a stored function is reported at the call,
// naming the function, not at an offset of the function's own text.
func TestStoredFunctionError(t *testing.T) {
	fns := &stored.Set{}
	if ds := fns.AddSource("f.kql", 1, `let Broken = () { T | extend x = tolower(NoSuchColumn) };`); len(ds) > 0 {
		t.Fatal(ds)
	}
	_, err := run(t, fns, "print 1;\nBroken | take 1")
	if !strings.HasPrefix(err, `2:1: in stored function "Broken"`) || !strings.Contains(err, "NoSuchColumn") {
		t.Errorf("error = %q, want it at 2:1 naming the function and the column", err)
	}
}

func TestAddSourceDiagnostics(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"let A = 1;\nlet B = () {\n  T | where\n};", "f.kql:10:1: expected expression, found '}' in 'where'"},
		{"T | count", "f.kql:7:1: expected a let statement declaring a stored function, found a query"},
		{"let A = 1;\n.drop function X", "f.kql:8:1: expected '.create function', '.create-or-alter function' or '.alter function', found \".drop function X\""},
	}
	for _, tt := range tests {
		ds := (&stored.Set{}).AddSource("f.kql", 7, tt.src)
		if len(ds) == 0 || ds[0].String() != tt.want {
			t.Errorf("AddSource(%q) = %v, want first %q", tt.src, ds, tt.want)
		}
	}
}

func TestParserYAML(t *testing.T) {
	dir := t.TempDir()
	ws := `Parser:
  Title: Rows parser
  Version: '1.0'
FunctionName: RowsParser
FunctionAlias: Rows
FunctionParams:
  - Name: name
    Type: string
    Default: x
  - Name: least
    Type: long
    Default: 0
FunctionQuery: |
  T
  | where a == name and n >= least
  | extend Source = "parser"
`
	asim := `Parser:
  Title: ASIM-style parser
ParserName: ASimRowsT
EquivalentBuiltInParser: _ASim_Rows_T
ParserParams:
  - Name: disabled
    Type: bool
    Default: false
ParserQuery: |
  let parser = (disabled: bool = false) { T | where not(disabled) | project-rename EventVendor = a };
  parser(disabled = disabled)
`
	broken := "FunctionName: Broken\nFunctionAlias: Broken\nFunctionQuery: |\n  T\n  | where\n"
	for name, text := range map[string]string{"Rows.yaml": ws, "Asim.yaml": asim, "Broken.yaml": broken, "Rule.yaml": "id: 1\nname: a rule\nquery: T\n", "notes.txt": "x"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fns, ds := stored.Load([]string{dir})
	if len(ds) != 1 || !strings.HasPrefix(ds[0].String(), filepath.Join(dir, "Broken.yaml")+":5:10: expected expression, found the end of the query") {
		t.Errorf("Load diagnostics = %v, want one in Broken.yaml at 5:10", ds)
	}
	if got, want := fns.Names(), []string{"ASimRowsT", "Rows", "RowsParser", "_ASim_Rows_T"}; !cmp.Equal(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	for _, tt := range []struct {
		src  string
		want []string
	}{
		{`Rows | project n, Source`, []string{"1|parser", "3|parser"}},
		{`RowsParser(name = "y") | project n`, []string{"2"}},
		{`Rows("x", 2) | project n`, []string{"3"}},
		{`_ASim_Rows_T | summarize count() by EventVendor | order by EventVendor asc`, []string{"x|2", "y|1"}},
		{`ASimRowsT(disabled = true) | count`, []string{"0"}},
	} {
		got, err := run(t, fns, tt.src)
		if err != "" {
			t.Errorf("%s: %s", tt.src, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.src, diff)
		}
	}
}

// TestGetWatchlist runs the built-in _GetWatchlist over Watchlist rows: the latest
// version of each item, deleted items left out, fields as columns.
func TestGetWatchlist(t *testing.T) {
	eng := &exec.Engine{Funcs: funcs.Default(), Functions: stored.Builtin(), Tables: map[string]*column.Table{}}
	setup := &exec.Engine{Funcs: funcs.Default()}
	res, err := setup.Query(context.Background(), `datatable(WatchlistAlias:string, SearchKey:string, WatchlistItem:dynamic, _DTItemId:string, _DTItemType:string, _DTItemStatus:string, _DTTimestamp:datetime, LastUpdatedTimeUTC:datetime)[
"VIP","alice",dynamic({"User":"alice","Role":"CEO"}),"1","watchlist-item","Create",datetime(2024-01-01),datetime(2024-01-01),
"VIP","alice",dynamic({"User":"alice","Role":"Chair"}),"1","watchlist-item","Update",datetime(2024-02-01),datetime(2024-02-01),
"VIP","bob",dynamic({"User":"bob","Role":"CFO"}),"2","watchlist-item","Create",datetime(2024-01-01),datetime(2024-01-01),
"VIP","bob",dynamic({"User":"bob","Role":"CFO"}),"2","watchlist-item","Delete",datetime(2024-03-01),datetime(2024-03-01),
"Other","carol",dynamic({"User":"carol","Role":"x"}),"3","watchlist-item","Create",datetime(2024-01-01),datetime(2024-01-01)]`)
	if err != nil {
		t.Fatal(err)
	}
	eng.Tables["Watchlist"] = toTable(res.Tables[0])
	cat := schema.Default()
	exec.AddTables(cat, eng.Tables)
	for _, tt := range []struct {
		src  string
		want []string
	}{
		{`_GetWatchlist('VIP') | project SearchKey, User, Role`, []string{"alice|alice|Chair"}},
		{`_GetWatchlist('Other', dynamic(["carol"])) | project Role`, []string{"x"}},
		{`_GetWatchlist('Other', dynamic(["dave"])) | count`, []string{"0"}},
	} {
		q, _, err := exec.Prepare(tt.src, exec.PrepareOptions{Catalog: cat, Engine: eng})
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		out, err := eng.Run(context.Background(), q)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		var got []string
		for _, r := range out.Tables[0].Rows {
			var cells []string
			for _, v := range r {
				cells = append(cells, exec.FormatValue(v))
			}
			got = append(got, strings.Join(cells, "|"))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.src, diff)
		}
	}
}

func TestParserDefaults(t *testing.T) {
	fns := &stored.Set{}
	yaml := "FunctionAlias: Since\nFunctionParams:\n  - {Name: start, Type: datetime, Default: 2024-01-01}\n  - {Name: names, Type: dynamic, Default: '[\"x\"]'}\n  - {Name: note, Type: string, Default: \"it's\"}\nFunctionQuery: |\n  T | where a in (names) and strlen(note) == 4 and start == datetime(2024-01-01) | count\n"
	if ds := fns.AddParserYAML("p.yaml", []byte(yaml)); len(ds) > 0 {
		t.Fatal(ds)
	}
	got, err := run(t, fns, "Since")
	if err != "" || !cmp.Equal(got, []string{"2"}) {
		t.Errorf("Since = %v, %s; want [2]", got, err)
	}
}
