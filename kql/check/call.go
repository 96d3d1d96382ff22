package check

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// call checks a function call: a user function bound by let, a built-in from the registry,
// or one of the special forms table(), database() and cluster().
func (c *checker) call(e *syntax.CallExpr, sc *scope, r *row, wantTable bool) value {
	if e.Fun == nil {
		return unknownValue
	}
	name := e.Fun.Name
	if e.Recv != nil {
		// cluster("c").database("d") and database("d").f(): references outside the database
		// socfeed knows; their shape is unknown.
		c.value(e.Recv, sc, nil, false)
		for _, a := range e.Args {
			c.scalar(a, sc, nil)
		}
		return value{tab: openSchema()}
	}
	if b := sc.lookup(name); b != nil && b.pat != nil {
		return c.patternCall(e, nil, b, sc)
	}
	if b := sc.lookup(name); b != nil && b.fn != nil {
		c.info.Refs[e.Fun] = b.sym
		return c.userCall(e, b, sc, r)
	}
	if v, ok := c.graphCall(e, sc, r); ok {
		return v
	}
	switch name {
	case "table":
		return c.tableCall(e, sc)
	case "database", "cluster":
		for _, a := range e.Args {
			c.scalar(a, sc, nil)
		}
		return value{tab: openSchema()}
	case "column_ifexists", "columnifexists":
		return c.columnIfExists(e, sc, r)
	case "assert":
		// assert(condition, message): checked when the query is planned.
		if len(e.Args) != 2 {
			c.errorf(e, "assert(): expected 2 arguments, found %d", len(e.Args))
		}
		for _, a := range e.Args {
			c.scalar(a, sc, r)
		}
		return value{typ: types.Bool}
	case "column_names_of":
		// column_names_of(T): the names of T's columns, as a dynamic array.
		if len(e.Args) != 1 {
			c.errorf(e, "column_names_of(): expected 1 argument, found %d", len(e.Args))
		}
		for _, a := range e.Args {
			c.value(argValue(a), sc, nil, true)
		}
		return value{typ: types.Dynamic}
	}
	var f *funcs.Func
	if c.env.Funcs != nil {
		f, _ = c.env.Funcs.Lookup(name)
	}
	if f == nil {
		if b := sc.lookup(name); b != nil {
			c.errorf(e.Fun, "'%s' is not a function", name)
		} else if c.fuzzy > 0 {
			c.warnf(e.Fun, "unknown function '%s'", name)
		} else {
			c.errorf(e.Fun, "unknown function '%s'", name)
		}
		for _, a := range e.Args {
			c.value(argValue(a), sc, r, false)
		}
		return unknownValue
	}
	c.info.Calls[e] = f
	argRow := r
	if f.Kind == funcs.Aggregate && (f.Scalar == nil || r != nil && r.agg) {
		// An aggregate with a scalar form too (hll_merge) is a scalar outside summarize.
		if r == nil || !r.agg {
			where := ""
			if r != nil && r.op != "" {
				where = fmt.Sprintf(" (in '%s')", r.op)
			}
			c.errorf(e.Fun, "aggregate function '%s' can be used only in 'summarize', 'make-series' or 'top-nested'%s", name, where)
		}
		if r != nil {
			nr := *r
			nr.agg = false // no aggregates inside aggregates
			argRow = &nr
		}
	}
	n := len(e.Args)
	if n < f.MinArgs || f.MaxArgs >= 0 && n > f.MaxArgs {
		c.errorf(e, "function '%s' expects %s, found %d", name, argCount(f.MinArgs, f.MaxArgs), n)
	}
	argTypes := make([]types.Type, n)
	for i, a := range e.Args {
		switch a.(type) {
		case *syntax.StarExpr:
			argTypes[i] = types.Unknown
			continue
		}
		argTypes[i] = c.scalar(argValue(a), sc, argRow)
	}
	if isArgMinMax(name) {
		// arg_max(X, *) and arg_max(X, a, b): the result is a row; its columns are named by
		// the operator (see summarizeNames). The registry checks the first argument.
		if len(argTypes) == 0 {
			return unknownValue
		}
		if f.Result != nil {
			if _, err := f.Result(argTypes); err != nil {
				c.errorf(e, "%s", err.Error())
			}
		}
		return value{typ: argTypes[0]}
	}
	if f.Result == nil {
		return unknownValue
	}
	if name == "count" && len(argTypes) == 1 && !countArgIsPredicate(argTypes[0]) {
		// count(x) over a value that is not bool: the Kusto service counts the rows of the
		// group (summarize-operator.md's examples) though Microsoft's analyser flags it.
		c.warnf(e, "count() takes no argument in the language reference; count(x) counts the rows of the group — use countif(predicate) to count matches")
		return value{typ: types.Long}
	}
	t, err := f.Result(argTypes)
	if err != nil {
		c.errorf(e, "%s", err.Error())
		return unknownValue
	}
	return value{typ: t}
}

// argValue returns the value of a named argument `name = value`, or a itself.
func argValue(a syntax.Expr) syntax.Expr {
	if ne, ok := a.(*syntax.NamedExpr); ok {
		return ne.Value
	}
	return a
}

func argCount(min, max int) string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case max < 0:
		return "at least " + plural(min)
	case min == max:
		return plural(min)
	case min == 0:
		return "at most " + plural(max)
	}
	return fmt.Sprintf("%d to %d arguments", min, max)
}

func isArgMinMax(name string) bool {
	switch name {
	case "arg_max", "arg_min", "argmax", "argmin":
		return true
	}
	return false
}

