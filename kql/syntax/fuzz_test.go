package syntax

import (
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
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
	if recs, err := sharedtest.ReadCorpus(); err == nil {
		for _, r := range distinct(recs) {
			f.Add(r.Query)
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
