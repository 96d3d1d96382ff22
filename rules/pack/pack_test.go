package pack

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/rules/hunt/local"
	"github.com/socfeed/socfeed/synth"
)

// TestRulesLoadClean checks every rule loads with no error or warning and carries what a
// responder and the feed need: a kind, ATT&CK tactics and techniques that exist, entity
// mappings, a schedule and trigger for analytic rules, and a unique id.
func TestRulesLoadClean(t *testing.T) {
	rs, ds := Rules(rules.Loader{})
	for _, d := range ds {
		t.Errorf("%s", d)
	}
	if len(rs) < 15 {
		t.Errorf("the pack has %d rules, want at least 15", len(rs))
	}
	at := attack.Default()
	seen := map[string]string{}
	kinds := map[rules.Kind]int{}
	for _, r := range rs {
		kinds[r.Kind]++
		if prev, dup := seen[r.ID]; dup {
			t.Errorf("%s: id %s is also the id of %s", r.File, r.ID, prev)
		}
		seen[r.ID] = r.File
		if r.Name == "" || r.Description == "" || r.Query == "" {
			t.Errorf("%s: want a name, description and query", r.File)
		}
		if len(r.Tactics) == 0 || len(r.RelevantTechniques) == 0 {
			t.Errorf("%s: want tactics and relevantTechniques", r.File)
		}
		for _, id := range r.RelevantTechniques {
			if _, ok := at.Technique(id); !ok {
				t.Errorf("%s: technique %s is not in the ATT&CK catalog", r.File, id)
			}
		}
		if len(r.EntityMappings) == 0 {
			t.Errorf("%s: want entityMappings", r.File)
		}
		wantDir := "analytic/"
		if r.Kind == rules.KindHunting {
			wantDir = "hunting/"
		}
		if !strings.HasPrefix(r.File, wantDir) {
			t.Errorf("%s: a %s rule belongs in %s", r.File, r.Kind, wantDir)
		}
		if r.Kind == rules.KindScheduled && (r.QueryFrequency <= 0 || r.QueryPeriod < r.QueryFrequency || r.TriggerOperator == "") {
			t.Errorf("%s: a scheduled rule wants queryFrequency, a queryPeriod at least as long, and a trigger", r.File)
		}
		if r.Kind != rules.KindHunting && r.Severity == "" {
			t.Errorf("%s: want a severity", r.File)
		}
	}
	for _, k := range []rules.Kind{rules.KindScheduled, rules.KindNRT, rules.KindHunting} {
		if kinds[k] == 0 {
			t.Errorf("the pack has no %s rule", k)
		}
	}
	// Every scenario synth plants names a rule of this pack.
	for _, sc := range synth.Scenarios() {
		if _, ok := seen[sc.RuleID]; !ok {
			t.Errorf("scenario %s expects rule %s, which the pack lacks", sc.Name, sc.RuleID)
		}
	}
}

// TestEveryRuleHasTests checks each rule has a test file beside it with at least one case
// that expects findings and one that expects none.
func TestEveryRuleHasTests(t *testing.T) {
	err := fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || isTest(p) || path.Ext(p) != ".yaml" {
			return err
		}
		testPath := strings.TrimSuffix(p, ".yaml") + ".test.yaml"
		text, err := fs.ReadFile(FS(), testPath)
		if err != nil {
			t.Errorf("%s: no rule test %s", p, testPath)
			return nil
		}
		tf, ds := hunt.ParseTestFile(testPath, text)
		if ds.HasErrors() {
			t.Errorf("%s: %v", testPath, ds.Errors())
			return nil
		}
		var pos, neg int
		for _, c := range tf.Cases {
			switch {
			case c.Expect.Findings > 0:
				pos++
			case c.Expect.Findings == 0:
				neg++
			}
		}
		if pos == 0 || neg == 0 {
			t.Errorf("%s: %d case(s) expect findings and %d expect none, want at least one of each", testPath, pos, neg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRuleTests runs the rule unit tests of the pack on the local engine, as
// `socfeed test rules/pack` does.
func TestRuleTests(t *testing.T) {
	dir, err := WriteDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files, err := hunt.FindTests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	results := hunt.RunTests(context.Background(), files, local.Opener(local.OpenerOptions{}), rules.Loader{})
	if len(results) < 2*len(files) {
		t.Errorf("%d test results from %d files, want at least two cases a file", len(results), len(files))
	}
	for _, r := range results {
		if !r.Passed {
			rel, _ := filepath.Rel(dir, r.File)
			t.Errorf("%s:%d %s: %s", rel, r.Pos.Line, r.Case, strings.Join(r.Problems, "; "))
		}
	}
}

// TestWriteDirMatchesFS checks WriteDir copies every embedded file unchanged.
func TestWriteDirMatchesFS(t *testing.T) {
	dir, err := WriteDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			want = append(want, p)
			text, _ := fs.ReadFile(FS(), p)
			disk, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
			if err != nil || string(disk) != string(text) {
				t.Errorf("%s: written copy differs (%v)", p, err)
			}
		}
		return nil
	})
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("WriteDir wrote %v, want %v", got, want)
	}
}
