package exec

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/conformance"
	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/funcs"
)

// conformanceFloor is the number of scorable documentation examples that must pass
// strictly; it sits a little below the achieved figure so regressions fail the test.
// coreConformanceFloor is the same figure over the scorable examples outside the geo and
// graph families (see conformance.GeoOrGraph), which is what issue 3 measures.
const (
	conformanceFloor     = 458
	coreConformanceFloor = 354
)

var (
	confAll = flag.Bool("conf.all", false, "log every conformance failure, not only the first of each kind")
	confGeo = flag.Bool("conf.geo", false, "also list failures of the geo and graph families")
	confRun = flag.String("conf.run", "", "run only the examples whose id matches this regexp, and print their results")
)

// TestConformance runs every scorable documentation example and compares its result with
// the documented output using the rules of conformance/README.md.
func TestConformance(t *testing.T) {
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
	eng := &Engine{Funcs: funcs.Default(), Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Workers: 2}
	strict, lenient := 0, 0
	core, coreStrict, coreLenient := 0, 0, 0
	reasons := map[string][]string{}
	var only *regexp.Regexp
	if *confRun != "" {
		only = regexp.MustCompile(*confRun)
	}
	for _, ex := range exs {
		if only != nil && !only.MatchString(ex.ID) {
			continue
		}
		isCore := !conformance.GeoOrGraph(ex)
		if isCore {
			core++
		}
		res, err := runExample(eng, ex.Query)
		var verdict string
		var lenientOK bool
		if err != nil {
			verdict = "error: " + conformance.ErrClass(err.Error())
		} else {
			verdict, lenientOK = conformance.Compare(ex, resultTables(res), FormatValue)
		}
		if only != nil {
			t.Logf("%s: %s\n%s", ex.ID, verdict, ex.Query)
			if err == nil {
				for _, tb := range res.Tables {
					for _, c := range tb.Columns {
						t.Logf("  column %s:%s", c.Name, c.Type)
					}
					for _, r := range tb.Rows {
						var cells []string
						for _, v := range r {
							cells = append(cells, FormatValue(v))
						}
						t.Logf("  row %q", cells)
					}
				}
			}
		}
		switch {
		case verdict == "":
			strict++
			if isCore {
				coreStrict++
			}
		case lenientOK:
			lenient++
			if isCore {
				coreLenient++
			}
			if isCore || *confGeo {
				reasons["lenient only"] = append(reasons["lenient only"], ex.ID+": "+verdict)
			}
		default:
			if !isCore && !*confGeo {
				continue
			}
			reason := verdict
			if i := strings.Index(reason, ":"); i > 0 && !strings.HasPrefix(reason, "error") {
				reason = reason[:i]
			}
			reasons[reason] = append(reasons[reason], ex.ID+": "+verdict)
		}
	}
	t.Logf("conformance: %d / %d scorable examples pass strictly (%d more leniently)", strict, len(exs), lenient)
	t.Logf("conformance outside geo/graph: %d / %d pass strictly (%d more leniently)", coreStrict, core, coreLenient)
	if !*confGeo {
		t.Logf("failures below exclude the geo and graph families (-conf.geo lists them too)")
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(reasons[keys[i]]) > len(reasons[keys[j]]) })
	for _, k := range keys {
		fs := reasons[k]
		t.Logf("  %4d  %s", len(fs), k)
		show := 3
		if *confAll {
			show = len(fs)
		}
		for _, f := range fs[:min(len(fs), show)] {
			t.Logf("          %s", truncate(f, 240))
		}
	}
	if only != nil {
		return
	}
	if strict < conformanceFloor {
		t.Errorf("conformance: %d examples pass, below the floor of %d", strict, conformanceFloor)
	}
	if coreStrict < coreConformanceFloor {
		t.Errorf("conformance outside geo/graph: %d examples pass, below the floor of %d", coreStrict, coreConformanceFloor)
	}
}

func truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " | ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func runExample(eng *Engine, q string) (res *Result, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return eng.Query(ctx, q)
}

// resultTables converts an engine result to the tables internal/conformance compares.
func resultTables(res *Result) []conformance.Table {
	out := make([]conformance.Table, len(res.Tables))
	for i, tb := range res.Tables {
		for _, c := range tb.Columns {
			out[i].Columns = append(out[i].Columns, conformance.Column{Name: c.Name, Type: c.Type})
		}
		out[i].Rows = tb.Rows
	}
	return out
}
