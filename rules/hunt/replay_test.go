package hunt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/rules"
)

func TestSchedule(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name          string
		since, until  string
		freq, period  time.Duration
		wantEnds      []string
		wantLookbacks time.Duration
	}{
		{"aligned", "2024-05-01T00:00:00Z", "2024-05-01T03:00:00Z", h, 2 * h,
			[]string{"2024-05-01T00:00:00Z", "2024-05-01T01:00:00Z", "2024-05-01T02:00:00Z", "2024-05-01T03:00:00Z"}, 2 * h},
		{"anchored at until", "2024-05-01T00:10:00Z", "2024-05-01T03:05:00Z", h, h,
			[]string{"2024-05-01T01:05:00Z", "2024-05-01T02:05:00Z", "2024-05-01T03:05:00Z"}, h},
		{"one instant", "2024-05-01T00:00:00Z", "2024-05-01T00:00:00Z", 5 * time.Minute, time.Hour,
			[]string{"2024-05-01T00:00:00Z"}, h},
		{"empty range", "2024-05-02T00:00:00Z", "2024-05-01T00:00:00Z", h, h, nil, 0},
		{"no frequency", "2024-05-01T00:00:00Z", "2024-05-01T03:00:00Z", 0, h, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := Schedule(at(tt.since), at(tt.until), tt.freq, tt.period)
			var ends []string
			for _, w := range ws {
				ends = append(ends, timeText(w.End))
				if got := w.End.Sub(w.Start); got != tt.wantLookbacks {
					t.Errorf("window %v looks back %v, want %v", w, got, tt.wantLookbacks)
				}
			}
			if diff := cmp.Diff(tt.wantEnds, ends); diff != "" {
				t.Errorf("Schedule ends (-want +got):\n%s", diff)
			}
		})
	}
}

// scheduled returns a scheduled rule over the fake table "Signins".
func scheduled(freq, period time.Duration, op rules.TriggerOperator, threshold int) *rules.Rule {
	return &rules.Rule{File: "r.yaml", Kind: rules.KindScheduled, ID: "r1", Name: "Rule one", Severity: rules.SeverityHigh,
		Query: "Signins", QueryFrequency: freq, QueryPeriod: period, TriggerOperator: op, TriggerThreshold: threshold,
		Tactics: []string{"CredentialAccess"}, RelevantTechniques: []string{"T1110"}}
}

// replayData has two rows in the first hour of the replay and one in the third.
func replayData() *fakeEngine {
	return &fakeEngine{tables: map[string]*Table{"Signins": events(
		[3]string{"2024-05-01T00:10:00Z", "alice", "10.0.0.1"},
		[3]string{"2024-05-01T00:20:00Z", "bob", "10.0.0.2"},
		[3]string{"2024-05-01T03:05:00Z", "alice", "10.0.0.3"},
	)}}
}

// fired summarizes findings as "window end: row count".
func fired(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s: %d", f.Window.End.Format("15:04"), len(f.Rows)))
	}
	return out
}

