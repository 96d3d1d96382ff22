package exec

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// The reduce operator (reduce-operator.md) follows SLCT, the clustering algorithm of Risto
// Vaarandi's "A Data Clustering Algorithm for Mining Patterns From Event Logs" (2003),
// which the page names as its basis:
//
//  1. Each value is split into terms. A term is identified by its text and its position
//     (the how-manyth term of the value it is).
//  2. A term is frequent when it occurs in more than threshold × N rows (N is the number of
//     input rows). The comparison is strict, so with the default threshold 0.1 and ten rows
//     a term must occur at least twice (the page's `fooZ1`…`fooZ10` example).
//  3. Each value's cluster candidate is its frequent terms in order, with a `*` wherever
//     infrequent terms stand (a run of them gives one `*`). A candidate that occurs in more
//     than threshold × N rows is a group; the values of the other candidates, and of those
//     with no frequent term at all, form the group "others".
//
// Terms: by default, runs of letters and digits are terms and every other character is a
// term by itself, so spaces and punctuation stay in the pattern when they are frequent
// ("San *", "* -on- *"), though a pattern needs a constant word, not only separators. With `characters=`, the listed characters only separate terms:
// they are kept between two constant terms and absorbed by an adjacent wildcard, which is
// why `fooZ1` with characters="Z" gives the pattern `foo*`.

// reduceOthers is the pattern of the values that fall in no group.
const reduceOthers = "others"

// reduceSplitter splits a value into pieces: terms, and runs of separator characters
// (only when seps is non-empty; by default separators are terms).
type reduceSplitter struct{ seps string }

type reducePiece struct {
	text string
	term bool
	word bool // a term that is not a lone separator character
}

func (s reduceSplitter) split(v string, out []reducePiece) []reducePiece {
	out = out[:0]
	start, inSep := 0, false
	emit := func(end int, term, word bool) {
		if end > start {
			out = append(out, reducePiece{text: v[start:end], term: term, word: word})
		}
		start = end
	}
	for i, r := range v {
		if s.seps == "" {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				_, size := utf8.DecodeRuneInString(v[i:])
				emit(i, true, true)
				emit(i+size, true, false)
			}
			continue
		}
		if sep := strings.ContainsRune(s.seps, r); sep != inSep {
			emit(i, !inSep, !inSep)
			inSep = sep
		}
	}
	emit(len(v), !inSep, !inSep)
	return out
}

// reduceTerm is a term at a position of its value.
type reduceTerm struct {
	pos  int
	text string
}

// reduceValue is one distinct input value and how many rows hold it.
type reduceValue struct {
	s string
	n int64
}

// reduceGroup is one output group.
type reduceGroup struct {
	pattern string
	count   int64
	rep     string // the most common value (the smallest on ties)
	repN    int64
}

// reducer accumulates distinct values and computes the groups. It is not safe for
// concurrent use.
type reducer struct {
	x         *executor
	threshold float64
	split     reduceSplitter
	index     map[string]int
	vals      []reduceValue
	total     int64
}

func newReducer(x *executor, n *plan.Reduce) *reducer {
	return &reducer{x: x, threshold: n.Threshold, split: reduceSplitter{seps: n.Characters}, index: map[string]int{}}
}

// add counts n rows of value s, charging new distinct values to the memory budget.
func (r *reducer) add(s string, n int64) error {
	r.total += n
	if i, ok := r.index[s]; ok {
		r.vals[i].n += n
		return nil
	}
	if err := r.x.budget.grow("reduce", int64(len(s))+64); err != nil {
		return err
	}
	s = strings.Clone(s) // do not keep the input batch alive
	r.index[s] = len(r.vals)
	r.vals = append(r.vals, reduceValue{s: s, n: n})
	return nil
}

