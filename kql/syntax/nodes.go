package syntax

// This file holds the position methods and interface markers of the nodes
// declared in ast.go, and the binary operator table.

// BinaryOp is an infix operator.
type BinaryOp int

// Binary operators. Aliases of the same operator (`<>` for `!=`,
// `containscs` for `contains_cs`, `notcontains` for `!contains`) map to one
// constant; the printer writes the canonical spelling.
const (
	OpOr BinaryOp = iota
	OpAnd
	OpEq              // ==
	OpNe              // != or <>
	OpEqTilde         // =~
	OpNotEqTilde      // !~
	OpLt              // <
	OpLe              // <=
	OpGt              // >
	OpGe              // >=
	OpAdd             // +
	OpSub             // -
	OpMul             // *
	OpDiv             // /
	OpMod             // %
	OpHas             // has
	OpNotHas          // !has
	OpHasCs           // has_cs
	OpNotHasCs        // !has_cs
	OpHasPrefix       // hasprefix
	OpNotHasPrefix    // !hasprefix
	OpHasPrefixCs     // hasprefix_cs
	OpNotHasPrefixCs  // !hasprefix_cs
	OpHasSuffix       // hassuffix
	OpNotHasSuffix    // !hassuffix
	OpHasSuffixCs     // hassuffix_cs
	OpNotHasSuffixCs  // !hassuffix_cs
	OpContains        // contains
	OpNotContains     // !contains, notcontains
	OpContainsCs      // contains_cs, containscs
	OpNotContainsCs   // !contains_cs, notcontainscs
	OpStartsWith      // startswith
	OpNotStartsWith   // !startswith
	OpStartsWithCs    // startswith_cs
	OpNotStartsWithCs // !startswith_cs
	OpEndsWith        // endswith
	OpNotEndsWith     // !endswith
	OpEndsWithCs      // endswith_cs
	OpNotEndsWithCs   // !endswith_cs
	OpMatchesRegex    // matches regex
	OpLike            // like (deprecated)
	OpNotLike         // notlike (deprecated)
	OpLikeCs          // likecs (deprecated)
	OpNotLikeCs       // notlikecs (deprecated)
	OpIn              // in (InExpr)
	OpInCs            // in~ — case-insensitive despite the name: `in~` ignores case (InExpr)
	OpNotIn           // !in (InExpr)
	OpNotInCs         // !in~ (InExpr)
	OpHasAny          // has_any (InExpr)
	OpHasAll          // has_all (InExpr)
	OpColon           // `Column : "term"` inside search predicates
	numBinaryOps
)

var binaryOpNames = [numBinaryOps]string{
	OpOr: "or", OpAnd: "and", OpEq: "==", OpNe: "!=", OpEqTilde: "=~", OpNotEqTilde: "!~",
	OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=",
	OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%",
	OpHas: "has", OpNotHas: "!has", OpHasCs: "has_cs", OpNotHasCs: "!has_cs",
	OpHasPrefix: "hasprefix", OpNotHasPrefix: "!hasprefix", OpHasPrefixCs: "hasprefix_cs", OpNotHasPrefixCs: "!hasprefix_cs",
	OpHasSuffix: "hassuffix", OpNotHasSuffix: "!hassuffix", OpHasSuffixCs: "hassuffix_cs", OpNotHasSuffixCs: "!hassuffix_cs",
	OpContains: "contains", OpNotContains: "!contains", OpContainsCs: "contains_cs", OpNotContainsCs: "!contains_cs",
	OpStartsWith: "startswith", OpNotStartsWith: "!startswith", OpStartsWithCs: "startswith_cs", OpNotStartsWithCs: "!startswith_cs",
	OpEndsWith: "endswith", OpNotEndsWith: "!endswith", OpEndsWithCs: "endswith_cs", OpNotEndsWithCs: "!endswith_cs",
	OpMatchesRegex: "matches regex",
	OpLike:         "like", OpNotLike: "notlike", OpLikeCs: "likecs", OpNotLikeCs: "notlikecs",
	OpIn: "in", OpInCs: "in~", OpNotIn: "!in", OpNotInCs: "!in~", OpHasAny: "has_any", OpHasAll: "has_all",
	OpColon: ":",
}

// String returns the canonical spelling of op.
func (op BinaryOp) String() string {
	if op >= 0 && op < numBinaryOps {
		return binaryOpNames[op]
	}
	return "?"
}

