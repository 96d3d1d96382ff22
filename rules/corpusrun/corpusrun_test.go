package corpusrun

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/schema"
	"github.com/socfeed/socfeed/synth"
)

var (
	writeDoc = flag.Bool("write-doc", false, "rewrite docs/corpus-run.md with the results")
	dumpFile = flag.String("dump", "", "write every failing query (outcome, path, message) to this TSV file")
)

// floor is the least share of syntax-OK rules that must run to completion (issue 5's
// measure). The issue asks for 90%; the measured figure is 91.3% (2024 of 2216, see
// docs/corpus-run.md): the floor is that minus one point, so that regressions fail.
const floor = 90.3

// issueTarget is the share issue 5 asks for; the test reports whether it is met.
const issueTarget = 90.0

// Reasons a rule YAML of the corpus does not load.
const (
	badFile   = "the file is broken"
	badLoader = "socfeed's loader is stricter than Sentinel here (reported to the rules package)"
)

// knownBadYAML lists the corpus YAMLs that do not load, by path, with the reason. The
// test fails when another YAML does not load, and logs the ones here that load now.
var knownBadYAML = map[string]string{
	"Solutions/Microsoft Entra ID/Analytic Rules/AccountCreatedandDeletedinShortTimeframe.yaml":        badFile, // `7d // comment` in queryPeriod
	"Solutions/Microsoft Entra ID/Analytic Rules/AzureRBAC.yaml":                                       badFile, // "2H"; the query does not parse either
	"Solutions/Microsoft Entra ID/Analytic Rules/NRT_NewAppOrServicePrincipalCredential.yaml":          badFile, // invalid YAML
	"Hunting Queries/SigninLogs/UserDetectPrivilegeGroup.yaml":                                         badFile, // an ARM template
	"Hunting Queries/AuditLogs/MailRead-Permissions-Granted-to-Application.yaml":                       badFile, // tab indentation
	"Hunting Queries/MultipleDataSources/UnfamiliarsignincorrelationwithPortalSigninandAuditlogs.yaml": badFile, // entityMappings inside the query block
	"Solutions/CiscoSecureEndpoint/Hunting Queries/CiscoSEMaliciousFiles.yaml":                         badFile, // severity "Hight"
	"Solutions/DEV-0537DetectionandHunting/Hunting Queries/Empty.yaml":                                 badFile, // severity "Test"
}

// Generation parameters: fixed by default so that the figure is reproducible; the flags
// let one look for failures that show only on other data.
var (
	rowsPerTable = 200
	dataSeed     = 5
)

func init() {
	flag.IntVar(&rowsPerTable, "rows", rowsPerTable, "rows generated per table")
	flag.IntVar(&dataSeed, "seed", dataSeed, "seed of the generated data")
}

// record is a corpus record.
type record = sharedtest.CorpusRecord

// readCorpus returns the distinct records of the corpus that carry a rule YAML.
func readCorpus(t *testing.T) []record {
	t.Helper()
	var out []record
	for _, r := range sharedtest.Corpus(t) {
		if r.YAML != nil && r.DuplicateOf == nil {
			out = append(out, r)
		}
	}
	return out
}

// writeTree writes every record's YAML under dir/<commit>/<path> and returns the file of
// each record, by index.
func writeTree(t *testing.T, dir string, recs []record) ([]string, []string) {
	t.Helper()
	files := make([]string, len(recs))
	var roots []string
	for i, r := range recs {
		commit := r.Commit
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if commit == "" {
			commit = "unknown"
		}
		root := filepath.Join(dir, commit)
		if !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
		p := filepath.Join(root, filepath.FromSlash(r.Path))
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s: two records write %s", r.ID, p)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(*r.YAML), 0o600); err != nil {
			t.Fatal(err)
		}
		files[i] = p
	}
	return files, roots
}

// run is one query's measurement.
type run struct {
	rec    *record
	rule   *rules.Rule
	q      *Query
	tables []string
	res    Result // the outcome: the plain run's unless it completed, else the planted run's
	// plainRows and plantedRows are the result rows of the two runs (-1 when not run or
	// failed); planted says whether the query had literals to plant.
	plainRows, plantedRows int
	planted                bool
	// extDir holds the generated files served for the query's externaldata URLs, when
	// it reads any.
	extDir string
}

