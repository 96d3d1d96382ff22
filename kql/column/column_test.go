package column

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
)

func values(v Vector) []types.Value {
	out := make([]types.Value, v.Len())
	for i := range out {
		out[i] = v.Value(i)
	}
	return out
}

func build(t types.Type, vs ...types.Value) Vector {
	b := NewBuilder(t)
	for _, v := range vs {
		b.Append(v)
	}
	return b.Build()
}

func TestBuildersRoundTrip(t *testing.T) {
	tests := []struct {
		typ  types.Type
		vals []types.Value
	}{
		{types.Bool, []types.Value{types.NewBool(true), types.NullOf(types.Bool), types.NewBool(false)}},
		{types.Int, []types.Value{types.NewInt(-3), types.NullOf(types.Int), types.NewInt(7)}},
		{types.Long, []types.Value{types.NewLong(1 << 40), types.NullOf(types.Long)}},
		{types.DateTime, []types.Value{types.NewDateTime(638_000_000_000_000_000), types.NullOf(types.DateTime)}},
		{types.TimeSpan, []types.Value{types.NewTimeSpan(types.TicksPerHour), types.NullOf(types.TimeSpan)}},
		{types.Real, []types.Value{types.NewReal(1.5), types.NullOf(types.Real), types.NewReal(-0.25)}},
		{types.String, []types.Value{types.NewString("a"), types.NewString(""), types.NewString("a"), types.NewString("b")}},
		{types.Dynamic, []types.Value{types.NewDynamic(`{"a":1}`), types.NullOf(types.Dynamic), types.NewDynamic(`[1,"x"]`), types.NewDynamic(`"s"`)}},
		{types.GUID, []types.Value{types.NewGUID("2ad3fc79-1859-42fa-9011-6f8df2251b22"), types.NullOf(types.GUID)}},
		{types.Decimal, []types.Value{{Type: types.Decimal, S: "1.50"}, types.NullOf(types.Decimal)}},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			v := build(tt.typ, tt.vals...)
			if v.Type() != tt.typ {
				t.Errorf("Type() = %v, want %v", v.Type(), tt.typ)
			}
			if diff := cmp.Diff(tt.vals, values(v)); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			for i, want := range tt.vals {
				if got := v.IsNull(i); got != (want.Null) {
					t.Errorf("IsNull(%d) = %v, want %v", i, got, want.Null)
				}
			}
		})
	}
}

func TestBuilderResetsAfterBuild(t *testing.T) {
	b := &IntBuilder{T: types.Long}
	b.AppendNull()
	b.AppendInt64(1)
	first := b.Build()
	b.AppendInt64(2)
	second := b.Build()
	if diff := cmp.Diff([]types.Value{types.NullOf(types.Long), types.NewLong(1)}, values(first)); diff != "" {
		t.Errorf("first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]types.Value{types.NewLong(2)}, values(second)); diff != "" {
		t.Errorf("second (-want +got):\n%s", diff)
	}
}

func TestBuilderRejectsWrongType(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.HasPrefix(fmt.Sprint(r), "internal error:") {
			t.Errorf("recover() = %v, want an internal error panic", r)
		}
	}()
	NewBuilder(types.Long).Append(types.NewString("x"))
}

func TestStringDictionaryAndFallback(t *testing.T) {
	b := &StringBuilder{}
	for i := 0; i < 5000; i++ {
		b.AppendBytes([]byte([]string{"Success", "Failure", "Interrupted"}[i%3]))
	}
	low := b.Build().(*Strings)
	if !low.IsDict() || len(low.Dict) != 3 {
		t.Fatalf("low-cardinality: IsDict = %v, len(Dict) = %d, want dictionary of 3", low.IsDict(), len(low.Dict))
	}
	if got := low.Str(4); got != "Failure" {
		t.Errorf("Str(4) = %q, want %q", got, "Failure")
	}
	// 300 distinct values spread over 4096 rows stay dictionary-encoded, even though the
	// first few hundred rows are nearly all distinct.
	for i := 0; i < 4096; i++ {
		b.AppendString(fmt.Sprintf("ip-%d", i%300))
	}
	if mid := b.Build().(*Strings); !mid.IsDict() || len(mid.Dict) != 300 {
		t.Errorf("300 distinct in 4096 rows: IsDict = %v, want a dictionary of 300", mid.IsDict())
	}
	for i := 0; i < 5000; i++ {
		b.AppendString(fmt.Sprintf("id-%d", i))
	}
	high := b.Build().(*Strings)
	if high.IsDict() {
		t.Errorf("high-cardinality vector is dictionary-encoded with %d entries", len(high.Dict))
	}
	if high.Len() != 5000 || high.Str(0) != "id-0" || high.Str(4999) != "id-4999" {
		t.Errorf("high: Len = %d, Str(0) = %q, Str(4999) = %q", high.Len(), high.Str(0), high.Str(4999))
	}
}

