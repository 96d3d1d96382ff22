package funcs

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
)

// lookupAgg finds an aggregate in the default registry.
func lookupAgg(t *testing.T, name string) *Func {
	t.Helper()
	f, ok := Default().Lookup(name)
	if !ok || f.Kind != Aggregate {
		t.Fatalf("Lookup(%q) found no aggregate", name)
	}
	return f
}

// runAgg feeds rows to a fresh aggregator, and also to two aggregators (even and odd rows)
// merged, and checks both give the same results. It returns the results.
func runAgg(t *testing.T, name string, argTypes []types.Type, consts []types.Value, rows [][]types.Value) []types.Value {
	t.Helper()
	f := lookupAgg(t, name)
	if _, err := f.Result(argTypes); err != nil {
		t.Fatalf("%s: Result(%v): %v", name, argTypes, err)
	}
	mk := func() Aggregator {
		a, err := f.Agg(argTypes, consts)
		if err != nil {
			t.Fatalf("%s: factory: %v", name, err)
		}
		return a
	}
	results := func(a Aggregator) []types.Value {
		if m, ok := a.(MultiResult); ok {
			return m.Results()
		}
		return []types.Value{a.Result()}
	}
	one := mk()
	for _, r := range rows {
		one.Add(r)
	}
	even, odd := mk(), mk()
	for i, r := range rows {
		if i%2 == 0 {
			even.Add(r)
		} else {
			odd.Add(r)
		}
	}
	even.Merge(odd)
	got := results(one)
	// Merging changes the order of collected elements and which row take_any sees first,
	// so merged results are compared only for order-insensitive functions.
	if !strings.Contains(name, "list") && !strings.Contains(name, "set") && !strings.Contains(name, "any") {
		if diff := cmp.Diff(got, results(even)); diff != "" {
			t.Errorf("%s: merged result differs from sequential (-seq +merged):\n%s", name, diff)
		}
	}
	return got
}

func aggRows(vs ...types.Value) [][]types.Value {
	rows := make([][]types.Value, len(vs))
	for i, v := range vs {
		rows[i] = []types.Value{v}
	}
	return rows
}

func aggLongs(xs ...int64) []types.Value {
	out := make([]types.Value, len(xs))
	for i, x := range xs {
		out[i] = types.NewLong(x)
	}
	return out
}

var (
	aggNullLong = types.NullOf(types.Long)
	aggNullReal = types.NullOf(types.Real)
	aggTLong    = []types.Type{types.Long}
	aggTReal    = []types.Type{types.Real}
	aggTString  = []types.Type{types.String}
	aggTDyn     = []types.Type{types.Dynamic}
)

