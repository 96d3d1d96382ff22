package plan

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// windowFuncs are the functions that read neighbouring rows; the executor implements them.
var windowKinds = map[string]types.Type{
	"row_number": types.Long, "prev": types.Unknown, "next": types.Unknown,
	"row_cumsum": types.Unknown, "row_rank_min": types.Long, "row_rank_dense": types.Long,
	"row_window_session": types.Unknown,
}

// scalar binds a scalar expression against the row schema row.
func (b *builder) scalar(x syntax.Expr, row []Field, sc *scope) (Expr, error) {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 200 {
		return nil, errAt(x, "expression nests too deeply")
	}
	switch x := x.(type) {
	case *syntax.Literal:
		v, err := literalValue(x)
		if err != nil {
			if e := b.relativeDateTime(x); e != nil {
				return e, nil
			}
			return nil, err
		}
		return &Const{V: v}, nil
	case *syntax.DynamicLit:
		var buf []byte
		buf, err := appendDynLit(buf, x.Value)
		if err != nil {
			return nil, err
		}
		c, err := types.CompactJSON(string(buf))
		if err != nil {
			return nil, errAt(x, "malformed dynamic literal")
		}
		return &Const{V: types.NewDynamic(c)}, nil
	case *syntax.ParenExpr:
		if b.isTabular(x.X, sc) {
			n, err := b.tabular(x.X, sc, nil)
			if err != nil {
				return nil, err
			}
			return b.toScalar(n, x)
		}
		return b.scalar(x.X, row, sc)
	case *syntax.Ident:
		if i := fieldIndex(row, x.Name); i >= 0 {
			return &ColRef{Index: i, Name: x.Name, T: row[i].Type}, nil
		}
		if bd := sc.lookup(x.Name); bd != nil {
			switch {
			case bd.scalar != nil:
				if bd.rowDep && b.tabDepth > bd.tabDepth {
					return nil, errAt(x, "%q is a value of the current row, read inside a subquery: toscalar() and other subqueries cannot be evaluated per row", x.Name)
				}
				return bd.scalar, nil
			case bd.fn != nil:
				_, e, err := b.callFunc(&syntax.CallExpr{Fun: x, Lparen: x.End(), Rparen: x.End()}, bd, sc, row, nil)
				if err != nil {
					return nil, err
				}
				if e == nil {
					return nil, errAt(x, "%q is a table, not a scalar", x.Name)
				}
				return e, nil
			case bd.table != nil:
				return b.toScalar(bd.table, x)
			}
		}
		return nil, errAt(x, "unknown name %q", x.Name)
	case *syntax.SelectorExpr:
		if id, ok := x.X.(*syntax.Ident); ok {
			// A scan step's state column: step.column.
			if i := fieldIndex(row, id.Name+"."+x.Sel.Name); i >= 0 {
				return &ColRef{Index: i, Name: row[i].Name, T: row[i].Type}, nil
			}
		}
		xe, err := b.scalar(x.X, row, sc)
		if err != nil {
			return nil, err
		}
		return &Member{X: xe, Key: &Const{V: types.NewString(x.Sel.Name)}}, nil
	case *syntax.IndexExpr:
		xe, err := b.scalar(x.X, row, sc)
		if err != nil {
			return nil, err
		}
		ke, err := b.scalar(x.Index, row, sc)
		if err != nil {
			return nil, err
		}
		return &Member{X: xe, Key: ke}, nil
	case *syntax.UnaryExpr:
		xe, err := b.scalar(x.X, row, sc)
		if err != nil {
			return nil, err
		}
		if x.Op == syntax.UnaryPlus {
			return xe, nil
		}
		if c, ok := xe.(*Const); ok {
			return &Const{V: types.Negate(c.V)}, nil
		}
		return &Neg{X: xe}, nil
	case *syntax.BinaryExpr:
		return b.binary(x, row, sc)
	case *syntax.BetweenExpr:
		xe, err := b.scalar(x.X, row, sc)
		if err != nil {
			return nil, err
		}
		lo, err := b.scalar(x.Lo, row, sc)
		if err != nil {
			return nil, err
		}
		hi, err := b.scalar(x.Hi, row, sc)
		if err != nil {
			return nil, err
		}
		if hi.Type() == types.TimeSpan && (lo.Type() == types.DateTime || xe.Type() == types.DateTime && lo.Type() != types.TimeSpan) {
			// between-operator.md: `datetime between (lo .. timespan)` is lo .. lo+timespan.
			hi = &Binary{Op: syntax.OpAdd, X: lo, Y: hi, T: types.DateTime}
		}
		return &Between{X: xe, Lo: lo, Hi: hi, Not: x.Not}, nil
	case *syntax.InExpr:
		xe, err := b.scalar(x.X, row, sc)
		if err != nil {
			return nil, err
		}
		in := &In{Op: x.Op, X: xe}
		if len(x.List) == 1 && b.isTabular(x.List[0], sc) {
			n, err := b.tabular(x.List[0], sc, nil)
			if err != nil {
				return nil, err
			}
			in.Sub = n
			return in, nil
		}
		for _, l := range x.List {
			le, err := b.scalar(l, row, sc)
			if err != nil {
				return nil, err
			}
			in.List = append(in.List, le)
		}
		return in, nil
	case *syntax.CallExpr:
		return b.call(x, row, sc)
	case *syntax.ToScalarExpr:
		if !b.isTabular(x.Query, sc) {
			// toscalar of a scalar expression returns it unchanged.
			return b.scalar(x.Query, row, sc)
		}
		n, err := b.tabular(x.Query, sc, nil)
		if err != nil {
			return nil, err
		}
		return b.toScalar(n, x)
	case *syntax.NamedExpr:
		return b.scalar(x.Value, row, sc)
	case *syntax.TypeofExpr:
		if x.Type == nil {
			return nil, errAt(x, "typeof() with a schema is only supported by plugins socfeed does not run")
		}
		return &Const{V: types.NewString(x.Type.Name)}, nil
	case *syntax.PipeExpr, *syntax.DataTableExpr, *syntax.PrintOp, *syntax.RangeOp:
		n, err := b.tabular(x, sc, nil)
		if err != nil {
			return nil, err
		}
		return b.toScalar(n, x)
	case *syntax.BadExpr:
		return nil, errAt(x, "cannot plan an expression that did not parse")
	case *syntax.StarExpr:
		return nil, errAt(x, "unexpected '*'")
	}
	return nil, errAt(x, "unsupported expression")
}