func TestAppendBytesDoesNotAlias(t *testing.T) {
	b := &StringBuilder{}
	buf := []byte("alpha")
	b.AppendBytes(buf)
	copy(buf, "omega")
	b.AppendBytes(buf)
	v := b.Build().(*Strings)
	if v.Str(0) != "alpha" || v.Str(1) != "omega" {
		t.Errorf("Str(0), Str(1) = %q, %q, want alpha, omega", v.Str(0), v.Str(1))
	}
}

func TestEvalPredicateOncePerEntry(t *testing.T) {
	b := &StringBuilder{}
	for i := 0; i < 1000; i++ {
		b.AppendString([]string{"a", "bb", "a", "ccc"}[i%4])
	}
	v := b.Build().(*Strings)
	calls := 0
	out := make([]bool, v.Len())
	v.EvalPredicate(func(s string) bool { calls++; return len(s) > 1 }, out)
	if calls != 3 {
		t.Errorf("predicate ran %d times, want 3 (once per dictionary entry)", calls)
	}
	for i, got := range out {
		if want := i%4 == 1 || i%4 == 3; got != want {
			t.Fatalf("out[%d] = %v, want %v", i, got, want)
		}
	}
}

func TestGather(t *testing.T) {
	idx := []int32{3, 0, 3, 1}
	str := build(types.String, types.NewString("x"), types.NewString("y"), types.NewString("z"), types.NewString("x"))
	g := Gather(str, idx).(*Strings)
	if !g.IsDict() || &g.Dict[0] != &str.(*Strings).Dict[0] {
		t.Errorf("Gather of dictionary strings did not keep the shared dictionary")
	}
	dyn := build(types.Dynamic, types.NewDynamic(`{"a":1}`), types.NullOf(types.Dynamic), types.NewDynamic(`2`), types.NewDynamic(`[3]`))
	long := build(types.Long, types.NewLong(0), types.NullOf(types.Long), types.NewLong(2), types.NewLong(3))
	tests := []struct {
		name string
		v    Vector
	}{{"string", str}, {"dynamic", dyn}, {"long", long}, {"const", &Const{V: types.NewLong(5), N: 4}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []types.Value
			for _, i := range idx {
				want = append(want, tt.v.Value(int(i)))
			}
			if diff := cmp.Diff(want, values(Gather(tt.v, idx))); diff != "" {
				t.Errorf("Gather (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSliceNulls(t *testing.T) {
	b := &IntBuilder{T: types.Long}
	for i := 0; i < 200; i++ {
		if i%7 == 0 {
			b.AppendNull()
		} else {
			b.AppendInt64(int64(i))
		}
	}
	v := b.Build()
	for _, r := range [][2]int{{0, 200}, {0, 70}, {64, 130}, {3, 150}, {128, 128}, {199, 200}} {
		s := Slice(v, r[0], r[1])
		if s.Len() != r[1]-r[0] {
			t.Fatalf("Slice(%d,%d).Len() = %d", r[0], r[1], s.Len())
		}
		if diff := cmp.Diff(values(v)[r[0]:r[1]], values(s)); diff != "" {
			t.Errorf("Slice(%d,%d) (-want +got):\n%s", r[0], r[1], diff)
		}
	}
	d := build(types.Dynamic, types.NewDynamic(`1`), types.NewDynamic(`{"b":2}`), types.NullOf(types.Dynamic), types.NewDynamic(`"q"`))
	if diff := cmp.Diff(values(d)[1:3], values(Slice(d, 1, 3))); diff != "" {
		t.Errorf("Slice dynamic (-want +got):\n%s", diff)
	}
}

func TestConcat(t *testing.T) {
	a := build(types.String, types.NewString("x"), types.NewString("y"))
	b := build(types.String, types.NewString("y"), types.NewString("z"))
	got, err := Concat(a, b)
	if err != nil {
		t.Fatal(err)
	}
	s := got.(*Strings)
	if !s.IsDict() || len(s.Dict) != 3 {
		t.Errorf("Concat of dictionaries: IsDict = %v, Dict = %q, want merged dictionary of 3", s.IsDict(), s.Dict)
	}
	want := []types.Value{types.NewString("x"), types.NewString("y"), types.NewString("y"), types.NewString("z")}
	if diff := cmp.Diff(want, values(got)); diff != "" {
		t.Errorf("Concat (-want +got):\n%s", diff)
	}
	d1 := build(types.Dynamic, types.NullOf(types.Dynamic), types.NewDynamic(`1`))
	d2 := build(types.Dynamic, types.NewDynamic(`[2]`), types.NullOf(types.Dynamic))
	gotD, err := Concat(d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append(values(d1), values(d2)...), values(gotD)); diff != "" {
		t.Errorf("Concat dynamic (-want +got):\n%s", diff)
	}
	if _, err := Concat(a, d1); err == nil || err.Error() != "concat: expected string, found dynamic" {
		t.Errorf("Concat(string, dynamic) error = %v", err)
	}
}

func TestNewBatch(t *testing.T) {
	schema := []Field{{"A", types.Long}, {"B", types.String}}
	a := build(types.Long, types.NewLong(1), types.NewLong(2))
	b := build(types.String, types.NewString("p"), types.NewString("q"))
	batch, err := NewBatch(schema, []Vector{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if batch.Len != 2 || batch.Column("B") != b || batch.Index("C") != -1 {
		t.Errorf("batch: Len = %d, Column(B) = %v, Index(C) = %d", batch.Len, batch.Column("B"), batch.Index("C"))
	}
	want := []types.Value{types.NewLong(2), types.NewString("q")}
	if diff := cmp.Diff(want, batch.Gather([]int32{1}).Row(0)); diff != "" {
		t.Errorf("Gather row (-want +got):\n%s", diff)
	}
	short := build(types.String, types.NewString("p"))
	if _, err := NewBatch(schema, []Vector{a, short}); err == nil || err.Error() != `column "B": expected 2 rows, found 1` {
		t.Errorf("NewBatch with short column: error = %v", err)
	}
	if _, err := NewBatch(schema, []Vector{b, a}); err == nil || err.Error() != `column "A": expected long, found string` {
		t.Errorf("NewBatch with wrong type: error = %v", err)
	}
}

func TestGUIDText(t *testing.T) {
	for _, in := range []string{"2AD3FC79-1859-42FA-9011-6F8DF2251B22", "{2ad3fc79-1859-42fa-9011-6f8df2251b22}", "2ad3fc79185942fa90116f8df2251b22"} {
		g, ok := ParseGUID(in)
		if !ok || FormatGUID(g) != "2ad3fc79-1859-42fa-9011-6f8df2251b22" {
			t.Errorf("ParseGUID(%q) = %s, %v", in, FormatGUID(g), ok)
		}
	}
	for _, in := range []string{"", "2ad3fc79-1859-42fa-9011-6f8df2251b2", "2ad3fc79x1859-42fa-9011-6f8df2251b22", "zad3fc79-1859-42fa-9011-6f8df2251b22"} {
		if _, ok := ParseGUID(in); ok {
			t.Errorf("ParseGUID(%q) ok, want failure", in)
		}
	}
}

func BenchmarkGatherDictStrings(b *testing.B) {
	sb := &StringBuilder{}
	for i := 0; i < 4096; i++ {
		sb.AppendString(fmt.Sprintf("user%d@contoso.com", i%50))
	}
	v := sb.Build()
	idx := make([]int32, 0, 2048)
	for i := 0; i < 4096; i += 2 {
		idx = append(idx, int32(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Gather(v, idx)
	}
}

func BenchmarkStringBuilderAppend(b *testing.B) {
	vals := make([][]byte, 4096)
	for i := range vals {
		vals[i] = []byte(fmt.Sprintf("Azure Portal %d", i%20))
	}
	sb := &StringBuilder{}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, v := range vals {
			sb.AppendBytes(v)
		}
		sb.Build()
	}
}

func BenchmarkStringBuilderAppendHighCardinality(b *testing.B) {
	vals := make([][]byte, 4096)
	for i := range vals {
		vals[i] = []byte(fmt.Sprintf("5f0e5c3a-0000-4000-8000-%012d", i))
	}
	sb := &StringBuilder{}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, v := range vals {
			sb.AppendBytes(v)
		}
		sb.Build()
	}
}

func BenchmarkIntBuilderAppend(b *testing.B) {
	ib := &IntBuilder{T: types.DateTime}
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < 4096; i++ {
			ib.AppendInt64(int64(i))
		}
		ib.Build()
	}
}
