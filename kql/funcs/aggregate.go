package funcs

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/types"
)

// MultiResult is implemented by aggregators whose call gives several columns: arg_max and
// arg_min (the key and each returned expression), take_any with several arguments, and
// percentiles / percentilesw (one column per percentile). Results returns one value per
// column that [AggColumns] lists for the call, in the same order; like Result it is called
// once, after all Adds and Merges. Result returns the first of them.
//
// The executor expands a `*` argument of arg_max, arg_min and take_any into plain column
// references before it calls [AggColumns] and the factory: all input columns, without the
// summarize by-columns and without columns the call already names.
type MultiResult interface {
	Aggregator
	Results() []types.Value
}

// AggColumn is one result column of an aggregate call.
type AggColumn struct {
	// Name is the column's inherent name, or "" when the call gives none and the operator
	// must pick one (Column1, ...). A name given in the query (`n = count()`) replaces it
	// for single-column calls.
	Name string
	Type types.Type
}

// AggColumns returns the result columns of the aggregate call f(args) without a name given
// in the query, following Kusto.Language's naming: count() → count_, dcount(X) → dcount_X,
// make_set(X) → set_X, take_any(X) → X, any(X) → any_X, percentile(X, 95) →
// percentile_X_95, percentiles(X, 5, 99.9) → percentile_X_5 and percentile_X_99_9,
// percentiles_array(X, ...) → percentiles_X, arg_max(T, A, B) → T, A, B.
//
// argTypes are the arguments' types; argNames their result names (the column name of a
// column reference, or the name a function such as bin() passes through), "" for an
// expression without one; consts the constant arguments' values (null Values for others).
// Calls that give one column list exactly one; the single-column rule is also what
// [Func.ResultName] gives.
func AggColumns(f *Func, argTypes []types.Type, argNames []string, consts []types.Value) ([]AggColumn, error) {
	if f.Kind != Aggregate {
		return nil, fmt.Errorf("%s() is not an aggregation function", f.Name)
	}
	name := func(i int) string {
		if i < len(argNames) {
			return argNames[i]
		}
		return ""
	}
	typ := func(i int) types.Type {
		if i < len(argTypes) {
			return argTypes[i]
		}
		return types.Unknown
	}
	switch f.Name {
	case "arg_max", "arg_min", "argmax", "argmin":
		prefix := "max"
		if f.Name == "arg_min" || f.Name == "argmin" {
			prefix = "min"
		}
		deprecated := f.Name == "argmax" || f.Name == "argmin"
		cols := make([]AggColumn, len(argTypes))
		primary := name(0)
		for i := range cols {
			n := name(i)
			switch {
			case deprecated && i > 0:
				if n == "" {
					n = fmt.Sprintf("arg%d", i)
				}
				n = primary + "_" + n
			case n == "" && i == 0:
				n = prefix + "_"
			case n == "":
				n = fmt.Sprintf("%s_%s_arg%d", prefix, primary, i)
			}
			cols[i] = AggColumn{Name: n, Type: typ(i)}
		}
		return cols, nil
	case "take_any", "any":
		if f.Name == "any" && len(argTypes) == 1 {
			break
		}
		prefix := "any_"
		if f.Name == "any" {
			prefix = ""
		}
		cols := make([]AggColumn, len(argTypes))
		for i := range cols {
			n := name(i)
			if n == "" {
				n = fmt.Sprintf("%sarg%d", prefix, i)
			}
			cols[i] = AggColumn{Name: n, Type: typ(i)}
		}
		return cols, nil
	case "percentile", "percentiles", "percentilew", "percentilesw":
		first := 1
		if f.Name == "percentilew" || f.Name == "percentilesw" {
			first = 2
		}
		var cols []AggColumn
		for i := first; i < len(argTypes); i++ {
			n := ""
			if name(0) != "" && i < len(consts) && !consts[i].IsNull() {
				n = "percentile_" + name(0) + "_" + dynNameFragment(consts[i])
			}
			cols = append(cols, AggColumn{Name: n, Type: aggPercentileType(typ(0))})
		}
		return cols, nil
	case "covariance", "covariancep", "covarianceif", "covariancepif":
		// Named after both variables: covariance(x, y) → covariance_x_y.
		t, err := f.Result(argTypes)
		if err != nil {
			return nil, err
		}
		n, _ := f.ResultName(name(0))
		if name(0) != "" && name(1) != "" {
			n += "_" + name(1)
		}
		return []AggColumn{{Name: n, Type: t}}, nil
	case "percentiles_array", "percentilesw_array":
		n := ""
		if name(0) != "" {
			n = f.Prefix + "_" + name(0)
		}
		return []AggColumn{{Name: n, Type: types.Dynamic}}, nil
	}
	t, err := f.Result(argTypes)
	if err != nil {
		return nil, err
	}
	n, _ := f.ResultName(name(0))
	return []AggColumn{{Name: n, Type: t}}, nil
}

