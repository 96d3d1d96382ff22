package hunt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules"
)

// testFileSuffixes returns the file name endings of rule test files.
func testFileSuffixes() []string { return []string{".test.yaml", ".test.yml"} }

// IsTestFile reports whether path names a rule test file.
func IsTestFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	for _, s := range testFileSuffixes() {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return false
}

// TestFile is a loaded rule test file. A rule test file, `Name.test.yaml` beside the rule
// `Name.yaml`, gives the rule input rows and says what it must find:
//
//	rule: Name.yaml            # optional: the rule, relative to this file
//	as_of: 2024-05-01T12:00Z   # optional: now(); default the latest TimeGenerated
//	replay: true               # optional: replay the schedule over the tables' span
//	tables:                    # optional: tables every test case starts from
//	  SigninLogs:
//	    - {TimeGenerated: 2024-05-01T10:00:00Z, UserPrincipalName: a@contoso.com}
//	watchlists:                # optional: what _GetWatchlist('VIPUsers') reads
//	  VIPUsers:
//	    searchKey: UPN         # optional: the first field by default
//	    items:
//	      - {UPN: alice@contoso.com, Role: CEO}
//	  BreakGlass: {file: breakglass.csv}
//	urls:                      # optional: what externaldata reads from these URLs
//	  https://example.com/bad-ips.csv: |
//	    10.0.0.1
//	  https://example.com/iocs.json: {file: iocs.json}
//	tests:
//	  - name: fires on a spray
//	    tables:                # added to (and replacing by name) the shared tables
//	      AuditLogs: {file: audit.jsonl}
//	    expect:
//	      findings: 1          # exact number of findings
//	      rows:                # all result rows of all findings, in any order,
//	        - {IPAddress: 10.0.0.1, Users: 12} # compared on the columns listed
//	      entities:            # entities that must be among the findings'
//	        - {type: IP, identifiers: {Address: 10.0.0.1}}
//	  - name: quiet on normal sign-ins
//	    expect: {no_findings: true}
//
// A file with one test case may put `expect` (and `tables`) at the top level instead of
// `tests`. A case may also set `as_of`, `replay`, `since`, `until`, `watchlists` and `urls`. Tests never
// download: a URL the rule's externaldata reads must be given under `urls`. Table rows are
// written as YAML mappings or read from a file (`file:`, relative to the test file, in any
// format the log loader reads). Expected values compare by type: numbers numerically,
// datetimes as instants, dynamic values as JSON, null (`~`) with null or empty values,
// everything else as text.
type TestFile struct {
	Path string
	// Rule is the path of the rule under test.
	Rule  string
	Cases []TestCase
}

// TestCase is one test of a rule.
type TestCase struct {
	Name string
	Pos  rules.Pos
	// AsOf, Since and Until are zero when not given; Replay replays the schedule.
	AsOf, Since, Until time.Time
	Replay             bool
	Tables             []TestTable
	URLs               []TestURL
	Watchlists         []TestWatchlist
	Expect             Expect
}

// TestWatchlist is a watchlist of a test: its items inline (Fields, Items) or the CSV
// file File.
type TestWatchlist struct {
	Alias     string
	SearchKey string
	Fields    []string
	Items     [][]string
	File      string
}

// TestURL is what `externaldata` reads from a URL in a test: Data, or the file File.
type TestURL struct {
	URL  string
	Data []byte
	File string
}

// TestInput is what a test case gives the engine: its tables and its URLs.
type TestInput struct {
	Tables     []TestTable
	URLs       []TestURL
	Watchlists []TestWatchlist
}

// TestTable is the input of one table: rows as JSON lines, or a file to load.
type TestTable struct {
	Name string
	// JSONLines holds the inline rows, one JSON object per line, in file order.
	JSONLines []byte
	// File is the path of a file holding the rows, when the table is given as `file:`.
	File string
}

