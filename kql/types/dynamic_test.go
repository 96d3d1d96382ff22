package types

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		in   string
		want Value
	}{
		{`{"a": 1, "b": [1, 2]}`, NewDynamic(`{"a":1,"b":[1,2]}`)},
		{`not json`, NewDynamic(`"not json"`)},
		{`{"a":`, NewDynamic(`"{\"a\":"`)},
		{`42`, NewDynamic(`42`)},
		{`"quoted"`, NewDynamic(`"quoted"`)},
		{`null`, NullOf(Dynamic)},
		{``, NullOf(Dynamic)},
		{`{"duration":{"value":118.0,"min":100.0}}`, NewDynamic(`{"duration":{"value":118,"min":100}}`)},
	}
	for _, tt := range tests {
		if got := ParseJSON(tt.in); got != tt.want {
			t.Errorf("ParseJSON(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestToDynamic(t *testing.T) {
	tests := []struct {
		in   Value
		want string
	}{
		{NewString(`say "hi"`), `"say \"hi\""`},
		{NewLong(-7), `-7`},
		{NewInt(3), `3`},
		{NewReal(5), `5.0`},
		{NewReal(0.1), `0.1`},
		{NewReal(math.Pi), `3.1415926535897931`},
		{NewReal(math.Pi / 2), `1.5707963267948966`}, // .NET Framework prints cos(1) with a last digit 6, not 7: not reproduced
		{NewReal(1e20), `1E+20`},
		{NewReal(math.NaN()), `"NaN"`},
		{NewBool(true), `true`},
		{NewDateTime(1483228800 * TicksPerSecond), `"2017-01-01T00:00:00.0000000Z"`},
		{NewTimeSpan(TicksPerDay), `"1.00:00:00"`},
		{NewTimeSpan(TicksPerMinute), `"00:01:00"`},
		{NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642"), `"74be27de-1e4e-49d9-b579-fe0b331d3642"`},
		{NewDynamic(`[1]`), `[1]`},
	}
	for _, tt := range tests {
		got := ToDynamic(tt.in)
		if got.Type != Dynamic || got.S != tt.want {
			t.Errorf("ToDynamic(%+v) = %+v, want %s", tt.in, got, tt.want)
		}
	}
	if got := ToDynamic(NullOf(Long)); !got.IsNull() || got.Type != Dynamic {
		t.Errorf("ToDynamic(null long) = %+v, want dynamic null", got)
	}
}

func TestDynamicScalar(t *testing.T) {
	tests := []struct {
		in   string
		want Value
	}{
		{`"2017-01-01T00:00:00Z"`, NewString("2017-01-01T00:00:00Z")}, // stays a string
		{`"a\nb"`, NewString("a\nb")},
		{`12`, NewLong(12)},
		{`12.5`, NewReal(12.5)},
		{`5.0`, NewReal(5)},
		{`1e2`, NewReal(100)},
		{`99999999999999999999`, NewReal(1e20)},
		{`true`, NewBool(true)},
		{`null`, NullOf(Dynamic)},
		{` [1, 2] `, NewDynamic(`[1,2]`)},
		{`{"a" : 1}`, NewDynamic(`{"a":1}`)},
	}
	for _, tt := range tests {
		if got := DynamicScalar(JSON(tt.in)); got != tt.want {
			t.Errorf("DynamicScalar(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestDynamicAccess(t *testing.T) {
	d := ParseJSON(`{"duration":{"value":118.0,"min":100.0},"arr":[1,"two",null,{"x":3}]}`)
	dur := DynamicMember(d, "duration")
	tests := []struct {
		name string
		got  Value
		want Value
	}{
		{"d.duration.value", DynamicMember(dur, "value"), NewDynamic(`118`)},
		{"d.missing", DynamicMember(d, "missing"), NullOf(Dynamic)},
		{"d.arr[1]", DynamicIndex(DynamicMember(d, "arr"), 1), NewDynamic(`"two"`)},
		{"d.arr[-1].x", DynamicMember(DynamicIndex(DynamicMember(d, "arr"), -1), "x"), NewDynamic(`3`)},
		{"d.arr[2]", DynamicIndex(DynamicMember(d, "arr"), 2), NullOf(Dynamic)},
		{"d.arr[9]", DynamicIndex(DynamicMember(d, "arr"), 9), NullOf(Dynamic)},
		{"string column .a", DynamicMember(NewString(`{"a":1}`), "a"), NullOf(Dynamic)},
		{"d.arr.a", DynamicMember(DynamicMember(d, "arr"), "a"), NullOf(Dynamic)},
		{`d["duration"]`, DynamicAccess(d, NewString("duration")), dur},
		{`d.arr[long(0)]`, DynamicAccess(DynamicMember(d, "arr"), NewLong(0)), NewDynamic(`1`)},
		{`d[null]`, DynamicAccess(d, NullOf(String)), NullOf(Dynamic)},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestDynamicString(t *testing.T) {
	tests := []struct {
		in   Value
		want string
	}{
		{NewDynamic(`"a \"q\""`), `a "q"`},
		{NewDynamic(`{"a":1,"b":[1,2]}`), `{"a":1,"b":[1,2]}`},
		{NewDynamic(`1.5`), `1.5`},
		{NullOf(Dynamic), ``},
	}
	for _, tt := range tests {
		if got := DynamicString(tt.in); got != tt.want {
			t.Errorf("DynamicString(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
