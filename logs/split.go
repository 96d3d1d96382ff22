package logs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
	"sync"

	"github.com/socfeed/socfeed/schema"
)

// Unit kinds: what a Load worker does with a unit's data.
const (
	unitJSON   = iota // JSON text: JSON lines, or top-level values, read by readJSON
	unitElems         // elements of a streamed JSON array, read by readElems
	unitCSV           // CSV records after the header, read by readCSVRows
	unitReject        // a rejection found while splitting: reason at lineBase
)

// feed reads a text file in bounded buffers for a splitter, and sends the units the
// splitter cuts to Load's workers. Positions are offsets in buf; when a step needs more
// bytes than buf holds, need sends what is pending and moves the unfinished tail to the
// front of a buffer (a new one when a sent unit points into the old one).
type feed struct {
	f         inputFile
	idx       int
	chunkSize int
	get       func(n int) []byte
	send      func(unit) bool
	r         io.Reader
	readErr   error

	buf    []byte
	base   int64 // offset in the file (after a byte order mark) of buf[0]
	acct   int64 // offset up to which bytes are counted in sent units
	line0  int   // line of buf[0]
	col0   int   // 0-based column of buf[0]
	memo   int   // lineAt memo: an offset in buf and its line
	memoLn int

	chunk   int
	held    *unit // the last unit cut from buf, not sent yet: see emit
	nFrom   int   // units cut from buf
	stopped bool  // send refused a unit: stop reading

	drop  func(idx, from int) // not nil: arrays may be cut at lines (jsonSplit.lineCut)
	lines *lineCuts           // the line cuts made, once one is
}

// lineCuts follows the units of a file sent after its first line cut (see
// jsonSplit.lineCut) until the workers have read them: a unit that reads without a
// syntax error, from a true element start to exactly its end, proves that the next cut
// is at an element start too. The first unit that does not is where the file is read
// again, walking it.
type lineCuts struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	bad      int // the first chunk that did not read cleanly, or -1
	restarts []*restart
}

// restart is a line cut where a unit starts: where the file can be read again from.
type restart struct {
	chunk      int
	off        int64 // offset in the file (after a byte order mark) of the unit's data
	acct       int64 // offset up to which bytes were counted before the unit
	line, col  int   // line and 0-based column of off
	mode       int   // the array's record shape
	inEnv      bool  // the array is a wrapper's member
	envLn      int   // the wrapper's line
	sent, done bool
}

// report records that the worker read the unit of the given chunk, cleanly or not.
func (l *lineCuts) report(chunk int, clean bool) {
	if !clean {
		l.mu.Lock()
		if l.bad < 0 || chunk < l.bad {
			l.bad = chunk
		}
		l.mu.Unlock()
	}
	l.wg.Done()
}

// restart returns the line cut to read the file again from after the workers read every
// unit: the last one at or before the first unit that did not read cleanly. ok is false
// when every unit read cleanly.
func (l *lineCuts) restart() (m *restart, ok bool) {
	if l.bad < 0 {
		return nil, false
	}
	for _, r := range l.restarts {
		if r.chunk <= l.bad {
			m = r
		}
	}
	return m, m != nil
}

func (f *feed) eof() bool { return f.readErr != nil }

// lineAt returns the 1-based line of buf[pos].
func (f *feed) lineAt(pos int) int {
	if pos < f.memo {
		f.memo, f.memoLn = 0, f.line0
	}
	f.memoLn += bytes.Count(f.buf[f.memo:pos], []byte{'\n'})
	f.memo = pos
	return f.memoLn
}

// colAt returns the 0-based column (in bytes) of buf[pos].
func (f *feed) colAt(pos int) int {
	if nl := bytes.LastIndexByte(f.buf[:pos], '\n'); nl >= 0 {
		return pos - nl - 1
	}
	return f.col0 + pos
}

