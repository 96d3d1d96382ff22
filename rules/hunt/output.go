package hunt

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/socfeed/socfeed/kql/types"
)

// topEntities is how many entities the summaries list.
const topEntities = 10

// WriteJSON writes res as one JSON document:
//
//	{"findings": [{"rule": {...}, "window": {"start", "end"}, "title", "description",
//	  "severity", "tactics", "columns": [{"name", "type"}], "rows": [{column: value}],
//	  "entities": [{"type", "identifiers": {name: value}}], "customDetails": {key: [values]},
//	  "properties": {name: [values]}}],
//	 "summary": {...}}
//
// Row values keep their KQL types: numbers and bools as JSON numbers and bools, dynamic
// values as JSON, datetimes as RFC 3339 text, timespans as `[d.]hh:mm:ss[.fffffff]`,
// nulls as null. A hunting query's window has a null start.
func WriteJSON(w io.Writer, res *Result) error {
	doc := jsonDoc{Findings: []jsonFinding{}, Summary: toJSONSummary(Summarize(res, topEntities))}
	for _, f := range res.Findings {
		doc.Findings = append(doc.Findings, toJSONFinding(f))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

type jsonDoc struct {
	Findings []jsonFinding `json:"findings"`
	Summary  jsonSummary   `json:"summary"`
}

type jsonRule struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Severity   string   `json:"severity"`
	Tactics    []string `json:"tactics"`
	Techniques []string `json:"techniques"`
	File       string   `json:"file,omitempty"`
}

type jsonWindow struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

type jsonColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type jsonEntity struct {
	Type        string     `json:"type"`
	Identifiers orderedMap `json:"identifiers"`
}

type jsonFinding struct {
	Rule          jsonRule       `json:"rule"`
	Window        jsonWindow     `json:"window"`
	Title         string         `json:"title"`
	Description   string         `json:"description,omitempty"`
	Severity      string         `json:"severity"`
	Tactics       []string       `json:"tactics"`
	Columns       []jsonColumn   `json:"columns"`
	Rows          []jsonRow      `json:"rows"`
	Entities      []jsonEntity   `json:"entities"`
	CustomDetails orderedListMap `json:"customDetails,omitempty"`
	Properties    orderedListMap `json:"properties,omitempty"`
}

type jsonSeverity struct {
	Severity string `json:"severity"`
	Findings int    `json:"findings"`
}

type jsonRuleCount struct {
	Rule     jsonRule   `json:"rule"`
	Findings int        `json:"findings"`
	Fired    jsonWindow `json:"fired"` // ends of the first and last windows that fired
}

type jsonEntityCount struct {
	jsonEntity
	Findings int `json:"findings"`
	Rules    int `json:"rules"`
}

type jsonFailure struct {
	Rule   jsonRule `json:"rule"`
	Errors []string `json:"errors"`
}

type jsonSummary struct {
	AsOf        *string           `json:"asOf"`
	Since       *string           `json:"since"`
	Until       *string           `json:"until"`
	Replay      bool              `json:"replay"`
	Rules       int               `json:"rules"`
	Runs        int               `json:"runs"`
	Suppressed  int               `json:"suppressedRuns"`
	Findings    int               `json:"findings"`
	BySeverity  []jsonSeverity    `json:"bySeverity"`
	RulesFired  []jsonRuleCount   `json:"rulesFired"`
	TopEntities []jsonEntityCount `json:"topEntities"`
	FindingSpan jsonWindow        `json:"findingWindowEnds"`
	Failures    []jsonFailure     `json:"failures"`
}

func timePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := timeText(t)
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toJSONRule(r RuleInfo) jsonRule {
	return jsonRule{ID: r.ID, Name: r.Name, Kind: r.Kind, Severity: r.Severity, Tactics: nonNil(r.Tactics), Techniques: nonNil(r.Techniques), File: r.File}
}

func toJSONEntity(e Entity) jsonEntity {
	m := orderedMap{}
	for _, id := range e.Identifiers {
		m = append(m, [2]string{id.Name, id.Value})
	}
	return jsonEntity{Type: e.Type, Identifiers: m}
}

func toJSONFinding(f Finding) jsonFinding {
	jf := jsonFinding{Rule: toJSONRule(f.Rule), Window: jsonWindow{timePtr(f.Window.Start), timePtr(f.Window.End)},
		Title: f.Title, Description: f.Description, Severity: f.Severity, Tactics: nonNil(f.Tactics),
		Columns: []jsonColumn{}, Rows: []jsonRow{}, Entities: []jsonEntity{},
		CustomDetails: orderedListMap(f.CustomDetails), Properties: orderedListMap(f.Properties)}
	for _, c := range f.Columns {
		jf.Columns = append(jf.Columns, jsonColumn{c.Name, c.Type.String()})
	}
	for _, r := range f.Rows {
		jf.Rows = append(jf.Rows, jsonRow{f.Columns, r})
	}
	for _, e := range f.Entities {
		jf.Entities = append(jf.Entities, toJSONEntity(e))
	}
	return jf
}

func toJSONSummary(s Summary) jsonSummary {
	js := jsonSummary{AsOf: timePtr(s.AsOf), Since: timePtr(s.Since), Until: timePtr(s.Until), Replay: s.Replay,
		Rules: s.Rules, Runs: s.Runs, Suppressed: s.Suppressed, Findings: s.Findings,
		BySeverity: []jsonSeverity{}, RulesFired: []jsonRuleCount{}, TopEntities: []jsonEntityCount{}, Failures: []jsonFailure{},
		FindingSpan: jsonWindow{timePtr(s.First), timePtr(s.Last)}}
	for _, c := range s.BySeverity {
		js.BySeverity = append(js.BySeverity, jsonSeverity{c.Severity, c.Findings})
	}
	for _, c := range s.RulesFired {
		js.RulesFired = append(js.RulesFired, jsonRuleCount{toJSONRule(c.Rule), c.Findings, jsonWindow{timePtr(c.First), timePtr(c.Last)}})
	}
	for _, c := range s.TopEntities {
		js.TopEntities = append(js.TopEntities, jsonEntityCount{toJSONEntity(c.Entity), c.Findings, c.Rules})
	}
	for _, f := range s.Failures {
		jf := jsonFailure{Rule: toJSONRule(f.Rule), Errors: []string{}}
		for _, d := range f.Diagnostics {
			jf.Errors = append(jf.Errors, d.String())
		}
		js.Failures = append(js.Failures, jf)
	}
	return js
}

// orderedMap is a JSON object of string values with keys in the given order.
type orderedMap [][2]string

func (m orderedMap) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, kv := range m {
		if i > 0 {
			b = append(b, ',')
		}
		b = types.AppendJSONString(b, kv[0])
		b = append(b, ':')
		b = types.AppendJSONString(b, kv[1])
	}
	return append(b, '}'), nil
}

