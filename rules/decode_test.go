package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDecodeScheduled(t *testing.T) {
	r, ds := Loader{}.LoadFile("testdata/scheduled.good.yaml")
	if ds.HasErrors() || r == nil {
		t.Fatalf("LoadFile: %s", ds)
	}
	want := &Rule{
		File:                   "testdata/scheduled.good.yaml",
		Kind:                   KindScheduled,
		ID:                     "0b3fa3b8-1f4c-4a9e-9b57-3a5c7c1d2e11",
		Name:                   "Password spray followed by a successful sign-in",
		Description:            "'Finds IP addresses that fail sign-in for many accounts and then succeed for one.'\n",
		Severity:               SeverityMedium,
		Status:                 "Available",
		Version:                "1.0.2",
		RequiredDataConnectors: []DataConnector{{ConnectorID: "AzureActiveDirectory", DataTypes: []string{"SigninLogs"}, Pos: Pos{8, 5}}},
		QueryFrequency:         time.Hour,
		QueryPeriod:            24 * time.Hour,
		TriggerOperator:        TriggerGreaterThan,
		TriggerThreshold:       0,
		SuppressionDuration:    5 * time.Hour,
		Tactics:                []string{"CredentialAccess", "InitialAccess"},
		RelevantTechniques:     []string{"T1110.003", "T1078"},
		Tags: []Tag{
			{Name: "Spray", Pos: Pos{24, 5}},
			{Fields: []KeyValue{{"Schema", "ASimAuthentication"}, {"SchemaVersion", "0.1.3"}}, Pos: Pos{25, 5}},
		},
		Query: "let failures = SigninLogs\n    | where ResultType == \"50126\";\nfailures\n" +
			"| summarize Users = dcount(UserPrincipalName) by IPAddress\n| where Users > 10",
		EntityMappings: []EntityMapping{{EntityType: "IP", Pos: Pos{34, 5},
			FieldMappings: []FieldMapping{{Identifier: "Address", ColumnName: "IPAddress", Pos: Pos{36, 9}}}}},
		CustomDetails: []CustomDetail{{Key: "FailedUsers", ColumnName: "Users", Pos: Pos{39, 3}}},
		AlertDetailsOverride: &AlertDetailsOverride{
			AlertDisplayNameFormat: "Password spray from {{IPAddress}}",
			AlertDescriptionFormat: "{{Users}} accounts failed from one address",
			AlertDynamicProperties: []AlertDynamicProperty{{AlertProperty: "ProductName", Value: "SigninLogs"}},
		},
		EventGroupingSettings: &EventGroupingSettings{AggregationKind: AlertPerResult},
		IncidentConfiguration: &IncidentConfiguration{CreateIncident: true, GroupingConfiguration: &GroupingConfiguration{
			Enabled: true, LookbackDuration: 5 * time.Hour, MatchingMethod: "Selected",
			GroupByEntities: []string{"IP"}, GroupByAlertDetails: []string{"DisplayName"}, GroupByCustomDetails: []string{"FailedUsers"},
		}},
		Metadata: &Metadata{SourceKind: "Community", AuthorName: "socfeed", SupportTier: "Community",
			Domains: []string{"Security - Threat Protection", "Identity"}},
	}
	if diff := cmp.Diff(want, r, cmpopts.IgnoreUnexported(Rule{}), cmpopts.IgnoreFields(Rule{}, "Keys")); diff != "" {
		t.Errorf("LoadFile (-want +got):\n%s", diff)
	}
	if got := r.KeyPos("query"); got != (Pos{27, 1}) {
		t.Errorf("KeyPos(query) = %v, want 27:1", got)
	}
}

// TestQueryPos checks the mapping of query offsets to file positions for each scalar
// style. want lists, for a substring of the query, where its first byte was written.
func TestQueryPos(t *testing.T) {
	tests := []struct {
		name, yaml string
		find       string
		line, col  int
	}{
		{"literal", "query: |\n  A\n  | where B\n", "where", 3, 5},
		{"literal strip", "query: |-\n    A\n    | B\n", "B", 3, 7},
		{"literal explicit indent", "query: |2\n    A\n  | B\n", "A", 2, 5},
		{"literal blank lines", "query: |\n  A\n\n\n  | C\n", "C", 5, 5},
		{"literal crlf", "query: |\r\n  A\r\n  | B\r\n", "B", 3, 5},
		{"folded", "query: >\n  A\n  | B\n", "B", 3, 5},
		{"folded space is the line break", "query: >\n  A\n  | B\n", " |", 2, 4},
		{"plain", "query: A | where B\n", "where", 1, 12},
		{"plain multi-line", "query: A\n  | where B\n", "where", 2, 5},
		{"single quoted", "query: 'A | where B == ''x'''\n", "'x'", 1, 24},
		{"double quoted escapes", `query: "A\n| where B == \"x\""` + "\n", `"x"`, 1, 25},
		{"double quoted unicode", `query: "\u00e9 | B"` + "\n", "B", 1, 18},
		{"indented key", "x:\n  y: 1\nquery: |\n    A\n    | B\n", "B", 5, 7},
		{"first byte", "query: |\n  SigninLogs\n", "SigninLogs", 2, 3},
		{"anchor", "query: &q |\n  A\n  | B\n", "B", 3, 5},
		{"tag", "query: !!str 'A | B'\n", "B", 1, 19},
		{"non-ASCII before", "name: é\nquery: é | B\n", "B", 2, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := Loader{}.Load("t.yaml", []byte(tt.yaml))
			if r == nil {
				t.Fatalf("Load(%q) = nil", tt.yaml)
			}
			off := strings.Index(r.Query, tt.find)
			if off < 0 {
				t.Fatalf("query %q does not hold %q", r.Query, tt.find)
			}
			if line, col := r.QueryPos(off); line != tt.line || col != tt.col {
				t.Errorf("QueryPos(%d) in %q = %d:%d, want %d:%d", off, r.Query, line, col, tt.line, tt.col)
			}
		})
	}
}

