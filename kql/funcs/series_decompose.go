package funcs

import (
	"math"
	"slices"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// This file implements the anomaly-detection series functions: series_outliers (Tukey's
// fences), series_decompose (seasonal + trend + residual), series_decompose_anomalies,
// series_decompose_forecast and series_fit_2lines, following their reference pages.
//
// Where the pages leave the algorithm open, socfeed's choices are:
//
//   - Seasonality autodetection (Seasonality = -1) stands in for series_periods_detect: it
//     scores every whole period from 4 points to half the learning points by the
//     autocorrelation of the detrended series and takes the best one scoring at least
//     the threshold (0.6 by default); of periods within 5% of the best score the shortest
//     wins, so a multiple of the true period is not chosen. Kusto's detector is not
//     published and may pick differently on noisy data.
//   - Percentiles (series_outliers) interpolate linearly between closest ranks. When the
//     inter-percentile range is 0 (a flat series), a value outside it scores as if the
//     range were 1e-9: an infinitely unusual value gets a huge but finite score.
//   - With Trend = 'linefit' and a period, the per-phase medians are taken after removing
//     a first least-squares line, and the trend is then fitted to the deseasonalized
//     series, so a rising series leaves no week-to-week sawtooth in the residual.
//   - series_fit_2lines tries every split leaving at least two points on each side and
//     fits each side over the same x = 1..n positions as series_fit_line; split_idx is the
//     zero-based index of the first point of the right line.
//
// The reference examples build their series with rand(), so their outputs cannot be
// matched number for number; the unit tests check the documented behaviour instead
// (inserted spikes and dips flagged, weekly periods found, trends fitted).

var (
	seriesDecomposeOut = []seriesOutput{
		{"baseline", types.Dynamic}, {"seasonal", types.Dynamic}, {"trend", types.Dynamic}, {"residual", types.Dynamic},
	}
	seriesDecomposeAnomaliesOut = []seriesOutput{
		{"ad_flag", types.Dynamic}, {"ad_score", types.Dynamic}, {"baseline", types.Dynamic},
	}
	seriesFit2LinesOut = []seriesOutput{
		{"rsquare", types.Real}, {"split_idx", types.Long}, {"variance", types.Real}, {"rvariance", types.Real},
		{"line_fit", types.Dynamic}, {"right_rsquare", types.Real}, {"right_slope", types.Real},
		{"right_interception", types.Real}, {"right_variance", types.Real}, {"right_rvariance", types.Real},
		{"left_rsquare", types.Real}, {"left_slope", types.Real}, {"left_interception", types.Real},
		{"left_variance", types.Real}, {"left_rvariance", types.Real},
	}
)

// seriesDecomposeFuncs declares the functions of this file.
func seriesDecomposeFuncs() []*Func {
	const (
		d  = argDynamic
		n  = argNumber
		in = argInteger
		s  = argStringOnly
	)
	return []*Func{
		{Name: "series_outliers", Kind: Scalar, MinArgs: 1, MaxArgs: 6,
			Result: returns("series_outliers", types.Dynamic, d, s, n, n, n, in),
			Doc:    "a Tukey's-fence anomaly score per element: beyond ±1.5 marks a rise or decline anomaly ('ctukey' uses the 10th-90th percentiles by default, 'tukey' the quartiles)",
			Examples: []Example{
				{Expr: `series_outliers(dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]), "tukey")`, Want: `[-0.5,-0.3,-0.1,0.0,0.0,0.0,0.0,0.0,0.1,0.3,18.3]`},
			},
			Scalar: seriesOutliers},
		{Name: "series_decompose", Kind: Scalar, MinArgs: 1, MaxArgs: 5,
			Result: returns("series_decompose", types.Dynamic, d, in, s, in, n),
			Doc:    "the series split into four columns: baseline (seasonal + trend), seasonal, trend and residual",
			Scalar: seriesFirst(seriesDecompose)},
		{Name: "series_decompose_anomalies", Kind: Scalar, MinArgs: 1, MaxArgs: 7,
			Result: returns("series_decompose_anomalies", types.Dynamic, d, n, in, s, in, s, n),
			Doc:    "anomalies of the series' residual after decomposition, in three columns: ad_flag (+1, -1, 0), ad_score and baseline",
			Scalar: seriesFirst(seriesDecomposeAnomalies)},
		{Name: "series_decompose_forecast", Kind: Scalar, MinArgs: 2, MaxArgs: 5,
			Result: returns("series_decompose_forecast", types.Dynamic, d, in, in, s, n),
			Doc:    "the decomposition baseline learned without the last Points elements, which it forecasts",
			Examples: []Example{
				{Expr: `series_decompose_forecast(dynamic([1, 2, 3, 4, 5, 6, 0, 0]), 2, 0, "linefit")`, Want: `[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0]`},
			},
			Scalar: seriesDecomposeForecast},
		{Name: "series_fit_2lines", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("series_fit_2lines", types.Real, d),
			Doc:    "a two-segment linear regression in fifteen columns: rsquare, split_idx, variance, rvariance, line_fit, then right_ and left_ rsquare, slope, interception, variance and rvariance",
			Scalar: seriesFirst(seriesFit2Lines)},
		{Name: "series_fit_2lines_dynamic", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("series_fit_2lines_dynamic", types.Dynamic, d),
			Doc:    "the two-segment regression of series_fit_2lines as one property bag",
			Scalar: seriesBag(seriesFit2LinesOut, seriesFit2Lines)},
	}
}

// seriesJSON writes a numeric array; NaN elements (missing inputs) are written as null.
func seriesJSON(xs []float64) types.Value {
	b := []byte{'['}
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b = append(b, "null"...)
			continue
		}
		b = types.AppendJSONReal(b, x)
	}
	return types.NewDynamic(string(append(b, ']')))
}

