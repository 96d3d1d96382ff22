package plan

import (
	"fmt"
	"strings"
)

// Format prints q as indented text, one operator per line, inputs below their consumer.
// Column references print as name#index (the index into the operator's input).
func Format(q *Query) string {
	var b strings.Builder
	for i, o := range q.Outputs {
		if i > 0 {
			b.WriteByte('\n')
		}
		name := o.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i)
		}
		fmt.Fprintf(&b, "output %s [%s]\n", name, fieldList(o.Root.Schema()))
		formatNode(&b, o.Root, 1)
	}
	return b.String()
}

func fieldList(fs []Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Name + ":" + f.Type.String()
	}
	return strings.Join(parts, ", ")
}

func formatNode(b *strings.Builder, n Node, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(Label(n))
	b.WriteByte('\n')
	for _, in := range n.Inputs() {
		formatNode(b, in, depth+1)
	}
}

// Label is a one-line description of n (without its inputs).
func Label(n Node) string {
	switch x := n.(type) {
	case *Scan:
		s := "scan " + x.Table
		if x.Needed != nil {
			var cols []string
			for i, ok := range x.Needed {
				if ok {
					cols = append(cols, x.Fields[i].Name)
				}
			}
			s += fmt.Sprintf(" columns=[%s] (%d of %d)", strings.Join(cols, ", "), len(cols), len(x.Fields))
		}
		return s
	case *SingleRow:
		return "single-row"
	case *StepScan:
		return scanLabel(x)
	case *Values:
		return fmt.Sprintf("datatable [%s] rows=%d", fieldList(x.Fields), len(x.Rows))
	case *Range:
		return fmt.Sprintf("range %s from %s to %s step %s", x.Name, x.From, x.To, x.Step)
	case *Filter:
		return fmt.Sprintf("%s %s", x.Op, x.Pred)
	case *Project:
		var parts []string
		passed := 0
		for i, e := range x.Exprs {
			c, ok := e.(*ColRef)
			switch {
			case ok && c.Index == i && c.Name == x.Fields[i].Name && x.Op != "project":
				passed++ // extend passes input columns through unchanged
			case ok && c.Name == x.Fields[i].Name:
				parts = append(parts, c.String())
			default:
				parts = append(parts, x.Fields[i].Name+"="+e.String())
			}
		}
		s := fmt.Sprintf("%s [%s]", x.Op, strings.Join(parts, ", "))
		if passed > 0 {
			s += fmt.Sprintf(" (+%d columns passed through)", passed)
		}
		if x.Serial {
			s += " serial"
		}
		return s
	case *Aggregate:
		var aggs []string
		for _, a := range x.Aggs {
			names := make([]string, len(a.Outputs))
			for i, o := range a.Outputs {
				names[i] = o.Name
			}
			aggs = append(aggs, fmt.Sprintf("%s=%s(%s)", strings.Join(names, ","), a.Name, exprList(a.Args)))
		}
		keys := make([]string, len(x.Keys))
		for i, k := range x.Keys {
			keys[i] = x.Fields[i].Name + "=" + k.String()
		}
		return fmt.Sprintf("%s [%s] by [%s]", x.Op, strings.Join(aggs, ", "), strings.Join(keys, ", "))
	case *Sort:
		keys := make([]string, len(x.Keys))
		for i, k := range x.Keys {
			dir, nulls := "asc", "last"
			if k.Desc {
				dir = "desc"
			}
			if k.NullsFirst {
				nulls = "first"
			}
			keys[i] = fmt.Sprintf("%s %s nulls %s", k.X, dir, nulls)
		}
		if x.Limit >= 0 {
			return fmt.Sprintf("top %d by %s", x.Limit, strings.Join(keys, ", "))
		}
		return "sort by " + strings.Join(keys, ", ")
	case *Limit:
		return fmt.Sprintf("take %d", x.N)
	case *Join:
		keys := make([]string, len(x.LeftKeys))
		for i := range keys {
			keys[i] = fmt.Sprintf("$left.%s == $right.%s", x.Left.Schema()[x.LeftKeys[i]].Name, x.Right.Schema()[x.RightKeys[i]].Name)
		}
		return fmt.Sprintf("%s kind=%s on %s", x.Op, x.Kind, strings.Join(keys, ", "))
	case *Union:
		s := fmt.Sprintf("union [%s]", fieldList(x.Fields))
		if x.Source != "" {
			s += " withsource=" + x.Source
		}
		return s
	case *MvExpand:
		items := make([]string, len(x.Items))
		for i, it := range x.Items {
			items[i] = fmt.Sprintf("%s=%s to %s", x.Fields[it.Index].Name, it.X, it.To)
		}
		return "mv-expand " + strings.Join(items, ", ")
	case *Parse:
		op := "parse"
		if x.Where {
			op = "parse-where"
		}
		return fmt.Sprintf("%s kind=%s %s with /%s/", op, x.Kind, x.X, x.Regex)
	case *ParseKv:
		return fmt.Sprintf("parse-kv %s as (%s)", x.X, fieldList(x.Keys))
	case *MakeSeries:
		return fmt.Sprintf("make-series [%s] on %s step %s", fieldList(x.Fields), x.Axis, x.Step)
	case *Sample:
		return fmt.Sprintf("sample %d", x.N)
	case *GetSchema:
		return "getschema"
	case *Render:
		return "render " + x.Chart
	case *Evaluate:
		return fmt.Sprintf("evaluate %s(%s)", x.Plugin, exprList(x.Args))
	case *Materialize:
		return "materialize"
	case *TopNested:
		return fmt.Sprintf("top-nested [%s]", fieldList(x.Fields))
	case *External:
		return fmt.Sprintf("externaldata [%s] %s format=%s", fieldList(x.Fields), strings.Join(x.URIs, ", "), x.Format)
	case *MvApply:
		return "mv-apply"
	case *IPLookup:
		op := "ipv4_lookup"
		if x.V6 {
			op = "ipv6_lookup"
		}
		return fmt.Sprintf("%s %s in %s", op, x.Input.Schema()[x.Src].Name, x.Lookup.Schema()[x.Range].Name)
	case *GeoLookup:
		op := "geo_polygon_lookup"
		if x.Line {
			op = "geo_line_lookup"
		}
		return fmt.Sprintf("%s (%s, %s) in %s", op, x.Input.Schema()[x.Lon].Name, x.Input.Schema()[x.Lat].Name, x.Lookup.Schema()[x.Key].Name)
	case *Pivot:
		return fmt.Sprintf("pivot %s by %s(%s) [%s]", x.Col, x.Agg.Name, exprList(x.Agg.Args), fieldList(x.Fields))
	case *Partition:
		return "partition by " + x.By.String()
	case *Reduce:
		return x.label()
	case *SubInput:
		return "subquery-input"
	}
	if s, ok := graphLabel(n); ok {
		return s
	}
	return fmt.Sprintf("%T", n)
}
