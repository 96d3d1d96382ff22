package types

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConvert(t *testing.T) {
	dt := func(s string) Value {
		ticks, ok := ParseDateTime(s)
		if !ok {
			t.Fatalf("ParseDateTime(%q) failed", s)
		}
		return NewDateTime(ticks)
	}
	tests := []struct {
		in   Value
		to   Type
		want Value
	}{
		{NewString("true"), Bool, NewBool(true)},
		{NewString("FALSE"), Bool, NewBool(false)},
		{NewString("yes"), Bool, NullOf(Bool)},
		{NewLong(123), Bool, NewBool(true)},
		{NewLong(0), Bool, NewBool(false)},
		{NewReal(0.5), Bool, NewBool(true)},
		{NullOf(Long), Bool, NullOf(Bool)},
		{NewDynamic("true"), Bool, NewBool(true)},

		{NewString("123"), Int, NewInt(123)},
		{NewReal(2.3), Int, NewInt(2)},
		{NewReal(-2.7), Int, NewInt(-2)},
		{NewLong(1 << 32), Int, NewInt(0)},
		{NewString("abc"), Int, NullOf(Int)},
		{NewString("0x10"), Long, NewLong(16)},
		{NewString(" 42 "), Long, NewLong(42)},
		{NewString("12.9"), Long, NewLong(12)},
		{NewReal(math.NaN()), Long, NullOf(Long)},
		{NewReal(1e300), Long, NullOf(Long)},
		{NewBool(true), Long, NewLong(1)},
		{NewTimeSpan(TicksPerSecond), Long, NewLong(TicksPerSecond)},
		{dt("1970-01-01"), Long, NewLong(621355968000000000)},
		{NewDecimal("-3.99"), Long, NewLong(-3)},
		{NewDynamic("17"), Long, NewLong(17)},
		{NewDynamic(`"17"`), Long, NewLong(17)},
		{NewDynamic(`[1]`), Long, NullOf(Long)},

		{NewString("123.4"), Real, NewReal(123.4)},
		{NewString("-inf"), Real, NewReal(math.Inf(-1))},
		{NewLong(3), Real, NewReal(3)},
		{NewString(""), Real, NullOf(Real)},

		{NewString("123.45678"), Decimal, NewDecimal("123.45678")},
		{NewReal(0.1), Decimal, NewDecimal("0.1")},
		{NewReal(math.Inf(1)), Decimal, NullOf(Decimal)},
		{NewLong(-5), Decimal, NewDecimal("-5")},

		{NewLong(123), String, NewString("123")},
		{NullOf(Long), String, NewString("")},
		{NewReal(1.0), String, NewString("1")},
		{NewBool(true), String, NewString("true")},

		{NewString("2015-12-31 23:59:59.9"), DateTime, dt("2015-12-31T23:59:59.9")},
		{NewString("12-02-2022"), DateTime, dt("2022-12-02")},
		{NewString("not a date"), DateTime, NullOf(DateTime)},
		{NewLong(621355968000000000), DateTime, NewDateTime(0)},
		{NewDynamic(`"2020-01-01"`), DateTime, dt("2020-01-01")},

		{NewString("0.00:03:00"), TimeSpan, NewTimeSpan(3 * TicksPerMinute)},
		{NewString("4d"), TimeSpan, NewTimeSpan(4 * TicksPerDay)},
		{NewString("x"), TimeSpan, NullOf(TimeSpan)},
		{NewLong(5), TimeSpan, NewTimeSpan(5)},

		{NewString("0123456789abcdef0123456789abcdef"), GUID, NewGUID("01234567-89ab-cdef-0123-456789abcdef")},
		{NewString("0123456789ab-cdef-0123-456789abcdef"), GUID, NewGUID("01234567-89ab-cdef-0123-456789abcdef")},
		{NewString("0123456789abcdef0123456789abcdefXYZ"), GUID, NewGUID("01234567-89ab-cdef-0123-456789abcdef")},
		{NewString("a string that is not a guid"), GUID, NullOf(GUID)},

		{NewLong(3), Dynamic, NewDynamic("3")},
		{NewString(`a"b`), Dynamic, NewDynamic(`"a\"b"`)},
		{NullOf(Long), Dynamic, NullOf(Dynamic)},
	}
	for _, tt := range tests {
		got := Convert(tt.in, tt.to)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Convert(%#v, %s) (-want +got):\n%s", tt.in, tt.to, diff)
		}
	}
}
