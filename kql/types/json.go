package types

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON is the raw text of one JSON value, the form a dynamic value is kept in. Its methods
// scan the text in place: looking up a member or an element slices the text without
// building a tree and without allocating. Leading and trailing white space is allowed.
//
// Methods that navigate (Get, Index, Len, Each, Members) treat malformed text as "not
// found"; use [JSON.Valid] or [CompactJSON] to check text once when it enters the engine.
type JSON string

// JSONKind is the kind of a JSON value.
type JSONKind uint8

const (
	JSONInvalid JSONKind = iota // empty or malformed text
	JSONNull                    // null
	JSONBool                    // true or false
	JSONNumber                  // a number
	JSONString                  // a string
	JSONArray                   // an array
	JSONObject                  // an object (a property bag)
)

var jsonKindNames = [...]string{"invalid", "null", "bool", "number", "string", "array", "object"}

// String returns the kind's lower-case name.
func (k JSONKind) String() string {
	if int(k) < len(jsonKindNames) {
		return jsonKindNames[k]
	}
	return "invalid"
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(s string, i int) int {
	for i < len(s) && isJSONSpace(s[i]) {
		i++
	}
	return i
}

// Kind returns the kind of the value, judged by its first byte (the rest is not checked).
func (j JSON) Kind() JSONKind {
	i := skipSpace(string(j), 0)
	if i == len(j) {
		return JSONInvalid
	}
	switch c := j[i]; {
	case c == '{':
		return JSONObject
	case c == '[':
		return JSONArray
	case c == '"':
		return JSONString
	case c == 't' || c == 'f':
		return JSONBool
	case c == 'n':
		return JSONNull
	case c == '-' || (c >= '0' && c <= '9'):
		return JSONNumber
	}
	return JSONInvalid
}

// Valid reports whether j is exactly one well-formed JSON value (RFC 8259), allowing white
// space around it.
func (j JSON) Valid() bool {
	end, err := skipValue(string(j), skipSpace(string(j), 0), 0)
	return err == nil && skipSpace(string(j), end) == len(j)
}

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
const maxJSONDepth = 10000

// jsonError is a syntax error at a byte offset of the JSON text.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

func errAt(s string, i int, want string) error {
	if i >= len(s) {
		return &jsonError{i, "expected " + want + ", found end of text"}
	}
	return &jsonError{i, fmt.Sprintf("expected %s, found %q", want, s[i])}
}

// skipValue returns the offset just past the value that starts at s[i] (no leading space).
func skipValue(s string, i, depth int) (int, error) {
	if i >= len(s) {
		return i, errAt(s, i, "a value")
	}
	switch c := s[i]; {
	case c == '"':
		return skipString(s, i)
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return i, &jsonError{i, "nesting too deep"}
		}
		return skipContainer(s, i, depth)
	case c == 't':
		return skipLiteral(s, i, "true")
	case c == 'f':
		return skipLiteral(s, i, "false")
	case c == 'n':
		return skipLiteral(s, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return skipNumber(s, i)
	}
	return i, errAt(s, i, "a value")
}

func skipLiteral(s string, i int, lit string) (int, error) {
	if strings.HasPrefix(s[i:], lit) {
		return i + len(lit), nil
	}
	return i, errAt(s, i, "'"+lit+"'")
}

func skipNumber(s string, i int) (int, error) {
	start := i
	if s[i] == '-' {
		i++
	}
	digits := func() bool {
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > d
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return start, errAt(s, i, "a digit")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return start, errAt(s, i, "a digit")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return start, errAt(s, i, "a digit")
		}
	}
	return i, nil
}

// skipString returns the offset past the closing quote of the string starting at s[i].
func skipString(s string, i int) (int, error) {
	start := i
	i++
	for i < len(s) {
		switch c := s[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(s) {
				return start, errAt(s, i+1, "an escape")
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex4(s[i+2:i+6]) {
					return start, errAt(s, i+2, "four hex digits")
				}
				i += 6
			default:
				return start, errAt(s, i+1, "an escape")
			}
		case c < 0x20:
			return start, &jsonError{i, "control character in string"}
		default:
			i++
		}
	}
	return start, errAt(s, i, "'\"'")
}

