package hunt

import (
	"slices"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules"
)

// RuleInfo identifies the rule a [Finding] or [Failure] comes from.
type RuleInfo struct {
	ID         string
	Name       string
	Kind       string // "Scheduled", "NRT" or "Hunting"
	Severity   string
	Tactics    []string
	Techniques []string
	File       string
}

func ruleInfo(r *rules.Rule) RuleInfo {
	techs := slices.Clone(r.RelevantTechniques)
	for _, s := range r.SubTechniques {
		if !slices.Contains(techs, s) {
			techs = append(techs, s)
		}
	}
	name := r.Name
	if name == "" {
		name = r.ID
	}
	return RuleInfo{ID: r.ID, Name: name, Kind: r.Kind.String(), Severity: string(r.Severity),
		Tactics: slices.Clone(r.Tactics), Techniques: techs, File: r.File}
}

// Finding is one alert of a rule (or one hunting query's result): the run that made it,
// the rows behind it, and what Sentinel would show with it.
type Finding struct {
	Rule RuleInfo
	// Window is the data the run saw: (Start, End]. Start is zero for a hunting query,
	// which sees all the data; End is the run's now().
	Window Window
	// Title and Description come from alertDetailsOverride's formats when the rule has
	// them, else from the rule's name and description.
	Title       string
	Description string
	// Severity and Tactics are the rule's, unless alertDetailsOverride takes them from a
	// column.
	Severity string
	Tactics  []string
	Columns  []Column
	Rows     [][]types.Value
	// Entities are the distinct entities mapped from the rows, in the order first seen.
	Entities      []Entity
	CustomDetails []Detail
	// Properties are the alertDynamicProperties of alertDetailsOverride, rendered.
	Properties []Detail
}

// Entity is one Sentinel entity: its type ("Account", "IP", ...) and identifiers in
// mapping order.
type Entity struct {
	Type        string
	Identifiers []Identifier
}

// Identifier is one identifier of an [Entity].
type Identifier struct {
	Name, Value string
}

// Key returns a text that is equal for equal entities.
func (e Entity) Key() string {
	var b strings.Builder
	b.WriteString(e.Type)
	for _, id := range e.Identifiers {
		b.WriteString("\x00")
		b.WriteString(id.Name)
		b.WriteString("=")
		b.WriteString(id.Value)
	}
	return b.String()
}

// String formats e as "Type:Name=Value,Name=Value".
func (e Entity) String() string {
	var b strings.Builder
	b.WriteString(e.Type)
	for i, id := range e.Identifiers {
		if i == 0 {
			b.WriteString(":")
		} else {
			b.WriteString(",")
		}
		b.WriteString(id.Name + "=" + id.Value)
	}
	return b.String()
}

// Detail is one key and its values: a custom detail (the distinct non-empty values of its
// column over the finding's rows) or an alert property.
type Detail struct {
	Key    string
	Values []string
}

// legacyEntityColumn is a column older rules use instead of entityMappings, with the
// entity and identifier it maps to.
type legacyEntityColumn struct{ column, entity, identifier string }

// legacyEntityColumns returns the legacy entity columns.
func legacyEntityColumns() []legacyEntityColumn {
	return []legacyEntityColumn{
		{"AccountCustomEntity", "Account", "FullName"},
		{"IPCustomEntity", "IP", "Address"},
		{"HostCustomEntity", "Host", "FullName"},
		{"URLCustomEntity", "URL", "Url"},
		{"FileHashCustomEntity", "FileHash", "Value"},
	}
}

// maxAlertsPerRun is how many alerts Sentinel makes from one run of an AlertPerResult rule:
// the first maxAlertsPerRun-1 rows get an alert each, the last alert holds all the others.
const maxAlertsPerRun = 150

