package funcs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
)

func winShowAll(vs []types.Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = dynShow(v)
	}
	return strings.Join(parts, " ")
}

func winCall(t *testing.T, name string, typs []types.Type, args ...[]types.Value) string {
	t.Helper()
	k, ok := WindowKernelFor(name)
	if !ok {
		t.Fatalf("WindowKernelFor(%q) not found", name)
	}
	rows := 0
	if len(args) > 0 {
		rows = len(args[0])
	}
	out, err := k(WindowCall{Rows: rows, Args: args, Types: typs})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return winShowAll(out)
}

func winRepeat(v types.Value, n int) []types.Value {
	out := make([]types.Value, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func winStrs(ss ...string) []types.Value {
	out := make([]types.Value, len(ss))
	for i, s := range ss {
		out[i] = types.NewString(s)
	}
	return out
}

func TestWindowFuncs(t *testing.T) {
	L, S, B := types.Long, types.String, types.Bool
	ne := func(a, b []types.Value) []types.Value { // a != b, row by row
		out := make([]types.Value, len(a))
		for i := range a {
			out[i] = types.NewBool(a[i].S != b[i].S)
		}
		return out
	}
	// row-cumsum-function#1
	if got := winCall(t, "row_cumsum", []types.Type{L}, aggLongs(2, 4, 6, 8, 10)); got != "2 6 12 20 30" {
		t.Errorf("row_cumsum = %s", got)
	}
	// row-cumsum-function#2: row_cumsum(salary, name != prev(name))
	names := winStrs("Alice", "Alice", "Alice", "Bob", "Bob", "Bob")
	prevK, _ := WindowKernelFor("prev")
	prevNames, err := prevK(WindowCall{Rows: 6, Args: [][]types.Value{names}, Types: []types.Type{S}})
	if err != nil {
		t.Fatal(err)
	}
	if got := winShowAll(prevNames); got != " Alice Alice Alice Bob Bob" {
		t.Errorf("prev(name) = %q", got)
	}
	if got := winCall(t, "row_cumsum", []types.Type{L, B}, aggLongs(1000, 2000, 1400, 1000, 1950, 1450), ne(names, prevNames)); got != "1000 3000 4400 1000 2950 4400" {
		t.Errorf("row_cumsum with restart = %s", got)
	}
	// row-number-function#3: row_number(1, prev(Airport) != Airport)
	airports := winStrs("SEA", "SEA", "SEA", "TLV", "TLV")
	prevAirports, _ := prevK(WindowCall{Rows: 5, Args: [][]types.Value{airports}, Types: []types.Type{S}})
	if got := winCall(t, "row_number", []types.Type{L, B}, winRepeat(types.NewLong(1), 5), ne(prevAirports, airports)); got != "1 2 3 1 2" {
		t.Errorf("row_number with restart = %s", got)
	}
	if got := winCall(t, "row_number", nil, nil); got != "" {
		t.Errorf("row_number over no rows = %q", got)
	}
	// prev/next with offset and default
	if got := winCall(t, "prev", []types.Type{L, L, L}, aggLongs(1, 2, 3, 4), aggLongs(2, 2, 2, 2), aggLongs(-1, -1, -1, -1)); got != "-1 -1 1 2" {
		t.Errorf("prev(x, 2, -1) = %s", got)
	}
	if got := winCall(t, "next", []types.Type{L}, aggLongs(1, 2, 3)); got != "2 3 null" {
		t.Errorf("next(x) = %s", got)
	}
	// row-rank-min-function#1 and #2, row-rank-dense-function#2
	if got := winCall(t, "row_rank_min", []types.Type{L}, aggLongs(2, 3, 3, 3, 100)); got != "1 2 2 2 5" {
		t.Errorf("row_rank_min = %s", got)
	}
	cats := winStrs("A", "A", "A", "A", "B", "B")
	prevCats, _ := prevK(WindowCall{Rows: 6, Args: [][]types.Value{cats}, Types: []types.Type{S}})
	if got := winCall(t, "row_rank_min", []types.Type{L, B}, aggLongs(5, 10, 10, 20, 5, 7), ne(cats, prevCats)); got != "1 2 2 4 1 2" {
		t.Errorf("row_rank_min with restart = %s", got)
	}
	ap := winStrs("SEA", "SEA", "SEA", "SEA", "SEA", "AMS", "AMS")
	prevAp, _ := prevK(WindowCall{Rows: 7, Args: [][]types.Value{ap}, Types: []types.Type{S}})
	if got := winCall(t, "row_rank_dense", []types.Type{L, B}, aggLongs(2, 3, 3, 3, 100, 1, 1), ne(prevAp, ap)); got != "1 2 2 2 3 1 1" {
		t.Errorf("row_rank_dense = %s", got)
	}
}

func TestRowWindowSession(t *testing.T) {
	min := types.TicksPerMinute
	dt := func(m int64) types.Value { return types.NewDateTime(m * min) }
	ts := []types.Value{dt(0), dt(2), dt(4), dt(20), dt(21), dt(40), types.NullOf(types.DateTime), dt(41)}
	args := [][]types.Value{ts, winRepeat(types.NewTimeSpan(10*min), len(ts)), winRepeat(types.NewTimeSpan(5*min), len(ts))}
	k, _ := WindowKernelFor("row_window_session")
	out, err := k(WindowCall{Rows: len(ts), Args: args, Types: []types.Type{types.DateTime, types.TimeSpan, types.TimeSpan}})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, v := range out {
		if v.IsNull() {
			got = append(got, -1)
			continue
		}
		got = append(got, v.I/min)
	}
	want := []int64{0, 0, 0, 20, 20, 40, -1, 41}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row_window_session session starts in minutes (-want +got):\n%s", diff)
	}
	// The distance from the first value: 0, 4, 8 within 10 minutes, then 12 starts anew.
	ts2 := []types.Value{dt(0), dt(4), dt(8), dt(12)}
	out, _ = k(WindowCall{Rows: 4, Args: [][]types.Value{ts2, winRepeat(types.NewTimeSpan(10*min), 4), winRepeat(types.NewTimeSpan(5*min), 4)},
		Types: []types.Type{types.DateTime, types.TimeSpan, types.TimeSpan}})
	if got := winShowAll(out); !strings.HasSuffix(got, "00:12:00.0000000Z") {
		t.Errorf("row_window_session did not start a session at 12 minutes: %s", got)
	}
}

func TestWindowDeclarations(t *testing.T) {
	for _, f := range NewRegistry(windowFuncs()...).All() {
		if f.Kind != Window || f.Doc == "" || f.Result == nil {
			t.Errorf("%s: not a complete Window declaration", f.Name)
		}
		if _, ok := WindowKernelFor(f.Name); !ok {
			t.Errorf("%s: no kernel", f.Name)
		}
	}
	if _, err := NewRegistry(windowFuncs()...).byName["row_window_session"].Result([]types.Type{types.String, types.TimeSpan, types.TimeSpan}); err == nil {
		t.Errorf("row_window_session accepted a string")
	}
	k, _ := WindowKernelFor("prev")
	if _, err := k(WindowCall{Rows: 1, Args: [][]types.Value{aggLongs(1), aggLongs(-1)}, Types: []types.Type{types.Long, types.Long}}); err == nil {
		t.Errorf("prev accepted a negative offset")
	}
}