func TestReplay(t *testing.T) {
	h := time.Hour
	perResult := &rules.EventGroupingSettings{AggregationKind: rules.AlertPerResult}
	single := &rules.EventGroupingSettings{AggregationKind: rules.SingleAlert}
	tests := []struct {
		name           string
		rule           func(r *rules.Rule)
		freq, period   time.Duration
		op             rules.TriggerOperator
		threshold      int
		want           []string
		wantSuppressed int
	}{
		{"gt 0", nil, h, h, rules.TriggerGreaterThan, 0, []string{"01:05: 2", "03:05: 1"}, 0},
		{"gt 1", nil, h, h, rules.TriggerGreaterThan, 1, []string{"01:05: 2"}, 0},
		{"eq 1", nil, h, h, rules.TriggerEqual, 1, []string{"03:05: 1"}, 0},
		{"lt 1 fires on silence", nil, h, h, rules.TriggerLessThan, 1, []string{"02:05: 0"}, 0},
		{"ne 2", nil, h, h, rules.TriggerNotEqual, 2, []string{"02:05: 0", "03:05: 1"}, 0},
		{"no operator means rows", nil, h, h, "", 0, []string{"01:05: 2", "03:05: 1"}, 0},
		{"lookback longer than frequency sees rows twice", nil, h, 2 * h, rules.TriggerGreaterThan, 0,
			[]string{"01:05: 2", "02:05: 2", "03:05: 1"}, 0},
		{"lookback shorter than frequency leaves gaps", nil, 2 * h, 30 * time.Minute, rules.TriggerGreaterThan, 0,
			[]string{"03:05: 1"}, 0},
		{"alert per result", func(r *rules.Rule) { r.EventGroupingSettings = perResult }, h, h, rules.TriggerGreaterThan, 0,
			[]string{"01:05: 1", "01:05: 1", "03:05: 1"}, 0},
		{"single alert", func(r *rules.Rule) { r.EventGroupingSettings = single }, h, h, rules.TriggerGreaterThan, 0,
			[]string{"01:05: 2", "03:05: 1"}, 0},
		{"suppression skips runs", func(r *rules.Rule) { r.SuppressionEnabled, r.SuppressionDuration = true, 150*time.Minute },
			h, 2 * h, rules.TriggerGreaterThan, 0, []string{"01:05: 2"}, 2},
		{"suppression ends", func(r *rules.Rule) { r.SuppressionEnabled, r.SuppressionDuration = true, 90*time.Minute },
			h, 2 * h, rules.TriggerGreaterThan, 0, []string{"01:05: 2", "03:05: 1"}, 1},
		{"suppression duration without enabled", func(r *rules.Rule) { r.SuppressionDuration = 5 * h },
			h, h, rules.TriggerGreaterThan, 0, []string{"01:05: 2", "03:05: 1"}, 0},
		{"nrt runs every minute", func(r *rules.Rule) { r.Kind = rules.KindNRT }, 0, 0, "", 0,
			[]string{"00:10: 1", "00:20: 1", "03:05: 1"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := replayData()
			r := scheduled(tt.freq, tt.period, tt.op, tt.threshold)
			if tt.rule != nil {
				tt.rule(r)
			}
			res, err := Run(context.Background(), eng, []*rules.Rule{r}, Options{Replay: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failures) > 0 {
				t.Fatalf("failures: %v", res.Failures)
			}
			if diff := cmp.Diff(tt.want, fired(res.Findings)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if res.Suppressed != tt.wantSuppressed {
				t.Errorf("suppressed runs = %d, want %d", res.Suppressed, tt.wantSuppressed)
			}
			for _, c := range eng.calls[1:] { // the first call asks for the span
				if !c.now.Equal(c.window.End) {
					t.Errorf("run with window %v had now() = %v, want the window end", c.window, c.now)
				}
			}
		})
	}
}

func TestReplayWindowsAndDefaults(t *testing.T) {
	eng := replayData()
	r := scheduled(time.Hour, 2*time.Hour, rules.TriggerGreaterThan, 0)
	res, err := Run(context.Background(), eng, []*rules.Rule{r}, Options{Replay: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := eng.calls[0].query, spanQuery; got != want {
		t.Errorf("first query = %q, want the span query %q", got, want)
	}
	if !res.Since.Equal(at("2024-05-01T00:10:00Z")) || !res.Until.Equal(at("2024-05-01T03:05:00Z")) || !res.AsOf.Equal(res.Until) {
		t.Errorf("range = %v..%v as of %v, want the data's span", res.Since, res.Until, res.AsOf)
	}
	var got []Window
	for _, c := range eng.calls[1:] {
		got = append(got, c.window)
	}
	want := []Window{
		{at("2024-04-30T23:05:00Z"), at("2024-05-01T01:05:00Z")},
		{at("2024-05-01T00:05:00Z"), at("2024-05-01T02:05:00Z")},
		{at("2024-05-01T01:05:00Z"), at("2024-05-01T03:05:00Z")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("windows (-want +got):\n%s", diff)
	}
	if res.Runs != 3 {
		t.Errorf("runs = %d, want 3", res.Runs)
	}

	// An explicit range.
	eng = replayData()
	res, err = Run(context.Background(), spanEngine{eng}, []*rules.Rule{r}, Options{Replay: true,
		Since: at("2024-05-01T02:00:00Z"), Until: at("2024-05-01T04:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"02:00: 2", "04:00: 1"}, fired(res.Findings)); diff != "" {
		t.Errorf("findings over an explicit range (the first run looks back before since) (-want +got):\n%s", diff)
	}
	if eng.calls[0].query == spanQuery {
		t.Errorf("asked for the span by query although the engine is a Spanner")
	}
}

func TestAlertPerResultCap(t *testing.T) {
	tab := events()
	for i := range 200 {
		tab.Rows = append(tab.Rows, events([3]string{"2024-05-01T00:10:00Z", fmt.Sprint("u", i), "ip"}).Rows[0])
	}
	eng := &fakeEngine{tables: map[string]*Table{"Signins": tab}}
	r := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	r.EventGroupingSettings = &rules.EventGroupingSettings{AggregationKind: rules.AlertPerResult}
	res, err := Run(context.Background(), eng, []*rules.Rule{r}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 150 {
		t.Fatalf("findings = %d, want 150", len(res.Findings))
	}
	if n := len(res.Findings[148].Rows); n != 1 {
		t.Errorf("finding 149 has %d rows, want 1", n)
	}
	if n := len(res.Findings[149].Rows); n != 51 {
		t.Errorf("finding 150 has %d rows, want the remaining 51", n)
	}
}

func TestRunOnceAsOf(t *testing.T) {
	hunting := &rules.Rule{File: "h.yaml", Kind: rules.KindHunting, ID: "h", Name: "Hunt", Query: "Signins"}
	sched := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	tests := []struct {
		name       string
		rule       *rules.Rule
		opts       Options
		want       []string
		wantWindow Window
	}{
		{"hunting sees everything up to the data's end", hunting, Options{}, []string{"03:05: 3"},
			Window{End: at("2024-05-01T03:05:00Z")}},
		{"hunting as of an earlier time", hunting, Options{AsOf: at("2024-05-01T01:00:00Z")}, []string{"01:00: 2"},
			Window{End: at("2024-05-01T01:00:00Z")}},
		{"hunting with since", hunting, Options{Since: at("2024-05-01T00:20:00Z")}, []string{"03:05: 2"},
			Window{Start: at("2024-05-01T00:20:00Z").Add(-tick), End: at("2024-05-01T03:05:00Z")}},
		{"hunting until a time", hunting, Options{Until: at("2024-05-01T01:00:00Z")}, []string{"01:00: 2"},
			Window{End: at("2024-05-01T01:00:00Z")}},
		{"hunting ignores replay", hunting, Options{Replay: true}, []string{"03:05: 3"},
			Window{End: at("2024-05-01T03:05:00Z")}},
		{"scheduled looks back its period from the as-of time", sched, Options{}, []string{"03:05: 1"},
			Window{at("2024-05-01T02:05:00Z"), at("2024-05-01T03:05:00Z")}},
		{"scheduled as of an earlier time", sched, Options{AsOf: at("2024-05-01T00:30:00Z")}, []string{"00:30: 2"},
			Window{at("2024-04-30T23:30:00Z"), at("2024-05-01T00:30:00Z")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := replayData()
			res, err := Run(context.Background(), eng, []*rules.Rule{tt.rule}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, fired(res.Findings)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			last := eng.calls[len(eng.calls)-1]
			if diff := cmp.Diff(tt.wantWindow, last.window); diff != "" {
				t.Errorf("window (-want +got):\n%s", diff)
			}
			if !last.now.Equal(tt.wantWindow.End) {
				t.Errorf("now() = %v, want %v", last.now, tt.wantWindow.End)
			}
		})
	}
}

const brokenRule = `id: b1
name: Broken
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: []
relevantTechniques: []
query: |
  Signins
  | where Nope == 1
`

func TestBrokenRuleDoesNotStopOthers(t *testing.T) {
	broken, ds := rules.Loader{}.Load("broken.yaml", []byte(brokenRule))
	if ds.HasErrors() {
		t.Fatalf("loading the rule: %v", ds)
	}
	eng := replayData()
	eng.errs = map[string]error{strings.TrimSpace(broken.Query): errors.Join(
		&QueryError{Offset: strings.Index(broken.Query, "Nope"), Msg: "unknown column 'Nope'"},
		&QueryError{Offset: -1, Msg: "something without a position"})}
	good := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	noSchedule := scheduled(0, 0, rules.TriggerGreaterThan, 0)
	runtime := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	runtime.Query = "Boom"
	eng.errs["Boom"] = errors.New("'sort' needs more than 512MB of memory")
	res, err := Run(context.Background(), eng, []*rules.Rule{broken, noSchedule, runtime, good}, Options{Replay: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Failures {
		for _, d := range f.Diagnostics {
			got = append(got, f.Rule.Name+": "+d.String())
		}
	}
	want := []string{
		"Broken: broken.yaml:10:1: something without a position",
		"Broken: broken.yaml:12:11: unknown column 'Nope'",
		"Rule one: r.yaml: the rule has no queryFrequency or queryPeriod to run it by",
		"Rule one: r.yaml: in the run ending 2024-05-01T01:05:00Z: 'sort' needs more than 512MB of memory",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"01:05: 2", "03:05: 1"}, fired(res.Findings)); diff != "" {
		t.Errorf("the good rule's findings (-want +got):\n%s", diff)
	}
	if res.Rules != 4 {
		t.Errorf("rules = %d, want 4", res.Rules)
	}
}

func TestRunErrors(t *testing.T) {
	empty := &fakeEngine{tables: map[string]*Table{"Signins": events()}}
	r := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	if _, err := Run(context.Background(), empty, []*rules.Rule{r}, Options{}); err == nil || !strings.Contains(err.Error(), "--as-of") {
		t.Errorf("Run over data without TimeGenerated: err = %v, want one asking for --as-of", err)
	}
	_, err := Run(context.Background(), replayData(), []*rules.Rule{r}, Options{Since: at("2024-06-01T00:00:00Z"), AsOf: at("2024-05-01T00:00:00Z")})
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Run with until before since: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, spanEngine{replayData()}, []*rules.Rule{r}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context: err = %v", err)
	}
	huge := scheduled(time.Minute, time.Minute, rules.TriggerGreaterThan, 0)
	res, err := Run(context.Background(), replayData(), []*rules.Rule{huge}, Options{Replay: true, Since: at("2000-01-01T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Diagnostics[0].Msg, "narrow it") {
		t.Errorf("replay of too many runs: failures = %v", res.Failures)
	}
}

func TestProgress(t *testing.T) {
	var got []Progress
	r := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	_, err := Run(context.Background(), replayData(), []*rules.Rule{r}, Options{Replay: true, Progress: func(p Progress) { got = append(got, p) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []Progress{
		{Rule: "Rule one", RuleIndex: 1, Rules: 1, Run: 1, Runs: 3},
		{Rule: "Rule one", RuleIndex: 1, Rules: 1, Run: 2, Runs: 3, FindingsYet: 1},
		{Rule: "Rule one", RuleIndex: 1, Rules: 1, Run: 3, Runs: 3, FindingsYet: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestAsOfBeforeTheData(t *testing.T) {
	r := scheduled(time.Hour, time.Hour, rules.TriggerGreaterThan, 0)
	res, err := Run(context.Background(), replayData(), []*rules.Rule{r}, Options{AsOf: at("2024-04-01T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 || len(res.Failures) != 0 || !res.Since.Equal(res.Until) {
		t.Errorf("as of a time before the data: %d findings, failures %v, range %v..%v", len(res.Findings), res.Failures, res.Since, res.Until)
	}
}
