package rules

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// topLevelKeys are the keys a Sentinel rule or hunting query YAML may hold.
func topLevelKeys() []string {
	return []string{
		"id", "name", "description", "description-detailed", "severity", "status", "enabled",
		"kind", "alertRuleTemplateName", "version", "requiredDataConnectors",
		"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold", "tactics",
		"relevantTechniques", "subTechniques", "tags", "query", "entityMappings",
		"sentinelEntitiesMappings", "customDetails", "alertDetailsOverride",
		"eventGroupingSettings", "incidentConfiguration", "suppressionDuration",
		"suppressionEnabled", "metadata",
	}
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var versionRE = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

var techniqueRE = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)

// field decodes one top-level key.
func (d *decoder) field(r *Rule, k, v *yaml.Node) {
	key := k.Value
	switch key {
	case "id":
		if s, ok := d.str(key, v); ok {
			r.ID = s
			if s != "" && !guidRE.MatchString(s) {
				d.warnf(v, "in 'id': expected a GUID such as '6962473c-bcb8-421d-a0db-826078cad280', found %q", s)
			}
		}
	case "name":
		r.Name, _ = d.str(key, v)
	case "description":
		r.Description, _ = d.str(key, v)
		if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			d.swallowed(key, k, v)
		}
	case "description-detailed":
		r.DescriptionDetailed, _ = d.str(key, v)
	case "severity":
		s, ok := d.str(key, v)
		if !ok || s == "" {
			break
		}
		sev, canonical := severityOf(s)
		switch {
		case canonical:
			r.Severity = sev
		case sev != "":
			r.Severity = sev
			d.warnf(v, "in 'severity': expected '%s', found %q", sev, s)
		default:
			d.errorf(v, "in 'severity': expected one of Informational, Low, Medium, High, found %q", s)
		}
	case "status":
		if s, ok := d.str(key, v); ok {
			r.Status = s
			if s != "" && s != "Available" && s != "Deprecated" {
				d.warnf(v, "in 'status': expected 'Available' or 'Deprecated', found %q", s)
			}
		}
	case "enabled":
		if b, ok := d.boolean(key, v); ok {
			r.Enabled = &b
		}
	case "kind":
		// decided in kind once all keys are read
		d.str(key, v)
	case "alertRuleTemplateName":
		r.AlertRuleTemplateName, _ = d.str(key, v)
	case "version":
		if s, ok := d.str(key, v); ok {
			r.Version = s
			if s != "" && !versionRE.MatchString(s) {
				d.warnf(v, "in 'version': expected a version such as '1.0.0', found %q", s)
			}
		}
	case "requiredDataConnectors":
		r.RequiredDataConnectors = d.dataConnectors(v)
	case "queryFrequency":
		r.QueryFrequency, _ = d.duration(key, v)
	case "queryPeriod":
		r.QueryPeriod, _ = d.duration(key, v)
	case "suppressionDuration":
		r.SuppressionDuration, _ = d.duration(key, v)
	case "suppressionEnabled":
		r.SuppressionEnabled, _ = d.boolean(key, v)
	case "triggerOperator":
		s, ok := d.str(key, v)
		if !ok {
			break
		}
		op, known := triggerOperatorOf(s)
		if !known {
			d.errorf(v, "in 'triggerOperator': expected one of gt, lt, eq, ne (or GreaterThan, LessThan, Equal, NotEqual), found %q", s)
		}
		r.TriggerOperator = op
	case "triggerThreshold":
		if n, ok := d.integer(key, v); ok {
			r.TriggerThreshold = n
			if n < 0 || n > 10000 {
				d.errorf(v, "in 'triggerThreshold': expected a number from 0 to 10000, found %d", n)
			}
		}
	case "tactics":
		r.Tactics = d.strList(key, v)
	case "relevantTechniques", "subTechniques":
		list := d.strList(key, v)
		for i, t := range list {
			if !techniqueRE.MatchString(t) {
				at := v
				if i < len(v.Content) {
					at = v.Content[i]
				}
				d.warnf(at, "in '%s': expected a technique id such as 'T1078' or 'T1078.004', found %q", key, t)
			}
		}
		if key == "subTechniques" {
			r.SubTechniques = list
		} else {
			r.RelevantTechniques = list
		}
	case "tags":
		r.Tags = d.tags(v)
	case "query":
		d.query(r, k, v)
	case "entityMappings":
		r.EntityMappings = d.entityMappings(v)
	case "sentinelEntitiesMappings":
		r.SentinelEntitiesMappings = d.sentinelEntitiesMappings(v)
	case "customDetails":
		r.CustomDetails = d.customDetails(v)
	case "alertDetailsOverride":
		r.AlertDetailsOverride = d.alertDetailsOverride(v)
	case "eventGroupingSettings":
		r.EventGroupingSettings = d.eventGroupingSettings(v)
	case "incidentConfiguration":
		r.IncidentConfiguration = d.incidentConfiguration(v)
	case "metadata":
		r.Metadata = d.metadata(v)
	default:
		d.unknownKey("", k, topLevelKeys())
	}
}

