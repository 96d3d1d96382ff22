package syntax

import "strings"

// This file parses pipe operators and the tabular sources that read like
// operators (union, print, range, find, search, evaluate, datatable,
// externaldata).

// operatorName reads the operator keyword at the current token, joining
// hyphenated parts written without spaces (`project-away`, `mv-expand`),
// and returns it with its position. It consumes the keyword.
func (p *parser) operatorName() (string, Pos) {
	t := p.tok
	name := t.Text
	end := t.End
	p.next()
	for p.tok.Kind == TokMinus && p.tok.Pos == end && p.peek(1).Kind == TokIdent && p.peek(1).Pos == p.tok.End {
		name += "-" + p.peek(1).Text
		end = p.peek(1).End
		p.next()
		p.next()
	}
	return name, t.Pos
}

// parseOperator parses one operator after `|`.
func (p *parser) parseOperator() Operator {
	if p.tok.Kind != TokIdent {
		p.errorExpected("query operator")
		return &BadOperator{From: p.tok.Pos, To: p.tok.Pos}
	}
	saved := p.ctx
	defer func() { p.ctx = saved }()
	name, pos := p.operatorName()
	p.ctx = name
	switch name {
	case "where", "filter":
		savedEq := p.assignIsEq
		p.assignIsEq = true
		pred := p.parseExpr()
		p.assignIsEq = savedEq
		return &WhereOp{Keyword: pos, Name: name, Pred: pred}
	case "extend":
		return &ExtendOp{Keyword: pos, Exprs: p.parseColumnList(true)}
	case "project":
		return &ProjectOp{Keyword: pos, Exprs: p.parseColumnList(true)}
	case "project-away":
		return &ProjectAwayOp{Keyword: pos, Columns: p.parseNameList()}
	case "project-keep":
		return &ProjectKeepOp{Keyword: pos, Columns: p.parseNameList()}
	case "project-by-names":
		return &ProjectByNamesOp{Keyword: pos, Specs: p.parseColumnList(false)}
	case "project-rename":
		return p.parseProjectRename(pos)
	case "project-reorder":
		return &ProjectReorderOp{Keyword: pos, Columns: p.parseOrderedList(true)}
	case "summarize":
		return p.parseSummarize(pos)
	case "sort", "order":
		op := &SortOp{Keyword: pos, Name: name}
		op.Params = p.parseOpParams(isHint)
		if p.expectWord("by") == NoPos {
			return op
		}
		op.Keys = p.parseOrderedList(false)
		return op
	case "top":
		op := &TopOp{Keyword: pos}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		if p.expectWord("by") != NoPos {
			op.By = p.parseOrdered(false)
		}
		return op
	case "top-nested":
		return p.parseTopNested(pos)
	case "take", "limit":
		op := &TakeOp{Keyword: pos, Name: name}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		return op
	case "sample":
		op := &SampleOp{Keyword: pos}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		return op
	case "sample-distinct":
		op := &SampleDistinctOp{Keyword: pos}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		if p.expectWord("of") != NoPos {
			op.Of = p.parseExpr()
		}
		return op
	case "distinct":
		op := &DistinctOp{Keyword: pos}
		op.Params = p.parseOpParams(isHint)
		op.Columns = p.parseColumnList(true)
		return op
	case "count":
		op := &CountOp{Keyword: pos}
		if p.gotWord("as") {
			op.As = p.parseName("name after 'as'")
		}
		return op
	case "join":
		return p.parseJoin(pos)
	case "lookup":
		return p.parseLookup(pos)
	case "union":
		return p.parseUnionAt(pos)
	case "mv-expand", "mvexpand":
		return p.parseMvExpand(pos, name)
	case "mv-apply", "mvapply":
		return p.parseMvApply(pos)
	case "parse", "parse-where":
		return p.parseParse(pos, name)
	case "parse-kv":
		return p.parseParseKv(pos)
	case "make-series":
		return p.parseMakeSeries(pos)
	case "evaluate":
		return p.parseEvaluateAt(pos)
	case "render":
		return p.parseRender(pos)
	case "as":
		op := &AsOp{Keyword: pos}
		op.Params = p.parseOpParams(isHint)
		op.Name = p.parseName("name after 'as'")
		return op
	case "getschema":
		return &GetSchemaOp{Keyword: pos, EndPos: p.prevEnd()}
	case "serialize":
		op := &SerializeOp{Keyword: pos}
		if p.tok.Kind != TokPipe && p.tok.Kind != TokSemi && p.tok.Kind != TokEOF && p.tok.Kind != TokRparen {
			op.Exprs = p.parseColumnList(true)
		}
		op.EndPos = p.prevEnd()
		return op
	case "invoke":
		op := &InvokeOp{Keyword: pos}
		if p.tok.Kind == TokIdent && p.peek(1).Kind == TokLparen {
			fun := &Ident{NamePos: p.tok.Pos, Name: p.tok.Text, Raw: p.tok.Text}
			p.next()
			op.Call = p.parseCallArgs(nil, fun).(*CallExpr)
		} else {
			p.errorExpected("function call")
		}
		return op
	case "consume":
		op := &ConsumeOp{Keyword: pos}
		op.Params = p.parseOpParams(func(string) bool { return true })
		op.EndPos = p.prevEnd()
		return op
	case "reduce":
		op := &ReduceOp{Keyword: pos}
		op.Params = p.parseOpParams(func(s string) bool { return s == "kind" || isHint(s) })
		if p.expectWord("by") != NoPos {
			op.By = p.parseExpr()
			if p.gotWord("with") {
				if p.tok.Kind == TokLparen {
					op.With = p.parseParamList()
				} else {
					// `with threshold=0.1, characters="x"` without parentheses
					for {
						prm := p.parseOpParams(func(string) bool { return true })
						if len(prm) == 0 {
							p.errorExpected("property")
							break
						}
						op.With = append(op.With, prm...)
						if !p.got(TokComma) {
							break
						}
					}
				}
			}
		}
		op.EndPos = p.prevEnd()
		return op
	case "scan":
		return p.parseScan(pos)
	case "partition":
		return p.parsePartition(pos)
	case "fork":
		op := &ForkOp{Keyword: pos}
		for p.tok.Kind == TokLparen || p.isNamedStart() {
			if p.tok.Kind == TokLparen {
				op.Branches = append(op.Branches, p.parseSubquery())
				continue
			}
			ne := &NamedExpr{Lparen: NoPos, Rparen: NoPos}
			ne.Names = []*Ident{p.parseName("name")}
			ne.Assign = p.expect(TokAssign)
			ne.Value = p.parseSubquery()
			op.Branches = append(op.Branches, ne)
		}
		if len(op.Branches) == 0 {
			p.errorExpected("'('")
		}
		op.EndPos = p.prevEnd()
		return op
	case "facet":
		op := &FacetOp{Keyword: pos}
		if p.expectWord("by") != NoPos {
			op.By = p.parseNameList()
			if p.gotWord("with") {
				op.With = p.parseSubquery()
			}
		}
		op.EndPos = p.prevEnd()
		return op
	case "search":
		return p.parseSearchAt(pos)
	}
	if op, ok := p.parseGraphOperator(name, pos); ok {
		return op
	}
	p.ctx = saved
	p.error(pos, p.prevEnd(), "expected query operator, found '"+name+"'")
	return &BadOperator{From: pos, To: p.prevEnd()}
}

