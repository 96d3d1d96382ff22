package logs

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unsafe"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/schema"
)

// record shapes.
const (
	modeUnknown  = iota
	modeLA       // Log Analytics rows: keys are column names
	modeEnvelope // diagnostic-settings envelope: time, category, properties{...}
	modeGraph    // Microsoft Graph objects: camelCase properties
)

// part is what one worker read from one file or chunk of a file.
type part struct {
	file     string
	order    [2]int // file index, chunk index
	tables   map[string]*tableBuilder
	names    []string // table names in order of first row
	rejected []Rejection
	rejTable map[string]int
	warnings []string
	size     int // bytes of the file the unit accounted for
	rows     int // rows read
}

// reader reads one unit of work (a file or a chunk of a JSON-lines file) into a part.
type reader struct {
	ctx       context.Context
	cat       *schema.Catalog
	batchSize int
	p         *part
	hint      string // table named by --table or the file name, or ""
	stem      string // file name without extensions, the table name of last resort
	data      []byte
	lineBase  int // line number of data[0]
	colBase   int // 0-based column of data[0] in its line
	// end, when not 0, is where the records of this unit end: data goes on with a few
	// lines of the next chunk so that a record broken across a cut reads as it would
	// in one piece, but records starting there belong to the next unit.
	end      int
	lineOff  int // memo for lineAt: offset and line of a known position
	lineNo   int
	mode     int
	progress *Progress
	lastType string // the last Type that named a known table
	reuse    map[string][]column.Builder
	columns  map[string][]string // Options.Columns
	dedup    bool
	inArray  bool // recovering from a syntax error inside a top-level array
	members  []member
	scratch  []byte
	broken   bool // a syntax error was rejected
}

// member is one top-level member of a JSON object.
type member struct {
	key    []byte
	k      kind
	raw    []byte
	esc    bool
	keyEsc bool
}

func (r *reader) lineAt(off int) int {
	if off < r.lineOff {
		r.lineOff, r.lineNo = 0, 0
	}
	r.lineNo += bytes.Count(r.data[r.lineOff:off], []byte{'\n'})
	r.lineOff = off
	return r.lineBase + r.lineNo
}

func (r *reader) reject(table string, line int, reason string) {
	r.p.rejected = append(r.p.rejected, Rejection{File: r.p.file, Line: line, Reason: reason})
	r.p.rejTable[table]++
}

func (r *reader) table(name string) *tableBuilder {
	if t, ok := r.p.tables[name]; ok {
		return t
	}
	var sch *schema.Table
	if r.cat != nil {
		sch, _ = r.cat.Table(name)
	}
	t := newTableBuilder(name, r.p.file, sch, r.batchSize, r.reuse[name])
	if cols, ok := r.columns[name]; ok {
		t.keepOnly(cols, r.dedup)
	}
	r.p.tables[name] = t
	r.p.names = append(r.p.names, name)
	return t
}

// readJSON reads JSON lines, a JSON array of records, an Event Hub capture
// ({"records":[...]}) or a Graph page ({"value":[...]}).
func (r *reader) readJSON() error {
	s := &scanner{data: r.data}
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		s.ws()
		if s.pos >= len(s.data) || r.end > 0 && s.pos >= r.end {
			return nil
		}
		start := s.pos
		switch s.data[start] {
		case '{':
			if key := r.firstKey(start); key == "records" || key == "value" || strings.HasPrefix(key, "@odata") {
				if r.wrapper(s) {
					continue
				}
				s.pos = start
			}
			k, st, end, _, err := s.value()
			if err != nil {
				r.syntaxReject(s, start, err)
				continue
			}
			_ = k
			r.record(st, end, modeUnknown)
		case '[':
			s.pos++
			first := true
			for {
				at := s.pos
				ok, err := s.nextElem(&first)
				if err != nil {
					r.syntaxReject(s, at, err)
					r.inArray = true
					break
				}
				if !ok {
					break
				}
				k, st, end, _, err := s.value()
				if err != nil {
					r.syntaxReject(s, st, err)
					r.inArray = true
					break
				}
				if k != kObject {
					r.reject(r.hint, r.lineAt(st), fmt.Sprintf("expected a JSON object, found a JSON %s", kindName(k)))
					continue
				}
				r.record(st, end, modeUnknown)
			}
		case ',', ']':
			if r.inArray {
				// Resynchronised inside a broken array: its separators and end follow.
				s.pos++
				continue
			}
			fallthrough
		default:
			err := s.errorf("expected '{' or '[', found %s", s.found())
			r.syntaxReject(s, start, err)
		}
	}
}

