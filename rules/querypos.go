package rules

import (
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// queryMap maps byte offsets of a decoded YAML scalar back to the file.
type queryMap struct {
	src  *source
	offs []int // offs[i] is the file offset of value byte i; one extra entry for the end
}

func (m queryMap) pos(offset int) (line, col int) {
	if m.src == nil || len(m.offs) == 0 {
		return 0, 0
	}
	offset = max(0, min(offset, len(m.offs)-1))
	p := m.src.pos(m.offs[offset])
	return p.Line, p.Col
}

// blockScalar describes the content lines of a literal or folded block scalar.
type blockScalar struct {
	header int   // offset of the '|' or '>' indicator
	indent int   // content indentation, in spaces
	lines  []int // offsets of the starts of the lines inside the scalar
}

// scalarOffsets retraces how YAML decoded the scalar n, which starts at byte offset start
// of src, and returns the file offset of every byte of n.Value plus one for its end.
// parentIndent is the indentation of the mapping holding the scalar. The second result
// describes a block scalar's lines (nil for flow scalars). When the retraced text does
// not match n.Value (a construct this code does not follow), every offset is start.
func scalarOffsets(src *source, n *yaml.Node, start, parentIndent int) ([]int, *blockScalar) {
	// skip an anchor or tag before the scalar itself
	for start < len(src.text) && (src.text[start] == '&' || src.text[start] == '!') {
		for start < len(src.text) && !isBlank(src.text[start]) && src.text[start] != '\n' {
			start++
		}
		for start < len(src.text) && isBlank(src.text[start]) {
			start++
		}
	}
	var out []byte
	var offs []int
	var block *blockScalar
	switch n.Style &^ yaml.TaggedStyle {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		block = &blockScalar{header: start}
		out, offs = retraceBlock(src.text, start, parentIndent, n.Style&yaml.FoldedStyle != 0, block)
		if len(out) >= len(n.Value) && string(out[:len(n.Value)]) == n.Value {
			return append(offs[:len(n.Value)], endOffset(offs, len(n.Value), start)), block
		}
	default:
		out, offs = retraceFlow(src.text, start, n.Style&^yaml.TaggedStyle, len(n.Value))
		if string(out) == n.Value {
			return append(offs, endOffset(offs, len(offs), start)), nil
		}
	}
	fallback := make([]int, len(n.Value)+1)
	for i := range fallback {
		fallback[i] = start
	}
	return fallback, block
}

// endOffset returns the offset just after value byte n-1.
func endOffset(offs []int, n, start int) int {
	if n == 0 {
		return start
	}
	return offs[n-1] + 1
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// retraceBlock follows libyaml's block scalar scanner (yaml_parser_scan_block_scalar)
// from the indicator at start, producing the decoded text with "keep" chomping (clip and
// strip results are prefixes of it) and each byte's source offset.
func retraceBlock(text []byte, start, parentIndent int, folded bool, b *blockScalar) ([]byte, []int) {
	i := start + 1
	increment := 0
	for i < len(text) && (text[i] == '+' || text[i] == '-' || (text[i] >= '1' && text[i] <= '9')) {
		if text[i] >= '1' && text[i] <= '9' {
			increment = int(text[i] - '0')
		}
		i++
	}
	for i < len(text) && text[i] != '\n' {
		i++ // blanks and a comment
	}
	if i < len(text) {
		i++
	}
	indent := 0
	if increment > 0 {
		indent = parentIndent + increment
	}
	var out []byte
	var offs []int
	emit := func(c byte, off int) {
		out = append(out, c)
		offs = append(offs, off)
	}
	// breaks consumes empty lines (and the indentation of the next line), returning the
	// offsets of the line breaks it passed.
	curCol := 0
	breaks := func() []int {
		var brs []int
		maxIndent := 0
		for {
			col := 0
			for i < len(text) && text[i] == ' ' && (indent == 0 || col < indent) {
				i++
				col++
			}
			if col > maxIndent {
				maxIndent = col
			}
			if i < len(text) && text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			if i >= len(text) || text[i] != '\n' {
				if indent == 0 {
					indent = max(maxIndent, parentIndent+1, 1)
				}
				curCol = col
				return brs
			}
			brs = append(brs, i)
			i++
		}
	}
	trailing := breaks()
	leadingBreak := -1
	leadingBlank := false
	for i < len(text) && curCol == indent && indent > 0 {
		if atDocumentMarker(text, i) {
			break
		}
		b.lines = append(b.lines, i-indent)
		trailingBlank := isBlank(text[i])
		if folded && leadingBreak >= 0 && !leadingBlank && !trailingBlank {
			if len(trailing) == 0 {
				emit(' ', leadingBreak)
			}
		} else if leadingBreak >= 0 {
			emit('\n', leadingBreak)
		}
		for _, br := range trailing {
			emit('\n', br)
		}
		leadingBreak = -1
		leadingBlank = isBlank(text[i])
		for i < len(text) && text[i] != '\n' {
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
				continue
			}
			emit(text[i], i)
			i++
		}
		if i >= len(text) {
			break
		}
		leadingBreak = i
		i++
		trailing = breaks()
	}
	if leadingBreak >= 0 {
		emit('\n', leadingBreak)
	}
	for _, br := range trailing {
		emit('\n', br)
	}
	b.indent = indent
	return out, offs
}

func atDocumentMarker(text []byte, i int) bool {
	if i > 0 && text[i-1] != '\n' {
		return false
	}
	rest := text[i:]
	return (len(rest) >= 3 && (string(rest[:3]) == "---" || string(rest[:3]) == "...")) &&
		(len(rest) == 3 || rest[3] == ' ' || rest[3] == '\t' || rest[3] == '\n' || rest[3] == '\r')
}

// retraceFlow follows how YAML decodes a plain, single-quoted or double-quoted scalar
// starting at start, up to want bytes of output: line breaks between text fold to a space,
// empty lines to newlines, blanks around breaks are dropped, and quotes and escapes are
// decoded.
func retraceFlow(text []byte, start int, style yaml.Style, want int) ([]byte, []int) {
	var out []byte
	var offs []int
	emit := func(c byte, off int) {
		out = append(out, c)
		offs = append(offs, off)
	}
	i := start
	quoted := style == yaml.SingleQuotedStyle || style == yaml.DoubleQuotedStyle
	if quoted {
		i++
	}
	var blanks []int // pending blanks inside a line
	firstBreak := -1
	var moreBreaks []int
	for i < len(text) && len(out) < want {
		c := text[i]
		switch {
		case c == '\n' || (c == '\r' && i+1 < len(text) && text[i+1] == '\n'):
			if c == '\r' {
				i++
			}
			blanks = blanks[:0]
			if firstBreak < 0 {
				firstBreak = i
			} else {
				moreBreaks = append(moreBreaks, i)
			}
			i++
			for i < len(text) && isBlank(text[i]) {
				i++
			}
			continue
		case isBlank(c):
			blanks = append(blanks, i)
			i++
			continue
		}
		// c starts content: flush folding and blanks first
		if firstBreak >= 0 {
			if len(moreBreaks) == 0 {
				emit(' ', firstBreak)
			}
			for _, br := range moreBreaks {
				emit('\n', br)
			}
			firstBreak, moreBreaks = -1, moreBreaks[:0]
		}
		for _, bl := range blanks {
			emit(text[bl], bl)
		}
		blanks = blanks[:0]
		switch {
		case style == yaml.SingleQuotedStyle && c == '\'':
			if i+1 < len(text) && text[i+1] == '\'' {
				emit('\'', i)
				i += 2
				continue
			}
			return out, offs
		case style == yaml.DoubleQuotedStyle && c == '"':
			return out, offs
		case style == yaml.DoubleQuotedStyle && c == '\\':
			n, ok := decodeEscape(text, i, func(c byte) { emit(c, i) })
			if !ok {
				return out, offs
			}
			if n < 0 { // escaped line break: no folding, next line's blanks dropped
				i = -n
				for i < len(text) && isBlank(text[i]) {
					i++
				}
				continue
			}
			i += n
			continue
		}
		emit(c, i)
		i++
	}
	return out, offs
}

// decodeEscape decodes the double-quoted escape at text[i] ('\\'), passing its bytes to
// emit. It returns the length of the escape, or minus the offset after an escaped line
// break, and false for an unknown escape.
func decodeEscape(text []byte, i int, emit func(byte)) (int, bool) {
	if i+1 >= len(text) {
		return 0, false
	}
	simple := map[byte]string{
		'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v",
		'f': "\f", 'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\\': "\\",
		'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
	}
	c := text[i+1]
	if s, ok := simple[c]; ok {
		for j := 0; j < len(s); j++ {
			emit(s[j])
		}
		return 2, true
	}
	if c == '\n' {
		return -(i + 2), true
	}
	if c == '\r' && i+2 < len(text) && text[i+2] == '\n' {
		return -(i + 3), true
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if width == 0 || i+2+width > len(text) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(text[i+2:i+2+width]), 16, 32)
	if err != nil {
		return 0, false
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], rune(v))
	for _, b := range buf[:n] {
		emit(b)
	}
	return 2 + width, true
}
