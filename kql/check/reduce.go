package check

import (
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// reduce checks `reduce [kind=source] by Expr [with threshold=T, characters=C]`
// (reduce-operator.md). The plain form returns Pattern, Count and Representative; with
// kind=source the input rows come back with a Pattern column appended.
func (c *checker) reduce(op *syntax.ReduceOp, in *Schema, sc *scope, r *row) *Schema {
	source := false
	for _, p := range op.Params {
		if !strings.EqualFold(p.Name.Name, "kind") {
			continue // hints
		}
		v := syntax.ParamText(p.Value)
		if !strings.EqualFold(v, "source") {
			c.errorf(p.Value, "in 'reduce': expected kind=source, found kind=%s", v)
			continue
		}
		source = true
	}
	if op.By != nil {
		if t := c.scalar(op.By, sc, r); t != types.String && t != types.Dynamic && t != types.Unknown {
			c.errorf(op.By, "in 'reduce': expected a string expression, found %s", t)
		}
	}
	for _, p := range op.With {
		if p.Value == nil {
			continue
		}
		switch t := c.scalar(p.Value, sc, nil); strings.ToLower(p.Name.Name) {
		case "threshold":
			if !t.IsNumeric() && t != types.Unknown {
				c.errorf(p.Value, "in 'reduce': expected a real threshold, found %s", t)
			}
		case "characters":
			if t != types.String && t != types.Unknown {
				c.errorf(p.Value, "in 'reduce': expected a string of characters, found %s", t)
			}
		default:
			c.errorf(p.Name, "in 'reduce': unknown property '%s'; expected threshold or characters", p.Name.Name)
		}
	}
	if source {
		out := in.clone()
		out.set("Pattern", types.String)
		return out
	}
	return &Schema{Columns: []Column{{Name: "Pattern", Type: types.String}, {Name: "Count", Type: types.Long}, {Name: "Representative", Type: types.String}}}
}
