package plan

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// operator plans one pipe stage over in.
func (b *builder) operator(op syntax.Operator, in Node, sc *scope) (Node, error) {
	if n, ok, err := b.graphOperator(op, in, sc); ok {
		return n, err
	}
	row := in.Schema()
	switch op := op.(type) {
	case *syntax.WhereOp:
		e, err := b.scalar(op.Pred, row, sc)
		if err != nil {
			return nil, err
		}
		if t := e.Type(); t != types.Bool && t != types.Dynamic && t != types.Unknown {
			return nil, errAt(op.Pred, "in '%s': expected a bool predicate, found %s", op.Name, t)
		}
		return &Filter{Input: in, Pred: e, Op: op.Name}, nil
	case *syntax.ExtendOp:
		return b.project(op.Exprs, in, sc, "extend", true)
	case *syntax.ProjectOp:
		return b.project(op.Exprs, in, sc, "project", false)
	case *syntax.ProjectAwayOp:
		keep := make([]bool, len(row))
		for i := range keep {
			keep[i] = true
		}
		for _, c := range op.Columns {
			m, err := matchColumns(c, row)
			if err != nil {
				return nil, err
			}
			for _, i := range m {
				keep[i] = false
			}
		}
		var idx []int
		for i, k := range keep {
			if k {
				idx = append(idx, i)
			}
		}
		return pick(in, idx, nil, "project-away"), nil
	case *syntax.ProjectKeepOp:
		keep := make([]bool, len(row))
		for _, c := range op.Columns {
			m, err := matchColumns(c, row)
			if err != nil {
				return nil, err
			}
			for _, i := range m {
				keep[i] = true
			}
		}
		var idx []int
		for i, k := range keep {
			if k {
				idx = append(idx, i)
			}
		}
		return pick(in, idx, nil, "project-keep"), nil
	case *syntax.ProjectRenameOp:
		names := make([]string, len(row))
		for i, f := range row {
			names[i] = f.Name
		}
		idx := make([]int, len(row))
		for i := range idx {
			idx[i] = i
		}
		for _, r := range op.Renames {
			old, ok := r.Value.(*syntax.Ident)
			if !ok {
				return nil, errAt(r.Value, "in 'project-rename': expected a column name")
			}
			i := fieldIndex(row, old.Name)
			if i < 0 {
				return nil, errAt(old, "in 'project-rename': unknown column %q", old.Name)
			}
			names[i] = r.Names[0].Name
		}
		return pick(in, idx, names, "project-rename"), nil
	case *syntax.ProjectReorderOp:
		var idx []int
		used := make([]bool, len(row))
		for _, c := range op.Columns {
			m, err := matchColumns(c.X, row)
			if err != nil {
				return nil, err
			}
			var fresh []int
			for _, i := range m {
				if !used[i] {
					fresh = append(fresh, i)
					used[i] = true
				}
			}
			if c.Order != "" {
				desc := strings.EqualFold(c.Order, "desc")
				sortByName(fresh, row, desc)
			}
			idx = append(idx, fresh...)
		}
		for i := range row {
			if !used[i] {
				idx = append(idx, i)
			}
		}
		return pick(in, idx, nil, "project-reorder"), nil
	case *syntax.SummarizeOp:
		return b.summarize(op, in, sc)
	case *syntax.CountOp:
		name := "Count"
		if op.As != nil {
			name = op.As.Name
		}
		f, ok := b.env.Funcs.Lookup("count")
		if !ok {
			return nil, errAt(op, "count() is not in the function registry")
		}
		return &Aggregate{Input: in, Op: "count", Fields: []Field{{Name: name, Type: types.Long}},
			Aggs: []*AggCall{{Name: "count", Func: f, Outputs: []Field{{Name: name, Type: types.Long}}}}}, nil
	case *syntax.TakeOp:
		n, err := b.constInt(op.Count, sc, op.Name)
		if err != nil {
			return nil, err
		}
		return &Limit{Input: in, N: n}, nil
	case *syntax.SampleOp:
		n, err := b.constInt(op.Count, sc, "sample")
		if err != nil {
			return nil, err
		}
		return &Sample{Input: in, N: n}, nil
	case *syntax.SortOp:
		keys, err := b.sortKeys(op.Keys, row, sc)
		if err != nil {
			return nil, err
		}
		return &Sort{Input: in, Keys: keys, Limit: -1, Op: op.Name}, nil
	case *syntax.TopOp:
		n, err := b.constInt(op.Count, sc, "top")
		if err != nil {
			return nil, err
		}
		keys, err := b.sortKeys([]*syntax.OrderedExpr{op.By}, row, sc)
		if err != nil {
			return nil, err
		}
		return &Sort{Input: in, Keys: keys, Limit: n, Op: "top"}, nil
	case *syntax.DistinctOp:
		var keys []Expr
		var fields []Field
		for _, c := range op.Columns {
			if _, ok := c.(*syntax.StarExpr); ok {
				for i, f := range row {
					keys = append(keys, &ColRef{Index: i, Name: f.Name, T: f.Type})
					fields = append(fields, f)
				}
				continue
			}
			e, err := b.scalar(c, row, sc)
			if err != nil {
				return nil, err
			}
			name := b.exprName(c, row, sc)
			if ne, ok := c.(*syntax.NamedExpr); ok {
				name = ne.Names[0].Name
			}
			if name == "" {
				name = fmt.Sprintf("Column%d", len(fields)+1)
			}
			keys = append(keys, e)
			fields = append(fields, Field{Name: name, Type: e.Type()})
		}
		return &Aggregate{Input: in, Keys: keys, Fields: fields, Op: "distinct"}, nil
	case *syntax.JoinOp:
		if op.Where != nil {
			return nil, errAt(op.Where, "in 'join': a 'where' condition is not supported; use 'on' keys")
		}
		return b.join(op.Params, op.Right, op.On, op, in, sc, "join")
	case *syntax.SampleDistinctOp:
		n, err := b.constInt(op.Count, sc, "sample-distinct")
		if err != nil {
			return nil, err
		}
		e, err := b.scalar(op.Of, row, sc)
		if err != nil {
			return nil, err
		}
		name := b.exprName(op.Of, row, sc)
		if name == "" {
			name = "Column1"
		}
		d := &Aggregate{Input: in, Keys: []Expr{e}, Fields: []Field{{Name: name, Type: e.Type()}}, Op: "distinct"}
		return &Limit{Input: d, N: n}, nil
	case *syntax.LookupOp:
		return b.join(op.Params, op.Right, op.On, op, in, sc, "lookup")
	case *syntax.UnionOp:
		return b.union(op, in, sc)
	case *syntax.MvExpandOp:
		return b.mvExpand(op, in, sc)
	case *syntax.MvApplyOp:
		return b.mvApply(op, in, sc)
	case *syntax.ParseOp:
		return b.parse(op, in, sc)
	case *syntax.ParseKvOp:
		return b.parseKv(op, in, sc)
	case *syntax.MakeSeriesOp:
		return b.makeSeries(op, in, sc)
	case *syntax.SerializeOp:
		if len(op.Exprs) == 0 {
			// A pass-through Project marks the row set as serialized.
			return pick(in, identity(len(in.Schema())), nil, "serialize"), nil
		}
		return b.project(op.Exprs, in, sc, "serialize", true)
	case *syntax.TopNestedOp:
		return b.topNested(op, in, sc)
	case *syntax.AsOp:
		if op.Name != nil {
			sc.vars[op.Name.Name] = &binding{table: in}
		}
		return in, nil
	case *syntax.GetSchemaOp:
		return &GetSchema{Input: in}, nil
	case *syntax.RenderOp:
		chart := ""
		if op.Chart != nil {
			chart = op.Chart.Name
		}
		return &Render{Input: in, Chart: chart}, nil
	case *syntax.EvaluateOp:
		return b.evaluate(op, in, sc)
	case *syntax.InvokeOp:
		if op.Call == nil {
			return nil, errAt(op, "in 'invoke': expected a function call")
		}
		bd := sc.lookup(op.Call.Fun.Name)
		if bd == nil || bd.fn == nil {
			return nil, errAt(op.Call, "in 'invoke': unknown function %q", op.Call.Fun.Name)
		}
		n, _, err := b.callFunc(op.Call, bd, sc, nil, in)
		if err != nil {
			return nil, err
		}
		if n == nil {
			return nil, errAt(op.Call, "in 'invoke': function %q does not return a table", op.Call.Fun.Name)
		}
		return n, nil
	case *syntax.SearchOp:
		return b.search(op, in, sc)
	case *syntax.PartitionOp:
		return b.partition(op, in, sc)
	case *syntax.ScanOp:
		return b.scanOp(op, in, sc)
	case *syntax.ProjectByNamesOp:
		return b.projectByNames(op, in, sc)
	case *syntax.ReduceOp:
		return b.reduce(op, in, sc)
	case *syntax.ConsumeOp:
		// consume reads its input and returns none of it to the client: the result is
		// the input's columns without rows (consume-operator.md). socfeed's operators have
		// no side effects to trigger, so the rows may as well never be produced.
		return &Filter{Input: in, Pred: &Const{V: types.NewBool(false)}, Op: "consume"}, nil
	case *syntax.BadOperator:
		return nil, errAt(op, "cannot plan an operator that did not parse")
	}
	return nil, errAt(op, "operator '%s' is not supported", op.OpName())
}

