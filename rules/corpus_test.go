package rules

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
)

// corpusYAMLs returns the corpus records that carry a rule YAML, duplicates included.
func corpusYAMLs(t *testing.T) []sharedtest.CorpusRecord {
	t.Helper()
	var out []sharedtest.CorpusRecord
	for _, r := range sharedtest.Corpus(t) {
		if r.YAML != nil {
			out = append(out, r)
		}
	}
	return out
}

// TestCorpusLoads loads every YAML rule of the corpus, the files of hunting-queries
// folders as hunting queries (as LoadDir does). Unknown-key warnings are fine;
// it fails when fewer than 95% of the Azure-Sentinel YAMLs load without errors.
func TestCorpusLoads(t *testing.T) {
	recs := corpusYAMLs(t)
	var total, clean, sentinel, sentinelClean int
	msgs := map[string]int{}
	for _, rec := range recs {
		total++
		// as LoadDir loads them from a checkout
		r, ds := Loader{HuntingFolder: InHuntingFolder(rec.Path)}.Load(rec.Path, []byte(*rec.YAML))
		isSentinel := strings.HasPrefix(rec.Repo, "Azure/Azure-Sentinel")
		if isSentinel {
			sentinel++
		}
		if !ds.HasErrors() {
			clean++
			if isSentinel {
				sentinelClean++
			}
		}
		for _, d := range ds {
			msgs[d.Severity.String()+": "+normaliseMsg(d.Msg)]++
		}
		if r != nil && r.Query != rec.Query && !ds.HasErrors() {
			t.Errorf("%s: Query differs from the corpus query text", rec.ID)
		}
	}
	t.Logf("corpus YAMLs: %d, without errors: %d (%.1f%%); Azure-Sentinel: %d, without errors: %d (%.1f%%)",
		total, clean, pct(clean, total), sentinel, sentinelClean, pct(sentinelClean, sentinel))
	for i, k := range sharedtest.ByCount(msgs) {
		if i == 40 {
			break
		}
		t.Logf("%5d  %s", msgs[k], k)
	}
	if sentinel == 0 || pct(sentinelClean, sentinel) < 95 {
		t.Errorf("only %d of %d Azure-Sentinel YAMLs load without errors, want at least 95%%", sentinelClean, sentinel)
	}
}

// normaliseMsg drops quoted values so that similar messages count together.
func normaliseMsg(m string) string {
	var b strings.Builder
	in := byte(0)
	for i := 0; i < len(m); i++ {
		c := m[i]
		switch {
		case in != 0 && c == in:
			in = 0
			b.WriteString("…")
			b.WriteByte(c)
		case in != 0:
		case c == '"' || c == '\'':
			in = c
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// TestCorpusQueryPos checks that QueryPos maps every byte of every corpus query to a
// byte of the YAML file holding the same character (blanks and newlines that YAML
// folding creates map to the line break they replace).
func TestCorpusQueryPos(t *testing.T) {
	recs := corpusYAMLs(t)
	var checked, exact int
	for _, rec := range recs {
		text := []byte(*rec.YAML)
		r, _ := Loader{}.Load(rec.Path, text)
		if r == nil || r.Query == "" {
			continue
		}
		checked++
		src := newSource(text)
		ok := true
		for i := 0; i < len(r.Query) && ok; i++ {
			line, col := r.QueryPos(i)
			off := src.offset(line, 1) + col - 1
			c := r.Query[i]
			if off >= len(text) {
				ok = false
				break
			}
			got := text[off]
			if got != c && !(c == ' ' && got == '\n') && !(c == '\n' && got == '\r') {
				ok = false
				t.Logf("%s: byte %d %q maps to %d:%d holding %q", rec.ID, i, c, line, col, got)
			}
		}
		if ok {
			exact++
		}
	}
	t.Logf("queries checked: %d, mapped exactly: %d", checked, exact)
	if exact != checked {
		t.Errorf("%d of %d queries do not map back exactly", checked-exact, checked)
	}
}