func (b *builder) toScalar(n Node, at syntax.Node) (Expr, error) {
	s := n.Schema()
	if len(s) == 0 {
		return nil, errAt(at, "toscalar: the subquery has no columns")
	}
	t := s[0].Type
	if t == types.Unknown {
		t = types.Dynamic
	}
	return &Subquery{Plan: n, T: t}, nil
}

func (b *builder) binary(x *syntax.BinaryExpr, row []Field, sc *scope) (Expr, error) {
	if _, ok := unparen(x.X).(*syntax.StarExpr); ok && x.Op != syntax.OpAnd && x.Op != syntax.OpOr {
		// `* has "cow"` (where-operator.md): the test holds for some string or dynamic
		// column of the row.
		ye, err := b.scalar(x.Y, row, sc)
		if err != nil {
			return nil, err
		}
		var any Expr = &Const{V: types.NewBool(false)}
		first := true
		for i, f := range row {
			if f.Type != types.String && f.Type != types.Dynamic {
				continue
			}
			e := &Binary{Op: x.Op, X: &ColRef{Index: i, Name: f.Name, T: f.Type}, Y: ye, T: types.Bool}
			if first {
				any, first = e, false
			} else {
				any = &Binary{Op: syntax.OpOr, X: any, Y: e, T: types.Bool}
			}
		}
		return any, nil
	}
	xe, err := b.scalar(x.X, row, sc)
	if err != nil {
		return nil, err
	}
	ye, err := b.scalar(x.Y, row, sc)
	if err != nil {
		return nil, err
	}
	t := types.Bool
	if aop, ok := arithOp(x.Op); ok {
		if dx, dy := xe.Type() == types.Dynamic, ye.Type() == types.Dynamic; (dx || dy) && xe.Type() != types.Unknown && ye.Type() != types.Unknown {
			// Kusto converts a dynamic number to do arithmetic; the result is dynamic (as
			// the checker types it).
			return &Binary{Op: x.Op, X: xe, Y: ye, T: types.Dynamic}, nil
		}
		t, err = types.ArithResult(aop, xe.Type(), ye.Type())
		if err != nil {
			return nil, errAt(x, "%s", err.Error())
		}
		if t == types.Unknown {
			t = types.Dynamic
			if xe.Type() == types.Dynamic || ye.Type() == types.Dynamic {
				t = types.Real
				if xe.Type() == types.TimeSpan || ye.Type() == types.TimeSpan {
					t = types.TimeSpan
				}
			}
		}
	}
	if x.Op == syntax.OpMatchesRegex {
		if c, ok := ye.(*Const); ok {
			if _, err := regexp.Compile(c.V.String()); err != nil {
				return nil, errAt(x.Y, "invalid regular expression: %v", err)
			}
		}
	}
	return &Binary{Op: x.Op, X: xe, Y: ye, T: t}, nil
}

