package feed

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Facets lists the facet names [Catalog.Search] counts and filters on, in display order.
var Facets = []string{"language", "severity", "source", "kind", "tactic", "technique", "table", "status", "confidence"}

// Sort keys for [Query.Sort].
const (
	SortRelevance  = "relevance"  // best text match first; the default when Text is set
	SortName       = "name"       // A to Z; the default without Text
	SortSeverity   = "severity"   // High, Medium, Low, Informational, none
	SortUpdated    = "updated"    // most recently changed first
	SortConfidence = "confidence" // high, medium, low, unknown
)

// Query is a catalog search.
type Query struct {
	// Text is matched against name, description, query, ATT&CK tactics and techniques
	// (ids and names) and tables. Each word must match, as a word prefix; words are
	// matched as written, including punctuation inside them ("T1110.003", "50126").
	Text string
	// Filters selects rules by facet value: values of one facet are alternatives, facets
	// must all match. A rule without a severity or status has the value "-".
	Filters map[string][]string
	// Sort is one of the Sort* keys; Reverse flips its natural order.
	Sort    string
	Reverse bool
	// Offset and Limit page the hits; Limit 0 means 50, and at most 1000 are returned.
	Offset, Limit int
	// IncludeRemoved also finds rules no longer in their source.
	IncludeRemoved bool
}

// Hit is one rule found by a search.
type Hit struct {
	ID          int64     `json:"id"`
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Kind        string    `json:"kind"`
	Severity    string    `json:"severity"`
	Status      string    `json:"status"`
	Source      string    `json:"source"`
	Confidence  Level     `json:"confidence"`
	Tactics     []string  `json:"tactics"`
	Techniques  []string  `json:"techniques"`
	Tables      []string  `json:"tables"`
	Updated     time.Time `json:"updated"`
	Removed     bool      `json:"removed,omitempty"`
}

// FacetCount is how many matching rules have a facet value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Results are a page of hits, the total number of matches and the facet counts. The counts
// of a facet are taken over the rules matching every filter except that facet's own, so
// that a user can widen a choice.
type Results struct {
	Total  int                     `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"`
}

// searchIndex is the catalog's in-memory copy of what search filters, counts and sorts
// on. Counting facets in SQLite takes tens of milliseconds on the whole Azure-Sentinel
// catalog; in memory it takes well under one.
type searchIndex struct {
	mu     sync.Mutex
	gen    int64
	rules  []*indexedRule
	loaded bool
}

type indexedRule struct {
	id        int64
	removed   bool
	name      string // lower case, for sorting
	sev, conf int
	updated   string // RFC 3339, sorts as text
	facets    map[string][]string
}