// isHint reports whether name is a `hint.` parameter.
func isHint(name string) bool { return strings.HasPrefix(name, "hint.") }

// parseOpParams parses leading `name=value` parameters whose names are
// accepted by ok.
func (p *parser) parseOpParams(ok func(string) bool) []*OpParam {
	var params []*OpParam
	for p.tok.Kind == TokIdent {
		// name [. name]* =
		k := 1
		name := p.tok.Text
		for p.peek(k).Kind == TokDot && p.peek(k+1).Kind == TokIdent {
			name += "." + p.peek(k+1).Text
			k += 2
		}
		if p.peek(k).Kind != TokAssign || !ok(name) {
			break
		}
		id := &Ident{NamePos: p.tok.Pos, Name: name, Raw: p.src[p.tok.Pos:p.peek(k-1).End]}
		for range k {
			p.next()
		}
		prm := &OpParam{Name: id, Assign: p.tok.Pos}
		p.next()
		prm.Value = p.parseParamValue()
		params = append(params, prm)
	}
	return params
}

// parseParamValue parses the value of a `name=value` parameter: a literal,
// a name, or a signed number.
func (p *parser) parseParamValue() Expr {
	switch p.tok.Kind {
	case TokIdent:
		switch p.tok.Text {
		case "true", "false", "True", "False", "TRUE", "FALSE", "dynamic", "typeof":
			return p.parsePrimary()
		}
		t := p.tok
		p.next()
		return &Ident{NamePos: t.Pos, Name: t.Text, Raw: t.Text}
	case TokMinus, TokPlus:
		return p.parseUnary()
	}
	return p.parsePrimary()
}

