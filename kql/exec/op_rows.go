package exec

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// rowProc is a streaming operator that maps each input row to zero or more output rows:
// mv-expand, parse, parse-kv, bag_unpack. Output columns that pass an input column
// through (pass[i] >= 0) are gathered column-wise by input row; only the computed ones
// (pass[i] < 0) are built value by value.
type rowProc struct {
	schema []column.Field
	pass   []int
	fns    []evalFn
	// row emits the output rows of input row r (args holds the evaluated fns at r); each
	// emitted slice has one value per output column, read only where pass[i] < 0.
	row  func(b *column.Batch, r int, args []types.Value, emit func([]types.Value))
	next processor
}

func (p *rowProc) push(w int, b *column.Batch) error {
	vecs := make([]column.Vector, len(p.fns))
	for i, f := range p.fns {
		vecs[i] = f(b)
	}
	bld := make([]column.Builder, len(p.schema))
	for i, f := range p.schema {
		if p.pass[i] < 0 {
			bld[i] = column.NewBuilder(f.Type)
		}
	}
	var idx []int32
	cur := 0
	emit := func(row []types.Value) {
		idx = append(idx, int32(cur))
		for i, bb := range bld {
			if bb != nil {
				appendValue(bb, p.schema[i].Type, row[i])
			}
		}
	}
	args := make([]types.Value, len(vecs))
	for r := 0; r < b.Len; r++ {
		for i, v := range vecs {
			args[i] = v.Value(r)
		}
		cur = r
		p.row(b, r, args, emit)
	}
	if len(idx) == 0 {
		return nil
	}
	cols := make([]column.Vector, len(p.schema))
	for i, bb := range bld {
		if bb != nil {
			cols[i] = bb.Build()
		} else {
			cols[i] = column.Gather(b.Cols[p.pass[i]], idx)
		}
	}
	return p.next.push(w, &column.Batch{Schema: p.schema, Cols: cols, Len: len(idx)})
}

func (p *rowProc) flush() error { return p.next.flush() }

// passThrough returns the pass list of an operator whose first inW output columns are its
// input columns, except those listed in computed; later columns are computed.
func passThrough(width, inW int, computed ...int) []int {
	pass := make([]int, width)
	for i := range pass {
		pass[i] = -1
		if i < inW {
			pass[i] = i
		}
	}
	for _, c := range computed {
		if c >= 0 && c < width {
			pass[c] = -1
		}
	}
	return pass
}

