package logs

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the kind of one JSON value, or of one CSV field (kText).
type kind uint8

const (
	kNull   kind = iota // JSON null
	kFalse              // JSON false
	kTrue               // JSON true
	kNumber             // JSON number
	kString             // JSON string; the token includes its quotes
	kObject             // JSON object
	kArray              // JSON array
	kText               // a CSV field: untyped text
)

// maxDepth bounds JSON nesting so hostile input cannot exhaust the stack.
const maxDepth = 512

// scanner is a validating JSON tokenizer over one byte slice. It never builds a tree: it
// reports each value's kind and byte span, and callers walk objects member by member.
type scanner struct {
	data []byte
	pos  int
}

// syntaxError is a JSON syntax error at a byte offset of the scanner's data.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

func (s *scanner) errorf(format string, args ...any) error {
	return &syntaxError{off: s.pos, msg: fmt.Sprintf(format, args...)}
}

func (s *scanner) found() string {
	if s.pos >= len(s.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(s.data[s.pos:])
	return strconv.QuoteRune(r)
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value scans the value at pos (after white space) and leaves pos after it. For strings
// esc reports whether the token holds escapes; for numbers it reports a fraction or
// exponent (not an integer).
func (s *scanner) value() (k kind, start, end int, esc bool, err error) {
	s.ws()
	start = s.pos
	k, esc, err = s.skip(0)
	return k, start, s.pos, esc, err
}

func (s *scanner) skip(depth int) (kind, bool, error) {
	if s.pos >= len(s.data) {
		return 0, false, s.errorf("expected a JSON value, found end of input")
	}
	switch c := s.data[s.pos]; {
	case c == '"':
		esc, err := s.str()
		return kString, esc, err
	case c == '{':
		if depth >= maxDepth {
			return 0, false, s.errorf("JSON nested more than %d levels", maxDepth)
		}
		first := true
		s.pos++
		for {
			_, _, ok, err := s.nextKey(&first)
			if err != nil || !ok {
				return kObject, false, err
			}
			s.ws()
			if _, _, err := s.skip(depth + 1); err != nil {
				return 0, false, err
			}
		}
	case c == '[':
		if depth >= maxDepth {
			return 0, false, s.errorf("JSON nested more than %d levels", maxDepth)
		}
		first := true
		s.pos++
		for {
			ok, err := s.nextElem(&first)
			if err != nil || !ok {
				return kArray, false, err
			}
			if _, _, err := s.skip(depth + 1); err != nil {
				return 0, false, err
			}
		}
	case c == 't':
		return kTrue, false, s.lit("true")
	case c == 'f':
		return kFalse, false, s.lit("false")
	case c == 'n':
		return kNull, false, s.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		frac, err := s.number()
		return kNumber, frac, err
	}
	return 0, false, s.errorf("expected a JSON value, found %s", s.found())
}

func (s *scanner) lit(w string) error {
	if len(s.data)-s.pos >= len(w) && string(s.data[s.pos:s.pos+len(w)]) == w {
		s.pos += len(w)
		return nil
	}
	return s.errorf("expected %q, found %s", w, s.found())
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

func (s *scanner) number() (frac bool, err error) {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if s.digits() == 0 {
		return false, s.errorf("expected a digit, found %s", s.found())
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		frac = true
		s.pos++
		if s.digits() == 0 {
			return false, s.errorf("expected a digit, found %s", s.found())
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		frac = true
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return false, s.errorf("expected a digit, found %s", s.found())
		}
	}
	return frac, nil
}

// str scans a string token starting at its opening quote.
func (s *scanner) str() (esc bool, err error) {
	s.pos++
	for s.pos < len(s.data) {
		// Skip 8 plain bytes at a time: no quote, backslash or control character.
		for s.pos+8 <= len(s.data) {
			x := binary.LittleEndian.Uint64(s.data[s.pos:])
			if m := hasZero(x^(lsb*'"')) | hasZero(x^(lsb*'\\')) | hasLess(x, 0x20); m != 0 {
				// The lowest flagged byte is exact (borrows only run upwards).
				s.pos += bits.TrailingZeros64(m) / 8
				break
			}
			s.pos += 8
		}
		if s.pos >= len(s.data) {
			break
		}
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return esc, nil
		case c == '\\':
			esc = true
			if s.pos+1 >= len(s.data) {
				s.pos++
				return false, s.errorf("unterminated string")
			}
			switch s.data[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				if s.pos+6 > len(s.data) || !isHex4(s.data[s.pos+2:s.pos+6]) {
					return false, s.errorf("malformed \\u escape in string")
				}
				s.pos += 6
			default:
				s.pos++
				return false, s.errorf("invalid escape %s in string", s.found())
			}
		case c < 0x20:
			if c == '\n' {
				return false, s.errorf("unterminated string")
			}
			return false, s.errorf("control character %s in string", s.found())
		default:
			s.pos++
		}
	}
	return false, s.errorf("unterminated string")
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasZero is non-zero when some byte of x is zero.
func hasZero(x uint64) uint64 { return (x - lsb) &^ x & msb }

// hasLess is non-zero when some byte of x is less than n (n <= 128).
func hasLess(x uint64, n uint64) uint64 { return (x - lsb*n) &^ x & msb }

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// nextKey moves to the next member of the object being walked (pos just after '{' on the
// first call) and returns its key token without quotes; ok is false at the closing '}'.
// pos is left at the member's value.
func (s *scanner) nextKey(first *bool) (key []byte, esc, ok bool, err error) {
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil, false, false, nil
	}
	if !*first {
		if s.pos >= len(s.data) || s.data[s.pos] != ',' {
			return nil, false, false, s.errorf("expected ',' or '}', found %s", s.found())
		}
		s.pos++
		s.ws()
	}
	*first = false
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false, false, s.errorf("expected a member name, found %s", s.found())
	}
	start := s.pos
	if esc, err = s.str(); err != nil {
		return nil, false, false, err
	}
	key = s.data[start+1 : s.pos-1]
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return nil, false, false, s.errorf("expected ':', found %s", s.found())
	}
	s.pos++
	s.ws()
	return key, esc, true, nil
}