// TestCorpusRun is issue 5's measure: every rule YAML of the corpus, written to folders,
// loads; and at least [floor]% of those whose query Microsoft's parser accepts run to
// completion on generated data. With -short it runs every fifth query. With -write-doc
// it rewrites docs/corpus-run.md.
func TestCorpusRun(t *testing.T) {
	root, err := sharedtest.Root()
	if err != nil {
		t.Fatal(err)
	}
	recs := readCorpus(t)
	tmp := t.TempDir()
	files, roots := writeTree(t, filepath.Join(tmp, "rules"), recs)

	// 1. Load every file from the folders.
	byFile := map[string]*rules.Rule{}
	diagsByFile := map[string]rules.Diagnostics{}
	for _, r := range roots {
		rs, ds := rules.Loader{}.LoadDir(r)
		for _, rule := range rs {
			byFile[rule.File] = rule
		}
		for _, d := range ds {
			diagsByFile[d.File] = append(diagsByFile[d.File], d)
		}
	}
	var loadFailed []string
	notWalked := 0
	for i, f := range files {
		if _, ok := byFile[f]; !ok {
			// Outside the folders LoadDir reads (not a rule folder of the checkout).
			notWalked++
			rule, ds := rules.Loader{}.LoadFile(f)
			if rule != nil {
				byFile[f] = rule
			}
			diagsByFile[f] = ds
		}
		if byFile[f] == nil || diagsByFile[f].HasErrors() {
			msg := "not loaded"
			if errs := diagsByFile[f].Errors(); len(errs) > 0 {
				msg = errs[0].Msg
			}
			known := ""
			if !recs[i].SyntaxOK {
				known = " (Microsoft's parser rejects the query too)"
			}
			reason, ok := knownBadYAML[recs[i].Path]
			if !ok {
				t.Errorf("%s does not load: %s", recs[i].Path, msg)
				reason = "new"
			}
			loadFailed = append(loadFailed, fmt.Sprintf("%s: %s%s [%s]", recs[i].Path, msg, known, reason))
			continue
		}
		if _, ok := knownBadYAML[recs[i].Path]; ok {
			t.Logf("%s loads now: remove it from knownBadYAML", recs[i].Path)
		}
	}
	loaded := len(recs) - len(loadFailed)
	t.Logf("rule YAMLs: %d written, %d read outside the rule folders; %d load without errors, %d with errors",
		len(recs), notWalked, loaded, len(loadFailed))
	for _, m := range loadFailed {
		t.Logf("  load error: %s", m)
	}

	// 2. Prepare the queries Microsoft's parser accepts and find their tables.
	cat := schema.Default()
	reg := funcs.Default()
	var runs []*run
	for i := range recs {
		rec := &recs[i]
		if !rec.SyntaxOK {
			continue
		}
		if testing.Short() && len(runs)%5 != 0 {
			runs = append(runs, nil) // keep the count for the sampling
			continue
		}
		rule := byFile[files[i]]
		src := rec.Query
		if rule != nil && rule.Query != "" {
			src = rule.Query
		}
		q, err := Prepare(src, cat, reg)
		if err != nil {
			t.Errorf("%s: %v", rec.ID, err)
			continue
		}
		tables := slices.Clone(q.Tables)
		for _, name := range slices.Concat(rec.OfficialTables, rec.Tables) {
			if _, ok := cat.Table(name); ok && !slices.Contains(tables, name) {
				tables = append(tables, name)
			}
		}
		q.Tables = tables
		r := &run{rec: rec, rule: rule, q: q, tables: tables}
		// The data of the URLs externaldata reads, generated in its declared schema.
		dir := filepath.Join(tmp, "external", fmt.Sprint(i))
		if n, err := ServeExternalData(src, dir, 50, int64(dataSeed)); err != nil {
			t.Errorf("%s: serving externaldata: %v", rec.ID, err)
		} else if n > 0 {
			r.extDir = dir
		}
		runs = append(runs, r)
	}
	runs = slices.DeleteFunc(runs, func(r *run) bool { return r == nil })

	// 3. Generate data for every table any query reads.
	end := synth.GenericEnd(synth.GenericOptions{})
	need := map[string]bool{}
	for _, r := range runs {
		for _, name := range r.tables {
			need[name] = true
		}
	}
	dataDir := filepath.Join(tmp, "data")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	genStart := time.Now()
	for name := range need {
		st, _ := cat.Table(name)
		b, err := synth.GenericTable(st, rowsPerTable, int64(dataSeed), synth.GenericOptions{})
		if err != nil {
			t.Fatalf("GenericTable(%s): %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dataDir, name+".jsonl"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ds, rep, err := logs.Load(context.Background(), []string{dataDir}, logs.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rejected[:min(10, len(rep.Rejected))] {
		t.Errorf("generated row rejected: %s", r)
	}
	t.Logf("data: %d tables × %d rows generated and loaded in %v", len(need), rowsPerTable, time.Since(genStart).Round(time.Millisecond))

	// 4. Run them, two at a time.
	runner := &Runner{Catalog: cat, Funcs: reg, Tables: ds.Tables, Now: end, Timeout: 10 * time.Second}
	runStart := time.Now()
	var wg sync.WaitGroup
	next := make(chan *run)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				unknown := func(name string) bool { return slices.Contains(r.rec.UnknownNames, name) }
				qr := *runner
				if r.extDir != "" {
					qr.External = &exec.Fetcher{Offline: true, MapDir: r.extDir}
				}
				r.res, r.plainRows, r.plantedRows = qr.Run(r.q, unknown), -1, -1
				if r.res.Outcome != Completed {
					continue
				}
				r.plainRows = r.res.Rows
				// Again with the query's own constants planted in its columns, so that
				// rows get past its filters and the rest of the query runs on data.
				lits := r.q.Literals()
				if len(lits) == 0 {
					continue
				}
				r.planted = true
				sub := map[string]*column.Table{}
				for _, name := range r.tables {
					if t, ok := ds.Tables[name]; ok {
						sub[name] = t
					}
				}
				pr := qr
				pr.Tables = Plant(sub, lits, uint64(dataSeed))
				elapsed := r.res.Elapsed
				r.res = pr.Run(r.q, unknown)
				r.res.Elapsed += elapsed
				if r.res.Outcome == Completed {
					r.plantedRows = r.res.Rows
				}
			}
		}()
	}
	for _, r := range runs {
		next <- r
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(runStart)

	// 5. Report.
	if *dumpFile != "" {
		var b strings.Builder
		for _, r := range runs {
			if r.res.Outcome != Completed {
				msg, _, _ := strings.Cut(r.res.Msg, "\n")
				fmt.Fprintf(&b, "%s\t%s\t%s\n", r.res.Outcome, r.rec.Path, msg)
			}
		}
		if err := os.WriteFile(*dumpFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := summarize(runs)
	s.yamls, s.loaded, s.loadFailed, s.short, s.elapsed = len(recs), loaded, loadFailed, testing.Short(), elapsed
	s.tables = len(need)
	text := s.markdown()
	t.Log("\n" + text)
	if *writeDoc {
		if err := os.WriteFile(filepath.Join(root, "docs", "corpus-run.md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := pct(s.count[Completed], s.total)
	if got < floor {
		t.Errorf("%d of %d syntax-OK rules (%.1f%%) run to completion, want at least %.1f%%", s.count[Completed], s.total, got, floor)
	}
	if got < issueTarget {
		t.Logf("issue 5's target of %.0f%% is not met: %.1f%% (see the failures above)", issueTarget, got)
	}
	for _, r := range runs {
		if r.res.Outcome == Panic {
			t.Errorf("%s: panic: %s", r.rec.ID, r.res.Msg)
		}
	}
}

// summary holds the figures of one measurement.
type summary struct {
	yamls, loaded   int
	loadFailed      []string
	short           bool
	elapsed         time.Duration
	tables          int
	total           int // syntax-OK rules run
	semTotal        int // of which Microsoft's analyser accepts
	count           map[Outcome]int
	semCount        map[Outcome]int
	msgs            map[Outcome]map[string][]string // outcome → normalised message → rule names
	slowest         []*run
	semFailed       []*run // failures of rules Microsoft's analyser accepts
	completedEmpty  int
	plainNonEmpty   int // completed runs on plain data with result rows
	plantedRuns     int // queries run a second time with planted constants
	plantedNonEmpty int
	extRuns         int // queries that read externaldata from http(s) URLs
	extCompleted    int // of which completed
}

var (
	linePrefix = regexp.MustCompile(`^\d+:\d+: `)
	quoted     = regexp.MustCompile(`'[^']*'`)
	dquoted    = regexp.MustCompile(`"[^"]*"`)
)

// normalise reduces a message to its kind: without position, stack or (for check
// errors) quoted names, so that similar messages count together.
func normalise(o Outcome, msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	msg = linePrefix.ReplaceAllString(msg, "")
	switch o {
	case CheckEnvironment:
		return quoted.ReplaceAllString(dquoted.ReplaceAllString(msg, `"…"`), "'…'")
	case NetworkData:
		return `externaldata: "…" is a network URL; socfeed reads only local files`
	}
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return msg
}

func summarize(runs []*run) *summary {
	s := &summary{count: map[Outcome]int{}, semCount: map[Outcome]int{}, msgs: map[Outcome]map[string][]string{}}
	for _, r := range runs {
		s.total++
		s.count[r.res.Outcome]++
		if r.rec.SemanticOK != nil && *r.rec.SemanticOK {
			s.semTotal++
			s.semCount[r.res.Outcome]++
		}
		if r.plainRows > 0 {
			s.plainNonEmpty++
		}
		if r.extDir != "" {
			s.extRuns++
			if r.res.Outcome == Completed {
				s.extCompleted++
			}
		}
		if r.planted {
			s.plantedRuns++
			if r.plantedRows > 0 {
				s.plantedNonEmpty++
			}
		}
		if r.res.Outcome == Completed {
			if r.plainRows == 0 && r.plantedRows <= 0 {
				s.completedEmpty++
			}
			continue
		}
		if r.rec.SemanticOK != nil && *r.rec.SemanticOK {
			s.semFailed = append(s.semFailed, r)
		}
		m := s.msgs[r.res.Outcome]
		if m == nil {
			m = map[string][]string{}
			s.msgs[r.res.Outcome] = m
		}
		k := normalise(r.res.Outcome, r.res.Msg)
		name := r.rec.Name
		if name == "" {
			name = r.rec.Path
		}
		m[k] = append(m[k], name)
	}
	s.slowest = slices.Clone(runs)
	sort.SliceStable(s.slowest, func(i, j int) bool { return s.slowest[i].res.Elapsed > s.slowest[j].res.Elapsed })
	s.slowest = s.slowest[:min(5, len(s.slowest))]
	return s
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// outcomes lists the outcomes in report order.
var outcomes = []Outcome{Completed, ParseError, CheckEnvironment, CheckError, PlanError, NetworkData, EngineError, InternalError, Timeout, Panic}

func (s *summary) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Corpus run\n\n")
	p("Issue 5's measure: every rule YAML of `../shared/corpus` (records with a `yaml`, distinct\n")
	p("texts) is written to folders and loaded with `rules.Loader.LoadDir`; every rule whose query\n")
	p("Microsoft's parser accepts (`official_syntax_ok`) is then run once, as a hunting query with\n")
	p("now() at the end of the data, on the local engine (`kql/exec`) over data that\n")
	p("`synth.GenericTable` generates from the schemas of the tables the query reads (%d rows\n", rowsPerTable)
	p("per table, seed %d, 7 days ending %s), with a 10 s limit per query. A query that\n", dataSeed, synth.GenericEnd(synth.GenericOptions{}).Format(time.RFC3339))
	p("completes is run a second time on the same data with the constants it compares columns\n")
	p("with (`Col == \"x\"`, `Col in (...)`, `Col has \"x\"`) planted in about half the rows of\n")
	p("those columns (`corpusrun.Plant`), so that rows get past its filters and its joins,\n")
	p("summaries and extends run on data; it counts as completed only if both runs complete.\n")
	p("The URLs that `externaldata` reads are served generated files too (see below).\n\n")
	p("Command (about 15 s on two cores; `-short` runs every fifth query; `-args -rows N -seed S`\n")
	p("generate other data, to look for failures that show only there):\n\n")
	p("    go test ./rules/corpusrun -run TestCorpusRun -v -args -write-doc\n\n")
	p("The test fails when a YAML outside its known-bad list does not load, when a generated\n")
	p("row is rejected, on any panic, and when the figure falls below %.1f%% (the measured\n", floor)
	p("figure minus one point).\n\n")
	if s.short {
		p("**These results come from a -short run (every fifth query).**\n\n")
	}
	p("## Figures\n\n")
	p("| | rules | share |\n|---|---|---|\n")
	p("| rule YAMLs (distinct) | %d | |\n", s.yamls)
	p("| load without errors | %d | %.1f%% |\n", s.loaded, pct(s.loaded, s.yamls))
	p("| syntax OK (Microsoft), run | %d | |\n", s.total)
	p("| **completed / syntax OK** | **%d / %d** | **%.1f%%** |\n", s.count[Completed], s.total, pct(s.count[Completed], s.total))
	p("| completed / (syntax OK and semantic OK) | %d / %d | %.1f%% |\n", s.semCount[Completed], s.semTotal, pct(s.semCount[Completed], s.semTotal))
	p("| completed with no result rows in either run | %d | |\n", s.completedEmpty)
	p("| plain data: runs with result rows | %d | |\n", s.plainNonEmpty)
	p("| planted constants: runs / with result rows | %d / %d | |\n\n", s.plantedRuns, s.plantedNonEmpty)
	p("Tables with generated data: %d. Running took %v.\n\n", s.tables, s.elapsed.Round(time.Second))
	p("## Outcomes\n\n| outcome | syntax OK | of which semantic OK |\n|---|---|---|\n")
	for _, o := range outcomes {
		p("| %s | %d | %d |\n", o, s.count[o], s.semCount[o])
	}
	if s.extRuns > 0 {
		p("\n%d queries read `externaldata` from http(s) URLs. The run never downloads: each URL is\n", s.extRuns)
		p("served a file of generated rows in the schema and format the operator declares\n")
		p("(`corpusrun.ServeExternalData`) through the engine's URL map (`exec.Fetcher.MapDir`, what\n")
		p("`socfeed query --url-dir` does), and the query runs unchanged: %d of them complete.\n", s.extCompleted)
		p("Without data for those URLs the figure would be %d / %d = %.1f%%.\n",
			s.count[Completed]-s.extCompleted, s.total, pct(s.count[Completed]-s.extCompleted, s.total))
	}
	p("\n`check error (environment)`: the query uses names the environment does not have\n")
	p("(watchlists, ASIM parsers, workspace functions) that Microsoft's analyser reports as\n")
	p("unknown too.\n")
	if len(s.loadFailed) > 0 {
		p("\n## Rules that do not load\n\n")
		for _, m := range s.loadFailed {
			p("- %s\n", m)
		}
	}
	p("\n## Failures by reason\n")
	for _, o := range outcomes[1:] {
		m := s.msgs[o]
		if len(m) == 0 {
			continue
		}
		type kv struct {
			msg   string
			rules []string
		}
		var list []kv
		for k, v := range m {
			list = append(list, kv{k, v})
		}
		sort.Slice(list, func(i, j int) bool {
			return len(list[i].rules) > len(list[j].rules) || len(list[i].rules) == len(list[j].rules) && list[i].msg < list[j].msg
		})
		p("\n### %s (%d)\n\n| count | message | example rules |\n|---|---|---|\n", o, s.count[o])
		limit := 25
		if o == EngineError || o == InternalError || o == Timeout || o == Panic || o == PlanError {
			limit = len(list)
		}
		for i, e := range list {
			if i == limit {
				p("| … | %d more messages | |\n", len(list)-limit)
				break
			}
			ex := e.rules[:min(3, len(e.rules))]
			p("| %d | %s | %s |\n", len(e.rules), mdCell(e.msg), mdCell(strings.Join(ex, "; ")))
		}
	}
	if len(s.semFailed) > 0 {
		p("\n## Failures of rules Microsoft's analyser accepts (%d)\n\n", len(s.semFailed))
		p("These are socfeed's own gaps (parser, checker, planner, engine).\n\n")
		p("| outcome | rule | file | message |\n|---|---|---|---|\n")
		sorted := slices.Clone(s.semFailed)
		sort.SliceStable(sorted, func(i, j int) bool {
			return slices.Index(outcomes, sorted[i].res.Outcome) < slices.Index(outcomes, sorted[j].res.Outcome)
		})
		for _, r := range sorted {
			o := r.res.Outcome
			if o == CheckEnvironment { // keep the names: this table is about single rules
				o = PlanError
			}
			p("| %s | %s | %s | %s |\n", r.res.Outcome, mdCell(r.rec.Name), mdCell(r.rec.Path), mdCell(normalise(o, r.res.Msg)))
		}
	}
	p("\n## Slowest queries\n\n")
	for _, r := range s.slowest {
		p("- %v %s: %s\n", r.res.Elapsed.Round(time.Millisecond), r.res.Outcome, mdCell(r.rec.Name))
	}
	return b.String()
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}