// more makes room and reads more of the file, keeping buf[keep:] (moved to buf[0:]). It
// returns false, doing nothing, once the file has ended (or a read failed).
// The caller shifts its positions by keep when it returns true.
func (f *feed) more(keep int) bool {
	if f.eof() || f.stopped {
		return false
	}
	if keep > 0 || f.nFrom > 0 {
		f.line0, f.col0 = f.lineAt(keep), f.colAt(keep)
		rest := f.buf[keep:]
		if f.nFrom > 0 {
			// A sent unit points into buf: the tail goes to another buffer.
			f.release()
			nb := f.get(max(f.chunkSize, 2*len(rest)))[:len(rest)]
			copy(nb, rest)
			f.buf = nb
		} else {
			n := copy(f.buf, rest)
			f.buf = f.buf[:n]
		}
		f.base += int64(keep)
		f.memo, f.memoLn = 0, f.line0
	}
	if len(f.buf) == cap(f.buf) {
		// One record or member is larger than the buffer.
		nb := make([]byte, len(f.buf), 2*cap(f.buf))
		copy(nb, f.buf)
		f.buf = nb
	}
	for len(f.buf) < cap(f.buf) && f.readErr == nil {
		var n int
		n, f.readErr = f.r.Read(f.buf[len(f.buf):cap(f.buf)])
		f.buf = f.buf[:len(f.buf)+n]
	}
	// The positions moved even when nothing more was read: the caller tries again, and
	// the next call says the file has ended.
	return true
}

// emit sends a unit whose data is buf[start:stop) (lookahead to the end of buf for an
// elements unit), counting the file's bytes up to stop. The unit is held back until the
// next unit or until buf is left, so that a buffer that gave exactly one unit goes with it
// to the worker, which hands it back for reuse.
func (f *feed) emit(u unit, start, stop int) {
	u.f = f.f
	u.lineBase, u.colBase = f.lineAt(start), f.colAt(start)
	end := f.base + int64(stop)
	u.size = int(end - f.acct)
	f.acct = end
	f.sendHeld()
	f.held = &u
	f.nFrom++
}

// reject sends a rejection found while splitting.
func (f *feed) reject(line int, reason string) {
	f.sendHeld()
	f.put(unit{f: f.f, kind: unitReject, lineBase: line, reason: reason})
}

func (f *feed) sendHeld() {
	if f.held != nil {
		h := *f.held
		f.held = nil
		f.put(h)
	}
}

// release sends the held unit, with buf for reuse when it is the only unit cut from buf.
func (f *feed) release() {
	if f.held != nil && f.nFrom == 1 {
		f.held.buf = f.buf[:0]
	}
	f.sendHeld()
	f.nFrom = 0
}

func (f *feed) put(u unit) {
	if f.stopped {
		return
	}
	u.order = [2]int{f.idx, f.chunk}
	if f.lines != nil {
		u.lines = f.lines
		if u.restart != nil {
			u.restart.chunk = f.chunk
			f.lines.restarts = append(f.lines.restarts, u.restart)
		}
		f.lines.wg.Add(1)
	}
	f.chunk++
	if !f.send(u) {
		f.stopped = true
		if u.lines != nil {
			u.lines.wg.Done()
		}
	}
}

// finish sends what is held and counts the bytes no unit covered. It returns the number
// of lines read.
func (f *feed) finish() int {
	lines := f.lineAt(len(f.buf)) - 1
	if rest := f.base + int64(len(f.buf)) - f.acct; rest > 0 {
		if f.held != nil {
			f.held.size += int(rest)
		} else {
			f.put(unit{f: f.f, size: int(rest)})
		}
		f.acct += rest
	}
	f.release()
	return lines
}

// JSON splitter states.
const (
	inTop      = iota // between top-level values
	inArray           // in a streamed array, at an element (after '[' or ',')
	inEnvelope        // in a records/value wrapper object, after '{' or a member
	inRecover         // after a syntax error in a wrapper: looking for a line that starts a record
)

