package syntax

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Print writes n as canonical KQL: statements end with `;` on their own
// lines, each top-level pipe stage starts a new line with `| `, nested
// subqueries stay on one line, operators and keywords are spaced uniformly,
// parentheses are kept where they were written, strings are re-quoted with
// double quotes, and comments are dropped. Printing a parsed tree and
// parsing the result yields a tree that prints the same. Bad nodes print as
// `<bad>`; Print never panics on a tree from [Parse].
func Print(n Node) string {
	var p printer
	p.node(n)
	return p.b.String()
}

type printer struct {
	b     strings.Builder
	depth int // subquery nesting; 0 at statement level
}

func (p *printer) str(s string) { p.b.WriteString(s) }

func (p *printer) exprs(xs []Expr, sep string) {
	for i, x := range xs {
		if i > 0 {
			p.str(sep)
		}
		p.node(x)
	}
}

func (p *printer) params(ps []*OpParam) {
	for _, prm := range ps {
		p.str(" ")
		p.node(prm)
	}
}

func (p *printer) paramList(ps []*OpParam) {
	p.str("(")
	for i, prm := range ps {
		if i > 0 {
			p.str(", ")
		}
		p.node(prm)
	}
	p.str(")")
}

func (p *printer) stmts(ss []Stmt, sep string) {
	for i, s := range ss {
		if i > 0 {
			p.str(sep)
		}
		p.node(s)
	}
}

func (p *printer) ordered(os []*OrderedExpr) {
	for i, o := range os {
		if i > 0 {
			p.str(", ")
		}
		p.node(o)
	}
}

func (p *printer) declParams(ps []*Param) {
	for i, prm := range ps {
		if i > 0 {
			p.str(", ")
		}
		p.node(prm)
	}
}

