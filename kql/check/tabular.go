package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// tabularExpr checks an expression that is tabular by its syntax.
func (c *checker) tabularExpr(e syntax.TabularExpr, sc *scope) *Schema {
	switch e := e.(type) {
	case *syntax.PipeExpr:
		return c.pipe(e, sc, nil)
	case *syntax.DataTableExpr:
		if e.Schema == nil {
			return openSchema()
		}
		s := c.declSchema(e.Schema)
		for _, v := range e.Values {
			c.scalar(v, sc, nil)
		}
		if n := len(s.Columns); n > 0 && len(e.Values)%n != 0 {
			c.errorf(e, "datatable has %d values, which is not a multiple of its %d columns", len(e.Values), n)
		}
		return s
	case *syntax.ExternalDataExpr:
		for _, u := range e.URIs {
			c.scalar(u, sc, nil)
		}
		if e.Schema == nil {
			return openSchema()
		}
		return c.declSchema(e.Schema)
	case *syntax.MaterializeExpr:
		return c.tabular(e.Query, sc)
	case *syntax.UnionOp:
		return c.union(e, nil, sc)
	case *syntax.EvaluateOp:
		return c.evaluate(e, nil, sc)
	case *syntax.SearchOp:
		return c.search(e, nil, sc)
	case *syntax.FindOp:
		for _, t := range e.Tables {
			c.unionTable(t, sc, true)
		}
		c.scalar(e.Pred, sc, &row{cols: openSchema(), op: "find"})
		return &Schema{Columns: []Column{{Name: "source_", Type: types.String}, {Name: "pack_", Type: types.Dynamic}}, Open: true}
	case *syntax.PrintOp:
		out := &Schema{}
		r := &row{cols: &Schema{}, op: "print"}
		for i, x := range e.Exprs {
			name, t, tuple := c.column(x, sc, r)
			if tuple != nil {
				for _, col := range tuple {
					out.set(col.Name, col.Type)
				}
				continue
			}
			if name == "" || !isNamed(x) {
				name = fmt.Sprintf("print_%d", i)
			}
			c.info.Names[x] = name
			out.set(name, t)
		}
		return out
	case *syntax.RangeOp:
		t := c.scalar(e.From, sc, nil)
		to := c.scalar(e.To, sc, nil)
		step := c.scalar(e.Step, sc, nil)
		if t == types.Unknown {
			t = to
		}
		switch {
		case t == types.Unknown, t.IsNumeric():
			if t == types.Int || t == types.Unknown {
				t = types.Long
			}
		case t == types.DateTime:
			if step != types.TimeSpan && step != types.Unknown {
				c.errorf(e.Step, "'range' over datetime needs a timespan step, found %s", step)
			}
		case t == types.TimeSpan:
		default:
			c.errorf(e.From, "'range' needs a number, datetime or timespan, found %s", t)
		}
		name := "Range"
		if e.Name != nil {
			name = e.Name.Name
		}
		return &Schema{Columns: []Column{{Name: name, Type: t}}}
	}
	return openSchema()
}

// isNamed reports whether a print/extend item names its own column (`x = ...`).
func isNamed(x syntax.Expr) bool {
	_, ok := x.(*syntax.NamedExpr)
	return ok
}

// pipe checks `Source | Op | ...`. When the source is absent (a subquery of mv-apply,
// partition or fork) in is the input.
func (c *checker) pipe(p *syntax.PipeExpr, sc *scope, in *Schema) *Schema {
	cur := in
	if p.Source != nil {
		cur = c.tabular(p.Source, sc)
	}
	if cur == nil {
		cur = openSchema()
	}
	for _, op := range p.Ops {
		cur = c.op(op, cur, sc)
		c.info.Ops[op] = cur
	}
	return cur
}

// column checks one item of extend, project, print or a summarize aggregate list and
// returns the column name it produces ("" when it has no inherent name), its type, and
// for tuple results (`(a, b) = ...`, arg_max(X, *)) all the columns.
func (c *checker) column(x syntax.Expr, sc *scope, r *row) (string, types.Type, []Column) {
	if ne, ok := x.(*syntax.NamedExpr); ok {
		t := c.scalar(ne.Value, sc, r)
		c.info.Types[ne] = t
		if len(ne.Names) == 1 {
			c.info.Names[ne] = ne.Names[0].Name
			if inner := c.expandCall(ne.Value, r); len(inner) > 1 {
				// `Last = arg_max(TimeGenerated, *)`: the name goes to the first column.
				inner[0].Name = ne.Names[0].Name
				c.info.Tuples[ne] = inner
				return "", t, inner
			}
			return ne.Names[0].Name, t, nil
		}
		// (a, b) = arg_max(...) or a function returning several values.
		inner := c.expandCall(ne.Value, r)
		var cols []Column
		for i, id := range ne.Names {
			ct := types.Unknown
			if i < len(inner) {
				ct = inner[i].Type
			}
			cols = append(cols, Column{Name: id.Name, Type: ct})
		}
		if len(ne.Names) > 0 {
			c.info.Names[ne] = ne.Names[0].Name
		}
		c.info.Tuples[ne] = cols
		return "", t, cols
	}
	t := c.scalar(x, sc, r)
	if cols := c.expandCall(x, r); cols != nil {
		c.info.Tuples[x] = cols
		return "", t, cols
	}
	return c.exprName(x), t, nil
}

