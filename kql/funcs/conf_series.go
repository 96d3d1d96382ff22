package funcs

import (
	"math"
	"sort"

	"github.com/socfeed/socfeed/kql/types"
)

// This file holds the element-wise series functions (series_add, series_sin,
// series_greater, ...), the series reductions (series_sum, series_dot_product,
// series_pearson_correlation, ...), the fill functions (series_fill_forward, ...) and the
// filters (series_fir, series_iir, series_seasonal), following their reference pages.
//
// A series element that is not a number (a string, null, a bag) yields a null element in
// element-wise results. Integer inputs keep integer results where the operation is closed
// over integers (add, subtract, multiply, abs, sign); the other operations give reals.

// confNum is one series element read as a number.
type confNum struct {
	f     float64
	i     int64
	isInt bool
	ok    bool
}

// confSeries reads a dynamic array's elements as numbers; ok is false when v is not an
// array.
func confSeries(v types.Value) ([]confNum, bool) {
	j, ok := dynArray(v)
	if !ok {
		return nil, false
	}
	var out []confNum
	j.Each(func(e types.JSON) bool {
		out = append(out, confNumOf(types.DynamicScalar(e)))
		return true
	})
	return out, true
}

func confNumOf(v types.Value) confNum {
	v = aggScalar(v)
	if v.IsNull() {
		return confNum{}
	}
	switch v.Type {
	case types.Int, types.Long:
		return confNum{f: float64(v.I), i: v.I, isInt: true, ok: true}
	case types.Real:
		return confNum{f: v.F, ok: true}
	case types.Decimal:
		if f, ok := aggFloat(v); ok {
			return confNum{f: f, ok: true}
		}
	}
	return confNum{}
}

// confSeriesOrScalar reads a series argument that may also be a numeric scalar, which is
// broadcast to the other argument's length (n < 0 while that length is unknown).
func confSeriesOrScalar(v types.Value) (xs []confNum, scalar confNum, isScalar, ok bool) {
	if xs, ok := confSeries(v); ok {
		return xs, confNum{}, false, true
	}
	s := confNumOf(v)
	return nil, s, true, s.ok
}

// confJSON writes elements as a dynamic array: ints as integers, reals as Kusto writes
// them, missing elements as null.
func confJSON(xs []confNum) types.Value {
	buf := []byte{'['}
	for i, x := range xs {
		if i > 0 {
			buf = append(buf, ',')
		}
		switch {
		case !x.ok:
			buf = append(buf, "null"...)
		case x.isInt:
			buf = types.AppendDynamic(buf, types.NewLong(x.i))
		default:
			buf = types.AppendJSONReal(buf, x.f)
		}
	}
	return types.NewDynamic(string(append(buf, ']')))
}

func confReal(f float64) confNum { return confNum{f: f, ok: true} }

func confInt(i int64) confNum { return confNum{f: float64(i), i: i, isInt: true, ok: true} }

// confUnary maps every numeric element through fr (or fi for integer elements, when not
// nil).
func confUnary(fr func(float64) float64, fi func(int64) int64) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		xs, ok := confSeries(args[0])
		if !ok {
			return dynNull
		}
		out := make([]confNum, len(xs))
		for i, x := range xs {
			switch {
			case !x.ok:
			case x.isInt && fi != nil:
				out[i] = confInt(fi(x.i))
			default:
				out[i] = confReal(fr(x.f))
			}
		}
		return confJSON(out)
	}
}

