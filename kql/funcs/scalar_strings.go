package funcs

import (
	"encoding/base64"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/socfeed/socfeed/kql/types"
)

// runeWindow converts a character start and length (Kusto counts characters, not bytes)
// into a byte range of s. A negative start counts from the end; a negative length means
// "to the end".
func runeWindow(s string, start, length int64) (from, to int, ok bool) {
	n := int64(utf8.RuneCountInString(s))
	if start < 0 {
		start = max(n+start, 0)
	}
	if start > n {
		return 0, 0, false
	}
	end := n
	if length >= 0 && start+length < n {
		end = start + length
	}
	return runeOffset(s, int(start)), runeOffset(s, int(end)), true
}

// runeOffset returns the byte offset of the i-th character of s.
func runeOffset(s string, i int) int {
	if i <= 0 {
		return 0
	}
	n := 0
	for off := range s {
		if n == i {
			return off
		}
		n++
	}
	return len(s)
}

func substring(_ *Context, args []types.Value) types.Value {
	s := text(args[0])
	start, ok := asLong(args[1])
	if !ok {
		return types.NewString("")
	}
	length := int64(-1)
	if len(args) > 2 {
		if length, ok = asLong(args[2]); !ok || length < 0 {
			return types.NewString("")
		}
	}
	from, to, ok := runeWindow(s, start, length)
	if !ok {
		return types.NewString("")
	}
	return types.NewString(s[from:to])
}

func trimKernel(rc *regexCache, start, end bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		pattern, s := text(args[0]), text(args[1])
		if pattern == "" {
			return types.NewString(s)
		}
		if start {
			re, err := rc.get(`\A(?:` + pattern + `)+`)
			if err != nil {
				return types.NewString(s)
			}
			if loc := re.FindStringIndex(s); loc != nil {
				s = s[loc[1]:]
			}
		}
		if end {
			re, err := rc.get(`(?:` + pattern + `)+\z`)
			if err != nil {
				return types.NewString(s)
			}
			// The leftmost match that reaches the end removes the longest trailing run.
			if loc := re.FindStringIndex(s); loc != nil {
				s = s[:loc[0]]
			}
		}
		return types.NewString(s)
	}
}

func replaceRegex(rc *regexCache, s, pattern, rewrite string) types.Value {
	re, err := rc.get(pattern)
	if err != nil {
		return types.NewString("")
	}
	return types.NewString(re.ReplaceAllString(s, kustoRewrite(rewrite)))
}

// extractResult types extract(): a string, or the type named by a 4th typeof(T) argument.
// The checker passes typeof(T) as an argument of type T.
func extractResult(args []types.Type) (types.Type, error) {
	if err := checkArgs("extract", args, []argKind{argString, argInteger, argText, argAny}); err != nil {
		return types.Unknown, err
	}
	if len(args) == 4 {
		return args[3], nil
	}
	return types.String, nil
}

func extract(rc *regexCache, args []types.Value) types.Value {
	target := types.String
	if len(args) == 4 {
		target = args[3].Type
	}
	re, err := rc.get(text(args[0]))
	group, ok := asLong(args[1])
	if err != nil || !ok || group < 0 || group > int64(re.NumSubexp()) {
		return types.NullOf(target)
	}
	s := text(args[2])
	m := re.FindStringSubmatchIndex(s)
	if m == nil || m[2*group] < 0 {
		return types.NullOf(target)
	}
	return types.Convert(types.NewString(s[m[2*group]:m[2*group+1]]), target)
}