// aggregateFuncs declares the aggregation functions.
func aggregateFuncs() []*Func {
	agg := func(name string, min, max int, naming NameRule, prefix, doc string,
		result func([]types.Type) (types.Type, error), factory AggFactory, aliases ...string) *Func {
		return &Func{Name: name, Aliases: aliases, Kind: Aggregate, MinArgs: min, MaxArgs: max,
			Result: result, Naming: naming, Prefix: prefix, Doc: doc, Agg: factory}
	}
	sumResult := func(fn string, classes ...argKind) func([]types.Type) (types.Type, error) {
		return func(args []types.Type) (types.Type, error) {
			if err := checkArgs(fn, args, classes); err != nil {
				return types.Unknown, err
			}
			return aggSumType(args[0]), nil
		}
	}
	avgResult := func(fn string, classes ...argKind) func([]types.Type) (types.Type, error) {
		return func(args []types.Type) (types.Type, error) {
			if err := checkArgs(fn, args, classes); err != nil {
				return types.Unknown, err
			}
			return aggAvgType(args[0]), nil
		}
	}
	pctResult := func(fn string, classes ...argKind) func([]types.Type) (types.Type, error) {
		return func(args []types.Type) (types.Type, error) {
			if err := checkArgs(fn, args, classes); err != nil {
				return types.Unknown, err
			}
			return aggPercentileType(args[0]), nil
		}
	}
	const (
		P  = NamePrefixFirstArg
		F  = NameFirstArg
		pv = argAny
		b  = argBool
		in = argInteger
		sm = argSummable
		or = argOrderable
		nd = argOrderable
		nu = argNumber
		dy = argDynamic
	)
	// avg takes numbers, timespans and datetimes (and dynamic numbers).
	avgCheck := func(fn string) func([]types.Type) (types.Type, error) {
		inner := avgResult(fn, pv, b)
		return func(args []types.Type) (types.Type, error) {
			if len(args) > 0 && !(args[0].IsNumeric() || args[0] == types.TimeSpan || args[0] == types.DateTime ||
				args[0] == types.Dynamic || args[0] == types.Unknown) {
				return types.Unknown, argTypeError(fn, 0, "number, timespan or datetime", args[0])
			}
			return inner(args)
		}
	}

	return []*Func{
		// count(predicate) is Kusto.Language's hidden, obsolete form of countif: its one
		// argument must be bool (Microsoft's analyser flags count(AccountName) with "A value
		// of type bool expected"), and it counts the rows where the predicate is true.
		agg("count", 0, 1, P, "count", "the number of rows in the group (with a predicate: the rows where it is true, as countif)",
			returns("count", types.Long, b), aggNewCountOrCountIf),
		agg("countif", 1, 1, P, "countif", "the number of rows in the group for which the predicate is true",
			returns("countif", types.Long, b), aggIf(aggNewCount, 0)),
		agg("dcount", 1, 2, P, "dcount", "an estimate of the number of distinct non-null values in the group",
			returns("dcount", types.Long, pv, in), aggNewDcount("dcount")),
		agg("dcountif", 2, 3, P, "dcountif", "an estimate of the number of distinct values in rows where the predicate is true",
			returns("dcountif", types.Long, pv, b, in), aggIf(aggNewDcount("dcountif"), 1)),
		agg("count_distinct", 1, 1, P, "count_distinct", "the exact number of distinct non-null values in the group",
			returns("count_distinct", types.Long, nd), aggNewCountDistinct),
		agg("count_distinctif", 2, 2, P, "count_distinctif", "the exact number of distinct values in rows where the predicate is true",
			returns("count_distinctif", types.Long, nd, b), aggIf(aggNewCountDistinct, 1)),
		agg("sum", 1, 1, P, "sum", "the sum of the values in the group (0 when there are none)",
			sumResult("sum", sm), aggNewSum),
		agg("sumif", 2, 2, P, "sumif", "the sum of the values in rows where the predicate is true",
			sumResult("sumif", sm, b), aggIf(aggNewSum, 1)),
		agg("avg", 1, 1, P, "avg", "the average of the non-null values in the group",
			avgCheck("avg"), aggNewAvg),
		agg("avgif", 2, 2, P, "avgif", "the average of the values in rows where the predicate is true",
			avgCheck("avgif"), aggIf(aggNewAvg, 1)),
		agg("min", 1, 1, P, "min", "the smallest non-null value in the group",
			returnsArg("min", 0, types.Dynamic, or), aggNewExtreme(false)),
		agg("max", 1, 1, P, "max", "the largest non-null value in the group",
			returnsArg("max", 0, types.Dynamic, or), aggNewExtreme(true)),
		agg("minif", 2, 2, P, "minif", "the smallest value in rows where the predicate is true",
			returnsArg("minif", 0, types.Dynamic, or, b), aggIf(aggNewExtreme(false), 1)),
		agg("maxif", 2, 2, P, "maxif", "the largest value in rows where the predicate is true",
			returnsArg("maxif", 0, types.Dynamic, or, b), aggIf(aggNewExtreme(true), 1)),
		agg("arg_max", 1, -1, F, "", "the row that maximizes the first argument: its value and the other arguments' values (several columns)",
			returnsArg("arg_max", 0, types.Dynamic, or, pv), aggNewArg(true)),
		agg("arg_min", 1, -1, F, "", "the row that minimizes the first argument: its value and the other arguments' values (several columns)",
			returnsArg("arg_min", 0, types.Dynamic, or, pv), aggNewArg(false)),
		agg("argmax", 1, -1, F, "", "deprecated form of arg_max that prefixes returned columns with the first argument's name",
			returnsArg("argmax", 0, types.Dynamic, or, pv), aggNewArg(true)),
		agg("argmin", 1, -1, F, "", "deprecated form of arg_min that prefixes returned columns with the first argument's name",
			returnsArg("argmin", 0, types.Dynamic, or, pv), aggNewArg(false)),
		agg("take_any", 1, -1, F, "", "the arguments' values from one arbitrary row of the group (several columns)",
			returnsArg("take_any", 0, types.Dynamic, pv), aggNewAny),
		agg("any", 1, -1, P, "any", "deprecated form of take_any that prefixes the column name with any_",
			returnsArg("any", 0, types.Dynamic, pv), aggNewAny),
		agg("take_anyif", 2, 2, F, "", "the value from one arbitrary row where the predicate is true",
			returnsArg("take_anyif", 0, types.Dynamic, pv, b), aggIf(aggNewAny, 1)),
		agg("anyif", 2, 2, P, "anyif", "deprecated form of take_anyif",
			returnsArg("anyif", 0, types.Dynamic, pv, b), aggIf(aggNewAny, 1)),
		agg("make_list", 1, 2, P, "list", "a dynamic array of the non-null values in the group",
			returns("make_list", types.Dynamic, pv, in), aggNewList("make_list", aggMaxSize, false)),
		agg("makelist", 1, 2, P, "list", "deprecated form of make_list, with a default maxSize of 128",
			returns("makelist", types.Dynamic, pv, in), aggNewList("makelist", aggLegacyMaxSize, false)),
		agg("make_list_if", 2, 3, P, "list", "a dynamic array of the values in rows where the predicate is true",
			returns("make_list_if", types.Dynamic, pv, b, in), aggIf(aggNewList("make_list_if", aggMaxSize, false), 1)),
		agg("make_list_with_nulls", 1, 1, P, "list", "a dynamic array of all the values in the group, nulls included",
			returns("make_list_with_nulls", types.Dynamic, pv), aggNewList("make_list_with_nulls", aggMaxSize, true)),
		agg("make_set", 1, 2, P, "set", "a dynamic array of the distinct non-null values in the group",
			returns("make_set", types.Dynamic, pv, in), aggNewSet("make_set", aggMaxSize)),
		agg("makeset", 1, 2, P, "set", "deprecated form of make_set, with a default maxSize of 128",
			returns("makeset", types.Dynamic, pv, in), aggNewSet("makeset", aggLegacyMaxSize)),
		agg("make_set_if", 2, 3, P, "set", "a dynamic array of the distinct values in rows where the predicate is true",
			returns("make_set_if", types.Dynamic, pv, b, in), aggIf(aggNewSet("make_set_if", aggMaxSize), 1)),
		agg("make_bag", 1, 2, P, "bag", "a property bag merging the property bags in the group",
			returns("make_bag", types.Dynamic, dy, in), aggNewBag("make_bag", aggMaxSize)),
		agg("make_dictionary", 1, 2, P, "dictionary", "deprecated form of make_bag, with a default maxSize of 128",
			returns("make_dictionary", types.Dynamic, dy, in), aggNewBag("make_dictionary", aggLegacyMaxSize)),
		agg("make_bag_if", 2, 3, P, "bag", "a property bag merging the property bags in rows where the predicate is true",
			returns("make_bag_if", types.Dynamic, dy, b, in), aggIf(aggNewBag("make_bag_if", aggMaxSize), 1)),
		agg("stdev", 1, 1, P, "stdev", "the sample standard deviation of the values in the group",
			returns("stdev", types.Real, sm), aggNewVar(true, true)),
		agg("stdevif", 2, 2, P, "stdevif", "the sample standard deviation of the values in rows where the predicate is true",
			returns("stdevif", types.Real, sm, b), aggIf(aggNewVar(true, true), 1)),
		agg("stdevp", 1, 1, P, "stdevp", "the population standard deviation of the values in the group",
			returns("stdevp", types.Real, sm), aggNewVar(false, true)),
		agg("covariance", 2, 2, P, "covariance", "the sample covariance of two expressions over the group",
			returns("covariance", types.Real, sm, sm), aggNewCov),
		agg("variance", 1, 1, P, "variance", "the sample variance of the values in the group",
			returns("variance", types.Real, sm), aggNewVar(true, false)),
		agg("varianceif", 2, 2, P, "varianceif", "the sample variance of the values in rows where the predicate is true",
			returns("varianceif", types.Real, sm, b), aggIf(aggNewVar(true, false), 1)),
		agg("variancep", 1, 1, P, "variancep", "the population variance of the values in the group",
			returns("variancep", types.Real, sm), aggNewVar(false, false)),
		agg("percentile", 2, 2, NameNone, "percentile", "the nearest-rank percentile of the values (column percentile_X_P)",
			pctResult("percentile", nd, nu), aggNewPercentile("percentile", false, false)),
		agg("percentiles", 2, -1, NameNone, "percentile", "nearest-rank percentiles of the values, one column each (percentile_X_P)",
			pctResult("percentiles", nd, nu), aggNewPercentile("percentiles", false, false)),
		agg("percentiles_array", 2, -1, NameNone, "percentiles", "nearest-rank percentiles of the values as one dynamic array",
			returns("percentiles_array", types.Dynamic, nd, pv), aggNewPercentile("percentiles_array", false, true)),
		agg("percentilew", 3, 3, NameNone, "percentile", "the weighted nearest-rank percentile of the values",
			pctResult("percentilew", nd, in, nu), aggNewPercentile("percentilew", true, false)),
		agg("percentilesw", 3, -1, NameNone, "percentile", "weighted nearest-rank percentiles of the values, one column each",
			pctResult("percentilesw", nd, in, nu), aggNewPercentile("percentilesw", true, false)),
		agg("percentilesw_array", 3, -1, NameNone, "percentile", "weighted nearest-rank percentiles as one dynamic array",
			returns("percentilesw_array", types.Dynamic, nd, in, pv), aggNewPercentile("percentilesw_array", true, true)),
		agg("binary_all_and", 1, 1, F, "", "the bitwise AND of the values in the group",
			returnsArg("binary_all_and", 0, types.Dynamic, in), aggNewBits('&')),
		agg("binary_all_or", 1, 1, F, "", "the bitwise OR of the values in the group",
			returnsArg("binary_all_or", 0, types.Dynamic, in), aggNewBits('|')),
		agg("binary_all_xor", 1, 1, F, "", "the bitwise XOR of the values in the group",
			returnsArg("binary_all_xor", 0, types.Dynamic, in), aggNewBits('^')),
	}
}