func arithOp(op syntax.BinaryOp) (types.ArithOp, bool) {
	switch op {
	case syntax.OpAdd:
		return types.OpAdd, true
	case syntax.OpSub:
		return types.OpSub, true
	case syntax.OpMul:
		return types.OpMul, true
	case syntax.OpDiv:
		return types.OpDiv, true
	case syntax.OpMod:
		return types.OpMod, true
	}
	return 0, false
}

func (b *builder) call(x *syntax.CallExpr, row []Field, sc *scope) (Expr, error) {
	if e, ok := b.aggSubst[x]; ok {
		return e, nil
	}
	name := x.Fun.Name
	if bd := sc.lookup(name); bd != nil && bd.fn != nil {
		n, e, err := b.callFunc(x, bd, sc, row, nil)
		if err != nil {
			return nil, err
		}
		if e == nil {
			return b.toScalar(n, x)
		}
		return e, nil
	}
	args := make([]Expr, 0, len(x.Args))
	switch name {
	case "ingestion_time":
		// Exported logs carry no ingestion time of their own; the time the row was received
		// (_TimeReceived) is closest, then TimeGenerated.
		for _, c := range []string{"_TimeReceived", "TimeGenerated"} {
			if i := fieldIndex(row, c); i >= 0 && row[i].Type == types.DateTime {
				return &ColRef{Index: i, Name: c, T: types.DateTime}, nil
			}
		}
		return &Const{V: types.NullOf(types.DateTime)}, nil
	case "pack_all":
		// pack_all() is bag_pack over every column of the row; pack_all(true) leaves out
		// null and empty values.
		f, ok := b.env.Funcs.Lookup("bag_pack")
		if !ok {
			break
		}
		skipEmpty := false
		if len(x.Args) == 1 {
			v, err := b.constValue(x.Args[0], sc)
			if err != nil {
				return nil, err
			}
			skipEmpty = v.Bool()
		}
		var args []Expr
		for i, fl := range row {
			args = append(args, &Const{V: types.NewString(fl.Name)}, &ColRef{Index: i, Name: fl.Name, T: fl.Type})
		}
		if skipEmpty {
			return &Call{Func: &funcs.Func{Name: "pack_all", Kind: funcs.Scalar, Scalar: packNonEmpty(f.Scalar)}, Args: args, T: types.Dynamic}, nil
		}
		return &Call{Func: f, Args: args, T: types.Dynamic}, nil
	case "column_ifexists", "columnifexists":
		if len(x.Args) != 2 {
			return nil, errAt(x, "column_ifexists(): expected 2 arguments, found %d", len(x.Args))
		}
		v, err := b.constValue(x.Args[0], sc)
		if err != nil || v.Type != types.String {
			return nil, errAt(x.Args[0], "column_ifexists(): expected a constant column name")
		}
		if i := fieldIndex(row, v.S); i >= 0 {
			return &ColRef{Index: i, Name: v.S, T: row[i].Type}, nil
		}
		return b.scalar(x.Args[1], row, sc)
	case "materialize":
		if len(x.Args) == 1 {
			return b.scalar(x.Args[0], row, sc)
		}
	case "assert":
		// assert(condition, message) is checked when the query is planned: the condition
		// must be constant; false stops the query with the message, true is true.
		if len(x.Args) != 2 {
			return nil, errAt(x, "assert(): expected 2 arguments, found %d", len(x.Args))
		}
		c, err := b.scalar(x.Args[0], row, sc)
		if err != nil {
			return nil, err
		}
		v, ok := FoldConst(c)
		if !ok || (v.Type != types.Bool && !v.IsNull()) {
			return nil, errAt(x.Args[0], "assert(): the condition must be a constant bool")
		}
		msg, err := b.constValue(x.Args[1], sc)
		if err != nil || msg.Type != types.String {
			return nil, errAt(x.Args[1], "assert(): the message must be a constant string")
		}
		if v.IsNull() || !v.Bool() {
			return nil, errAt(x, "assertion failed: %s", msg.S)
		}
		return &Const{V: types.NewBool(true)}, nil
	case "array_sort_asc", "array_sort_desc":
		// With several arrays the call's value is the array of the sorted arrays, so that
		// array_sort_asc(a, b)[1] is b reordered (extend/project/print give one column per
		// array instead; see build_multi.go).
		if sc.lookup(name) == nil {
			argNames := make([]string, len(x.Args))
			m, ok, err := b.multiSort(x, name == "array_sort_asc", argNames, row, sc)
			if err != nil {
				return nil, err
			}
			if ok {
				return m.tuple, nil
			}
		}
	case "extract", "percentile_tdigest":
		// extract(regex, group, text, typeof(T)) converts the captured text to T;
		// percentile_tdigest(sketch, p, typeof(T)) its percentile.
		if k := len(x.Args) - 1; name == "extract" && k == 3 || name == "percentile_tdigest" && k == 2 {
			if to, ok := x.Args[k].(*syntax.TypeofExpr); ok && to.Type != nil {
				t, ok := types.ParseType(to.Type.Name)
				if !ok {
					return nil, errAt(to.Type, "unknown type %q", to.Type.Name)
				}
				inner := *x
				inner.Args = x.Args[:k]
				e, err := b.call(&inner, row, sc)
				if err != nil {
					return nil, err
				}
				return &Cast{X: e, T: t}, nil
			}
		}
	case "column_names_of":
		// column_names_of(T): T's column names, known when the query is planned.
		if len(x.Args) != 1 {
			return nil, errAt(x, "column_names_of(): expected 1 argument, found %d", len(x.Args))
		}
		if !b.isTabular(x.Args[0], sc) {
			return nil, errAt(x.Args[0], "column_names_of(): expected a table")
		}
		n, err := b.tabular(x.Args[0], sc, nil)
		if err != nil {
			return nil, err
		}
		buf := []byte{'['}
		for i, f := range n.Schema() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = types.AppendJSONString(buf, f.Name)
		}
		return &Const{V: types.NewDynamic(string(append(buf, ']')))}, nil
	}
	for _, a := range x.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok {
			a = ne.Value
		}
		if _, ok := a.(*syntax.StarExpr); ok {
			continue
		}
		e, err := b.scalar(a, row, sc)
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	if name == "row_rank" {
		name = "row_rank_dense" // the function's former name
	}
	if wt, ok := windowKinds[name]; ok {
		if wt == types.Unknown && len(args) > 0 {
			wt = args[0].Type()
		}
		return &Window{Kind: WindowKind(name), Args: args, T: wt}, nil
	}
	f, ok := b.env.Funcs.Lookup(name)
	if !ok {
		f, ok = b.env.Funcs.Lookup(strings.ToLower(name))
	}
	if !ok {
		return nil, errAt(x.Fun, "unknown function %q", name)
	}
	if f.Kind == funcs.Aggregate && f.Scalar == nil {
		return nil, errAt(x.Fun, "aggregation function %s() is only allowed in summarize", f.Name)
	}
	if f.Scalar == nil {
		return nil, errAt(x.Fun, "function %s() has no implementation", f.Name)
	}
	if len(args) < f.MinArgs || (f.MaxArgs >= 0 && len(args) > f.MaxArgs) {
		return nil, errAt(x, "%s(): expected %s, found %d", f.Name, argCount(f), len(args))
	}
	argTypes := make([]types.Type, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	t := types.Dynamic
	if f.Result != nil {
		rt, err := f.Result(argTypes)
		if err != nil {
			return nil, errAt(x, "%s", err.Error())
		}
		if rt != types.Unknown {
			t = rt
		}
	}
	return &Call{Func: f, Args: args, T: t}, nil
}

