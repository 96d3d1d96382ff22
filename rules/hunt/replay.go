package hunt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socfeed/socfeed/rules"
)

// Options configure [Run].
type Options struct {
	// AsOf is the time now() and ago() are bound to for runs that are not replayed; zero
	// means Until when that is set, else the latest TimeGenerated in the data, so a rule run
	// over last month's export behaves as it did then. Rows after AsOf are not seen.
	AsOf time.Time
	// Replay makes scheduled and NRT rules run on their schedule across [Since, Until]
	// instead of once as of AsOf. Hunting queries run once either way.
	Replay bool
	// Since and Until bound the data considered. Zero Since means the earliest
	// TimeGenerated in the data; zero Until means AsOf.
	Since, Until time.Time
	// Progress, when not nil, is called after every query run.
	Progress func(Progress)
}

// Progress says how far [Run] has got.
type Progress struct {
	Rule        string // the rule being run
	RuleIndex   int    // 1-based index of the rule
	Rules       int    // number of rules
	Run, Runs   int    // 1-based run of the rule, and its number of runs
	FindingsYet int    // findings so far, over all rules
}

// Result is what [Run] found.
type Result struct {
	// AsOf is the time now() was bound to for runs that were not replayed.
	AsOf time.Time
	// Since and Until are the range of data considered.
	Since, Until time.Time
	// Replay is set when scheduled rules were replayed.
	Replay bool
	// Rules is the number of rules run (successfully or not); Runs the number of query
	// runs; Suppressed the number of scheduled runs skipped by rule suppression.
	Rules, Runs, Suppressed int
	Findings                []Finding
	Failures                []Failure
}

// Failure is a rule that could not be run, with why.
type Failure struct {
	Rule        RuleInfo
	Diagnostics rules.Diagnostics
}

// NewFailure makes a failure of r from load or check diagnostics (only their errors are
// kept).
func NewFailure(r *rules.Rule, ds rules.Diagnostics) Failure {
	return Failure{Rule: ruleInfo(r), Diagnostics: ds.Errors()}
}

// nrtInterval is how often Sentinel runs an NRT rule, and the data each run sees.
const nrtInterval = time.Minute

// maxRuns bounds the runs of one rule in a replay.
const maxRuns = 1_000_000

// tick is the resolution of KQL datetimes, used to make a window include its start.
const tick = 100 * time.Nanosecond

// Schedule returns the windows of the runs Sentinel makes of a rule run every freq and
// looking back period, over data in [since, until]: runs end at until, until-freq,
// until-2·freq, ... down to the last end at or after since, so the last run sees the end
// of the data as a run as of until would. Windows are returned oldest first. freq must be
// positive.
func Schedule(since, until time.Time, freq, period time.Duration) []Window {
	if freq <= 0 || until.Before(since) {
		return nil
	}
	n := int(until.Sub(since)/freq) + 1
	out := make([]Window, n)
	for k := 0; k < n; k++ {
		end := until.Add(-time.Duration(k) * freq)
		out[n-1-k] = Window{Start: end.Add(-period), End: end}
	}
	return out
}

