package check

import (
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// scalar checks e as a scalar expression in row scope r (nil outside operators).
func (c *checker) scalar(e syntax.Expr, sc *scope, r *row) types.Type {
	if e == nil {
		return types.Unknown
	}
	v := c.value(e, sc, r, false)
	if v.tab != nil {
		c.errorf(e, "expected a scalar value, found a table")
		return types.Unknown
	}
	return v.typ
}

// tabular checks e as a tabular expression and returns its schema.
func (c *checker) tabular(e syntax.Expr, sc *scope) *Schema {
	if e == nil {
		return openSchema()
	}
	v := c.value(e, sc, nil, true)
	if v.tab == nil {
		if v.typ != types.Unknown {
			c.errorf(e, "expected a table, found a scalar value of type %s", v.typ)
		}
		return openSchema()
	}
	return v.tab
}

// value checks e, which may be scalar or tabular. wantTable says a table is expected, so an
// unknown bare name is reported as an unknown table.
func (c *checker) value(e syntax.Expr, sc *scope, r *row, wantTable bool) value {
	v := c.value1(e, sc, r, wantTable)
	if v.tab != nil {
		c.info.Tabular[e] = v.tab
	} else {
		c.info.Types[e] = v.typ
	}
	return v
}

func (c *checker) value1(e syntax.Expr, sc *scope, r *row, wantTable bool) value {
	switch e := e.(type) {
	case *syntax.Literal:
		return value{typ: c.literal(e)}
	case *syntax.DynamicLit, *syntax.ArrayLit, *syntax.ObjectLit:
		return value{typ: types.Dynamic}
	case *syntax.Ident:
		return c.name(e, sc, r, wantTable)
	case *syntax.ParenExpr:
		v := c.value(e.X, sc, r, wantTable)
		if cv, ok := c.info.Consts[e.X]; ok {
			c.info.Consts[e] = cv
		}
		return v
	case *syntax.SelectorExpr:
		if call, ok := e.X.(*syntax.CallExpr); ok && call.Recv == nil && call.Fun != nil && e.Sel != nil {
			if b := sc.lookup(call.Fun.Name); b != nil && b.pat != nil {
				v := c.patternCall(call, e.Sel, b, sc)
				if v.tab != nil {
					c.info.Tabular[call] = v.tab
				}
				return v
			}
		}
		return c.selector(e, sc, r)
	case *syntax.IndexExpr:
		t := c.scalar(e.X, sc, r)
		c.scalar(e.Index, sc, r)
		if t == types.Unknown {
			return unknownValue
		}
		return value{typ: types.Dynamic}
	case *syntax.CallExpr:
		return c.call(e, sc, r, wantTable)
	case *syntax.TypeofExpr:
		return unknownValue
	case *syntax.ToScalarExpr:
		// toscalar also accepts a scalar expression, which it returns unchanged.
		v := c.value(e.Query, sc, nil, false)
		if v.tab == nil {
			return value{typ: v.typ}
		}
		if len(v.tab.Columns) == 0 {
			return unknownValue
		}
		return value{typ: v.tab.Columns[0].Type}
	case *syntax.MaterializeExpr:
		return value{tab: c.tabular(e.Query, sc)}
	case *syntax.UnaryExpr:
		return value{typ: c.unary(e, sc, r)}
	case *syntax.BinaryExpr:
		return value{typ: c.binary(e, sc, r)}
	case *syntax.BetweenExpr:
		return value{typ: c.between(e, sc, r)}
	case *syntax.InExpr:
		return value{typ: c.in(e, sc, r)}
	case *syntax.NamedExpr:
		c.errorf(e, "unexpected '=' here: a name can be given only to a new column or an argument")
		c.scalar(e.Value, sc, r)
		return unknownValue
	case *syntax.OrderedExpr:
		return c.value(e.X, sc, r, wantTable)
	case *syntax.StarExpr, *syntax.BadExpr, *syntax.WildcardName, *syntax.ColumnDecl:
		return unknownValue
	case syntax.TabularExpr:
		return value{tab: c.tabularExpr(e, sc)}
	}
	return unknownValue
}

// literal returns a literal's type and records its value when it is a constant.
func (c *checker) literal(l *syntax.Literal) types.Type {
	var t types.Type
	switch l.Kind {
	case syntax.LitBool:
		t = types.Bool
	case syntax.LitInt:
		t = types.Int
	case syntax.LitLong:
		t = types.Long
	case syntax.LitReal:
		t = types.Real
	case syntax.LitDecimal:
		t = types.Decimal
	case syntax.LitString:
		t = types.String
	case syntax.LitDateTime:
		t = types.DateTime
	case syntax.LitTimespan:
		t = types.TimeSpan
	case syntax.LitGUID:
		t = types.GUID
	case syntax.LitNull:
		return types.Dynamic
	}
	if l.IsNull {
		c.info.Consts[l] = types.NullOf(t)
		return t
	}
	switch t {
	case types.String:
		c.info.Consts[l] = types.NewString(l.Value)
	case types.Bool:
		if b, ok := types.ParseBool(l.Value); ok {
			c.info.Consts[l] = types.NewBool(b)
		}
	case types.Int, types.Long:
		if n, ok := types.ParseLong(l.Value); ok {
			if t == types.Int {
				c.info.Consts[l] = types.NewInt(int32(n))
			} else {
				c.info.Consts[l] = types.NewLong(n)
			}
		}
	case types.Real:
		if f, ok := types.ParseReal(l.Value); ok {
			c.info.Consts[l] = types.NewReal(f)
		}
	case types.TimeSpan:
		if n, ok := types.ParseTimeSpan(l.Value); ok {
			c.info.Consts[l] = types.NewTimeSpan(n)
		}
	case types.DateTime:
		// Kusto accepts more datetime spellings than types.ParseDateTime (`8:00:00 AM`), so
		// a literal that does not parse is only not a known constant.
		if n, ok := types.ParseDateTime(l.Value); ok {
			c.info.Consts[l] = types.NewDateTime(n)
		}
	}
	return t
}

// name resolves a bare name: a column of the row first, then let-bound names and
// parameters, then database tables.
func (c *checker) name(id *syntax.Ident, sc *scope, r *row, wantTable bool) value {
	if r != nil && r.cols != nil {
		if i := r.cols.Index(id.Name); i >= 0 {
			col := r.cols.Columns[i]
			c.info.Refs[id] = Symbol{Kind: SymColumn, Name: col.Name, Type: col.Type}
			return value{typ: col.Type}
		}
	}
	if b := sc.lookup(id.Name); b != nil {
		c.info.Refs[id] = b.sym
		switch {
		case b.tab != nil:
			return value{tab: b.tab}
		case b.fn != nil:
			// A function without parameters may be named without an argument list.
			if required(b.fn.Params) == 0 {
				return b.res
			}
			c.errorf(id, "function '%s' needs an argument list", id.Name)
			return unknownValue
		}
		if b.cval != nil {
			c.info.Consts[id] = *b.cval
		}
		return value{typ: b.typ}
	}
	if r != nil && r.cols != nil && r.cols.Open && !wantTable {
		// In an open row an unknown name is a column socfeed cannot see, even when a
		// table has that name (`union *` has a column Operation; so does the catalog).
		return unknownValue
	}
	if s := c.catalogTable(id.Name); s != nil {
		c.info.Refs[id] = Symbol{Kind: SymTable, Name: id.Name}
		return value{tab: s}
	}
	if id.Name == "$left" || id.Name == "$right" {
		c.errorf(id, "'%s' can be used only in a join condition, as '%s.<column>'", id.Name, id.Name)
		return unknownValue
	}
	if wantTable || r == nil {
		if c.env.Funcs != nil {
			if _, ok := c.env.Funcs.Lookup(id.Name); ok {
				c.errorf(id, "function '%s' needs an argument list: %s()", id.Name, id.Name)
				return unknownValue
			}
		}
		if wantTable {
			return value{tab: c.unknownTable(id, sc, false)}
		}
		c.errorf(id, "unknown name '%s'", id.Name)
		return unknownValue
	}
	if r.cols == nil || r.cols.Open {
		return unknownValue
	}
	if c.env.Funcs != nil {
		if _, ok := c.env.Funcs.Lookup(id.Name); ok {
			c.errorf(id, "function '%s' needs an argument list: %s()", id.Name, id.Name)
			return unknownValue
		}
	}
	c.errorf(id, "unknown column '%s'%s", id.Name, c.columnHint(id.Name, r.cols, sc))
	return unknownValue
}

// columnHint suggests a column (or let-bound name) equal to name but for case.
func (c *checker) columnHint(name string, s *Schema, sc *scope) string {
	if s != nil {
		for _, col := range s.Columns {
			if strings.EqualFold(col.Name, name) {
				return "; did you mean '" + col.Name + "'?"
			}
		}
	}
	if n := sc.suggest(name); n != "" {
		return "; did you mean '" + n + "'?"
	}
	return ""
}

// selector checks `X.Name`: member access on a dynamic value, `$left.c`/`$right.c` in a
// join condition, or `database("d").Table`.
func (c *checker) selector(e *syntax.SelectorExpr, sc *scope, r *row) value {
	if r != nil && r.graph != nil {
		if v, ok := c.graphSelector(e, r); ok {
			return v
		}
	}
	if id, ok := e.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") && e.Sel != nil {
		var side *Schema
		if r != nil {
			side = r.left
			if id.Name == "$right" {
				side = r.right
			}
		}
		if side == nil {
			c.errorf(id, "'%s' can be used only in a join condition", id.Name)
			return unknownValue
		}
		if i := side.Index(e.Sel.Name); i >= 0 {
			col := side.Columns[i]
			c.info.Refs[e.Sel] = Symbol{Kind: SymColumn, Name: col.Name, Type: col.Type}
			return value{typ: col.Type}
		}
		if !side.Open {
			c.errorf(e.Sel, "unknown column '%s' in %s side of the join%s", e.Sel.Name,
				strings.TrimPrefix(id.Name, "$"), c.columnHint(e.Sel.Name, side, nil))
		}
		return unknownValue
	}
	if call, ok := e.X.(*syntax.CallExpr); ok && (call.Fun != nil && (call.Fun.Name == "database" || call.Fun.Name == "cluster")) {
		for _, a := range call.Args {
			c.scalar(a, sc, nil)
		}
		return value{tab: openSchema()}
	}
	v := c.value(e.X, sc, r, false)
	if v.tab != nil {
		c.errorf(e, "member access '.%s' needs a dynamic value, found a table", selName(e))
		return unknownValue
	}
	if v.typ == types.Unknown {
		return unknownValue
	}
	return value{typ: types.Dynamic}
}

