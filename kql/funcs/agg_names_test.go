package funcs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
)

// TestAggColumns checks result names against the documented examples (the ids are
// conformance/docs-examples.jsonl records) and Kusto.Language's naming rules.
func TestAggColumns(t *testing.T) {
	L, R, S, D, B, T := types.Long, types.Real, types.String, types.Dynamic, types.Bool, types.DateTime
	none := types.Value{}
	tests := []struct {
		src    string // where the expectation comes from
		fn     string
		types  []types.Type
		names  []string
		consts []types.Value
		want   []AggColumn
	}{
		{"has-any-operator#1", "count", nil, nil, nil, []AggColumn{{"count_", L}}},
		// summarize-operator#6 documents count(x) over a long x; Microsoft's analyser rejects
		// a non-bool argument, so the name rule is checked with a bool column.
		{"summarize-operator#6", "count", []types.Type{B}, []string{"x"}, nil, []AggColumn{{"count_x", L}}},
		{"summarize-operator#6", "countif", []types.Type{B}, []string{""}, nil, []AggColumn{{"countif_", L}}},
		{"summarize-operator#6", "dcount", []types.Type{L}, []string{"x"}, nil, []AggColumn{{"dcount_x", L}}},
		{"summarize-operator#6", "dcountif", []types.Type{L, B}, []string{"x", ""}, nil, []AggColumn{{"dcountif_x", L}}},
		{"summarize-operator#8", "sum", []types.Type{R}, []string{"y"}, nil, []AggColumn{{"sum_y", R}}},
		{"summarize-operator#8", "avg", []types.Type{R}, []string{"y"}, nil, []AggColumn{{"avg_y", R}}},
		{"summarize-operator#10", "make_set", []types.Type{R}, []string{"y"}, nil, []AggColumn{{"set_y", D}}},
		{"Kusto.Language makeset", "makeset", []types.Type{S}, []string{"y"}, nil, []AggColumn{{"set_y", D}}},
		{"stdev-aggregation-function#1", "make_list", []types.Type{L}, []string{"x"}, nil, []AggColumn{{"list_x", D}}},
		{"stdev-aggregation-function#1", "stdev", []types.Type{L}, []string{"x"}, nil, []AggColumn{{"stdev_x", R}}},
		{"stdevif-aggregation-function#1", "stdevif", []types.Type{L, B}, []string{"x", ""}, nil, []AggColumn{{"stdevif_x", R}}},
		{"make-list-if-aggregation-function#1", "make_list_if", []types.Type{S, B}, []string{"name", ""}, nil, []AggColumn{{"list_name", D}}},
		{"make-set-if-aggregation-function#1", "make_set_if", []types.Type{S, B}, []string{"name", ""}, nil, []AggColumn{{"set_name", D}}},
		{"sumif-aggregation-function#2", "sumif", []types.Type{L, B}, []string{"day_of_birth", ""}, nil, []AggColumn{{"sumif_day_of_birth", L}}},
		{"arg-max-aggregation-function#5", "max", []types.Type{T}, []string{"StartTime"}, nil, []AggColumn{{"max_StartTime", T}}},
		{"arg-min-aggregation-function#5", "min", []types.Type{T}, []string{"StartTime"}, nil, []AggColumn{{"min_StartTime", T}}},
		{"take-any-aggregation-function#1", "take_any", []types.Type{S}, []string{"State"}, nil, []AggColumn{{"State", S}}},
		{"take-anyif-aggregation-function#1", "take_anyif", []types.Type{S, B}, []string{"EventType", ""}, nil, []AggColumn{{"EventType", S}}},
		{"take_any page: any_ prefix", "any", []types.Type{S}, []string{"State"}, nil, []AggColumn{{"any_State", S}}},
		{"Kusto.Language GetAnyResult", "take_any", []types.Type{S, L}, []string{"", "n"}, nil, []AggColumn{{"any_arg0", S}, {"n", L}}},
		{"arg-min-aggregation-function#1", "arg_min", []types.Type{R, S}, []string{"BeginLat", "BeginLocation"}, nil, []AggColumn{{"BeginLat", R}, {"BeginLocation", S}}},
		{"Kusto.Language GetArgMinMaxResult", "arg_max", []types.Type{L, S}, []string{"", ""}, nil, []AggColumn{{"max_", L}, {"max__arg1", S}}},
		{"Kusto.Language GetArgMinMaxDepResult", "argmax", []types.Type{T, S}, []string{"TimeGenerated", "User"}, nil, []AggColumn{{"TimeGenerated", T}, {"TimeGenerated_User", S}}},
		{"percentiles-aggregation-function#1", "percentile", []types.Type{L, L}, []string{"DamageProperty", ""}, []types.Value{none, types.NewLong(95)}, []AggColumn{{"percentile_DamageProperty_95", L}}},
		{"percentiles-aggregation-function#2", "percentiles", []types.Type{types.Int, L, L, L}, []string{"DamageProperty"}, []types.Value{none, types.NewLong(5), types.NewLong(50), types.NewLong(95)},
			[]AggColumn{{"percentile_DamageProperty_5", L}, {"percentile_DamageProperty_50", L}, {"percentile_DamageProperty_95", L}}},
		{"percentiles-aggregation-function#3", "percentiles_array", []types.Type{R, L, L}, []string{"Value"}, []types.Value{none, types.NewLong(5), types.NewLong(25)}, []AggColumn{{"percentiles_Value", D}}},
		{"percentilesw-aggregation-function#2", "percentilesw", []types.Type{L, L, L, L, R}, []string{"LatencyBucket", "ReqCount"}, []types.Value{none, none, types.NewLong(50), types.NewLong(75), types.NewReal(99.9)},
			[]AggColumn{{"percentile_LatencyBucket_50", L}, {"percentile_LatencyBucket_75", L}, {"percentile_LatencyBucket_99_9", L}}},
		{"percentilesw-aggregation-function#3", "percentilesw_array", []types.Type{L, L, L}, []string{"LatencyBucket", "ReqCount"}, []types.Value{none, none, types.NewLong(50)}, []AggColumn{{"percentile_LatencyBucket", D}}},
		{"Kusto.Language binary_all_or", "binary_all_or", []types.Type{L}, []string{"num"}, nil, []AggColumn{{"num", L}}},
		{"Kusto.Language make_bag", "make_bag", []types.Type{D}, []string{"p"}, nil, []AggColumn{{"bag_p", D}}},
		{"count-distinct", "count_distinct", []types.Type{S}, []string{"EventType"}, nil, []AggColumn{{"count_distinct_EventType", L}}},
	}
	for _, tt := range tests {
		got, err := AggColumns(lookupAgg(t, tt.fn), tt.types, tt.names, tt.consts)
		if err != nil {
			t.Errorf("%s: AggColumns(%s): %v", tt.src, tt.fn, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: AggColumns(%s) (-want +got):\n%s", tt.src, tt.fn, diff)
		}
	}
}