func (x *executor) compileAll(es []plan.Expr) ([]evalFn, error) {
	out := make([]evalFn, len(es))
	for i, e := range es {
		f, err := x.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// expandValues lists the elements mv-expand produces from v: array elements, bag
// properties (as single-property bags, or [key, value] arrays), a null as one null, and
// any other scalar as itself.
func expandValues(v types.Value, bagArray bool) []types.Value {
	if v.IsNull() {
		return []types.Value{types.NullOf(types.Dynamic)}
	}
	if v.Type != types.Dynamic {
		return []types.Value{v}
	}
	j := types.JSON(v.S)
	var out []types.Value
	switch j.Kind() {
	case types.JSONArray:
		j.Each(func(el types.JSON) bool {
			out = append(out, types.DynamicElem(el))
			return true
		})
	case types.JSONObject:
		j.Members(func(k, val types.JSON) bool {
			key, _ := k.Unquote()
			var b []byte
			if bagArray {
				b = append(b, '[')
				b = types.AppendJSONString(b, key)
				b = append(b, ',')
				b = append(b, strings.TrimSpace(string(val))...)
				b = append(b, ']')
			} else {
				b = append(b, '{')
				b = types.AppendJSONString(b, key)
				b = append(b, ':')
				b = append(b, strings.TrimSpace(string(val))...)
				b = append(b, '}')
			}
			out = append(out, types.NewDynamic(string(b)))
			return true
		})
	default:
		out = append(out, v)
	}
	return out
}

// castElem applies mv-expand's `to typeof(T)`: cast only, no parsing; elements that do
// not conform become null.
func castElem(v types.Value, t types.Type) types.Value {
	if t == types.Dynamic || v.IsNull() {
		return types.ToDynamic(v)
	}
	s := types.DynamicScalar(types.JSON(v.S))
	switch {
	case s.Type == t:
		return s
	case t == types.String && s.Type != types.Dynamic:
		return types.Convert(s, t)
	case (t == types.Long || t == types.Int || t == types.Real || t == types.Decimal) && (s.Type.IsNumeric()):
		return types.Convert(s, t)
	case t == types.Bool && s.Type == types.Bool:
		return s
	case t == types.DateTime || t == types.TimeSpan || t == types.GUID:
		if s.Type == types.String {
			return types.Convert(s, t)
		}
	}
	return types.NullOf(t)
}

func (x *executor) newMvExpandProc(n *plan.MvExpand, next processor) (processor, error) {
	var es []plan.Expr
	for _, it := range n.Items {
		es = append(es, it.X)
	}
	fns, err := x.compileAll(es)
	if err != nil {
		return nil, err
	}
	computed := []int{n.ItemIndex}
	for _, it := range n.Items {
		computed = append(computed, it.Index)
	}
	pass := passThrough(len(n.Fields), len(n.Input.Schema()), computed...)
	return &rowProc{schema: n.Fields, pass: pass, fns: fns, next: next, row: func(b *column.Batch, r int, args []types.Value, emit func([]types.Value)) {
		lists := make([][]types.Value, len(args))
		rows := 0
		for i, a := range args {
			lists[i] = expandValues(a, n.BagArray)
			rows = max(rows, len(lists[i]))
		}
		if n.Limit >= 0 && int64(rows) > n.Limit {
			rows = int(n.Limit)
		}
		out := make([]types.Value, len(n.Fields))
		for k := 0; k < rows; k++ {
			for i, it := range n.Items {
				v := types.NullOf(it.To)
				if k < len(lists[i]) {
					v = castElem(lists[i][k], it.To)
				}
				out[it.Index] = v
			}
			if n.ItemIndex >= 0 {
				out[n.ItemIndex] = types.NewLong(int64(k))
			}
			emit(out)
		}
	}}, nil
}

func (x *executor) newParseProc(n *plan.Parse, next processor) (processor, error) {
	re, err := regexp.Compile(n.Regex)
	if err != nil {
		return nil, &RuntimeError{Op: "parse", Msg: err.Error()}
	}
	fns, err := x.compileAll([]plan.Expr{n.X})
	if err != nil {
		return nil, err
	}
	pass := passThrough(len(n.Fields), len(n.Input.Schema()), n.Captures...)
	groups := make([]int, len(n.Captures))
	for i := range groups {
		groups[i] = re.SubexpIndex(fmt.Sprintf("c%d", i))
	}
	return &rowProc{schema: n.Fields, pass: pass, fns: fns, next: next, row: func(b *column.Batch, r int, args []types.Value, emit func([]types.Value)) {
		out := make([]types.Value, len(n.Fields))
		for _, c := range n.Captures {
			out[c] = types.NullOf(n.Fields[c].Type)
		}
		m := re.FindStringSubmatch(textOf(args[0]))
		ok := m != nil
		if ok {
			for i, c := range n.Captures {
				t := n.Fields[c].Type
				v := types.Convert(types.NewString(m[groups[i]]), t)
				if v.IsNull() && t != types.String {
					if n.Kind != plan.ParseRelaxed {
						ok = false
						break
					}
				}
				out[c] = v
			}
		}
		if !ok {
			if n.Where {
				return
			}
			for _, c := range n.Captures {
				out[c] = types.NullOf(n.Fields[c].Type)
			}
		}
		emit(out)
	}}, nil
}

func (x *executor) newParseKvProc(n *plan.ParseKv, next processor) (processor, error) {
	fns, err := x.compileAll([]plan.Expr{n.X})
	if err != nil {
		return nil, err
	}
	var re *regexp.Regexp
	if n.Regex != "" {
		if re, err = regexp.Compile(n.Regex); err != nil {
			return nil, &RuntimeError{Op: "parse-kv", Msg: err.Error()}
		}
	}
	pass := passThrough(len(n.Fields), n.FirstIndex)
	return &rowProc{schema: n.Fields, pass: pass, fns: fns, next: next, row: func(b *column.Batch, r int, args []types.Value, emit func([]types.Value)) {
		out := make([]types.Value, len(n.Fields))
		pairs := splitKv(textOf(args[0]), n, re)
		for i, k := range n.Keys {
			v, ok := pairs[k.Name]
			if !ok {
				out[n.FirstIndex+i] = types.NullOf(k.Type)
				continue
			}
			out[n.FirstIndex+i] = types.Convert(types.NewString(v), k.Type)
		}
		emit(out)
	}}, nil
}

// kvScanner reads keys and values of parse-kv.
type kvScanner struct {
	s       string
	n       *plan.ParseKv
	closeOf map[byte]byte // open quote → close quote
}

// quoted reads a quoted token at i (s[i] is an open quote), resolving escapes.
func (k *kvScanner) quoted(i int) (string, int) {
	closeQ := k.closeOf[k.s[i]]
	var b strings.Builder
	for j := i + 1; j < len(k.s); j++ {
		c := k.s[j]
		if strings.IndexByte(k.n.Escapes, c) >= 0 && j+1 < len(k.s) {
			b.WriteByte(k.s[j+1])
			j++
			continue
		}
		if c == closeQ {
			return b.String(), j + 1
		}
		b.WriteByte(c)
	}
	return b.String(), len(k.s)
}

func (k *kvScanner) isOpen(c byte) bool { _, ok := k.closeOf[c]; return ok }

// splitKv extracts key/value pairs from s as parse-kv describes: keys and values may be
// quoted; an unquoted value runs to the next pair delimiter (greedy: to the next delimiter
// that starts another key=value pair). Without delimiters, any run of non-alphanumeric
// characters separates keys from values and pairs from each other.
func splitKv(s string, n *plan.ParseKv, re *regexp.Regexp) map[string]string {
	out := map[string]string{}
	put := func(k, v string) {
		k = strings.TrimSpace(k)
		if _, dup := out[k]; !dup {
			out[k] = strings.TrimSpace(v)
		}
	}
	if re != nil {
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			if len(m) >= 3 {
				put(m[1], m[2])
			}
		}
		return out
	}
	k := &kvScanner{s: s, n: n, closeOf: map[byte]byte{}}
	for _, q := range n.Quotes {
		switch len(q) {
		case 1:
			k.closeOf[q[0]] = q[0]
		case 2:
			k.closeOf[q[0]] = q[1]
		}
	}
	if n.PairDelim == "" && n.KvDelim == "" {
		return k.unspecified(out, put)
	}
	pd, kd := n.PairDelim, n.KvDelim
	i := 0
	for i < len(s) {
		for i < len(s) && (pd != "" && strings.HasPrefix(s[i:], pd) || s[i] == ' ') {
			if pd != "" && strings.HasPrefix(s[i:], pd) {
				i += len(pd)
			} else {
				i++
			}
		}
		if i >= len(s) {
			break
		}
		var key string
		if k.isOpen(s[i]) {
			key, i = k.quoted(i)
		} else {
			ki := strings.Index(s[i:], kd)
			pi := strings.Index(s[i:], pd)
			if ki < 0 {
				break
			}
			if pd != "" && pi >= 0 && pi < ki {
				i += pi + len(pd) // a token without a value
				continue
			}
			key = s[i : i+ki]
			i += ki
		}
		if !strings.HasPrefix(s[i:], kd) {
			continue
		}
		i += len(kd)
		for i < len(s) && s[i] == ' ' && pd != " " {
			i++
		}
		var val string
		if i < len(s) && k.isOpen(s[i]) {
			val, i = k.quoted(i)
		} else {
			end := strings.Index(s[i:], pd)
			if n.Greedy {
				end = -1
				for j := i; j < len(s); j++ {
					if strings.HasPrefix(s[j:], pd) {
						rest := s[j+len(pd):]
						if x := strings.Index(rest, kd); x > 0 && !strings.Contains(rest[:x], pd) {
							end = j - i
							break
						}
					}
				}
			}
			if end < 0 || pd == "" {
				val, i = s[i:], len(s)
			} else {
				val, i = s[i:i+end], i+end
			}
		}
		put(key, val)
	}
	return out
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

// unspecified finds each requested key as a word followed by delimiter characters and
// takes the next word (or quoted text) as its value.
func (k *kvScanner) unspecified(out map[string]string, put func(k, v string)) map[string]string {
	s := k.s
	for _, f := range k.n.Keys {
		key := f.Name
		for from := 0; from < len(s); {
			at := strings.Index(s[from:], key)
			if at < 0 {
				break
			}
			at += from
			end := at + len(key)
			from = end
			if (at > 0 && isAlnum(s[at-1])) || (end < len(s) && isAlnum(s[end])) {
				continue
			}
			j := end
			for j < len(s) && !isAlnum(s[j]) && !k.isOpen(s[j]) {
				j++
			}
			if j == end || j >= len(s) {
				continue
			}
			if k.isOpen(s[j]) {
				v, _ := k.quoted(j)
				put(key, v)
				break
			}
			e := j
			for e < len(s) && isAlnum(s[e]) {
				e++
			}
			put(key, s[j:e])
			break
		}
	}
	return out
}

// newEvaluateProc runs a plugin over its input's rows.
func (x *executor) newEvaluateProc(n *plan.Evaluate, next processor) (processor, error) {
	switch n.Plugin {
	case "rows_near":
		return x.newRowsNear(n, next)
	case "rolling_percentile":
		return x.newRollingPercentile(n, next)
	case "dcount_intersect":
		return x.newDcountIntersect(n, next)
	case "active_users_count":
		return x.newActiveUsersCount(n, next)
	case "sliding_window_counts":
		return x.newSlidingWindowCounts(n, next)
	case "basket":
		return x.newBasket(n, next)
	case "autocluster":
		return x.newAutocluster(n, next)
	case "bag_unpack":
		fns, err := x.compileAll(n.Args[:1])
		if err != nil {
			return nil, err
		}
		in := n.Input.Schema()
		src := -1
		if c, ok := n.Args[0].(*plan.ColRef); ok {
			src = c.Index
		}
		// Output columns that are input columns come from the input; the rest are slots.
		fromIn := make([]int, len(n.Fields))
		for i, f := range n.Fields {
			fromIn[i] = -1
			if i < len(n.FromBag) && n.FromBag[i] {
				continue
			}
			for j, g := range in {
				if g.Name == f.Name && j != src {
					fromIn[i] = j
				}
			}
		}
		return &rowProc{schema: n.Fields, pass: fromIn, fns: fns, next: next, row: func(b *column.Batch, r int, args []types.Value, emit func([]types.Value)) {
			out := make([]types.Value, len(n.Fields))
			bag := args[0]
			for i, f := range n.Fields {
				if fromIn[i] >= 0 {
					continue
				}
				key := strings.TrimPrefix(f.Name, n.Prefix)
				v := types.DynamicMember(bag, key)
				if f.Type != types.Dynamic {
					v = types.DynamicScalar(types.JSON(v.S))
					if v.IsNull() {
						v = types.NullOf(f.Type)
					}
				}
				out[i] = v
			}
			emit(out)
		}}, nil
	case "narrow":
		in := n.Input.Schema()
		var mu sync.Mutex
		row := int64(0)
		return &rowProc{schema: n.Fields, pass: passThrough(len(n.Fields), 0), next: next, row: func(b *column.Batch, r int, _ []types.Value, emit func([]types.Value)) {
			mu.Lock()
			id := row
			row++
			mu.Unlock()
			for j, f := range in {
				emit([]types.Value{types.NewLong(id), types.NewString(f.Name), types.NewString(textOf(b.Cols[j].Value(r)))})
			}
		}}, nil
	}
	return nil, &RuntimeError{Op: "evaluate", Msg: "plugin " + n.Plugin + " is not supported"}
}
