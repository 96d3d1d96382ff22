package funcs

import (
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// kustoNaming is how Kusto.Language names the result column of each scalar function when
// the query gives no name (its Functions.cs, ResultNameKind), for the functions whose rule
// is not "none". [Default] applies it to the registry, so the rules live in one table that
// is easy to check against Kusto's; aggregates declare theirs with their entries.
//
// Kusto's NameAndFirstArgument and PrefixAndFirstArgument become
// [NamePrefixFirstArgOrNone] for scalars: `strlen(Name)` names its column strlen_Name, and
// an argument without a name gives no name. Kusto's OnlyArgument (make_datetime,
// make_timespan) depends on the number of arguments, which [Func.ResultName] does not see,
// so those keep no name. Functions that are not listed have no inherent name (Column1,
// print_0), as iff, strcat, substring and the endof* functions do.
var kustoNaming = map[string]struct {
	rule   NameRule
	prefix string
}{
	// Conversions and parsing.
	"tostring": {NameFirstArg, ""}, "tohex": {NameFirstArg, ""}, "todynamic": {NameFirstArg, ""},
	"toobject": {NameFirstArg, ""}, "tolong": {NameFirstArg, ""}, "toint": {NameFirstArg, ""},
	"toreal": {NameFirstArg, ""}, "todouble": {NameFirstArg, ""}, "todatetime": {NameFirstArg, ""},
	"totimespan": {NameFirstArg, ""}, "totime": {NameFirstArg, ""}, "tobool": {NameFirstArg, ""},
	"toboolean": {NameFirstArg, ""}, "todecimal": {NameFirstArg, ""}, "toguid": {NameFirstArg, ""},
	"parse_csv": {NameFirstArg, ""}, "parse_json": {NameFirstArg, ""}, "parsejson": {NameFirstArg, ""},
	"parse_xml": {NameFirstArg, ""}, "split": {NameFirstArg, ""},
	"strlen": {NamePrefixFirstArgOrNone, "strlen"}, "string_size": {NamePrefixFirstArgOrNone, "string_size"},
	"gettype": {NamePrefixFirstArgOrNone, "type"},
	// Dates and times.
	"format_datetime": {NameFirstArg, ""}, "format_timespan": {NameFirstArg, ""}, "startofday": {NameFirstArg, ""},
	"bin": {NameFirstArg, ""}, "floor": {NameFirstArg, ""}, "bin_at": {NameFirstArg, ""}, "bin_auto": {NameFirstArg, ""},
	// Bitwise.
	"binary_and": {NameFirstArg, ""}, "binary_or": {NameFirstArg, ""}, "binary_xor": {NameFirstArg, ""},
	"binary_not": {NameFirstArg, ""}, "binary_shift_right": {NameFirstArg, ""}, "binary_shift_left": {NameFirstArg, ""},
	"bitset_count_ones": {NameFirstArg, ""},
	// Dynamic values and series.
	"treepath": {NamePrefixFirstArgOrNone, "tree"}, "repeat": {NamePrefixFirstArgOrNone, "repeat"},
	"series_fir": {NameFirstArg, ""}, "series_iir": {NameFirstArg, ""}, "series_outliers": {NameFirstArg, ""},
	"series_fill_backward": {NameFirstArg, ""}, "series_fill_forward": {NameFirstArg, ""},
	"series_fill_const": {NameFirstArg, ""}, "series_fill_linear": {NameFirstArg, ""},
	"percentile_tdigest":        {NamePrefixFirstArgOrNone, "percentile_tdigest"},
	"percentiles_array_tdigest": {NamePrefixFirstArgOrNone, "percentile_tdigest"},
	"dcount_hll":                {NamePrefixFirstArgOrNone, "dcount_hll"},
	// Math.
	"round": {NameFirstArg, ""}, "ceiling": {NameFirstArg, ""}, "pow": {NameFirstArg, ""}, "sqrt": {NameFirstArg, ""},
	"log": {NameFirstArg, ""}, "log2": {NameFirstArg, ""}, "log10": {NameFirstArg, ""}, "exp": {NameFirstArg, ""},
	"exp2": {NameFirstArg, ""}, "exp10": {NameFirstArg, ""}, "cos": {NameFirstArg, ""}, "sin": {NameFirstArg, ""},
	"tan": {NameFirstArg, ""}, "acos": {NameFirstArg, ""}, "asin": {NameFirstArg, ""}, "atan": {NameFirstArg, ""},
	"atan2": {NameFirstArg, ""}, "abs": {NameFirstArg, ""}, "rand": {NameFirstArg, ""}, "gamma": {NameFirstArg, ""},
	"loggamma": {NameFirstArg, ""}, "erf": {NameFirstArg, ""}, "erfc": {NameFirstArg, ""},
}

// applyKustoNaming sets the naming rule of each scalar function kustoNaming lists. An
// alias shares its function's entry, so it is set through whichever name is listed.
func applyKustoNaming(fs []*Func) {
	for _, f := range fs {
		if f.Kind != Scalar {
			continue
		}
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			if k, ok := kustoNaming[n]; ok {
				f.Naming, f.Prefix = k.rule, k.prefix
				break
			}
		}
	}
}

// dynNameFragment turns a constant into a column-name fragment as Kusto does for
// percentile(x, 99.9) → percentile_x_99_9: its text with every character that is not a
// letter, digit or '_' replaced by '_'.
func dynNameFragment(v types.Value) string {
	var text string
	switch v.Type {
	case types.Real:
		text = types.FormatReal(v.F)
	default:
		text = v.String()
	}
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, text)
}
