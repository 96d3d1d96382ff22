// Package kqltest runs KQL script tests: small text files that load tables, run queries and
// state what each query must return. The scripts are embedded in the package (testdata/*.kqltest)
// and can run against any engine that implements [Engine], so socfeed's executor and, later,
// a real Kusto cluster are held to the same expectations. [Run] runs every embedded script as
// subtests; [Parse] reads one script into a [File] of [Case] values, and [Files] returns every
// embedded script (for example to seed a parser fuzzer with their queries). An engine's known
// failures travel as a skip list ([Skip]) of case IDs (File:Line) with a reason for each.
// Package exectest adapts socfeed's executor (package exec) to [Engine].
//
// # Script format
//
// A script is read line by line. Outside a block, blank lines and lines starting with '#' are
// ignored. There are two kinds of block.
//
// A table block declares a table, replacing any earlier table of the same name in the file:
//
//	table T (Name:string, N:long, When:datetime, D:dynamic)
//	a,1,2024-01-01T00:00:00Z,"{""k"":1}"
//	b,,2024-01-02T00:00:00Z,
//	end
//
// The rows are CSV (RFC 4180, so quote fields that hold commas or quotes) up to a line `end`.
// `table T (...) json` reads JSON lines instead, one object per row keyed by column name
// (a missing key or JSON null is a null); `table T (...) file NAME` reads testdata/NAME
// (CSV, or JSON lines when NAME ends in .json or .jsonl) and has no body or `end`.
// Cell text is KQL literal text of the column's type: datetimes like 2024-01-01T00:00:00Z,
// timespans like 01:30:00 or 1.00:00:00, bools true/false, dynamic values as JSON. An empty
// cell is null, except in a string column, where it is the empty string (KQL strings are
// never null). A blank CSV line is skipped, so write "" for a row that is one empty cell.
//
// A query block runs a query over the tables declared above it and asserts exactly one kind of
// result:
//
//	query
//	T | where N > 0 | project Name
//	expect
//	Name:string
//	a
//	end
//
// Text after `query` on the same line is the query's first line; every line up to the line
// that starts with `expect` belongs to the query. The expectation is one of:
//
//   - `expect`: a header of typed columns (`Name:type, ...`), then CSV rows up to `end`. The
//     result must have exactly these column names, in order, with these types, and the same
//     rows in any order (a multiset).
//   - `expect ordered`: the same, but the rows must come in this order.
//   - `expect empty`: the query succeeds and returns no rows.
//   - `expect error` or `expect error msg: FRAGMENT`: the query fails (to parse, check or
//     run); the error text contains FRAGMENT, compared case-insensitively.
//   - `expect warn` or `expect warn msg: FRAGMENT`: the query succeeds with a warning that
//     contains FRAGMENT.
//
// Queries may contain the placeholder ${testdata}, replaced by a directory holding the
// package's testdata files (see [TestdataDir]), for operators such as externaldata that read
// files.
//
// # Comparing values
//
// Expected cells are compared with result cells by the expected column type: string exactly;
// int and long as integers; real within a relative tolerance of 1e-9 (NaN, Infinity and
// -Infinity by name); datetime and timespan as 100 ns ticks after parsing both sides, so
// 2024-01-01T00:00:00Z equals 2024-01-01T00:00:00.0000000Z; bool case-insensitively; guid
// case-insensitively; decimal as exact numbers; dynamic structurally as JSON (object key
// order does not matter, numbers compare by value). An empty cell is null. Real printing is
// asserted by converting to string in the query (tostring(x)), where the comparison is exact.
package kqltest

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Column is a named, typed column. Type is a KQL type name (`string`, `long`, `int`, `real`,
// `decimal`, `bool`, `datetime`, `timespan`, `guid`, `dynamic`); the runner normalizes the
// aliases (`double`, `boolean`, `date`, `time`, `uniqueid`, `int64`, `int32`).
type Column struct {
	Name string
	Type string
}

// Table is a table a script loads: its columns and rows of cell text. A cell is the KQL
// literal text of its column's type; the empty text is null, or the empty string in a string
// column.
type Table struct {
	Name    string
	Columns []Column
	Rows    [][]string
}

// Result is what a query returned: one table of typed columns and rows of cell text, and the
// query's warnings. Cells follow the same text form as [Table] cells, as Kusto prints them:
// datetimes in ISO 8601 (2024-01-01T00:00:00Z, any number of fraction digits), timespans as
// [-][d.]hh:mm:ss[.fffffff], reals as decimal or exponent text, dynamic values as JSON and
// null as the empty text.
type Result struct {
	Columns  []Column
	Rows     [][]string
	Warnings []string
}

// Engine is a KQL engine under test.
//
// The runner calls its methods from one goroutine, in order: Load, then Query, for each case.
// Load replaces every table the engine holds with the given ones (the tables declared so far
// in the script); the runner does not modify the tables after the call. Query runs one query
// text (which may hold let statements) over them and returns its single result table, or an
// error whose text is compared with `expect error msg:` fragments.
type Engine interface {
	Load(tables ...Table) error
	Query(ctx context.Context, query string) (*Result, error)
}

// ExpectKind is the kind of result a case asserts.
type ExpectKind int

const (
	ExpectTable   ExpectKind = iota // a table whose rows may come in any order
	ExpectOrdered                   // a table whose rows must come in the given order
	ExpectEmpty                     // a successful result with no rows
	ExpectError                     // a failure whose text contains Msg
	ExpectWarn                      // a success with a warning that contains Msg
)

func (k ExpectKind) String() string {
	switch k {
	case ExpectTable:
		return "expect"
	case ExpectOrdered:
		return "expect ordered"
	case ExpectEmpty:
		return "expect empty"
	case ExpectError:
		return "expect error"
	case ExpectWarn:
		return "expect warn"
	}
	return fmt.Sprintf("ExpectKind(%d)", int(k))
}

// Case is one query block of a script with the tables declared above it.
type Case struct {
	File   string  // script name, such as "where.kqltest"
	Line   int     // line of the `query` keyword; File:Line names the case
	Tables []Table // tables declared above the query, in declaration order
	Query  string
	Kind   ExpectKind
	Msg    string     // fragment for ExpectError and ExpectWarn; may be empty
	Header []Column   // expected columns for ExpectTable and ExpectOrdered
	Rows   [][]string // expected rows for ExpectTable and ExpectOrdered
	// RowLines gives the script line of each expected row, for messages.
	RowLines []int
}

// ID returns the case's name, File:Line, as used in skip lists and subtest names.
func (c *Case) ID() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

// File is a parsed script.
type File struct {
	Name  string
	Cases []*Case
}

// Check runs c's query on e and returns nil when the result matches the expectation, or an
// error that describes the difference. testdata replaces ${testdata} in the query.
func (c *Case) Check(ctx context.Context, e Engine, testdata string) error {
	if err := e.Load(c.Tables...); err != nil {
		return fmt.Errorf("load tables: %v", err)
	}
	q := strings.ReplaceAll(c.Query, "${testdata}", testdata)
	res, err := e.Query(ctx, q)
	switch c.Kind {
	case ExpectError:
		if err == nil {
			return fmt.Errorf("query succeeded, want an error containing %q; got:\n%s", c.Msg, formatResult(res))
		}
		if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.Msg)) {
			return fmt.Errorf("error = %q, want it to contain %q", err.Error(), c.Msg)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("query failed: %v", err)
	}
	if res == nil {
		return fmt.Errorf("query returned no result")
	}
	switch c.Kind {
	case ExpectWarn:
		for _, w := range res.Warnings {
			if strings.Contains(strings.ToLower(w), strings.ToLower(c.Msg)) {
				return nil
			}
		}
		return fmt.Errorf("warnings = %q, want one containing %q", res.Warnings, c.Msg)
	case ExpectEmpty:
		if len(res.Rows) != 0 {
			return fmt.Errorf("got %d rows, want none:\n%s", len(res.Rows), formatResult(res))
		}
		return nil
	}
	return c.compareTable(res)
}

