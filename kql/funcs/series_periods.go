package funcs

import (
	"math"
	"sort"

	"github.com/socfeed/socfeed/kql/types"
)

// This file implements series_periods_detect and series_periods_validate. Kusto does not
// publish its period detector; the reference pages fix the interface (periods of 4 points
// up to half the series, scores between 0 and 1, 0 padding, at most 16 periods to
// validate) and socfeed fills in the algorithm:
//
//   - The series is detrended by its least-squares line (a trend makes the series look
//     like itself at every lag), and the score of a period p is the autocorrelation of the
//     detrended series at lag p (the biased estimator, which lies in [-1, 1]).
//   - A score that does not exceed the 95% bound of white noise, 2/√n, is 0: the period is
//     not significant. This is why the page's five-day period (10 points) scores 0.
//   - series_periods_detect takes the lags that are the highest autocorrelation within
//     ±20% of themselves (so the side lobes 12 and 16 next to a period of 14 are not
//     periods), moves each by at most one bin to where a repeating pattern explains most
//     of the variance, and drops multiples of a better period that explain little more
//     than it (28 repeats the 14 of the page's example; a week of hourly data adds the
//     weekend to its daily period and is kept). It returns the best num_periods by score,
//     padded with 0.
//   - series_periods_validate scores non-integer periods by interpolating the
//     autocorrelation between the two nearest lags.
//
// The page's example finds the period 14 and nothing else, as documented; its score here
// is 0.75 where Kusto prints 0.84, since the two detectors measure differently.

var (
	seriesPeriodsDetectOut = []seriesOutput{
		{"periods", types.Dynamic}, {"periods_scores", types.Dynamic},
	}
	seriesPeriodsValidateOut = []seriesOutput{
		{"periods", types.Dynamic}, {"scores", types.Dynamic},
	}
)

// periodsMaxValidate is how many periods series_periods_validate accepts.
const periodsMaxValidate = 16

// seriesPeriodsFuncs declares series_periods_detect and series_periods_validate.
func seriesPeriodsFuncs() []*Func {
	const traffic = `dynamic([80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, 50, 54, 47, 133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90, 71, 62, 62, 65, 165, 109, 181, 115, 182, 121, 178, 114, 170])`
	return []*Func{
		{Name: "series_periods_detect", Kind: Scalar, MinArgs: 4, MaxArgs: 4,
			Result: returns("series_periods_detect", types.Dynamic, argDynamic, argNumber, argNumber, argInteger),
			Doc:    "the most significant periods of a series in two columns: periods (in bins, best first, padded with 0) and periods_scores (0 to 1)",
			Scalar: seriesFirst(seriesPeriodsDetect),
			Examples: []Example{
				ex(`series_periods_detect(`+traffic+`, 0.0, 50.0, 2)`, `[14, 0]`),
				ex(`series_periods_detect(`+traffic+`, 0.0, 10.0, 1)`, `[0]`),
			}},
		{Name: "series_periods_validate", Kind: Scalar, MinArgs: 2, MaxArgs: 1 + periodsMaxValidate,
			Result: returns("series_periods_validate", types.Dynamic, argDynamic, argNumber),
			Doc:    "scores how well given periods fit a series, in two columns: periods (as given) and scores (0 to 1)",
			Scalar: seriesFirst(seriesPeriodsValidate),
			Examples: []Example{
				ex(`series_periods_validate(`+traffic+`, 14.0, 10.0)`, `[14.0, 10.0]`),
			}},
	}
}

// periodsACF is a detrended series with its autocorrelation at every lag up to maxLag,
// and the significance bound its scores must exceed.
type periodsACF struct {
	d     []float64 // the detrended series, mean 0 (NaN where the input is not a number)
	r     []float64 // r[k] for k = 0..maxLag
	ss    float64   // the sum of squares of d
	cnt   int       // the numbers in d
	bound float64
	n     int
}

// newPeriodsACF detrends xs (NaN elements are left out of every sum) and computes its
// autocorrelation. ok is false with fewer than 8 numbers or a constant series.
func newPeriodsACF(xs []float64, maxLag int) (periodsACF, bool) {
	n, cnt := len(xs), 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			cnt++
		}
	}
	if cnt < 8 {
		return periodsACF{}, false
	}
	slope, icept, _ := fitLine(xs, 0)
	d := make([]float64, n)
	mean := 0.0
	for i, x := range xs {
		d[i] = x - (slope*float64(i+1) + icept)
		if !math.IsNaN(x) {
			mean += d[i]
		}
	}
	mean /= float64(cnt)
	var denom float64
	for i := range d {
		if !math.IsNaN(d[i]) {
			d[i] -= mean
			denom += d[i] * d[i]
		}
	}
	if denom < 1e-12*float64(cnt) {
		return periodsACF{}, false
	}
	maxLag = min(maxLag, n-1)
	r := make([]float64, maxLag+1)
	for k := range r {
		var num float64
		for i := 0; i+k < n; i++ {
			if !math.IsNaN(d[i]) && !math.IsNaN(d[i+k]) {
				num += d[i] * d[i+k]
			}
		}
		r[k] = num / denom
	}
	return periodsACF{d: d, r: r, ss: denom, cnt: cnt, bound: 2 / math.Sqrt(float64(cnt)), n: n}, true
}

