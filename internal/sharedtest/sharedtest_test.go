package sharedtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindMissing(t *testing.T) {
	_, err := Find("no-such-folder-in-shared")
	if err == nil {
		t.Fatal("Find(no-such-folder-in-shared) = nil error")
	}
	if !strings.Contains(err.Error(), "no-such-folder-in-shared") && !strings.Contains(err.Error(), "go.mod") {
		t.Errorf("Find error %q names neither the missing path nor go.mod", err)
	}
}

func TestDirSkipsWhenAbsent(t *testing.T) {
	var skipped bool
	t.Run("absent", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Dir(t, "no-such-folder-in-shared")
		t.Error("Dir returned for an absent folder")
	})
	if !skipped {
		t.Error("Dir did not skip for an absent folder")
	}
}

func TestDirPresent(t *testing.T) {
	p := Dir(t, "corpus")
	if !filepath.IsAbs(p) || filepath.Base(p) != "corpus" || filepath.Base(filepath.Dir(p)) != "shared" {
		t.Errorf("Dir(corpus) = %s, want an absolute path ending in shared/corpus", p)
	}
}

func TestReadJSONL(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.jsonl")
	if err := os.WriteFile(p, []byte("{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSONL[struct{ ID string }](p)
	if err != nil || len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Errorf("ReadJSONL = %+v, %v; want a then b", got, err)
	}
	if err := os.WriteFile(p, []byte("{\"id\":\"a\"}\n{\"id\":\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadJSONL[struct{ ID string }](p); err == nil || !strings.Contains(err.Error(), p+":2:") {
		t.Errorf("ReadJSONL on a broken second line = %v, want an error at %s:2", err, p)
	}
	if _, err := ReadJSONL[struct{}](filepath.Join(t.TempDir(), "missing.jsonl")); err == nil {
		t.Error("ReadJSONL on a missing file = nil error")
	}
}

// TestCorpus checks the reader against the counts shared/corpus/README.md states.
func TestCorpus(t *testing.T) {
	recs := Corpus(t)
	distinct, yaml, syntaxOK := 0, 0, 0
	for _, r := range recs {
		if r.ID == "" || r.Query == "" || r.Repo == "" {
			t.Fatalf("record %+v lacks id, query or repo", r)
		}
		if r.DuplicateOf == nil {
			distinct++
			if r.SyntaxOK {
				syntaxOK++
			}
		}
		if r.YAML != nil {
			yaml++
		}
	}
	if len(recs) != 3706 || distinct != 3585 || syntaxOK != 3435 {
		t.Errorf("corpus has %d records, %d distinct, %d distinct syntax OK; README says 3706, 3585, 3435", len(recs), distinct, syntaxOK)
	}
	if yaml == 0 {
		t.Error("no corpus record carries a yaml")
	}
}

func TestByCount(t *testing.T) {
	got := ByCount(map[string]int{"b": 2, "a": 2, "c": 5, "d": 1})
	want := []string{"c", "a", "b", "d"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ByCount = %v, want %v", got, want)
	}
	if got := ByCount(nil); len(got) != 0 {
		t.Errorf("ByCount(nil) = %v, want none", got)
	}
}