// Expect is what a test case expects. Every part given must hold.
type Expect struct {
	// Findings is the exact number of findings, or -1 when not given.
	Findings int
	// Rows are the expected result rows (over all findings), when given.
	Rows    []ExpectRow
	HasRows bool
	// Entities must each be among the findings' entities.
	Entities []Entity
}

// ExpectRow is an expected row: values by column for the columns listed.
type ExpectRow struct {
	Cells []ExpectCell
	Pos   rules.Pos
}

// ExpectCell is one expected value: the YAML scalar's tag and text, or JSON for a list
// or mapping.
type ExpectCell struct {
	Column string
	Tag    string // "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp" or "json"
	Text   string
}

// testDecoder reads a test file, collecting diagnostics.
type testDecoder struct {
	file  string
	diags rules.Diagnostics
}

func (d *testDecoder) errorf(n *yaml.Node, format string, args ...any) {
	d.diags = append(d.diags, rules.Diagnostic{File: d.file, Line: n.Line, Col: n.Column, Severity: rules.Error, Msg: fmt.Sprintf(format, args...)})
}

// LoadTestFile reads a rule test file. It returns every problem found; the file is nil
// only when it cannot be read or is not a YAML mapping.
func LoadTestFile(path string) (*TestFile, rules.Diagnostics) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, rules.Diagnostics{{File: path, Severity: rules.Error, Msg: err.Error()}}
	}
	return ParseTestFile(path, text)
}

// ParseTestFile decodes a rule test file's text; path names it and anchors the relative
// paths in it.
func ParseTestFile(path string, text []byte) (*TestFile, rules.Diagnostics) {
	d := &testDecoder{file: path}
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, rules.Diagnostics{{File: path, Severity: rules.Error, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if len(doc.Content) == 0 {
		return nil, rules.Diagnostics{{File: path, Severity: rules.Error, Msg: "file holds no tests: it is empty"}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "expected a mapping with 'tests', found %s", nodeKind(root))
		return nil, d.diags
	}
	dir := filepath.Dir(path)
	tf := &TestFile{Path: path}
	var shared TestCase
	shared.Expect.Findings = -1
	var tests, expect *yaml.Node
	d.mapping(root, "", func(k string, kn, v *yaml.Node) bool {
		switch k {
		case "rule":
			if s, ok := d.scalar(k, v); ok {
				tf.Rule = filepath.Join(dir, filepath.FromSlash(s))
			}
		case "tests":
			tests = v
		case "expect":
			expect = v
		default:
			return d.caseField(&shared, k, v, dir)
		}
		return true
	})
	if tf.Rule == "" {
		tf.Rule = ruleBeside(path)
	}
	switch {
	case tests != nil && expect != nil:
		d.errorf(expect, "expected 'expect' inside each of 'tests', found it at the top level as well")
	case tests != nil:
		if tests.Kind != yaml.SequenceNode {
			d.errorf(tests, "in 'tests': expected a list of test cases, found %s", nodeKind(tests))
			break
		}
		for i, n := range tests.Content {
			c := shared
			c.Tables = slices.Clone(shared.Tables)
			c.URLs = slices.Clone(shared.URLs)
			c.Watchlists = slices.Clone(shared.Watchlists)
			c.Name = fmt.Sprintf("case %d", i+1)
			c.Pos = rules.Pos{Line: n.Line, Col: n.Column}
			if d.testCase(&c, n, dir) {
				tf.Cases = append(tf.Cases, c)
			}
		}
		if len(tests.Content) == 0 {
			d.errorf(tests, "in 'tests': expected at least one test case, found an empty list")
		}
	case expect != nil:
		c := shared
		c.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		c.Pos = rules.Pos{Line: expect.Line, Col: expect.Column}
		if d.expect(&c.Expect, expect) {
			tf.Cases = append(tf.Cases, c)
		}
	default:
		d.errorf(root, "expected 'tests' or 'expect', found neither")
	}
	d.diags.Sort()
	return tf, d.diags
}

// ruleBeside returns the rule file beside a test file: Name.yaml, Name.yml or Name.kql
// for Name.test.yaml, the first that exists (Name.yaml when none does).
func ruleBeside(testPath string) string {
	stem := testPath
	for _, s := range testFileSuffixes() {
		if strings.HasSuffix(strings.ToLower(stem), s) {
			stem = stem[:len(stem)-len(s)]
			break
		}
	}
	for _, ext := range []string{".yaml", ".yml", ".kql"} {
		if _, err := os.Stat(stem + ext); err == nil {
			return stem + ext
		}
	}
	return stem + ".yaml"
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.ShortTag() == "!!null" {
		return "null"
	}
	return fmt.Sprintf("%q", n.Value)
}

// mapping calls fn for each key of n; fn returns false for an unknown key.
func (d *testDecoder) mapping(n *yaml.Node, where string, fn func(k string, kn, v *yaml.Node) bool) {
	in := ""
	if where != "" {
		in = " in '" + where + "'"
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "expected a mapping%s, found %s", in, nodeKind(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.errorf(k, "duplicate key '%s'%s", k.Value, in)
			continue
		}
		seen[k.Value] = true
		if !fn(k.Value, k, v) {
			d.errorf(k, "unknown key '%s'%s", k.Value, in)
		}
	}
}

func (d *testDecoder) scalar(key string, n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, "in '%s': expected a value, found %s", key, nodeKind(n))
		return "", false
	}
	return n.Value, true
}

