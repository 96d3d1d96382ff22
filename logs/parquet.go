package logs

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
)

// Parquet files from Log Analytics data export and data-lake exports hold one row per
// record with the table's columns; nested groups and lists hold what Log Analytics
// keeps as dynamic. Each row goes through the same row assembly as JSON records, so
// types follow the table's schema, rejected rows are reported (by row number, as the
// line), and columns the schema lacks get inferred types.

// pqField is one top-level field of a Parquet file.
type pqField struct {
	name   string
	node   parquet.Node
	leaf   int // leaf column index of a flat field; -1 for a nested one
	first  int // leaf columns [first, last] of a nested field
	last   int
	schema *parquet.Schema // of a nested field alone, to reconstruct its values
}

// readParquet reads the Parquet file at path into tables named by the reader's hint, a
// Type column, or the file's stem. A damaged file is rejected where the damage shows:
// the Parquet library panics on some malformed files, and that is recovered here.
func (r *reader) readParquet(path string) (err error) {
	line := 0
	defer func() {
		if e := recover(); e != nil {
			r.reject(r.hint, line+1, fmt.Sprintf("parquet: damaged file: %v", e))
			err = nil
		}
	}()
	return r.readParquetRows(path, &line)
}

func (r *reader) readParquetRows(path string, linep *int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if r.progress != nil {
		r.progress.Bytes.Add(info.Size())
	}
	pf, err := openParquet(f, info.Size())
	if err != nil {
		r.reject(r.hint, 1, fmt.Sprintf("parquet: %v", err))
		return nil
	}
	var fields []pqField
	typeLeaf := -1
	for _, c := range pf.Root().Columns() {
		fd := pqField{name: c.Name(), leaf: -1}
		for _, nf := range pf.Schema().Fields() {
			if nf.Name() == c.Name() {
				fd.node = nf
			}
		}
		if c.Leaf() && !c.Repeated() {
			fd.leaf = c.Index()
			if fd.name == "Type" {
				typeLeaf = fd.leaf
			}
		} else {
			fd.first, fd.last = -1, -1
			var walk func(*parquet.Column)
			walk = func(c *parquet.Column) {
				if c.Leaf() {
					if fd.first < 0 {
						fd.first = c.Index()
					}
					fd.last = c.Index()
					return
				}
				for _, k := range c.Columns() {
					walk(k)
				}
			}
			walk(c)
			fd.schema = parquet.NewSchema("row", parquet.Group{fd.name: fd.node})
		}
		fields = append(fields, fd)
	}
	rows := make([]parquet.Row, 256)
	var (
		cols [][]parquet.Value
		sub  parquet.Row
		buf  []byte
	)
	for _, rg := range pf.RowGroups() {
		rr := rg.Rows()
		for {
			if err := r.ctx.Err(); err != nil {
				rr.Close()
				return err
			}
			n, err := rr.ReadRows(rows)
			for _, row := range rows[:n] {
				*linep++
				line := *linep
				cols = cols[:0]
				row.Range(func(_ int, vs []parquet.Value) bool {
					cols = append(cols, vs)
					return true
				})
				name := r.hint
				if name == "" {
					name = r.stem
					if typeLeaf >= 0 && typeLeaf < len(cols) && len(cols[typeLeaf]) == 1 && !cols[typeLeaf][0].IsNull() {
						if _, ok := r.cat.Table(string(cols[typeLeaf][0].ByteArray())); ok {
							name = string(cols[typeLeaf][0].ByteArray())
						}
					}
				}
				t := r.table(name)
				t.beginRow()
				buf = buf[:0]
				var rowErr error
				for _, fd := range fields {
					start := len(buf)
					var k kind
					esc := false
					if fd.leaf >= 0 {
						if fd.leaf >= len(cols) || len(cols[fd.leaf]) == 0 {
							continue
						}
						buf, k, esc = appendLeaf(buf, fd.node, cols[fd.leaf][0])
						if k == kString && len(buf)-start == 2 && t.isDynamic(fd.name) {
							// Exports write a dynamic column as JSON text; empty text is
							// no value, as in CSV exports.
							k = kNull
						}
					} else {
						sub = sub[:0]
						for ci := fd.first; ci <= fd.last && ci < len(cols); ci++ {
							for _, v := range cols[ci] {
								sub = append(sub, v.Level(v.RepetitionLevel(), v.DefinitionLevel(), ci-fd.first))
							}
						}
						m, err := reconstruct(fd.schema, sub)
						if err != nil {
							rowErr = fmt.Errorf("column %q: parquet: %v", fd.name, err)
							break
						}
						v := m[fd.name]
						buf = appendNodeJSON(buf, fd.node, v)
						switch {
						case v == nil:
							k = kNull
						case fd.node.Repeated() || isList(fd.node):
							k = kArray
						default:
							k = kObject
						}
					}
					t.set([]byte(fd.name), k, buf[start:len(buf):len(buf)], esc)
				}
				if rowErr == nil {
					rowErr = t.commitRow()
				}
				if rowErr != nil {
					r.reject(t.name, line, rowErr.Error())
				}
			}
			if err == io.EOF || n == 0 {
				break
			}
			if err != nil {
				rr.Close()
				r.reject(r.hint, *linep+1, fmt.Sprintf("parquet: %v", err))
				return nil
			}
		}
		rr.Close()
	}
	return nil
}