// findings turns the result of one run into findings according to the rule's event
// grouping. The caller has already applied the trigger.
func findings(r *rules.Rule, info RuleInfo, w Window, t *Table) []Finding {
	perResult := r.EventGroupingSettings != nil && r.EventGroupingSettings.AggregationKind == rules.AlertPerResult
	if !perResult || r.Kind == rules.KindHunting {
		return []Finding{finding(r, info, w, t.Columns, t.Rows)}
	}
	var out []Finding
	for i := 0; i < len(t.Rows); i++ {
		if len(out) == maxAlertsPerRun-1 && len(t.Rows)-i > 1 {
			out = append(out, finding(r, info, w, t.Columns, t.Rows[i:]))
			break
		}
		out = append(out, finding(r, info, w, t.Columns, t.Rows[i:i+1]))
	}
	return out
}

// finding makes one finding from rows of a run.
func finding(r *rules.Rule, info RuleInfo, w Window, cols []Column, rows [][]types.Value) Finding {
	f := Finding{Rule: info, Window: w, Title: info.Name, Description: r.Description,
		Severity: info.Severity, Tactics: info.Tactics, Columns: cols, Rows: rows}
	f.Entities = Entities(r, cols, rows)
	idx := func(name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	for _, cd := range r.CustomDetails {
		f.CustomDetails = append(f.CustomDetails, Detail{Key: cd.Key, Values: distinct(rows, idx(cd.ColumnName))})
	}
	o := r.AlertDetailsOverride
	if o == nil || len(rows) == 0 {
		return f
	}
	first := rows[0]
	cell := func(name string) (string, bool) {
		if i := idx(strings.TrimSpace(name)); i >= 0 && i < len(first) {
			return first[i].String(), true
		}
		return "", false
	}
	if o.AlertDisplayNameFormat != "" {
		f.Title = Render(o.AlertDisplayNameFormat, cell)
	}
	if o.AlertDescriptionFormat != "" {
		f.Description = Render(o.AlertDescriptionFormat, cell)
	}
	if v, ok := cell(o.AlertSeverityColumnName); ok && o.AlertSeverityColumnName != "" {
		for _, s := range []rules.Severity{rules.SeverityInformational, rules.SeverityLow, rules.SeverityMedium, rules.SeverityHigh} {
			if strings.EqualFold(v, string(s)) {
				f.Severity = string(s)
			}
		}
	}
	if i := idx(o.AlertTacticsColumnName); i >= 0 && o.AlertTacticsColumnName != "" {
		if ts := splitList(first[i]); len(ts) > 0 {
			f.Tactics = ts
		}
	}
	for _, p := range o.AlertDynamicProperties {
		f.Properties = append(f.Properties, Detail{Key: p.AlertProperty, Values: distinct(rows[:1], idx(p.Value))})
	}
	return f
}

// Render replaces each `{{Column}}` placeholder of format with the value cell gives for
// the column, as Sentinel renders alertDisplayNameFormat. A placeholder naming no column
// is left as written.
func Render(format string, cell func(column string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.Index(format, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(format[i+2:], "}}")
		if j < 0 {
			break
		}
		b.WriteString(format[:i])
		if v, ok := cell(format[i+2 : i+2+j]); ok {
			b.WriteString(v)
		} else {
			b.WriteString(format[i : i+4+j])
		}
		format = format[i+4+j:]
	}
	b.WriteString(format)
	return b.String()
}

// distinct returns the distinct non-empty values of column i over rows, in row order.
func distinct(rows [][]types.Value, i int) []string {
	if i < 0 {
		return nil
	}
	var out []string
	for _, row := range rows {
		if i >= len(row) {
			continue
		}
		if s := row[i].String(); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// splitList reads a list of names from a dynamic array or a comma-separated string.
func splitList(v types.Value) []string {
	var out []string
	if v.Type == types.Dynamic && !v.IsNull() && types.JSON(v.S).Kind() == types.JSONArray {
		types.JSON(v.S).Each(func(e types.JSON) bool {
			if s := strings.TrimSpace(types.DynamicString(types.DynamicElem(e))); s != "" {
				out = append(out, s)
			}
			return true
		})
		return out
	}
	for _, s := range strings.Split(v.String(), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Entities returns the distinct entities the rule maps from rows, in the order first
// seen: from entityMappings, from the columns named by sentinelEntitiesMappings (JSON
// arrays of serialized entities), and from the legacy columns AccountCustomEntity,
// IPCustomEntity, HostCustomEntity, URLCustomEntity and FileHashCustomEntity unless an
// entity mapping already reads that column. Identifiers with empty values are left out,
// and an entity with no identifier left is dropped.
func Entities(r *rules.Rule, cols []Column, rows [][]types.Value) []Entity {
	idx := func(name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	mapped := map[string]bool{}
	for _, m := range r.EntityMappings {
		for _, fm := range m.FieldMappings {
			mapped[fm.ColumnName] = true
		}
	}
	var out []Entity
	seen := map[string]bool{}
	add := func(e Entity) {
		if len(e.Identifiers) == 0 {
			return
		}
		if k := e.Key(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	cell := func(row []types.Value, i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		return row[i].String()
	}
	for _, row := range rows {
		for _, m := range r.EntityMappings {
			e := Entity{Type: m.EntityType}
			for _, fm := range m.FieldMappings {
				if v := cell(row, idx(fm.ColumnName)); v != "" {
					e.Identifiers = append(e.Identifiers, Identifier{fm.Identifier, v})
				}
			}
			add(e)
		}
		for _, sm := range r.SentinelEntitiesMappings {
			if i := idx(sm.ColumnName); i >= 0 && i < len(row) {
				for _, e := range serializedEntities(row[i]) {
					add(e)
				}
			}
		}
		for _, l := range legacyEntityColumns() {
			if mapped[l.column] {
				continue
			}
			if v := cell(row, idx(l.column)); v != "" {
				add(Entity{Type: l.entity, Identifiers: []Identifier{{l.identifier, v}}})
			}
		}
	}
	return out
}

// serializedEntities reads entities serialized as Sentinel does in SecurityAlert.Entities:
// a JSON array (or a string holding one) of objects with a "Type" member and identifier
// members. Members that are not scalars, and the "$id" and "$ref" bookkeeping, are skipped.
func serializedEntities(v types.Value) []Entity {
	text := v.S
	if v.Type == types.Dynamic {
		if v.IsNull() {
			return nil
		}
		if types.JSON(text).Kind() == types.JSONString {
			text = types.DynamicString(v)
		}
	} else if v.Type != types.String {
		return nil
	}
	j := types.JSON(strings.TrimSpace(text))
	if j.Kind() == types.JSONObject {
		j = types.JSON("[" + string(j) + "]")
	}
	if j.Kind() != types.JSONArray || !j.Valid() {
		return nil
	}
	var out []Entity
	j.Each(func(elem types.JSON) bool {
		if elem.Kind() != types.JSONObject {
			return true
		}
		var e Entity
		elem.Members(func(key, val types.JSON) bool {
			k, _ := key.Unquote()
			switch k {
			case "$id", "$ref":
				return true
			}
			switch val.Kind() {
			case types.JSONObject, types.JSONArray, types.JSONNull:
				return true
			}
			s := types.DynamicString(types.DynamicElem(val))
			if strings.EqualFold(k, "Type") {
				// Serialized entities spell the type in lower case ("ip"); keep an
				// unknown type as written.
				e.Type = s
				if t, ok := rules.CanonicalEntityType(s); ok {
					e.Type = t
				}
				return true
			}
			if s != "" {
				e.Identifiers = append(e.Identifiers, Identifier{k, s})
			}
			return true
		})
		if e.Type != "" && len(e.Identifiers) > 0 {
			out = append(out, e)
		}
		return true
	})
	return out
}

// timeOrZero is t, for JSON output of optional times.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
