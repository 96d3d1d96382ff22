package syntax

import (
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
)

// loadCorpus reads the distinct records of the query corpus, skipping the
// test when the corpus is absent.
func loadCorpus(t testing.TB) []sharedtest.CorpusRecord {
	t.Helper()
	return distinct(sharedtest.Corpus(t))
}

// distinct returns the records of recs with duplicate_of == null.
func distinct(recs []sharedtest.CorpusRecord) []sharedtest.CorpusRecord {
	var out []sharedtest.CorpusRecord
	for _, r := range recs {
		if r.DuplicateOf == nil {
			out = append(out, r)
		}
	}
	return out
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
		_, errs := Parse(r.Query)
		if r.SyntaxOK {
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
				if len(r.SyntaxErrors) > 0 {
					ml, _ := LineCol(r.Query, Pos(r.SyntaxErrors[0].Start))
					if gl, _ := LineCol(r.Query, errs[0].Pos); gl == ml {
						sameLine++
					}
				}
			} else if shown < 25 {
				shown++
				msg := ""
				if len(r.SyntaxErrors) > 0 {
					line, col := LineCol(r.Query, Pos(r.SyntaxErrors[0].Start))
					msg = r.SyntaxErrors[0].Message
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
