package types

import (
	"fmt"
	"math"
	"math/big"
)

// ArithOp is a binary arithmetic operator.
type ArithOp uint8

const (
	OpAdd ArithOp = iota // +
	OpSub                // -
	OpMul                // *
	OpDiv                // /
	OpMod                // %
)

// String returns the operator's KQL spelling.
func (op ArithOp) String() string {
	return [...]string{"+", "-", "*", "/", "%"}[op]
}

// ArithResult gives the result type of a op b, following Kusto's promotion rules: int with
// int is int; int or long with long is long; anything with real is real; decimal with an
// integer is decimal; datetime - datetime is timespan; datetime ± timespan is datetime;
// timespan ± timespan is timespan; timespan / timespan is real; timespan * or / a number is
// timespan. Unknown operands give Unknown without an error. The error is worded for the user.
func ArithResult(op ArithOp, a, b Type) (Type, error) {
	if a == Unknown || b == Unknown {
		return Unknown, nil
	}
	if t, ok := arithType(op, a, b); ok {
		return t, nil
	}
	if t, ok := analyserArith(op, a, b); ok {
		return t, nil
	}
	return Unknown, fmt.Errorf("operator '%s' cannot be applied to %s and %s", op, a, b)
}

// IsDocumentedArith reports whether a op b is among the combinations the language
// reference documents; [ArithResult] also accepts the ones only Kusto's analyser does.
func IsDocumentedArith(op ArithOp, a, b Type) bool {
	_, ok := arithType(op, a, b)
	return ok
}

// analyserArith gives the result type of the arithmetic signatures that Kusto's analyser
// (Kusto.Language's Multiply, Divide and Modulo operators) accepts beyond the documented
// ones: datetime multiplied, divided or taken modulo by a number is datetime; datetime /
// datetime and datetime / timespan are real; datetime % datetime and datetime % timespan
// are timespan; timespan * timespan and timespan % number are timespan. [Arith] computes
// them on the values' ticks, as Kusto stores both types. Corpus rules rely on them
// (`datetime(1970-01-01) + tolong(T / 1000) * 1sec`).
func analyserArith(op ArithOp, a, b Type) (Type, bool) {
	switch op {
	case OpMul:
		switch {
		case a == DateTime && b.IsNumeric(), a.IsNumeric() && b == DateTime:
			return DateTime, true
		case a == TimeSpan && b == TimeSpan:
			return TimeSpan, true
		}
	case OpDiv:
		switch {
		case a == DateTime && (b == DateTime || b == TimeSpan):
			return Real, true
		case a == DateTime && b.IsNumeric():
			return DateTime, true
		}
	case OpMod:
		switch {
		case a == DateTime && (b == DateTime || b == TimeSpan):
			return TimeSpan, true
		case a == DateTime && b.IsNumeric():
			return DateTime, true
		case a == TimeSpan && b.IsNumeric():
			return TimeSpan, true
		}
	}
	return Unknown, false
}

// ticksArith evaluates an [analyserArith] combination on ticks; rt is its result type.
func ticksArith(op ArithOp, a, b Value, rt Type) Value {
	ticks := func(v Value) Value {
		if v.Type == DateTime || v.Type == TimeSpan {
			return NewLong(v.I)
		}
		return v
	}
	x, y := ticks(a), ticks(b)
	rxt, ok := arithType(op, x.Type, y.Type)
	if !ok {
		return Value{}
	}
	r := Arith(op, x, y)
	if r.IsNull() {
		return NullOf(rt)
	}
	if rt == Real {
		return ToReal(r)
	}
	var n int64
	switch rxt {
	case Real:
		f := r.F
		if math.IsNaN(f) || math.IsInf(f, 0) || f >= 9.2e18 || f <= -9.2e18 {
			return NullOf(rt)
		}
		n = int64(math.Round(f))
	case Decimal:
		n = ToLong(r).I
	default:
		n = r.I
	}
	if rt == DateTime {
		if n < minTicks || n > maxTicks {
			return NullOf(DateTime)
		}
		return NewDateTime(n)
	}
	return NewTimeSpan(n)
}

func arithType(op ArithOp, a, b Type) (Type, bool) {
	if a.IsNumeric() && b.IsNumeric() {
		switch {
		case a == Real || b == Real:
			return Real, true
		case a == Decimal || b == Decimal:
			return Decimal, true
		case a == Long || b == Long:
			return Long, true
		}
		return Int, true
	}
	switch {
	case a == DateTime && b == DateTime:
		return TimeSpan, op == OpSub
	case a == DateTime && b == TimeSpan:
		return DateTime, op == OpAdd || op == OpSub
	case a == TimeSpan && b == DateTime:
		return DateTime, op == OpAdd
	case a == TimeSpan && b == TimeSpan:
		switch op {
		case OpAdd, OpSub, OpMod:
			return TimeSpan, true
		case OpDiv:
			return Real, true
		}
	case a == TimeSpan && b.IsNumeric():
		return TimeSpan, op == OpMul || op == OpDiv
	case a.IsNumeric() && b == TimeSpan:
		return TimeSpan, op == OpMul
	}
	return Unknown, false
}

