package funcs

import (
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// fmtToken is one run of a format string: a run of one specifier letter, or literal text.
type fmtToken struct {
	letter byte // 0 for literal text
	n      int  // run length
	lit    string
}

// tokenizeFormat splits a .NET-style custom format into runs of the specifier letters in
// letters; everything else (delimiters, other text) is literal. Text in single or double
// quotes and characters after a backslash are literal too.
func tokenizeFormat(f, letters string) []fmtToken {
	var out []fmtToken
	lit := func(s string) {
		if n := len(out); n > 0 && out[n-1].letter == 0 {
			out[n-1].lit += s
			return
		}
		out = append(out, fmtToken{lit: s})
	}
	for i := 0; i < len(f); {
		c := f[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(f[i+1:], c)
			if end < 0 {
				lit(f[i+1:])
				return out
			}
			lit(f[i+1 : i+1+end])
			i += end + 2
		case c == '\\' && i+1 < len(f):
			lit(f[i+1 : i+2])
			i += 2
		case strings.IndexByte(letters, c) >= 0:
			j := i
			for j < len(f) && f[j] == c {
				j++
			}
			out = append(out, fmtToken{letter: c, n: j - i})
			i = j
		default:
			lit(f[i : i+1])
			i++
		}
	}
	return out
}

func fmtPad(b []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// fmtFraction writes the first n digits of the 7-digit tick fraction; with trim (the F
// specifiers) trailing zeros are dropped and nothing is written for zero.
func fmtFraction(b []byte, frac int64, n int, trim bool) []byte {
	n = min(n, 7)
	digits := []byte(strconv.FormatInt(frac+10_000_000, 10)[1:])[:n]
	if trim {
		for len(digits) > 0 && digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
	}
	return append(b, digits...)
}

// formatDatetime implements format_datetime.
func formatDatetime(ticks int64, format string) string {
	t := types.TimeFromTicks(ticks)
	frac := floorMod(ticks, types.TicksPerSecond)
	var b []byte
	for _, tok := range tokenizeFormat(format, "dfFhHmMsyt") {
		switch tok.letter {
		case 0:
			b = append(b, tok.lit...)
		case 'd':
			b = fmtPad(b, int64(t.Day()), min(tok.n, 2))
		case 'f', 'F':
			b = fmtFraction(b, frac, tok.n, tok.letter == 'F')
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b = fmtPad(b, int64(h), min(tok.n, 2))
		case 'H':
			b = fmtPad(b, int64(t.Hour()), min(tok.n, 2))
		case 'm':
			b = fmtPad(b, int64(t.Minute()), min(tok.n, 2))
		case 'M':
			b = fmtPad(b, int64(t.Month()), min(tok.n, 2))
		case 's':
			b = fmtPad(b, int64(t.Second()), min(tok.n, 2))
		case 'y':
			switch {
			case tok.n <= 2:
				b = fmtPad(b, int64(t.Year()%100), tok.n)
			default:
				b = fmtPad(b, int64(t.Year()), tok.n)
			}
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			if tok.n == 1 {
				ampm = ampm[:1]
			}
			b = append(b, ampm...)
		}
	}
	return string(b)
}

// formatTimespan implements format_timespan.
func formatTimespan(ticks int64, format string) string {
	var b []byte
	if ticks < 0 {
		b = append(b, '-')
		ticks = -ticks
	}
	days := ticks / types.TicksPerDay
	rem := ticks % types.TicksPerDay
	for _, tok := range tokenizeFormat(format, "dfFhHms") {
		switch tok.letter {
		case 0:
			b = append(b, tok.lit...)
		case 'd':
			b = fmtPad(b, days, tok.n)
		case 'f', 'F':
			b = fmtFraction(b, rem%types.TicksPerSecond, tok.n, tok.letter == 'F')
		case 'h', 'H':
			b = fmtPad(b, rem/types.TicksPerHour, min(tok.n, 2))
		case 'm':
			b = fmtPad(b, rem/types.TicksPerMinute%60, min(tok.n, 2))
		case 's':
			b = fmtPad(b, rem/types.TicksPerSecond%60, min(tok.n, 2))
		}
	}
	return string(b)
}