func TestAggregates(t *testing.T) {
	s := types.NewString
	d := types.NewDynamic
	tests := []struct {
		name     string
		argTypes []types.Type
		consts   []types.Value
		rows     [][]types.Value
		want     []types.Value
	}{
		{"count", nil, nil, [][]types.Value{{}, {}, {}}, aggLongs(3)},
		// count(predicate), the obsolete countif, counts rows whose predicate is true.
		{"count", []types.Type{types.Bool}, nil, aggRows(types.NewBool(true), types.NewBool(false), types.NullOf(types.Bool), types.NewBool(true)), aggLongs(2)},
		{"count", nil, nil, nil, aggLongs(0)},
		{"countif", []types.Type{types.Bool}, nil, aggRows(types.NewBool(true), types.NewBool(false), types.NullOf(types.Bool), types.NewBool(true)), aggLongs(2)},
		{"sum", aggTReal, nil, aggRows(aggNullReal, types.NewReal(5), types.NewReal(5), types.NewReal(5)), []types.Value{types.NewReal(15)}},
		{"sum", []types.Type{types.Int}, nil, aggRows(types.NewInt(2), types.NewInt(3)), aggLongs(5)},
		{"sum", aggTLong, nil, nil, aggLongs(0)},
		{"sum", []types.Type{types.TimeSpan}, nil, aggRows(types.NewTimeSpan(10), types.NewTimeSpan(5)), []types.Value{types.NewTimeSpan(15)}},
		{"sum", []types.Type{types.Decimal}, nil, aggRows(types.NewDecimal("0.1"), types.NewDecimal("0.2")), []types.Value{types.NewDecimal("0.3")}},
		{"sum", aggTDyn, nil, aggRows(d(`1`), d(`2.5`), d(`"x"`)), []types.Value{types.NewReal(3.5)}},
		{"sumif", []types.Type{types.Long, types.Bool}, nil, [][]types.Value{{types.NewLong(1), types.NewBool(true)}, {types.NewLong(10), types.NewBool(false)}, {types.NewLong(100), types.NewBool(true)}}, aggLongs(101)},
		{"avg", aggTReal, nil, aggRows(aggNullReal, types.NewReal(5), types.NewReal(5), types.NewReal(5)), []types.Value{types.NewReal(5)}},
		{"avg", aggTLong, nil, aggRows(types.NewLong(1), types.NewLong(2)), []types.Value{types.NewReal(1.5)}},
		{"avg", aggTLong, nil, nil, []types.Value{types.NullOf(types.Real)}},
		{"avg", []types.Type{types.DateTime}, nil, aggRows(types.NewDateTime(math.MaxInt64-10), types.NewDateTime(math.MaxInt64-20)), []types.Value{types.NewDateTime(math.MaxInt64 - 15)}},
		{"avg", []types.Type{types.TimeSpan}, nil, aggRows(types.NewTimeSpan(-3), types.NewTimeSpan(-4)), []types.Value{types.NewTimeSpan(-3)}},
		{"min", aggTLong, nil, aggRows(aggNullLong, types.NewLong(3), types.NewLong(-2), types.NewLong(7)), aggLongs(-2)},
		{"max", aggTLong, nil, aggRows(types.NewLong(3), aggNullLong, types.NewLong(7), types.NewLong(-2)), aggLongs(7)},
		{"max", aggTString, nil, aggRows(s("b"), s("a"), s("C")), []types.Value{s("b")}},
		{"max", aggTReal, nil, aggRows(types.NewReal(math.NaN()), types.NewReal(1)), []types.Value{types.NewReal(1)}},
		{"min", aggTLong, nil, nil, []types.Value{aggNullLong}},
		{"minif", []types.Type{types.Long, types.Bool}, nil, [][]types.Value{{types.NewLong(1), types.NewBool(false)}, {types.NewLong(5), types.NewBool(true)}}, aggLongs(5)},
		{"dcount", aggTString, nil, aggRows(s("a"), s("b"), s("a"), s("A")), aggLongs(3)},
		{"dcount", aggTLong, nil, aggRows(aggNullLong, aggNullLong), aggLongs(0)},
		{"dcountif", []types.Type{types.String, types.Bool}, nil, [][]types.Value{{s("a"), types.NewBool(true)}, {s("b"), types.NewBool(false)}, {s("a"), types.NewBool(true)}}, aggLongs(1)},
		{"count_distinct", aggTString, nil, aggRows(s("x"), s("y"), s("x"), s("")), aggLongs(3)},
		{"make_list", aggTString, nil, aggRows(s("triangle"), s("square"), s("")), []types.Value{d(`["triangle","square",""]`)}},
		{"make_list", aggTDyn, nil, aggRows(d(`[1,2]`), types.NullOf(types.Dynamic), d(`{"a":1}`)), []types.Value{d(`[[1,2],{"a":1}]`)}},
		{"make_list", aggTLong, []types.Value{{}, types.NewLong(2)}, aggRows(aggLongs(1, 2, 3)...), []types.Value{d(`[1,2]`)}},
		{"make_list", aggTLong, nil, nil, []types.Value{d(`[]`)}},
		{"make_list_with_nulls", aggTLong, nil, aggRows(types.NewLong(1), aggNullLong), []types.Value{d(`[1,null]`)}},
		{"make_list_if", []types.Type{types.String, types.Bool}, nil, [][]types.Value{{s("a"), types.NewBool(true)}, {s("b"), types.NewBool(false)}}, []types.Value{d(`["a"]`)}},
		{"make_set", aggTReal, nil, aggRows(aggNullReal, types.NewReal(5), types.NewReal(5)), []types.Value{d(`[5.0]`)}},
		{"make_set", aggTDyn, nil, aggRows(d(`["A1","A2","A3"]`), d(`["A2","C1"]`), d(`["C2","A3"]`), d(`["C2","A1"]`)), []types.Value{d(`["A1","A2","A3","C1","C2"]`)}},
		{"make_set", aggTLong, nil, aggRows(aggLongs(1, 5, 7, 5)...), []types.Value{d(`[1,5,7]`)}},
		{"makeset", aggTLong, []types.Value{{}, types.NewLong(2)}, aggRows(aggLongs(1, 5, 7, 5)...), []types.Value{d(`[1,5]`)}},
		{"make_set_if", []types.Type{types.String, types.Bool, types.Long}, []types.Value{{}, {}, types.NewLong(1)}, [][]types.Value{{s("a"), types.NewBool(true)}, {s("b"), types.NewBool(true)}}, []types.Value{d(`["a"]`)}},
		{"make_bag", aggTDyn, nil, aggRows(d(`{"prop01":"val_a"}`), d(`{"prop02":"val_b"}`), d(`[1]`), d(`{"prop01":"other","prop03":"val_c"}`)), []types.Value{d(`{"prop01":"val_a","prop02":"val_b","prop03":"val_c"}`)}},
		{"make_bag_if", []types.Type{types.Dynamic, types.Bool}, nil, [][]types.Value{{d(`{"a":1}`), types.NewBool(true)}, {d(`{"b":2}`), types.NewBool(false)}}, []types.Value{d(`{"a":1}`)}},
		{"make_bag", aggTDyn, nil, nil, []types.Value{d(`{}`)}},
		{"stdev", aggTLong, nil, aggRows(aggLongs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)...), []types.Value{types.NewReal(3.0276503540974917)}},
		{"stdevp", aggTLong, nil, aggRows(aggLongs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)...), []types.Value{types.NewReal(2.8722813232690143)}},
		{"variance", aggTLong, nil, aggRows(aggLongs(1, 2, 3, 4, 5)...), []types.Value{types.NewReal(2.5)}},
		{"stdev", aggTLong, nil, aggRows(aggLongs(4)...), []types.Value{types.NewReal(0)}},
		// covariance-aggregation-function.md's example: 20.5.
		{"covariance", []types.Type{types.Real, types.Real}, nil, [][]types.Value{
			{types.NewReal(1), types.NewReal(14)}, {types.NewReal(2), types.NewReal(10)}, {types.NewReal(3), types.NewReal(17)},
			{types.NewReal(4), types.NewReal(20)}, {types.NewReal(5), types.NewReal(50)}, {types.NullOf(types.Real), types.NewReal(9)}}, []types.Value{types.NewReal(20.5)}},
		{"stdevif", []types.Type{types.Long, types.Bool}, nil, [][]types.Value{{types.NewLong(2), types.NewBool(true)}, {types.NewLong(100), types.NewBool(false)}, {types.NewLong(4), types.NewBool(true)}}, []types.Value{types.NewReal(math.Sqrt2)}},
		{"percentile", aggTLong, []types.Value{{}, types.NewLong(50)}, aggRows(aggLongs(10, 1, 9, 2, 8, 3, 7, 4, 6, 5)...), aggLongs(5)},
		{"percentiles", aggTLong, []types.Value{{}, types.NewLong(0), types.NewLong(95), types.NewLong(100)}, aggRows(aggLongs(10, 1, 9, 2, 8, 3, 7, 4, 6, 5)...), aggLongs(1, 10, 10)},
		{"percentiles", aggTReal, []types.Value{{}, types.NewReal(25)}, aggRows(types.NewReal(0.5), types.NewReal(1.5), aggNullReal, types.NewReal(2.5), types.NewReal(3.5)), []types.Value{types.NewReal(0.5)}},
		{"percentiles_array", aggTLong, []types.Value{{}, types.NewLong(50), types.NewLong(100)}, aggRows(aggLongs(1, 2, 3, 4)...), []types.Value{d(`[2,4]`)}},
		{"percentiles_array", aggTLong, []types.Value{{}, d(`[25, 75]`)}, aggRows(aggLongs(1, 2, 3, 4)...), []types.Value{d(`[1,3]`)}},
		{"percentilesw", []types.Type{types.Long, types.Long}, []types.Value{{}, {}, types.NewLong(50), types.NewLong(90)}, [][]types.Value{{types.NewLong(10), types.NewLong(1)}, {types.NewLong(20), types.NewLong(8)}, {types.NewLong(30), types.NewLong(1)}}, aggLongs(20, 20)},
		{"binary_all_or", aggTLong, nil, aggRows(aggLongs(1, 2, 8)...), aggLongs(11)},
		{"binary_all_and", aggTLong, nil, aggRows(aggLongs(7, 14)...), aggLongs(6)},
		{"binary_all_xor", aggTLong, nil, aggRows(aggLongs(7, 14)...), aggLongs(9)},
		{"binary_all_xor", aggTLong, nil, nil, []types.Value{aggNullLong}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s%v", tt.name, tt.argTypes), func(t *testing.T) {
			got := runAgg(t, tt.name, tt.argTypes, tt.consts, tt.rows)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s over %v (-want +got):\n%s", tt.name, tt.rows, diff)
			}
		})
	}
}