// orderedListMap is a JSON object of string lists with keys in the given order.
type orderedListMap []Detail

func (m orderedListMap) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, d := range m {
		if i > 0 {
			b = append(b, ',')
		}
		b = types.AppendJSONString(b, d.Key)
		b = append(b, ':', '[')
		for j, v := range d.Values {
			if j > 0 {
				b = append(b, ',')
			}
			b = types.AppendJSONString(b, v)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// jsonRow is one result row as a JSON object with keys in column order.
type jsonRow struct {
	cols []Column
	vals []types.Value
}

func (r jsonRow) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, c := range r.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = types.AppendJSONString(b, c.Name)
		b = append(b, ':')
		var v types.Value
		if i < len(r.vals) {
			v = r.vals[i]
		}
		b = AppendJSONValue(b, v)
	}
	return append(b, '}'), nil
}

// AppendJSONValue appends v as JSON: null for nulls; numbers and bools as themselves
// (non-finite reals as the strings "NaN", "Infinity" and "-Infinity"); dynamic values as
// their JSON; everything else as its KQL text in a JSON string.
func AppendJSONValue(b []byte, v types.Value) []byte {
	if v.IsNull() && v.Type != types.String {
		return append(b, "null"...)
	}
	switch v.Type {
	case types.Bool:
		return strconv.AppendBool(b, v.I != 0)
	case types.Int, types.Long:
		return strconv.AppendInt(b, v.I, 10)
	case types.Real:
		switch {
		case math.IsNaN(v.F):
			return append(b, `"NaN"`...)
		case math.IsInf(v.F, 1):
			return append(b, `"Infinity"`...)
		case math.IsInf(v.F, -1):
			return append(b, `"-Infinity"`...)
		}
		return strconv.AppendFloat(b, v.F, 'g', -1, 64)
	case types.Decimal:
		if json.Valid([]byte(v.S)) {
			return append(b, v.S...)
		}
	case types.Dynamic:
		if json.Valid([]byte(v.S)) {
			return append(b, v.S...)
		}
	}
	return types.AppendJSONString(b, v.String())
}

