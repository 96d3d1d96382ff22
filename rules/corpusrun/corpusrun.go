// Package corpusrun measures how much of a corpus of Sentinel rules socfeed can run: it
// finds the tables each rule's query reads, generates data for them with
// [synth.GenericTable], runs the query once (as a hunting query, with now() at the end
// of the data) on the local engine (package kql/exec) under a time limit, and classifies
// what happened as an [Outcome]. Its test, over ../shared/corpus, is the measure of
// issue 5; docs/corpus-run.md holds its latest results.
//
// [Query] is a query prepared for a run ([Prepare]); [Runner] runs prepared queries.
package corpusrun

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/schema"
)

// Outcome is what happened to one query.
type Outcome string

const (
	// Completed: the query ran to the end (with or without result rows).
	Completed Outcome = "completed"
	// ParseError: socfeed's parser rejects the query.
	ParseError Outcome = "parse error"
	// CheckEnvironment: the checker or planner rejects the query only for names the
	// environment lacks (watchlists, ASIM parsers, workspace functions), names that
	// Microsoft's analyser reports as unknown too.
	CheckEnvironment Outcome = "check error (environment)"
	// CheckError: the checker rejects the query for another reason.
	CheckError Outcome = "check error"
	// PlanError: the planner rejects a query the checker accepted.
	PlanError Outcome = "plan error"
	// NetworkData: the query reads externaldata from a network URL that the Runner's
	// External does not serve (the measure never downloads).
	NetworkData Outcome = "externaldata from the network"
	// EngineError: the query failed while running (a runtime or memory-limit error).
	EngineError Outcome = "engine error"
	// InternalError: the engine reported an internal error (a recovered panic inside it).
	InternalError Outcome = "internal error"
	// Timeout: the query did not finish within the time limit.
	Timeout Outcome = "timeout"
	// Panic: a panic escaped the engine (recovered by the runner).
	Panic Outcome = "panic"
)

// Query is a query parsed and checked against a catalog, ready to run.
type Query struct {
	Src     string
	checked *exec.Checked
	errs    []string // parse or check errors, `line:col: message`
	parseOK bool
	// Tables are the catalog tables the query may read: those the checker bound, plus
	// every catalog table name that appears as a word of the text (table names passed
	// to functions as strings, as in `table(name)` and let-bound helpers).
	Tables []string
}

// Errors returns the parse and check errors, each `line:col: message`.
func (q *Query) Errors() []string { return q.errs }

// Prepare parses and checks src against cat and reg and finds the tables it reads.
// Prepare never panics: a panic in the parser or checker is returned as an error.
func Prepare(src string, cat *schema.Catalog, reg *funcs.Registry) (*Query, error) {
	q := &Query{Src: src}
	c, err := exec.ParseAndCheck(src, exec.PrepareOptions{Catalog: cat, Engine: &exec.Engine{Funcs: reg}})
	var ie *exec.InternalError
	if errors.As(err, &ie) {
		return nil, fmt.Errorf("internal error: panic while checking: %s\n%s", ie.Msg, ie.Stack)
	}
	var pe *exec.PrepareError
	if errors.As(err, &pe) {
		q.errs = append(q.errs, strings.Split(pe.At(src), "\n")...)
	} else if err != nil {
		return nil, err
	}
	q.parseOK = err == nil
	seen := map[string]bool{}
	add := func(name string) {
		if _, ok := cat.Table(name); ok && !seen[name] {
			seen[name] = true
			q.Tables = append(q.Tables, name)
		}
	}
	if q.parseOK {
		q.checked = c
		for _, d := range c.Errors() {
			line, col := syntax.LineCol(src, d.Pos)
			q.errs = append(q.errs, fmt.Sprintf("%d:%d: %s", line, col, d.Msg))
		}
		for _, sym := range c.Info.Refs {
			if sym.Kind == check.SymTable {
				add(sym.Name)
			}
		}
	}
	for _, w := range words(src) {
		add(w)
	}
	slices.Sort(q.Tables)
	return q, nil
}

// words returns the identifier-like words of s.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

// Result is the outcome of one run.
type Result struct {
	Outcome Outcome
	// Msg is the first error message (empty when the query completed).
	Msg     string
	Rows    int // rows of the last result table, when completed
	Elapsed time.Duration
}

// Runner runs prepared queries over a fixed set of tables. Tables are only read, so a
// Runner may run queries from several goroutines at once.
type Runner struct {
	Catalog *schema.Catalog
	Funcs   *funcs.Registry
	Tables  map[string]*column.Table
	Now     time.Time     // now() and the base of ago()
	Timeout time.Duration // per query; 0 means 10 s
	Workers int           // executor workers per query; 0 means 1
	// External serves the URLs externaldata reads; nil means none (offline), and a URL
	// it does not serve makes the outcome [NetworkData].
	External exec.ExternalData
}

