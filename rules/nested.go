package rules

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// list checks that n is a list (null is an empty list) and calls fn on each entry.
func (d *decoder) list(key string, n *yaml.Node, fn func(e *yaml.Node)) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "in '%s': expected a list, found %s", key, describe(n))
		return
	}
	for _, e := range n.Content {
		fn(resolve(e))
	}
}

func (d *decoder) dataConnectors(n *yaml.Node) []DataConnector {
	const where = "requiredDataConnectors"
	var out []DataConnector
	d.list(where, n, func(e *yaml.Node) {
		dc := DataConnector{Pos: d.pos(e)}
		has := false
		ok := d.mapping(where, e, []string{"connectorId", "dataTypes"}, func(k string, kn, v *yaml.Node) {
			switch k {
			case "connectorId":
				dc.ConnectorID, _ = d.str(where+".connectorId", v)
				has = true
			case "dataTypes":
				dc.DataTypes = d.strList(where+".dataTypes", v)
			}
		})
		if !ok {
			return
		}
		if !has {
			d.errorf(e, "in '%s': missing required key 'connectorId'", where)
		}
		out = append(out, dc)
	})
	return out
}

func (d *decoder) tags(n *yaml.Node) []Tag {
	var out []Tag
	d.list("tags", n, func(e *yaml.Node) {
		t := Tag{Pos: d.pos(e)}
		switch {
		case isNull(e):
			d.warnf(e, "in 'tags': empty tag")
			return
		case e.Kind == yaml.ScalarNode:
			if s, ok := d.str("tags", e); ok {
				t.Name = s
			}
		case e.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(e.Content); i += 2 {
				k, v := e.Content[i], resolve(e.Content[i+1])
				if v.Kind != yaml.ScalarNode {
					d.errorf(v, "in 'tags': expected a scalar value for '%s', found %s", k.Value, describe(v))
					continue
				}
				t.Fields = append(t.Fields, KeyValue{Key: k.Value, Value: v.Value})
			}
		default:
			d.errorf(e, "in 'tags': expected a string or a mapping, found %s", describe(e))
			return
		}
		out = append(out, t)
	})
	return out
}

func (d *decoder) entityMappings(n *yaml.Node) []EntityMapping {
	const where = "entityMappings"
	var out []EntityMapping
	d.list(where, n, func(e *yaml.Node) {
		em := EntityMapping{Pos: d.pos(e)}
		var typeNode, fieldsNode *yaml.Node
		ok := d.mapping(where, e, []string{"entityType", "fieldMappings"}, func(k string, kn, v *yaml.Node) {
			switch k {
			case "entityType":
				typeNode = v
				em.EntityType, _ = d.str(where+".entityType", v)
			case "fieldMappings":
				fieldsNode = v
				em.FieldMappings = d.fieldMappings(v)
			}
		})
		if !ok {
			return
		}
		known, typeOK := EntityIdentifiers(em.EntityType)
		switch {
		case typeNode == nil:
			d.errorf(e, "in '%s': missing required key 'entityType'", where)
		case em.EntityType == "" || typeOK:
		default:
			em.EntityType, known, typeOK = d.entityType(where, typeNode, em.EntityType)
		}
		if fieldsNode == nil {
			d.errorf(e, "in '%s': missing required key 'fieldMappings'", where)
		} else if len(em.FieldMappings) > 3 {
			// Sentinel documents three identifiers per entity, yet ships rules with four.
			d.warnf(fieldsNode, "in '%s': Sentinel documents at most 3 field mappings per entity, found %d", where, len(em.FieldMappings))
		}
		if typeOK {
			for _, fm := range em.FieldMappings {
				if fm.Identifier != "" && !slices.Contains(known, fm.Identifier) {
					d.report(Warning, fm.Pos, "in '%s': unknown identifier '%s' for entity type '%s' (known: %s)",
						where, fm.Identifier, em.EntityType, strings.Join(known, ", "))
				}
			}
		}
		out = append(out, em)
	})
	if len(out) > 10 {
		d.errorf(n, "in '%s': a rule takes at most 10 entity mappings, found %d", where, len(out))
	}
	return out
}