// reconstruct assembles the values of one nested field; the library panics on rows that
// do not match the schema, which a damaged file can hold, so that becomes an error.
func reconstruct(sch *parquet.Schema, row parquet.Row) (m map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	m = map[string]any{}
	err = sch.Reconstruct(&m, row)
	return m, err
}

func logicalOf(n parquet.Node) format.LogicalTypeValue {
	if n == nil || n.Type() == nil {
		return nil
	}
	if lt := n.Type().LogicalType(); lt != nil {
		return lt.Value
	}
	return nil
}

func convertedOf(n parquet.Node) deprecated.ConvertedType {
	if n == nil || n.Type() == nil {
		return -1
	}
	if ct := n.Type().ConvertedType(); ct != nil {
		return *ct
	}
	return -1
}

func isList(n parquet.Node) bool {
	if _, ok := logicalOf(n).(*format.ListType); ok {
		return true
	}
	return convertedOf(n) == deprecated.List
}

func isMap(n parquet.Node) bool {
	if _, ok := logicalOf(n).(*format.MapType); ok {
		return true
	}
	ct := convertedOf(n)
	return ct == deprecated.Map || ct == deprecated.MapKeyValue
}

// appendLeaf appends the token of one leaf value as JSON (strings quoted) and returns
// its kind and whether a string holds escapes.
func appendLeaf(dst []byte, node parquet.Node, v parquet.Value) ([]byte, kind, bool) {
	if v.IsNull() {
		return append(dst, "null"...), kNull, false
	}
	lt := logicalOf(node)
	ct := convertedOf(node)
	quote := func(s string) ([]byte, kind, bool) {
		n := len(dst)
		dst = types.AppendJSONString(dst, s)
		return dst, kString, len(dst)-n != len(s)+2
	}
	ticks := func(t int64) ([]byte, kind, bool) {
		return quote(types.FormatDateTime(t))
	}
	switch v.Kind() {
	case parquet.Boolean:
		if v.Boolean() {
			return append(dst, "true"...), kTrue, false
		}
		return append(dst, "false"...), kFalse, false
	case parquet.Int32, parquet.Int64:
		x := v.Int64()
		if v.Kind() == parquet.Int32 {
			x = int64(v.Int32())
		}
		switch lt := lt.(type) {
		case *format.TimestampType:
			return ticks(unitTicks(x, lt.Unit.Value.Duration()))
		case *format.DateType:
			return ticks(x * 864_000_000_000)
		case *format.DecimalType:
			return append(dst, scaled(big.NewInt(x), int(lt.Scale))...), kNumber, false
		case *format.IntType:
			if !lt.IsSigned && v.Kind() == parquet.Int64 {
				return strconv.AppendUint(dst, uint64(x), 10), kNumber, false
			}
			if !lt.IsSigned {
				return strconv.AppendUint(dst, uint64(uint32(x)), 10), kNumber, false
			}
		}
		switch ct {
		case deprecated.TimestampMillis:
			return ticks(unitTicks(x, time.Millisecond))
		case deprecated.TimestampMicros:
			return ticks(unitTicks(x, time.Microsecond))
		case deprecated.Date:
			return ticks(x * 864_000_000_000)
		}
		return strconv.AppendInt(dst, x, 10), kNumber, false
	case parquet.Int96:
		// Legacy timestamps: nanoseconds of the day, then the Julian day.
		i := v.Int96()
		nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
		day := int64(i[2])
		return ticks((day-2440588)*864_000_000_000 + nanos/100)
	case parquet.Float, parquet.Double:
		f := v.Double()
		if v.Kind() == parquet.Float {
			f = float64(v.Float())
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return quote(strconv.FormatFloat(f, 'g', -1, 64))
		}
		return strconv.AppendFloat(dst, f, 'g', -1, 64), kNumber, false
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		switch lt := lt.(type) {
		case *format.UUIDType:
			if len(b) == 16 {
				return quote(column.FormatGUID([16]byte(b)))
			}
		case *format.DecimalType:
			return append(dst, scaled(new(big.Int).SetBytes(b), int(lt.Scale))...), kNumber, false
		}
		if ct == deprecated.Decimal {
			if sc, ok := node.Type().(interface{ Scale() int }); ok {
				return append(dst, scaled(new(big.Int).SetBytes(b), sc.Scale())...), kNumber, false
			}
		}
		if utf8.Valid(b) {
			return quote(string(b))
		}
		return quote(base64.StdEncoding.EncodeToString(b))
	}
	return append(dst, "null"...), kNull, false
}