func TestArgMaxMin(t *testing.T) {
	s := types.NewString
	i := func(x int32) types.Value { return types.NewInt(x) }
	nullInt := types.NullOf(types.Int)
	argTypes := []types.Type{types.Int, types.String}
	// The null-handling example of the arg_max page, per fruit.
	tests := []struct {
		fn   string
		rows [][]types.Value
		want []types.Value
	}{
		{"arg_max", [][]types.Value{{i(1), s("Red")}, {nullInt, s("Green")}}, []types.Value{i(1), s("Red")}},
		{"arg_max", [][]types.Value{{nullInt, s("Yellow")}, {nullInt, s("Green")}}, []types.Value{nullInt, s("Yellow")}},
		{"arg_max", [][]types.Value{{i(1), s("Brown")}, {i(2), s("Green")}}, []types.Value{i(2), s("Green")}},
		{"arg_min", [][]types.Value{{i(1), s("Brown")}, {i(2), s("Green")}, {i(1), s("Later")}}, []types.Value{i(1), s("Brown")}},
		{"arg_min", [][]types.Value{{nullInt, s("x")}, {i(3), s("y")}}, []types.Value{i(3), s("y")}},
		{"arg_max", nil, []types.Value{nullInt, s("")}},
	}
	for _, tt := range tests {
		got := runAgg(t, tt.fn, argTypes, nil, tt.rows)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s over %v (-want +got):\n%s", tt.fn, tt.rows, diff)
		}
	}
}