func selName(e *syntax.SelectorExpr) string {
	if e.Sel == nil {
		return ""
	}
	return e.Sel.Name
}

// required counts the parameters without defaults.
func required(ps []*syntax.Param) int {
	n := 0
	for _, p := range ps {
		if p.Default == nil {
			n++
		}
	}
	return n
}

func (c *checker) unary(e *syntax.UnaryExpr, sc *scope, r *row) types.Type {
	t := c.scalar(e.X, sc, r)
	switch {
	case t == types.Unknown, t == types.Dynamic:
		return t
	case t.IsNumeric(), t == types.TimeSpan:
		if cv, ok := c.info.Consts[e.X]; ok && e.Op == syntax.UnaryMinus {
			c.info.Consts[e] = types.Negate(cv)
		} else if ok {
			c.info.Consts[e] = cv
		}
		return t
	}
	c.errorf(e, "operator '%s' is not defined for %s", e.Op, t)
	return types.Unknown
}

var arithOps = map[syntax.BinaryOp]types.ArithOp{
	syntax.OpAdd: types.OpAdd, syntax.OpSub: types.OpSub, syntax.OpMul: types.OpMul,
	syntax.OpDiv: types.OpDiv, syntax.OpMod: types.OpMod,
}

func (c *checker) binary(e *syntax.BinaryExpr, sc *scope, r *row) types.Type {
	a := c.scalar(e.X, sc, r)
	b := c.scalar(e.Y, sc, r)
	switch e.Op {
	case syntax.OpAnd, syntax.OpOr:
		if r != nil && (r.op == "search" || r.op == "find") {
			// search "ntds" and "dit": a string is a term to look for.
			return types.Bool
		}
		for i, t := range []types.Type{a, b} {
			if t != types.Bool && t != types.Unknown && t != types.Dynamic {
				x := e.X
				if i == 1 {
					x = e.Y
				}
				c.errorf(x, "operator '%s' expects bool operands, found %s", e.Op, t)
			}
		}
		return types.Bool
	case syntax.OpEq, syntax.OpNe, syntax.OpLt, syntax.OpLe, syntax.OpGt, syntax.OpGe:
		if !comparable(e.Op, a, b) {
			c.errorf(e, "operator '%s' is not defined for %s and %s", e.Op, a, b)
		}
		return types.Bool
	case syntax.OpAdd, syntax.OpSub, syntax.OpMul, syntax.OpDiv, syntax.OpMod:
		if a == types.Dynamic || b == types.Dynamic {
			if a == types.Unknown || b == types.Unknown {
				return types.Unknown
			}
			return types.Dynamic
		}
		op := arithOps[e.Op]
		t, err := types.ArithResult(op, a, b)
		if err != nil {
			c.errorf(e, "operator '%s' is not defined for %s and %s", e.Op, a, b)
			return types.Unknown
		}
		if a != types.Unknown && b != types.Unknown && !types.IsDocumentedArith(op, a, b) {
			c.warnf(e, "operator '%s' on %s and %s is not in the language reference; Kusto's analyser accepts it (result %s)", e.Op, a, b, t)
		}
		ca, okA := c.info.Consts[e.X]
		cb, okB := c.info.Consts[e.Y]
		if okA && okB {
			if v := types.Arith(op, ca, cb); v.Type != types.Unknown {
				c.info.Consts[e] = v
			}
		}
		return t
	case syntax.OpMatchesRegex:
		if b != types.String && b != types.Unknown && b != types.Dynamic {
			c.errorf(e.Y, "'matches regex' expects a string pattern, found %s", b)
		}
		return types.Bool
	}
	// String operators (has, contains, startswith, =~, like, ...) accept any operand
	// type: Kusto converts both sides to strings.
	return types.Bool
}