// confBinary combines two series (or a series and a scalar) element by element; the
// result is as long as the longer series, and elements missing from the shorter one give
// null. fi, when not nil, is used when both elements are integers.
func confBinary(fr func(a, b float64) confNum, fi func(a, b int64) confNum) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		a, as, aScalar, ok1 := confSeriesOrScalar(args[0])
		b, bs, bScalar, ok2 := confSeriesOrScalar(args[1])
		if !ok1 || !ok2 || aScalar && bScalar {
			return dynNull
		}
		n := max(len(a), len(b))
		out := make([]confNum, n)
		for i := range out {
			x, y := as, bs
			if !aScalar {
				x = confNum{}
				if i < len(a) {
					x = a[i]
				}
			}
			if !bScalar {
				y = confNum{}
				if i < len(b) {
					y = b[i]
				}
			}
			if !x.ok || !y.ok {
				continue
			}
			if fi != nil && x.isInt && y.isInt {
				out[i] = fi(x.i, y.i)
			} else {
				out[i] = fr(x.f, y.f)
			}
		}
		return confJSON(out)
	}
}

// confBoolJSON writes a bool series element.
func confCompare(cmp func(a, b float64) bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		a, as, aScalar, ok1 := confSeriesOrScalar(args[0])
		b, bs, bScalar, ok2 := confSeriesOrScalar(args[1])
		if !ok1 || !ok2 || aScalar && bScalar {
			return dynNull
		}
		n := max(len(a), len(b))
		buf := []byte{'['}
		for i := 0; i < n; i++ {
			if i > 0 {
				buf = append(buf, ',')
			}
			x, y := as, bs
			if !aScalar {
				x = confNum{}
				if i < len(a) {
					x = a[i]
				}
			}
			if !bScalar {
				y = confNum{}
				if i < len(b) {
					y = b[i]
				}
			}
			switch {
			case !x.ok || !y.ok:
				buf = append(buf, "null"...)
			case cmp(x.f, y.f):
				buf = append(buf, "true"...)
			default:
				buf = append(buf, "false"...)
			}
		}
		return types.NewDynamic(string(append(buf, ']')))
	}
}

// confFloats returns the numeric elements of a series as floats, skipping the others.
func confFloats(xs []confNum) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if x.ok {
			out = append(out, x.f)
		}
	}
	return out
}

// confReduce reduces a series to one real; a value that is not an array gives null.
func confReduce(f func(xs []float64) (float64, bool)) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		xs, ok := confSeries(args[0])
		if !ok {
			return types.NullOf(types.Real)
		}
		r, ok := f(confFloats(xs))
		if !ok {
			return types.NullOf(types.Real)
		}
		return types.NewReal(r)
	}
}

// confPairs reads two series (either may be a numeric scalar, broadcast) truncated to the
// shorter one's length, keeping the positions where both elements are numbers.
func confPairs(args []types.Value) (xs, ys []float64, ok bool) {
	a, as, aScalar, ok1 := confSeriesOrScalar(args[0])
	b, bs, bScalar, ok2 := confSeriesOrScalar(args[1])
	if !ok1 || !ok2 || aScalar && bScalar {
		return nil, nil, false
	}
	n := min(len(a), len(b))
	if aScalar {
		n = len(b)
	}
	if bScalar {
		n = len(a)
	}
	for i := 0; i < n; i++ {
		x, y := as, bs
		if !aScalar {
			x = a[i]
		}
		if !bScalar {
			y = b[i]
		}
		if x.ok && y.ok {
			xs = append(xs, x.f)
			ys = append(ys, y.f)
		}
	}
	return xs, ys, true
}

func confDotProduct(_ *Context, args []types.Value) types.Value {
	xs, ys, ok := confPairs(args)
	if !ok || len(xs) == 0 {
		return types.NullOf(types.Real)
	}
	s := 0.0
	for i := range xs {
		s += xs[i] * ys[i]
	}
	return types.NewReal(s)
}

