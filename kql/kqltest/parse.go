package kqltest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Parse reads the script src named name. readFile, which may be nil when the script loads no
// files, returns the content of a file named by `table T (...) file NAME`. Errors are
// `name:line: message` lines joined with [errors.Join]; Parse reports every error it finds.
func Parse(name string, src []byte, readFile func(name string) ([]byte, error)) (*File, error) {
	p := &parser{name: name, lines: strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n"), readFile: readFile}
	p.parse()
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return &File{Name: name, Cases: p.cases}, nil
}

type parser struct {
	name     string
	lines    []string
	i        int // index of the next line
	readFile func(string) ([]byte, error)
	tables   []Table
	cases    []*Case
	errs     []error
}

func (p *parser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...)))
}

// next returns the next line and its 1-based number; ok is false at the end.
func (p *parser) next() (line string, n int, ok bool) {
	if p.i >= len(p.lines) {
		return "", len(p.lines), false
	}
	p.i++
	return p.lines[p.i-1], p.i, true
}

func (p *parser) parse() {
	for {
		line, n, ok := p.next()
		if !ok {
			return
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		word, rest, _ := strings.Cut(t, " ")
		switch word {
		case "table":
			p.table(strings.TrimSpace(rest), n)
		case "query":
			p.query(strings.TrimSpace(rest), n)
		default:
			p.errorf(n, "expected 'table' or 'query', found %q", word)
		}
	}
}

// body returns the lines up to a line `end`, and the number of the first of them.
func (p *parser) body(what string, start int) (lines []string, first int, ok bool) {
	first = start + 1
	for {
		line, _, more := p.next()
		if !more {
			p.errorf(start, "%s has no 'end'", what)
			return lines, first, false
		}
		if strings.TrimSpace(line) == "end" {
			return lines, first, true
		}
		lines = append(lines, line)
	}
}

// table reads `NAME (col:type, ...) [csv | json | file PATH]` and the block's rows.
func (p *parser) table(decl string, n int) {
	open := strings.IndexByte(decl, '(')
	closeAt := strings.LastIndexByte(decl, ')')
	if open < 0 || closeAt < open {
		p.errorf(n, "expected 'table NAME (col:type, ...)', found %q", decl)
		return
	}
	name := strings.TrimSpace(decl[:open])
	if !isIdent(name) {
		p.errorf(n, "expected a table name, found %q", name)
		return
	}
	cols, err := parseHeader(decl[open+1 : closeAt])
	if err != nil {
		p.errorf(n, "%v", err)
		return
	}
	t := Table{Name: name, Columns: cols}
	format, arg, _ := strings.Cut(strings.TrimSpace(decl[closeAt+1:]), " ")
	switch format {
	case "", "csv":
		lines, first, ok := p.body("table '"+name+"'", n)
		if !ok {
			return
		}
		t.Rows, err = readCSV(strings.Join(lines, "\n"), len(cols))
		if err != nil {
			p.csvError(first, err)
			return
		}
	case "json":
		lines, first, ok := p.body("table '"+name+"'", n)
		if !ok {
			return
		}
		for k, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			row, err := jsonRow([]byte(l), cols)
			if err != nil {
				p.errorf(first+k, "%v", err)
				return
			}
			t.Rows = append(t.Rows, row)
		}
	case "file":
		path := strings.TrimSpace(arg)
		if path == "" {
			p.errorf(n, "expected a file name after 'file'")
			return
		}
		if p.readFile == nil {
			p.errorf(n, "cannot read %q: no testdata files", path)
			return
		}
		data, err := p.readFile(path)
		if err != nil {
			p.errorf(n, "%v", err)
			return
		}
		if strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonl") {
			for k, l := range bytes.Split(data, []byte("\n")) {
				if len(bytes.TrimSpace(l)) == 0 {
					continue
				}
				row, err := jsonRow(l, cols)
				if err != nil {
					p.errorf(n, "%s:%d: %v", path, k+1, err)
					return
				}
				t.Rows = append(t.Rows, row)
			}
		} else {
			t.Rows, err = readCSV(string(data), len(cols))
			if err != nil {
				p.errorf(n, "%s: %v", path, err)
				return
			}
		}
	default:
		p.errorf(n, "expected 'csv', 'json' or 'file NAME' after the columns, found %q", format)
		return
	}
	for i, old := range p.tables {
		if old.Name == name {
			p.tables = append(p.tables[:i:i], p.tables[i+1:]...)
			break
		}
	}
	p.tables = append(p.tables, t)
}

// csvError reports a CSV error at its script line.
func (p *parser) csvError(first int, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.errorf(first+pe.Line-1, "%v", pe.Err)
		return
	}
	p.errorf(first, "%v", err)
}

