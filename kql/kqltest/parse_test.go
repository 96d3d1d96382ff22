package kqltest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	src := `# comment
table T (Name:string, N:long, D:dynamic)
a,1,"{""k"":1}"
"",,
end

table J (X:long) json
{"X": 5}
{}
end

query T | where N > 0
| project Name
expect
Name:string
a
end

query
T | count
expect ordered
Count:long
1
end

query
J
expect empty

query
T | project Nope
expect error msg: unknown  column

query
T
expect warn
`
	f, err := Parse("x.kqltest", []byte(src), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	tables := []Table{
		{Name: "T", Columns: []Column{{"Name", "string"}, {"N", "long"}, {"D", "dynamic"}},
			Rows: [][]string{{"a", "1", `{"k":1}`}, {"", "", ""}}},
		{Name: "J", Columns: []Column{{"X", "long"}}, Rows: [][]string{{"5"}, {""}}},
	}
	want := []*Case{
		{File: "x.kqltest", Line: 12, Tables: tables, Query: "T | where N > 0\n| project Name", Kind: ExpectTable,
			Header: []Column{{"Name", "string"}}, Rows: [][]string{{"a"}}, RowLines: []int{16}},
		{File: "x.kqltest", Line: 19, Tables: tables, Query: "T | count", Kind: ExpectOrdered,
			Header: []Column{{"Count", "long"}}, Rows: [][]string{{"1"}}, RowLines: []int{23}},
		{File: "x.kqltest", Line: 26, Tables: tables, Query: "J", Kind: ExpectEmpty},
		{File: "x.kqltest", Line: 30, Tables: tables, Query: "T | project Nope", Kind: ExpectError, Msg: "unknown  column"},
		{File: "x.kqltest", Line: 34, Tables: tables, Query: "T", Kind: ExpectWarn},
	}
	if diff := cmp.Diff(want, f.Cases); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParseTableReplaced(t *testing.T) {
	src := "table T (A:long)\n1\nend\nquery T\nexpect empty\ntable T (B:string)\nx\nend\nquery T\nexpect empty\n"
	f, err := Parse("r.kqltest", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Cases[1].Tables; len(got) != 1 || got[0].Columns[0].Name != "B" {
		t.Errorf("second case tables = %v, want only the redeclared T(B)", got)
	}
	if got := f.Cases[0].Tables[0].Columns[0].Name; got != "A" {
		t.Errorf("first case sees column %q, want A", got)
	}
}

func TestParseFile(t *testing.T) {
	read := func(name string) ([]byte, error) {
		switch name {
		case "a.csv":
			return []byte("x,1\ny,2\n"), nil
		case "b.json":
			return []byte(`{"S":"x","N":1}` + "\n"), nil
		}
		return nil, errors.New("no file " + name)
	}
	src := "table A (S:string, N:long) file a.csv\ntable B (S:string, N:long) file b.json\nquery A\nexpect empty\n"
	f, err := Parse("f.kqltest", []byte(src), read)
	if err != nil {
		t.Fatal(err)
	}
	want := []Table{
		{Name: "A", Columns: []Column{{"S", "string"}, {"N", "long"}}, Rows: [][]string{{"x", "1"}, {"y", "2"}}},
		{Name: "B", Columns: []Column{{"S", "string"}, {"N", "long"}}, Rows: [][]string{{"x", "1"}}},
	}
	if diff := cmp.Diff(want, f.Cases[0].Tables); diff != "" {
		t.Errorf("tables mismatch (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string // fragments, each must appear
	}{
		{"bogus\n", []string{"e.kqltest:1: expected 'table' or 'query', found \"bogus\""}},
		{"table T (A:long)\n1\n", []string{"e.kqltest:1: table 'T' has no 'end'"}},
		{"table T (A:wat)\nend\n", []string{"e.kqltest:1: unknown type \"wat\" of column \"A\""}},
		{"table T A:long\nend\n", []string{"e.kqltest:1: expected 'table NAME (col:type, ...)'"}},
		{"table T (A)\nend\n", []string{"e.kqltest:1: expected 'name:type', found \"A\""}},
		{"table T (A:long, B:long)\n1,2\n3\nend\n", []string{"e.kqltest:3: wrong number of fields"}},
		{"table T (A:long) json\n{\"A\":1}\n{\"Z\":2}\nend\n", []string{"e.kqltest:3: unknown column \"Z\""}},
		{"table T (A:long) file x.csv\n", []string{"e.kqltest:1: cannot read \"x.csv\""}},
		{"query T\n", []string{"e.kqltest:1: query has no 'expect'"}},
		{"query\nexpect empty\n", []string{"e.kqltest:1: query is empty"}},
		{"query T\nexpect sorted\n", []string{"e.kqltest:2: expected 'expect', 'expect ordered'"}},
		{"query T\nexpect error oops\n", []string{"e.kqltest:2: expected 'msg:' after 'expect error'"}},
		{"query T\nexpect empty now\n", []string{"e.kqltest:2: unexpected \"now\" after 'expect empty'"}},
		{"query T\nexpect\nA:long\n1\n", []string{"e.kqltest:2: expected table has no 'end'"}},
		{"query T\nexpect\nend\n", []string{"e.kqltest:2: expected a header line"}},
		{"query T\nexpect\nA:long\n1,2\nend\n", []string{"e.kqltest:4: wrong number of fields"}},
		{"bad\nquery T\nexpect\nA\nend\nalso bad\n", []string{"e.kqltest:1:", "e.kqltest:4: expected 'name:type'", "e.kqltest:6:"}},
	}
	for _, tt := range tests {
		_, err := Parse("e.kqltest", []byte(tt.src), nil)
		if err == nil {
			t.Errorf("Parse(%q) = nil error, want %q", tt.src, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.src, err, w)
			}
		}
	}
}

func TestCellEqual(t *testing.T) {
	tests := []struct {
		typ, want, got string
		eq             bool
	}{
		{"string", "a", "a", true},
		{"string", "a", "A", false},
		{"string", " a", "a", false},
		{"long", "1", "1", true},
		{"long", "1", "2", false},
		{"long", "", "", true},
		{"long", "", "0", false},
		{"real", "0.1", "0.10000000000000001", true},
		{"real", "1", "1.0000001", false},
		{"real", "NaN", "NaN", true},
		{"real", "-Infinity", "-inf", true},
		{"real", "Infinity", "1e308", false},
		{"bool", "true", "True", true},
		{"bool", "true", "false", false},
		{"datetime", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.0000000Z", true},
		{"datetime", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.0000001Z", false},
		{"datetime", "2024-01-01T01:00:00Z", "2024-01-01T02:00:00+01:00", true},
		{"timespan", "1.00:00:00", "24:00:00", false},
		{"timespan", "1.00:00:00", "1.00:00:00.0000000", true},
		{"timespan", "00:00:00.1", "00:00:00.1000000", true},
		{"timespan", "-00:00:01", "-00:00:01", true},
		{"timespan", "00:00:01", "-00:00:01", false},
		{"guid", "12E8B78D-55B4-46AE-B068-26D7A0080254", "12e8b78d-55b4-46ae-b068-26d7a0080254", true},
		{"decimal", "1.50", "1.5", true},
		{"dynamic", `{"a":1,"b":[1,2]}`, `{"b":[1,2],"a":1}`, true},
		{"dynamic", `{"a":1}`, `{"a":1,"b":2}`, false},
		{"dynamic", `[1,2]`, `[2,1]`, false},
		{"dynamic", `"x"`, `x`, false},
		{"dynamic", `1.0`, `1`, true},
		{"dynamic", `null`, ``, false},
	}
	for _, tt := range tests {
		if got := cellEqual(tt.typ, tt.want, tt.got); got != tt.eq {
			t.Errorf("cellEqual(%q, %q, %q) = %v, want %v", tt.typ, tt.want, tt.got, got, tt.eq)
		}
	}
}

// fakeEngine returns a fixed result or error and records what it was given.
type fakeEngine struct {
	res    *Result
	err    error
	loaded []Table
	query  string
}

func (e *fakeEngine) Load(tables ...Table) error { e.loaded = tables; return nil }

func (e *fakeEngine) Query(_ context.Context, q string) (*Result, error) {
	e.query = q
	return e.res, e.err
}

func TestCheck(t *testing.T) {
	two := &Result{Columns: []Column{{"A", "long"}}, Rows: [][]string{{"1"}, {"2"}}}
	tests := []struct {
		name    string
		script  string
		res     *Result
		err     error
		wantErr string // "" means the case passes
	}{
		{"unordered match", "query T\nexpect\nA:long\n2\n1\nend\n", two, nil, ""},
		{"ordered mismatch", "query T\nexpect ordered\nA:long\n2\n1\nend\n", two, nil, "rows (-want +got)"},
		{"ordered match", "query T\nexpect ordered\nA:long\n1\n2\nend\n", two, nil, ""},
		{"missing row", "query T\nexpect\nA:long\n1\n2\n3\nend\n", two, nil, "-3"},
		{"extra row", "query T\nexpect\nA:long\n1\nend\n", two, nil, "+2"},
		{"duplicate rows count", "query T\nexpect\nA:long\n1\n1\nend\n", two, nil, "+2"},
		{"column type", "query T\nexpect\nA:int\n1\n2\nend\n", two, nil, "columns (-want +got)"},
		{"column name", "query T\nexpect\nB:long\n1\n2\nend\n", two, nil, "columns (-want +got)"},
		{"type alias", "query T\nexpect\nA:int64\n1\n2\nend\n", two, nil, ""},
		{"empty ok", "query T\nexpect empty\n", &Result{Columns: two.Columns}, nil, ""},
		{"empty but rows", "query T\nexpect empty\n", two, nil, "got 2 rows, want none"},
		{"unexpected error", "query T\nexpect empty\n", nil, errors.New("boom"), "query failed: boom"},
		{"error ok", "query T\nexpect error msg: Unknown Column\n", nil, errors.New("1:5: unknown column 'x'"), ""},
		{"error wrong msg", "query T\nexpect error msg: syntax\n", nil, errors.New("unknown column"), "want it to contain"},
		{"error missing", "query T\nexpect error\n", two, nil, "query succeeded, want an error"},
		{"warn ok", "query T\nexpect warn msg: resolve\n", &Result{Warnings: []string{"Failed to resolve 'V'"}}, nil, ""},
		{"warn missing", "query T\nexpect warn\n", &Result{}, nil, "want one containing"},
	}
	for _, tt := range tests {
		f, err := Parse("c.kqltest", []byte(tt.script), nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		err = f.Cases[0].Check(context.Background(), &fakeEngine{res: tt.res, err: tt.err}, "/td")
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: Check = %v, want nil", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: Check = %v, want an error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestCheckTestdataPlaceholder(t *testing.T) {
	f, err := Parse("p.kqltest", []byte("table T (A:long)\n1\nend\nquery externaldata(A:long)[\"${testdata}/a.csv\"]\nexpect empty\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &fakeEngine{res: &Result{}}
	if err := f.Cases[0].Check(context.Background(), e, "/data"); err != nil {
		t.Fatal(err)
	}
	if want := `externaldata(A:long)["/data/a.csv"]`; e.query != want {
		t.Errorf("query = %q, want %q", e.query, want)
	}
	if len(e.loaded) != 1 || e.loaded[0].Name != "T" {
		t.Errorf("loaded = %v, want table T", e.loaded)
	}
}

func TestEmbeddedScripts(t *testing.T) {
	files, err := Files(nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		n += len(f.Cases)
	}
	// Issue 3 asks for at least 300 cases.
	if n < 300 {
		t.Errorf("embedded scripts hold %d cases, want at least 300", n)
	}
}
