package funcs

import (
	"math"
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestMathKernels(t *testing.T) {
	r, l := types.Real, types.Long
	day := types.TicksPerDay
	runScalarCases(t, []scCase{
		{"abs", vArgs(vLong(-5)), "5", l},
		{"abs", vArgs(vReal(-2.5)), "2.5", r},
		{"abs", vArgs(vSpan(-day)), "1.00:00:00", types.TimeSpan},
		{"abs", vArgs(vNull(l)), "null", l},
		{"ceiling", vArgs(vReal(-1.1)), "-1", r},
		{"ceiling", vArgs(vLong(0)), "0", l},
		{"ceiling", vArgs(vReal(0.9)), "1", r},
		{"round", vArgs(vReal(2.98765), vLong(3)), "2.988", r},
		{"round", vArgs(vReal(2.15), vLong(1)), "2.2", r},
		{"round", vArgs(vReal(2.15)), "2", r},
		{"round", vArgs(vReal(-50.55), vLong(-2)), "-100", r},
		{"round", vArgs(vReal(21.5), vLong(-1)), "20", r},
		{"round", vArgs(vReal(-2.5)), "-3", r},
		{"round", vArgs(vLong(1234), vLong(-2)), "1200", l},
		{"sqrt", vArgs(vLong(4)), "2", r},
		{"sqrt", vArgs(vLong(-1)), "null", r},
		{"pow", vArgs(vLong(2), vLong(3)), "8", r},
		{"exp2", vArgs(vLong(3)), "8", r},
		{"exp10", vArgs(vLong(2)), "100", r},
		{"log", vArgs(vLong(5)), "1.6094379124341003", r},
		{"log2", vArgs(vLong(5)), "2.321928094887362", r},
		{"log10", vArgs(vLong(100)), "2", r},
		{"log", vArgs(vLong(-1)), "null", r},
		{"log", vArgs(vLong(0)), "-Infinity", r},
		{"degrees", vArgs(vReal(math.Pi / 4)), "45", r},
		{"atan2", vArgs(vLong(0), vLong(-1)), "3.141592653589793", r},
		{"gamma", vArgs(vLong(5)), "24", r},
		{"sign", vArgs(vLong(-42)), "-1", l},
		{"sign", vArgs(vLong(0)), "0", l},
		{"sign", vArgs(vReal(11.2)), "1", r},
		{"pi", nil, "3.141592653589793", r},
		{"isnan", vArgs(vReal(math.NaN())), "true", types.Bool},
		{"isnan", vArgs(vReal(-1)), "false", types.Bool},
		{"isinf", vArgs(vReal(math.Inf(-1))), "true", types.Bool},
		{"isfinite", vArgs(vReal(math.Inf(1))), "false", types.Bool},
		{"isfinite", vArgs(vLong(3)), "true", types.Bool},
		{"isnan", vArgs(vNull(r)), "null", types.Bool},
		{"max_of", vArgs(vLong(10), vLong(1), vLong(-3), vLong(17)), "17", l},
		{"min_of", vArgs(vLong(10), vLong(1), vLong(-3), vLong(17)), "-3", l},
		{"max_of", vArgs(vNull(types.Int), vInt(2)), "2", types.Int},
		{"max_of", vArgs(vNull(types.Int), vNull(types.Int)), "null", types.Int},
		{"min_of", vArgs(vLong(1), vNull(l)), "1", l},
		{"max_of", vArgs(vLong(1), vReal(1.5)), "1.5", r},
		{"max_of", vArgs(vLong(2), vReal(1.5)), "2", r},
		{"max_of", vArgs(vDT("2024-12-15 07:15:22"), vDT("2024-12-15 07:15:24")), "2024-12-15T07:15:24.0000000Z", types.DateTime},
		{"bin", vArgs(vReal(4.5), vLong(1)), "4", r},
		{"bin", vArgs(vLong(7), vLong(5)), "5", l},
		{"bin", vArgs(vLong(-7), vLong(5)), "-10", l},
		{"bin", vArgs(vSpan(16*day), vSpan(7*day)), "14.00:00:00", types.TimeSpan},
		{"bin", vArgs(vDT("1970-05-11 13:45:07"), vSpan(day)), "1970-05-11T00:00:00.0000000Z", types.DateTime},
		{"bin", vArgs(vDT("2024-01-03 13:45:07"), vSpan(types.TicksPerHour)), "2024-01-03T13:00:00.0000000Z", types.DateTime},
		// Week bins align to 0001-01-01, a Monday.
		{"bin", vArgs(vDT("2024-01-03"), vSpan(7*day)), "2024-01-01T00:00:00.0000000Z", types.DateTime},
		{"floor", vArgs(vReal(-4.5), vLong(1)), "-5", r},
		{"bin", vArgs(vLong(7), vLong(0)), "null", l},
		{"bin", vArgs(vNull(types.DateTime), vSpan(day)), "null", types.DateTime},
		{"bin_at", vArgs(vReal(6.5), vReal(2.5), vLong(7)), "4.5", r},
		{"bin_at", vArgs(vSpan(types.TicksPerHour), vSpan(day), vSpan(12*types.TicksPerHour)), "-12:00:00", types.TimeSpan},
		{"bin_at", vArgs(vDT("2017-05-15 10:20:00.0"), vSpan(day), vDT("1970-01-01 12:00:00.0")), "2017-05-14T12:00:00.0000000Z", types.DateTime},
		{"bin_at", vArgs(vDT("2017-05-17 10:20:00.0"), vSpan(7*day), vDT("2017-06-04 00:00:00.0")), "2017-05-14T00:00:00.0000000Z", types.DateTime},
		{"bin_at", vArgs(vDT("2018-02-23T16:14"), vSpan(day), vDT("2018-02-24 15:14:00.0000000")), "2018-02-23T15:14:00.0000000Z", types.DateTime},
		{"binary_and", vArgs(vLong(6), vLong(3)), "2", l},
		{"binary_or", vArgs(vLong(5), vLong(3)), "7", l},
		{"binary_xor", vArgs(vLong(1), vLong(2)), "3", l},
		{"binary_not", vArgs(vLong(100)), "-101", l},
		{"binary_shift_left", vArgs(vLong(1), vLong(2)), "4", l},
		{"binary_shift_right", vArgs(vLong(1), vLong(2)), "0", l},
	})
}

func TestMathResultTypes(t *testing.T) {
	reg := scalarRegistry()
	tests := []struct {
		fn      string
		args    []types.Type
		want    types.Type
		wantErr string
	}{
		{"bin", []types.Type{types.DateTime, types.TimeSpan}, types.DateTime, ""},
		{"bin", []types.Type{types.Long, types.Long}, types.Long, ""},
		{"bin", []types.Type{types.Long, types.Real}, types.Real, ""},
		{"bin", []types.Type{types.String, types.Long}, types.Unknown, "bin(): argument 1: expected a value of type number, datetime or timespan, found string"},
		{"bin", []types.Type{types.DateTime, types.String}, types.Unknown, "bin(): argument 2: expected a value of type number, datetime or timespan, found string"},
		{"bin", []types.Type{types.Long, types.TimeSpan}, types.Unknown, "bin(): argument 2: expected a value of type number, found timespan"},
		{"round", []types.Type{types.Int}, types.Int, ""},
		{"max_of", []types.Type{types.Long, types.Real, types.Unknown}, types.Real, ""},
		{"max_of", []types.Type{types.Long, types.String}, types.Unknown, "max_of(): argument 2: expected a value of type long, found string"},
		{"sqrt", []types.Type{types.String}, types.Unknown, "sqrt(): argument 1: expected a value of type number, found string"},
		{"rand", nil, types.Real, ""},
		{"rand", []types.Type{types.Long}, types.Long, ""},
	}
	for _, tt := range tests {
		got, err := mustLookup(t, reg, tt.fn).Result(tt.args)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s.Result(%v) = %s, %q, want %s, %q", tt.fn, tt.args, got, gotErr, tt.want, tt.wantErr)
		}
	}
	if name, ok := mustLookup(t, reg, "bin").ResultName("TimeGenerated"); !ok || name != "TimeGenerated" {
		t.Errorf("bin result name = %q, %v, want TimeGenerated", name, ok)
	}
}

func TestRand(t *testing.T) {
	f := mustLookup(t, scalarRegistry(), "rand")
	for i := 0; i < 100; i++ {
		if v := f.Scalar(&Context{}, nil); v.Type != types.Real || v.F < 0 || v.F >= 1 {
			t.Fatalf("rand() = %v, want a real in [0, 1)", v)
		}
		if v := f.Scalar(&Context{}, vArgs(vLong(10))); v.Type != types.Long || v.I < 0 || v.I >= 10 {
			t.Fatalf("rand(10) = %v, want a long in [0, 10)", v)
		}
	}
}

func TestErf(t *testing.T) {
	runScalarCases(t, []scCase{
		{"erf", vArgs(vLong(0)), "0", types.Real},
		{"erfc", vArgs(vLong(0)), "1", types.Real},
	})
	v := mustLookup(t, scalarRegistry(), "erf").Scalar(&Context{}, vArgs(vLong(1)))
	if math.Abs(v.F-0.842700792949715) > 1e-14 {
		t.Errorf("erf(1) = %v, want 0.842700792949715", v.F)
	}
}
