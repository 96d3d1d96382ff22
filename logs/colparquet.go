package logs

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
)

// The store keeps each table as Parquet files holding the typed columns exactly:
//
//	bool      BOOLEAN, optional
//	int       INT32, optional
//	long      INT64, optional
//	real      DOUBLE, optional
//	datetime  INT64 of 100 ns ticks since 1970-01-01 (Parquet timestamps cannot hold
//	          every KQL datetime at 100 ns), optional
//	timespan  INT64 of 100 ns ticks, optional
//	string    BYTE_ARRAY (STRING), required (KQL strings are never null); dictionary
//	          encoded when the table's first batch was
//	dynamic   BYTE_ARRAY (JSON) holding compact JSON text, optional
//	guid      FIXED_LEN_BYTE_ARRAY(16) (UUID), optional
//	decimal   BYTE_ARRAY (STRING) holding the exact decimal text, optional
//
// One row group holds one batch, so a dictionary-encoded string column reads back as a
// dictionary-encoded vector without re-hashing its values.

// parquetNode returns the store's Parquet node for a column of type t.
func parquetNode(t types.Type, dict bool) parquet.Node {
	switch t {
	case types.Bool:
		return parquet.Optional(parquet.Leaf(parquet.BooleanType))
	case types.Int:
		return parquet.Optional(parquet.Int(32))
	case types.Long, types.DateTime, types.TimeSpan:
		return parquet.Optional(parquet.Int(64))
	case types.Real:
		return parquet.Optional(parquet.Leaf(parquet.DoubleType))
	case types.String:
		if dict {
			return parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
		}
		return parquet.String()
	case types.Dynamic:
		return parquet.Optional(parquet.JSON())
	case types.GUID:
		return parquet.Optional(parquet.UUID())
	case types.Decimal:
		return parquet.Optional(parquet.String())
	}
	panic(fmt.Sprintf("internal error: no Parquet node for type %s", t))
}

// writeTableParquet writes the batches of t to w as one Parquet file, one row group per
// batch.
func writeTableParquet(ctx context.Context, w io.Writer, t *column.Table) error {
	group := parquet.Group{}
	for i, f := range t.Schema {
		dict := false
		if len(t.Batches) > 0 {
			if s, ok := t.Batches[0].Cols[i].(*column.Strings); ok && s.IsDict() {
				dict = true
			}
		}
		group[f.Name] = parquetNode(f.Type, dict)
	}
	sch := parquet.NewSchema(t.Name, group)
	leaf := make([]int, len(t.Schema))
	for i, f := range t.Schema {
		lc, ok := sch.Lookup(f.Name)
		if !ok {
			return fmt.Errorf("internal error: column %q missing from its Parquet schema", f.Name)
		}
		leaf[i] = lc.ColumnIndex
	}
	pw := parquet.NewWriter(w, sch, parquet.Compression(&parquet.Snappy), parquet.CreatedBy("socfeed", "", ""),
		parquet.DataPageStatistics(false))
	var vals []parquet.Value
	for _, b := range t.Batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		if b.Len == 0 {
			continue
		}
		cws := pw.ColumnWriters()
		for i, f := range t.Schema {
			vals = columnValues(vals[:0], b.Cols[i], f.Type, leaf[i])
			if _, err := cws[leaf[i]].WriteRowValues(vals); err != nil {
				return fmt.Errorf("column %q: %w", f.Name, err)
			}
		}
		if err := pw.Flush(); err != nil {
			return err
		}
	}
	return pw.Close()
}