func (d *testDecoder) time(key string, n *yaml.Node) time.Time {
	s, ok := d.scalar(key, n)
	if !ok {
		return time.Time{}
	}
	ticks, ok := types.ParseDateTime(s)
	if !ok {
		d.errorf(n, "in '%s': expected a datetime such as 2024-05-01T12:00:00Z, found %q", key, s)
		return time.Time{}
	}
	return types.TimeFromTicks(ticks)
}

// caseField decodes a field a test case and the file's top level share.
func (d *testDecoder) caseField(c *TestCase, k string, v *yaml.Node, dir string) bool {
	switch k {
	case "as_of":
		c.AsOf = d.time(k, v)
	case "since":
		c.Since = d.time(k, v)
	case "until":
		c.Until = d.time(k, v)
	case "replay":
		if v.ShortTag() != "!!bool" {
			d.errorf(v, "in 'replay': expected true or false, found %s", nodeKind(v))
			break
		}
		c.Replay = v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
	case "tables":
		d.tables(c, v, dir)
	case "urls":
		d.urls(c, v, dir)
	case "watchlists":
		d.watchlists(c, v, dir)
	default:
		return false
	}
	return true
}

func (d *testDecoder) watchlists(c *TestCase, n *yaml.Node, dir string) {
	d.mapping(n, "watchlists", func(alias string, kn, v *yaml.Node) bool {
		w := TestWatchlist{Alias: alias}
		hasItems := false
		d.mapping(v, alias, func(k string, _, fv *yaml.Node) bool {
			switch k {
			case "file":
				if s, ok := d.scalar(k, fv); ok {
					w.File = filepath.Join(dir, filepath.FromSlash(s))
				}
			case "searchKey":
				if s, ok := d.scalar(k, fv); ok {
					w.SearchKey = s
				}
			case "items":
				hasItems = true
				if fv.Kind != yaml.SequenceNode {
					d.errorf(fv, "in watchlist '%s': expected a list of items, found %s", alias, nodeKind(fv))
					return true
				}
				for _, it := range fv.Content {
					if it.Kind != yaml.MappingNode {
						d.errorf(it, "in watchlist '%s': expected an item mapping fields to values, found %s", alias, nodeKind(it))
						continue
					}
					vals := map[string]string{}
					for i := 0; i+1 < len(it.Content); i += 2 {
						f, val := it.Content[i].Value, it.Content[i+1]
						if !slices.Contains(w.Fields, f) {
							w.Fields = append(w.Fields, f)
						}
						if val.Kind == yaml.ScalarNode {
							if val.ShortTag() != "!!null" {
								vals[f] = val.Value
							}
						} else {
							vals[f] = string(nodeJSON(val))
						}
					}
					row := make([]string, 0, len(w.Fields))
					for _, f := range w.Fields {
						row = append(row, vals[f])
					}
					w.Items = append(w.Items, row)
				}
			default:
				return false
			}
			return true
		})
		// Items written before a field first appeared lack it: pad them.
		for i := range w.Items {
			for len(w.Items[i]) < len(w.Fields) {
				w.Items[i] = append(w.Items[i], "")
			}
		}
		switch {
		case w.File == "" && !hasItems:
			d.errorf(v, "in watchlist '%s': expected 'items' or 'file', found neither", alias)
			return true
		case w.File != "" && hasItems:
			d.errorf(v, "in watchlist '%s': give 'items' or 'file', not both", alias)
			return true
		}
		c.Watchlists = slices.DeleteFunc(c.Watchlists, func(x TestWatchlist) bool { return x.Alias == alias })
		c.Watchlists = append(c.Watchlists, w)
		return true
	})
}

