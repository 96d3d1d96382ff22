package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/schema"
)

// maxShown is how many diagnostics per file the text output prints.
const maxShown = 10

// fileDiag is one problem in a checked file, at a 1-based line and a 1-based column
// counted in characters (runes). Line 0 means the whole file.
type fileDiag struct {
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"` // "error" or "warning"
	Message  string `json:"message"`
}

// fileResult is the outcome of checking one file.
type fileResult struct {
	Path        string     `json:"path"`
	Diagnostics []fileDiag `json:"diagnostics"`
	text        string     // the file's text, for caret snippets
}

// checkOptions are the flags of `socfeed check`.
type checkOptions struct {
	syntaxOnly bool
	format     string
	functions  multiFlag
}

func runCheck(_ context.Context, e *env, args []string) int {
	fset := flag.NewFlagSet("check", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	var opts checkOptions
	fset.BoolVar(&opts.syntaxOnly, "syntax-only", false, "only parse: skip name and type checks")
	fset.StringVar(&opts.format, "format", "text", "output format: text or json")
	fset.Var(&opts.functions, "functions", "stored functions and parsers the queries call (.kql files, Sentinel parser YAMLs, folders; repeatable); _GetWatchlist is always known")
	fset.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: socfeed check [--syntax-only] [--format text|json] [--functions PATH]... PATH...")
		fmt.Fprintln(e.stderr, "\nChecks KQL files (.kql, .csl) and Sentinel rule YAML files (.yaml, .yml); folders are read recursively.")
		fset.PrintDefaults()
	}
	// Flags may come before or after the paths.
	paths, err := parseInterspersed(fset, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if opts.format != "text" && opts.format != "json" {
		e.errorf("check: unknown format %q (want text or json)", opts.format)
		return exitUsage
	}
	if len(paths) == 0 {
		fset.Usage()
		return exitUsage
	}
	var files []string
	var results []*fileResult
	for _, p := range paths {
		fs, err := collectFiles(p)
		if err != nil {
			results = append(results, &fileResult{Path: p, Diagnostics: []fileDiag{{Severity: "error", Message: errMessage(err)}}})
			continue
		}
		files = append(files, fs...)
	}
	var cenv *check.Env
	if !opts.syntaxOnly {
		fns := stored.Builtin()
		if len(opts.functions) > 0 {
			set, ds := stored.Load(opts.functions)
			for _, d := range ds {
				e.errorf("check: --functions: %s", d)
			}
			if len(ds) > 0 {
				return exitError
			}
			fns.Merge(set)
		}
		cenv = &check.Env{Catalog: schema.Default(), Funcs: funcs.Default(), Strict: true, Functions: fns.Lets()}
	}
	for _, f := range files {
		results = append(results, checkFile(f, cenv))
	}
	errs, warns := 0, 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if d.Severity == "error" {
				errs++
			} else {
				warns++
			}
		}
	}
	if opts.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Files []*fileResult `json:"files"`
		}{results}); err != nil {
			e.errorf("check: %v", err)
			return exitError
		}
	} else {
		writeText(e.stdout, results)
		fmt.Fprintf(e.stdout, "%s, %s, %s\n", plural(len(results), "file"), plural(errs, "error"), plural(warns, "warning"))
	}
	if errs > 0 {
		return exitError
	}
	return exitOK
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func errMessage(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// checkExts are the file kinds `socfeed check` reads.
var checkExts = map[string]bool{".kql": true, ".csl": true, ".yaml": true, ".yml": true}

// ruleKey finds a top-level rule key; YAML files met while walking a folder are checked
// only when they have one (other YAML, such as workbooks or parsers, is not a rule).
var ruleKey = regexp.MustCompile(`(?m)^(id|name|query):`)

// collectFiles returns p itself when it is a file, or the checkable files under the folder
// p, in lexical order, skipping hidden folders.
func collectFiles(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !checkExts[ext] {
			return nil
		}
		if ext == ".yaml" || ext == ".yml" {
			text, err := os.ReadFile(path)
			if err != nil || !ruleKey.Match(text) {
				return nil
			}
		}
		out = append(out, path)
		return nil
	})
	return out, err
}