// searchIndex returns the current index, reloading it when the data changed.
func (c *Catalog) searchIndex(ctx context.Context) ([]*indexedRule, error) {
	var gen int64
	err := c.db.QueryRowContext(ctx, `SELECT COALESCE((SELECT value FROM meta WHERE key = 'generation'), 0)`).Scan(&gen)
	if err != nil {
		return nil, err
	}
	ix := &c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.loaded && ix.gen == gen {
		return ix.rules, nil
	}
	byID := map[int64]*indexedRule{}
	var list []*indexedRule
	rows, err := c.db.QueryContext(ctx, `SELECT id, removed, name, severity_rank, confidence_rank, updated FROM rules ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		r := &indexedRule{facets: map[string][]string{}}
		if err := rows.Scan(&r.id, &r.removed, &r.name, &r.sev, &r.conf, &r.updated); err != nil {
			rows.Close()
			return nil, err
		}
		r.name = strings.ToLower(r.name)
		byID[r.id] = r
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.db.QueryContext(ctx, `SELECT rule, facet, value FROM rule_facets`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f, v string
		if err := rows.Scan(&id, &f, &v); err != nil {
			return nil, err
		}
		if r := byID[id]; r != nil {
			r.facets[f] = append(r.facets[f], v)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ix.gen, ix.rules, ix.loaded = gen, list, true
	return list, nil
}

// Search finds rules by text and facets, sorts and pages them, and counts facet values.
func (c *Catalog) Search(ctx context.Context, q Query) (*Results, error) {
	for f := range q.Filters {
		if !slices.Contains(Facets, f) {
			return nil, fmt.Errorf("unknown facet %q (want one of %s)", f, strings.Join(Facets, ", "))
		}
	}
	match := ftsQuery(q.Text)
	sortKey := q.Sort
	if sortKey == "" {
		sortKey = SortName
		if match != "" {
			sortKey = SortRelevance
		}
	}
	switch sortKey {
	case SortRelevance:
		if match == "" {
			return nil, fmt.Errorf("sort by relevance needs search text")
		}
	case SortName, SortSeverity, SortUpdated, SortConfidence:
	default:
		return nil, fmt.Errorf("unknown sort %q (want relevance, name, severity, updated or confidence)", q.Sort)
	}
	all, err := c.searchIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: %v", err)
	}

	// The rules matching the text, with their bm25 score (lower is better).
	var score map[int64]float64
	if match != "" {
		score = map[int64]float64{}
		rows, err := c.db.QueryContext(ctx, `SELECT rowid, bm25(rules_fts, 10.0, 3.0, 1.0, 5.0, 5.0) FROM rules_fts WHERE rules_fts MATCH ?`, match)
		if err != nil {
			return nil, fmt.Errorf("search: %v", err)
		}
		for rows.Next() {
			var id int64
			var s float64
			if err := rows.Scan(&id, &s); err != nil {
				rows.Close()
				return nil, err
			}
			score[id] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search: %v", err)
		}
	}
	// base holds the rules matching everything but the facet filters.
	var base []*indexedRule
	for _, r := range all {
		if r.removed && !q.IncludeRemoved {
			continue
		}
		if score != nil {
			if _, ok := score[r.id]; !ok {
				continue
			}
		}
		base = append(base, r)
	}
	var filtered []string
	for _, f := range Facets {
		if len(q.Filters[f]) > 0 {
			filtered = append(filtered, f)
		}
	}
	res := &Results{Facets: map[string][]FacetCount{}}
	counts := map[string]map[string]int{}
	var matched []*indexedRule
	for _, r := range base {
		// A rule counts for facet f when it passes every filter but f's own.
		fails := 0
		var failed string
		for _, f := range filtered {
			if !slices.ContainsFunc(r.facets[f], func(v string) bool { return slices.Contains(q.Filters[f], v) }) {
				fails++
				failed = f
			}
		}
		if fails > 1 {
			continue
		}
		if fails == 0 {
			matched = append(matched, r)
		}
		for f, vals := range r.facets {
			if fails == 1 && f != failed {
				continue
			}
			if counts[f] == nil {
				counts[f] = map[string]int{}
			}
			for _, v := range vals {
				counts[f][v]++
			}
		}
	}
	for f, m := range counts {
		for v, n := range m {
			res.Facets[f] = append(res.Facets[f], FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(res.Facets[f], func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	res.Total = len(matched)

	cmpKey := func(a, b *indexedRule) int {
		switch sortKey {
		case SortRelevance:
			return cmp.Compare(score[a.id], score[b.id])
		case SortSeverity:
			return b.sev - a.sev
		case SortUpdated:
			return strings.Compare(b.updated, a.updated)
		case SortConfidence:
			return b.conf - a.conf
		}
		return strings.Compare(a.name, b.name)
	}
	slices.SortFunc(matched, func(a, b *indexedRule) int {
		k := cmpKey(a, b)
		if q.Reverse {
			k = -k
		}
		return cmp.Or(k, strings.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
	})
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	offset := min(max(q.Offset, 0), len(matched))
	page := matched[offset:min(offset+limit, len(matched))]
	if len(page) == 0 {
		return res, nil
	}
	args := make([]any, len(page))
	for i, r := range page {
		args[i] = r.id
	}
	rows, err := c.db.QueryContext(ctx, `SELECT r.id, r.key, r.name, r.description, r.kind, r.severity, r.status, s.name, r.confidence,
		r.tactics, r.techniques, r.tables, r.updated, r.removed FROM rules r JOIN sources s ON s.id = r.source_id
		WHERE r.id IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %v", err)
	}
	defer rows.Close()
	hits := map[int64]Hit{}
	for rows.Next() {
		var h Hit
		var tactics, techniques, tables, updated string
		if err := rows.Scan(&h.ID, &h.Key, &h.Name, &h.Description, &h.Kind, &h.Severity, &h.Status, &h.Source, &h.Confidence,
			&tactics, &techniques, &tables, &updated, &h.Removed); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			text string
			dst  *[]string
		}{{tactics, &h.Tactics}, {techniques, &h.Techniques}, {tables, &h.Tables}} {
			if err := json.Unmarshal([]byte(f.text), f.dst); err != nil {
				return nil, fmt.Errorf("search: stored data: %v", err)
			}
		}
		h.Updated, _ = time.Parse(time.RFC3339Nano, updated)
		hits[h.ID] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range page {
		if h, ok := hits[r.id]; ok {
			res.Hits = append(res.Hits, h)
		}
	}
	return res, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// ftsQuery turns search text into an FTS5 query: every whitespace-separated word becomes a
// quoted phrase matched as a prefix, so that user text is never FTS syntax.
func ftsQuery(text string) string {
	var terms []string
	for _, w := range strings.Fields(text) {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
	}
	return strings.Join(terms, " ")
}
