package types

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// minTicks and maxTicks bound datetime values: 0001-01-01 through 9999-12-31 23:59:59.9999999.
const (
	minTicks int64 = -62135596800 * TicksPerSecond
	maxTicks int64 = 253402300800*TicksPerSecond - 1
)

// TicksFromTime converts a time.Time to 100 ns ticks since the Unix epoch.
func TicksFromTime(t time.Time) int64 {
	return t.Unix()*TicksPerSecond + int64(t.Nanosecond())/100
}

// TimeFromTicks converts 100 ns ticks since the Unix epoch to a UTC time.Time.
func TimeFromTicks(ticks int64) time.Time {
	sec := ticks / TicksPerSecond
	rem := ticks % TicksPerSecond
	if rem < 0 {
		sec--
		rem += TicksPerSecond
	}
	return time.Unix(sec, rem*100).UTC()
}

// ParseDateTime parses the text of a datetime literal or todatetime() argument in any of the
// formats Kusto documents: ISO 8601 (`2014-05-25T08:20:03.123456Z`, `2014-11-08 15:55`,
// `2014-11-08`, with `Z`, `GMT`, `UTC` or a `+hh:mm` offset), US dates (`6/25/2019`,
// `12-02-2022`, `6/25/2019 10:00:00 PM`), RFC 822 / 1123 (`Sat, 8 Nov 14 15:05:02 GMT`),
// RFC 850 (`Saturday, 08-Nov-14 15:05:02 GMT`) and sortable forms (`2014-11-8 15:05`). The
// result is 100 ns ticks since the Unix epoch, in UTC. ok is false when s is none of these.
func ParseDateTime(s string) (ticks int64, ok bool) {
	p := dtParser{s: strings.TrimSpace(s)}
	if p.s == "" {
		return 0, false
	}
	if ticks, ok = p.parse(); ok && ticks >= minTicks && ticks <= maxTicks {
		return ticks, true
	}
	return 0, false
}

type dtParser struct {
	s string
	i int
}

func (p *dtParser) eof() bool { return p.i >= len(p.s) }