// columnValues appends the values of v as Parquet values of leaf column col.
func columnValues(dst []parquet.Value, v column.Vector, t types.Type, col int) []parquet.Value {
	n := v.Len()
	null := func() parquet.Value { return parquet.NullValue().Level(0, 0, col) }
	switch v := v.(type) {
	case *column.Strings:
		for i := 0; i < n; i++ {
			s := v.Str(i)
			dst = append(dst, parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))).Level(0, 0, col))
		}
		return dst
	case *column.Ints:
		for i, x := range v.Vals {
			switch {
			case v.Nulls.Get(i):
				dst = append(dst, null())
			case t == types.Int:
				dst = append(dst, parquet.Int32Value(int32(x)).Level(0, 1, col))
			default:
				dst = append(dst, parquet.Int64Value(x).Level(0, 1, col))
			}
		}
		return dst
	case *column.Reals:
		for i, x := range v.Vals {
			if v.Nulls.Get(i) {
				dst = append(dst, null())
			} else {
				dst = append(dst, parquet.DoubleValue(x).Level(0, 1, col))
			}
		}
		return dst
	case *column.Bools:
		for i, x := range v.Vals {
			if v.Nulls.Get(i) {
				dst = append(dst, null())
			} else {
				dst = append(dst, parquet.BooleanValue(x).Level(0, 1, col))
			}
		}
		return dst
	case *column.Dynamics:
		for i := 0; i < n; i++ {
			if v.Nulls.Get(i) {
				dst = append(dst, null())
			} else {
				dst = append(dst, parquet.ByteArrayValue(v.Raw(i)).Level(0, 1, col))
			}
		}
		return dst
	case *column.GUIDs:
		for i := range v.Vals {
			if v.Nulls.Get(i) {
				dst = append(dst, null())
			} else {
				dst = append(dst, parquet.FixedLenByteArrayValue(v.Vals[i][:]).Level(0, 1, col))
			}
		}
		return dst
	case *column.Decimals:
		for i, s := range v.Vals {
			if v.Nulls.Get(i) {
				dst = append(dst, null())
			} else {
				dst = append(dst, parquet.ByteArrayValue([]byte(s)).Level(0, 1, col))
			}
		}
		return dst
	}
	// Any other vector (constants, unknown-typed nulls): go through boxed values.
	for i := 0; i < n; i++ {
		x := v.Value(i)
		if x.Type != t {
			x = types.Convert(x, t)
		}
		b := column.NewBuilder(t)
		b.Append(x)
		dst = columnValues(dst, b.Build(), t, col)
	}
	return dst
}