func argCount(f *funcs.Func) string {
	switch {
	case f.MaxArgs == f.MinArgs:
		return fmt.Sprintf("%d arguments", f.MinArgs)
	case f.MaxArgs < 0:
		return fmt.Sprintf("at least %d arguments", f.MinArgs)
	}
	return fmt.Sprintf("%d to %d arguments", f.MinArgs, f.MaxArgs)
}

var timeOfDay = regexp.MustCompile(`(?i)^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?\s*$`)

// relativeDateTime plans the datetime literals whose value depends on the time of the
// query, as .NET's lenient parser reads them: datetime(now), and a time of day alone
// (datetime("8:00:00 AM")), which is that time today. It returns nil for other literals.
func (b *builder) relativeDateTime(x *syntax.Literal) Expr {
	if x.Kind != syntax.LitDateTime {
		return nil
	}
	text := strings.Trim(strings.TrimSpace(x.Value), `"'`)
	now, ok := b.env.Funcs.Lookup("now")
	if !ok || now.Scalar == nil {
		return nil
	}
	nowCall := &Call{Func: now, T: types.DateTime}
	if strings.EqualFold(text, "now") {
		return nowCall
	}
	m := timeOfDay.FindStringSubmatch(text)
	sod, ok := b.env.Funcs.Lookup("startofday")
	if m == nil || !ok || sod.Scalar == nil {
		return nil
	}
	var h, min, sec int
	fmt.Sscan(m[1], &h)
	fmt.Sscan(m[2], &min)
	if m[3] != "" {
		fmt.Sscan(m[3], &sec)
	}
	switch strings.ToUpper(m[4]) {
	case "AM":
		if h == 12 {
			h = 0
		}
	case "PM":
		if h < 12 {
			h += 12
		}
	}
	if h > 23 || min > 59 || sec > 59 {
		return nil
	}
	ticks := (int64(h)*3600 + int64(min)*60 + int64(sec)) * 10_000_000
	day := &Call{Func: sod, Args: []Expr{nowCall}, T: types.DateTime}
	return &Binary{Op: syntax.OpAdd, X: day, Y: &Const{V: types.NewTimeSpan(ticks)}, T: types.DateTime}
}

