package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// Check binds and type-checks script against env. It always returns an Info, filled as far
// as the script allows, and the problems found, sorted by position (errors and warnings
// together; see [Diagnostic.Severity]). A nil env.Catalog or env.Funcs is treated as empty.
// Check never panics on user input: parts it cannot give a meaning to type as
// [types.Unknown] (or an open [Schema]) and do not cause further errors.
func Check(script *syntax.Script, env *Env) (*Info, []Diagnostic) {
	if env == nil {
		env = &Env{}
	}
	c := &checker{
		env:    env,
		tables: map[string]*Schema{},
		info: &Info{
			Types:   map[syntax.Expr]types.Type{},
			Tabular: map[syntax.Expr]*Schema{},
			Ops:     map[syntax.Operator]*Schema{},
			Names:   map[syntax.Expr]string{},
			Tuples:  map[syntax.Expr][]Column{},
			Calls:   map[*syntax.CallExpr]*funcs.Func{},
			Refs:    map[*syntax.Ident]Symbol{},
			Consts:  map[syntax.Expr]types.Value{},

			IfExists: map[*syntax.CallExpr]string{},
		},
	}
	if script != nil {
		sc := newScope(nil)
		if len(env.Functions) > 0 {
			c.quiet++
			for _, l := range env.Functions {
				c.let(l, sc)
				if b := sc.syms[l.Name.Name]; b != nil {
					b.stored = true
				}
			}
			c.quiet--
			sc = newScope(sc)
		}
		c.stmts(script.Stmts, sc)
	}
	return c.info, c.sorted()
}

// checker holds the state of one Check call.
type checker struct {
	env    *Env
	info   *Info
	diags  []Diagnostic
	tables map[string]*Schema // catalog tables converted so far
	depth  int                // nesting of function bodies being checked, to stop recursion
	fuzzy  int                // > 0 inside the legs of `union isfuzzy=true`
	quiet  int                // > 0 inside stored functions, whose problems are not reported
}

// binding is what a let statement, a parameter or an `as` operator declares.
type binding struct {
	sym  Symbol
	typ  types.Type // scalar value
	tab  *Schema    // tabular value (nil for scalars and functions)
	fn   *syntax.FuncDecl
	res  value  // a function's result, computed when it is declared
	decl *scope // the scope a function was declared in, for checking it per call
	cval *types.Value
	pat  *patternDecl // a declared pattern
	// stored marks a stored function ([Env.Functions]).
	stored bool
}

// scope is a lexical scope of let-bound names. Lookups walk to the parent.
type scope struct {
	parent *scope
	syms   map[string]*binding
}

func newScope(parent *scope) *scope { return &scope{parent: parent, syms: map[string]*binding{}} }

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.syms[name]; ok {
			return b
		}
	}
	return nil
}

// suggest returns a bound name equal to name but for case, or "".
func (s *scope) suggest(name string) string {
	for ; s != nil; s = s.parent {
		for n := range s.syms {
			if strings.EqualFold(n, name) {
				return n
			}
		}
	}
	return ""
}

// row is the row scope of an operator: the columns an expression may name, and what else
// the position allows.
type row struct {
	cols        *Schema
	left, right *Schema     // set in join conditions: `$left.a == $right.b`
	agg         bool        // aggregate functions are allowed (summarize, make-series, top-nested)
	op          string      // the operator, for messages
	graph       *graphScope // set in the expressions of graph-match and graph-shortest-paths
}

// value is the meaning of an expression: a scalar of type typ, or a table when tab is set.
type value struct {
	typ types.Type
	tab *Schema
}

var unknownValue = value{typ: types.Unknown}

// openSchema returns an empty open schema: a table whose columns are not known.
func openSchema() *Schema { return &Schema{Open: true} }