func (p *dtParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// digits reads 1 to max decimal digits and returns their value and count.
func (p *dtParser) digits(max int) (v, n int) {
	for p.i < len(p.s) && n < max && dtDigit(p.s[p.i]) {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
		n++
	}
	return v, n
}

func (p *dtParser) skipSpaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *dtParser) accept(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// word reads a run of ASCII letters.
func (p *dtParser) word() string {
	start := p.i
	for p.i < len(p.s) && dtLetter(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

var monthNames = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func monthFromName(w string) int {
	w = strings.ToLower(w)
	if len(w) < 3 {
		return 0
	}
	for i, m := range monthNames {
		if strings.HasPrefix(w, m) {
			full := [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}[i]
			if w == m || w == full || (i == 8 && w == "sept") {
				return i + 1
			}
		}
	}
	return 0
}

func isWeekday(w string) bool {
	switch strings.ToLower(w) {
	case "mon", "tue", "wed", "thu", "fri", "sat", "sun",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"tues", "thur", "thurs":
		return true
	}
	return false
}

func twoDigitYear(y, n int) int {
	if n > 2 {
		return y
	}
	if y < 30 {
		return 2000 + y
	}
	return 1900 + y
}

func (p *dtParser) parse() (int64, bool) {
	if dtLetter(p.peek()) {
		// RFC 822 / 850 / 1123 with a leading weekday.
		if !isWeekday(p.word()) {
			return 0, false
		}
		p.accept(',')
		p.skipSpaces()
		return p.rfc()
	}
	save := p.i
	first, n := p.digits(9)
	if n == 0 {
		return 0, false
	}
	switch c := p.peek(); {
	case n >= 3 && (c == '-' || c == '/' || c == '.'):
		// Year first: ISO 8601 and sortable forms.
		p.i++
		month, mn := p.digits(2)
		if mn == 0 || !p.accept(c) {
			return 0, false
		}
		day, dn := p.digits(2)
		if dn == 0 {
			return 0, false
		}
		return p.timeOfDay(first, month, day)
	case n <= 2 && (c == '/' || c == '-' || c == '.') && p.i+1 < len(p.s) && dtDigit(p.s[p.i+1]):
		// US form: month/day/year.
		p.i++
		day, dn := p.digits(2)
		if dn == 0 || !p.accept(c) {
			return 0, false
		}
		year, yn := p.digits(4)
		if yn != 4 && yn != 2 {
			return 0, false
		}
		return p.timeOfDay(twoDigitYear(year, yn), first, day)
	case n <= 2 && (c == ' ' || c == '-'):
		p.i = save
		return p.rfc()
	case n == 8 && (c == 'T' || c == 0):
		// Basic ISO 8601: 20140525[T082003].
		year, month, day := first/10000, first/100%100, first%100
		if c == 0 {
			return makeTicks(year, month, day, 0, 0, 0, 0, 0)
		}
		p.i++
		hms, hn := p.digits(6)
		if hn != 4 && hn != 6 {
			return 0, false
		}
		if hn == 4 {
			hms *= 100
		}
		frac, ok := p.fraction()
		if !ok {
			return 0, false
		}
		off, ok := p.zone()
		if !ok || !p.eof() {
			return 0, false
		}
		return makeTicks(year, month, day, hms/10000, hms/100%100, hms%100, frac, off)
	}
	return 0, false
}

// rfc parses `8 Nov 14 15:05:02 GMT` or `08-Nov-14 15:05 GMT` after any weekday.
func (p *dtParser) rfc() (int64, bool) {
	day, dn := p.digits(2)
	if dn == 0 {
		return 0, false
	}
	sep := p.peek()
	if sep != ' ' && sep != '-' {
		return 0, false
	}
	p.i++
	month := monthFromName(p.word())
	if month == 0 || !p.accept(sep) {
		return 0, false
	}
	year, yn := p.digits(4)
	if yn != 2 && yn != 4 {
		return 0, false
	}
	return p.timeOfDay(twoDigitYear(year, yn), month, day)
}

// timeOfDay parses the optional `[T| ]hh:mm[:ss[.f]][ AM|PM][zone]` that follows a date.
func (p *dtParser) timeOfDay(year, month, day int) (int64, bool) {
	if p.eof() {
		return makeTicks(year, month, day, 0, 0, 0, 0, 0)
	}
	if !p.accept('T') && !p.accept('t') {
		if p.peek() != ' ' {
			return 0, false
		}
		p.skipSpaces()
		if p.eof() {
			return makeTicks(year, month, day, 0, 0, 0, 0, 0)
		}
	}
	hour, hn := p.digits(2)
	if hn == 0 || !p.accept(':') {
		return 0, false
	}
	minute, mn := p.digits(2)
	if mn == 0 {
		return 0, false
	}
	second := 0
	var frac int64
	if p.accept(':') {
		var sn int
		second, sn = p.digits(2)
		if sn == 0 {
			return 0, false
		}
		var ok bool
		if frac, ok = p.fraction(); !ok {
			return 0, false
		}
	}
	save := p.i
	p.skipSpaces()
	switch w := strings.ToUpper(p.word()); w {
	case "AM", "PM":
		if hour < 1 || hour > 12 {
			return 0, false
		}
		if hour == 12 {
			hour = 0
		}
		if w == "PM" {
			hour += 12
		}
	default:
		p.i = save
	}
	off, ok := p.zone()
	if !ok || !p.eof() {
		return 0, false
	}
	return makeTicks(year, month, day, hour, minute, second, frac, off)
}

// fraction reads an optional `.fffffff` and returns it in ticks. Digits past the seventh are
// dropped.
func (p *dtParser) fraction() (int64, bool) {
	if !p.accept('.') {
		return 0, true
	}
	var v int64
	n := 0
	for p.i < len(p.s) && dtDigit(p.s[p.i]) {
		if n < 7 {
			v = v*10 + int64(p.s[p.i]-'0')
		}
		n++
		p.i++
	}
	if n == 0 {
		return 0, false
	}
	for ; n < 7; n++ {
		v *= 10
	}
	return v, true
}

// zone reads an optional time zone (`Z`, `GMT`, `UTC`, `+hh:mm`, `-hhmm`, `+hh`) and returns
// its offset from UTC in minutes.
func (p *dtParser) zone() (int, bool) {
	save := p.i
	p.skipSpaces()
	if p.eof() {
		p.i = save
		return 0, true
	}
	switch c := p.peek(); {
	case c == 'Z' || c == 'z':
		p.i++
		return 0, true
	case c == '+' || c == '-':
		p.i++
		h, hn := p.digits(2)
		if hn == 0 {
			return 0, false
		}
		m := 0
		if p.accept(':') || dtDigit(p.peek()) {
			var mn int
			if m, mn = p.digits(2); mn != 2 {
				return 0, false
			}
		}
		off := h*60 + m
		if c == '-' {
			off = -off
		}
		return off, true
	case dtLetter(c):
		switch strings.ToUpper(p.word()) {
		case "GMT", "UTC", "UT", "Z":
			if q := p.peek(); q == '+' || q == '-' {
				return p.zone()
			}
			return 0, true
		}
	}
	return 0, false
}

func makeTicks(year, month, day, hour, minute, second int, frac int64, offsetMinutes int) (int64, bool) {
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || minute > 59 || second > 59 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC)
	return TicksFromTime(t) + frac - int64(offsetMinutes)*TicksPerMinute, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func dtDigit(c byte) bool  { return '0' <= c && c <= '9' }
func dtLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// timespanUnits maps each timespan literal suffix to its length in ticks.
var timespanUnits = map[string]int64{
	"d": TicksPerDay, "day": TicksPerDay, "days": TicksPerDay,
	"h": TicksPerHour, "hr": TicksPerHour, "hrs": TicksPerHour, "hour": TicksPerHour, "hours": TicksPerHour,
	"m": TicksPerMinute, "min": TicksPerMinute, "minute": TicksPerMinute, "minutes": TicksPerMinute,
	"s": TicksPerSecond, "sec": TicksPerSecond, "second": TicksPerSecond, "seconds": TicksPerSecond,
	"ms": TicksPerMillisecond, "milli": TicksPerMillisecond, "millis": TicksPerMillisecond,
	"millisec": TicksPerMillisecond, "millisecond": TicksPerMillisecond, "milliseconds": TicksPerMillisecond,
	"microsec": TicksPerMicrosecond, "microsecond": TicksPerMicrosecond, "microseconds": TicksPerMicrosecond,
	"tick": 1, "ticks": 1,
}

// TimeSpanUnit returns the length in ticks of a timespan literal suffix (`d`, `h`, `m`, `s`,
// `ms`, `microsecond`, `tick` and their long forms such as `hours`). ok is false for anything else.
func TimeSpanUnit(suffix string) (ticks int64, ok bool) {
	ticks, ok = timespanUnits[strings.ToLower(suffix)]
	return ticks, ok
}

// ParseTimeSpan parses a timespan in any of the forms Kusto accepts in timespan(...) and
// totimespan(): a number with a unit (`1d`, `1.5h`, `100ms`, `10microsecond`, `1tick`,
// `15 seconds`), a bare number of days (`2`), or the text form
// `[-][d.]hh:mm[:ss[.fffffff]]` (also `d:hh:mm:ss`). ok is false otherwise.
func ParseTimeSpan(s string) (ticks int64, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if strings.IndexByte(s, ':') >= 0 {
		return parseTimeSpanText(s)
	}
	// Number followed by an optional unit.
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	for i < len(s) && (dtDigit(s[i]) || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	if num == "" || num == "-" || num == "+" {
		return 0, false
	}
	per := TicksPerDay
	if unit != "" {
		if per, ok = TimeSpanUnit(unit); !ok {
			return 0, false
		}
	}
	if strings.IndexByte(num, '.') < 0 {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || (n != 0 && (n > math.MaxInt64/per || n < math.MinInt64/per)) {
			return 0, false
		}
		return n * per, true
	}
	// Fractional amounts are exact in ticks: 1.5h is 54,000,000,000 ticks.
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, false
	}
	r.Mul(r, new(big.Rat).SetInt64(per))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// parseTimeSpanText parses `[-][d.]hh:mm[:ss[.fffffff]]` and `[-]d:hh:mm:ss[.fffffff]`.
func parseTimeSpanText(s string) (int64, bool) {
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	p := dtParser{s: s}
	var days, hours int
	a, an := p.digits(8)
	if an == 0 {
		return 0, false
	}
	if p.accept('.') {
		days = a
		var hn int
		if hours, hn = p.digits(2); hn == 0 {
			return 0, false
		}
	} else {
		hours = a
	}
	if !p.accept(':') {
		return 0, false
	}
	minutes, mn := p.digits(2)
	if mn == 0 {
		return 0, false
	}
	seconds := 0
	var frac int64
	if p.accept(':') {
		var sn int
		if seconds, sn = p.digits(2); sn == 0 {
			return 0, false
		}
		if days == 0 && an <= 8 && p.peek() == ':' {
			// d:hh:mm:ss
			days, hours, minutes = hours, minutes, seconds
			p.i++
			if seconds, sn = p.digits(2); sn == 0 {
				return 0, false
			}
		}
		var ok bool
		if frac, ok = p.fraction(); !ok {
			return 0, false
		}
	}
	if !p.eof() || hours > 23 || minutes > 59 || seconds > 59 {
		return 0, false
	}
	t := int64(days)*TicksPerDay + int64(hours)*TicksPerHour + int64(minutes)*TicksPerMinute +
		int64(seconds)*TicksPerSecond + frac
	if neg {
		t = -t
	}
	return t, true
}

// ParseGUID parses a guid in any of .NET's forms (`N`: 32 hex digits, `D`: 8-4-4-4-12,
// `B`: in braces, `P`: in parentheses) and returns its canonical lower-case text.
func ParseGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && (s[0] == '{' && s[37] == '}' || s[0] == '(' && s[37] == ')') {
		s = s[1:37]
	}
	var hex [32]byte
	switch len(s) {
	case 32:
		for i := 0; i < 32; i++ {
			if !guidHexDigit(s[i]) {
				return "", false
			}
			hex[i] = asciiLower(s[i])
		}
	case 36:
		j := 0
		for i := 0; i < 36; i++ {
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if s[i] != '-' {
					return "", false
				}
				continue
			}
			if !guidHexDigit(s[i]) {
				return "", false
			}
			hex[j] = asciiLower(s[i])
			j++
		}
	default:
		return "", false
	}
	return formatGUIDHex(hex[:]), true
}

// guidFromPrefix implements toguid(): the first 32 hex digits of s, skipping hyphens; the
// rest of the string is ignored.
func guidFromPrefix(s string) (string, bool) {
	if g, ok := ParseGUID(s); ok {
		return g, true
	}
	var hex [32]byte
	j := 0
	for i := 0; i < len(s) && j < 32; i++ {
		c := s[i]
		if c == '-' {
			continue
		}
		if !guidHexDigit(c) {
			return "", false
		}
		hex[j] = asciiLower(c)
		j++
	}
	if j < 32 {
		return "", false
	}
	return formatGUIDHex(hex[:]), true
}

func formatGUIDHex(h []byte) string {
	var b [36]byte
	j := 0
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			b[i] = '-'
			continue
		}
		b[i] = h[j]
		j++
	}
	return string(b[:])
}

