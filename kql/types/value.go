package types

import "math"

// Value is one KQL scalar value. The zero Value is an untyped null.
//
// Representation by Type:
//   - Bool: I is 0 or 1.
//   - Int, Long: I (Int values always fit in 32 bits).
//   - Real: F.
//   - Decimal: S holds the exact decimal text (for example "1.50").
//   - String: S; a string is never null (Null is always false for String).
//   - DateTime: I is 100 ns ticks since the Unix epoch, UTC.
//   - TimeSpan: I is 100 ns ticks.
//   - GUID: S is the canonical lower-case 36-character text.
//   - Dynamic: S is compact JSON text; a dynamic null has Null set and S empty.
type Value struct {
	Type Type
	Null bool
	I    int64
	F    float64
	S    string
}

// NullOf returns the null value of type t. For String it returns the empty string, since
// KQL strings are never null.
func NullOf(t Type) Value {
	if t == String {
		return Value{Type: String}
	}
	return Value{Type: t, Null: true}
}

// IsNull reports whether v is null (an untyped zero Value is null too).
func (v Value) IsNull() bool { return v.Null || v.Type == Unknown }

// NewBool returns a bool value.
func NewBool(b bool) Value {
	if b {
		return Value{Type: Bool, I: 1}
	}
	return Value{Type: Bool}
}

// NewInt returns an int value.
func NewInt(i int32) Value { return Value{Type: Int, I: int64(i)} }

// NewLong returns a long value.
func NewLong(i int64) Value { return Value{Type: Long, I: i} }

// NewReal returns a real value.
func NewReal(f float64) Value { return Value{Type: Real, F: f} }

// NewString returns a string value.
func NewString(s string) Value { return Value{Type: String, S: s} }

// NewDateTime returns a datetime value from 100 ns ticks since the Unix epoch.
func NewDateTime(ticks int64) Value { return Value{Type: DateTime, I: ticks} }

// NewTimeSpan returns a timespan value from 100 ns ticks.
func NewTimeSpan(ticks int64) Value { return Value{Type: TimeSpan, I: ticks} }

// NewGUID returns a guid value from its canonical lower-case text.
func NewGUID(canonical string) Value { return Value{Type: GUID, S: canonical} }

// NewDynamic returns a dynamic value from compact JSON text. The text "null" gives a
// dynamic null.
func NewDynamic(json string) Value {
	if json == "" || json == "null" {
		return Value{Type: Dynamic, Null: true}
	}
	return Value{Type: Dynamic, S: json}
}

// Bool returns v's truth: true only for a non-null bool true.
func (v Value) Bool() bool { return v.Type == Bool && !v.Null && v.I != 0 }

// Float returns v as a float64 for numeric types; NaN when null or not numeric.
func (v Value) Float() float64 {
	if v.IsNull() {
		return math.NaN()
	}
	switch v.Type {
	case Int, Long, DateTime, TimeSpan, Bool:
		return float64(v.I)
	case Real:
		return v.F
	}
	return math.NaN()
}

// Tick constants for datetime and timespan arithmetic.
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute      int64 = 60 * TicksPerSecond
	TicksPerHour        int64 = 60 * TicksPerMinute
	TicksPerDay         int64 = 24 * TicksPerHour
)
