package funcs

import (
	"math"
	"slices"

	"github.com/socfeed/socfeed/kql/types"
)

// varAgg computes variance or standard deviation with Welford's online algorithm, merged
// with Chan's formula: variance, variancep, stdev, stdevp (and their "if" forms). Sample
// forms divide by n-1 (Bessel's correction); population forms by n. Fewer values than the
// divisor needs give 0, the documented default.
type varAgg struct {
	sample, sqrt bool
	n            float64
	mean, m2     float64
}

func aggNewVar(sample, sqrt bool) AggFactory {
	return func([]types.Type, []types.Value) (Aggregator, error) {
		return &varAgg{sample: sample, sqrt: sqrt}, nil
	}
}

func (a *varAgg) Add(args []types.Value) int {
	x, ok := aggFloat(args[0])
	if !ok {
		return 0
	}
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
	return 0
}

func (a *varAgg) Merge(other Aggregator) {
	o := aggOther[*varAgg](a, other)
	if o.n == 0 {
		return
	}
	n := a.n + o.n
	d := o.mean - a.mean
	a.m2 += o.m2 + d*d*a.n*o.n/n
	a.mean += d * o.n / n
	a.n = n
}

func (a *varAgg) Result() types.Value {
	div := a.n
	if a.sample {
		div--
	}
	v := 0.0
	if div > 0 {
		v = a.m2 / div
	}
	if a.sqrt {
		v = math.Sqrt(v)
	}
	return types.NewReal(v)
}

// covAgg computes the sample covariance of two expressions (covariance-aggregation-
// function.md) over the rows where both are numbers, with a mergeable co-moment.
type covAgg struct {
	n, meanX, meanY, c float64
}

func aggNewCov([]types.Type, []types.Value) (Aggregator, error) { return &covAgg{}, nil }

func (a *covAgg) Add(args []types.Value) int {
	x, ok1 := aggFloat(args[0])
	y, ok2 := aggFloat(args[1])
	if !ok1 || !ok2 {
		return 0
	}
	a.n++
	dx := x - a.meanX
	a.meanX += dx / a.n
	a.meanY += (y - a.meanY) / a.n
	a.c += dx * (y - a.meanY)
	return 0
}

func (a *covAgg) Merge(other Aggregator) {
	o := aggOther[*covAgg](a, other)
	if o.n == 0 {
		return
	}
	n := a.n + o.n
	dx, dy := o.meanX-a.meanX, o.meanY-a.meanY
	a.c += o.c + dx*dy*a.n*o.n/n
	a.meanX += dx * o.n / n
	a.meanY += dy * o.n / n
	a.n = n
}

func (a *covAgg) Result() types.Value {
	if a.n < 2 {
		return types.NewReal(0)
	}
	return types.NewReal(a.c / (a.n - 1))
}

// percentileAgg computes nearest-rank percentiles: percentile, percentiles,
// percentiles_array and their weighted forms percentilew, percentilesw,
// percentilesw_array.
//
// Kusto estimates percentiles with a t-digest; socfeed keeps every value (the state grows
// by 16 bytes per row, reported to the memory budget) and returns the exact nearest-rank
// value: the smallest value such that P percent of the values are less or equal to it, and
// the smallest value for P = 0. The exact answer is within Kusto's documented error bound.
type percentileAgg struct {
	t       types.Type // the value type (long for int, real for decimal and dynamic)
	ps      []float64
	array   bool // percentiles_array: one dynamic column
	weights bool // the second argument is an integer weight
	ints    []int64
	floats  []float64
	w       []int64 // weights, parallel to ints or floats, when weighted
	sorted  bool
}

// aggPercentileType is the result type of percentile over t, following Kusto.Language: int
// gives long, decimal gives real.
func aggPercentileType(t types.Type) types.Type {
	switch t {
	case types.Int:
		return types.Long
	case types.Decimal, types.Dynamic, types.Unknown:
		return types.Real
	}
	return t
}

func aggUsesInts(t types.Type) bool {
	return t == types.Long || t == types.DateTime || t == types.TimeSpan
}

