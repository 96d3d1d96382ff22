package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/attack"
)

// FuzzLoad checks that no input makes the loader panic, that positions stay inside the
// file, and that QueryPos maps every query offset inside the file.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	hunting, _ := filepath.Glob("testdata/Hunting Queries/*.yaml")
	files = append(files, hunting...)
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "query: |\n  A\n", "query: >2-\n   A\n\n  B\n", "query: \"a\\\n  b\"", "query: 'a\n\n  b'", "a: &x 1\nquery: *x\n"} {
		f.Add([]byte(s))
	}
	cat := attack.Default()
	f.Fuzz(func(t *testing.T, text []byte) {
		lines := strings.Count(string(text), "\n") + 1
		// also as a file of a hunting-queries folder, where kind and id are judged otherwise
		for _, l := range []Loader{{ATTACK: cat}, {ATTACK: cat, HuntingFolder: true}} {
			r, ds := l.Load("Hunting Queries/f.yaml", text)
			for _, d := range ds {
				if d.Line < 0 || d.Line > lines {
					t.Errorf("diagnostic %s is outside the %d-line file", d, lines)
				}
			}
			if r == nil || r.query.src == nil {
				continue // no query, or one of the wrong type
			}
			for i := 0; i <= len(r.Query); i++ {
				line, col := r.QueryPos(i)
				if line < 1 || line > lines || col < 1 {
					t.Fatalf("QueryPos(%d) = %d:%d outside the %d-line file", i, line, col, lines)
				}
			}
		}
	})
}

func TestLoadEmpty(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "---\n"} {
		r, ds := Loader{}.Load("e.yaml", []byte(src))
		if r != nil || !ds.HasErrors() {
			t.Errorf("Load(%q) = %v, %s; want no rule and an error", src, r, ds)
		}
	}
}
