package logs

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
)

// ManifestFile is the name of the file that marks a folder as a table store and
// describes it.
const ManifestFile = "socfeed-store.json"

// storeFormat names the store layout; a reader refuses other layouts.
const storeFormat = "socfeed-store/1"

// Manifest describes a table store: a folder of typed tables written by [WriteStore], so
// that later queries read columns instead of parsing logs again. Each table is one or
// more Parquet files (one per ingest), described in the manifest with their schemas and
// row counts.
type Manifest struct {
	Format  string        `json:"format"`
	Tables  []*StoreTable `json:"tables"`
	Ingests []StoreIngest `json:"ingests"`
}

// StoreTable is one table of a store.
type StoreTable struct {
	Name    string        `json:"name"`
	Columns []StoreColumn `json:"columns"` // the union of its parts' columns, in order
	Rows    int           `json:"rows"`
	// MinTime and MaxTime bound the table's TimeGenerated values (KQL datetime text);
	// empty when it has none.
	MinTime string      `json:"minTime,omitempty"`
	MaxTime string      `json:"maxTime,omitempty"`
	Parts   []StorePart `json:"parts"`
}

// StoreColumn is a column name and its KQL type name.
type StoreColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// StorePart is one Parquet file of a table.
type StorePart struct {
	File    string        `json:"file"` // relative to the store folder
	Rows    int           `json:"rows"`
	Columns []StoreColumn `json:"columns"`
}

// StoreIngest records one ingest into the store.
type StoreIngest struct {
	Time    string         `json:"time"`
	Sources []string       `json:"sources"`
	Rows    map[string]int `json:"rows"`
	Report  *Report        `json:"report"` // with at most the first 100 rejections
}

// IsStore reports whether dir is a table store (holds a [ManifestFile]).
func IsStore(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, ManifestFile))
	return err == nil && info.Mode().IsRegular()
}

// ReadManifest reads the manifest of the store at dir.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, ManifestFile), err)
	}
	if m.Format != storeFormat {
		return nil, fmt.Errorf("%s: expected format %q, found %q", filepath.Join(dir, ManifestFile), storeFormat, m.Format)
	}
	return &m, nil
}