func unitTicks(x int64, unit time.Duration) int64 {
	switch unit {
	case time.Millisecond:
		return x * 10_000
	case time.Microsecond:
		return x * 10
	case time.Nanosecond:
		return x / 100
	}
	return x * int64(unit/100)
}

// scaled formats the unscaled decimal u (two's complement bytes already read as
// unsigned when from a byte array) with scale digits after the point.
func scaled(u *big.Int, scale int) string {
	s := u.String()
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	if scale > 0 {
		for len(s) <= scale {
			s = "0" + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// appendNodeJSON appends v, a value reconstructed from node, as compact JSON, keeping the
// order of a group's fields.
func appendNodeJSON(dst []byte, node parquet.Node, v any) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	if node.Repeated() || isList(node) {
		elem := node
		if isList(node) && len(node.Fields()) == 1 {
			elem = node.Fields()[0]
			if elem.Repeated() && !elem.Leaf() && len(elem.Fields()) == 1 {
				elem = elem.Fields()[0]
			}
		}
		if node.Repeated() {
			elem = parquet.Required(node)
		}
		dst = append(dst, '[')
		switch xs := v.(type) {
		case []any:
			for i, x := range xs {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendNodeJSON(dst, elem, x)
			}
		case map[string]any:
			// A list element group reconstructed as its "list"/"element" wrapper.
			for _, f := range node.Fields() {
				if x, ok := xs[f.Name()]; ok {
					dst = appendNodeJSON(dst[:len(dst)-1], f, x)
					return dst
				}
			}
		default:
			dst = appendGoJSON(dst, elem, v)
		}
		return append(dst, ']')
	}
	if node.Leaf() {
		return appendGoJSON(dst, node, v)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return appendGoJSON(dst, node, v)
	}
	dst = append(dst, '{')
	first := true
	emit := func(k string, f parquet.Node, x any) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = types.AppendJSONString(dst, k)
		dst = append(dst, ':')
		if f == nil {
			dst = appendGoJSON(dst, nil, x)
		} else {
			dst = appendNodeJSON(dst, f, x)
		}
	}
	if isMap(node) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var valNode parquet.Node
		if fs := node.Fields(); len(fs) == 1 {
			for _, f := range fs[0].Fields() {
				if f.Name() == "value" {
					valNode = f
				}
			}
		}
		for _, k := range keys {
			emit(k, valNode, m[k])
		}
		return append(dst, '}')
	}
	for _, f := range node.Fields() {
		if x, ok := m[f.Name()]; ok {
			emit(f.Name(), f, x)
		}
	}
	return append(dst, '}')
}