// syntaxReject records a syntax error and moves s to the next line that starts a JSON
// object or array, so one broken record does not hide the ones after it.
func (r *reader) syntaxReject(s *scanner, start int, err error) {
	r.rejectSyntax(start, err)
	if i := nextRecordLine(r.data, start); i >= 0 {
		s.pos = i
	} else {
		s.pos = len(r.data)
	}
}

// rejectSyntax records a syntax error in the record starting at data[start]: the
// rejection is at the record's line, and its reason gives the error's line and column.
func (r *reader) rejectSyntax(start int, err error) {
	r.broken = true
	off := start
	var se *syntaxError
	if errors.As(err, &se) {
		off = se.off
	}
	line := r.lineAt(start)
	errLine := r.lineAt(off)
	col := off - bytes.LastIndexByte(r.data[:off], '\n')
	if col == off+1 {
		col += r.colBase
	}
	r.reject(r.hint, line, fmt.Sprintf("%d:%d: %v", errLine, col, err))
}

// readElems reads a run of elements of a streamed JSON array (a unitElems unit): data
// holds elements separated by ',' up to r.end, where the run ends at a ',' (more
// elements follow in the next unit), at the array's ']', at a record after a broken
// element (see skipElem), or at the end of the file (a truncated file). Each element is validated and read as a record of the given shape.
func (r *reader) readElems(mode int) error {
	s := &scanner{data: r.data}
	end := r.end
	ok := true // the last element read well
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		s.ws()
		at := s.pos
		if at >= end {
			// An empty element: "[1,]", or the file ends after '[' or ','.
			s.pos = end
			r.rejectSyntax(at, s.errorf("expected a JSON value, found %s", s.found()))
			return nil
		}
		k, st, en, _, err := s.value()
		if err == nil {
			s.ws()
			if s.pos > end || s.pos < end && r.data[s.pos] != ',' {
				err = s.errorf("expected ',' or ']', found %s", s.found())
			}
		}
		if err != nil {
			// Go on after the element, where the splitter ended it.
			r.rejectSyntax(st, err)
			ok = false
			e := skipElem(r.data[:end], at)
			if e >= end || r.data[e] == ']' {
				// ']' before end only in a unit cut at a line that is not an
				// element's (see lineCuts): the unit is read again.
				return nil
			}
			s.pos = e
			if r.data[e] == ',' {
				s.pos++
			}
			continue
		}
		ok = true
		if k != kObject {
			r.reject(r.hint, r.lineAt(st), fmt.Sprintf("expected a JSON object, found a JSON %s", kindName(k)))
		} else {
			r.record(st, en, mode)
		}
		if s.pos >= end {
			break
		}
		s.pos++ // the ',' (checked above)
	}
	if ok && end == len(r.data) {
		// The file ends after a complete element, before the array's ']'.
		r.rejectSyntax(end, s.errorf("expected ',' or ']', found end of input"))
	}
	return nil
}

// firstKey returns the first member name of the object at off, or "".
func (r *reader) firstKey(off int) string {
	s := scanner{data: r.data, pos: off + 1}
	first := true
	key, _, ok, err := s.nextKey(&first)
	if err != nil || !ok {
		return ""
	}
	return string(key)
}