// expandCall returns the columns of a call that yields several: arg_max/arg_min and
// percentiles. It returns nil for other expressions.
func (c *checker) expandCall(x syntax.Expr, r *row) []Column {
	call, ok := x.(*syntax.CallExpr)
	if !ok || call.Fun == nil || c.info.Calls[call] == nil {
		return nil
	}
	name := c.info.Calls[call].Name
	switch {
	case isArgMinMax(name) || isArgMinMax(call.Fun.Name):
		if len(call.Args) == 0 {
			return nil
		}
		first := call.Args[0]
		var cols []Column
		add := func(n string, t types.Type) {
			for _, col := range cols {
				if col.Name == n {
					return
				}
			}
			cols = append(cols, Column{Name: n, Type: t})
		}
		fn := c.exprName(argValue(first))
		if fn == "" {
			prefix := "max"
			if strings.Contains(name, "min") {
				prefix = "min"
			}
			fn = prefix + "_"
		}
		add(fn, c.info.Types[argValue(first)])
		for _, a := range call.Args[1:] {
			switch a := a.(type) {
			case *syntax.StarExpr:
				if r != nil && r.cols != nil {
					for _, col := range r.cols.Columns {
						add(col.Name, col.Type)
					}
				}
			case *syntax.NamedExpr:
				if len(a.Names) > 0 {
					add(a.Names[0].Name, c.info.Types[a.Value])
				}
			default:
				n := c.exprName(a)
				if n == "" {
					n = fmt.Sprintf("%s_arg%d", fn, len(cols))
				}
				add(n, c.info.Types[a])
			}
		}
		return cols
	case name == "take_any" || name == "any" && (len(call.Args) > 1 || hasStarArg(call)):
		// take_any(a, b) and take_any(*): a column per expression, * standing for every
		// input column (the summarize leaves out its by keys).
		prefix := "any_"
		if name == "any" {
			prefix = ""
		}
		var cols []Column
		for i, a := range call.Args {
			if _, ok := a.(*syntax.StarExpr); ok {
				if r != nil && r.cols != nil {
					cols = append(cols, r.cols.Columns...)
				}
				continue
			}
			n := c.exprName(argValue(a))
			if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
				n = ne.Names[0].Name
			}
			if n == "" {
				n = fmt.Sprintf("%sarg%d", prefix, i)
			}
			cols = append(cols, Column{Name: n, Type: c.info.Types[argValue(a)]})
		}
		return cols
	case seriesOutputs[name] != nil:
		base := ""
		if len(call.Args) > 0 {
			base = c.exprName(argValue(call.Args[0]))
		}
		var cols []Column
		for _, o := range seriesOutputs[name] {
			t := types.Dynamic
			if o.scalar {
				t = types.Real
			}
			cols = append(cols, Column{Name: name + "_" + base + "_" + o.name, Type: t})
		}
		return cols
	case name == "percentiles" || name == "percentilesw":
		n := 1
		if name == "percentilesw" {
			n = 2
		}
		if len(call.Args) <= n {
			return nil
		}
		base := c.exprName(call.Args[0])
		t := c.info.Types[call.Args[0]]
		if t.IsInteger() || t == types.Unknown {
			t = types.Real
		}
		var cols []Column
		for _, a := range call.Args[n:] {
			v, ok := c.info.Consts[a]
			p := "x"
			if ok {
				p = strings.ReplaceAll(v.String(), ".", "_")
			}
			cols = append(cols, Column{Name: fmt.Sprintf("percentile_%s_%s", base, p), Type: t})
		}
		return cols
	}
	return nil
}