// query reads the query text, its expectation and, for a table expectation, its rows.
func (p *parser) query(firstLine string, n int) {
	c := &Case{File: p.name, Line: n, Tables: append([]Table(nil), p.tables...)}
	var q []string
	if firstLine != "" {
		q = append(q, firstLine)
	}
	var expect string
	var en int
	for {
		line, ln, ok := p.next()
		if !ok {
			p.errorf(n, "query has no 'expect'")
			return
		}
		if strings.HasPrefix(line, "expect") {
			expect, en = strings.TrimSpace(line), ln
			break
		}
		q = append(q, line)
	}
	c.Query = strings.TrimSpace(strings.Join(q, "\n"))
	if c.Query == "" {
		p.errorf(n, "query is empty")
	}
	rest := strings.TrimSpace(strings.TrimPrefix(expect, "expect"))
	word, arg, _ := strings.Cut(rest, " ")
	arg = strings.TrimSpace(arg)
	switch word {
	case "", "ordered":
		c.Kind = ExpectTable
		if word == "ordered" {
			c.Kind = ExpectOrdered
		}
		if arg != "" {
			p.errorf(en, "unexpected %q after '%s'", arg, c.Kind)
		}
		lines, first, ok := p.body("expected table", en)
		if !ok {
			return
		}
		if len(lines) == 0 {
			p.errorf(en, "expected a header line of typed columns, found 'end'; use 'expect empty' for no rows")
			return
		}
		h, err := parseHeader(lines[0])
		if err != nil {
			p.errorf(first, "%v", err)
			return
		}
		c.Header = h
		rows, lineNos, err := readCSVLines(strings.Join(lines[1:], "\n"), len(h))
		if err != nil {
			p.csvError(first+1, err)
			return
		}
		c.Rows = rows
		for _, l := range lineNos {
			c.RowLines = append(c.RowLines, first+1+l)
		}
	case "empty":
		c.Kind = ExpectEmpty
		if arg != "" {
			p.errorf(en, "unexpected %q after 'expect empty'", arg)
		}
	case "error", "warn":
		c.Kind = ExpectError
		if word == "warn" {
			c.Kind = ExpectWarn
		}
		if arg != "" {
			msg, ok := strings.CutPrefix(arg, "msg:")
			if !ok {
				p.errorf(en, "expected 'msg:' after '%s', found %q", c.Kind, arg)
			}
			c.Msg = strings.TrimSpace(msg)
		}
	default:
		p.errorf(en, "expected 'expect', 'expect ordered', 'expect empty', 'expect error' or 'expect warn', found %q", expect)
		return
	}
	p.cases = append(p.cases, c)
}

// parseHeader reads `Name:type, ...`.
func parseHeader(s string) ([]Column, error) {
	var cols []Column
	for _, part := range splitHeader(s) {
		part = strings.TrimSpace(part)
		i := strings.LastIndexByte(part, ':')
		if i < 0 {
			return nil, fmt.Errorf("expected 'name:type', found %q", part)
		}
		name, typ := strings.TrimSpace(part[:i]), strings.TrimSpace(part[i+1:])
		if name == "" {
			return nil, fmt.Errorf("expected a column name before ':%s'", typ)
		}
		if !knownType(typ) {
			return nil, fmt.Errorf("unknown type %q of column %q", typ, name)
		}
		cols = append(cols, Column{Name: name, Type: normType(typ)})
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("expected at least one 'name:type' column")
	}
	return cols, nil
}

// splitHeader splits a header on commas outside brackets, so that a column named
// `['a,b']` stays whole.
func splitHeader(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

func readCSV(text string, ncols int) ([][]string, error) {
	rows, _, err := readCSVLines(text, ncols)
	return rows, err
}

// readCSVLines reads CSV rows of ncols fields and the 1-based line of each row in text.
func readCSVLines(text string, ncols int) ([][]string, []int, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = ncols
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line-1)
	}
}

// jsonRow reads one JSON object into cells of cols.
func jsonRow(data []byte, cols []Column) ([]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("expected a JSON object: %v", err)
	}
	known := map[string]bool{}
	row := make([]string, len(cols))
	for i, c := range cols {
		known[c.Name] = true
		raw, ok := m[c.Name]
		if !ok || string(raw) == "null" {
			continue
		}
		if raw[0] == '"' && c.Type != "dynamic" {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fmt.Errorf("column %q: %v", c.Name, err)
			}
			row[i] = s
			continue
		}
		row[i] = string(raw)
	}
	for k := range m {
		if !known[k] {
			return nil, fmt.Errorf("unknown column %q", k)
		}
	}
	return row, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// normType maps a KQL type name or alias to its canonical name.
func normType(t string) string {
	switch strings.ToLower(t) {
	case "boolean":
		return "bool"
	case "double", "float":
		return "real"
	case "date":
		return "datetime"
	case "time":
		return "timespan"
	case "uniqueid":
		return "guid"
	case "int64":
		return "long"
	case "int32":
		return "int"
	}
	return strings.ToLower(t)
}

func knownType(t string) bool {
	switch normType(t) {
	case "bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic":
		return true
	}
	return false
}