// jsonSplit cuts a JSON text that is not JSON lines into units: the elements of each
// top-level array, and of the "records" (Event Hub capture) or "value" (Graph page)
// array of a wrapper object wherever it stands among the object's members, go to the
// workers in runs of about a buffer (unitElems); other top-level values go as JSON text
// (unitJSON). It walks the structure without validating the records, which the workers
// do; the wrappers' other members (@odata.nextLink, ...) are validated here and skipped.
type jsonSplit struct {
	*feed
	pos   int
	state int
	first bool // no element (inArray) or member (inEnvelope) read yet
	mode  int  // the record shape of the array's elements
	inEnv bool // the array is a wrapper's member
	env   int  // offset of the wrapper object while none of its arrays was seen, else -1
	envLn int  // line of the wrapper object
	// The pending unit: data [ps, pe) of kind pk (-1: none); pcut: ps is a line cut.
	pk, ps, pe int
	pcut       bool
	// lineRun counts the elements in a row of the array that stand alone on their line
	// (after '[' or ',' and a line end, before ',' and a line end).
	lineRun int
}

func (s *jsonSplit) shift(keep int) {
	s.pos -= keep
	if s.env >= 0 {
		s.env -= keep
	}
}

// need sends the pending unit and reads more, keeping buf[keep:]; false at the end of
// the file.
func (s *jsonSplit) need(keep int) bool {
	s.flush()
	if !s.more(keep) {
		return false
	}
	s.shift(keep)
	return true
}

func (s *jsonSplit) flush() {
	switch s.pk {
	case unitJSON:
		s.emit(unit{kind: unitJSON, data: s.buf[s.ps:s.pe:s.pe]}, s.ps, s.pe)
	case unitElems:
		u := unit{kind: unitElems, mode: s.mode, data: s.buf[s.ps:len(s.buf):len(s.buf)], end: s.pe - s.ps}
		if s.pcut {
			u.restart = &restart{off: s.base + int64(s.ps), acct: s.acct, line: s.lineAt(s.ps), col: s.colAt(s.ps), mode: s.mode, inEnv: s.inEnv, envLn: s.envLn}
		}
		s.emit(u, s.ps, s.pe)
	}
	s.pk, s.pcut = -1, false
}

// lineCut, in an array whose last elements each stood alone on a line (the shape Log
// Analytics exports and jq -c write), cuts the elements from i to the last line of the
// buffer that starts with '{' after a line ending with ',' without walking them, and
// reports whether it did. The cut is checked by the workers, which read every element
// anyway: see lineCuts. A file whose cuts do not all check is read again from the last
// good one, walking it.
func (s *jsonSplit) lineCut(i int) bool {
	if s.drop == nil || s.lineRun < 8 || s.eof() {
		return false
	}
	c, comma := lastLineElem(s.buf, i)
	if c < 0 {
		return false
	}
	if s.lines == nil {
		// From here on every unit of the file waits for its check.
		s.flush()
		s.sendHeld()
		s.lines = &lineCuts{bad: -1}
	}
	s.add(unitElems, i, comma)
	s.pcut = s.ps == i
	s.flush()
	s.pos = c
	return true
}

// lastLineElem returns the offset of the last '{' in b after i that starts a line (after
// blanks) following a line that ends with ',' (blanks aside), and the offset of that
// ',', or -1, -1.
func lastLineElem(b []byte, i int) (c, comma int) {
	hi := len(b)
	for tries := 0; tries < 64; tries++ {
		nl := bytes.LastIndexByte(b[i+1:hi], '\n')
		if nl < 0 {
			return -1, -1
		}
		nl += i + 1
		hi = nl
		c := nl + 1
		for c < len(b) && (b[c] == ' ' || b[c] == '\t') {
			c++
		}
		if c == len(b) || b[c] != '{' {
			continue
		}
		j := nl - 1
		for j > i && (b[j] == '\r' || b[j] == ' ' || b[j] == '\t') {
			j--
		}
		if j > i && b[j] == ',' {
			return c, j
		}
	}
	return -1, -1
}

