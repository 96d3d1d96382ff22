package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/schema"
)

// streamFile reads the file f (decompressing gzip) and hands its content to send in
// units of about chunkSize bytes: a JSON-lines file cut after a line that ends a record;
// other JSON cut between the elements of its arrays (splitJSON); CSV cut between records
// (splitCSV). Each chunk is a buffer that send's receiver owns, so memory holds only the
// chunks in flight. It returns the number of lines read. A damaged compressed file is
// not an error: bad says what is wrong, and what decompressed has been sent. send
// returns false to stop reading. get, when not nil, returns an empty buffer of at least
// the capacity asked for, from those the receivers are done with. cat decides a CSV
// file's table from its header.
//
// drop, when not nil, lets a JSON array be cut at lines without walking it (see
// jsonSplit.lineCut): when a line cut turns out wrong, streamFile calls drop(idx, from)
// to forget the units of the file from chunk from on, and reads the file again from
// there, walking it.
func streamFile(f inputFile, idx, chunkSize int, cat *schema.Catalog, get func(n int) []byte, send func(unit) bool, drop func(idx, from int)) (lines int, bad string, err error) {
	if get == nil {
		get = func(n int) []byte { return make([]byte, 0, n) }
	}
	fh, err := os.Open(f.path)
	if err != nil {
		return 0, "", err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 64<<10)
	var r io.Reader = br
	gz := false
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Sprintf("gzip: %v", err), nil
		}
		r, gz = zr, true
	} else if strings.HasSuffix(strings.ToLower(f.path), ".gz") {
		return 0, "gzip: not a gzip file", nil
	}
	buf := get(max(chunkSize, 4)) // room for a byte order mark
	first := true
	chunk := 0
	var readErr error
	for {
		for len(buf) < cap(buf) && readErr == nil {
			var n int
			n, readErr = r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
		}
		eof := readErr != nil
		if first {
			first = false
			bom := len(buf)
			buf = bytes.TrimPrefix(buf, []byte("\ufeff"))
			bom -= len(buf)
			if f.csv || !isJSONLines(buf) {
				fd := &feed{f: f, idx: idx, chunkSize: chunkSize, get: get, send: send, r: r, readErr: readErr, buf: buf, line0: 1, memoLn: 1, drop: drop}
				if f.csv {
					lines = splitCSV(fd, cat)
				} else {
					lines = splitJSON(fd)
					for fd.lines != nil && !fd.stopped {
						// Wait for the workers to check the line cuts.
						fd.lines.wg.Wait()
						m, ok := fd.lines.restart()
						if !ok {
							break
						}
						drop(idx, m.chunk)
						rr, closeR, err := reopen(f.path, gz, int64(bom)+m.off)
						if err != nil {
							return lines, "", err
						}
						defer closeR()
						nb := get(max(chunkSize, 4))
						nfd := &feed{f: f, idx: idx, chunkSize: chunkSize, get: get, send: send, r: rr, buf: nb, base: m.off, acct: m.acct, line0: m.line, col0: m.col, memoLn: m.line, chunk: fd.chunk}
						nfd.more(0)
						lines = splitJSONFrom(nfd, m)
						fd = nfd
					}
				}
				if fd.readErr == nil {
					return lines, "", nil // stopped before the end: a bad CSV header, or send refused
				}
				readErr = fd.readErr
				break
			}
		}
		cut := len(buf)
		if !eof {
			cut = recordEnd(buf)
			if cut <= 0 {
				// One line is longer than a chunk.
				nb := make([]byte, len(buf), 2*cap(buf))
				copy(nb, buf)
				buf = nb
				continue
			}
		}
		if cut > 0 || chunk == 0 {
			u := unit{f: f, order: [2]int{idx, chunk}, data: buf[:cut:cut], buf: buf[:0], lineBase: lines + 1, size: cut}
			if !eof {
				// Two lines of lookahead: a broken record reads on into the record
				// after it and stops at the line after that.
				la := cut
				for k := 0; k < 2 && la < len(buf); k++ {
					nl := bytes.IndexByte(buf[la:], '\n')
					if nl < 0 {
						la = len(buf)
						break
					}
					la += nl + 1
				}
				u.data, u.end = buf[:la:la], cut
			}
			if !send(u) {
				return lines, "", nil
			}
			chunk++
			lines += bytes.Count(buf[:cut], []byte{'\n'})
		}
		if eof {
			break
		}
		rest := buf[cut:]
		nb := get(max(chunkSize, 2*len(rest)))[:len(rest)]
		copy(nb, rest)
		buf = nb
	}
	if readErr != io.EOF {
		if !gz {
			return lines, "", fmt.Errorf("%s: %v", f.path, readErr)
		}
		bad = fmt.Sprintf("gzip: %v; the data after this line is lost", readErr)
	}
	return lines, bad, nil
}