// seriesLongs writes an integer array.
func seriesLongs(xs []int64) types.Value {
	b := []byte{'['}
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = types.AppendDynamic(b, types.NewLong(x))
	}
	return types.NewDynamic(string(append(b, ']')))
}

// optArg returns args[i] when present and not null.
func optArg(args []types.Value, i int) (types.Value, bool) {
	if i < len(args) && !args[i].IsNull() {
		return args[i], true
	}
	return types.Value{}, false
}

// percentile returns the p-th percentile (0..100) of sorted xs, interpolating linearly
// between closest ranks.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	r := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(r))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (r-float64(lo))*(sorted[hi]-sorted[lo])
}

// outlierScores scores xs with Tukey's fences over the [lowP, highP] percentile range of
// the values at learn positions (all when learn is 0): 0 inside the range, else the
// distance beyond it in units of the range. NaN (missing) elements score 0.
func outlierScores(xs []float64, lowP, highP float64, learn int, ignore func(float64) bool) []float64 {
	if learn <= 0 || learn > len(xs) {
		learn = len(xs)
	}
	var vals []float64
	for _, x := range xs[:learn] {
		if !math.IsNaN(x) && !ignore(x) {
			vals = append(vals, x)
		}
	}
	slices.Sort(vals)
	q1, q3 := percentile(vals, lowP), percentile(vals, highP)
	iqr := q3 - q1
	if iqr <= 0 {
		iqr = 1e-9
	}
	out := make([]float64, len(xs))
	for i, x := range xs {
		switch {
		case math.IsNaN(x) || ignore(x) || math.IsNaN(q1):
		case x > q3:
			out[i] = (x - q3) / iqr
		case x < q1:
			out[i] = (x - q1) / iqr
		}
	}
	return out
}

// outlierRange returns the percentile range of an AD method name; ok is false for a name
// the functions do not know.
func outlierRange(kind string) (lo, hi float64, ok bool) {
	switch strings.ToLower(kind) {
	case "", "ctukey":
		return 10, 90, true
	case "tukey":
		return 25, 75, true
	}
	return 0, 0, false
}

// seriesOutliers implements series_outliers(series[, kind[, ignore_val[, min_percentile[,
// max_percentile[, test_points]]]]]): test_points trailing elements are scored but left out
// of the percentiles. Percentiles outside [2, 98] or an unknown kind give null.
func seriesOutliers(_ *Context, args []types.Value) types.Value {
	xs, ok := seriesValues(args[0])
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	kind := ""
	if v, ok := optArg(args, 1); ok {
		kind = text(v)
	}
	lo, hi, ok := outlierRange(kind)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	ignore := func(float64) bool { return false }
	if v, ok := optArg(args, 2); ok {
		if iv, ok := asReal(v); ok {
			ignore = func(x float64) bool { return x == iv }
		}
	}
	if strings.ToLower(kind) != "tukey" {
		if v, ok := optArg(args, 3); ok {
			lo, _ = asReal(v)
		}
		if v, ok := optArg(args, 4); ok {
			hi, _ = asReal(v)
		}
		if lo < 2 || hi > 98 || lo >= hi {
			return types.NullOf(types.Dynamic)
		}
	}
	learn := 0
	if v, ok := optArg(args, 5); ok {
		tp, ok := asLong(v)
		if !ok || tp < 0 {
			return types.NullOf(types.Dynamic)
		}
		learn = len(xs) - int(min(tp, int64(len(xs))))
		if learn == 0 {
			return types.NullOf(types.Dynamic)
		}
	}
	return seriesJSON(outlierScores(xs, lo, hi, learn, ignore))
}

