package feed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/rules"
)

// ErrNotFound is returned for a rule key or id the catalog does not hold.
var ErrNotFound = errors.New("not found")

// Catalog is the rule catalog: a SQLite database (catalog.db) in the store folder. Its
// methods may be called concurrently; syncs are serialised by the database.
type Catalog struct {
	db    *sql.DB
	store string
	env   Env
	index searchIndex // in-memory facet index, reloaded when the generation changes
}

// bumpGeneration marks a change of searchable data; every writing transaction calls it.
func bumpGeneration(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('generation', 1)
		ON CONFLICT(key) DO UPDATE SET value = value + 1`)
	return err
}

const schemaSQL = `
CREATE TABLE IF NOT EXISTS meta (
	key TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
	id INTEGER PRIMARY KEY,
	location TEXT NOT NULL UNIQUE,
	spec TEXT NOT NULL,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	commit_hash TEXT NOT NULL DEFAULT '',
	licence TEXT NOT NULL DEFAULT '',
	retrieved TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS functions (
	source_id INTEGER NOT NULL REFERENCES sources(id),
	name TEXT NOT NULL,
	path TEXT NOT NULL,
	line INTEGER NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (source_id, name)
);
CREATE TABLE IF NOT EXISTS rules (
	id INTEGER PRIMARY KEY,
	source_id INTEGER NOT NULL REFERENCES sources(id),
	path TEXT NOT NULL,
	key TEXT NOT NULL UNIQUE,
	-- Small columns first: SQLite reads a row's columns in order, and the long texts at
	-- the end would otherwise be stepped over (through overflow pages) by every search.
	removed INTEGER NOT NULL DEFAULT 0,
	severity_rank INTEGER NOT NULL,
	confidence_rank INTEGER NOT NULL DEFAULT 0,
	rule_id TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	severity TEXT NOT NULL,
	status TEXT NOT NULL,
	confidence TEXT NOT NULL DEFAULT 'unknown',
	version INTEGER NOT NULL,
	first_seen TEXT NOT NULL,
	updated TEXT NOT NULL,
	commit_hash TEXT NOT NULL,
	licence TEXT NOT NULL,
	retrieved TEXT NOT NULL,
	text_hash TEXT NOT NULL,
	test_path TEXT NOT NULL DEFAULT '',
	tactics TEXT NOT NULL,
	techniques TEXT NOT NULL,
	tables TEXT NOT NULL,
	url TEXT NOT NULL,
	description TEXT NOT NULL,
	diagnostics TEXT NOT NULL,
	query TEXT NOT NULL,
	text TEXT NOT NULL,
	UNIQUE (source_id, path)
);
CREATE INDEX IF NOT EXISTS rules_rule_id ON rules(rule_id);
CREATE INDEX IF NOT EXISTS rules_removed ON rules(removed, id);
CREATE TABLE IF NOT EXISTS rule_versions (
	rule INTEGER NOT NULL REFERENCES rules(id),
	version INTEGER NOT NULL,
	commit_hash TEXT NOT NULL,
	synced_at TEXT NOT NULL,
	text_hash TEXT NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (rule, version)
);
CREATE TABLE IF NOT EXISTS analysis (
	rule INTEGER PRIMARY KEY REFERENCES rules(id),
	analyzer TEXT NOT NULL,
	analysis TEXT NOT NULL,
	enrichment TEXT NOT NULL,
	confidence TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS evidence (
	id INTEGER PRIMARY KEY,
	rule INTEGER NOT NULL REFERENCES rules(id),
	data TEXT NOT NULL,
	rows INTEGER NOT NULL,
	findings INTEGER NOT NULL,
	scenario TEXT NOT NULL,
	benign INTEGER NOT NULL,
	err TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_rule ON evidence(rule);
CREATE TABLE IF NOT EXISTS rule_facets (
	rule INTEGER NOT NULL REFERENCES rules(id),
	facet TEXT NOT NULL,
	value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rule_facets_value ON rule_facets(facet, value, rule);
CREATE INDEX IF NOT EXISTS rule_facets_rule ON rule_facets(rule, facet, value);
CREATE VIRTUAL TABLE IF NOT EXISTS rules_fts USING fts5(name, description, query, attack, tables, tokenize = 'unicode61');
`

// Open opens (creating when needed) the catalog in the store folder. env is used to
// analyse rules during syncs.
func Open(store string, env Env) (*Catalog, error) {
	if err := os.MkdirAll(store, 0o755); err != nil {
		return nil, fmt.Errorf("store: %v", errText(err))
	}
	path := filepath.Join(store, "catalog.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %v", path, err)
	}
	if _, err := db.Exec(schemaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("catalog %s: %v", path, err)
	}
	return &Catalog{db: db, store: store, env: env}, nil
}

// Functions returns the parsers of every source (stored functions), read back from the
// catalog: what the rules of the catalog may call when they run. A function two sources
// declare is the one of the source synced last. Functions that no longer parse are left
// out.
func (c *Catalog) Functions(ctx context.Context) (*stored.Set, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT f.name, f.path, f.line, f.text FROM functions f JOIN sources s ON s.id = f.source_id ORDER BY s.retrieved, s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := &stored.Set{}
	for rows.Next() {
		var name, path, text string
		var line int
		if err := rows.Scan(&name, &path, &line, &text); err != nil {
			return nil, err
		}
		set.AddSource(path, line, text)
	}
	return set, rows.Err()
}

// Close closes the database.
func (c *Catalog) Close() error { return c.db.Close() }

// Store returns the store folder.
func (c *Catalog) Store() string { return c.store }

// SyncOptions tune a sync.
type SyncOptions struct {
	// Now is the time to record; the zero time means time.Now().
	Now time.Time
	// LLM, when not nil, rewrites the composed hypothesis and false-positive guidance of
	// new and changed rules.
	LLM *LLM
	// Reanalyze analyses every rule again, not only new, changed and stale ones.
	Reanalyze bool
}

// SyncReport says what a sync did.
type SyncReport struct {
	Source   Source
	Commit   string
	Licence  string
	Rules    int // rules loaded from the source
	New      int
	Changed  int
	Same     int
	Removed  int // rules gone from the source since the last sync
	Analyzed int
	// Functions are the parsers (stored functions) the source declares, kept in the
	// catalog so that its rules run with them.
	Functions int
	// Diagnostics are the loader's problems: errors and warnings with positions.
	Diagnostics rules.Diagnostics
	// LLMErrors are failures of the optional rewrite; the template text is kept.
	LLMErrors []string
}

// Sync pulls a source and brings its rules into the catalog. A rule whose file text
// changed since the last sync gets a new version; rules no longer in the source are marked
// removed, keeping their history. Files named *.test.yaml are rule tests, not rules.
func (c *Catalog) Sync(ctx context.Context, src Source, opts SyncOptions) (*SyncReport, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	snap, err := src.Fetch(ctx, c.store, now)
	if err != nil {
		return nil, err
	}
	loaded, diags := rules.Loader{ATTACK: c.env.ATTACK}.LoadDir(snap.Root)
	rep := &SyncReport{Source: src, Commit: snap.Commit, Licence: snap.Licence}
	for _, d := range diags {
		if isTestFile(d.File) {
			continue
		}
		if rel, err := filepath.Rel(snap.Root, d.File); err == nil && !strings.HasPrefix(rel, "..") {
			d.File = filepath.ToSlash(rel)
		}
		rep.Diagnostics = append(rep.Diagnostics, d)
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sourceID, err := upsertSource(ctx, tx, snap)
	if err != nil {
		return nil, err
	}
	// The source's parsers: kept for running its rules, and known to their analysis.
	parsers, pds := stored.LoadParsers(snap.Root)
	for _, d := range pds {
		if rel, err := filepath.Rel(snap.Root, d.File); err == nil && !strings.HasPrefix(rel, "..") {
			d.File = filepath.ToSlash(rel)
		}
		rep.Diagnostics = append(rep.Diagnostics, rules.Diagnostic{File: d.File, Line: d.Line, Col: d.Col, Severity: rules.Warning,
			Msg: "parser not kept: " + d.Msg})
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM functions WHERE source_id = ?`, sourceID); err != nil {
		return nil, err
	}
	for _, f := range parsers.Functions() {
		rel := f.File
		if r, err := filepath.Rel(snap.Root, f.File); err == nil {
			rel = filepath.ToSlash(r)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO functions(source_id, name, path, line, text) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(source_id, name) DO UPDATE SET path = excluded.path, line = excluded.line, text = excluded.text`,
			sourceID, f.Name, rel, f.Line, f.Src); err != nil {
			return nil, err
		}
		rep.Functions++
	}
	env := c.env
	if env.Check != nil && len(parsers.Names()) > 0 {
		ce := *env.Check
		ce.Functions = append(slices.Clone(ce.Functions), parsers.Lets()...)
		env.Check = &ce
	}
	type prior struct {
		id       int64
		hash     string
		version  int
		analyzer string
		testPath string
	}
	existing := map[string]prior{}
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.path, r.text_hash, r.version, COALESCE(a.analyzer, ''), r.test_path
		FROM rules r LEFT JOIN analysis a ON a.rule = r.id WHERE r.source_id = ?`, sourceID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p prior
		var path string
		if err := rows.Scan(&p.id, &path, &p.hash, &p.version, &p.analyzer, &p.testPath); err != nil {
			rows.Close()
			return nil, err
		}
		existing[path] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	stamp := now.UTC().Format(time.RFC3339Nano)
	seen := map[string]bool{}
	for _, r := range loaded {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if isTestFile(r.File) {
			continue
		}
		rel, err := filepath.Rel(snap.Root, r.File)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		if seen[rel] {
			continue
		}
		seen[rel] = true
		rep.Rules++
		text, err := os.ReadFile(r.File)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(text)
		hash := hex.EncodeToString(sum[:])
		testPath := findTest(snap.Root, rel)
		var fileDiags []string
		for _, d := range rep.Diagnostics {
			if d.File == rel {
				fileDiags = append(fileDiags, d.String())
			}
		}
		row := ruleRow{sourceID: sourceID, path: rel, key: src.ID() + ":" + rel, rule: r, text: string(text), hash: hash,
			commit: snap.Commit, url: snap.FileURL(rel), licence: snap.Licence, retrieved: stamp, diags: fileDiags, testPath: testPath}
		p, ok := existing[rel]
		var id int64
		analyse := opts.Reanalyze
		switch {
		case !ok:
			rep.New++
			row.version = 1
			id, err = row.insert(ctx, tx, stamp)
			analyse = true
		case p.hash != hash:
			rep.Changed++
			id, row.version = p.id, p.version+1
			err = row.update(ctx, tx, id, stamp, true)
			analyse = true
		default:
			rep.Same++
			id, row.version = p.id, p.version
			err = row.update(ctx, tx, id, stamp, false)
			analyse = analyse || p.analyzer != AnalyzerVersion || p.testPath != testPath
		}
		if err != nil {
			return nil, err
		}
		if !ok || p.hash != hash {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rule_versions(rule, version, commit_hash, synced_at, text_hash, text) VALUES (?, ?, ?, ?, ?, ?)`,
				id, row.version, snap.Commit, stamp, hash, row.text); err != nil {
				return nil, err
			}
		}
		if analyse {
			rep.Analyzed++
			if err := c.analyse(ctx, tx, id, &row, opts.LLM, rep, env); err != nil {
				return nil, err
			}
		}
	}
	for path, p := range existing {
		if seen[path] {
			continue
		}
		// A file that is still there but no longer loads keeps its last good version; the
		// report carries its errors.
		if _, err := os.Stat(filepath.Join(snap.Root, filepath.FromSlash(path))); err == nil {
			continue
		}
		res, err := tx.ExecContext(ctx, `UPDATE rules SET removed = 1 WHERE id = ? AND removed = 0`, p.id)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			rep.Removed++
		}
	}
	if err := bumpGeneration(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return rep, nil
}

// isTestFile reports whether a path names a rule test (`<rule>.test.yaml`).
func isTestFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	return strings.HasSuffix(base, ".test.yaml") || strings.HasSuffix(base, ".test.yml")
}

// findTest returns the slash path of the rule test beside a rule file, or "".
func findTest(root, rel string) string {
	stem := strings.TrimSuffix(rel, filepath.Ext(rel))
	for _, ext := range []string{".test.yaml", ".test.yml"} {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(stem+ext))); err == nil {
			return stem + ext
		}
	}
	return ""
}

func upsertSource(ctx context.Context, tx *sql.Tx, snap *Snapshot) (int64, error) {
	s := snap.Source
	retrieved := snap.Retrieved.Format(time.RFC3339Nano)
	_, err := tx.ExecContext(ctx, `INSERT INTO sources(location, spec, kind, name, commit_hash, licence, retrieved) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(location) DO UPDATE SET spec = excluded.spec, kind = excluded.kind, name = excluded.name,
		commit_hash = excluded.commit_hash, licence = excluded.licence, retrieved = excluded.retrieved`,
		s.Location, s.Spec, s.Kind.String(), s.Name, snap.Commit, snap.Licence, retrieved)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE location = ?`, s.Location).Scan(&id)
	return id, err
}

// ruleRow is a rule about to be written.
type ruleRow struct {
	sourceID             int64
	path, key            string
	rule                 *rules.Rule
	text, hash           string
	commit, url, licence string
	retrieved            string
	version              int
	diags                []string
	testPath             string
}

func severityRank(s rules.Severity) int {
	switch s {
	case rules.SeverityHigh:
		return 4
	case rules.SeverityMedium:
		return 3
	case rules.SeverityLow:
		return 2
	case rules.SeverityInformational:
		return 1
	}
	return 0
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("internal error: " + err.Error())
	}
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

func (w *ruleRow) fields() []any {
	r := w.rule
	return []any{r.ID, r.Name, strings.TrimSpace(r.Description), r.Kind.String(), string(r.Severity), severityRank(r.Severity), r.Status,
		r.Query, w.text, w.hash, w.version, w.commit, w.url, w.licence, w.retrieved,
		jsonText(r.Tactics), jsonText(slicesConcat(r.RelevantTechniques, r.SubTechniques)), jsonText(w.diags), w.testPath}
}

func slicesConcat(a, b []string) []string {
	return append(append([]string(nil), a...), b...)
}

const ruleCols = `rule_id, name, description, kind, severity, severity_rank, status, query, text, text_hash, version, commit_hash, url, licence, retrieved, tactics, techniques, diagnostics, test_path`

func (w *ruleRow) insert(ctx context.Context, tx *sql.Tx, stamp string) (int64, error) {
	args := append([]any{w.sourceID, w.path, w.key, stamp, stamp}, w.fields()...)
	res, err := tx.ExecContext(ctx, `INSERT INTO rules(source_id, path, key, first_seen, updated, tables, `+ruleCols+`)
		VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (w *ruleRow) update(ctx context.Context, tx *sql.Tx, id int64, stamp string, changed bool) error {
	set := strings.ReplaceAll(ruleCols, ",", " = ?,") + " = ?, removed = 0"
	args := w.fields()
	if changed {
		set += ", updated = ?"
		args = append(args, stamp)
	}
	args = append(args, id)
	_, err := tx.ExecContext(ctx, `UPDATE rules SET `+set+` WHERE id = ?`, args...)
	return err
}

// analyse writes a rule's analysis, enrichment, confidence, facets and search text.
func (c *Catalog) analyse(ctx context.Context, tx *sql.Tx, id int64, w *ruleRow, llm *LLM, rep *SyncReport, env Env) error {
	r := w.rule
	a := Analyze(r, []byte(w.text), env)
	enr := Compose(r, a)
	if llm != nil {
		if err := llm.Rewrite(ctx, r, a, &enr); err != nil {
			rep.LLMErrors = append(rep.LLMErrors, fmt.Sprintf("%s: %v", w.path, err))
		}
	}
	runs, err := loadRuns(ctx, tx, id)
	if err != nil {
		return err
	}
	conf := Assess(a, w.testPath, runs)
	if _, err := tx.ExecContext(ctx, `INSERT INTO analysis(rule, analyzer, analysis, enrichment, confidence) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(rule) DO UPDATE SET analyzer = excluded.analyzer, analysis = excluded.analysis, enrichment = excluded.enrichment, confidence = excluded.confidence`,
		id, AnalyzerVersion, jsonText(a), jsonText(enr), jsonText(conf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rules SET tables = ?, confidence = ?, confidence_rank = ? WHERE id = ?`,
		jsonText(a.TableNames()), string(conf.Level), conf.Level.rank(), id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rule_facets WHERE rule = ?`, id); err != nil {
		return err
	}
	facets := [][2]string{{"language", "KQL"}, {"kind", r.Kind.String()}, {"severity", orDash(string(r.Severity))},
		{"status", orDash(r.Status)}, {"source", rep.Source.Name}, {"confidence", string(conf.Level)}}
	var attackText []string
	for _, t := range a.ATTACK.Tactics {
		facets = append(facets, [2]string{"tactic", t.Name})
		attackText = append(attackText, t.Name, t.ID)
	}
	for _, name := range a.ATTACK.Unknown {
		attackText = append(attackText, name)
	}
	for _, t := range a.ATTACK.Techniques {
		facets = append(facets, [2]string{"technique", t.ID})
		attackText = append(attackText, t.ID, t.Name)
	}
	for _, t := range a.Tables {
		facets = append(facets, [2]string{"table", t.Name})
	}
	// One statement for all facet rows: preparing a statement per row costs more than the
	// insert itself.
	args := make([]any, 0, 3*len(facets))
	for _, f := range facets {
		args = append(args, id, f[0], f[1])
	}
	values := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(facets)), ", ")
	if _, err := tx.ExecContext(ctx, `INSERT INTO rule_facets(rule, facet, value) VALUES `+values, args...); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rules_fts WHERE rowid = ?`, id); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO rules_fts(rowid, name, description, query, attack, tables) VALUES (?, ?, ?, ?, ?, ?)`,
		id, r.Name, r.Description, r.Query, strings.Join(attackText, " "), strings.Join(a.TableNames(), " "))
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func loadRuns(ctx context.Context, q querier, id int64) ([]RunEvidence, error) {
	rows, err := q.QueryContext(ctx, `SELECT data, rows, findings, scenario, benign, err, at FROM evidence WHERE rule = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RunEvidence
	for rows.Next() {
		var e RunEvidence
		var at string
		if err := rows.Scan(&e.Data, &e.Rows, &e.Findings, &e.Scenario, &e.Benign, &e.Err, &at); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}
