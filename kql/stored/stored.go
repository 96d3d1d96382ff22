// Package stored reads stored functions: Kusto database functions, Sentinel workspace
// functions and parsers (the YAML files of Azure-Sentinel's Parsers folders, ASIM parsers
// included), written as KQL `let` statements or `.create function` commands; and it
// holds the functions every Sentinel workspace has, such as _GetWatchlist.
//
// The checker and the planner bind a [Set]'s functions before a query, in a scope of
// their own (check.Env.Functions, plan.Env.Functions), so a query calls them as it calls
// its own let-bound functions, and a query's own let statements shadow them.
package stored

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/socfeed/socfeed/kql/syntax"
)

// Function is one stored function.
type Function struct {
	Name string
	// File is where it was read from ("" for built-in functions); Line is the line of
	// its text there.
	File string
	Line int
	// Src is the text Let was parsed from.
	Src string
	Let *syntax.LetStmt
}

// Set is a set of stored functions by name. The zero Set is empty and usable.
type Set struct {
	byName map[string]*Function
}

// Diagnostic is a problem in a function file, at file:line:col.
type Diagnostic struct {
	File      string
	Line, Col int
	Msg       string
}

func (d Diagnostic) String() string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
	}
	return d.File + ": " + d.Msg
}

// watchlistSrc defines _GetWatchlist as Sentinel does over the Watchlist table: the
// latest version of each item of the watchlist, deleted items left out, the item's
// fields as columns next to SearchKey and WatchlistItem. Unlike Sentinel it does not
// drop items whose TimeGenerated is after now(): a hunt bound to last month's --as-of
// still sees the watchlist a responder was given.
const watchlistSrc = `let _GetWatchlist = (watchlistAlias: string, keys: dynamic = dynamic([])) {
    Watchlist
    | where _DTItemType == "watchlist-item" or isempty(_DTItemType)
    | where WatchlistAlias == watchlistAlias
    | where array_length(keys) == 0 or SearchKey in (keys)
    | summarize arg_max(_DTTimestamp, *) by _DTItemId
    | where _DTItemStatus != "Delete"
    | project _DTItemId, LastUpdatedTimeUTC, SearchKey, WatchlistItem, _WatchlistItemFields = WatchlistItem
    | evaluate bag_unpack(_WatchlistItemFields)
};`

// Builtin returns the functions every Sentinel workspace has: _GetWatchlist(alias[,
// keys]).
func Builtin() *Set {
	s := &Set{}
	if ds := s.AddSource("(built-in)", 1, watchlistSrc); len(ds) > 0 {
		panic("stored: built-in functions do not parse: " + ds[0].String())
	}
	return s
}

// Lets returns the let statements of the set's functions, in name order.
func (s *Set) Lets() []*syntax.LetStmt {
	if s == nil {
		return nil
	}
	names := s.Names()
	out := make([]*syntax.LetStmt, 0, len(names))
	for _, n := range names {
		out = append(out, s.byName[n].Let)
	}
	return out
}

// Names returns the names of the functions, sorted.
func (s *Set) Names() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.byName))
	for n := range s.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the function named name.
func (s *Set) Lookup(name string) (*Function, bool) {
	if s == nil {
		return nil, false
	}
	f, ok := s.byName[name]
	return f, ok
}

// Merge adds the functions of o; o's replace those of the same name.
func (s *Set) Merge(o *Set) {
	if o == nil {
		return
	}
	for _, f := range o.byName {
		s.put(f)
	}
}

func (s *Set) put(f *Function) {
	if s.byName == nil {
		s.byName = map[string]*Function{}
	}
	s.byName[f.Name] = f
}

