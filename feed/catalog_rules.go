package feed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Rule is one rule of the catalog, as the feed shows it.
type Rule struct {
	// ID is the catalog's number for the rule; Key is its stable name,
	// "<source id>:<path>".
	ID  int64  `json:"id"`
	Key string `json:"key"`
	// RuleID is the Sentinel rule id (a GUID) from the YAML.
	RuleID      string `json:"ruleId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Kind        string `json:"kind"`     // "Scheduled", "NRT" or "Hunting"
	Severity    string `json:"severity"` // "" for most hunting queries
	Status      string `json:"status"`
	Language    string `json:"language"` // "KQL"

	Source  SourceInfo `json:"source"`
	Path    string     `json:"path"` // slash path in the source
	URL     string     `json:"url"`  // the original file: GitHub blob URL or local path
	Licence string     `json:"licence"`
	Commit  string     `json:"commit"`

	Retrieved time.Time `json:"retrieved"`
	FirstSeen time.Time `json:"firstSeen"`
	Updated   time.Time `json:"updated"` // when the text last changed
	Version   int       `json:"version"`
	// Removed is set when the last sync of the source no longer found the rule.
	Removed bool `json:"removed"`

	Tactics    []string `json:"tactics"`    // as written in the rule
	Techniques []string `json:"techniques"` // ids as written
	Tables     []string `json:"tables"`     // tables the query reads

	Query string `json:"query"`
	Text  string `json:"text"` // the rule file
	// Diagnostics are the loader's problems with the file, "path:line:col: message".
	Diagnostics []string `json:"diagnostics"`
	// TestPath is the rule test beside the rule, "" when none.
	TestPath string `json:"testPath,omitempty"`

	Analysis   *Analysis  `json:"analysis"`
	Enrichment Enrichment `json:"enrichment"`
	Confidence Confidence `json:"confidence"`
}

// SourceInfo is a rule's source as stored.
type SourceInfo struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Location string `json:"location"`
}

// Rule returns the rule with the given key ("<source id>:<path>"), or, when no key
// matches, the one rule with that Sentinel id. It returns an error wrapping
// [ErrNotFound] when there is none, and an error when a Sentinel id is ambiguous.
func (c *Catalog) Rule(ctx context.Context, key string) (*Rule, error) {
	ids, err := c.resolve(ctx, key)
	if err != nil {
		return nil, err
	}
	if len(ids) > 1 {
		return nil, fmt.Errorf("rule id %q names %d rules; use a rule key", key, len(ids))
	}
	return c.ruleByID(ctx, ids[0])
}

// resolve returns the catalog ids a key or Sentinel id names.
func (c *Catalog) resolve(ctx context.Context, key string) ([]int64, error) {
	var id int64
	err := c.db.QueryRowContext(ctx, `SELECT id FROM rules WHERE key = ?`, key).Scan(&id)
	if err == nil {
		return []int64{id}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := c.db.QueryContext(ctx, `SELECT id FROM rules WHERE rule_id = ? AND rule_id != '' ORDER BY removed, id`, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("rule %q: %w", key, ErrNotFound)
	}
	return ids, nil
}

func (c *Catalog) ruleByID(ctx context.Context, id int64) (*Rule, error) {
	var r Rule
	var retrieved, first, updated, tactics, techniques, tables, diags string
	var analysis, enrichment, confidence sql.NullString
	err := c.db.QueryRowContext(ctx, `SELECT r.id, r.key, r.rule_id, r.name, r.description, r.kind, r.severity, r.status,
		s.name, s.kind, s.location, r.path, r.url, r.licence, r.commit_hash, r.retrieved, r.first_seen, r.updated, r.version, r.removed,
		r.tactics, r.techniques, r.tables, r.query, r.text, r.diagnostics, r.test_path, a.analysis, a.enrichment, a.confidence
		FROM rules r JOIN sources s ON s.id = r.source_id LEFT JOIN analysis a ON a.rule = r.id WHERE r.id = ?`, id).Scan(
		&r.ID, &r.Key, &r.RuleID, &r.Name, &r.Description, &r.Kind, &r.Severity, &r.Status,
		&r.Source.Name, &r.Source.Kind, &r.Source.Location, &r.Path, &r.URL, &r.Licence, &r.Commit, &retrieved, &first, &updated, &r.Version, &r.Removed,
		&tactics, &techniques, &tables, &r.Query, &r.Text, &diags, &r.TestPath, &analysis, &enrichment, &confidence)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("rule #%d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	r.Language = "KQL"
	r.Retrieved, _ = time.Parse(time.RFC3339Nano, retrieved)
	r.FirstSeen, _ = time.Parse(time.RFC3339Nano, first)
	r.Updated, _ = time.Parse(time.RFC3339Nano, updated)
	for _, f := range []struct {
		text string
		dst  any
	}{{tactics, &r.Tactics}, {techniques, &r.Techniques}, {tables, &r.Tables}, {diags, &r.Diagnostics},
		{analysis.String, &r.Analysis}, {enrichment.String, &r.Enrichment}, {confidence.String, &r.Confidence}} {
		if f.text == "" {
			continue
		}
		if err := json.Unmarshal([]byte(f.text), f.dst); err != nil {
			return nil, fmt.Errorf("rule #%d: stored data: %v", id, err)
		}
	}
	return &r, nil
}

// Version is one stored text of a rule.
type Version struct {
	Version  int       `json:"version"`
	Commit   string    `json:"commit"`
	SyncedAt time.Time `json:"syncedAt"`
	TextHash string    `json:"textHash"` // hex SHA-256 of the file
	Text     string    `json:"text"`
}

// History returns every version of a rule, oldest first.
func (c *Catalog) History(ctx context.Context, key string) ([]Version, error) {
	r, err := c.Rule(ctx, key)
	if err != nil {
		return nil, err
	}
	rows, err := c.db.QueryContext(ctx, `SELECT version, commit_hash, synced_at, text_hash, text FROM rule_versions WHERE rule = ? ORDER BY version`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var at string
		if err := rows.Scan(&v.Version, &v.Commit, &at, &v.TextHash, &v.Text); err != nil {
			return nil, err
		}
		v.SyncedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// Diff returns the unified diff of a rule's text from version from to version to (both
// 1-based); "" when the texts are equal.
func (c *Catalog) Diff(ctx context.Context, key string, from, to int) (string, error) {
	hist, err := c.History(ctx, key)
	if err != nil {
		return "", err
	}
	get := func(n int) (*Version, error) {
		for i := range hist {
			if hist[i].Version == n {
				return &hist[i], nil
			}
		}
		return nil, fmt.Errorf("rule %q has no version %d (it has 1 to %d): %w", key, n, len(hist), ErrNotFound)
	}
	a, err := get(from)
	if err != nil {
		return "", err
	}
	b, err := get(to)
	if err != nil {
		return "", err
	}
	name := func(v *Version) string {
		s := fmt.Sprintf("%s (version %d", key, v.Version)
		if v.Commit != "" {
			s += ", commit " + shortHash(v.Commit)
		}
		return s + ")"
	}
	return UnifiedDiff(name(a), name(b), a.Text, b.Text), nil
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// RecordRun stores the evidence of one run of a rule (named by key or Sentinel id; a
// Sentinel id shared by several rules records the run for each) and updates their
// confidence.
func (c *Catalog) RecordRun(ctx context.Context, ruleID string, run RunEvidence) error {
	ids, err := c.resolve(ctx, ruleID)
	if err != nil {
		return err
	}
	if run.At.IsZero() {
		run.At = time.Now()
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO evidence(rule, data, rows, findings, scenario, benign, err, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, run.Data, run.Rows, run.Findings, run.Scenario, run.Benign, run.Err, run.At.UTC().Format(time.RFC3339Nano)); err != nil {
			return err
		}
		if err := c.reassess(ctx, tx, id); err != nil {
			return err
		}
	}
	if err := bumpGeneration(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// reassess recomputes a rule's confidence from its stored analysis and runs.
func (c *Catalog) reassess(ctx context.Context, tx *sql.Tx, id int64) error {
	var text, testPath string
	err := tx.QueryRowContext(ctx, `SELECT a.analysis, r.test_path FROM rules r JOIN analysis a ON a.rule = r.id WHERE r.id = ?`, id).Scan(&text, &testPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var a Analysis
	if err := json.Unmarshal([]byte(text), &a); err != nil {
		return err
	}
	runs, err := loadRuns(ctx, tx, id)
	if err != nil {
		return err
	}
	conf := Assess(&a, testPath, runs)
	if _, err := tx.ExecContext(ctx, `UPDATE analysis SET confidence = ? WHERE rule = ?`, jsonText(conf), id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rules SET confidence = ?, confidence_rank = ? WHERE id = ?`, string(conf.Level), conf.Level.rank(), id); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE rule_facets SET value = ? WHERE rule = ? AND facet = 'confidence'`, string(conf.Level), id)
	return err
}

// Runs returns the runs recorded for a rule, oldest first.
func (c *Catalog) Runs(ctx context.Context, key string) ([]RunEvidence, error) {
	r, err := c.Rule(ctx, key)
	if err != nil {
		return nil, err
	}
	return loadRuns(ctx, c.db, r.ID)
}

// Confidence returns a rule's confidence with the evidence behind it.
func (c *Catalog) Confidence(ctx context.Context, key string) (Confidence, error) {
	r, err := c.Rule(ctx, key)
	if err != nil {
		return Confidence{}, err
	}
	return r.Confidence, nil
}

// SourceRecord is a synced source.
type SourceRecord struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Location  string    `json:"location"`
	Spec      string    `json:"spec"`
	Commit    string    `json:"commit,omitempty"`
	Licence   string    `json:"licence,omitempty"`
	Retrieved time.Time `json:"retrieved"`
	// Rules counts the source's current (not removed) rules.
	Rules int `json:"rules"`
}

// Sources lists the synced sources by name.
func (c *Catalog) Sources(ctx context.Context) ([]SourceRecord, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT s.id, s.name, s.kind, s.location, s.spec, s.commit_hash, s.licence, s.retrieved,
		(SELECT count(*) FROM rules r WHERE r.source_id = s.id AND r.removed = 0) FROM sources s ORDER BY s.name, s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SourceRecord
	for rows.Next() {
		var s SourceRecord
		var at string
		if err := rows.Scan(&s.ID, &s.Name, &s.Kind, &s.Location, &s.Spec, &s.Commit, &s.Licence, &at, &s.Rules); err != nil {
			return nil, err
		}
		s.Retrieved, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, s)
	}
	return out, rows.Err()
}
