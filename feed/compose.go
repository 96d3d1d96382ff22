package feed

import (
	"fmt"
	"slices"
	"strings"

	"github.com/socfeed/socfeed/rules"
)

// TemplateVersion names the templates [Compose] uses; it is the GeneratedBy of composed
// text.
const TemplateVersion = "socfeed template v1"

// Narrative is a piece of prose about a rule. Generated is true when socfeed wrote it (from
// the analysis, by template or by a language model); GeneratedBy then says how.
type Narrative struct {
	Text        string `json:"text"`
	Generated   bool   `json:"generated"`
	GeneratedBy string `json:"generatedBy,omitempty"`
}

// Enrichment is the prose socfeed adds to a rule.
type Enrichment struct {
	Hypothesis     Narrative `json:"hypothesis"`
	FalsePositives Narrative `json:"falsePositives"`
}

// Compose writes the hunt hypothesis and the false-positive guidance of a rule from its
// analysis, by template. Every clause rests on an item of the analysis; clauses with no
// evidence are left out.
func Compose(r *rules.Rule, a *Analysis) Enrichment {
	return Enrichment{
		Hypothesis:     Narrative{Text: hypothesis(r, a), Generated: true, GeneratedBy: TemplateVersion},
		FalsePositives: Narrative{Text: falsePositives(a), Generated: true, GeneratedBy: TemplateVersion},
	}
}

func hypothesis(r *rules.Rule, a *Analysis) string {
	var b strings.Builder
	var techs []string
	for _, t := range a.ATTACK.Techniques {
		name := t.Name
		if t.ParentName != "" {
			name = t.ParentName + ": " + t.Name
		}
		techs = append(techs, fmt.Sprintf("%s (%s)", name, t.ID))
	}
	switch {
	case len(techs) > 0:
		fmt.Fprintf(&b, "An adversary performing %s", list(techs, "or"))
	case len(a.ATTACK.Tactics) > 0:
		fmt.Fprintf(&b, "An adversary pursuing %s", list(tacticNames(a), "or"))
	default:
		fmt.Fprintf(&b, "Activity of the kind %q describes", r.Name)
	}
	if len(techs) > 0 && len(a.ATTACK.Tactics) > 0 {
		fmt.Fprintf(&b, " for %s", list(tacticNames(a), "or"))
	}
	tables := a.TableNames()
	if len(tables) > 0 {
		fmt.Fprintf(&b, " would produce %s rows", list(tables, "and"))
	} else {
		b.WriteString(" would produce the rows this query returns")
	}
	var crit []string
	for _, f := range a.Filters {
		crit = append(crit, "`"+f.Text+"`")
	}
	if len(crit) > 0 {
		fmt.Fprintf(&b, " where %s", list(limit(crit, 6), "and"))
	}
	b.WriteString(".")
	for _, j := range a.Joins {
		var keys []string
		for _, k := range j.Keys {
			if k.Left == k.Right {
				keys = append(keys, k.Left)
			} else {
				keys = append(keys, k.Left+" = "+k.Right)
			}
		}
		if len(keys) == 0 {
			continue
		}
		what := "rows"
		if len(j.Right) > 0 {
			what = list(j.Right, "and") + " rows"
		}
		fmt.Fprintf(&b, " The query correlates them with %s on %s (%s %s).", what, list(keys, "and"), j.Operator, j.Kind)
	}
	var th []string
	for _, t := range a.Thresholds {
		if t.Subject != "result count" {
			th = append(th, "`"+t.Text+"`")
		}
	}
	if len(th) > 0 {
		fmt.Fprintf(&b, " It reports only when %s.", list(th, "and"))
	}
	if w := windows(a); w != "" {
		fmt.Fprintf(&b, " It looks at %s.", w)
	}
	if ents := entityTypes(a); len(ents) > 0 {
		fmt.Fprintf(&b, " Each result names the %s to investigate.", list(ents, "and"))
	}
	return b.String()
}

func falsePositives(a *Analysis) string {
	var parts []string
	if len(a.Filters) > 0 {
		var crit []string
		for _, f := range limit(a.Filters, 4) {
			crit = append(crit, "`"+f.Text+"`")
		}
		who := "the accounts, hosts and addresses in the results"
		if ents := entityTypes(a); len(ents) > 0 {
			who = "the " + list(ents, "and") + " values in the results"
		}
		parts = append(parts, fmt.Sprintf("Legitimate activity also matches %s; compare %s with known administrators, service accounts and automation before escalating.", list(crit, "and"), who))
	} else if tables := a.TableNames(); len(tables) > 0 {
		parts = append(parts, fmt.Sprintf("The query selects %s rows by no literal criterion, so its volume follows the volume of that data; baseline it before alerting on it.", list(tables, "and")))
	}
	for _, t := range a.Thresholds {
		if t.Subject == "result count" {
			continue
		}
		parts = append(parts, fmt.Sprintf("The threshold `%s` is fixed: busy but benign users or systems can cross it, and it should be tuned to your baseline.", t.Text))
	}
	for _, j := range a.Joins {
		if len(j.Keys) == 0 {
			continue
		}
		var keys []string
		for _, k := range j.Keys {
			keys = append(keys, k.Left)
		}
		parts = append(parts, fmt.Sprintf("The %s on %s matches case-sensitively and pairs any rows that share the value, including empty or shared values, which can link unrelated events.", j.Operator, list(keys, "and")))
		break
	}
	for _, w := range a.TimeWindows {
		if w.Role == "bin" {
			parts = append(parts, fmt.Sprintf("Counting in buckets (`%s`) can split or merge bursts at bucket edges.", w.Text))
			break
		}
	}
	if len(parts) == 0 {
		return "The analysis found no selection criteria, thresholds or joins to reason about; review the results against known benign activity."
	}
	return strings.Join(parts, " ")
}

func tacticNames(a *Analysis) []string {
	var out []string
	for _, t := range a.ATTACK.Tactics {
		out = append(out, t.Name)
	}
	return out
}

func entityTypes(a *Analysis) []string {
	var out []string
	for _, e := range a.Entities {
		if !slices.Contains(out, e.Type) {
			out = append(out, e.Type)
		}
	}
	return out
}

// windows describes the time spans of the analysis: lookbacks and bucket sizes.
func windows(a *Analysis) string {
	var parts []string
	for _, w := range a.TimeWindows {
		switch w.Role {
		case "ago":
			parts = append(parts, "the last "+rules.FormatDuration(w.Duration)+" (`"+w.Text+"`)")
		case "bin":
			parts = append(parts, rules.FormatDuration(w.Duration)+" buckets")
		case "queryPeriod":
			parts = append(parts, rules.FormatDuration(w.Duration)+" of data per run")
		}
	}
	return list(limit(appendNew(nil, parts...), 4), "and")
}

func limit[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// list joins items as English: "a", "a and b", "a, b and c".
func list(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}