// standsAlone reports whether the element [i, e) (e at its ',') stands alone on its
// line: only blanks before it on its line (as far as buf shows) and a line end after the
// ','. It only decides whether to try line cuts, which the workers check.
func (s *jsonSplit) standsAlone(i, e int) bool {
	j := i - 1
	for j >= 0 && (s.buf[j] == ' ' || s.buf[j] == '\t') {
		j--
	}
	if j >= 0 && s.buf[j] != '\n' {
		return false
	}
	k := e + 1
	if k < len(s.buf) && s.buf[k] == '\r' {
		k++
	}
	return k < len(s.buf) && s.buf[k] == '\n'
}

// add adds [start, end) to the pending unit of kind k.
func (s *jsonSplit) add(k, start, end int) {
	if s.pk != k {
		s.flush()
		s.pk, s.ps = k, start
	}
	s.pe = end
}

// splitJSON streams the JSON text in f.buf (and the rest of f.r).
func splitJSON(f *feed) int {
	return (&jsonSplit{feed: f, env: -1, pk: -1}).run()
}

// splitJSONFrom goes on streaming a JSON text from the line cut m: f.buf starts at an
// element of an array, after a ','. It does not cut at lines again.
func splitJSONFrom(f *feed, m *restart) int {
	return (&jsonSplit{feed: f, env: -1, pk: -1, state: inArray, mode: m.mode, inEnv: m.inEnv, envLn: m.envLn}).run()
}

func (s *jsonSplit) run() int {
	for !s.stopped {
		switch s.state {
		case inTop:
			i := skipWS(s.buf, s.pos)
			if i == len(s.buf) {
				if s.need(s.pos) {
					continue
				}
				return s.finish()
			}
			switch s.buf[i] {
			case '[':
				s.flush()
				s.pos, s.state, s.first, s.mode, s.inEnv, s.lineRun = i+1, inArray, true, modeUnknown, false, 0
				continue
			case '{':
				s.pos = i
				key, ok := firstKeyAt(s.buf, i)
				if !ok && s.need(i) {
					continue
				}
				if key == "records" || key == "value" || strings.HasPrefix(key, "@odata") {
					s.flush()
					s.env, s.envLn = i, s.lineAt(i)
					s.pos, s.state, s.first = i+1, inEnvelope, true
					continue
				}
				e, ok := skipValue(s.buf, i)
				if !ok && s.need(i) {
					continue
				}
				s.add(unitJSON, i, e)
				s.pos = e
			default:
				// Not a record: readJSON rejects it and skips to the next line that
				// starts an object or an array, as this does.
				s.pos = i
				e := nextRecordLine(s.buf, i)
				if e < 0 {
					if nl := bytes.LastIndexByte(s.buf, '\n'); !s.eof() && len(s.buf)-i > s.chunkSize && nl >= i {
						// A long run of text that is not JSON: cut it at a line end.
						e = nl + 1
					} else if s.need(i) {
						continue
					} else {
						e = len(s.buf)
					}
				}
				s.add(unitJSON, i, e)
				s.pos = e
			}
		case inArray:
			i := skipWS(s.buf, s.pos)
			if i == len(s.buf) && s.need(s.pos) {
				continue
			}
			if s.first && i < len(s.buf) && s.buf[i] == ']' {
				s.endArray(i + 1)
				continue
			}
			s.pos = i
			if !s.first && s.lineCut(i) {
				if s.need(s.pos) {
					continue
				}
				return s.finish()
			}
			e := skipElem(s.buf, i)
			if e == len(s.buf) && s.need(i) {
				continue
			}
			s.add(unitElems, i, e)
			s.first = false
			if e < len(s.buf) && s.buf[e] == ',' && s.standsAlone(i, e) {
				s.lineRun++
			} else {
				s.lineRun = 0
			}
			if e == len(s.buf) {
				// The file ends inside the array: the worker reports where.
				s.flush()
				return s.finish()
			}
			switch s.buf[e] {
			case ']':
				s.flush()
				s.endArray(e + 1)
			case ',':
				s.pos = e + 1
			default:
				s.pos = e // a broken element ended at a line that starts a record
			}
		case inEnvelope:
			keep := s.pos
			if s.env >= 0 {
				keep = s.env
			}
			sc := scanner{data: s.buf, pos: s.pos}
			first := s.first
			key, kesc, ok, err := sc.nextKey(&first)
			if err == nil && ok && !kesc && (string(key) == "records" || string(key) == "value") && sc.pos < len(s.buf) && s.buf[sc.pos] == '[' {
				s.mode = modeEnvelope
				if string(key) == "value" {
					s.mode = modeGraph
				}
				s.pos, s.state, s.first, s.inEnv, s.env, s.lineRun = sc.pos+1, inArray, true, true, -1, 0
				continue
			}
			if err == nil && ok {
				_, _, _, _, err = sc.value()
			}
			if err != nil {
				var se *syntaxError
				errors.As(err, &se)
				if se != nil && se.off >= len(s.buf) && s.need(keep) {
					continue
				}
				off := len(s.buf)
				if se != nil {
					off = se.off
				}
				s.reject(s.envLn, fmt.Sprintf("%d:%d: %v", s.lineAt(off), s.colAt(off)+1, err))
				s.pos, s.state, s.env = off, inRecover, -1
				continue
			}
			s.first = first
			s.pos = sc.pos
			if !ok {
				// The end of the wrapper.
				if s.env >= 0 {
					// No records array: an ordinary record, as readJSON reads it.
					s.add(unitJSON, s.env, s.pos)
				}
				s.state, s.env = inTop, -1
			}
		case inRecover:
			e := nextRecordLine(s.buf, s.pos)
			if e < 0 {
				nl := bytes.LastIndexByte(s.buf[s.pos:], '\n')
				if nl >= 0 {
					s.pos += nl
				}
				if s.need(s.pos) {
					continue
				}
				return s.finish()
			}
			s.pos, s.state = e, inTop
		}
	}
	return s.finish()
}