// readTableParquet reads a Parquet file written by [writeTableParquet]; fields gives the
// columns to read, in order, with their types. Columns the file lacks read as nulls; a
// column stored with another type is converted value by value. The file must hold rows
// rows, as the manifest says. Row groups are read on up to workers goroutines.
// keep, when not nil, names the columns to read; the others are all null.
func readTableParquet(ctx context.Context, path, name string, fields []column.Field, stored map[string]types.Type, rows, workers int, keep map[string]bool) (tab *column.Table, err error) {
	defer func() {
		if e := recover(); e != nil {
			tab, err = nil, fmt.Errorf("%s: damaged file: %v", path, e)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := openParquet(f, info.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if pf.NumRows() != int64(rows) {
		return nil, fmt.Errorf("%s: expected %d rows, found %d", path, rows, pf.NumRows())
	}
	t := &column.Table{Name: name, Schema: fields}
	leaf := make([]int, len(fields))
	for i, fd := range fields {
		leaf[i] = -1
		if keep != nil && !keep[fd.Name] {
			leaf[i] = skipLeaf
		} else if c := pf.Root().Column(fd.Name); c != nil && c.Leaf() {
			leaf[i] = c.Index()
		}
	}
	rgs := pf.RowGroups()
	t.Batches = make([]*column.Batch, len(rgs))
	errs := make([]error, len(rgs))
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for w := 0; w < max(1, min(workers, len(rgs))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				g := int(next.Add(1) - 1)
				if g >= len(rgs) || ctx.Err() != nil {
					return
				}
				t.Batches[g], errs[g] = readRowGroup(rgs[g], path, fields, leaf, stored)
				if errs[g] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// readRowGroup reads one row group (one batch) of a store file. The Parquet library
// panics on some damaged files; that becomes an error.
func readRowGroup(rg parquet.RowGroup, path string, fields []column.Field, leaf []int, stored map[string]types.Type) (b *column.Batch, err error) {
	defer func() {
		if e := recover(); e != nil {
			b, err = nil, fmt.Errorf("%s: damaged file: %v", path, e)
		}
	}()
	n := int(rg.NumRows())
	b = &column.Batch{Schema: fields, Len: n, Cols: make([]column.Vector, len(fields))}
	chunks := rg.ColumnChunks()
	for i, fd := range fields {
		st, ok := stored[fd.Name]
		if leaf[i] == skipLeaf {
			b.Cols[i] = &column.Const{V: types.Value{Type: fd.Type, Null: true}, N: n}
			continue
		}
		if leaf[i] < 0 || !ok {
			b.Cols[i] = nullVector(fd.Type, n)
			continue
		}
		v, err := readColumnChunk(chunks[leaf[i]], st, n)
		if err != nil {
			return nil, fmt.Errorf("%s: column %q: %v", path, fd.Name, err)
		}
		if st != fd.Type {
			v = convertVector(v, fd.Type)
		}
		b.Cols[i] = v
	}
	return b, nil
}

// skipLeaf marks a column that readTableParquet does not read.
const skipLeaf = -2

func nullVector(t types.Type, n int) column.Vector {
	b := column.NewBuilder(t)
	for i := 0; i < n; i++ {
		b.AppendNull()
	}
	return b.Build()
}

// convertVector converts every value of v to type t, as the KQL to<type>() functions do.
func convertVector(v column.Vector, t types.Type) column.Vector {
	b := column.NewBuilder(t)
	for i := 0; i < v.Len(); i++ {
		b.Append(types.Convert(v.Value(i), t))
	}
	return b.Build()
}

// readColumnChunk decodes one column chunk of n rows of the store's layout for type t.
func readColumnChunk(cc parquet.ColumnChunk, t types.Type, n int) (column.Vector, error) {
	pages := cc.Pages()
	defer pages.Close()
	d := chunkDecoder{t: t, n: n}
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		err = d.page(p)
		parquet.Release(p)
		if err != nil {
			return nil, err
		}
	}
	if d.rows != n {
		return nil, fmt.Errorf("expected %d values, found %d", n, d.rows)
	}
	return d.build(), nil
}

// chunkDecoder builds one vector from the pages of a column chunk, reading the pages'
// typed buffers directly rather than boxed values.
type chunkDecoder struct {
	t    types.Type
	n    int
	rows int

	nulls column.Nulls
	ints  []int64
	reals []float64
	bools []bool
	guids [][16]byte
	decs  []string

	// strings: dictionary codes while every page is indexed by one dictionary
	codes    []uint32
	dict     []string
	dictFrom parquet.Dictionary
	plain    []string
	isPlain  bool

	dyn  []byte
	offs []uint32
}

func (d *chunkDecoder) setNull(i int) {
	w := i >> 6
	for len(d.nulls) <= w {
		d.nulls = append(d.nulls, 0)
	}
	d.nulls[w] |= 1 << (uint(i) & 63)
}

func (d *chunkDecoder) page(p parquet.Page) error {
	defs := p.DefinitionLevels()
	rows := int(p.NumRows())
	if d.rows+rows > d.n {
		return fmt.Errorf("more values than the row group's %d rows", d.n)
	}
	present := func(i int) bool { return len(defs) == 0 || defs[i] != 0 }
	for i := 0; i < rows; i++ {
		if !present(i) {
			d.setNull(d.rows + i)
		}
	}
	base := d.rows
	d.rows += rows
	data := p.Data()
	if base == 0 {
		// Size the vectors for the whole row group once.
		switch d.t {
		case types.Int, types.Long, types.DateTime, types.TimeSpan:
			d.ints = make([]int64, 0, d.n)
		case types.Real:
			d.reals = make([]float64, 0, d.n)
		case types.Bool:
			d.bools = make([]bool, 0, d.n)
		case types.GUID:
			d.guids = make([][16]byte, 0, d.n)
		case types.Decimal:
			d.decs = make([]string, 0, d.n)
		case types.Dynamic:
			d.offs = make([]uint32, 1, d.n+1)
			if rows > 0 {
				_, offs := data.ByteArray()
				if len(offs) > 0 {
					d.dyn = make([]byte, 0, int(offs[len(offs)-1])*d.n/rows+d.n)
				}
			}
		case types.String:
			d.codes = make([]uint32, 0, d.n)
		}
	}
	switch d.t {
	case types.Int:
		vals := data.Int32()
		j := 0
		for i := 0; i < rows; i++ {
			if present(i) {
				if j >= len(vals) {
					return errShortPage
				}
				d.ints = append(d.ints, int64(vals[j]))
				j++
			} else {
				d.ints = append(d.ints, 0)
			}
		}
	case types.Long, types.DateTime, types.TimeSpan:
		vals := data.Int64()
		if len(defs) == 0 || len(vals) == rows {
			if len(vals) < rows {
				return errShortPage
			}
			d.ints = append(d.ints, vals[:rows]...)
			break
		}
		j := 0
		for i := 0; i < rows; i++ {
			if present(i) {
				if j >= len(vals) {
					return errShortPage
				}
				d.ints = append(d.ints, vals[j])
				j++
			} else {
				d.ints = append(d.ints, 0)
			}
		}
	case types.Real:
		vals := data.Double()
		j := 0
		for i := 0; i < rows; i++ {
			if present(i) {
				if j >= len(vals) {
					return errShortPage
				}
				d.reals = append(d.reals, vals[j])
				j++
			} else {
				d.reals = append(d.reals, 0)
			}
		}
	case types.Bool:
		vs := make([]parquet.Value, rows)
		k, err := p.Values().ReadValues(vs)
		if err != nil && err != io.EOF {
			return err
		}
		if k != rows {
			return errShortPage
		}
		for _, v := range vs {
			d.bools = append(d.bools, !v.IsNull() && v.Boolean())
		}
	case types.GUID:
		buf, size := data.FixedLenByteArray()
		if size != 16 && len(buf) > 0 {
			return fmt.Errorf("expected 16-byte guids, found %d bytes", size)
		}
		j := 0
		for i := 0; i < rows; i++ {
			var g [16]byte
			if present(i) {
				if (j+1)*16 > len(buf) {
					return errShortPage
				}
				copy(g[:], buf[j*16:])
				j++
			}
			d.guids = append(d.guids, g)
		}
	case types.Decimal:
		buf, offs := data.ByteArray()
		s := string(buf)
		j := 0
		for i := 0; i < rows; i++ {
			if present(i) {
				if j+1 >= len(offs) {
					return errShortPage
				}
				d.decs = append(d.decs, s[offs[j]:offs[j+1]])
				j++
			} else {
				d.decs = append(d.decs, "")
			}
		}
	case types.Dynamic:
		buf, offs := data.ByteArray()
		if len(d.offs) == 0 {
			d.offs = append(d.offs, 0)
		}
		j := 0
		for i := 0; i < rows; i++ {
			if present(i) {
				if j+1 >= len(offs) {
					return errShortPage
				}
				d.dyn = append(d.dyn, buf[offs[j]:offs[j+1]]...)
				j++
			}
			d.offs = append(d.offs, uint32(len(d.dyn)))
		}
	case types.String:
		return d.strings(p, rows, base)
	default:
		return fmt.Errorf("cannot read type %s", d.t)
	}
	return nil
}

var errShortPage = fmt.Errorf("page holds fewer values than its levels say")

func (d *chunkDecoder) strings(p parquet.Page, rows, base int) error {
	if dict := p.Dictionary(); dict != nil && !d.isPlain && (d.dictFrom == nil || d.dictFrom == dict) {
		if d.dictFrom == nil {
			d.dictFrom = dict
			dd := dict.Page().Data()
			buf, offs := dd.ByteArray()
			all := string(buf)
			d.dict = make([]string, dict.Len())
			for i := range d.dict {
				if i+1 >= len(offs) {
					return errShortPage
				}
				d.dict[i] = all[offs[i]:offs[i+1]]
			}
		}
		pd := p.Data()
		codes := pd.Int32()
		if len(codes) < rows {
			return errShortPage
		}
		for _, c := range codes[:rows] {
			if int(c) >= len(d.dict) || c < 0 {
				return fmt.Errorf("dictionary index %d out of range", c)
			}
			d.codes = append(d.codes, uint32(c))
		}
		return nil
	}
	if !d.isPlain {
		d.isPlain = true
		d.plain = make([]string, len(d.codes), d.n)
		for i, c := range d.codes {
			d.plain[i] = d.dict[c]
		}
		d.codes, d.dict = nil, nil
	}
	if dict := p.Dictionary(); dict != nil {
		pd := p.Data()
		codes := pd.Int32()
		vs := make([]parquet.Value, len(codes))
		dict.Lookup(codes, vs)
		for _, v := range vs {
			d.plain = append(d.plain, string(v.ByteArray()))
		}
		return nil
	}
	pd := p.Data()
	buf, offs := pd.ByteArray()
	all := string(buf)
	if len(offs) < rows+1 {
		return errShortPage
	}
	for i := 0; i < rows; i++ {
		d.plain = append(d.plain, all[offs[i]:offs[i+1]])
	}
	return nil
}

func (d *chunkDecoder) build() column.Vector {
	switch d.t {
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		return &column.Ints{T: d.t, Vals: d.ints, Nulls: d.nulls}
	case types.Real:
		return &column.Reals{Vals: d.reals, Nulls: d.nulls}
	case types.Bool:
		return &column.Bools{Vals: d.bools, Nulls: d.nulls}
	case types.GUID:
		return &column.GUIDs{Vals: d.guids, Nulls: d.nulls}
	case types.Decimal:
		return &column.Decimals{Vals: d.decs, Nulls: d.nulls}
	case types.Dynamic:
		if len(d.offs) == 0 {
			d.offs = []uint32{0}
		}
		return &column.Dynamics{Data: d.dyn, Offs: d.offs, Nulls: d.nulls}
	}
	if !d.isPlain && len(d.dict) <= column.MaxDict {
		if d.dict == nil {
			d.dict = []string{}
		}
		return &column.Strings{Codes: d.codes, Dict: d.dict}
	}
	if !d.isPlain {
		d.plain = make([]string, len(d.codes))
		for i, c := range d.codes {
			d.plain[i] = d.dict[c]
		}
	}
	if d.plain == nil {
		d.plain = []string{}
	}
	return &column.Strings{Plain: d.plain}
}