// node prints any node; nil prints as `<bad>`.
func (p *printer) node(n Node) {
	if isNil(n) {
		p.str("<bad>")
		return
	}
	switch n := n.(type) {
	case *Script:
		for _, s := range n.Stmts {
			p.node(s)
			p.str(";\n")
		}
	case *Comment:
		p.str(n.Text)
	case *LetStmt:
		p.str("let ")
		p.node(n.Name)
		p.str(" = ")
		if n.Func != nil {
			p.node(n.Func)
		} else {
			p.node(n.Value)
		}
	case *FuncDecl:
		if n.View.IsValid() {
			p.str("view ")
		}
		p.str("(")
		p.declParams(n.Params)
		p.str(") { ")
		p.depth++
		p.stmts(n.Body, "; ")
		p.depth--
		p.str(" }")
	case *Param:
		p.node(n.Name)
		p.str(":")
		if n.Schema != nil {
			p.node(n.Schema)
		} else {
			p.node(n.Type)
		}
		if n.Default != nil {
			p.str(" = ")
			p.node(n.Default)
		}
	case *SetStmt:
		p.str("set ")
		p.node(n.Name)
		if n.Value != nil {
			p.str(" = ")
			p.node(n.Value)
		}
	case *DeclareQueryParametersStmt:
		p.str("declare query_parameters(")
		p.declParams(n.Params)
		p.str(")")
	case *AliasStmt:
		p.str("alias database ")
		p.node(n.Name)
		p.str(" = ")
		p.node(n.Value)
	case *PatternStmt:
		p.str("declare pattern ")
		p.node(n.Name)
		if n.Lbrace.IsValid() {
			p.str(" = (")
			p.declParams(n.Params)
			p.str(")")
			if len(n.PathParams) > 0 {
				p.str("[")
				p.declParams(n.PathParams)
				p.str("]")
			}
			p.str(" { ")
			for _, c := range n.Cases {
				p.node(c)
				p.str("; ")
			}
			p.str("}")
		}
	case *PatternCase:
		p.str("(")
		p.exprs(n.Args, ", ")
		p.str(")")
		if len(n.Path) > 0 {
			p.str(".[")
			p.exprs(n.Path, ", ")
			p.str("]")
		}
		p.str(" = { ")
		p.depth++
		p.stmts(n.Body, "; ")
		p.depth--
		p.str(" }")
	case *RestrictStmt:
		p.str("restrict access to (")
		p.exprs(n.Names, ", ")
		p.str(")")
	case *ExprStmt:
		p.node(n.X)
	case *BadStmt:
		p.str("<bad>")

	case *Ident:
		p.ident(n)
	case *WildcardName:
		p.str(n.Pattern)
	case *TypeRef:
		if n.Name == "" {
			p.str("<bad>")
		}
		p.str(n.Name)
	case *Schema:
		p.str("(")
		starFirst := n.Star.IsValid() && (len(n.Columns) == 0 || n.Star < n.Columns[0].Pos())
		if starFirst {
			p.str("*")
		}
		for i, c := range n.Columns {
			if i > 0 || starFirst {
				p.str(", ")
			}
			p.node(c)
		}
		if n.Star.IsValid() && !starFirst {
			p.str(", *")
		}
		p.str(")")
	case *ColumnDecl:
		p.node(n.Name)
		if n.Type != nil {
			p.str(":")
			p.node(n.Type)
		}
	case *Literal:
		p.literal(n)
	case *DynamicLit:
		p.str("dynamic(")
		p.node(n.Value)
		p.str(")")
	case *ArrayLit:
		if !n.Lbrack.IsValid() {
			p.exprs(n.Elems, ", ")
			break
		}
		p.str("[")
		p.exprs(n.Elems, ", ")
		p.str("]")
	case *ObjectLit:
		p.str("{")
		for i, f := range n.Fields {
			if i > 0 {
				p.str(", ")
			}
			p.node(f)
		}
		p.str("}")
	case *ObjectField:
		p.node(n.Key)
		p.str(": ")
		p.node(n.Value)
	case *StarExpr:
		p.str("*")
	case *ParenExpr:
		p.str("(")
		p.depth++
		p.node(n.X)
		p.depth--
		p.str(")")
	case *SelectorExpr:
		p.node(n.X)
		p.str(".")
		p.node(n.Sel)
	case *IndexExpr:
		p.node(n.X)
		p.str("[")
		p.node(n.Index)
		p.str("]")
	case *CallExpr:
		if n.Recv != nil {
			p.node(n.Recv)
			p.str(".")
		}
		p.node(n.Fun)
		p.str("(")
		p.depth++
		p.exprs(n.Args, ", ")
		p.depth--
		p.str(")")
	case *TypeofExpr:
		if n.Schema != nil {
			p.str("typeof")
			p.node(n.Schema)
			break
		}
		p.str("typeof(")
		p.node(n.Type)
		p.str(")")
	case *ToScalarExpr:
		p.str("toscalar(")
		for _, prm := range n.Params {
			p.node(prm)
			p.str(", ")
		}
		p.depth++
		p.node(n.Query)
		p.depth--
		p.str(")")
	case *MaterializeExpr:
		p.str("materialize(")
		p.depth++
		p.node(n.Query)
		p.depth--
		p.str(")")
	case *UnaryExpr:
		p.str(n.Op.String())
		p.node(n.X)
	case *BinaryExpr:
		p.node(n.X)
		p.str(" " + n.Op.String() + " ")
		p.node(n.Y)
	case *BetweenExpr:
		p.node(n.X)
		if n.Not {
			p.str(" !between (")
		} else {
			p.str(" between (")
		}
		p.node(n.Lo)
		p.str(" .. ")
		p.node(n.Hi)
		p.str(")")
	case *InExpr:
		p.node(n.X)
		p.str(" " + n.Op.String() + " ")
		if n.Lparen.IsValid() {
			p.str("(")
			p.depth++
			p.exprs(n.List, ", ")
			p.depth--
			p.str(")")
		} else {
			p.exprs(n.List, ", ")
		}
	case *NamedExpr:
		if n.Lparen.IsValid() {
			p.str("(")
			for i, id := range n.Names {
				if i > 0 {
					p.str(", ")
				}
				p.node(id)
			}
			p.str(")")
		} else if len(n.Names) > 0 {
			p.node(n.Names[0])
		}
		p.str(" = ")
		p.node(n.Value)
	case *OrderedExpr:
		p.node(n.X)
		if n.Order != "" {
			p.str(" " + n.Order)
		}
		if n.Nulls != "" {
			p.str(" nulls " + n.Nulls)
		}
	case *BadExpr:
		p.str("<bad>")

	case *PipeExpr:
		if n.Source != nil {
			p.node(n.Source)
		}
		for i, op := range n.Ops {
			switch {
			case i == 0 && n.Source == nil:
			case p.depth == 0:
				p.str("\n| ")
			default:
				p.str(" | ")
			}
			p.node(op)
		}
	case *OpParam:
		p.node(n.Name)
		p.str("=")
		p.node(n.Value)
	case *DataTableExpr:
		p.str("datatable")
		p.params(n.Params)
		p.node(n.Schema)
		p.str(" [")
		p.exprs(n.Values, ", ")
		p.str("]")
	case *ExternalDataExpr:
		p.str("externaldata")
		p.params(n.Params)
		p.node(n.Schema)
		p.str(" [")
		p.exprs(n.URIs, ", ")
		p.str("]")
		if len(n.With) > 0 {
			p.str(" with ")
			p.paramList(n.With)
		}

	case *WhereOp:
		p.str(n.Name + " ")
		p.node(n.Pred)
	case *ExtendOp:
		p.str("extend ")
		p.exprs(n.Exprs, ", ")
	case *ProjectOp:
		p.str("project ")
		p.exprs(n.Exprs, ", ")
	case *ProjectAwayOp:
		p.str("project-away ")
		p.exprs(n.Columns, ", ")
	case *ProjectKeepOp:
		p.str("project-keep ")
		p.exprs(n.Columns, ", ")
	case *ProjectByNamesOp:
		p.str("project-by-names ")
		p.exprs(n.Specs, ", ")
	case *ProjectRenameOp:
		p.str("project-rename ")
		for i, r := range n.Renames {
			if i > 0 {
				p.str(", ")
			}
			p.node(r)
		}
	case *ProjectReorderOp:
		p.str("project-reorder ")
		p.ordered(n.Columns)
	case *SummarizeOp:
		p.str("summarize")
		p.params(n.Params)
		if len(n.Aggs) > 0 {
			p.str(" ")
			p.exprs(n.Aggs, ", ")
		}
		if n.ByPos.IsValid() {
			p.str(" by ")
			p.exprs(n.By, ", ")
		}
	case *SortOp:
		p.str(n.Name)
		p.params(n.Params)
		p.str(" by ")
		p.ordered(n.Keys)
	case *TopOp:
		p.str("top")
		p.params(n.Params)
		p.str(" ")
		p.node(n.Count)
		p.str(" by ")
		p.node(n.By)
	case *TopNestedOp:
		p.str("top-nested ")
		for i, c := range n.Clauses {
			if i > 0 {
				p.str(", ")
			}
			p.node(c)
		}
	case *TopNestedClause:
		if n.Count != nil {
			p.node(n.Count)
			p.str(" ")
		}
		p.str("of ")
		p.node(n.Of)
		if n.Others != nil {
			p.str(" with others = ")
			p.node(n.Others)
		}
		p.str(" by ")
		p.node(n.By)
	case *TakeOp:
		p.str(n.Name)
		p.params(n.Params)
		p.str(" ")
		p.node(n.Count)
	case *SampleOp:
		p.str("sample")
		p.params(n.Params)
		p.str(" ")
		p.node(n.Count)
	case *SampleDistinctOp:
		p.str("sample-distinct")
		p.params(n.Params)
		p.str(" ")
		p.node(n.Count)
		p.str(" of ")
		p.node(n.Of)
	case *DistinctOp:
		p.str("distinct")
		p.params(n.Params)
		p.str(" ")
		p.exprs(n.Columns, ", ")
	case *CountOp:
		p.str("count")
		if n.As != nil {
			p.str(" as ")
			p.node(n.As)
		}
	case *JoinOp:
		p.str("join")
		p.params(n.Params)
		p.str(" ")
		p.node(n.Right)
		if n.OnPos.IsValid() {
			p.str(" on ")
			p.exprs(n.On, ", ")
		}
		if n.Where != nil {
			p.str(" where ")
			p.node(n.Where)
		}
	case *LookupOp:
		p.str("lookup")
		p.params(n.Params)
		p.str(" ")
		p.node(n.Right)
		p.str(" on ")
		p.exprs(n.On, ", ")
	case *UnionOp:
		p.str("union")
		p.params(n.Params)
		p.str(" ")
		p.exprs(n.Tables, ", ")
	case *MvExpandOp:
		p.str(n.Name)
		p.params(n.Params)
		p.str(" ")
		p.mvItems(n.Items)
		if n.Limit != nil {
			p.str(" limit ")
			p.node(n.Limit)
		}
	case *MvItem:
		p.node(n.X)
		if n.To != nil {
			p.str(" to typeof(")
			p.node(n.To)
			p.str(")")
		}
	case *MvApplyOp:
		p.str("mv-apply")
		p.params(n.Params)
		p.str(" ")
		p.mvItems(n.Items)
		if n.Limit != nil {
			p.str(" limit ")
			p.node(n.Limit)
		}
		p.str(" on ")
		p.node(n.On)
	case *ParseOp:
		p.str(n.Name)
		p.params(n.Params)
		p.str(" ")
		p.node(n.X)
		p.str(" with ")
		p.exprs(n.Pattern, " ")
	case *ParseKvOp:
		p.str("parse-kv ")
		p.node(n.X)
		p.str(" as ")
		p.node(n.Schema)
		if len(n.With) > 0 {
			p.str(" with ")
			p.paramList(n.With)
		}
	case *MakeSeriesOp:
		p.str("make-series")
		p.params(n.Params)
		p.str(" ")
		for i, a := range n.Aggs {
			if i > 0 {
				p.str(", ")
			}
			p.node(a)
		}
		p.str(" on ")
		p.node(n.On)
		if n.InRange {
			p.str(" in range(")
			p.node(n.From)
			p.str(", ")
			p.node(n.To)
			p.str(", ")
			p.node(n.Step)
			p.str(")")
		} else {
			if n.From != nil {
				p.str(" from ")
				p.node(n.From)
			}
			if n.To != nil {
				p.str(" to ")
				p.node(n.To)
			}
			p.str(" step ")
			p.node(n.Step)
		}
		if n.ByPos.IsValid() {
			p.str(" by ")
			p.exprs(n.By, ", ")
		}
	case *SeriesAgg:
		p.node(n.X)
		if n.Default != nil {
			p.str(" default = ")
			p.node(n.Default)
		}
	case *EvaluateOp:
		p.str("evaluate")
		p.params(n.Params)
		p.str(" ")
		p.node(n.Call)
		if n.Schema != nil {
			p.str(" : ")
			p.node(n.Schema)
		}
	case *RenderOp:
		p.str("render ")
		p.node(n.Chart)
		if len(n.With) > 0 {
			p.str(" with ")
			p.paramList(n.With)
		}
	case *AsOp:
		p.str("as")
		p.params(n.Params)
		p.str(" ")
		p.node(n.Name)
	case *GetSchemaOp:
		p.str("getschema")
	case *SerializeOp:
		p.str("serialize")
		if len(n.Exprs) > 0 {
			p.str(" ")
			p.exprs(n.Exprs, ", ")
		}
	case *InvokeOp:
		p.str("invoke ")
		p.node(n.Call)
	case *ConsumeOp:
		p.str("consume")
		p.params(n.Params)
	case *ReduceOp:
		p.str("reduce")
		p.params(n.Params)
		p.str(" by ")
		p.node(n.By)
		if len(n.With) > 0 {
			p.str(" with ")
			p.paramList(n.With)
		}
	case *ScanOp:
		p.str("scan")
		p.params(n.Params)
		if len(n.OrderBy) > 0 {
			p.str(" order by ")
			p.ordered(n.OrderBy)
		}
		if len(n.PartitionBy) > 0 {
			p.str(" partition by ")
			p.exprs(n.PartitionBy, ", ")
		}
		if len(n.Declare) > 0 {
			p.str(" declare (")
			p.declParams(n.Declare)
			p.str(")")
		}
		p.str(" with (")
		for _, st := range n.Steps {
			p.str(" ")
			p.node(st)
		}
		p.str(" )")
	case *ScanStep:
		p.str("step ")
		p.node(n.Name)
		if n.Optional {
			p.str(" optional")
		}
		if n.Output != "" {
			p.str(" output=" + n.Output)
		}
		p.str(": ")
		p.node(n.Cond)
		if len(n.Assigns) > 0 {
			p.str(" => ")
			for i, a := range n.Assigns {
				if i > 0 {
					p.str(", ")
				}
				p.node(a)
			}
		}
		p.str(";")
	case *PartitionOp:
		p.str("partition")
		p.params(n.Params)
		p.str(" by ")
		p.node(n.By)
		p.str(" ")
		p.node(n.Sub)
	case *ForkOp:
		p.str("fork")
		for _, b := range n.Branches {
			p.str(" ")
			p.node(b)
		}
	case *FacetOp:
		p.str("facet by ")
		p.exprs(n.By, ", ")
		if n.With != nil {
			p.str(" with ")
			p.node(n.With)
		}
	case *SearchOp:
		p.str("search")
		p.params(n.Params)
		if n.Tables != nil {
			p.str(" in (")
			p.exprs(n.Tables, ", ")
			p.str(")")
		}
		p.str(" ")
		p.node(n.Pred)
	case *FindOp:
		p.str("find")
		p.params(n.Params)
		if n.Tables != nil {
			p.str(" in (")
			p.exprs(n.Tables, ", ")
			p.str(")")
		}
		p.str(" where ")
		p.node(n.Pred)
		switch {
		case n.ProjectSmart:
			p.str(" project-smart")
		case n.ProjectPos.IsValid():
			p.str(" project ")
			p.exprs(n.Project, ", ")
		}
	case *PrintOp:
		p.str("print ")
		p.exprs(n.Exprs, ", ")
	case *RangeOp:
		p.str("range ")
		p.node(n.Name)
		p.str(" from ")
		p.node(n.From)
		p.str(" to ")
		p.node(n.To)
		p.str(" step ")
		p.node(n.Step)
	case *BadOperator:
		p.str("<bad>")
	default:
		if !p.printGraph(n) {
			panic(fmt.Sprintf("internal error: syntax.Print: unexpected node %T", n))
		}
	}
}

func (p *printer) mvItems(items []*MvItem) {
	for i, it := range items {
		if i > 0 {
			p.str(", ")
		}
		p.node(it)
	}
}

// ident prints a name plainly when it was written plainly, and bracketed
// (with canonical quoting) when it was written bracketed.
func (p *printer) ident(id *Ident) {
	if id.Raw == "" && id.Name == "" {
		p.str("<bad>")
		return
	}
	if !strings.HasPrefix(id.Raw, "[") {
		p.str(id.Name)
		return
	}
	p.str("[")
	p.str(quote(id.Name))
	p.str("]")
}

func (p *printer) literal(l *Literal) {
	if l.Kind != LitString {
		p.str(l.Raw)
		return
	}
	if strings.HasPrefix(l.Raw, "h") || strings.HasPrefix(l.Raw, "H") {
		p.str("h")
	}
	p.str(quote(l.Value))
}

// quote returns s as a double-quoted KQL string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteByte(s[i-1]) // invalid UTF-8 stays as it was
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