// Position methods. Fields that the parser could not fill are nil; End then
// falls back to the last position known.

func endOr(n Node, fallback Pos) Pos {
	if isNil(n) {
		return fallback
	}
	return n.End()
}

// isNil reports whether n is nil, including typed nil pointers stored in an
// interface.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	switch v := n.(type) {
	case *Ident:
		return v == nil
	case *CallExpr:
		return v == nil
	case *OrderedExpr:
		return v == nil
	case *TypeRef:
		return v == nil
	case *Schema:
		return v == nil
	case *PipeExpr:
		return v == nil
	case *Literal:
		return v == nil
	case *NamedExpr:
		return v == nil
	case *FuncDecl:
		return v == nil
	case *MvItem:
		return v == nil
	case *SeriesAgg:
		return v == nil
	case *Param:
		return v == nil
	case *OpParam:
		return v == nil
	case *TopNestedClause:
		return v == nil
	case *ScanStep:
		return v == nil
	case *ObjectField:
		return v == nil
	case *ParenExpr:
		return v == nil
	}
	return false
}

func maxPos(ps ...Pos) Pos {
	m := NoPos
	for _, p := range ps {
		if p > m {
			m = p
		}
	}
	return m
}

func lastExpr(xs []Expr, fallback Pos) Pos {
	if len(xs) == 0 {
		return fallback
	}
	return endOr(xs[len(xs)-1], fallback)
}

func lastParam(ps []*OpParam, fallback Pos) Pos {
	if len(ps) == 0 {
		return fallback
	}
	return ps[len(ps)-1].End()
}

func (s *Script) Pos() Pos { return 0 }
func (s *Script) End() Pos { return s.EndPos }

func (c *Comment) Pos() Pos { return c.Slash }
func (c *Comment) End() Pos { return c.Slash + Pos(len(c.Text)) }

func (s *LetStmt) Pos() Pos { return s.Let }
func (s *LetStmt) End() Pos {
	if s.Func != nil {
		return s.Func.End()
	}
	return endOr(s.Value, maxPos(s.Assign+1, endOr(s.Name, s.Let+3)))
}

func (f *FuncDecl) Pos() Pos {
	if f.View.IsValid() {
		return f.View
	}
	return f.Lparen
}
func (f *FuncDecl) End() Pos { return f.Rbrace + 1 }

func (p *Param) Pos() Pos { return p.Name.Pos() }
func (p *Param) End() Pos {
	if p.Default != nil {
		return p.Default.End()
	}
	if p.Schema != nil {
		return p.Schema.End()
	}
	if p.Type != nil {
		return p.Type.End()
	}
	return p.Name.End()
}

func (s *SetStmt) Pos() Pos { return s.Set }
func (s *SetStmt) End() Pos { return endOr(s.Value, endOr(s.Name, s.Set+3)) }

func (s *DeclareQueryParametersStmt) Pos() Pos { return s.Declare }
func (s *DeclareQueryParametersStmt) End() Pos { return s.Rparen + 1 }

func (s *AliasStmt) Pos() Pos { return s.Alias }
func (s *AliasStmt) End() Pos { return endOr(s.Value, endOr(s.Name, s.Alias+5)) }

func (s *PatternStmt) Pos() Pos { return s.Declare }
func (s *PatternStmt) End() Pos {
	if s.Rbrace.IsValid() {
		return s.Rbrace + 1
	}
	return endOr(s.Name, s.Declare+7)
}

func (c *PatternCase) Pos() Pos {
	if len(c.Args) > 0 {
		return c.Args[0].Pos()
	}
	return c.Lbrace
}
func (c *PatternCase) End() Pos { return c.Rbrace + 1 }

func (s *RestrictStmt) Pos() Pos { return s.Restrict }
func (s *RestrictStmt) End() Pos { return s.Rparen + 1 }

func (s *ExprStmt) Pos() Pos { return s.X.Pos() }
func (s *ExprStmt) End() Pos { return s.X.End() }

func (s *BadStmt) Pos() Pos { return s.From }
func (s *BadStmt) End() Pos { return s.To }

func (x *Ident) Pos() Pos { return x.NamePos }
func (x *Ident) End() Pos { return x.NamePos + Pos(len(x.Raw)) }

