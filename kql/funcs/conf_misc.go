package funcs

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"io"
	"math"
	"net/netip"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// This file holds array, bag, string, compression and IP functions added for the
// documentation's examples, following their reference pages.

// confShift implements array_shift_left/right(array, shift[, default]): elements move by
// shift positions (the other direction when negative); vacated positions take default
// (null when not given).
func confShift(left bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		j, ok := dynArray(args[0])
		if !ok {
			return dynNull
		}
		n, ok := asLong(args[1])
		if !ok {
			return dynNull
		}
		fill := types.JSON("null")
		if len(args) > 2 {
			fill = types.JSON(types.AppendDynamic(nil, aggScalar(args[2])))
		}
		elems := dynElems(j)
		if !left {
			n = -n
		}
		out := make([]types.JSON, len(elems))
		for i := range out {
			src := int64(i) + n
			if src >= 0 && src < int64(len(elems)) {
				out[i] = elems[src]
			} else {
				out[i] = fill
			}
		}
		return dynBuildArray(out)
	}
}

// confRotate implements array_rotate_left/right(array, rotate_count).
func confRotate(left bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		j, ok := dynArray(args[0])
		if !ok {
			return dynNull
		}
		n, ok := asLong(args[1])
		if !ok {
			return dynNull
		}
		elems := dynElems(j)
		if len(elems) == 0 {
			return dynBuildArray(elems)
		}
		if !left {
			n = -n
		}
		k := int(((n % int64(len(elems))) + int64(len(elems))) % int64(len(elems)))
		return dynBuildArray(append(append([]types.JSON(nil), elems[k:]...), elems[:k]...))
	}
}

// confBagZip implements bag_zip(keys, values): a bag pairing each key (strings only) with
// the value at the same position, null when values is shorter.
func confBagZip(_ *Context, args []types.Value) types.Value {
	kj, ok1 := dynArray(args[0])
	vj, ok2 := dynArray(args[1])
	if !ok1 || !ok2 {
		return dynNull
	}
	vals := dynElems(vj)
	buf := []byte{'{'}
	seen := map[string]bool{}
	i := -1
	kj.Each(func(k types.JSON) bool {
		i++
		if k.Kind() != types.JSONString {
			return true
		}
		key, _ := k.Unquote()
		if seen[key] {
			return true
		}
		seen[key] = true
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, key)
		buf = append(buf, ':')
		if i < len(vals) {
			buf = append(buf, strings.TrimSpace(string(vals[i]))...)
		} else {
			buf = append(buf, "null"...)
		}
		return true
	})
	return types.NewDynamic(string(append(buf, '}')))
}

// confBagSetKey implements bag_set_key(bag, key, value): key is a member name or a
// JSONPath of member names ($.a.b); missing bags on the path are created.
func confBagSetKey(_ *Context, args []types.Value) types.Value {
	if _, ok := dynBag(args[0]); !ok {
		return dynNull
	}
	steps, err := dynParsePath(text(args[1]))
	if err != nil || len(steps) == 0 {
		return dynNull
	}
	for _, s := range steps {
		if s.isIdx {
			return dynNull
		}
	}
	val := string(types.AppendDynamic(nil, aggScalar(args[2])))
	return types.NewDynamic(confSetPath(args[0].S, steps, val))
}

// confSetPath returns the JSON object obj with the member at path set to val.
func confSetPath(obj string, path []dynStep, val string) string {
	j := types.JSON(obj)
	if j.Kind() != types.JSONObject {
		obj, j = "{}", "{}"
	}
	key := path[0].key
	newVal := val
	if len(path) > 1 {
		inner := "{}"
		if cur, ok := j.Get(key); ok {
			inner = strings.TrimSpace(string(cur))
		}
		newVal = confSetPath(inner, path[1:], val)
	}
	buf := []byte{'{'}
	set := false
	j.Members(func(k, v types.JSON) bool {
		name, _ := k.Unquote()
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, name)
		buf = append(buf, ':')
		if name == key {
			buf = append(buf, newVal...)
			set = true
		} else {
			buf = append(buf, strings.TrimSpace(string(v))...)
		}
		return true
	})
	if !set {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, key)
		buf = append(buf, ':')
		buf = append(buf, newVal...)
	}
	return string(append(buf, '}'))
}