func (s *jsonSplit) endArray(pos int) {
	s.pos = pos
	if s.inEnv {
		s.state, s.first = inEnvelope, false
	} else {
		s.state = inTop
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// firstKeyAt returns the first member name of the object at b[i]; ok is false when b
// ends before the name does. A malformed name gives "".
func firstKeyAt(b []byte, i int) (key string, ok bool) {
	s := scanner{data: b, pos: i + 1}
	first := true
	k, _, found, err := s.nextKey(&first)
	var se *syntaxError
	if errors.As(err, &se) && se.off >= len(b) {
		return "", false
	}
	if err != nil || !found {
		return "", true
	}
	return string(k), true
}

// skipStr returns the offset after the string whose body starts at b[i]: after its
// closing quote, or at a raw line end (not valid in a string: the string is broken, and
// the line end resynchronises the walk), or len(b).
func skipStr(b []byte, i int) int {
	for i < len(b) {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			if hasZero(x^(lsb*'"'))|hasZero(x^(lsb*'\\'))|hasZero(x^(lsb*'\n')) != 0 {
				break
			}
			i += 8
		}
		if i >= len(b) {
			return len(b)
		}
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			i += 2
		case '\n':
			return i
		default:
			i++
		}
	}
	return len(b)
}

// skipElem returns the offset of the ',' or ']' that ends the array element starting at
// b[i] (not one inside a string or a nested object or array), or len(b) when b ends
// first. It does not validate: the workers do. But when a bracket closes the wrong kind
// of bracket the element is broken, and the walk resynchronises as readJSON does after a
// syntax error: the element ends where the next line that starts with '{' or '[' starts
// (or at len(b)). The workers use it too, to go on after a broken element, so both cut
// the array in the same places.
func skipElem(b []byte, i int) int {
	if e, ok := fastElem(b, i); ok {
		return e
	}
	return slowElem(b, i)
}