// parseParamList parses `(name=value, ...)` property lists (render with,
// externaldata with, parse-kv with, reduce with). A bare name after a
// comma continues the previous value as a list (`ycolumns=a, b`).
func (p *parser) parseParamList() []*OpParam {
	if p.expect(TokLparen) == NoPos {
		return nil
	}
	var params []*OpParam
	for p.tok.Kind != TokRparen && p.tok.Kind != TokEOF {
		if !p.isNameStart() {
			p.errorExpected("property name")
			break
		}
		name := p.parseDottedName()
		prm := &OpParam{Name: name, Assign: p.expect(TokAssign)}
		if prm.Assign == NoPos {
			break
		}
		prm.Value = p.parsePropertyValue()
		params = append(params, prm)
		if !p.got(TokComma) {
			break
		}
	}
	p.expectClose(TokRparen)
	return params
}

// parsePropertyValue parses a with(...) property value. Names continue
// with `, name` when the next item has no `=`, forming a list.
func (p *parser) parsePropertyValue() Expr {
	first := p.parseParamValue()
	if p.tok.Kind != TokComma || !(p.peek(1).Kind == TokIdent && p.peek(2).Kind != TokAssign && p.peek(2).Kind != TokDot) {
		return first
	}
	list := &ArrayLit{Lbrack: NoPos, Elems: []Expr{first}, Rbrack: NoPos}
	for p.tok.Kind == TokComma && p.peek(1).Kind == TokIdent && p.peek(2).Kind != TokAssign && p.peek(2).Kind != TokDot {
		p.next()
		list.Elems = append(list.Elems, p.parseParamValue())
	}
	return list
}

// atListEnd reports whether the current token ends an operator's list.
func (p *parser) atListEnd() bool {
	switch p.tok.Kind {
	case TokPipe, TokSemi, TokEOF, TokRparen, TokRbrack, TokRbrace:
		return true
	}
	return false
}

// parseColumnList parses comma-separated expressions, `Name = expr` and
// `(A, B) = expr` allowed when named is set, until `by`, a pipe or a close.
func (p *parser) parseColumnList(named bool) []Expr {
	var list []Expr
	for {
		if p.atListEnd() || p.isWord("by") {
			p.errorExpected("expression")
			return list
		}
		if named {
			list = append(list, p.parseNamedOrExpr())
		} else {
			list = append(list, p.parseExpr())
		}
		if !p.got(TokComma) {
			return list
		}
	}
}

// parseNameList parses column names and wildcards (`Col*`, `*`).
func (p *parser) parseNameList() []Expr {
	var list []Expr
	for {
		x := p.parseNameOrWildcard()
		if x == nil {
			p.errorExpected("column name")
			break
		}
		list = append(list, x)
		if !p.got(TokComma) {
			break
		}
	}
	return list
}

// parseNameOrWildcard parses a name, a bracketed name or a wildcard
// pattern such as `Sign*`, `*Logs` or `*`. It returns nil, consuming
// nothing, when none starts here.
func (p *parser) parseNameOrWildcard() Expr {
	start := p.tok.Pos
	switch p.tok.Kind {
	case TokLbrack:
		if id := p.tryBracketedName(); id != nil {
			return id
		}
		return nil
	case TokIdent, TokStar:
	default:
		return nil
	}
	// Join adjacent identifier and `*` tokens.
	end := p.tok.End
	wild := p.tok.Kind == TokStar
	p.next()
	for (p.tok.Kind == TokIdent || p.tok.Kind == TokStar || p.tok.Kind == TokLong) && p.tok.Pos == end {
		wild = wild || p.tok.Kind == TokStar
		end = p.tok.End
		p.next()
	}
	text := p.src[start:end]
	if !wild {
		return &Ident{NamePos: start, Name: text, Raw: text}
	}
	if text == "*" {
		return &StarExpr{Star: start}
	}
	return &WildcardName{NamePos: start, Pattern: text}
}