// severityOf returns the canonical severity for s and whether s was spelled canonically.
func severityOf(s string) (Severity, bool) {
	for _, sev := range []Severity{SeverityInformational, SeverityLow, SeverityMedium, SeverityHigh} {
		if string(sev) == s {
			return sev, true
		}
		if strings.EqualFold(string(sev), s) {
			return sev, false
		}
	}
	return "", false
}

func triggerOperatorOf(s string) (TriggerOperator, bool) {
	switch s {
	case "gt", "GreaterThan":
		return TriggerGreaterThan, true
	case "lt", "LessThan":
		return TriggerLessThan, true
	case "eq", "Equal":
		return TriggerEqual, true
	case "ne", "NotEqual":
		return TriggerNotEqual, true
	}
	return "", false
}

// kind decides the rule's kind from `kind` and the scheduling keys.
func (d *decoder) kind(r *Rule) {
	v, ok := d.keys["kind"]
	if d.huntingFolder {
		d.huntingFolderKind(r, v)
		return
	}
	if !ok || isNull(v) {
		// Without 'kind', a file with the whole schedule is an old-style scheduled rule;
		// one with only part of it is a hunting query carrying stray keys.
		sched := schedulingKeys()
		var have []string
		for _, k := range sched {
			if _, has := d.keys[k]; has {
				have = append(have, k)
			}
		}
		switch {
		case len(have) == len(sched):
			r.Kind = KindScheduled
			d.report(Warning, r.Keys[have[0]], "missing key 'kind'; read as a Scheduled rule because it has a schedule")
		default:
			r.Kind = KindHunting
			for _, k := range have {
				d.report(Warning, r.Keys[k], "'%s' has no effect on a hunting query (the rule has no 'kind')", k)
			}
		}
		return
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		return // reported by field
	}
	switch {
	case v.Value == "Scheduled":
		r.Kind = KindScheduled
	case v.Value == "NRT":
		r.Kind = KindNRT
	case strings.EqualFold(v.Value, "Scheduled"):
		r.Kind = KindScheduled
		d.warnf(v, "in 'kind': expected 'Scheduled', found %q", v.Value)
	case strings.EqualFold(v.Value, "NRT"):
		r.Kind = KindNRT
		d.warnf(v, "in 'kind': expected 'NRT', found %q", v.Value)
	default:
		d.errorf(v, "in 'kind': expected 'Scheduled' or 'NRT', found %q", v.Value)
	}
}

// schedulingKeys are the keys that give a scheduled rule its schedule and trigger.
func schedulingKeys() []string {
	return []string{"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold"}
}