// slowElem is skipElem a byte at a time.
func slowElem(b []byte, i int) int {
	depth := 0
	var objs uint64 // bit d: the bracket open at depth d+1 (up to 64) is '{'
	for i < len(b) {
		switch c := b[i]; c {
		case '"':
			i = skipStr(b, i+1)
			continue
		case '{', '[':
			if depth < 64 {
				objs &^= 1 << depth
				if c == '{' {
					objs |= 1 << depth
				}
			}
			depth++
		case '}', ']':
			if depth == 0 {
				if c == ']' {
					return i
				}
			} else {
				depth--
				if depth < 64 && (objs>>depth&1 == 1) != (c == '}') {
					if e := nextRecordLine(b, i); e >= 0 {
						return e
					}
					return len(b)
				}
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return len(b)
}

// fastElem returns what skipElem does for the common element, an object whose
// brackets match, whose strings hold no raw line end and which is followed by blanks and
// ',' or ']'; ok is false for anything else, and slowElem then walks the element byte
// by byte.
func fastElem(b []byte, i int) (end int, ok bool) {
	c, ok := fastClose(b, i)
	if !ok {
		return 0, false
	}
	j := skipWS(b, c+1)
	if j < len(b) && (b[j] == ',' || b[j] == ']') {
		return j, true
	}
	return 0, false
}

// fastClose returns the offset of the bracket that closes the object at b[i], reading
// 64 bytes at a time: each block gives bit masks of its quotes, backslashes, brackets
// and line ends (blockMasks); the escapes are resolved from the backslash runs, a prefix
// XOR of the unescaped quotes marks the bytes inside strings, and only the brackets
// outside strings are visited. ok is false, for the byte walks to decide, when b[i] is
// not '{', a backslash stands outside a string or a line end inside one (skipStr ends
// the string there), a bracket closes the wrong kind, nesting is deeper than 64, or b
// ends first.
func fastClose(b []byte, i int) (end int, ok bool) {
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	depth := 0
	var objs uint64    // bit d: the bracket open at depth d+1 is '{'
	var inStr uint64   // all ones when the block before ended inside a string, else 0
	var escNext uint64 // 1 when the first byte of the next block is escaped
	for ; i+64 <= len(b); i += 64 {
		q, bs, br, nl := blockMasks((*[64]byte)(b[i : i+64]))
		esc := escapedBits(bs, &escNext)
		// s: the bytes inside a string, its opening quote included.
		s := prefixXor(q&^esc) ^ inStr
		inStr = uint64(int64(s) >> 63)
		if bs&^s != 0 {
			return 0, false // a backslash outside a string: the escapes above may be wrong
		}
		if nl&s != 0 {
			return 0, false // a line end inside a string ends it in skipStr
		}
		for br &^= s; br != 0; br &= br - 1 {
			k := i + bits.TrailingZeros64(br)
			switch c := b[k]; c {
			case '{', '[':
				if depth >= 64 {
					return 0, false
				}
				objs &^= 1 << depth
				if c == '{' {
					objs |= 1 << depth
				}
				depth++
			default:
				depth--
				if (objs>>depth&1 == 1) != (c == '}') {
					return 0, false
				}
				if depth == 0 {
					return k, true
				}
			}
		}
	}
	return 0, false
}

// blockMasksGo is blockMasks eight bytes at a time.
func blockMasksGo(b *[64]byte) (q, bs, br, nl uint64) {
	for k := 0; k < 64; k += 8 {
		w := binary.LittleEndian.Uint64(b[k:])
		q |= moveMask(eqBytes(w, lsb*'"')) << k
		bs |= moveMask(eqBytes(w, lsb*'\\')) << k
		nl |= moveMask(eqBytes(w, lsb*'\n')) << k
		w |= lsb * 0x20 // '[' and ']' read as '{' and '}'
		br |= moveMask(eqBytes(w, lsb*'{')|eqBytes(w, lsb*'}')) << k
	}
	return q, bs, br, nl
}

// eqBytes returns the high bit of each byte of x equal to the byte of pat (pat repeats
// one byte), exactly: no borrow runs between bytes.
func eqBytes(x, pat uint64) uint64 {
	y := x ^ pat
	return ^((y&(lsb*0x7f) + lsb*0x7f) | y) & msb
}

// moveMask gathers the high bits of the bytes of m (only high bits set) into its low
// eight bits, byte k's into bit k.
func moveMask(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}

// prefixXor returns x with bit k the XOR of x's bits 0..k.
func prefixXor(x uint64) uint64 {
	x ^= x << 1
	x ^= x << 2
	x ^= x << 4
	x ^= x << 8
	x ^= x << 16
	x ^= x << 32
	return x
}

// escapedBits returns the bits of the bytes escaped by a backslash, given the bits of
// the backslashes (a backslash escapes the byte after it unless it is itself escaped:
// in a run, every second one escapes). *carry is 1 when the block before ended with a
// backslash that escapes this block's first byte, and is set for the next block.
func escapedBits(bs uint64, carry *uint64) uint64 {
	const even = 0x5555555555555555
	bs &^= *carry
	follows := bs<<1 | *carry
	oddStarts := bs &^ even &^ follows
	evenSeqs, over := bits.Add64(oddStarts, bs, 0)
	*carry = over
	return (even ^ evenSeqs<<1) & follows
}

// skipValue returns the offset after the object or array starting at b[i], as skipElem
// walks it; ok is false when b ends first.
func skipValue(b []byte, i int) (end int, ok bool) {
	if c, ok := fastClose(b, i); ok {
		return c + 1, true
	}
	return slowValue(b, i)
}

// slowValue is skipValue a byte at a time.
func slowValue(b []byte, i int) (end int, ok bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			i = skipStr(b, i+1)
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth <= 0 {
				return i + 1, true
			}
		}
		i++
	}
	return len(b), false
}

// nextRecordLine returns the offset of the first line after b[i]'s that starts (after
// blanks) with '{' or '[', where readJSON goes on after a syntax error, or -1.
func nextRecordLine(b []byte, i int) int {
	for {
		nl := bytes.IndexByte(b[i:], '\n')
		if nl < 0 {
			return -1
		}
		i += nl + 1
		j := i
		for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r') {
			j++
		}
		if j < len(b) && (b[j] == '{' || b[j] == '[') {
			return j
		}
		if j == len(b) {
			return -1
		}
	}
}

