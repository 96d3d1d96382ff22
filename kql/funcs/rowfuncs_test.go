package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestRowFuncs(t *testing.T) {
	reg := Default()
	call := func(name string, args ...types.Value) string {
		return dynShow(mustLookup(t, reg, name).Scalar(&Context{}, args))
	}
	tests := []struct {
		got, want string
	}{
		// Without the planner's rewrite to _TimeReceived, ingestion time is unknown.
		{call("ingestion_time"), "null"},
		{call("column_ifexists", vStr("NoSuchColumn"), vStr("default")), "default"},
		{call("columnifexists", vStr("NoSuchColumn"), vLong(3)), "3"},
		// pack_all's kernel takes the flag, then name/value pairs (the planner's contract).
		{call("pack_all", vBool(false), vStr("Source"), vStr("555-1313"), vStr("Target"), vStr(""), vStr("CharsCount"), vLong(42)),
			`{"Source":"555-1313","Target":"","CharsCount":42}`},
		{call("pack_all", vBool(true), vStr("Source"), vStr("555-1313"), vStr("Target"), vStr(""), vStr("CharsCount"), vLong(42)),
			`{"Source":"555-1313","CharsCount":42}`},
		{call("pack_all", vBool(true), vStr("x"), vNull(types.Long)), `{}`},
		// range(), from the reference page.
		{call("range", vLong(1), vLong(8), vLong(3)), "[1,4,7]"},
		{call("range", vLong(1), vLong(3)), "[1,2,3]"},
		{call("range", vSpan(36_000_000_000), vSpan(5*36_000_000_000)), `["01:00:00","02:00:00","03:00:00","04:00:00","05:00:00"]`},
		{call("range", vDT("2007-01-01"), vDT("2007-01-03"), vSpan(864_000_000_000)),
			`["2007-01-01T00:00:00.0000000Z","2007-01-02T00:00:00.0000000Z","2007-01-03T00:00:00.0000000Z"]`},
		{call("range", vReal(0.5), vLong(2), vReal(0.5)), "[0.5,1.0,1.5,2.0]"},
		{call("range", vLong(5), vLong(1), vLong(-2)), "[5,3,1]"},
		{call("range", vLong(5), vLong(1)), "[]"},
		{call("range", vLong(1), vLong(5), vLong(0)), "null"},
		{call("range", vNull(types.Long), vLong(5)), "null"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d = %s, want %s", i, tt.got, tt.want)
		}
	}
	// The range cap: 2^20 elements.
	v := mustLookup(t, reg, "range").Scalar(&Context{}, []types.Value{vLong(1), vLong(1 << 30)})
	if n := types.JSON(v.S).Len(); n != 1<<20 {
		t.Errorf("range(1, 2^30) has %d elements, want 2^20", n)
	}
	for _, tc := range []struct {
		fn   string
		args []types.Type
		want types.Type
		err  bool
	}{
		{"ingestion_time", nil, types.DateTime, false},
		{"column_ifexists", []types.Type{types.String, types.Long}, types.Long, false},
		{"column_ifexists", []types.Type{types.Long, types.Long}, types.Unknown, true},
		{"range", []types.Type{types.DateTime, types.DateTime, types.TimeSpan}, types.Dynamic, false},
		{"range", []types.Type{types.Long, types.DateTime}, types.Unknown, true},
		{"geo_info_from_ip_address", []types.Type{types.String}, types.Dynamic, false},
		{"pack_all", nil, types.Dynamic, false},
	} {
		got, err := mustLookup(t, reg, tc.fn).Result(tc.args)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("%s.Result(%v) = %s, %v; want %s, error %v", tc.fn, tc.args, got, err, tc.want, tc.err)
		}
	}
}
