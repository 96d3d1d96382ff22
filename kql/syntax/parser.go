package syntax

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Error is a syntax error. Pos and End are byte offsets of the offending
// text; Msg is lower case without a final period.
type Error struct {
	Pos Pos
	End Pos
	Msg string
}

// Error returns the message without position; use [Error.At] to prefix the
// line and column.
func (e *Error) Error() string { return e.Msg }

// At formats e as `line:col: message` against src.
func (e *Error) At(src string) string {
	line, col := LineCol(src, e.Pos)
	return fmt.Sprintf("%d:%d: %s", line, col, e.Msg)
}

// LineCol converts a byte offset into a 1-based line and column. Columns
// count runes (Unicode code points), so a caret lines up under the
// character in editors that show one cell per character. Offsets outside
// the source are clamped.
func LineCol(src string, p Pos) (line, col int) {
	off := int(p)
	if off < 0 {
		off = 0
	}
	if off > len(src) {
		off = len(src)
	}
	line = 1 + strings.Count(src[:off], "\n")
	lineStart := strings.LastIndexByte(src[:off], '\n') + 1
	col = 1 + utf8.RuneCountInString(src[lineStart:off])
	return line, col
}

// maxErrors is how many errors Parse reports at most.
const maxErrors = 10

// maxDepth caps expression and subquery nesting so hostile input cannot
// exhaust the stack.
const maxDepth = 1000

// Parse parses a KQL script: statements separated by `;`. It always returns
// a tree (with Bad nodes where parsing failed) together with the errors,
// sorted by position, at most one per line and at most ten.
func Parse(src string) (*Script, []*Error) {
	p := newParser(src)
	s := p.parseScript()
	return s, p.finishErrors()
}

// ParseExpr parses a single expression (scalar or tabular, pipes allowed),
// such as `strcat("a", "b")` or `T | count`.
func ParseExpr(src string) (Expr, []*Error) {
	p := newParser(src)
	x := p.parsePipe()
	if p.tok.Kind != TokEOF {
		p.errorExpected("end of input")
	}
	return x, p.finishErrors()
}

type parser struct {
	src      string
	toks     []Token
	comments []*Comment
	i        int
	tok      Token
	errs     []*Error
	depth    int
	ctx      string // operator being parsed, for messages
	inSearch bool   // parsing a search/find predicate: `Col:"x"` is allowed
	// assignIsEq is set in where predicates, where Kusto's parser accepts a
	// single `=` as equality (`where x = 1`).
	assignIsEq bool
}

func newParser(src string) *parser {
	toks, comments := Scan(src)
	p := &parser{src: src, toks: toks, comments: comments}
	p.tok = toks[0]
	for _, t := range toks {
		if t.Kind == TokString && t.Err != "" {
			p.errs = append(p.errs, &Error{Pos: t.Pos, End: t.End, Msg: t.Err})
		}
	}
	return p
}

func (p *parser) finishErrors() []*Error {
	errs := p.errs
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Pos < errs[j].Pos })
	var out []*Error
	lastLine := -1
	// Count lines incrementally: errors are sorted, and a hostile input
	// may produce very many of them.
	line, off := 1, 0
	for _, e := range errs {
		end := min(max(int(e.Pos), 0), len(p.src))
		if end > off {
			line += strings.Count(p.src[off:end], "\n")
			off = end
		}
		if line == lastLine {
			continue
		}
		lastLine = line
		out = append(out, e)
		if len(out) == maxErrors {
			break
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Token helpers

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.i++
	}
	p.tok = p.toks[p.i]
}

func (p *parser) peek(k int) Token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) isWord(w string) bool { return p.tok.Kind == TokIdent && p.tok.Text == w }

func (p *parser) got(kind TokenKind) bool {
	if p.tok.Kind == kind {
		p.next()
		return true
	}
	return false
}

func (p *parser) gotWord(w string) bool {
	if p.isWord(w) {
		p.next()
		return true
	}
	return false
}

func describe(t Token) string {
	switch t.Kind {
	case TokEOF:
		return "end of input"
	case TokString:
		s := t.Text
		if len(s) > 30 {
			s = s[:27] + "..."
		}
		return "string " + s
	}
	s := t.Text
	if len(s) > 30 {
		s = s[:27] + "..."
	}
	return "'" + s + "'"
}

var tokenNames = map[TokenKind]string{
	TokPipe: "'|'", TokLparen: "'('", TokRparen: "')'", TokLbrack: "'['", TokRbrack: "']'",
	TokLbrace: "'{'", TokRbrace: "'}'", TokComma: "','", TokSemi: "';'", TokDot: "'.'",
	TokDotDot: "'..'", TokAssign: "'='", TokColon: "':'", TokArrow: "'=>'",
}

func (p *parser) error(pos, end Pos, msg string) {
	if p.ctx != "" {
		msg += " in '" + p.ctx + "'"
	}
	p.errs = append(p.errs, &Error{Pos: pos, End: end, Msg: msg})
}

func (p *parser) errorExpected(what string) {
	if p.tok.Kind == TokIllegal {
		p.error(p.tok.Pos, p.tok.End, "unexpected character "+describe(p.tok))
		return
	}
	pos, end := p.tok.Pos, p.tok.End
	if p.i > 0 && strings.HasPrefix(what, "'") && strings.IndexByte(p.src[p.prevEnd():p.tok.Pos], '\n') >= 0 {
		// The missing token belongs at the end of the previous line (a
		// forgotten `;` or `,` before a blank line): point there, as
		// Microsoft's parser does, rather than at the next statement.
		pos, end = p.prevEnd(), p.prevEnd()
	}
	p.error(pos, end, "expected "+what+", found "+describe(p.tok))
}