// appendGoJSON appends a reconstructed Go leaf value as JSON; node, when known, says how
// to read it (timestamps, uuids).
func appendGoJSON(dst []byte, node parquet.Node, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case string:
		return types.AppendJSONString(dst, x)
	case []byte:
		if _, ok := logicalOf(node).(*format.UUIDType); ok && len(x) == 16 {
			return types.AppendJSONString(dst, column.FormatGUID([16]byte(x)))
		}
		if utf8.Valid(x) {
			return types.AppendJSONString(dst, string(x))
		}
		return types.AppendJSONString(dst, base64.StdEncoding.EncodeToString(x))
	case [16]byte:
		return types.AppendJSONString(dst, column.FormatGUID(x))
	case time.Time:
		return types.AppendJSONString(dst, types.FormatDateTime(types.TicksFromTime(x)))
	case deprecated.Int96:
		nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
		return types.AppendJSONString(dst, types.FormatDateTime((int64(x[2])-2440588)*864_000_000_000+nanos/100))
	case float32:
		return appendGoJSON(dst, node, float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return types.AppendJSONString(dst, strconv.FormatFloat(x, 'g', -1, 64))
		}
		return strconv.AppendFloat(dst, x, 'g', -1, 64)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		n := toInt64(x)
		if node != nil {
			switch lt := logicalOf(node).(type) {
			case *format.TimestampType:
				return types.AppendJSONString(dst, types.FormatDateTime(unitTicks(n, lt.Unit.Value.Duration())))
			case *format.DateType:
				return types.AppendJSONString(dst, types.FormatDateTime(n*864_000_000_000))
			}
		}
		if u, ok := x.(uint64); ok {
			return strconv.AppendUint(dst, u, 10)
		}
		return strconv.AppendInt(dst, n, 10)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendGoJSON(dst, nil, e)
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = types.AppendJSONString(dst, k)
			dst = append(dst, ':')
			dst = appendGoJSON(dst, nil, x[k])
		}
		return append(dst, '}')
	}
	return types.AppendJSONString(dst, fmt.Sprint(v))
}

func toInt64(x any) int64 {
	switch x := x.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	}
	return 0
}

// Limits on the pages of a Parquet file, checked before the library reads them: it
// allocates what a page header claims, so a damaged or hostile header could otherwise
// ask for gigabytes.
const (
	maxPageHeader = 1 << 20  // bytes of one page header (statistics included)
	maxPageSize   = 64 << 20 // uncompressed bytes of one page, unless compressed to at least 1/1024 of it
)

// openParquet opens a Parquet file after checking that its footer fits in it (the
// library allocates what the footer length claims) and that its pages do (see
// [checkPages]).
func openParquet(f *os.File, size int64) (*parquet.File, error) {
	var tail [8]byte
	if size < 12 {
		return nil, fmt.Errorf("%d bytes is too short for a Parquet file", size)
	}
	if _, err := f.ReadAt(tail[:], size-8); err != nil {
		return nil, err
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n+12 > size {
		return nil, fmt.Errorf("footer of %d bytes does not fit in a %d-byte file", n, size)
	}
	pf, err := parquet.OpenFile(f, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, err
	}
	if err := checkPages(f, size, pf.Metadata()); err != nil {
		return nil, err
	}
	return pf, nil
}

// checkPages walks the page headers of every column chunk of the file and checks that
// each page lies inside its chunk, the chunk inside the file, and the page's
// uncompressed size within reason.
func checkPages(r io.ReaderAt, size int64, md *format.FileMetaData) error {
	var proto thrift.CompactProtocol
	buf := make([]byte, 4096)
	for gi, rg := range md.RowGroups {
		for ci := range rg.Columns {
			cm := &rg.Columns[ci].MetaData
			start := cm.DataPageOffset
			if cm.DictionaryPageOffset > 0 && cm.DictionaryPageOffset < start {
				start = cm.DictionaryPageOffset
			}
			end := start + cm.TotalCompressedSize
			if start < 4 || cm.TotalCompressedSize < 0 || end > size || end < start {
				return fmt.Errorf("row group %d, column %d: chunk at %d+%d outside the file's %d bytes", gi, ci, start, cm.TotalCompressedSize, size)
			}
			for off := start; off < end; {
				n := min(int64(maxPageHeader), end-off)
				if int64(len(buf)) < n {
					buf = make([]byte, n)
				}
				if _, err := r.ReadAt(buf[:n], off); err != nil && err != io.EOF {
					return err
				}
				br := bytes.NewReader(buf[:n])
				var h format.PageHeader
				if err := thrift.NewDecoder(proto.NewReader(br)).Decode(&h); err != nil {
					return fmt.Errorf("row group %d, column %d: page header at %d: %v", gi, ci, off, err)
				}
				hl := n - int64(br.Len())
				c, u := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
				switch {
				case c < 0 || off+hl+c > end:
					return fmt.Errorf("row group %d, column %d: page at %d of %d bytes overruns its chunk", gi, ci, off, c)
				case u < 0 || u > maxPageSize && u > 1024*c:
					return fmt.Errorf("row group %d, column %d: page at %d claims %d bytes uncompressed", gi, ci, off, u)
				}
				off += hl + c
			}
		}
	}
	return nil
}