func (x *WildcardName) Pos() Pos { return x.NamePos }
func (x *WildcardName) End() Pos { return x.NamePos + Pos(len(x.Pattern)) }

func (x *TypeRef) Pos() Pos { return x.NamePos }
func (x *TypeRef) End() Pos { return x.NamePos + Pos(len(x.Name)) }

func (x *Schema) Pos() Pos { return x.Lparen }
func (x *Schema) End() Pos { return x.Rparen + 1 }

func (x *ColumnDecl) Pos() Pos { return x.Name.Pos() }
func (x *ColumnDecl) End() Pos {
	if x.Type != nil {
		return x.Type.End()
	}
	return x.Name.End()
}

func (x *Literal) Pos() Pos { return x.ValuePos }
func (x *Literal) End() Pos { return x.EndPos }

func (x *DynamicLit) Pos() Pos { return x.Dynamic }
func (x *DynamicLit) End() Pos { return x.Rparen + 1 }

func (x *ArrayLit) Pos() Pos {
	if !x.Lbrack.IsValid() && len(x.Elems) > 0 {
		return x.Elems[0].Pos()
	}
	return x.Lbrack
}
func (x *ArrayLit) End() Pos {
	if !x.Rbrack.IsValid() {
		return lastExpr(x.Elems, NoPos)
	}
	return x.Rbrack + 1
}

func (x *ObjectLit) Pos() Pos { return x.Lbrace }
func (x *ObjectLit) End() Pos { return x.Rbrace + 1 }

func (x *ObjectField) Pos() Pos { return x.Key.Pos() }
func (x *ObjectField) End() Pos { return endOr(x.Value, x.Colon+1) }

func (x *StarExpr) Pos() Pos { return x.Star }
func (x *StarExpr) End() Pos { return x.Star + 1 }

func (x *ParenExpr) Pos() Pos { return x.Lparen }
func (x *ParenExpr) End() Pos { return x.Rparen + 1 }

func (x *SelectorExpr) Pos() Pos { return x.X.Pos() }
func (x *SelectorExpr) End() Pos { return endOr(x.Sel, x.Dot+1) }

func (x *IndexExpr) Pos() Pos { return x.X.Pos() }
func (x *IndexExpr) End() Pos { return x.Rbrack + 1 }

func (x *CallExpr) Pos() Pos {
	if x.Recv != nil {
		return x.Recv.Pos()
	}
	return x.Fun.Pos()
}
func (x *CallExpr) End() Pos { return x.Rparen + 1 }

func (x *TypeofExpr) Pos() Pos { return x.Typeof }
func (x *TypeofExpr) End() Pos { return x.Rparen + 1 }

func (x *ToScalarExpr) Pos() Pos { return x.ToScalar }
func (x *ToScalarExpr) End() Pos { return x.Rparen + 1 }

func (x *MaterializeExpr) Pos() Pos { return x.Materialize }
func (x *MaterializeExpr) End() Pos { return x.Rparen + 1 }

func (x *UnaryExpr) Pos() Pos { return x.OpPos }
func (x *UnaryExpr) End() Pos { return endOr(x.X, x.OpPos+1) }

func (x *BinaryExpr) Pos() Pos { return x.X.Pos() }
func (x *BinaryExpr) End() Pos { return endOr(x.Y, x.OpPos+1) }

func (x *BetweenExpr) Pos() Pos { return x.X.Pos() }
func (x *BetweenExpr) End() Pos { return x.Rparen + 1 }

func (x *InExpr) Pos() Pos { return x.X.Pos() }
func (x *InExpr) End() Pos {
	if x.Rparen.IsValid() {
		return x.Rparen + 1
	}
	return lastExpr(x.List, x.OpPos+1)
}

func (x *NamedExpr) Pos() Pos {
	if x.Lparen.IsValid() {
		return x.Lparen
	}
	return x.Names[0].Pos()
}
func (x *NamedExpr) End() Pos { return endOr(x.Value, x.Assign+1) }

func (x *OrderedExpr) Pos() Pos { return x.X.Pos() }
func (x *OrderedExpr) End() Pos {
	switch {
	case x.NullsPos.IsValid():
		return x.NullsPos + Pos(len("nulls ")+len(x.Nulls))
	case x.OrderPos.IsValid():
		return x.OrderPos + Pos(len(x.Order))
	}
	return x.X.End()
}