func extractAll(rc *regexCache, args []types.Value) types.Value {
	re, err := rc.get(text(args[0]))
	if err != nil || re.NumSubexp() == 0 && len(args) == 3 {
		return types.NullOf(types.Dynamic)
	}
	s := text(args[len(args)-1])
	// Which groups to report: all of them (or the whole match when there are none), or the
	// ones listed by number or name.
	var groups []int
	if len(args) == 3 {
		sel := args[1]
		if sel.Type != types.Dynamic || sel.IsNull() {
			return types.NullOf(types.Dynamic)
		}
		bad := false
		types.JSON(sel.S).Each(func(e types.JSON) bool {
			v := types.DynamicScalar(e)
			switch v.Type {
			case types.Long:
				if v.I < 1 || v.I > int64(re.NumSubexp()) {
					bad = true
					return false
				}
				groups = append(groups, int(v.I))
			case types.String:
				i := re.SubexpIndex(v.S)
				if i < 0 {
					bad = true
					return false
				}
				groups = append(groups, i)
			default:
				bad = true
				return false
			}
			return true
		})
		if bad || len(groups) == 0 {
			return types.NullOf(types.Dynamic)
		}
	} else if re.NumSubexp() == 0 {
		groups = []int{0}
	} else {
		for i := 1; i <= re.NumSubexp(); i++ {
			groups = append(groups, i)
		}
	}
	matches := re.FindAllStringSubmatchIndex(s, -1)
	if len(matches) == 0 {
		return types.NullOf(types.Dynamic)
	}
	b := []byte{'['}
	for i, m := range matches {
		if i > 0 {
			b = append(b, ',')
		}
		if len(groups) > 1 {
			b = append(b, '[')
		}
		for j, g := range groups {
			if j > 0 {
				b = append(b, ',')
			}
			if m[2*g] < 0 {
				b = append(b, `""`...)
				continue
			}
			b = types.AppendJSONString(b, s[m[2*g]:m[2*g+1]])
		}
		if len(groups) > 1 {
			b = append(b, ']')
		}
	}
	return types.NewDynamic(string(append(b, ']')))
}

// searchArgs reads indexof's optional start, length and occurrence arguments.
func searchArgs(args []types.Value) (start, length, occurrence int64, ok bool) {
	start, length, occurrence = 0, -1, 1
	if len(args) > 2 {
		if start, ok = asLong(args[2]); !ok {
			return 0, 0, 0, false
		}
	}
	if len(args) > 3 {
		if length, ok = asLong(args[3]); !ok || length < -1 {
			return 0, 0, 0, false
		}
	}
	if len(args) > 4 {
		if occurrence, ok = asLong(args[4]); !ok || occurrence < 1 {
			return 0, 0, 0, false
		}
	}
	return start, length, occurrence, true
}

// nthIndex finds the n-th match in s. Each search looks in the window of length characters
// from its start; after a match the next search starts one character later, as Kusto does.
// find returns the byte offset of a match in its argument, or -1.
func nthIndex(s string, start, length, occurrence int64, find func(string) int) types.Value {
	for {
		from, to, ok := runeWindow(s, start, length)
		if !ok {
			return types.NewLong(-1)
		}
		i := find(s[from:to])
		if i < 0 {
			return types.NewLong(-1)
		}
		at := int64(utf8.RuneCountInString(s[:from+i]))
		if occurrence--; occurrence == 0 {
			return types.NewLong(at)
		}
		start = at + 1
	}
}

func indexOf(_ *Context, args []types.Value) types.Value {
	if anyNull(args[:2]) {
		return types.NullOf(types.Long)
	}
	start, length, occ, ok := searchArgs(args)
	if !ok {
		return types.NullOf(types.Long)
	}
	lookup := text(args[1])
	return nthIndex(text(args[0]), start, length, occ, func(w string) int { return strings.Index(w, lookup) })
}