// huntingFolderKind makes a file of a hunting-queries folder a hunting query: Sentinel
// deploys such files as hunting queries, so `kind: Scheduled` (written by some) and the
// scheduling keys have no effect, which the loader says with warnings. v is the value
// of `kind`, or nil.
func (d *decoder) huntingFolderKind(r *Rule, v *yaml.Node) {
	r.Kind = KindHunting
	if v != nil && !isNull(v) && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		if strings.EqualFold(v.Value, "Scheduled") || strings.EqualFold(v.Value, "NRT") {
			d.warnf(v, "'kind: %s' has no effect: a file in a hunting-queries folder is a hunting query", v.Value)
		} else {
			d.errorf(v, "in 'kind': expected 'Scheduled' or 'NRT', found %q", v.Value)
		}
	}
	for _, k := range schedulingKeys() {
		if _, has := d.keys[k]; has {
			d.report(Warning, r.Keys[k], "'%s' has no effect on a hunting query (the file is in a hunting-queries folder)", k)
		}
	}
}

// required reports missing required keys at the start of the rule mapping.
func (d *decoder) required(r *Rule, root *yaml.Node) {
	if _, ok := d.keys["resources"]; ok {
		if _, ok := d.keys["$schema"]; ok {
			d.errorf(root, "file is an ARM template ('$schema' and 'resources'), not a Sentinel rule YAML")
			return
		}
	}
	need := []string{"id", "name", "query"}
	switch r.Kind {
	case KindScheduled:
		need = append(need, "severity", "queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold")
	case KindNRT:
		need = append(need, "severity")
	}
	for _, k := range need {
		v, ok := d.keys[k]
		empty := ok && (isNull(v) || (v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && strings.TrimSpace(v.Value) == ""))
		switch {
		case k == "id" && r.Kind == KindHunting && (!ok || empty):
			// Sentinel names hunting queries by file; the corpus has some without an id.
			r.ID = DerivedID(d.file)
			at := root
			what := "missing key 'id'"
			if ok {
				at, what = v, "'id' is empty"
			}
			d.warnf(at, "%s; the hunting query gets the id %s, derived from its path", what, r.ID)
		case !ok && (r.Kind == KindHunting || k == "id" || k == "name" || k == "query"):
			d.errorf(root, "missing required key '%s'", k)
		case !ok:
			d.errorf(root, "missing required key '%s' for a %s rule", k, r.Kind)
		case empty:
			d.errorf(v, "'%s' is empty", k)
		}
	}
}

// crossChecks reports problems that involve more than one key.
func (d *decoder) crossChecks(r *Rule) {
	if r.Kind == KindScheduled {
		for _, c := range []struct {
			key string
			v   time.Duration
		}{{"queryFrequency", r.QueryFrequency}, {"queryPeriod", r.QueryPeriod}} {
			n, ok := d.keys[c.key]
			if !ok || c.v == 0 {
				continue
			}
			if c.v < 5*time.Minute || c.v > 14*24*time.Hour {
				d.errorf(n, "in '%s': expected a duration from 5m to 14d, found %s", c.key, FormatDuration(c.v))
			}
		}
		if r.QueryFrequency > 0 && r.QueryPeriod > 0 && r.QueryPeriod < r.QueryFrequency {
			d.warnf(d.keys["queryPeriod"], "queryPeriod %s is shorter than queryFrequency %s, so events between runs are never queried",
				FormatDuration(r.QueryPeriod), FormatDuration(r.QueryFrequency))
		}
	}
	for _, h := range d.huntingEntities {
		if r.Kind == KindHunting {
			d.warnf(h.node, "in 'entityMappings': analytic rules cannot map entity type '%s' (Sentinel knows it from alerts only); a hunting query keeps it", h.typ)
		} else {
			d.errorf(h.node, "in 'entityMappings': a %s rule cannot map entity type '%s' (Sentinel knows it from alerts only); expected one of %s",
				r.Kind, h.typ, strings.Join(EntityTypes(), ", "))
		}
	}
	if r.Kind == KindNRT {
		for _, k := range schedulingKeys() {
			if n, ok := d.keys[k]; ok {
				d.warnf(n, "'%s' has no effect on an NRT rule", k)
			}
		}
	}
	if r.IncidentConfiguration != nil && r.IncidentConfiguration.GroupingConfiguration != nil {
		g := r.IncidentConfiguration.GroupingConfiguration
		names := map[string]bool{}
		for _, c := range r.CustomDetails {
			names[c.Key] = true
		}
		for _, c := range g.GroupByCustomDetails {
			if !names[c] {
				d.report(Warning, r.Keys["incidentConfiguration"], "in 'incidentConfiguration': groupByCustomDetails names '%s', which is not a key of 'customDetails'", c)
			}
		}
	}
}