// groups returns the groups (by descending count, then pattern) and, for each distinct
// value in r.vals order, the index of its group or -1 for "others", with the number of
// rows in "others".
func (r *reducer) groups() ([]reduceGroup, []int, int64, error) {
	support := r.threshold * float64(r.total)
	freq := map[reduceTerm]int64{}
	var pieces []reducePiece
	for i, v := range r.vals {
		if i%4096 == 4095 {
			if err := r.x.canceled(); err != nil {
				return nil, nil, 0, err
			}
		}
		pieces = r.split.split(v.s, pieces)
		pos := 0
		for _, p := range pieces {
			if !p.term {
				continue
			}
			t := reduceTerm{pos, p.text}
			if _, ok := freq[t]; !ok {
				if err := r.x.budget.grow("reduce", 64); err != nil {
					return nil, nil, 0, err
				}
			}
			freq[t] += v.n
			pos++
		}
	}
	frequent := func(t reduceTerm) bool { return float64(freq[t]) > support }

	byKey := map[string]int{}
	var cands []reduceGroup
	of := make([]int, len(r.vals))
	var key, pat strings.Builder
	for i, v := range r.vals {
		if i%4096 == 4095 {
			if err := r.x.canceled(); err != nil {
				return nil, nil, 0, err
			}
		}
		pieces = r.split.split(v.s, pieces)
		key.Reset()
		pat.Reset()
		pending, lastWild, constant, pos := "", false, false, 0
		for _, p := range pieces {
			if !p.term {
				pending += p.text
				continue
			}
			if frequent(reduceTerm{pos, p.text}) {
				if pending != "" && !lastWild {
					writeReduceKey(&key, pending)
					pat.WriteString(pending)
				}
				writeReduceKey(&key, p.text)
				pat.WriteString(p.text)
				lastWild, constant = false, constant || p.word
			} else if !lastWild {
				key.WriteString("\x00\x00")
				pat.WriteByte('*')
				lastWild = true
			}
			pending = ""
			pos++
		}
		if pending != "" && !lastWild {
			writeReduceKey(&key, pending)
			pat.WriteString(pending)
		}
		if !constant {
			of[i] = -1
			continue
		}
		k := key.String()
		j, ok := byKey[k]
		if !ok {
			if err := r.x.budget.grow("reduce", int64(len(k)+pat.Len())+96); err != nil {
				return nil, nil, 0, err
			}
			j = len(cands)
			byKey[k] = j
			cands = append(cands, reduceGroup{pattern: pat.String()})
		}
		c := &cands[j]
		c.count += v.n
		if v.n > c.repN || v.n == c.repN && v.s < c.rep {
			c.rep, c.repN = v.s, v.n
		}
		of[i] = j
	}

	// Keep the candidates above the support, in output order.
	keep := make([]int, 0, len(cands))
	for j, c := range cands {
		if float64(c.count) > support {
			keep = append(keep, j)
		}
	}
	sort.Slice(keep, func(a, b int) bool {
		ca, cb := cands[keep[a]], cands[keep[b]]
		if ca.count != cb.count {
			return ca.count > cb.count
		}
		return ca.pattern < cb.pattern
	})
	remap := make([]int, len(cands))
	for j := range remap {
		remap[j] = -1
	}
	out := make([]reduceGroup, len(keep))
	for i, j := range keep {
		remap[j] = i
		out[i] = cands[j]
	}
	var others int64
	for i, j := range of {
		if j >= 0 {
			j = remap[j]
		}
		of[i] = j
		if j < 0 {
			others += r.vals[i].n
		}
	}
	return out, of, others, nil
}

// writeReduceKey writes text to a group key, escaping NUL so that "\x00\x00" (a
// wildcard) cannot be confused with a constant.
func writeReduceKey(b *strings.Builder, text string) {
	for {
		i := strings.IndexByte(text, 0)
		if i < 0 {
			b.WriteString(text)
			return
		}
		b.WriteString(text[:i])
		b.WriteString("\x00\x01")
		text = text[i+1:]
	}
}

// reduceString is row i of v as reduce sees it: strings as they are, dynamic strings
// unquoted, null as the empty string, anything else as tostring() writes it.
func reduceString(v column.Vector, i int) string {
	if s, ok := v.(*column.Strings); ok {
		return s.Str(i)
	}
	return types.ToString(v.Value(i)).S
}