func (p *parser) parseProjectRename(pos Pos) Operator {
	op := &ProjectRenameOp{Keyword: pos}
	for {
		if !p.isNamedStart() || p.tok.Kind == TokLparen {
			p.errorExpected("'NewName = OldName'")
			break
		}
		ne := &NamedExpr{Lparen: NoPos, Rparen: NoPos}
		ne.Names = []*Ident{p.parseName("name")}
		ne.Assign = p.expect(TokAssign)
		// Kusto's parser accepts any expression here and leaves the
		// complaint to semantic analysis; so does socfeed.
		ne.Value = p.parseExpr()
		op.Renames = append(op.Renames, ne)
		if !p.got(TokComma) {
			break
		}
	}
	return op
}

// parseOrdered parses `expr [asc|desc] [nulls first|last]`. With names,
// the expression is a name or wildcard (project-reorder).
func (p *parser) parseOrdered(names bool) *OrderedExpr {
	o := &OrderedExpr{OrderPos: NoPos, NullsPos: NoPos}
	if names {
		o.X = p.parseNameOrWildcard()
		if o.X == nil {
			p.errorExpected("column name")
			o.X = &BadExpr{From: p.tok.Pos, To: p.tok.Pos}
		}
	} else {
		o.X = p.parseExpr()
	}
	if p.isWord("asc") || p.isWord("desc") || names && (p.isWord("granny-asc") || p.isWord("granny-desc")) {
		o.OrderPos = p.tok.Pos
		o.Order = p.tok.Text
		p.next()
	}
	if p.isWord("nulls") && p.peek(1).Kind == TokIdent && (p.peek(1).Text == "first" || p.peek(1).Text == "last") {
		o.NullsPos = p.tok.Pos
		o.Nulls = p.peek(1).Text
		p.next()
		p.next()
	}
	return o
}

func (p *parser) parseOrderedList(names bool) []*OrderedExpr {
	var list []*OrderedExpr
	for {
		list = append(list, p.parseOrdered(names))
		if !p.got(TokComma) {
			return list
		}
	}
}

func (p *parser) parseSummarize(pos Pos) Operator {
	op := &SummarizeOp{Keyword: pos, ByPos: NoPos}
	op.Params = p.parseOpParams(isHint)
	if !p.isWord("by") {
		op.Aggs = p.parseColumnList(true)
	}
	if p.isWord("by") {
		op.ByPos = p.tok.Pos
		p.next()
		op.By = p.parseColumnList(true)
	}
	return op
}

func (p *parser) parseTopNested(pos Pos) Operator {
	op := &TopNestedOp{Keyword: pos}
	for {
		c := &TopNestedClause{OfPos: NoPos}
		if !p.isWord("of") {
			c.Count = p.parseExpr()
		}
		c.OfPos = p.expectWord("of")
		if c.OfPos == NoPos {
			return op
		}
		c.Of = p.parseNamedOrExpr()
		if p.isWord("with") && p.peek(1).Kind == TokIdent && p.peek(1).Text == "others" {
			p.next()
			p.next()
			p.expect(TokAssign)
			c.Others = p.parseExpr()
		}
		if p.expectWord("by") != NoPos {
			o := &OrderedExpr{OrderPos: NoPos, NullsPos: NoPos}
			o.X = p.parseNamedOrExpr()
			if p.isWord("asc") || p.isWord("desc") {
				o.OrderPos = p.tok.Pos
				o.Order = p.tok.Text
				p.next()
			}
			c.By = o
		}
		op.Clauses = append(op.Clauses, c)
		if !p.got(TokComma) {
			return op
		}
		// Each clause may repeat the keyword: `top-nested 2 of a by x,
		// top-nested 3 of b by y`.
		if p.isWord("top") && p.peek(1).Kind == TokMinus && p.adjacent(1) && p.peek(2).Kind == TokIdent && p.peek(2).Text == "nested" && p.adjacent(2) {
			p.next()
			p.next()
			p.next()
		}
	}
}