func indexOfRegex(rc *regexCache, args []types.Value) types.Value {
	re, err := rc.get(text(args[1]))
	if err != nil {
		return types.NullOf(types.Long)
	}
	start, length, occ, ok := searchArgs(args)
	if !ok || start < 0 {
		// Unlike indexof, a negative start is invalid (indexof-regex-function.md).
		return types.NullOf(types.Long)
	}
	s := text(args[0])
	// Regex matches do not overlap: after a match, continue after its end.
	for {
		from, to, ok := runeWindow(s, start, length)
		if !ok {
			return types.NewLong(-1)
		}
		loc := re.FindStringIndex(s[from:to])
		if loc == nil {
			return types.NewLong(-1)
		}
		at := int64(utf8.RuneCountInString(s[:from+loc[0]]))
		if occ--; occ == 0 {
			return types.NewLong(at)
		}
		start = int64(utf8.RuneCountInString(s[:from+max(loc[1], loc[0]+1)]))
	}
}

func countOf(rc *regexCache, args []types.Value) types.Value {
	s, search := text(args[0]), text(args[1])
	kind := "normal"
	if len(args) > 2 {
		kind = text(args[2])
	}
	switch kind {
	case "normal":
		if search == "" {
			return types.NewLong(0)
		}
		n := 0
		for i := 0; ; {
			j := strings.Index(s[i:], search)
			if j < 0 {
				return types.NewLong(int64(n))
			}
			n++
			_, size := utf8.DecodeRuneInString(s[i+j:])
			i += j + size
		}
	case "regex":
		re, err := rc.get(search)
		if err != nil {
			return types.NullOf(types.Long)
		}
		return types.NewLong(int64(len(re.FindAllStringIndex(s, -1))))
	}
	return types.NullOf(types.Long)
}

func translate(_ *Context, args []types.Value) types.Value {
	from, to, s := []rune(text(args[0])), []rune(text(args[1])), text(args[2])
	var b strings.Builder
	for _, r := range s {
		i := -1
		for k, f := range from {
			if f == r {
				i = k
				break
			}
		}
		switch {
		case i < 0:
			b.WriteRune(r)
		case len(to) == 0:
			// deleted
		case i < len(to):
			b.WriteRune(to[i])
		default:
			b.WriteRune(to[len(to)-1])
		}
	}
	return types.NewString(b.String())
}

// urlEncode percent-encodes s with lower-case hex digits, as .NET's HttpUtility.UrlEncode
// does; letters, digits and -_.!*() are kept.
func urlEncode(s, space string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '!', c == '*', c == '(', c == ')':
			b.WriteByte(c)
		case c == ' ':
			b.WriteString(space)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// urlDecode decodes %XX escapes and '+' as space; malformed escapes stay as written.
func urlDecode(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

// decodeBase64 decodes base64 as Kusto (.NET's Convert.FromBase64String) does: the
// standard alphabet, padded to a multiple of four characters, white space ignored.
// Anything else is not base64 (the functions return null): base64-encode-fromarray-
// function.md shows an unpadded string decoding to nothing.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}

func codepointsToString(_ *Context, args []types.Value) types.Value {
	var b strings.Builder
	bad := false
	add := func(v types.Value) {
		n, ok := asLong(v)
		if !ok || n < 0 || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
			bad = true
			return
		}
		b.WriteRune(rune(n))
	}
	for _, a := range args {
		if a.IsNull() {
			return types.NewString("")
		}
		if a.Type == types.Dynamic && types.JSON(a.S).Kind() == types.JSONArray {
			types.JSON(a.S).Each(func(e types.JSON) bool {
				add(types.DynamicScalar(e))
				return !bad
			})
		} else {
			add(a)
		}
		if bad {
			return types.NewString("")
		}
	}
	return types.NewString(b.String())
}

func formatBytes(_ *Context, args []types.Value) types.Value {
	byteUnits := [...]string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}
	size, ok := asReal(args[0])
	if !ok || math.IsNaN(size) || math.IsInf(size, 0) {
		return types.NewString("")
	}
	precision := int64(0)
	if len(args) > 1 {
		if precision, ok = asLong(args[1]); !ok || precision < 0 || precision > 15 {
			precision = 0
		}
	}
	unit := -1
	if len(args) > 2 {
		want := text(args[2])
		for i, u := range byteUnits {
			if strings.EqualFold(u, want) {
				unit = i
			}
		}
	}
	if unit < 0 {
		unit = 0
		for a := math.Abs(size); a >= 1024 && unit < len(byteUnits)-1; a /= 1024 {
			unit++
		}
	}
	v := size / math.Pow(1024, float64(unit))
	return types.NewString(strconv.FormatFloat(roundHalfAway(v, int(precision)), 'f', -1, 64) + " " + byteUnits[unit])
}