// Table returns the named table of the manifest, or nil.
func (m *Manifest) Table(name string) *StoreTable {
	for _, t := range m.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func storeColumns(fs []column.Field) []StoreColumn {
	out := make([]StoreColumn, len(fs))
	for i, f := range fs {
		out[i] = StoreColumn{Name: f.Name, Type: f.Type.String()}
	}
	return out
}

func fieldsOf(cs []StoreColumn) ([]column.Field, error) {
	out := make([]column.Field, len(cs))
	for i, c := range cs {
		t, ok := types.ParseType(c.Type)
		if !ok || t == types.Unknown {
			return nil, fmt.Errorf("column %q: unknown type %q", c.Name, c.Type)
		}
		out[i] = column.Field{Name: c.Name, Type: t}
	}
	return out, nil
}

// StoreOptions configure [WriteStore].
type StoreOptions struct {
	// Dedup drops rows whose record id (see [RecordIDColumn]) the store already holds,
	// counting them in the report's Deduped.
	Dedup bool
	// Sources names the inputs, recorded in the manifest.
	Sources []string
	// Now stamps the ingest; zero means time.Now().
	Now time.Time
}

// WriteStore writes the tables of ds into the store at dir, creating it when needed and
// adding to it otherwise: each table gets a new Parquet file and the manifest is
// replaced atomically once every file is written. rep is the load report recorded with
// the ingest; with opts.Dedup, rows already in the store are dropped and counted in
// rep.Deduped.
func WriteStore(ctx context.Context, dir string, ds *Dataset, rep *Report, opts StoreOptions) (*Manifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m := &Manifest{Format: storeFormat}
	if IsStore(dir) {
		var err error
		if m, err = ReadManifest(dir); err != nil {
			return nil, err
		}
	} else if entries, err := os.ReadDir(dir); err != nil {
		return nil, err
	} else if len(entries) > 0 {
		return nil, fmt.Errorf("%s: not empty and not a table store (no %s)", dir, ManifestFile)
	}
	if rep == nil {
		rep = &Report{}
	}
	if opts.Dedup {
		for _, name := range ds.Names() {
			st := m.Table(name)
			if st == nil {
				continue
			}
			seen, err := storeIDs(ctx, dir, st)
			if err != nil {
				return nil, err
			}
			t := ds.Tables[name]
			nt, n := dedupTable(t, seen)
			ds.Tables[name] = nt
			if n > 0 {
				if rep.Deduped == nil {
					rep.Deduped = map[string]int{}
				}
				rep.Deduped[name] += n
				if rep.Rows != nil {
					rep.Rows[name] = nt.Rows()
				}
			}
		}
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	ingest := len(m.Ingests)
	rows := map[string]int{}
	for _, name := range ds.Names() {
		t := ds.Tables[name]
		if t.Rows() == 0 {
			continue
		}
		rel := filepath.Join(safeName(name), fmt.Sprintf("part-%04d.parquet", ingest))
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(path, func(w *bufio.Writer) error { return writeTableParquet(ctx, w, t) }); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		st := m.Table(name)
		if st == nil {
			st = &StoreTable{Name: name}
			m.Tables = append(m.Tables, st)
		}
		cols := storeColumns(t.Schema)
		st.Parts = append(st.Parts, StorePart{File: filepath.ToSlash(rel), Rows: t.Rows(), Columns: cols})
		st.Rows += t.Rows()
		have := map[string]bool{}
		for _, c := range st.Columns {
			have[c.Name] = true
		}
		for _, c := range cols {
			if !have[c.Name] {
				st.Columns = append(st.Columns, c)
			}
		}
		if lo, hi, ok := timeRange(t); ok {
			if l := types.FormatDateTime(lo); st.MinTime == "" || earlier(lo, st.MinTime) {
				st.MinTime = l
			}
			if h := types.FormatDateTime(hi); st.MaxTime == "" || earlier(parseTicks(st.MaxTime), h) {
				st.MaxTime = h
			}
		}
		rows[name] = t.Rows()
	}
	sort.Slice(m.Tables, func(i, j int) bool { return m.Tables[i].Name < m.Tables[j].Name })
	short := *rep
	if len(short.Rejected) > 100 {
		short.Rejected = short.Rejected[:100]
	}
	m.Ingests = append(m.Ingests, StoreIngest{Time: now.UTC().Format(time.RFC3339), Sources: opts.Sources, Rows: rows, Report: &short})
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	err = writeFileAtomic(filepath.Join(dir, ManifestFile), func(w *bufio.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func parseTicks(s string) int64 {
	t, _ := types.ParseDateTime(s)
	return t
}

// earlier reports whether ticks a is before the datetime text b.
func earlier(a int64, b string) bool { return a < parseTicks(b) }

// timeRange returns the least and greatest TimeGenerated of t.
func timeRange(t *column.Table) (lo, hi int64, ok bool) {
	i := t.Index("TimeGenerated")
	if i < 0 || t.Schema[i].Type != types.DateTime {
		return 0, 0, false
	}
	for _, b := range t.Batches {
		v, isInts := b.Cols[i].(*column.Ints)
		if !isInts {
			continue
		}
		for j, x := range v.Vals {
			if v.Nulls.Get(j) {
				continue
			}
			if !ok || x < lo {
				lo = x
			}
			if !ok || x > hi {
				hi = x
			}
			ok = true
		}
	}
	return lo, hi, ok
}

// safeName makes a table name usable as a folder name.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, name)
}

// writeFileAtomic writes path through a temporary file renamed into place.
func writeFileAtomic(path string, write func(*bufio.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// readStore reads every table of the store at dir, reading files on up to workers
// goroutines. cols and dedup are those of [Options]: of a table cols names, only the
// named columns (with dedup, and its record id) are read.
func readStore(ctx context.Context, dir string, workers int, cols map[string][]string, dedup bool) (*Dataset, *Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	type job struct {
		t, p int
	}
	var jobs []job
	results := make([][]*column.Table, len(m.Tables))
	fields := make([][]column.Field, len(m.Tables))
	for i, st := range m.Tables {
		if fields[i], err = fieldsOf(st.Columns); err != nil {
			return nil, nil, fmt.Errorf("%s: table %s: %v", dir, st.Name, err)
		}
		results[i] = make([]*column.Table, len(st.Parts))
		for j := range st.Parts {
			jobs = append(jobs, job{i, j})
		}
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  int
	)
	// Files are read on the workers, and so are the row groups of each file: a store of
	// one big file uses every worker too.
	outer := max(1, min(workers, len(jobs)))
	inner := max(1, workers/outer)
	if len(jobs) == 1 {
		inner = max(1, workers)
	}
	for w := 0; w < outer; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= len(jobs) || first != nil {
					mu.Unlock()
					return
				}
				jb := jobs[next]
				next++
				mu.Unlock()
				st := m.Tables[jb.t]
				part := st.Parts[jb.p]
				stored := map[string]types.Type{}
				pf, err := fieldsOf(part.Columns)
				if err == nil {
					for _, f := range pf {
						stored[f.Name] = f.Type
					}
					var t *column.Table
					var keep map[string]bool
					if names, ok := cols[st.Name]; ok {
						keep = map[string]bool{}
						for _, c := range names {
							keep[c] = true
						}
						if dedup {
							keep[RecordIDColumn(st.Name)] = true
						}
					}
					t, err = readTableParquet(ctx, filepath.Join(dir, filepath.FromSlash(part.File)), st.Name, fields[jb.t], stored, part.Rows, inner, keep)
					if err == nil && t.Rows() != part.Rows {
						err = fmt.Errorf("%s: expected %d rows, found %d", part.File, part.Rows, t.Rows())
					}
					results[jb.t][jb.p] = t
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, nil, first
	}
	ds := &Dataset{Tables: map[string]*column.Table{}}
	for i, st := range m.Tables {
		t := &column.Table{Name: st.Name, Schema: fields[i]}
		for _, p := range results[i] {
			t.Batches = append(t.Batches, p.Batches...)
		}
		ds.Tables[st.Name] = t
	}
	return ds, m, nil
}

// storeIDs returns the record ids of table st held in the store at dir, reading only
// the id column.
func storeIDs(ctx context.Context, dir string, st *StoreTable) (map[string]struct{}, error) {
	seen := map[string]struct{}{}
	idCol := RecordIDColumn(st.Name)
	for _, p := range st.Parts {
		pf, err := fieldsOf(p.Columns)
		if err != nil {
			return nil, err
		}
		var f []column.Field
		stored := map[string]types.Type{}
		for _, c := range pf {
			if c.Name == idCol {
				f = append(f, c)
				stored[c.Name] = c.Type
			}
		}
		if f == nil {
			continue
		}
		t, err := readTableParquet(ctx, filepath.Join(dir, filepath.FromSlash(p.File)), st.Name, f, stored, p.Rows, 2, nil)
		if err != nil {
			return nil, err
		}
		for _, b := range t.Batches {
			for i := 0; i < b.Len; i++ {
				if k, ok := idKey(b.Cols[0], i); ok {
					seen[k] = struct{}{}
				}
			}
		}
	}
	return seen, nil
}
