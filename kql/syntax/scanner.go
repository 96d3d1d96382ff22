package syntax

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokenKind classifies a [Token].
type TokenKind int

// Token kinds.
const (
	TokEOF       TokenKind = iota
	TokIllegal             // a character that starts no token; Text holds it
	TokIdent               // identifier or keyword (keywords are contextual)
	TokNotOp               // a `!`-prefixed word operator: !has, !in~, !contains, !between
	TokLong                // integer literal, decimal or 0x hex
	TokReal                // real literal: 1.5, 1e10
	TokTimespan            // timespan literal: 1d, 1.5h, 100ms
	TokString              // one string literal piece, any quoting
	TokTyped               // typed literal with its parentheses: datetime(...), int(...)
	TokPipe                // |
	TokLparen              // (
	TokRparen              // )
	TokLbrack              // [
	TokRbrack              // ]
	TokLbrace              // {
	TokRbrace              // }
	TokComma               // ,
	TokSemi                // ;
	TokDot                 // .
	TokDotDot              // ..
	TokAssign              // =
	TokEq                  // ==
	TokNe                  // !=
	TokLtGt                // <>
	TokEqTilde             // =~
	TokBangTilde           // !~
	TokLt                  // <
	TokLe                  // <=
	TokGt                  // >
	TokGe                  // >=
	TokPlus                // +
	TokMinus               // -
	TokStar                // *
	TokSlash               // /
	TokPercent             // %
	TokColon               // :
	TokArrow               // =>
	TokQuestion            // ?
)

// Token is one lexical token. Text is the exact source slice [Pos, End).
type Token struct {
	Kind TokenKind
	Pos  Pos
	End  Pos
	Text string
	// Value is the decoded string for TokString, and the trimmed inner text
	// (quotes removed) for TokTyped.
	Value string
	// Err is set when the token is malformed (an unterminated string).
	Err string
}

// typedLiteralKind reports the literal kind of a typed literal's type name.
// (A switch, not a map lookup: this runs for every identifier.)
func typedLiteralKind(word string) (LitKind, bool) {
	switch word {
	case "datetime", "date":
		return LitDateTime, true
	case "time", "timespan":
		return LitTimespan, true
	case "guid", "uniqueid":
		return LitGUID, true
	case "int":
		return LitInt, true
	case "long":
		return LitLong, true
	case "real", "double":
		return LitReal, true
	case "decimal":
		return LitDecimal, true
	case "bool", "boolean":
		return LitBool, true
	}
	return 0, false
}

// timespanUnits are the suffixes that turn a number into a timespan.
var timespanUnits = map[string]bool{
	"d": true, "day": true, "days": true,
	"h": true, "hr": true, "hrs": true, "hour": true, "hours": true,
	"m": true, "min": true, "minute": true, "minutes": true,
	"s": true, "sec": true, "second": true, "seconds": true,
	"ms": true, "milli": true, "millis": true, "millisecond": true, "milliseconds": true,
	"microsecond": true, "microseconds": true,
	"tick": true, "ticks": true,
}

// Scan splits src into tokens, ending with a TokEOF token, and returns the
// comments apart. It never fails: malformed input yields TokIllegal tokens
// or tokens with Err set, which the parser reports.
func Scan(src string) ([]Token, []*Comment) {
	s := scanner{src: src}
	toks := make([]Token, 0, len(src)/5+16)
	for {
		t := s.next()
		toks = append(toks, t)
		if t.Kind == TokEOF {
			return toks, s.comments
		}
	}
}

type scanner struct {
	src      string
	off      int
	comments []*Comment
}

func isLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isIdentChar(c byte) bool { return isLetter(c) || isDigit(c) }