func TestTakeAny(t *testing.T) {
	s := types.NewString
	got := runAgg(t, "take_any", []types.Type{types.String, types.Long}, nil,
		[][]types.Value{{s(""), types.NewLong(1)}, {s("x"), types.NewLong(2)}, {s("y"), types.NewLong(3)}})
	if diff := cmp.Diff([]types.Value{s("x"), types.NewLong(2)}, got); diff != "" {
		t.Errorf("take_any prefers a non-empty value (-want +got):\n%s", diff)
	}
	got = runAgg(t, "take_anyif", []types.Type{types.String, types.Bool}, nil,
		[][]types.Value{{s("a"), types.NewBool(false)}, {s("b"), types.NewBool(true)}})
	if diff := cmp.Diff([]types.Value{s("b")}, got); diff != "" {
		t.Errorf("take_anyif (-want +got):\n%s", diff)
	}
}

func TestDcountLarge(t *testing.T) {
	f := lookupAgg(t, "dcount")
	for _, n := range []int{dcountExactMax, 200_000} {
		a, _ := f.Agg(aggTLong, nil)
		b, _ := f.Agg(aggTLong, nil)
		for k := range n {
			a.Add([]types.Value{types.NewLong(int64(k))})
			b.Add([]types.Value{types.NewLong(int64(k / 2))}) // half of them again
		}
		a.Merge(b)
		got := a.Result().I
		if n <= dcountExactMax && got != int64(n) {
			t.Errorf("dcount of %d distinct values = %d, want exact", n, got)
		}
		if rel := math.Abs(float64(got)-float64(n)) / float64(n); rel > 0.03 {
			t.Errorf("dcount of %d distinct values = %d, error %.3f > 3%%", n, got, rel)
		}
	}
}

