package types

import (
	"math"
	"testing"
	"time"
)

func ticksOf(t *testing.T, layout, s string) int64 {
	t.Helper()
	tm, err := time.Parse(layout, s)
	if err != nil {
		t.Fatal(err)
	}
	return TicksFromTime(tm)
}

func TestParseDateTime(t *testing.T) {
	const iso = "2006-01-02T15:04:05.9999999Z07:00"
	tests := []struct {
		in   string
		want string // RFC 3339 with fraction, "" for a parse failure
	}{
		{"2014-05-25T08:20:03.123456Z", "2014-05-25T08:20:03.123456Z"},
		{"2014-05-25T08:20:03.123456", "2014-05-25T08:20:03.123456Z"},
		{"2014-05-25T08:20", "2014-05-25T08:20:00Z"},
		{"2014-11-08 15:55:55.123456Z", "2014-11-08T15:55:55.123456Z"},
		{"2014-11-08 15:55:55", "2014-11-08T15:55:55Z"},
		{"2014-11-08 15:55", "2014-11-08T15:55:00Z"},
		{"2014-11-08", "2014-11-08T00:00:00Z"},
		{"2015-12-31 23:59:59.9", "2015-12-31T23:59:59.9Z"},
		{"2019-01-20 11:41:05.4391686", "2019-01-20T11:41:05.4391686Z"},
		{"2019-01-20T11:41:05.43916861234Z", "2019-01-20T11:41:05.4391686Z"},
		{"2019-06-25T10:00:00+02:00", "2019-06-25T08:00:00Z"},
		{"2019-06-25T10:00:00-0130", "2019-06-25T11:30:00Z"},
		{"2019-06-25 10:00:00 GMT", "2019-06-25T10:00:00Z"},
		{"2014-11-8 15:05", "2014-11-08T15:05:00Z"},
		{"2014-11-08T15:05:25 GMT", "2014-11-08T15:05:25Z"},
		{"2014/11/08", "2014-11-08T00:00:00Z"},
		{"6/25/2019", "2019-06-25T00:00:00Z"},
		{"6/25/2019 10:00:00 PM", "2019-06-25T22:00:00Z"},
		{"6/25/2019 12:30 AM", "2019-06-25T00:30:00Z"},
		{"12-02-2022", "2022-12-02T00:00:00Z"},
		{"Sat, 8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02Z"},
		{"Sat, 25 Jun 2019 10:00:00 GMT", "2019-06-25T10:00:00Z"},
		{"Sat, 8 Nov 14 15:05", "2014-11-08T15:05:00Z"},
		{"8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02Z"},
		{"8 Nov 14 15:05", "2014-11-08T15:05:00Z"},
		{"Saturday, 08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02Z"},
		{"08-Nov-14 15:05", "2014-11-08T15:05:00Z"},
		{"20140525T082003", "2014-05-25T08:20:03Z"},
		{"  2014-11-08  ", "2014-11-08T00:00:00Z"},
		{"0001-01-01", "0001-01-01T00:00:00Z"},
		{"9999-12-31 23:59:59.9999999", "9999-12-31T23:59:59.9999999Z"},
		{"", ""},
		{"abc", ""},
		{"2014-13-01", ""},
		{"2014-02-30", ""},
		{"2014-11-08 25:00", ""},
		{"2014-11-08T", ""},
		{"2014-11-08 10:00 junk", ""},
		{"13/25/2019", ""},
		{"Sat, 8 Foo 14 15:05", ""},
		{"123", ""},
	}
	for _, tt := range tests {
		got, ok := ParseDateTime(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("ParseDateTime(%q) = %s, want failure", tt.in, FormatDateTime(got))
			}
			continue
		}
		want := ticksOf(t, iso, tt.want)
		if !ok || got != want {
			t.Errorf("ParseDateTime(%q) = %s, %v, want %s", tt.in, FormatDateTime(got), ok, FormatDateTime(want))
		}
	}
}

