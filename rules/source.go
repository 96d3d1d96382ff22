package rules

import (
	"sort"
	"unicode/utf8"
)

// source is a rule file's text with its line starts, to turn yaml.v3 positions (1-based
// line and 1-based column counted in characters) into byte offsets and byte columns.
type source struct {
	text  []byte
	lines []int // byte offset of the start of each line
}

func newSource(text []byte) *source {
	lines := []int{0}
	for i, c := range text {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &source{text: text, lines: lines}
}

// offset returns the byte offset of the given 1-based line and character column, clamped
// to the line.
func (s *source) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(s.lines) {
		return len(s.text)
	}
	off := s.lines[line-1]
	for ; col > 1 && off < len(s.text) && s.text[off] != '\n'; col-- {
		_, w := utf8.DecodeRune(s.text[off:])
		off += w
	}
	return off
}

// pos returns the 1-based line and byte column of a byte offset.
func (s *source) pos(off int) Pos {
	off = max(0, min(off, len(s.text)))
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return Pos{Line: i + 1, Col: off - s.lines[i] + 1}
}

// lineEnd returns the offset of the '\n' ending the line holding off, or len(text).
func (s *source) lineEnd(off int) int {
	for off < len(s.text) && s.text[off] != '\n' {
		off++
	}
	return off
}