func guidHexDigit(c byte) bool { return dtDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ParseLong parses a long literal's text: optional sign, decimal digits, or `0x` followed by
// hex digits (read as a 64-bit two's-complement pattern).
func ParseLong(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	t := s
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		u, err := strconv.ParseUint(t[2:], 16, 64)
		if err != nil {
			return 0, false
		}
		if neg {
			return -int64(u), true
		}
		return int64(u), true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// ParseReal parses a real's text: decimal or scientific notation, `nan`, `+inf`, `-inf`,
// `inf`, `Infinity` and `-Infinity` (case-insensitive).
func ParseReal(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	switch strings.ToLower(s) {
	case "nan", "+nan", "-nan":
		return math.NaN(), true
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	}
	for i := 0; i < len(s); i++ {
		// strconv accepts forms Kusto does not: hex floats, underscores, "infinity" spellings.
		c := s[i]
		if !(dtDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// ParseDecimal parses a decimal's text (optional sign, digits, optional fraction, optional
// exponent) and returns its canonical text: no exponent, no leading zeros, no trailing
// fractional zeros, "-" only for non-zero values.
func ParseDecimal(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(dtDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return "", false
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "", false
	}
	return FormatRat(r), true
}

// ParseBool parses `true`/`false` (case-insensitive) and the integers 1 and 0.
func ParseBool(s string) (bool, bool) {
	s = strings.TrimSpace(s)
	switch {
	case strings.EqualFold(s, "true") || s == "1":
		return true, true
	case strings.EqualFold(s, "false") || s == "0":
		return false, true
	}
	return false, false
}
