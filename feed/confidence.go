package feed

import (
	"fmt"
	"strings"
	"time"
)

// Level is how far a rule is to be trusted.
type Level string

// The confidence levels, from most to least trusted.
const (
	// High: the query parses and checks, fired on its positive scenario and stayed quiet
	// on a benign baseline.
	High Level = "high"
	// Medium: the query parses and checks against the schemas, and no run contradicts it.
	Medium Level = "medium"
	// Low: the query does not parse or check, or a run failed, missed its scenario or was
	// noisy on benign data.
	Low Level = "low"
	// Unknown: there is not enough evidence either way (no query, or tables socfeed has
	// no schema for and no runs).
	Unknown Level = "unknown"
)

// rank orders levels for sorting: high first.
func (l Level) rank() int {
	switch l {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Status is the outcome of one evidence item.
type Status string

// Evidence item outcomes.
const (
	Pass Status = "pass" // the evidence supports the rule
	Fail Status = "fail" // the evidence speaks against the rule
	None Status = "none" // there is no such evidence yet
)

// EvidenceItem is one fact behind a confidence level.
type EvidenceItem struct {
	// Name is the question: "parses", "checks", "has test", "ran on data",
	// "fires on scenario", "quiet on benign data".
	Name     string `json:"name"`
	Status   Status `json:"status"`
	Sentence string `json:"sentence"`
}

// Confidence is a level with the evidence it rests on; never a bare number.
type Confidence struct {
	Level    Level          `json:"level"`
	Evidence []EvidenceItem `json:"evidence"`
}

// RunEvidence is the record of one run of a rule over data, made by whoever ran it (the
// hunt and test commands).
type RunEvidence struct {
	// Data names the data the rule ran on (a folder, a synthetic scenario's data set).
	Data string `json:"data"`
	// Rows is the number of rows of data read; Findings the number of results.
	Rows     int `json:"rows"`
	Findings int `json:"findings"`
	// Scenario names the labelled attack scenario the data holds, "" when none. A run on a
	// scenario is expected to fire.
	Scenario string `json:"scenario,omitempty"`
	// Benign marks a run on a baseline without attacks, expected to stay quiet.
	Benign bool `json:"benign,omitempty"`
	// Err is the error that stopped the run, "" when it completed.
	Err string    `json:"err,omitempty"`
	At  time.Time `json:"at"`
}

// Assess states the confidence in a rule from its analysis, its test file (testPath, ""
// when it has none) and the runs recorded for it (in any order; the latest of each kind
// counts).
func Assess(a *Analysis, testPath string, runs []RunEvidence) Confidence {
	var c Confidence
	add := func(name string, st Status, format string, args ...any) {
		c.Evidence = append(c.Evidence, EvidenceItem{Name: name, Status: st, Sentence: fmt.Sprintf(format, args...)})
	}
	parses, checks := None, None
	switch {
	case a == nil:
		add("parses", None, "the rule has no query to parse")
	case a.Parsed:
		parses = Pass
		add("parses", Pass, "the query parses")
	case len(a.ParseErrors) > 0:
		parses = Fail
		add("parses", Fail, "the query does not parse: %s", a.ParseErrors[0])
	default:
		add("parses", None, "the rule has no query to parse")
	}
	if a != nil && parses == Pass {
		var unknown []string
		for _, t := range a.Tables {
			if !t.Known {
				unknown = append(unknown, t.Name)
			}
		}
		switch {
		case !a.Checked && len(a.CheckErrors) > 0:
			checks = Fail
			add("checks", Fail, "the checker failed: %s", a.CheckErrors[0])
		case !a.Checked:
			add("checks", None, "the query was not checked against table schemas")
		case len(a.CheckErrors) > 0:
			checks = Fail
			add("checks", Fail, "%d error(s) against the table schemas, the first: %s", len(a.CheckErrors), a.CheckErrors[0])
		case len(unknown) > 0:
			add("checks", None, "no schema for %s, so its columns and types could not be checked", list(unknown, "and"))
		default:
			checks = Pass
			add("checks", Pass, "the query checks against the schemas of %s", orNone(a.TableNames()))
		}
	}
	if testPath != "" {
		add("has test", Pass, "a rule test exists: %s", testPath)
	} else {
		add("has test", None, "no <rule>.test.yaml beside the rule")
	}
	var last, lastScenario, lastBenign *RunEvidence
	for i := range runs {
		r := &runs[i]
		if last == nil || r.At.After(last.At) {
			last = r
		}
		if r.Benign && (lastBenign == nil || r.At.After(lastBenign.At)) {
			lastBenign = r
		}
		if r.Scenario != "" && !r.Benign && (lastScenario == nil || r.At.After(lastScenario.At)) {
			lastScenario = r
		}
	}
	ran, fires, quiet := None, None, None
	switch {
	case last == nil:
		add("ran on data", None, "no run has been recorded")
	case last.Err != "":
		ran = Fail
		add("ran on data", Fail, "the last run, on %s at %s, failed: %s", last.Data, stamp(last.At), last.Err)
	default:
		ran = Pass
		add("ran on data", Pass, "ran on %s at %s: %d rows read, %d findings", last.Data, stamp(last.At), last.Rows, last.Findings)
	}
	switch {
	case lastScenario == nil:
		add("fires on scenario", None, "no run on a labelled attack scenario")
	case lastScenario.Err != "":
		fires = Fail
		add("fires on scenario", Fail, "the run on scenario %q failed: %s", lastScenario.Scenario, lastScenario.Err)
	case lastScenario.Findings > 0:
		fires = Pass
		add("fires on scenario", Pass, "fired on scenario %q: %d findings", lastScenario.Scenario, lastScenario.Findings)
	default:
		fires = Fail
		add("fires on scenario", Fail, "did not fire on scenario %q (%d rows read)", lastScenario.Scenario, lastScenario.Rows)
	}
	switch {
	case lastBenign == nil:
		add("quiet on benign data", None, "no run on a benign baseline")
	case lastBenign.Err != "":
		quiet = Fail
		add("quiet on benign data", Fail, "the run on benign %s failed: %s", lastBenign.Data, lastBenign.Err)
	case lastBenign.Findings == 0:
		quiet = Pass
		add("quiet on benign data", Pass, "no findings on benign %s (%d rows read)", lastBenign.Data, lastBenign.Rows)
	default:
		quiet = Fail
		add("quiet on benign data", Fail, "%d findings on benign %s (%d rows read): noisy", lastBenign.Findings, lastBenign.Data, lastBenign.Rows)
	}
	switch {
	case parses == Fail || checks == Fail || ran == Fail || fires == Fail || quiet == Fail:
		c.Level = Low
	case parses == Pass && checks == Pass && fires == Pass && quiet == Pass:
		c.Level = High
	case parses == Pass && (checks == Pass || fires == Pass):
		c.Level = Medium
	default:
		c.Level = Unknown
	}
	return c
}

// Reasons returns the evidence as one line each: "pass: the query parses".
func (c Confidence) Reasons() string {
	var b strings.Builder
	for _, e := range c.Evidence {
		fmt.Fprintf(&b, "%s: %s: %s\n", e.Status, e.Name, e.Sentence)
	}
	return b.String()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func orNone(s []string) string {
	if len(s) == 0 {
		return "no table"
	}
	return list(s, "and")
}
