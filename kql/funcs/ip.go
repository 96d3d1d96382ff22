package funcs

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// ipFuncs declares the IPv4 and IPv6 functions. Addresses are strings with an optional
// `/prefix`; a comparison uses the smallest prefix among both sides and the explicit
// prefix argument.
func ipFuncs() []*Func {
	b, l, s := types.Bool, types.Long, types.String
	return []*Func{
		{
			Name: "ipv4_is_private", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("ipv4_is_private", b, argString),
			Doc:    "reports whether the IPv4 address (or prefix) is in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
			Examples: []Example{
				ex(`ipv4_is_private('10.1.2.3')`, "true"),
				ex(`ipv4_is_private('192.168.1.1/24')`, "true"),
				ex(`ipv4_is_private('127.0.0.1')`, "false"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				ip, ok := parseIPv4Prefix(text(args[0]))
				if !ok {
					return types.NullOf(b)
				}
				for _, r := range [...]ipv4Net{{10 << 24, 8}, {172<<24 | 16<<16, 12}, {192<<24 | 168<<16, 16}} {
					if ip.bits >= r.bits && ip.addr&mask4(r.bits) == r.addr {
						return types.NewBool(true)
					}
				}
				return types.NewBool(false)
			},
		},
		{
			Name: "ipv4_compare", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("ipv4_compare", l, argString, argString, argInteger),
			Doc:    "compares two IPv4 addresses: -1, 0 or 1; null when either does not parse",
			Examples: []Example{
				ex(`ipv4_compare('192.168.1.1', '192.168.1.0', 31)`, "0"),
				ex(`ipv4_compare('192.168.1.1/24', '192.168.1.255', 31)`, "0"),
				ex(`ipv4_compare('192.168.1.1', '192.168.1.255', 24)`, "0"),
				ex(`ipv4_compare('192.168.1.1', '192.168.1.255')`, "-1"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				c, ok := compareIPv4(args)
				if !ok {
					return types.NullOf(l)
				}
				return types.NewLong(int64(c))
			},
		},
		{
			Name: "ipv4_is_match", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("ipv4_is_match", b, argString, argString, argInteger),
			Doc:    "reports whether two IPv4 addresses match under the smallest prefix; null when either does not parse",
			Examples: []Example{
				ex(`ipv4_is_match('192.168.1.0', '192.168.1.0')`, "true"),
				ex(`ipv4_is_match('192.168.1.1/24', '192.168.1.255')`, "true"),
				ex(`ipv4_is_match('192.168.1.1', '192.168.1.255/24')`, "true"),
				ex(`ipv4_is_match('192.168.1.1/30', '192.168.1.255/24')`, "true"),
				ex(`ipv4_is_match('192.168.1.1', '192.168.1.0', 31)`, "true"),
				ex(`ipv4_is_match('192.168.1.1/24', '192.168.1.255', 31)`, "true"),
				ex(`ipv4_is_match('192.168.1.1', '192.168.1.255', 24)`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				c, ok := compareIPv4(args)
				if !ok {
					return types.NullOf(b)
				}
				return types.NewBool(c == 0)
			},
		},
		{
			Name: "ipv4_is_in_range", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("ipv4_is_in_range", b, argString),
			Doc:    "reports whether the IPv4 address is in the range given as an address with a prefix",
			Examples: []Example{
				ex(`ipv4_is_in_range('192.168.1.1', '192.168.1.1')`, "true"),
				ex(`ipv4_is_in_range('192.168.1.1', '192.168.1.255/24')`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				r, ok := ipv4InRange(text(args[0]), text(args[1]))
				if !ok {
					return types.NullOf(b)
				}
				return types.NewBool(r)
			},
		},
		{
			Name: "ipv4_is_in_any_range", Kind: Scalar, MinArgs: 2, MaxArgs: -1,
			Result: returns("ipv4_is_in_any_range", b, argString, argAny),
			Doc:    "reports whether the IPv4 address is in any of the ranges (given as arguments or a dynamic array)",
			Examples: []Example{
				ex(`ipv4_is_in_any_range('192.168.1.6', '192.168.1.1/24', '10.0.0.1/8', '127.1.0.1/16')`, "true"),
				ex(`ipv4_is_in_any_range("127.0.0.1", dynamic(["127.0.0.1", "192.168.1.1"]))`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return anyRange(text(args[0]), args[1:], ipv4InRange)
			},
		},
		{
			Name: "parse_ipv4", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("parse_ipv4", l, argString),
			Doc:    "converts an IPv4 address (with an optional prefix, which masks it) to a long; null when it does not parse",
			Examples: []Example{
				ex(`parse_ipv4('192.168.1.1')`, "3232235777"),
				ex(`parse_ipv4('192.168.1.1/24')`, "3232235776"),
				ex(`parse_ipv4('255.255.255.255/31')`, "4294967294"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				ip, ok := parseIPv4Prefix(text(args[0]))
				if !ok {
					return types.NullOf(l)
				}
				return types.NewLong(int64(ip.addr & mask4(ip.bits)))
			},
		},
		{
			Name: "parse_ipv4_mask", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("parse_ipv4_mask", l, argString, argInteger),
			Doc:    "converts an IPv4 address masked by a prefix length to a long",
			Examples: []Example{
				ex(`parse_ipv4_mask('127.2.3.4', 24)`, "2130838272"),
				ex(`parse_ipv4_mask('192.1.168.2/16', 24)`, "3221291008"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				ip, ok := parseIPv4Prefix(text(args[0]))
				p, ok2 := asLong(args[1])
				if !ok || !ok2 || p < 0 || p > 32 {
					return types.NullOf(l)
				}
				return types.NewLong(int64(ip.addr & mask4(min(ip.bits, int(p)))))
			},
		},
		{
			Name: "format_ipv4", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("format_ipv4", s, argAny, argInteger),
			Doc:    "formats an IPv4 address (a string or a long) masked by an optional prefix length as dotted text; empty when invalid",
			Examples: []Example{
				ex(`format_ipv4('192.168.1.1', 24)`, "192.168.1.0"),
				ex(`format_ipv4('192.168.1.1', 32)`, "192.168.1.1"),
				ex(`format_ipv4('192.168.1.1/24', 32)`, "192.168.1.0"),
				ex(`format_ipv4('192.168.1.1/24', -1)`, ""),
				ex(`format_ipv4(3232236031)`, "192.168.1.255"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				ip, ok := ipv4Arg(args)
				if !ok {
					return types.NewString("")
				}
				return types.NewString(formatIPv4(ip.addr & mask4(ip.bits)))
			},
		},
		{
			Name: "format_ipv4_mask", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("format_ipv4_mask", s, argAny, argInteger),
			Doc:    "formats an IPv4 address (a string or a long) masked by an optional prefix length as CIDR text; empty when invalid",
			Examples: []Example{
				ex(`format_ipv4_mask('192.168.1.1', 24)`, "192.168.1.0/24"),
				ex(`format_ipv4_mask('192.168.1.1', 32)`, "192.168.1.1/32"),
				ex(`format_ipv4_mask('192.168.1.1/24', 32)`, "192.168.1.0/24"),
				ex(`format_ipv4_mask('192.168.1.1/24', -1)`, ""),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				ip, ok := ipv4Arg(args)
				if !ok {
					return types.NewString("")
				}
				return types.NewString(formatIPv4(ip.addr&mask4(ip.bits)) + "/" + strconv.Itoa(ip.bits))
			},
		},
		{
			Name: "parse_ipv6", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("parse_ipv6", s, argString),
			Doc:    "converts an IPv6 or IPv4 address (with an optional prefix, which masks it) to canonical full IPv6 text; empty when it does not parse",
			Examples: []Example{
				ex(`parse_ipv6('192.168.255.255')`, "0000:0000:0000:0000:0000:ffff:c0a8:ffff"),
				ex(`parse_ipv6('192.168.255.255/24')`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"),
				ex(`parse_ipv6('255.255.255.255')`, "0000:0000:0000:0000:0000:ffff:ffff:ffff"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				ip, ok := parseIPv6Prefix(text(args[0]))
				if !ok {
					return types.NewString("")
				}
				return types.NewString(formatIPv6Full(ip.masked(ip.bits)))
			},
		},
		{
			Name: "parse_ipv6_mask", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("parse_ipv6_mask", s, argString, argInteger),
			Doc:    "converts an IPv6 or IPv4 address masked by a 128-bit prefix length to canonical full IPv6 text",
			Examples: []Example{
				ex(`parse_ipv6_mask('192.168.255.255', 120)`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"),
				ex(`parse_ipv6_mask('192.168.255.255/24', 124)`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"),
				ex(`parse_ipv6_mask('255.255.255.255', 128)`, "0000:0000:0000:0000:0000:ffff:ffff:ffff"),
				ex(`parse_ipv6_mask('fe80::85d:e82c:9446:7994', 128)`, "fe80:0000:0000:0000:085d:e82c:9446:7994"),
				ex(`parse_ipv6_mask('fe80::85d:e82c:9446:7994/120', 124)`, "fe80:0000:0000:0000:085d:e82c:9446:7900"),
				ex(`parse_ipv6_mask('::192.168.255.255', 128)`, "0000:0000:0000:0000:0000:ffff:c0a8:ffff"),
				ex(`parse_ipv6_mask('::192.168.255.255/24', 128)`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				ip, ok := parseIPv6Prefix(text(args[0]))
				p, ok2 := asLong(args[1])
				if !ok || !ok2 || p < 0 || p > 128 {
					return types.NewString("")
				}
				return types.NewString(formatIPv6Full(ip.masked(min(ip.bits, int(p)))))
			},
		},
		{
			Name: "ipv6_compare", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("ipv6_compare", l, argString, argString, argInteger),
			Doc:    "compares two IPv6 or IPv4 addresses: -1, 0 or 1; null when either does not parse",
			Examples: []Example{
				ex(`ipv6_compare('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127)`, "0"),
				ex(`ipv6_compare('fe80::85d:e82c:9446:7994/127', 'fe80::85d:e82c:9446:7998', 120)`, "0"),
				ex(`ipv6_compare('192.168.1.1/24', '::ffff:c0a8:01ff', 127)`, "0"),
				ex(`ipv6_compare('::192.168.1.1/30', '192.168.1.255/24', 127)`, "0"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				c, ok := compareIPv6(args)
				if !ok {
					return types.NullOf(l)
				}
				return types.NewLong(int64(c))
			},
		},
		{
			Name: "ipv6_is_match", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("ipv6_is_match", b, argString, argString, argInteger),
			Doc:    "reports whether two IPv6 or IPv4 addresses match under the smallest prefix",
			Examples: []Example{
				ex(`ipv6_is_match('192.168.1.1/24', '192.168.1.255')`, "true"),
				ex(`ipv6_is_match('fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998')`, "true"),
				ex(`ipv6_is_match('192.168.1.1', '::ffff:c0a8:0101')`, "true"),
				ex(`ipv6_is_match('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127)`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				c, ok := compareIPv6(args)
				if !ok {
					return types.NullOf(b)
				}
				return types.NewBool(c == 0)
			},
		},
		{
			Name: "ipv6_is_in_range", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("ipv6_is_in_range", b, argString),
			Doc:    "reports whether the IPv6 or IPv4 address is in the range given as an address with a prefix",
			Examples: []Example{
				ex(`ipv6_is_in_range('a5e:f127:8a9d:146d:e102:b5d3:c755:abcd', 'a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112')`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				r, ok := ipv6InRange(text(args[0]), text(args[1]))
				if !ok {
					return types.NullOf(b)
				}
				return types.NewBool(r)
			},
		},
		{
			Name: "ipv6_is_in_any_range", Kind: Scalar, MinArgs: 2, MaxArgs: -1,
			Result: returns("ipv6_is_in_any_range", b, argString, argAny),
			Doc:    "reports whether the IPv6 or IPv4 address is in any of the ranges (given as arguments or a dynamic array)",
			Examples: []Example{
				ex(`ipv6_is_in_any_range('a5e:f127:8a9d:146d:e102:b5d3:c755:abcd', dynamic(["a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "0:0:0:0:0:ffff:c0a8:ac/60"]))`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return anyRange(text(args[0]), args[1:], ipv6InRange)
			},
		},
		{
			Name: "has_ipv4", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("has_ipv4", b, argString),
			Doc:    "reports whether the text contains the IPv4 address as a whole address (not part of a longer run of digits, letters or dots)",
			Examples: []Example{
				ex(`has_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1')`, "true"),
				ex(`has_ipv4('05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.0.256')`, "false"),
				ex(`has_ipv4('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.0.1')`, "false"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewBool(hasIPv4(text(args[0]), text(args[1]), false))
			},
		},
		{
			Name: "has_ipv4_prefix", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("has_ipv4_prefix", b, argString),
			Doc:    "reports whether the text contains an IPv4 address that starts with the prefix (a whole address, or 1 to 3 octets ending in a dot)",
			Examples: []Example{
				ex(`has_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.')`, "true"),
				ex(`has_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0')`, "false"),
				ex(`has_ipv4_prefix('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.')`, "false"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewBool(hasIPv4(text(args[0]), text(args[1]), true))
			},
		},
		{
			Name: "has_any_ipv4", Kind: Scalar, MinArgs: 2, MaxArgs: -1,
			Result: returns("has_any_ipv4", b, argString, argAny),
			Doc:    "reports whether the text contains any of the IPv4 addresses (given as arguments or a dynamic array)",
			Examples: []Example{
				ex(`has_any_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', dynamic(['127.0.0.1', '127.0.0.2']))`, "true"),
				ex(`has_any_ipv4('05:04:54 127.0.0.256 GET /favicon.ico 404', dynamic(["127.0.0.256", "192.168.1.1"]))`, "false"),
				ex(`has_any_ipv4('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.0.1', '192.168.1.1')`, "false"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				src := text(args[0])
				return types.NewBool(anyListed(args[1:], func(ip string) bool { return hasIPv4(src, ip, false) }))
			},
		},
		{
			Name: "has_any_ipv4_prefix", Kind: Scalar, MinArgs: 2, MaxArgs: -1,
			Result: returns("has_any_ipv4_prefix", b, argString, argAny),
			Doc:    "reports whether the text contains an IPv4 address starting with any of the prefixes (given as arguments or a dynamic array)",
			Examples: []Example{
				ex(`has_any_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0')`, "false"),
				ex(`has_any_ipv4_prefix('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.', '192.')`, "false"),
				ex(`has_any_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', dynamic(['127.0.', '192.']))`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				src := text(args[0])
				return types.NewBool(anyListed(args[1:], func(p string) bool { return hasIPv4(src, p, true) }))
			},
		},
	}
}

// ipv4Net is an IPv4 address with a prefix length.
type ipv4Net struct {
	addr uint32
	bits int
}

func mask4(bits int) uint32 {
	if bits <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - bits)
}

// parseIPv4 parses strict dotted-decimal a.b.c.d.
func parseIPv4(s string) (uint32, bool) {
	var addr uint32
	for i := 0; i < 4; i++ {
		if i > 0 {
			if s == "" || s[0] != '.' {
				return 0, false
			}
			s = s[1:]
		}
		n, digits := 0, 0
		for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
			n = n*10 + int(s[digits]-'0')
			digits++
			if digits > 3 {
				return 0, false
			}
		}
		if digits == 0 || n > 255 {
			return 0, false
		}
		s = s[digits:]
		addr = addr<<8 | uint32(n)
	}
	return addr, s == ""
}

// parseIPv4Prefix parses `a.b.c.d[/n]`.
func parseIPv4Prefix(s string) (ipv4Net, bool) {
	s = strings.TrimSpace(s)
	addrText, bitsText, hasBits := strings.Cut(s, "/")
	addr, ok := parseIPv4(addrText)
	if !ok {
		return ipv4Net{}, false
	}
	bits := 32
	if hasBits {
		n, err := strconv.Atoi(bitsText)
		if err != nil || n < 0 || n > 32 {
			return ipv4Net{}, false
		}
		bits = n
	}
	return ipv4Net{addr, bits}, true
}

// ipv4Arg reads format_ipv4's address (a string or a long) and optional prefix.
func ipv4Arg(args []types.Value) (ipv4Net, bool) {
	var ip ipv4Net
	v := args[0]
	switch {
	case v.IsNull():
		return ip, false
	case v.Type.IsInteger():
		if v.I < 0 || v.I > 0xFFFFFFFF {
			return ip, false
		}
		ip = ipv4Net{uint32(v.I), 32}
	default:
		var ok bool
		if ip, ok = parseIPv4Prefix(text(v)); !ok {
			return ip, false
		}
	}
	if len(args) > 1 {
		p, ok := asLong(args[1])
		if !ok || p < 0 || p > 32 {
			return ip, false
		}
		ip.bits = min(ip.bits, int(p))
	}
	return ip, true
}

func formatIPv4(a uint32) string {
	return fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&0xFF, a>>8&0xFF, a&0xFF)
}

// compareIPv4 compares args[0] and args[1] under the smallest prefix.
func compareIPv4(args []types.Value) (int, bool) {
	a, ok1 := parseIPv4Prefix(text(args[0]))
	b, ok2 := parseIPv4Prefix(text(args[1]))
	if !ok1 || !ok2 {
		return 0, false
	}
	bits := min(a.bits, b.bits)
	if len(args) > 2 {
		p, ok := asLong(args[2])
		if !ok || p < 0 || p > 32 {
			return 0, false
		}
		bits = min(bits, int(p))
	}
	x, y := a.addr&mask4(bits), b.addr&mask4(bits)
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

func ipv4InRange(ipText, rangeText string) (bool, bool) {
	ip, ok1 := parseIPv4Prefix(ipText)
	r, ok2 := parseIPv4Prefix(rangeText)
	if !ok1 || !ok2 {
		return false, false
	}
	return ip.bits >= r.bits && ip.addr&mask4(r.bits) == r.addr&mask4(r.bits), true
}

// anyListed calls f on each string listed in args: plain arguments or dynamic arrays.
func anyListed(args []types.Value, f func(string) bool) bool {
	found := false
	for _, a := range args {
		if a.Type == types.Dynamic && types.JSON(a.S).Kind() == types.JSONArray {
			types.JSON(a.S).Each(func(e types.JSON) bool {
				found = f(types.DynamicString(types.DynamicElem(e)))
				return !found
			})
		} else if !a.IsNull() {
			found = f(text(a))
		}
		if found {
			return true
		}
	}
	return false
}

// anyRange implements ipv*_is_in_any_range: null when the address does not parse.
func anyRange(ip string, ranges []types.Value, inRange func(ip, r string) (bool, bool)) types.Value {
	if _, ok := inRange(ip, ip); !ok {
		return types.NullOf(types.Bool)
	}
	return types.NewBool(anyListed(ranges, func(r string) bool {
		in, ok := inRange(ip, r)
		return ok && in
	}))
}

func isIPRunByte(c byte) bool {
	return c == '.' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// hasIPv4 reports whether src holds ip (or, with prefix, an address starting with ip) as an
// address that is not part of a longer run of letters, digits and dots.
func hasIPv4(src, ip string, prefix bool) bool {
	if prefix {
		if !validIPv4Prefix(ip) {
			return false
		}
	} else if _, ok := parseIPv4(ip); !ok {
		return false
	}
	for from := 0; from < len(src); {
		i := strings.Index(src[from:], ip)
		if i < 0 {
			return false
		}
		start := from + i
		from = start + 1
		if start > 0 && isIPRunByte(src[start-1]) {
			continue
		}
		end := start
		for end < len(src) && isIPRunByte(src[end]) {
			end++
		}
		if _, ok := parseIPv4(src[start:end]); !ok {
			continue
		}
		if prefix || end == start+len(ip) {
			return true
		}
	}
	return false
}

// validIPv4Prefix accepts a whole address or one to three octets each followed by a dot.
func validIPv4Prefix(p string) bool {
	if _, ok := parseIPv4(p); ok {
		return true
	}
	if !strings.HasSuffix(p, ".") {
		return false
	}
	parts := strings.Split(strings.TrimSuffix(p, "."), ".")
	if len(parts) > 3 {
		return false
	}
	for _, part := range parts {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 || n > 255 || len(part) > 3 {
			return false
		}
	}
	return true
}

// ipv6Net is a 128-bit address with a prefix length; IPv4 addresses are IPv4-mapped
// (::ffff:a.b.c.d) and their prefixes count from bit 96.
type ipv6Net struct {
	addr [16]byte
	bits int
}

func (n ipv6Net) masked(bits int) [16]byte {
	a := n.addr
	for i := range a {
		switch keep := bits - i*8; {
		case keep >= 8:
		case keep <= 0:
			a[i] = 0
		default:
			a[i] &= byte(0xFF << (8 - keep))
		}
	}
	return a
}

func parseIPv6Prefix(s string) (ipv6Net, bool) {
	s = strings.TrimSpace(s)
	addrText, bitsText, hasBits := strings.Cut(s, "/")
	dotted := strings.Contains(addrText, ".")
	a, err := netip.ParseAddr(addrText)
	if err != nil || a.Zone() != "" {
		return ipv6Net{}, false
	}
	var n ipv6Net
	n.addr = a.As16() // an IPv4 address comes out IPv4-mapped
	if dotted && binary.BigEndian.Uint64(n.addr[:8]) == 0 && binary.BigEndian.Uint32(n.addr[8:12]) == 0 {
		// ::a.b.c.d is read as the IPv4 address a.b.c.d.
		n.addr[10], n.addr[11] = 0xFF, 0xFF
	}
	n.bits = 128
	if hasBits {
		p, err := strconv.Atoi(bitsText)
		if err != nil || p < 0 {
			return ipv6Net{}, false
		}
		switch {
		case dotted && p <= 32:
			p += 96
		case p > 128:
			return ipv6Net{}, false
		}
		n.bits = p
	}
	return n, true
}

func formatIPv6Full(a [16]byte) string {
	var b strings.Builder
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02x%02x", a[i], a[i+1])
	}
	return b.String()
}

func compareIPv6(args []types.Value) (int, bool) {
	a, ok1 := parseIPv6Prefix(text(args[0]))
	b, ok2 := parseIPv6Prefix(text(args[1]))
	if !ok1 || !ok2 {
		return 0, false
	}
	bits := min(a.bits, b.bits)
	if len(args) > 2 {
		p, ok := asLong(args[2])
		if !ok || p < 0 || p > 128 {
			return 0, false
		}
		bits = min(bits, int(p))
	}
	x, y := a.masked(bits), b.masked(bits)
	return strings.Compare(string(x[:]), string(y[:])), true
}

func ipv6InRange(ipText, rangeText string) (bool, bool) {
	ip, ok1 := parseIPv6Prefix(ipText)
	r, ok2 := parseIPv6Prefix(rangeText)
	if !ok1 || !ok2 {
		return false, false
	}
	return ip.bits >= r.bits && ip.masked(r.bits) == r.masked(r.bits), true
}
