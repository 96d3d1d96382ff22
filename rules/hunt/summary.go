package hunt

import (
	"cmp"
	"slices"
	"time"
)

// Summary is what a responder reads first about a [Result]: how many findings of which
// severity, which rules fired, the entities that come up most, the time covered and the
// rules that failed.
type Summary struct {
	AsOf, Since, Until      time.Time
	Replay                  bool
	Rules, Runs, Suppressed int
	Findings                int
	// BySeverity counts findings per severity, most severe first; severities without
	// findings are left out.
	BySeverity []SeverityCount
	// RulesFired lists the rules with findings, most severe first, then by count.
	RulesFired []RuleCount
	// TopEntities lists the entities in the most findings, at most the number asked for.
	TopEntities []EntityCount
	// First and Last are the earliest and latest end of a window with a finding.
	First, Last time.Time
	Failures    []Failure
}

// SeverityCount is a number of findings of one severity ("" for none).
type SeverityCount struct {
	Severity string
	Findings int
}

// RuleCount is a rule that fired, with its number of findings and the ends of the first
// and last windows that fired.
type RuleCount struct {
	Rule        RuleInfo
	Findings    int
	First, Last time.Time
}

// EntityCount is an entity with the number of findings it appears in and the number of
// distinct rules that raised them.
type EntityCount struct {
	Entity   Entity
	Findings int
	Rules    int
}

// severityRank orders severities, most severe first.
func severityRank(s string) int {
	switch s {
	case "High":
		return 0
	case "Medium":
		return 1
	case "Low":
		return 2
	case "Informational":
		return 3
	}
	return 4
}

// Summarize summarizes res, keeping at most topEntities entities.
func Summarize(res *Result, topEntities int) Summary {
	s := Summary{AsOf: res.AsOf, Since: res.Since, Until: res.Until, Replay: res.Replay, Rules: res.Rules,
		Runs: res.Runs, Suppressed: res.Suppressed, Findings: len(res.Findings), Failures: res.Failures}
	sev := map[string]int{}
	byRule := map[string]*RuleCount{}
	var ruleOrder []string
	type ent struct {
		e     Entity
		n     int
		rules map[string]bool
		first int
	}
	ents := map[string]*ent{}
	for i, f := range res.Findings {
		sev[f.Severity]++
		key := f.Rule.File + "\x00" + f.Rule.ID + "\x00" + f.Rule.Name
		rc, ok := byRule[key]
		if !ok {
			rc = &RuleCount{Rule: f.Rule, First: f.Window.End}
			byRule[key] = rc
			ruleOrder = append(ruleOrder, key)
		}
		rc.Findings++
		rc.First = minTime(rc.First, f.Window.End)
		rc.Last = maxTime(rc.Last, f.Window.End)
		s.First = minTime(s.First, f.Window.End)
		s.Last = maxTime(s.Last, f.Window.End)
		for _, e := range f.Entities {
			k := e.Key()
			x, ok := ents[k]
			if !ok {
				x = &ent{e: e, rules: map[string]bool{}, first: i}
				ents[k] = x
			}
			x.n++
			x.rules[key] = true
		}
	}
	for k, n := range sev {
		s.BySeverity = append(s.BySeverity, SeverityCount{k, n})
	}
	slices.SortFunc(s.BySeverity, func(a, b SeverityCount) int {
		return cmp.Or(cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)), cmp.Compare(a.Severity, b.Severity))
	})
	for _, k := range ruleOrder {
		s.RulesFired = append(s.RulesFired, *byRule[k])
	}
	slices.SortStableFunc(s.RulesFired, func(a, b RuleCount) int {
		return cmp.Or(cmp.Compare(severityRank(a.Rule.Severity), severityRank(b.Rule.Severity)), cmp.Compare(b.Findings, a.Findings))
	})
	var es []*ent
	for _, x := range ents {
		es = append(es, x)
	}
	slices.SortFunc(es, func(a, b *ent) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(len(b.rules), len(a.rules)), cmp.Compare(a.first, b.first), cmp.Compare(a.e.Key(), b.e.Key()))
	})
	for _, x := range es[:min(len(es), topEntities)] {
		s.TopEntities = append(s.TopEntities, EntityCount{Entity: x.e, Findings: x.n, Rules: len(x.rules)})
	}
	return s
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