// parseRightTable parses the right side of join/lookup: a parenthesized
// subquery or a table reference (name, call, path).
func (p *parser) parseRightTable() Expr {
	if p.tok.Kind == TokLparen {
		return p.parseParen()
	}
	if !p.isNameStart() {
		p.errorExpected("table")
		return &BadExpr{From: p.tok.Pos, To: p.tok.Pos}
	}
	return p.parsePostfix(p.parsePrimary())
}

func (p *parser) parseJoin(pos Pos) Operator {
	op := &JoinOp{Keyword: pos, OnPos: NoPos, WherePos: NoPos}
	op.Params = p.parseOpParams(func(s string) bool { return s == "kind" || isHint(s) })
	op.Right = p.parseRightTable()
	if p.isWord("on") {
		op.OnPos = p.tok.Pos
		p.next()
		op.On = p.parseColumnList(false)
	} else if p.isWord("where") {
		op.WherePos = p.tok.Pos
		p.next()
		op.Where = p.parseExpr()
	}
	return op
}

func (p *parser) parseLookup(pos Pos) Operator {
	op := &LookupOp{Keyword: pos, OnPos: NoPos}
	op.Params = p.parseOpParams(func(s string) bool { return s == "kind" || isHint(s) })
	op.Right = p.parseRightTable()
	op.OnPos = p.expectWord("on")
	if op.OnPos != NoPos {
		op.On = p.parseColumnList(false)
	}
	return op
}

func (p *parser) parseUnion() Expr {
	pos := p.tok.Pos
	p.next()
	return p.parseUnionAt(pos)
}

func (p *parser) parseUnionAt(pos Pos) *UnionOp {
	op := &UnionOp{Keyword: pos}
	op.Params = p.parseOpParams(func(s string) bool {
		return s == "kind" || s == "withsource" || s == "isfuzzy" || isHint(s)
	})
	for {
		var x Expr
		switch {
		case p.tok.Kind == TokLparen:
			x = p.parseParen()
		case p.tok.Kind == TokIdent && p.peek(1).Kind == TokLparen || p.tok.Kind == TokIdent && p.peek(1).Kind == TokDot:
			x = p.parsePostfix(p.parsePrimary())
		default:
			x = p.parseNameOrWildcard()
		}
		if x == nil {
			p.errorExpected("table")
			break
		}
		op.Tables = append(op.Tables, x)
		if !p.got(TokComma) {
			break
		}
	}
	return op
}

// parseMvItems parses mv-expand / mv-apply items up to `limit`, `on` or
// the end.
func (p *parser) parseMvItems() []*MvItem {
	var items []*MvItem
	for {
		it := &MvItem{ToPos: NoPos}
		it.X = p.parseNamedOrExpr()
		if p.isWord("to") && p.peek(1).Kind == TokIdent && p.peek(1).Text == "typeof" {
			it.ToPos = p.tok.Pos
			p.next()
			p.next()
			p.expect(TokLparen)
			it.To = p.parseTypeRef()
			p.expectClose(TokRparen)
		}
		items = append(items, it)
		if !p.got(TokComma) {
			return items
		}
	}
}

var mvParams = func(s string) bool {
	return s == "kind" || s == "bagexpansion" || s == "with_itemindex" || isHint(s)
}

func (p *parser) parseMvExpand(pos Pos, name string) Operator {
	op := &MvExpandOp{Keyword: pos, Name: name, LimitPos: NoPos}
	op.Params = p.parseOpParams(mvParams)
	op.Items = p.parseMvItems()
	if p.isWord("limit") {
		op.LimitPos = p.tok.Pos
		p.next()
		op.Limit = p.parseExpr()
	}
	return op
}

func (p *parser) parseMvApply(pos Pos) Operator {
	op := &MvApplyOp{Keyword: pos, LimitPos: NoPos, OnPos: NoPos}
	op.Params = p.parseOpParams(mvParams)
	op.Items = p.parseMvItems()
	if p.isWord("limit") {
		op.LimitPos = p.tok.Pos
		p.next()
		op.Limit = p.parseExpr()
	}
	op.Params = append(op.Params, p.parseOpParams(mvParams)...)
	op.OnPos = p.expectWord("on")
	if op.OnPos != NoPos {
		op.On = p.parseSubquery()
	}
	return op
}