// newReduceProc runs a reduce. The plain form keeps only the distinct values of By and
// their counts; kind=source buffers its input to append the Pattern of each row.
func (x *executor) newReduceProc(n *plan.Reduce, next processor) (processor, error) {
	by, err := x.compile(n.By)
	if err != nil {
		return nil, err
	}
	if n.Source {
		return &bufferProc{x: x, op: "reduce", schema: n.Input.Schema(), next: next, fn: func(in *column.Batch) ([]*column.Batch, error) {
			return x.reduceSource(n, by(in), in)
		}}, nil
	}
	return &reduceProc{x: x, n: n, by: by, r: newReducer(x, n), next: next}, nil
}

type reduceProc struct {
	x    *executor
	n    *plan.Reduce
	by   evalFn
	mu   sync.Mutex
	r    *reducer
	next processor
}

func (p *reduceProc) push(_ int, b *column.Batch) error {
	if err := p.x.canceled(); err != nil {
		return err
	}
	v := p.by(b)
	// Count the batch's values before taking the lock; batches often repeat values.
	local := map[string]int64{}
	var order []string
	for i := 0; i < b.Len; i++ {
		s := reduceString(v, i)
		if _, ok := local[s]; !ok {
			order = append(order, s)
		}
		local[s]++
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range order {
		if err := p.r.add(s, local[s]); err != nil {
			return err
		}
	}
	return nil
}

func (p *reduceProc) flush() error {
	gs, _, others, err := p.r.groups()
	if err != nil {
		return err
	}
	rows := make([][]types.Value, 0, len(gs)+1)
	for _, g := range gs {
		rows = append(rows, []types.Value{types.NewString(g.pattern), types.NewLong(g.count), types.NewString(g.rep)})
	}
	if others > 0 {
		rows = append(rows, []types.Value{types.NewString(reduceOthers), types.NewLong(others), types.NewString("")})
	}
	for _, b := range rowsToBatches(p.n.Fields, rows, p.x.batch) {
		if err := p.next.push(0, b); err != nil {
			if errors.Is(err, errStop) {
				break
			}
			return err
		}
	}
	return p.next.flush()
}

// reduceSource is reduce kind=source: the input rows with the Pattern of their group.
func (x *executor) reduceSource(n *plan.Reduce, v column.Vector, in *column.Batch) ([]*column.Batch, error) {
	r := newReducer(x, n)
	row := make([]int, in.Len) // index into r.vals
	for i := 0; i < in.Len; i++ {
		s := reduceString(v, i)
		if err := r.add(s, 1); err != nil {
			return nil, err
		}
		row[i] = r.index[s]
	}
	gs, of, _, err := r.groups()
	if err != nil {
		return nil, err
	}
	// Dictionary entries must be distinct; two groups may print alike (a value "others").
	var dict []string
	code := map[string]uint32{}
	codeOf := func(p string) uint32 {
		c, ok := code[p]
		if !ok {
			c = uint32(len(dict))
			code[p] = c
			dict = append(dict, p)
		}
		return c
	}
	groupCode := make([]uint32, len(gs))
	for i, g := range gs {
		groupCode[i] = codeOf(g.pattern)
	}
	codes := make([]uint32, in.Len)
	for i, vi := range row {
		if g := of[vi]; g >= 0 {
			codes[i] = groupCode[g]
		} else {
			codes[i] = codeOf(reduceOthers)
		}
	}
	pattern := &column.Strings{Codes: codes, Dict: dict}
	cols := append([]column.Vector(nil), in.Cols...)
	if n.PatternIndex < len(cols) {
		cols[n.PatternIndex] = pattern
	} else {
		cols = append(cols, pattern)
	}
	out := &column.Batch{Schema: n.Fields, Cols: cols, Len: in.Len}
	var bs []*column.Batch
	for i := 0; i < out.Len; i += x.batch {
		bs = append(bs, out.Slice(i, min(i+x.batch, out.Len)))
	}
	return bs, nil
}