// expect consumes a token of the given kind or reports an error; it returns
// the token's position, or NoPos when it was missing.
func (p *parser) expect(kind TokenKind) Pos {
	if p.tok.Kind == kind {
		pos := p.tok.Pos
		p.next()
		return pos
	}
	p.errorExpected(tokenNames[kind])
	return NoPos
}

// expectClose is expect for a closing token; when missing it returns the
// current position so End methods stay sensible.
func (p *parser) expectClose(kind TokenKind) Pos {
	if pos := p.expect(kind); pos.IsValid() {
		return pos
	}
	return p.prevEnd() - 1
}

func (p *parser) expectWord(w string) Pos {
	if p.isWord(w) {
		pos := p.tok.Pos
		p.next()
		return pos
	}
	p.errorExpected("'" + w + "'")
	return NoPos
}

// prevEnd is the end of the last consumed token.
func (p *parser) prevEnd() Pos {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].End
}

// adjacent reports whether token k (relative) starts right where token k-1
// ends, with no space between.
func (p *parser) adjacent(k int) bool {
	return p.peek(k).Pos == p.peek(k-1).End
}

// enter increases the nesting depth; when the cap is exceeded it reports an
// error once and skips to the end of input, which ends every loop.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		if p.tok.Kind != TokEOF {
			p.error(p.tok.Pos, p.tok.End, "expression nested too deeply")
			p.i = len(p.toks) - 1
			p.tok = p.toks[p.i]
		}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// skipTo skips tokens until one of stop kinds at nesting level zero, an
// unmatched closing bracket, or the end of input.
func (p *parser) skipTo(stops ...TokenKind) {
	level := 0
	for p.tok.Kind != TokEOF {
		switch p.tok.Kind {
		case TokLparen, TokLbrack, TokLbrace:
			level++
		case TokRparen, TokRbrack, TokRbrace:
			if level == 0 {
				return
			}
			level--
			p.next()
			continue
		}
		if level == 0 {
			for _, k := range stops {
				if p.tok.Kind == k {
					return
				}
			}
		}
		p.next()
	}
}

// ---------------------------------------------------------------------------
// Statements

func (p *parser) parseScript() *Script {
	s := &Script{EndPos: Pos(len(p.src))}
	s.Stmts = p.parseStmts(TokEOF)
	s.Comments = p.comments
	return s
}

// parseStmts parses statements separated by `;` until the end token (EOF or
// `}`), which it does not consume.
func (p *parser) parseStmts(end TokenKind) []Stmt {
	var stmts []Stmt
	for p.tok.Kind != end && p.tok.Kind != TokEOF {
		if p.got(TokSemi) {
			continue
		}
		start := p.i
		nerr := len(p.errs)
		st := p.parseStmt()
		stmts = append(stmts, st)
		if len(p.errs) > nerr {
			p.skipTo(TokSemi)
			switch p.tok.Kind {
			case TokRparen, TokRbrack, TokRbrace:
				if p.tok.Kind != end {
					p.next() // an unmatched closer at statement level
				}
			}
		} else if p.tok.Kind != TokSemi && p.tok.Kind != end && p.tok.Kind != TokEOF {
			p.errorExpected("';'")
			p.skipTo(TokSemi)
			if p.tok.Kind != TokSemi && p.tok.Kind != end && p.tok.Kind != TokEOF {
				p.next()
			}
		}
		if p.i == start { // guarantee progress
			p.next()
		}
	}
	return stmts
}

func (p *parser) parseStmt() Stmt {
	if p.tok.Kind == TokIdent {
		switch p.tok.Text {
		case "let":
			return p.parseLet()
		case "set":
			if p.peek(1).Kind == TokIdent {
				return p.parseSet()
			}
		case "declare":
			if p.peek(1).Kind == TokIdent && p.peek(1).Text == "query_parameters" {
				return p.parseDeclareQueryParameters()
			}
			if p.peek(1).Kind == TokIdent && p.peek(1).Text == "pattern" {
				return p.parsePattern()
			}
		case "alias":
			if p.peek(1).Kind == TokIdent && p.peek(1).Text == "database" {
				return p.parseAlias()
			}
		case "restrict":
			if p.peek(1).Kind == TokIdent && p.peek(1).Text == "access" {
				return p.parseRestrict()
			}
		}
	}
	from := p.tok.Pos
	x := p.parsePipe()
	if _, bad := x.(*BadExpr); bad {
		return &BadStmt{From: from, To: maxPos(p.prevEnd(), from)}
	}
	return &ExprStmt{X: x}
}

func (p *parser) parseLet() Stmt {
	s := &LetStmt{Let: p.tok.Pos}
	p.next()
	s.Name = p.parseName("name after 'let'")
	s.Assign = p.expect(TokAssign)
	if s.Assign == NoPos {
		return s
	}
	if p.isFuncDeclStart() {
		s.Func = p.parseFuncDecl()
		return s
	}
	s.Value = p.parsePipe()
	return s
}

// isFuncDeclStart reports whether the tokens start `(params) {` or
// `view (params) {`.
func (p *parser) isFuncDeclStart() bool {
	k := 0
	if p.isWord("view") && p.peek(1).Kind == TokLparen {
		k = 1
	}
	if p.peek(k).Kind != TokLparen {
		return false
	}
	t1 := p.peek(k + 1)
	if t1.Kind == TokRparen {
		return p.peek(k+2).Kind == TokLbrace
	}
	if t1.Kind == TokIdent && p.peek(k+2).Kind == TokColon {
		return true
	}
	// A bracketed parameter name: (['a b']:string)
	return t1.Kind == TokLbrack && p.peek(k+2).Kind == TokString && p.peek(k+3).Kind == TokRbrack && p.peek(k+4).Kind == TokColon
}

