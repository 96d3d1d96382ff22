package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/kusto"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/rules/hunt/local"
	"github.com/socfeed/socfeed/schema"
)

// exitFindings is the exit status of `socfeed hunt --fail-on-findings` when there are
// findings.
const exitFindings = 3

const huntUsage = `usage: socfeed hunt --rules PATH... --data PATH... [flags]
       socfeed hunt --rules PATH... --backend ENDPOINT [flags]

Runs Sentinel rules (YAML or .kql files, or folders of them) over exported logs and
prints what they find. ago() and now() are bound to --as-of, by default the latest
TimeGenerated in the data. Hunting queries run once. Scheduled and NRT rules run once as
of --as-of, looking back their queryPeriod; with --replay they run as Sentinel would, every
queryFrequency across the data (or --since .. --until), with their trigger, grouping and
suppression.

With --backend the queries run on a Kusto endpoint instead of over --data: an Azure Data
Explorer cluster (kusto://HOST/DATABASE or https://HOST/DATABASE), a Log Analytics
workspace through its ADX proxy (https://ade.loganalytics.io/subscriptions/SUB/
resourcegroups/RG/providers/microsoft.operationalinsights/workspaces/NAME), the Kusto
emulator or another socfeed (http://127.0.0.1:PORT/DATABASE). HTTPS endpoints take a
bearer token from --token-file or $SOCFEED_KUSTO_TOKEN, else sign in with the Azure
identity chain (AZURE_* environment variables, workload or managed identity, az login).

Rules whose queries read externaldata from http(s) URLs download them once and keep them
in the user's cache folder; offline, map each URL to a local file with --url URL=PATH or
a folder of saved files with --url-dir (wget -x layout), and --offline forbids downloads.

Exit status: 0 when the hunt ran (findings or not); 1 on an error, including a rule that
could not run (the others still run and are reported); 2 for a bad command line; 3 with
--fail-on-findings when there is any finding (this wins over 1).

flags:
`

// huntOptions are the flags of `socfeed hunt`.
type huntOptions struct {
	rules, data          []string
	tables               []string // NAME=PATH
	asOf, since, until   string
	replay               bool
	format               string
	failOnFindings       bool
	progress, noProgress bool
	backend, tokenFile   string
	ext                  externalFlags
	ws                   workspaceFlags
}

// kustoTokenEnv names the environment variable holding a bearer token for --backend.
const kustoTokenEnv = "SOCFEED_KUSTO_TOKEN"

// splitListArgs moves the paths that follow --rules and --data (until the next flag) into
// their lists, so `--rules a.yaml b.yaml --data logs/` works as the usage says. It returns
// the remaining arguments for the flag set, and positional arguments that follow no list
// flag.
func splitListArgs(args []string, lists map[string]*[]string, valueFlags map[string]bool) (rest, stray []string) {
	var cur *[]string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			stray = append(stray, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			name := strings.TrimLeft(a, "-")
			val, hasVal := "", false
			if j := strings.IndexByte(name, '='); j >= 0 {
				name, val, hasVal = name[:j], name[j+1:], true
			}
			if l, ok := lists[name]; ok {
				cur = l
				if hasVal {
					*l = append(*l, val)
				}
				continue
			}
			cur = nil
			rest = append(rest, a)
			if valueFlags[name] && !hasVal && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
			continue
		}
		if cur != nil {
			*cur = append(*cur, a)
			continue
		}
		stray = append(stray, a)
	}
	return rest, stray
}

