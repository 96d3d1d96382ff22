package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

// TestKustoSignatureRules checks argument rules taken from Kusto.Language's declarations
// and confirmed by the corpus labels of Microsoft's analyser.
func TestKustoSignatureRules(t *testing.T) {
	reg := Default()
	S, D, L, B := types.String, types.Dynamic, types.Long, types.Bool
	tests := []struct {
		fn      string
		args    []types.Type
		want    types.Type
		wantErr string
	}{
		{"parse_json", []types.Type{S}, D, ""},
		{"todynamic", []types.Type{D}, D, ""}, // todynamic(AdditionalFields) checks clean
		{"parse_json", []types.Type{L}, types.Unknown, "parse_json(): argument 1: expected a value of type string, found long"},
		{"count", nil, L, ""},
		{"count", []types.Type{B}, L, ""},
		{"count", []types.Type{L}, types.Unknown, "count(): argument 1: expected a value of type bool, found long"},
	}
	for _, tt := range tests {
		f, ok := reg.Lookup(tt.fn)
		if !ok {
			t.Errorf("%s: not declared", tt.fn)
			continue
		}
		got, err := f.Result(tt.args)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s.Result(%v) = %s, %q, want %s, %q", tt.fn, tt.args, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

// TestResultNames checks the result-naming rules of Kusto.Language's Functions.cs
// (ResultNameKind): startofday and format_datetime name their result after their first
// argument; startofweek and the endof* functions do not.
func TestResultNames(t *testing.T) {
	reg := Default()
	tests := []struct {
		fn, arg, want string
		ok            bool
	}{
		{"startofday", "TimeGenerated", "TimeGenerated", true},
		{"format_datetime", "TimeGenerated", "TimeGenerated", true},
		{"format_timespan", "Duration", "Duration", true},
		{"parse_json", "AdditionalFields", "AdditionalFields", true},
		{"todynamic", "AdditionalFields", "AdditionalFields", true},
		{"startofweek", "TimeGenerated", "", false},
		{"startofmonth", "TimeGenerated", "", false},
		{"endofday", "TimeGenerated", "", false},
		{"bin", "TimeGenerated", "TimeGenerated", true},
		{"round", "FailureRate", "FailureRate", true}, // round(FailureRate = x * 100) in the corpus
		{"tostring", "Props", "Props", true},
		{"strlen", "Name", "strlen_Name", true},
		{"strlen", "", "", false},
		{"gettype", "x", "type_x", true},
		{"series_outliers", "y", "y", true},
		{"iff", "x", "", false},
		{"strcat", "x", "", false},
	}
	// Every declared function the naming table lists follows its rule (the table also
	// lists Kusto functions socfeed does not declare yet).
	for n, k := range kustoNaming {
		f, ok := reg.Lookup(n)
		if !ok {
			continue
		}
		if f.Naming != k.rule || f.Prefix != k.prefix {
			t.Errorf("%s: naming %d %q, want %d %q", n, f.Naming, f.Prefix, k.rule, k.prefix)
		}
	}
	for _, tt := range tests {
		f, ok := reg.Lookup(tt.fn)
		if !ok {
			t.Errorf("%s: not declared", tt.fn)
			continue
		}
		got, gotOK := f.ResultName(tt.arg)
		if got != tt.want || gotOK != tt.ok {
			t.Errorf("%s.ResultName(%q) = %q, %v, want %q, %v", tt.fn, tt.arg, got, gotOK, tt.want, tt.ok)
		}
	}
}