// Arith evaluates a op b with Kusto semantics: null is sticky; integer arithmetic wraps on
// overflow (int at 32 bits, long at 64); integer division truncates toward zero, and integer
// division or modulo by zero gives null; real arithmetic follows IEEE-754 (1.0/0 is +inf);
// modulo is never negative (0 <= n % d < abs(d)). Operands whose types do not combine give an
// untyped null.
func Arith(op ArithOp, a, b Value) Value {
	rt, ok := arithType(op, a.Type, b.Type)
	if !ok {
		if rt, ok := analyserArith(op, a.Type, b.Type); ok {
			if a.IsNull() || b.IsNull() {
				return NullOf(rt)
			}
			return ticksArith(op, a, b, rt)
		}
		return Value{}
	}
	if a.IsNull() || b.IsNull() {
		return NullOf(rt)
	}
	switch rt {
	case Int, Long:
		r, ok := intArith(op, a.I, b.I)
		if !ok {
			return NullOf(rt)
		}
		if rt == Int {
			return NewInt(int32(r))
		}
		return NewLong(r)
	case Real:
		if a.Type == TimeSpan && b.Type == TimeSpan {
			return NewReal(float64(a.I) / float64(b.I))
		}
		return NewReal(realArith(op, ToReal(a).F, ToReal(b).F))
	case Decimal:
		return decimalArith(op, ToDecimal(a).S, ToDecimal(b).S)
	case DateTime:
		var r int64
		switch {
		case a.Type == DateTime && op == OpAdd:
			r = a.I + b.I
		case a.Type == DateTime:
			r = a.I - b.I
		default:
			r = a.I + b.I
		}
		if r < minTicks || r > maxTicks {
			return NullOf(DateTime)
		}
		return NewDateTime(r)
	case TimeSpan:
		switch {
		case a.Type == DateTime || a.Type == TimeSpan && b.Type == TimeSpan:
			r, ok := intArith(op, a.I, b.I)
			if !ok {
				return NullOf(TimeSpan)
			}
			return NewTimeSpan(r)
		case a.Type == TimeSpan:
			return scaleTimeSpan(op, a.I, b)
		default:
			return scaleTimeSpan(op, b.I, a)
		}
	}
	return Value{}
}

// scaleTimeSpan multiplies or divides ticks by a number.
func scaleTimeSpan(op ArithOp, ticks int64, n Value) Value {
	if n.Type.IsInteger() {
		if op == OpMul {
			return NewTimeSpan(ticks * n.I)
		}
		if n.I == 0 {
			return NullOf(TimeSpan)
		}
		return NewTimeSpan(ticks / n.I)
	}
	f := ToReal(n).F
	var r float64
	if op == OpMul {
		r = float64(ticks) * f
	} else {
		r = float64(ticks) / f
	}
	if math.IsNaN(r) || math.IsInf(r, 0) || r >= 9.2e18 || r <= -9.2e18 {
		return NullOf(TimeSpan)
	}
	return NewTimeSpan(int64(math.Round(r)))
}

func intArith(op ArithOp, a, b int64) (int64, bool) {
	switch op {
	case OpAdd:
		return a + b, true
	case OpSub:
		return a - b, true
	case OpMul:
		return a * b, true
	case OpDiv:
		if b == 0 {
			return 0, false
		}
		if b == -1 {
			return -a, true // math.MinInt64 / -1 wraps instead of trapping
		}
		return a / b, true
	case OpMod:
		if b == 0 {
			return 0, false
		}
		if b == -1 {
			return 0, true
		}
		r := a % b
		if r < 0 {
			if b < 0 {
				r -= b
			} else {
				r += b
			}
		}
		return r, true
	}
	return 0, false
}

func realArith(op ArithOp, a, b float64) float64 {
	switch op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpDiv:
		return a / b
	case OpMod:
		r := math.Mod(a, b)
		if r < 0 {
			r += math.Abs(b)
		}
		return r
	}
	return math.NaN()
}

func decimalArith(op ArithOp, a, b string) Value {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		return NullOf(Decimal)
	}
	r := new(big.Rat)
	switch op {
	case OpAdd:
		r.Add(x, y)
	case OpSub:
		r.Sub(x, y)
	case OpMul:
		r.Mul(x, y)
	case OpDiv, OpMod:
		if y.Sign() == 0 {
			return NullOf(Decimal)
		}
		r.Quo(x, y)
		if op == OpMod {
			q := new(big.Int).Quo(r.Num(), r.Denom())
			r.Sub(x, new(big.Rat).Mul(new(big.Rat).SetInt(q), y))
			if r.Sign() < 0 {
				r.Add(r, new(big.Rat).Abs(y))
			}
		}
	}
	return Value{Type: Decimal, S: FormatRat(r)}
}

// Negate evaluates -v for numbers and timespans; null stays null. Other types give an
// untyped null.
func Negate(v Value) Value {
	switch v.Type {
	case Int:
		if v.IsNull() {
			return v
		}
		return NewInt(-int32(v.I))
	case Long, TimeSpan:
		if v.IsNull() {
			return v
		}
		return Value{Type: v.Type, I: -v.I}
	case Real:
		if v.IsNull() {
			return v
		}
		return NewReal(-v.F)
	case Decimal:
		if v.IsNull() {
			return v
		}
		return decimalArith(OpSub, "0", v.S)
	}
	return Value{}
}