// comparable reports whether op is defined between a and b. Dynamic values compare with
// anything (Kusto converts at run time); numbers compare with numbers; other types only
// with themselves. Strings and guids may be tested for equality.
func comparable(op syntax.BinaryOp, a, b types.Type) bool {
	switch {
	case a == types.Unknown || b == types.Unknown || a == types.Dynamic || b == types.Dynamic:
		return true
	case a == b:
		return true
	case a.IsNumeric() && b.IsNumeric():
		return true
	case (op == syntax.OpEq || op == syntax.OpNe) && (a == types.String || b == types.String):
		// Kusto accepts equality between a string and any scalar (the corpus has many
		// `ResultType == 0` over the string ResultType), but not ordering.
		return true
	case (op == syntax.OpEq || op == syntax.OpNe) && (a == types.Bool && b.IsNumeric() || b == types.Bool && a.IsNumeric()):
		// `IsRoot == 1`: a bool compares for equality with a number.
		return true
	}
	return false
}

func (c *checker) between(e *syntax.BetweenExpr, sc *scope, r *row) types.Type {
	x := c.scalar(e.X, sc, r)
	lo := c.scalar(e.Lo, sc, r)
	hi := c.scalar(e.Hi, sc, r)
	name := "between"
	if e.Not {
		name = "!between"
	}
	ok := func(bound types.Type, isHi bool) bool {
		switch {
		case x == types.Unknown || x == types.Dynamic || bound == types.Unknown || bound == types.Dynamic:
			return true
		case x.IsNumeric():
			return bound.IsNumeric()
		case x == types.DateTime:
			return bound == types.DateTime || isHi && bound == types.TimeSpan
		}
		return x == bound
	}
	if !ok(lo, false) {
		c.errorf(e.Lo, "operator '%s' is not defined for %s and %s", name, x, lo)
	} else if !ok(hi, true) {
		c.errorf(e.Hi, "operator '%s' is not defined for %s and %s", name, x, hi)
	}
	return types.Bool
}

func (c *checker) in(e *syntax.InExpr, sc *scope, r *row) types.Type {
	x := c.scalar(e.X, sc, r)
	if e.Op == syntax.OpHasAny || e.Op == syntax.OpHasAll || e.Op == syntax.OpInCs || e.Op == syntax.OpNotInCs {
		if x != types.String && x != types.Dynamic && x != types.Unknown {
			c.errorf(e.X, "operator '%s' expects a string or dynamic value, found %s", e.Op, x)
		}
	}
	for _, el := range e.List {
		v := c.value(el, sc, r, false)
		if v.tab != nil {
			if len(e.List) > 1 {
				c.errorf(el, "a table in the list of '%s' must be the list's only element", e.Op)
			} else if !v.tab.Open && len(v.tab.Columns) == 0 {
				c.errorf(el, "the table on the right of '%s' has no columns", e.Op)
			}
		}
	}
	return types.Bool
}