// confReplaceStrings implements replace_strings(text, lookups, rewrites): matches do not
// overlap, and a lookup earlier in the array takes precedence over later ones wherever
// their matches would overlap; a rewrite is never matched again.
func confReplaceStrings(_ *Context, args []types.Value) types.Value {
	s := text(args[0])
	lj, ok1 := dynArray(args[1])
	rj, ok2 := dynArray(args[2])
	if !ok1 || !ok2 {
		return types.NewString(s)
	}
	reps := dynElems(rj)
	type match struct{ start, end, k int }
	var ms []match
	covered := make([]bool, len(s))
	for k, e := range dynElems(lj) {
		if e.Kind() != types.JSONString {
			continue // only string lookups count
		}
		l, _ := e.Unquote()
		if l == "" {
			continue
		}
		for from := 0; from+len(l) <= len(s); {
			i := strings.Index(s[from:], l)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(l)
			free := true
			for c := start; c < end; c++ {
				if covered[c] {
					free = false
					break
				}
			}
			if !free {
				from = start + 1
				continue
			}
			for c := start; c < end; c++ {
				covered[c] = true
			}
			ms = append(ms, match{start, end, k})
			from = end
		}
	}
	sort.Slice(ms, func(a, b int) bool { return ms[a].start < ms[b].start })
	var b strings.Builder
	at := 0
	for _, m := range ms {
		b.WriteString(s[at:m.start])
		if m.k < len(reps) {
			b.WriteString(dynText(reps[m.k]))
		}
		at = m.end
	}
	b.WriteString(s[at:])
	return types.NewString(b.String())
}

// confBase64FromArray implements base64_encode_fromarray(bytes): empty for anything but
// an array of integers 0..255.
func confBase64FromArray(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return types.NewString("")
	}
	var raw []byte
	good := true
	j.Each(func(e types.JSON) bool {
		v := types.DynamicScalar(e)
		if v.Type != types.Long || v.I < 0 || v.I > 255 {
			good = false
			return false
		}
		raw = append(raw, byte(v.I))
		return true
	})
	if !good {
		return types.NewString("")
	}
	return types.NewString(base64.StdEncoding.EncodeToString(raw))
}

// confCompress implements zlib_compress_to_base64_string and
// gzip_compress_to_base64_string.
func confCompress(gz bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		var buf bytes.Buffer
		var w io.WriteCloser
		var err error
		if gz {
			w, err = gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		} else {
			w, err = zlib.NewWriterLevel(&buf, zlib.DefaultCompression)
		}
		if err != nil {
			return types.NewString("")
		}
		if _, err := w.Write([]byte(text(args[0]))); err != nil {
			return types.NewString("")
		}
		if err := w.Close(); err != nil {
			return types.NewString("")
		}
		return types.NewString(base64.StdEncoding.EncodeToString(buf.Bytes()))
	}
}

// confDecompress implements zlib_decompress_from_base64_string and
// gzip_decompress_from_base64_string: empty for input that is not valid.
func confDecompress(gz bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text(args[0])))
		if err != nil {
			return types.NewString("")
		}
		var r io.Reader
		if gz {
			g, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				return types.NewString("")
			}
			r = g
		} else {
			z, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				// Some producers write a raw deflate stream.
				z = flate.NewReader(bytes.NewReader(raw))
			}
			r = z
		}
		out, err := io.ReadAll(io.LimitReader(r, 64<<20))
		if err != nil {
			return types.NewString("")
		}
		return types.NewString(string(out))
	}
}

