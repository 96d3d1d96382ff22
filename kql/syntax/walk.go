package syntax

// Inspect traverses the tree rooted at n in depth-first source order. It
// calls f(node) for each node; if f returns true, Inspect visits the node's
// children, then calls f(nil). Nil children are skipped. This mirrors
// go/ast.Inspect.
func Inspect(n Node, f func(Node) bool) {
	if isNil(n) || !f(n) {
		return
	}
	walkChildren(n, func(c Node) { Inspect(c, f) })
	f(nil)
}

// walkChildren calls visit for each direct child of n, in source order.
func walkChildren(n Node, visit func(Node)) {
	v := func(c Node) {
		if !isNil(c) {
			visit(c)
		}
	}
	exprs := func(xs []Expr) {
		for _, x := range xs {
			v(x)
		}
	}
	params := func(ps []*OpParam) {
		for _, p := range ps {
			v(p)
		}
	}
	decls := func(ps []*Param) {
		for _, p := range ps {
			v(p)
		}
	}
	stmts := func(ss []Stmt) {
		for _, s := range ss {
			v(s)
		}
	}
	ordered := func(os []*OrderedExpr) {
		for _, o := range os {
			v(o)
		}
	}
	items := func(its []*MvItem) {
		for _, it := range its {
			v(it)
		}
	}
	switch n := n.(type) {
	case *Script:
		stmts(n.Stmts)
	case *LetStmt:
		v(n.Name)
		v(n.Value)
		if n.Func != nil {
			v(n.Func)
		}
	case *FuncDecl:
		decls(n.Params)
		stmts(n.Body)
	case *Param:
		v(n.Name)
		v(n.Type)
		v(n.Schema)
		v(n.Default)
	case *SetStmt:
		v(n.Name)
		v(n.Value)
	case *DeclareQueryParametersStmt:
		decls(n.Params)
	case *AliasStmt:
		v(n.Name)
		v(n.Value)
	case *PatternStmt:
		v(n.Name)
		decls(n.Params)
		decls(n.PathParams)
		for _, c := range n.Cases {
			v(c)
		}
	case *PatternCase:
		exprs(n.Args)
		exprs(n.Path)
		stmts(n.Body)
	case *RestrictStmt:
		exprs(n.Names)
	case *ExprStmt:
		v(n.X)
	case *Schema:
		for _, c := range n.Columns {
			v(c)
		}
	case *ColumnDecl:
		v(n.Name)
		v(n.Type)
	case *DynamicLit:
		v(n.Value)
	case *ArrayLit:
		exprs(n.Elems)
	case *ObjectLit:
		for _, f := range n.Fields {
			v(f)
		}
	case *ObjectField:
		v(n.Key)
		v(n.Value)
	case *ParenExpr:
		v(n.X)
	case *SelectorExpr:
		v(n.X)
		v(n.Sel)
	case *IndexExpr:
		v(n.X)
		v(n.Index)
	case *CallExpr:
		v(n.Recv)
		v(n.Fun)
		exprs(n.Args)
	case *TypeofExpr:
		v(n.Type)
		v(n.Schema)
	case *ToScalarExpr:
		params(n.Params)
		v(n.Query)
	case *MaterializeExpr:
		v(n.Query)
	case *UnaryExpr:
		v(n.X)
	case *BinaryExpr:
		v(n.X)
		v(n.Y)
	case *BetweenExpr:
		v(n.X)
		v(n.Lo)
		v(n.Hi)
	case *InExpr:
		v(n.X)
		exprs(n.List)
	case *NamedExpr:
		for _, id := range n.Names {
			v(id)
		}
		v(n.Value)
	case *OrderedExpr:
		v(n.X)
	case *PipeExpr:
		v(n.Source)
		for _, op := range n.Ops {
			v(op)
		}
	case *OpParam:
		v(n.Name)
		v(n.Value)
	case *DataTableExpr:
		params(n.Params)
		v(n.Schema)
		exprs(n.Values)
	case *ExternalDataExpr:
		params(n.Params)
		v(n.Schema)
		exprs(n.URIs)
		params(n.With)
	case *WhereOp:
		v(n.Pred)
	case *ExtendOp:
		exprs(n.Exprs)
	case *ProjectOp:
		exprs(n.Exprs)
	case *ProjectAwayOp:
		exprs(n.Columns)
	case *ProjectKeepOp:
		exprs(n.Columns)
	case *ProjectByNamesOp:
		exprs(n.Specs)
	case *ProjectRenameOp:
		for _, r := range n.Renames {
			v(r)
		}
	case *ProjectReorderOp:
		ordered(n.Columns)
	case *SummarizeOp:
		params(n.Params)
		exprs(n.Aggs)
		exprs(n.By)
	case *SortOp:
		params(n.Params)
		ordered(n.Keys)
	case *TopOp:
		params(n.Params)
		v(n.Count)
		v(n.By)
	case *TopNestedOp:
		for _, c := range n.Clauses {
			v(c)
		}
	case *TopNestedClause:
		v(n.Count)
		v(n.Of)
		v(n.Others)
		v(n.By)
	case *TakeOp:
		params(n.Params)
		v(n.Count)
	case *SampleOp:
		params(n.Params)
		v(n.Count)
	case *SampleDistinctOp:
		params(n.Params)
		v(n.Count)
		v(n.Of)
	case *DistinctOp:
		params(n.Params)
		exprs(n.Columns)
	case *CountOp:
		v(n.As)
	case *JoinOp:
		params(n.Params)
		v(n.Right)
		exprs(n.On)
		v(n.Where)
	case *LookupOp:
		params(n.Params)
		v(n.Right)
		exprs(n.On)
	case *UnionOp:
		params(n.Params)
		exprs(n.Tables)
	case *MvExpandOp:
		params(n.Params)
		items(n.Items)
		v(n.Limit)
	case *MvItem:
		v(n.X)
		v(n.To)
	case *MvApplyOp:
		params(n.Params)
		items(n.Items)
		v(n.Limit)
		v(n.On)
	case *ParseOp:
		params(n.Params)
		v(n.X)
		exprs(n.Pattern)
	case *ParseKvOp:
		v(n.X)
		v(n.Schema)
		params(n.With)
	case *MakeSeriesOp:
		params(n.Params)
		for _, a := range n.Aggs {
			v(a)
		}
		v(n.On)
		v(n.From)
		v(n.To)
		v(n.Step)
		exprs(n.By)
	case *SeriesAgg:
		v(n.X)
		v(n.Default)
	case *EvaluateOp:
		params(n.Params)
		v(n.Call)
		v(n.Schema)
	case *RenderOp:
		v(n.Chart)
		params(n.With)
	case *AsOp:
		params(n.Params)
		v(n.Name)
	case *SerializeOp:
		exprs(n.Exprs)
	case *InvokeOp:
		v(n.Call)
	case *ConsumeOp:
		params(n.Params)
	case *ReduceOp:
		params(n.Params)
		v(n.By)
		params(n.With)
	case *ScanOp:
		params(n.Params)
		ordered(n.OrderBy)
		exprs(n.PartitionBy)
		decls(n.Declare)
		for _, s := range n.Steps {
			v(s)
		}
	case *ScanStep:
		v(n.Name)
		v(n.Cond)
		for _, a := range n.Assigns {
			v(a)
		}
	case *PartitionOp:
		params(n.Params)
		v(n.By)
		v(n.Sub)
	case *ForkOp:
		exprs(n.Branches)
	case *FacetOp:
		exprs(n.By)
		v(n.With)
	case *SearchOp:
		params(n.Params)
		exprs(n.Tables)
		v(n.Pred)
	case *FindOp:
		params(n.Params)
		exprs(n.Tables)
		v(n.Pred)
		exprs(n.Project)
	case *PrintOp:
		exprs(n.Exprs)
	case *RangeOp:
		v(n.Name)
		v(n.From)
		v(n.To)
		v(n.Step)
	default:
		walkGraph(n, v)
	}
}
