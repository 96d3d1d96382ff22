package web

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/feed"
	"github.com/socfeed/socfeed/rules"
)

// FeedCatalog is the [Catalog] of the feed's SQLite catalog database: it turns the
// feed's rules, analyses, confidence and history into what the pages show.
type FeedCatalog struct {
	c      *feed.Catalog
	attack *attack.Catalog
}

// NewFeedCatalog returns the web catalog over c; at is the ATT&CK catalog used to name
// tactics (nil means attack.Default()).
func NewFeedCatalog(c *feed.Catalog, at *attack.Catalog) *FeedCatalog {
	if at == nil {
		at = attack.Default()
	}
	return &FeedCatalog{c: c, attack: at}
}

// mapErr turns the feed's not-found error into the web's.
func mapErr(err error) error {
	if errors.Is(err, feed.ErrNotFound) {
		return fmt.Errorf("%w", notFoundError{err})
	}
	return err
}

// notFoundError keeps the feed's message while matching [ErrNotFound].
type notFoundError struct{ err error }

func (e notFoundError) Error() string        { return e.err.Error() }
func (e notFoundError) Is(target error) bool { return target == ErrNotFound }
func (e notFoundError) Unwrap() error        { return e.err }

// summary describes a feed rule as the feed page lists it.
func (f *FeedCatalog) summary(r *feed.Rule) RuleSummary {
	s := RuleSummary{ID: r.Key, Name: r.Name, Description: r.Description, Language: r.Language,
		Severity: r.Severity, Source: r.Source.Name, Kind: r.Kind, Status: r.Status,
		Tactics: r.Tactics, Techniques: r.Techniques, Tables: r.Tables,
		Confidence: string(r.Confidence.Level), Retrieved: r.Retrieved}
	if s.Name == "" {
		s.Name = path.Base(r.Path)
	}
	if r.Removed {
		s.Tags = append(s.Tags, "removed from source")
	}
	return s
}

// Rule implements [Catalog]. id is the feed's rule key (or a Sentinel rule id naming
// one rule).
func (f *FeedCatalog) Rule(ctx context.Context, id string) (*RuleDetail, error) {
	r, err := f.c.Rule(ctx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	d := &RuleDetail{RuleSummary: f.summary(r), Query: r.Query, OriginalURL: r.URL,
		Hypothesis: r.Enrichment.Hypothesis.Text}
	if strings.HasSuffix(strings.ToLower(r.Path), ".kql") {
		d.Rule, d.Load = rules.Loader{ATTACK: f.attack}.LoadKQL(r.Path, []byte(r.Text))
	} else {
		d.YAML = r.Text
		d.Rule, d.Load = rules.Loader{ATTACK: f.attack}.Load(r.Path, []byte(r.Text))
	}
	if d.Load.HasErrors() {
		d.Rule = nil // a rule the loader rejects is not run
	}
	for _, n := range []feed.Narrative{r.Enrichment.Hypothesis, r.Enrichment.FalsePositives} {
		switch {
		case n.GeneratedBy == "":
		case n.GeneratedBy != feed.TemplateVersion:
			d.Generated, d.GeneratedBy = true, n.GeneratedBy // a language model wrote it
		case d.GeneratedBy == "":
			d.GeneratedBy = n.GeneratedBy
		}
	}
	for _, p := range strings.Split(r.Enrichment.FalsePositives.Text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			d.FalsePositives = append(d.FalsePositives, p)
		}
	}
	for _, e := range r.Confidence.Evidence {
		d.Evidence = append(d.Evidence, Evidence{Name: e.Name, Status: string(e.Status), Detail: e.Sentence})
	}
	if d.Rule != nil {
		for _, t := range d.Rule.Tags {
			if t.Name != "" {
				d.Tags = append(d.Tags, t.Name)
			}
		}
	}
	// Connectors per table, from requiredDataConnectors ("SecurityAlert (ASC)" names the
	// SecurityAlert table).
	connectors := map[string][]string{}
	if d.Rule != nil {
		for _, dc := range d.Rule.RequiredDataConnectors {
			for _, dt := range dc.DataTypes {
				t, _, _ := strings.Cut(dt, " ")
				if !slices.Contains(connectors[t], dc.ConnectorID) {
					connectors[t] = append(connectors[t], dc.ConnectorID)
				}
			}
		}
	}
	if a := r.Analysis; a != nil {
		for _, t := range a.Tables {
			d.DataSources = append(d.DataSources, DataSource{Table: t.Name, Connectors: connectors[t.Name], Columns: t.Columns})
		}
		d.References = a.References
		for _, t := range a.ATTACK.Techniques {
			ti := TechniqueInfo{ID: t.ID, Name: t.Name, URL: t.URL}
			if t.ParentName != "" {
				ti.Name = t.ParentName + ": " + t.Name
			}
			for _, sn := range t.Tactics {
				if ta, ok := f.attack.Tactic(sn); ok {
					ti.Tactics = append(ti.Tactics, ta.Name)
				} else {
					ti.Tactics = append(ti.Tactics, sn)
				}
			}
			d.AttackContext = append(d.AttackContext, ti)
		}
	} else {
		for _, t := range r.Tables {
			d.DataSources = append(d.DataSources, DataSource{Table: t, Connectors: connectors[t]})
		}
	}
	return d, nil
}

