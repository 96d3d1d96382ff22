package types

import (
	"math"
	"strconv"
	"strings"
)

// This file holds the bridge between dynamic values (compact JSON text, see [JSON]) and
// scalar values, with Kusto's rules:
//   - a JSON string is a string (even when it looks like a datetime);
//   - a JSON number without fraction or exponent that fits 64 bits is a long, any other
//     number is a real;
//   - true/false are bools; JSON null is a dynamic null;
//   - arrays and objects stay dynamic.
//
// Scalars become JSON as Kusto writes them: datetimes as ISO 8601 strings with seven
// fractional digits, timespans as their [d.]hh:mm:ss[.fffffff] text, guids as their text,
// reals with at least one fractional digit (5.0).

// dynamicNull is the dynamic null value; Value is a plain value, so sharing it is safe.
var dynamicNull = Value{Type: Dynamic, Null: true}

// ParseJSON implements parse_json (todynamic): text that is JSON becomes the dynamic value
// it denotes, in compact canonical form; any other text becomes a dynamic string holding
// the text itself. The empty string and the text null give a dynamic null.
func ParseJSON(text string) Value {
	if strings.TrimSpace(text) == "" {
		return dynamicNull
	}
	c, err := CompactJSON(text)
	if err != nil {
		return Value{Type: Dynamic, S: QuoteJSON(text)}
	}
	return NewDynamic(c)
}

// ToDynamic converts a scalar to a dynamic value. A dynamic value is returned as is; any
// null gives a dynamic null (an empty string gives the dynamic string "").
func ToDynamic(v Value) Value {
	if v.Type == Dynamic {
		return v
	}
	if v.IsNull() {
		return dynamicNull
	}
	return Value{Type: Dynamic, S: string(AppendDynamic(nil, v))}
}

// AppendDynamic appends the JSON text of v to dst: the text of a dynamic value, null for a
// null, and a scalar written as [ToDynamic] describes.
func AppendDynamic(dst []byte, v Value) []byte {
	if v.IsNull() {
		return append(dst, "null"...)
	}
	switch v.Type {
	case Dynamic:
		return append(dst, v.S...)
	case Bool:
		if v.I != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Int, Long:
		return strconv.AppendInt(dst, v.I, 10)
	case Real:
		return AppendJSONReal(dst, v.F)
	case Decimal:
		return append(dst, v.S...)
	case String, GUID:
		return AppendJSONString(dst, v.S)
	case DateTime:
		dst = append(dst, '"')
		dst = AppendDateTime(dst, v.I)
		return append(dst, '"')
	case TimeSpan:
		dst = append(dst, '"')
		dst = AppendTimeSpan(dst, v.I)
		return append(dst, '"')
	}
	return append(dst, "null"...)
}

// AppendJSONReal appends f as Kusto writes a real inside dynamic values: the shortest of 15
// or 17 significant digits that reads back exactly, with at least one fractional digit
// (5.0, 0.54030230586813976, 1E+20). NaN and infinities, which JSON cannot hold, are written
// as the strings "NaN", "Infinity" and "-Infinity".
func AppendJSONReal(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'g', 15, 64)
	if g, err := strconv.ParseFloat(string(dst[start:]), 64); err != nil || g != f {
		dst = strconv.AppendFloat(dst[:start], f, 'g', 17, 64)
	}
	num := dst[start:]
	if e := strings.IndexByte(string(num), 'e'); e >= 0 {
		// 1e+20 → 1E+20, as .NET writes it.
		num[e] = 'E'
		return dst
	}
	if strings.IndexByte(string(num), '.') < 0 {
		dst = append(dst, '.', '0')
	}
	return dst
}

// DynamicScalar converts one JSON value to the scalar it holds: a string, long, real or
// bool; JSON null gives a dynamic null; arrays and objects stay dynamic (compacted).
// Malformed text gives a dynamic null.
func DynamicScalar(j JSON) Value {
	s := strings.TrimSpace(string(j))
	switch j.Kind() {
	case JSONString:
		if u, ok := JSON(s).Unquote(); ok {
			return NewString(u)
		}
	case JSONNumber:
		return parseJSONNumber(s)
	case JSONBool:
		return NewBool(s == "true")
	case JSONArray, JSONObject:
		if c, err := CompactJSON(s); err == nil {
			return Value{Type: Dynamic, S: c}
		}
	}
	return dynamicNull
}

// parseJSONNumber reads a number: integers that fit 64 bits are longs, others reals.
func parseJSONNumber(s string) Value {
	if strings.IndexAny(s, ".eE") < 0 {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return NewLong(i)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return dynamicNull
	}
	return NewReal(f)
}

// canonicalNumber rewrites number text the way Kusto's JSON parser keeps numbers: a value
// that is integral and fits 64 bits becomes an integer (118.0 → 118), others a real.
func canonicalNumber(dst []byte, s string) []byte {
	if strings.IndexAny(s, ".eE") < 0 {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return append(dst, s...)
		}
	}
	f, _ := strconv.ParseFloat(s, 64)
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return AppendJSONReal(dst, f)
}

// DynamicElem converts the value of a dynamic element (as returned by [JSON.Get] or
// [JSON.Index]) into a dynamic [Value]: JSON null gives a dynamic null.
func DynamicElem(j JSON) Value {
	s := strings.TrimSpace(string(j))
	if s == "" || s == "null" {
		return dynamicNull
	}
	return Value{Type: Dynamic, S: s}
}

// DynamicMember implements member access v.key and v["key"]: the member's value when v
// is a dynamic object that has it, else a dynamic null (also when v is not dynamic, such
// as a string column).
func DynamicMember(v Value, key string) Value {
	if v.Type != Dynamic || v.IsNull() {
		return dynamicNull
	}
	if m, ok := JSON(v.S).Get(key); ok {
		return DynamicElem(m)
	}
	return dynamicNull
}

// DynamicIndex implements v[i] on an array: element i, counting from the end when i is
// negative; a dynamic null when v is not an array or i is out of range.
func DynamicIndex(v Value, i int64) Value {
	if v.Type != Dynamic || v.IsNull() || i != int64(int(i)) {
		return dynamicNull
	}
	if e, ok := JSON(v.S).Index(int(i)); ok {
		return DynamicElem(e)
	}
	return dynamicNull
}

// DynamicAccess implements v[k] for a key computed at run time: a string key looks up a
// member, an integer key indexes an array. Other keys give a dynamic null.
func DynamicAccess(v, key Value) Value {
	if key.IsNull() {
		return dynamicNull
	}
	switch key.Type {
	case String:
		return DynamicMember(v, key.S)
	case Int, Long:
		return DynamicIndex(v, key.I)
	case Dynamic:
		return DynamicAccess(v, DynamicScalar(JSON(key.S)))
	}
	return dynamicNull
}

// DynamicString is tostring() of a dynamic value: a JSON string gives its text without
// quotes, null gives the empty string, anything else its compact JSON text.
func DynamicString(v Value) string {
	if v.IsNull() {
		return ""
	}
	if JSON(v.S).Kind() == JSONString {
		if u, ok := JSON(v.S).Unquote(); ok {
			return u
		}
	}
	return v.S
}
