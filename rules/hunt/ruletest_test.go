package hunt

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules"
)

// fakeOpener builds a fakeEngine from a test's tables: JSON lines, each object a row,
// columns in order of first appearance, TimeGenerated read as a datetime and other values
// typed by their JSON kind.
func fakeOpener(_ context.Context, in TestInput) (Engine, error) {
	eng := &fakeEngine{tables: map[string]*Table{}}
	for _, tt := range in.Tables {
		data := tt.JSONLines
		if tt.File != "" {
			var err error
			if data, err = os.ReadFile(tt.File); err != nil {
				return nil, err
			}
		}
		t := &Table{}
		var objs []map[string]types.Value
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := types.JSON(sc.Text())
			if !line.Valid() || line.Kind() != types.JSONObject {
				return nil, fmt.Errorf("table %s: not a JSON object: %s", tt.Name, line)
			}
			obj := map[string]types.Value{}
			line.Members(func(k, v types.JSON) bool {
				name, _ := k.Unquote()
				val := types.DynamicScalar(v)
				if name == "TimeGenerated" {
					val = types.ToDateTime(val)
				}
				if t.Index(name) < 0 {
					t.Columns = append(t.Columns, Column{name, val.Type})
				}
				obj[name] = val
				return true
			})
			objs = append(objs, obj)
		}
		for _, o := range objs {
			row := make([]types.Value, len(t.Columns))
			for i, c := range t.Columns {
				if v, ok := o[c.Name]; ok {
					row[i] = v
				} else {
					row[i] = types.NullOf(c.Type)
				}
			}
			t.Rows = append(t.Rows, row)
		}
		eng.tables[tt.Name] = t
	}
	return eng, nil
}

func TestRuleTestsPass(t *testing.T) {
	files, err := FindTests([]string{"testdata/ruletest"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"testdata/ruletest/spray.test.yaml", "testdata/ruletest/sub/hunt.test.yaml"}, files); diff != "" {
		t.Errorf("FindTests (-want +got):\n%s", diff)
	}
	results := RunTests(context.Background(), files, fakeOpener, rules.Loader{})
	var b bytes.Buffer
	if n := WriteTestReport(&b, results); n != 0 {
		t.Errorf("%d test(s) failed:\n%s", n, b.String())
	}
	if len(results) != 4 {
		t.Errorf("ran %d cases, want 4:\n%s", len(results), b.String())
	}
	if !strings.Contains(b.String(), "ok: 4 passed, 0 failed, in 2 test file(s)\n") {
		t.Errorf("report lacks the summary:\n%s", b.String())
	}
}

