package syntax

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary text to the parser and printer. It fails only on
// panics (and hangs, which the fuzzer reports): bad input must give errors.
func FuzzParse(f *testing.F) {
	for _, q := range validQueries {
		f.Add(q)
	}
	for _, tc := range invalidQueries {
		f.Add(tc.src)
	}
	if root, err := repoRoot(); err == nil {
		if recs, err := readCorpus(filepath.Join(root, "..", "shared", "corpus", "kql-queries.jsonl")); err == nil {
			for _, r := range recs {
				f.Add(r.Query)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, errs := Parse(src)
		for _, e := range errs {
			e.At(src)
		}
		Print(s)
		Inspect(s, func(n Node) bool {
			if n != nil {
				n.Pos()
				n.End()
			}
			return true
		})
	})
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// FuzzRoundTrip checks the printer on arbitrary input that parses: the
// printed form must reparse to the same tree.
func FuzzRoundTrip(f *testing.F) {
	for _, q := range validQueries {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, errs := Parse(src)
		if len(errs) > 0 {
			return
		}
		printed := Print(s)
		s2, errs := Parse(printed)
		if len(errs) > 0 {
			t.Fatalf("Parse(Print(Parse(%q))) = %s, want no errors; printed:\n%s", src, errs[0].At(printed), printed)
		}
		if got, want := dumpTree(s2), dumpTree(s); got != want {
			t.Fatalf("Parse(Print(Parse(%q))) gives another tree; printed:\n%s", src, printed)
		}
	})
}
