package plan

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// Env is what a plan is built against. It is read-only during Build.
type Env struct {
	Funcs *funcs.Registry
	// Table returns the schema of a database table.
	Table func(name string) ([]Field, bool)
	// TableNames lists the database tables, for wildcards in union.
	TableNames func() []string
	// Names is the checker's result column names (check.Info.Names), when the script was
	// checked; the planner prefers them to its own naming rules. It may be nil.
	Names map[syntax.Expr]string
	// Tabular marks the expressions the checker found to be tables (the keys of
	// check.Info.Tabular). It may be nil.
	Tabular map[syntax.Expr]bool
	// Eval runs a plan node and returns its rows. The planner calls it for operators whose
	// output columns depend on the data (bag_unpack without an output schema). It may be
	// nil, and then such operators need an explicit schema.
	Eval func(n Node) ([][]types.Value, error)
	// Functions are stored functions, bound before the script in a scope of their own
	// (check.Env.Functions). An error inside one is reported at the call, naming it.
	Functions []*syntax.LetStmt
}

// Error is a planning error at a byte offset of the source.
type Error struct {
	Pos syntax.Pos
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// At formats e as `line:col: message` against src.
func (e *Error) At(src string) string {
	line, col := syntax.LineCol(src, e.Pos)
	return fmt.Sprintf("%d:%d: %s", line, col, e.Msg)
}

func errAt(n syntax.Node, format string, args ...any) error {
	p := syntax.NoPos
	if n != nil {
		p = n.Pos()
	}
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// binding is what a let-bound or parameter name stands for.
type binding struct {
	scalar Expr
	// rowDep marks a scalar that reads the current row (a function argument computed from
	// columns); tabDepth is the tabular nesting where it was bound.
	rowDep   bool
	tabDepth int
	table    Node
	fn       *syntax.FuncDecl
	fnScope  *scope
	pattern  *syntax.PatternStmt // fnScope is its scope too
	stored   bool                // a stored function (Env.Functions)
}

type scope struct {
	parent *scope
	vars   map[string]*binding
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.vars[name]; ok {
			return b
		}
	}
	return nil
}

// tableNames lists, sorted, the let-bound names visible in s that are tables or views
// (functions without parameters).
func (s *scope) tableNames() []string {
	seen := map[string]bool{}
	var out []string
	for ; s != nil; s = s.parent {
		for name, b := range s.vars {
			if seen[name] {
				continue
			}
			seen[name] = true
			if b.table != nil || b.fn != nil && len(b.fn.Params) == 0 {
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// nameOf returns the name bound to the table n in s (by `as` or let), or "".
func (s *scope) nameOf(n Node) string {
	for ; s != nil; s = s.parent {
		var names []string
		for name, b := range s.vars {
			if b.table == n {
				names = append(names, name)
			}
		}
		if len(names) > 0 {
			sort.Strings(names)
			return names[0]
		}
	}
	return ""
}

func (s *scope) child() *scope { return &scope{parent: s, vars: map[string]*binding{}} }

type builder struct {
	env   Env
	depth int
	// tabDepth counts the tabular expressions being planned, innermost last; a value of
	// the current row cannot be read inside a tabular expression nested deeper than the
	// row (toscalar-function.md: toscalar cannot be evaluated per row).
	tabDepth int
	// aggSubst maps aggregate calls inside a summarize expression to the hidden column
	// that holds their value, while that expression is bound.
	aggSubst map[*syntax.CallExpr]Expr
}

// Build plans every query statement of script. Let statements are bound in order;
// let-bound tables are shared between their uses (wrapped in [Materialize] by the
// optimizer when read more than once), let-bound functions are inlined at each call.
func Build(script *syntax.Script, env Env) (*Query, error) {
	if env.Funcs == nil {
		env.Funcs = funcs.Default()
	}
	if env.Table == nil {
		env.Table = func(string) ([]Field, bool) { return nil, false }
	}
	b := &builder{env: env}
	sc := (&scope{}).child()
	if len(env.Functions) > 0 {
		for _, l := range env.Functions {
			// A stored function that cannot be bound (a scalar let whose value does not
			// plan) is left out: the query fails only if it uses it.
			if err := b.let(l, sc); err == nil {
				if bd := sc.vars[l.Name.Name]; bd != nil {
					bd.stored = true
				}
			}
		}
		sc = sc.child()
	}
	q := &Query{}
	for _, st := range script.Stmts {
		switch st := st.(type) {
		case *syntax.LetStmt:
			if err := b.let(st, sc); err != nil {
				return nil, err
			}
		case *syntax.ExprStmt:
			n, err := b.tabular(st.X, sc, nil)
			if err != nil {
				return nil, err
			}
			if graphTablesOnly(st.X) {
				continue // it only names its tables for the statements after it
			}
			q.Outputs = append(q.Outputs, &Output{Name: asName(st.X), Root: n})
		case *syntax.DeclareQueryParametersStmt:
			// socfeed runs queries without a client to pass parameters: each takes its
			// default value.
			for _, p := range st.Params {
				if p.Default == nil {
					return nil, errAt(p, "query parameter %q has no default value", p.Name.Name)
				}
				e, err := b.scalar(p.Default, nil, sc)
				if err != nil {
					return nil, err
				}
				if p.Type != nil {
					if t, ok := types.ParseType(p.Type.Name); ok && t != e.Type() {
						e = castTo(e, t)
					}
				}
				sc.vars[p.Name.Name] = &binding{scalar: e}
			}
		case *syntax.PatternStmt:
			sc.vars[st.Name.Name] = &binding{pattern: st, fnScope: sc}
		case *syntax.SetStmt, *syntax.AliasStmt, *syntax.RestrictStmt:
			// Options and declarations do not change what the query computes here.
		case *syntax.BadStmt:
			return nil, errAt(st, "cannot plan a statement that did not parse")
		default:
			return nil, errAt(st, "statement is not supported")
		}
	}
	if len(q.Outputs) == 0 {
		return nil, &Error{Pos: script.EndPos, Msg: "expected a query, found only let statements"}
	}
	return q, nil
}

// asName returns the name of a trailing `as Name` of a pipe.
func asName(x syntax.Expr) string {
	if p, ok := x.(*syntax.PipeExpr); ok {
		for i := len(p.Ops) - 1; i >= 0; i-- {
			if a, ok := p.Ops[i].(*syntax.AsOp); ok && a.Name != nil {
				return a.Name.Name
			}
		}
	}
	return ""
}

func (b *builder) let(st *syntax.LetStmt, sc *scope) error {
	name := st.Name.Name
	if st.Func != nil {
		sc.vars[name] = &binding{fn: st.Func, fnScope: sc}
		return nil
	}
	if b.isTabular(st.Value, sc) {
		n, err := b.tabular(st.Value, sc, nil)
		if err != nil {
			return err
		}
		sc.vars[name] = &binding{table: n}
		return nil
	}
	e, err := b.scalar(st.Value, nil, sc)
	if err != nil {
		return err
	}
	sc.vars[name] = &binding{scalar: e}
	return nil
}

// isTabular reports whether x denotes a table.
func (b *builder) isTabular(x syntax.Expr, sc *scope) bool {
	switch x := x.(type) {
	case syntax.TabularExpr:
		return true
	case *syntax.ParenExpr:
		return b.isTabular(x.X, sc)
	case *syntax.Ident:
		if bd := sc.lookup(x.Name); bd != nil {
			return bd.table != nil
		}
		_, ok := b.env.Table(x.Name)
		return ok
	case *syntax.SelectorExpr:
		if c, ok := x.X.(*syntax.CallExpr); ok && c.Recv == nil {
			if bd := sc.lookup(c.Fun.Name); bd != nil && bd.pattern != nil {
				return true
			}
		}
	case *syntax.CallExpr:
		if x.Recv != nil {
			return true // cluster(...).database(...).T and the like
		}
		if bd := sc.lookup(x.Fun.Name); bd != nil && bd.pattern != nil {
			return true
		}
		if bd := sc.lookup(x.Fun.Name); bd != nil && bd.fn != nil {
			return b.funcIsTabular(bd.fn, bd.fnScope)
		}
		if x.Fun.Name == "table" || x.Fun.Name == "view" {
			return true
		}
	}
	return b.env.Tabular[x]
}

func (b *builder) funcIsTabular(fn *syntax.FuncDecl, sc *scope) bool {
	inner := sc.child()
	for _, p := range fn.Params {
		if p.Schema != nil {
			inner.vars[p.Name.Name] = &binding{table: &SubInput{}}
		} else {
			inner.vars[p.Name.Name] = &binding{scalar: &Const{V: types.NullOf(types.Dynamic)}}
		}
	}
	for _, st := range fn.Body {
		switch st := st.(type) {
		case *syntax.LetStmt:
			if st.Func != nil {
				inner.vars[st.Name.Name] = &binding{fn: st.Func, fnScope: inner}
			} else if b.isTabular(st.Value, inner) {
				inner.vars[st.Name.Name] = &binding{table: &SubInput{}}
			} else {
				inner.vars[st.Name.Name] = &binding{scalar: &Const{V: types.NullOf(types.Dynamic)}}
			}
		case *syntax.ExprStmt:
			return b.isTabular(st.X, inner)
		}
	}
	return false
}

// callFunc binds a user function's parameters to args and plans its body. pipeIn is the
// table piped into an `invoke`, bound to the first tabular parameter.
func (b *builder) callFunc(call *syntax.CallExpr, bd *binding, sc *scope, row []Field, pipeIn Node) (tab Node, sca Expr, err error) {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 64 {
		return nil, nil, errAt(call, "function %q calls itself too deeply", call.Fun.Name)
	}
	fn := bd.fn
	inner := bd.fnScope.child()
	args := call.Args
	params := fn.Params
	if pipeIn != nil {
		if len(params) == 0 {
			return nil, nil, errAt(call, "function %q takes no tabular argument to invoke with", call.Fun.Name)
		}
		inner.vars[params[0].Name.Name] = &binding{table: pipeIn}
		params = params[1:]
	}
	if len(args) > len(params) {
		return nil, nil, errAt(call, "function %q expects %d arguments, found %d", call.Fun.Name, len(params), len(args))
	}
	// Arguments bind by position, or by name when written `name = value` (f(c=7, a=12));
	// parameters given neither take their defaults.
	given := make([]syntax.Expr, len(params))
	for i, a := range args {
		ne, named := a.(*syntax.NamedExpr)
		if !named || len(ne.Names) != 1 {
			given[i] = a
			continue
		}
		j := -1
		for k, p := range params {
			if p.Name.Name == ne.Names[0].Name {
				j = k
			}
		}
		if j < 0 {
			// Not a parameter name: read it by position, as before.
			given[i] = ne.Value
			continue
		}
		if given[j] != nil {
			return nil, nil, errAt(a, "function %q: argument %q is given twice", call.Fun.Name, ne.Names[0].Name)
		}
		given[j] = ne.Value
	}
	for i, p := range params {
		var ax syntax.Expr
		if given[i] != nil {
			ax = given[i]
		} else if p.Default != nil {
			ax = p.Default
		} else {
			return nil, nil, errAt(call, "function %q: missing argument %q", call.Fun.Name, p.Name.Name)
		}
		if p.Schema != nil {
			n, err := b.tabular(ax, sc, nil)
			if err != nil {
				return nil, nil, err
			}
			inner.vars[p.Name.Name] = &binding{table: n}
			continue
		}
		e, err := b.scalar(ax, row, sc)
		if err != nil {
			return nil, nil, err
		}
		if p.Type != nil {
			if t, ok := types.ParseType(p.Type.Name); ok && t != e.Type() && e.Type() != types.Unknown {
				if e.Type() == types.String && t != types.Dynamic {
					// Kusto converts a number to a wider number, never a string to
					// another type: the call fails.
					return nil, nil, errAt(ax, "argument %q of %s(): expected a value of type %s, found string", p.Name.Name, call.Fun.Name, t)
				}
				e = castTo(e, t)
			}
		}
		inner.vars[p.Name.Name] = &binding{scalar: e, rowDep: readsRow(e), tabDepth: b.tabDepth}
	}
	if bd.stored {
		// An error in the function's own text is reported at the call, naming it.
		defer func() {
			var pe *Error
			if err != nil && errors.As(err, &pe) {
				err = &Error{Pos: call.Pos(), Msg: fmt.Sprintf("in stored function %q: %s", call.Fun.Name, pe.Msg)}
			}
		}()
	}
	for _, st := range fn.Body {
		switch st := st.(type) {
		case *syntax.LetStmt:
			if err := b.let(st, inner); err != nil {
				return nil, nil, err
			}
		case *syntax.ExprStmt:
			if b.isTabular(st.X, inner) {
				n, err := b.tabular(st.X, inner, nil)
				return n, nil, err
			}
			e, err := b.scalar(st.X, row, inner)
			return nil, e, err
		}
	}
	return nil, nil, errAt(call, "function %q has no body expression", call.Fun.Name)
}

// readsRow reports whether e reads a column or a neighbouring row.
func readsRow(e Expr) bool {
	found := false
	Walk(e, func(x Expr) {
		switch x.(type) {
		case *ColRef, *Window:
			found = true
		}
	})
	return found
}

func castTo(e Expr, t types.Type) Expr {
	if c, ok := e.(*Const); ok {
		return &Const{V: types.Convert(c.V, t)}
	}
	return &Cast{X: e, T: t}
}

// tabular plans a tabular expression. in is the input of a subquery that starts with an
// operator (mv-apply, partition); nil elsewhere.
func (b *builder) tabular(x syntax.Expr, sc *scope, in Node) (Node, error) {
	b.tabDepth++
	defer func() { b.tabDepth-- }()
	switch x := x.(type) {
	case *syntax.PipeExpr:
		var n Node
		if x.Source == nil {
			if in == nil {
				return nil, errAt(x, "expected a table before the first operator")
			}
			n = in
		} else {
			var err error
			n, err = b.tabular(x.Source, sc, in)
			if err != nil {
				return nil, err
			}
		}
		for i, op := range x.Ops {
			if r, ok := op.(*syntax.RenderOp); ok && i < len(x.Ops)-1 {
				// render-operator.md: render must be the last operator of the query.
				return nil, errAt(r, "'render' must be the last operator of the query")
			}
			var err error
			n, err = b.operator(op, n, sc)
			if err != nil {
				return nil, err
			}
		}
		return n, nil
	case *syntax.ParenExpr:
		return b.tabular(x.X, sc, in)
	case *syntax.Ident:
		if bd := sc.lookup(x.Name); bd != nil {
			if bd.table != nil {
				return bd.table, nil
			}
			if bd.fn != nil {
				n, _, err := b.callFunc(&syntax.CallExpr{Fun: x, Lparen: x.End(), Rparen: x.End()}, bd, sc, nil, nil)
				if err != nil {
					return nil, err
				}
				if n == nil {
					return nil, errAt(x, "%q is not a table", x.Name)
				}
				return n, nil
			}
			return nil, errAt(x, "%q is a scalar, not a table", x.Name)
		}
		fields, ok := b.env.Table(x.Name)
		if !ok {
			return nil, errAt(x, "unknown table %q", x.Name)
		}
		return &Scan{Table: x.Name, Fields: fields}, nil
	case *syntax.SelectorExpr:
		if c, ok := x.X.(*syntax.CallExpr); ok && c.Recv == nil {
			if bd := sc.lookup(c.Fun.Name); bd != nil && bd.pattern != nil {
				return b.invokePattern(c, x.Sel, bd, sc)
			}
		}
		return nil, errAt(x, "expected a table, found a member access")
	case *syntax.CallExpr:
		if x.Recv != nil {
			return nil, errAt(x, "cross-cluster and cross-database references are not supported")
		}
		if bd := sc.lookup(x.Fun.Name); bd != nil && bd.pattern != nil {
			return b.invokePattern(x, nil, bd, sc)
		}
		if bd := sc.lookup(x.Fun.Name); bd != nil && bd.fn != nil {
			n, _, err := b.callFunc(x, bd, sc, nil, nil)
			if err != nil {
				return nil, err
			}
			if n == nil {
				return nil, errAt(x, "function %q does not return a table", x.Fun.Name)
			}
			return n, nil
		}
		if (x.Fun.Name == "table" || x.Fun.Name == "view") && len(x.Args) > 0 {
			v, err := b.constValue(x.Args[0], sc)
			if err != nil || v.Type != types.String {
				return nil, errAt(x.Args[0], "%s(): expected a constant table name", x.Fun.Name)
			}
			return b.tabular(&syntax.Ident{NamePos: x.Args[0].Pos(), Name: v.S, Raw: v.S}, sc, in)
		}
		return nil, errAt(x, "unknown tabular function %q", x.Fun.Name)
	case *syntax.DataTableExpr:
		return b.datatable(x, sc)
	case *syntax.PrintOp:
		return b.project(x.Exprs, &SingleRow{}, sc, "print", false)
	case *syntax.RangeOp:
		return b.rangeOp(x, sc)
	case *syntax.UnionOp:
		return b.union(x, nil, sc)
	case *syntax.MaterializeExpr:
		n, err := b.tabular(x.Query, sc, in)
		if err != nil {
			return nil, err
		}
		return &Materialize{Input: n}, nil
	case *syntax.EvaluateOp:
		return b.evaluate(x, nil, sc)
	case *syntax.SearchOp:
		return b.search(x, nil, sc)
	case *syntax.FindOp:
		return b.find(x, sc)
	case *syntax.ExternalDataExpr:
		return b.externaldata(x, sc)
	case *syntax.BadExpr:
		return nil, errAt(x, "cannot plan an expression that did not parse")
	}
	return nil, errAt(x, "expected a tabular expression")
}

func (b *builder) datatable(x *syntax.DataTableExpr, sc *scope) (Node, error) {
	fields, err := schemaFields(x.Schema)
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, errAt(x, "datatable needs at least one column")
	}
	if len(x.Values)%len(fields) != 0 {
		return nil, errAt(x, "datatable has %d values, which is not a multiple of its %d columns", len(x.Values), len(fields))
	}
	v := &Values{Fields: fields}
	for i := 0; i < len(x.Values); i += len(fields) {
		row := make([]types.Value, len(fields))
		for j, f := range fields {
			val, err := b.constValue(x.Values[i+j], sc)
			if err != nil {
				return nil, err
			}
			row[j] = convertLiteral(val, f.Type)
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// convertLiteral converts a datatable cell to its column type; a string column holds the
// text of any scalar, a dynamic column the value as JSON.
func convertLiteral(v types.Value, t types.Type) types.Value {
	if v.Type == t {
		return v
	}
	if v.IsNull() {
		return types.NullOf(t)
	}
	return types.Convert(v, t)
}

func schemaFields(s *syntax.Schema) ([]Field, error) {
	if s == nil {
		return nil, nil
	}
	var out []Field
	for _, c := range s.Columns {
		t := types.String
		if c.Type != nil {
			var ok bool
			t, ok = types.ParseType(c.Type.Name)
			if !ok {
				return nil, errAt(c.Type, "unknown type %q", c.Type.Name)
			}
		}
		out = append(out, Field{Name: c.Name.Name, Type: t})
	}
	return out, nil
}

// constValue evaluates a constant expression at plan time.
func (b *builder) constValue(x syntax.Expr, sc *scope) (types.Value, error) {
	e, err := b.scalar(x, nil, sc)
	if err != nil {
		return types.Value{}, err
	}
	v, ok := FoldConst(e)
	if !ok {
		return types.Value{}, errAt(x, "expected a constant value")
	}
	return v, nil
}

// FoldConst evaluates e when it reads no column, no subquery and no window; ok is false
// otherwise. Kernels run with a zero Context, so now() is not folded.
func FoldConst(e Expr) (types.Value, bool) {
	switch e := e.(type) {
	case *Const:
		return e.V, true
	case *Neg:
		v, ok := FoldConst(e.X)
		if !ok {
			return v, false
		}
		return types.Negate(v), true
	case *Cast:
		v, ok := FoldConst(e.X)
		if !ok {
			return v, false
		}
		return types.Convert(v, e.T), true
	case *Binary:
		x, ok1 := FoldConst(e.X)
		y, ok2 := FoldConst(e.Y)
		if !ok1 || !ok2 {
			return types.Value{}, false
		}
		return EvalBinary(e.Op, x, y), true
	case *Call:
		switch e.Func.Name {
		case "now", "ago", "rand", "new_guid", "current_principal", "current_cluster_endpoint":
			return types.Value{}, false
		}
		if e.Func.Scalar == nil {
			return types.Value{}, false
		}
		args := make([]types.Value, len(e.Args))
		for i, a := range e.Args {
			v, ok := FoldConst(a)
			if !ok {
				return v, false
			}
			args[i] = v
		}
		v := e.Func.Scalar(&funcs.Context{}, args)
		if v.Type != e.T && e.T != types.Unknown {
			if v.IsNull() {
				v = types.NullOf(e.T)
			} else {
				v = types.Convert(v, e.T)
			}
		}
		return v, true
	}
	return types.Value{}, false
}

func (b *builder) rangeOp(x *syntax.RangeOp, sc *scope) (Node, error) {
	from, err := b.scalar(x.From, nil, sc)
	if err != nil {
		return nil, err
	}
	to, err := b.scalar(x.To, nil, sc)
	if err != nil {
		return nil, err
	}
	step, err := b.scalar(x.Step, nil, sc)
	if err != nil {
		return nil, err
	}
	t := from.Type()
	if t == types.Int {
		t = types.Long
	}
	if t.IsNumeric() && to.Type() == types.Real {
		t = types.Real
	}
	if t == types.Long && step.Type() == types.Real {
		t = types.Real
	}
	switch t {
	case types.Long, types.Real, types.DateTime, types.TimeSpan:
	default:
		return nil, errAt(x.From, "range: expected a number, datetime or timespan, found %s", t)
	}
	return &Range{Name: x.Name.Name, T: t, From: from, To: to, Step: step}, nil
}

func (b *builder) externaldata(x *syntax.ExternalDataExpr, sc *scope) (Node, error) {
	fields, err := schemaFields(x.Schema)
	if err != nil {
		return nil, err
	}
	n := &External{Fields: fields}
	for _, p := range x.With {
		var text string
		if v, err := b.constValue(p.Value, sc); err == nil {
			text = v.String()
		} else if id, ok := p.Value.(*syntax.Ident); ok {
			text = id.Name
		}
		switch strings.ToLower(p.Name.Name) {
		case "format":
			n.Format = strings.ToLower(text)
		case "ignorefirstrecord":
			n.IgnoreFirstRecord = strings.EqualFold(text, "true")
		case "zippattern":
			n.ZipPattern = text
		}
	}
	for _, u := range x.URIs {
		v, err := b.constValue(u, sc)
		if err != nil {
			return nil, err
		}
		s := v.String()
		if strings.Contains(s, "://") {
			scheme := strings.ToLower(s[:strings.Index(s, "://")])
			if scheme != "file" && scheme != "http" && scheme != "https" {
				return nil, errAt(u, "externaldata: %q: expected a local file or an http(s) URL, found scheme %q", s, scheme)
			}
		}
		n.URIs = append(n.URIs, s)
	}
	return n, nil
}

// union plans a union; first is the piped input when union is used as an operator.
func (b *builder) union(x *syntax.UnionOp, first Node, sc *scope) (Node, error) {
	kind := "outer"
	source := ""
	fuzzy := false
	for _, p := range x.Params {
		switch strings.ToLower(p.Name.Name) {
		case "kind":
			kind = strings.ToLower(paramText(p.Value))
		case "withsource":
			source = paramText(p.Value)
		case "isfuzzy":
			fuzzy = strings.EqualFold(paramText(p.Value), "true")
		}
	}
	var ins []Node
	var names []string
	var unresolved []string
	if first != nil {
		ins = append(ins, first)
		// A piped input bound by `as Name` is named Name (as-operator.md).
		names = append(names, sc.nameOf(first))
	}
	for _, t := range x.Tables {
		if st, ok := t.(*syntax.StarExpr); ok {
			t = &syntax.WildcardName{NamePos: st.Star, Pattern: "*"}
		}
		switch t := t.(type) {
		case *syntax.WildcardName:
			var matched []string
			if b.env.TableNames != nil {
				for _, n := range b.env.TableNames() {
					if ok, _ := path.Match(t.Pattern, n); ok {
						matched = append(matched, n)
					}
				}
			}
			sort.Strings(matched)
			for _, m := range matched {
				f, _ := b.env.Table(m)
				ins = append(ins, &Scan{Table: m, Fields: f})
				names = append(names, m)
			}
			// union-operator.md (isfuzzy example): wildcards match let-bound views too.
			lets := sc.tableNames()
			found := len(matched)
			for _, m := range lets {
				if ok, _ := path.Match(t.Pattern, m); !ok {
					continue
				}
				n, err := b.tabular(&syntax.Ident{NamePos: t.NamePos, Name: m}, sc, nil)
				if err != nil {
					return nil, err
				}
				ins = append(ins, n)
				names = append(names, m)
				found++
			}
			if found == 0 && fuzzy {
				unresolved = append(unresolved, t.Pattern)
			}
			continue
		}
		n, err := b.tabular(t, sc, nil)
		if err != nil {
			if fuzzy {
				unresolved = append(unresolved, syntax.Print(t))
				continue
			}
			return nil, err
		}
		ins = append(ins, n)
		name := asName(unparen(t))
		if id, ok := t.(*syntax.Ident); ok {
			name = id.Name
		}
		names = append(names, name)
	}
	if len(ins) == 0 {
		return nil, errAt(x, "union has no tables")
	}
	u := &Union{Ins: ins, Source: source, Unresolved: unresolved}
	// Output columns: by name, in order of first appearance (outer), or those common to
	// every input (inner). A name seen with several types becomes one column per type,
	// named name_type, as Kusto does.
	type nt struct {
		name string
		t    types.Type
	}
	var pairs []nt
	typesOf := map[string][]types.Type{}
	for _, in := range ins {
		for _, f := range in.Schema() {
			seen := false
			for _, t := range typesOf[f.Name] {
				seen = seen || t == f.Type
			}
			if !seen {
				typesOf[f.Name] = append(typesOf[f.Name], f.Type)
				pairs = append(pairs, nt{f.Name, f.Type})
			}
		}
	}
	taken := map[string]bool{}
	for _, p := range pairs {
		if len(typesOf[p.name]) == 1 {
			taken[p.name] = true
		}
	}
	srcName := map[int]string{} // output column → input column name
	for _, p := range pairs {
		name := p.name
		if len(typesOf[p.name]) > 1 {
			name = p.name + "_" + p.t.String()
			for taken[name] {
				name += "1"
			}
			taken[name] = true
		}
		srcName[len(u.Fields)] = p.name
		u.Fields = append(u.Fields, Field{Name: name, Type: p.t})
	}
	if kind == "inner" {
		var common []Field
		names := map[int]string{}
		for j, f := range u.Fields {
			all := true
			for _, in := range ins {
				if fieldIndex(in.Schema(), srcName[j]) < 0 {
					all = false
				}
			}
			if all {
				names[len(common)] = srcName[j]
				common = append(common, f)
			}
		}
		u.Fields, srcName = common, names
	}
	for i, in := range ins {
		m := make([]int, len(u.Fields))
		for j, f := range u.Fields {
			m[j] = -1
			if k := fieldIndex(in.Schema(), srcName[j]); k >= 0 && in.Schema()[k].Type == f.Type {
				m[j] = k
			}
		}
		u.Maps = append(u.Maps, m)
		n := names[i]
		if n == "" {
			n = fmt.Sprintf("union_arg%d", i)
		}
		u.Sources = append(u.Sources, n)
	}
	if source != "" {
		u.Fields = append([]Field{{Name: source, Type: types.String}}, u.Fields...)
	}
	return u, nil
}

func paramText(x syntax.Expr) string { return syntax.ParamText(x) }

func fieldIndex(fs []Field, name string) int {
	for i, f := range fs {
		if f.Name == name {
			return i
		}
	}
	return -1
}
