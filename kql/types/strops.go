package types

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The string operators below are called per row in hot loops: they never allocate, take an
// ASCII fast path, and fall back to Unicode simple case folding for other text. caseSensitive
// selects the `_cs` variant of each operator.

// EqualFold reports whether a and b are equal ignoring case (the =~ operator).
func EqualFold(a, b string) bool { return strings.EqualFold(a, b) }

// Contains reports whether needle occurs in haystack (the contains and contains_cs
// operators). An empty needle is contained in every string.
func Contains(haystack, needle string, caseSensitive bool) bool {
	if caseSensitive {
		return strings.Contains(haystack, needle)
	}
	_, _, ok := IndexFold(haystack, needle, 0)
	return ok
}

// StartsWith reports whether haystack begins with needle (startswith, startswith_cs).
func StartsWith(haystack, needle string, caseSensitive bool) bool {
	if caseSensitive {
		return strings.HasPrefix(haystack, needle)
	}
	_, ok := matchFoldAt(haystack, 0, needle)
	return ok
}

// EndsWith reports whether haystack ends with needle (endswith, endswith_cs).
func EndsWith(haystack, needle string, caseSensitive bool) bool {
	if caseSensitive {
		return strings.HasSuffix(haystack, needle)
	}
	i, j := len(haystack), len(needle)
	for j > 0 {
		if i == 0 {
			return false
		}
		a, b := haystack[i-1], needle[j-1]
		if a < utf8.RuneSelf && b < utf8.RuneSelf {
			if a != b && asciiLower(a) != asciiLower(b) {
				return false
			}
			i--
			j--
			continue
		}
		ra, sa := utf8.DecodeLastRuneInString(haystack[:i])
		rb, sb := utf8.DecodeLastRuneInString(needle[:j])
		if !runeEqualFold(ra, rb) {
			return false
		}
		i -= sa
		j -= sb
	}
	return true
}

// IndexFold finds the first occurrence of needle in haystack at or after byte offset from,
// ignoring case, and returns its byte range. (The range can differ in length from needle
// when case folding changes a character's UTF-8 length, as with the Kelvin sign.)
func IndexFold(haystack, needle string, from int) (start, end int, ok bool) {
	if needle == "" {
		return from, from, from <= len(haystack)
	}
	first := needle[0]
	if first < utf8.RuneSelf {
		lf := asciiLower(first)
		// Non-ASCII text folds to an ASCII letter only for k (Kelvin sign) and s (long s).
		foldsFromNonASCII := lf == 'k' || lf == 's'
		for i := from; i < len(haystack); i++ {
			c := haystack[i]
			if c < utf8.RuneSelf {
				if c != first && asciiLower(c) != lf {
					continue
				}
			} else if !foldsFromNonASCII || c < 0xC0 {
				continue
			}
			if e, ok := matchFoldAt(haystack, i, needle); ok {
				return i, e, true
			}
		}
		return 0, 0, false
	}
	for i := from; i < len(haystack); {
		if e, ok := matchFoldAt(haystack, i, needle); ok {
			return i, e, true
		}
		if haystack[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRuneInString(haystack[i:])
			i += size
		}
	}
	return 0, 0, false
}

// matchFoldAt reports whether haystack[i:] begins with needle ignoring case, and where the
// match ends.
func matchFoldAt(h string, i int, n string) (end int, ok bool) {
	j := 0
	for j < len(n) {
		if i >= len(h) {
			return 0, false
		}
		a, b := h[i], n[j]
		if a < utf8.RuneSelf && b < utf8.RuneSelf {
			if a != b && asciiLower(a) != asciiLower(b) {
				return 0, false
			}
			i++
			j++
			continue
		}
		ra, sa := utf8.DecodeRuneInString(h[i:])
		rb, sb := utf8.DecodeRuneInString(n[j:])
		if !runeEqualFold(ra, rb) {
			return 0, false
		}
		i += sa
		j += sb
	}
	return i, true
}

func runeEqualFold(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// IsTermRune reports whether r belongs to a term: terms are maximal runs of letters and
// digits.
func IsTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return dtDigit(c) || dtLetter(c)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func termBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return IsTermRune(r)
}

func termAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return IsTermRune(r)
}

// Has reports whether term occurs in haystack as whole terms (has, has_cs): the match must
// not continue a run of letters and digits on either side. A needle made of several terms
// (`ad67d136-c1db`) matches the same sequence aligned to term boundaries; a needle that
// begins or ends with a separator needs no boundary on that side.
func Has(haystack, term string, caseSensitive bool) bool {
	return hasAligned(haystack, term, caseSensitive, true, true)
}

// HasPrefix reports whether some term of haystack begins with term (hasprefix,
// hasprefix_cs).
func HasPrefix(haystack, term string, caseSensitive bool) bool {
	return hasAligned(haystack, term, caseSensitive, true, false)
}

// HasSuffix reports whether some term of haystack ends with term (hassuffix, hassuffix_cs).
func HasSuffix(haystack, term string, caseSensitive bool) bool {
	return hasAligned(haystack, term, caseSensitive, false, true)
}

func hasAligned(h, n string, cs, left, right bool) bool {
	if n == "" {
		return true
	}
	// A side of the needle that is not a term character is aligned wherever it lands.
	left = left && termAt(n, 0)
	right = right && termBefore(n, len(n))
	for from := 0; from <= len(h); {
		var start, end int
		if cs {
			k := strings.Index(h[from:], n)
			if k < 0 {
				return false
			}
			start, end = from+k, from+k+len(n)
		} else {
			var ok bool
			if start, end, ok = IndexFold(h, n, from); !ok {
				return false
			}
		}
		if (!left || !termBefore(h, start)) && (!right || !termAt(h, end)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(h[start:])
		from = start + max(size, 1)
	}
	return false
}