// compareTable checks res against the expected header and rows.
func (c *Case) compareTable(res *Result) error {
	var problems []string
	if !sameHeader(c.Header, res.Columns) {
		problems = append(problems, fmt.Sprintf("columns (-want +got):\n-%s\n+%s", formatHeader(c.Header), formatHeader(res.Columns)))
	}
	for i, r := range res.Rows {
		if len(r) != len(res.Columns) {
			return fmt.Errorf("result row %d has %d cells for %d columns", i+1, len(r), len(res.Columns))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s\nwant:\n%s\ngot:\n%s", strings.Join(problems, "\n"), formatTable(c.Header, c.Rows), formatResult(res))
	}
	if c.Kind == ExpectOrdered {
		if diff := c.orderedDiff(res.Rows); diff != "" {
			return fmt.Errorf("rows (-want +got):\n%s", diff)
		}
		return nil
	}
	if diff := c.multisetDiff(res.Rows); diff != "" {
		return fmt.Errorf("rows in any order (-want +got):\n%s", diff)
	}
	return nil
}

func sameHeader(want, got []Column) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i].Name != got[i].Name || normType(want[i].Type) != normType(got[i].Type) {
			return false
		}
	}
	return true
}

func (c *Case) rowsEqual(want, got []string) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if !cellEqual(normType(c.Header[i].Type), want[i], got[i]) {
			return false
		}
	}
	return true
}