func (d *testDecoder) urls(c *TestCase, n *yaml.Node, dir string) {
	d.mapping(n, "urls", func(url string, kn, v *yaml.Node) bool {
		u := TestURL{URL: url}
		if !strings.Contains(url, "://") {
			d.errorf(kn, "in 'urls': expected a URL such as https://host/path, found %q", url)
			return true
		}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str":
			u.Data = []byte(v.Value)
		case v.Kind == yaml.MappingNode:
			d.mapping(v, url, func(k string, _, fv *yaml.Node) bool {
				if k != "file" {
					return false
				}
				if s, ok := d.scalar(k, fv); ok {
					u.File = filepath.Join(dir, filepath.FromSlash(s))
				}
				return true
			})
			if u.File == "" {
				d.errorf(v, "in URL '%s': expected 'file', found none", url)
				return true
			}
		default:
			d.errorf(v, "in URL '%s': expected the text it serves or {file: PATH}, found %s", url, nodeKind(v))
			return true
		}
		c.URLs = slices.DeleteFunc(c.URLs, func(x TestURL) bool { return x.URL == url })
		c.URLs = append(c.URLs, u)
		return true
	})
}

func (d *testDecoder) testCase(c *TestCase, n *yaml.Node, dir string) bool {
	ok := true
	var expect *yaml.Node
	before := len(d.diags)
	d.mapping(n, "tests", func(k string, kn, v *yaml.Node) bool {
		switch k {
		case "name":
			if s, good := d.scalar(k, v); good {
				c.Name = s
			}
		case "expect":
			expect = v
		default:
			return d.caseField(c, k, v, dir)
		}
		return true
	})
	if n.Kind == yaml.MappingNode && expect == nil {
		d.errorf(n, "test case %q has no 'expect'", c.Name)
		ok = false
	}
	c.Expect.Findings = -1
	if expect != nil {
		ok = d.expect(&c.Expect, expect) && ok
	}
	return ok && len(d.diags) == before
}

func (d *testDecoder) tables(c *TestCase, n *yaml.Node, dir string) {
	d.mapping(n, "tables", func(name string, kn, v *yaml.Node) bool {
		t := TestTable{Name: name}
		switch v.Kind {
		case yaml.SequenceNode:
			var b bytes.Buffer
			for _, row := range v.Content {
				if row.Kind != yaml.MappingNode {
					d.errorf(row, "in table '%s': expected a row mapping columns to values, found %s", name, nodeKind(row))
					continue
				}
				b.Write(nodeJSON(row))
				b.WriteByte('\n')
			}
			t.JSONLines = b.Bytes()
		case yaml.MappingNode:
			d.mapping(v, name, func(k string, _, fv *yaml.Node) bool {
				if k != "file" {
					return false
				}
				if s, ok := d.scalar(k, fv); ok {
					t.File = filepath.Join(dir, filepath.FromSlash(s))
				}
				return true
			})
			if t.File == "" {
				d.errorf(v, "in table '%s': expected 'file', found none", name)
			}
		default:
			d.errorf(v, "in table '%s': expected a list of rows or {file: PATH}, found %s", name, nodeKind(v))
			return true
		}
		c.Tables = slices.DeleteFunc(c.Tables, func(x TestTable) bool { return x.Name == name })
		c.Tables = append(c.Tables, t)
		return true
	})
}

