package types

import (
	"testing"
	"unicode/utf8"
)

func TestStringOperators(t *testing.T) {
	type op func(h, n string, cs bool) bool
	ops := map[string]op{
		"has": Has, "hasprefix": HasPrefix, "hassuffix": HasSuffix,
		"contains": Contains, "startswith": StartsWith, "endswith": EndsWith,
	}
	tests := []struct {
		op   string
		h, n string
		cs   bool
		want bool
	}{
		{"has", "North America", "america", false, true},
		{"has", "North America", "amer", false, false},
		{"has", "North America", "America", true, true},
		{"has", "North America", "america", true, false},
		{"has", "KustoExplorerQueryRun", "Explorer", false, false},
		{"has", "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun", "c1db", false, true},
		{"has", "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun", "ad67d136-c1db", false, true},
		{"has", "Kusto: ad67d136-c1db-4f9f", "d136-c1db", false, false},
		{"has", "user@contoso.com logged in", "@contoso.com", false, true},
		{"has", "a.b.c", ".b.", false, true},
		{"has", "abc abcd", "abcd", false, true},
		{"has", "xabc abc", "abc", false, true},
		{"has", "abc", "", false, true},
		{"has", "Straße Müller", "MÜLLER", false, true},
		{"has", "Müllerin", "müller", false, false},
		{"has", "10.0.0.1", "0.0", false, true},
		{"hasprefix", "North America", "ame", false, true},
		{"hasprefix", "North America", "mer", false, false},
		{"hasprefix", "North America", "Ame", true, true},
		{"hasprefix", "North America", "CA", true, false},
		{"hassuffix", "North America", "ica", false, true},
		{"hassuffix", "North America", "americ", false, false},
		{"hassuffix", "North America", "icA", true, false},
		{"contains", "FabriKam", "BRik", false, true},
		{"contains", "Fabrikam", "xyz", false, false},
		{"contains", "FabriKam", "Kam", true, true},
		{"contains", "Fabrikam", "Kam", true, false},
		{"contains", "ab", "abc", false, false},
		{"contains", "ÄRGER", "ärg", false, true},
		{"contains", "\u212Aelvin", "kel", false, true}, // Kelvin sign folds to k
		{"contains", "anything", "", false, true},
		{"startswith", "Fabrikam", "fab", false, true},
		{"startswith", "Fabrikam", "kam", false, false},
		{"startswith", "Fabrikam", "Fab", true, true},
		{"startswith", "Fabrikam", "fab", true, false},
		{"endswith", "Fabrikam", "Kam", false, true},
		{"endswith", "Fabrikam", "brik", false, false},
		{"endswith", "Fabrikam", "kam", true, true},
		{"endswith", "FabriKam", "kam", true, false},
		{"endswith", "SCHLOSS ÖL", "öl", false, true},
		{"endswith", "a", "ba", false, false},
	}
	for _, tt := range tests {
		if got := ops[tt.op](tt.h, tt.n, tt.cs); got != tt.want {
			t.Errorf("%s(%q, %q, cs=%v) = %v, want %v", tt.op, tt.h, tt.n, tt.cs, got, tt.want)
		}
	}
}

func TestStringOperatorsDoNotAllocate(t *testing.T) {
	h := "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun Müller"
	allocs := testing.AllocsPerRun(100, func() {
		Has(h, "KUSTOEXPLORERQUERYRUN", false)
		Has(h, "müller", false)
		Contains(h, "EXPLORER", false)
		HasPrefix(h, "kustoexp", false)
		EndsWith(h, "MÜLLER", false)
		EqualFold(h, h)
	})
	if allocs != 0 {
		t.Errorf("string operators allocated %v times per run, want 0", allocs)
	}
}

func FuzzHas(f *testing.F) {
	f.Add("North America", "america")
	f.Add("Kusto: ad67d136-c1db", "ad67d136-c1db")
	f.Fuzz(func(t *testing.T, h, n string) {
		if !utf8.ValidString(h) || !utf8.ValidString(n) {
			// Byte-wise (_cs) and rune-wise matching may differ on broken UTF-8.
			return
		}
		got := Has(h, n, true)
		if got && !Contains(h, n, true) {
			t.Errorf("Has(%q, %q) but not Contains", h, n)
		}
		if Has(h, n, true) && !Has(h, n, false) {
			t.Errorf("has_cs(%q, %q) but not has", h, n)
		}
	})
}

func BenchmarkStringOperators(b *testing.B) {
	h := "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun user@contoso.com signed in from 10.1.2.3"
	b.Run("has", func(b *testing.B) {
		for b.Loop() {
			Has(h, "CONTOSO", false)
		}
	})
	b.Run("has_miss", func(b *testing.B) {
		for b.Loop() {
			Has(h, "explorer", false)
		}
	})
	b.Run("contains", func(b *testing.B) {
		for b.Loop() {
			Contains(h, "SIGNED IN", false)
		}
	})
	b.Run("contains_cs", func(b *testing.B) {
		for b.Loop() {
			Contains(h, "signed in", true)
		}
	})
}
