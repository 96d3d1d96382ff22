package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses a Sentinel rule duration. It accepts the short form the rule YAML
// files use, an integer and a unit (`30s`, `5m`, `1h`, `1d`, `14d`), and the ISO 8601 form
// the Sentinel API uses (`PT1H`, `P1D`, `P1DT12H`, `PT5M30S`, `P2W`). Units are case
// sensitive in the short form, as in KQL timespan literals.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("expected a duration such as '5m', '1h', '1d' or 'PT1H', found empty text")
	}
	if s[0] == 'P' || s[0] == 'p' {
		return parseISODuration(s)
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) {
		return 0, fmt.Errorf("expected a duration such as '5m', '1h', '1d' or 'PT1H', found %q", s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || n > 1<<31 {
		return 0, fmt.Errorf("duration %q is out of range", s)
	}
	var unit time.Duration
	switch s[i:] {
	case "s":
		unit = time.Second
	case "m":
		unit = time.Minute
	case "h":
		unit = time.Hour
	case "d":
		unit = 24 * time.Hour
	default:
		u := s[i:]
		if j := i + 1; strings.ContainsRune("smhd", rune(s[i])) {
			rest := strings.TrimSpace(s[j:])
			if strings.HasPrefix(rest, "//") {
				return 0, fmt.Errorf("expected a duration such as '5m', '1h' or '1d', found %q: '//' starts no comment in YAML, use '#'", s)
			}
			return 0, fmt.Errorf("expected a duration such as '5m', '1h' or '1d', found %q with text after %q", s, s[:j])
		}
		if l := strings.ToLower(u); l == "s" || l == "m" || l == "h" || l == "d" {
			return 0, fmt.Errorf("expected a lower-case duration unit, found %q in %q", u, s)
		}
		return 0, fmt.Errorf("expected a duration unit 's', 'm', 'h' or 'd', found %q in %q", u, s)
	}
	return time.Duration(n) * unit, nil
}

// parseISODuration parses the ISO 8601 durations P[nW][nD][T[nH][nM][nS]] with integer
// amounts. Years and months have no fixed length and are rejected.
func parseISODuration(s string) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("expected an ISO 8601 duration such as 'PT1H' or 'P1D', found %q", s)
	}
	u := strings.ToUpper(s)
	if u != s || len(s) < 3 {
		return bad()
	}
	var total time.Duration
	inTime := false
	seen := ""
	i := 1
	for i < len(s) {
		if s[i] == 'T' {
			if inTime || i == len(s)-1 {
				return bad()
			}
			inTime = true
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j == len(s) {
			return bad()
		}
		n, err := strconv.ParseInt(s[i:j], 10, 64)
		if err != nil || n > 1<<31 {
			return 0, fmt.Errorf("duration %q is out of range", s)
		}
		designator := s[j]
		order := "WD"
		if inTime {
			order = "HMS"
		}
		k := strings.IndexByte(order, designator)
		if k < 0 || strings.ContainsRune(seen, rune(designator)) {
			if !inTime && (designator == 'Y' || designator == 'M') {
				return 0, fmt.Errorf("duration %q uses years or months, which have no fixed length", s)
			}
			return bad()
		}
		seen += string(designator)
		var unit time.Duration
		switch designator {
		case 'W':
			unit = 7 * 24 * time.Hour
		case 'D':
			unit = 24 * time.Hour
		case 'H':
			unit = time.Hour
		case 'M':
			unit = time.Minute
		case 'S':
			unit = time.Second
		}
		total += time.Duration(n) * unit
		i = j + 1
	}
	if seen == "" {
		return bad()
	}
	return total, nil
}

// FormatDuration prints d in the short form of rule files: the largest of d, h, m, s that
// divides it exactly (`1d`, `90m`).
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0m"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}