func (d *testDecoder) expect(e *Expect, n *yaml.Node) bool {
	before := len(d.diags)
	e.Findings = -1
	given := false
	d.mapping(n, "expect", func(k string, kn, v *yaml.Node) bool {
		given = true
		switch k {
		case "findings":
			i, err := strconv.Atoi(v.Value)
			if v.ShortTag() != "!!int" || err != nil || i < 0 {
				d.errorf(v, "in 'findings': expected a number of findings, found %s", nodeKind(v))
				break
			}
			if e.Findings >= 0 && e.Findings != i {
				d.errorf(v, "in 'expect': 'findings: %d' contradicts 'no_findings'", i)
			}
			e.Findings = i
		case "no_findings":
			if v.ShortTag() != "!!bool" {
				d.errorf(v, "in 'no_findings': expected true or false, found %s", nodeKind(v))
				break
			}
			if strings.EqualFold(v.Value, "true") {
				if e.Findings > 0 {
					d.errorf(v, "in 'expect': 'no_findings' contradicts 'findings: %d'", e.Findings)
				}
				e.Findings = 0
			}
		case "rows":
			e.HasRows = true
			if v.Kind != yaml.SequenceNode {
				d.errorf(v, "in 'rows': expected a list of rows, found %s", nodeKind(v))
				break
			}
			for _, rn := range v.Content {
				if rn.Kind != yaml.MappingNode {
					d.errorf(rn, "in 'rows': expected a mapping of columns to values, found %s", nodeKind(rn))
					continue
				}
				row := ExpectRow{Pos: rules.Pos{Line: rn.Line, Col: rn.Column}}
				for i := 0; i+1 < len(rn.Content); i += 2 {
					row.Cells = append(row.Cells, expectCell(rn.Content[i].Value, rn.Content[i+1]))
				}
				e.Rows = append(e.Rows, row)
			}
		case "entities":
			if v.Kind != yaml.SequenceNode {
				d.errorf(v, "in 'entities': expected a list of entities, found %s", nodeKind(v))
				break
			}
			for _, en := range v.Content {
				var ent Entity
				d.mapping(en, "entities", func(k string, _, ev *yaml.Node) bool {
					switch k {
					case "type":
						ent.Type, _ = d.scalar(k, ev)
					case "identifiers":
						d.mapping(ev, "identifiers", func(id string, _, iv *yaml.Node) bool {
							s, _ := d.scalar(id, iv)
							ent.Identifiers = append(ent.Identifiers, Identifier{id, s})
							return true
						})
					default:
						return false
					}
					return true
				})
				if ent.Type == "" && en.Kind == yaml.MappingNode {
					d.errorf(en, "in 'entities': expected 'type', found none")
				}
				e.Entities = append(e.Entities, ent)
			}
		default:
			return false
		}
		return true
	})
	if !given && n.Kind == yaml.MappingNode {
		d.errorf(n, "in 'expect': expected 'findings', 'no_findings', 'rows' or 'entities', found none")
	}
	return len(d.diags) == before
}

func expectCell(col string, v *yaml.Node) ExpectCell {
	if v.Kind == yaml.ScalarNode {
		return ExpectCell{Column: col, Tag: v.ShortTag(), Text: v.Value}
	}
	return ExpectCell{Column: col, Tag: "json", Text: string(nodeJSON(v))}
}

// Limits of nodeJSON.
const (
	maxJSONDepth = 100
	maxJSONBytes = 64 << 20
)

