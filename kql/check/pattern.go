package check

import (
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// patternDecl is a checked `declare pattern` statement: the statement and the result of
// each case's body, in the order of its cases.
type patternDecl struct {
	stmt    *syntax.PatternStmt
	results []value
}

// declarePattern checks a `declare pattern` statement (pattern-statement.md) and binds its
// name in sc. Each case gives one constant per argument and, when the pattern declares a
// path parameter, one path value; its body is checked with the parameters bound.
func (c *checker) declarePattern(s *syntax.PatternStmt, sc *scope) {
	if s.Name == nil {
		return
	}
	pd := &patternDecl{stmt: s, results: make([]value, len(s.Cases))}
	name := s.Name.Name
	for i, pc := range s.Cases {
		if pc == nil {
			pd.results[i] = unknownValue
			continue
		}
		if len(pc.Args) != len(s.Params) {
			c.errorf(pc, "pattern '%s' case: expected %s, found %d", name, argCount(len(s.Params), len(s.Params)), len(pc.Args))
		}
		if len(pc.Path) != len(s.PathParams) {
			c.errorf(pc, "pattern '%s' case: expected %d path values, found %d", name, len(s.PathParams), len(pc.Path))
		}
		inner := newScope(sc)
		for j, a := range pc.Args {
			c.patternValue(name, a, sc, paramAt(s.Params, j))
		}
		for j, a := range pc.Path {
			c.patternValue(name, a, sc, paramAt(s.PathParams, j))
		}
		for _, p := range s.Params {
			c.param(p, inner, SymParam)
		}
		for _, p := range s.PathParams {
			c.param(p, inner, SymParam)
		}
		v := c.stmts(pc.Body, inner)
		if v.tab == nil && v.typ != types.Unknown {
			c.errorf(pc, "pattern '%s' case: expected a tabular expression, found %s", name, v.typ)
			v = unknownValue
		}
		pd.results[i] = v
	}
	sc.syms[name] = &binding{sym: Symbol{Kind: SymPattern, Name: name, Decl: s}, pat: pd}
}

// paramAt returns ps[i], or nil when there is no such parameter.
func paramAt(ps []*syntax.Param, i int) *syntax.Param {
	if i < len(ps) {
		return ps[i]
	}
	return nil
}

// patternValue checks an argument or path value of a pattern case: a constant of the
// parameter's type.
func (c *checker) patternValue(name string, a syntax.Expr, sc *scope, p *syntax.Param) {
	t := c.scalar(a, sc, nil)
	if _, ok := c.info.Consts[a]; !ok && t != types.Unknown {
		c.errorf(a, "pattern '%s' case: expected a constant value", name)
		return
	}
	if p != nil && p.Type != nil {
		want := c.typeRef(p.Type)
		if !assignable(want, t) {
			c.errorf(a, "pattern '%s' case: expected %s, found %s", name, want, t)
		}
	}
}

// patternCall checks a pattern invocation `P(args)` or `P(args).path`. When the arguments
// and path are constants, the result is the matching case's; an invocation no case
// matches is an error, as in Kusto. Invoking an empty pattern (declared, not defined) is a
// warning, since a middle tier may supply it (pattern-statement.md); its result is an open
// schema.
func (c *checker) patternCall(e *syntax.CallExpr, path *syntax.Ident, b *binding, sc *scope) value {
	pd := b.pat
	s := pd.stmt
	name := s.Name.Name
	c.info.Refs[e.Fun] = b.sym
	args := make([]types.Value, len(e.Args))
	known := true
	for i, a := range e.Args {
		c.scalar(argValue(a), sc, nil)
		v, ok := c.info.Consts[argValue(a)]
		known = known && ok
		args[i] = v
	}
	if s.Lbrace == syntax.NoPos {
		c.warnf(e, "pattern '%s' is declared but not defined: Kusto answers error SEM0036 unless a middle tier supplies the definition", name)
		return value{tab: openSchema()}
	}
	if len(e.Args) != len(s.Params) {
		c.errorf(e, "pattern '%s' expects %s, found %d", name, argCount(len(s.Params), len(s.Params)), len(e.Args))
		return value{tab: openSchema()}
	}
	if (path != nil) != (len(s.PathParams) > 0) {
		if path == nil {
			c.errorf(e, "pattern '%s' expects a path: %s(...).%s", name, name, s.PathParams[0].Name.Name)
		} else {
			c.errorf(path, "pattern '%s' has no path parameter", name)
		}
		return value{tab: openSchema()}
	}
	if !known {
		return c.patternAny(pd)
	}
	for i, pc := range s.Cases {
		if pc == nil || len(pc.Args) != len(args) || len(pc.Path) != len(s.PathParams) {
			continue
		}
		match := true
		for j, a := range pc.Args {
			cv, ok := c.info.Consts[a]
			match = match && ok && types.Same(cv, args[j])
		}
		if path != nil && len(pc.Path) == 1 {
			cv, ok := c.info.Consts[pc.Path[0]]
			match = match && ok && types.Same(cv, types.NewString(path.Name))
		}
		if match {
			return pd.results[i]
		}
	}
	c.errorf(e, "pattern '%s' has no case for these arguments", name)
	return value{tab: openSchema()}
}

// patternAny is the result of an invocation whose arguments are not constants: the cases'
// schema when they all agree, otherwise an open schema.
func (c *checker) patternAny(pd *patternDecl) value {
	var first *Schema
	for _, r := range pd.results {
		if r.tab == nil || r.tab.Open {
			return value{tab: openSchema()}
		}
		if first == nil {
			first = r.tab
			continue
		}
		if !sameColumns(first, r.tab) {
			return value{tab: openSchema()}
		}
	}
	if first == nil {
		return value{tab: openSchema()}
	}
	return value{tab: first}
}

// sameColumns reports whether a and b have the same columns, names and types, in order.
func sameColumns(a, b *Schema) bool {
	if len(a.Columns) != len(b.Columns) {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i].Name != b.Columns[i].Name || a.Columns[i].Type != b.Columns[i].Type {
			return false
		}
	}
	return true
}
