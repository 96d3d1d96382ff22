package funcs

import (
	"strings"
	"unicode/utf8"

	"github.com/socfeed/socfeed/kql/types"
)

// Punycode (RFC 3492) as the punycode_* functions use it: the text is encoded as it is,
// without IDNA case folding, so "Gáe" encodes to "Ge-mia".

const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// pcEncode encodes s; ok is false when s is not valid UTF-8 or overflows.
func pcEncode(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := pcInitialN, 0, pcInitialBias
	for h < len(runes) {
		m := int(^uint(0) >> 1)
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m-n)*(h+1) < 0 || delta+(m-n)*(h+1) < delta {
			return "", false
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := pcBase; ; k += pcBase {
					t := k - bias
					if t < pcTMin {
						t = pcTMin
					} else if t > pcTMax {
						t = pcTMax
					}
					if q < t {
						break
					}
					out = append(out, pcDigit(t+(q-t)%(pcBase-t)))
					q = (q - t) / (pcBase - t)
				}
				out = append(out, pcDigit(q))
				bias = pcAdapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out), true
}

// pcDecode decodes a punycode string; ok is false when it is not valid.
func pcDecode(s string) (string, bool) {
	var out []rune
	b := strings.LastIndexByte(s, '-')
	if b > 0 {
		for i := 0; i < b; i++ {
			if s[i] >= 0x80 {
				return "", false
			}
			out = append(out, rune(s[i]))
		}
		b++
	} else {
		b = 0
	}
	n, i, bias := pcInitialN, 0, pcInitialBias
	for in := b; in < len(s); {
		oldi, w := i, 1
		for k := pcBase; ; k += pcBase {
			if in >= len(s) {
				return "", false
			}
			c := s[in]
			in++
			var digit int
			switch {
			case c >= 'a' && c <= 'z':
				digit = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				digit = int(c - 'A')
			case c >= '0' && c <= '9':
				digit = int(c-'0') + 26
			default:
				return "", false
			}
			i += digit * w
			if i < 0 || i > 1<<30 {
				return "", false
			}
			t := k - bias
			if t < pcTMin {
				t = pcTMin
			} else if t > pcTMax {
				t = pcTMax
			}
			if digit < t {
				break
			}
			w *= pcBase - t
		}
		bias = pcAdapt(i-oldi, len(out)+1, oldi == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > utf8.MaxRune {
			return "", false
		}
		out = append(out[:i], append([]rune{rune(n)}, out[i:]...)...)
		i++
	}
	return string(out), true
}

// pcLabels splits a domain on the IDNA label separators (".", "。", "．", "｡").
func pcLabels(domain string) []string {
	return strings.FieldsFunc(domain, func(r rune) bool {
		return r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61'
	})
}

func pcIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func confPunyFrom(_ *Context, args []types.Value) types.Value {
	s, ok := pcEncode(text(args[0]))
	if !ok {
		return types.NewString("")
	}
	return types.NewString(s)
}

func confPunyTo(_ *Context, args []types.Value) types.Value {
	s, ok := pcDecode(text(args[0]))
	if !ok {
		return types.NewString("")
	}
	return types.NewString(s)
}

// confPunyDomainTo encodes every non-ASCII label of a domain as xn--<punycode>.
func confPunyDomainTo(_ *Context, args []types.Value) types.Value {
	labels := pcLabels(text(args[0]))
	for i, l := range labels {
		if pcIsASCII(l) {
			continue
		}
		e, ok := pcEncode(l)
		if !ok {
			return types.NewString("")
		}
		labels[i] = "xn--" + e
	}
	return types.NewString(strings.Join(labels, "."))
}

// confPunyDomainFrom decodes every xn-- label of a domain.
func confPunyDomainFrom(_ *Context, args []types.Value) types.Value {
	labels := pcLabels(text(args[0]))
	for i, l := range labels {
		if len(l) < 4 || !strings.EqualFold(l[:4], "xn--") {
			continue
		}
		d, ok := pcDecode(l[4:])
		if !ok {
			return types.NewString("")
		}
		labels[i] = d
	}
	return types.NewString(strings.Join(labels, "."))
}

// confPunycodeFuncs declares the punycode functions.
func confPunycodeFuncs() []*Func {
	return []*Func{
		{Name: "punycode_from_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("punycode_from_string", types.String, argString),
			Doc:    "the punycode encoding of a string", Scalar: confPunyFrom,
			Examples: []Example{ex(`punycode_from_string('académie-française')`, `acadmie-franaise-npb1a`)}},
		{Name: "punycode_to_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("punycode_to_string", types.String, argString),
			Doc:    "the string a punycode encoding stands for; empty when it is not valid", Scalar: confPunyTo,
			Examples: []Example{ex(`punycode_to_string('acadmie-franaise-npb1a')`, `académie-française`)}},
		{Name: "punycode_domain_to_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("punycode_domain_to_string", types.String, argString),
			Doc:    "a domain name with its non-ASCII labels punycode-encoded (xn--)", Scalar: confPunyDomainTo,
			Examples: []Example{ex(`punycode_domain_to_string('Riðill｡Skáldskaparmál｡org')`, `xn--Riill-jta.xn--Skldskaparml-dbbj.org`)}},
		{Name: "punycode_domain_from_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("punycode_domain_from_string", types.String, argString),
			Doc:    "a domain name with its xn-- labels decoded", Scalar: confPunyDomainFrom,
			Examples: []Example{ex(`punycode_domain_from_string('xn--Ge-mia.Bulg.edu')`, `Gáe.Bulg.edu`)}},
	}
}
