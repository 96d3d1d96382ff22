package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socfeed/socfeed/rules"
)

// Catalog is what the web UI reads rules from: the feed's catalog database (see
// [FeedCatalog]) or any other store of enriched rules.
//
// Methods may be called concurrently from many requests; implementations must be safe for
// concurrent use. Returned values belong to the caller. A rule that does not exist is an
// error wrapping [ErrNotFound]; a query the catalog cannot answer (an unknown facet or sort
// order) is a *[BadRequestError].
type Catalog interface {
	// Search returns one page of the rules matching q, with facet counts over every
	// matching rule (not only the page).
	Search(ctx context.Context, q Query) (*SearchResult, error)
	// Rule returns everything known about one rule.
	Rule(ctx context.Context, id string) (*RuleDetail, error)
	// History returns the rule's versions, newest first, each with its diff against the
	// version before it.
	History(ctx context.Context, id string) ([]Version, error)
	// CoverageRules returns every current rule as the ATT&CK coverage matrix counts it,
	// with whether a recorded run of it fired.
	CoverageRules(ctx context.Context) ([]CoverageRule, error)
}

// RunRecorder is implemented by catalogs that keep the evidence of runs, so that a rule
// run from its page counts towards its confidence. It may be called concurrently.
type RunRecorder interface {
	RecordRun(ctx context.Context, id string, run RunRecord) error
}

// RunRecord is the evidence of one run of a rule on the loaded data.
type RunRecord struct {
	Data     string // the data the rule ran on: the loaded paths
	Rows     int    // rows of the tables the rule reads
	Findings int
	Err      string // why the rule could not run; "" when it ran
	At       time.Time
}

// The facets of the feed, in the order the page shows them.
const (
	FacetLanguage   = "language"
	FacetSeverity   = "severity"
	FacetSource     = "source"
	FacetKind       = "kind"
	FacetTactic     = "tactic"
	FacetTechnique  = "technique"
	FacetTable      = "table"
	FacetStatus     = "status"
	FacetConfidence = "confidence"
)

// FacetNames returns every facet name in display order.
func FacetNames() []string {
	return []string{FacetLanguage, FacetSeverity, FacetSource, FacetKind, FacetTactic,
		FacetTechnique, FacetTable, FacetStatus, FacetConfidence}
}

// The sort orders of the feed.
const (
	SortRelevance  = "relevance"  // best text match first; name order without text
	SortName       = "name"       // by name, A to Z
	SortSeverity   = "severity"   // High first
	SortUpdated    = "updated"    // most recently retrieved or changed first
	SortConfidence = "confidence" // high confidence first
)

// SortNames returns every sort order in display order.
func SortNames() []string {
	return []string{SortRelevance, SortName, SortSeverity, SortUpdated, SortConfidence}
}

// Query is a feed search: full text, facet filters, sort order and page.
type Query struct {
	// Text is the full-text query; empty matches every rule.
	Text string `json:"text"`
	// Filters maps a facet name to the values a rule must have one of. Different facets
	// combine with AND, values of one facet with OR.
	Filters map[string][]string `json:"filters"`
	// Sort is one of [SortNames]; empty means [SortRelevance] with Text, [SortName]
	// without.
	Sort string `json:"sort"`
	// Page is 1-based; PerPage is the page size (0 means every rule on one page).
	Page    int `json:"page"`
	PerPage int `json:"perPage"`
	// Offset, when not 0, is how many matching rules to skip; it replaces Page, so that
	// a page may start anywhere (the API's limit and offset).
	Offset int `json:"offset"`
}

// SearchResult is one page of a search.
type SearchResult struct {
	Total  int           `json:"total"`  // rules matching, over all pages
	Rules  []RuleSummary `json:"rules"`  // this page
	Facets []Facet       `json:"facets"` // counts over every matching rule, in [FacetNames] order
}

// Facet is the values of one facet among the matching rules.
type Facet struct {
	Name   string       `json:"name"`
	Values []FacetValue `json:"values"` // most frequent first
}

