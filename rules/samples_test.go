package rules

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/attack"
)

// expectation is one "# expect: line:col: fragment" (or "# expect warning: ...") comment
// of a sample file.
type expectation struct {
	level     Level
	line, col int
	fragment  string
}

var expectRE = regexp.MustCompile(`^# expect( warning)?: (\d+):(\d+): (.+)$`)

func readExpectations(t *testing.T, text []byte) []expectation {
	t.Helper()
	var out []expectation
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		m := expectRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		e := expectation{level: Error, fragment: m[4]}
		if m[1] != "" {
			e.level = Warning
		}
		e.line, _ = strconv.Atoi(m[2])
		e.col, _ = strconv.Atoi(m[3])
		out = append(out, e)
	}
	return out
}

// TestSamples loads testdata/*.good.yaml and *.bad.yaml, and those under
// testdata/Hunting Queries as a hunting-queries folder (which must give hunting queries).
// Good samples must load without errors, bad ones with at least one; in both, every
// diagnostic must be announced by an "# expect" comment naming its position and a
// fragment of its message, and every comment must be met.
func TestSamples(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	hunting, err := filepath.Glob("testdata/Hunting Queries/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(hunting) == 0 {
		t.Fatal("no samples under testdata/Hunting Queries")
	}
	files = append(files, hunting...)
	if len(files) == 0 {
		t.Fatal("no samples under testdata")
	}
	for _, f := range files {
		name := strings.TrimPrefix(filepath.ToSlash(f), "testdata/")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := readExpectations(t, text)
			inHunting := InHuntingFolder(f)
			r, ds := Loader{ATTACK: attack.Default(), HuntingFolder: inHunting}.Load(f, text)
			good := strings.HasSuffix(f, ".good.yaml")
			if inHunting && r != nil && r.Kind != KindHunting {
				t.Errorf("sample of a hunting-queries folder loads as a %s rule, want a hunting query", r.Kind)
			}
			if good && (r == nil || ds.HasErrors()) {
				t.Errorf("good sample has errors:\n%s", ds)
			}
			if !good && !ds.HasErrors() {
				t.Errorf("bad sample loads without errors")
			}
			met := make([]bool, len(want))
			for _, d := range ds {
				found := false
				for i, w := range want {
					if !met[i] && w.level == d.Severity && w.line == d.Line && w.col == d.Col && strings.Contains(d.Msg, w.fragment) {
						met[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("unexpected diagnostic %s", d)
				}
			}
			for i, w := range want {
				if !met[i] {
					t.Errorf("missing %s at %d:%d containing %q; got:\n%s", w.level, w.line, w.col, w.fragment, ds)
				}
			}
		})
	}
}
