package conformance

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func format(v types.Value) string { return v.String() }

func TestCompare(t *testing.T) {
	long := func(i int64) types.Value { return types.NewLong(i) }
	str := types.NewString
	tbl := func(cols []Column, rows ...[]types.Value) []Table { return []Table{{Columns: cols, Rows: rows}} }
	ls := []Column{{"n", types.Long}, {"s", types.String}}
	tests := []struct {
		name        string
		ex          Example
		got         []Table
		verdict     string
		lenientPass bool
	}{
		{"equal", Example{Expected: DocTable{Columns: []string{"n", "s"}, Rows: [][]string{{"1", "a"}}}},
			tbl(ls, []types.Value{long(1), str("a")}), "", true},
		{"unordered rows match as a multiset", Example{Expected: DocTable{Columns: []string{"n", "s"}, Rows: [][]string{{"2", "b"}, {"1", "a"}}}},
			tbl(ls, []types.Value{long(1), str("a")}, []types.Value{long(2), str("b")}), "", true},
		{"ordered rows must keep their order", Example{Ordered: true, Expected: DocTable{Columns: []string{"n", "s"}, Rows: [][]string{{"2", "b"}, {"1", "a"}}}},
			tbl(ls, []types.Value{long(1), str("a")}, []types.Value{long(2), str("b")}), `cells: row 0 col n: got long "1", want "2"`, false},
		{"column names", Example{Expected: DocTable{Columns: []string{"n", "t"}, Rows: [][]string{{"1", "a"}}}},
			tbl(ls, []types.Value{long(1), str("a")}), "columns: got [n s], want [n t]", false},
		{"row count", Example{Expected: DocTable{Columns: []string{"n", "s"}}},
			tbl(ls, []types.Value{long(1), str("a")}), "row count: got 1, want 0", false},
		{"backticks and null", Example{Expected: DocTable{Columns: []string{"n", "s"}, Rows: [][]string{{"", "`a`"}}}},
			tbl(ls, []types.Value{types.NullOf(types.Long), str("a")}), "", true},
		{"whitespace passes leniently", Example{Expected: DocTable{Columns: []string{"n", "s"}, Rows: [][]string{{"1", "a  b"}}}},
			tbl(ls, []types.Value{long(1), str("a b")}), `cells: row 0 col s: got string "a b", want "a  b"`, true},
		{"table count", Example{Expected: DocTable{Columns: []string{"n", "s"}}}, nil, "table count: got 0, want 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, l := Compare(tt.ex, tt.got, format)
			if v != tt.verdict || (v != "" && l != tt.lenientPass) {
				t.Errorf("Compare = %q, %v; want %q, %v", v, l, tt.verdict, tt.lenientPass)
			}
		})
	}
}

func TestGeoOrGraph(t *testing.T) {
	for _, tt := range []struct {
		ex   Example
		want bool
	}{
		{Example{Functions: []string{"geo_distance_2points"}}, true},
		{Example{Plugins: []string{"geo_polygon_lookup"}}, true},
		{Example{Operators: []string{"make-graph"}}, true},
		{Example{Functions: []string{"node_degree_in"}}, true},
		{Example{Functions: []string{"strcat"}, Operators: []string{"print"}}, false},
	} {
		if got := GeoOrGraph(tt.ex); got != tt.want {
			t.Errorf("GeoOrGraph(%+v) = %v, want %v", tt.ex, got, tt.want)
		}
	}
}