func TestAggFactoryErrors(t *testing.T) {
	tests := []struct {
		name     string
		argTypes []types.Type
		consts   []types.Value
		want     string
	}{
		{"percentile", []types.Type{types.Long, types.Long}, []types.Value{{}, {}}, "percentile(): argument 2: expected a constant number"},
		{"percentile", []types.Type{types.Long, types.Long}, []types.Value{{}, types.NewLong(101)}, "percentile(): argument 2: expected a percentile between 0 and 100, found long"},
		{"make_set", []types.Type{types.Long, types.Long}, []types.Value{{}, types.NewLong(0)}, "make_set(): argument 2: expected a value of at least 1, found 0"},
		{"make_list", []types.Type{types.Long, types.Long}, []types.Value{{}, {}}, "make_list(): argument 2: expected a constant integer"},
	}
	for _, tt := range tests {
		_, err := lookupAgg(t, tt.name).Agg(tt.argTypes, tt.consts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s factory error = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestAggResultTypes(t *testing.T) {
	tests := []struct {
		name    string
		args    []types.Type
		want    types.Type
		wantErr string
	}{
		{"count", nil, types.Long, ""},
		{"sum", []types.Type{types.Int}, types.Long, ""},
		{"sum", []types.Type{types.TimeSpan}, types.TimeSpan, ""},
		{"sum", []types.Type{types.String}, types.Unknown, "sum(): argument 1: expected a value of type number or timespan, found string"},
		{"avg", []types.Type{types.Long}, types.Real, ""},
		{"avg", []types.Type{types.DateTime}, types.DateTime, ""},
		{"avg", []types.Type{types.String}, types.Unknown, "avg(): argument 1: expected a value of type number, timespan or datetime, found string"},
		{"max", []types.Type{types.DateTime}, types.DateTime, ""},
		{"max", []types.Type{types.Dynamic}, types.Unknown, "max(): argument 1: expected a scalar value that is not dynamic, found dynamic"},
		{"countif", []types.Type{types.Long}, types.Unknown, "countif(): argument 1: expected a value of type bool, found long"},
		{"count", []types.Type{types.String}, types.Unknown, "count(): argument 1: expected a value of type bool, found string"},
		{"count", []types.Type{types.Bool}, types.Long, ""},
		{"countif", []types.Type{types.Unknown}, types.Long, ""},
		{"make_set", []types.Type{types.String}, types.Dynamic, ""},
		{"stdev", []types.Type{types.Int}, types.Real, ""},
		{"percentile", []types.Type{types.Int, types.Long}, types.Long, ""},
		{"dcount", []types.Type{types.String, types.Int}, types.Long, ""},
	}
	for _, tt := range tests {
		got, err := lookupAgg(t, tt.name).Result(tt.args)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s.Result(%v) = %v, %q, want %v, %q", tt.name, tt.args, got, gotErr, tt.want, tt.wantErr)
		}
	}
}