func runHunt(ctx context.Context, e *env, args []string) int {
	var o huntOptions
	fset := flag.NewFlagSet("hunt", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Func("rules", "rule files or folders (repeatable; several paths may follow)", func(s string) error { o.rules = append(o.rules, s); return nil })
	fset.Func("data", "log files or folders (repeatable; several paths may follow)", func(s string) error { o.data = append(o.data, s); return nil })
	fset.Func("table", "read the files at PATH as table NAME (NAME=PATH, repeatable)", func(s string) error { o.tables = append(o.tables, s); return nil })
	fset.StringVar(&o.asOf, "as-of", "", "bind now() and ago() to this time (default: the latest TimeGenerated)")
	fset.StringVar(&o.since, "since", "", "start of the data to consider (default: the earliest TimeGenerated)")
	fset.StringVar(&o.until, "until", "", "end of the replay (default: --as-of)")
	fset.BoolVar(&o.replay, "replay", false, "run scheduled rules on their schedule across the data")
	fset.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	fset.BoolVar(&o.failOnFindings, "fail-on-findings", false, "exit with status 3 when there is any finding")
	fset.BoolVar(&o.progress, "progress", false, "show progress on stderr even when it is not a terminal")
	fset.BoolVar(&o.noProgress, "no-progress", false, "never show progress")
	fset.StringVar(&o.backend, "backend", "", "run the queries on this Kusto `ENDPOINT` instead of over --data")
	fset.StringVar(&o.tokenFile, "token-file", "", "read the bearer token for --backend from `FILE` (default: $"+kustoTokenEnv+", else Azure sign-in)")
	o.ext.register(fset)
	o.ws.register(fset)
	fset.Usage = func() {
		io.WriteString(e.stderr, huntUsage)
		fset.PrintDefaults()
	}
	rest, stray := splitListArgs(args, map[string]*[]string{"rules": &o.rules, "data": &o.data},
		map[string]bool{"table": true, "as-of": true, "since": true, "until": true, "format": true, "backend": true, "token-file": true, "url": true, "url-dir": true, "functions": true, "watchlist": true})
	if err := fset.Parse(rest); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	stray = append(stray, fset.Args()...)
	if len(stray) > 0 {
		e.errorf("hunt: unexpected argument %q: paths follow --rules or --data", stray[0])
		return exitUsage
	}
	switch o.format {
	case "table", "json", "csv":
	default:
		e.errorf("hunt: unknown format %q (want table, json or csv)", o.format)
		return exitUsage
	}
	var opts hunt.Options
	opts.Replay = o.replay
	for _, t := range []struct {
		flag, text string
		dst        *time.Time
	}{{"as-of", o.asOf, &opts.AsOf}, {"since", o.since, &opts.Since}, {"until", o.until, &opts.Until}} {
		if t.text == "" {
			continue
		}
		ticks, ok := types.ParseDateTime(t.text)
		if !ok {
			e.errorf("hunt: in --%s: expected a datetime such as 2024-05-01T12:00:00Z, found %q", t.flag, t.text)
			return exitUsage
		}
		*t.dst = types.TimeFromTicks(ticks)
	}
	over := map[string]string{}
	for _, t := range o.tables {
		name, path, ok := strings.Cut(t, "=")
		if !ok || name == "" || path == "" {
			e.errorf("hunt: in --table: expected NAME=PATH, found %q", t)
			return exitUsage
		}
		over[path] = name
		o.data = append(o.data, path)
	}
	if msg := huntMissing(o); msg != "" {
		e.errorf("hunt: %s", msg)
		return exitUsage
	}
	if o.tokenFile != "" && o.backend == "" {
		e.errorf("hunt: --token-file is for --backend, which is not given")
		return exitUsage
	}

	fetcher, err := o.ext.fetcher()
	if err != nil {
		e.errorf("hunt: %v", err)
		return exitUsage
	}

	ws, err := o.ws.load()
	if err != nil {
		e.errorf("hunt: %v", err)
		return exitError
	}
	defer ws.close()
	for _, n := range ws.notes {
		fmt.Fprintf(e.stderr, "socfeed: %s\n", n)
	}
	for p, name := range ws.override {
		over[p] = name
		o.data = append(o.data, p)
	}

	rs, failures := loadHuntRules(o.rules)
	var eng hunt.Engine
	if o.backend != "" {
		be, err := huntBackend(o)
		if err != nil {
			e.errorf("hunt: %v", err)
			return exitError
		}
		defer be.Close()
		eng = be
	} else {
		ds, rep, err := logs.Load(ctx, o.data, logs.Options{TableOverride: over, Columns: huntColumns(rs, ws.functions)})
		if err != nil {
			e.errorf("hunt: reading the data: %v", err)
			return exitError
		}
		huntRejections(e, rep)
		le := local.New(ds.Tables, nil, nil)
		le.External = fetcher
		le.Functions = ws.functions
		eng = le
	}

	showProgress := (o.progress || huntIsTerminal(e.stderr)) && !o.noProgress
	var prog *huntProgress
	if showProgress {
		prog = &huntProgress{w: e.stderr}
		opts.Progress = prog.update
	}
	res, err := hunt.Run(ctx, eng, rs, opts)
	if prog != nil {
		prog.clear()
	}
	if err != nil && res == nil {
		e.errorf("hunt: %v", err)
		return exitError
	}
	res.Failures = append(failures, res.Failures...)
	res.Rules += len(failures)
	var werr error
	switch o.format {
	case "json":
		werr = hunt.WriteJSON(e.stdout, res)
	case "csv":
		werr = hunt.WriteCSV(e.stdout, res)
	default:
		werr = hunt.WriteTable(e.stdout, res)
	}
	if werr != nil {
		e.errorf("hunt: writing the output: %v", werr)
		return exitError
	}
	if err != nil { // cancelled midway: what was found so far has been printed
		e.errorf("hunt: %v", err)
		return exitError
	}
	switch {
	case o.failOnFindings && len(res.Findings) > 0:
		return exitFindings
	case len(res.Failures) > 0:
		return exitError
	}
	return exitOK
}

// huntMissing says what is wrong with the rules and data flags, or returns "".
func huntMissing(o huntOptions) string {
	hasData := len(o.data) > 0
	switch {
	case len(o.tables) > 0 && o.backend != "":
		return "expected --table or --backend, not both (--table names local files; --backend runs the queries on the endpoint's data)"
	case hasData && o.backend != "":
		return "expected --data or --backend, not both (--backend runs the queries on the endpoint's data)"
	case len(o.rules) == 0 && !hasData && o.backend == "":
		return "expected --rules and --data (or --backend), found neither"
	case len(o.rules) == 0:
		return "expected --rules, found none"
	case !hasData && o.backend == "":
		return "expected --data PATH... or --backend ENDPOINT, found neither"
	}
	return ""
}

// huntBackend connects to the Kusto endpoint of --backend. The token comes from
// --token-file, else $SOCFEED_KUSTO_TOKEN; without one, kusto.NewBackend uses no
// authentication for loopback and plain-HTTP endpoints and the Azure identity chain for
// the others.
func huntBackend(o huntOptions) (*kusto.Backend, error) {
	var opts kusto.BackendOptions
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("in --token-file: %v", err)
		}
		opts.Token = strings.TrimSpace(string(b))
		if opts.Token == "" {
			return nil, fmt.Errorf("in --token-file: %s is empty", o.tokenFile)
		}
	} else if cluster, _, err := kusto.ParseEndpoint(o.backend); err == nil && strings.HasPrefix(cluster, "https:") {
		// The SDK sends tokens over HTTPS only; a token in the environment is not meant
		// for a plain-HTTP endpoint (a local socfeed or the emulator).
		opts.Token = strings.TrimSpace(os.Getenv(kustoTokenEnv))
	}
	be, err := kusto.NewBackend(o.backend, opts)
	if err != nil {
		return nil, fmt.Errorf("in --backend: %v", err)
	}
	return be, nil
}