func (s *scanner) peek(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

func (s *scanner) skipSpace() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.off++
		case c == '/' && s.peek(1) == '/':
			start := s.off
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.off++
			}
			text := strings.TrimSuffix(s.src[start:s.off], "\r")
			s.comments = append(s.comments, &Comment{Slash: Pos(start), Text: text})
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s.src[s.off:])
			if !unicode.IsSpace(r) && r != '\uFEFF' { // byte order mark
				return
			}
			s.off += size
		default:
			return
		}
	}
}

func (s *scanner) tok(kind TokenKind, start int) Token {
	return Token{Kind: kind, Pos: Pos(start), End: Pos(s.off), Text: s.src[start:s.off]}
}

func (s *scanner) next() Token {
	s.skipSpace()
	start := s.off
	if s.off >= len(s.src) {
		return Token{Kind: TokEOF, Pos: Pos(len(s.src)), End: Pos(len(s.src))}
	}
	c := s.src[s.off]
	switch {
	case isLetter(c) || c == '$' && isLetter(s.peek(1)):
		// Obfuscated and verbatim string prefixes: h"..", H'..', @"..", h@"..".
		if (c == 'h' || c == 'H') && (s.peek(1) == '"' || s.peek(1) == '\'') {
			s.off++
			return s.scanString(start)
		}
		if (c == 'h' || c == 'H') && s.peek(1) == '@' && (s.peek(2) == '"' || s.peek(2) == '\'') {
			s.off += 2
			return s.scanVerbatim(start)
		}
		s.off++
		for s.off < len(s.src) && isIdentChar(s.src[s.off]) {
			s.off++
		}
		word := s.src[start:s.off]
		if word == "in" && s.peek(0) == '~' {
			s.off++
			return s.tok(TokIdent, start)
		}
		if _, ok := typedLiteralKind(word); ok {
			if t, ok := s.scanTyped(start); ok {
				return t
			}
		}
		return s.tok(TokIdent, start)
	case isDigit(c):
		return s.scanNumber(start)
	case c == '"' || c == '\'':
		return s.scanString(start)
	case c == '`' && s.peek(1) == '`' && s.peek(2) == '`':
		return s.scanFenced(start, "```")
	case c == '~' && s.peek(1) == '~' && s.peek(2) == '~':
		return s.scanFenced(start, "~~~")
	case c == '@' && (s.peek(1) == '"' || s.peek(1) == '\''):
		s.off++
		return s.scanVerbatim(start)
	}
	s.off++
	switch c {
	case '|':
		return s.tok(TokPipe, start)
	case '(':
		return s.tok(TokLparen, start)
	case ')':
		return s.tok(TokRparen, start)
	case '[':
		return s.tok(TokLbrack, start)
	case ']':
		return s.tok(TokRbrack, start)
	case '{':
		return s.tok(TokLbrace, start)
	case '}':
		return s.tok(TokRbrace, start)
	case ',':
		return s.tok(TokComma, start)
	case ';':
		return s.tok(TokSemi, start)
	case '.':
		if s.peek(0) == '.' {
			s.off++
			return s.tok(TokDotDot, start)
		}
		return s.tok(TokDot, start)
	case '=':
		switch s.peek(0) {
		case '=':
			s.off++
			return s.tok(TokEq, start)
		case '~':
			s.off++
			return s.tok(TokEqTilde, start)
		case '>':
			s.off++
			return s.tok(TokArrow, start)
		}
		return s.tok(TokAssign, start)
	case '!':
		switch {
		case s.peek(0) == '=':
			s.off++
			return s.tok(TokNe, start)
		case s.peek(0) == '~':
			s.off++
			return s.tok(TokBangTilde, start)
		case isLetter(s.peek(0)):
			for s.off < len(s.src) && isIdentChar(s.src[s.off]) {
				s.off++
			}
			if s.src[start:s.off] == "!in" && s.peek(0) == '~' {
				s.off++
			}
			return s.tok(TokNotOp, start)
		}
		return s.tok(TokIllegal, start)
	case '<':
		switch s.peek(0) {
		case '=':
			s.off++
			return s.tok(TokLe, start)
		case '>':
			s.off++
			return s.tok(TokLtGt, start)
		}
		return s.tok(TokLt, start)
	case '>':
		if s.peek(0) == '=' {
			s.off++
			return s.tok(TokGe, start)
		}
		return s.tok(TokGt, start)
	case '+':
		return s.tok(TokPlus, start)
	case '-':
		return s.tok(TokMinus, start)
	case '*':
		return s.tok(TokStar, start)
	case '/':
		return s.tok(TokSlash, start)
	case '%':
		return s.tok(TokPercent, start)
	case ':':
		return s.tok(TokColon, start)
	case '?':
		return s.tok(TokQuestion, start)
	}
	// An illegal character: take the whole UTF-8 sequence.
	s.off = start
	_, size := utf8.DecodeRuneInString(s.src[s.off:])
	s.off += size
	return s.tok(TokIllegal, start)
}