func (x *BadExpr) Pos() Pos { return x.From }
func (x *BadExpr) End() Pos { return x.To }

func (x *PipeExpr) Pos() Pos {
	if x.Source != nil {
		return x.Source.Pos()
	}
	if len(x.Ops) > 0 {
		return x.Ops[0].Pos()
	}
	return NoPos
}
func (x *PipeExpr) End() Pos {
	if len(x.Ops) > 0 {
		return x.Ops[len(x.Ops)-1].End()
	}
	return endOr(x.Source, NoPos)
}

func (x *OpParam) Pos() Pos { return x.Name.Pos() }
func (x *OpParam) End() Pos { return endOr(x.Value, x.Assign+1) }

func (x *DataTableExpr) Pos() Pos { return x.DataTable }
func (x *DataTableExpr) End() Pos { return x.Rbrack + 1 }

func (x *ExternalDataExpr) Pos() Pos { return x.ExternalData }
func (x *ExternalDataExpr) End() Pos { return x.EndPos }

func (x *WhereOp) Pos() Pos { return x.Keyword }
func (x *WhereOp) End() Pos { return endOr(x.Pred, x.Keyword+Pos(len(x.Name))) }

func (x *ExtendOp) Pos() Pos { return x.Keyword }
func (x *ExtendOp) End() Pos { return lastExpr(x.Exprs, x.Keyword+6) }

func (x *ProjectOp) Pos() Pos { return x.Keyword }
func (x *ProjectOp) End() Pos { return lastExpr(x.Exprs, x.Keyword+7) }

func (x *ProjectAwayOp) Pos() Pos { return x.Keyword }
func (x *ProjectAwayOp) End() Pos { return lastExpr(x.Columns, x.Keyword+12) }

func (x *ProjectByNamesOp) Pos() Pos { return x.Keyword }
func (x *ProjectByNamesOp) End() Pos { return lastExpr(x.Specs, x.Keyword+16) }
func (x *ProjectKeepOp) Pos() Pos    { return x.Keyword }
func (x *ProjectKeepOp) End() Pos    { return lastExpr(x.Columns, x.Keyword+12) }

func (x *ProjectRenameOp) Pos() Pos { return x.Keyword }
func (x *ProjectRenameOp) End() Pos {
	if n := len(x.Renames); n > 0 {
		return x.Renames[n-1].End()
	}
	return x.Keyword + 14
}

func (x *ProjectReorderOp) Pos() Pos { return x.Keyword }
func (x *ProjectReorderOp) End() Pos {
	if n := len(x.Columns); n > 0 {
		return x.Columns[n-1].End()
	}
	return x.Keyword + 15
}

func (x *SummarizeOp) Pos() Pos { return x.Keyword }
func (x *SummarizeOp) End() Pos {
	if x.ByPos.IsValid() {
		return lastExpr(x.By, x.ByPos+2)
	}
	return lastExpr(x.Aggs, lastParam(x.Params, x.Keyword+9))
}

func (x *SortOp) Pos() Pos { return x.Keyword }
func (x *SortOp) End() Pos {
	if n := len(x.Keys); n > 0 {
		return x.Keys[n-1].End()
	}
	return x.Keyword + Pos(len(x.Name))
}

func (x *TopOp) Pos() Pos { return x.Keyword }
func (x *TopOp) End() Pos {
	if x.By != nil {
		return x.By.End()
	}
	return endOr(x.Count, x.Keyword+3)
}

func (x *TopNestedOp) Pos() Pos { return x.Keyword }
func (x *TopNestedOp) End() Pos {
	if n := len(x.Clauses); n > 0 {
		return x.Clauses[n-1].End()
	}
	return x.Keyword + 10
}

func (x *TopNestedClause) Pos() Pos {
	if x.Count != nil {
		return x.Count.Pos()
	}
	return x.OfPos
}
func (x *TopNestedClause) End() Pos {
	if x.By != nil {
		return x.By.End()
	}
	return endOr(x.Others, endOr(x.Of, x.OfPos+2))
}

func (x *TakeOp) Pos() Pos { return x.Keyword }
func (x *TakeOp) End() Pos { return endOr(x.Count, x.Keyword+Pos(len(x.Name))) }

func (x *SampleOp) Pos() Pos { return x.Keyword }
func (x *SampleOp) End() Pos { return endOr(x.Count, x.Keyword+6) }

