package check

import (
	"fmt"
	"path"
	"strconv"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// exprName gives the column name Kusto derives from an expression when the query gives
// none: a column's own name, `Props_a_b` for `Props.a.b` or `Props["a"]["b"]`, and the
// registry's naming rule for calls (`count_`, `dcount_User`, `TimeGenerated` for
// bin(TimeGenerated, 1h)). It returns "" when the expression has no inherent name.
func (c *checker) exprName(e syntax.Expr) string {
	switch e := e.(type) {
	case *syntax.Ident:
		if s, ok := c.info.Refs[e]; ok && (s.Kind == SymColumn || s.Kind == SymScalarLet || s.Kind == SymParam || s.Kind == SymQueryParam) {
			return e.Name
		}
		if _, ok := c.info.Refs[e]; !ok {
			// An unresolved name of an open schema still names its column.
			return e.Name
		}
	case *syntax.ParenExpr:
		// summarize by (tostring(X)) names its column as without the parentheses.
		return c.exprName(e.X)
	case *syntax.SelectorExpr:
		if id, ok := e.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			return selName(e)
		}
		if x := c.exprName(e.X); x != "" && e.Sel != nil {
			return x + "_" + e.Sel.Name
		}
	case *syntax.IndexExpr:
		x := c.exprName(e.X)
		if x == "" {
			return ""
		}
		if v, ok := c.info.Consts[e.Index]; ok {
			switch v.Type {
			case types.String:
				return x + "_" + v.S
			case types.Int, types.Long:
				return x + "_" + strconv.FormatInt(v.I, 10)
			}
		}
	case *syntax.CallExpr:
		if n, ok := c.info.IfExists[e]; ok {
			return n
		}
		if e.Fun != nil && (e.Fun.Name == "column_ifexists" || e.Fun.Name == "columnifexists") && len(e.Args) == 2 {
			// column_ifexists("Capital", State) names its result State when there is no
			// column Capital (the documented output of the reference example).
			return c.exprName(argValue(e.Args[1]))
		}
		f := c.info.Calls[e]
		if f == nil {
			return ""
		}
		first := ""
		if len(e.Args) > 0 {
			if ne, ok := e.Args[0].(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
				// bin(Bucket = Timestamp, 5m) names the result Bucket.
				first = ne.Names[0].Name
			} else {
				first = c.exprName(e.Args[0])
			}
		}
		if n, ok := f.ResultName(first); ok {
			return n
		}
	}
	return ""
}

// namer hands out names for unnamed columns of one operator: ColumnN, the lowest N not
// taken yet.
type namer struct {
	taken func(string) bool
	next  int
}

func (n *namer) column() string {
	for {
		n.next++
		name := fmt.Sprintf("Column%d", n.next)
		if !n.taken(name) {
			return name
		}
	}
}

// uniqueName returns name, or name with the lowest numeric suffix (from 1) that is not
// taken, as join and union do for duplicate columns.
func uniqueName(name string, taken func(string) bool) string {
	if !taken(name) {
		return name
	}
	for i := 1; ; i++ {
		n := name + strconv.Itoa(i)
		if !taken(n) {
			return n
		}
	}
}

// matchWildcard reports whether name matches a KQL name pattern with `*`.
func matchWildcard(pattern, name string) bool {
	ok, err := path.Match(escapeGlob(pattern), name)
	return err == nil && ok
}

// escapeGlob escapes the glob characters other than `*` that path.Match would interpret.
func escapeGlob(p string) string {
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '?', '[', ']', '\\':
			out = append(out, '\\')
		}
		out = append(out, p[i])
	}
	return string(out)
}

// Schema helpers. Schemas are never changed once an operator has produced them; these
// return new ones.

func (s *Schema) clone() *Schema {
	return &Schema{Columns: append([]Column(nil), s.Columns...), Open: s.Open}
}

// set replaces the named column's type in place, or appends the column.
func (s *Schema) set(name string, t types.Type) {
	if i := s.Index(name); i >= 0 {
		s.Columns[i].Type = t
		return
	}
	s.Columns = append(s.Columns, Column{Name: name, Type: t})
}

func (s *Schema) has(name string) bool { return s.Index(name) >= 0 }
