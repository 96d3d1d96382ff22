package check

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/schema"
)

// loadCorpus returns the distinct corpus records whose query Microsoft's parser accepts
// and its analyser labelled.
func loadCorpus(t testing.TB) []sharedtest.CorpusRecord {
	t.Helper()
	var out []sharedtest.CorpusRecord
	for _, r := range sharedtest.Corpus(t) {
		if r.DuplicateOf != nil || !r.SyntaxOK || r.SemanticOK == nil {
			continue
		}
		out = append(out, r)
	}
	return out
}

// checkAll parses and checks src, returning the first error message (or "").
func checkAll(src string, env *Env) (firstErr string, diags []Diagnostic) {
	script, perrs := syntax.Parse(src)
	if len(perrs) > 0 {
		return "syntax: " + perrs[0].At(src), nil
	}
	_, ds := Check(script, env)
	for _, d := range ds {
		if d.Severity == Error {
			line, col := syntax.LineCol(src, d.Pos)
			return strconv.Itoa(line) + ":" + strconv.Itoa(col) + ": " + d.Msg, ds
		}
	}
	return "", ds
}

var unknownFuncMsg = regexp.MustCompile(`unknown function '([^']*)'`)

// TestCorpusFidelity measures agreement with Microsoft's analyser over the corpus: queries
// it accepts must check clean (>= 98%), queries it rejects must give an error (>= 90%).
func TestCorpusFidelity(t *testing.T) {
	recs := loadCorpus(t)
	reg := funcs.Default()
	env := &Env{Catalog: schema.Default(), Funcs: reg, Strict: true}
	documented := documentedFuncs(t)
	var okTotal, okPass, badTotal, badCaught, funcCaused int
	var okPassTolerant, badCaughtTolerant int
	missing := map[string]int{}
	var falseErrs, missed []string
	for _, r := range recs {
		msg, ds := checkAll(r.Query, env)
		tolerant := firstError(r.Query, ds, documented)
		if strings.HasPrefix(msg, "syntax: ") {
			tolerant = msg
		}
		if *r.SemanticOK && tolerant == "" {
			okPassTolerant++
		} else if !*r.SemanticOK && tolerant != "" {
			badCaughtTolerant++
		}
		if *r.SemanticOK {
			okTotal++
			if msg == "" {
				okPass++
				continue
			}
			if m := unknownFuncMsg.FindStringSubmatch(msg); m != nil {
				funcCaused++
				missing[m[1]]++
			}
			if tolerant != "" {
				falseErrs = append(falseErrs, r.ID+": "+tolerant)
			}
		} else {
			badTotal++
			if msg != "" {
				badCaught++
				continue
			}
			want := ""
			if len(r.SemanticErrors) > 0 {
				want = r.SemanticErrors[0].Message
			}
			missed = append(missed, r.ID+": microsoft: "+want)
		}
	}
	okRate := float64(okPass) / float64(max(okTotal, 1))
	badRate := float64(badCaught) / float64(max(badTotal, 1))
	t.Logf("semantic OK: %d/%d check clean (%.1f%%); %d false errors, %d of them unknown functions (%d distinct)",
		okPass, okTotal, 100*okRate, okTotal-okPass, funcCaused, len(missing))
	t.Logf("semantic errors: %d/%d caught (%.1f%%)", badCaught, badTotal, 100*badRate)
	t.Logf("ignoring unknown-function errors for functions Kusto documents but the registry lacks: "+
		"%d/%d clean (%.1f%%), %d/%d caught (%.1f%%)",
		okPassTolerant, okTotal, 100*float64(okPassTolerant)/float64(max(okTotal, 1)),
		badCaughtTolerant, badTotal, 100*float64(badCaughtTolerant)/float64(max(badTotal, 1)))
	if testing.Verbose() {
		var b strings.Builder
		for _, k := range sharedtest.ByCount(missing) {
			b.WriteString(k + "=" + strconv.Itoa(missing[k]) + " ")
		}
		t.Logf("functions missing from the registry: %s", b.String())
		for i, s := range falseErrs {
			if i == 60 {
				break
			}
			t.Logf("false error: %s", s)
		}
		for i, s := range missed {
			if i == 40 {
				break
			}
			t.Logf("missed: %s", s)
		}
	}
	if okRate < 0.98 {
		t.Errorf("semantic OK queries checking clean = %.1f%%, want >= 98%%", 100*okRate)
	}
	if badRate < 0.90 {
		t.Errorf("semantic error queries reported = %.1f%%, want >= 90%%", 100*badRate)
	}
}

// BenchmarkCorpus parses and checks every distinct corpus query once per iteration.
func BenchmarkCorpus(b *testing.B) {
	recs := loadCorpus(b)
	env := &Env{Catalog: schema.Default(), Funcs: funcs.Default(), Strict: true}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for _, r := range recs {
			script, _ := syntax.Parse(r.Query)
			Check(script, env)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/corpus")
}

// documentedFuncs returns the function names the KQL reference documents (page names and
// their listed aliases), to tell functions the registry still lacks from unknown ones.
func documentedFuncs(t testing.TB) map[string]bool {
	dir := filepath.Dir(sharedtest.Dir(t, "kql-reference", "README.md"))
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	backticked := regexp.MustCompile("`([a-z_0-9]+)\\(\\)`")
	alias := regexp.MustCompile("(?i)aliases?:?\\*\\*?\\s*(.*)")
	for _, e := range ents {
		n := e.Name()
		base, ok := strings.CutSuffix(n, "-function.md")
		if !ok {
			continue
		}
		base = strings.TrimSuffix(base, "-aggregation")
		out[strings.ReplaceAll(base, "-", "_")] = true
		text, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(text), "\n") {
			if strings.Contains(line, "equivalent") {
				for _, m := range backticked.FindAllStringSubmatch(line, -1) {
					out[m[1]] = true
				}
			}
		}
		for _, m := range alias.FindAllStringSubmatch(string(text), -1) {
			for _, a := range strings.Split(m[1], ",") {
				a = strings.Trim(strings.TrimSpace(a), "`*()")
				if a != "" && !strings.Contains(a, " ") {
					out[a] = true
				}
			}
		}
	}
	return out
}

// firstError returns the first error of ds that is not an unknown-function error for a
// documented function, as "line:col: message", or "".
func firstError(src string, ds []Diagnostic, documented map[string]bool) string {
	for _, d := range ds {
		if d.Severity != Error {
			continue
		}
		if m := unknownFuncMsg.FindStringSubmatch(d.Msg); m != nil && documented[m[1]] {
			continue
		}
		line, col := syntax.LineCol(src, d.Pos)
		return strconv.Itoa(line) + ":" + strconv.Itoa(col) + ": " + d.Msg
	}
	return ""
}