func (x *SampleDistinctOp) Pos() Pos { return x.Keyword }
func (x *SampleDistinctOp) End() Pos { return endOr(x.Of, endOr(x.Count, x.Keyword+15)) }

func (x *DistinctOp) Pos() Pos { return x.Keyword }
func (x *DistinctOp) End() Pos { return lastExpr(x.Columns, lastParam(x.Params, x.Keyword+8)) }

func (x *CountOp) Pos() Pos { return x.Keyword }
func (x *CountOp) End() Pos { return endOr(x.As, x.Keyword+5) }

func (x *JoinOp) Pos() Pos { return x.Keyword }
func (x *JoinOp) End() Pos {
	if x.Where != nil {
		return x.Where.End()
	}
	if x.OnPos.IsValid() {
		return lastExpr(x.On, x.OnPos+2)
	}
	return endOr(x.Right, lastParam(x.Params, x.Keyword+4))
}

func (x *LookupOp) Pos() Pos { return x.Keyword }
func (x *LookupOp) End() Pos {
	if x.OnPos.IsValid() {
		return lastExpr(x.On, x.OnPos+2)
	}
	return endOr(x.Right, lastParam(x.Params, x.Keyword+6))
}

func (x *UnionOp) Pos() Pos { return x.Keyword }
func (x *UnionOp) End() Pos { return lastExpr(x.Tables, lastParam(x.Params, x.Keyword+5)) }

func (x *MvExpandOp) Pos() Pos { return x.Keyword }
func (x *MvExpandOp) End() Pos {
	if x.Limit != nil {
		return x.Limit.End()
	}
	if n := len(x.Items); n > 0 {
		return x.Items[n-1].End()
	}
	return lastParam(x.Params, x.Keyword+Pos(len(x.Name)))
}

func (x *MvItem) Pos() Pos { return x.X.Pos() }
func (x *MvItem) End() Pos {
	if x.To != nil {
		// `to typeof(T)`: the type name is followed by `)`.
		return x.To.End() + 1
	}
	return x.X.End()
}

func (x *MvApplyOp) Pos() Pos { return x.Keyword }
func (x *MvApplyOp) End() Pos {
	if x.On != nil {
		return x.On.End()
	}
	if x.Limit != nil {
		return x.Limit.End()
	}
	if n := len(x.Items); n > 0 {
		return x.Items[n-1].End()
	}
	return x.Keyword + 8
}

func (x *ParseOp) Pos() Pos { return x.Keyword }
func (x *ParseOp) End() Pos {
	if x.WithPos.IsValid() {
		return lastExpr(x.Pattern, x.WithPos+4)
	}
	return endOr(x.X, x.Keyword+Pos(len(x.Name)))
}

func (x *ParseKvOp) Pos() Pos { return x.Keyword }
func (x *ParseKvOp) End() Pos { return x.EndPos }

func (x *MakeSeriesOp) Pos() Pos { return x.Keyword }
func (x *MakeSeriesOp) End() Pos {
	if x.ByPos.IsValid() {
		return lastExpr(x.By, x.ByPos+2)
	}
	p := maxPos(x.Keyword+11, endOr(x.On, NoPos), endOr(x.From, NoPos), endOr(x.To, NoPos), endOr(x.Step, NoPos))
	if x.InRange {
		p++ // the `)` of range(...)
	}
	return p
}

func (x *SeriesAgg) Pos() Pos { return x.X.Pos() }
func (x *SeriesAgg) End() Pos { return endOr(x.Default, x.X.End()) }

func (x *EvaluateOp) Pos() Pos { return x.Keyword }
func (x *EvaluateOp) End() Pos {
	if x.Schema != nil {
		return x.Schema.End()
	}
	if x.Call != nil {
		return x.Call.End()
	}
	return lastParam(x.Params, x.Keyword+8)
}

func (x *RenderOp) Pos() Pos { return x.Keyword }
func (x *RenderOp) End() Pos { return x.EndPos }

func (x *AsOp) Pos() Pos { return x.Keyword }
func (x *AsOp) End() Pos { return endOr(x.Name, lastParam(x.Params, x.Keyword+2)) }

func (x *GetSchemaOp) Pos() Pos { return x.Keyword }
func (x *GetSchemaOp) End() Pos { return x.EndPos }

