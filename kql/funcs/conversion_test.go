package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestConversionKernels(t *testing.T) {
	runScalarCases(t, []scCase{
		{"tostring", vArgs(vLong(123)), "123", types.String},
		{"tostring", vArgs(vNull(types.Long)), "", types.String},
		{"tostring", vArgs(vReal(1.5)), "1.5", types.String},
		{"tostring", vArgs(vDT("2017-10-15 12:00")), "2017-10-15T12:00:00.0000000Z", types.String},
		{"tostring", vArgs(vDyn(`"abc"`)), "abc", types.String},
		{"tostring", vArgs(vDyn(`{"a":1}`)), `{"a":1}`, types.String},
		{"toint", vArgs(vStr("123")), "123", types.Int},
		{"toint", vArgs(vReal(2.3)), "2", types.Int},
		{"toint", vArgs(vStr("x")), "null", types.Int},
		{"tolong", vArgs(vStr("123")), "123", types.Long},
		{"todouble", vArgs(vStr("123.4")), "123.4", types.Real},
		{"toreal", vArgs(vStr("abc")), "null", types.Real},
		{"tobool", vArgs(vStr("true")), "true", types.Bool},
		{"toboolean", vArgs(vLong(123)), "true", types.Bool},
		{"tobool", vArgs(vLong(0)), "false", types.Bool},
		{"todecimal", vArgs(vStr("123.45678")), "123.45678", types.Decimal},
		{"todatetime", vArgs(vStr("2015-12-31 23:59:59.9")), "2015-12-31T23:59:59.9000000Z", types.DateTime},
		{"todatetime", vArgs(vStr("nope")), "null", types.DateTime},
		{"totimespan", vArgs(vStr("0.00:03:00")), "00:03:00", types.TimeSpan},
		{"totime", vArgs(vSpan(4 * types.TicksPerDay)), "4.00:00:00", types.TimeSpan},
		{"toguid", vArgs(vStr("0123456789abcdef0123456789abcdef")), "01234567-89ab-cdef-0123-456789abcdef", types.GUID},
		{"toguid", vArgs(vStr("a string that is not a guid")), "null", types.GUID},
		{"tohex", vArgs(vLong(256)), "100", types.String},
		{"tohex", vArgs(vLong(-256)), "ffffffffffffff00", types.String},
		{"tohex", vArgs(vInt(-256), vLong(8)), "ffffff00", types.String},
		{"tohex", vArgs(vLong(256), vLong(8)), "00000100", types.String},
		{"tohex", vArgs(vLong(256), vLong(2)), "100", types.String},
	})
}

func TestConversionResultTypes(t *testing.T) {
	reg := scalarRegistry()
	tests := []struct {
		fn      string
		args    []types.Type
		want    types.Type
		wantErr string
	}{
		{"tostring", []types.Type{types.Long}, types.String, ""},
		{"todatetime", []types.Type{types.String}, types.DateTime, ""},
		{"tohex", []types.Type{types.Long}, types.String, ""},
		{"tohex", []types.Type{types.String}, types.Unknown, "tohex(): argument 1: expected a value of type int or long, found string"},
		{"tohex", []types.Type{types.Long, types.Real}, types.Unknown, "tohex(): argument 2: expected a value of type int or long, found real"},
	}
	for _, tt := range tests {
		f, _ := reg.Lookup(tt.fn)
		got, err := f.Result(tt.args)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s.Result(%v) = %s, %q, want %s, %q", tt.fn, tt.args, got, gotErr, tt.want, tt.wantErr)
		}
	}
	if name, ok := mustLookup(t, reg, "tostring").ResultName("Props_x"); !ok || name != "Props_x" {
		t.Errorf("tostring result name = %q, %v, want Props_x", name, ok)
	}
}

func mustLookup(t *testing.T, reg *Registry, name string) *Func {
	t.Helper()
	f, ok := reg.Lookup(name)
	if !ok {
		t.Fatalf("%s not declared", name)
	}
	return f
}
