package types

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// FormatDateTime formats ticks as Kusto's tostring() does: ISO 8601 in UTC with seven
// fractional digits, `2024-01-02T03:04:05.1230000Z`.
func FormatDateTime(ticks int64) string {
	return string(AppendDateTime(make([]byte, 0, 28), ticks))
}

// AppendDateTime appends [FormatDateTime]'s text to b.
func AppendDateTime(b []byte, ticks int64) []byte {
	t := TimeFromTicks(ticks)
	year, month, day := t.Date()
	b = appendZeroPad(b, int64(year), 4)
	b = append(b, '-')
	b = appendZeroPad(b, int64(month), 2)
	b = append(b, '-')
	b = appendZeroPad(b, int64(day), 2)
	b = append(b, 'T')
	b = appendZeroPad(b, int64(t.Hour()), 2)
	b = append(b, ':')
	b = appendZeroPad(b, int64(t.Minute()), 2)
	b = append(b, ':')
	b = appendZeroPad(b, int64(t.Second()), 2)
	b = append(b, '.')
	b = appendZeroPad(b, int64(t.Nanosecond()/100), 7)
	return append(b, 'Z')
}

func appendZeroPad(b []byte, v int64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// FormatTimeSpan formats ticks as Kusto prints a timespan: `[-][d.]hh:mm:ss[.fffffff]`, for
// example `00:30:00`, `1.02:03:04.5000000`, `-00:00:01`.
func FormatTimeSpan(ticks int64) string {
	return string(AppendTimeSpan(make([]byte, 0, 26), ticks))
}

// AppendTimeSpan appends [FormatTimeSpan]'s text to b.
func AppendTimeSpan(b []byte, ticks int64) []byte {
	u := uint64(ticks)
	if ticks < 0 {
		b = append(b, '-')
		u = uint64(-ticks) // math.MinInt64 negates to itself, and uint64 reads it correctly
	}
	days := u / uint64(TicksPerDay)
	rem := u % uint64(TicksPerDay)
	if days > 0 {
		b = strconv.AppendUint(b, days, 10)
		b = append(b, '.')
	}
	b = appendZeroPad(b, int64(rem/uint64(TicksPerHour)), 2)
	b = append(b, ':')
	b = appendZeroPad(b, int64(rem/uint64(TicksPerMinute)%60), 2)
	b = append(b, ':')
	b = appendZeroPad(b, int64(rem/uint64(TicksPerSecond)%60), 2)
	if frac := rem % uint64(TicksPerSecond); frac != 0 {
		b = append(b, '.')
		b = appendZeroPad(b, int64(frac), 7)
	}
	return b
}

// FormatReal formats f as Kusto prints a real: the shortest text that reads back as f, in
// .NET's style (`1.5`, `1E+16`, `1E-05`, `NaN`, `Infinity`, `-Infinity`).
func FormatReal(f float64) string {
	return string(AppendReal(nil, f))
}

// AppendReal appends [FormatReal]'s text to b.
func AppendReal(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		// .NET Core prints negative zero as "-0".
		if math.Signbit(f) {
			return append(b, "-0"...)
		}
		return append(b, '0')
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	// e is [-]d[.ddd]e±XX: split into sign, digits and exponent.
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	ePos := 0
	for i, c := range e {
		if c == 'e' {
			ePos = i
			break
		}
	}
	var digits [20]byte
	nd := 0
	for _, c := range e[:ePos] {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	exp, _ := strconv.Atoi(string(e[ePos+1:]))
	if neg {
		b = append(b, '-')
	}
	// .NET "R"/shortest: scientific when the decimal exponent is out of [-5, max(15, digits)).
	scale := exp + 1
	if scale > max(nd, 15) || scale < -3 {
		b = append(b, digits[0])
		if nd > 1 {
			b = append(b, '.')
			b = append(b, digits[1:nd]...)
		}
		b = append(b, 'E')
		if exp < 0 {
			b = append(b, '-')
			exp = -exp
		} else {
			b = append(b, '+')
		}
		return appendZeroPad(b, int64(exp), 2)
	}
	switch {
	case scale <= 0:
		b = append(b, "0."...)
		for i := scale; i < 0; i++ {
			b = append(b, '0')
		}
		b = append(b, digits[:nd]...)
	case scale >= nd:
		b = append(b, digits[:nd]...)
		for i := nd; i < scale; i++ {
			b = append(b, '0')
		}
	default:
		b = append(b, digits[:scale]...)
		b = append(b, '.')
		b = append(b, digits[scale:nd]...)
	}
	return b
}

// maxDecimalFraction caps the fractional digits of a decimal that does not terminate
// (1/3), following .NET decimal's 28-digit scale.
const maxDecimalFraction = 28

// FormatRat formats an exact decimal as Kusto prints a decimal: no exponent, no trailing
// fractional zeros, at most the decimal type's fractional digits.
func FormatRat(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := r.FloatString(maxDecimalFraction)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// FormatBool formats b as `true` or `false`.
func FormatBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// String returns v's text as tostring() gives it: "" for null (of any type), the number,
// `true`/`false`, ISO datetimes, `[d.]hh:mm:ss[.fffffff]` timespans, lower-case guids,
// compact JSON for dynamic values (a dynamic string gives its text without quotes).
func (v Value) String() string {
	if v.IsNull() {
		return ""
	}
	switch v.Type {
	case Bool:
		return FormatBool(v.I != 0)
	case Int, Long:
		return strconv.FormatInt(v.I, 10)
	case Real:
		return FormatReal(v.F)
	case DateTime:
		return FormatDateTime(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Dynamic:
		return DynamicString(v)
	}
	return v.S
}