func TestQueryPosEnds(t *testing.T) {
	r, _ := Loader{}.Load("t.yaml", []byte("query: |-\n  A\n  | B\nname: x\n"))
	if line, col := r.QueryPos(len(r.Query)); line != 3 || col != 6 {
		t.Errorf("QueryPos(end) = %d:%d, want 3:6", line, col)
	}
	if line, col := r.QueryPos(-5); line != 2 || col != 3 {
		t.Errorf("QueryPos(-5) = %d:%d, want 2:3", line, col)
	}
	var empty Rule
	if line, col := empty.QueryPos(3); line != 0 || col != 0 {
		t.Errorf("QueryPos on a rule without a file = %d:%d, want 0:0", line, col)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"5m", 5 * time.Minute, ""},
		{"1h", time.Hour, ""},
		{"1d", 24 * time.Hour, ""},
		{"14d", 14 * 24 * time.Hour, ""},
		{"30s", 30 * time.Second, ""},
		{"PT1H", time.Hour, ""},
		{"P1D", 24 * time.Hour, ""},
		{"PT5M30S", 5*time.Minute + 30*time.Second, ""},
		{"P1DT12H", 36 * time.Hour, ""},
		{"P2W", 14 * 24 * time.Hour, ""},
		{"", 0, "found empty text"},
		{"2H", 0, `expected a lower-case duration unit, found "H"`},
		{"1w", 0, `expected a duration unit 's', 'm', 'h' or 'd', found "w"`},
		{"h", 0, `found "h"`},
		{"7d // comment", 0, `'//' starts no comment in YAML, use '#'`},
		{"7dd", 0, `found "7dd" with text after "7d"`},
		{"P1M", 0, "years or months"},
		{"PT", 0, "expected an ISO 8601 duration"},
		{"P1H", 0, "expected an ISO 8601 duration"},
		{"PT1H1H", 0, "expected an ISO 8601 duration"},
		{"pt1h", 0, "expected an ISO 8601 duration"},
		{"99999999999d", 0, "out of range"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("ParseDuration(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseDuration(%q) = %v, %v, want error containing %q", tt.in, got, err, tt.wantErr)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, d := range []time.Duration{5 * time.Minute, 90 * time.Minute, time.Hour, 24 * time.Hour, 14 * 24 * time.Hour, 30 * time.Second} {
		s := FormatDuration(d)
		if back, err := ParseDuration(s); err != nil || back != d {
			t.Errorf("ParseDuration(FormatDuration(%v) = %q) = %v, %v", d, s, back, err)
		}
	}
}

func TestTriggerFires(t *testing.T) {
	tests := []struct {
		op               TriggerOperator
		count, threshold int
		want             bool
	}{
		{TriggerGreaterThan, 1, 0, true},
		{TriggerGreaterThan, 0, 0, false},
		{TriggerLessThan, 0, 1, true},
		{TriggerEqual, 3, 3, true},
		{TriggerNotEqual, 3, 3, false},
		{"", 5, 0, false},
	}
	for _, tt := range tests {
		if got := tt.op.Fires(tt.count, tt.threshold); got != tt.want {
			t.Errorf("%q.Fires(%d, %d) = %v, want %v", tt.op, tt.count, tt.threshold, got, tt.want)
		}
	}
}

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "a.yaml", Line: 3, Col: 5, Msg: "bad"}, "a.yaml:3:5: bad"},
		{Diagnostic{File: "a.yaml", Line: 3, Col: 5, Severity: Warning, Msg: "odd"}, "a.yaml:3:5: warning: odd"},
		{Diagnostic{File: "a.yaml", Msg: "read: no such file"}, "a.yaml: read: no such file"},
		{Diagnostic{Line: 1, Col: 2, Msg: "bad"}, "1:2: bad"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestLoadKQL(t *testing.T) {
	r, ds := Loader{}.LoadKQL("q/Rare logons.kql", []byte("SigninLogs\n| take 10\n"))
	if len(ds) != 0 {
		t.Fatalf("LoadKQL: %s", ds)
	}
	if r.Name != "Rare logons" || r.Kind != KindHunting {
		t.Errorf("Name, Kind = %q, %v", r.Name, r.Kind)
	}
	if line, col := r.QueryPos(strings.Index(r.Query, "take")); line != 2 || col != 3 {
		t.Errorf("QueryPos(take) = %d:%d, want 2:3", line, col)
	}
	if _, ds := (Loader{}).LoadKQL("e.kql", []byte(" \n")); !ds.HasErrors() {
		t.Errorf("LoadKQL of blank text gives no error")
	}
}