func (p *parser) parseParse(pos Pos, name string) Operator {
	op := &ParseOp{Keyword: pos, Name: name, WithPos: NoPos}
	op.Params = p.parseOpParams(func(s string) bool { return s == "kind" || s == "flags" })
	op.X = p.parseExpr()
	op.WithPos = p.expectWord("with")
	if op.WithPos == NoPos {
		return op
	}
	for !p.atListEnd() {
		switch p.tok.Kind {
		case TokStar:
			op.Pattern = append(op.Pattern, &StarExpr{Star: p.tok.Pos})
			p.next()
		case TokString:
			op.Pattern = append(op.Pattern, p.parseStringLit())
		case TokIdent, TokLbrack:
			c := &ColumnDecl{Name: p.parseName("column name"), Colon: NoPos}
			if p.tok.Kind == TokColon {
				c.Colon = p.tok.Pos
				p.next()
				c.Type = p.parseTypeRef()
			}
			op.Pattern = append(op.Pattern, c)
		default:
			p.errorExpected("string, column name or '*'")
			return op
		}
	}
	if len(op.Pattern) == 0 {
		p.errorExpected("parse pattern")
	}
	return op
}

func (p *parser) parseParseKv(pos Pos) Operator {
	op := &ParseKvOp{Keyword: pos}
	op.X = p.parseExpr()
	if p.expectWord("as") != NoPos {
		op.Schema = p.parseSchema(false)
		if p.gotWord("with") {
			op.With = p.parseParamList()
		}
	}
	op.EndPos = p.prevEnd()
	return op
}

func (p *parser) parseMakeSeries(pos Pos) Operator {
	op := &MakeSeriesOp{Keyword: pos, OnPos: NoPos, ByPos: NoPos}
	op.Params = p.parseOpParams(func(s string) bool { return s == "kind" || isHint(s) })
	for {
		a := &SeriesAgg{X: p.parseNamedOrExpr()}
		if p.isWord("default") && p.peek(1).Kind == TokAssign {
			p.next()
			p.next()
			a.Default = p.parseExpr()
		}
		op.Aggs = append(op.Aggs, a)
		if !p.got(TokComma) {
			break
		}
	}
	op.OnPos = p.expectWord("on")
	if op.OnPos == NoPos {
		return op
	}
	// The axis is a column; parsing above the comparison level keeps
	// `in range(...)` from reading as the `in` operator.
	op.On = p.parseBinary(precRelational)
	if p.isWord("in") && p.peek(1).Kind == TokIdent && p.peek(1).Text == "range" {
		op.InRange = true
		p.next()
		p.next()
		p.expect(TokLparen)
		op.From = p.parseExpr()
		p.expect(TokComma)
		op.To = p.parseExpr()
		p.expect(TokComma)
		op.Step = p.parseExpr()
		p.expectClose(TokRparen)
	} else {
		if p.gotWord("from") {
			op.From = p.parseExpr()
		}
		if p.gotWord("to") {
			op.To = p.parseExpr()
		}
		if p.expectWord("step") != NoPos {
			op.Step = p.parseExpr()
		}
	}
	if p.isWord("by") {
		op.ByPos = p.tok.Pos
		p.next()
		op.By = p.parseColumnList(true)
	}
	return op
}

func (p *parser) parseEvaluate() Expr {
	pos := p.tok.Pos
	p.next()
	return p.parseEvaluateAt(pos)
}

func (p *parser) parseEvaluateAt(pos Pos) *EvaluateOp {
	op := &EvaluateOp{Keyword: pos}
	op.Params = p.parseOpParams(isHint)
	if p.tok.Kind == TokIdent && p.peek(1).Kind == TokLparen {
		fun := &Ident{NamePos: p.tok.Pos, Name: p.tok.Text, Raw: p.tok.Text}
		p.next()
		op.Call = p.parseCallArgs(nil, fun).(*CallExpr)
	} else {
		p.errorExpected("plugin call")
		return op
	}
	if p.tok.Kind == TokColon && p.peek(1).Kind == TokLparen {
		p.next()
		op.Schema = p.parseSchema(true)
	}
	return op
}