// maxTableRows is how many rows of a finding the table format prints.
const maxTableRows = 10

// WriteTable writes res for a person at a terminal: each finding with its rule, window,
// entities, details and first rows, then a summary (findings by severity, the rules that
// fired, the top entities, the time range and the rules that failed and why), which is
// what a responder reads first.
func WriteTable(w io.Writer, res *Result) error {
	var b bytes.Buffer
	for i, f := range res.Findings {
		if i > 0 {
			b.WriteByte('\n')
		}
		writeFinding(&b, i+1, f)
	}
	if len(res.Findings) > 0 {
		b.WriteByte('\n')
	}
	writeSummary(&b, Summarize(res, topEntities))
	_, err := w.Write(b.Bytes())
	return err
}

func sevLabel(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func windowText(w Window) string {
	if w.Start.IsZero() {
		return "up to " + timeText(w.End)
	}
	return "(" + timeText(w.Start) + ", " + timeText(w.End) + "]"
}

func writeFinding(b *bytes.Buffer, n int, f Finding) {
	fmt.Fprintf(b, "#%d [%s] %s\n", n, sevLabel(f.Severity), f.Title)
	fmt.Fprintf(b, "  rule:     %s (%s", f.Rule.Name, f.Rule.Kind)
	if f.Rule.ID != "" && f.Rule.ID != f.Rule.Name {
		fmt.Fprintf(b, ", id %s", f.Rule.ID)
	}
	fmt.Fprintf(b, ") %s\n", f.Rule.File)
	fmt.Fprintf(b, "  window:   %s, %d row(s)\n", windowText(f.Window), len(f.Rows))
	if len(f.Tactics) > 0 || len(f.Rule.Techniques) > 0 {
		fmt.Fprintf(b, "  att&ck:   %s\n", strings.Join(append(append([]string{}, f.Tactics...), f.Rule.Techniques...), ", "))
	}
	if len(f.Entities) > 0 {
		var es []string
		for _, e := range f.Entities[:min(len(f.Entities), 8)] {
			es = append(es, e.String())
		}
		more := ""
		if len(f.Entities) > 8 {
			more = fmt.Sprintf(" (+%d more)", len(f.Entities)-8)
		}
		fmt.Fprintf(b, "  entities: %s%s\n", strings.Join(es, "; "), more)
	}
	for _, d := range f.CustomDetails {
		fmt.Fprintf(b, "  detail:   %s = %s\n", d.Key, strings.Join(d.Values, ", "))
	}
	for _, d := range f.Properties {
		fmt.Fprintf(b, "  property: %s = %s\n", d.Key, strings.Join(d.Values, ", "))
	}
	if len(f.Columns) == 0 || len(f.Rows) == 0 {
		return
	}
	// Columns empty in every shown row (a rule that projects nothing keeps all of a
	// table's ~100 columns) are left out of the grid and counted; JSON and CSV keep them.
	shown := f.Rows[:min(len(f.Rows), maxTableRows)]
	var keep []int
	for i := range f.Columns {
		for _, row := range shown {
			if i < len(row) && row[i].String() != "" {
				keep = append(keep, i)
				break
			}
		}
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	var hdr []string
	for _, i := range keep {
		hdr = append(hdr, f.Columns[i].Name)
	}
	fmt.Fprintf(tw, "    %s\n", strings.Join(hdr, "\t"))
	for _, row := range shown {
		cells := make([]string, len(keep))
		for j, i := range keep {
			if i < len(row) {
				cells[j] = cellText(row[i].String())
			}
		}
		fmt.Fprintf(tw, "    %s\n", strings.Join(cells, "\t"))
	}
	tw.Flush()
	if n := len(f.Columns) - len(keep); n > 0 {
		fmt.Fprintf(b, "    (%d empty column(s) not shown; --format json or csv has them)\n", n)
	}
	if len(f.Rows) > maxTableRows {
		fmt.Fprintf(b, "    ... %d more row(s)\n", len(f.Rows)-maxTableRows)
	}
}

// cellText makes a value fit one table cell: no tabs or newlines, at most 60 characters.
func cellText(s string) string {
	s = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

func writeSummary(b *bytes.Buffer, s Summary) {
	b.WriteString("Summary\n")
	var sev []string
	for _, c := range s.BySeverity {
		sev = append(sev, fmt.Sprintf("%s %d", sevLabel(c.Severity), c.Findings))
	}
	fmt.Fprintf(b, "  findings:   %d", s.Findings)
	if len(sev) > 0 {
		fmt.Fprintf(b, " (%s)", strings.Join(sev, ", "))
	}
	b.WriteByte('\n')
	mode := "as of " + timeText(s.AsOf)
	if s.Replay {
		mode = "replayed on schedule"
	}
	from := timeText(s.Since)
	if from == "" {
		from = "the start"
	}
	fmt.Fprintf(b, "  data:       %s to %s, %s\n", from, timeText(s.Until), mode)
	fmt.Fprintf(b, "  rules:      %d run, %d fired, %d failed; %d query run(s)", s.Rules, len(s.RulesFired), len(s.Failures), s.Runs)
	if s.Suppressed > 0 {
		fmt.Fprintf(b, ", %d suppressed", s.Suppressed)
	}
	b.WriteByte('\n')
	if s.Findings > 0 {
		fmt.Fprintf(b, "  fired:      from %s to %s\n", timeText(s.First), timeText(s.Last))
	}
	if len(s.RulesFired) > 0 {
		b.WriteString("  rules that fired:\n")
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, c := range s.RulesFired {
			fmt.Fprintf(tw, "    %d\t%s\t%s\t%s\n", c.Findings, sevLabel(c.Rule.Severity), c.Rule.Name, timeText(c.Last))
		}
		tw.Flush()
	}
	if len(s.TopEntities) > 0 {
		b.WriteString("  top entities:\n")
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, c := range s.TopEntities {
			fmt.Fprintf(tw, "    %d finding(s)\t%d rule(s)\t%s\n", c.Findings, c.Rules, cellText(c.Entity.String()))
		}
		tw.Flush()
	}
	if len(s.Failures) > 0 {
		b.WriteString("  rules that failed:\n")
		for _, f := range s.Failures {
			fmt.Fprintf(b, "    %s\n", f.Rule.Name)
			for _, d := range f.Diagnostics {
				fmt.Fprintf(b, "      %s\n", d)
			}
		}
	}
}

// WriteCSV writes one line per finding: rule_id, rule_name, kind, severity, title,
// window_start, window_end, rows, entities (as "Type:Name=Value" joined by "; "),
// tactics and techniques (joined by ","), and the rule file.
func WriteCSV(w io.Writer, res *Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"rule_id", "rule_name", "kind", "severity", "title", "window_start", "window_end", "rows", "entities", "tactics", "techniques", "file"})
	for _, f := range res.Findings {
		var es []string
		for _, e := range f.Entities {
			es = append(es, e.String())
		}
		cw.Write([]string{f.Rule.ID, f.Rule.Name, f.Rule.Kind, f.Severity, f.Title, timeText(f.Window.Start), timeText(f.Window.End),
			strconv.Itoa(len(f.Rows)), strings.Join(es, "; "), strings.Join(f.Tactics, ","), strings.Join(f.Rule.Techniques, ","), f.Rule.File})
	}
	cw.Flush()
	return cw.Error()
}