func TestRuleTestsFail(t *testing.T) {
	files, err := FindTests([]string{"testdata/ruletest-fail"})
	if err != nil {
		t.Fatal(err)
	}
	results := RunTests(context.Background(), files, fakeOpener, rules.Loader{})
	var b bytes.Buffer
	failed := WriteTestReport(&b, results)
	got := b.String()
	// Durations vary; drop them.
	got = regexpDuration.ReplaceAllString(got, ")")
	want := `FAIL testdata/ruletest-fail/broken.test.yaml (file)
    testdata/ruletest-fail/broken.test.yaml:3:12: in table 'Signins': expected a list of rows or {file: PATH}, found "3"
    testdata/ruletest-fail/broken.test.yaml:5:5: test case "no expectation" has no 'expect'
    testdata/ruletest-fail/broken.test.yaml:6:5: unknown key 'bogus' in 'tests'
    testdata/ruletest-fail/broken.test.yaml:8:24: in 'findings': expected a number of findings, found "many"
FAIL testdata/ruletest-fail/norule.test.yaml (file)
    testdata/ruletest-fail/norule.yaml: open: no such file or directory
FAIL testdata/ruletest-fail/wrong.test.yaml:6 wrong count and rows
    findings = 1, want 2
    rows differ (-want +got), 1 row(s) expected, 1 found:
      - line 10: {User: mallory}
      + {User: alice}
    no finding has the entity Account:Name=mallory; entities found: Account:Name=alice; IP:Address=10.0.0.1
PASS testdata/ruletest-fail/wrong.test.yaml:13 right (1 finding(s))
FAIL: 1 passed, 3 failed, in 3 test file(s)
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if failed != 3 {
		t.Errorf("WriteTestReport = %d failed, want 3", failed)
	}
}

func TestFindTests(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("A.yaml")
	write("A.test.yaml")
	write("B.yaml")
	write(".hidden/C.test.yaml")
	write("d/E.test.yml")
	got, err := FindTests([]string{filepath.Join(dir, "A.yaml"), dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "A.test.yaml"), filepath.Join(dir, "d/E.test.yml")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindTests (-want +got):\n%s", diff)
	}
	if _, err := FindTests([]string{filepath.Join(dir, "B.yaml")}); err == nil || !strings.Contains(err.Error(), "B.test.yaml") {
		t.Errorf("FindTests(rule without test) err = %v, want one naming B.test.yaml", err)
	}
	if _, err := FindTests([]string{filepath.Join(dir, "nope")}); err == nil {
		t.Errorf("FindTests(missing path) gave no error")
	}
}

func TestCellMatches(t *testing.T) {
	tests := []struct {
		c    ExpectCell
		v    types.Value
		want bool
	}{
		{ExpectCell{Tag: "!!int", Text: "3"}, types.NewLong(3), true},
		{ExpectCell{Tag: "!!int", Text: "3"}, types.NewReal(3), true},
		{ExpectCell{Tag: "!!str", Text: "3"}, types.NewLong(4), false},
		{ExpectCell{Tag: "!!str", Text: "3"}, types.NewString("3"), true},
		{ExpectCell{Tag: "!!str", Text: "Alice"}, types.NewString("alice"), false},
		{ExpectCell{Tag: "!!bool", Text: "true"}, types.NewBool(true), true},
		{ExpectCell{Tag: "!!timestamp", Text: "2024-05-01T10:00:00Z"}, dt("2024-05-01T10:00:00Z"), true},
		{ExpectCell{Tag: "!!str", Text: "2024-05-01 10:00"}, dt("2024-05-01T10:00:00Z"), true},
		{ExpectCell{Tag: "!!str", Text: "01:30:00"}, types.NewTimeSpan(90 * types.TicksPerMinute), true},
		{ExpectCell{Tag: "!!null", Text: "~"}, types.NullOf(types.Long), true},
		{ExpectCell{Tag: "!!null", Text: "~"}, types.NewString(""), true},
		{ExpectCell{Tag: "!!null", Text: "~"}, types.NewLong(0), false},
		{ExpectCell{Tag: "!!int", Text: "0"}, types.NullOf(types.Long), false},
		{ExpectCell{Tag: "json", Text: `{"k":1}`}, types.NewDynamic(`{ "k": 1 }`), true},
		{ExpectCell{Tag: "json", Text: `{"k":2}`}, types.NewDynamic(`{"k":1}`), false},
		{ExpectCell{Tag: "!!int", Text: "7"}, types.NewDynamic(`7`), true},
		{ExpectCell{Tag: "!!str", Text: "x"}, types.NewDynamic(`"x"`), true},
		{ExpectCell{Tag: "!!str", Text: "0B3FA3B8-1F4C-4A9E-9B57-3A5C7C1D2E11"}, types.NewGUID("0b3fa3b8-1f4c-4a9e-9b57-3a5c7c1d2e11"), true},
	}
	for _, tt := range tests {
		if got := cellMatches(tt.c, tt.v); got != tt.want {
			t.Errorf("cellMatches(%+v, %v) = %v, want %v", tt.c, tt.v, got, tt.want)
		}
	}
}

func TestParseTestFileErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", "t.test.yaml: file holds no tests: it is empty"},
		{"- a\n", "t.test.yaml:1:1: expected a mapping with 'tests', found a list"},
		{"rule: x.yaml\n", "t.test.yaml:1:1: expected 'tests' or 'expect', found neither"},
		{"tests: []\n", "t.test.yaml:1:8: in 'tests': expected at least one test case, found an empty list"},
		{"expect: {}\n", "t.test.yaml:1:9: in 'expect': expected 'findings', 'no_findings', 'rows' or 'entities', found none"},
		{"expect: {findings: 1, no_findings: true}\n", "t.test.yaml:1:36: in 'expect': 'no_findings' contradicts 'findings: 1'"},
		{"as_of: yesterday\nexpect: {findings: 1}\n", `t.test.yaml:1:8: in 'as_of': expected a datetime such as 2024-05-01T12:00:00Z, found "yesterday"`},
		{"tests: [{expect: {findings: 1}}]\nexpect: {findings: 1}\n", "t.test.yaml:2:9: expected 'expect' inside each of 'tests', found it at the top level as well"},
		{"name: x\nexpect: {findings: 1}\n", "t.test.yaml:1:1: unknown key 'name'"},
		{"tables: {T: {file: a, extra: b}}\nexpect: {findings: 1}\n", "t.test.yaml:1:23: unknown key 'extra' in 'T'"},
		{"expect: {rows: [1]}\n", "t.test.yaml:1:17: in 'rows': expected a mapping of columns to values, found \"1\""},
		{"expect:\n  findings: 1\n   bad: [\n", "t.test.yaml: invalid YAML: line 3: mapping values are not allowed in this context"},
		{"watchlists: {VIP: {searchKey: UPN}}\nexpect: {findings: 1}\n", "t.test.yaml:1:19: in watchlist 'VIP': expected 'items' or 'file', found neither"},
		{"watchlists: {VIP: {file: a.csv, items: []}}\nexpect: {findings: 1}\n", "t.test.yaml:1:19: in watchlist 'VIP': give 'items' or 'file', not both"},
		{"watchlists: {VIP: {items: [3]}}\nexpect: {findings: 1}\n", "t.test.yaml:1:28: in watchlist 'VIP': expected an item mapping fields to values, found \"3\""},
		{"urls: {https://x.example/a: [1]}\nexpect: {findings: 1}\n", "t.test.yaml:1:29: in URL 'https://x.example/a': expected the text it serves or {file: PATH}, found a list"},
	}
	for _, tt := range tests {
		_, ds := ParseTestFile("t.test.yaml", []byte(tt.text))
		if got := ds.String(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("ParseTestFile(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

var regexpDuration = regexp.MustCompile(`(?m), \d+(\.\d+)?[µnm]?s\)$`)