// AddSource adds the functions declared by src, KQL text read from file starting at
// line: let statements (`let f = (a:string) { ... };`, `let T = view () { ... };`,
// `let x = 5;`) and `.create[-or-alter] function` commands. It returns the problems,
// positioned in file.
func (s *Set) AddSource(file string, line int, src string) []Diagnostic {
	var out []Diagnostic
	for _, part := range splitCommands(src) {
		text := part.text
		if strings.HasPrefix(strings.TrimSpace(text), ".") {
			let, err := createFunctionToLet(text)
			if err != nil {
				l, c := syntax.LineCol(src, syntax.Pos(part.off))
				out = append(out, Diagnostic{File: file, Line: line + l - 1, Col: c, Msg: err.Error()})
				continue
			}
			text = let
		}
		script, errs := syntax.Parse(text)
		if len(errs) > 0 {
			for _, e := range errs {
				l, c := syntax.LineCol(text, e.Pos)
				if text == part.text {
					l, c = syntax.LineCol(src, syntax.Pos(part.off)+e.Pos)
				}
				out = append(out, Diagnostic{File: file, Line: line + l - 1, Col: c, Msg: e.Msg})
			}
			continue
		}
		for _, st := range script.Stmts {
			switch st := st.(type) {
			case *syntax.LetStmt:
				if st.Name == nil {
					continue
				}
				l, _ := syntax.LineCol(src, syntax.Pos(part.off))
				s.put(&Function{Name: st.Name.Name, File: file, Line: line + l - 1, Src: text, Let: st})
			default:
				l, c := syntax.LineCol(text, st.Pos())
				if text == part.text {
					l, c = syntax.LineCol(src, syntax.Pos(part.off)+st.Pos())
				}
				out = append(out, Diagnostic{File: file, Line: line + l - 1, Col: c,
					Msg: "expected a let statement declaring a stored function, found a query"})
			}
		}
	}
	return out
}

// part is a piece of a functions file: KQL let statements, or one control command.
type part struct {
	off  int
	text string
}

// splitCommands splits src at control commands (lines starting with '.'), which run to
// the next such line; the text between is KQL.
func splitCommands(src string) []part {
	var out []part
	start := 0
	off := 0
	for _, ln := range strings.SplitAfter(src, "\n") {
		if strings.HasPrefix(strings.TrimLeft(ln, " \t"), ".") {
			if off > start {
				out = append(out, part{start, src[start:off]})
			}
			start = off
		}
		off += len(ln)
	}
	if off > start {
		out = append(out, part{start, src[start:off]})
	}
	return out
}

