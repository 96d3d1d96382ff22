package funcs

import (
	"sort"

	"github.com/socfeed/socfeed/kql/types"
)

// covFuncs declares the covariance family beyond covariance() itself (covariancep,
// covarianceif, covariancepif) and percentrank_tdigest.
func covFuncs() []*Func {
	agg := func(name, doc string, min, max int, result func([]types.Type) (types.Type, error), factory AggFactory, examples ...Example) *Func {
		return &Func{Name: name, Kind: Aggregate, MinArgs: min, MaxArgs: max, Naming: NamePrefixFirstArg,
			Prefix: name, Doc: doc, Result: result, Agg: factory, Examples: examples}
	}
	const covpData = `datatable(x:real, y:real)[1.0, 14.0, 2.0, 10.0, 3.0, 17.0, 4.0, 20.0, 5.0, 50.0]`
	const covIfData = `range x from 1 to 100 step 1 | extend y = iff(x % 2 == 0, x * 2, x * 3)`
	return []*Func{
		agg("covariancep", "the population covariance of two expressions over the group", 2, 2,
			returns("covariancep", types.Real, argSummable, argSummable), aggNewCovP,
			ex(`toscalar(`+covpData+` | summarize covariancep(x, y))`, "16.4")),
		agg("covarianceif", "the sample covariance of two expressions in rows where the predicate is true", 3, 3,
			returns("covarianceif", types.Real, argSummable, argSummable, argBool), aggIf(aggNewCov, 2),
			ex(`toscalar(`+covIfData+` | summarize covarianceif(x, y, x % 3 == 0))`, "2142")),
		agg("covariancepif", "the population covariance of two expressions in rows where the predicate is true", 3, 3,
			returns("covariancepif", types.Real, argSummable, argSummable, argBool), aggIf(aggNewCovP, 2),
			ex(`toscalar(`+covIfData+` | summarize covariancepif(x, y, x % 3 == 0))`, "2077.09090909091")),
		{Name: "percentrank_tdigest", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Doc:    "the percentage of a tdigest sketch's values that are at most a value (the inverse of percentile_tdigest)",
			Result: returns("percentrank_tdigest", types.Real, argDynamic, argAny), Scalar: confPercentRankTDigest,
			Examples: []Example{
				ex(`percentrank_tdigest(toscalar(range x from 1 to 200 step 1 | summarize tdigest(x)), 50)`, "25"),
				ex(`percentrank_tdigest(toscalar(range x from 1 to 4 step 1 | summarize tdigest(x)), 0)`, "0"),
			}},
	}
}

// covPAgg is the population covariance: the sample co-moment divided by n instead of n-1.
type covPAgg struct{ covAgg }

func aggNewCovP([]types.Type, []types.Value) (Aggregator, error) { return &covPAgg{}, nil }

func (a *covPAgg) Merge(other Aggregator) { a.covAgg.Merge(&aggOther[*covPAgg](a, other).covAgg) }

func (a *covPAgg) Result() types.Value {
	if a.n == 0 {
		return types.NewReal(0)
	}
	return types.NewReal(a.c / a.n)
}

// confPercentRankTDigest implements percentrank_tdigest(sketch, value): socfeed's tdigest
// keeps every value, so the rank is exact: 100 × (values ≤ value) / (all values).
func confPercentRankTDigest(_ *Context, args []types.Value) types.Value {
	_, vals, ok := confTDigest(args[0])
	v := aggScalar(args[1])
	if !ok || v.IsNull() || len(vals) == 0 {
		return types.NullOf(types.Real)
	}
	var f float64
	switch v.Type {
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		f = float64(v.I)
	default:
		x, ok := aggFloat(v)
		if !ok {
			return types.NullOf(types.Real)
		}
		f = x
	}
	n := sort.Search(len(vals), func(i int) bool { return vals[i] > f })
	return types.NewReal(100 * float64(n) / float64(len(vals)))
}
