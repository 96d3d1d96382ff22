package kqltest

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// The comparisons parse both sides with their own strict parsers, not the engine's, so that
// a parsing bug in an engine cannot make a wrong value look right.

// cellEqual reports whether the expected cell want equals the result cell got in a column of
// type typ.
func cellEqual(typ, want, got string) bool {
	if typ == "string" {
		return want == got
	}
	want, got = strings.TrimSpace(want), strings.TrimSpace(got)
	if want == "" || got == "" {
		return want == got
	}
	switch typ {
	case "int", "long":
		w, err1 := strconv.ParseInt(want, 10, 64)
		g, err2 := strconv.ParseInt(got, 10, 64)
		return err1 == nil && err2 == nil && w == g
	case "real":
		w, ok1 := parseReal(want)
		g, ok2 := parseReal(got)
		return ok1 && ok2 && realEqual(w, g)
	case "decimal":
		w, ok1 := new(big.Rat).SetString(want)
		g, ok2 := new(big.Rat).SetString(got)
		return ok1 && ok2 && w.Cmp(g) == 0
	case "bool":
		return strings.EqualFold(want, got)
	case "guid":
		return strings.EqualFold(strings.Trim(want, "{}"), strings.Trim(got, "{}"))
	case "datetime":
		w, ok1 := parseDateTime(want)
		g, ok2 := parseDateTime(got)
		return ok1 && ok2 && w == g
	case "timespan":
		w, ok1 := parseTimeSpan(want)
		g, ok2 := parseTimeSpan(got)
		return ok1 && ok2 && w == g
	case "dynamic":
		return jsonEqual(want, got)
	}
	return want == got
}

func parseReal(s string) (float64, bool) {
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "infinity", "+infinity", "inf", "+inf":
		return math.Inf(1), true
	case "-infinity", "-inf":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func realEqual(w, g float64) bool {
	switch {
	case math.IsNaN(w) || math.IsNaN(g):
		return math.IsNaN(w) && math.IsNaN(g)
	case math.IsInf(w, 0) || math.IsInf(g, 0):
		return w == g
	case w == g:
		return true
	}
	return math.Abs(w-g) <= 1e-9*math.Max(math.Abs(w), math.Abs(g))
}

// parseDateTime parses ISO 8601 UTC text with up to 7 fraction digits into 100 ns ticks;
// a missing zone means UTC.
func parseDateTime(s string) (int64, bool) {
	if !strings.HasSuffix(s, "Z") && !strings.ContainsAny(s[min(len(s), 19):], "+-") {
		s += "Z"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse("2006-01-02T15:04Z07:00", s)
		if err != nil {
			return 0, false
		}
	}
	if t.Nanosecond()%100 != 0 {
		return 0, false
	}
	return t.Unix()*10_000_000 + int64(t.Nanosecond()/100), true
}

// parseTimeSpan parses `[-][d.]hh:mm:ss[.fffffff]` into 100 ns ticks.
func parseTimeSpan(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var days int64
	if dot, colon := strings.IndexByte(s, '.'), strings.IndexByte(s, ':'); dot >= 0 && dot < colon {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil {
			return 0, false
		}
		days, s = d, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	sec, frac, _ := strings.Cut(parts[2], ".")
	secs, err3 := strconv.ParseInt(sec, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || h > 23 || m > 59 || secs > 59 || len(frac) > 7 {
		return 0, false
	}
	var f int64
	if frac != "" {
		v, err := strconv.ParseInt((frac + "0000000")[:7], 10, 64)
		if err != nil {
			return 0, false
		}
		f = v
	}
	t := ((days*24+h)*60+m)*60*10_000_000 + secs*10_000_000 + f
	if neg {
		t = -t
	}
	return t, true
}

// jsonEqual compares two JSON texts structurally; numbers compare by value.
func jsonEqual(want, got string) bool {
	w, ok1 := decodeJSON(want)
	g, ok2 := decodeJSON(got)
	if !ok1 || !ok2 {
		return want == got
	}
	return jsonValueEqual(w, g)
}

func decodeJSON(s string) (any, bool) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if d.More() {
		return nil, false
	}
	return v, true
}

func jsonValueEqual(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !jsonValueEqual(av, bv) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !jsonValueEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return false
		}
		if ai, err := a.Int64(); err == nil {
			if bi, err := b.Int64(); err == nil {
				return ai == bi
			}
		}
		af, err1 := a.Float64()
		bf, err2 := b.Float64()
		return err1 == nil && err2 == nil && realEqual(af, bf)
	}
	return a == b
}