// csvRecordEnd returns the offset after the record starting at b[i] as encoding/csv
// reads it (a quoted field goes on across line ends; a malformed field ends the record
// at its line's end), or -1 when b ends before the record does.
func csvRecordEnd(b []byte, i int) int {
	for i < len(b) {
		if b[i] == '"' {
			// A quoted field.
			i++
			for {
				q := bytes.IndexByte(b[i:], '"')
				if q < 0 || i+q+1 >= len(b) {
					return -1
				}
				i += q + 1
				if b[i] != '"' {
					break
				}
				i++ // "" is a quote
			}
			switch {
			case b[i] == ',':
				i++
				continue
			case b[i] == '\n':
				return i + 1
			case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
				return i + 2
			case b[i] == '\r' && i+1 == len(b):
				return -1
			}
			// Text after the closing quote: an error that ends the record with its line.
			nl := bytes.IndexByte(b[i:], '\n')
			if nl < 0 {
				return -1
			}
			return i + nl + 1
		}
		// An unquoted field.
		for i < len(b) {
			switch b[i] {
			case ',':
				i++
				goto next
			case '\n':
				return i + 1
			case '"':
				// A bare quote: an error that ends the record with its line.
				nl := bytes.IndexByte(b[i:], '\n')
				if nl < 0 {
					return -1
				}
				return i + nl + 1
			}
			i++
		}
		return -1
	next:
	}
	return -1
}