// loadHuntRules loads the rules under paths. Rules with errors are not run; they come
// back as failures. Rule test files beside the rules are skipped.
func loadHuntRules(paths []string) ([]*rules.Rule, []hunt.Failure) {
	var out []*rules.Rule
	var failures []hunt.Failure
	loader := rules.Loader{}
	for _, p := range paths {
		rs, ds := loader.LoadDir(p)
		byFile := map[string]rules.Diagnostics{}
		for _, d := range ds.Errors() {
			byFile[d.File] = append(byFile[d.File], d)
		}
		for _, r := range rs {
			if hunt.IsTestFile(r.File) {
				delete(byFile, r.File)
				continue
			}
			if errs := byFile[r.File]; len(errs) > 0 {
				failures = append(failures, hunt.NewFailure(r, errs))
				delete(byFile, r.File)
				continue
			}
			out = append(out, r)
		}
		// Files that gave no rule at all (unreadable, not YAML).
		files := make([]string, 0, len(byFile))
		for file := range byFile {
			files = append(files, file)
		}
		sort.Strings(files)
		for _, file := range files {
			if hunt.IsTestFile(file) {
				continue
			}
			failures = append(failures, hunt.NewFailure(&rules.Rule{File: file, Name: file}, byFile[file]))
		}
	}
	return out, failures
}

// huntRejections says on stderr how many records the loader set aside.
func huntRejections(e *env, rep *logs.Report) {
	if rep == nil || len(rep.Rejected) == 0 {
		return
	}
	e.errorf("warning: %d record(s) of the data could not be read and were left out; the first: %s", len(rep.Rejected), rep.Rejected[0])
}

// huntIsTerminal reports whether w is a terminal.
func huntIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// huntProgress keeps one status line on a terminal, redrawn at most ten times a second.
type huntProgress struct {
	w     io.Writer
	last  time.Time
	width int
}

func (p *huntProgress) update(pr hunt.Progress) {
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && pr.Run != pr.Runs {
		return
	}
	p.last = now
	name := pr.Rule
	if r := []rune(name); len(r) > 40 {
		name = string(r[:37]) + "..."
	}
	line := fmt.Sprintf("rule %d/%d %s: run %d/%d, %d finding(s)", pr.RuleIndex, pr.Rules, name, pr.Run, pr.Runs, pr.FindingsYet)
	pad := max(0, p.width-len(line))
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.width = len(line)
}

func (p *huntProgress) clear() {
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
	}
}

// huntColumns plans every rule against the schemas alone and returns the columns each table
// must have built when loading (logs.Options.Columns), plus TimeGenerated, which the hunt
// itself reads for the data's span and each replay window. It returns nil (build every
// column) when any rule cannot be planned without data, so such a rule sees what it would
// have seen otherwise and reports its own error later.
func huntColumns(rs []*rules.Rule, fns *stored.Set) map[string][]string {
	eng := &exec.Engine{Tables: map[string]*column.Table{}, Funcs: funcs.Default(), Functions: fns}
	cat := schema.Default()
	var qs []*plan.Query
	for _, r := range rs {
		q, _, err := exec.Prepare(r.Query, exec.PrepareOptions{Catalog: cat, Engine: eng})
		if err != nil {
			return nil
		}
		qs = append(qs, q)
	}
	cols := plan.NeededColumns(qs...)
	for table, cs := range cols {
		if t, ok := cat.Table(table); ok {
			if _, has := t.Column("TimeGenerated"); has && !slices.Contains(cs, "TimeGenerated") {
				cols[table] = append(cs, "TimeGenerated")
			}
		}
	}
	return cols
}