// createFunctionToLet turns `.create[-or-alter] function [ifnotexists] [with (...)]
// Name(params) { body }` into `let Name = (params) { body };`.
func createFunctionToLet(cmd string) (string, error) {
	t := strings.TrimSpace(cmd)
	lower := strings.ToLower(t)
	var rest string
	for _, p := range []string{".create-or-alter function", ".create function", ".alter function"} {
		if strings.HasPrefix(lower, p) {
			rest = strings.TrimSpace(t[len(p):])
			break
		}
	}
	if rest == "" {
		return "", fmt.Errorf("expected '.create function', '.create-or-alter function' or '.alter function', found %q", firstLine(t))
	}
	if strings.HasPrefix(strings.ToLower(rest), "ifnotexists") {
		rest = strings.TrimSpace(rest[len("ifnotexists"):])
	}
	if strings.HasPrefix(strings.ToLower(rest), "with") {
		// with (docstring = "...", folder = "...")
		i := strings.Index(rest, "(")
		if i < 0 {
			return "", fmt.Errorf("expected '(' after 'with'")
		}
		depth, j := 0, i
		for ; j < len(rest); j++ {
			switch rest[j] {
			case '(':
				depth++
			case ')':
				depth--
			case '"', '\'':
				q := rest[j]
				for j++; j < len(rest) && rest[j] != q; j++ {
					if rest[j] == '\\' {
						j++
					}
				}
			}
			if depth == 0 {
				break
			}
		}
		if j >= len(rest) {
			return "", fmt.Errorf("unclosed 'with (...)'")
		}
		rest = strings.TrimSpace(rest[j+1:])
	}
	open := strings.Index(rest, "(")
	if open <= 0 {
		return "", fmt.Errorf("expected Name(parameters) { body }")
	}
	name := strings.TrimSpace(rest[:open])
	return "let " + name + " = " + rest[open:] + "\n;", nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// parserDoc is the part of a Sentinel parser YAML that declares the function: the
// workspace-function form (FunctionName, FunctionAlias, FunctionParams, FunctionQuery)
// and the ASIM form (ParserName, EquivalentBuiltInParser, ParserParams, ParserQuery).
type parserDoc struct {
	FunctionName            string       `yaml:"FunctionName"`
	FunctionAlias           string       `yaml:"FunctionAlias"`
	FunctionParams          []paramDoc   `yaml:"FunctionParams"`
	FunctionQuery           yaml.Node    `yaml:"FunctionQuery"`
	ParserName              string       `yaml:"ParserName"`
	EquivalentBuiltInParser string       `yaml:"EquivalentBuiltInParser"`
	ParserParams            []paramDoc   `yaml:"ParserParams"`
	ParserQuery             yaml.Node    `yaml:"ParserQuery"`
	Function                *functionDoc `yaml:"Function"`
}

type functionDoc struct {
	Title string `yaml:"Title"`
}

type paramDoc struct {
	Name    string `yaml:"Name"`
	Type    string `yaml:"Type"`
	Default any    `yaml:"Default"`
}

// AddParserYAML adds the function a Sentinel parser YAML declares, under each of its
// names (FunctionAlias and FunctionName; ParserName and EquivalentBuiltInParser).
func (s *Set) AddParserYAML(file string, data []byte) []Diagnostic {
	var doc parserDoc
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []Diagnostic{{File: file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	query, params, names := doc.FunctionQuery, doc.FunctionParams, []string{doc.FunctionAlias, doc.FunctionName}
	if query.Kind == 0 {
		query, params, names = doc.ParserQuery, doc.ParserParams, []string{doc.ParserName, doc.EquivalentBuiltInParser}
	}
	if query.Kind == 0 || query.Value == "" {
		return []Diagnostic{{File: file, Msg: "not a parser: expected FunctionQuery (with FunctionAlias) or ParserQuery (with ParserName)"}}
	}
	var uniq []string
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && !contains(uniq, n) {
			uniq = append(uniq, n)
		}
	}
	if len(uniq) == 0 {
		return []Diagnostic{{File: file, Line: query.Line, Col: query.Column, Msg: "the parser names no function: expected FunctionAlias or ParserName"}}
	}
	var sig bytes.Buffer
	for i, p := range params {
		if i > 0 {
			sig.WriteString(", ")
		}
		typ := strings.TrimSpace(p.Type)
		if typ == "" {
			typ = "string"
		}
		fmt.Fprintf(&sig, "%s: %s", p.Name, typ)
		if p.Default != nil {
			sig.WriteString(" = " + defaultLiteral(typ, p.Default))
		}
	}
	// The block's first line is the query's first line: lines map by offset, columns by
	// the block's indentation. Problems found past the query's text (in the closing brace
	// added here) are put at its end.
	line := query.Line
	if query.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		line++
	}
	indent := 0
	if lines := strings.Split(string(data), "\n"); line-1 < len(lines) && line >= 1 {
		l := lines[line-1]
		indent = len(l) - len(strings.TrimLeft(l, " \t"))
	}
	qlines := strings.Split(strings.TrimRight(query.Value, "\n"), "\n")
	last := line + len(qlines) - 1
	var out []Diagnostic
	for _, name := range uniq {
		// "let NAME = (...) {" takes the line before the query.
		src := fmt.Sprintf("let %s = (%s) {\n%s\n};", name, sig.String(), strings.TrimRight(query.Value, "\n"))
		ds := s.AddSource(file, line-1, src)
		for i := range ds {
			d := &ds[i]
			switch {
			case d.Line > last:
				d.Line, d.Col = last, len(qlines[len(qlines)-1])+indent+1
				d.Msg = strings.ReplaceAll(d.Msg, "found '}'", "found the end of the query")
			case d.Line >= line:
				d.Col += indent
			default:
				d.Line, d.Col = query.Line, query.Column
			}
		}
		if len(out) == 0 {
			out = append(out, ds...)
		}
	}
	return out
}

// defaultLiteral writes a parameter default from YAML as a KQL literal of type typ.
func defaultLiteral(typ string, v any) string {
	text := fmt.Sprint(v)
	if t, ok := v.(time.Time); ok {
		text = t.UTC().Format(time.RFC3339Nano)
	}
	switch strings.ToLower(typ) {
	case "string":
		if s, ok := v.(string); ok && (strings.HasPrefix(s, "'") || strings.HasPrefix(s, "\"")) {
			return s
		}
		return "'" + strings.ReplaceAll(strings.ReplaceAll(text, `\`, `\\`), "'", `\'`) + "'"
	case "dynamic", "datetime", "timespan", "guid":
		if strings.Contains(text, "(") {
			return text
		}
		return strings.ToLower(typ) + "(" + text + ")"
	case "bool", "boolean":
		return strings.ToLower(text)
	}
	return text
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Load reads the stored functions in paths: files or folders of .kql/.csl/.kusto files
// (let statements or .create function commands) and .yaml/.yml Sentinel parsers. Files
// in folders with other extensions are skipped; a YAML in a folder that is not a parser
// is skipped too (rule folders hold parsers beside rules). All problems are returned;
// the functions that did load are in the Set.
func Load(paths []string) (*Set, []Diagnostic) {
	s := &Set{}
	var out []Diagnostic
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			out = append(out, Diagnostic{File: p, Msg: err.Error()})
			continue
		}
		if !st.IsDir() {
			out = append(out, s.loadFile(p, true)...)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				out = append(out, Diagnostic{File: path, Msg: err.Error()})
				return nil
			}
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && path != p {
					return filepath.SkipDir
				}
				return nil
			}
			out = append(out, s.loadFile(path, false)...)
			return nil
		})
		if err != nil {
			out = append(out, Diagnostic{File: p, Msg: err.Error()})
		}
	}
	return s, out
}