// scanTyped scans `(...)` after a type name to form a typed literal such as
// datetime(2024-01-01 10:00) whose contents are not ordinary tokens. It
// reports false, consuming nothing, when no `(` follows or no `)` closes it
// on the same line.
func (s *scanner) scanTyped(start int) (Token, bool) {
	i := s.off
	for i < len(s.src) && (s.src[i] == ' ' || s.src[i] == '\t') {
		i++
	}
	if i >= len(s.src) || s.src[i] != '(' {
		return Token{}, false
	}
	j := i + 1
	for j < len(s.src) && s.src[j] != ')' && s.src[j] != '\n' && s.src[j] != '(' {
		j++
	}
	if j >= len(s.src) || s.src[j] != ')' {
		return Token{}, false
	}
	s.off = j + 1
	t := s.tok(TokTyped, start)
	inner := strings.TrimSpace(s.src[i+1 : j])
	if len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0] {
		inner = inner[1 : len(inner)-1]
	}
	t.Value = inner
	return t, true
}

func (s *scanner) scanNumber(start int) Token {
	kind := TokLong
	if s.src[s.off] == '0' && (s.peek(1) == 'x' || s.peek(1) == 'X') && isHex(s.peek(2)) {
		s.off += 2
		for s.off < len(s.src) && isHex(s.src[s.off]) {
			s.off++
		}
		return s.tok(TokLong, start)
	}
	for s.off < len(s.src) && isDigit(s.src[s.off]) {
		s.off++
	}
	if s.peek(0) == '.' && isDigit(s.peek(1)) {
		kind = TokReal
		s.off++
		for s.off < len(s.src) && isDigit(s.src[s.off]) {
			s.off++
		}
	} else if s.peek(0) == '.' && s.peek(1) != '.' && !isIdentChar(s.peek(1)) && s.peek(1) != '[' {
		// `0.` is a real; `1..2` and `x[0].y` are not.
		kind = TokReal
		s.off++
	}
	if (s.peek(0) == 'e' || s.peek(0) == 'E') &&
		(isDigit(s.peek(1)) || (s.peek(1) == '+' || s.peek(1) == '-') && isDigit(s.peek(2))) {
		kind = TokReal
		s.off += 2
		for s.off < len(s.src) && isDigit(s.src[s.off]) {
			s.off++
		}
	}
	if isLetter(s.peek(0)) {
		j := s.off
		for j < len(s.src) && isLetter(s.src[j]) {
			j++
		}
		if timespanUnits[s.src[s.off:j]] && (j >= len(s.src) || !isIdentChar(s.src[j])) {
			s.off = j
			return s.tok(TokTimespan, start)
		}
		if kind == TokLong {
			// Kusto identifiers may start with digits: 5Minutebin.
			for s.off < len(s.src) && isIdentChar(s.src[s.off]) {
				s.off++
			}
			return s.tok(TokIdent, start)
		}
	}
	return s.tok(kind, start)
}

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scanString scans a quoted string with backslash escapes; s.off is at the
// opening quote.
func (s *scanner) scanString(start int) Token {
	q := s.src[s.off]
	s.off++
	// Fast path: no escapes, so the value is a slice of the source.
	for i := s.off; i < len(s.src); i++ {
		c := s.src[i]
		if c == q {
			value := s.src[s.off:i]
			s.off = i + 1
			t := s.tok(TokString, start)
			t.Value = value
			return t
		}
		if c == '\\' || c == '\n' {
			break
		}
	}
	var b strings.Builder
	badEscape := ""
	for {
		if s.off >= len(s.src) || s.src[s.off] == '\n' {
			t := s.tok(TokString, start)
			t.Value = b.String()
			t.Err = "missing closing quote " + string(q)
			return t
		}
		c := s.src[s.off]
		if c == q {
			s.off++
			t := s.tok(TokString, start)
			t.Value = b.String()
			if badEscape != "" {
				t.Err = "invalid escape sequence '" + badEscape + "' in string"
			}
			return t
		}
		if c == '\\' && s.off+1 < len(s.src) {
			s.off++
			e := s.src[s.off]
			s.off++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'u':
				if s.off+4 <= len(s.src) {
					if r, ok := parseHexRune(s.src[s.off : s.off+4]); ok {
						b.WriteRune(r)
						s.off += 4
						continue
					}
				}
				b.WriteString(`\u`)
			case 'x':
				if s.off+2 <= len(s.src) {
					if r, ok := parseHexRune(s.src[s.off : s.off+2]); ok {
						b.WriteRune(r)
						s.off += 2
						continue
					}
				}
				b.WriteString(`\x`)
			case '\n':
				// A backslash before a newline does not continue the string.
				s.off--
				b.WriteByte('\\')
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'v':
				b.WriteByte('\v')
			default:
				if !isLetter(e) && e < utf8.RuneSelf {
					// \\, \', \", \/, \3 ...: the character itself.
					b.WriteByte(e)
					continue
				}
				// Kusto rejects unknown escapes such as \E: a path written
				// without doubling its backslashes.
				b.WriteByte('\\')
				b.WriteByte(e)
				if badEscape == "" {
					badEscape = `\` + string(e)
				}
			}
			continue
		}
		b.WriteByte(c)
		s.off++
	}
}

func parseHexRune(h string) (rune, bool) {
	var r rune
	for i := 0; i < len(h); i++ {
		c := h[i]
		var v byte
		switch {
		case isDigit(c):
			v = c - '0'
		case 'a' <= c && c <= 'f':
			v = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(v)
	}
	return r, true
}

// scanVerbatim scans @"..." where a doubled quote stands for one quote;
// s.off is at the opening quote.
func (s *scanner) scanVerbatim(start int) Token {
	q := s.src[s.off]
	s.off++
	var b strings.Builder
	for {
		if s.off >= len(s.src) || s.src[s.off] == '\n' {
			t := s.tok(TokString, start)
			t.Value = b.String()
			t.Err = "missing closing quote " + string(q)
			return t
		}
		c := s.src[s.off]
		s.off++
		if c == q {
			if s.peek(0) == q {
				b.WriteByte(q)
				s.off++
				continue
			}
			t := s.tok(TokString, start)
			t.Value = b.String()
			return t
		}
		b.WriteByte(c)
	}
}

// scanFenced scans a multi-line string between ``` or ~~~ fences.
func (s *scanner) scanFenced(start int, fence string) Token {
	s.off += len(fence)
	i := strings.Index(s.src[s.off:], fence)
	if i < 0 {
		s.off = len(s.src)
		t := s.tok(TokString, start)
		t.Value = s.src[start+len(fence):]
		t.Err = "missing closing " + fence
		return t
	}
	value := s.src[s.off : s.off+i]
	s.off += i + len(fence)
	t := s.tok(TokString, start)
	t.Value = value
	return t
}