func (c *checker) report(sev Severity, n syntax.Node, format string, args ...any) {
	if c.quiet > 0 {
		return
	}
	pos, end := syntax.NoPos, syntax.NoPos
	if n != nil {
		pos, end = n.Pos(), n.End()
	}
	c.diags = append(c.diags, Diagnostic{Pos: pos, End: end, Severity: sev, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) errorf(n syntax.Node, format string, args ...any) {
	c.report(Error, n, format, args...)
}

func (c *checker) warnf(n syntax.Node, format string, args ...any) {
	c.report(Warning, n, format, args...)
}

// sorted returns the diagnostics by position, without exact repeats (a let-bound function
// body may be reported once per call otherwise).
func (c *checker) sorted() []Diagnostic {
	ds := c.diags
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Pos < ds[j].Pos })
	out := ds[:0]
	for i, d := range ds {
		if i > 0 && d == ds[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// ---------------------------------------------------------------------------
// Statements

func (c *checker) stmts(list []syntax.Stmt, sc *scope) value {
	last := unknownValue
	for _, s := range list {
		switch s := s.(type) {
		case *syntax.LetStmt:
			c.let(s, sc)
		case *syntax.DeclareQueryParametersStmt:
			for _, p := range s.Params {
				c.param(p, sc, SymQueryParam)
			}
		case *syntax.ExprStmt:
			last = c.value(s.X, sc, nil, true)
			if last.tab != nil {
				c.info.Tabular[s.X] = last.tab
				if last.tab.Graph != nil {
					c.errorf(s.X, "the query ends in a graph: follow make-graph with %s", graphOpList)
				}
			}
		case *syntax.PatternStmt:
			c.declarePattern(s, sc)
		case *syntax.SetStmt, *syntax.AliasStmt, *syntax.RestrictStmt, *syntax.BadStmt:
			// Options, aliases and access restrictions do not bind names a query
			// can check against; bad statements were reported by the parser.
		}
	}
	return last
}

func (c *checker) let(s *syntax.LetStmt, sc *scope) {
	if s.Name == nil {
		return
	}
	b := &binding{sym: Symbol{Name: s.Name.Name, Decl: s}}
	switch {
	case s.Func != nil:
		b.sym.Kind = SymFuncLet
		b.fn = s.Func
		b.decl = sc
		b.res = c.funcBody(s.Func, sc, nil)
		if b.res.tab != nil {
			c.info.Tabular[s.Name] = b.res.tab
		}
	case s.Value != nil:
		v := c.value(s.Value, sc, nil, true)
		if v.tab != nil {
			b.sym.Kind = SymTableLet
			b.tab = v.tab
			c.info.Tabular[s.Value] = v.tab
		} else {
			b.sym.Kind = SymScalarLet
			b.typ = v.typ
			b.sym.Type = v.typ
			if cv, ok := c.info.Consts[s.Value]; ok {
				b.cval = &cv
			}
		}
	default:
		return
	}
	// A let statement takes effect after its own value: `let T = T | where ...` reads the
	// outer T.
	sc.syms[s.Name.Name] = b
}

// param binds a function or query parameter in sc.
func (c *checker) param(p *syntax.Param, sc *scope, kind SymbolKind) *binding {
	if p == nil || p.Name == nil {
		return nil
	}
	b := &binding{sym: Symbol{Kind: kind, Name: p.Name.Name, Decl: p}}
	switch {
	case p.Schema != nil:
		b.tab = c.declSchema(p.Schema)
	case p.Type != nil:
		b.typ = c.typeRef(p.Type)
		b.sym.Type = b.typ
	}
	if p.Default != nil {
		dt := c.scalar(p.Default, sc, nil)
		if p.Type != nil && !assignable(b.typ, dt) {
			c.errorf(p.Default, "default of parameter '%s': expected %s, found %s", p.Name.Name, b.typ, dt)
		}
	}
	sc.syms[p.Name.Name] = b
	return b
}

// funcBody checks a user function's body with its parameters bound and returns its result.
// args, when not nil, are the values of a call: a tabular parameter then takes the schema
// of its argument (as Kusto checks a function per call), so columns beyond the declared
// ones flow through.
func (c *checker) funcBody(f *syntax.FuncDecl, sc *scope, args []value) value {
	inner := newScope(sc)
	for i, p := range f.Params {
		b := c.param(p, inner, SymParam)
		if b != nil && p.Schema != nil && i < len(args) && args[i].tab != nil {
			b.tab = args[i].tab
		}
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 64 {
		return unknownValue
	}
	return c.stmts(f.Body, inner)
}

// typeRef returns the type a TypeRef names, reporting unknown names.
func (c *checker) typeRef(t *syntax.TypeRef) types.Type {
	if t == nil {
		return types.Unknown
	}
	typ, ok := types.ParseType(t.Name)
	if !ok {
		c.errorf(t, "unknown type '%s'", t.Name)
		return types.Unknown
	}
	return typ
}

// declSchema converts a written schema `(a:string, b:long, *)`.
func (c *checker) declSchema(s *syntax.Schema) *Schema {
	out := &Schema{Open: s.Star.IsValid()}
	for _, cd := range s.Columns {
		if cd == nil || cd.Name == nil {
			continue
		}
		t := types.String
		if cd.Type != nil {
			t = c.typeRef(cd.Type)
		}
		if out.Index(cd.Name.Name) >= 0 {
			c.errorf(cd.Name, "column '%s' is declared twice", cd.Name.Name)
			continue
		}
		out.Columns = append(out.Columns, Column{Name: cd.Name.Name, Type: t})
	}
	return out
}

// catalogTable returns the schema of a database table, or nil.
func (c *checker) catalogTable(name string) *Schema {
	if s, ok := c.tables[name]; ok {
		return s
	}
	if c.env.Catalog == nil {
		return nil
	}
	t, ok := c.env.Catalog.Table(name)
	if !ok {
		return nil
	}
	s := fromTable(t)
	c.tables[name] = s
	return s
}

func fromTable(t *schema.Table) *Schema {
	s := &Schema{Columns: make([]Column, len(t.Columns))}
	for i, col := range t.Columns {
		s.Columns[i] = Column{Name: col.Name, Type: col.Type}
	}
	return s
}

// unknownTable reports a table name that is neither bound nor in the catalog and returns
// the open schema the query continues with.
func (c *checker) unknownTable(id *syntax.Ident, sc *scope, fuzzy bool) *Schema {
	hint := ""
	if c.env.Catalog != nil {
		if s := c.env.Catalog.Suggest(id.Name); s != "" {
			hint = fmt.Sprintf("; did you mean '%s'?", s)
		}
	}
	if hint == "" {
		if s := sc.suggest(id.Name); s != "" {
			hint = fmt.Sprintf("; did you mean '%s'?", s)
		}
	}
	sev := Warning
	if c.env.Strict && !fuzzy && c.fuzzy == 0 {
		sev = Error
	}
	c.report(sev, id, "unknown table '%s'%s", id.Name, hint)
	return openSchema()
}

// assignable reports whether a value of type got may be passed where want is declared.
func assignable(want, got types.Type) bool {
	switch {
	case want == types.Unknown || got == types.Unknown || want == got:
		return true
	case want == types.Dynamic:
		return true
	case want.IsNumeric() && got.IsNumeric():
		return true
	}
	return false
}
