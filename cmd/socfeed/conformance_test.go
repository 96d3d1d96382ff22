package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/conformance"
	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kusto"
)

var writeDoc = flag.Bool("write-doc", false, "write docs/conformance.md from TestCLIConformance")

// cliConformanceFloor and cliCoreConformanceFloor are the strict passes TestCLIConformance
// requires over all scorable examples and over those outside geo/graph; they sit a little
// below the achieved figures so regressions fail the test. issue3Rate is the pass rate
// issue 3 requires outside geo/graph.
const (
	cliConformanceFloor     = 458
	cliCoreConformanceFloor = 354
	issue3Rate              = 0.70
)

// docErrors are the scorable examples whose documented output is wrong or cannot be what
// the query returns, by reading the query against the reference; each still counts as a
// failure, and docs/conformance.md lists them apart with the reason. An entry for an
// example that passes fails the test, so the list stays current.
var docErrors = map[string]string{
	"scan-operator#5":                       "the query ends with project start, end, userID, sessionDuration; the page lists userID first",
	"trim-end-function#2":                   "the query reads a column x that nothing defines (print has no input)",
	"node-id#1":                             "the query projects manager1 and manager2; the page shows manager_1 and manager_2",
	"node-degree-out#2":                     "the query names its columns di_m, do_m, di_e and do_e; the page shows degree_in_m and degree_out_m and drops two",
	"ipv6-lookup-plugin#1":                  "the page's Returns section gives the source's columns then the lookup table's, as lookup and ipv4_lookup; the output lists the lookup columns first",
	"ipv6-lookup-plugin#2":                  "the page's Returns section gives the source's columns then the lookup table's, as lookup and ipv4_lookup; the output lists the lookup columns first",
	"array-iff-function#2":                  "the dynamic array is printed without JSON quotes ([yes, no, yes])",
	"array-iff-function#3":                  "the condition column shows [true, false, true], but the query sets it to [\"some string value\", datetime, null]",
	"bag-zip#1":                             "dynamic values are printed with single quotes (['a','b','c']), which is not JSON",
	"bag-zip#2":                             "dynamic values are printed with single quotes (['a','b','c']), which is not JSON",
	"bag-zip#3":                             "dynamic values are printed with single quotes (['a','b']), which is not JSON",
	"base64-decode-toguid-function#1":       "the bytes give 10e99626-bc2b-4c75-... in the .NET GUID byte order Kusto uses; the page swaps the third group (754c)",
	"binary-all-xor-aggregation-function#1": "the query names the column result; the page shows results",
	"cos-function#1":                        "print cos(1) names its column print_0; the page shows result",
	"cot-function#1":                        "print cot(1) names its column print_0; the page shows result",
	"sin-function#1":                        "print sin(1) names its column print_0; the page shows result",
	"parse-command-line-function#1":         "an unnamed print column is print_0; the page shows Result",
	"strlen-function#3":                     "an unnamed print column is print_0; the page shows length",
	"extract-all-function#4":                "the query names the column Id; the page shows ID",
	"let-statement#5":                       "count names its column Count; the page shows result",
	"max-of-function#2":                     "project max_of(A, B) names its column Column1; the page shows result",
	"min-of-function#2":                     "project min_of(A, B) names its column Column1; the page shows result",
	"mv-apply-operator#5":                   "the query's column is Val; the page shows Val1 (and a stray quote in [\"A2',\"A1\"])",
	"mv-expand-operator#6":                  "getschema's column is DataType; the page shows DateType",
	"series-product-function#1":             "the query names the column arr; the page shows s1",
	"series-sum-function#1":                 "the query names the column arr; the page shows s1",
	"split-function#1":                      "the fifth column is print_4; the page shows print4",
	"variancep-aggregation-function#1":      "the aggregate column is variancep_x; the page shows variance_x",
	"join-rightanti#1":                      "rightanti returns the right side's columns (Key, Value2); the page shows Value1",
	"series-acos-function#1":                "the query sets arr to [-1,0,1]; the page shows [-6.5,0,8.2]",
	"series-cos-function#1":                 "the query sets arr to [-1,0,1]; the page shows [-6.5,0,8.2]",
	"series-sin-function#1":                 "the query sets arr to [-1,0,1]; the page shows [-6.5,0,8.2]",
	"series-tan-function#1":                 "the query sets arr to [-1,0,1]; the page shows [-6.5,0,8.2]",
	"series-asin-function#1":                "the page prints the numbers of the result array as strings",
	"strcat-function#2":                     "the cell holds list markup (1. \"MultiLineString\": ...) around the value",
	"toguid-function#1":                     "the query's string is \"a string that is not a guid\"; the page shows isn't",
	"trim-start-function#1":                 "the cell is a Markdown autolink (<https://bing.com>)",
	"url-encode-component-function#1":       "the original ends in / but the encoded value lacks its %2f",
	"url-encode-function#1":                 "the query's url has no trailing /; the page's original column has one",
	"replace-regex-function#1":              "x is a long, so tostring(x) is 1, not 1.000000",
	"replace-string-function#2":             "x is a long, so tostring(x) is 1, not 1.000000",
	"variancepif-aggregation-function#1":    "the population variance of 2, 4, ..., 100 is 833; the page shows 850",
	"range-operator#2":                      "the union yields 2024-01-01 to 2024-01-10; the page omits the first three days",
	"series-iir-function#1":                 "range(1.0, 10, 1) has 10 elements; the page shows 4 rows",
	"gzip-base64-decompress#1":              "the string is shown in quotes",
	"parse-url-function#1":                  "the nested Query Parameters object is written as a quoted string, which is not JSON",
	"parse-url-query-function#1":            "the nested Query Parameters object is written as a quoted string, which is not JSON",
	"geo-polygon-to-s2cells-function#7":     "bool results are shown as 1 (an old rendering); README step 6 compares bools as true/false",
	"geo-s2cell-neighbors-function#5":       "bool results are shown as 1 (an old rendering); README step 6 compares bools as true/false",
	"ipv6-is-match-function#1":              "bool results are shown as 1 (an old rendering); README step 6 compares bools as true/false",
	"ipv6-is-match-function#2":              "bool results are shown as 1 (an old rendering); README step 6 compares bools as true/false",
	"isfinite-function#1":                   "bool results are shown as 0 (an old rendering); README step 6 compares bools as true/false",
	"parse-version-function#1":              "decimals are shown with thousands separators (700,000,000)",
}