// decomposition is the result of series_decompose over one series.
type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decomposeOptions are series_decompose's optional parameters.
type decomposeOptions struct {
	seasonality int64   // -1 detect, 0 none, > 0 the period in bins
	trend       string  // avg, linefit or none
	testPoints  int64   // trailing points left out of learning
	threshold   float64 // seasonality score threshold for detection
}

// decomposeArgs reads seasonality, trend, test_points and seasonality_threshold from
// args starting at index first; ok is false for invalid values.
func decomposeArgs(args []types.Value, first int, defTrend string) (decomposeOptions, bool) {
	o := decomposeOptions{seasonality: -1, trend: defTrend, threshold: 0.6}
	if v, ok := optArg(args, first); ok {
		if o.seasonality, ok = asLong(v); !ok || o.seasonality < -1 {
			return o, false
		}
	}
	if v, ok := optArg(args, first+1); ok {
		o.trend = strings.ToLower(text(v))
		switch o.trend {
		case "avg", "linefit", "none":
		default:
			return o, false
		}
	}
	if v, ok := optArg(args, first+2); ok {
		if o.testPoints, ok = asLong(v); !ok || o.testPoints < 0 {
			return o, false
		}
	}
	if v, ok := optArg(args, first+3); ok {
		if o.threshold, ok = asReal(v); !ok {
			return o, false
		}
	}
	return o, true
}

// decompose splits xs into seasonal, trend and residual components, learning from all
// but the last o.testPoints elements: seasonal is the median of the learning points in
// the same phase of the period, trend the average (or the least-squares line) of the
// deseasonalized learning points, baseline their sum and residual xs - baseline.
func decompose(xs []float64, o decomposeOptions) decomposition {
	n := len(xs)
	learn := n - int(min(o.testPoints, int64(n)))
	d := decomposition{
		baseline: make([]float64, n), seasonal: make([]float64, n),
		trend: make([]float64, n), residual: make([]float64, n),
	}
	period := int(o.seasonality)
	if period < 0 {
		period = detectPeriod(xs[:learn], o.threshold)
	}
	if period > 0 {
		// With a linefit trend the phase medians are taken after removing a first line
		// fit; otherwise the weeks of a rising series would give each phase the middle
		// week's level and leave a sawtooth in the residual.
		var pslope, picept float64
		if o.trend == "linefit" {
			pslope, picept, _ = fitLine(xs[:learn], 0)
		}
		phase := make([][]float64, period)
		for i, x := range xs[:learn] {
			if !math.IsNaN(x) {
				phase[i%period] = append(phase[i%period], x-(pslope*float64(i+1)+picept))
			}
		}
		med := make([]float64, period)
		for p, vs := range phase {
			slices.Sort(vs)
			if len(vs) > 0 {
				med[p] = percentile(vs, 50)
			}
		}
		for i := range d.seasonal {
			d.seasonal[i] = med[i%period]
		}
	}
	deseason := make([]float64, learn)
	for i := range deseason {
		deseason[i] = xs[i] - d.seasonal[i]
	}
	switch o.trend {
	case "avg":
		sum, cnt := 0.0, 0
		for _, v := range deseason {
			if !math.IsNaN(v) {
				sum += v
				cnt++
			}
		}
		if cnt > 0 {
			for i := range d.trend {
				d.trend[i] = sum / float64(cnt)
			}
		}
	case "linefit":
		slope, icept, ok := fitLine(deseason, 0)
		if ok {
			for i := range d.trend {
				d.trend[i] = slope*float64(i+1) + icept
			}
		}
	}
	for i, x := range xs {
		d.baseline[i] = d.seasonal[i] + d.trend[i]
		d.residual[i] = x - d.baseline[i]
	}
	return d
}