// reopen opens the file at path again (gz: gzip-compressed) and skips its first skip
// bytes (decompressed).
func reopen(path string, gz bool, skip int64) (io.Reader, func(), error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var r io.Reader = bufio.NewReaderSize(fh, 64<<10)
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			fh.Close()
			return nil, nil, fmt.Errorf("%s: %v", path, err)
		}
		r = zr
	}
	if _, err := io.CopyN(io.Discard, r, skip); err != nil {
		fh.Close()
		return nil, nil, fmt.Errorf("%s: reading again: %v", path, err)
	}
	return r, func() { fh.Close() }, nil
}

// recordEnd returns the offset just after the last line of b that ends with '}' (a
// complete record, as far as a cut can tell without parsing), or after the last line
// end when no line does, or 0 when b holds no line end.
func recordEnd(b []byte) int {
	end := len(b)
	for {
		nl := bytes.LastIndexByte(b[:end], '\n')
		if nl < 0 {
			return bytes.LastIndexByte(b, '\n') + 1
		}
		j := nl - 1
		for j >= 0 && (b[j] == '\r' || b[j] == ' ' || b[j] == '\t') {
			j--
		}
		if j >= 0 && b[j] == '}' {
			return nl + 1
		}
		end = nl
		if len(b)-end > 1<<20 {
			// No record end in the last MiB: give up looking and cut at the line end.
			return bytes.LastIndexByte(b, '\n') + 1
		}
	}
}

// appendTable returns a table holding the rows of a and then of b (both of the same
// name): a's schema, then b's columns that a lacks. Columns missing from a batch are
// null; a column whose type differs between them keeps a's type, b's values converted.
func appendTable(a, b *column.Table) *column.Table {
	same := len(a.Schema) == len(b.Schema)
	for i := 0; same && i < len(a.Schema); i++ {
		same = a.Schema[i] == b.Schema[i]
	}
	if same {
		return &column.Table{Name: a.Name, Schema: a.Schema, Batches: append(append([]*column.Batch(nil), a.Batches...), b.Batches...)}
	}
	schema := append([]column.Field(nil), a.Schema...)
	for _, f := range b.Schema {
		if a.Index(f.Name) < 0 {
			schema = append(schema, f)
		}
	}
	out := &column.Table{Name: a.Name, Schema: schema}
	for _, src := range []*column.Table{a, b} {
		for _, bt := range src.Batches {
			nb := &column.Batch{Schema: schema, Len: bt.Len, Cols: make([]column.Vector, len(schema))}
			for i, f := range schema {
				j := src.Index(f.Name)
				switch {
				case j < 0:
					nb.Cols[i] = nullVector(f.Type, bt.Len)
				case src.Schema[j].Type != f.Type:
					nb.Cols[i] = convertVector(bt.Cols[j], f.Type)
				default:
					nb.Cols[i] = bt.Cols[j]
				}
			}
			out.Batches = append(out.Batches, nb)
		}
	}
	return out
}
