package funcs

import (
	"math"

	"github.com/socfeed/socfeed/kql/types"
)

// Series functions take numeric arrays (usually from make-series). Some return several
// columns (series_stats gives min, min_idx, max, ...): for those the Func entry's Scalar
// kernel gives the first column, [ScalarColumns] lists every column with its name, and
// [MultiKernelFor] gives the kernel that computes them all. Their dynamic forms
// (series_stats_dynamic, series_fit_line_dynamic) return one property bag instead.

// MultiKernel computes a multi-column scalar function for one row: one value per column
// that [ScalarColumns] lists.
type MultiKernel func(ctx *Context, args []types.Value) []types.Value

// seriesOutput is one output column of a multi-column series function.
type seriesOutput struct {
	suffix string
	typ    types.Type
}

var (
	seriesStatsOut = []seriesOutput{
		{"min", types.Real}, {"min_idx", types.Long}, {"max", types.Real}, {"max_idx", types.Long},
		{"avg", types.Real}, {"stdev", types.Real}, {"variance", types.Real},
	}
	seriesFitLineOut = []seriesOutput{
		{"rsquare", types.Real}, {"slope", types.Real}, {"variance", types.Real}, {"rvariance", types.Real},
		{"interception", types.Real}, {"line_fit", types.Dynamic},
	}
)

// seriesOutputs returns the columns of a multi-column series function.
func seriesOutputs(name string) ([]seriesOutput, bool) {
	switch name {
	case "series_stats":
		return seriesStatsOut, true
	case "series_fit_line":
		return seriesFitLineOut, true
	case "series_fit_2lines":
		return seriesFit2LinesOut, true
	case "series_decompose":
		return seriesDecomposeOut, true
	case "series_decompose_anomalies":
		return seriesDecomposeAnomaliesOut, true
	case "series_periods_detect":
		return seriesPeriodsDetectOut, true
	case "series_periods_validate":
		return seriesPeriodsValidateOut, true
	}
	return nil, false
}

// ScalarColumns returns the result columns of a multi-column scalar function call, named
// as Kusto names them: series_stats(x) gives series_stats_x_min, series_stats_x_min_idx,
// ...; with an argument that has no name, series_stats_min, .... ok is false for functions
// that return one column.
func ScalarColumns(f *Func, argNames []string) ([]AggColumn, bool) {
	outs, ok := seriesOutputs(f.Name)
	if !ok {
		return nil, false
	}
	prefix := f.Name + "_"
	if len(argNames) > 0 && argNames[0] != "" {
		prefix += argNames[0] + "_"
	}
	cols := make([]AggColumn, len(outs))
	for i, o := range outs {
		cols[i] = AggColumn{Name: prefix + o.suffix, Type: o.typ}
	}
	return cols, true
}

// MultiKernelFor returns the kernel of a multi-column scalar function.
func MultiKernelFor(name string) (MultiKernel, bool) {
	switch name {
	case "series_stats":
		return seriesStats, true
	case "series_fit_line":
		return seriesFitLine, true
	case "series_fit_2lines":
		return seriesFit2Lines, true
	case "series_decompose":
		return seriesDecompose, true
	case "series_decompose_anomalies":
		return seriesDecomposeAnomalies, true
	case "series_periods_detect":
		return seriesPeriodsDetect, true
	case "series_periods_validate":
		return seriesPeriodsValidate, true
	}
	return nil, false
}

// seriesValues reads a numeric array: nulls and non-numeric elements become NaN. ok is
// false when the value is not an array.
func seriesValues(v types.Value) ([]float64, bool) {
	j, ok := dynArray(v)
	if !ok {
		return nil, false
	}
	var out []float64
	j.Each(func(e types.JSON) bool {
		f, ok := aggFloat(types.DynamicScalar(e))
		if !ok {
			f = math.NaN()
		}
		out = append(out, f)
		return true
	})
	return out, true
}

func seriesNulls(outs []seriesOutput) []types.Value {
	vals := make([]types.Value, len(outs))
	for i, o := range outs {
		vals[i] = types.NullOf(o.typ)
	}
	return vals
}

