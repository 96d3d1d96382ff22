package logs

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
)

// val is one converted value, ready to append to a typed builder. Text lives in the row's
// scratch buffer between s0 and s1, since that buffer may move while a row is converted.
type val struct {
	null   bool
	b      bool
	i      int64
	f      float64
	g      [16]byte
	s0, s1 int
}

// convert converts one JSON value or CSV field to type t, appending any text it produces
// to *buf. raw is the token (for kString with its quotes) or the CSV field text.
func convert(t types.Type, k kind, raw []byte, esc bool, buf *[]byte) (val, error) {
	var v val
	if k == kNull {
		v.null = true
		return v, nil
	}
	text := raw
	if k == kString {
		text = raw[1 : len(raw)-1]
		if esc {
			n := len(*buf)
			*buf = unescape(*buf, text)
			text = (*buf)[n:]
		}
	}
	switch t {
	case types.String:
		v.s0 = len(*buf)
		switch k {
		case kObject, kArray:
			*buf = compact(*buf, raw)
		default:
			*buf = append(*buf, text...)
		}
		v.s1 = len(*buf)
		return v, nil
	case types.Dynamic:
		v.s0 = len(*buf)
		switch k {
		case kObject, kArray:
			*buf = compact(*buf, raw)
		case kString, kText:
			// A string that holds a JSON object or array is that value, as the Log
			// Analytics API and portal export dynamic columns as JSON text.
			tr := bytes.TrimSpace(text)
			switch {
			case k == kText && len(tr) == 0:
				v.null = true
			case len(tr) > 0 && (tr[0] == '{' || tr[0] == '[') && validJSON(tr):
				*buf = compact(*buf, tr)
			case k == kText && validJSON(tr):
				*buf = compact(*buf, tr)
			case k == kString:
				*buf = append(*buf, raw...)
			default:
				*buf = types.AppendJSONString(*buf, string(text))
			}
		default:
			*buf = append(*buf, raw...)
		}
		v.s1 = len(*buf)
		if string((*buf)[v.s0:v.s1]) == "null" {
			v.null = true
		}
		return v, nil
	}
	if k == kObject || k == kArray {
		return v, fmt.Errorf("expected %s, found a JSON %s", t, kindName(k))
	}
	if (k == kString || k == kText) && len(bytes.TrimSpace(text)) == 0 {
		v.null = true
		return v, nil
	}
	var ok bool
	switch t {
	case types.Bool:
		switch k {
		case kTrue, kFalse:
			v.b, ok = k == kTrue, true
		default:
			v.b, ok = parseBool(text)
		}
	case types.Int, types.Long:
		if k == kTrue || k == kFalse {
			break
		}
		v.i, ok = parseInt(text)
		if ok && t == types.Int && int64(int32(v.i)) != v.i {
			ok = false
		}
	case types.Real:
		if k == kTrue || k == kFalse {
			break
		}
		v.f, ok = parseReal(text)
	case types.Decimal:
		if k == kNumber || k == kString || k == kText {
			var d string
			d, ok = types.ParseDecimal(strings.TrimSpace(string(text)))
			v.s0 = len(*buf)
			*buf = append(*buf, d...)
			v.s1 = len(*buf)
		}
	case types.DateTime:
		if k == kString || k == kText {
			v.i, ok = parseDateTime(text)
		}
	case types.TimeSpan:
		if k == kString || k == kText {
			v.i, ok = types.ParseTimeSpan(strings.TrimSpace(string(text)))
		}
	case types.GUID:
		if k == kString || k == kText {
			v.g, ok = column.ParseGUID(string(bytes.TrimSpace(text)))
		}
	}
	if !ok {
		return v, fmt.Errorf("expected %s, found %s", t, quoteValue(k, raw))
	}
	return v, nil
}

func kindName(k kind) string {
	return [...]string{"null", "false", "true", "number", "string", "object", "array", "text"}[k]
}

func quoteValue(k kind, raw []byte) string {
	const max = 40
	s := string(raw)
	if k == kText {
		if len(s) > max {
			s = s[:max] + "..."
		}
		return strconv.Quote(s)
	}
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

func parseBool(b []byte) (bool, bool) {
	switch strings.ToLower(string(bytes.TrimSpace(b))) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

func parseInt(b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	i := 0
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	if i == len(b) || len(b)-i > 18 {
		n, err := strconv.ParseInt(string(b), 10, 64)
		return n, err == nil
	}
	var n int64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func parseReal(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	if err != nil {
		// Overflowing numbers are +/-inf, as Kusto reads them; malformed text fails.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// parseDateTime parses ISO 8601 quickly (the common case in exported JSON) and falls back
// to types.ParseDateTime for every other format Kusto accepts, including the portal's
// CSV export format "4/19/2021, 12:13:19.483 PM".
func parseDateTime(b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	if t, ok := parseISO(b); ok {
		return t, true
	}
	s := string(b)
	if i := strings.IndexByte(s, ','); i > 0 && i < 11 && strings.IndexByte(s[:i], '/') > 0 {
		s = s[:i] + s[i+1:] // portal format: "6/25/2019, 10:00:00.000 AM"
	}
	return types.ParseDateTime(s)
}

// parseISO parses yyyy-mm-ddThh:mm:ss[.fraction][Z|±hh:mm] (also with a space for T).
func parseISO(b []byte) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	num := func(p []byte) (int, bool) {
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	s, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	rest := b[19:]
	var frac int64
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		scale := int64(1_000_000)
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			if scale > 0 {
				frac += int64(rest[i]-'0') * scale
				scale /= 10
			}
			i++
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	var off int64
	switch {
	case len(rest) == 0, len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(rest[1:3])
		om, ok2 := num(rest[4:6])
		if !ok1 || !ok2 {
			return 0, false
		}
		off = int64(oh*60+om) * types.TicksPerMinute
		if rest[0] == '-' {
			off = -off
		}
	default:
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	if t.Day() != d {
		return 0, false // 2023-02-30 and the like
	}
	return t.Unix()*types.TicksPerSecond + frac - off, true
}