func (x *SerializeOp) Pos() Pos { return x.Keyword }
func (x *SerializeOp) End() Pos { return x.EndPos }

func (x *InvokeOp) Pos() Pos { return x.Keyword }
func (x *InvokeOp) End() Pos { return endOr(x.Call, x.Keyword+6) }

func (x *ConsumeOp) Pos() Pos { return x.Keyword }
func (x *ConsumeOp) End() Pos { return x.EndPos }

func (x *ReduceOp) Pos() Pos { return x.Keyword }
func (x *ReduceOp) End() Pos { return x.EndPos }

func (x *ScanOp) Pos() Pos { return x.Keyword }
func (x *ScanOp) End() Pos { return x.Rparen + 1 }

func (x *ScanStep) Pos() Pos { return x.Step }
func (x *ScanStep) End() Pos { return x.EndPos }

func (x *PartitionOp) Pos() Pos { return x.Keyword }
func (x *PartitionOp) End() Pos { return x.EndPos }

func (x *ForkOp) Pos() Pos { return x.Keyword }
func (x *ForkOp) End() Pos { return x.EndPos }

func (x *FacetOp) Pos() Pos { return x.Keyword }
func (x *FacetOp) End() Pos { return x.EndPos }

func (x *SearchOp) Pos() Pos { return x.Keyword }
func (x *SearchOp) End() Pos {
	return endOr(x.Pred, lastExpr(x.Tables, lastParam(x.Params, x.Keyword+6)))
}

func (x *FindOp) Pos() Pos { return x.Keyword }
func (x *FindOp) End() Pos { return x.EndPos }

func (x *PrintOp) Pos() Pos { return x.Keyword }
func (x *PrintOp) End() Pos { return lastExpr(x.Exprs, x.Keyword+5) }

func (x *RangeOp) Pos() Pos { return x.Keyword }
func (x *RangeOp) End() Pos { return endOr(x.Step, endOr(x.To, endOr(x.From, x.Keyword+5))) }

func (x *BadOperator) Pos() Pos { return x.From }
func (x *BadOperator) End() Pos { return x.To }

// Markers.

func (*Script) node()                     {}
func (*Comment) node()                    {}
func (*LetStmt) node()                    {}
func (*FuncDecl) node()                   {}
func (*Param) node()                      {}
func (*SetStmt) node()                    {}
func (*DeclareQueryParametersStmt) node() {}
func (*AliasStmt) node()                  {}
func (*PatternStmt) node()                {}
func (*PatternCase) node()                {}
func (*RestrictStmt) node()               {}
func (*ExprStmt) node()                   {}
func (*BadStmt) node()                    {}
func (*Ident) node()                      {}
func (*WildcardName) node()               {}
func (*TypeRef) node()                    {}
func (*Schema) node()                     {}
func (*ColumnDecl) node()                 {}
func (*Literal) node()                    {}
func (*DynamicLit) node()                 {}
func (*ArrayLit) node()                   {}
func (*ObjectLit) node()                  {}
func (*ObjectField) node()                {}
func (*StarExpr) node()                   {}
func (*ParenExpr) node()                  {}
func (*SelectorExpr) node()               {}
func (*IndexExpr) node()                  {}
func (*CallExpr) node()                   {}
func (*TypeofExpr) node()                 {}
func (*ToScalarExpr) node()               {}
func (*MaterializeExpr) node()            {}
func (*UnaryExpr) node()                  {}
func (*BinaryExpr) node()                 {}
func (*BetweenExpr) node()                {}
func (*InExpr) node()                     {}
func (*NamedExpr) node()                  {}
func (*OrderedExpr) node()                {}
func (*BadExpr) node()                    {}
func (*PipeExpr) node()                   {}
func (*OpParam) node()                    {}
func (*DataTableExpr) node()              {}
func (*ExternalDataExpr) node()           {}
func (*WhereOp) node()                    {}
func (*ExtendOp) node()                   {}
func (*ProjectOp) node()                  {}
func (*ProjectAwayOp) node()              {}
func (*ProjectKeepOp) node()              {}
func (*ProjectByNamesOp) node()           {}
func (*ProjectRenameOp) node()            {}
func (*ProjectReorderOp) node()           {}
func (*SummarizeOp) node()                {}
func (*SortOp) node()                     {}
func (*TopOp) node()                      {}
func (*TopNestedOp) node()                {}
func (*TopNestedClause) node()            {}
func (*TakeOp) node()                     {}
func (*SampleOp) node()                   {}
func (*SampleDistinctOp) node()           {}
func (*DistinctOp) node()                 {}
func (*CountOp) node()                    {}
func (*JoinOp) node()                     {}
func (*LookupOp) node()                   {}
func (*UnionOp) node()                    {}
func (*MvExpandOp) node()                 {}
func (*MvItem) node()                     {}
func (*MvApplyOp) node()                  {}
func (*ParseOp) node()                    {}
func (*ParseKvOp) node()                  {}
func (*MakeSeriesOp) node()               {}
func (*SeriesAgg) node()                  {}
func (*EvaluateOp) node()                 {}
func (*RenderOp) node()                   {}
func (*AsOp) node()                       {}
func (*GetSchemaOp) node()                {}
func (*SerializeOp) node()                {}
func (*InvokeOp) node()                   {}
func (*ConsumeOp) node()                  {}
func (*ReduceOp) node()                   {}
func (*ScanOp) node()                     {}
func (*ScanStep) node()                   {}
func (*PartitionOp) node()                {}
func (*ForkOp) node()                     {}
func (*FacetOp) node()                    {}
func (*SearchOp) node()                   {}
func (*FindOp) node()                     {}
func (*PrintOp) node()                    {}
func (*RangeOp) node()                    {}
func (*BadOperator) node()                {}