// detectPeriod returns the whole period from 4 points to half the series with the highest
// autocorrelation, if that reaches threshold, else 0 (see the file comment).
func detectPeriod(xs []float64, threshold float64) int {
	n := len(xs)
	mean, cnt := 0.0, 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			mean += x
			cnt++
		}
	}
	if cnt < 8 {
		return 0
	}
	// Detrend first: a trend correlates the series with itself at every lag.
	slope, icept, _ := fitLine(xs, 0)
	detrended := make([]float64, n)
	mean = 0
	for i, x := range xs {
		detrended[i] = x - (slope*float64(i+1) + icept)
		if !math.IsNaN(x) {
			mean += detrended[i]
		}
	}
	xs = detrended
	mean /= float64(cnt)
	var denom float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			denom += (x - mean) * (x - mean)
		}
	}
	if denom == 0 {
		return 0
	}
	scores := make([]float64, n/2+1)
	best := 0.0
	for p := 4; p <= n/2; p++ {
		var num float64
		for i := 0; i+p < n; i++ {
			if !math.IsNaN(xs[i]) && !math.IsNaN(xs[i+p]) {
				num += (xs[i] - mean) * (xs[i+p] - mean)
			}
		}
		scores[p] = num / denom
		best = max(best, scores[p])
	}
	if best < threshold {
		return 0
	}
	for p := 4; p <= n/2; p++ {
		if scores[p] >= 0.95*best {
			return p
		}
	}
	return 0
}