func confCosineSimilarity(_ *Context, args []types.Value) types.Value {
	xs, ys, ok := confPairs(args)
	if !ok || len(xs) == 0 {
		return types.NullOf(types.Real)
	}
	var dot, nx, ny float64
	for i := range xs {
		dot += xs[i] * ys[i]
		nx += xs[i] * xs[i]
		ny += ys[i] * ys[i]
	}
	mx, my := math.Sqrt(nx), math.Sqrt(ny)
	// series_cosine_similarity(s1, s2, magnitude1, magnitude2): given magnitudes are used
	// as they are.
	for i, m := range []*float64{&mx, &my} {
		if len(args) > 2+i {
			if v := types.ToReal(args[2+i]); !v.IsNull() {
				*m = v.F
			}
		}
	}
	if mx == 0 || my == 0 {
		return types.NullOf(types.Real)
	}
	return types.NewReal(dot / (mx * my))
}

func confPearson(_ *Context, args []types.Value) types.Value {
	xs, ys, ok := confPairs(args)
	if !ok || len(xs) < 2 {
		return types.NullOf(types.Real)
	}
	n := float64(len(xs))
	var sx, sy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
	}
	mx, my := sx/n, sy/n
	var cov, vx, vy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		cov += dx * dy
		vx += dx * dx
		vy += dy * dy
	}
	if vx == 0 || vy == 0 {
		return types.NullOf(types.Real)
	}
	return types.NewReal(cov / math.Sqrt(vx*vy))
}

// confMissing returns the test for a missing element given the optional
// missing_value_placeholder argument: null by default (double(null), long(null) and
// int(null) all mean null), otherwise elements equal to the placeholder.
func confMissing(args []types.Value, i int) func(e types.JSON) bool {
	if i >= len(args) || aggScalar(args[i]).IsNull() {
		return func(e types.JSON) bool { return e.Kind() == types.JSONNull }
	}
	ph := aggScalar(args[i])
	return func(e types.JSON) bool {
		v := types.DynamicScalar(e)
		if v.IsNull() {
			return false
		}
		if pn, vn := confNumOf(ph), confNumOf(v); pn.ok && vn.ok {
			return pn.f == vn.f
		}
		return types.Same(v, ph)
	}
}

// confFill implements series_fill_forward and series_fill_backward: missing elements take
// the nearest earlier (forward) or later (backward) present element; those with none stay.
func confFill(backward bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		j, ok := dynArray(args[0])
		if !ok {
			return dynNull
		}
		missing := confMissing(args, 1)
		elems := dynElems(j)
		out := make([]types.JSON, len(elems))
		copy(out, elems)
		var last types.JSON
		have := false
		for k := range out {
			i := k
			if backward {
				i = len(out) - 1 - k
			}
			if missing(elems[i]) {
				if have {
					out[i] = last
				}
				continue
			}
			last, have = elems[i], true
		}
		return dynBuildArray(out)
	}
}

func confFillConst(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return dynNull
	}
	missing := confMissing(args, 2)
	fill := types.JSON(types.AppendDynamic(nil, aggScalar(args[1])))
	elems := dynElems(j)
	for i, e := range elems {
		if missing(e) {
			elems[i] = fill
		}
	}
	return dynBuildArray(elems)
}

// confFillLinear implements series_fill_linear(series[, missing[, fill_edges[,
// constant_value]]]): missing runs between present elements are interpolated linearly
// (rounded when every present element is an integer); the edges take the nearest present
// value when fill_edges (default true); an all-missing series is filled with
// constant_value (default 0).
func confFillLinear(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return dynNull
	}
	missing := confMissing(args, 1)
	edges := len(args) < 3 || args[2].IsNull() || args[2].Bool()
	elems := dynElems(j)
	vals := make([]confNum, len(elems))
	allInt := true
	var present []int
	for i, e := range elems {
		if missing(e) {
			continue
		}
		vals[i] = confNumOf(types.DynamicScalar(e))
		if vals[i].ok {
			present = append(present, i)
			allInt = allInt && vals[i].isInt
		}
	}
	out := make([]types.JSON, len(elems))
	copy(out, elems)
	if len(present) == 0 {
		c := types.NewLong(0)
		if len(args) > 3 {
			c = aggScalar(args[3])
		}
		fill := types.JSON(types.AppendDynamic(nil, c))
		for i, e := range elems {
			if missing(e) {
				out[i] = fill
			}
		}
		return dynBuildArray(out)
	}
	num := func(f float64) types.JSON {
		if allInt {
			return types.JSON(types.AppendDynamic(nil, types.NewLong(int64(math.Round(f)))))
		}
		return types.JSON(types.AppendJSONReal(nil, f))
	}
	for k := 0; k+1 < len(present); k++ {
		lo, hi := present[k], present[k+1]
		for i := lo + 1; i < hi; i++ {
			if missing(elems[i]) {
				t := float64(i-lo) / float64(hi-lo)
				out[i] = num(vals[lo].f + t*(vals[hi].f-vals[lo].f))
			}
		}
	}
	if edges {
		first, last := present[0], present[len(present)-1]
		for i := 0; i < first; i++ {
			if missing(elems[i]) {
				out[i] = elems[first]
			}
		}
		for i := last + 1; i < len(elems); i++ {
			if missing(elems[i]) {
				out[i] = elems[last]
			}
		}
	}
	return dynBuildArray(out)
}