// explained is the adjusted share of the detrended series' variance that a repeating
// pattern of period p explains: 1 - (residual variance around the mean of each phase) /
// (variance), each with its degrees of freedom.
func (a periodsACF) explained(p int) float64 {
	if p < 1 || a.cnt-p <= 0 {
		return 0
	}
	sum := make([]float64, p)
	cnt := make([]float64, p)
	for i, x := range a.d {
		if !math.IsNaN(x) {
			sum[i%p] += x
			cnt[i%p]++
		}
	}
	var res float64
	for i, x := range a.d {
		if !math.IsNaN(x) {
			m := sum[i%p] / cnt[i%p]
			res += (x - m) * (x - m)
		}
	}
	return 1 - (res/float64(a.cnt-p))/(a.ss/float64(a.cnt-1))
}

// score is the significance of a (possibly fractional) period: its interpolated
// autocorrelation when that exceeds the noise bound, else 0. Periods under 4 points or over
// half the series score 0.
func (a periodsACF) score(p float64) float64 {
	if math.IsNaN(p) || p < 4 || p > float64(a.n)/2 {
		return 0
	}
	lo := int(math.Floor(p))
	if lo+1 >= len(a.r) {
		lo = len(a.r) - 1
	}
	r := a.r[lo]
	if f := p - float64(lo); f > 0 && lo+1 < len(a.r) {
		r += f * (a.r[lo+1] - r)
	}
	if r <= a.bound {
		return 0
	}
	return min(r, 1)
}

// seriesPeriodsDetect implements series_periods_detect(series, min_period, max_period,
// num_periods).
func seriesPeriodsDetect(_ *Context, args []types.Value) []types.Value {
	xs, ok := seriesValues(args[0])
	minP, ok1 := asReal(args[1])
	maxP, ok2 := asReal(args[2])
	num, ok3 := asLong(args[3])
	if !ok || !ok1 || !ok2 || !ok3 {
		return seriesNulls(seriesPeriodsDetectOut)
	}
	num = max(0, min(num, int64(len(xs))))
	periods := make([]float64, num)
	scores := make([]float64, num)
	lo := max(4, int(math.Ceil(minP)))
	hi := min(len(xs)/2, int(math.Floor(maxP)))
	if a, ok := newPeriodsACF(xs, len(xs)/2+len(xs)/5+2); ok && lo <= hi {
		type cand struct {
			p          int
			score, exp float64
		}
		var cands []cand
		seen := map[int]bool{}
		for p := lo; p <= hi; p++ {
			if a.score(float64(p)) == 0 {
				continue
			}
			// The highest autocorrelation within ±20% of the lag.
			peak := true
			w := max(1, p/5)
			for q := max(1, p-w); q <= min(len(a.r)-1, p+w); q++ {
				if a.r[q] > a.r[p] {
					peak = false
					break
				}
			}
			if !peak {
				continue
			}
			// A longer period's autocorrelation slopes across a shorter one's peak and can
			// move it by a bin: of the lag and its neighbours, take the one whose repeating
			// pattern explains the most.
			best, bestExp := p, a.explained(p)
			for _, q := range []int{p - 1, p + 1} {
				if q >= lo && q <= hi {
					if e := a.explained(q); e > bestExp {
						best, bestExp = q, e
					}
				}
			}
			if s := a.score(float64(best)); s > 0 && !seen[best] {
				seen[best] = true
				cands = append(cands, cand{best, s, bestExp})
			}
		}
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
		// A multiple of a better period is a harmonic unless its pattern explains at least
		// a fifth of what the shorter one leaves unexplained (a week of hourly data has a
		// daily period and a weekly one with weekends; a fortnight repeats a week).
		var kept []cand
		for _, c := range cands {
			harmonic := false
			for _, k := range kept {
				m := math.Round(float64(c.p) / float64(k.p))
				if m >= 2 && math.Abs(float64(c.p)-m*float64(k.p)) <= 1 && c.exp-k.exp < 0.2*(1-k.exp) {
					harmonic = true
					break
				}
			}
			if !harmonic {
				kept = append(kept, c)
			}
		}
		for i := 0; i < len(kept) && i < int(num); i++ {
			periods[i], scores[i] = float64(kept[i].p), kept[i].score
		}
	}
	return []types.Value{periodsArray(periods, true), periodsArray(scores, false)}
}

// seriesPeriodsValidate implements series_periods_validate(series, period1, ...).
func seriesPeriodsValidate(_ *Context, args []types.Value) []types.Value {
	xs, ok := seriesValues(args[0])
	if !ok {
		return seriesNulls(seriesPeriodsValidateOut)
	}
	periods := make([]float64, 0, len(args)-1)
	for _, v := range args[1:] {
		p, ok := asReal(v)
		if !ok {
			p = math.NaN()
		}
		periods = append(periods, p)
	}
	scores := make([]float64, len(periods))
	if a, ok := newPeriodsACF(xs, len(xs)/2+1); ok {
		for i, p := range periods {
			scores[i] = a.score(p)
		}
	}
	return []types.Value{periodsArray(periods, false), periodsArray(scores, false)}
}

// periodsArray writes a dynamic array of numbers: whole numbers as longs when ints is set,
// NaN as null.
func periodsArray(xs []float64, ints bool) types.Value {
	buf := []byte{'['}
	for i, x := range xs {
		if i > 0 {
			buf = append(buf, ',')
		}
		switch {
		case math.IsNaN(x):
			buf = append(buf, "null"...)
		case ints:
			buf = types.AppendDynamic(buf, types.NewLong(int64(x)))
		default:
			buf = types.AppendJSONReal(buf, x)
		}
	}
	return types.NewDynamic(string(append(buf, ']')))
}