func TestParseTimeSpan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1d", TicksPerDay, true},
		{"2h", 2 * TicksPerHour, true},
		{"30m", 30 * TicksPerMinute, true},
		{"10s", 10 * TicksPerSecond, true},
		{"100ms", 100 * TicksPerMillisecond, true},
		{"10microsecond", 100, true},
		{"1tick", 1, true},
		{"1.5h", 90 * TicksPerMinute, true},
		{"0.5d", 12 * TicksPerHour, true},
		{"25min", 25 * TicksPerMinute, true},
		{"15 seconds", 15 * TicksPerSecond, true},
		{"2 days", 2 * TicksPerDay, true},
		{"3hours", 3 * TicksPerHour, true},
		{"1sec", TicksPerSecond, true},
		{"2", 2 * TicksPerDay, true},
		{"-1h", -TicksPerHour, true},
		{"00:30:00", 30 * TicksPerMinute, true},
		{"0.12:34:56.7", 12*TicksPerHour + 34*TicksPerMinute + 56*TicksPerSecond + 7_000_000, true},
		{"1.02:03:04.5000000", TicksPerDay + 2*TicksPerHour + 3*TicksPerMinute + 4*TicksPerSecond + 5_000_000, true},
		{"0.00:03:00", 3 * TicksPerMinute, true},
		{"10:00", 10 * TicksPerHour, true},
		{"-00:00:01", -TicksPerSecond, true},
		{"6:00:00:00", 6 * TicksPerDay, true},
		{"30.00:00:00", 30 * TicksPerDay, true},
		{"", 0, false},
		{"1w", 0, false},
		{"abc", 0, false},
		{"25:00:00", 0, false},
		{"10:61", 0, false},
		{"1.2.3h", 0, false},
		{"99999999999999999999d", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseTimeSpan(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseTimeSpan(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseGUID(t *testing.T) {
	const g = "01234567-89ab-cdef-0123-456789abcdef"
	tests := []struct {
		in   string
		want string
	}{
		{"01234567-89AB-CDEF-0123-456789ABCDEF", g},
		{"0123456789abcdef0123456789abcdef", g},
		{"{01234567-89ab-cdef-0123-456789abcdef}", g},
		{"(01234567-89ab-cdef-0123-456789abcdef)", g},
		{"01234567-89ab-cdef-0123-456789abcdeg", ""},
		{"0123456789ab-cdef-0123-456789abcdef", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := ParseGUID(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ParseGUID(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestParseNumbers(t *testing.T) {
	longs := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"123", 123, true},
		{"-42", -42, true},
		{"+7", 7, true},
		{"0x1F", 31, true},
		{"0xffffffffffffffff", -1, true},
		{"-0x10", -16, true},
		{"1.5", 0, false},
		{"9223372036854775808", 0, false},
		{"", 0, false},
	}
	for _, tt := range longs {
		got, ok := ParseLong(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseLong(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	reals := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true},
		{"1e5", 1e5, true},
		{"-2.5E-3", -2.5e-3, true},
		{"+inf", math.Inf(1), true},
		{"-inf", math.Inf(-1), true},
		{"Infinity", math.Inf(1), true},
		{"123.4", 123.4, true},
		{"0x10", 0, false},
		{"1_0", 0, false},
		{"abc", 0, false},
	}
	for _, tt := range reals {
		got, ok := ParseReal(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseReal(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if f, ok := ParseReal("nan"); !ok || !math.IsNaN(f) {
		t.Errorf("ParseReal(nan) = %v, %v, want NaN", f, ok)
	}
	decs := []struct{ in, want string }{
		{"123.45678", "123.45678"},
		{"1.50", "1.5"},
		{"-0.0", "0"},
		{"1e3", "1000"},
		{"007", "7"},
		{"1/2", ""},
		{"x", ""},
	}
	for _, tt := range decs {
		got, ok := ParseDecimal(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ParseDecimal(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}