func isHex4(s string) bool {
	for k := 0; k < 4; k++ {
		c := s[k]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func skipContainer(s string, i, depth int) (int, error) {
	closer := byte(']')
	obj := s[i] == '{'
	if obj {
		closer = '}'
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == closer {
		return i + 1, nil
	}
	for {
		var err error
		if obj {
			if i >= len(s) || s[i] != '"' {
				return i, errAt(s, i, "a member name")
			}
			if i, err = skipString(s, i); err != nil {
				return i, err
			}
			i = skipSpace(s, i)
			if i >= len(s) || s[i] != ':' {
				return i, errAt(s, i, "':'")
			}
			i = skipSpace(s, i+1)
		}
		if i, err = skipValue(s, i, depth+1); err != nil {
			return i, err
		}
		i = skipSpace(s, i)
		if i < len(s) && s[i] == ',' {
			i = skipSpace(s, i+1)
			continue
		}
		if i < len(s) && s[i] == closer {
			return i + 1, nil
		}
		return i, errAt(s, i, "',' or '"+string(closer)+"'")
	}
}

// Each calls fn with the raw text of each element of an array, in order, until fn returns
// false. It does nothing when j is not an array.
func (j JSON) Each(fn func(elem JSON) bool) {
	s := string(j)
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '[' {
		return
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == ']' {
		return
	}
	for i < len(s) {
		end, err := skipValue(s, i, 1)
		if err != nil || !fn(JSON(s[i:end])) {
			return
		}
		i = skipSpace(s, end)
		if i >= len(s) || s[i] != ',' {
			return
		}
		i = skipSpace(s, i+1)
	}
}

// Members calls fn with each member of an object, in order, until fn returns false. key is
// the member name's raw text, quotes included (decode it with [JSON.Unquote]). It does
// nothing when j is not an object.
func (j JSON) Members(fn func(key, val JSON) bool) {
	s := string(j)
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return
	}
	i = skipSpace(s, i+1)
	for i < len(s) && s[i] == '"' {
		kend, err := skipString(s, i)
		if err != nil {
			return
		}
		key := s[i:kend]
		i = skipSpace(s, kend)
		if i >= len(s) || s[i] != ':' {
			return
		}
		i = skipSpace(s, i+1)
		vend, err := skipValue(s, i, 1)
		if err != nil || !fn(JSON(key), JSON(s[i:vend])) {
			return
		}
		i = skipSpace(s, vend)
		if i >= len(s) || s[i] != ',' {
			return
		}
		i = skipSpace(s, i+1)
	}
}

// Get returns the value of the member called key when j is an object that has one. Names
// compare exactly (case-sensitively), as in Kusto; when a name repeats, the last wins, as
// Kusto's parser keeps the last.
func (j JSON) Get(key string) (JSON, bool) {
	var out JSON
	found := false
	j.Members(func(k, v JSON) bool {
		if keyEquals(string(k), key) {
			out, found = v, true
		}
		return true
	})
	return out, found
}

// keyEquals reports whether the quoted JSON string raw decodes to key, without allocating
// when raw has no escapes.
func keyEquals(raw, key string) bool {
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body == key
	}
	dec, ok := JSON(raw).Unquote()
	return ok && dec == key
}

// Index returns element i of an array; a negative i counts from the end (-1 is the last
// element), as Kusto's a[-1] does. ok is false when j is not an array or i is out of range.
func (j JSON) Index(i int) (JSON, bool) {
	if i < 0 {
		n := j.Len()
		if n < 0 || -i > n {
			return "", false
		}
		i += n
	}
	var out JSON
	found := false
	k := 0
	j.Each(func(e JSON) bool {
		if k == i {
			out, found = e, true
			return false
		}
		k++
		return true
	})
	return out, found
}

// Len returns the number of elements of an array or members of an object, or -1 when j is
// neither.
func (j JSON) Len() int {
	n := 0
	switch j.Kind() {
	case JSONArray:
		j.Each(func(JSON) bool { n++; return true })
	case JSONObject:
		j.Members(func(_, _ JSON) bool { n++; return true })
	default:
		return -1
	}
	return n
}

// Unquote decodes a JSON string value. ok is false when j is not a well-formed string.
// Invalid surrogate pairs decode to U+FFFD, as encoding/json does.
func (j JSON) Unquote() (string, bool) {
	s := strings.TrimSpace(string(j))
	if len(s) < 2 || s[0] != '"' {
		return "", false
	}
	end, err := skipString(s, 0)
	if err != nil || end != len(s) {
		return "", false
	}
	body := s[1 : len(s)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body, true
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		switch body[i+1] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := rune(hex4(body[i+2 : i+6]))
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(body) && body[i] == '\\' && body[i+1] == 'u' {
					r2 := rune(hex4(body[i+2 : i+6]))
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						b.WriteRune(d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default: // '"', '\\', '/'
			b.WriteByte(body[i+1])
		}
		i += 2
	}
	return b.String(), true
}

func hex4(s string) int {
	v, _ := strconv.ParseUint(s, 16, 32)
	return int(v)
}

// AppendJSONString appends s to dst as a quoted JSON string, escaping only what JSON
// requires ('"', '\\' and control characters), as Kusto prints dynamic strings. Invalid
// UTF-8 bytes become U+FFFD.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\ufffd"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// QuoteJSON returns s as a quoted JSON string (see [AppendJSONString]).
func QuoteJSON(s string) string { return string(AppendJSONString(nil, s)) }

// ErrNotJSON is wrapped by [CompactJSON] errors for text that is not JSON.
var ErrNotJSON = errors.New("not JSON")

// CompactJSON returns text as compact canonical JSON, the form Kusto prints dynamic values
// in: no white space, strings re-escaped by [AppendJSONString], numbers made
// canonical (an integral number that fits 64 bits is written as an integer: 118.0 → 118;
// others as [AppendJSONReal] writes them). Besides strict JSON it accepts what Kusto's dynamic literals accept: strings in
// single quotes ('a') and a trailing comma before ']' or '}'. The error wraps [ErrNotJSON]
// and gives the byte offset of the problem.
func CompactJSON(text string) (string, error) {
	c := compacter{s: text}
	i := skipSpace(text, 0)
	i, err := c.value(i, 0)
	if err == nil {
		if i = skipSpace(text, i); i != len(text) {
			err = errAt(text, i, "end of text")
		}
	}
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	return string(c.out), nil
}

// compacter rewrites possibly lenient JSON into compact canonical form.
type compacter struct {
	s   string
	out []byte
}

func (c *compacter) value(i, depth int) (int, error) {
	s := c.s
	if i >= len(s) {
		return i, errAt(s, i, "a value")
	}
	switch ch := s[i]; ch {
	case '"':
		end, err := skipString(s, i)
		if err != nil {
			return i, err
		}
		dec, _ := JSON(s[i:end]).Unquote()
		c.out = AppendJSONString(c.out, dec)
		return end, nil
	case '\'':
		dec, end, err := singleQuoted(s, i)
		if err != nil {
			return i, err
		}
		c.out = AppendJSONString(c.out, dec)
		return end, nil
	case '{', '[':
		if depth >= maxJSONDepth {
			return i, &jsonError{i, "nesting too deep"}
		}
		obj := ch == '{'
		closer := byte(']')
		if obj {
			closer = '}'
		}
		c.out = append(c.out, ch)
		i = skipSpace(s, i+1)
		first := true
		for {
			if i < len(s) && s[i] == closer {
				c.out = append(c.out, closer)
				return i + 1, nil
			}
			if !first {
				c.out = append(c.out, ',')
			}
			first = false
			var err error
			if obj {
				if i >= len(s) || (s[i] != '"' && s[i] != '\'') {
					return i, errAt(s, i, "a member name")
				}
				if i, err = c.value(i, depth+1); err != nil {
					return i, err
				}
				i = skipSpace(s, i)
				if i >= len(s) || s[i] != ':' {
					return i, errAt(s, i, "':'")
				}
				c.out = append(c.out, ':')
				i = skipSpace(s, i+1)
			}
			if i, err = c.value(i, depth+1); err != nil {
				return i, err
			}
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == closer {
				c.out = append(c.out, closer)
				return i + 1, nil
			}
			return i, errAt(s, i, "',' or '"+string(closer)+"'")
		}
	}
	end, err := skipValue(s, i, depth)
	if err != nil {
		return i, err
	}
	if ch := s[i]; ch == '-' || (ch >= '0' && ch <= '9') {
		c.out = canonicalNumber(c.out, s[i:end])
	} else {
		c.out = append(c.out, s[i:end]...)
	}
	return end, nil
}

// singleQuoted decodes a single-quoted string starting at s[i], with the same escapes as
// JSON plus \'.
func singleQuoted(s string, i int) (string, int, error) {
	var b strings.Builder
	for k := i + 1; k < len(s); k++ {
		switch ch := s[k]; ch {
		case '\'':
			return b.String(), k + 1, nil
		case '\\':
			if k+1 >= len(s) {
				return "", i, errAt(s, k+1, "an escape")
			}
			if s[k+1] == '\'' {
				b.WriteByte('\'')
				k++
				continue
			}
			// Reuse the JSON decoder for the other escapes.
			n := 2
			if s[k+1] == 'u' {
				n = 6
			}
			if k+n > len(s) {
				return "", i, errAt(s, k+1, "an escape")
			}
			dec, ok := JSON(`"` + s[k:k+n] + `"`).Unquote()
			if !ok {
				return "", i, errAt(s, k+1, "an escape")
			}
			b.WriteString(dec)
			k += n - 1
		default:
			if ch < 0x20 {
				return "", i, &jsonError{k, "control character in string"}
			}
			b.WriteByte(ch)
		}
	}
	return "", i, errAt(s, len(s), "\"'\"")
}