func (c *Case) orderedDiff(got [][]string) string {
	var b strings.Builder
	n := max(len(c.Rows), len(got))
	bad := false
	for i := 0; i < n; i++ {
		switch {
		case i >= len(c.Rows):
			fmt.Fprintf(&b, "+%s\n", formatRow(got[i]))
			bad = true
		case i >= len(got):
			fmt.Fprintf(&b, "-%s\n", formatRow(c.Rows[i]))
			bad = true
		case c.rowsEqual(c.Rows[i], got[i]):
			fmt.Fprintf(&b, " %s\n", formatRow(got[i]))
		default:
			fmt.Fprintf(&b, "-%s%s\n+%s\n", formatRow(c.Rows[i]), c.rowLine(i), formatRow(got[i]))
			bad = true
		}
	}
	if !bad {
		return ""
	}
	return b.String()
}

// multisetDiff matches each expected row with an equal result row; what is left on either
// side is the difference.
func (c *Case) multisetDiff(got [][]string) string {
	used := make([]bool, len(got))
	var missing []string
	for i, w := range c.Rows {
		found := false
		for j, g := range got {
			if !used[j] && c.rowsEqual(w, g) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			missing = append(missing, "-"+formatRow(w)+c.rowLine(i))
		}
	}
	var extra []string
	for j, g := range got {
		if !used[j] {
			extra = append(extra, "+"+formatRow(g))
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return strings.Join(append(missing, extra...), "\n") + "\n"
}

// rowLine returns "  (File:Line)" for expected row i, or "" when its line is unknown.
func (c *Case) rowLine(i int) string {
	if i < len(c.RowLines) {
		return fmt.Sprintf("  (%s:%d)", c.File, c.RowLines[i])
	}
	return ""
}

func formatHeader(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Name + ":" + c.Type
	}
	return strings.Join(parts, ", ")
}

func formatRow(r []string) string {
	parts := make([]string, len(r))
	for i, s := range r {
		if s == "" || strings.ContainsAny(s, ",\"\n") {
			s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

func formatTable(h []Column, rows [][]string) string {
	var b strings.Builder
	b.WriteString("  " + formatHeader(h) + "\n")
	for _, r := range rows {
		b.WriteString("  " + formatRow(r) + "\n")
	}
	return b.String()
}

func formatResult(r *Result) string {
	if r == nil {
		return "  <nil>\n"
	}
	return formatTable(r.Columns, r.Rows)
}