// entityType resolves an entity type that is not spelled as Sentinel's schema spells it:
// a variant spelling of a known type gets a warning and its canonical spelling; a type
// only hunting queries may map is noted for crossChecks, which knows the rule's kind;
// anything else is an error. It returns the type to keep, its identifiers and whether
// the type is known.
func (d *decoder) entityType(where string, n *yaml.Node, t string) (string, []string, bool) {
	if c, ok := CanonicalEntityType(t); ok {
		d.warnf(n, "in '%s': entity type '%s' is spelled '%s' in Sentinel's schema", where, t, c)
		ids, _ := EntityIdentifiers(c)
		return c, ids, true
	}
	for _, h := range huntingEntityTypes() {
		if entityTypeKey(h) != entityTypeKey(t) {
			continue
		}
		if h != t {
			d.warnf(n, "in '%s': entity type '%s' is spelled '%s' in Sentinel's schema", where, t, h)
		}
		d.huntingEntities = append(d.huntingEntities, huntingEntity{n, h})
		ids, _ := huntingEntityIdentifiers(h)
		return h, ids, true
	}
	if s := suggest(t, EntityTypes()); s != "" {
		d.errorf(n, "in '%s': unknown entity type %q; did you mean '%s'?", where, t, s)
	} else {
		d.errorf(n, "in '%s': unknown entity type %q", where, t)
	}
	return t, nil, false
}

// huntingEntity is an entity mapping of a type only hunting queries may map.
type huntingEntity struct {
	node *yaml.Node // the entityType value
	typ  string     // its canonical spelling
}

func (d *decoder) fieldMappings(n *yaml.Node) []FieldMapping {
	const where = "entityMappings.fieldMappings"
	var out []FieldMapping
	d.list(where, n, func(e *yaml.Node) {
		fm := FieldMapping{Pos: d.pos(e)}
		var hasID, hasCol bool
		ok := d.mapping(where, e, []string{"identifier", "columnName"}, func(k string, kn, v *yaml.Node) {
			switch k {
			case "identifier":
				fm.Identifier, hasID = d.str(where+".identifier", v)
			case "columnName":
				fm.ColumnName, hasCol = d.str(where+".columnName", v)
			}
		})
		if !ok {
			return
		}
		if !hasID || fm.Identifier == "" {
			d.errorf(e, "in '%s': missing required key 'identifier'", where)
		}
		if !hasCol || fm.ColumnName == "" {
			d.errorf(e, "in '%s': missing required key 'columnName'", where)
		}
		out = append(out, fm)
	})
	return out
}

func (d *decoder) sentinelEntitiesMappings(n *yaml.Node) []SentinelEntitiesMapping {
	const where = "sentinelEntitiesMappings"
	var out []SentinelEntitiesMapping
	d.list(where, n, func(e *yaml.Node) {
		m := SentinelEntitiesMapping{Pos: d.pos(e)}
		if d.mapping(where, e, []string{"columnName"}, func(k string, kn, v *yaml.Node) {
			m.ColumnName, _ = d.str(where+".columnName", v)
		}) {
			out = append(out, m)
		}
	})
	return out
}

func (d *decoder) customDetails(n *yaml.Node) []CustomDetail {
	const where = "customDetails"
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "in '%s': expected a mapping of detail names to columns, found %s", where, describe(n))
		return nil
	}
	var out []CustomDetail
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		col, ok := d.str(where+"."+k.Value, v)
		if !ok {
			continue
		}
		if col == "" {
			d.errorf(k, "in '%s': '%s' names no column", where, k.Value)
			continue
		}
		out = append(out, CustomDetail{Key: k.Value, ColumnName: col, Pos: d.pos(k)})
	}
	if len(out) > 20 {
		d.errorf(n, "in '%s': a rule takes at most 20 custom details, found %d", where, len(out))
	}
	return out
}

func (d *decoder) alertDetailsOverride(n *yaml.Node) *AlertDetailsOverride {
	const where = "alertDetailsOverride"
	if isNull(n) {
		return nil
	}
	a := &AlertDetailsOverride{}
	known := []string{"alertDisplayNameFormat", "alertDescriptionFormat", "alertTacticsColumnName", "alertSeverityColumnName", "alertDynamicProperties"}
	if !d.mapping(where, n, known, func(k string, kn, v *yaml.Node) {
		switch k {
		case "alertDisplayNameFormat":
			a.AlertDisplayNameFormat, _ = d.str(where+"."+k, v)
		case "alertDescriptionFormat":
			a.AlertDescriptionFormat, _ = d.str(where+"."+k, v)
		case "alertTacticsColumnName":
			a.AlertTacticsColumnName, _ = d.str(where+"."+k, v)
		case "alertSeverityColumnName":
			a.AlertSeverityColumnName, _ = d.str(where+"."+k, v)
		case "alertDynamicProperties":
			d.list(where+"."+k, v, func(e *yaml.Node) {
				var p AlertDynamicProperty
				if d.mapping(where+"."+k, e, []string{"alertProperty", "value"}, func(k2 string, _, v2 *yaml.Node) {
					if k2 == "alertProperty" {
						p.AlertProperty, _ = d.str(where+".alertProperty", v2)
					} else {
						p.Value, _ = d.str(where+".value", v2)
					}
				}) {
					a.AlertDynamicProperties = append(a.AlertDynamicProperties, p)
				}
			})
		}
	}) {
		return nil
	}
	return a
}

