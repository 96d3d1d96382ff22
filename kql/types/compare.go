package types

import (
	"math"
	"math/big"
	"strings"
)

// nullRank orders null and NaN below every other value: null first, then NaN, as
// sort's `nulls first` lists them (`null`, `NaN`, `-inf`, `-5`, `0`, ...).
func nullRank(v Value) int {
	switch {
	case v.IsNull():
		return 0
	case v.Type == Real && math.IsNaN(v.F):
		return 1
	}
	return 2
}

// IsNullOrNaN reports whether v is null or a real NaN. sort groups these together and places
// them by its `nulls first` / `nulls last` option.
func IsNullOrNaN(v Value) bool { return nullRank(v) < 2 }

// Compare orders two values for sort, returning -1, 0 or +1. Null sorts lowest, then NaN (see
// [IsNullOrNaN]); numbers of different numeric types compare by value; strings compare by
// ordinal (byte) order, case-sensitively; values of unrelated types order by [Type].
func Compare(a, b Value) int {
	ra, rb := nullRank(a), nullRank(b)
	if ra < 2 || rb < 2 {
		return cmpInt(int64(ra), int64(rb))
	}
	if a.Type == b.Type {
		switch a.Type {
		case Bool, Int, Long, DateTime, TimeSpan:
			return cmpInt(a.I, b.I)
		case Real:
			return cmpFloat(a.F, b.F)
		case Decimal:
			return cmpDecimal(a.S, b.S)
		}
		return strings.Compare(a.S, b.S)
	}
	if a.Type.IsNumeric() && b.Type.IsNumeric() {
		return compareNumeric(a, b)
	}
	return cmpInt(int64(a.Type), int64(b.Type))
}

func compareNumeric(a, b Value) int {
	if a.Type.IsInteger() && b.Type.IsInteger() {
		return cmpInt(a.I, b.I)
	}
	if a.Type == Decimal || b.Type == Decimal {
		da, db := ToDecimal(a), ToDecimal(b)
		if !da.IsNull() && !db.IsNull() {
			return cmpDecimal(da.S, db.S)
		}
	}
	return cmpFloat(ToReal(a).F, ToReal(b).F)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpDecimal(a, b string) int {
	ra, ok1 := new(big.Rat).SetString(a)
	rb, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		return strings.Compare(a, b)
	}
	return ra.Cmp(rb)
}

// Comparable reports whether values of types a and b can be compared with == and <: the same
// type, or two numeric types. Unknown is comparable with anything.
func Comparable(a, b Type) bool {
	return a == b || a == Unknown || b == Unknown || a.IsNumeric() && b.IsNumeric()
}

// Same reports whether a and b are the same value: the test distinct, summarize by and join
// keys use. Two nulls are the same, NaN is the same as NaN, strings compare case-sensitively,
// and numbers of different numeric types compare by value.
func Same(a, b Value) bool {
	ra, rb := nullRank(a), nullRank(b)
	if ra < 2 || rb < 2 {
		return ra == rb
	}
	return Compare(a, b) == 0 && (a.Type == b.Type || a.Type.IsNumeric() && b.Type.IsNumeric())
}

// Equal evaluates a == b with Kusto's null rules: two nulls give a bool null, one null gives
// false. Strings compare case-sensitively; numbers of different numeric types by value.
func Equal(a, b Value) Value {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return NullOf(Bool)
	case an || bn:
		return NewBool(false)
	}
	if a.Type == Real && math.IsNaN(a.F) || b.Type == Real && math.IsNaN(b.F) {
		return NewBool(false)
	}
	if !Comparable(a.Type, b.Type) {
		return NewBool(false)
	}
	return NewBool(Compare(a, b) == 0)
}

// NotEqual evaluates a != b: two nulls give a bool null, one null gives true.
func NotEqual(a, b Value) Value {
	e := Equal(a, b)
	if e.IsNull() {
		return e
	}
	return NewBool(!e.Bool())
}

// EqualFoldValue evaluates a =~ b: both sides as strings, compared ignoring case.
func EqualFoldValue(a, b Value) Value {
	return NewBool(EqualFold(a.String(), b.String()))
}

// Less evaluates a < b; null if either side is null or they are not comparable.
func Less(a, b Value) Value { return order(a, b, func(c int) bool { return c < 0 }) }

// LessEq evaluates a <= b; null if either side is null or they are not comparable.
func LessEq(a, b Value) Value { return order(a, b, func(c int) bool { return c <= 0 }) }

// Greater evaluates a > b; null if either side is null or they are not comparable.
func Greater(a, b Value) Value { return order(a, b, func(c int) bool { return c > 0 }) }

// GreaterEq evaluates a >= b; null if either side is null or they are not comparable.
func GreaterEq(a, b Value) Value { return order(a, b, func(c int) bool { return c >= 0 }) }

func order(a, b Value, ok func(int) bool) Value {
	if a.IsNull() || b.IsNull() || !Comparable(a.Type, b.Type) {
		return NullOf(Bool)
	}
	if a.Type == Real && math.IsNaN(a.F) || b.Type == Real && math.IsNaN(b.F) {
		return NewBool(false)
	}
	return NewBool(ok(Compare(a, b)))
}
