package syntax

// ParamText is the text of an operator parameter's value (`kind=source`,
// `threshold=0.5`, `format="csv"`): an identifier's name or a literal's Value (a string's
// decoded text, other literals' source text); "" for any other expression.
func ParamText(e Expr) string {
	switch e := e.(type) {
	case *Ident:
		return e.Name
	case *Literal:
		return e.Value
	}
	return ""
}