func (d *decoder) eventGroupingSettings(n *yaml.Node) *EventGroupingSettings {
	const where = "eventGroupingSettings"
	if isNull(n) {
		return nil
	}
	e := &EventGroupingSettings{}
	if !d.mapping(where, n, []string{"aggregationKind"}, func(k string, kn, v *yaml.Node) {
		s, ok := d.str(where+".aggregationKind", v)
		if !ok {
			return
		}
		switch AggregationKind(s) {
		case SingleAlert, AlertPerResult:
			e.AggregationKind = AggregationKind(s)
		default:
			d.errorf(v, "in '%s.aggregationKind': expected 'SingleAlert' or 'AlertPerResult', found %q", where, s)
		}
	}) {
		return nil
	}
	return e
}

func (d *decoder) incidentConfiguration(n *yaml.Node) *IncidentConfiguration {
	const where = "incidentConfiguration"
	if isNull(n) {
		return nil
	}
	ic := &IncidentConfiguration{}
	if !d.mapping(where, n, []string{"createIncident", "groupingConfiguration"}, func(k string, kn, v *yaml.Node) {
		switch k {
		case "createIncident":
			ic.CreateIncident, _ = d.boolean(where+"."+k, v)
		case "groupingConfiguration":
			ic.GroupingConfiguration = d.groupingConfiguration(v)
		}
	}) {
		return nil
	}
	return ic
}

func (d *decoder) groupingConfiguration(n *yaml.Node) *GroupingConfiguration {
	const where = "incidentConfiguration.groupingConfiguration"
	if isNull(n) {
		return nil
	}
	g := &GroupingConfiguration{}
	known := []string{"enabled", "reopenClosedIncident", "lookbackDuration", "matchingMethod", "groupByEntities", "groupByAlertDetails", "groupByCustomDetails"}
	if !d.mapping(where, n, known, func(k string, kn, v *yaml.Node) {
		at := where + "." + k
		switch k {
		case "enabled":
			g.Enabled, _ = d.boolean(at, v)
		case "reopenClosedIncident":
			g.ReopenClosedIncident, _ = d.boolean(at, v)
		case "lookbackDuration":
			g.LookbackDuration, _ = d.duration(at, v)
		case "matchingMethod":
			s, ok := d.str(at, v)
			if ok && s != "AllEntities" && s != "AnyAlert" && s != "Selected" {
				d.errorf(v, "in '%s': expected 'AllEntities', 'AnyAlert' or 'Selected', found %q", at, s)
			}
			g.MatchingMethod = s
		case "groupByEntities":
			g.GroupByEntities = d.strList(at, v)
			for i, t := range g.GroupByEntities {
				if _, ok := EntityIdentifiers(t); ok || i >= len(v.Content) {
					continue
				}
				if c, ok := CanonicalEntityType(t); ok {
					d.warnf(v.Content[i], "in '%s': entity type '%s' is spelled '%s' in Sentinel's schema", at, t, c)
					g.GroupByEntities[i] = c
					continue
				}
				d.errorf(v.Content[i], "in '%s': unknown entity type %q", at, t)
			}
		case "groupByAlertDetails":
			g.GroupByAlertDetails = d.strList(at, v)
			for i, t := range g.GroupByAlertDetails {
				if t != "DisplayName" && t != "Severity" && i < len(v.Content) {
					d.errorf(v.Content[i], "in '%s': expected 'DisplayName' or 'Severity', found %q", at, t)
				}
			}
		case "groupByCustomDetails":
			g.GroupByCustomDetails = d.strList(at, v)
		}
	}) {
		return nil
	}
	return g
}

func (d *decoder) metadata(n *yaml.Node) *Metadata {
	const where = "metadata"
	if isNull(n) {
		return nil
	}
	m := &Metadata{}
	sub := func(k string, v *yaml.Node, field string, dst *string) {
		d.mapping(where+"."+k, v, []string{field}, func(_ string, _, v2 *yaml.Node) {
			*dst, _ = d.str(where+"."+k+"."+field, v2)
		})
	}
	if !d.mapping(where, n, []string{"source", "author", "support", "categories"}, func(k string, kn, v *yaml.Node) {
		if isNull(v) {
			return
		}
		switch k {
		case "source":
			sub(k, v, "kind", &m.SourceKind)
		case "author":
			sub(k, v, "name", &m.AuthorName)
		case "support":
			sub(k, v, "tier", &m.SupportTier)
		case "categories":
			d.mapping(where+".categories", v, []string{"domains", "verticals"}, func(k2 string, _, v2 *yaml.Node) {
				if k2 == "domains" {
					m.Domains = d.strList(where+".categories.domains", v2)
				} else {
					m.Verticals = d.strList(where+".categories.verticals", v2)
				}
			})
		}
	}) {
		return nil
	}
	return m
}
