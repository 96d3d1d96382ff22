package kusto

import (
	"sort"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// bindParameters applies request parameters (the Parameters member of the request
// properties) to the `declare query_parameters(...)` statements of src, by writing each
// given value as the parameter's default. Values are KQL literals, as the SDKs send them
// (`"text"`, `long(5)`, `datetime(2024-01-01)`, `dynamic([1,2])`); for a string parameter a
// value that is not a string literal is taken as the text itself. Parameters the query
// does not declare are ignored, as Kusto ignores them.
//
// The rewrite keeps every line but the declaration's as it was, so positions in errors
// still point at the query the client sent.
func bindParameters(src string, params map[string]string) (string, error) {
	if len(params) == 0 {
		return src, nil
	}
	script, errs := syntax.Parse(src)
	if len(errs) > 0 {
		// Compiling the text as it is reports the syntax errors.
		return src, nil
	}
	type edit struct {
		from, to int
		text     string
	}
	var edits []edit
	for _, st := range script.Stmts {
		d, ok := st.(*syntax.DeclareQueryParametersStmt)
		if !ok {
			continue
		}
		for _, p := range d.Params {
			v, given := params[p.Name.Name]
			if !given || p.Type == nil {
				continue
			}
			lit, err := parameterLiteral(p.Name.Name, p.Type.Name, v)
			if err != nil {
				return "", err
			}
			if p.Default != nil {
				edits = append(edits, edit{int(p.Default.Pos()), int(p.Default.End()), lit})
			} else {
				end := int(p.Type.End())
				edits = append(edits, edit{end, end, " = " + lit})
			}
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].from > edits[j].from })
	for _, e := range edits {
		src = src[:e.from] + e.text + src[e.to:]
	}
	return src, nil
}

// parameterLiteral checks a parameter value and returns it as a KQL literal.
func parameterLiteral(name, typ, v string) (string, error) {
	x, errs := syntax.ParseExpr(v)
	if len(errs) == 0 && isLiteral(x) {
		return v, nil
	}
	if t, ok := types.ParseType(typ); ok && t == types.String {
		return types.QuoteJSON(v), nil
	}
	return "", badRequest("bad value for query parameter %s (%s): %q is not a literal", name, typ, v)
}

// isLiteral reports whether x is a constant: a literal, dynamic(...), or a signed number.
func isLiteral(x syntax.Expr) bool {
	switch x := x.(type) {
	case *syntax.Literal, *syntax.DynamicLit:
		return true
	case *syntax.UnaryExpr:
		_, ok := x.X.(*syntax.Literal)
		return ok
	case *syntax.ParenExpr:
		return isLiteral(x.X)
	}
	return false
}