// nextElem moves to the next element of the array being walked (pos just after '[' on
// the first call); ok is false at the closing ']'. pos is left at the element.
func (s *scanner) nextElem(first *bool) (ok bool, err error) {
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return false, nil
	}
	if !*first {
		if s.pos >= len(s.data) || s.data[s.pos] != ',' {
			return false, s.errorf("expected ',' or ']', found %s", s.found())
		}
		s.pos++
		s.ws()
	}
	*first = false
	return true, nil
}

// unescape appends the text of a validated string token body (without quotes) to dst.
func unescape(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch b[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(b[i+1 : i+5]))
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' && isHex4(b[i+3:i+7]) {
				if r2 := utf16.DecodeRune(r, rune(hex4(b[i+3:i+7]))); r2 != utf8.RuneError {
					r = r2
					i += 6
				}
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, b[i])
		}
	}
	return dst
}

func hex4(b []byte) int {
	v := 0
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		default:
			v = v<<4 | int(c-'A'+10)
		}
	}
	return v
}

// compact appends the validated JSON value b to dst without insignificant white space.
func compact(dst, b []byte) []byte {
	in := false
	start := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if in {
			if c == '\\' {
				i++
			} else if c == '"' {
				in = false
			}
			continue
		}
		switch c {
		case '"':
			in = true
		case ' ', '\t', '\n', '\r':
			dst = append(dst, b[start:i]...)
			start = i + 1
		}
	}
	return append(dst, b[start:]...)
}

// validJSON reports whether b is exactly one JSON value (surrounding white space allowed).
func validJSON(b []byte) bool {
	s := scanner{data: b}
	if _, _, _, _, err := s.value(); err != nil {
		return false
	}
	s.ws()
	return s.pos == len(b)
}