// pick is a Project that selects (and possibly renames) input columns.
func pick(in Node, idx []int, names []string, op string) Node {
	row := in.Schema()
	p := &Project{Input: in, Op: op}
	for _, i := range idx {
		f := row[i]
		if names != nil {
			f.Name = names[i]
		}
		p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: row[i].Name, T: row[i].Type})
		p.Fields = append(p.Fields, f)
	}
	return p
}

func sortByName(idx []int, row []Field, desc bool) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0; j-- {
			a, b := row[idx[j-1]].Name, row[idx[j]].Name
			if (!desc && a > b) || (desc && a < b) {
				idx[j-1], idx[j] = idx[j], idx[j-1]
			}
		}
	}
}

// matchColumns returns the columns a name or wildcard denotes.
func matchColumns(x syntax.Expr, row []Field) ([]int, error) {
	switch x := x.(type) {
	case *syntax.Ident:
		i := fieldIndex(row, x.Name)
		if i < 0 {
			return nil, errAt(x, "unknown column %q", x.Name)
		}
		return []int{i}, nil
	case *syntax.WildcardName:
		var out []int
		for i, f := range row {
			if ok, _ := path.Match(x.Pattern, f.Name); ok {
				out = append(out, i)
			}
		}
		return out, nil
	case *syntax.StarExpr:
		out := make([]int, len(row))
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	return nil, errAt(x, "expected a column name")
}

func (b *builder) constInt(x syntax.Expr, sc *scope, op string) (int64, error) {
	v, err := b.constValue(x, sc)
	if err != nil {
		return 0, err
	}
	l := types.ToLong(v)
	if l.IsNull() {
		return 0, errAt(x, "in '%s': expected a number, found %s", op, v.Type)
	}
	return l.I, nil
}

func (b *builder) sortKeys(keys []*syntax.OrderedExpr, row []Field, sc *scope) ([]SortKey, error) {
	var out []SortKey
	for _, k := range keys {
		if k == nil {
			continue
		}
		e, err := b.scalar(k.X, row, sc)
		if err != nil {
			return nil, err
		}
		desc := !strings.EqualFold(k.Order, "asc")
		// Kusto: descending sorts put nulls last, ascending sorts nulls first.
		nullsFirst := !desc
		switch strings.ToLower(k.Nulls) {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out = append(out, SortKey{X: e, Desc: desc, NullsFirst: nullsFirst})
	}
	return out, nil
}

// project plans extend (keepInput) and project/print.
func (b *builder) project(exprs []syntax.Expr, in Node, sc *scope, op string, keepInput bool) (Node, error) {
	row := in.Schema()
	p := &Project{Input: in, Op: op}
	if keepInput {
		for i, f := range row {
			p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
			p.Fields = append(p.Fields, f)
		}
	}
	defined := map[string]bool{}
	put := func(name string, e Expr) {
		t := e.Type()
		if t == types.Unknown {
			t = types.Dynamic
			e = &Cast{X: e, T: t}
		}
		defined[name] = true
		if i := fieldIndex(p.Fields, name); i >= 0 {
			if op != "extend" {
				p.Exprs[i] = e
				p.Fields[i] = Field{Name: name, Type: t}
				return
			}
			// extend-operator.md: an existing column is removed and appended with its new
			// value.
			p.Exprs = append(p.Exprs[:i], p.Exprs[i+1:]...)
			p.Fields = append(p.Fields[:i], p.Fields[i+1:]...)
		}
		p.Exprs = append(p.Exprs, e)
		p.Fields = append(p.Fields, Field{Name: name, Type: t})
	}
	unnamed := 0
	defaultName := func(i int) string {
		if op == "print" {
			return fmt.Sprintf("print_%d", i)
		}
		unnamed++
		name := fmt.Sprintf("Column%d", unnamed)
		for fieldIndex(p.Fields, name) >= 0 {
			unnamed++
			name = fmt.Sprintf("Column%d", unnamed)
		}
		return name
	}
	// Calls with several results are computed once per row by a first Project into the
	// hidden columns tuples (see build_multi.go).
	var tuples []Expr
	multi := func(x syntax.Expr, names []*syntax.Ident, i int) (bool, error) {
		m, ok, err := b.multiCall(x, row, sc)
		if err != nil || !ok {
			return false, err
		}
		col, hidden := len(row)+len(tuples), hiddenTupleName(len(tuples))
		tuples = append(tuples, m.tuple)
		for j, c := range m.cols {
			name := c.Name
			if j < len(names) {
				name = names[j].Name
			}
			if name == "" {
				name = defaultName(i + j)
			}
			put(name, tupleElem(col, hidden, j, c.Type))
		}
		return true, nil
	}
	for i, x := range exprs {
		if op == "extend" && i > 0 && refersTo(x, defined) {
			// An assignment reading a column defined earlier in the same extend sees its
			// new value: plan the rest as a second extend over this one.
			done, err := b.finishProject(p, in, tuples, op, exprs[:i])
			if err != nil {
				return nil, err
			}
			return b.project(exprs[i:], done, sc, op, keepInput)
		}
		if ne, ok := x.(*syntax.NamedExpr); ok {
			if len(ne.Names) > 1 {
				done, err := multi(ne.Value, ne.Names, i)
				if err != nil {
					return nil, err
				}
				if !done {
					return nil, errAt(x, "in '%s': tuple names need a function with several results", op)
				}
				continue
			}
			if call, ok := ne.Value.(*syntax.CallExpr); ok && !isSortCall(call) {
				// `x = series_stats(y)`: the name goes to the first result; the others keep
				// their names (as for arg_max, and as the checker has it).
				done, err := multi(ne.Value, ne.Names, i)
				if err != nil {
					return nil, err
				}
				if done {
					continue
				}
			}
			e, err := b.scalar(ne.Value, row, sc)
			if err != nil {
				return nil, err
			}
			put(ne.Names[0].Name, e)
			continue
		}
		if _, ok := x.(*syntax.StarExpr); ok && op == "project" {
			for j, f := range row {
				put(f.Name, &ColRef{Index: j, Name: f.Name, T: f.Type})
			}
			continue
		}
		if w, ok := x.(*syntax.WildcardName); ok && op == "project" {
			m, _ := matchColumns(w, row)
			for _, j := range m {
				put(row[j].Name, &ColRef{Index: j, Name: row[j].Name, T: row[j].Type})
			}
			continue
		}
		if done, err := multi(x, nil, i); err != nil {
			return nil, err
		} else if done {
			continue
		}
		e, err := b.scalar(x, row, sc)
		if err != nil {
			return nil, err
		}
		name := b.exprName(x, row, sc)
		if name == "" {
			name = defaultName(i)
		}
		put(name, e)
	}
	return b.finishProject(p, in, tuples, op, exprs)
}

// refersTo reports whether x names one of names (a column defined earlier in the same
// operator).
func refersTo(x syntax.Expr, names map[string]bool) bool {
	found := false
	syntax.Inspect(x, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// finishProject puts the hidden tuple columns of multi-result calls under p and marks p
// serial when an expression of exprs reads neighbouring rows.
func (b *builder) finishProject(p *Project, in Node, tuples []Expr, op string, exprs []syntax.Expr) (Node, error) {
	row := in.Schema()
	if len(tuples) > 0 {
		pre := &Project{Input: in, Op: op}
		for i, f := range row {
			pre.Exprs = append(pre.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
			pre.Fields = append(pre.Fields, f)
		}
		for i, t := range tuples {
			pre.Exprs = append(pre.Exprs, t)
			pre.Fields = append(pre.Fields, Field{Name: hiddenTupleName(i), Type: types.Dynamic})
			if hasWindow(t) {
				pre.Serial = true
			}
		}
		p.Input = pre
	}
	for _, e := range p.Exprs {
		if hasWindow(e) {
			p.Serial = true
		}
	}
	if p.Serial && op != "serialize" {
		if agg := unserializedBy(in); agg != "" {
			// serialize-operator.md: the output of summarize, count and distinct is not
			// serialized, and window functions need a serialized row set.
			var at syntax.Node = exprs[0]
			for _, x := range exprs {
				syntax.Inspect(x, func(n syntax.Node) bool {
					if c, ok := n.(*syntax.CallExpr); ok && at == exprs[0] {
						if _, w := windowKinds[c.Fun.Name]; w {
							at = c
						}
					}
					return true
				})
			}
			return nil, errAt(at, "in '%s': the row set is not serialized after '%s'; use 'serialize' or 'sort' first", op, agg)
		}
	}
	return p, nil
}

// identity returns 0, 1, ..., n-1.
func identity(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// unserializedBy returns the operator that made in's row set nonserialized when that is
// summarize, count or distinct (looking through the operators that keep serialization),
// else "".
func unserializedBy(in Node) string {
	for {
		switch n := in.(type) {
		case *Project:
			if n.Op == "serialize" {
				return ""
			}
			in = n.Input
		case *Filter:
			in = n.Input
		case *Limit:
			in = n.Input
		case *Aggregate:
			return n.Op
		default:
			return ""
		}
	}
}

// aggregate binds one aggregate call of summarize (or make-series, top-nested).
// given is the name the query gave (empty if none); byNames are the group-by columns,
// excluded from a `*` expansion.
func (b *builder) aggregate(x syntax.Expr, given []string, row []Field, byNames map[string]bool, sc *scope, op string) (*AggCall, error) {
	call, ok := unparen(x).(*syntax.CallExpr)
	if !ok {
		return nil, errAt(x, "in '%s': expected an aggregation function call", op)
	}
	f, ok := b.env.Funcs.Lookup(call.Fun.Name)
	if !ok || f.Kind != funcs.Aggregate {
		return nil, errAt(call.Fun, "in '%s': %q is not an aggregation function", op, call.Fun.Name)
	}
	if f.Agg == nil {
		return nil, errAt(call.Fun, "aggregation function %s() has no implementation", f.Name)
	}
	ac := &AggCall{Name: f.Name, Func: f}
	var argNames []string
	named := map[string]bool{}
	for _, a := range call.Args {
		if id, ok := a.(*syntax.Ident); ok {
			named[id.Name] = true
		}
	}
	for _, a := range call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok {
			a = ne.Value
		}
		if _, ok := a.(*syntax.StarExpr); ok {
			if f.Name == "count" {
				continue
			}
			for i, fl := range row {
				if byNames[fl.Name] || named[fl.Name] {
					continue
				}
				ac.Args = append(ac.Args, &ColRef{Index: i, Name: fl.Name, T: fl.Type})
				argNames = append(argNames, fl.Name)
			}
			continue
		}
		e, err := b.scalar(a, row, sc)
		if err != nil {
			return nil, err
		}
		ac.Args = append(ac.Args, e)
		argNames = append(argNames, b.exprName(a, row, sc))
	}
	if len(ac.Args) < f.MinArgs || (f.MaxArgs >= 0 && len(ac.Args) > f.MaxArgs) {
		return nil, errAt(call, "%s(): expected %s, found %d", f.Name, argCount(f), len(ac.Args))
	}
	argTypes := make([]types.Type, len(ac.Args))
	ac.Consts = make([]types.Value, len(ac.Args))
	for i, a := range ac.Args {
		argTypes[i] = a.Type()
		if v, ok := FoldConst(a); ok {
			ac.Consts[i] = v
		}
	}
	countRows := false
	if f.Name == "count" && len(ac.Args) == 1 {
		switch argTypes[0] {
		case types.Bool, types.Dynamic, types.Unknown:
		default:
			// count(x) over a column that is not bool runs in Kusto as count(), named
			// count_x (summarize-operator.md's examples); the checker still flags it, as
			// Microsoft's analyser does. A bool argument counts like countif.
			countRows = true
			argTypes[0] = types.Bool
		}
	}
	cols, err := funcs.AggColumns(f, argTypes, argNames, ac.Consts)
	if err != nil {
		return nil, errAt(call, "%s", err.Error())
	}
	if countRows {
		ac.Args, ac.Consts = nil, nil
	}
	if len(given) > 0 && len(given) != len(cols) && !(len(given) == 1) {
		return nil, errAt(x, "in '%s': %d names for %d columns", op, len(given), len(cols))
	}
	for i, c := range cols {
		t := c.Type
		if t == types.Unknown {
			t = types.Dynamic
		}
		name := c.Name
		if i < len(given) {
			name = given[i]
		}
		ac.Outputs = append(ac.Outputs, Field{Name: name, Type: t})
	}
	return ac, nil
}

func unparen(x syntax.Expr) syntax.Expr {
	for {
		p, ok := x.(*syntax.ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}

func (b *builder) summarize(op *syntax.SummarizeOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	a := &Aggregate{Input: in, Op: "summarize"}
	byNames := map[string]bool{}
	unnamed := 0
	newName := func() string {
		unnamed++
		return fmt.Sprintf("Column%d", unnamed)
	}
	for _, x := range op.By {
		var name string
		var e Expr
		var err error
		if ne, ok := x.(*syntax.NamedExpr); ok {
			name = ne.Names[0].Name
			e, err = b.scalar(ne.Value, row, sc)
		} else {
			name = b.exprName(x, row, sc)
			e, err = b.scalar(x, row, sc)
		}
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = newName()
		}
		t := e.Type()
		if t == types.Unknown {
			t = types.Dynamic
		}
		a.Keys = append(a.Keys, e)
		a.Fields = append(a.Fields, Field{Name: name, Type: t})
		byNames[name] = true
	}
	type post struct {
		x    syntax.Expr
		name string
	}
	var posts []post // aggregate columns computed by a scalar expression over aggregates
	var subst map[*syntax.CallExpr]int
	for _, x := range op.Aggs {
		var given []string
		if ne, ok := x.(*syntax.NamedExpr); ok {
			for _, n := range ne.Names {
				given = append(given, n.Name)
			}
			x = ne.Value
		}
		if !b.isAggCall(x, sc) {
			// An expression over aggregates, such as tostring(make_set(x)) or
			// round(avg(x), 2): aggregate into hidden columns, then compute it.
			calls := b.aggCallsIn(x, sc)
			if len(calls) == 0 {
				return nil, errAt(x, "in 'summarize': expected an aggregation function call")
			}
			if subst == nil {
				subst = map[*syntax.CallExpr]int{}
			}
			for _, c := range calls {
				ac, err := b.aggregate(c, nil, row, byNames, sc, "summarize")
				if err != nil {
					return nil, err
				}
				ac.Outputs = ac.Outputs[:1]
				ac.Outputs[0].Name = fmt.Sprintf("__agg%d", len(a.Fields))
				subst[c] = len(a.Fields)
				a.Fields = append(a.Fields, ac.Outputs[0])
				a.Aggs = append(a.Aggs, ac)
			}
			name := ""
			if len(given) > 0 {
				name = given[0]
			} else if name = b.exprName(x, row, sc); name == "" {
				name = newName()
			}
			posts = append(posts, post{x: x, name: name})
			a.Fields = append(a.Fields, Field{Name: "__post" + name, Type: types.Unknown})
			continue
		}
		ac, err := b.aggregate(x, given, row, byNames, sc, "summarize")
		if err != nil {
			return nil, err
		}
		for i := range ac.Outputs {
			if ac.Outputs[i].Name == "" {
				ac.Outputs[i].Name = newName()
			}
			if base := ac.Outputs[i].Name; fieldIndex(a.Fields, base) >= 0 {
				// summarize-operator.md: duplicates are named set_y, set_y1, set_y2, ...
				for k := 1; ; k++ {
					if n := fmt.Sprintf("%s%d", base, k); fieldIndex(a.Fields, n) < 0 {
						ac.Outputs[i].Name = n
						break
					}
				}
			}
			a.Fields = append(a.Fields, ac.Outputs[i])
		}
		a.Aggs = append(a.Aggs, ac)
	}
	if len(posts) == 0 {
		return a, nil
	}
	// Drop the placeholders from the aggregate's schema and compute the expressions in a
	// projection over it.
	var aggFields []Field
	var outIdx []int // for each final column: index into aggFields, or -1 - post number
	pi := 0
	for _, f := range a.Fields {
		if strings.HasPrefix(f.Name, "__post") {
			outIdx = append(outIdx, -1-pi)
			pi++
			continue
		}
		if !strings.HasPrefix(f.Name, "__agg") {
			outIdx = append(outIdx, len(aggFields))
		}
		aggFields = append(aggFields, f)
	}
	// Hidden aggregate columns moved left by the removed placeholders; recompute them.
	for c, i := range subst {
		name := a.Fields[i].Name
		subst[c] = fieldIndex(aggFields, name)
	}
	a.Fields = aggFields
	p := &Project{Input: a, Op: "summarize"}
	saved := b.aggSubst
	b.aggSubst = map[*syntax.CallExpr]Expr{}
	for c, i := range subst {
		b.aggSubst[c] = &ColRef{Index: i, Name: aggFields[i].Name, T: aggFields[i].Type}
	}
	defer func() { b.aggSubst = saved }()
	for _, o := range outIdx {
		if o >= 0 {
			f := aggFields[o]
			p.Exprs = append(p.Exprs, &ColRef{Index: o, Name: f.Name, T: f.Type})
			p.Fields = append(p.Fields, f)
			continue
		}
		ps := posts[-1-o]
		e, err := b.scalar(ps.x, aggFields, sc)
		if err != nil {
			return nil, err
		}
		t := e.Type()
		if t == types.Unknown {
			t = types.Dynamic
			e = &Cast{X: e, T: t}
		}
		p.Exprs = append(p.Exprs, e)
		p.Fields = append(p.Fields, Field{Name: ps.name, Type: t})
	}
	return p, nil
}

// isAggCall reports whether x is a direct aggregation function call.
func (b *builder) isAggCall(x syntax.Expr, sc *scope) bool {
	c, ok := unparen(x).(*syntax.CallExpr)
	if !ok || sc.lookup(c.Fun.Name) != nil {
		return false
	}
	f, ok := b.env.Funcs.Lookup(c.Fun.Name)
	return ok && f.Kind == funcs.Aggregate
}

// aggCallsIn returns the aggregation calls inside x, outermost first.
func (b *builder) aggCallsIn(x syntax.Expr, sc *scope) []*syntax.CallExpr {
	var out []*syntax.CallExpr
	var walk func(x syntax.Expr)
	walk = func(x syntax.Expr) {
		switch x := x.(type) {
		case *syntax.CallExpr:
			if b.isAggCall(x, sc) {
				out = append(out, x)
				return
			}
			for _, a := range x.Args {
				walk(a)
			}
		case *syntax.ParenExpr:
			walk(x.X)
		case *syntax.BinaryExpr:
			walk(x.X)
			walk(x.Y)
		case *syntax.UnaryExpr:
			walk(x.X)
		case *syntax.NamedExpr:
			walk(x.Value)
		case *syntax.SelectorExpr:
			walk(x.X)
		case *syntax.IndexExpr:
			walk(x.X)
			walk(x.Index)
		case *syntax.BetweenExpr:
			walk(x.X)
			walk(x.Lo)
			walk(x.Hi)
		case *syntax.InExpr:
			walk(x.X)
			for _, l := range x.List {
				walk(l)
			}
		}
	}
	walk(x)
	return out
}

// join plans join and lookup.
func (b *builder) join(params []*syntax.OpParam, rightX syntax.Expr, on []syntax.Expr, at syntax.Node, left Node, sc *scope, op string) (Node, error) {
	kind := InnerUnique
	if op == "lookup" {
		kind = LeftOuter
	}
	for _, p := range params {
		if strings.EqualFold(p.Name.Name, "kind") {
			k := strings.ToLower(paramText(p.Value))
			switch k {
			case "anti":
				k = "leftanti"
			case "semi":
				k = "leftsemi"
			case "leftantisemi":
				k = "leftanti"
			case "rightantisemi":
				k = "rightanti"
			}
			switch JoinKind(k) {
			case InnerUnique, Inner, LeftOuter, RightOuter, FullOuter, LeftAnti, RightAnti, LeftSemi, RightSemi:
				kind = JoinKind(k)
			default:
				return nil, errAt(p.Value, "in '%s': unknown kind %q", op, k)
			}
			if op == "lookup" && kind != LeftOuter && kind != Inner {
				// lookup-operator.md: kind is leftouter or inner.
				return nil, errAt(p.Value, "in 'lookup': expected kind leftouter or inner, found %s", k)
			}
		}
	}
	right, err := b.tabular(rightX, sc, nil)
	if err != nil {
		return nil, err
	}
	ls, rs := left.Schema(), right.Schema()
	j := &Join{Left: left, Right: right, Kind: kind, Op: op}
	var keys []syntax.Expr
	for _, k := range on {
		keys = append(keys, splitAnd(k)...)
	}
	for _, k := range keys {
		l, r, err := joinKey(k, ls, rs)
		if err != nil {
			return nil, err
		}
		j.LeftKeys = append(j.LeftKeys, l)
		j.RightKeys = append(j.RightKeys, r)
	}
	if len(on) == 0 {
		return nil, errAt(at, "in '%s': expected 'on' with the key columns", op)
	}
	switch kind {
	case LeftSemi, LeftAnti:
		for i := range ls {
			j.LeftOut = append(j.LeftOut, i)
		}
		j.Fields = append([]Field(nil), ls...)
		return j, nil
	case RightSemi, RightAnti:
		for i := range rs {
			j.RightOut = append(j.RightOut, i)
		}
		j.Fields = append([]Field(nil), rs...)
		return j, nil
	}
	for i := range ls {
		j.LeftOut = append(j.LeftOut, i)
	}
	j.Fields = append([]Field(nil), ls...)
	isKey := map[int]bool{}
	for _, r := range j.RightKeys {
		isKey[r] = true
	}
	for i, f := range rs {
		if op == "lookup" && isKey[i] {
			continue
		}
		j.RightOut = append(j.RightOut, i)
		name := f.Name
		if fieldIndex(j.Fields, name) >= 0 {
			for n := 1; ; n++ {
				cand := fmt.Sprintf("%s%d", f.Name, n)
				if fieldIndex(j.Fields, cand) < 0 && fieldIndex(rs, cand) < 0 {
					name = cand
					break
				}
			}
		}
		j.Fields = append(j.Fields, Field{Name: name, Type: f.Type})
	}
	return j, nil
}

// joinKey resolves one `on` entry: a column name common to both sides, or
// `$left.a == $right.b`.
func joinKey(k syntax.Expr, ls, rs []Field) (int, int, error) {
	switch k := unparen(k).(type) {
	case *syntax.Ident:
		l, r := fieldIndex(ls, k.Name), fieldIndex(rs, k.Name)
		if l < 0 || r < 0 {
			side := "left"
			if l >= 0 {
				side = "right"
			}
			return 0, 0, errAt(k, "in 'join': key %q is not a column of the %s side", k.Name, side)
		}
		return l, r, nil
	case *syntax.BinaryExpr:
		if k.Op != syntax.OpEq {
			break
		}
		side := func(x syntax.Expr) (string, string, bool) {
			s, ok := x.(*syntax.SelectorExpr)
			if !ok {
				return "", "", false
			}
			id, ok := s.X.(*syntax.Ident)
			if !ok {
				return "", "", false
			}
			return strings.ToLower(id.Name), s.Sel.Name, true
		}
		s1, c1, ok1 := side(k.X)
		s2, c2, ok2 := side(k.Y)
		if !ok1 || !ok2 {
			break
		}
		if s1 == "$right" && s2 == "$left" {
			c1, c2 = c2, c1
			s1, s2 = s2, s1
		}
		if s1 != "$left" || s2 != "$right" {
			break
		}
		l, r := fieldIndex(ls, c1), fieldIndex(rs, c2)
		if l < 0 {
			return 0, 0, errAt(k.X, "in 'join': unknown left column %q", c1)
		}
		if r < 0 {
			return 0, 0, errAt(k.Y, "in 'join': unknown right column %q", c2)
		}
		return l, r, nil
	}
	return 0, 0, errAt(k, "in 'join': expected a column name or $left.X == $right.Y")
}

func (b *builder) mvExpand(op *syntax.MvExpandOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	m := &MvExpand{Input: in, ItemIndex: -1, Limit: -1}
	m.Fields = append([]Field(nil), row...)
	itemIndex := ""
	for _, p := range op.Params {
		switch strings.ToLower(p.Name.Name) {
		case "bagexpansion":
			m.BagArray = strings.EqualFold(paramText(p.Value), "array")
		case "kind":
			m.BagArray = strings.EqualFold(paramText(p.Value), "array")
		case "with_itemindex":
			m.ItemIndex = -2
			itemIndex = paramText(p.Value)
		}
	}
	if op.Limit != nil {
		n, err := b.constInt(op.Limit, sc, "mv-expand")
		if err != nil {
			return nil, err
		}
		m.Limit = n
	}
	for _, it := range op.Items {
		x := it.X
		name := ""
		if ne, ok := x.(*syntax.NamedExpr); ok {
			name = ne.Names[0].Name
			x = ne.Value
		} else {
			name = b.exprName(x, row, sc)
		}
		e, err := b.scalar(x, row, sc)
		if err != nil {
			return nil, err
		}
		to := types.Dynamic
		if it.To != nil {
			t, ok := types.ParseType(it.To.Name)
			if !ok {
				return nil, errAt(it.To, "unknown type %q", it.To.Name)
			}
			to = t
		}
		if name == "" {
			name = fmt.Sprintf("Column%d", len(m.Items)+1)
		}
		idx := fieldIndex(m.Fields, name)
		if idx < 0 {
			m.Fields = append(m.Fields, Field{Name: name, Type: to})
			idx = len(m.Fields) - 1
		} else {
			m.Fields[idx].Type = to
		}
		m.Items = append(m.Items, MvItem{X: e, Index: idx, To: to})
	}
	if m.ItemIndex == -2 {
		m.ItemIndex = len(m.Fields)
		m.Fields = append(m.Fields, Field{Name: itemIndex, Type: types.Long})
	}
	return m, nil
}

func (b *builder) mvApply(op *syntax.MvApplyOp, in Node, sc *scope) (Node, error) {
	fake := &syntax.MvExpandOp{Keyword: op.Keyword, Name: "mv-apply", Params: op.Params, Items: op.Items, LimitPos: op.LimitPos, Limit: op.Limit}
	sub := &SubInput{Fields: in.Schema()}
	ex, err := b.mvExpand(fake, sub, sc)
	if err != nil {
		return nil, err
	}
	me := ex.(*MvExpand)
	sub2 := &SubInput{Fields: me.Fields}
	if op.On == nil {
		return nil, errAt(op, "in 'mv-apply': expected 'on (subquery)'")
	}
	body, err := b.tabular(op.On, sc, sub2)
	if err != nil {
		return nil, err
	}
	ma := &MvApply{Input: in, Expand: me, Sub: body, SubIn: sub2}
	// The output is the input columns the subquery's output does not name, then the
	// subquery's output. mv-apply-operator.md: an input column expanded by name is removed.
	expanded := map[string]bool{}
	for _, it := range op.Items {
		// Only `mv-apply Col`: with `Name = Col` the documented examples keep Col.
		if id, ok := it.X.(*syntax.Ident); ok {
			expanded[id.Name] = true
		}
	}
	for i, f := range in.Schema() {
		if fieldIndex(body.Schema(), f.Name) < 0 && !expanded[f.Name] {
			ma.KeepInput = append(ma.KeepInput, i)
			ma.Fields = append(ma.Fields, f)
		}
	}
	ma.Fields = append(ma.Fields, body.Schema()...)
	return ma, nil
}

func (b *builder) evaluate(op *syntax.EvaluateOp, in Node, sc *scope) (Node, error) {
	if op.Call == nil {
		return nil, errAt(op, "in 'evaluate': expected a plugin call")
	}
	name := strings.ToLower(op.Call.Fun.Name)
	var row []Field
	if in != nil {
		row = in.Schema()
	}
	ev := &Evaluate{Input: in, Plugin: name}
	switch name {
	case "pivot":
		return b.pivot(op, in, sc)
	case "ipv4_lookup", "ipv6_lookup":
		return b.ipLookup(op, in, sc)
	case "geo_polygon_lookup", "geo_line_lookup":
		return b.geoLookup(op, in, sc)
	}
	conflict := "error"
	ignored := map[string]bool{}
	for _, a := range op.Call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok {
			switch strings.ToLower(ne.Names[0].Name) {
			case "outputcolumnprefix", "columnsprefix":
				v, err := b.constValue(ne.Value, sc)
				if err != nil {
					return nil, err
				}
				ev.Prefix = v.String()
				continue
			case "columnsconflict":
				v, err := b.constValue(ne.Value, sc)
				if err != nil {
					return nil, err
				}
				conflict = strings.ToLower(v.String())
				continue
			case "ignoredproperties":
				v, err := b.constValue(ne.Value, sc)
				if err != nil {
					return nil, err
				}
				for _, el := range flattenConst(v) {
					ignored[el.String()] = true
				}
				continue
			}
			a = ne.Value
		}
		e, err := b.scalar(a, row, sc)
		if err != nil {
			return nil, err
		}
		ev.Args = append(ev.Args, e)
	}
	switch name {
	case "bag_unpack":
		if in == nil || len(ev.Args) == 0 {
			return nil, errAt(op.Call, "bag_unpack(): expected a dynamic column")
		}
		if len(ev.Args) > 1 && ev.Prefix == "" {
			if c, ok := ev.Args[1].(*Const); ok && c.V.Type == types.String {
				ev.Prefix = c.V.S
			}
		}
		if op.Schema != nil {
			fs, err := schemaFields(op.Schema)
			if err != nil {
				return nil, err
			}
			var inCols []Field
			if op.Schema.Star.IsValid() {
				inCols = keepExcept(row, ev.Args[0])
			}
			ev.Fields = append(inCols, fs...)
			for i := range ev.Fields {
				ev.FromBag = append(ev.FromBag, i >= len(inCols))
			}
			return ev, nil
		}
		if b.env.Eval == nil {
			return nil, errAt(op.Call, "bag_unpack(): needs an output schema when the data is not available at plan time")
		}
		rows, err := b.env.Eval(&Project{Input: in, Exprs: ev.Args[:1], Fields: []Field{{Name: "bag", Type: ev.Args[0].Type()}}, Op: "project"})
		if err != nil {
			return nil, err
		}
		inCols := keepExcept(row, ev.Args[0])
		ev.Fields = inCols
		for range inCols {
			ev.FromBag = append(ev.FromBag, false)
		}
		for _, f := range bagSlots(rows, ev.Prefix) {
			if ignored[strings.TrimPrefix(f.Name, ev.Prefix)] {
				continue
			}
			if i := fieldIndex(inCols, f.Name); i >= 0 {
				switch conflict {
				case "replace_source":
					ev.Fields[i], ev.FromBag[i] = f, true
				case "keep_source":
				default:
					return nil, errAt(op.Call, "bag_unpack(): slot %q conflicts with an existing column (see columnsConflict)", f.Name)
				}
				continue
			}
			ev.Fields = append(ev.Fields, f)
			ev.FromBag = append(ev.FromBag, true)
		}
		return ev, nil
	case "narrow":
		ev.Fields = []Field{{Name: "Row", Type: types.Long}, {Name: "Column", Type: types.String}, {Name: "Value", Type: types.String}}
		return ev, nil
	case "basket", "autocluster":
		// basket([Threshold, WeightColumn, MaxDimensions, CustomWildcard...]) (basket-
		// plugin.md) and autocluster([SizeWeight, WeightColumn, NumSeeds,
		// CustomWildcard...]) (autocluster-plugin.md): SegmentId, Count and Percent, then
		// the input columns other than the weight column, a wildcard where a pattern has
		// no value.
		if in == nil {
			return nil, errAt(op, "%s needs an input table", name)
		}
		if len(ev.Args) > 1 {
			if _, ok := ev.Args[1].(*ColRef); !ok {
				if v, ok := FoldConst(ev.Args[1]); !ok || !(v.Type == types.String && strings.TrimSpace(v.S) == "~") {
					return nil, errAt(op.Call, "%s(): the weight column (argument 2) must be a column of the input or '~'", name)
				}
			}
		}
		idType := types.Int
		if name == "autocluster" {
			idType = types.Long
		}
		weight := -1
		if len(ev.Args) > 1 {
			if c, ok := ev.Args[1].(*ColRef); ok {
				weight = c.Index
			}
		}
		ev.Fields = []Field{{Name: "SegmentId", Type: idType}, {Name: "Count", Type: types.Long}, {Name: "Percent", Type: types.Real}}
		for i, f := range row {
			if i != weight {
				ev.Fields = append(ev.Fields, f)
			}
		}
		return ev, nil
	case "dcount_intersect":
		// dcount_intersect(hll_1, hll_2, ...): one row with s0..s(n-1), the distinct counts
		// of S1, S1 ∩ S2, ... over the sketches merged per argument.
		if in == nil || len(ev.Args) < 2 {
			return nil, errAt(op.Call, "dcount_intersect(): expected at least two hll() values")
		}
		for i := range ev.Args {
			ev.Fields = append(ev.Fields, Field{Name: fmt.Sprintf("s%d", i), Type: types.Long})
		}
		return ev, nil
	case "rolling_percentile":
		return b.rollingPercentile(op, ev)
	case "active_users_count":
		return b.activeUsersCount(op, ev)
	case "sliding_window_counts":
		return b.slidingWindowCounts(op, ev)
	case "rows_near":
		// rows_near(Condition, NumRows[, RowsAfter]): the rows within NumRows before (and
		// RowsAfter after) a row where Condition holds, in input order.
		if in == nil || len(ev.Args) < 2 || len(ev.Args) > 3 {
			return nil, errAt(op.Call, "rows_near(): expected a condition, a row count and an optional count after")
		}
		if t := ev.Args[0].Type(); t != types.Bool && t != types.Dynamic && t != types.Unknown {
			return nil, errAt(op.Call.Args[0], "rows_near(): the condition must be bool, found %s", t)
		}
		for i, a := range ev.Args[1:] {
			v, ok := FoldConst(a)
			if !ok || !v.Type.IsInteger() || v.I < 0 {
				return nil, errAt(op.Call.Args[i+1], "rows_near(): expected a constant non-negative row count")
			}
		}
		ev.Fields = append([]Field(nil), row...)
		return ev, nil
	}
	return nil, errAt(op.Call.Fun, "in 'evaluate': plugin %q is not supported", name)
}

func (b *builder) topNested(op *syntax.TopNestedOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	t := &TopNested{Input: in}
	for _, c := range op.Clauses {
		lvl := TopNestedLevel{N: -1, Desc: true}
		if c.Count != nil {
			n, err := b.constInt(c.Count, sc, "top-nested")
			if err != nil {
				return nil, err
			}
			lvl.N = n
		}
		ofX := c.Of
		name := ""
		if ne, ok := ofX.(*syntax.NamedExpr); ok {
			name = ne.Names[0].Name
			ofX = ne.Value
		} else {
			name = b.exprName(ofX, row, sc)
		}
		of, err := b.scalar(ofX, row, sc)
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = fmt.Sprintf("Column%d", len(t.Fields)+1)
		}
		lvl.Of = of
		if c.Others != nil {
			v, err := b.constValue(c.Others, sc)
			if err != nil {
				return nil, err
			}
			lvl.Others = &v
		}
		if c.By == nil {
			return nil, errAt(c, "in 'top-nested': expected 'by' and an aggregate")
		}
		aggX := c.By.X
		aggName := ""
		if ne, ok := aggX.(*syntax.NamedExpr); ok {
			aggName = ne.Names[0].Name
			aggX = ne.Value
		}
		var given []string
		if aggName != "" {
			given = []string{aggName}
		}
		ac, err := b.aggregate(aggX, given, row, nil, sc, "top-nested")
		if err != nil {
			return nil, err
		}
		if ac.Outputs[0].Name == "" || aggName == "" {
			ac.Outputs[0].Name = fmt.Sprintf("aggregated_%s", name)
		}
		lvl.Agg = ac
		lvl.Desc = !strings.EqualFold(c.By.Order, "asc")
		t.Fields = append(t.Fields, Field{Name: name, Type: of.Type()}, ac.Outputs[0])
		t.Levels = append(t.Levels, lvl)
	}
	return t, nil
}

// keepExcept returns row without the column x refers to.
func keepExcept(row []Field, x Expr) []Field {
	c, _ := x.(*ColRef)
	var out []Field
	for i, f := range row {
		if c == nil || i != c.Index {
			out = append(out, f)
		}
	}
	return out
}

// bagSlots lists the top-level slots of the property bags in rows[i][0], sorted by name,
// typed by their values when all agree and dynamic otherwise.
func bagSlots(rows [][]types.Value, prefix string) []Field {
	seen := map[string]types.Type{}
	for _, r := range rows {
		v := r[0]
		if v.Type != types.Dynamic || v.IsNull() || types.JSON(v.S).Kind() != types.JSONObject {
			continue
		}
		types.JSON(v.S).Members(func(k, val types.JSON) bool {
			key, _ := k.Unquote()
			s := types.DynamicScalar(val)
			t := s.Type
			if s.IsNull() {
				t = types.Unknown
			}
			old, ok := seen[key]
			switch {
			case !ok || old == types.Unknown:
				seen[key] = t
			case t != types.Unknown && old != t:
				seen[key] = types.Dynamic
			}
			return true
		})
	}
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]Field, len(names))
	for i, k := range names {
		t := seen[k]
		if t == types.Unknown {
			t = types.Dynamic
		}
		out[i] = Field{Name: prefix + k, Type: t}
	}
	return out
}

// search plans `search`: a bare string term matches rows where any string or dynamic
// column has the term; `Col:"term"` matches the column; other predicates are plain
// predicates over the columns. As a source, it reads the tables listed in `in (...)`, or
// every table, with a $table column.
func (b *builder) search(op *syntax.SearchOp, in Node, sc *scope) (Node, error) {
	if in == nil {
		var tables []syntax.Expr
		if op.Tables != nil {
			tables = op.Tables
		} else if b.env.TableNames != nil {
			for _, n := range b.env.TableNames() {
				tables = append(tables, &syntax.Ident{NamePos: op.Keyword, Name: n, Raw: n})
			}
		}
		src := &syntax.Ident{NamePos: op.Keyword, Name: "$table", Raw: "$table"}
		u, err := b.union(&syntax.UnionOp{Keyword: op.Keyword, Tables: tables,
			Params: []*syntax.OpParam{{Name: &syntax.Ident{Name: "withsource"}, Value: src}}}, nil, sc)
		if err != nil {
			return nil, err
		}
		in = u
	}
	row := in.Schema()
	cs := false
	for _, p := range op.Params {
		if strings.EqualFold(p.Name.Name, "kind") {
			cs = strings.EqualFold(paramText(p.Value), "case_sensitive")
		}
	}
	pred, err := b.searchPred(op.Pred, row, sc, cs)
	if err != nil {
		return nil, err
	}
	return &Filter{Input: in, Pred: pred, Op: "search"}, nil
}

// searchTerm maps a search literal to the operator and operand of search-operator.md's
// predicate table: term → has, *term → hassuffix, term* → hasprefix, *term* → contains,
// te*rm → matches regex; with kind=case_sensitive, the _cs forms.
func searchTerm(lit string, cs bool) (syntax.BinaryOp, string) {
	pick := func(ci, sens syntax.BinaryOp) syntax.BinaryOp {
		if cs {
			return sens
		}
		return ci
	}
	lead, trail := strings.HasPrefix(lit, "*"), strings.HasSuffix(lit, "*") && len(lit) > 1
	core := strings.TrimSuffix(strings.TrimPrefix(lit, "*"), "*")
	switch {
	case strings.Contains(core, "*"):
		parts := strings.Split(lit, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := strings.Join(parts, ".*")
		if !cs {
			re = "(?i)" + re
		}
		return syntax.OpMatchesRegex, re
	case lead && trail:
		return pick(syntax.OpContains, syntax.OpContainsCs), core
	case lead:
		return pick(syntax.OpHasSuffix, syntax.OpHasSuffixCs), core
	case trail:
		return pick(syntax.OpHasPrefix, syntax.OpHasPrefixCs), core
	}
	return pick(syntax.OpHas, syntax.OpHasCs), lit
}

func (b *builder) searchPred(x syntax.Expr, row []Field, sc *scope, cs bool) (Expr, error) {
	switch x := unparen(x).(type) {
	case *syntax.Literal:
		if x.Kind == syntax.LitString {
			var any Expr
			sop, term := searchTerm(x.Value, cs)
			for i, f := range row {
				if f.Type != types.String && f.Type != types.Dynamic {
					continue
				}
				e := &Binary{Op: sop, X: &ColRef{Index: i, Name: f.Name, T: f.Type}, Y: &Const{V: types.NewString(term)}, T: types.Bool}
				if any == nil {
					any = e
				} else {
					any = &Binary{Op: syntax.OpOr, X: any, Y: e, T: types.Bool}
				}
			}
			if any == nil {
				return &Const{V: types.NewBool(false)}, nil
			}
			return any, nil
		}
	case *syntax.BinaryExpr:
		switch x.Op {
		case syntax.OpAnd, syntax.OpOr:
			l, err := b.searchPred(x.X, row, sc, cs)
			if err != nil {
				return nil, err
			}
			r, err := b.searchPred(x.Y, row, sc, cs)
			if err != nil {
				return nil, err
			}
			return &Binary{Op: x.Op, X: l, Y: r, T: types.Bool}, nil
		case syntax.OpColon:
			l, err := b.scalar(x.X, row, sc)
			if err != nil {
				return nil, err
			}
			r, err := b.scalar(x.Y, row, sc)
			if err != nil {
				return nil, err
			}
			sop := syntax.OpHas
			if c, ok := r.(*Const); ok && c.V.Type == types.String {
				var term string
				sop, term = searchTerm(c.V.S, cs)
				r = &Const{V: types.NewString(term)}
			} else if cs {
				sop = syntax.OpHasCs
			}
			return &Binary{Op: sop, X: l, Y: r, T: types.Bool}, nil
		}
	}
	return b.scalar(x, row, sc)
}

// partition plans `partition by Col (subquery)`: the subquery runs once per distinct
// value of Col over that value's rows, and the results are concatenated.
func (b *builder) partition(op *syntax.PartitionOp, in Node, sc *scope) (Node, error) {
	if px, ok := unparen(op.Sub).(*syntax.PipeExpr); !ok || px.Source != nil {
		return b.partitionByValue(op, in, sc)
	}
	key, err := b.scalar(op.By, in.Schema(), sc)
	if err != nil {
		return nil, err
	}
	sub := &SubInput{Fields: in.Schema()}
	body, err := b.tabular(op.Sub, sc, sub)
	if err != nil {
		return nil, err
	}
	return &Partition{Input: in, By: key, Sub: body, SubIn: sub}, nil
}

// splitAnd splits `a and b` join conditions into their parts.
func splitAnd(x syntax.Expr) []syntax.Expr {
	if b, ok := unparen(x).(*syntax.BinaryExpr); ok && b.Op == syntax.OpAnd {
		return append(splitAnd(b.X), splitAnd(b.Y)...)
	}
	return []syntax.Expr{x}
}

// pivot plans `evaluate pivot(Col [, agg(...)] [, GroupCol, ...])`: one output row per
// group, one column per distinct value of Col holding the aggregate (count() by default).
// The value columns depend on the data, so the planner reads the distinct values through
// Env.Eval.
func (b *builder) pivot(op *syntax.EvaluateOp, in Node, sc *scope) (Node, error) {
	if in == nil {
		return nil, errAt(op, "pivot needs an input table")
	}
	args := op.Call.Args
	if len(args) == 0 {
		return nil, errAt(op.Call, "pivot(): expected the pivot column")
	}
	row := in.Schema()
	col, err := b.scalar(args[0], row, sc)
	if err != nil {
		return nil, err
	}
	args = args[1:]
	var agg *AggCall
	if len(args) > 0 && b.isAggCall(args[0], sc) {
		if agg, err = b.aggregate(args[0], nil, row, nil, sc, "evaluate"); err != nil {
			return nil, err
		}
		args = args[1:]
	} else {
		f, ok := b.env.Funcs.Lookup("count")
		if !ok {
			return nil, errAt(op.Call, "pivot(): count() is not in the function registry")
		}
		agg = &AggCall{Name: "count", Func: f, Outputs: []Field{{Name: "count_", Type: types.Long}}}
	}
	p := &Pivot{Input: in, Col: col, Agg: agg}
	if len(args) == 0 {
		// pivot-plugin.md: by default the output keeps every column other than the pivot
		// column and the aggregation column.
		used := map[int]bool{}
		Columns(col, used)
		for _, a := range agg.Args {
			Columns(a, used)
		}
		for i, f := range row {
			if !used[i] {
				p.Keys = append(p.Keys, &ColRef{Index: i, Name: f.Name, T: f.Type})
				p.Fields = append(p.Fields, f)
			}
		}
	}
	for _, a := range args {
		e, err := b.scalar(a, row, sc)
		if err != nil {
			return nil, err
		}
		name := b.exprName(a, row, sc)
		if name == "" {
			name = fmt.Sprintf("Column%d", len(p.Keys)+1)
		}
		p.Keys = append(p.Keys, e)
		p.Fields = append(p.Fields, Field{Name: name, Type: e.Type()})
	}
	if b.env.Eval == nil {
		return nil, errAt(op.Call, "pivot(): the output columns depend on data that is not available at plan time")
	}
	rows, err := b.env.Eval(&Aggregate{Input: in, Keys: []Expr{col}, Fields: []Field{{Name: "v", Type: col.Type()}}, Op: "distinct"})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, r := range rows {
		names = append(names, r[0].String())
	}
	sort.Strings(names)
	for _, n := range names {
		p.Values = append(p.Values, n)
		p.Fields = append(p.Fields, Field{Name: n, Type: agg.Outputs[0].Type})
	}
	return p, nil
}

// flattenConst lists the elements of a constant dynamic array, or the value itself.
func flattenConst(v types.Value) []types.Value {
	if v.Type == types.Dynamic && !v.IsNull() && types.JSON(v.S).Kind() == types.JSONArray {
		var out []types.Value
		types.JSON(v.S).Each(func(el types.JSON) bool {
			out = append(out, types.DynamicScalar(el))
			return true
		})
		return out
	}
	return []types.Value{v}
}

// ipLookup plans `evaluate ipv4_lookup(LookupTable, SourceIP, IPRange [, Extra...]
// [, return_unmatched=bool])` (and ipv6_lookup): each input row is joined with the lookup
// row whose range (CIDR) holds its address, the longest prefix winning, and whose extra
// key columns are equal. The output is the input's columns, then the lookup's columns
// other than the extra keys.
func (b *builder) ipLookup(op *syntax.EvaluateOp, in Node, sc *scope) (Node, error) {
	name := strings.ToLower(op.Call.Fun.Name)
	if in == nil {
		return nil, errAt(op, "%s needs an input table", name)
	}
	var pos []syntax.Expr
	n := &IPLookup{Input: in, V6: name == "ipv6_lookup"}
	for _, a := range op.Call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && strings.EqualFold(ne.Names[0].Name, "return_unmatched") {
			v, err := b.constValue(ne.Value, sc)
			if err != nil {
				return nil, err
			}
			n.Unmatched = v.Bool()
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) < 3 {
		return nil, errAt(op.Call, "%s(): expected a lookup table, an address column and a range column", name)
	}
	lk, err := b.tabular(pos[0], sc, nil)
	if err != nil {
		return nil, err
	}
	n.Lookup = lk
	row, lrow := in.Schema(), lk.Schema()
	col := func(x syntax.Expr, fs []Field, side string) (int, error) { return lookupColumn(name, x, fs, side) }
	if n.Src, err = col(pos[1], row, "input"); err != nil {
		return nil, err
	}
	if n.Range, err = col(pos[2], lrow, "lookup"); err != nil {
		return nil, err
	}
	extra := map[int]bool{}
	for k, x := range pos[3:] {
		if k == 0 {
			// return_unmatched may be given by position: ipv6_lookup(T, ip, network, true).
			if l, ok := unparen(x).(*syntax.Literal); ok && l.Kind == syntax.LitBool {
				v, err := b.constValue(x, sc)
				if err != nil {
					return nil, err
				}
				n.Unmatched = v.Bool()
				continue
			}
		}
		i, err := col(x, row, "input")
		if err != nil {
			return nil, err
		}
		j, err := col(x, lrow, "lookup")
		if err != nil {
			return nil, err
		}
		n.ExtraIn = append(n.ExtraIn, i)
		n.ExtraLk = append(n.ExtraLk, j)
		extra[j] = true
	}
	n.Fields = append([]Field(nil), row...)
	for j, f := range lrow {
		if extra[j] {
			continue
		}
		n.LookupOut = append(n.LookupOut, j)
		name := f.Name
		for fieldIndex(n.Fields, name) >= 0 {
			name += "1"
		}
		n.Fields = append(n.Fields, Field{Name: name, Type: f.Type})
	}
	return n, nil
}