func aggNewPercentile(fn string, weighted, array bool) AggFactory {
	return func(argTypes []types.Type, consts []types.Value) (Aggregator, error) {
		first := 1
		if weighted {
			first = 2
		}
		a := &percentileAgg{t: aggPercentileType(argTypes[0]), array: array, weights: weighted}
		for i := first; i < len(consts); i++ {
			c := consts[i]
			if array && i == first && c.Type == types.Dynamic && !c.Null {
				// percentiles_array(x, dynamic([5, 50]))
				var err error
				types.JSON(c.S).Each(func(e types.JSON) bool {
					p, ok := aggFloat(types.DynamicScalar(e))
					if !ok || p < 0 || p > 100 {
						err = argError(fn, i, "an array of percentiles between 0 and 100", types.Dynamic)
						return false
					}
					a.ps = append(a.ps, p)
					return true
				})
				if err != nil {
					return nil, err
				}
				continue
			}
			p, err := aggConstReal(fn, consts, i)
			if err != nil {
				return nil, err
			}
			if p < 0 || p > 100 {
				return nil, argError(fn, i, "a percentile between 0 and 100", c.Type)
			}
			a.ps = append(a.ps, p)
		}
		return a, nil
	}
}

func (a *percentileAgg) Add(args []types.Value) int {
	v := aggScalar(args[0])
	if types.IsNullOrNaN(v) {
		return 0
	}
	var w int64 = 1
	if a.weights {
		wv := aggScalar(args[1])
		if wv.IsNull() || !wv.Type.IsInteger() || wv.I <= 0 {
			return 0
		}
		w = wv.I
	}
	if aggUsesInts(a.t) {
		a.ints = append(a.ints, v.I)
	} else {
		f, ok := aggFloat(v)
		if !ok {
			return 0
		}
		a.floats = append(a.floats, f)
	}
	if a.weights {
		a.w = append(a.w, w)
	}
	a.sorted = false
	return 16
}

func (a *percentileAgg) Merge(other Aggregator) {
	o := aggOther[*percentileAgg](a, other)
	a.ints = append(a.ints, o.ints...)
	a.floats = append(a.floats, o.floats...)
	a.w = append(a.w, o.w...)
	a.sorted = false
}

// sortValues sorts the values (and their weights) ascending.
func (a *percentileAgg) sortValues() {
	if a.sorted {
		return
	}
	a.sorted = true
	n := max(len(a.ints), len(a.floats))
	if !a.weights {
		slices.Sort(a.ints)
		slices.Sort(a.floats)
		return
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if aggUsesInts(a.t) {
		slices.SortStableFunc(idx, func(x, y int) int { return aggCmpInt(a.ints[x], a.ints[y]) })
		a.ints = aggPermute(a.ints, idx)
	} else {
		slices.SortStableFunc(idx, func(x, y int) int { return aggCmpFloat(a.floats[x], a.floats[y]) })
		a.floats = aggPermute(a.floats, idx)
	}
	a.w = aggPermute(a.w, idx)
}

func aggCmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func aggCmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func aggPermute[T any](s []T, idx []int) []T {
	out := make([]T, len(s))
	for i, j := range idx {
		out[i] = s[j]
	}
	return out
}

// at returns the nearest-rank value for percentile p, or false when there are no values.
func (a *percentileAgg) at(p float64) (types.Value, bool) {
	n := max(len(a.ints), len(a.floats))
	if n == 0 {
		return types.Value{}, false
	}
	a.sortValues()
	var total int64 = int64(n)
	if a.weights {
		total = 0
		for _, w := range a.w {
			total += w
		}
	}
	rank := int64(math.Ceil(p / 100 * float64(total)))
	rank = max(rank, 1)
	i := int(rank - 1)
	if a.weights {
		var cum int64
		i = n - 1
		for k, w := range a.w {
			cum += w
			if cum >= rank {
				i = k
				break
			}
		}
	}
	i = min(i, n-1)
	if aggUsesInts(a.t) {
		return types.Value{Type: a.t, I: a.ints[i]}, true
	}
	return types.NewReal(a.floats[i]), true
}

// Result returns the first percentile, or the array for percentiles_array.
func (a *percentileAgg) Result() types.Value {
	if a.array {
		buf := []byte{'['}
		for i, p := range a.ps {
			if i > 0 {
				buf = append(buf, ',')
			}
			v, ok := a.at(p)
			if !ok {
				return types.NewDynamic("[]")
			}
			buf = types.AppendDynamic(buf, v)
		}
		return types.NewDynamic(string(append(buf, ']')))
	}
	return a.Results()[0]
}

// Results returns one value per requested percentile (nulls for an empty group).
func (a *percentileAgg) Results() []types.Value {
	if a.array {
		return []types.Value{a.Result()}
	}
	out := make([]types.Value, len(a.ps))
	for i, p := range a.ps {
		v, ok := a.at(p)
		if !ok {
			v = types.NullOf(a.t)
		}
		out[i] = v
	}
	return out
}
