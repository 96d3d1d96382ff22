package hunt

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules"
)

// sampleResult runs a rule with entity mappings and a failing rule over replayData.
func sampleResult(t *testing.T) *Result {
	t.Helper()
	r := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	r.EntityMappings = []rules.EntityMapping{{EntityType: "Account", FieldMappings: []rules.FieldMapping{{Identifier: "Name", ColumnName: "User"}}},
		{EntityType: "IP", FieldMappings: []rules.FieldMapping{{Identifier: "Address", ColumnName: "IP"}}}}
	r.CustomDetails = []rules.CustomDetail{{Key: "Who", ColumnName: "User"}}
	bad := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	bad.Name, bad.Query, bad.Severity = "Bad", "Missing", rules.SeverityLow
	hunting := &rules.Rule{File: "h.kql", Kind: rules.KindHunting, ID: "h", Name: "h", Query: "Signins"}
	res, err := Run(context.Background(), replayData(), []*rules.Rule{r, bad, hunting}, Options{Replay: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleResult(t)); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, b.String())
	}
	findings := doc["findings"].([]any)
	if len(findings) != 3 {
		t.Fatalf("findings = %d, want 3", len(findings))
	}
	f0 := findings[0].(map[string]any)
	wantRule := map[string]any{"id": "r1", "name": "Rule one", "kind": "Scheduled", "severity": "High",
		"tactics": []any{"CredentialAccess"}, "techniques": []any{"T1110"}, "file": "r.yaml"}
	if diff := cmp.Diff(wantRule, f0["rule"]); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
	wantWindow := map[string]any{"start": "2024-05-01T00:05:00Z", "end": "2024-05-01T01:05:00Z"}
	if diff := cmp.Diff(wantWindow, f0["window"]); diff != "" {
		t.Errorf("window (-want +got):\n%s", diff)
	}
	wantRows := []any{
		map[string]any{"TimeGenerated": "2024-05-01T00:10:00.0000000Z", "User": "alice", "IP": "10.0.0.1"},
		map[string]any{"TimeGenerated": "2024-05-01T00:20:00.0000000Z", "User": "bob", "IP": "10.0.0.2"},
	}
	if diff := cmp.Diff(wantRows, f0["rows"]); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	wantEntities := []any{
		map[string]any{"type": "Account", "identifiers": map[string]any{"Name": "alice"}},
		map[string]any{"type": "IP", "identifiers": map[string]any{"Address": "10.0.0.1"}},
		map[string]any{"type": "Account", "identifiers": map[string]any{"Name": "bob"}},
		map[string]any{"type": "IP", "identifiers": map[string]any{"Address": "10.0.0.2"}},
	}
	if diff := cmp.Diff(wantEntities, f0["entities"]); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"Who": []any{"alice", "bob"}}, f0["customDetails"]); diff != "" {
		t.Errorf("customDetails (-want +got):\n%s", diff)
	}
	if w := findings[2].(map[string]any)["window"].(map[string]any); w["start"] != nil {
		t.Errorf("hunting window start = %v, want null", w["start"])
	}
	s := doc["summary"].(map[string]any)
	if s["findings"] != 3.0 || s["rules"] != 3.0 || s["replay"] != true {
		t.Errorf("summary counts = %v", s)
	}
	wantSev := []any{map[string]any{"severity": "High", "findings": 2.0}, map[string]any{"severity": "", "findings": 1.0}}
	if diff := cmp.Diff(wantSev, s["bySeverity"]); diff != "" {
		t.Errorf("bySeverity (-want +got):\n%s", diff)
	}
	top := s["topEntities"].([]any)[0].(map[string]any)
	if top["type"] != "Account" || top["findings"] != 2.0 {
		t.Errorf("top entity = %v, want alice in 2 findings", top)
	}
	fails := s["failures"].([]any)
	if len(fails) != 1 || !strings.Contains(fails[0].(map[string]any)["errors"].([]any)[0].(string), `unknown table "Missing"`) {
		t.Errorf("failures = %v", fails)
	}
	// Keys come in column order.
	out := b.String()
	i, j, k := strings.Index(out, `"TimeGenerated": "2024-05-01T00:10`), strings.Index(out, `"User": "alice"`), strings.Index(out, `"IP": "10.0.0.1"`)
	if i < 0 || !(i < j && j < k) {
		t.Errorf("row keys are not in column order:\n%s", out)
	}
}

func TestWriteJSONEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, &Result{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []any          `json:"findings"`
		Summary  map[string]any `json:"summary"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Findings == nil || len(doc.Findings) != 0 {
		t.Errorf("findings = %#v, want an empty list", doc.Findings)
	}
	if _, ok := doc.Summary["failures"].([]any); !ok {
		t.Errorf("summary.failures = %#v, want a list", doc.Summary["failures"])
	}
}

func TestAppendJSONValue(t *testing.T) {
	tests := []struct {
		v    types.Value
		want string
	}{
		{types.NewLong(42), `42`},
		{types.NewInt(-1), `-1`},
		{types.NewReal(1.5), `1.5`},
		{types.NewReal(math.NaN()), `"NaN"`},
		{types.NewReal(math.Inf(-1)), `"-Infinity"`},
		{types.NewBool(true), `true`},
		{types.NullOf(types.Long), `null`},
		{types.NullOf(types.DateTime), `null`},
		{types.NewString(""), `""`},
		{types.NewString("a\"b"), `"a\"b"`},
		{types.NewDynamic(`{"a":[1,2]}`), `{"a":[1,2]}`},
		{types.NewDynamic(`null`), `null`},
		{dt("2024-05-01T00:10:00Z"), `"2024-05-01T00:10:00.0000000Z"`},
		{types.NewTimeSpan(90 * types.TicksPerMinute), `"01:30:00"`},
		{types.NewGUID("0b3fa3b8-1f4c-4a9e-9b57-3a5c7c1d2e11"), `"0b3fa3b8-1f4c-4a9e-9b57-3a5c7c1d2e11"`},
		{types.Value{}, `null`},
	}
	for _, tt := range tests {
		if got := string(AppendJSONValue(nil, tt.v)); got != tt.want {
			t.Errorf("AppendJSONValue(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, sampleResult(t)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"#1 [High] Rule one\n",
		"  window:   (2024-05-01T00:05:00Z, 2024-05-01T01:05:00Z], 2 row(s)\n",
		"  entities: Account:Name=alice; IP:Address=10.0.0.1; Account:Name=bob; IP:Address=10.0.0.2\n",
		"  detail:   Who = alice, bob\n",
		"#3 [-] h\n",
		"  window:   up to 2024-05-01T03:05:00Z, 3 row(s)\n",
		"Summary\n  findings:   3 (High 2, - 1)\n",
		"  rules:      3 run, 2 fired, 1 failed",
		"  rules that failed:\n    Bad\n      r.yaml: unknown table \"Missing\"\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table output lacks %q:\n%s", want, out)
		}
	}
	if i, j := strings.Index(out, "#3"), strings.Index(out, "Summary"); i > j {
		t.Errorf("the summary does not come last:\n%s", out)
	}
}

// TestWriteTableEmptyColumns: columns empty in every shown row are left out of the grid
// and counted.
func TestWriteTableEmptyColumns(t *testing.T) {
	f := Finding{Title: "t", Severity: "Low", Rule: RuleInfo{Name: "r", Kind: "Hunting"},
		Columns: []Column{{Name: "A", Type: types.String}, {Name: "Empty", Type: types.String}, {Name: "N", Type: types.Long}},
		Rows:    [][]types.Value{{types.NewString("x"), types.NewString(""), types.NullOf(types.Long)}, {types.NewString("y"), types.NullOf(types.String), types.NewLong(2)}}}
	var b bytes.Buffer
	writeFinding(&b, 1, f)
	out := b.String()
	for _, want := range []string{"    A  N\n", "    x  \n", "    y  2\n", "    (1 empty column(s) not shown; --format json or csv has them)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Empty") {
		t.Errorf("the empty column is shown:\n%s", out)
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sampleResult(t)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("CSV has %d records, want a header and 3 findings", len(recs))
	}
	want := []string{"r1", "Rule one", "Scheduled", "High", "Rule one", "2024-05-01T00:05:00Z", "2024-05-01T01:05:00Z", "2",
		"Account:Name=alice; IP:Address=10.0.0.1; Account:Name=bob; IP:Address=10.0.0.2", "CredentialAccess", "T1110", "r.yaml"}
	if diff := cmp.Diff(want, recs[1]); diff != "" {
		t.Errorf("first finding (-want +got):\n%s", diff)
	}
}