// wrapper reads an object whose "records" (Event Hub capture) or "value" (Graph page)
// member holds the records. It reports false, consuming nothing, when the object is not
// such a wrapper.
func (r *reader) wrapper(s *scanner) bool {
	start := s.pos
	_, _, end, _, err := s.value()
	if err != nil {
		s.pos = start
		return false
	}
	w := scanner{data: r.data[:end], pos: start + 1}
	first := true
	var arr []byte
	arrStart := 0
	mode := modeUnknown
	for {
		key, _, ok, err := w.nextKey(&first)
		if err != nil || !ok {
			break
		}
		k, st, en, _, err := w.value()
		if err != nil {
			break
		}
		if k == kArray && (string(key) == "records" || string(key) == "value") {
			arr, arrStart = r.data[st:en], st
			mode = modeEnvelope
			if string(key) == "value" {
				mode = modeGraph
			}
		}
	}
	if arr == nil {
		s.pos = start
		return false
	}
	a := scanner{data: r.data[:arrStart+len(arr)], pos: arrStart + 1}
	first = true
	for {
		ok, _ := a.nextElem(&first)
		if !ok {
			break
		}
		k, st, en, _, _ := a.value()
		if k != kObject {
			r.reject(r.hint, r.lineAt(st), fmt.Sprintf("expected a JSON object, found a JSON %s", kindName(k)))
			continue
		}
		r.record(st, en, mode)
	}
	s.pos = end
	return true
}

// members fills r.members with the top-level members of the validated object [start, end).
func (r *reader) readMembers(start, end int) {
	r.members = r.members[:0]
	s := scanner{data: r.data[:end], pos: start + 1}
	first := true
	for {
		key, kesc, ok, err := s.nextKey(&first)
		if err != nil || !ok {
			return
		}
		k, st, en, esc, err := s.value()
		if err != nil {
			return
		}
		r.members = append(r.members, member{key: key, keyEsc: kesc, k: k, raw: r.data[st:en], esc: esc})
	}
}

// keyText returns a member name, unescaped when needed.
func (r *reader) keyText(m *member) []byte {
	if !m.keyEsc {
		return m.key
	}
	r.scratch = unescape(r.scratch[:0], m.key)
	return r.scratch
}

func (r *reader) classify() int {
	var hasCategory, hasProps, hasTG, hasGraphTime bool
	for i := range r.members {
		switch m := &r.members[i]; string(m.key) {
		case "category":
			hasCategory = m.k == kString
		case "properties":
			hasProps = m.k == kObject
		case "TimeGenerated":
			hasTG = true
		case "createdDateTime", "activityDateTime":
			hasGraphTime = true
		}
	}
	switch {
	case hasTG:
		return modeLA
	case hasCategory && hasProps:
		return modeEnvelope
	case hasGraphTime:
		return modeGraph
	}
	return modeLA
}

// record reads one record, the validated JSON object [start, end).
func (r *reader) record(start, end int, mode int) {
	if mode == modeUnknown {
		mode = r.mode
	}
	if mode == modeUnknown {
		r.readMembers(start, end)
		mode = r.classify()
		r.mode = mode
	}
	var t *tableBuilder
	switch mode {
	case modeLA:
		name := r.hint
		if name == "" {
			name = r.rowTable(start, end)
		}
		t = r.table(name)
		t.beginRow()
		s := scanner{data: r.data[:end], pos: start + 1}
		first := true
		for {
			key, kesc, ok, err := s.nextKey(&first)
			if err != nil || !ok {
				break
			}
			k, st, en, esc, _ := s.value()
			if kesc {
				key = unescape(nil, key)
			}
			t.set(key, k, r.data[st:en], esc)
		}
	case modeEnvelope:
		r.readMembers(start, end)
		name := r.hint
		for _, m := range r.members {
			if string(m.key) == "category" && m.k == kString {
				cat := string(m.raw[1 : len(m.raw)-1])
				if name = categoryTable(cat); name == "" {
					name = cat
				}
			}
		}
		if name == "" {
			name = r.stem
		}
		t = r.table(name)
		t.beginRow()
		for i := range r.members {
			m := &r.members[i]
			if string(m.key) == "properties" && m.k == kObject {
				r.graphMembers(t, m.raw)
				continue
			}
			t.set([]byte(envelopeColumn(string(r.keyText(m)))), m.k, m.raw, m.esc)
		}
	case modeGraph:
		name := r.hint
		if name == "" {
			name = r.stem
		}
		t = r.table(name)
		t.beginRow()
		r.graphMembers(t, r.data[start:end])
	}
	if err := t.commitRow(); err != nil {
		r.reject(t.name, r.lineAt(start), err.Error())
	}
}