// nodeJSON converts a YAML node to compact JSON, keeping key order. Timestamps become
// strings; integers and floats become JSON numbers.
func nodeJSON(n *yaml.Node) []byte {
	var b []byte
	depth := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		// Aliases can make a small file expand without bound; give up on absurd sizes.
		if n == nil || depth > maxJSONDepth || len(b) > maxJSONBytes {
			b = append(b, "null"...)
			return
		}
		depth++
		defer func() { depth-- }()
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) > 0 {
				walk(n.Content[0])
			}
		case yaml.AliasNode:
			walk(n.Alias)
		case yaml.MappingNode:
			b = append(b, '{')
			for i := 0; i+1 < len(n.Content); i += 2 {
				if i > 0 {
					b = append(b, ',')
				}
				b = types.AppendJSONString(b, n.Content[i].Value)
				b = append(b, ':')
				walk(n.Content[i+1])
			}
			b = append(b, '}')
		case yaml.SequenceNode:
			b = append(b, '[')
			for i, e := range n.Content {
				if i > 0 {
					b = append(b, ',')
				}
				walk(e)
			}
			b = append(b, ']')
		default:
			switch n.ShortTag() {
			case "!!null":
				b = append(b, "null"...)
			case "!!bool":
				var v bool
				n.Decode(&v)
				b = strconv.AppendBool(b, v)
			case "!!int":
				var v int64
				if n.Decode(&v) == nil {
					b = strconv.AppendInt(b, v, 10)
				} else {
					b = types.AppendJSONString(b, n.Value)
				}
			case "!!float":
				var v float64
				if err := n.Decode(&v); err == nil && !isNonFinite(v) {
					b = strconv.AppendFloat(b, v, 'g', -1, 64)
				} else {
					b = types.AppendJSONString(b, n.Value)
				}
			default:
				b = types.AppendJSONString(b, n.Value)
			}
		}
	}
	walk(n)
	return b
}

func isNonFinite(f float64) bool {
	return f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308
}

