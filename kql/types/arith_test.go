package types

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestArith(t *testing.T) {
	day := NewTimeSpan(TicksPerDay)
	tests := []struct {
		op   ArithOp
		a, b Value
		want Value
	}{
		{OpAdd, NewLong(1), NewLong(2), NewLong(3)},
		{OpAdd, NewInt(1), NewInt(2), NewInt(3)},
		{OpAdd, NewInt(math.MaxInt32), NewInt(1), NewInt(math.MinInt32)},
		{OpAdd, NewLong(math.MaxInt64), NewLong(1), NewLong(math.MinInt64)},
		{OpAdd, NewInt(1), NewLong(2), NewLong(3)},
		{OpAdd, NewLong(1), NewReal(0.5), NewReal(1.5)},
		{OpAdd, NewLong(5), NullOf(Long), NullOf(Long)},
		{OpDiv, NewLong(1), NewLong(2), NewLong(0)},
		{OpDiv, NewLong(-7), NewLong(2), NewLong(-3)},
		{OpDiv, NewReal(1), NewLong(2), NewReal(0.5)},
		{OpDiv, NewLong(1), NewReal(2), NewReal(0.5)},
		{OpDiv, NewLong(1), NewLong(0), NullOf(Long)},
		{OpDiv, NewReal(1), NewReal(0), NewReal(math.Inf(1))},
		{OpDiv, NewLong(math.MinInt64), NewLong(-1), NewLong(math.MinInt64)},
		{OpMod, NewLong(14), NewLong(12), NewLong(2)},
		{OpMod, NewLong(-14), NewLong(12), NewLong(10)},
		{OpMod, NewLong(14), NewLong(-12), NewLong(2)},
		{OpMod, NewLong(-14), NewLong(-12), NewLong(10)},
		{OpMod, NewLong(1), NewLong(0), NullOf(Long)},
		{OpMod, NewReal(-1.5), NewReal(1), NewReal(0.5)},
		{OpMul, NewLong(2), NewLong(2), NewLong(4)},
		{OpAdd, NewDecimal("0.1"), NewDecimal("0.2"), NewDecimal("0.3")},
		{OpMul, NewDecimal("1.5"), NewLong(2), NewDecimal("3")},
		{OpDiv, NewDecimal("1"), NewDecimal("3"), NewDecimal("0.3333333333333333333333333333")},
		{OpSub, NewDateTime(10 * TicksPerDay), NewDateTime(TicksPerDay), NewTimeSpan(9 * TicksPerDay)},
		{OpAdd, NewDateTime(0), day, NewDateTime(TicksPerDay)},
		{OpSub, NewDateTime(TicksPerDay), day, NewDateTime(0)},
		{OpAdd, day, NewDateTime(0), NewDateTime(TicksPerDay)},
		{OpAdd, day, day, NewTimeSpan(2 * TicksPerDay)},
		{OpDiv, day, NewTimeSpan(5 * TicksPerHour), NewReal(4.8)},
		{OpDiv, NewTimeSpan(TicksPerHour), NewTimeSpan(TicksPerSecond), NewReal(3600)},
		{OpMul, NewReal(1.5), NewTimeSpan(TicksPerHour), NewTimeSpan(90 * TicksPerMinute)},
		{OpMul, NewLong(86400), NewTimeSpan(TicksPerSecond), day},
		{OpDiv, day, NewLong(2), NewTimeSpan(12 * TicksPerHour)},
		{OpAdd, NewDateTime(0), NewDateTime(0), Value{}},
		{OpAdd, NewString("a"), NewLong(1), Value{}},
		// The analyser's extra signatures, on ticks.
		{OpDiv, NewDateTime(1000 * TicksPerDay), NewLong(1000), NewDateTime(TicksPerDay)},
		{OpDiv, NewDateTime(TicksPerDay), NewLong(0), NullOf(DateTime)},
		{OpDiv, NewDateTime(3 * TicksPerDay), day, NewReal(3)},
		{OpDiv, NewDateTime(3 * TicksPerDay), NewDateTime(TicksPerDay), NewReal(3)},
		{OpMul, NewDateTime(TicksPerDay), NewLong(2), NewDateTime(2 * TicksPerDay)},
		{OpMul, NewReal(0.5), NewDateTime(2 * TicksPerDay), NewDateTime(TicksPerDay)},
		{OpMul, NewDateTime(maxTicks), NewLong(2), NullOf(DateTime)},
		{OpMod, NewDateTime(TicksPerDay + 5*TicksPerHour), day, NewTimeSpan(5 * TicksPerHour)},
		{OpMod, NewDateTime(7), NewLong(4), NewDateTime(3)},
		{OpMod, NewTimeSpan(7), NewLong(4), NewTimeSpan(3)},
		{OpMul, NewTimeSpan(3), NewTimeSpan(4), NewTimeSpan(12)},
		{OpDiv, NullOf(DateTime), NewLong(2), NullOf(DateTime)},
	}
	for _, tt := range tests {
		got := Arith(tt.op, tt.a, tt.b)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Arith(%v %s %v) (-want +got):\n%s", tt.a, tt.op, tt.b, diff)
		}
	}
}

func TestArithResult(t *testing.T) {
	tests := []struct {
		op      ArithOp
		a, b    Type
		want    Type
		wantErr string
	}{
		{OpAdd, Int, Int, Int, ""},
		{OpAdd, Int, Long, Long, ""},
		{OpAdd, Long, Real, Real, ""},
		{OpSub, DateTime, DateTime, TimeSpan, ""},
		{OpDiv, TimeSpan, TimeSpan, Real, ""},
		{OpMul, Long, TimeSpan, TimeSpan, ""},
		{OpAdd, Unknown, String, Unknown, ""},
		{OpAdd, DateTime, DateTime, Unknown, "operator '+' cannot be applied to datetime and datetime"},
		{OpMul, String, Long, Unknown, "operator '*' cannot be applied to string and long"},
		{OpDiv, DateTime, Long, DateTime, ""},
		{OpDiv, DateTime, TimeSpan, Real, ""},
		{OpMod, DateTime, DateTime, TimeSpan, ""},
		{OpAdd, DateTime, Long, Unknown, "operator '+' cannot be applied to datetime and long"},
	}
	for _, tt := range tests {
		got, err := ArithResult(tt.op, tt.a, tt.b)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("ArithResult(%s %s %s) = %s, %q, want %s, %q", tt.a, tt.op, tt.b, got, gotErr, tt.want, tt.wantErr)
		}
	}
	if got := Negate(NewTimeSpan(5)); got != NewTimeSpan(-5) {
		t.Errorf("Negate(5 ticks) = %v", got)
	}
}
