package plan

import (
	"fmt"
	"strings"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// Expr is a bound scalar expression, evaluated over the rows of its operator's input.
type Expr interface {
	// Type is the expression's result type.
	Type() types.Type
	String() string
}

// ColRef reads input column Index.
type ColRef struct {
	Index int
	Name  string
	T     types.Type
}

// Const is a constant.
type Const struct {
	V types.Value
}

// Call calls a registry function's scalar kernel.
type Call struct {
	Func *funcs.Func
	Args []Expr
	T    types.Type
}

// Binary is an infix operator: comparison, arithmetic, string operator, and/or.
type Binary struct {
	Op   syntax.BinaryOp
	X, Y Expr
	T    types.Type
}

// Neg is unary minus.
type Neg struct {
	X Expr
}

// In is a set membership test (in, !in, in~, !in~, has_any, has_all). Set holds the list
// when it is constant; otherwise List holds expressions and Sub a subquery whose first
// column gives the values.
type In struct {
	Op   syntax.BinaryOp
	X    Expr
	List []Expr
	Sub  Node
}

// Between is `X between (Lo .. Hi)`, negated with Not.
type Between struct {
	X, Lo, Hi Expr
	Not       bool
}

// Member is dynamic member or element access X[Key].
type Member struct {
	X   Expr
	Key Expr
}

// Subquery is toscalar(Query): the first column of the first row of a tabular plan, run
// once per query.
type Subquery struct {
	Plan Node
	T    types.Type
}

// WindowKind names a function that reads neighbouring rows of a serialized row set.
type WindowKind string

// Window is row_number(), prev(), next(), row_cumsum() and the like, evaluated in row order.
type Window struct {
	Kind WindowKind
	Args []Expr
	T    types.Type
}

// Cast converts X to T with Kusto's conversion rules (used where the plan must settle a
// type, such as union columns and mv-expand `to typeof`).
type Cast struct {
	X Expr
	T types.Type
}

func (e *ColRef) Type() types.Type   { return e.T }
func (e *Const) Type() types.Type    { return e.V.Type }
func (e *Call) Type() types.Type     { return e.T }
func (e *Binary) Type() types.Type   { return e.T }
func (e *Neg) Type() types.Type      { return e.X.Type() }
func (e *In) Type() types.Type       { return types.Bool }
func (e *Between) Type() types.Type  { return types.Bool }
func (e *Member) Type() types.Type   { return types.Dynamic }
func (e *Subquery) Type() types.Type { return e.T }
func (e *Window) Type() types.Type   { return e.T }
func (e *Cast) Type() types.Type     { return e.T }

func (e *ColRef) String() string { return fmt.Sprintf("%s#%d", e.Name, e.Index) }
func (e *Const) String() string  { return constString(e.V) }
func (e *Call) String() string   { return e.Func.Name + "(" + exprList(e.Args) + ")" }
func (e *Binary) String() string {
	return "(" + e.X.String() + " " + e.Op.String() + " " + e.Y.String() + ")"
}
func (e *Neg) String() string { return "-" + e.X.String() }
func (e *In) String() string {
	if e.Sub != nil {
		return e.X.String() + " " + e.Op.String() + " (subquery)"
	}
	return e.X.String() + " " + e.Op.String() + " (" + exprList(e.List) + ")"
}
func (e *Between) String() string {
	op := "between"
	if e.Not {
		op = "!between"
	}
	return fmt.Sprintf("%s %s (%s .. %s)", e.X, op, e.Lo, e.Hi)
}
func (e *Member) String() string   { return e.X.String() + "[" + e.Key.String() + "]" }
func (e *Subquery) String() string { return "toscalar(subquery)" }
func (e *Window) String() string   { return string(e.Kind) + "(" + exprList(e.Args) + ")" }
func (e *Cast) String() string     { return "to" + e.T.String() + "(" + e.X.String() + ")" }

func exprList(xs []Expr) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x.String())
	}
	return b.String()
}