func (p *parser) parseFuncDecl() *FuncDecl {
	f := &FuncDecl{View: NoPos}
	if p.isWord("view") {
		f.View = p.tok.Pos
		p.next()
	}
	f.Lparen = p.expect(TokLparen)
	f.Params = p.parseParams(TokRparen)
	f.Rparen = p.expectClose(TokRparen)
	f.Lbrace = p.expect(TokLbrace)
	if f.Lbrace == NoPos {
		f.Rbrace = p.prevEnd() - 1
		return f
	}
	if !p.enter() {
		p.leave()
		f.Rbrace = p.prevEnd() - 1
		return f
	}
	saved := p.ctx
	p.ctx = ""
	f.Body = p.parseStmts(TokRbrace)
	p.ctx = saved
	p.leave()
	f.Rbrace = p.expectClose(TokRbrace)
	return f
}

// parseParams parses `name:type [= default], ...` up to the closing token.
func (p *parser) parseParams(close TokenKind) []*Param {
	var params []*Param
	for p.tok.Kind != close && p.tok.Kind != TokEOF {
		prm := &Param{Assign: NoPos}
		prm.Name = p.parseName("parameter name")
		prm.Colon = p.expect(TokColon)
		if prm.Colon == NoPos {
			return params
		}
		if p.tok.Kind == TokLparen {
			prm.Schema = p.parseSchema(true)
		} else {
			prm.Type = p.parseTypeRef()
		}
		if p.tok.Kind == TokAssign {
			prm.Assign = p.tok.Pos
			p.next()
			prm.Default = p.parseExpr()
		}
		params = append(params, prm)
		if !p.got(TokComma) {
			break
		}
	}
	return params
}

// scalarTypes are the type names accepted in declarations.
var scalarTypes = map[string]bool{
	"bool": true, "boolean": true, "int": true, "long": true, "real": true, "double": true,
	"decimal": true, "string": true, "datetime": true, "date": true, "timespan": true,
	"time": true, "guid": true, "uniqueid": true, "dynamic": true,
}

func (p *parser) parseTypeRef() *TypeRef {
	if p.tok.Kind == TokIdent && scalarTypes[p.tok.Text] {
		t := &TypeRef{NamePos: p.tok.Pos, Name: p.tok.Text}
		p.next()
		return t
	}
	p.errorExpected("type name")
	return &TypeRef{NamePos: p.tok.Pos}
}

// parseSchema parses `(name:type, ...)`; with allowStar a `*` may end it.
func (p *parser) parseSchema(allowStar bool) *Schema {
	s := &Schema{Lparen: p.tok.Pos, Star: NoPos}
	if p.expect(TokLparen) == NoPos {
		s.Rparen = p.prevEnd() - 1
		return s
	}
	for p.tok.Kind != TokRparen && p.tok.Kind != TokEOF {
		if allowStar && p.tok.Kind == TokStar && !s.Star.IsValid() {
			s.Star = p.tok.Pos
			p.next()
			if !p.got(TokComma) {
				break
			}
			continue
		}
		c := &ColumnDecl{Name: p.parseName("column name")}
		c.Colon = p.expect(TokColon)
		if c.Colon == NoPos {
			break
		}
		c.Type = p.parseTypeRef()
		s.Columns = append(s.Columns, c)
		if !p.got(TokComma) {
			break
		}
	}
	s.Rparen = p.expectClose(TokRparen)
	return s
}

func (p *parser) parseSet() Stmt {
	s := &SetStmt{Set: p.tok.Pos, Assign: NoPos}
	p.next()
	s.Name = p.parseDottedName()
	if p.tok.Kind == TokAssign {
		s.Assign = p.tok.Pos
		p.next()
		s.Value = p.parseExpr()
	}
	return s
}

// parseDottedName parses a name that may contain dots written without
// spaces (`hint.strategy`, `query_datascope`).
func (p *parser) parseDottedName() *Ident {
	id := p.parseName("name")
	for p.tok.Kind == TokDot && p.adjacent(0) && p.peek(1).Kind == TokIdent && p.adjacent(1) {
		id.Name += "." + p.peek(1).Text
		id.Raw = p.src[id.NamePos:p.peek(1).End]
		p.next()
		p.next()
	}
	return id
}

func (p *parser) parseDeclareQueryParameters() Stmt {
	s := &DeclareQueryParametersStmt{Declare: p.tok.Pos}
	p.next()
	p.next() // query_parameters
	s.Lparen = p.expect(TokLparen)
	if s.Lparen == NoPos {
		s.Rparen = p.prevEnd() - 1
		return s
	}
	s.Params = p.parseParams(TokRparen)
	s.Rparen = p.expectClose(TokRparen)
	return s
}

func (p *parser) parseAlias() Stmt {
	s := &AliasStmt{Alias: p.tok.Pos}
	p.next()
	p.next() // database
	s.Name = p.parseName("alias name")
	s.Assign = p.expect(TokAssign)
	s.Value = p.parseExpr()
	return s
}

func (p *parser) parseRestrict() Stmt {
	s := &RestrictStmt{Restrict: p.tok.Pos}
	p.next()
	p.next() // access
	p.expectWord("to")
	if p.expect(TokLparen) != NoPos {
		s.Names = p.parseExprList(TokRparen, false)
	}
	s.Rparen = p.expectClose(TokRparen)
	return s
}

