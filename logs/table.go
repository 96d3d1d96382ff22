package logs

import (
	"fmt"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// kStrText marks a raw (type-inferred) value that was a JSON string, stored unescaped.
const kStrText kind = 100

// cell is one value of the row being assembled: a column and the value's token.
type cell struct {
	col int
	k   kind
	esc bool
	raw []byte
	v   val
}

// colState is one column of a tableBuilder: typed when the schema knows it, raw (its type
// inferred when the whole table has been read) otherwise.
type colState struct {
	name string
	typ  types.Type // types.Unknown for a raw column
	b    column.Builder
	raw  *rawVec
	used bool // a committed row had this column (columns seen only in rejected rows are dropped)
	// skip marks a column no caller reads (Options.Columns): its values are not kept.
	// check marks a skipped column whose values are still converted, so that a row
	// with a value that does not convert is rejected whichever columns are read.
	skip, check bool
}

// rawVec holds the values of a column whose type is not known yet: each value's kind and
// its text (unescaped for strings, compact for objects and arrays).
type rawVec struct {
	kinds []kind
	data  []byte
	offs  []uint32
}

func (r *rawVec) add(k kind, text []byte) {
	if len(r.offs) == 0 {
		r.offs = append(r.offs, 0)
	}
	r.kinds = append(r.kinds, k)
	r.data = append(r.data, text...)
	r.offs = append(r.offs, uint32(len(r.data)))
}

func (r *rawVec) len() int { return len(r.kinds) }

func (r *rawVec) text(i int) []byte { return r.data[r.offs[i]:r.offs[i+1]] }

// chunk is one finished batch of a tableBuilder, column by column (indexed like
// tableBuilder.cols; a column added later is missing or nil).
type chunk struct {
	n    int
	vecs []column.Vector
	raws []*rawVec
}

// derivation names a column filled from another when a row lacks it.
type derivation struct{ to, from string }

// tableBuilder assembles the rows of one table read by one worker from one file (or
// chunk of a file). Rows are given cell by cell and committed whole: a row with a value
// that does not convert is rejected without touching any column.
type tableBuilder struct {
	name      string
	file      string
	schema    *schema.Table
	cols      []*colState
	index     map[string]int
	rows      int // rows in the batch being built
	total     int
	batchSize int
	chunks    []*chunk

	cells []cell
	seq   []int // column of the key at each position of the previous row
	pos   int   // keys set in the current row
	// keep, when not nil, names the columns to build; others are skipped.
	keep map[string]bool
	// overflow names a column of the current row that could not be added.
	overflow string
	cellAt   []int
	stamp    []int
	rowID    int
	buf      []byte

	typeCol   int
	derive    []derivation
	deriveIdx [][2]int
	derived   map[string]int
}

// newTableBuilder returns a builder for table name read from file. reuse, when it holds
// one builder per schema column, supplies them: a worker hands the emptied builders of
// one unit to the next, so that string builders keep filling their arenas rather than
// start a new one for every chunk of a file.
func newTableBuilder(name, file string, sch *schema.Table, batchSize int, reuse []column.Builder) *tableBuilder {
	t := &tableBuilder{name: name, file: file, schema: sch, index: map[string]int{}, batchSize: batchSize, typeCol: -1, derived: map[string]int{}}
	if sch != nil {
		if len(reuse) != len(sch.Columns) {
			reuse = nil
		}
		for i, c := range sch.Columns {
			var b column.Builder
			if reuse != nil && reuse[i].Type() == c.Type && reuse[i].Len() == 0 {
				b = reuse[i]
			} else {
				b = column.NewBuilder(c.Type)
			}
			t.index[c.Name] = len(t.cols)
			t.cols = append(t.cols, &colState{name: c.Name, typ: c.Type, b: b})
		}
		if i, ok := t.index["Type"]; ok {
			t.typeCol = i
		}
		// Log Analytics sets TimeGenerated from the event time; exports that lack it
		// (portal CSV of some queries, Graph pages) carry the event time under its own name.
		for _, d := range []derivation{{"TimeGenerated", "CreatedDateTime"}, {"TimeGenerated", "ActivityDateTime"}} {
			to, ok1 := t.index[d.to]
			from, ok2 := t.index[d.from]
			if ok1 && ok2 {
				t.derive = append(t.derive, d)
				t.deriveIdx = append(t.deriveIdx, [2]int{to, from})
			}
		}
	}
	return t
}

// keepOnly makes t build only the named columns (see Options.Columns), the columns
// they derive from, and with dedup the record id; the others are skipped.
func (t *tableBuilder) keepOnly(cols []string, dedup bool) {
	t.keep = map[string]bool{}
	for _, c := range cols {
		t.keep[c] = true
	}
	if dedup {
		t.keep[RecordIDColumn(t.name)] = true
	}
	var derive []derivation
	var deriveIdx [][2]int
	for i, d := range t.derive {
		if t.keep[d.to] {
			t.keep[d.from] = true
			derive = append(derive, d)
			deriveIdx = append(deriveIdx, t.deriveIdx[i])
		}
	}
	t.derive, t.deriveIdx = derive, deriveIdx
	for _, c := range t.cols {
		c.skip = !t.keep[c.name]
		c.check = c.skip && c.typ != types.String && c.typ != types.Dynamic && c.typ != types.Unknown
	}
	if t.typeCol >= 0 && t.cols[t.typeCol].skip {
		t.typeCol = -1
	}
}

// colIndex returns the index of the named column, adding a raw column when new.
func (t *tableBuilder) colIndex(name []byte) int {
	if i, ok := t.index[string(name)]; ok {
		return i
	}
	if len(t.cols) >= maxColumns {
		return -1
	}
	if t.keep != nil && !t.keep[string(name)] {
		t.index[string(name)] = len(t.cols)
		t.cols = append(t.cols, &colState{name: string(name), skip: true})
		return len(t.cols) - 1
	}
	c := &colState{name: string(name), raw: &rawVec{}}
	for i := 0; i < t.rows; i++ {
		c.raw.add(kNull, nil)
	}
	t.index[c.name] = len(t.cols)
	t.cols = append(t.cols, c)
	return len(t.cols) - 1
}

// isDynamic reports whether the named column is a dynamic column of the schema.
func (t *tableBuilder) isDynamic(name string) bool {
	i, ok := t.index[name]
	return ok && t.cols[i].typ == types.Dynamic
}

// maxColumns bounds the columns of one table, so that rows with ever new keys cannot make
// loading quadratic.
const maxColumns = 2048

func (t *tableBuilder) beginRow() { t.cells, t.overflow, t.pos = t.cells[:0], "", 0 }

// set adds a value of column name to the row being assembled; a later value of the same
// column replaces an earlier one.
func (t *tableBuilder) set(name []byte, k kind, raw []byte, esc bool) {
	// Exports write every row's keys in the same order, so the column of the previous
	// row's key at this position is checked before the map.
	p := t.pos
	t.pos++
	var col int
	if p < len(t.seq) && t.cols[t.seq[p]].name == string(name) {
		col = t.seq[p]
	} else {
		col = t.colIndex(name)
		if col < 0 {
			if t.overflow == "" {
				t.overflow = string(name)
			}
			return
		}
		for len(t.seq) <= p {
			t.seq = append(t.seq, 0)
		}
		t.seq[p] = col
	}
	if c := t.cols[col]; c.skip && !c.check {
		return
	}
	t.cells = append(t.cells, cell{col: col, k: k, raw: raw, esc: esc})
}

// commitRow converts the row's cells and appends the row, or returns why it cannot.
func (t *tableBuilder) commitRow() error {
	if t.overflow != "" {
		return fmt.Errorf("column %q would make more than %d columns", t.overflow, maxColumns)
	}
	t.rowID++
	for len(t.stamp) < len(t.cols) {
		t.stamp = append(t.stamp, 0)
		t.cellAt = append(t.cellAt, 0)
	}
	for i := range t.cells {
		c := &t.cells[i]
		t.stamp[c.col] = t.rowID
		t.cellAt[c.col] = i
	}
	t.buf = t.buf[:0]
	for i := range t.cells {
		c := &t.cells[i]
		if t.cellAt[c.col] != i {
			continue // replaced by a later duplicate
		}
		col := t.cols[c.col]
		if col.raw != nil {
			c.v = rawText(c.k, c.raw, c.esc, &t.buf)
			continue
		}
		v, err := convert(col.typ, c.k, c.raw, c.esc, &t.buf)
		if err != nil {
			return fmt.Errorf("column %q: %v", col.name, err)
		}
		c.v = v
	}
	for j, d := range t.deriveIdx {
		to, from := d[0], d[1]
		if t.stamp[to] != t.rowID && t.stamp[from] == t.rowID && !t.cells[t.cellAt[from]].v.null {
			t.stamp[to] = t.rowID
			t.cellAt[to] = t.cellAt[from]
			t.derived[t.derive[j].to+" from "+t.derive[j].from]++
		}
	}
	for ci, col := range t.cols {
		if col.skip {
			continue
		}
		if t.stamp[ci] != t.rowID {
			if ci == t.typeCol {
				col.b.(*column.StringBuilder).AppendString(t.name)
				t.derived["Type from the table name"]++
				continue
			}
			if col.raw != nil {
				col.raw.add(kNull, nil)
			} else {
				col.b.AppendNull()
			}
			continue
		}
		c := &t.cells[t.cellAt[ci]]
		if col.raw != nil {
			k := c.k
			if k == kString {
				k = kStrText
			}
			col.raw.add(k, t.buf[c.v.s0:c.v.s1])
			col.used = true
			continue
		}
		appendVal(col.b, c.v, t.buf)
	}
	t.rows++
	t.total++
	if t.rows >= t.batchSize {
		t.flush()
	}
	return nil
}

// rawText stores a value of a raw column: strings unescaped, objects compact.
func rawText(k kind, raw []byte, esc bool, buf *[]byte) val {
	v := val{s0: len(*buf)}
	switch k {
	case kNull:
		v.null = true
	case kString:
		if esc {
			*buf = unescape(*buf, raw[1:len(raw)-1])
		} else {
			*buf = append(*buf, raw[1:len(raw)-1]...)
		}
	case kObject, kArray:
		*buf = compact(*buf, raw)
	default:
		*buf = append(*buf, raw...)
	}
	v.s1 = len(*buf)
	return v
}

func appendVal(b column.Builder, v val, buf []byte) {
	if v.null {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *column.StringBuilder:
		b.AppendBytes(buf[v.s0:v.s1])
	case *column.DynamicBuilder:
		b.AppendRawJSON(buf[v.s0:v.s1])
	case *column.IntBuilder:
		b.AppendInt64(v.i)
	case *column.RealBuilder:
		b.AppendFloat64(v.f)
	case *column.BoolBuilder:
		b.AppendBool(v.b)
	case *column.GUIDBuilder:
		b.AppendGUID(v.g)
	case *column.DecimalBuilder:
		b.AppendDecimal(string(buf[v.s0:v.s1]))
	default:
		b.AppendNull()
	}
}

// builders returns the (empty, after flush) builders of the schema's columns, for
// [newTableBuilder] to reuse.
func (t *tableBuilder) builders() []column.Builder {
	if t.schema == nil || t.rows != 0 {
		return nil
	}
	out := make([]column.Builder, len(t.schema.Columns))
	for i := range out {
		out[i] = t.cols[i].b
	}
	return out
}

// flush finishes the batch being built.
func (t *tableBuilder) flush() {
	if t.rows == 0 {
		return
	}
	ch := &chunk{n: t.rows, vecs: make([]column.Vector, len(t.cols)), raws: make([]*rawVec, len(t.cols))}
	for i, c := range t.cols {
		if c.skip {
			continue
		}
		if c.raw != nil {
			ch.raws[i] = c.raw
			c.raw = &rawVec{}
		} else {
			ch.vecs[i] = c.b.Build()
		}
	}
	t.chunks = append(t.chunks, ch)
	t.rows = 0
}

// inference classes of raw values.
const (
	clsBool = 1 << iota
	clsLong
	clsReal
	clsDateTime
	clsDynamic
	clsString
)

func classify(k kind, text []byte) int {
	switch k {
	case kNull:
		return 0
	case kTrue, kFalse:
		return clsBool
	case kNumber:
		if _, ok := parseInt(text); ok {
			return clsLong
		}
		return clsReal
	case kObject, kArray:
		return clsDynamic
	case kStrText:
		if len(text) == 0 {
			return 0
		}
		if _, ok := parseISO(text); ok {
			return clsDateTime
		}
		return clsString
	}
	// kText: a CSV field.
	s := strings.TrimSpace(string(text))
	switch {
	case s == "":
		return 0
	case strings.EqualFold(s, "true") || strings.EqualFold(s, "false"):
		return clsBool
	}
	if _, ok := parseInt([]byte(s)); ok {
		return clsLong
	}
	if c := s[0]; (c >= '0' && c <= '9' || c == '-' || c == '.') && isNumberText(s) {
		return clsReal
	}
	if _, ok := parseISO([]byte(s)); ok {
		return clsDateTime
	}
	if isPortalDateTime(s) {
		if _, ok := parseDateTime([]byte(s)); ok {
			return clsDateTime
		}
	}
	if (s[0] == '{' || s[0] == '[') && validJSON([]byte(s)) {
		return clsDynamic
	}
	return clsString
}

func isNumberText(s string) bool {
	_, ok := parseReal([]byte(s))
	return ok
}

// isPortalDateTime reports whether s looks like the Log Analytics portal's CSV datetime
// format, "4/19/2021, 12:13:19.483 PM".
func isPortalDateTime(s string) bool {
	i := strings.Index(s, ", ")
	return i >= 8 && i <= 10 && strings.Count(s[:i], "/") == 2 && (strings.HasSuffix(s, " AM") || strings.HasSuffix(s, " PM"))
}

func inferType(mask int) types.Type {
	switch {
	case mask == clsBool:
		return types.Bool
	case mask == clsLong:
		return types.Long
	case mask&^(clsLong|clsReal) == 0 && mask != 0:
		return types.Real
	case mask == clsDateTime:
		return types.DateTime
	case mask&clsDynamic != 0:
		return types.Dynamic
	}
	return types.String
}

// buildRaw converts a raw column to type t. Values that do not convert (which inference
// rules out) become nulls and are counted in bad.
func buildRaw(r *rawVec, n int, t types.Type, bad *int) column.Vector {
	b := column.NewBuilder(t)
	var buf []byte
	for i := 0; i < n; i++ {
		if r == nil || i >= r.len() {
			b.AppendNull()
			continue
		}
		k, text := r.kinds[i], r.text(i)
		buf = buf[:0]
		var v val
		var err error
		switch {
		case k == kNull:
			v.null = true
		case k == kStrText && t == types.Dynamic:
			tr := strings.TrimSpace(string(text))
			if len(tr) > 0 && (tr[0] == '{' || tr[0] == '[') && validJSON([]byte(tr)) {
				buf = compact(buf, []byte(tr))
			} else {
				buf = types.AppendJSONString(buf, string(text))
			}
			v.s1 = len(buf)
		case k == kStrText:
			if t == types.String {
				buf = append(buf, text...)
				v.s1 = len(buf)
			} else {
				v, err = convert(t, kText, text, false, &buf)
			}
		default:
			v, err = convert(t, k, text, false, &buf)
		}
		if err != nil {
			*bad++
			v = val{null: true}
		}
		appendVal(b, v, buf)
	}
	return b.Build()
}
