package plan

import (
	"strings"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// find plans `find [withsource=C] [in (Tables)] where Pred [project-smart | project ...]`
// (find-operator.md): the union of the tables that have a column the predicate names,
// filtered by the predicate (with search's term syntax), with a source_ column. With
// project, the output is the listed columns (null where a table lacks one) and, for
// pack_all(), a bag of every column; with project-smart (the default), it is the
// predicate's columns and the columns common to every table, then a pack_ bag of the
// other non-empty columns.
func (b *builder) find(op *syntax.FindOp, sc *scope) (Node, error) {
	source := "source_"
	for _, p := range op.Params {
		if strings.EqualFold(p.Name.Name, "withsource") {
			source = paramText(p.Value)
		}
	}
	predCols := map[string]bool{}
	syntax.Inspect(op.Pred, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			predCols[id.Name] = true
		}
		return true
	})
	tables := op.Tables
	if tables == nil && b.env.TableNames != nil {
		for _, n := range b.env.TableNames() {
			tables = append(tables, &syntax.Ident{NamePos: op.Keyword, Name: n, Raw: n})
		}
	}
	// Tables without any column the predicate uses are left out.
	var kept []syntax.Expr
	for _, t := range tables {
		id, ok := t.(*syntax.Ident)
		if !ok || sc.lookup(id.Name) != nil || b.env.Table == nil {
			kept = append(kept, t)
			continue
		}
		fields, ok := b.env.Table(id.Name)
		if !ok {
			kept = append(kept, t)
			continue
		}
		for _, f := range fields {
			if predCols[f.Name] {
				kept = append(kept, t)
				break
			}
		}
	}
	if len(kept) == 0 {
		kept = tables
	}
	src := &syntax.Ident{NamePos: op.Keyword, Name: source, Raw: source}
	u, err := b.union(&syntax.UnionOp{Keyword: op.Keyword, Tables: kept,
		Params: []*syntax.OpParam{{Name: &syntax.Ident{Name: "withsource"}, Value: src}}}, nil, sc)
	if err != nil {
		return nil, err
	}
	row := u.Schema()
	pred, err := b.searchPred(op.Pred, row, sc, false)
	if err != nil {
		return nil, err
	}
	in := &Filter{Input: u, Pred: pred, Op: "find"}
	out := &Project{Input: in, Op: "find"}
	add := func(name string, e Expr) {
		out.Exprs = append(out.Exprs, e)
		out.Fields = append(out.Fields, Field{Name: name, Type: e.Type()})
	}
	col := func(name string) Expr {
		if i := fieldIndex(row, name); i >= 0 {
			return &ColRef{Index: i, Name: name, T: row[i].Type}
		}
		return nil
	}
	if si := fieldIndex(row, source); si >= 0 {
		add(source, col(source))
	}
	if op.ProjectPos != syntax.NoPos && !op.ProjectSmart {
		for _, x := range op.Project {
			switch x := x.(type) {
			case *syntax.Ident:
				e := col(x.Name)
				if e == nil {
					e = &Const{V: types.NullOf(types.String)}
				}
				add(x.Name, e)
			case *syntax.ColumnDecl:
				t := types.String
				if x.Type != nil {
					if pt, ok := types.ParseType(x.Type.Name); ok {
						t = pt
					}
				}
				e := col(x.Name.Name)
				if e == nil {
					e = &Const{V: types.NullOf(t)}
				} else if e.Type() != t {
					e = &Cast{X: e, T: t}
				}
				add(x.Name.Name, e)
			default:
				e, err := b.scalar(x, row, sc)
				if err != nil {
					return nil, err
				}
				add("column1", e)
			}
		}
		return out, nil
	}
	// project-smart: the predicate's columns, the columns every table has, then pack_.
	common := map[string]int{}
	legs := 0
	var ins []Node
	if un, ok := u.(*Union); ok {
		ins = un.Ins
	}
	for _, leg := range ins {
		legs++
		for _, f := range leg.Schema() {
			common[f.Name]++
		}
	}
	var rest []int
	for i, f := range row {
		if f.Name == source {
			continue
		}
		if predCols[f.Name] || common[f.Name] == legs {
			add(f.Name, &ColRef{Index: i, Name: f.Name, T: f.Type})
		} else {
			rest = append(rest, i)
		}
	}
	bag, ok := b.env.Funcs.Lookup("bag_pack")
	if !ok {
		return out, nil
	}
	var args []Expr
	for _, i := range rest {
		args = append(args, &Const{V: types.NewString(row[i].Name)}, &ColRef{Index: i, Name: row[i].Name, T: row[i].Type})
	}
	add("pack_", &Call{Func: &funcs.Func{Name: "pack_", Kind: funcs.Scalar, Scalar: packNonEmpty(bag.Scalar)}, Args: args, T: types.Dynamic})
	return out, nil
}