// literalValue converts a literal to its value.
func literalValue(x *syntax.Literal) (types.Value, error) {
	t := litType(x.Kind)
	if x.IsNull {
		return types.NullOf(t), nil
	}
	bad := func() (types.Value, error) {
		return types.Value{}, errAt(x, "invalid %s literal %q", x.Kind, x.Raw)
	}
	switch x.Kind {
	case syntax.LitBool:
		v, ok := types.ParseBool(x.Value)
		if !ok {
			return bad()
		}
		return types.NewBool(v), nil
	case syntax.LitInt:
		v, ok := types.ParseLong(x.Value)
		if ok && v != int64(int32(v)) && v == int64(uint32(v)) && strings.HasPrefix(strings.ToLower(strings.TrimSpace(x.Value)), "0x") {
			// A 32-bit hex literal such as int(0xf090013d) is the int with those bits.
			return types.NewInt(int32(uint32(v))), nil
		}
		if !ok || v != int64(int32(v)) {
			if f, ok := types.ParseReal(x.Value); ok && f == math.Trunc(f) && f >= math.MinInt32 && f <= math.MaxInt32 {
				return types.NewInt(int32(f)), nil
			}
			return bad()
		}
		return types.NewInt(int32(v)), nil
	case syntax.LitLong:
		v, ok := types.ParseLong(x.Value)
		if !ok {
			if f, ok := types.ParseReal(x.Value); ok && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				return types.NewLong(int64(f)), nil
			}
			return bad()
		}
		return types.NewLong(v), nil
	case syntax.LitReal:
		v, ok := types.ParseReal(x.Value)
		if !ok {
			return bad()
		}
		return types.NewReal(v), nil
	case syntax.LitDecimal:
		v, ok := types.ParseDecimal(x.Value)
		if !ok {
			return bad()
		}
		return types.Value{Type: types.Decimal, S: v}, nil
	case syntax.LitString:
		return types.NewString(x.Value), nil
	case syntax.LitDateTime:
		v, ok := types.ParseDateTime(x.Value)
		if !ok {
			v, ok = types.ParseDateTime(lenientDateText(x.Value))
		}
		if !ok {
			return bad()
		}
		return types.NewDateTime(v), nil
	case syntax.LitTimespan:
		v, ok := types.ParseTimeSpan(x.Value)
		if !ok {
			return bad()
		}
		return types.NewTimeSpan(v), nil
	case syntax.LitGUID:
		v, ok := types.ParseGUID(x.Value)
		if !ok {
			return bad()
		}
		return types.NewGUID(v), nil
	case syntax.LitNull:
		return types.NullOf(types.Dynamic), nil
	}
	return bad()
}