// csvHead is what a CSV file's header row (and first record) decide for all its records.
type csvHead struct {
	names []string // column names from the header
	table string   // the table of the file's records
	warn  string   // a warning about the table choice, or ""
}

// csvNames normalises the portal's header names: no byte order mark, no time zone
// suffix ("TimeGenerated [UTC]"), no surrounding blanks.
func csvNames(header []string) []string {
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		// The portal appends the time zone to datetime column names: "TimeGenerated [UTC]".
		if j := strings.LastIndex(h, " ["); j > 0 && strings.HasSuffix(h, "]") {
			h = h[:j]
		}
		names[i] = strings.TrimSpace(h)
	}
	return names
}

// csvTable picks the table of a CSV file: the name hint, else the value of its Type
// column in the first record when most of its columns belong to that table's schema,
// else the file stem. warn explains a Type that was not followed.
func csvTable(hint, stem, file string, cat *schema.Catalog, names, first []string) (table, warn string) {
	if hint != "" {
		return hint, ""
	}
	for i, n := range names {
		if n != "Type" || i >= len(first) || cat == nil {
			continue
		}
		sch, ok := cat.Table(first[i])
		if !ok {
			break
		}
		known := 0
		for _, n := range names {
			n = strings.TrimSuffix(strings.TrimSuffix(n, "_dynamic"), "_string")
			if _, ok := sch.Column(n); ok {
				known++
			}
		}
		if 2*known >= len(names) {
			return sch.Name, ""
		}
		warn = fmt.Sprintf("%s: rows say Type %q but most columns are not in its schema; loaded as table %q", file, sch.Name, stem)
	}
	return stem, warn
}

// skipBlankLines returns the offset of the first line at or after b[i] that is not
// empty (encoding/csv skips empty lines), or len(b).
func skipBlankLines(b []byte, i int) int {
	for i < len(b) {
		switch {
		case b[i] == '\n':
			i++
		case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
			i += 2
		default:
			return i
		}
	}
	return i
}

// splitCSV streams the CSV text in f.buf (and the rest of f.r): it reads the header and
// the first record, which decide the table, and sends the records in runs of about a
// buffer (unitCSV) for the workers to parse in parallel.
func splitCSV(f *feed, cat *schema.Catalog) int {
	// The header and the first record must be in the buffer.
	var hdrEnd, firstEnd int
	for {
		hdr := skipBlankLines(f.buf, 0)
		hdrEnd = csvRecordEnd(f.buf, hdr)
		firstEnd = -1
		if hdrEnd >= 0 {
			firstEnd = csvRecordEnd(f.buf, skipBlankLines(f.buf, hdrEnd))
		}
		if firstEnd >= 0 || !f.more(0) {
			break
		}
	}
	if hdrEnd < 0 {
		hdrEnd = len(f.buf)
	}
	if firstEnd < 0 {
		firstEnd = len(f.buf)
	}
	header, err := readCSVRecord(f.buf[:hdrEnd])
	if err != nil {
		if err != io.EOF {
			f.reject(1, fmt.Sprintf("header: %v", err))
		}
		return f.finish()
	}
	h := &csvHead{names: csvNames(header)}
	first, _ := readCSVRecord(f.buf[hdrEnd:firstEnd])
	h.table, h.warn = csvTable(f.f.table, f.f.stem, f.f.path, cat, h.names, first)
	start, pos := hdrEnd, hdrEnd
	warn := h.warn
	cut := func(end int) {
		if end > start {
			f.emit(unit{kind: unitCSV, csv: h, data: f.buf[start:end:end], warn: warn}, start, end)
			warn = ""
		}
	}
	for !f.stopped {
		e := csvRecordEnd(f.buf, pos)
		if e < 0 {
			cut(pos)
			start = pos
			keep := pos
			if !f.more(keep) {
				cut(len(f.buf))
				break
			}
			start, pos = 0, 0
			continue
		}
		pos = e
	}
	return f.finish()
}