// parsePattern parses `declare pattern Name [= (params)[pathParams] { cases }]`.
func (p *parser) parsePattern() Stmt {
	s := &PatternStmt{Declare: p.tok.Pos, Lbrace: NoPos, Rbrace: NoPos}
	p.next()
	p.next() // pattern
	s.Name = p.parseName("pattern name")
	if !p.got(TokAssign) {
		return s
	}
	p.expect(TokLparen)
	s.Params = p.parseParams(TokRparen)
	p.expectClose(TokRparen)
	if p.got(TokLbrack) {
		s.PathParams = p.parseParams(TokRbrack)
		p.expectClose(TokRbrack)
	}
	s.Lbrace = p.expect(TokLbrace)
	if s.Lbrace == NoPos {
		return s
	}
	for p.tok.Kind == TokLparen {
		c := &PatternCase{}
		p.next()
		c.Args = p.parseExprList(TokRparen, false)
		p.expectClose(TokRparen)
		if p.tok.Kind == TokDot && p.peek(1).Kind == TokLbrack {
			p.next()
			p.next()
			c.Path = p.parseExprList(TokRbrack, false)
			p.expectClose(TokRbrack)
		}
		p.expect(TokAssign)
		c.Lbrace = p.expect(TokLbrace)
		if c.Lbrace == NoPos {
			break
		}
		c.Body = p.parseStmts(TokRbrace)
		c.Rbrace = p.expectClose(TokRbrace)
		s.Cases = append(s.Cases, c)
		p.got(TokSemi)
	}
	s.Rbrace = p.expectClose(TokRbrace)
	return s
}

// ---------------------------------------------------------------------------
// Names

// parseName parses an identifier, a keyword used as a name, or a bracketed
// name `['x']`. On failure it reports "expected <what>" and returns an
// empty Ident at the current position without consuming.
func (p *parser) parseName(what string) *Ident {
	switch p.tok.Kind {
	case TokIdent:
		id := &Ident{NamePos: p.tok.Pos, Name: p.tok.Text, Raw: p.tok.Text}
		p.next()
		return id
	case TokLbrack:
		if id := p.tryBracketedName(); id != nil {
			return id
		}
	}
	p.errorExpected(what)
	return &Ident{NamePos: p.tok.Pos}
}

// tryBracketedName parses `['name']` or `["name"]` at the current `[`.
func (p *parser) tryBracketedName() *Ident {
	if p.tok.Kind != TokLbrack || p.peek(1).Kind != TokString || p.peek(2).Kind != TokRbrack {
		return nil
	}
	start := p.tok.Pos
	name := p.peek(1).Value
	end := p.peek(2).End
	p.next()
	p.next()
	p.next()
	return &Ident{NamePos: start, Name: name, Raw: p.src[start:end]}
}

// isNameStart reports whether a name starts here.
func (p *parser) isNameStart() bool {
	return p.tok.Kind == TokIdent || p.tok.Kind == TokLbrack && p.peek(1).Kind == TokString && p.peek(2).Kind == TokRbrack
}

// ---------------------------------------------------------------------------
// Expressions

// parsePipe parses an expression optionally followed by `| operator ...`.
func (p *parser) parsePipe() Expr {
	if !p.enter() {
		p.leave()
		return &BadExpr{From: p.tok.Pos, To: p.tok.End}
	}
	defer p.leave()
	x := p.parseExpr()
	if p.tok.Kind != TokPipe {
		return x
	}
	pipe := &PipeExpr{Source: x}
	p.parseOps(pipe)
	return pipe
}

// parseOps parses `| op` stages into pipe while the current token is `|`.
func (p *parser) parseOps(pipe *PipeExpr) {
	for p.tok.Kind == TokPipe {
		bar := p.tok.Pos
		p.next()
		pipe.Pipes = append(pipe.Pipes, bar)
		pipe.Ops = append(pipe.Ops, p.parseOperatorRecover())
	}
}

// parseOperatorRecover parses one operator and, when it reported errors,
// skips to the next `|` (or the end of the enclosing construct).
func (p *parser) parseOperatorRecover() Operator {
	nerr := len(p.errs)
	from := p.tok.Pos
	op := p.parseOperator()
	if len(p.errs) > nerr {
		p.skipTo(TokPipe, TokSemi)
		if _, bad := op.(*BadOperator); bad {
			return &BadOperator{From: from, To: maxPos(p.prevEnd(), from)}
		}
		return op
	}
	// The operator must end at a pipe, a statement end or a closing bracket.
	switch p.tok.Kind {
	case TokPipe, TokSemi, TokEOF, TokRparen, TokRbrace, TokRbrack:
	default:
		saved := p.ctx
		p.ctx = op.OpName()
		switch {
		case endsWithList(op) && (p.tok.Kind == TokIdent || p.tok.Kind == TokString || p.tok.Kind == TokLbrack):
			p.errorExpected("','")
		case strings.IndexByte(p.src[p.prevEnd():p.tok.Pos], '\n') >= 0:
			p.errorExpected("';'")
		default:
			p.errorExpected("'|'")
		}
		p.ctx = saved
		p.skipTo(TokPipe, TokSemi)
	}
	return op
}

// endsWithList reports whether op ends with a comma-separated list, so
// that a stray name after it most likely lacks a comma.
func endsWithList(op Operator) bool {
	switch op.(type) {
	case *CountOp, *GetSchemaOp, *TakeOp, *SampleOp, *SampleDistinctOp, *WhereOp, *AsOp,
		*InvokeOp, *EvaluateOp, *RenderOp, *ParseOp, *ConsumeOp, *ScanOp, *PartitionOp,
		*ForkOp, *SearchOp, *TopOp, *BadOperator:
		return false
	}
	return true
}