// FacetValue is one value of a facet and how many matching rules have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// RuleSummary is a rule as the feed lists it.
type RuleSummary struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Language    string    `json:"language"` // "kql"
	Severity    string    `json:"severity"` // "High", "Medium", "Low", "Informational" or ""
	Source      string    `json:"source"`   // e.g. "Azure-Sentinel"
	Kind        string    `json:"kind"`     // "Scheduled", "NRT" or "Hunting"
	Status      string    `json:"status"`   // e.g. "Available"
	Tactics     []string  `json:"tactics"`
	Techniques  []string  `json:"techniques"`
	Tables      []string  `json:"tables"`
	Confidence  string    `json:"confidence"` // "high", "medium", "low" or ""
	Retrieved   time.Time `json:"retrieved"`
	// Tags are free-form labels of the rule (the seed page's "hunting", "microsoft").
	Tags []string `json:"tags"`
}

// RuleDetail is everything the rule page shows.
type RuleDetail struct {
	RuleSummary
	// Rule is the loaded rule, used to check and run it; it may be nil when the catalog
	// holds the text only, in which case Query and YAML still show.
	Rule *rules.Rule `json:"-"`
	// Query is the KQL text; YAML the rule file as written (empty for a .kql file).
	Query string `json:"query"`
	YAML  string `json:"yaml"`
	// OriginalURL links to the rule in its source repository.
	OriginalURL string `json:"originalUrl"`
	// Generated is set when the hypothesis or guidance was written by a language model
	// rather than composed from the rule's facts; the page's banner then says so.
	// GeneratedBy names what wrote them ("socfeed template v1", a model name).
	Generated   bool   `json:"generated"`
	GeneratedBy string `json:"generatedBy"`
	// Hypothesis is the hunt hypothesis; FalsePositives the false-positive guidance.
	Hypothesis     string   `json:"hypothesis"`
	FalsePositives []string `json:"falsePositives"`
	References     []string `json:"references"`
	// Evidence backs Confidence: one entry per fact checked.
	Evidence []Evidence `json:"evidence"`
	// DataSources are the tables the rule reads, with their connectors.
	DataSources []DataSource `json:"dataSources"`
	// AttackContext describes the rule's ATT&CK techniques.
	AttackContext []TechniqueInfo `json:"attackContext"`
	// Load holds the loader's diagnostics for the rule file.
	Load rules.Diagnostics `json:"-"`
}

// Evidence is one fact behind a confidence rating.
type Evidence struct {
	Name   string `json:"name"`   // "parses", "checks", "ran on data", ...
	Status string `json:"status"` // "pass", "fail" or "unknown"
	Detail string `json:"detail"`
}

// DataSource is one table a rule reads.
type DataSource struct {
	Table      string   `json:"table"`
	Connectors []string `json:"connectors"`
	Columns    []string `json:"columns"` // the columns the query reads, when known
}

// TechniqueInfo is one ATT&CK technique of a rule.
type TechniqueInfo struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Tactics []string `json:"tactics"` // tactic names
	URL     string   `json:"url"`
}

// Version is one version of a rule's text.
type Version struct {
	Number  int       `json:"number"`
	Commit  string    `json:"commit"`
	Time    time.Time `json:"time"`
	Summary string    `json:"summary"` // e.g. "query changed"
	Diff    string    `json:"diff"`    // unified diff against the version before; empty for the first
}

// ErrNotFound is wrapped by errors for things that do not exist.
var ErrNotFound = errors.New("not found")

// BadRequestError is a request the server cannot answer as given.
type BadRequestError struct {
	Msg string `json:"msg"`
}

func (e *BadRequestError) Error() string { return e.Msg }

// ForbiddenError is a request the server refuses, such as a cross-origin POST.
type ForbiddenError struct {
	Msg string
}

func (e *ForbiddenError) Error() string { return e.Msg }

// MethodError is a request with a method the resource does not allow.
type MethodError struct {
	Method, Path string
}

func (e *MethodError) Error() string {
	return fmt.Sprintf("method %s is not allowed on %s", e.Method, e.Path)
}

func badRequest(format string, args ...any) error {
	return &BadRequestError{Msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, ErrNotFound)...)
}
