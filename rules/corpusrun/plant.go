package corpusrun

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// Literals returns, by column name, the constants the query compares columns with:
// `Col == "x"`, `Col =~ "x"`, `Col has "x"` (and the other positive string operators),
// `Col in ("a", "b")`, `Col has_any (list)` where list may be a let-bound
// dynamic array, and `Col > 5`. These are the values a rule filters on; data that never
// holds them lets few rows past the first `where`, and the rest of the query runs on
// nothing. Negated operators are ignored.
func (q *Query) Literals() map[string][]string {
	out := map[string][]string{}
	if q.checked == nil {
		return out
	}
	lists := map[string][]string{} // let-bound lists of constants
	add := func(col string, vals ...string) {
		for _, v := range vals {
			if v != "" && !slices.Contains(out[col], v) && len(out[col]) < 20 {
				out[col] = append(out[col], v)
			}
		}
	}
	syntax.Inspect(q.checked.Script, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.LetStmt:
			if x.Value != nil {
				if vals, ok := constList(x.Value); ok {
					lists[x.Name.Name] = vals
				}
			}
		case *syntax.BinaryExpr:
			if !positive(x.Op) {
				return true
			}
			col, lit := columnAndLiteral(x.X, x.Y)
			if col == "" {
				col, lit = columnAndLiteral(x.Y, x.X)
			}
			if col != "" {
				add(col, lit)
			}
		case *syntax.InExpr:
			id, ok := unparen(x.X).(*syntax.Ident)
			if !ok || x.Op == syntax.OpNotIn || x.Op == syntax.OpNotInCs {
				return true
			}
			for _, e := range x.List {
				if ref, ok := unparen(e).(*syntax.Ident); ok {
					add(id.Name, lists[ref.Name]...)
					continue
				}
				if vals, ok := constList(e); ok {
					add(id.Name, vals...)
				}
			}
		}
		return true
	})
	return out
}

// positive reports whether op holds for a value equal to its constant operand.
func positive(op syntax.BinaryOp) bool {
	switch op {
	case syntax.OpEq, syntax.OpEqTilde, syntax.OpHas, syntax.OpHasCs, syntax.OpHasPrefix, syntax.OpHasPrefixCs,
		syntax.OpHasSuffix, syntax.OpHasSuffixCs, syntax.OpContains, syntax.OpContainsCs, syntax.OpStartsWith,
		syntax.OpStartsWithCs, syntax.OpEndsWith, syntax.OpEndsWithCs, syntax.OpGe, syntax.OpLe, syntax.OpColon:
		return true
	}
	return false
}

func unparen(e syntax.Expr) syntax.Expr {
	for {
		p, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// columnAndLiteral returns the column name and constant text when a is a plain name and
// b a string, number or bool literal.
func columnAndLiteral(a, b syntax.Expr) (string, string) {
	id, ok := unparen(a).(*syntax.Ident)
	if !ok {
		return "", ""
	}
	lit, ok := unparen(b).(*syntax.Literal)
	if !ok || lit.IsNull {
		return "", ""
	}
	switch lit.Kind {
	case syntax.LitString, syntax.LitLong, syntax.LitInt, syntax.LitReal, syntax.LitBool:
		return id.Name, lit.Value
	}
	return "", ""
}

// constList returns the constants of a literal, a dynamic array of literals or a
// parenthesised list.
func constList(e syntax.Expr) ([]string, bool) {
	switch x := unparen(e).(type) {
	case *syntax.Literal:
		if x.IsNull || x.Kind == syntax.LitDateTime || x.Kind == syntax.LitTimespan {
			return nil, false
		}
		return []string{x.Value}, true
	case *syntax.DynamicLit:
		return constList(x.Value)
	case *syntax.ArrayLit:
		var out []string
		for _, el := range x.Elems {
			if lit, ok := unparen(el).(*syntax.Literal); ok && !lit.IsNull {
				out = append(out, lit.Value)
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

// Plant returns views of tables in which about half the rows of every column named in
// values hold one of those values instead of the generated one (converted to the
// column's type; values that do not convert are skipped). Tables and columns without
// values are shared, not copied. The choice of rows and values depends only on seed,
// the table and the column.
func Plant(tables map[string]*column.Table, values map[string][]string, seed uint64) map[string]*column.Table {
	out := make(map[string]*column.Table, len(tables))
	for name, t := range tables {
		out[name] = t
		var cols []int
		for i, f := range t.Schema {
			if len(values[f.Name]) > 0 && plantable(f.Type) {
				cols = append(cols, i)
			}
		}
		if len(cols) == 0 {
			continue
		}
		nt := &column.Table{Name: t.Name, Schema: t.Schema}
		for bi, b := range t.Batches {
			nb := &column.Batch{Schema: b.Schema, Cols: slices.Clone(b.Cols), Len: b.Len}
			for _, ci := range cols {
				f := t.Schema[ci]
				var conv []types.Value
				for _, s := range values[f.Name] {
					if v, ok := convert(f.Type, s); ok {
						conv = append(conv, v)
					}
				}
				if len(conv) == 0 {
					continue
				}
				h := fnv.New64a()
				h.Write([]byte(name + "\x00" + f.Name))
				r := rand.New(rand.NewPCG(seed, h.Sum64()+uint64(bi)))
				bld := column.NewBuilder(f.Type)
				old := b.Cols[ci]
				for i := 0; i < b.Len; i++ {
					if r.IntN(2) == 0 {
						bld.Append(conv[r.IntN(len(conv))])
					} else {
						bld.Append(old.Value(i))
					}
				}
				nb.Cols[ci] = bld.Build()
			}
			nt.Batches = append(nt.Batches, nb)
		}
		out[name] = nt
	}
	return out
}

func plantable(t types.Type) bool {
	switch t {
	case types.String, types.Int, types.Long, types.Real, types.Bool:
		return true
	}
	return false
}

// convert makes a value of type t from a literal's text.
func convert(t types.Type, s string) (types.Value, bool) {
	switch t {
	case types.String:
		return types.NewString(s), true
	case types.Int:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 32)
		return types.NewInt(int32(n)), err == nil
	case types.Long:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64)
		return types.NewLong(n), err == nil
	case types.Real:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return types.NewReal(f), err == nil
	case types.Bool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return types.NewBool(true), true
		case "false":
			return types.NewBool(false), true
		}
	}
	return types.Value{}, false
}