// tableCall checks `table("Name")`.
func (c *checker) tableCall(e *syntax.CallExpr, sc *scope) value {
	if len(e.Args) == 0 {
		c.errorf(e, "function 'table' expects 1 to 2 arguments, found 0")
		return value{tab: openSchema()}
	}
	c.scalar(e.Args[0], sc, nil)
	lit, ok := c.info.Consts[e.Args[0]]
	if !ok || lit.Type != types.String {
		return value{tab: openSchema()}
	}
	if b := sc.lookup(lit.S); b != nil && b.tab != nil {
		return value{tab: b.tab}
	}
	if s := c.catalogTable(lit.S); s != nil {
		return value{tab: s}
	}
	return value{tab: c.unknownTable(&syntax.Ident{NamePos: e.Args[0].Pos(), Name: lit.S, Raw: lit.S}, sc, false)}
}

// userCall checks a call of a let-bound function against its parameters.
func (c *checker) userCall(e *syntax.CallExpr, b *binding, sc *scope, r *row) value {
	ps := b.fn.Params
	if n := len(e.Args); n < required(ps) || n > len(ps) {
		c.errorf(e, "function '%s' expects %s, found %d", e.Fun.Name, argCount(required(ps), len(ps)), n)
	}
	args := make([]value, len(e.Args))
	for i, a := range e.Args {
		v := c.value(argValue(a), sc, r, false)
		args[i] = v
		if i >= len(ps) {
			continue
		}
		p := ps[i]
		switch {
		case p.Schema != nil:
			if v.tab == nil && v.typ != types.Unknown {
				c.errorf(a, "argument %d of '%s': expected a table, found %s", i+1, e.Fun.Name, v.typ)
			}
			if v.tab != nil {
				c.requireColumns(a, v.tab, c.declSchemaQuiet(p.Schema), e.Fun.Name)
			}
		case p.Type != nil:
			want, _ := types.ParseType(p.Type.Name)
			if v.tab != nil {
				c.errorf(a, "argument %d of '%s': expected %s, found a table", i+1, e.Fun.Name, want)
			} else if !assignable(want, v.typ) {
				// Kusto converts scalar arguments of user functions, so this is only
				// suspicious.
				c.warnf(a, "argument %d of '%s': expected %s, found %s", i+1, e.Fun.Name, want, v.typ)
			}
		}
	}
	return c.instantiate(b, args)
}

// instantiate returns the result of calling the function bound by b with args: the result
// computed at declaration, or for functions with tabular parameters, the body checked again
// against the argument schemas.
func (c *checker) instantiate(b *binding, args []value) value {
	tabular := false
	for _, p := range b.fn.Params {
		tabular = tabular || p.Schema != nil
	}
	if !tabular {
		return b.res
	}
	if b.stored {
		c.quiet++
		defer func() { c.quiet-- }()
	}
	return c.funcBody(b.fn, b.decl, args)
}

// declSchemaQuiet converts a written schema without reporting (it was reported when the
// function was declared).
func (c *checker) declSchemaQuiet(s *syntax.Schema) *Schema {
	out := &Schema{Open: s.Star.IsValid()}
	for _, cd := range s.Columns {
		if cd == nil || cd.Name == nil {
			continue
		}
		t := types.String
		if cd.Type != nil {
			t, _ = types.ParseType(cd.Type.Name)
		}
		out.Columns = append(out.Columns, Column{Name: cd.Name.Name, Type: t})
	}
	return out
}

// requireColumns reports columns a tabular parameter declares that the argument lacks.
func (c *checker) requireColumns(at syntax.Node, got, want *Schema, fn string) {
	if got.Open {
		return
	}
	for _, col := range want.Columns {
		if got.Index(col.Name) < 0 {
			c.errorf(at, "argument of '%s' lacks column '%s'", fn, col.Name)
		}
	}
}

// columnIfExists checks column_ifexists("Name", default): the row's column Name when it
// has one (recorded in Info.IfExists), else default, whose type the call then has. Over an
// open schema a column that is not listed may still exist, so the type is unknown.
func (c *checker) columnIfExists(e *syntax.CallExpr, sc *scope, r *row) value {
	name := e.Fun.Name
	if c.env.Funcs != nil {
		if f, ok := c.env.Funcs.Lookup(name); ok {
			c.info.Calls[e] = f
		}
	}
	if len(e.Args) != 2 {
		c.errorf(e, "function '%s' expects 2 arguments, found %d", name, len(e.Args))
		for _, a := range e.Args {
			c.scalar(argValue(a), sc, r)
		}
		return unknownValue
	}
	first := argValue(e.Args[0])
	c.scalar(first, sc, r)
	def := c.scalar(argValue(e.Args[1]), sc, r)
	lit, ok := c.info.Consts[first]
	if !ok {
		// A name passed in a parameter (`column_ifexists(A_col, '')` in a function body)
		// is known only at run time.
		if t := c.info.Types[first]; t != types.String && t != types.Unknown && t != types.Dynamic {
			c.errorf(first, "the first argument of '%s' must be a string naming a column, found %s", name, t)
		}
		return unknownValue
	}
	if lit.Type != types.String {
		c.errorf(first, "the first argument of '%s' must be a string naming a column, found %s", name, lit.Type)
		return value{typ: def}
	}
	if r != nil && r.cols != nil {
		if i := r.cols.Index(lit.S); i >= 0 {
			col := r.cols.Columns[i]
			c.info.IfExists[e] = col.Name
			return value{typ: col.Type}
		}
		if r.cols.Open {
			return unknownValue
		}
	}
	return value{typ: def}
}

// countArgIsPredicate reports whether count's argument of type t is a predicate (counted
// like countif) rather than a value whose rows count(x) counts.
func countArgIsPredicate(t types.Type) bool {
	switch t {
	case types.Bool, types.Dynamic, types.Unknown:
		return true
	}
	return false
}