func (*LetStmt) stmtNode()                    {}
func (*SetStmt) stmtNode()                    {}
func (*DeclareQueryParametersStmt) stmtNode() {}
func (*AliasStmt) stmtNode()                  {}
func (*PatternStmt) stmtNode()                {}
func (*RestrictStmt) stmtNode()               {}
func (*ExprStmt) stmtNode()                   {}
func (*BadStmt) stmtNode()                    {}

func (*Ident) exprNode()            {}
func (*WildcardName) exprNode()     {}
func (*ColumnDecl) exprNode()       {}
func (*Literal) exprNode()          {}
func (*DynamicLit) exprNode()       {}
func (*ArrayLit) exprNode()         {}
func (*ObjectLit) exprNode()        {}
func (*StarExpr) exprNode()         {}
func (*ParenExpr) exprNode()        {}
func (*SelectorExpr) exprNode()     {}
func (*IndexExpr) exprNode()        {}
func (*CallExpr) exprNode()         {}
func (*TypeofExpr) exprNode()       {}
func (*ToScalarExpr) exprNode()     {}
func (*MaterializeExpr) exprNode()  {}
func (*UnaryExpr) exprNode()        {}
func (*BinaryExpr) exprNode()       {}
func (*BetweenExpr) exprNode()      {}
func (*InExpr) exprNode()           {}
func (*NamedExpr) exprNode()        {}
func (*OrderedExpr) exprNode()      {}
func (*BadExpr) exprNode()          {}
func (*PipeExpr) exprNode()         {}
func (*DataTableExpr) exprNode()    {}
func (*ExternalDataExpr) exprNode() {}
func (*UnionOp) exprNode()          {}
func (*EvaluateOp) exprNode()       {}
func (*SearchOp) exprNode()         {}
func (*FindOp) exprNode()           {}
func (*PrintOp) exprNode()          {}
func (*RangeOp) exprNode()          {}

func (*PipeExpr) tabularNode()         {}
func (*DataTableExpr) tabularNode()    {}
func (*ExternalDataExpr) tabularNode() {}
func (*MaterializeExpr) tabularNode()  {}
func (*UnionOp) tabularNode()          {}
func (*EvaluateOp) tabularNode()       {}
func (*SearchOp) tabularNode()         {}
func (*FindOp) tabularNode()           {}
func (*PrintOp) tabularNode()          {}
func (*RangeOp) tabularNode()          {}

