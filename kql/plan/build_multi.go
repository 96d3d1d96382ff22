package plan

import (
	"fmt"
	"path"
	"strings"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// Some scalar functions give several columns: series_stats(x) gives series_stats_x_min,
// series_stats_x_min_idx, ...; array_sort_asc(a1, a2) gives a1_sorted and a2_sorted. In
// extend, project and print they are planned in two steps: a first Project computes the
// call once per row as a dynamic array of its results (a hidden column), and the operator
// itself reads each result out of it. A call given one name (x = series_stats(y)) names
// its first result and keeps the others' names; a tuple of names ((a, b) =
// series_stats(y)) names the results in order. array_sort_asc/desc over several arrays
// gives a column per array only when it is not named.

// multiResult is a call with several results: tuple computes them all as one dynamic
// array, and cols names and types them.
type multiResult struct {
	tuple Expr
	cols  []funcs.AggColumn
}

// multiCall recognizes a call of a function with several results; ok is false for any
// other expression.
func (b *builder) multiCall(x syntax.Expr, row []Field, sc *scope) (m multiResult, ok bool, err error) {
	call, isCall := x.(*syntax.CallExpr)
	if !isCall || sc.lookup(call.Fun.Name) != nil {
		return m, false, nil
	}
	f, found := b.env.Funcs.Lookup(call.Fun.Name)
	if !found || f.Kind != funcs.Scalar {
		return m, false, nil
	}
	argNames := make([]string, len(call.Args))
	for i, a := range call.Args {
		argNames[i] = b.exprName(a, row, sc)
	}
	switch f.Name {
	case "array_sort_asc", "array_sort_desc":
		return b.multiSort(call, f.Name == "array_sort_asc", argNames, row, sc)
	}
	cols, isMulti := funcs.ScalarColumns(f, argNames)
	if !isMulti {
		return m, false, nil
	}
	k, hasKernel := funcs.MultiKernelFor(f.Name)
	if !hasKernel {
		return m, false, nil
	}
	e, err := b.call(call, row, sc)
	if err != nil {
		return m, false, err
	}
	c, isC := e.(*Call)
	if !isC {
		return m, false, nil
	}
	packed := &funcs.Func{Name: f.Name, Kind: funcs.Scalar, Scalar: func(ctx *funcs.Context, args []types.Value) types.Value {
		return packTuple(k(ctx, args))
	}}
	return multiResult{tuple: &Call{Func: packed, Args: c.Args, T: types.Dynamic}, cols: cols}, true, nil
}

// multiSort plans array_sort_asc/array_sort_desc over several arrays (an optional last
// bool argument is nulls_last): one result per array, named after it with "_sorted".
func (b *builder) multiSort(call *syntax.CallExpr, asc bool, argNames []string, row []Field, sc *scope) (m multiResult, ok bool, err error) {
	var args []Expr
	for _, a := range call.Args {
		e, err := b.scalar(a, row, sc)
		if err != nil {
			return m, false, err
		}
		args = append(args, e)
	}
	arrays := len(args)
	if arrays > 0 && args[arrays-1].Type() == types.Bool {
		arrays--
	}
	if arrays < 2 {
		return m, false, nil
	}
	for i, a := range args[:arrays] {
		if t := a.Type(); t != types.Dynamic && t != types.Unknown {
			return m, false, errAt(call.Args[i], "%s(): argument %d: expected a value of type dynamic, found %s", call.Fun.Name, i+1, t)
		}
	}
	cols := make([]funcs.AggColumn, arrays)
	for i := range cols {
		name := argNames[i]
		if id, isID := call.Args[i].(*syntax.Ident); isID && name == "" {
			name = id.Name // a let-bound array names its result too: array1_sorted
		}
		if name != "" {
			cols[i].Name = name + "_sorted"
		}
		cols[i].Type = types.Dynamic
	}
	n := arrays
	packed := &funcs.Func{Name: call.Fun.Name, Kind: funcs.Scalar, Scalar: func(_ *funcs.Context, a []types.Value) types.Value {
		nullsLast := true
		if len(a) > n {
			if a[n].IsNull() {
				return packTuple(make([]types.Value, n))
			}
			nullsLast = a[n].Bool()
		}
		return packTuple(funcs.ArraySort(asc, nullsLast, a[:n]))
	}}
	return multiResult{tuple: &Call{Func: packed, Args: args, T: types.Dynamic}, cols: cols}, true, nil
}

// isSortCall reports whether call is array_sort_asc or array_sort_desc, whose several
// results get a column each only when the call is not named.
func isSortCall(call *syntax.CallExpr) bool {
	return call.Fun.Name == "array_sort_asc" || call.Fun.Name == "array_sort_desc"
}

// packTuple writes results as one dynamic array (a zero Value is written as null).
func packTuple(vs []types.Value) types.Value {
	buf := []byte{'['}
	for i, v := range vs {
		if i > 0 {
			buf = append(buf, ',')
		}
		if v.Type == types.Unknown {
			buf = append(buf, "null"...)
			continue
		}
		buf = types.AppendDynamic(buf, v)
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// tupleElem reads result i of a tuple column as type t.
func tupleElem(col int, name string, i int, t types.Type) Expr {
	var e Expr = &Member{X: &ColRef{Index: col, Name: name, T: types.Dynamic}, Key: &Const{V: types.NewLong(int64(i))}}
	if t != types.Dynamic && t != types.Unknown {
		e = &Cast{X: e, T: t}
	}
	return e
}

// hiddenTupleName names the hidden column holding the i-th tuple of an operator.
func hiddenTupleName(i int) string { return fmt.Sprintf("$tuple%d", i) }

// projectByNames plans `project-by-names`: each spec is a constant column name, wildcard
// pattern or dynamic array of them (column_names_of(T) gives one). Columns come out in the
// order they are named or matched, each once; names that match no column are ignored.
func (b *builder) projectByNames(op *syntax.ProjectByNamesOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	var idx []int
	seen := make([]bool, len(row))
	add := func(name string) {
		for i, f := range row {
			if seen[i] {
				continue
			}
			ok := f.Name == name
			if strings.Contains(name, "*") {
				ok, _ = path.Match(name, f.Name)
			}
			if ok {
				seen[i] = true
				idx = append(idx, i)
			}
		}
	}
	for _, x := range op.Specs {
		v, err := b.constValue(x, sc)
		if err != nil {
			return nil, errAt(x, "in 'project-by-names': expected a constant column name or array of names")
		}
		switch {
		case v.Type == types.String:
			add(v.S)
		case v.Type == types.Dynamic && !v.IsNull() && types.JSON(v.S).Kind() == types.JSONArray:
			types.JSON(v.S).Each(func(e types.JSON) bool {
				if s, ok := e.Unquote(); ok && e.Kind() == types.JSONString {
					add(s)
				}
				return true
			})
		default:
			return nil, errAt(x, "in 'project-by-names': expected a string or an array of strings, found %s", v.Type)
		}
	}
	return pick(in, idx, nil, "project-by-names"), nil
}

// rollingPercentile plans `evaluate rolling_percentile(ValueColumn, Percentile,
// IndexColumn, BinSize, BinsPerWindow[, dim1, ...])`. The output is the binned index, the
// dimensions, and rolling_<BinsPerWindow>_percentile_<ValueColumn>_<Percentile>.
func (b *builder) rollingPercentile(op *syntax.EvaluateOp, ev *Evaluate) (Node, error) {
	name := "rolling_percentile"
	if ev.Input == nil || len(ev.Args) < 5 {
		return nil, errAt(op.Call, "%s(): expected a value column, a percentile, an index column, a bin size and a bin count", name)
	}
	val, ok1 := ev.Args[0].(*ColRef)
	idx, ok2 := ev.Args[2].(*ColRef)
	if !ok1 || !ok2 {
		return nil, errAt(op.Call, "%s(): the value and index arguments must be column names", name)
	}
	pct, okP := FoldConst(ev.Args[1])
	if !okP || !pct.Type.IsNumeric() {
		return nil, errAt(op.Call.Args[1], "%s(): expected a constant percentile", name)
	}
	if _, ok := FoldConst(ev.Args[3]); !ok {
		return nil, errAt(op.Call.Args[3], "%s(): expected a constant bin size", name)
	}
	k, okK := FoldConst(ev.Args[4])
	if !okK || !k.Type.IsInteger() || k.I < 1 {
		return nil, errAt(op.Call.Args[4], "%s(): expected a positive constant number of bins per window", name)
	}
	row := ev.Input.Schema()
	ev.Fields = []Field{{Name: idx.Name, Type: row[idx.Index].Type}}
	for i, d := range ev.Args[5:] {
		c, ok := d.(*ColRef)
		if !ok {
			return nil, errAt(op.Call.Args[5+i], "%s(): dimensions must be column names", name)
		}
		ev.Fields = append(ev.Fields, Field{Name: c.Name, Type: c.T})
	}
	t := val.T
	if !t.IsNumeric() && t != types.DateTime && t != types.TimeSpan {
		t = types.Real
	}
	ev.Fields = append(ev.Fields, Field{Name: fmt.Sprintf("rolling_%d_percentile_%s_%s", k.I, val.Name, strings.ReplaceAll(pct.String(), ".", "_")), Type: t})
	return ev, nil
}

// activeUsersCount plans `evaluate active_users_count(IdColumn, TimelineColumn, Start,
// End, LookbackWindow, Period, ActivePeriodsCount, Bin[, dim1, ...])`. The output is the
// bin start (named after the timeline column), the dimensions and dcount.
func (b *builder) activeUsersCount(op *syntax.EvaluateOp, ev *Evaluate) (Node, error) {
	name := "active_users_count"
	if ev.Input == nil || len(ev.Args) < 8 {
		return nil, errAt(op.Call, "%s(): expected an id column, a timeline column, start, end, lookback window, period, active periods count and bin", name)
	}
	tl, ok := ev.Args[1].(*ColRef)
	if !ok || tl.T != types.DateTime {
		return nil, errAt(op.Call.Args[1], "%s(): the timeline must be a datetime column", name)
	}
	want := []types.Type{types.DateTime, types.DateTime, types.TimeSpan, types.TimeSpan, types.Unknown, types.TimeSpan}
	for i, t := range want {
		v, ok := FoldConst(ev.Args[2+i])
		if !ok || (t != types.Unknown && v.Type != t) || (t == types.Unknown && !v.Type.IsNumeric()) {
			what := "a constant " + t.String()
			if t == types.Unknown {
				what = "a constant number"
			}
			return nil, errAt(op.Call.Args[2+i], "%s(): argument %d: expected %s", name, 3+i, what)
		}
	}
	ev.Fields = []Field{{Name: tl.Name, Type: types.DateTime}}
	for i, d := range ev.Args[8:] {
		c, ok := d.(*ColRef)
		if !ok {
			return nil, errAt(op.Call.Args[8+i], "%s(): dimensions must be column names", name)
		}
		ev.Fields = append(ev.Fields, Field{Name: c.Name, Type: c.T})
	}
	ev.Fields = append(ev.Fields, Field{Name: "dcount", Type: types.Long})
	return ev, nil
}

// invokePattern plans a pattern invocation, `P(args)` or `P(args).path`: the case of the
// `declare pattern` statement whose arguments and path equal the invocation's (constants,
// compared as values; strings case-sensitively), with the parameters bound to them.
func (b *builder) invokePattern(call *syntax.CallExpr, path *syntax.Ident, bd *binding, sc *scope) (Node, error) {
	pt := bd.pattern
	name := pt.Name.Name
	if pt.Lbrace == syntax.NoPos {
		return nil, errAt(call, "pattern %q is declared but not defined", name)
	}
	if len(call.Args) != len(pt.Params) {
		return nil, errAt(call, "pattern %q expects %d arguments, found %d", name, len(pt.Params), len(call.Args))
	}
	if (path == nil) != (len(pt.PathParams) == 0) {
		return nil, errAt(call, "pattern %q: expected %d path parts", name, len(pt.PathParams))
	}
	args := make([]types.Value, len(call.Args))
	for i, a := range call.Args {
		v, err := b.constValue(a, sc)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	same := func(x syntax.Expr, v types.Value, scope *scope) bool {
		cv, err := b.constValue(x, scope)
		return err == nil && types.Same(cv, v)
	}
	for _, c := range pt.Cases {
		if len(c.Args) != len(args) || (path != nil) != (len(c.Path) == 1) {
			continue
		}
		match := true
		for i, a := range c.Args {
			match = match && same(a, args[i], bd.fnScope)
		}
		if path != nil {
			match = match && same(c.Path[0], types.NewString(path.Name), bd.fnScope)
		}
		if !match {
			continue
		}
		inner := bd.fnScope.child()
		for i, p := range pt.Params {
			inner.vars[p.Name.Name] = &binding{scalar: &Const{V: args[i]}}
		}
		if path != nil {
			inner.vars[pt.PathParams[0].Name.Name] = &binding{scalar: &Const{V: types.NewString(path.Name)}}
		}
		for _, st := range c.Body {
			switch st := st.(type) {
			case *syntax.LetStmt:
				if err := b.let(st, inner); err != nil {
					return nil, err
				}
			case *syntax.ExprStmt:
				return b.tabular(st.X, inner, nil)
			}
		}
		return nil, errAt(call, "pattern %q: the matching case has no query", name)
	}
	return nil, errAt(call, "pattern %q has no case for these arguments", name)
}

// slidingWindowCounts plans `evaluate sliding_window_counts(IdColumn, TimelineColumn,
// Start, End, LookbackWindow, Bin[, dim1, ...])`: per bin from Start to End, the count of
// rows and distinct ids in the lookback window ending with the bin. The output is the bin
// (named after the timeline column), the dimensions, Count and dcount.
func (b *builder) slidingWindowCounts(op *syntax.EvaluateOp, ev *Evaluate) (Node, error) {
	name := "sliding_window_counts"
	if ev.Input == nil || len(ev.Args) < 6 {
		return nil, errAt(op.Call, "%s(): expected an id column, a timeline column, start, end, lookback window and bin", name)
	}
	tl, ok := ev.Args[1].(*ColRef)
	if !ok || (tl.T != types.DateTime && tl.T != types.TimeSpan && !tl.T.IsInteger()) {
		return nil, errAt(op.Call.Args[1], "%s(): the timeline must be a datetime, timespan or integer column", name)
	}
	for i := 2; i < 6; i++ {
		v, ok := FoldConst(ev.Args[i])
		if !ok || !(v.Type == types.DateTime || v.Type == types.TimeSpan || v.Type.IsInteger()) {
			return nil, errAt(op.Call.Args[i], "%s(): argument %d: expected a constant datetime, timespan or integer", name, i+1)
		}
	}
	ev.Fields = []Field{{Name: tl.Name, Type: tl.T}}
	for i, d := range ev.Args[6:] {
		c, ok := d.(*ColRef)
		if !ok {
			return nil, errAt(op.Call.Args[6+i], "%s(): dimensions must be column names", name)
		}
		ev.Fields = append(ev.Fields, Field{Name: c.Name, Type: c.T})
	}
	ev.Fields = append(ev.Fields, Field{Name: "Count", Type: types.Long}, Field{Name: "dcount", Type: types.Long})
	return ev, nil
}

// partitionByValue plans the form of `partition by Column { Query }` whose subquery does
// not read the partition's rows but names the column as a table: for each distinct value
// of Column, Query runs with Column bound to a one-row, one-column table holding the value
// (read with toscalar(Column)), and the results are unioned. The distinct values are read
// when the query is planned, through Env.Eval.
func (b *builder) partitionByValue(op *syntax.PartitionOp, in Node, sc *scope) (Node, error) {
	id, ok := unparen(op.By).(*syntax.Ident)
	if !ok {
		return nil, errAt(op.By, "in 'partition': expected a column name")
	}
	row := in.Schema()
	i := fieldIndex(row, id.Name)
	if i < 0 {
		return nil, errAt(op.By, "in 'partition': unknown column %q", id.Name)
	}
	if b.env.Eval == nil {
		return nil, errAt(op, "in 'partition': this form needs the data when the query is planned")
	}
	key := Field{Name: id.Name, Type: row[i].Type}
	rows, err := b.env.Eval(&Aggregate{Input: in, Keys: []Expr{&ColRef{Index: i, Name: id.Name, T: key.Type}}, Fields: []Field{key}, Op: "distinct"})
	if err != nil {
		return nil, err
	}
	var ins []Node
	for _, r := range rows {
		inner := sc.child()
		inner.vars[id.Name] = &binding{table: &Values{Fields: []Field{key}, Rows: [][]types.Value{{r[0]}}}}
		n, err := b.tabular(op.Sub, inner, nil)
		if err != nil {
			return nil, err
		}
		ins = append(ins, n)
	}
	if len(ins) == 0 {
		n, err := b.tabular(op.Sub, sc.child(), nil)
		if err != nil {
			return nil, err
		}
		return &Limit{Input: n, N: 0}, nil
	}
	u := &Union{Ins: ins}
	for _, n := range ins {
		for _, f := range n.Schema() {
			if j := fieldIndex(u.Fields, f.Name); j >= 0 {
				if u.Fields[j].Type != f.Type {
					return nil, errAt(op, "in 'partition': column %q is %s in one part and %s in another", f.Name, u.Fields[j].Type, f.Type)
				}
				continue
			}
			u.Fields = append(u.Fields, f)
		}
	}
	for _, n := range ins {
		m := make([]int, len(u.Fields))
		for j, f := range u.Fields {
			m[j] = fieldIndex(n.Schema(), f.Name)
		}
		u.Maps = append(u.Maps, m)
		u.Sources = append(u.Sources, "")
	}
	return u, nil
}