func constString(v types.Value) string {
	if v.IsNull() {
		return v.Type.String() + "(null)"
	}
	switch v.Type {
	case types.String:
		return types.QuoteJSON(v.S)
	case types.Long, types.Bool, types.Real:
		return v.String()
	case types.Dynamic:
		return "dynamic(" + v.S + ")"
	}
	return v.Type.String() + "(" + v.String() + ")"
}

// Walk calls fn for e and every expression under it (not into subquery plans).
func Walk(e Expr, fn func(Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch e := e.(type) {
	case *Call:
		for _, a := range e.Args {
			Walk(a, fn)
		}
	case *Binary:
		Walk(e.X, fn)
		Walk(e.Y, fn)
	case *Neg:
		Walk(e.X, fn)
	case *In:
		Walk(e.X, fn)
		for _, a := range e.List {
			Walk(a, fn)
		}
	case *Between:
		Walk(e.X, fn)
		Walk(e.Lo, fn)
		Walk(e.Hi, fn)
	case *Member:
		Walk(e.X, fn)
		Walk(e.Key, fn)
	case *Window:
		for _, a := range e.Args {
			Walk(a, fn)
		}
	case *Cast:
		Walk(e.X, fn)
	}
}

// Columns adds to set the input columns e reads.
func Columns(e Expr, set map[int]bool) {
	Walk(e, func(x Expr) {
		if c, ok := x.(*ColRef); ok {
			set[c.Index] = true
		}
	})
}

// hasWindow reports whether e reads neighbouring rows.
func hasWindow(e Expr) bool {
	found := false
	Walk(e, func(x Expr) {
		if _, ok := x.(*Window); ok {
			found = true
		}
	})
	return found
}

// Remap returns e with every column reference i replaced by a reference to m[i]. It
// returns nil if some referenced column has m[i] < 0.
func Remap(e Expr, m []int, fields []Field) Expr {
	switch x := e.(type) {
	case *ColRef:
		if x.Index >= len(m) || m[x.Index] < 0 {
			return nil
		}
		j := m[x.Index]
		return &ColRef{Index: j, Name: fields[j].Name, T: x.T}
	case *Const, *Subquery:
		return e
	case *Call:
		args, ok := remapList(x.Args, m, fields)
		if !ok {
			return nil
		}
		return &Call{Func: x.Func, Args: args, T: x.T}
	case *Binary:
		a, b := Remap(x.X, m, fields), Remap(x.Y, m, fields)
		if a == nil || b == nil {
			return nil
		}
		return &Binary{Op: x.Op, X: a, Y: b, T: x.T}
	case *Neg:
		a := Remap(x.X, m, fields)
		if a == nil {
			return nil
		}
		return &Neg{X: a}
	case *In:
		a := Remap(x.X, m, fields)
		list, ok := remapList(x.List, m, fields)
		if a == nil || !ok {
			return nil
		}
		return &In{Op: x.Op, X: a, List: list, Sub: x.Sub}
	case *Between:
		a, lo, hi := Remap(x.X, m, fields), Remap(x.Lo, m, fields), Remap(x.Hi, m, fields)
		if a == nil || lo == nil || hi == nil {
			return nil
		}
		return &Between{X: a, Lo: lo, Hi: hi, Not: x.Not}
	case *Member:
		a, k := Remap(x.X, m, fields), Remap(x.Key, m, fields)
		if a == nil || k == nil {
			return nil
		}
		return &Member{X: a, Key: k}
	case *Cast:
		a := Remap(x.X, m, fields)
		if a == nil {
			return nil
		}
		return &Cast{X: a, T: x.T}
	}
	return nil // windows are never moved
}

func remapList(xs []Expr, m []int, fields []Field) ([]Expr, bool) {
	out := make([]Expr, len(xs))
	for i, x := range xs {
		out[i] = Remap(x, m, fields)
		if out[i] == nil {
			return nil, false
		}
	}
	return out, true
}
