// Package logs reads exported logs into typed in-memory tables ([column.Table]) for the
// KQL engine, and keeps them in a table store so that later queries do not parse again.
//
// [Load] takes files, folders and stores. A file's table comes from --table overrides,
// else from its name (SigninLogs.jsonl, AuditLogs_2024-01.json.gz, SigninLogs_Hunting.csv),
// else from its content (the diagnostic-settings category, a Type column per row).
// Formats:
//   - JSON lines or JSON arrays of Log Analytics rows (keys are column names);
//   - the Azure Monitor diagnostic-settings envelope ({"time", "category",
//     "properties": {...}} per line) and Event Hub captures ({"records": [...]}), mapped
//     to the Log Analytics columns of the category's table;
//   - Microsoft Graph pages ({"value": [...]}) and Graph objects per line;
//   - CSV with a header row, as the Log Analytics portal exports;
//   - Parquet, as Log Analytics data export and data-lake exports write it;
//   - any of the text formats gzip-compressed (.gz).
//
// Column types follow the table's schema in the catalog; columns the schema does not know,
// and tables it does not know, get inferred types. JSON is parsed straight into column
// builders by a streaming tokenizer, without a tree per row. Text files stream through a
// bounded buffer in chunks that the workers parse in parallel: JSON lines cut at line
// ends, JSON arrays and the records/value arrays of captures and Graph pages cut between
// elements, CSV cut between records (split.go). Rows that cannot
// be read are kept aside in the [Report] with file, line and reason; nothing is dropped
// silently. With [Options.Dedup], rows repeated by export retries are dropped by their
// record id ([RecordIDColumn]) and counted.
//
// [WriteStore] writes a [Dataset] into a table store: a folder with one Parquet file per
// table and ingest, and a [Manifest] ([ManifestFile]) with the schemas, row counts, time
// ranges, sources and load reports. Load reads a store's typed columns back exactly,
// dictionary-encoded strings included.
package logs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// Options configure [Load].
type Options struct {
	// Catalog holds the table schemas; nil means schema.Default().
	Catalog *schema.Catalog
	// Strict makes the first rejected row an error.
	Strict bool
	// TableOverride maps a file or folder path, as given to Load, to the table its rows
	// belong to (socfeed query --table NAME=PATH).
	TableOverride map[string]string
	// Workers is the number of files or chunks read at once; 0 means GOMAXPROCS.
	Workers int
	// BatchSize is the number of rows per batch; 0 means 4096.
	BatchSize int
	// ChunkSize is the size of the pieces text files (JSON lines, JSON arrays, CSV) are
	// cut into for the workers; 0 means 4 MiB.
	ChunkSize int
	// Dedup drops rows whose record id ([RecordIDColumn]) an earlier row of the same
	// table had, as export retries repeat rows; Report.Deduped counts them.
	Dedup bool
	// Progress, when not nil, is updated while Load runs, for a caller to display.
	Progress *Progress
	// Columns, when not nil, maps a table name to the columns a caller will read: in
	// raw files the values of that table's other columns are still checked (JSON
	// syntax, and conversion to the schema's type, so the same rows are rejected) but
	// not kept, and a store does not read them; the table keeps its schema with those
	// columns all null. A table the map does not name is
	// read whole. The columns a derived column comes from (TimeGenerated from
	// CreatedDateTime or ActivityDateTime) and, with Dedup, the record id are read when
	// needed. Columns outside the schema that are not named are dropped.
	Columns map[string][]string
}

// Progress counts what [Load] has done so far. Its fields are updated atomically while
// Load runs and may be read from any goroutine.
type Progress struct {
	Bytes    atomic.Int64 // bytes read (after decompression)
	Rows     atomic.Int64 // rows loaded
	Rejected atomic.Int64 // records set aside
}

// Dataset is the set of tables read by [Load].
type Dataset struct {
	Tables map[string]*column.Table
}

// Table returns the named table (case-sensitive).
func (d *Dataset) Table(name string) (*column.Table, bool) {
	t, ok := d.Tables[name]
	return t, ok
}

// Names returns the table names, sorted.
func (d *Dataset) Names() []string {
	out := make([]string, 0, len(d.Tables))
	for n := range d.Tables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Rejection is a record that could not be read.
type Rejection struct {
	File   string
	Line   int // 1-based line where the record (or the syntax error) is
	Reason string
}

func (r Rejection) String() string { return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason) }