// op checks one pipe operator over input in and returns its output schema.
func (c *checker) op(op syntax.Operator, in *Schema, sc *scope) *Schema {
	if s, ok := c.graphOp(op, in, sc); ok {
		return s
	}
	r := &row{cols: in, op: op.OpName()}
	switch op := op.(type) {
	case *syntax.WhereOp:
		t := c.scalar(op.Pred, sc, r)
		if t != types.Bool && t != types.Unknown && t != types.Dynamic {
			c.errorf(op.Pred, "'%s' needs a bool predicate, found %s", op.Name, t)
		}
		return in
	case *syntax.ExtendOp:
		return c.extend(op.Exprs, in, sc, r)
	case *syntax.SerializeOp:
		return c.extend(op.Exprs, in, sc, r)
	case *syntax.ProjectOp:
		return c.project(op, in, sc, r)
	case *syntax.ProjectAwayOp:
		drop := c.matchColumns(op.Columns, in, "project-away")
		out := &Schema{Open: in.Open}
		for i, col := range in.Columns {
			if !drop[i] {
				out.Columns = append(out.Columns, col)
			}
		}
		return out
	case *syntax.ProjectKeepOp:
		keep := c.matchColumns(op.Columns, in, "project-keep")
		out := &Schema{Open: in.Open}
		for i, col := range in.Columns {
			if keep[i] {
				out.Columns = append(out.Columns, col)
			}
		}
		return out
	case *syntax.ProjectRenameOp:
		out := in.clone()
		for _, ne := range op.Renames {
			if ne == nil || len(ne.Names) != 1 {
				continue
			}
			old, ok := ne.Value.(*syntax.Ident)
			if !ok {
				c.errorf(ne.Value, "'project-rename' expects a column name, found an expression")
				continue
			}
			i := out.Index(old.Name)
			if i < 0 {
				if !in.Open {
					c.errorf(old, "unknown column '%s'%s", old.Name, c.columnHint(old.Name, in, nil))
				}
				out.set(ne.Names[0].Name, types.Unknown)
				continue
			}
			c.info.Refs[old] = Symbol{Kind: SymColumn, Name: old.Name, Type: out.Columns[i].Type}
			c.info.Names[ne] = ne.Names[0].Name
			out.Columns[i].Name = ne.Names[0].Name
		}
		return out
	case *syntax.ProjectReorderOp:
		var exprs []syntax.Expr
		for _, o := range op.Columns {
			exprs = append(exprs, o.X)
		}
		out := &Schema{Open: in.Open}
		used := make([]bool, len(in.Columns))
		named := map[string]bool{}
		for _, o := range op.Columns {
			if id, ok := o.X.(*syntax.Ident); ok {
				if named[id.Name] {
					c.errorf(id, "column '%s' appears twice in 'project-reorder'", id.Name)
				}
				named[id.Name] = true
			}
			var idx []int
			for i, col := range in.Columns {
				if !used[i] && c.matchesItem(o.X, col.Name) {
					idx = append(idx, i)
				}
			}
			if len(idx) == 0 && !in.Open {
				if id, ok := o.X.(*syntax.Ident); ok && !in.has(id.Name) {
					c.errorf(id, "unknown column '%s'%s", id.Name, c.columnHint(id.Name, in, nil))
				}
			}
			if o.Order != "" {
				sort.SliceStable(idx, func(a, b int) bool {
					if o.Order == "desc" {
						return in.Columns[idx[a]].Name > in.Columns[idx[b]].Name
					}
					return in.Columns[idx[a]].Name < in.Columns[idx[b]].Name
				})
			}
			for _, i := range idx {
				used[i] = true
				out.Columns = append(out.Columns, in.Columns[i])
			}
		}
		for i, col := range in.Columns {
			if !used[i] {
				out.Columns = append(out.Columns, col)
			}
		}
		return out
	case *syntax.SummarizeOp:
		return c.summarize(op, in, sc)
	case *syntax.SortOp:
		for _, k := range op.Keys {
			c.scalar(k.X, sc, r)
		}
		return in
	case *syntax.TopOp:
		c.count(op.Count, sc, "top")
		if op.By != nil {
			c.scalar(op.By.X, sc, r)
		}
		return in
	case *syntax.TakeOp:
		c.count(op.Count, sc, op.Name)
		return in
	case *syntax.SampleOp:
		c.count(op.Count, sc, "sample")
		return in
	case *syntax.SampleDistinctOp:
		c.count(op.Count, sc, "sample-distinct")
		name, t, _ := c.column(op.Of, sc, r)
		if name == "" {
			name = "Column1"
		}
		return &Schema{Columns: []Column{{Name: name, Type: t}}}
	case *syntax.DistinctOp:
		if len(op.Columns) == 1 {
			if _, ok := op.Columns[0].(*syntax.StarExpr); ok {
				return in
			}
		}
		return c.projectList(op.Columns, in, sc, r, "distinct")
	case *syntax.CountOp:
		name := "Count"
		if op.As != nil {
			name = op.As.Name
		}
		return &Schema{Columns: []Column{{Name: name, Type: types.Long}}}
	case *syntax.JoinOp:
		return c.join(op, in, sc)
	case *syntax.LookupOp:
		return c.lookup(op, in, sc)
	case *syntax.UnionOp:
		return c.union(op, in, sc)
	case *syntax.MvExpandOp:
		out, _ := c.mvExpand(op.Params, op.Items, op.Limit, in, sc, op.Name)
		return out
	case *syntax.MvApplyOp:
		expanded, names := c.mvExpand(op.Params, op.Items, op.Limit, in, sc, "mv-apply")
		sub := c.subquery(op.On, sc, expanded)
		out := &Schema{Open: in.Open || sub.Open}
		for _, col := range in.Columns {
			if !names[col.Name] && !sub.has(col.Name) {
				out.Columns = append(out.Columns, col)
			}
		}
		out.Columns = append(out.Columns, sub.Columns...)
		return out
	case *syntax.ParseOp:
		c.scalar(op.X, sc, r)
		out := in.clone()
		for _, el := range op.Pattern {
			switch el := el.(type) {
			case *syntax.ColumnDecl:
				t := types.String
				if el.Type != nil {
					t = c.typeRef(el.Type)
				}
				if el.Name != nil {
					out.set(el.Name.Name, t)
				}
			case *syntax.Literal:
				c.literal(el)
			case *syntax.StarExpr:
			default:
				// A let-bound string may stand for pattern text.
				c.scalar(el, sc, r)
			}
		}
		return out
	case *syntax.ParseKvOp:
		c.scalar(op.X, sc, r)
		out := in.clone()
		if op.Schema != nil {
			for _, col := range c.declSchema(op.Schema).Columns {
				out.set(col.Name, col.Type)
			}
		}
		return out
	case *syntax.MakeSeriesOp:
		return c.makeSeries(op, in, sc)
	case *syntax.TopNestedOp:
		return c.topNested(op, in, sc)
	case *syntax.EvaluateOp:
		return c.evaluate(op, in, sc)
	case *syntax.RenderOp:
		return in
	case *syntax.AsOp:
		if op.Name != nil {
			sc.syms[op.Name.Name] = &binding{sym: Symbol{Kind: SymTableLet, Name: op.Name.Name, Decl: op}, tab: in}
		}
		return in
	case *syntax.GetSchemaOp:
		return &Schema{Columns: []Column{
			{Name: "ColumnName", Type: types.String},
			{Name: "ColumnOrdinal", Type: types.Int},
			{Name: "DataType", Type: types.String},
			{Name: "ColumnType", Type: types.String},
		}}
	case *syntax.InvokeOp:
		if op.Call == nil || op.Call.Fun == nil {
			return openSchema()
		}
		b := sc.lookup(op.Call.Fun.Name)
		if b == nil || b.fn == nil {
			c.errorf(op.Call.Fun, "unknown function '%s'", op.Call.Fun.Name)
			return openSchema()
		}
		c.info.Refs[op.Call.Fun] = b.sym
		// The input is the function's first (tabular) argument.
		args := []value{{tab: in}}
		for _, a := range op.Call.Args {
			args = append(args, c.value(argValue(a), sc, nil, false))
		}
		if n := len(args); n < required(b.fn.Params) || n > len(b.fn.Params) {
			c.errorf(op.Call, "function '%s' expects %s, found %d (the input counts as the first)",
				op.Call.Fun.Name, argCount(required(b.fn.Params), len(b.fn.Params)), n)
		}
		if res := c.instantiate(b, args); res.tab != nil {
			return res.tab
		}
		return openSchema()
	case *syntax.ConsumeOp:
		return &Schema{}
	case *syntax.ReduceOp:
		return c.reduce(op, in, sc, r)
	case *syntax.ScanOp:
		for _, o := range op.OrderBy {
			c.scalar(o.X, sc, r)
		}
		for _, p := range op.PartitionBy {
			c.scalar(p, sc, r)
		}
		out := in.clone()
		inner := newScope(sc)
		for _, p := range op.Declare {
			if b := c.param(p, inner, SymParam); b != nil {
				out.set(p.Name.Name, b.typ)
			}
		}
		for _, p := range op.Params {
			if strings.EqualFold(p.Name.Name, "with_match_id") {
				if id, ok := p.Value.(*syntax.Ident); ok {
					out.set(id.Name, types.Long)
				}
			}
		}
		// Steps refer to each other's columns as `Step.Column`; their shape is checked
		// loosely.
		sr := &row{cols: &Schema{Columns: out.Columns, Open: true}, op: "scan"}
		for _, st := range op.Steps {
			if st == nil {
				continue
			}
			c.scalar(st.Cond, inner, sr)
			for _, a := range st.Assigns {
				c.scalar(a.Value, inner, sr)
			}
		}
		return out
	case *syntax.PartitionOp:
		c.scalar(op.By, sc, r)
		sub := unparenExpr(op.Sub)
		if px, ok := sub.(*syntax.PipeExpr); (!ok || px.Source != nil) && sub != nil {
			// `partition by Col { Query }`: Query names Col as a one-column table holding
			// the partition's value.
			if id, ok := op.By.(*syntax.Ident); ok {
				inner := newScope(sc)
				col := Column{Name: id.Name, Type: c.info.Types[op.By]}
				inner.syms[id.Name] = &binding{sym: Symbol{Kind: SymTableLet, Name: id.Name, Decl: op}, tab: &Schema{Columns: []Column{col}}}
				return c.subquery(op.Sub, inner, in)
			}
		}
		return c.subquery(op.Sub, sc, in)
	case *syntax.ForkOp:
		var first *Schema
		for _, br := range op.Branches {
			s := c.subquery(argValue(br), sc, in)
			if first == nil {
				first = s
			}
		}
		if first == nil {
			return openSchema()
		}
		return first
	case *syntax.FacetOp:
		for _, b := range op.By {
			c.scalar(b, sc, r)
		}
		if op.With != nil {
			c.subquery(op.With, sc, in)
		}
		return openSchema()
	case *syntax.SearchOp:
		return c.search(op, in, sc)
	case *syntax.BadOperator:
		return openSchema()
	}
	return openSchema()
}