// rowTable returns the table of the Log Analytics row [start, end) in a file whose name
// names no table: the row's Type when the catalog knows that table, else the file stem.
// Each row is routed on its own, so query results that mix tables (union exports) land
// in their tables.
func (r *reader) rowTable(start, end int) string {
	s := scanner{data: r.data[:end], pos: start + 1}
	first := true
	for {
		key, _, ok, err := s.nextKey(&first)
		if err != nil || !ok {
			return r.stem
		}
		k, st, en, esc, err := s.value()
		if err != nil {
			return r.stem
		}
		if string(key) != "Type" || k != kString || esc || r.cat == nil {
			continue
		}
		name := r.data[st+1 : en-1]
		if r.lastType != "" && string(name) == r.lastType {
			return r.lastType
		}
		if _, ok := r.cat.Table(string(name)); ok {
			r.lastType = string(name)
			return r.lastType
		}
		return r.stem
	}
}

// graphMembers sets the columns of t from the Graph-shaped object obj.
func (r *reader) graphMembers(t *tableBuilder, obj []byte) {
	s := scanner{data: obj, pos: 1}
	first := true
	for {
		key, kesc, ok, err := s.nextKey(&first)
		if err != nil || !ok {
			return
		}
		k, st, en, esc, _ := s.value()
		if kesc {
			key = unescape(nil, key)
		}
		raw := obj[st:en]
		t.set([]byte(graphColumn(t.name, string(key))), k, raw, esc)
		if string(key) == "status" && k == kObject {
			ss := scanner{data: raw, pos: 1}
			f := true
			for {
				sk, _, ok, err := ss.nextKey(&f)
				if err != nil || !ok {
					break
				}
				sk2, sst, sen, sesc, _ := ss.value()
				if col := statusColumn(string(sk)); col != "" {
					t.set([]byte(col), sk2, raw[sst:sen], sesc)
				}
			}
		}
	}
}

// readCSV reads a whole CSV file with a header row, as the Log Analytics portal exports.
// Load streams CSV files instead (splitCSV, readCSVRows); this reads one in one piece.
func (r *reader) readCSV() error {
	hdrEnd := csvRecordEnd(r.data, skipBlankLines(r.data, 0))
	if hdrEnd < 0 {
		hdrEnd = len(r.data)
	}
	header, err := readCSVRecord(r.data[:hdrEnd])
	if err != nil {
		if err != io.EOF {
			r.reject(r.hint, 1, fmt.Sprintf("header: %v", err))
		}
		return nil
	}
	firstEnd := csvRecordEnd(r.data, skipBlankLines(r.data, hdrEnd))
	if firstEnd < 0 {
		firstEnd = len(r.data)
	}
	first, _ := readCSVRecord(r.data[hdrEnd:firstEnd])
	h := &csvHead{names: csvNames(header)}
	h.table, h.warn = csvTable(r.hint, r.stem, r.p.file, r.cat, h.names, first)
	if h.warn != "" {
		r.p.warnings = append(r.p.warnings, h.warn)
	}
	r.lineBase += bytes.Count(r.data[:hdrEnd], []byte{'\n'})
	r.data = r.data[hdrEnd:]
	return r.readCSVRows(h)
}

// readCSVRecord reads the first record of b.
func readCSVRecord(b []byte) ([]string, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	return cr.Read()
}

