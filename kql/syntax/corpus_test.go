package syntax

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// corpusRecord is the part of a kql-queries.jsonl record these tests use.
type corpusRecord struct {
	ID               string  `json:"id"`
	Query            string  `json:"query"`
	DuplicateOf      *string `json:"duplicate_of"`
	OfficialSyntaxOK *bool   `json:"official_syntax_ok"`
	OfficialErrors   []struct {
		Message string `json:"message"`
		Start   int    `json:"start"`
	} `json:"official_syntax_errors"`
}

// sharedDir returns ../shared relative to the repository root (the folder
// holding go.mod), skipping the test when it is absent.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := repoRoot()
	if err != nil {
		t.Skip("go.mod not found above the test directory")
	}
	p := filepath.Join(dir, "..", "shared", sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is absent: %v", filepath.Join("../shared", sub), err)
	}
	return p
}

// loadCorpus reads the distinct records of the query corpus, skipping the
// test when the corpus is absent.
func loadCorpus(t testing.TB) []corpusRecord {
	t.Helper()
	recs, err := readCorpus(sharedDir(t, "corpus/kql-queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// readCorpus reads the records of path with duplicate_of == null.
func readCorpus(path string) ([]corpusRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []corpusRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r corpusRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if r.DuplicateOf == nil {
			recs = append(recs, r)
		}
	}
	return recs, sc.Err()
}

// BenchmarkParseCorpus parses every distinct corpus query once per
// iteration.
func BenchmarkParseCorpus(b *testing.B) {
	recs := loadCorpus(b)
	var bytes int64
	for _, r := range recs {
		bytes += int64(len(r.Query))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			Parse(r.Query)
		}
	}
}

// TestCorpus measures agreement with Microsoft's parser on the corpus:
// socfeed must accept at least 99% of the queries it accepts and reject at
// least 95% of those it rejects.
func TestCorpus(t *testing.T) {
	recs := loadCorpus(t)
	var okTotal, okAccepted, badTotal, badRejected, sameLine int
	var shown int
	for _, r := range recs {
		if r.OfficialSyntaxOK == nil {
			continue
		}
		_, errs := Parse(r.Query)
		if *r.OfficialSyntaxOK {
			okTotal++
			if len(errs) == 0 {
				okAccepted++
			} else if shown < 25 {
				shown++
				t.Logf("accepted by Microsoft, rejected here: %s: %s", r.ID, errs[0].At(r.Query))
			}
		} else {
			badTotal++
			if len(errs) > 0 {
				badRejected++
				if len(r.OfficialErrors) > 0 {
					ml, _ := LineCol(r.Query, Pos(r.OfficialErrors[0].Start))
					if gl, _ := LineCol(r.Query, errs[0].Pos); gl == ml {
						sameLine++
					}
				}
			} else if shown < 25 {
				shown++
				msg := ""
				if len(r.OfficialErrors) > 0 {
					line, col := LineCol(r.Query, Pos(r.OfficialErrors[0].Start))
					msg = r.OfficialErrors[0].Message
					t.Logf("rejected by Microsoft (%d:%d: %s), accepted here: %s", line, col, msg, r.ID)
				}
			}
		}
	}
	if okTotal == 0 || badTotal == 0 {
		t.Skip("corpus has no labelled queries")
	}
	accept := float64(okAccepted) / float64(okTotal)
	reject := float64(badRejected) / float64(badTotal)
	t.Logf("valid queries accepted: %d/%d (%.2f%%)", okAccepted, okTotal, 100*accept)
	t.Logf("invalid queries rejected: %d/%d (%.2f%%)", badRejected, badTotal, 100*reject)
	t.Logf("first error on the same line as Microsoft's: %d/%d", sameLine, badRejected)
	if accept < 0.99 {
		t.Errorf("accepted %.2f%% of valid queries, want >= 99%%", 100*accept)
	}
	if reject < 0.95 {
		t.Errorf("rejected %.2f%% of invalid queries, want >= 95%%", 100*reject)
	}
}