var (
	dateSepSpaces = regexp.MustCompile(`\s*([-/:])\s*`)
	dateCommas    = regexp.MustCompile(`^(\d{4})\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})$`)
)

// lenientDateText rewrites two forms of datetime literal that Kusto's (.NET's) lenient date
// parser accepts and the documentation uses: spaces around separators
// (datetime(2017 - 08 - 01)) and comma-separated year, month and day
// (datetime(2025, 6, 14)).
func lenientDateText(s string) string {
	s = strings.TrimSpace(s)
	if m := dateCommas.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf("%s-%02s-%02s", m[1], m[2], m[3])
	}
	return dateSepSpaces.ReplaceAllString(s, "$1")
}

func litType(k syntax.LitKind) types.Type {
	switch k {
	case syntax.LitBool:
		return types.Bool
	case syntax.LitInt:
		return types.Int
	case syntax.LitLong:
		return types.Long
	case syntax.LitReal:
		return types.Real
	case syntax.LitDecimal:
		return types.Decimal
	case syntax.LitString:
		return types.String
	case syntax.LitDateTime:
		return types.DateTime
	case syntax.LitTimespan:
		return types.TimeSpan
	case syntax.LitGUID:
		return types.GUID
	}
	return types.Dynamic
}

// appendDynLit writes the JSON text of the inside of a dynamic(...) literal.
func appendDynLit(buf []byte, x syntax.Expr) ([]byte, error) {
	switch x := x.(type) {
	case nil:
		return append(buf, "null"...), nil
	case *syntax.Literal:
		v, err := literalValue(x)
		if err != nil {
			return nil, err
		}
		return types.AppendDynamic(buf, v), nil
	case *syntax.UnaryExpr:
		l, ok := x.X.(*syntax.Literal)
		if !ok {
			return nil, errAt(x, "expected a constant inside dynamic()")
		}
		v, err := literalValue(l)
		if err != nil {
			return nil, err
		}
		if x.Op == syntax.UnaryMinus {
			v = types.Negate(v)
		}
		return types.AppendDynamic(buf, v), nil
	case *syntax.ArrayLit:
		buf = append(buf, '[')
		for i, e := range x.Elems {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendDynLit(buf, e); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	case *syntax.ObjectLit:
		buf = append(buf, '{')
		for i, f := range x.Fields {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = types.AppendJSONString(buf, f.Key.Value)
			buf = append(buf, ':')
			var err error
			if buf, err = appendDynLit(buf, f.Value); err != nil {
				return nil, err
			}
		}
		return append(buf, '}'), nil
	case *syntax.DynamicLit:
		return appendDynLit(buf, x.Value)
	}
	return nil, errAt(x, "expected a constant inside dynamic()")
}

// exprName gives the column name an unnamed expression produces, or "" when the operator
// must pick one. The checker's name wins when it recorded one.
//
// row is the input row, when known: a column shadows a let-bound value of the same name.
func (b *builder) exprName(x syntax.Expr, row []Field, sc *scope) string {
	if n := b.env.Names[x]; n != "" {
		return n
	}
	switch x := x.(type) {
	case *syntax.Ident:
		if fieldIndex(row, x.Name) >= 0 {
			return x.Name
		}
		if bd := sc.lookup(x.Name); bd != nil && bd.scalar != nil {
			if _, isCol := bd.scalar.(*ColRef); !isCol {
				return "" // a let-bound value, not a column
			}
		}
		return x.Name
	case *syntax.ParenExpr:
		return b.exprName(x.X, row, sc)
	case *syntax.SelectorExpr:
		if n := b.exprName(x.X, row, sc); n != "" {
			return n + "_" + x.Sel.Name
		}
	case *syntax.IndexExpr:
		if n := b.exprName(x.X, row, sc); n != "" {
			if l, ok := x.Index.(*syntax.Literal); ok && l.Kind == syntax.LitString {
				return n + "_" + l.Value
			}
		}
	case *syntax.CallExpr:
		if bd := sc.lookup(x.Fun.Name); bd != nil {
			return ""
		}
		f, ok := b.env.Funcs.Lookup(x.Fun.Name)
		if !ok {
			return ""
		}
		first := ""
		if len(x.Args) > 0 {
			first = b.exprName(x.Args[0], row, sc)
		}
		if n, ok := f.ResultName(first); ok {
			return n
		}
	}
	return ""
}

// EvalBinary evaluates one row of a binary operator with Kusto's rules.
func EvalBinary(op syntax.BinaryOp, x, y types.Value) types.Value {
	switch op {
	case syntax.OpAnd:
		return and3(x, y)
	case syntax.OpOr:
		return or3(x, y)
	case syntax.OpEq:
		if x.Type == types.String || y.Type == types.String {
			if x.Type == types.Dynamic || y.Type == types.Dynamic {
				return types.NewBool(dynText(x) == dynText(y))
			}
		}
		return types.Equal(x, y)
	case syntax.OpNe:
		if x.Type == types.String || y.Type == types.String {
			if x.Type == types.Dynamic || y.Type == types.Dynamic {
				return types.NewBool(dynText(x) != dynText(y))
			}
		}
		return types.NotEqual(x, y)
	case syntax.OpEqTilde:
		return types.NewBool(strings.EqualFold(dynText(x), dynText(y)))
	case syntax.OpNotEqTilde:
		return types.NewBool(!strings.EqualFold(dynText(x), dynText(y)))
	case syntax.OpLt:
		return types.Less(unDyn(x), unDyn(y))
	case syntax.OpLe:
		return types.LessEq(unDyn(x), unDyn(y))
	case syntax.OpGt:
		return types.Greater(unDyn(x), unDyn(y))
	case syntax.OpGe:
		return types.GreaterEq(unDyn(x), unDyn(y))
	case syntax.OpMatchesRegex:
		re, err := regexp.Compile(y.String())
		if err != nil {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(re.MatchString(dynText(x)))
	}
	if aop, ok := arithOp(op); ok {
		return types.Arith(aop, unDyn(x), unDyn(y))
	}
	if f := StringOp(op); f != nil {
		return types.NewBool(f(dynText(x), dynText(y)))
	}
	return types.NullOf(types.Bool)
}

// unDyn turns a dynamic scalar into the scalar it holds, for comparisons and arithmetic.
func unDyn(v types.Value) types.Value {
	if v.Type == types.Dynamic && !v.IsNull() {
		return types.DynamicScalar(types.JSON(v.S))
	}
	return v
}

// dynText is a value's text as string operators read it.
func dynText(v types.Value) string {
	if v.Type == types.String {
		return v.S
	}
	return v.String()
}

func and3(x, y types.Value) types.Value {
	xf := !x.IsNull() && !x.Bool()
	yf := !y.IsNull() && !y.Bool()
	if xf || yf {
		return types.NewBool(false)
	}
	if x.IsNull() || y.IsNull() {
		return types.NullOf(types.Bool)
	}
	return types.NewBool(true)
}

func or3(x, y types.Value) types.Value {
	if x.Bool() || y.Bool() {
		return types.NewBool(true)
	}
	if x.IsNull() || y.IsNull() {
		return types.NullOf(types.Bool)
	}
	return types.NewBool(false)
}

// StringOp returns the predicate of a string operator (has, contains, startswith, like
// and their negations and case-sensitive forms), or nil.
func StringOp(op syntax.BinaryOp) func(s, t string) bool {
	not := func(f func(s, t string) bool) func(s, t string) bool {
		return func(s, t string) bool { return !f(s, t) }
	}
	has := func(s, t string) bool { return types.Has(s, t, false) }
	hasCs := func(s, t string) bool { return types.Has(s, t, true) }
	hp := func(s, t string) bool { return types.HasPrefix(s, t, false) }
	hpCs := func(s, t string) bool { return types.HasPrefix(s, t, true) }
	hs := func(s, t string) bool { return types.HasSuffix(s, t, false) }
	hsCs := func(s, t string) bool { return types.HasSuffix(s, t, true) }
	co := func(s, t string) bool { return types.Contains(s, t, false) }
	coCs := func(s, t string) bool { return types.Contains(s, t, true) }
	sw := func(s, t string) bool { return types.StartsWith(s, t, false) }
	swCs := func(s, t string) bool { return types.StartsWith(s, t, true) }
	ew := func(s, t string) bool { return types.EndsWith(s, t, false) }
	ewCs := func(s, t string) bool { return types.EndsWith(s, t, true) }
	switch op {
	case syntax.OpHas:
		return has
	case syntax.OpNotHas:
		return not(has)
	case syntax.OpHasCs:
		return hasCs
	case syntax.OpNotHasCs:
		return not(hasCs)
	case syntax.OpHasPrefix:
		return hp
	case syntax.OpNotHasPrefix:
		return not(hp)
	case syntax.OpHasPrefixCs:
		return hpCs
	case syntax.OpNotHasPrefixCs:
		return not(hpCs)
	case syntax.OpHasSuffix:
		return hs
	case syntax.OpNotHasSuffix:
		return not(hs)
	case syntax.OpHasSuffixCs:
		return hsCs
	case syntax.OpNotHasSuffixCs:
		return not(hsCs)
	case syntax.OpContains, syntax.OpLike:
		return co
	case syntax.OpNotContains, syntax.OpNotLike:
		return not(co)
	case syntax.OpContainsCs, syntax.OpLikeCs:
		return coCs
	case syntax.OpNotContainsCs, syntax.OpNotLikeCs:
		return not(coCs)
	case syntax.OpStartsWith:
		return sw
	case syntax.OpNotStartsWith:
		return not(sw)
	case syntax.OpStartsWithCs:
		return swCs
	case syntax.OpNotStartsWithCs:
		return not(swCs)
	case syntax.OpEndsWith:
		return ew
	case syntax.OpNotEndsWith:
		return not(ew)
	case syntax.OpEndsWithCs:
		return ewCs
	case syntax.OpNotEndsWithCs:
		return not(ewCs)
	}
	return nil
}

// packNonEmpty wraps bag_pack's kernel to drop null and empty values (pack_all(true)).
func packNonEmpty(k funcs.ScalarKernel) funcs.ScalarKernel {
	return func(ctx *funcs.Context, args []types.Value) types.Value {
		kept := make([]types.Value, 0, len(args))
		for i := 0; i+1 < len(args); i += 2 {
			v := args[i+1]
			if v.IsNull() || (v.Type == types.String && v.S == "") {
				continue
			}
			kept = append(kept, args[i], v)
		}
		return k(ctx, kept)
	}
}