// readCSVRows reads CSV records (data starts at a record, after the file's header) into
// the tables h decides.
func (r *reader) readCSVRows(h *csvHead) error {
	cr := csv.NewReader(bytes.NewReader(r.data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	names, name := h.names, h.table
	lineOff := r.lineBase - 1
	var sch *schema.Table
	if r.cat != nil {
		sch, _ = r.cat.Table(name)
	}
	// A union export holds rows of several tables, each with its Type: such a row goes
	// to its own table when most of its values are columns of that table.
	typeIdx := -1
	if r.hint == "" && r.cat != nil {
		for i, n := range names {
			if n == "Type" {
				typeIdx = i
			}
		}
	}
	type target struct {
		t      *tableBuilder
		sch    *schema.Table
		cols   []string
		pairs  map[int]int
		routed bool
	}
	targets := map[string]*target{}
	targetOf := func(table string, sch *schema.Table) *target {
		tg := targets[table]
		if tg == nil {
			tg = &target{t: r.table(table), sch: sch, routed: sch != nil && typeIdx >= 0}
			tg.cols, tg.pairs = csvColumns(names, sch)
			targets[table] = tg
		}
		return tg
	}
	fileTarget := func() *target { return targetOf(name, sch) }
	route := func(rec []string) *target {
		if typeIdx < 0 || rec[typeIdx] == name || rec[typeIdx] == "" {
			return fileTarget()
		}
		if tg, ok := targets[rec[typeIdx]]; ok {
			return tg
		}
		other, ok := r.cat.Table(rec[typeIdx])
		if !ok {
			return fileTarget()
		}
		known, set := 0, 0
		for i, f := range rec {
			if f == "" {
				continue
			}
			set++
			n := strings.TrimSuffix(strings.TrimSuffix(names[i], "_dynamic"), "_string")
			if _, ok := other.Column(n); ok {
				known++
			}
		}
		if 2*known < set {
			return fileTarget()
		}
		return targetOf(other.Name, other)
	}
	row := func(rec []string, line int) {
		if len(rec) != len(names) {
			r.reject(name, line, fmt.Sprintf("expected %d fields, found %d", len(names), len(rec)))
			return
		}
		tg := route(rec)
		t, cols, pairs := tg.t, tg.cols, tg.pairs
		t.beginRow()
		for i, f := range rec {
			if cols[i] == "" {
				continue
			}
			if tg.routed && f == "" {
				// An empty field of a column the schema lacks is another table's
				// column in a union export: leave it out rather than add a column
				// (an empty field and an absent one read the same).
				if _, ok := tg.sch.Column(cols[i]); !ok {
					continue
				}
			}
			if p, ok := pairs[i]; ok {
				if f == "" {
					f = rec[p] // X_dynamic empty: take X_string
				} else if s := rec[p]; s != "" {
					// Both set: keep X_string as a column of its own rather than lose it.
					t.set([]byte(names[p]), kText, unsafe.Slice(unsafe.StringData(s), len(s)), false)
				}
			}
			t.set([]byte(cols[i]), kText, unsafe.Slice(unsafe.StringData(f), len(f)), false)
		}
		if err := t.commitRow(); err != nil {
			r.reject(t.name, line, err.Error())
		}
	}
	rec, err := cr.Read()
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			r.reject(name, lineOff+pe.StartLine, pe.Err.Error())
		} else if err != nil {
			return err
		} else {
			line, _ := cr.FieldPos(0)
			row(rec, lineOff+line)
		}
		rec, err = cr.Read()
	}
}

// csvColumns maps CSV header names to columns. The portal exports a column that changed
// type as a pair "X_dynamic", "X_string": the pair becomes column X, taking X_dynamic and,
// when that is empty, X_string (pairs maps the X_dynamic field to the X_string field). A
// row with both set keeps X_string in a column of that name.
func csvColumns(names []string, sch *schema.Table) (cols []string, pairs map[int]int) {
	cols = append([]string(nil), names...)
	pairs = map[int]int{}
	if sch == nil {
		return cols, pairs
	}
	for i, n := range names {
		base, ok := strings.CutSuffix(n, "_dynamic")
		if !ok {
			continue
		}
		if _, known := sch.Column(n); known {
			continue
		}
		if _, known := sch.Column(base); !known {
			continue
		}
		cols[i] = base
		for j, m := range names {
			if m == base+"_string" {
				pairs[i] = j
				cols[j] = ""
			}
		}
	}
	return cols, pairs
}