// confOutcome is the verdict on one example through the CLI.
type confOutcome struct {
	ex      conformance.Example
	verdict string // "" when it passes strictly
	lenient bool   // it passes by the lenient rules of README step 7
}

// runConfExample runs ex as `socfeed query --format json` and compares the printed Kusto
// v1 tables with the documented output.
func runConfExample(ex conformance.Example) confOutcome {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errb strings.Builder
	code := run(ctx, []string{"query", "--format", "json", "--as-of", "2024-01-01T00:00:00Z", ex.Query}, strings.NewReader(""), &out, &errb)
	if code != exitOK {
		msg := errb.String()
		msg = strings.TrimPrefix(msg, "socfeed: ")
		return confOutcome{ex: ex, verdict: "error: " + conformance.ErrClass(msg)}
	}
	tables, err := kusto.ReadV1Tables(strings.NewReader(out.String()))
	if err != nil {
		return confOutcome{ex: ex, verdict: "error: reading the JSON output: " + err.Error()}
	}
	got := make([]conformance.Table, len(tables))
	for i, t := range tables {
		for _, c := range t.Columns {
			got[i].Columns = append(got[i].Columns, conformance.Column{Name: c.Name, Type: c.Type})
		}
		got[i].Rows = t.Rows
	}
	v, l := conformance.Compare(ex, got, exec.FormatValue)
	return confOutcome{ex: ex, verdict: v, lenient: l}
}

