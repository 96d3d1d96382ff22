// Package types defines KQL's scalar types and values: [Type], [Value], Kusto's null
// rules, literal parsing and formatting, and conversions between types.
//
// A [Value] is a small tagged union used where one value is handled at a time (literals,
// function kernels, aggregate state, result rows). Bulk data lives in typed column vectors
// (package column), never in slices of Value.
package types

import "strings"

// Type is a KQL scalar type.
type Type uint8

const (
	Unknown  Type = iota // not yet known (an error was reported, or the value is an untyped null)
	Bool                 // bool (boolean)
	Int                  // int: 32-bit signed integer
	Long                 // long: 64-bit signed integer
	Real                 // real (double): IEEE-754 binary64
	Decimal              // decimal: 128-bit decimal, held as its exact decimal text in Value.S
	String               // string: UTF-8 text; never null, empty instead
	DateTime             // datetime (date): 100 ns ticks since 1970-01-01T00:00:00Z, UTC
	TimeSpan             // timespan (time): signed 100 ns ticks
	GUID                 // guid (uniqueid): held as its canonical lower-case text in Value.S
	Dynamic              // dynamic: a JSON value, held as compact JSON text in Value.S
)

var typeNames = [...]string{
	Unknown:  "unknown",
	Bool:     "bool",
	Int:      "int",
	Long:     "long",
	Real:     "real",
	Decimal:  "decimal",
	String:   "string",
	DateTime: "datetime",
	TimeSpan: "timespan",
	GUID:     "guid",
	Dynamic:  "dynamic",
}

// String returns the type's KQL name as Kusto prints it in getschema (`long`, `datetime`, ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "invalid"
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool { return t == Int || t == Long || t == Real || t == Decimal }

// IsInteger reports whether t is int or long.
func (t Type) IsInteger() bool { return t == Int || t == Long }

// ParseType maps a KQL type name, including its aliases (`boolean`, `double`, `date`,
// `time`, `uniqueid`, `int32`, `int64`, ...), to a Type. ok is false for an unknown name.
func ParseType(name string) (t Type, ok bool) {
	switch strings.ToLower(name) {
	case "bool", "boolean":
		return Bool, true
	case "int", "int32":
		return Int, true
	case "long", "int64":
		return Long, true
	case "real", "double", "float":
		return Real, true
	case "decimal":
		return Decimal, true
	case "string":
		return String, true
	case "datetime", "date":
		return DateTime, true
	case "timespan", "time":
		return TimeSpan, true
	case "guid", "uniqueid":
		return GUID, true
	case "dynamic":
		return Dynamic, true
	}
	return Unknown, false
}
