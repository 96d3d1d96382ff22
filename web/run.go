package web

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
)

// Runner runs one rule on the loaded data for the rule page's "run on loaded data"
// action.
//
// Run may be called concurrently from many requests; implementations serialise what
// must be serialised. The result belongs to the caller. A rule that cannot run (it does
// not parse or check, or the engine rejects it) is reported in [RunResult.Failures], not
// as an error; the error is for what stops the run itself (cancellation, a timeout, a
// memory limit, an internal failure).
type Runner interface {
	Run(ctx context.Context, r *rules.Rule) (*RunResult, error)
}

// maxRunRows is how many result rows the page shows.
const maxRunRows = 200

// RunResult is what a run of one rule returned.
type RunResult struct {
	// AsOf is the time now() was bound to; Window the data the run saw.
	AsOf   time.Time
	Window hunt.Window
	// Columns and Rows are the query's result, as text, at most maxRunRows rows;
	// TotalRows counts them all.
	Columns   []string
	Rows      [][]string
	TotalRows int
	// Findings are the alerts the rule raised (for a hunting query, its result).
	Findings []hunt.Finding
	// Failures are the reasons the rule could not run, as "line:col: message" in the
	// rule file.
	Failures []string
	Elapsed  time.Duration
}

// HuntRunner is a [Runner] that runs rules with package hunt once, as of the end of the
// data, as Sentinel would have run them then. A scheduled rule sees its queryPeriod of
// data; a hunting query sees all of it.
type HuntRunner struct {
	// AsOf is the time now() is bound to; zero means the latest TimeGenerated in the
	// data. Set it before the first Run.
	AsOf time.Time

	mu  sync.Mutex // hunt engines serve one goroutine at a time
	eng hunt.Engine
}

// NewHuntRunner returns a runner over eng (for loaded logs, hunt.NewLocal).
func NewHuntRunner(eng hunt.Engine) *HuntRunner { return &HuntRunner{eng: eng} }

// recorder keeps the last table an engine returned, so the page can show the rows
// behind the findings without running the query twice.
type recorder struct {
	hunt.Engine
	last *hunt.Table
}

func (r *recorder) Query(ctx context.Context, q string, now time.Time, w hunt.Window) (*hunt.Table, error) {
	t, err := r.Engine.Query(ctx, q, now, w)
	if err == nil {
		r.last = t
	}
	return t, err
}

func (r *recorder) Span(ctx context.Context) (first, last time.Time, ok bool, err error) {
	return hunt.DataSpan(ctx, r.Engine)
}

// Run implements [Runner].
func (h *HuntRunner) Run(ctx context.Context, r *rules.Rule) (*RunResult, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	start := time.Now()
	rec := &recorder{Engine: h.eng}
	if h.AsOf.IsZero() {
		_, _, ok, err := hunt.DataSpan(ctx, h.eng)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errNoTime
		}
	}
	res, err := hunt.Run(ctx, rec, []*rules.Rule{r}, hunt.Options{AsOf: h.AsOf})
	if err != nil {
		return nil, err
	}
	out := &RunResult{AsOf: res.AsOf, Findings: res.Findings, Elapsed: time.Since(start)}
	for _, f := range res.Failures {
		for _, d := range f.Diagnostics {
			d.File = ""
			out.Failures = append(out.Failures, d.String())
		}
	}
	if len(out.Failures) > 0 {
		return out, nil
	}
	switch {
	case r.Kind == rules.KindHunting:
		out.Window = hunt.Window{End: res.AsOf}
	case r.Kind == rules.KindNRT:
		out.Window = hunt.Window{Start: res.AsOf.Add(-time.Minute), End: res.AsOf}
	default:
		out.Window = hunt.Window{Start: res.AsOf.Add(-r.QueryPeriod), End: res.AsOf}
	}
	if t := rec.last; t != nil {
		for _, c := range t.Columns {
			out.Columns = append(out.Columns, c.Name)
		}
		out.TotalRows = len(t.Rows)
		for _, row := range t.Rows[:min(len(t.Rows), maxRunRows)] {
			cells := make([]string, len(row))
			for j, v := range row {
				cells[j] = exec.FormatValue(v)
			}
			out.Rows = append(out.Rows, cells)
		}
	}
	return out, nil
}

// errNoData is returned by a server without loaded data when asked to run a rule.
var errNoData = errors.New("no data is loaded: start socfeed serve with --data PATH")

// errNoTime is returned when the data has no TimeGenerated to bind now() to.
var errNoTime = errors.New("the loaded data has no TimeGenerated to bind now() and ago() to: start socfeed serve with --as-of TIME")

// errNoRule is returned when a rule has no loaded model to run.
func errNoRule(id string) error {
	return &BadRequestError{Msg: fmt.Sprintf("rule %q has no loadable definition to run", id)}
}