// confIPv4RangeToCIDRs implements ipv4_range_to_cidr_list(start, end): the shortest list
// of CIDR ranges covering start..end.
func confIPv4RangeToCIDRs(_ *Context, args []types.Value) types.Value {
	a, err1 := netip.ParseAddr(strings.TrimSpace(text(args[0])))
	b, err2 := netip.ParseAddr(strings.TrimSpace(text(args[1])))
	if err1 != nil || err2 != nil || !a.Is4() || !b.Is4() {
		return dynNull
	}
	as, bs := a.As4(), b.As4()
	lo, hi := uint64(binary.BigEndian.Uint32(as[:])), uint64(binary.BigEndian.Uint32(bs[:]))
	if lo > hi {
		return dynNull
	}
	buf := []byte{'['}
	for lo <= hi {
		size := uint64(1)
		bits := 32
		for bits > 0 && lo%(size*2) == 0 && lo+size*2-1 <= hi {
			size *= 2
			bits--
		}
		var ip [4]byte
		binary.BigEndian.PutUint32(ip[:], uint32(lo))
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, netip.PrefixFrom(netip.AddrFrom4(ip), bits).String())
		lo += size
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// confAround implements around(value, center, delta): whether value is within
// [center-delta, center+delta], for numbers, datetimes and timespans.
func confAround(_ *Context, args []types.Value) types.Value {
	if anyNull(args) {
		return types.NullOf(types.Bool)
	}
	v, c, d := aggScalar(args[0]), aggScalar(args[1]), aggScalar(args[2])
	if v.Type == types.DateTime || c.Type == types.DateTime {
		vt, ok1 := asTicks(v, types.DateTime)
		ct, ok2 := asTicks(c, types.DateTime)
		dt, ok3 := asTicks(d, types.TimeSpan)
		if !ok1 || !ok2 || !ok3 {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(vt >= ct-dt && vt <= ct+dt)
	}
	if v.Type == types.TimeSpan || c.Type == types.TimeSpan {
		vt, ok1 := asTicks(v, types.TimeSpan)
		ct, ok2 := asTicks(c, types.TimeSpan)
		dt, ok3 := asTicks(d, types.TimeSpan)
		if !ok1 || !ok2 || !ok3 {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(vt >= ct-dt && vt <= ct+dt)
	}
	vf, ok1 := asReal(v)
	cf, ok2 := asReal(c)
	df, ok3 := asReal(d)
	if !ok1 || !ok2 || !ok3 {
		return types.NullOf(types.Bool)
	}
	return types.NewBool(vf >= cf-df && vf <= cf+df)
}

// confBetaPDF implements beta_pdf(x, alpha, beta): NaN outside 0 <= x <= 1 or for
// non-positive alpha or beta.
func confBetaPDF(_ *Context, args []types.Value) types.Value {
	x, ok1 := asReal(args[0])
	a, ok2 := asReal(args[1])
	b, ok3 := asReal(args[2])
	if !ok1 || !ok2 || !ok3 {
		return types.NullOf(types.Real)
	}
	if x < 0 || x > 1 || a <= 0 || b <= 0 {
		return types.NewReal(math.NaN())
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return types.NewReal(math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) + lab - la - lb))
}

// confBetaCDF implements beta_cdf(x, alpha, beta): the regularized incomplete beta
// function; NaN for non-positive alpha or beta, 0 below 0 and 1 above 1.
func confBetaCDF(_ *Context, args []types.Value) types.Value {
	x, ok1 := asReal(args[0])
	a, ok2 := asReal(args[1])
	b, ok3 := asReal(args[2])
	if !ok1 || !ok2 || !ok3 {
		return types.NullOf(types.Real)
	}
	if a <= 0 || b <= 0 {
		return types.NewReal(math.NaN())
	}
	return types.NewReal(confIncBeta(x, a, b))
}

// confBetaInv implements beta_inv(p, alpha, beta): the x at which beta_cdf reaches p;
// null for p outside [0, 1], NaN for non-positive alpha or beta.
func confBetaInv(_ *Context, args []types.Value) types.Value {
	p, ok1 := asReal(args[0])
	a, ok2 := asReal(args[1])
	b, ok3 := asReal(args[2])
	if !ok1 || !ok2 || !ok3 || p < 0 || p > 1 {
		return types.NullOf(types.Real)
	}
	if a <= 0 || b <= 0 {
		return types.NewReal(math.NaN())
	}
	lo, hi := 0.0, 1.0
	for i := 0; i < 200; i++ {
		mid := (lo + hi) / 2
		if confIncBeta(mid, a, b) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return types.NewReal((lo + hi) / 2)
}

// confIncBeta is the regularized incomplete beta function I_x(a, b), by Lentz's
// continued fraction.
func confIncBeta(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - confIncBeta(1-x, b, a)
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(math.Log(x)*a+math.Log1p(-x)*b-(la+lb-lab)) / a
	const tiny = 1e-300
	f, c, d := 1.0, 1.0, 0.0
	for i := 0; i <= 400; i++ {
		m := float64(i / 2)
		var num float64
		switch {
		case i == 0:
			num = 1
		case i%2 == 0:
			num = m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		default:
			num = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		}
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		d = 1 / d
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		cd := c * d
		f *= cd
		if math.Abs(1-cd) < 1e-15 {
			break
		}
	}
	return front * (f - 1)
}

// confMiscFuncs declares the functions of this file.
func confMiscFuncs() []*Func {
	return []*Func{
		{Name: "array_shift_left", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("array_shift_left", types.Dynamic, argDynamic, argInteger, argAny),
			Doc:    "the array shifted left by a number of positions, filled with a default", Scalar: confShift(true),
			Examples: []Example{ex(`array_shift_left(dynamic([1,2,3,4,5]), 2, -1)`, `[3,4,5,-1,-1]`)}},
		{Name: "array_shift_right", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("array_shift_right", types.Dynamic, argDynamic, argInteger, argAny),
			Doc:    "the array shifted right by a number of positions, filled with a default", Scalar: confShift(false),
			Examples: []Example{ex(`array_shift_right(dynamic([1,2,3,4,5]), 2)`, `[null,null,1,2,3]`)}},
		{Name: "array_rotate_left", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("array_rotate_left", types.Dynamic, argDynamic, argInteger),
			Doc:    "the array rotated left by a number of positions", Scalar: confRotate(true),
			Examples: []Example{ex(`array_rotate_left(dynamic([1,2,3,4,5]), -2)`, `[4,5,1,2,3]`)}},
		{Name: "array_rotate_right", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("array_rotate_right", types.Dynamic, argDynamic, argInteger),
			Doc:    "the array rotated right by a number of positions", Scalar: confRotate(false),
			Examples: []Example{ex(`array_rotate_right(dynamic([1,2,3,4,5]), 2)`, `[4,5,1,2,3]`)}},
		{Name: "bag_zip", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("bag_zip", types.Dynamic, argDynamic),
			Doc:    "a property bag pairing an array of keys with an array of values", Scalar: confBagZip,
			Examples: []Example{ex(`bag_zip(dynamic(['a','b','c']), dynamic([1,'2']))`, `{"a":1,"b":"2","c":null}`)}},
		{Name: "bag_set_key", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("bag_set_key", types.Dynamic, argDynamic, argStringOnly, argAny),
			Doc:    "the bag with a key (or JSONPath of keys) set to a value", Scalar: confBagSetKey,
			Examples: []Example{ex(`bag_set_key(dynamic({'key1': 123}), '$.key2.prop1', 'abc')`, `{"key1":123,"key2":{"prop1":"abc"}}`)}},
		{Name: "replace_strings", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("replace_strings", types.String, argText, argDynamic, argDynamic),
			Doc:    "the text with every lookup string replaced at once by its replacement", Scalar: confReplaceStrings,
			Examples: []Example{ex(`replace_strings("This is an example", dynamic(['is', 'This']), dynamic(['was', 'This']))`, `Thwas was an example`)}},
		{Name: "base64_encode_fromarray", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("base64_encode_fromarray", types.String, argDynamic),
			Doc:    "the base64 encoding of an array of bytes", Scalar: confBase64FromArray,
			Examples: []Example{ex(`base64_encode_fromarray(dynamic([75,117,115,116,111]))`, `S3VzdG8=`)}},
		{Name: "zlib_compress_to_base64_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("zlib_compress_to_base64_string", types.String, argString),
			Doc:    "the text zlib-compressed and base64-encoded", Scalar: confCompress(false)},
		{Name: "gzip_compress_to_base64_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("gzip_compress_to_base64_string", types.String, argString),
			Doc:    "the text gzip-compressed and base64-encoded", Scalar: confCompress(true)},
		{Name: "zlib_decompress_from_base64_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("zlib_decompress_from_base64_string", types.String, argString),
			Doc:    "the text of a base64-encoded zlib stream; empty when it is not one", Scalar: confDecompress(false),
			Examples: []Example{ex(`zlib_decompress_from_base64_string("eJwLSS0uUSguKcrMS1cwNDIGACxqBQ4=")`, `Test string 123`)}},
		{Name: "gzip_decompress_from_base64_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("gzip_decompress_from_base64_string", types.String, argString),
			Doc:    "the text of a base64-encoded gzip stream; empty when it is not one", Scalar: confDecompress(true),
			Examples: []Example{ex(`gzip_decompress_from_base64_string("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")`, `1234567890qwertyuiop`)}},
		{Name: "ipv4_range_to_cidr_list", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("ipv4_range_to_cidr_list", types.Dynamic, argString, argString),
			Doc:    "the CIDR ranges covering an IPv4 address range", Scalar: confIPv4RangeToCIDRs,
			Examples: []Example{ex(`ipv4_range_to_cidr_list("1.1.128.0", "1.1.140.255")`, `["1.1.128.0/21","1.1.136.0/22","1.1.140.0/24"]`)}},
		{Name: "around", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("around", types.Bool, argAny),
			Doc:    "whether a value is within delta of a center", Scalar: confAround,
			Examples: []Example{ex(`around(datetime(2021-01-01 01:29), datetime(2021-01-01 01:30), 1min)`, `true`)}},
		{Name: "beta_pdf", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("beta_pdf", types.Real, argNumber),
			Doc:    "the beta probability density at x", Scalar: confBetaPDF},
		{Name: "beta_cdf", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("beta_cdf", types.Real, argNumber),
			Doc:    "the beta cumulative distribution at x", Scalar: confBetaCDF},
		{Name: "beta_inv", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("beta_inv", types.Real, argNumber),
			Doc:    "the inverse of the beta cumulative distribution", Scalar: confBetaInv},
	}
}
