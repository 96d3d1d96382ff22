package types

import (
	"math"
	"testing"
)

func TestFormatDateTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-01-02T03:04:05.1234567Z", "2024-01-02T03:04:05.1234567Z"},
		{"2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05.1230000Z"},
		{"2017-01-01", "2017-01-01T00:00:00.0000000Z"},
		{"1969-12-31 23:59:59.9999999", "1969-12-31T23:59:59.9999999Z"},
		{"0001-01-01", "0001-01-01T00:00:00.0000000Z"},
	}
	for _, tt := range tests {
		ticks, ok := ParseDateTime(tt.in)
		if !ok {
			t.Fatalf("ParseDateTime(%q) failed", tt.in)
		}
		if got := FormatDateTime(ticks); got != tt.want {
			t.Errorf("FormatDateTime(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatTimeSpan(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "00:00:00"},
		{30 * TicksPerMinute, "00:30:00"},
		{4 * TicksPerDay, "4.00:00:00"},
		{TicksPerDay + 2*TicksPerHour + 3*TicksPerMinute + 4*TicksPerSecond + 5_000_000, "1.02:03:04.5000000"},
		{1406211, "00:00:00.1406211"},
		{-TicksPerSecond, "-00:00:01"},
		{-(TicksPerDay + 1), "-1.00:00:00.0000001"},
		{math.MinInt64, "-10675199.02:48:05.4775808"},
	}
	for _, tt := range tests {
		if got := FormatTimeSpan(tt.in); got != tt.want {
			t.Errorf("FormatTimeSpan(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatReal(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{1, "1"},
		{1.5, "1.5"},
		{-2.25, "-2.25"},
		{sum(0.1, 0.2), "0.30000000000000004"},
		{4.8, "4.8"},
		{3600, "3600"},
		{123456789012345, "123456789012345"},
		{1e15, "1E+15"},
		{1e16, "1E+16"},
		{9007199254740992, "9007199254740992"},
		{1.5e300, "1.5E+300"},
		{0.0001, "0.0001"},
		{0.00001, "1E-05"},
		{1.234e-7, "1.234E-07"},
		{math.MaxFloat64, "1.7976931348623157E+308"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		if got := FormatReal(tt.in); got != tt.want {
			t.Errorf("FormatReal(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValueString(t *testing.T) {
	tests := []struct {
		in   Value
		want string
	}{
		{Value{}, ""},
		{NullOf(Long), ""},
		{NullOf(DateTime), ""},
		{NewBool(true), "true"},
		{NewBool(false), "false"},
		{NewInt(-5), "-5"},
		{NewLong(123), "123"},
		{NewReal(2.5), "2.5"},
		{NewDecimal("1.50"), "1.5"},
		{NewString("abc"), "abc"},
		{NewDateTime(0), "1970-01-01T00:00:00.0000000Z"},
		{NewTimeSpan(TicksPerHour), "01:00:00"},
		{NewGUID("01234567-89ab-cdef-0123-456789abcdef"), "01234567-89ab-cdef-0123-456789abcdef"},
		{NewDynamic(`{"a":1}`), `{"a":1}`},
		{NewDynamic(`"x\/y\n"`), "x/y\n"},
		{NewDynamic(`"\ud83d\ude00"`), "\U0001F600"},
		{NewDynamic(`[1,2]`), `[1,2]`},
		{NewDynamic(`null`), ""},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// sum adds at run time; Go folds constant expressions exactly.
func sum(a, b float64) float64 { return a + b }