// roundHalfAway rounds to digits decimal places, halves away from zero.
func roundHalfAway(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	r := math.Round(v*p) / p
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return v
	}
	return r
}

// dynObject writes a JSON object from alternating keys and already-encoded values.
type dynObject struct{ b []byte }

func (o *dynObject) str(key, val string) {
	o.raw(key, string(types.AppendJSONString(nil, val)))
}

func (o *dynObject) raw(key, val string) {
	if len(o.b) == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.b = types.AppendJSONString(o.b, key)
	o.b = append(o.b, ':')
	o.b = append(o.b, val...)
}

func (o *dynObject) value() types.Value {
	if len(o.b) == 0 {
		return types.NewDynamic("{}")
	}
	return types.NewDynamic(string(append(o.b, '}')))
}

// queryObject encodes a query string's parameters as a JSON object, in order.
func queryObject(q string) string {
	var o dynObject
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		o.str(urlUnescape(k), urlUnescape(v))
	}
	return string(o.value().S)
}

func urlUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func parseURL(s string) types.Value {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Host == "" && u.Opaque == "" {
		return types.NewDynamic("{}")
	}
	var o dynObject
	o.str("Scheme", u.Scheme)
	o.str("Host", u.Hostname())
	o.str("Port", u.Port())
	o.str("Path", u.EscapedPath())
	user, pass := "", ""
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	o.str("Username", user)
	o.str("Password", pass)
	o.raw("Query Parameters", queryObject(u.RawQuery))
	o.str("Fragment", u.Fragment)
	return o.value()
}

func parseURLQuery(s string) types.Value {
	s = strings.TrimPrefix(strings.TrimSpace(s), "?")
	var o dynObject
	o.raw("Query Parameters", queryObject(s))
	return o.value()
}

// uriScheme returns the scheme of a leading `scheme://`, and the rest of p.
func uriScheme(p string) (scheme, rest string) {
	i := strings.Index(p, "://")
	if i < 1 {
		return "", p
	}
	for k := 0; k < i; k++ {
		c := p[k]
		letter := 'a' <= c|0x20 && c|0x20 <= 'z'
		if !letter && (k == 0 || !('0' <= c && c <= '9' || c == '+' || c == '.' || c == '-')) {
			return "", p
		}
	}
	return p[:i], p[i+3:]
}

func parsePath(p string) types.Value {
	scheme, p := uriScheme(p)
	long := strings.HasPrefix(p, `\\?\`)
	if long {
		p = p[4:]
	}
	root := ""
	if len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z') {
		root = p[:2]
	}
	// An alternate data stream follows a ':' after the root.
	ads := ""
	if i := strings.LastIndexByte(p, ':'); i > len(root) && i > 1 {
		ads = p[i+1:]
		p = p[:i]
	}
	dir, file := "", p
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		dir, file = p[:i], p[i+1:]
	}
	if long {
		dir = `\\?\` + dir
	}
	dirName := dir
	if i := strings.LastIndexAny(dir, `\/`); i >= 0 {
		dirName = dir[i+1:]
	}
	ext := ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		ext = file[i+1:]
	}
	var o dynObject
	o.str("Scheme", scheme)
	o.str("RootPath", root)
	o.str("DirectoryPath", dir)
	o.str("DirectoryName", dirName)
	o.str("Filename", file)
	o.str("Extension", ext)
	o.str("AlternateDataStreamName", ads)
	return o.value()
}