// unparenExpr removes the parentheses around e.
func unparenExpr(e syntax.Expr) syntax.Expr {
	for {
		p, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// count checks the row count of take, top and sample: an integer.
func (c *checker) count(e syntax.Expr, sc *scope, op string) {
	if e == nil {
		return
	}
	t := c.scalar(e, sc, nil)
	if t != types.Unknown && t != types.Dynamic && !t.IsInteger() {
		c.errorf(e, "'%s' needs an integer count, found %s", op, t)
	}
}

// subquery checks the parenthesized subquery of mv-apply, partition, fork and facet, whose
// source is the operator's input.
func (c *checker) subquery(e syntax.Expr, sc *scope, in *Schema) *Schema {
	for {
		p, ok := e.(*syntax.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	switch e := e.(type) {
	case *syntax.PipeExpr:
		if e.Source == nil {
			s := c.pipe(e, sc, in)
			c.info.Tabular[e] = s
			return s
		}
		return c.tabular(e, sc)
	case nil:
		return in
	}
	return c.tabular(e, sc)
}

func (c *checker) extend(exprs []syntax.Expr, in *Schema, sc *scope, r *row) *Schema {
	out := in.clone()
	nm := &namer{taken: func(n string) bool { return out.has(n) }}
	for _, x := range exprs {
		// Later items see the columns of earlier ones.
		r := &row{cols: out, op: r.op}
		name, t, tuple := c.column(x, sc, r)
		if tuple != nil {
			for _, col := range tuple {
				out.set(col.Name, col.Type)
			}
			continue
		}
		if name == "" {
			name = nm.column()
		}
		c.info.Names[x] = name
		out.set(name, t)
	}
	return out
}

func (c *checker) project(op *syntax.ProjectOp, in *Schema, sc *scope, r *row) *Schema {
	return c.projectList(op.Exprs, in, sc, r, "project")
}

// projectList builds the columns of project and distinct: names, wildcards and new columns.
func (c *checker) projectList(exprs []syntax.Expr, in *Schema, sc *scope, r *row, opName string) *Schema {
	out := &Schema{Open: in.Open && opName == "project" && hasWildcard(exprs)}
	nm := &namer{taken: func(n string) bool { return out.has(n) }}
	add := func(at syntax.Node, name string, t types.Type) {
		if out.has(name) {
			c.errorf(at, "column '%s' appears twice in '%s'", name, opName)
			return
		}
		out.Columns = append(out.Columns, Column{Name: name, Type: t})
	}
	for _, x := range exprs {
		if w, ok := x.(*syntax.WildcardName); ok {
			for _, col := range in.Columns {
				if matchWildcard(w.Pattern, col.Name) && !out.has(col.Name) {
					out.Columns = append(out.Columns, col)
				}
			}
			continue
		}
		if _, ok := x.(*syntax.StarExpr); ok {
			for _, col := range in.Columns {
				if !out.has(col.Name) {
					out.Columns = append(out.Columns, col)
				}
			}
			out.Open = out.Open || in.Open
			continue
		}
		name, t, tuple := c.column(x, sc, r)
		if tuple != nil {
			for _, col := range tuple {
				add(x, col.Name, col.Type)
			}
			continue
		}
		if name == "" {
			name = nm.column()
		}
		c.info.Names[x] = name
		add(x, name, t)
	}
	return out
}

func hasWildcard(exprs []syntax.Expr) bool {
	for _, x := range exprs {
		switch x.(type) {
		case *syntax.WildcardName, *syntax.StarExpr:
			return true
		}
	}
	return false
}

// matchesItem reports whether a project-away/keep/reorder item names the column.
func (c *checker) matchesItem(x syntax.Expr, name string) bool {
	switch x := x.(type) {
	case *syntax.Ident:
		return x.Name == name
	case *syntax.WildcardName:
		return matchWildcard(x.Pattern, name)
	case *syntax.StarExpr:
		return true
	}
	return false
}

// matchColumns marks the input columns named by a project-away/keep list and reports
// names that match nothing.
func (c *checker) matchColumns(items []syntax.Expr, in *Schema, opName string) []bool {
	marks := make([]bool, len(in.Columns))
	for _, x := range items {
		found := false
		for i, col := range in.Columns {
			if c.matchesItem(x, col.Name) {
				marks[i] = true
				found = true
			}
		}
		switch x := x.(type) {
		case *syntax.Ident:
			if found {
				c.info.Refs[x] = Symbol{Kind: SymColumn, Name: x.Name, Type: in.Columns[in.Index(x.Name)].Type}
			} else if !in.Open {
				c.errorf(x, "unknown column '%s'%s", x.Name, c.columnHint(x.Name, in, nil))
			}
		case *syntax.WildcardName, *syntax.StarExpr:
		default:
			c.errorf(x, "'%s' expects column names, found an expression", opName)
		}
	}
	return marks
}

// summarize builds `by` keys first, then the aggregates.
func (c *checker) summarize(op *syntax.SummarizeOp, in *Schema, sc *scope) *Schema {
	out := &Schema{Open: in.Open}
	nm := &namer{taken: func(n string) bool { return out.has(n) }}
	byRow := &row{cols: in, op: "summarize"}
	for _, b := range op.By {
		name, t, _ := c.column(b, sc, byRow)
		if t == types.Dynamic {
			c.errorf(b, "'summarize' cannot group by a dynamic value; convert it, for example with tostring()")
		}
		if name == "" {
			name = nm.column()
		}
		// Kusto accepts a key twice (`by tostring(A), tostring(A)`) and numbers the copy.
		name = uniqueName(name, out.has)
		c.info.Names[b] = name
		out.Columns = append(out.Columns, Column{Name: name, Type: t})
	}
	aggRow := &row{cols: in, op: "summarize", agg: true}
	for _, a := range op.Aggs {
		name, t, tuple := c.column(a, sc, aggRow)
		if tuple != nil {
			star := hasStarArg(a)
			for _, col := range tuple {
				if out.has(col.Name) {
					if star {
						// arg_max(X, *) by K: the by keys are not repeated.
						continue
					}
					// R = arg_max(T, R): the second R becomes R1.
					col.Name = uniqueName(col.Name, out.has)
				}
				out.Columns = append(out.Columns, col)
			}
			continue
		}
		if name == "" {
			name = nm.column()
		}
		name = uniqueName(name, out.has)
		c.info.Names[a] = name
		out.Columns = append(out.Columns, Column{Name: name, Type: t})
	}
	return out
}

func (c *checker) makeSeries(op *syntax.MakeSeriesOp, in *Schema, sc *scope) *Schema {
	out := &Schema{Open: in.Open}
	nm := &namer{taken: func(n string) bool { return out.has(n) }}
	r := &row{cols: in, op: "make-series"}
	axisName, _, _ := c.column(op.On, sc, r)
	for _, x := range []syntax.Expr{op.From, op.To, op.Step} {
		if x != nil {
			c.scalar(x, sc, nil)
		}
	}
	for _, b := range op.By {
		name, t, _ := c.column(b, sc, r)
		if name == "" {
			name = nm.column()
		}
		c.info.Names[b] = name
		out.set(name, t)
	}
	aggRow := &row{cols: in, op: "make-series", agg: true}
	var aggs []string
	for _, a := range op.Aggs {
		if a == nil {
			continue
		}
		name, _, _ := c.column(a.X, sc, aggRow)
		if a.Default != nil {
			c.scalar(a.Default, sc, nil)
		}
		if name == "" {
			name = nm.column()
		}
		name = uniqueName(name, out.has)
		c.info.Names[a.X] = name
		out.Columns = append(out.Columns, Column{Name: name, Type: types.Dynamic})
		aggs = append(aggs, name)
	}
	if axisName == "" {
		axisName = nm.column()
	}
	c.info.Names[op.On] = axisName
	out.set(axisName, types.Dynamic)
	return out
}

func (c *checker) topNested(op *syntax.TopNestedOp, in *Schema, sc *scope) *Schema {
	out := &Schema{}
	r := &row{cols: in, op: "top-nested"}
	for _, cl := range op.Clauses {
		if cl == nil {
			continue
		}
		if cl.Count != nil {
			c.count(cl.Count, sc, "top-nested")
		}
		name, t, _ := c.column(cl.Of, sc, r)
		if name == "" {
			name = fmt.Sprintf("Column%d", len(out.Columns)+1)
		}
		c.info.Names[cl.Of] = name
		if cl.Others != nil {
			c.scalar(cl.Others, sc, nil)
		}
		out.set(name, t)
		if cl.By != nil {
			aname, at, _ := c.column(cl.By.X, sc, &row{cols: in, op: "top-nested", agg: true})
			if _, ok := cl.By.X.(*syntax.NamedExpr); !ok {
				aname = "aggregated_" + name
			}
			c.info.Names[cl.By.X] = aname
			out.set(aname, at)
		}
	}
	return out
}

// joinKind returns the lower-case kind= of a join or lookup, or def.
func joinKind(params []*syntax.OpParam, def string) string {
	if v := syntax.LookupParam(params, "kind"); v != nil {
		switch v := v.(type) {
		case *syntax.Ident:
			return strings.ToLower(v.Name)
		case *syntax.Literal:
			return strings.ToLower(v.Value)
		}
	}
	return def
}

// joinKeys checks the `on` clause of join and lookup. It returns the right-side columns
// matched by name (`on Key`), which lookup leaves out of its output.
func (c *checker) joinKeys(on []syntax.Expr, left, right *Schema, sc *scope, opName string) map[string]bool {
	named := map[string]bool{}
	var key func(e syntax.Expr)
	key = func(e syntax.Expr) {
		switch e := e.(type) {
		case *syntax.Ident:
			li, ri := left.Index(e.Name), right.Index(e.Name)
			if (li < 0 && !left.Open) || (ri < 0 && !right.Open) {
				c.errorf(e, "column '%s' must exist on both sides of '%s'", e.Name, opName)
				return
			}
			if li >= 0 {
				c.info.Refs[e] = Symbol{Kind: SymColumn, Name: e.Name, Type: left.Columns[li].Type}
			}
			named[e.Name] = true
		case *syntax.BinaryExpr:
			if e.Op == syntax.OpAnd {
				key(e.X)
				key(e.Y)
				return
			}
			r := &row{left: left, right: right, op: opName}
			if e.Op == syntax.OpEq {
				if !isSide(e.X, "$left") {
					c.errorf(e.X, "the join condition operand must be $left.<column>")
				}
				if !isSide(e.Y, "$right") {
					c.errorf(e.Y, "the join condition operand must be $right.<column>")
				}
			}
			c.scalar(e, sc, r)
		case *syntax.ParenExpr:
			key(e.X)
		default:
			c.errorf(e, "'%s' expects a column name or '$left.<column> == $right.<column>'", opName)
		}
	}
	for _, e := range on {
		key(e)
	}
	return named
}

func isSide(e syntax.Expr, side string) bool {
	s, ok := e.(*syntax.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := s.X.(*syntax.Ident)
	return ok && id.Name == side
}

func (c *checker) join(op *syntax.JoinOp, in *Schema, sc *scope) *Schema {
	right := c.tabular(op.Right, sc)
	if op.OnPos.IsValid() || len(op.On) > 0 {
		c.joinKeys(op.On, in, right, sc, "join")
	}
	if op.Where != nil {
		c.scalar(op.Where, sc, &row{left: in, right: right, op: "join"})
	}
	switch joinKind(op.Params, "innerunique") {
	case "leftsemi", "leftanti", "leftantisemi", "anti":
		return in
	case "rightsemi", "rightanti", "rightantisemi":
		return right
	case "inner", "innerunique", "leftouter", "rightouter", "fullouter":
	default:
		c.errorf(syntax.LookupParam(op.Params, "kind"), "unknown join kind '%s'", joinKind(op.Params, ""))
	}
	return appendRenamed(in, right, nil)
}

// appendRenamed returns left's columns followed by right's, renaming right columns whose
// names are taken (Name → Name1) and skipping those in skip.
func appendRenamed(left, right *Schema, skip map[string]bool) *Schema {
	out := left.clone()
	out.Open = left.Open || right.Open
	for _, col := range right.Columns {
		if skip[col.Name] {
			continue
		}
		col.Name = uniqueName(col.Name, out.has)
		out.Columns = append(out.Columns, col)
	}
	return out
}

func (c *checker) lookup(op *syntax.LookupOp, in *Schema, sc *scope) *Schema {
	right := c.tabular(op.Right, sc)
	keys := c.joinKeys(op.On, in, right, sc, "lookup")
	switch k := joinKind(op.Params, "leftouter"); k {
	case "leftouter", "inner":
	default:
		c.errorf(syntax.LookupParam(op.Params, "kind"), "'lookup' supports kind=leftouter or kind=inner, found '%s'", k)
	}
	return appendRenamed(in, right, keys)
}

// unionTable checks one table of union, find or search: a name, a wildcard, a subquery.
// It returns the schemas it stands for (a wildcard may stand for several).
func (c *checker) unionTable(e syntax.Expr, sc *scope, fuzzy bool) []*Schema {
	switch e := e.(type) {
	case *syntax.Ident:
		if b := sc.lookup(e.Name); b != nil {
			c.info.Refs[e] = b.sym
			if b.tab != nil {
				return []*Schema{b.tab}
			}
			if b.fn != nil && b.res.tab != nil {
				return []*Schema{b.res.tab}
			}
		}
		if s := c.catalogTable(e.Name); s != nil {
			c.info.Refs[e] = Symbol{Kind: SymTable, Name: e.Name}
			return []*Schema{s}
		}
		return []*Schema{c.unknownTable(e, sc, fuzzy)}
	case *syntax.StarExpr:
		// union *: every table of the database.
		return c.unionTable(&syntax.WildcardName{NamePos: e.Star, Pattern: "*"}, sc, fuzzy)
	case *syntax.WildcardName:
		var out []*Schema
		if c.env.Catalog != nil {
			for _, n := range c.env.Catalog.Names() {
				if matchWildcard(e.Pattern, n) {
					out = append(out, c.catalogTable(n))
				}
			}
		}
		if len(out) == 0 {
			c.warnf(e, "no table matches '%s'", e.Pattern)
			return []*Schema{openSchema()}
		}
		return out
	}
	return []*Schema{c.tabular(e, sc)}
}

func (c *checker) union(op *syntax.UnionOp, in *Schema, sc *scope) *Schema {
	fuzzy := false
	if v := syntax.LookupParam(op.Params, "isfuzzy"); v != nil {
		if l, ok := v.(*syntax.Literal); ok && strings.EqualFold(l.Value, "true") {
			fuzzy = true
		}
	}
	var parts []*Schema
	if in != nil {
		parts = append(parts, in)
	}
	if fuzzy {
		// isfuzzy=true: a leg naming a table or function that does not exist is left out
		// at run time, so those names are warnings inside it (other errors stay errors).
		c.fuzzy++
	}
	wild := false
	for _, t := range op.Tables {
		switch t.(type) {
		case *syntax.StarExpr, *syntax.WildcardName:
			wild = true
		}
		parts = append(parts, c.unionTable(t, sc, fuzzy)...)
	}
	if fuzzy {
		c.fuzzy--
	}
	kind := joinKind(op.Params, "outer")
	out := &Schema{}
	if v := syntax.LookupParam(op.Params, "withsource"); v != nil {
		if id, ok := v.(*syntax.Ident); ok {
			out.Columns = append(out.Columns, Column{Name: id.Name, Type: types.String})
		}
	}
	base := len(out.Columns)
	// index maps a column name to its position in out; union * merges every table of the
	// catalog, so lookups must not scan.
	index := map[string]int{}
	for i, col := range out.Columns {
		index[col.Name] = i
	}
	add := func(col Column) {
		index[col.Name] = len(out.Columns)
		out.Columns = append(out.Columns, col)
	}
	for pi, p := range parts {
		out.Open = out.Open || p.Open
		for _, col := range p.Columns {
			if kind == "inner" && !allHave(parts, col) {
				continue
			}
			i, ok := index[col.Name]
			switch {
			case !ok:
				add(col)
			case out.Columns[i].Type == types.Unknown:
				out.Columns[i].Type = col.Type
			case col.Type == types.Unknown:
			case wild && out.Columns[i].Type != col.Type:
				// Over a wildcard (union *, union Sign*) socfeed does not split a name
				// whose type differs between tables (as Kusto does for listed tables);
				// Microsoft's analyser lets queries use the plain name there, so the
				// column is kept once, as dynamic.
				out.Columns[i].Type = types.Dynamic
			case i >= base && out.Columns[i].Type != col.Type && pi > 0:
				// Same name, different types: Kusto keeps both, suffixed by type.
				old := out.Columns[i]
				if !strings.HasSuffix(old.Name, "_"+old.Type.String()) {
					delete(index, old.Name)
					out.Columns[i].Name += "_" + old.Type.String()
					index[out.Columns[i].Name] = i
					index[old.Name] = i // later tables still meet the name here
				}
				n := col.Name + "_" + col.Type.String()
				if _, ok := index[n]; !ok {
					add(Column{Name: n, Type: col.Type})
				}
			}
		}
	}
	return out
}

func allHave(parts []*Schema, col Column) bool {
	for _, p := range parts {
		i := p.Index(col.Name)
		if i < 0 || p.Columns[i].Type != col.Type {
			return false
		}
	}
	return true
}

// mvExpand checks the items of mv-expand and mv-apply and returns the expanded schema and
// the names of the expanded columns.
func (c *checker) mvExpand(params []*syntax.OpParam, items []*syntax.MvItem, limit syntax.Expr, in *Schema, sc *scope, opName string) (*Schema, map[string]bool) {
	out := in.clone()
	names := map[string]bool{}
	nm := &namer{taken: func(n string) bool { return out.has(n) }}
	r := &row{cols: in, op: opName}
	for _, it := range items {
		if it == nil {
			continue
		}
		name, _, _ := c.column(it.X, sc, r)
		t := types.Dynamic
		if it.To != nil {
			t = c.typeRef(it.To)
		}
		if name == "" {
			name = nm.column()
		}
		c.info.Names[it.X] = name
		names[name] = true
		out.set(name, t)
	}
	if limit != nil {
		c.count(limit, sc, opName)
	}
	if v := syntax.LookupParam(params, "with_itemindex"); v != nil {
		if id, ok := v.(*syntax.Ident); ok {
			out.set(id.Name, types.Long)
		}
	}
	return out, names
}

func (c *checker) search(op *syntax.SearchOp, in *Schema, sc *scope) *Schema {
	cols := openSchema()
	if in != nil {
		cols = &Schema{Columns: in.Columns, Open: true}
	}
	for _, t := range op.Tables {
		c.unionTable(t, sc, true)
	}
	if op.Pred != nil {
		c.scalar(op.Pred, sc, &row{cols: cols, op: "search"})
	}
	out := &Schema{Columns: []Column{{Name: "$table", Type: types.String}}, Open: true}
	if in != nil {
		out.Columns = append(out.Columns, in.Columns...)
	}
	return out
}

// plugins lists the evaluate plugins Kusto documents. Most have an output that depends on
// the data, so their schema is open.
var plugins = map[string]bool{
	"active_users_count": true, "activity_counts_metrics": true, "activity_engagement": true,
	"activity_metrics": true, "ai_chat_completion": true, "ai_chat_completion_prompt": true,
	"ai_embeddings": true, "autocluster": true, "azure_digital_twins_query_request": true,
	"bag_unpack": true, "basket": true, "cosmosdb_sql_request": true, "dcount_intersect": true,
	"diffpatterns": true, "diffpatterns_text": true, "funnel_sequence": true,
	"funnel_sequence_completion": true, "geo_line_lookup": true, "geo_polygon_lookup": true,
	"http_request": true, "http_request_post": true, "infer_storage_schema": true,
	"infer_storage_schema_with_suggestions": true, "ipv4_lookup": true, "ipv6_lookup": true,
	"mysql_request": true, "narrow": true, "new_activity_metrics": true, "pivot": true,
	"postgresql_request": true, "preview": true, "python": true, "r": true,
	"rolling_percentile": true, "rows_near": true, "schema_merge": true, "sequence_detect": true,
	"session_count": true, "sliding_window_counts": true, "sql_request": true,
	"market_basket": true,
}

func (c *checker) evaluate(op *syntax.EvaluateOp, in *Schema, sc *scope) *Schema {
	if op.Call == nil || op.Call.Fun == nil {
		return openSchema()
	}
	name := op.Call.Fun.Name
	cols := in
	if cols == nil {
		cols = openSchema()
	}
	// Some plugins take aggregates (pivot(Col, any(X))); others name columns of a second
	// table (ipv4_lookup(Ranges, IP, Network)), so unknown names are not errors here.
	r := &row{cols: &Schema{Columns: cols.Columns, Open: true}, op: "evaluate", agg: true}
	for _, a := range op.Call.Args {
		c.value(argValue(a), sc, r, false)
	}
	if !plugins[name] {
		c.errorf(op.Call.Fun, "unknown plugin '%s'", name)
		return openSchema()
	}
	var out *Schema
	switch name {
	case "bag_unpack":
		out = cols.clone()
		if len(op.Call.Args) > 0 {
			if id, ok := argValue(op.Call.Args[0]).(*syntax.Ident); ok {
				if i := out.Index(id.Name); i >= 0 {
					out.Columns = append(out.Columns[:i], out.Columns[i+1:]...)
				}
			}
		}
		out.Open = true
	case "narrow":
		out = &Schema{Columns: []Column{{Name: "Row", Type: types.Int}, {Name: "Column", Type: types.String}, {Name: "Value", Type: types.String}}}
	case "ipv4_lookup", "ipv6_lookup", "geo_polygon_lookup", "geo_line_lookup", "rows_near", "preview":
		out = &Schema{Columns: cols.Columns, Open: true}
	default:
		out = openSchema()
	}
	if op.Schema != nil {
		decl := c.declSchema(op.Schema)
		if name == "bag_unpack" {
			out.Open = decl.Open
			for _, col := range decl.Columns {
				out.set(col.Name, col.Type)
			}
		} else {
			out = decl
		}
	}
	return out
}

// hasStarArg reports whether an aggregate item (possibly named) is a call with a `*`
// argument, as in arg_max(TimeGenerated, *).
func hasStarArg(x syntax.Expr) bool {
	if ne, ok := x.(*syntax.NamedExpr); ok {
		x = ne.Value
	}
	call, ok := x.(*syntax.CallExpr)
	if !ok {
		return false
	}
	for _, a := range call.Args {
		if _, ok := a.(*syntax.StarExpr); ok {
			return true
		}
	}
	return false
}

// seriesOutput is one of the columns a series analysis function produces.
type seriesOutput struct {
	name   string
	scalar bool // a real per row rather than a dynamic array
}

// seriesOutputs lists the columns of the series functions that return several values
// (series_stats(x) gives series_stats_x_min, series_stats_x_min_idx, ...), from the
// reference pages of each function.
var seriesOutputs = map[string][]seriesOutput{
	"series_stats": {{"min", true}, {"min_idx", true}, {"max", true}, {"max_idx", true},
		{"avg", true}, {"stdev", true}, {"variance", true}},
	"series_fit_line": {{"rsquare", true}, {"slope", true}, {"variance", true},
		{"rvariance", true}, {"interception", true}, {"line_fit", false}},
	"series_fit_2lines": {{"rsquare", true}, {"split_idx", true}, {"variance", true},
		{"rvariance", true}, {"line_fit", false}, {"right_rsquare", true}, {"right_slope", true},
		{"right_interception", true}, {"right_variance", true}, {"right_rvariance", true},
		{"left_rsquare", true}, {"left_slope", true}, {"left_interception", true},
		{"left_variance", true}, {"left_rvariance", true}},
	"series_fit_poly": {{"rsquare", true}, {"coefficients", false}, {"variance", true},
		{"rvariance", true}, {"poly_fit", false}},
	"series_decompose":           {{"baseline", false}, {"seasonal", false}, {"trend", false}, {"residual", false}},
	"series_decompose_anomalies": {{"ad_flag", false}, {"ad_score", false}, {"baseline", false}},
	"series_periods_detect":      {{"periods", false}, {"scores", false}},
	"series_periods_validate":    {{"periods", false}, {"scores", false}},
}