// Run runs q. unknown reports whether Microsoft's analyser also reports a name as
// unknown; errors about such names are [CheckEnvironment]. A query that ignores
// cancellation is abandoned after the time limit plus a grace period and reported as a
// [Timeout] (its goroutine keeps running).
func (r *Runner) Run(q *Query, unknown func(name string) bool) Result {
	start := time.Now()
	res := r.run(q, unknown)
	res.Elapsed = time.Since(start)
	return res
}

func (r *Runner) run(q *Query, unknown func(name string) bool) Result {
	if !q.parseOK {
		return Result{Outcome: ParseError, Msg: first(q.errs)}
	}
	if len(q.errs) > 0 {
		if allEnvironment(q.errs, unknown) {
			return Result{Outcome: CheckEnvironment, Msg: q.errs[0]}
		}
		return Result{Outcome: CheckError, Msg: q.errs[0]}
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	workers := r.Workers
	if workers == 0 {
		workers = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done := make(chan Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- Result{Outcome: Panic, Msg: fmt.Sprintf("%v\n%s", p, debug.Stack())}
			}
		}()
		done <- r.execute(ctx, q, workers, unknown)
	}()
	select {
	case res := <-done:
		return res
	case <-ctx.Done():
	}
	select {
	case res := <-done:
		return res
	case <-time.After(2 * time.Second):
		return Result{Outcome: Timeout, Msg: fmt.Sprintf("no answer %v after the %v limit was reached (cancellation ignored)", 2*time.Second, timeout)}
	}
}

// execute plans and runs q over the tables it reads.
func (r *Runner) execute(ctx context.Context, q *Query, workers int, unknown func(string) bool) Result {
	tables := make(map[string]*column.Table, len(q.Tables))
	for _, name := range q.Tables {
		if t, ok := r.Tables[name]; ok {
			tables[name] = t
		}
	}
	// Never the network: a URL External does not serve counts as NetworkData.
	ext := r.External
	if ext == nil {
		ext = &exec.Fetcher{Offline: true}
	}
	eng := &exec.Engine{Tables: tables, Funcs: r.Funcs, Now: r.Now, Workers: workers, External: ext}
	p, err := q.checked.Plan(exec.PrepareOptions{Catalog: r.Catalog, Engine: eng})
	if err != nil {
		var ie *exec.InternalError
		if errors.As(err, &ie) {
			// A panic in the planner, recovered by Plan.
			return Result{Outcome: Panic, Msg: ie.Msg + "\n" + ie.Stack}
		}
		msg := err.Error()
		var pe *exec.PrepareError
		if errors.As(err, &pe) {
			msg = pe.At(q.Src)
		}
		switch {
		case allEnvironment([]string{msg}, unknown):
			return Result{Outcome: CheckEnvironment, Msg: msg}
		case strings.Contains(msg, "externaldata") && strings.Contains(msg, "is a network URL"):
			return Result{Outcome: NetworkData, Msg: msg}
		}
		return Result{Outcome: PlanError, Msg: msg}
	}
	res, err := eng.Run(ctx, p)
	if err != nil {
		if strings.Contains(err.Error(), exec.OfflineMessage) {
			return Result{Outcome: NetworkData, Msg: err.Error()}
		}
		switch exec.Kind(err) {
		case exec.KindTimeout, exec.KindCanceled:
			return Result{Outcome: Timeout, Msg: err.Error()}
		case exec.KindInternal:
			var ie *exec.InternalError
			if errors.As(err, &ie) {
				return Result{Outcome: InternalError, Msg: ie.Error() + "\n" + ie.Stack}
			}
			return Result{Outcome: InternalError, Msg: err.Error()}
		}
		return Result{Outcome: EngineError, Msg: err.Error()}
	}
	out := Result{Outcome: Completed}
	if n := len(res.Tables); n > 0 {
		out.Rows = len(res.Tables[n-1].Rows)
	}
	return out
}

// allEnvironment reports whether every message is about a name unknown reports as
// unknown to Microsoft's analyser too.
func allEnvironment(msgs []string, unknown func(string) bool) bool {
	if unknown == nil || len(msgs) == 0 {
		return false
	}
	for _, m := range msgs {
		name, ok := unknownName(m)
		if !ok || !unknown(name) {
			return false
		}
	}
	return true
}

// unknownName extracts X from messages such as "unknown function 'X'" (checker) or
// `unknown table "X"` (planner).
func unknownName(msg string) (string, bool) {
	for _, p := range []string{"unknown function ", "unknown name ", "unknown table ", "unknown column ", "unknown plugin ", "unknown tabular function "} {
		i := strings.Index(msg, p)
		if i < 0 || i+len(p) >= len(msg) {
			continue
		}
		rest := msg[i+len(p):]
		q := rest[0]
		if q != '\'' && q != '"' {
			continue
		}
		if j := strings.IndexByte(rest[1:], q); j >= 0 {
			return rest[1 : 1+j], true
		}
	}
	return "", false
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}