// checkFile checks one file. cenv is nil for --syntax-only.
func checkFile(path string, cenv *check.Env) *fileResult {
	res := &fileResult{Path: path, Diagnostics: []fileDiag{}}
	data, err := os.ReadFile(path)
	if err != nil {
		res.Diagnostics = append(res.Diagnostics, fileDiag{Severity: "error", Message: errMessage(err)})
		return res
	}
	res.text = string(data)
	ext := strings.ToLower(filepath.Ext(path))
	var ds []fileDiag
	if ext == ".yaml" || ext == ".yml" {
		rule, rds := rules.Loader{}.Load(path, data)
		for _, d := range rds {
			ds = append(ds, fileDiag{Line: d.Line, Col: runeCol(res.text, d.Line, d.Col), Severity: d.Severity.String(), Message: d.Msg})
		}
		if rule != nil && strings.TrimSpace(rule.Query) != "" {
			at := func(p syntax.Pos) (int, int) {
				line, col := rule.QueryPos(int(p))
				return line, runeCol(res.text, line, col)
			}
			ds = append(ds, checkQuery(rule.Query, cenv, at)...)
		}
	} else {
		at := func(p syntax.Pos) (int, int) { return syntax.LineCol(res.text, p) }
		ds = append(ds, checkQuery(res.text, cenv, at)...)
	}
	res.Diagnostics = onePerLine(ds)
	return res
}

// checkQuery parses and (unless cenv is nil) checks one query, placing diagnostics with at.
func checkQuery(q string, cenv *check.Env, at func(syntax.Pos) (line, col int)) []fileDiag {
	var out []fileDiag
	script, perrs := syntax.Parse(q)
	for _, e := range perrs {
		line, col := at(e.Pos)
		out = append(out, fileDiag{Line: line, Col: col, Severity: "error", Message: e.Msg})
	}
	if cenv == nil || len(perrs) > 0 {
		// Names and types of a query that does not parse would only repeat its errors.
		return out
	}
	_, cds := check.Check(script, cenv)
	for _, d := range cds {
		line, col := at(d.Pos)
		sev := "error"
		if d.Severity == check.Warning {
			sev = "warning"
		}
		out = append(out, fileDiag{Line: line, Col: col, Severity: sev, Message: d.Msg})
	}
	return out
}

// onePerLine sorts diagnostics by position and keeps the first on each line: a later one
// on the same line is usually a consequence of the first. Earlier sources (the YAML loader)
// win ties, since they explain the cause.
func onePerLine(ds []fileDiag) []fileDiag {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Line < ds[j].Line })
	out := []fileDiag{}
	for i, d := range ds {
		if i > 0 && d.Line != 0 && d.Line == ds[i-1].Line {
			continue
		}
		out = append(out, d)
	}
	return out
}

// runeCol converts a 1-based byte column of a line of text to a 1-based rune column.
func runeCol(text string, line, byteCol int) int {
	l := lineText(text, line)
	if byteCol < 1 || byteCol-1 > len(l) {
		return byteCol
	}
	return utf8.RuneCountInString(l[:byteCol-1]) + 1
}

// lineText returns the 1-based line of text, without its line break.
func lineText(text string, line int) string {
	if line < 1 {
		return ""
	}
	for i := 1; i < line; i++ {
		j := strings.IndexByte(text, '\n')
		if j < 0 {
			return ""
		}
		text = text[j+1:]
	}
	if j := strings.IndexByte(text, '\n'); j >= 0 {
		text = text[:j]
	}
	return strings.TrimRight(text, "\r")
}

// writeText prints each diagnostic as `file:line:col: message`, then the source line and a
// caret under the column.
func writeText(w io.Writer, results []*fileResult) {
	for _, r := range results {
		for i, d := range r.Diagnostics {
			if i == maxShown {
				fmt.Fprintf(w, "%s: %d more diagnostics not shown\n", r.Path, len(r.Diagnostics)-maxShown)
				break
			}
			msg := d.Message
			if d.Severity == "warning" {
				msg = "warning: " + msg
			}
			if d.Line == 0 {
				fmt.Fprintf(w, "%s: %s\n", r.Path, msg)
				continue
			}
			fmt.Fprintf(w, "%s:%d:%d: %s\n", r.Path, d.Line, d.Col, msg)
			src := lineText(r.text, d.Line)
			if src == "" {
				continue
			}
			fmt.Fprintf(w, "\t%s\n\t%s^\n", src, caretPad(src, d.Col))
		}
	}
}

// caretPad returns the blanks that put a caret under rune column col of line, keeping tabs
// so the caret lines up however tabs are shown.
func caretPad(line string, col int) string {
	var b strings.Builder
	n := 1
	for _, r := range line {
		if n >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	return b.String()
}