// parseSubquery parses a parenthesized subquery that may start with an
// operator, as in mv-apply's `on (...)` and partition's `(...)`.
func (p *parser) parseSubquery() Expr {
	lp := p.tok.Pos
	if p.expect(TokLparen) == NoPos {
		return &BadExpr{From: p.tok.Pos, To: p.tok.Pos}
	}
	if !p.enter() {
		p.leave()
		return &BadExpr{From: lp, To: p.prevEnd()}
	}
	defer p.leave()
	var x Expr
	if p.isOperatorStart() {
		pipe := &PipeExpr{Pipes: []Pos{NoPos}}
		saved := p.ctx
		pipe.Ops = append(pipe.Ops, p.parseOperatorRecover())
		p.parseOps(pipe)
		p.ctx = saved
		x = pipe
	} else {
		x = p.parsePipe()
	}
	rp := p.expectClose(TokRparen)
	return &ParenExpr{Lparen: lp, X: x, Rparen: rp}
}

// isOperatorStart reports whether the current token names a pipe operator
// that is not also an expression start.
func (p *parser) isOperatorStart() bool {
	if p.tok.Kind != TokIdent {
		return false
	}
	switch p.tok.Text {
	case "where", "filter", "extend", "project", "summarize", "sort", "order", "top", "take",
		"limit", "distinct", "count", "join", "lookup", "mv-expand", "mvexpand", "parse",
		"make", "mv", "render", "as", "getschema", "serialize", "invoke", "sample", "scan",
		"partition", "fork", "facet", "consume", "reduce":
		// `count` and friends may also be column names: treat as an operator
		// only when not followed by an infix or call syntax.
		n := p.peek(1)
		return n.Kind != TokLparen && n.Kind != TokDot && n.Kind != TokEq && n.Kind != TokAssign
	}
	return false
}

// parseExpr parses a scalar expression (no pipes).
func (p *parser) parseExpr() Expr {
	return p.parseBinary(1)
}

// Precedence levels, lowest first.
const (
	precOr = 1 + iota
	precAnd
	precCompare // ==, !=, string operators, in, between
	precRelational
	precAdditive
	precMultiplicative
)

// wordOps maps word operators to their BinaryOp.
var wordOps = map[string]BinaryOp{
	"and": OpAnd, "or": OpOr,
	"has": OpHas, "!has": OpNotHas, "has_cs": OpHasCs, "!has_cs": OpNotHasCs,
	"hasprefix": OpHasPrefix, "!hasprefix": OpNotHasPrefix, "hasprefix_cs": OpHasPrefixCs, "!hasprefix_cs": OpNotHasPrefixCs,
	"hassuffix": OpHasSuffix, "!hassuffix": OpNotHasSuffix, "hassuffix_cs": OpHasSuffixCs, "!hassuffix_cs": OpNotHasSuffixCs,
	"contains": OpContains, "!contains": OpNotContains, "notcontains": OpNotContains,
	"contains_cs": OpContainsCs, "containscs": OpContainsCs, "!contains_cs": OpNotContainsCs, "notcontainscs": OpNotContainsCs,
	"startswith": OpStartsWith, "!startswith": OpNotStartsWith, "startswith_cs": OpStartsWithCs, "!startswith_cs": OpNotStartsWithCs,
	"endswith": OpEndsWith, "!endswith": OpNotEndsWith, "endswith_cs": OpEndsWithCs, "!endswith_cs": OpNotEndsWithCs,
	"like": OpLike, "notlike": OpNotLike, "likecs": OpLikeCs, "notlikecs": OpNotLikeCs,
	"in": OpIn, "in~": OpInCs, "!in": OpNotIn, "!in~": OpNotInCs,
	"has_any": OpHasAny, "has_all": OpHasAll,
}

// binaryOp returns the operator at the current token, its precedence and
// how many tokens it spans; prec is 0 when the token is not an operator.
func (p *parser) binaryOp() (op BinaryOp, prec, ntoks int) {
	t := p.tok
	switch t.Kind {
	case TokIdent, TokNotOp:
		if t.Text == "matches" && p.peek(1).Kind == TokIdent && p.peek(1).Text == "regex" {
			return OpMatchesRegex, precCompare, 2
		}
		if t.Text == "between" || t.Text == "!between" {
			return 0, precCompare, 1
		}
		o, ok := wordOps[t.Text]
		if !ok {
			return 0, 0, 0
		}
		switch o {
		case OpOr:
			return o, precOr, 1
		case OpAnd:
			return o, precAnd, 1
		}
		return o, precCompare, 1
	case TokEq:
		return OpEq, precCompare, 1
	case TokNe, TokLtGt:
		return OpNe, precCompare, 1
	case TokEqTilde:
		return OpEqTilde, precCompare, 1
	case TokBangTilde:
		return OpNotEqTilde, precCompare, 1
	case TokLt:
		return OpLt, precRelational, 1
	case TokLe:
		return OpLe, precRelational, 1
	case TokGt:
		return OpGt, precRelational, 1
	case TokGe:
		return OpGe, precRelational, 1
	case TokPlus:
		return OpAdd, precAdditive, 1
	case TokMinus:
		return OpSub, precAdditive, 1
	case TokStar:
		return OpMul, precMultiplicative, 1
	case TokSlash:
		return OpDiv, precMultiplicative, 1
	case TokPercent:
		return OpMod, precMultiplicative, 1
	case TokAssign:
		if p.assignIsEq {
			return OpEq, precCompare, 1
		}
	case TokColon:
		if p.inSearch {
			return OpColon, precCompare, 1
		}
	}
	return 0, 0, 0
}