func (p *parser) parseRender(pos Pos) Operator {
	op := &RenderOp{Keyword: pos}
	op.Chart = p.parseName("chart type")
	if p.isWord("with") && p.peek(1).Kind == TokLparen {
		p.next()
		op.With = p.parseParamList()
	} else {
		op.With = p.parseOpParams(func(string) bool { return true })
	}
	op.EndPos = p.prevEnd()
	return op
}

func (p *parser) parseScan(pos Pos) Operator {
	op := &ScanOp{Keyword: pos}
	op.Params = p.parseOpParams(func(string) bool { return true })
	if p.isWord("order") && p.peek(1).Kind == TokIdent && p.peek(1).Text == "by" {
		p.next()
		p.next()
		op.OrderBy = p.parseOrderedList(false)
	}
	if p.isWord("partition") && p.peek(1).Kind == TokIdent && p.peek(1).Text == "by" {
		p.next()
		p.next()
		op.PartitionBy = p.parseColumnList(false)
	}
	if p.gotWord("declare") {
		p.expect(TokLparen)
		op.Declare = p.parseParams(TokRparen)
		p.expectClose(TokRparen)
	}
	if p.expectWord("with") == NoPos || p.expect(TokLparen) == NoPos {
		op.Rparen = p.prevEnd() - 1
		return op
	}
	for p.isWord("step") {
		st := &ScanStep{Step: p.tok.Pos}
		p.next()
		st.Name = p.parseName("step name")
		if p.gotWord("optional") {
			st.Optional = true
		}
		if p.isWord("output") && p.peek(1).Kind == TokAssign {
			p.next()
			p.next()
			st.Output = p.parseName("'all', 'last' or 'none'").Name
		}
		if p.expect(TokColon) == NoPos {
			break
		}
		st.Cond = p.parseExpr()
		if p.got(TokArrow) {
			for {
				if !p.isNamedStart() {
					p.errorExpected("'Column = value'")
					break
				}
				st.Assigns = append(st.Assigns, p.parseNamed(false))
				if !p.got(TokComma) {
					break
				}
			}
		}
		st.EndPos = p.prevEnd()
		op.Steps = append(op.Steps, st)
		if p.expect(TokSemi) == NoPos {
			break
		}
	}
	if len(op.Steps) == 0 {
		p.errorExpected("'step'")
	}
	op.Rparen = p.expectClose(TokRparen)
	return op
}

func (p *parser) parsePartition(pos Pos) Operator {
	op := &PartitionOp{Keyword: pos}
	op.Params = p.parseOpParams(func(s string) bool { return isHint(s) || s == "kind" })
	if p.expectWord("by") != NoPos {
		op.By = p.parseName("column name")
		switch p.tok.Kind {
		case TokLparen:
			op.Sub = p.parseSubquery()
		case TokLbrace:
			lb := p.tok.Pos
			p.next()
			x := p.parsePipe()
			rb := p.expectClose(TokRbrace)
			op.Sub = &ParenExpr{Lparen: lb, X: x, Rparen: rb}
		default:
			p.errorExpected("'('")
		}
	}
	op.EndPos = p.prevEnd()
	return op
}

func (p *parser) parseSearch() Expr {
	pos := p.tok.Pos
	p.next()
	return p.parseSearchAt(pos)
}

func (p *parser) parseSearchAt(pos Pos) *SearchOp {
	op := &SearchOp{Keyword: pos}
	op.Params = p.parseOpParams(func(s string) bool { return s == "kind" || s == "withsource" || isHint(s) })
	if p.isWord("in") && p.peek(1).Kind == TokLparen {
		p.next()
		op.Tables = p.parseTableList()
	}
	saved := p.inSearch
	p.inSearch = true
	op.Pred = p.parseExpr()
	p.inSearch = saved
	return op
}

// parseTableList parses `(T1, T2*, ...)` for search and find.
func (p *parser) parseTableList() []Expr {
	p.expect(TokLparen)
	var list []Expr
	for p.tok.Kind != TokRparen && p.tok.Kind != TokEOF {
		var x Expr
		if p.tok.Kind == TokIdent && (p.peek(1).Kind == TokLparen || p.peek(1).Kind == TokDot) {
			x = p.parsePostfix(p.parsePrimary())
		} else {
			x = p.parseNameOrWildcard()
		}
		if x == nil {
			p.errorExpected("table")
			break
		}
		list = append(list, x)
		if !p.got(TokComma) {
			break
		}
	}
	p.expectClose(TokRparen)
	return list
}