// query decodes the query and records how its bytes map to the file.
func (d *decoder) query(r *Rule, k, v *yaml.Node) {
	s, ok := d.str("query", v)
	if !ok {
		return
	}
	r.Query = s
	start := d.src.offset(v.Line, v.Column)
	parent := d.src.pos(d.src.offset(k.Line, k.Column)).Col - 1
	offs, _ := scalarOffsets(d.src, v, start, parent)
	r.query = queryMap{src: d.src, offs: offs}
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		d.swallowed("query", k, v)
	}
}

var yamlKeyLine = regexp.MustCompile(`^([A-Za-z][A-Za-z-]*):(?:[ \t]+(.*))?$`)

// swallowed reports lines inside the block scalar v (the value of key k) that look like
// top-level rule keys: a common mistake is to indent the key after `query: |`, which makes
// it, and all that follows, part of the query text.
func (d *decoder) swallowed(key string, k, v *yaml.Node) {
	start := d.src.offset(v.Line, v.Column)
	parent := d.src.pos(d.src.offset(k.Line, k.Column)).Col - 1
	_, block := scalarOffsets(d.src, v, start, parent)
	if block == nil {
		return
	}
	indicator := strings.TrimSpace(string(d.src.text[start:d.src.lineEnd(start)]))
	if i := strings.Index(indicator, "#"); i >= 0 {
		indicator = strings.TrimSpace(indicator[:i])
	}
	known := topLevelKeys()
	for _, ls := range block.lines {
		line := strings.TrimRight(string(d.src.text[ls:d.src.lineEnd(ls)]), "\r")
		trimmed := strings.TrimLeft(line, " ")
		m := yamlKeyLine.FindStringSubmatch(trimmed)
		if m == nil || m[1] == key || !containsKey(known, m[1]) || !looksLikeYAMLValue(m[1], m[2]) {
			continue
		}
		p := d.src.pos(ls + len(line) - len(trimmed))
		d.report(Error, p, "%s block swallows what looks like the YAML key '%s:' at line %d; it is indented into the '%s: %s' block",
			key, m[1], p.Line, key, indicator)
	}
}

func containsKey(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// looksLikeYAMLValue reports whether rest, the text after "key:" on a line, looks like
// the value YAML would give that key rather than KQL (such as a datatable column
// "name: string,").
func looksLikeYAMLValue(key, rest string) bool {
	rest = strings.TrimSpace(rest)
	if rest == "" || rest == "|" || rest == "|-" || rest == ">" || strings.HasPrefix(rest, "#") {
		return true
	}
	switch key {
	case "severity":
		_, ok := severityOf(rest)
		return ok || rest == string(SeverityInformational) || rest == string(SeverityLow) ||
			rest == string(SeverityMedium) || rest == string(SeverityHigh)
	case "kind":
		return rest == "Scheduled" || rest == "NRT"
	case "queryFrequency", "queryPeriod", "suppressionDuration":
		_, err := ParseDuration(rest)
		return err == nil
	case "triggerOperator":
		_, ok := triggerOperatorOf(rest)
		return ok
	case "triggerThreshold":
		_, err := fmt.Sscanf(rest, "%d", new(int))
		return err == nil && !strings.ContainsAny(rest, ",)")
	case "version":
		return versionRE.MatchString(strings.Trim(rest, `'"`))
	case "id":
		return guidRE.MatchString(strings.Trim(rest, `'"`))
	case "suppressionEnabled", "enabled":
		return rest == "true" || rest == "false"
	case "status":
		return rest == "Available" || rest == "Deprecated"
	case "tactics", "relevantTechniques", "tags", "subTechniques":
		return strings.HasPrefix(rest, "[")
	case "name", "description":
		return (strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, `"`)) && !strings.HasSuffix(rest, ",")
	}
	return false
}