// parseBinary is precedence climbing: it parses operands joined by
// operators of precedence at least minPrec, all left-associative.
func (p *parser) parseBinary(minPrec int) Expr {
	if !p.enter() {
		p.leave()
		return &BadExpr{From: p.tok.Pos, To: p.tok.End}
	}
	defer p.leave()
	x := p.parseUnary()
	for {
		if _, bad := x.(*BadExpr); bad {
			return x // one error per mistake: do not read on past it
		}
		op, prec, n := p.binaryOp()
		if prec < minPrec || prec == 0 {
			return x
		}
		opPos := p.tok.Pos
		if p.tok.Text == "between" || p.tok.Text == "!between" {
			x = p.parseBetween(x)
			continue
		}
		for range n {
			p.next()
		}
		switch op {
		case OpIn, OpInCs, OpNotIn, OpNotInCs, OpHasAny, OpHasAll:
			x = p.parseIn(x, op, opPos)
			continue
		}
		y := p.parseBinary(prec + 1)
		x = &BinaryExpr{X: x, OpPos: opPos, Op: op, Y: y}
		if _, bad := y.(*BadExpr); bad {
			return x
		}
	}
}

func (p *parser) parseBetween(x Expr) Expr {
	b := &BetweenExpr{X: x, OpPos: p.tok.Pos, Not: p.tok.Text == "!between"}
	p.next()
	b.Lparen = p.expect(TokLparen)
	if b.Lparen == NoPos {
		b.Rparen = p.prevEnd() - 1
		return b
	}
	b.Lo = p.parseExpr()
	b.DotDot = p.expect(TokDotDot)
	b.Hi = p.parseExpr()
	b.Rparen = p.expectClose(TokRparen)
	return b
}

func (p *parser) parseIn(x Expr, op BinaryOp, opPos Pos) Expr {
	in := &InExpr{X: x, OpPos: opPos, Op: op, Lparen: NoPos, Rparen: NoPos}
	if p.tok.Kind != TokLparen {
		if op == OpHasAny || op == OpHasAll {
			// `x has_any (list)` is usual, but a bare name or dynamic
			// literal is accepted too.
			in.List = []Expr{p.parseUnary()}
			return in
		}
		p.errorExpected("'('")
		return in
	}
	in.Lparen = p.tok.Pos
	p.next()
	in.List = p.parseExprList(TokRparen, true)
	in.Rparen = p.expectClose(TokRparen)
	return in
}

// parseExprList parses comma-separated expressions up to close (not
// consumed). With pipes, elements may be tabular subqueries.
func (p *parser) parseExprList(close TokenKind, pipes bool) []Expr {
	var list []Expr
	for p.tok.Kind != close && p.tok.Kind != TokEOF || len(list) > 0 {
		var x Expr
		if pipes {
			x = p.parsePipe()
		} else {
			x = p.parseExpr()
		}
		list = append(list, x)
		if !p.got(TokComma) {
			if p.tok.Kind != close {
				p.errorExpected(tokenNames[close])
			}
			break
		}
	}
	return list
}

func (p *parser) parseUnary() Expr {
	switch p.tok.Kind {
	case TokMinus, TokPlus:
		if !p.enter() {
			p.leave()
			return &BadExpr{From: p.tok.Pos, To: p.tok.End}
		}
		defer p.leave()
		u := &UnaryExpr{OpPos: p.tok.Pos, Op: UnaryMinus}
		if p.tok.Kind == TokPlus {
			u.Op = UnaryPlus
		}
		p.next()
		u.X = p.parseUnary()
		return u
	}
	return p.parsePostfix(p.parsePrimary())
}

// parsePostfix parses `.name`, `.['name']`, `[index]`, `.[index]` and
// `.name(args)` after x.
func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch p.tok.Kind {
		case TokDot:
			dot := p.tok.Pos
			n := p.peek(1)
			switch {
			case n.Kind == TokIdent:
				p.next()
				sel := &Ident{NamePos: n.Pos, Name: n.Text, Raw: n.Text}
				p.next()
				if p.tok.Kind == TokLparen {
					x = p.parseCallArgs(x, sel)
					continue
				}
				x = &SelectorExpr{X: x, Dot: dot, Sel: sel}
			case n.Kind == TokLbrack:
				p.next()
				if id := p.tryBracketedName(); id != nil {
					x = &SelectorExpr{X: x, Dot: dot, Sel: id}
					continue
				}
				x = p.parseIndex(x)
			default:
				p.next()
				p.errorExpected("name after '.'")
				return x
			}
		case TokLbrack:
			x = p.parseIndex(x)
		default:
			return x
		}
	}
}

func (p *parser) parseIndex(x Expr) Expr {
	ix := &IndexExpr{X: x, Lbrack: p.tok.Pos}
	p.next()
	ix.Index = p.parseExpr()
	ix.Rbrack = p.expectClose(TokRbrack)
	return ix
}

// reservedNames cannot be used as plain names in expressions; they must be
// bracketed, as Kusto requires.
var reservedNames = map[string]bool{
	"dynamic": true,
	"search":  true, "find": true, "union": true, "print": true, "evaluate": true,
	"let": true, "by": true, "on": true, "with": true, "of": true, "to": true, "from": true,
	"step": true, "and": true, "or": true, "has": true, "contains": true, "in": true,
	"between": true, "startswith": true, "endswith": true, "matches": true,
	"datatable": true, "externaldata": true, "external_data": true, "typeof": true,
	"toscalar": true, "materialize": true,
}

