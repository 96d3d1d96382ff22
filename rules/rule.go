package rules

import "time"

// Pos is a position in a rule file: 1-based line and 1-based byte column. The zero Pos
// means "no position".
type Pos struct {
	Line, Col int
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Kind is the kind of a rule.
type Kind int

const (
	// KindHunting is a hunting query: run on demand, no schedule, no trigger.
	KindHunting Kind = iota
	// KindScheduled is a scheduled analytic rule (`kind: Scheduled`).
	KindScheduled
	// KindNRT is a near-real-time analytic rule (`kind: NRT`), run every minute over the
	// newly ingested data.
	KindNRT
)

// String returns the Sentinel spelling of k ("Scheduled", "NRT") or "Hunting".
func (k Kind) String() string {
	switch k {
	case KindScheduled:
		return "Scheduled"
	case KindNRT:
		return "NRT"
	}
	return "Hunting"
}

// Severity is an alert severity: one of "Informational", "Low", "Medium", "High", or ""
// when the rule gives none (hunting queries usually do not).
type Severity string

// The alert severities Sentinel accepts.
const (
	SeverityInformational Severity = "Informational"
	SeverityLow           Severity = "Low"
	SeverityMedium        Severity = "Medium"
	SeverityHigh          Severity = "High"
)

// TriggerOperator compares a scheduled rule's result count with its threshold.
type TriggerOperator string

// The trigger operators, in the short spelling of rule files. The loader also accepts the
// API spellings GreaterThan, LessThan, Equal and NotEqual and stores the short one.
const (
	TriggerGreaterThan TriggerOperator = "gt"
	TriggerLessThan    TriggerOperator = "lt"
	TriggerEqual       TriggerOperator = "eq"
	TriggerNotEqual    TriggerOperator = "ne"
)

// Fires reports whether a query that returned count rows meets the trigger
// "count op threshold". An empty operator never fires.
func (op TriggerOperator) Fires(count, threshold int) bool {
	switch op {
	case TriggerGreaterThan:
		return count > threshold
	case TriggerLessThan:
		return count < threshold
	case TriggerEqual:
		return count == threshold
	case TriggerNotEqual:
		return count != threshold
	}
	return false
}

// AggregationKind says how a scheduled rule turns result rows into alerts.
type AggregationKind string

const (
	// SingleAlert makes one alert for all the rows of a run (the default).
	SingleAlert AggregationKind = "SingleAlert"
	// AlertPerResult makes one alert per result row.
	AlertPerResult AggregationKind = "AlertPerResult"
)

// Rule is one Sentinel analytic rule (scheduled or NRT) or hunting query, as written in
// its YAML file. Durations are parsed; enumerations are normalised to their canonical
// spelling; everything else is kept as written. Pos fields give the position of the
// field's value in the file.
type Rule struct {
	// File is the path the rule was loaded from, as given to the loader.
	File string
	// Kind is the rule's kind: Hunting for a file of a hunting-queries folder
	// ([Loader.HuntingFolder]); else from `kind`; else Scheduled when the rule has the
	// whole schedule, else Hunting.
	Kind Kind

	// ID is `id`; a hunting query without one gets [DerivedID] of its file.
	ID                    string
	Name                  string
	Description           string
	DescriptionDetailed   string // `description-detailed`
	Severity              Severity
	Status                string // e.g. "Available"
	Enabled               *bool  // `enabled`, nil when absent
	AlertRuleTemplateName string
	Version               string

	RequiredDataConnectors []DataConnector

	QueryFrequency   time.Duration
	QueryPeriod      time.Duration
	TriggerOperator  TriggerOperator
	TriggerThreshold int

	// Tactics are the tactic names as written (`InitialAccess`, `Initial access`, ...).
	Tactics []string
	// RelevantTechniques are technique and sub-technique ids (`T1078`, `T1078.004`).
	RelevantTechniques []string
	// SubTechniques are the ids of the API's separate `subTechniques` list, when present.
	SubTechniques []string
	Tags          []Tag

	// Query is the KQL text, exactly as YAML decodes it. Map offsets in it back to the file
	// with [Rule.QueryPos].
	Query string

	EntityMappings           []EntityMapping
	SentinelEntitiesMappings []SentinelEntitiesMapping
	CustomDetails            []CustomDetail
	AlertDetailsOverride     *AlertDetailsOverride
	EventGroupingSettings    *EventGroupingSettings
	IncidentConfiguration    *IncidentConfiguration
	SuppressionDuration      time.Duration
	SuppressionEnabled       bool
	Metadata                 *Metadata

	// Keys holds the position of every top-level key present in the file, by key.
	Keys map[string]Pos

	query queryMap
}

// KeyPos returns the position of the top-level key in the rule file, or the zero Pos
// when the rule has no such key.
func (r *Rule) KeyPos(key string) Pos { return r.Keys[key] }

// QueryPos maps a byte offset in [Rule.Query] to the line and byte column of the file
// where that byte was written. Offsets past the end map to the end of the query. When
// the rule has no query position (a rule built in code), it returns 0, 0.
func (r *Rule) QueryPos(offset int) (line, col int) {
	return r.query.pos(offset)
}

// DataConnector is one entry of `requiredDataConnectors`: a connector and the tables
// (data types) it provides.
type DataConnector struct {
	ConnectorID string
	DataTypes   []string
	Pos         Pos
}

// Tag is one entry of `tags`: either a plain string (Name) or a mapping such as
// `{Schema: ASIMDns, SchemaVersion: 0.1.1}` (Fields, in file order).
type Tag struct {
	Name   string
	Fields []KeyValue
	Pos    Pos
}

// KeyValue is one key and scalar value of a mapping kept in file order.
type KeyValue struct {
	Key, Value string
}

// EntityMapping maps result columns to the identifiers of one Sentinel entity.
type EntityMapping struct {
	// EntityType is the type in the canonical spelling of [EntityTypes] ("URL" for a
	// file's "Url"), or, in hunting queries, "NetworkConnection".
	EntityType    string
	FieldMappings []FieldMapping
	Pos           Pos
}

// FieldMapping maps one entity identifier to a result column.
type FieldMapping struct {
	Identifier string
	ColumnName string
	Pos        Pos
}

// SentinelEntitiesMapping names a result column holding Sentinel entities as JSON.
type SentinelEntitiesMapping struct {
	ColumnName string
	Pos        Pos
}

// CustomDetail surfaces a result column as an alert custom detail under Key.
type CustomDetail struct {
	Key        string
	ColumnName string
	Pos        Pos
}

// AlertDetailsOverride takes alert properties from the result rows. Formats may refer to
// columns as `{{Column}}`.
type AlertDetailsOverride struct {
	AlertDisplayNameFormat  string
	AlertDescriptionFormat  string
	AlertTacticsColumnName  string
	AlertSeverityColumnName string
	AlertDynamicProperties  []AlertDynamicProperty
}

// AlertDynamicProperty sets one alert property from a result column.
type AlertDynamicProperty struct {
	AlertProperty string
	Value         string
}

// EventGroupingSettings says how result rows become alerts.
type EventGroupingSettings struct {
	AggregationKind AggregationKind
}

// IncidentConfiguration says whether and how alerts become incidents.
type IncidentConfiguration struct {
	CreateIncident        bool
	GroupingConfiguration *GroupingConfiguration
}

// GroupingConfiguration groups alerts of a rule into incidents.
type GroupingConfiguration struct {
	Enabled              bool
	ReopenClosedIncident bool
	LookbackDuration     time.Duration
	// MatchingMethod is "AllEntities", "AnyAlert" or "Selected".
	MatchingMethod       string
	GroupByEntities      []string
	GroupByAlertDetails  []string
	GroupByCustomDetails []string
}

// Metadata is the content-hub metadata of a rule.
type Metadata struct {
	SourceKind  string   // source.kind, e.g. "Community"
	AuthorName  string   // author.name
	SupportTier string   // support.tier, e.g. "Community", "Microsoft"
	Domains     []string // categories.domains
	Verticals   []string // categories.verticals
}