// confFIR implements series_fir(series, filter[, normalize[, center]]).
func confFIR(_ *Context, args []types.Value) types.Value {
	xs, ok1 := confSeries(args[0])
	fs, ok2 := confSeries(args[1])
	if !ok1 || !ok2 || len(fs) == 0 {
		return dynNull
	}
	normalize := len(args) < 3 || args[2].IsNull() || args[2].Bool()
	center := len(args) > 3 && !args[3].IsNull() && args[3].Bool()
	coef := make([]float64, len(fs))
	sum := 0.0
	for i, f := range fs {
		if !f.ok {
			return dynNull
		}
		coef[i] = f.f
		sum += f.f
		if normalize && f.f < 0 {
			return dynNull
		}
	}
	if normalize {
		if sum == 0 {
			return dynNull
		}
		for i := range coef {
			coef[i] /= sum
		}
	}
	shift := 0
	if center {
		shift = len(coef) / 2
	}
	out := make([]confNum, len(xs))
	for i := range xs {
		s := 0.0
		for k, c := range coef {
			idx := i - k + shift
			if idx < 0 || idx >= len(xs) || !xs[idx].ok {
				continue
			}
			s += c * xs[idx].f
		}
		out[i] = confReal(s)
	}
	return confJSON(out)
}

// confIIR implements series_iir(series, numerators, denominators) with the recursive
// formula of its reference page, normalized by a[0].
func confIIR(_ *Context, args []types.Value) types.Value {
	xs, ok1 := confSeries(args[0])
	bs, ok2 := confSeries(args[1])
	as, ok3 := confSeries(args[2])
	if !ok1 || !ok2 || !ok3 || len(as) == 0 || !as[0].ok || as[0].f == 0 {
		return dynNull
	}
	b, a := confFloats(bs), confFloats(as)
	x := make([]float64, len(xs))
	for i, v := range xs {
		if v.ok {
			x[i] = v.f
		}
	}
	y := make([]float64, len(x))
	out := make([]confNum, len(x))
	for i := range x {
		s := 0.0
		for k := 0; k < len(b) && k <= i; k++ {
			s += b[k] * x[i-k]
		}
		for k := 1; k < len(a) && k <= i; k++ {
			s -= a[k] * y[i-k]
		}
		y[i] = s / a[0]
		out[i] = confReal(y[i])
	}
	return confJSON(out)
}