func (p *parser) parsePrimary() Expr {
	t := p.tok
	switch t.Kind {
	case TokLong, TokReal, TokTimespan:
		p.next()
		kind := LitLong
		switch t.Kind {
		case TokReal:
			kind = LitReal
		case TokTimespan:
			kind = LitTimespan
		}
		return &Literal{ValuePos: t.Pos, EndPos: t.End, Kind: kind, Raw: t.Text, Value: t.Text}
	case TokString:
		return p.parseStringLit()
	case TokTyped:
		p.next()
		word := strings.TrimRight(t.Text[:strings.IndexByte(t.Text, '(')], " \t")
		kind, _ := typedLiteralKind(word)
		lit := &Literal{ValuePos: t.Pos, EndPos: t.End, Kind: kind, Raw: t.Text, Value: t.Value}
		lit.IsNull = t.Value == "null"
		if t.Value == "" {
			p.error(t.Pos, t.End, "expected value inside '"+word+"(...)'")
		}
		return lit
	case TokStar:
		p.next()
		return &StarExpr{Star: t.Pos}
	case TokLparen:
		return p.parseParen()
	case TokLbrack:
		if id := p.tryBracketedName(); id != nil {
			return id
		}
	case TokIdent:
		return p.parseIdentExpr()
	}
	p.errorExpected("expression")
	return &BadExpr{From: t.Pos, To: t.Pos}
}

func (p *parser) parseStringLit() Expr {
	t := p.tok
	lit := &Literal{ValuePos: t.Pos, Kind: LitString, Value: t.Value}
	p.next()
	end := t.End
	if p.tok.Kind == TokString {
		// Adjacent literals concatenate: "a" "b" is "ab".
		var b strings.Builder
		b.WriteString(t.Value)
		for p.tok.Kind == TokString {
			b.WriteString(p.tok.Value)
			end = p.tok.End
			p.next()
		}
		lit.Value = b.String()
	}
	lit.EndPos = end
	lit.Raw = p.src[t.Pos:end]
	return lit
}

func (p *parser) parseParen() Expr {
	lp := p.tok.Pos
	p.next()
	x := p.parsePipe()
	rp := p.expectClose(TokRparen)
	return &ParenExpr{Lparen: lp, X: x, Rparen: rp}
}

func (p *parser) parseIdentExpr() Expr {
	t := p.tok
	n := p.peek(1)
	switch t.Text {
	case "true", "false", "True", "False", "TRUE", "FALSE":
		p.next()
		return &Literal{ValuePos: t.Pos, EndPos: t.End, Kind: LitBool, Raw: t.Text, Value: strings.ToLower(t.Text)}
	case "dynamic":
		if n.Kind == TokLparen {
			return p.parseDynamic()
		}
	case "typeof":
		if n.Kind == TokLparen {
			x := &TypeofExpr{Typeof: t.Pos}
			p.next()
			if p.peek(1).Kind == TokStar || p.peek(2).Kind == TokColon {
				x.Schema = p.parseSchema(true)
				x.Rparen = x.Schema.Rparen
				return x
			}
			p.next()
			x.Type = p.parseTypeRef()
			x.Rparen = p.expectClose(TokRparen)
			return x
		}
	case "toscalar":
		if n.Kind == TokLparen {
			x := &ToScalarExpr{ToScalar: t.Pos}
			p.next()
			p.next()
			x.Params = p.parseOpParams(func(s string) bool { return s == "kind" })
			if len(x.Params) > 0 {
				p.expect(TokComma)
			}
			x.Query = p.parsePipe()
			x.Rparen = p.expectClose(TokRparen)
			return x
		}
	case "materialize":
		if n.Kind == TokLparen {
			x := &MaterializeExpr{Materialize: t.Pos}
			p.next()
			p.next()
			x.Query = p.parsePipe()
			x.Rparen = p.expectClose(TokRparen)
			return x
		}
	case "datatable":
		return p.parseDataTable()
	case "externaldata", "external_data":
		return p.parseExternalData()
	case "union":
		return p.withCtx("union", p.parseUnion)
	case "print":
		return p.withCtx("print", p.parsePrint)
	case "range":
		if n.Kind != TokLparen {
			return p.withCtx("range", p.parseRange)
		}
	case "find":
		return p.withCtx("find", p.parseFind)
	case "search":
		return p.withCtx("search", p.parseSearch)
	case "evaluate":
		return p.withCtx("evaluate", p.parseEvaluate)
	}
	if n.Kind == TokLparen {
		id := &Ident{NamePos: t.Pos, Name: t.Text, Raw: t.Text}
		p.next()
		return p.parseCallArgs(nil, id)
	}
	if reservedNames[t.Text] {
		p.error(t.Pos, t.End, fmt.Sprintf("the name '%s' needs to be bracketed as ['%s'] to be used here", t.Text, t.Text))
		p.next()
		return &BadExpr{From: t.Pos, To: t.End}
	}
	p.next()
	return &Ident{NamePos: t.Pos, Name: t.Text, Raw: t.Text}
}

// withCtx runs parse with the operator context set to name, for messages.
func (p *parser) withCtx(name string, parse func() Expr) Expr {
	saved := p.ctx
	p.ctx = name
	x := parse()
	p.ctx = saved
	return x
}