func (*WhereOp) operatorNode()          {}
func (*ExtendOp) operatorNode()         {}
func (*ProjectOp) operatorNode()        {}
func (*ProjectAwayOp) operatorNode()    {}
func (*ProjectKeepOp) operatorNode()    {}
func (*ProjectByNamesOp) operatorNode() {}
func (*ProjectRenameOp) operatorNode()  {}
func (*ProjectReorderOp) operatorNode() {}
func (*SummarizeOp) operatorNode()      {}
func (*SortOp) operatorNode()           {}
func (*TopOp) operatorNode()            {}
func (*TopNestedOp) operatorNode()      {}
func (*TakeOp) operatorNode()           {}
func (*SampleOp) operatorNode()         {}
func (*SampleDistinctOp) operatorNode() {}
func (*DistinctOp) operatorNode()       {}
func (*CountOp) operatorNode()          {}
func (*JoinOp) operatorNode()           {}
func (*LookupOp) operatorNode()         {}
func (*UnionOp) operatorNode()          {}
func (*MvExpandOp) operatorNode()       {}
func (*MvApplyOp) operatorNode()        {}
func (*ParseOp) operatorNode()          {}
func (*ParseKvOp) operatorNode()        {}
func (*MakeSeriesOp) operatorNode()     {}
func (*EvaluateOp) operatorNode()       {}
func (*RenderOp) operatorNode()         {}
func (*AsOp) operatorNode()             {}
func (*GetSchemaOp) operatorNode()      {}
func (*SerializeOp) operatorNode()      {}
func (*InvokeOp) operatorNode()         {}
func (*ConsumeOp) operatorNode()        {}
func (*ReduceOp) operatorNode()         {}
func (*ScanOp) operatorNode()           {}
func (*PartitionOp) operatorNode()      {}
func (*ForkOp) operatorNode()           {}
func (*FacetOp) operatorNode()          {}
func (*SearchOp) operatorNode()         {}
func (*BadOperator) operatorNode()      {}

func (x *WhereOp) OpName() string          { return x.Name }
func (x *ExtendOp) OpName() string         { return "extend" }
func (x *ProjectOp) OpName() string        { return "project" }
func (x *ProjectAwayOp) OpName() string    { return "project-away" }
func (x *ProjectKeepOp) OpName() string    { return "project-keep" }
func (x *ProjectByNamesOp) OpName() string { return "project-by-names" }
func (x *ProjectRenameOp) OpName() string  { return "project-rename" }
func (x *ProjectReorderOp) OpName() string { return "project-reorder" }
func (x *SummarizeOp) OpName() string      { return "summarize" }
func (x *SortOp) OpName() string           { return x.Name }
func (x *TopOp) OpName() string            { return "top" }
func (x *TopNestedOp) OpName() string      { return "top-nested" }
func (x *TakeOp) OpName() string           { return x.Name }
func (x *SampleOp) OpName() string         { return "sample" }
func (x *SampleDistinctOp) OpName() string { return "sample-distinct" }
func (x *DistinctOp) OpName() string       { return "distinct" }
func (x *CountOp) OpName() string          { return "count" }
func (x *JoinOp) OpName() string           { return "join" }
func (x *LookupOp) OpName() string         { return "lookup" }
func (x *UnionOp) OpName() string          { return "union" }
func (x *MvExpandOp) OpName() string       { return x.Name }
func (x *MvApplyOp) OpName() string        { return "mv-apply" }
func (x *ParseOp) OpName() string          { return x.Name }
func (x *ParseKvOp) OpName() string        { return "parse-kv" }
func (x *MakeSeriesOp) OpName() string     { return "make-series" }
func (x *EvaluateOp) OpName() string       { return "evaluate" }
func (x *RenderOp) OpName() string         { return "render" }
func (x *AsOp) OpName() string             { return "as" }
func (x *GetSchemaOp) OpName() string      { return "getschema" }
func (x *SerializeOp) OpName() string      { return "serialize" }
func (x *InvokeOp) OpName() string         { return "invoke" }
func (x *ConsumeOp) OpName() string        { return "consume" }
func (x *ReduceOp) OpName() string         { return "reduce" }
func (x *ScanOp) OpName() string           { return "scan" }
func (x *PartitionOp) OpName() string      { return "partition" }
func (x *ForkOp) OpName() string           { return "fork" }
func (x *FacetOp) OpName() string          { return "facet" }
func (x *SearchOp) OpName() string         { return "search" }
func (x *BadOperator) OpName() string      { return "" }

// LookupParam looks up an operator parameter by name, case-insensitively, and
// returns its value or nil.
func LookupParam(params []*OpParam, name string) Expr {
	for _, p := range params {
		if p.Name != nil && equalFold(p.Name.Name, name) {
			return p.Value
		}
	}
	return nil
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
