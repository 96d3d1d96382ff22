package types

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// dotnetEpochTicks is the Unix epoch in .NET ticks (100 ns since 0001-01-01), the unit in which
// tolong(datetime) and todatetime(long) count.
const dotnetEpochTicks int64 = 621355968000000000

// Convert converts v to type t with Kusto's conversion rules (the to*() functions): a value
// that cannot be converted gives the null of t, and converting to String never gives null.
func Convert(v Value, t Type) Value {
	switch t {
	case Bool:
		return ToBool(v)
	case Int:
		return ToInt(v)
	case Long:
		return ToLong(v)
	case Real:
		return ToReal(v)
	case Decimal:
		return ToDecimal(v)
	case String:
		return ToString(v)
	case DateTime:
		return ToDateTime(v)
	case TimeSpan:
		return ToTimeSpan(v)
	case GUID:
		return ToGUID(v)
	case Dynamic:
		return ToDynamic(v)
	}
	return Value{}
}

// fromDynamic converts a dynamic scalar to the scalar it holds (see [DynamicScalar]); ok
// is false for null, arrays and objects.
func fromDynamic(v Value) (Value, bool) {
	if v.IsNull() {
		return Value{}, false
	}
	s := DynamicScalar(JSON(v.S))
	return s, s.Type != Dynamic && !s.IsNull()
}

// ToString converts v to a string: the text of [Value.String]; null gives "".
func ToString(v Value) Value { return NewString(v.String()) }

// ToBool converts v to bool: numbers are true when non-zero; strings `true`/`false` (any case)
// and `1`/`0`; anything else is null.
func ToBool(v Value) Value {
	if v.IsNull() {
		return NullOf(Bool)
	}
	switch v.Type {
	case Bool:
		return v
	case Int, Long:
		return NewBool(v.I != 0)
	case Real:
		if math.IsNaN(v.F) {
			return NullOf(Bool)
		}
		return NewBool(v.F != 0)
	case Decimal:
		return NewBool(strings.Trim(v.S, "-0.") != "")
	case String:
		if b, ok := ParseBool(v.S); ok {
			return NewBool(b)
		}
		if n, ok := ParseLong(v.S); ok {
			return NewBool(n != 0)
		}
	case Dynamic:
		if s, ok := fromDynamic(v); ok {
			return ToBool(s)
		}
	}
	return NullOf(Bool)
}

// ToLong converts v to long: reals and decimals truncate toward zero (null when out of
// range or not finite); bool is 0 or 1; datetime gives .NET ticks since 0001-01-01; timespan
// gives ticks; strings parse as integers (decimal or 0x hex) or as reals truncated.
func ToLong(v Value) Value {
	if v.IsNull() {
		return NullOf(Long)
	}
	switch v.Type {
	case Bool, Int, Long, TimeSpan:
		return NewLong(v.I)
	case DateTime:
		return NewLong(v.I + dotnetEpochTicks)
	case Real:
		return longFromFloat(v.F)
	case Decimal:
		return longFromDecimal(v.S)
	case String:
		if n, ok := ParseLong(v.S); ok {
			return NewLong(n)
		}
		if f, ok := ParseReal(v.S); ok {
			return longFromFloat(f)
		}
	case Dynamic:
		if s, ok := fromDynamic(v); ok {
			return ToLong(s)
		}
	}
	return NullOf(Long)
}

func longFromFloat(f float64) Value {
	if math.IsNaN(f) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return NullOf(Long)
	}
	return NewLong(int64(f))
}

func longFromDecimal(s string) Value {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return NullOf(Long)
	}
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() {
		return NullOf(Long)
	}
	return NewLong(q.Int64())
}

// ToInt converts v to int like [ToLong] and keeps the low 32 bits, as Kusto's unchecked
// conversion does.
func ToInt(v Value) Value {
	l := ToLong(v)
	if l.IsNull() {
		return NullOf(Int)
	}
	return NewInt(int32(l.I))
}