// parseCallArgs parses `(args)` after the function name.
func (p *parser) parseCallArgs(recv Expr, fun *Ident) Expr {
	c := &CallExpr{Recv: recv, Fun: fun, Lparen: p.tok.Pos}
	p.next()
	if !p.enter() {
		p.leave()
		c.Rparen = p.prevEnd() - 1
		return c
	}
	defer p.leave()
	for p.tok.Kind != TokRparen && p.tok.Kind != TokEOF || len(c.Args) > 0 {
		// After a comma another argument must follow: f(a,) is an error.
		c.Args = append(c.Args, p.parseNamedOrPipe())
		if !p.got(TokComma) {
			break
		}
	}
	c.Rparen = p.expectClose(TokRparen)
	return c
}

// isNamedStart reports whether `Name =` or `(A, B) =` starts here.
func (p *parser) isNamedStart() bool {
	switch p.tok.Kind {
	case TokIdent:
		return p.peek(1).Kind == TokAssign
	case TokLbrack:
		return p.peek(1).Kind == TokString && p.peek(2).Kind == TokRbrack && p.peek(3).Kind == TokAssign
	case TokLparen:
		// ( name {, name} ) =
		k := 1
		for {
			switch {
			case p.peek(k).Kind == TokIdent:
				k++
			case p.peek(k).Kind == TokLbrack && p.peek(k+1).Kind == TokString && p.peek(k+2).Kind == TokRbrack:
				k += 3
			default:
				return false
			}
			switch p.peek(k).Kind {
			case TokComma:
				k++
				continue
			case TokRparen:
				return p.peek(k+1).Kind == TokAssign
			}
			return false
		}
	}
	return false
}

// parseNamed parses `Name = value` or `(A, B) = value`; isNamedStart must
// hold. With pipes the value may be a tabular subquery.
func (p *parser) parseNamed(pipes bool) *NamedExpr {
	ne := &NamedExpr{Lparen: NoPos, Rparen: NoPos}
	if p.tok.Kind == TokLparen {
		ne.Lparen = p.tok.Pos
		p.next()
		for {
			ne.Names = append(ne.Names, p.parseName("name"))
			if !p.got(TokComma) {
				break
			}
		}
		ne.Rparen = p.expectClose(TokRparen)
	} else {
		ne.Names = []*Ident{p.parseName("name")}
	}
	ne.Assign = p.expect(TokAssign)
	if pipes {
		ne.Value = p.parsePipe()
	} else {
		ne.Value = p.parseExpr()
	}
	return ne
}

func (p *parser) parseNamedOrExpr() Expr {
	if p.isNamedStart() {
		return p.parseNamed(false)
	}
	return p.parseExpr()
}

func (p *parser) parseNamedOrPipe() Expr {
	if p.isNamedStart() {
		return p.parseNamed(true)
	}
	return p.parsePipe()
}

// ---------------------------------------------------------------------------
// dynamic literals

func (p *parser) parseDynamic() Expr {
	d := &DynamicLit{Dynamic: p.tok.Pos}
	p.next()
	d.Lparen = p.tok.Pos
	p.next()
	d.Value = p.parseJSON()
	d.Rparen = p.expectClose(TokRparen)
	return d
}

// parseJSON parses a JSON-like value inside dynamic(...).
func (p *parser) parseJSON() Expr {
	if !p.enter() {
		p.leave()
		return &BadExpr{From: p.tok.Pos, To: p.tok.End}
	}
	defer p.leave()
	t := p.tok
	switch t.Kind {
	case TokLbrack:
		a := &ArrayLit{Lbrack: t.Pos}
		p.next()
		for p.tok.Kind != TokRbrack && p.tok.Kind != TokEOF {
			a.Elems = append(a.Elems, p.parseJSON())
			if !p.got(TokComma) {
				break
			}
			if p.tok.Kind == TokRbrack {
				p.errorExpected("literal value")
			}
		}
		a.Rbrack = p.expectClose(TokRbrack)
		return a
	case TokLbrace:
		o := &ObjectLit{Lbrace: t.Pos}
		p.next()
		for p.tok.Kind != TokRbrace && p.tok.Kind != TokEOF {
			if p.tok.Kind != TokString {
				p.errorExpected("string key")
				break
			}
			key := p.parseStringLit().(*Literal)
			f := &ObjectField{Key: key}
			f.Colon = p.expect(TokColon)
			f.Value = p.parseJSON()
			o.Fields = append(o.Fields, f)
			if !p.got(TokComma) {
				break
			}
		}
		o.Rbrace = p.expectClose(TokRbrace)
		return o
	case TokIdent:
		switch t.Text {
		case "null":
			p.next()
			return &Literal{ValuePos: t.Pos, EndPos: t.End, Kind: LitNull, Raw: t.Text, Value: "null", IsNull: true}
		case "true", "false", "True", "False":
			p.next()
			return &Literal{ValuePos: t.Pos, EndPos: t.End, Kind: LitBool, Raw: t.Text, Value: strings.ToLower(t.Text)}
		case "dynamic":
			if p.peek(1).Kind == TokLparen {
				return p.parseDynamic()
			}
		}
	case TokMinus, TokPlus:
		u := &UnaryExpr{OpPos: t.Pos, Op: UnaryMinus}
		if t.Kind == TokPlus {
			u.Op = UnaryPlus
		}
		p.next()
		switch p.tok.Kind {
		case TokLong, TokReal, TokTimespan:
			u.X = p.parsePrimary()
		default:
			p.errorExpected("number")
			u.X = &BadExpr{From: p.tok.Pos, To: p.tok.Pos}
		}
		return u
	case TokLong, TokReal, TokTimespan, TokString, TokTyped:
		return p.parsePrimary()
	}
	p.errorExpected("literal value")
	return &BadExpr{From: t.Pos, To: t.Pos}
}
