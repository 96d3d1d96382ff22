package exec

import (
	"math"
	"regexp"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// evalFn computes an expression over every row of a batch. It may be called from several
// goroutines at once.
type evalFn func(b *column.Batch) column.Vector

// compile turns a bound expression into a batch function. Subqueries run now, once.
// Expressions that read no column are evaluated once and become constants.
func (x *executor) compile(e plan.Expr) (evalFn, error) {
	if isConstExpr(e) {
		v, err := x.evalConst(e)
		if err != nil {
			return nil, err
		}
		t := e.Type()
		return func(b *column.Batch) column.Vector { return constVec(t, v, b.Len) }, nil
	}
	switch e := e.(type) {
	case *plan.ColRef:
		i := e.Index
		return func(b *column.Batch) column.Vector { return b.Cols[i] }, nil
	case *plan.Binary:
		return x.compileBinary(e)
	case *plan.In:
		return x.compileIn(e)
	}
	// Generic path: evaluate the children as vectors, then the node row by row.
	var kids []plan.Expr
	var row func(args []types.Value) types.Value
	switch e := e.(type) {
	case *plan.Call:
		kids = e.Args
		k, fctx := e.Func.Scalar, x.fctx
		row = func(args []types.Value) types.Value { return k(fctx, args) }
	case *plan.Neg:
		kids = []plan.Expr{e.X}
		row = func(args []types.Value) types.Value { return types.Negate(unDyn(args[0])) }
	case *plan.Cast:
		kids = []plan.Expr{e.X}
		t := e.T
		row = func(args []types.Value) types.Value { return types.Convert(args[0], t) }
	case *plan.Between:
		kids = []plan.Expr{e.X, e.Lo, e.Hi}
		not := e.Not
		row = func(a []types.Value) types.Value {
			v := plan.EvalBinary(syntax.OpAnd, plan.EvalBinary(syntax.OpGe, a[0], a[1]), plan.EvalBinary(syntax.OpLe, a[0], a[2]))
			if not && !v.IsNull() {
				return types.NewBool(!v.Bool())
			}
			return v
		}
	case *plan.Member:
		kids = []plan.Expr{e.X, e.Key}
		row = func(a []types.Value) types.Value { return types.DynamicAccess(a[0], a[1]) }
	case *plan.Window:
		return x.compileWindow(e)
	default:
		return nil, &InternalError{Msg: "cannot compile " + e.String()}
	}
	fns := make([]evalFn, len(kids))
	for i, k := range kids {
		f, err := x.compile(k)
		if err != nil {
			return nil, err
		}
		fns[i] = f
	}
	t := e.Type()
	return func(b *column.Batch) column.Vector {
		vecs := make([]column.Vector, len(fns))
		for i, f := range fns {
			vecs[i] = f(b)
		}
		return rowwise(t, b.Len, vecs, row)
	}, nil
}

func rowwise(t types.Type, n int, vecs []column.Vector, row func([]types.Value) types.Value) column.Vector {
	bld := column.NewBuilder(t)
	args := make([]types.Value, len(vecs))
	for i := 0; i < n; i++ {
		for j, v := range vecs {
			args[j] = v.Value(i)
		}
		appendValue(bld, t, row(args))
	}
	return bld.Build()
}

// isConstExpr reports whether e reads no column and no neighbouring row.
func isConstExpr(e plan.Expr) bool {
	c := true
	plan.Walk(e, func(x plan.Expr) {
		switch x := x.(type) {
		case *plan.ColRef, *plan.Window:
			c = false
		case *plan.Call:
			switch x.Func.Name {
			case "rand", "new_guid":
				c = false
			}
		}
	})
	return c
}

// evalConst evaluates an expression that reads no column.
func (x *executor) evalConst(e plan.Expr) (types.Value, error) {
	switch e := e.(type) {
	case *plan.Const:
		return e.V, nil
	case *plan.Subquery:
		return x.scalarSubquery(e)
	}
	// Run the expression over a one-row batch with no columns.
	if _, ok := e.(*plan.In); ok {
		f, err := x.compileIn(e.(*plan.In))
		if err != nil {
			return types.Value{}, err
		}
		return f(&column.Batch{Len: 1}).Value(0), nil
	}
	var kids []plan.Expr
	switch e := e.(type) {
	case *plan.Call:
		kids = e.Args
	case *plan.Binary:
		kids = []plan.Expr{e.X, e.Y}
	case *plan.Neg:
		kids = []plan.Expr{e.X}
	case *plan.Cast:
		kids = []plan.Expr{e.X}
	case *plan.Between:
		kids = []plan.Expr{e.X, e.Lo, e.Hi}
	case *plan.Member:
		kids = []plan.Expr{e.X, e.Key}
	}
	args := make([]types.Value, len(kids))
	for i, k := range kids {
		v, err := x.evalConst(k)
		if err != nil {
			return v, err
		}
		args[i] = v
	}
	var v types.Value
	switch e := e.(type) {
	case *plan.Call:
		v = e.Func.Scalar(x.fctx, args)
	case *plan.Binary:
		v = plan.EvalBinary(e.Op, args[0], args[1])
	case *plan.Neg:
		v = types.Negate(unDyn(args[0]))
	case *plan.Cast:
		v = types.Convert(args[0], e.T)
	case *plan.Between:
		v = plan.EvalBinary(syntax.OpAnd, plan.EvalBinary(syntax.OpGe, args[0], args[1]), plan.EvalBinary(syntax.OpLe, args[0], args[2]))
		if e.Not && !v.IsNull() {
			v = types.NewBool(!v.Bool())
		}
	case *plan.Member:
		v = types.DynamicAccess(args[0], args[1])
	}
	t := e.Type()
	if v.IsNull() {
		return types.NullOf(t), nil
	}
	if v.Type != t && t != types.Unknown {
		v = types.Convert(v, t)
	}
	return v, nil
}

func unDyn(v types.Value) types.Value {
	if v.Type == types.Dynamic && !v.IsNull() {
		return types.DynamicScalar(types.JSON(v.S))
	}
	return v
}

// scalarSubquery runs toscalar(...) once per query.
func (x *executor) scalarSubquery(e *plan.Subquery) (types.Value, error) {
	x.mu.Lock()
	v, ok := x.scalars[e.Plan]
	x.mu.Unlock()
	if ok {
		return v, nil
	}
	t, err := x.collect(e.Plan)
	if err != nil {
		return types.Value{}, err
	}
	v = types.NullOf(e.T)
	for _, b := range t.Batches {
		if b.Len > 0 && len(b.Cols) > 0 {
			v = b.Cols[0].Value(0)
			break
		}
	}
	x.mu.Lock()
	x.scalars[e.Plan] = v
	x.mu.Unlock()
	return v, nil
}

func (x *executor) compileBinary(e *plan.Binary) (evalFn, error) {
	fx, err := x.compile(e.X)
	if err != nil {
		return nil, err
	}
	fy, err := x.compile(e.Y)
	if err != nil {
		return nil, err
	}
	op := e.Op
	t := e.T
	switch op {
	case syntax.OpAnd, syntax.OpOr:
		if hasWindowExpr(e.Y) {
			return func(b *column.Batch) column.Vector {
				return logic(op, fx(b), fy(b))
			}, nil
		}
		ycols := map[int]bool{}
		plan.Columns(e.Y, ycols)
		return func(b *column.Batch) column.Vector {
			return shortCircuit(op, b, fx(b), fy, ycols)
		}, nil
	}
	var re *regexp.Regexp
	if op == syntax.OpMatchesRegex {
		if c, ok := e.Y.(*plan.Const); ok {
			re, err = regexp.Compile(c.V.String())
			if err != nil {
				return nil, &RuntimeError{Op: "matches regex", Msg: err.Error()}
			}
		}
	}
	if c, ok := constOf(e.Y, x); ok {
		if f := stringFast(op, c, re); f != nil {
			return func(b *column.Batch) column.Vector {
				xv := fx(b)
				if s, ok := xv.(*column.Strings); ok {
					out := make([]bool, b.Len)
					s.EvalPredicate(f, out)
					return &column.Bools{Vals: out}
				}
				return rowwise(t, b.Len, []column.Vector{xv, fy(b)}, func(a []types.Value) types.Value {
					return plan.EvalBinary(op, a[0], a[1])
				})
			}, nil
		}
		if cmp := intCompare(op, c); cmp != nil {
			return func(b *column.Batch) column.Vector {
				xv := fx(b)
				if iv, ok := xv.(*column.Ints); ok && sameIntFamily(iv.T, c.Type) {
					return cmp(iv)
				}
				return rowwise(t, b.Len, []column.Vector{xv, fy(b)}, func(a []types.Value) types.Value {
					return plan.EvalBinary(op, a[0], a[1])
				})
			}, nil
		}
	}
	if re != nil {
		return func(b *column.Batch) column.Vector {
			return rowwise(t, b.Len, []column.Vector{fx(b)}, func(a []types.Value) types.Value {
				return types.NewBool(re.MatchString(textOf(a[0])))
			})
		}, nil
	}
	return func(b *column.Batch) column.Vector {
		return rowwise(t, b.Len, []column.Vector{fx(b), fy(b)}, func(a []types.Value) types.Value {
			return plan.EvalBinary(op, a[0], a[1])
		})
	}, nil
}

func textOf(v types.Value) string {
	if v.Type == types.String {
		return v.S
	}
	return v.String()
}

// constOf returns e's value when it reads no column.
func constOf(e plan.Expr, x *executor) (types.Value, bool) {
	if !isConstExpr(e) {
		return types.Value{}, false
	}
	v, err := x.evalConst(e)
	return v, err == nil
}

// stringFast returns a per-string predicate for `column op constant` on strings, so a
// dictionary-encoded column evaluates it once per distinct value.
func stringFast(op syntax.BinaryOp, c types.Value, re *regexp.Regexp) func(string) bool {
	if c.Type != types.String {
		return nil
	}
	s := c.S
	switch op {
	case syntax.OpEq:
		return func(v string) bool { return v == s }
	case syntax.OpNe:
		return func(v string) bool { return v != s }
	case syntax.OpEqTilde:
		return func(v string) bool { return types.EqualFold(v, s) }
	case syntax.OpNotEqTilde:
		return func(v string) bool { return !types.EqualFold(v, s) }
	case syntax.OpMatchesRegex:
		if re != nil {
			return re.MatchString
		}
		return nil
	}
	if f := plan.StringOp(op); f != nil {
		return func(v string) bool { return f(v, s) }
	}
	return nil
}

func sameIntFamily(a, b types.Type) bool {
	if a.IsInteger() && b.IsInteger() {
		return true
	}
	return a == b && (a == types.DateTime || a == types.TimeSpan)
}

// intCompare returns a vector comparison of an integer-like column with constant c.
func intCompare(op syntax.BinaryOp, c types.Value) func(*column.Ints) column.Vector {
	if c.IsNull() || !(c.Type.IsInteger() || c.Type == types.DateTime || c.Type == types.TimeSpan) {
		return nil
	}
	k := c.I
	var f func(a int64) bool
	switch op {
	case syntax.OpEq:
		f = func(a int64) bool { return a == k }
	case syntax.OpNe:
		f = func(a int64) bool { return a != k }
	case syntax.OpLt:
		f = func(a int64) bool { return a < k }
	case syntax.OpLe:
		f = func(a int64) bool { return a <= k }
	case syntax.OpGt:
		f = func(a int64) bool { return a > k }
	case syntax.OpGe:
		f = func(a int64) bool { return a >= k }
	default:
		return nil
	}
	ne := op == syntax.OpNe
	eq := op == syntax.OpEq
	return func(v *column.Ints) column.Vector {
		out := make([]bool, len(v.Vals))
		for i, a := range v.Vals {
			out[i] = f(a)
		}
		if v.Nulls == nil {
			return &column.Bools{Vals: out}
		}
		// A null compared with a constant: == gives false, != true, ordering null.
		var nulls column.Nulls
		for i := range out {
			if v.Nulls.Get(i) {
				switch {
				case eq:
					out[i] = false
				case ne:
					out[i] = true
				default:
					if nulls == nil {
						nulls = newNulls(len(out))
					}
					setNull(nulls, i)
					out[i] = false
				}
			}
		}
		return &column.Bools{Vals: out, Nulls: nulls}
	}
}

func hasWindowExpr(e plan.Expr) bool {
	found := false
	plan.Walk(e, func(x plan.Expr) {
		if _, ok := x.(*plan.Window); ok {
			found = true
		}
	})
	return found
}

// shortCircuit evaluates `l and/or Y` computing Y only on the rows whose result l does not
// already decide (false for and, true for or), over a batch of just the columns Y reads.
func shortCircuit(op syntax.BinaryOp, b *column.Batch, l column.Vector, fy evalFn, ycols map[int]bool) column.Vector {
	decided := func(v types.Value) bool {
		if v.IsNull() {
			return false
		}
		t := boolOf(v)
		if t.IsNull() {
			return false
		}
		return t.Bool() == (op == syntax.OpOr)
	}
	var need []int32
	lb, fast := l.(*column.Bools)
	for i := 0; i < b.Len; i++ {
		if fast && !lb.Nulls.Get(i) {
			if lb.Vals[i] == (op == syntax.OpOr) {
				continue
			}
		} else if decided(l.Value(i)) {
			continue
		}
		need = append(need, int32(i))
	}
	if len(need) == b.Len {
		return logic(op, l, fy(b))
	}
	out := make([]bool, b.Len)
	var nulls column.Nulls
	for i := range out {
		if fast && !lb.Nulls.Get(i) {
			out[i] = lb.Vals[i]
		} else {
			out[i] = boolOf(l.Value(i)).Bool()
		}
	}
	if len(need) == 0 {
		return &column.Bools{Vals: out}
	}
	sub := &column.Batch{Schema: b.Schema, Cols: make([]column.Vector, len(b.Cols)), Len: len(need)}
	for c := range b.Cols {
		if ycols[c] {
			sub.Cols[c] = column.Gather(b.Cols[c], need)
		} else {
			sub.Cols[c] = &column.Const{V: types.NullOf(b.Cols[c].Type()), N: len(need)}
		}
	}
	r := fy(sub)
	for k, i := range need {
		v := plan.EvalBinary(op, boolOf(l.Value(int(i))), boolOf(r.Value(k)))
		if v.IsNull() {
			if nulls == nil {
				nulls = newNulls(b.Len)
			}
			setNull(nulls, int(i))
			out[i] = false
			continue
		}
		out[i] = v.Bool()
	}
	return &column.Bools{Vals: out, Nulls: nulls}
}

// logic combines two bool vectors with Kusto's three-valued and/or.
func logic(op syntax.BinaryOp, a, b column.Vector) column.Vector {
	n := a.Len()
	ab, ok1 := a.(*column.Bools)
	bb, ok2 := b.(*column.Bools)
	if ok1 && ok2 && ab.Nulls == nil && bb.Nulls == nil {
		out := make([]bool, n)
		if op == syntax.OpAnd {
			for i := range out {
				out[i] = ab.Vals[i] && bb.Vals[i]
			}
		} else {
			for i := range out {
				out[i] = ab.Vals[i] || bb.Vals[i]
			}
		}
		return &column.Bools{Vals: out}
	}
	return rowwise(types.Bool, n, []column.Vector{a, b}, func(v []types.Value) types.Value {
		return plan.EvalBinary(op, boolOf(v[0]), boolOf(v[1]))
	})
}

func boolOf(v types.Value) types.Value {
	if v.Type == types.Bool || v.IsNull() {
		return v
	}
	return types.ToBool(unDyn(v))
}

// compileIn evaluates in, !in, in~, !in~, has_any and has_all.
func (x *executor) compileIn(e *plan.In) (evalFn, error) {
	fx, err := x.compile(e.X)
	if err != nil {
		return nil, err
	}
	var set []types.Value
	constant := true
	var listFns []evalFn
	if e.Sub != nil {
		set, err = x.subquerySet(e.Sub)
		if err != nil {
			return nil, err
		}
	} else {
		for _, l := range e.List {
			if v, ok := constOf(l, x); ok {
				set = append(set, flatten(v)...)
				continue
			}
			constant = false
			f, err := x.compile(l)
			if err != nil {
				return nil, err
			}
			listFns = append(listFns, f)
		}
	}
	op := e.Op
	if constant {
		pred := setPredicate(op, set)
		return func(b *column.Batch) column.Vector {
			xv := fx(b)
			if s, ok := xv.(*column.Strings); ok && op != syntax.OpHasAll {
				out := make([]bool, b.Len)
				s.EvalPredicate(func(v string) bool { return pred(types.NewString(v)) }, out)
				return &column.Bools{Vals: out}
			}
			return rowwise(types.Bool, b.Len, []column.Vector{xv}, func(a []types.Value) types.Value {
				if a[0].IsNull() && (op == syntax.OpIn || op == syntax.OpNotIn) && a[0].Type != types.Dynamic {
					return types.NewBool(op == syntax.OpNotIn)
				}
				return types.NewBool(pred(a[0]))
			})
		}, nil
	}
	return func(b *column.Batch) column.Vector {
		vecs := []column.Vector{fx(b)}
		for _, f := range listFns {
			vecs = append(vecs, f(b))
		}
		return rowwise(types.Bool, b.Len, vecs, func(a []types.Value) types.Value {
			vals := append([]types.Value(nil), set...)
			for _, v := range a[1:] {
				vals = append(vals, flatten(v)...)
			}
			return types.NewBool(setPredicate(op, vals)(a[0]))
		})
	}, nil
}

// flatten expands a dynamic array into its elements (lists in `in` may be arrays).
func flatten(v types.Value) []types.Value {
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

func (x *executor) subquerySet(n plan.Node) ([]types.Value, error) {
	x.mu.Lock()
	s, ok := x.sets[n]
	x.mu.Unlock()
	if ok {
		return s, nil
	}
	t, err := x.collect(n)
	if err != nil {
		return nil, err
	}
	for _, b := range t.Batches {
		if len(b.Cols) == 0 {
			continue
		}
		for i := 0; i < b.Len; i++ {
			s = append(s, b.Cols[0].Value(i))
		}
	}
	x.mu.Lock()
	x.sets[n] = s
	x.mu.Unlock()
	return s, nil
}

// setPredicate builds the membership test of op over set.
func setPredicate(op syntax.BinaryOp, set []types.Value) func(types.Value) bool {
	switch op {
	case syntax.OpHasAny, syntax.OpHasAll:
		terms := make([]string, len(set))
		for i, v := range set {
			terms[i] = textOf(v)
		}
		all := op == syntax.OpHasAll
		return func(v types.Value) bool {
			s := textOf(v)
			for _, t := range terms {
				h := types.Has(s, t, false)
				if all && !h {
					return false
				}
				if !all && h {
					return true
				}
			}
			return all
		}
	case syntax.OpInCs, syntax.OpNotInCs:
		m := make(map[string]bool, len(set))
		for _, v := range set {
			m[strings.ToLower(textOf(v))] = true
		}
		neg := op == syntax.OpNotInCs
		return func(v types.Value) bool { return m[strings.ToLower(textOf(v))] != neg }
	}
	neg := op == syntax.OpNotIn
	strs := map[string]bool{}
	var others []types.Value
	for _, v := range set {
		if v.Type == types.String {
			strs[v.S] = true
		} else {
			others = append(others, v)
		}
	}
	return func(v types.Value) bool {
		v = unDyn(v)
		found := false
		switch {
		case v.Type == types.String:
			// A string compares with the text of each value (`ResultType in (50126)`).
			found = strs[v.S]
			for _, o := range others {
				if found {
					break
				}
				found = !o.IsNull() && textOf(o) == v.S
			}
		case !v.IsNull():
			for _, o := range others {
				if eq := types.Equal(v, o); eq.Bool() {
					found = true
					break
				}
			}
			if !found && len(strs) > 0 {
				found = strs[textOf(v)]
			}
		}
		return found != neg
	}
}

// selection returns the rows of b where pred's vector is true.
func selection(v column.Vector) []int32 {
	n := v.Len()
	sel := make([]int32, 0, n)
	switch p := v.(type) {
	case *column.Bools:
		for i, ok := range p.Vals {
			if ok && !p.Nulls.Get(i) {
				sel = append(sel, int32(i))
			}
		}
	case *column.Const:
		if boolOf(p.V).Bool() {
			for i := 0; i < n; i++ {
				sel = append(sel, int32(i))
			}
		}
	default:
		for i := 0; i < n; i++ {
			if boolOf(v.Value(i)).Bool() {
				sel = append(sel, int32(i))
			}
		}
	}
	return sel
}

var _ = math.NaN
