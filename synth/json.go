package synth

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// obj is a JSON object whose keys keep the order they were written in, as the services that
// produce these logs write them. Values may be any type appendJSON understands.
type obj []kv

type kv struct {
	k string
	v any
}

// o builds an obj from alternating keys and values.
func o(pairs ...any) obj {
	if len(pairs)%2 != 0 {
		panic("internal error: o: odd number of arguments")
	}
	out := make(obj, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, kv{pairs[i].(string), pairs[i+1]})
	}
	return out
}

// get returns the value of key k, or nil.
func (ob obj) get(k string) any {
	for _, p := range ob {
		if p.k == k {
			return p.v
		}
	}
	return nil
}

// rawJSON is JSON text written as is.
type rawJSON string

// isStructured reports whether v is a JSON object or array (as opposed to a scalar).
func isStructured(v any) bool {
	switch v.(type) {
	case obj, []any, []obj, []string, rawJSON:
		return true
	}
	return false
}

// appendTime appends t in the form Log Analytics and the Entra services write: UTC, seven
// fractional digits, trailing Z.
func appendTime(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, "2006-01-02T15:04:05.0000000Z")
}

// appendJSON appends v as compact JSON.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case time.Time:
		b = append(b, '"')
		b = appendTime(b, x)
		return append(b, '"')
	case rawJSON:
		return append(b, x...)
	case obj:
		b = append(b, '{')
		for i, p := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, p.k)
			b = append(b, ':')
			b = appendJSON(b, p.v)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case []obj:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case []string:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, e)
		}
		return append(b, ']')
	}
	panic(fmt.Sprintf("internal error: appendJSON: unsupported type %T", v))
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal.
func appendJSONString[S string | []byte](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default: // invalid UTF-8
			b = append(b, `\ufffd`...)
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// sizeOf approximates the stored size of a value: the bytes of its strings and keys, eight
// bytes a number.
func sizeOf(v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		return len(x)
	case rawJSON:
		return len(x)
	case bool:
		return 1
	case obj:
		n := 2
		for _, p := range x {
			n += len(p.k) + 4 + sizeOf(p.v)
		}
		return n
	case []any:
		n := 2
		for _, e := range x {
			n += 1 + sizeOf(e)
		}
		return n
	case []obj:
		n := 2
		for _, e := range x {
			n += 1 + sizeOf(e)
		}
		return n
	case []string:
		n := 2
		for _, e := range x {
			n += 3 + len(e)
		}
		return n
	}
	return 8
}

// jsonText returns v as compact JSON text.
func jsonText(v any) string { return string(appendJSON(nil, v)) }
