package web

import (
	"sort"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/schema"
)

// maxDiagnostics is how many diagnostics a page shows; more are counted, not listed.
const maxDiagnostics = 10

// Diagnostic is one problem with a rule, ready to show: where it is, what it says, and
// the source line with a caret under the column.
type Diagnostic struct {
	Line, Col int
	Severity  string // "error" or "warning"
	Msg       string
	Source    string // the source line, tabs kept
	Caret     string // spaces (and tabs where the source has them) then '^'
}

// String formats d as "line:col: message", with "warning: " before a warning's message.
func (d Diagnostic) String() string {
	kind := ""
	if d.Severity == "warning" {
		kind = "warning: "
	}
	return strconv.Itoa(d.Line) + ":" + strconv.Itoa(d.Col) + ": " + kind + d.Msg
}

// caretLine returns line 1-based of src and the caret line pointing at byte column col.
// Tabs before the column are kept so the caret lines up however tabs are shown.
func caretLine(src string, line, col int) (text, caret string) {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return "", ""
	}
	text = strings.TrimRight(lines[line-1], "\r")
	var b strings.Builder
	for i := 0; i < col-1 && i < len(text); i++ {
		if text[i] == '\t' {
			b.WriteByte('\t')
		} else if text[i]&0xC0 != 0x80 { // one space per character, not per byte
			b.WriteByte(' ')
		}
	}
	if col-1 > len(text) {
		b.WriteString(strings.Repeat(" ", col-1-len(text)))
	}
	b.WriteByte('^')
	return text, b.String()
}

// checkQuery parses and checks a query against the table schemas and returns its
// diagnostics sorted by position, one per line, at most maxDiagnostics, and how many
// there were in all. Positions are in the query text.
func checkQuery(src string, cat *schema.Catalog, reg *funcs.Registry, fns []*syntax.LetStmt) ([]Diagnostic, int) {
	var ds []Diagnostic
	add := func(pos syntax.Pos, sev, msg string) {
		line, col := syntax.LineCol(src, pos)
		text, caret := caretLine(src, line, col)
		ds = append(ds, Diagnostic{Line: line, Col: col, Severity: sev, Msg: msg, Source: text, Caret: caret})
	}
	script, perrs := syntax.Parse(src)
	if len(perrs) > 0 {
		for _, e := range perrs {
			add(e.Pos, "error", e.Msg)
		}
	} else {
		_, cds := check.Check(script, &check.Env{Catalog: cat, Funcs: reg, Functions: fns})
		for _, d := range cds {
			sev := "error"
			if d.Severity == check.Warning {
				sev = "warning"
			}
			add(d.Pos, sev, d.Msg)
		}
	}
	return trimDiagnostics(ds)
}

// loadDiagnostics turns the rule loader's diagnostics (positions in the rule file) into
// [Diagnostic] values with the file's lines.
func loadDiagnostics(ds rules.Diagnostics, text string) ([]Diagnostic, int) {
	out := make([]Diagnostic, 0, len(ds))
	for _, d := range ds {
		sev := "error"
		if d.Severity == rules.Warning {
			sev = "warning"
		}
		src, caret := caretLine(text, d.Line, d.Col)
		out = append(out, Diagnostic{Line: d.Line, Col: d.Col, Severity: sev, Msg: d.Msg, Source: src, Caret: caret})
	}
	return trimDiagnostics(out)
}

// trimDiagnostics sorts by position, keeps the first diagnostic of each line (errors
// before warnings) and at most maxDiagnostics. It returns the count before trimming.
func trimDiagnostics(ds []Diagnostic) ([]Diagnostic, int) {
	n := len(ds)
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Severity != b.Severity {
			return a.Severity == "error"
		}
		return a.Col < b.Col
	})
	out := ds[:0]
	for _, d := range ds {
		if len(out) > 0 && out[len(out)-1].Line == d.Line && d.Line > 0 {
			continue
		}
		out = append(out, d)
	}
	if len(out) > maxDiagnostics {
		out = out[:maxDiagnostics]
	}
	return out, n
}