// TestCLIConformance runs every scorable documentation example through `socfeed query
// --format json` and compares the output with the documented one by the rules of
// ../shared/conformance/README.md. With -write-doc it writes docs/conformance.md.
func TestCLIConformance(t *testing.T) {
	root, err := sharedtest.Root()
	if err != nil {
		t.Fatal(err)
	}
	exs, err := conformance.Load(conformance.Path(root))
	if os.IsNotExist(err) {
		t.Skipf("conformance examples not found (../shared/conformance): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	outs := make([]confOutcome, len(exs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i] = runConfExample(exs[i])
			}
		}()
	}
	for i := range exs {
		next <- i
	}
	close(next)
	wg.Wait()

	s := summarize(outs)
	t.Logf("conformance via socfeed query: %d / %d scorable examples pass strictly (%d more leniently)", s.strict, s.all, s.lenient)
	t.Logf("outside geo/graph: %d / %d pass strictly (%.1f%%, %d more leniently)", s.coreStrict, s.core, 100*s.coreRate(), s.coreLenient)
	if *writeDoc {
		path := filepath.Join(root, "docs", "conformance.md")
		if err := os.WriteFile(path, []byte(conformanceDoc(s)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
	if s.strict < cliConformanceFloor {
		t.Errorf("%d examples pass, below the floor of %d", s.strict, cliConformanceFloor)
	}
	if s.coreStrict < cliCoreConformanceFloor {
		t.Errorf("outside geo/graph: %d examples pass, below the floor of %d", s.coreStrict, cliCoreConformanceFloor)
	}
	for id := range docErrors {
		if s.passed[id] {
			t.Errorf("%s passes but is listed in docErrors", id)
		}
	}
	if s.coreRate() < issue3Rate {
		t.Errorf("outside geo/graph: pass rate %.1f%%, below issue 3's %.0f%%", 100*s.coreRate(), 100*issue3Rate)
	}
}

// confSummary counts outcomes and groups the failures by reason.
type confSummary struct {
	all, strict, lenient          int
	core, coreStrict, coreLenient int
	// reasons maps a reason (a verdict's bucket) to its failures, in example order.
	reasons map[string][]confOutcome
	passed  map[string]bool // ids that pass strictly
}

func (s confSummary) coreRate() float64 {
	if s.core == 0 {
		return 0
	}
	return float64(s.coreStrict) / float64(s.core)
}

// bucket returns the reason a failing verdict is grouped under: the kind of difference
// (columns, row count, cells, table count) or the error message.
func bucket(o confOutcome) string {
	if _, ok := docErrors[o.ex.ID]; ok {
		return "documentation error"
	}
	v := o.verdict
	if strings.HasPrefix(v, "error: ") {
		return v
	}
	if o.lenient {
		return "passes only by the lenient rules (README step 7)"
	}
	if i := strings.Index(v, ":"); i > 0 {
		return v[:i]
	}
	return v
}

func summarize(outs []confOutcome) confSummary {
	s := confSummary{all: len(outs), reasons: map[string][]confOutcome{}, passed: map[string]bool{}}
	for _, o := range outs {
		core := !conformance.GeoOrGraph(o.ex)
		if core {
			s.core++
		}
		switch {
		case o.verdict == "":
			s.passed[o.ex.ID] = true
			s.strict++
			if core {
				s.coreStrict++
			}
			continue
		case o.lenient:
			s.lenient++
			if core {
				s.coreLenient++
			}
		}
		s.reasons[bucket(o)] = append(s.reasons[bucket(o)], o)
	}
	return s
}

// conformanceDoc renders docs/conformance.md.
func conformanceDoc(s confSummary) string {
	var b strings.Builder
	pct := func(n, d int) string { return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(max(d, 1))) }
	b.WriteString("# Conformance with the documented examples\n\n")
	b.WriteString("Generated by `go test ./cmd/socfeed -run TestCLIConformance -args -write-doc`; do not edit.\n\n")
	b.WriteString("Every scorable example of `../shared/conformance/docs-examples.jsonl` (self-contained,\n")
	b.WriteString("deterministic, runnable, neither truncated nor malformed) is run as\n")
	b.WriteString("`socfeed query --format json --as-of 2024-01-01T00:00:00Z '<query>'`; the Kusto v1 JSON it\n")
	b.WriteString("prints is read back (each column typed by its `ColumnType`) and compared with the documented\n")
	b.WriteString("table by the rules of `../shared/conformance/README.md` (package `internal/conformance`,\n")
	b.WriteString("shared with the engine-level test `go test ./kql/exec -run TestConformance`).\n\n")
	b.WriteString("| examples | pass strictly | rate | pass only leniently |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| all scorable | %d / %d | %s | %d |\n", s.strict, s.all, pct(s.strict, s.all), s.lenient)
	fmt.Fprintf(&b, "| scorable outside the geo and graph families (issue 3's measure) | %d / %d | %s | %d |\n\n", s.coreStrict, s.core, pct(s.coreStrict, s.core), s.coreLenient)
	b.WriteString("The engine-level test runs each query with `exec.Engine.Query`, which plans without the\n")
	b.WriteString("checker; this one goes through the checker as every front end does, so the few examples the\n")
	b.WriteString("checker alone rejects (such as `declare pattern` and `count(expr)`) fail here only.\n\n")
	b.WriteString("The geo family calls a `geo_*` function or plugin; the graph family uses a graph operator\n")
	b.WriteString("(`make-graph`, `graph-match`, ...) or a graph-only function.\n\n")
	b.WriteString("## Examples that do not pass strictly\n\n")
	b.WriteString("Grouped by reason; each line gives the example id, its family when geo or graph, and the\n")
	b.WriteString("first difference (`got` is socfeed's value, `want` the documented one). Reasons: `columns`,\n")
	b.WriteString("`row count`, `table count` and `cells` are differences in the result; `error:` lines are\n")
	b.WriteString("queries socfeed rejects or fails to run, with the message. `documentation error` lists\n")
	b.WriteString("the examples whose documented output cannot be the query's result, read against the\n")
	b.WriteString("reference (the reason first, then the difference found); they count as failures.\n\n")
	keys := make([]string, 0, len(s.reasons))
	for k := range s.reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := s.reasons[keys[i]], s.reasons[keys[j]]
		if len(a) != len(c) {
			return len(a) > len(c)
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "### %s (%d)\n\n", mdEscape(k), len(s.reasons[k]))
		for _, o := range s.reasons[k] {
			fam := ""
			if conformance.GeoOrGraph(o.ex) {
				fam = " (geo/graph)"
			}
			detail := o.verdict
			if strings.HasPrefix(detail, "error: ") {
				detail = ""
			}
			line := fmt.Sprintf("- `%s`%s", o.ex.ID, fam)
			if why, ok := docErrors[o.ex.ID]; ok {
				line += ": " + mdEscape(why) + ". Difference: " + mdEscape(oneLine(o.verdict, 300))
			} else if detail != "" {
				line += ": " + mdEscape(oneLine(detail, 300))
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", `\n`)
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// mdEscape keeps text from being read as Markdown markup.
func mdEscape(s string) string {
	return strings.NewReplacer("`", "\\`", "*", "\\*", "_", "\\_", "<", "&lt;", "|", "\\|", "[", "\\[").Replace(s)
}