func (p *parser) parseFind() Expr {
	op := &FindOp{Keyword: p.tok.Pos, ProjectPos: NoPos}
	p.next()
	op.Params = p.parseOpParams(func(s string) bool { return s == "withsource" || s == "datascope" || isHint(s) })
	if p.isWord("in") && p.peek(1).Kind == TokLparen {
		p.next()
		op.Tables = p.parseTableList()
	}
	// `where` is optional: `find "x"` searches every column.
	p.gotWord("where")
	saved := p.inSearch
	p.inSearch = true
	op.Pred = p.parseExpr()
	p.inSearch = saved
	switch {
	case p.isWord("project-smart") || p.isWord("project") && p.peek(1).Kind == TokMinus && p.adjacent(1) && p.peek(2).Kind == TokIdent && p.peek(2).Text == "smart":
		op.ProjectPos = p.tok.Pos
		op.ProjectSmart = true
		p.operatorName()
	case p.isWord("project"):
		op.ProjectPos = p.tok.Pos
		p.next()
		for {
			var x Expr
			if p.tok.Kind == TokIdent && p.peek(1).Kind == TokLparen {
				x = p.parseExpr() // pack_all()
			} else if x = p.parseNameOrWildcard(); x == nil {
				x = p.parseExpr()
			}
			if id, ok := x.(*Ident); ok && p.tok.Kind == TokColon {
				c := &ColumnDecl{Name: id, Colon: p.tok.Pos}
				p.next()
				c.Type = p.parseTypeRef()
				x = c
			}
			op.Project = append(op.Project, x)
			if !p.got(TokComma) {
				break
			}
		}
	}
	op.EndPos = p.prevEnd()
	return op
}

func (p *parser) parsePrint() Expr {
	op := &PrintOp{Keyword: p.tok.Pos}
	p.next()
	op.Exprs = p.parseColumnList(true)
	return op
}

func (p *parser) parseRange() Expr {
	op := &RangeOp{Keyword: p.tok.Pos}
	p.next()
	op.Name = p.parseName("column name")
	if p.expectWord("from") == NoPos {
		return op
	}
	op.From = p.parseExpr()
	if p.expectWord("to") == NoPos {
		return op
	}
	op.To = p.parseExpr()
	if p.expectWord("step") == NoPos {
		return op
	}
	op.Step = p.parseExpr()
	return op
}

func (p *parser) parseDataTable() Expr {
	saved := p.ctx
	p.ctx = "datatable"
	defer func() { p.ctx = saved }()
	d := &DataTableExpr{DataTable: p.tok.Pos}
	p.next()
	d.Params = p.parseOpParams(isHint)
	d.Schema = p.parseSchema(false)
	d.Lbrack = p.expect(TokLbrack)
	if d.Lbrack == NoPos {
		d.Rbrack = p.prevEnd() - 1
		return d
	}
	for p.tok.Kind != TokRbrack && p.tok.Kind != TokEOF {
		d.Values = append(d.Values, p.parseExpr())
		if !p.got(TokComma) {
			break
		}
	}
	d.Rbrack = p.expectClose(TokRbrack)
	return d
}

func (p *parser) parseExternalData() Expr {
	saved := p.ctx
	p.ctx = "externaldata"
	defer func() { p.ctx = saved }()
	d := &ExternalDataExpr{ExternalData: p.tok.Pos}
	p.next()
	d.Params = p.parseOpParams(func(s string) bool { return s == "kind" || isHint(s) })
	d.Schema = p.parseSchema(false)
	d.Lbrack = p.expect(TokLbrack)
	if d.Lbrack != NoPos {
		for p.tok.Kind != TokRbrack && p.tok.Kind != TokEOF {
			d.URIs = append(d.URIs, p.parseExpr())
			if !p.got(TokComma) {
				break
			}
		}
		d.Rbrack = p.expectClose(TokRbrack)
		if p.isWord("with") && p.peek(1).Kind == TokLparen {
			p.next()
			d.With = p.parseParamList()
		}
	} else {
		d.Rbrack = p.prevEnd() - 1
	}
	d.EndPos = p.prevEnd()
	return d
}