// FindTests returns the rule test files under paths: test files themselves, the test
// files in folders (recursively, skipping hidden folders), and for a rule file, the test
// file beside it. A rule file without a test file, or a path that does not exist, is an
// error.
func FindTests(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			if IsTestFile(p) {
				out = append(out, p)
				continue
			}
			stem := strings.TrimSuffix(p, filepath.Ext(p))
			found := false
			for _, s := range testFileSuffixes() {
				if _, err := os.Stat(stem + s); err == nil {
					out = append(out, stem+s)
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("%s: no test file beside the rule (expected %s)", p, filepath.Base(stem)+testFileSuffixes()[0])
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && path != p && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			if !e.IsDir() && IsTestFile(path) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Opener makes an engine over the tables and URLs of a test case. The engine may be used
// for one case only; if it implements io.Closer it is closed after the case.
type Opener func(ctx context.Context, in TestInput) (Engine, error)

// TestResult is the outcome of one test case, or of a test file that could not be run
// (then Case is empty and Problems says why).
type TestResult struct {
	File     string // the test file
	Rule     string // the rule file
	Case     string
	Pos      rules.Pos
	Passed   bool
	Problems []string // why it failed: diagnostics, or a diff headed "(-want +got)"
	Findings int
	Duration time.Duration
}

// RunTests runs the test files with engines from open, loading rules with loader. A file
// that cannot be read, or whose rule does not load, gives one failed result; each case
// gives one result.
func RunTests(ctx context.Context, files []string, open Opener, loader rules.Loader) []TestResult {
	var out []TestResult
	for _, path := range files {
		if ctx.Err() != nil {
			break
		}
		tf, ds := LoadTestFile(path)
		if ds.HasErrors() {
			out = append(out, TestResult{File: path, Problems: diagLines(ds.Errors())})
			continue
		}
		r, rds := loader.LoadFile(tf.Rule)
		if rds.HasErrors() || r == nil {
			msgs := diagLines(rds.Errors())
			if len(msgs) == 0 {
				msgs = []string{tf.Rule + ": not a rule"}
			}
			out = append(out, TestResult{File: path, Rule: tf.Rule, Problems: msgs})
			continue
		}
		for _, c := range tf.Cases {
			out = append(out, runCase(ctx, tf, r, c, open))
		}
	}
	return out
}

func diagLines(ds rules.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func runCase(ctx context.Context, tf *TestFile, r *rules.Rule, c TestCase, open Opener) TestResult {
	start := time.Now()
	tr := TestResult{File: tf.Path, Rule: tf.Rule, Case: c.Name, Pos: c.Pos}
	defer func() { tr.Duration = time.Since(start) }()
	eng, err := open(ctx, TestInput{Tables: c.Tables, URLs: c.URLs, Watchlists: c.Watchlists})
	if err != nil {
		tr.Problems = []string{"cannot load the test's tables: " + err.Error()}
		return tr
	}
	if cl, ok := eng.(io.Closer); ok {
		defer cl.Close()
	}
	res, err := Run(ctx, eng, []*rules.Rule{r}, Options{AsOf: c.AsOf, Replay: c.Replay, Since: c.Since, Until: c.Until})
	if err != nil {
		tr.Problems = []string{err.Error()}
		return tr
	}
	for _, f := range res.Failures {
		tr.Problems = append(tr.Problems, diagLines(f.Diagnostics)...)
	}
	if len(tr.Problems) > 0 {
		return tr
	}
	tr.Findings = len(res.Findings)
	tr.Problems = checkExpect(c.Expect, res.Findings)
	tr.Passed = len(tr.Problems) == 0
	return tr
}

// checkExpect compares findings with what a case expects and describes every difference.
func checkExpect(e Expect, fs []Finding) []string {
	var probs []string
	if e.Findings >= 0 && len(fs) != e.Findings {
		probs = append(probs, fmt.Sprintf("findings = %d, want %d", len(fs), e.Findings))
	}
	if e.HasRows {
		if p := checkRows(e.Rows, fs); p != "" {
			probs = append(probs, p)
		}
	}
	if len(e.Entities) > 0 {
		have := map[string]bool{}
		var all []string
		for _, f := range fs {
			for _, en := range f.Entities {
				if !have[en.Key()] {
					all = append(all, en.String())
				}
				have[en.Key()] = true
			}
		}
		for _, want := range e.Entities {
			if !hasEntity(fs, want) {
				probs = append(probs, fmt.Sprintf("no finding has the entity %s; entities found: %s", want, orNone(all)))
			}
		}
	}
	return probs
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, "; ")
}

// hasEntity reports whether some finding has an entity of want's type whose identifiers
// include want's.
func hasEntity(fs []Finding, want Entity) bool {
	for _, f := range fs {
		for _, e := range f.Entities {
			if !strings.EqualFold(e.Type, want.Type) {
				continue
			}
			all := true
			for _, id := range want.Identifiers {
				if !slices.Contains(e.Identifiers, id) {
					all = false
					break
				}
			}
			if all {
				return true
			}
		}
	}
	return false
}

// checkRows matches expected rows with the findings' rows, in any order, each actual row
// used once, comparing only the columns each expected row lists. It returns a diff of the
// rows left unmatched, or "".
func checkRows(want []ExpectRow, fs []Finding) string {
	type actual struct {
		cols []Column
		row  []types.Value
	}
	var got []actual
	for _, f := range fs {
		for _, r := range f.Rows {
			got = append(got, actual{f.Columns, r})
		}
	}
	used := make([]bool, len(got))
	var missing []ExpectRow
	var listed []string
	for _, w := range want {
		for _, c := range w.Cells {
			if !slices.Contains(listed, c.Column) {
				listed = append(listed, c.Column)
			}
		}
		found := false
		for i, g := range got {
			if !used[i] && rowMatches(w, g.cols, g.row) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	var extra []string
	for i, g := range got {
		if !used[i] {
			extra = append(extra, rowText(listed, g.cols, g.row))
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rows differ (-want +got), %d row(s) expected, %d found:", len(want), len(got))
	for _, m := range missing {
		var parts []string
		for _, c := range m.Cells {
			parts = append(parts, c.Column+": "+c.Text)
		}
		fmt.Fprintf(&b, "\n  - line %d: {%s}", m.Pos.Line, strings.Join(parts, ", "))
	}
	for _, x := range extra {
		fmt.Fprintf(&b, "\n  + {%s}", x)
	}
	return b.String()
}

func rowText(listed []string, cols []Column, row []types.Value) string {
	var parts []string
	for _, name := range listed {
		for i, c := range cols {
			if c.Name == name && i < len(row) {
				parts = append(parts, name+": "+row[i].String())
			}
		}
	}
	if len(parts) == 0 {
		for i, c := range cols {
			if i < len(row) {
				parts = append(parts, c.Name+": "+row[i].String())
			}
		}
	}
	return strings.Join(parts, ", ")
}

func rowMatches(w ExpectRow, cols []Column, row []types.Value) bool {
	for _, c := range w.Cells {
		i := slices.IndexFunc(cols, func(col Column) bool { return col.Name == c.Column })
		if i < 0 || i >= len(row) || !cellMatches(c, row[i]) {
			return false
		}
	}
	return true
}

// cellMatches compares an expected value with an actual one by the actual value's type.
func cellMatches(c ExpectCell, v types.Value) bool {
	if c.Tag == "!!null" {
		return v.IsNull() || v.Type == types.String && v.S == ""
	}
	if v.IsNull() {
		return false
	}
	switch v.Type {
	case types.Bool:
		b, ok := types.ParseBool(c.Text)
		return ok && b == v.Bool()
	case types.Int, types.Long, types.Real, types.Decimal:
		f, ok := types.ParseReal(c.Text)
		return ok && f == types.ToReal(v).F
	case types.DateTime:
		t, ok := types.ParseDateTime(c.Text)
		return ok && t == v.I
	case types.TimeSpan:
		t, ok := types.ParseTimeSpan(c.Text)
		return ok && t == v.I
	case types.GUID:
		g, ok := types.ParseGUID(c.Text)
		return ok && g == v.S
	case types.Dynamic:
		want := c.Text
		if c.Tag != "json" {
			if types.JSON(v.S).Kind() == types.JSONString {
				return types.DynamicString(v) == c.Text
			}
			want = string(nodeJSON(&yaml.Node{Kind: yaml.ScalarNode, Tag: c.Tag, Value: c.Text}))
		}
		a, err1 := types.CompactJSON(v.S)
		b, err2 := types.CompactJSON(want)
		return err1 == nil && err2 == nil && a == b
	}
	return v.String() == c.Text
}

// WriteTestReport prints one PASS or FAIL line per result, the problems of failures
// indented below, and a summary line. It returns the number of failed results.
func WriteTestReport(w io.Writer, results []TestResult) int {
	var b strings.Builder
	failed, files := 0, map[string]bool{}
	for _, r := range results {
		files[r.File] = true
		where := r.File
		if r.Pos.Line > 0 {
			where = fmt.Sprintf("%s:%d", r.File, r.Pos.Line)
		}
		name := r.Case
		if name == "" {
			name = "(file)"
		}
		if r.Passed {
			fmt.Fprintf(&b, "PASS %s %s (%d finding(s), %s)\n", where, name, r.Findings, r.Duration.Round(time.Millisecond))
			continue
		}
		failed++
		fmt.Fprintf(&b, "FAIL %s %s\n", where, name)
		for _, p := range r.Problems {
			for _, line := range strings.Split(p, "\n") {
				fmt.Fprintf(&b, "    %s\n", line)
			}
		}
	}
	verdict := "ok"
	if failed > 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "%s: %d passed, %d failed, in %d test file(s)\n", verdict, len(results)-failed, failed, len(files))
	io.WriteString(w, b.String())
	return failed
}
