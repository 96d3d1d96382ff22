package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/kusto"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/schema"
)

// multiFlag is a flag that may be given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// queryOptions are the flags shared by query and explain.
type queryOptions struct {
	data    multiFlag
	tables  multiFlag // NAME=PATH
	asOf    string
	format  string
	file    string
	noCheck bool
	ext     externalFlags
	ws      workspaceFlags
	args    []string // positional arguments
}

// parseInterspersed parses flags that may come before or after the positional
// arguments, and returns those.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func (o *queryOptions) flags(name string, e *env, withFormat bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Var(&o.data, "data", "a file or folder of exported logs; file names name their tables (repeatable)")
	fs.StringVar(&o.asOf, "as-of", "", "the time now() and ago() count from (RFC 3339 or a KQL datetime; default: now)")
	if withFormat {
		fs.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	}
	fs.StringVar(&o.file, "f", "", "read the query from `FILE`")
	fs.BoolVar(&o.noCheck, "no-check", false, "plan and run even when the checker reports errors")
	fs.Var(&o.tables, "table", "read `NAME=PATH` (a file or folder) as table NAME, whatever its file names say (repeatable)")
	o.ext.register(fs)
	o.ws.register(fs)
	fs.Usage = func() {
		verb := "runs a KQL query and prints its results"
		if !withFormat {
			verb = "prints the optimised plan of a KQL query"
		}
		fmt.Fprintf(e.stderr, "usage: socfeed %s [flags] (QUERY | -f FILE)\n\nsocfeed %s %s over the logs of --data (files, folders or an\ningested store; file names name their tables).\n\nflags:\n", name, name, verb)
		fs.PrintDefaults()
	}
	return fs
}

// session is a query read from the command line with the data it runs over.
type session struct {
	src   string
	file  string
	eng   *exec.Engine
	cat   *schema.Catalog
	query *plan.Query
}

// prepare reads the query and the data, checks and plans. It reports errors itself and
// returns a non-zero exit status on failure.
func prepare(ctx context.Context, e *env, o *queryOptions, fs *flag.FlagSet) (*session, int) {
	s := &session{}
	switch {
	case o.file != "" && len(o.args) > 0:
		e.errorf("give the query as an argument or with -f, not both")
		return nil, exitUsage
	case o.file != "":
		b, err := os.ReadFile(o.file)
		if err != nil {
			e.errorf("%v", err)
			return nil, exitError
		}
		s.src, s.file = string(b), o.file
	case len(o.args) == 1:
		s.src = o.args[0]
	case len(o.args) > 1:
		e.errorf("expected one query argument, found %d (quote the query)", len(o.args))
		return nil, exitUsage
	default:
		e.errorf("expected a query (or -f FILE)")
		return nil, exitUsage
	}
	now := time.Now().UTC()
	if o.asOf != "" {
		t, err := time.Parse(time.RFC3339Nano, o.asOf)
		if err != nil {
			ticks, ok := types.ParseDateTime(o.asOf)
			if !ok {
				e.errorf("--as-of: expected a time such as 2024-01-02T03:04:05Z, found %q", o.asOf)
				return nil, exitUsage
			}
			t = types.TimeFromTicks(ticks)
		}
		now = t.UTC()
	}
	reg := funcs.Default()
	s.cat = schema.Default()
	s.eng = &exec.Engine{Tables: map[string]*column.Table{}, Funcs: reg, Now: now}
	fetcher, err := o.ext.fetcher()
	if err != nil {
		e.errorf("%v", err)
		return nil, exitUsage
	}
	s.eng.External = fetcher
	ws, err := o.ws.load()
	if err != nil {
		e.errorf("%v", err)
		return nil, exitError
	}
	defer ws.close()
	for _, n := range ws.notes {
		fmt.Fprintf(e.stderr, "socfeed: %s\n", n)
	}
	s.eng.Functions = ws.functions
	paths := append([]string(nil), o.data...)
	paths = append(paths, ws.paths...)
	override := map[string]string{}
	for p, name := range ws.override {
		override[p] = name
	}
	for _, t := range o.tables {
		name, path, ok := strings.Cut(t, "=")
		if !ok || name == "" || path == "" {
			e.errorf("--table: expected NAME=PATH, found %q", t)
			return nil, exitUsage
		}
		override[path] = name
		if !hasPath(paths, path) {
			paths = append(paths, path)
		}
	}
	if len(paths) > 0 {
		// Plan once against the schemas alone to learn which columns the query reads, and
		// build only those while loading (the others are still validated, so the same rows
		// are rejected). A query that cannot be planned yet loads every column.
		var cols map[string][]string
		if q0, _, err := exec.Prepare(s.src, exec.PrepareOptions{Catalog: s.cat, Engine: s.eng, AllowCheckErrors: o.noCheck}); err == nil {
			cols = plan.NeededColumns(q0)
		}
		ds, rep, err := logs.Load(ctx, paths, logs.Options{Catalog: s.cat, TableOverride: override, Columns: cols})
		if err != nil {
			e.errorf("%v", err)
			return nil, exitError
		}
		for _, name := range ds.Names() {
			t, _ := ds.Table(name)
			t.Name = name
			s.eng.Tables[name] = t
		}
		exec.AddTables(s.cat, s.eng.Tables)
		for _, r := range rep.Rejected {
			fmt.Fprintf(e.stderr, "socfeed: warning: %s\n", r)
		}
		for _, w := range rep.Warnings {
			fmt.Fprintf(e.stderr, "socfeed: warning: %s\n", w)
		}
	}
	q, diags, err := exec.Prepare(s.src, exec.PrepareOptions{Catalog: s.cat, Engine: s.eng, AllowCheckErrors: o.noCheck})
	var pe *exec.PrepareError
	if errors.As(err, &pe) && pe.Stage == exec.StageParse {
		for _, d := range pe.Diags {
			s.report(e, d.Pos, d.Msg, "")
		}
		return nil, exitError
	}
	for _, d := range diags {
		kind := ""
		if d.Severity == check.Warning {
			kind = "warning: "
		}
		s.report(e, d.Pos, d.Msg, kind)
	}
	switch {
	case err == nil:
	case pe != nil && pe.Stage == exec.StagePlan:
		for _, d := range pe.Diags {
			s.report(e, d.Pos, d.Msg, "")
		}
		return nil, exitError
	case pe != nil: // checker errors, printed above
		if pe.Plan != nil {
			s.report(e, pe.Plan.Pos, pe.Plan.Msg, "")
		}
		return nil, exitError
	default:
		e.errorf("%v", err)
		return nil, exitError
	}
	s.query = q
	return s, exitOK
}

