package rules

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/socfeed/socfeed/attack"
)

// ATTACKTactics returns the ATT&CK tactics the rule lists, in the rule's order and without
// repeats, and the tactic names the catalog does not know (such as Sentinel's legacy
// "PreAttack").
func (r *Rule) ATTACKTactics(c *attack.Catalog) (known []attack.Tactic, unknown []string) {
	for _, name := range r.Tactics {
		t, ok := c.Tactic(name)
		switch {
		case !ok:
			unknown = append(unknown, name)
		case !slices.Contains(known, t):
			known = append(known, t)
		}
	}
	return known, unknown
}

// checkATTACK warns about tactics and techniques that do not fit the catalog.
func (d *decoder) checkATTACK(r *Rule, c *attack.Catalog) {
	entry := func(key string, i int) Pos {
		n := d.keys[key]
		if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
			return d.pos(n.Content[i])
		}
		return r.Keys[key]
	}
	var sentinelNames []string
	for _, t := range c.Tactics() {
		sentinelNames = append(sentinelNames, sentinelTactic(t.Name))
	}
	listed := map[string]bool{}
	for i, name := range r.Tactics {
		t, ok := c.Tactic(name)
		if ok {
			listed[t.ShortName] = true
			continue
		}
		msg := "unknown ATT&CK tactic '%s'"
		args := []any{name}
		if s := suggest(name, sentinelNames); s != "" {
			msg += "; did you mean '%s'?"
			args = append(args, s)
		}
		d.report(Warning, entry("tactics", i), msg, args...)
	}
	check := func(key string, ids []string) {
		for i, id := range ids {
			p := entry(key, i)
			t, ok := c.Technique(id)
			if !ok {
				d.report(Warning, p, "unknown ATT&CK technique '%s' (ATT&CK %s)", id, c.Version)
				continue
			}
			switch {
			case t.Revoked:
				d.report(Warning, p, "ATT&CK technique '%s' (%s) is revoked", id, t.Name)
			case t.Deprecated:
				d.report(Warning, p, "ATT&CK technique '%s' (%s) is deprecated", id, t.Name)
			}
			if len(r.Tactics) == 0 || len(listed) == 0 {
				continue
			}
			if !slices.ContainsFunc(t.Tactics, func(s string) bool { return listed[s] }) {
				d.report(Warning, p, "technique '%s' (%s) belongs to %s, none of which is in 'tactics'",
					id, t.Name, tacticList(t.Tactics))
			}
		}
	}
	check("relevantTechniques", r.RelevantTechniques)
	check("subTechniques", r.SubTechniques)
	if len(r.Tactics) == 0 && len(r.RelevantTechniques) > 0 {
		d.report(Warning, r.Keys["relevantTechniques"], "'relevantTechniques' is set but 'tactics' is empty")
	}
}

func tacticList(shortNames []string) string {
	if len(shortNames) == 1 {
		return "tactic " + shortNames[0]
	}
	return "tactics " + strings.Join(shortNames, ", ")
}

// sentinelTactic spells an ATT&CK tactic name the way Sentinel rules do:
// "Command and Control" becomes "CommandAndControl".
func sentinelTactic(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
