package kusto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// columnType returns the ColumnType of t in a response: the KQL type name (`string`,
// `datetime`, `real`, ...).
func columnType(t types.Type) string {
	if t == types.Unknown {
		// An untyped null column (print x = null) is a string column in Kusto.
		return "string"
	}
	return t.String()
}

// dataType returns the .NET type name that v1 responses carry as DataType.
func dataType(t types.Type) string {
	switch t {
	case types.Bool:
		return "Boolean"
	case types.Int:
		return "Int32"
	case types.Long:
		return "Int64"
	case types.Real:
		return "Double"
	case types.Decimal:
		return "Decimal"
	case types.DateTime:
		return "DateTime"
	case types.TimeSpan:
		return "TimeSpan"
	case types.GUID:
		return "Guid"
	case types.Dynamic:
		return "Object"
	}
	return "String"
}

// clrType returns the CLR type name that `.show ... schema as json` gives a column.
func clrType(t types.Type) string {
	switch t {
	case types.Dynamic:
		return "System.Object"
	case types.Bool:
		return "System.SByte"
	}
	return "System." + dataType(t)
}

// parseColumnType maps a ColumnType or DataType of a response to a KQL type. Kusto and its
// SDKs accept the KQL names, their aliases and the .NET names.
func parseColumnType(s string) (types.Type, bool) {
	if t, ok := types.ParseType(s); ok {
		return t, true
	}
	switch strings.ToLower(strings.TrimPrefix(s, "System.")) {
	case "sbyte", "boolean":
		return types.Bool, true
	case "int32":
		return types.Int, true
	case "int64":
		return types.Long, true
	case "double", "single":
		return types.Real, true
	case "timespan":
		return types.TimeSpan, true
	case "datetime":
		return types.DateTime, true
	case "object", "system.object":
		return types.Dynamic, true
	}
	return types.Unknown, false
}

// appendValue appends v as Kusto writes a cell in a JSON response: bool as true/false, int
// and long as numbers, real as a number (NaN and infinities as the strings "NaN",
// "Infinity", "-Infinity"), decimal, string, guid, datetime (ISO 8601 with seven fractional
// digits and Z) and timespan ([-][d.]hh:mm:ss[.fffffff]) as strings, dynamic as the JSON
// value itself, and null as null (strings are never null: "").
func appendValue(b []byte, v types.Value) []byte {
	if v.Type == types.String {
		return types.AppendJSONString(b, v.S)
	}
	if v.IsNull() {
		return append(b, "null"...)
	}
	switch v.Type {
	case types.Bool:
		if v.I != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case types.Int, types.Long:
		return strconv.AppendInt(b, v.I, 10)
	case types.Real:
		return appendReal(b, v.F)
	case types.Decimal, types.GUID:
		return types.AppendJSONString(b, v.S)
	case types.DateTime:
		b = append(b, '"')
		b = types.AppendDateTime(b, v.I)
		return append(b, '"')
	case types.TimeSpan:
		b = append(b, '"')
		b = types.AppendTimeSpan(b, v.I)
		return append(b, '"')
	case types.Dynamic:
		return append(b, v.S...)
	}
	return types.AppendJSONString(b, v.String())
}

// appendReal writes a real cell. Kusto writes the shortest text that reads back exactly;
// NaN and the infinities, which JSON cannot hold, go as strings.
func appendReal(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// decodeValue converts one JSON cell of a response to a value of type t.
func decodeValue(raw json.RawMessage, t types.Type) (types.Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return types.NullOf(t), nil
	}
	var s string
	isString := raw[0] == '"'
	if isString && t != types.Dynamic {
		if err := json.Unmarshal(raw, &s); err != nil {
			return types.Value{}, err
		}
	}
	bad := func() (types.Value, error) {
		return types.Value{}, fmt.Errorf("cannot read %s as %s", truncate(string(raw), 40), t)
	}
	switch t {
	case types.Bool:
		switch string(raw) {
		case "true", "1":
			return types.NewBool(true), nil
		case "false", "0":
			return types.NewBool(false), nil
		}
		if isString {
			if b, err := strconv.ParseBool(s); err == nil {
				return types.NewBool(b), nil
			}
		}
		return bad()
	case types.Int, types.Long:
		text := string(raw)
		if isString {
			text = s
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(text, 64)
			if ferr != nil || f != math.Trunc(f) {
				return bad()
			}
			n = int64(f)
		}
		if t == types.Int {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return bad()
			}
			return types.NewInt(int32(n)), nil
		}
		return types.NewLong(n), nil
	case types.Real:
		text := string(raw)
		if isString {
			text = s
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return bad()
		}
		return types.NewReal(f), nil
	case types.Decimal:
		text := string(raw)
		if isString {
			text = s
		}
		v := types.NewDecimal(text)
		if v.IsNull() {
			return bad()
		}
		return v, nil
	case types.String:
		if !isString {
			// A number or a JSON value in a string column: keep its text.
			return types.NewString(string(raw)), nil
		}
		return types.NewString(s), nil
	case types.DateTime:
		ticks, ok := types.ParseDateTime(s)
		if !isString || !ok {
			return bad()
		}
		return types.NewDateTime(ticks), nil
	case types.TimeSpan:
		ticks, ok := types.ParseTimeSpan(s)
		if !isString || !ok {
			return bad()
		}
		return types.NewTimeSpan(ticks), nil
	case types.GUID:
		v := types.ToGUID(types.NewString(s))
		if !isString || v.IsNull() {
			return bad()
		}
		return v, nil
	case types.Dynamic:
		c, err := types.CompactJSON(string(raw))
		if err != nil {
			return bad()
		}
		return types.NewDynamic(c), nil
	}
	return bad()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