// RecordRun implements [RunRecorder] with the feed's run evidence.
func (f *FeedCatalog) RecordRun(ctx context.Context, id string, run RunRecord) error {
	return mapErr(f.c.RecordRun(ctx, id, feed.RunEvidence{Data: run.Data, Rows: run.Rows, Findings: run.Findings, Err: run.Err, At: run.At}))
}

// History implements [Catalog]: the feed keeps versions oldest first with their texts;
// the page wants them newest first with diffs.
func (f *FeedCatalog) History(ctx context.Context, id string) ([]Version, error) {
	vs, err := f.c.History(ctx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]Version, 0, len(vs))
	for i := len(vs) - 1; i >= 0; i-- {
		v := Version{Number: vs[i].Version, Commit: vs[i].Commit, Time: vs[i].SyncedAt}
		if i > 0 {
			name := func(v feed.Version) string { return fmt.Sprintf("version %d", v.Version) }
			v.Diff = feed.UnifiedDiff(name(vs[i-1]), name(vs[i]), vs[i-1].Text, vs[i].Text)
			v.Summary = "changed"
			if v.Diff == "" {
				v.Summary = "same text"
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// Search implements [Catalog] with the feed's full-text search. PerPage 0 pages through
// every match.
func (f *FeedCatalog) Search(ctx context.Context, q Query) (*SearchResult, error) {
	fq := feed.Query{Text: q.Text, Filters: q.Filters, Sort: q.Sort}
	if fq.Sort == SortRelevance && strings.TrimSpace(q.Text) == "" {
		fq.Sort = "" // the feed's default: relevance with text, name without
	}
	const chunk = 1000 // the most the feed returns at once
	all := q.PerPage <= 0
	if all {
		fq.Limit = chunk
	} else {
		fq.Limit, fq.Offset = q.PerPage, (max(q.Page, 1)-1)*q.PerPage
		if q.Offset > 0 {
			fq.Offset = q.Offset
		}
	}
	res := &SearchResult{}
	for {
		fr, err := f.c.Search(ctx, fq)
		if err != nil {
			return nil, mapErr(err)
		}
		if res.Facets == nil {
			res.Total = fr.Total
			for _, name := range FacetNames() {
				fc := Facet{Name: name}
				for _, v := range fr.Facets[name] {
					fc.Values = append(fc.Values, FacetValue{Value: v.Value, Count: v.Count})
				}
				res.Facets = append(res.Facets, fc)
			}
		}
		for _, h := range fr.Hits {
			res.Rules = append(res.Rules, RuleSummary{ID: h.Key, Name: h.Name, Description: h.Description,
				Language: "KQL", Severity: h.Severity, Source: h.Source, Kind: h.Kind, Status: h.Status,
				Tactics: h.Tactics, Techniques: h.Techniques, Tables: h.Tables, Confidence: string(h.Confidence),
				Retrieved: h.Updated})
		}
		if !all || len(fr.Hits) < chunk || len(res.Rules) >= fr.Total {
			return res, nil
		}
		fq.Offset += chunk
	}
}

// CoverageRules implements [Catalog]: every current rule of the feed, with Fired from
// the run evidence the catalog keeps (see [FeedCatalog.RecordRun]).
func (f *FeedCatalog) CoverageRules(ctx context.Context) ([]CoverageRule, error) {
	res, err := f.Search(ctx, Query{})
	if err != nil {
		return nil, err
	}
	out := make([]CoverageRule, 0, len(res.Rules))
	for _, r := range res.Rules {
		cr := CoverageRule{ID: r.ID, Name: r.Name, Source: r.Source, Severity: r.Severity, Techniques: r.Techniques, Tables: r.Tables}
		runs, err := f.c.Runs(ctx, r.ID)
		if err != nil {
			return nil, mapErr(err)
		}
		cr.Fired = slices.ContainsFunc(runs, func(e feed.RunEvidence) bool { return e.Err == "" && e.Findings > 0 })
		out = append(out, cr)
	}
	return out, nil
}