// Run runs every rule over the engine's data and returns the findings, and the failures
// of rules that could not run. A failing rule never stops the others. The error is for
// what stops the whole hunt: cancellation (the result so far is returned with it), or a
// time span that cannot be found when opts leaves AsOf or Since zero.
func Run(ctx context.Context, eng Engine, rs []*rules.Rule, opts Options) (*Result, error) {
	res := &Result{AsOf: opts.AsOf, Since: opts.Since, Until: opts.Until, Replay: opts.Replay}
	if res.AsOf.IsZero() {
		res.AsOf = opts.Until
	}
	if res.AsOf.IsZero() || (res.Since.IsZero() && len(rs) > 0) {
		first, last, ok, err := DataSpan(ctx, eng)
		if err != nil {
			return nil, err
		}
		if !ok {
			if res.AsOf.IsZero() {
				return nil, errors.New("the data has no TimeGenerated to take the as-of time from; give one with --as-of")
			}
			first = time.Time{}
		}
		if res.AsOf.IsZero() {
			res.AsOf = last
		}
		if res.Since.IsZero() {
			res.Since = first
		}
	}
	if res.Until.IsZero() {
		res.Until = res.AsOf
	}
	if opts.Since.IsZero() && res.Until.Before(res.Since) {
		// As of a time before the data starts: nothing to see, but no error.
		res.Since = res.Until
	}
	if !res.Since.IsZero() && res.Until.Before(res.Since) {
		return nil, fmt.Errorf("the time range is empty: until %s is before since %s", timeText(res.Until), timeText(res.Since))
	}
	for i, r := range rs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.Rules++
		if err := runRule(ctx, eng, r, i, len(rs), opts, res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// plan returns the windows a rule runs over. A hunting query sees all the data up to the
// as-of time, or from Since when that was given.
func (res *Result) plan(r *rules.Rule, opts Options) ([]Window, error) {
	if r.Kind == rules.KindHunting {
		var start time.Time
		if !opts.Since.IsZero() {
			start = opts.Since.Add(-tick)
		}
		return []Window{{Start: start, End: res.AsOf}}, nil
	}
	freq, period := r.QueryFrequency, r.QueryPeriod
	if r.Kind == rules.KindNRT {
		freq, period = nrtInterval, nrtInterval
	}
	if freq <= 0 || period <= 0 {
		return nil, errors.New("the rule has no queryFrequency or queryPeriod to run it by")
	}
	if !res.Replay {
		return []Window{{Start: res.AsOf.Add(-period), End: res.AsOf}}, nil
	}
	if res.Since.IsZero() {
		return nil, errors.New("cannot replay the schedule: the data has no TimeGenerated to start from; give --since")
	}
	if n := res.Until.Sub(res.Since) / freq; n >= maxRuns {
		return nil, fmt.Errorf("replaying %s of data every %s would take %d runs, more than %d; narrow it with --since and --until",
			res.Until.Sub(res.Since).Round(time.Second), rules.FormatDuration(freq), n+1, maxRuns)
	}
	return Schedule(res.Since, res.Until, freq, period), nil
}

// runRule runs one rule over its windows, adding its findings or its failure to res. It
// returns an error only when ctx is done.
func runRule(ctx context.Context, eng Engine, r *rules.Rule, ruleIndex, nRules int, opts Options, res *Result) error {
	info := ruleInfo(r)
	fail := func(msg string, p rules.Pos) {
		res.Failures = append(res.Failures, Failure{Rule: info, Diagnostics: rules.Diagnostics{{
			File: r.File, Line: p.Line, Col: p.Col, Severity: rules.Error, Msg: msg}}})
	}
	windows, err := res.plan(r, opts)
	if err != nil {
		fail(err.Error(), rules.Pos{})
		return nil
	}
	var suppressedUntil time.Time
	for i, w := range windows {
		if r.Kind != rules.KindHunting && r.SuppressionEnabled && w.End.Before(suppressedUntil) {
			res.Suppressed++
			continue
		}
		t, err := eng.Query(ctx, r.Query, w.End, w)
		res.Runs++
		if opts.Progress != nil {
			opts.Progress(Progress{Rule: info.Name, RuleIndex: ruleIndex + 1, Rules: nRules, Run: i + 1, Runs: len(windows), FindingsYet: len(res.Findings)})
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			res.Failures = append(res.Failures, Failure{Rule: info, Diagnostics: queryDiagnostics(r, err, w, len(windows) > 1)})
			return nil
		}
		if !fires(r, len(t.Rows)) {
			continue
		}
		res.Findings = append(res.Findings, findings(r, info, w, t)...)
		if r.SuppressionEnabled && r.SuppressionDuration > 0 {
			suppressedUntil = w.End.Add(r.SuppressionDuration)
		}
	}
	return nil
}

// fires applies the rule's trigger to a run's row count. Hunting queries, and rules
// without a trigger operator, fire when the query returns rows.
func fires(r *rules.Rule, count int) bool {
	if r.Kind == rules.KindHunting || r.TriggerOperator == "" {
		return count > 0
	}
	return r.TriggerOperator.Fires(count, r.TriggerThreshold)
}

// queryDiagnostics turns an engine error into diagnostics located in the rule file.
func queryDiagnostics(r *rules.Rule, err error, w Window, sayWindow bool) rules.Diagnostics {
	qes := queryErrors(err)
	if len(qes) == 0 {
		// A failure at run time may depend on the window's data: say which run it was.
		prefix := ""
		if sayWindow {
			prefix = "in the run ending " + timeText(w.End) + ": "
		}
		return rules.Diagnostics{{File: r.File, Line: r.KeyPos("query").Line, Col: r.KeyPos("query").Col, Severity: rules.Error, Msg: prefix + err.Error()}}
	}
	var ds rules.Diagnostics
	for _, qe := range qes {
		d := rules.Diagnostic{File: r.File, Severity: rules.Error, Msg: qe.Msg}
		if qe.Offset >= 0 {
			d.Line, d.Col = r.QueryPos(qe.Offset)
		}
		if d.Line == 0 {
			p := r.KeyPos("query")
			d.Line, d.Col = p.Line, p.Col
		}
		ds = append(ds, d)
	}
	ds.Sort()
	return ds
}