// report prints one message as `file:line:col: message` with the source line and a caret.
func (s *session) report(e *env, pos syntax.Pos, msg, kind string) {
	line, col := syntax.LineCol(s.src, pos)
	prefix := ""
	if s.file != "" {
		prefix = s.file + ":"
	}
	fmt.Fprintf(e.stderr, "%s%d:%d: %s%s\n", prefix, line, col, kind, msg)
	lines := strings.Split(s.src, "\n")
	if line-1 < len(lines) {
		text := strings.TrimRight(lines[line-1], "\r")
		fmt.Fprintf(e.stderr, "    %s\n    %s^\n", text, strings.Repeat(" ", max(col-1, 0)))
	}
}

func runQuery(ctx context.Context, e *env, args []string) int {
	var o queryOptions
	fs := o.flags("query", e, true)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	o.args = pos
	switch o.format {
	case "table", "json", "csv":
	default:
		e.errorf("--format: expected table, json or csv, found %q", o.format)
		return exitUsage
	}
	s, code := prepare(ctx, e, &o, fs)
	if s == nil {
		return code
	}
	res, err := s.eng.Run(ctx, s.query)
	if err != nil {
		var ie *exec.InternalError
		if errors.As(err, &ie) {
			e.errorf("%v\n%s", err, ie.Stack)
		} else {
			e.errorf("%v", err)
		}
		return exitError
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "socfeed: warning: %s\n", w)
	}
	var werr error
	switch o.format {
	case "json":
		werr = kusto.WriteV1Tables(e.stdout, res)
	case "csv":
		werr = writeCSV(e.stdout, res)
	default:
		werr = writeTable(e.stdout, res)
	}
	if werr != nil {
		e.errorf("%v", werr)
		return exitError
	}
	return exitOK
}

func runExplain(ctx context.Context, e *env, args []string) int {
	var o queryOptions
	fs := o.flags("explain", e, false)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	o.args = pos
	s, code := prepare(ctx, e, &o, fs)
	if s == nil {
		return code
	}
	io.WriteString(e.stdout, plan.Format(s.query))
	return exitOK
}

// cellText prints a value as Kusto prints a cell.
func cellText(v types.Value) string { return exec.FormatValue(v) }

// writeTable prints each result table as an aligned grid.
func writeTable(w io.Writer, res *exec.Result) error {
	var b strings.Builder
	for ti, t := range res.Tables {
		if ti > 0 {
			b.WriteByte('\n')
		}
		if t.Name != "" {
			fmt.Fprintf(&b, "%s\n", t.Name)
		}
		widths := make([]int, len(t.Columns))
		cells := make([][]string, len(t.Rows))
		for j, c := range t.Columns {
			widths[j] = utf8.RuneCountInString(c.Name)
		}
		for i, r := range t.Rows {
			cells[i] = make([]string, len(r))
			for j, v := range r {
				s := strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(cellText(v))
				cells[i][j] = s
				widths[j] = max(widths[j], utf8.RuneCountInString(s))
			}
		}
		line := func(vals []string) {
			for j, s := range vals {
				if j > 0 {
					b.WriteString("  ")
				}
				b.WriteString(s)
				if j < len(vals)-1 {
					b.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s)))
				}
			}
			b.WriteByte('\n')
		}
		names := make([]string, len(t.Columns))
		rules := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			names[j] = c.Name
			rules[j] = strings.Repeat("-", widths[j])
		}
		line(names)
		line(rules)
		for _, r := range cells {
			line(r)
		}
		fmt.Fprintf(&b, "(%d rows)\n", len(t.Rows))
		if t.Render != "" {
			fmt.Fprintf(&b, "(render %s requested; socfeed does not draw charts)\n", t.Render)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCSV(w io.Writer, res *exec.Result) error {
	cw := csv.NewWriter(w)
	for ti, t := range res.Tables {
		if ti > 0 {
			cw.Write(nil)
		}
		names := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			names[j] = c.Name
		}
		if err := cw.Write(names); err != nil {
			return err
		}
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for j, v := range r {
				rec[j] = cellText(v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