// LoadParsers reads the Sentinel parser YAMLs under root (a rule repository checkout,
// where parsers sit in Parsers folders beside the rules): every .yaml/.yml file that
// declares a FunctionQuery or ParserQuery; other files are not looked at. Hidden folders
// are skipped. Problems are returned with the functions that did load.
func LoadParsers(root string) (*Set, []Diagnostic) {
	s := &Set{}
	var out []Diagnostic
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			out = append(out, Diagnostic{File: path, Msg: err.Error()})
			return nil
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".yaml" && ext != ".yml" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			out = append(out, Diagnostic{File: path, Msg: err.Error()})
			return nil
		}
		if !bytes.Contains(data, []byte("FunctionQuery:")) && !bytes.Contains(data, []byte("ParserQuery:")) {
			return nil
		}
		out = append(out, s.AddParserYAML(path, data)...)
		return nil
	})
	if err != nil {
		out = append(out, Diagnostic{File: root, Msg: err.Error()})
	}
	return s, out
}

// Functions returns the functions of the set, in name order.
func (s *Set) Functions() []*Function {
	var out []*Function
	for _, n := range s.Names() {
		out = append(out, s.byName[n])
	}
	return out
}

func (s *Set) loadFile(path string, named bool) []Diagnostic {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".kql", ".csl", ".kusto", ".yaml", ".yml":
	default:
		if !named {
			return nil
		}
		return []Diagnostic{{File: path, Msg: "expected a .kql, .csl or .kusto file of let statements or a .yaml parser"}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return []Diagnostic{{File: path, Msg: err.Error()}}
	}
	if ext == ".yaml" || ext == ".yml" {
		ds := s.AddParserYAML(path, data)
		if !named && len(ds) == 1 && strings.HasPrefix(ds[0].Msg, "not a parser") {
			return nil
		}
		return ds
	}
	return s.AddSource(path, 1, string(data))
}