// seriesStats implements series_stats(series[, ignore_nonfinite]): min, min_idx, max,
// max_idx, avg, stdev and variance (sample). Non-finite elements make every statistic null
// unless ignore_nonfinite is true, in which case they are skipped.
func seriesStats(_ *Context, args []types.Value) []types.Value {
	xs, ok := seriesValues(args[0])
	ignore := len(args) > 1 && args[1].Bool()
	if !ok {
		return seriesNulls(seriesStatsOut)
	}
	var va varAgg
	va.sample = true
	minV, maxV := math.Inf(1), math.Inf(-1)
	minI, maxI := -1, -1
	sum := 0.0
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if ignore {
				continue
			}
			return seriesNulls(seriesStatsOut)
		}
		if x < minV {
			minV, minI = x, i
		}
		if x > maxV {
			maxV, maxI = x, i
		}
		va.Add([]types.Value{types.NewReal(x)})
		sum += x
	}
	if va.n == 0 {
		return seriesNulls(seriesStatsOut)
	}
	variance := va.Result().F
	return []types.Value{
		types.NewReal(minV), types.NewLong(int64(minI)), types.NewReal(maxV), types.NewLong(int64(maxI)),
		types.NewReal(sum / va.n), types.NewReal(math.Sqrt(variance)), types.NewReal(variance),
	}
}

// seriesFitLine implements series_fit_line(series): least-squares line over x = 1..n, with
// rsquare, slope, variance (sample variance of the data), rvariance (sample variance of
// the residuals), interception and the fitted values. Null or non-numeric elements are
// skipped in the fit.
func seriesFitLine(_ *Context, args []types.Value) []types.Value {
	ys, ok := seriesValues(args[0])
	if !ok {
		return seriesNulls(seriesFitLineOut)
	}
	var n, sx, sy, sxx, sxy float64
	for i, y := range ys {
		if math.IsNaN(y) {
			continue
		}
		x := float64(i + 1)
		n++
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	if n == 0 {
		return seriesNulls(seriesFitLineOut)
	}
	slope := 0.0
	if d := n*sxx - sx*sx; d != 0 {
		slope = (n*sxy - sx*sy) / d
	}
	icept := (sy - slope*sx) / n
	mean := sy / n
	var ssTot, ssRes float64
	fit := make([]float64, len(ys))
	for i, y := range ys {
		fit[i] = slope*float64(i+1) + icept
		if math.IsNaN(y) {
			continue
		}
		ssTot += (y - mean) * (y - mean)
		r := y - fit[i]
		ssRes += r * r
	}
	rsq := 1.0
	if ssTot != 0 {
		rsq = 1 - ssRes/ssTot
	}
	variance, rvariance := 0.0, 0.0
	if n > 1 {
		variance, rvariance = ssTot/(n-1), ssRes/(n-1)
	}
	buf := []byte{'['}
	for i, f := range fit {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONReal(buf, f)
	}
	return []types.Value{
		types.NewReal(rsq), types.NewReal(slope), types.NewReal(variance), types.NewReal(rvariance),
		types.NewReal(icept), types.NewDynamic(string(append(buf, ']'))),
	}
}

// seriesBag packs a multi-column result into a property bag: series_stats_dynamic and
// series_fit_line_dynamic.
func seriesBag(outs []seriesOutput, k MultiKernel) ScalarKernel {
	return func(ctx *Context, args []types.Value) types.Value {
		vals := k(ctx, args)
		packed := make([]types.Value, 0, 2*len(outs))
		for i, o := range outs {
			packed = append(packed, types.NewString(o.suffix), vals[i])
		}
		return dynBagPack(ctx, packed)
	}
}

// seriesFirst returns a scalar kernel giving the first column of a multi-column kernel.
func seriesFirst(k MultiKernel) ScalarKernel {
	return func(ctx *Context, args []types.Value) types.Value { return k(ctx, args)[0] }
}

// seriesFuncs declares the series functions.
func seriesFuncs() []*Func {
	return []*Func{
		{Name: "series_stats", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("series_stats", types.Real, argDynamic, argBool),
			Doc:    "statistics of a numeric array in seven columns: min, min_idx, max, max_idx, avg, stdev, variance",
			Scalar: seriesFirst(seriesStats)},
		{Name: "series_stats_dynamic", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("series_stats_dynamic", types.Dynamic, argDynamic, argBool),
			Doc:    "the statistics of series_stats as one property bag",
			Scalar: seriesBag(seriesStatsOut, seriesStats),
			Examples: []Example{{Expr: `series_stats_dynamic(dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]))`,
				Want: `{"min":2.0,"min_idx":8,"max":87.0,"max_idx":3,"avg":32.8,"stdev":28.503633853548269,"variance":812.45714285714291}`}}},
		{Name: "series_fit_line", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("series_fit_line", types.Real, argDynamic),
			Doc:    "a linear regression of a numeric array in six columns: rsquare, slope, variance, rvariance, interception, line_fit",
			Scalar: seriesFirst(seriesFitLine)},
		{Name: "series_fit_line_dynamic", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("series_fit_line_dynamic", types.Dynamic, argDynamic),
			Doc:    "the linear regression of series_fit_line as one property bag",
			Scalar: seriesBag(seriesFitLineOut, seriesFitLine)},
	}
}