// Report says what [Load] read, set aside and derived.
type Report struct {
	Files    []string       // files read, in order
	Bytes    int64          // bytes read, after decompression
	Rows     map[string]int // rows loaded per table
	Rejected []Rejection    // records set aside, by file and line
	// RejectedRows counts rejections per table ("" when the table is not known, as for
	// a syntax error in a file whose name names no table).
	RejectedRows map[string]int
	Warnings     []string
	// Derived counts values not present in the input but derived from it, keyed
	// "Table.Column from Source".
	Derived map[string]int
	// Deduped counts rows dropped per table as repeats of an earlier row's record id.
	Deduped map[string]int `json:",omitempty"`
	// Stores lists the table stores read.
	Stores []string `json:",omitempty"`
}

// Load reads the files, folders and table stores at paths (folders recursively; files
// ending .json, .jsonl, .ndjson or .csv, optionally .gz, and .parquet; a folder holding a
// [ManifestFile] is a store written by [WriteStore] and is read as typed tables). It
// returns an error for unreadable paths, cancellation, and, with Strict, the first
// rejected record.
//
// Text files stream through a bounded buffer: JSON lines are cut at line ends, JSON
// arrays (top-level, or the records/value array of an Event Hub capture or Graph page)
// between elements, and CSV between records, into chunks that the workers parse in
// parallel, so memory holds a few chunks per worker plus the built columns, however
// large the file.
func Load(ctx context.Context, paths []string, opts Options) (*Dataset, *Report, error) {
	cat := opts.Catalog
	if cat == nil && !allStores(paths) {
		// Stores carry their schemas; the catalog is decoded only for raw files.
		cat = schema.Default()
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = 4096
	}
	chunkSize := opts.ChunkSize
	if chunkSize <= 0 {
		chunkSize = 4 << 20
	}
	rep := &Report{Rows: map[string]int{}, RejectedRows: map[string]int{}, Derived: map[string]int{}}
	files, err := listFiles(paths, opts.TableOverride, cat, rep)
	if err != nil {
		return nil, rep, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	units := make(chan unit, workers)
	// free holds chunk buffers the workers are done with, for the next chunks: a new
	// buffer is zeroed, which costs as much as a fast parse of it.
	free := make(chan []byte, workers+1)
	get := func(n int) []byte {
		select {
		case b := <-free:
			if cap(b) >= n {
				return b[:0]
			}
		default:
		}
		return make([]byte, 0, n)
	}
	var (
		mu      sync.Mutex
		parts   []*part
		readErr error
		// strictAt is the order of the first unit found to hold a rejected record with
		// Strict: units before it still finish, so the error names the first rejection
		// in file order; units after it are skipped.
		strictAt = [2]int{-1, -1}
		// gzRejected holds damaged compressed files: what decompressed is read, and
		// the damage is reported at the line where the readable data ends.
		gzRejected []Rejection
	)
	fail := func(err error) {
		mu.Lock()
		if readErr == nil {
			readErr = err
		}
		mu.Unlock()
		cancel()
	}
	skip := func(order [2]int) bool {
		mu.Lock()
		defer mu.Unlock()
		return strictAt[0] >= 0 && !orderLess(order, strictAt)
	}
	go func() {
		defer close(units)
		for i, f := range files {
			if f.store {
				continue
			}
			if skip([2]int{i, 0}) {
				return
			}
			mu.Lock()
			rep.Files = append(rep.Files, f.path)
			mu.Unlock()
			if f.parquet {
				select {
				case units <- unit{f: f, order: [2]int{i, 0}}:
				case <-ctx.Done():
					return
				}
				continue
			}
			send := func(u unit) bool {
				if skip(u.order) {
					return false
				}
				n := int64(u.size)
				mu.Lock()
				rep.Bytes += n
				mu.Unlock()
				if opts.Progress != nil {
					opts.Progress.Bytes.Add(n)
				}
				select {
				case units <- u:
					return true
				case <-ctx.Done():
					return false
				}
			}
			var drop func(idx, from int)
			if !opts.Strict {
				// Forget what was read of a file from a unit on: it is read again.
				drop = func(idx, from int) {
					mu.Lock()
					defer mu.Unlock()
					kept := parts[:0]
					for _, p := range parts {
						if p.order[0] != idx || p.order[1] < from {
							kept = append(kept, p)
							continue
						}
						rep.Bytes -= int64(p.size)
						if opts.Progress != nil {
							opts.Progress.Bytes.Add(-int64(p.size))
							opts.Progress.Rows.Add(-int64(p.rows))
							opts.Progress.Rejected.Add(-int64(len(p.rejected)))
						}
					}
					clear(parts[len(kept):])
					parts = kept
				}
			}
			lines, bad, err := streamFile(f, i, chunkSize, cat, get, send, drop)
			if err != nil {
				fail(err)
				return
			}
			if bad != "" {
				mu.Lock()
				gzRejected = append(gzRejected, Rejection{File: f.path, Line: lines + 1, Reason: bad})
				mu.Unlock()
				if opts.Progress != nil {
					opts.Progress.Rejected.Add(1)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reuse := map[string][]column.Builder{}
			for u := range units {
				if skip(u.order) {
					if u.lines != nil {
						u.lines.report(u.order[1], false)
					}
					continue
				}
				p := &part{file: u.f.path, order: u.order, size: u.size, tables: map[string]*tableBuilder{}, rejTable: map[string]int{}}
				r := &reader{ctx: ctx, cat: cat, batchSize: batch, columns: opts.Columns, dedup: opts.Dedup, p: p, hint: u.f.table, stem: u.f.stem, data: u.data, end: u.end, lineBase: u.lineBase, colBase: u.colBase, progress: opts.Progress, reuse: reuse}
				if u.warn != "" {
					p.warnings = append(p.warnings, u.warn)
				}
				var err error
				switch {
				case u.f.parquet:
					err = r.readParquet(u.f.path)
				case u.kind == unitReject:
					r.reject(r.hint, u.lineBase, u.reason)
				case u.kind == unitCSV:
					err = r.readCSVRows(u.csv)
				case u.kind == unitElems:
					err = r.readElems(u.mode)
				default:
					err = r.readJSON()
				}
				if err != nil {
					fail(err)
				}
				for name, t := range p.tables {
					t.flush()
					// The last row's cells point into the unit's data: drop them so
					// that the part kept until the merge does not keep the data.
					t.cells, t.buf = nil, nil
					if b := t.builders(); b != nil {
						reuse[name] = b
					}
					p.rows += t.total
					if opts.Progress != nil {
						opts.Progress.Rows.Add(int64(t.total))
					}
				}
				if opts.Progress != nil {
					opts.Progress.Rejected.Add(int64(len(p.rejected)))
				}
				if u.buf != nil && cap(u.buf) <= 2*chunkSize {
					// Nothing read keeps pointing into the buffer (values are copied
					// into the builders, the last row's cells are dropped above).
					select {
					case free <- u.buf:
					default:
					}
				}
				mu.Lock()
				parts = append(parts, p)
				if opts.Strict && len(p.rejected) > 0 && (strictAt[0] < 0 || orderLess(p.order, strictAt)) {
					strictAt = p.order
				}
				mu.Unlock()
				if u.lines != nil {
					u.lines.report(u.order[1], err == nil && !r.broken)
				}
			}
		}()
	}
	wg.Wait()
	sort.Slice(parts, func(i, j int) bool { return orderLess(parts[i].order, parts[j].order) })
	rep.Rejected = append(rep.Rejected, gzRejected...)
	for _, p := range parts {
		if strictAt[0] >= 0 && orderLess(strictAt, p.order) {
			continue
		}
		rep.Rejected = append(rep.Rejected, p.rejected...)
		for t, n := range p.rejTable {
			rep.RejectedRows[t] += n
		}
		rep.Warnings = append(rep.Warnings, p.warnings...)
	}
	if readErr != nil {
		return nil, rep, readErr
	}
	if err := ctx.Err(); err != nil {
		return nil, rep, err
	}
	if opts.Strict && len(rep.Rejected) > 0 {
		return nil, rep, fmt.Errorf("%s", rep.Rejected[0])
	}
	ds := &Dataset{Tables: map[string]*column.Table{}}
	var order []string
	byTable := map[string][]*tableBuilder{}
	for _, p := range parts {
		for _, name := range p.names {
			if _, ok := byTable[name]; !ok {
				order = append(order, name)
			}
			byTable[name] = append(byTable[name], p.tables[name])
		}
	}
	for _, f := range files {
		if !f.store {
			continue
		}
		sds, _, err := readStore(ctx, f.path, workers, opts.Columns, opts.Dedup)
		if err != nil {
			return nil, rep, err
		}
		rep.Stores = append(rep.Stores, f.path)
		for _, name := range sds.Names() {
			t := sds.Tables[name]
			if opts.Progress != nil {
				opts.Progress.Rows.Add(int64(t.Rows()))
			}
			if old, ok := ds.Tables[name]; ok {
				t = appendTable(old, t)
			}
			ds.Tables[name] = t
		}
	}
	for _, name := range order {
		sch, _ := cat.Table(name)
		t := mergeTable(name, sch, byTable[name], rep)
		if old, ok := ds.Tables[name]; ok {
			t = appendTable(old, t)
		}
		ds.Tables[name] = t
	}
	seenIDs := map[string]map[string]struct{}{}
	for name, t := range ds.Tables {
		if opts.Dedup {
			if seenIDs[name] == nil {
				seenIDs[name] = map[string]struct{}{}
			}
			nt, n := dedupTable(t, seenIDs[name])
			if n > 0 {
				if rep.Deduped == nil {
					rep.Deduped = map[string]int{}
				}
				rep.Deduped[name] = n
				ds.Tables[name] = nt
				t = nt
			}
		}
		rep.Rows[name] = t.Rows()
	}
	return ds, rep, nil
}

// allStores reports whether every path is a table store.
func allStores(paths []string) bool {
	for _, p := range paths {
		if !IsStore(p) {
			return false
		}
	}
	return true
}

func orderLess(a, b [2]int) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// unit is one piece of work for a Load worker: a chunk of a file, or a whole file.
type unit struct {
	f        inputFile
	kind     int    // unitJSON, unitElems, unitCSV or unitReject
	order    [2]int // file index, chunk index
	data     []byte
	buf      []byte // data's whole buffer, to reuse when the unit is read
	end      int    // see reader.end
	lineBase int
	colBase  int       // 0-based column of data[0] in its line
	size     int       // bytes of the file the unit accounts for
	mode     int       // unitElems: the record shape of the elements
	csv      *csvHead  // unitCSV: the file's header
	warn     string    // a warning about the file, reported with the unit
	reason   string    // unitReject: the rejection
	lines    *lineCuts // the file's line cuts to check, or nil
	restart  *restart  // where the file can be read again from, when the unit starts at a line cut
}

// inputFile is one file to read.
type inputFile struct {
	path    string
	table   string // from an override or the file name; "" when neither names a table
	stem    string
	csv     bool
	parquet bool
	store   bool // a table store folder
}

var exts = []string{".jsonl", ".ndjson", ".json", ".csv", ".parquet"}

// listFiles expands paths into files and resolves each file's table name.
func listFiles(paths []string, overrides map[string]string, cat *schema.Catalog, rep *Report) ([]inputFile, error) {
	var out []inputFile
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		over := overrides[root]
		if info.IsDir() && IsStore(root) {
			out = append(out, inputFile{path: root, store: true})
			continue
		}
		if !info.IsDir() {
			f, ok := inputOf(root, over, cat)
			if !ok {
				return nil, fmt.Errorf("%s: unknown format: expected .json, .jsonl, .ndjson or .csv, optionally .gz, or .parquet", root)
			}
			out = append(out, f)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				if p != root && IsStore(p) {
					out = append(out, inputFile{path: p, store: true})
					return filepath.SkipDir
				}
				return nil
			}
			if f, ok := inputOf(p, over, cat); ok {
				out = append(out, f)
			} else if !strings.HasPrefix(d.Name(), ".") && !strings.EqualFold(filepath.Ext(p), ".md") {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: skipped: not a .json, .jsonl, .ndjson, .csv or .parquet file", p))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func inputOf(p, override string, cat *schema.Catalog) (inputFile, bool) {
	base := filepath.Base(p)
	name := strings.TrimSuffix(base, ".gz")
	lower := strings.ToLower(name)
	ext := ""
	for _, e := range exts {
		if strings.HasSuffix(lower, e) {
			ext = e
		}
	}
	if ext == "" {
		return inputFile{}, false
	}
	stem := name[:len(name)-len(ext)]
	if i := strings.IndexByte(stem, '.'); i > 0 {
		stem = stem[:i]
	}
	if ext == ".parquet" && name != base {
		return inputFile{}, false // compressed Parquet is not a format exports write
	}
	f := inputFile{path: p, stem: stem, table: override, csv: ext == ".csv", parquet: ext == ".parquet"}
	if f.table == "" {
		f.table = tableFromName(stem, cat)
	}
	return f, true
}

// tableFromName returns the longest prefix of stem, ending before a '_', '-', ' ' or the
// end, that names a table in cat (case-sensitive, as Kusto), or "".
func tableFromName(stem string, cat *schema.Catalog) string {
	for end := len(stem); end > 0; end-- {
		if end < len(stem) && !strings.ContainsRune("_- ", rune(stem[end])) {
			continue
		}
		if _, ok := cat.Table(stem[:end]); ok {
			return stem[:end]
		}
	}
	return ""
}

// isJSONLines reports whether data starts with a JSON object that ends its line and is
// not a records/value wrapper.
func isJSONLines(data []byte) bool {
	s := scanner{data: data}
	s.ws()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return false
	}
	r := reader{data: data}
	if k := r.firstKey(s.pos); k == "records" || k == "value" || strings.HasPrefix(k, "@odata") {
		return false
	}
	if _, _, _, _, err := s.value(); err != nil {
		return false
	}
	for s.pos < len(data) && (data[s.pos] == ' ' || data[s.pos] == '\t' || data[s.pos] == '\r') {
		s.pos++
	}
	return s.pos < len(data) && data[s.pos] == '\n'
}

// mergeTable joins the pieces of one table read by all workers into a column.Table: the
// schema's columns in schema order, then other columns in order of appearance, with
// inferred types.
func mergeTable(name string, sch *schema.Table, parts []*tableBuilder, rep *Report) *column.Table {
	t := &column.Table{Name: name}
	type extra struct {
		mask int
		file string
	}
	extras := map[string]*extra{}
	var cols []string
	seen := map[string]bool{}
	if sch != nil {
		for _, c := range sch.Columns {
			t.Schema = append(t.Schema, column.Field{Name: c.Name, Type: c.Type})
			seen[c.Name] = true
		}
	}
	for _, p := range parts {
		for _, c := range p.cols {
			if c.typ != types.Unknown || !c.used || seen[c.name] {
				continue
			}
			seen[c.name] = true
			cols = append(cols, c.name)
			extras[c.name] = &extra{file: p.file}
		}
		for k, n := range p.derived {
			rep.Derived[name+"."+k] += n
		}
	}
	for _, p := range parts {
		for ci, c := range p.cols {
			if c.typ != types.Unknown {
				continue
			}
			e := extras[c.name]
			if e == nil {
				continue
			}
			for _, ch := range p.chunks {
				if ci >= len(ch.raws) || ch.raws[ci] == nil {
					continue
				}
				r := ch.raws[ci]
				for i := 0; i < r.len(); i++ {
					e.mask |= classify(r.kinds[i], r.text(i))
				}
			}
		}
	}
	for _, c := range cols {
		e := extras[c]
		typ := inferType(e.mask)
		t.Schema = append(t.Schema, column.Field{Name: c, Type: typ})
		if sch != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: column %q is not in the %s schema; kept as %s", e.file, c, name, typ))
		}
	}
	if sch == nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("table %q has no schema; column types inferred", name))
	}
	bad := 0
	for _, p := range parts {
		for _, ch := range p.chunks {
			b := &column.Batch{Schema: t.Schema, Len: ch.n, Cols: make([]column.Vector, len(t.Schema))}
			for i, f := range t.Schema {
				ci, ok := p.index[f.Name]
				switch {
				case ok && ci < len(ch.vecs) && ch.vecs[ci] != nil:
					b.Cols[i] = ch.vecs[ci]
				case ok && ci < len(ch.raws) && ch.raws[ci] != nil:
					b.Cols[i] = buildRaw(ch.raws[ci], ch.n, f.Type, &bad)
				case ok && p.cols[ci].skip:
					b.Cols[i] = &column.Const{V: types.Value{Type: f.Type, Null: true}, N: ch.n}
				default:
					b.Cols[i] = buildRaw(nil, ch.n, f.Type, &bad)
				}
			}
			t.Batches = append(t.Batches, b)
		}
	}
	if bad > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("table %q: %d values did not convert to their inferred type and are null", name, bad))
	}
	return t
}