// fitLine fits y = slope*x + icept over x = offset+1, offset+2, ... skipping NaN values;
// ok is false with fewer than one point.
func fitLine(ys []float64, offset int) (slope, icept float64, ok bool) {
	var n, sx, sy, sxx, sxy float64
	for i, y := range ys {
		if math.IsNaN(y) {
			continue
		}
		x := float64(offset + i + 1)
		n++
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	if n == 0 {
		return 0, 0, false
	}
	if den := n*sxx - sx*sx; den != 0 {
		slope = (n*sxy - sx*sy) / den
	}
	return slope, (sy - slope*sx) / n, true
}

// seriesDecompose implements series_decompose(series[, seasonality[, trend[, test_points[,
// seasonality_threshold]]]]).
func seriesDecompose(_ *Context, args []types.Value) []types.Value {
	xs, ok := seriesValues(args[0])
	o, okArgs := decomposeArgs(args, 1, "avg")
	if !ok || !okArgs {
		return seriesNulls(seriesDecomposeOut)
	}
	d := decompose(xs, o)
	return []types.Value{seriesJSON(d.baseline), seriesJSON(d.seasonal), seriesJSON(d.trend), seriesJSON(d.residual)}
}

// seriesDecomposeAnomalies implements series_decompose_anomalies(series[, threshold[,
// seasonality[, trend[, test_points[, ad_method[, seasonality_threshold]]]]]]): the
// residual of series_decompose scored by series_outliers, flagged beyond ±threshold.
func seriesDecomposeAnomalies(_ *Context, args []types.Value) []types.Value {
	xs, ok := seriesValues(args[0])
	if !ok {
		return seriesNulls(seriesDecomposeAnomaliesOut)
	}
	threshold := 1.5
	if v, ok := optArg(args, 1); ok {
		if threshold, ok = asReal(v); !ok {
			return seriesNulls(seriesDecomposeAnomaliesOut)
		}
	}
	// Parameters 3-5 are series_decompose's; AD_method sits between test_points and the
	// seasonality threshold, so it is taken out before decomposeArgs reads them.
	method := ""
	dargs := append([]types.Value(nil), args...)
	if v, ok := optArg(args, 5); ok {
		method = text(v)
	}
	if len(dargs) > 6 {
		dargs[5] = dargs[6]
		dargs = dargs[:6]
	} else if len(dargs) > 5 {
		dargs = dargs[:5]
	}
	o, okArgs := decomposeArgs(dargs, 2, "avg")
	lo, hi, okMethod := outlierRange(method)
	if !okArgs || !okMethod {
		return seriesNulls(seriesDecomposeAnomaliesOut)
	}
	d := decompose(xs, o)
	learn := len(xs) - int(min(o.testPoints, int64(len(xs))))
	scores := outlierScores(d.residual, lo, hi, learn, func(float64) bool { return false })
	flags := make([]int64, len(xs))
	for i, s := range scores {
		switch {
		case s > threshold:
			flags[i] = 1
		case s < -threshold:
			flags[i] = -1
		}
	}
	return []types.Value{seriesLongs(flags), seriesJSON(scores), seriesJSON(d.baseline)}
}

// seriesDecomposeForecast implements series_decompose_forecast(series, points[,
// seasonality[, trend[, seasonality_threshold]]]): the baseline learned without the last
// points elements (trend defaults to linefit, as documented).
func seriesDecomposeForecast(_ *Context, args []types.Value) types.Value {
	xs, ok := seriesValues(args[0])
	points, okP := asLong(args[1])
	if !ok || !okP || points < 0 {
		return types.NullOf(types.Dynamic)
	}
	// Reorder to series_decompose's (seasonality, trend, test_points, threshold).
	dargs := []types.Value{args[0], {}, {}, types.NewLong(points), {}}
	for i, j := range []int{2, 3, 4} {
		if v, ok := optArg(args, j); ok {
			dargs[[]int{1, 2, 4}[i]] = v
		}
	}
	o, ok := decomposeArgs(dargs, 1, "linefit")
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	return seriesJSON(decompose(xs, o).baseline)
}

// lineStats fits a line over ys at positions offset+1... and returns its r-square, slope,
// interception, the sample variance of ys and of the residuals, and the residual sum of
// squares.
func lineStats(ys []float64, offset int) (rsq, slope, icept, variance, rvariance, ssRes float64) {
	slope, icept, _ = fitLine(ys, offset)
	var n, mean float64
	for _, y := range ys {
		if !math.IsNaN(y) {
			n++
			mean += y
		}
	}
	if n == 0 {
		return math.NaN(), 0, 0, math.NaN(), math.NaN(), 0
	}
	mean /= n
	var ssTot float64
	for i, y := range ys {
		if math.IsNaN(y) {
			continue
		}
		ssTot += (y - mean) * (y - mean)
		r := y - (slope*float64(offset+i+1) + icept)
		ssRes += r * r
	}
	rsq = 1
	if ssTot != 0 {
		rsq = 1 - ssRes/ssTot
	}
	if n > 1 {
		variance, rvariance = ssTot/(n-1), ssRes/(n-1)
	}
	return rsq, slope, icept, variance, rvariance, ssRes
}

// seriesFit2Lines implements series_fit_2lines(series) (see the file comment for the
// split convention). Series shorter than four points give nulls.
func seriesFit2Lines(_ *Context, args []types.Value) []types.Value {
	ys, ok := seriesValues(args[0])
	if !ok || len(ys) < 4 {
		return seriesNulls(seriesFit2LinesOut)
	}
	_, _, _, variance, _, _ := lineStats(ys, 0)
	var ssTot, n, mean float64
	for _, y := range ys {
		if !math.IsNaN(y) {
			n++
			mean += y
		}
	}
	mean /= n
	for _, y := range ys {
		if !math.IsNaN(y) {
			ssTot += (y - mean) * (y - mean)
		}
	}
	bestSplit, bestRes := -1, math.Inf(1)
	for s := 2; s <= len(ys)-2; s++ {
		_, _, _, _, _, l := lineStats(ys[:s], 0)
		_, _, _, _, _, r := lineStats(ys[s:], s)
		if l+r < bestRes {
			bestSplit, bestRes = s, l+r
		}
	}
	s := bestSplit
	lrsq, lslope, licept, lvar, lrvar, _ := lineStats(ys[:s], 0)
	rrsq, rslope, ricept, rvar, rrvar, _ := lineStats(ys[s:], s)
	fit := make([]float64, len(ys))
	for i := range fit {
		if i < s {
			fit[i] = lslope*float64(i+1) + licept
		} else {
			fit[i] = rslope*float64(i+1) + ricept
		}
	}
	rsq := 1.0
	if ssTot != 0 {
		rsq = 1 - bestRes/ssTot
	}
	rvariance := 0.0
	if n > 1 {
		rvariance = bestRes / (n - 1)
	}
	return []types.Value{
		types.NewReal(rsq), types.NewLong(int64(s)), types.NewReal(variance), types.NewReal(rvariance), seriesJSON(fit),
		types.NewReal(rrsq), types.NewReal(rslope), types.NewReal(ricept), types.NewReal(rvar), types.NewReal(rrvar),
		types.NewReal(lrsq), types.NewReal(lslope), types.NewReal(licept), types.NewReal(lvar), types.NewReal(lrvar),
	}
}