// confSeasonal implements series_seasonal(series[, period]): each element becomes the
// median of the elements at the same position within the period. Without a period (or
// with -1) the period is detected as series_decompose does; when none is found the
// seasonal component is all zeros.
func confSeasonal(ctx *Context, args []types.Value) types.Value {
	xs, ok := confSeries(args[0])
	if !ok {
		return dynNull
	}
	period := int64(-1)
	if len(args) > 1 && !args[1].IsNull() {
		if p, ok := dynLong(args[1]); ok {
			period = p
		}
	}
	if period < 0 {
		period = confDetectPeriod(confFloats(xs))
	}
	out := make([]confNum, len(xs))
	if period <= 1 {
		for i := range out {
			out[i] = confReal(0)
		}
		return confJSON(out)
	}
	p := int(period)
	med := make([]float64, p)
	for ph := 0; ph < p; ph++ {
		var vs []float64
		for i := ph; i < len(xs); i += p {
			if xs[i].ok {
				vs = append(vs, xs[i].f)
			}
		}
		med[ph] = confMedian(vs)
	}
	for i := range out {
		out[i] = confReal(med[i%p])
	}
	return confJSON(out)
}

func confMedian(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// confMaxPeriod bounds the periods confDetectPeriod tries, so that detection over a long
// series stays linear in its length.
const confMaxPeriod = 4096

// confDetectPeriod finds the period with the highest autocorrelation of the mean-removed
// series among 2..n/2 (at most confMaxPeriod), requiring a score of at least 0.7
// (series_seasonal's threshold); 0 when none qualifies.
func confDetectPeriod(xs []float64) int64 {
	n := len(xs)
	if n < 4 {
		return 0
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	var den float64
	for _, x := range xs {
		den += (x - mean) * (x - mean)
	}
	if den == 0 {
		return 0
	}
	best, bestScore := 0, 0.7
	for p := 2; p <= min(n/2, confMaxPeriod); p++ {
		num := 0.0
		for i := 0; i+p < n; i++ {
			num += (xs[i] - mean) * (xs[i+p] - mean)
		}
		score := num / den * float64(n) / float64(n-p)
		if score > bestScore+1e-12 {
			best, bestScore = p, score
		}
	}
	return int64(best)
}

// confSeriesFuncs declares the functions of this file.
func confSeriesFuncs() []*Func {
	unary := func(name, doc string, fr func(float64) float64, fi func(int64) int64) *Func {
		return &Func{Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns(name, types.Dynamic, argDynamic), Doc: doc, Scalar: confUnary(fr, fi)}
	}
	binary := func(name, doc string, fr func(a, b float64) confNum, fi func(a, b int64) confNum) *Func {
		return &Func{Name: name, Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns(name, types.Dynamic, argAny), Doc: doc, Scalar: confBinary(fr, fi)}
	}
	compare := func(name, doc string, cmp func(a, b float64) bool) *Func {
		return &Func{Name: name, Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns(name, types.Dynamic, argAny), Doc: doc, Scalar: confCompare(cmp)}
	}
	reduce := func(name, doc string, f func([]float64) (float64, bool)) *Func {
		return &Func{Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns(name, types.Real, argDynamic), Doc: doc, Scalar: confReduce(f)}
	}
	absI := func(i int64) int64 {
		if i < 0 {
			return -i
		}
		return i
	}
	signI := func(i int64) int64 {
		switch {
		case i < 0:
			return -1
		case i > 0:
			return 1
		}
		return 0
	}
	signR := func(f float64) float64 {
		switch {
		case f < 0:
			return -1
		case f > 0:
			return 1
		}
		return f
	}
	out := []*Func{
		unary("series_abs", "the absolute value of each element", math.Abs, absI),
		unary("series_acos", "the arc cosine of each element", math.Acos, nil),
		unary("series_asin", "the arc sine of each element", math.Asin, nil),
		unary("series_atan", "the arc tangent of each element", math.Atan, nil),
		unary("series_ceiling", "each element rounded up", math.Ceil, nil),
		unary("series_cos", "the cosine of each element", math.Cos, nil),
		unary("series_exp", "e raised to each element", math.Exp, nil),
		unary("series_floor", "each element rounded down", math.Floor, nil),
		unary("series_log", "the natural logarithm of each element", math.Log, nil),
		unary("series_sign", "the sign (-1, 0 or 1) of each element", signR, signI),
		unary("series_sin", "the sine of each element", math.Sin, nil),
		unary("series_tan", "the tangent of each element", math.Tan, nil),
		binary("series_add", "the element-wise sum of two series",
			func(a, b float64) confNum { return confReal(a + b) }, func(a, b int64) confNum { return confInt(a + b) }),
		binary("series_subtract", "the element-wise difference of two series",
			func(a, b float64) confNum { return confReal(a - b) }, func(a, b int64) confNum { return confInt(a - b) }),
		binary("series_multiply", "the element-wise product of two series",
			func(a, b float64) confNum { return confReal(a * b) }, func(a, b int64) confNum { return confInt(a * b) }),
		binary("series_divide", "the element-wise quotient of two series, as reals",
			func(a, b float64) confNum { return confReal(a / b) }, nil),
		binary("series_pow", "each element of the first series raised to the power of the second's",
			func(a, b float64) confNum { return confReal(math.Pow(a, b)) }, nil),
		compare("series_equals", "element-wise a == b", func(a, b float64) bool { return a == b }),
		compare("series_not_equals", "element-wise a != b", func(a, b float64) bool { return a != b }),
		compare("series_greater", "element-wise a > b", func(a, b float64) bool { return a > b }),
		compare("series_greater_equals", "element-wise a >= b", func(a, b float64) bool { return a >= b }),
		compare("series_less", "element-wise a < b", func(a, b float64) bool { return a < b }),
		compare("series_less_equals", "element-wise a <= b", func(a, b float64) bool { return a <= b }),
		reduce("series_sum", "the sum of the elements", func(xs []float64) (float64, bool) {
			s := 0.0
			for _, x := range xs {
				s += x
			}
			return s, true
		}),
		reduce("series_product", "the product of the elements", func(xs []float64) (float64, bool) {
			p := 1.0
			for _, x := range xs {
				p *= x
			}
			return p, true
		}),
		reduce("series_magnitude", "the Euclidean norm of the series", func(xs []float64) (float64, bool) {
			s := 0.0
			for _, x := range xs {
				s += x * x
			}
			return math.Sqrt(s), true
		}),
		{Name: "series_dot_product", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("series_dot_product", types.Real, argAny),
			Doc:    "the sum of the element-wise products of two series", Scalar: confDotProduct},
		{Name: "series_cosine_similarity", Kind: Scalar, MinArgs: 2, MaxArgs: 4,
			Result: returns("series_cosine_similarity", types.Real, argAny, argAny, argNumber),
			Doc:    "the cosine similarity of two series; optional magnitudes of the two are used instead of computing them", Scalar: confCosineSimilarity},
		{Name: "series_pearson_correlation", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("series_pearson_correlation", types.Real, argDynamic),
			Doc:    "the Pearson correlation coefficient of two series", Scalar: confPearson},
		{Name: "series_fill_forward", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("series_fill_forward", types.Dynamic, argDynamic, argAny),
			Doc:    "the series with missing elements filled from the last present one", Scalar: confFill(false)},
		{Name: "series_fill_backward", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("series_fill_backward", types.Dynamic, argDynamic, argAny),
			Doc:    "the series with missing elements filled from the next present one", Scalar: confFill(true)},
		{Name: "series_fill_const", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("series_fill_const", types.Dynamic, argDynamic, argAny),
			Doc:    "the series with missing elements replaced by a constant", Scalar: confFillConst},
		{Name: "series_fill_linear", Kind: Scalar, MinArgs: 1, MaxArgs: 4,
			Result: returns("series_fill_linear", types.Dynamic, argDynamic, argAny, argBool, argAny),
			Doc:    "the series with missing elements interpolated linearly", Scalar: confFillLinear},
		{Name: "series_fir", Kind: Scalar, MinArgs: 2, MaxArgs: 4,
			Result: returns("series_fir", types.Dynamic, argDynamic, argDynamic, argBool),
			Doc:    "the series through a finite impulse response filter", Scalar: confFIR},
		{Name: "series_iir", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("series_iir", types.Dynamic, argDynamic),
			Doc:    "the series through an infinite impulse response filter", Scalar: confIIR},
		{Name: "series_seasonal", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("series_seasonal", types.Dynamic, argDynamic, argInteger),
			Doc:    "the seasonal component: the median of the elements at each position within the period", Scalar: confSeasonal},
	}
	examples := map[string][]Example{
		"series_abs":         {ex(`series_abs(dynamic([-6.5, 0, 8.2, "x"]))`, `[6.5,0.0,8.2,null]`)},
		"series_sign":        {ex(`series_sign(dynamic([-6, 0, 8]))`, `[-1,0,1]`)},
		"series_add":         {ex(`series_add(dynamic([1, 2, 4]), dynamic([4, 2]))`, `[5,4,null]`)},
		"series_multiply":    {ex(`series_multiply(dynamic([1, 2.5]), 2)`, `[2,5.0]`)},
		"series_divide":      {ex(`series_divide(dynamic([1, 2, 4]), dynamic([4, 2, 0]))`, `[0.25,1.0,"Infinity"]`)},
		"series_pow":         {ex(`series_pow(dynamic([2, 4]), dynamic([3, 0.5]))`, `[8.0,2.0]`)},
		"series_greater":     {ex(`series_greater(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, `[false,false,true]`)},
		"series_less_equals": {ex(`series_less_equals(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, `[true,true,false]`)},
		"series_sum":         {ex(`series_sum(dynamic([1, 2, 3, 4]))`, `10`)},
		"series_product":     {ex(`series_product(dynamic([1, 2, 3, 4]))`, `24`)},
		"series_magnitude":   {ex(`series_magnitude(dynamic([3, 4]))`, `5`)},
		"series_dot_product": {ex(`series_dot_product(dynamic([1, 2, 3]), 10)`, `60`)},
		"series_cosine_similarity": {ex(`series_cosine_similarity(dynamic([0.1,0.2,0.1,0.2]), dynamic([0.11,0.2,0.11,0.21]))`, `0.99935343825504`),
			ex(`series_cosine_similarity(dynamic([3,4]), dynamic([3,4]), 5, 5)`, `1`),
			ex(`series_cosine_similarity(dynamic([3,4]), dynamic([3,4]), 10)`, `0.5`)},
		"series_pearson_correlation": {ex(`series_pearson_correlation(dynamic([1,2,3,4,5]), dynamic([2,4,6,8,10]))`, `1`)},
		"series_fill_forward":        {ex(`series_fill_forward(dynamic([null, 1, null, null, 3]))`, `[null,1,1,1,3]`)},
		"series_fill_backward":       {ex(`series_fill_backward(dynamic([111, null, 36, 41, null, null, 16, 61, 33, null, null]))`, `[111,36,36,41,16,16,16,61,33,null,null]`)},
		"series_fill_const":          {ex(`series_fill_const(dynamic([1, -1, 3]), 0, -1)`, `[1,0,3]`)},
		"series_fill_linear":         {ex(`series_fill_linear(dynamic([null, 10, null, null, 40, null]))`, `[10,10,20,30,40,40]`)},
		"series_fir":                 {ex(`series_fir(dynamic([1, 2, 3, 4]), dynamic([1, 1]))`, `[0.5,1.5,2.5,3.5]`)},
		"series_iir":                 {ex(`series_iir(dynamic([1, 2, 3, 4]), dynamic([1]), dynamic([1, -1]))`, `[1.0,3.0,6.0,10.0]`)},
		"series_seasonal":            {ex(`series_seasonal(dynamic([1, 3, 5, 1, 3, 5, 2, 4, 6]), 3)`, `[1.0,3.0,5.0,1.0,3.0,5.0,1.0,3.0,5.0]`)},
	}
	for _, f := range out {
		f.Examples = examples[f.Name]
	}
	return out
}