// ToReal converts v to real: strings parse as reals (including `nan`, `inf`); bool is 0 or 1;
// datetime and timespan give their ticks as [ToLong] does.
func ToReal(v Value) Value {
	if v.IsNull() {
		return NullOf(Real)
	}
	switch v.Type {
	case Real:
		return v
	case Bool, Int, Long, TimeSpan:
		return NewReal(float64(v.I))
	case DateTime:
		return NewReal(float64(v.I + dotnetEpochTicks))
	case Decimal:
		f, err := strconv.ParseFloat(v.S, 64)
		if err != nil {
			return NullOf(Real)
		}
		return NewReal(f)
	case String:
		if f, ok := ParseReal(v.S); ok {
			return NewReal(f)
		}
		if n, ok := ParseLong(v.S); ok {
			return NewReal(float64(n))
		}
	case Dynamic:
		if s, ok := fromDynamic(v); ok {
			return ToReal(s)
		}
	}
	return NullOf(Real)
}

// NewDecimal returns a decimal value from its text, or a decimal null when s is not a
// decimal number.
func NewDecimal(s string) Value {
	if c, ok := ParseDecimal(s); ok {
		return Value{Type: Decimal, S: c}
	}
	return NullOf(Decimal)
}

// ToDecimal converts v to decimal. Reals convert through their 15 significant digits, as
// .NET's decimal conversion does; NaN and infinities give null.
func ToDecimal(v Value) Value {
	if v.IsNull() {
		return NullOf(Decimal)
	}
	switch v.Type {
	case Decimal:
		return v
	case Bool, Int, Long, TimeSpan:
		return Value{Type: Decimal, S: strconv.FormatInt(v.I, 10)}
	case DateTime:
		return Value{Type: Decimal, S: strconv.FormatInt(v.I+dotnetEpochTicks, 10)}
	case Real:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			return NullOf(Decimal)
		}
		return NewDecimal(strconv.FormatFloat(v.F, 'g', 15, 64))
	case String:
		s := strings.TrimSpace(v.S)
		if n, ok := ParseLong(s); ok && strings.ContainsAny(s, "xX") {
			return Value{Type: Decimal, S: strconv.FormatInt(n, 10)}
		}
		return NewDecimal(s)
	case Dynamic:
		if s, ok := fromDynamic(v); ok {
			return ToDecimal(s)
		}
	}
	return NullOf(Decimal)
}

// ToDateTime converts v to datetime: strings parse with [ParseDateTime]; long and int count
// .NET ticks since 0001-01-01 (the inverse of tolong(datetime)).
func ToDateTime(v Value) Value {
	if v.IsNull() {
		return NullOf(DateTime)
	}
	switch v.Type {
	case DateTime:
		return v
	case Int, Long:
		t := v.I - dotnetEpochTicks
		if v.I < 0 || t > maxTicks {
			return NullOf(DateTime)
		}
		return NewDateTime(t)
	case String:
		if t, ok := ParseDateTime(v.S); ok {
			return NewDateTime(t)
		}
	case Dynamic:
		if s, ok := fromDynamic(v); ok {
			return ToDateTime(s)
		}
	}
	return NullOf(DateTime)
}

// ToTimeSpan converts v to timespan: strings parse with [ParseTimeSpan]; long and int count
// ticks (the inverse of tolong(timespan)).
func ToTimeSpan(v Value) Value {
	if v.IsNull() {
		return NullOf(TimeSpan)
	}
	switch v.Type {
	case TimeSpan:
		return v
	case Int, Long:
		return NewTimeSpan(v.I)
	case String:
		if t, ok := ParseTimeSpan(v.S); ok {
			return NewTimeSpan(t)
		}
	case Dynamic:
		if s, ok := fromDynamic(v); ok {
			return ToTimeSpan(s)
		}
	}
	return NullOf(TimeSpan)
}

// ToGUID converts v to guid. A string gives the guid spelled by its first 32 hex digits,
// ignoring hyphens; the rest of the string is ignored.
func ToGUID(v Value) Value {
	if v.IsNull() {
		return NullOf(GUID)
	}
	switch v.Type {
	case GUID:
		return v
	case String:
		if g, ok := guidFromPrefix(strings.TrimSpace(v.S)); ok {
			return NewGUID(g)
		}
	case Dynamic:
		if s, ok := fromDynamic(v); ok {
			return ToGUID(s)
		}
	}
	return NullOf(GUID)
}
