package syntax

// This file declares the syntax tree. Every node records byte offsets into
// the source ([Pos]); line and column are computed only when printing
// ([LineCol]). Nodes are pointers and may be used as map keys, so later
// stages (the checker, the planner) keep side tables such as map[Expr]Type
// rather than mutating the tree.
//
// The node interfaces are sealed by unexported marker methods:
//
//   - [Node]: every node.
//   - [Stmt]: a statement of a [Script] (let, set, declare, alias, a query).
//   - [Expr]: an expression. KQL does not separate scalar and tabular
//     expressions syntactically in every position: `let x = Foo;` may bind a
//     table or a scalar, and `MyFunc(1)` may return either. So every
//     expression, scalar or tabular, is an Expr, and the checker decides
//     which it is for the ambiguous forms ([Ident], [CallExpr], [ParenExpr]).
//   - [TabularExpr]: an Expr that is tabular by its syntax alone: [PipeExpr],
//     [DataTableExpr], [ExternalDataExpr], [PrintOp], [RangeOp], [UnionOp],
//     [FindOp], [SearchOp], [EvaluateOp], [MaterializeExpr].
//   - [Operator]: one stage of a pipe (`| where ...`).
//
// Parse errors never drop a subtree: [BadExpr], [BadOperator] and [BadStmt]
// cover the bytes that could not be parsed.

// Pos is a byte offset into the source text. [NoPos] marks an absent
// optional token.
type Pos int

// NoPos is the position of a token that is not present.
const NoPos Pos = -1

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p >= 0 }

// Node is implemented by every syntax tree node. End is the offset just past
// the node's last byte.
type Node interface {
	Pos() Pos
	End() Pos
	node()
}

// Stmt is a statement: [LetStmt], [SetStmt], [DeclareQueryParametersStmt],
// [AliasStmt], [PatternStmt], [RestrictStmt], [ExprStmt] or [BadStmt].
type Stmt interface {
	Node
	stmtNode()
}

// Expr is an expression, scalar or tabular (see the file comment).
type Expr interface {
	Node
	exprNode()
}

// TabularExpr is an expression that denotes a table by its syntax.
type TabularExpr interface {
	Expr
	tabularNode()
}

// Operator is one stage of a [PipeExpr], the part after a `|`.
type Operator interface {
	Node
	operatorNode()
	// OpName is the operator keyword as written ("where", "filter",
	// "mv-expand", "mvexpand", ...).
	OpName() string
}

// ---------------------------------------------------------------------------
// Script and statements

// Script is a parsed query text: statements separated by `;`.
type Script struct {
	Stmts    []Stmt
	Comments []*Comment // every `//` comment, in source order
	EndPos   Pos        // length of the source
}

// Comment is a `//` comment running to the end of the line.
type Comment struct {
	Slash Pos
	Text  string // including the leading "//", excluding the newline
}

// LetStmt binds a name: `let Name = Value` or `let Name = (params) { body }`.
// Exactly one of Value and Func is non-nil.
type LetStmt struct {
	Let    Pos
	Name   *Ident
	Assign Pos
	Value  Expr      // scalar or tabular expression; nil if Func is set
	Func   *FuncDecl // function or view declaration; nil if Value is set
}

// FuncDecl is a user function declaration `(params) { body }`, or with View
// set, `view (params) { body }`.
type FuncDecl struct {
	View   Pos // position of `view`, or NoPos
	Lparen Pos
	Params []*Param
	Rparen Pos
	Lbrace Pos
	Body   []Stmt // let statements followed by one expression statement
	Rbrace Pos
}

// Param is a function or query parameter `Name:type`, `Name:type = default`,
// or a tabular parameter `T:(col:type, *)`. One of Type and Schema is set.
type Param struct {
	Name    *Ident
	Colon   Pos
	Type    *TypeRef // scalar parameter type
	Schema  *Schema  // tabular parameter schema
	Assign  Pos      // NoPos when there is no default
	Default Expr     // nil when there is no default
}

// SetStmt is `set name = value` or `set name`.
type SetStmt struct {
	Set    Pos
	Name   *Ident // option name; may contain dots (`query_datascope`)
	Assign Pos    // NoPos when there is no value
	Value  Expr   // nil when there is no value
}

// DeclareQueryParametersStmt is `declare query_parameters(p:type = default, ...)`.
type DeclareQueryParametersStmt struct {
	Declare Pos
	Lparen  Pos
	Params  []*Param
	Rparen  Pos
}

// AliasStmt is `alias database Name = Value`.
type AliasStmt struct {
	Alias  Pos
	Name   *Ident
	Assign Pos
	Value  Expr // usually cluster("c").database("d")
}

// PatternStmt is `declare pattern Name` optionally followed by
// `= (params)[pathParams] { (args).[path] = { body }; ... }`.
type PatternStmt struct {
	Declare    Pos
	Name       *Ident
	Params     []*Param // nil when the pattern is only declared
	PathParams []*Param
	Lbrace     Pos // NoPos when only declared
	Cases      []*PatternCase
	Rbrace     Pos
}

// PatternCase is one `(args).[path] = { body }` of a [PatternStmt].
type PatternCase struct {
	Args   []Expr
	Path   []Expr // empty when the pattern has no path parameters
	Lbrace Pos
	Body   []Stmt
	Rbrace Pos
}

// RestrictStmt is `restrict access to (Name, ...)`.
type RestrictStmt struct {
	Restrict Pos
	Names    []Expr
	Rparen   Pos
}

// ExprStmt is a query: a tabular (or scalar) expression used as a statement.
type ExprStmt struct {
	X Expr
}

// BadStmt covers a statement that could not be parsed.
type BadStmt struct {
	From, To Pos
}

// ---------------------------------------------------------------------------
// Names, types and literals

// Ident is a name: a plain identifier, a keyword used as a name, a
// bracketed name `['a b']` or `["x"]`, or `$left` / `$right`. It is used both
// where a name is referenced and where one is declared.
type Ident struct {
	NamePos Pos
	Name    string // decoded name: `['a b']` gives "a b"
	Raw     string // source text
}

// WildcardName is a name pattern with `*`, as in `union Sign*` or
// `project-away Col*`. A lone `*` is a [StarExpr].
type WildcardName struct {
	NamePos Pos
	Pattern string // as written, e.g. "Sign*"
}

// TypeRef names a scalar type as written (`string`, `long`, `int`,
// `datetime`, `date`, `dynamic`, `bool`, `boolean`, `real`, `double`,
// `decimal`, `guid`, `uniqueid`, `timespan`, `time`).
type TypeRef struct {
	NamePos Pos
	Name    string
}

// Schema is a parenthesized column list `(a:string, b:long)`; with a
// trailing `*` (Star valid) it accepts any further columns.
type Schema struct {
	Lparen  Pos
	Columns []*ColumnDecl
	Star    Pos // position of `*`, or NoPos
	Rparen  Pos
}

// ColumnDecl is `Name:type` in a schema or a parse pattern; in a parse
// pattern the type may be absent (Type nil).
type ColumnDecl struct {
	Name  *Ident
	Colon Pos // NoPos when Type is nil
	Type  *TypeRef
}

// LitKind is the kind of a [Literal].
type LitKind int

// Literal kinds.
const (
	LitBool     LitKind = iota // true, false, bool(x)
	LitInt                     // int(x)
	LitLong                    // 123, 0x1F, long(x)
	LitReal                    // 1.5, 1e10, real(x), double(x)
	LitDecimal                 // decimal(x)
	LitString                  // "x", 'x', @"x", h"x", ```x```, adjacent strings
	LitDateTime                // datetime(x), date(x)
	LitTimespan                // 1d, 2h, 30m, time(x), timespan(x)
	LitGUID                    // guid(x), uniqueid(x)
	LitNull                    // bare null inside dynamic(...)
)

var litKindNames = [...]string{"bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "null"}

func (k LitKind) String() string {
	if int(k) < len(litKindNames) {
		return litKindNames[k]
	}
	return "unknown"
}

// Literal is a constant. Raw holds the exact source text. Value holds:
// for strings, the decoded text (adjacent strings concatenated, escapes
// resolved); for the typed forms `T(x)`, the trimmed inner text x (so
// `datetime( 2024-01-01 )` gives "2024-01-01" and `long(null)` gives
// "null"); otherwise Raw. IsNull is set for `T(null)` and bare `null`.
type Literal struct {
	ValuePos Pos
	EndPos   Pos
	Kind     LitKind
	Raw      string
	Value    string
	IsNull   bool
}

// DynamicLit is `dynamic(Value)`. Value is a [Literal] (possibly null), an
// [ArrayLit], an [ObjectLit], or a [UnaryExpr] (sign) over a numeric literal.
type DynamicLit struct {
	Dynamic Pos
	Lparen  Pos
	Value   Expr
	Rparen  Pos
}

// ArrayLit is a JSON-like array `[a, b]` inside dynamic(...). With Lbrack
// and Rbrack NoPos it is a bare list `a, b`, as in the render property
// `ycolumns=a, b`.
type ArrayLit struct {
	Lbrack Pos
	Elems  []Expr
	Rbrack Pos
}

// ObjectLit is a JSON-like object `{"k": v}` inside dynamic(...).
type ObjectLit struct {
	Lbrace Pos
	Fields []*ObjectField
	Rbrace Pos
}

// ObjectField is one `"key": value` of an [ObjectLit].
type ObjectField struct {
	Key   *Literal // a string literal
	Colon Pos
	Value Expr
}

// ---------------------------------------------------------------------------
// Scalar expressions

// StarExpr is `*`, as in `project *`, `arg_max(T, *)` or `count(*)`.
type StarExpr struct {
	Star Pos
}

// ParenExpr is `(X)`. X may be tabular (a subquery).
type ParenExpr struct {
	Lparen Pos
	X      Expr
	Rparen Pos
}

// SelectorExpr is member access `X.Sel` or `X.['Sel']`.
type SelectorExpr struct {
	X   Expr
	Dot Pos
	Sel *Ident
}

// IndexExpr is element access `X[Index]` (also written `X.[Index]`).
type IndexExpr struct {
	X      Expr
	Lbrack Pos
	Index  Expr
	Rbrack Pos
}

// CallExpr is a function call `Fun(Args)`, or `Recv.Fun(Args)` for
// `cluster("c").database("d")`. Arguments may be [NamedExpr] (named
// arguments), [StarExpr], or tabular expressions.
type CallExpr struct {
	Recv   Expr // nil for a plain call
	Fun    *Ident
	Lparen Pos
	Args   []Expr
	Rparen Pos
}

// TypeofExpr is `typeof(type)`, a type used as a value, or, with Schema
// set, a tabular schema such as `typeof(*)` or `typeof(a:string, *)` (as
// plugins like python take). Exactly one of Type and Schema is set; the
// Schema's parentheses are typeof's own.
type TypeofExpr struct {
	Typeof Pos
	Type   *TypeRef
	Schema *Schema
	Rparen Pos
}

// ToScalarExpr is `toscalar(Query)`, possibly with `kind=...` params.
type ToScalarExpr struct {
	ToScalar Pos
	Params   []*OpParam
	Query    Expr
	Rparen   Pos
}

// MaterializeExpr is `materialize(Query)`.
type MaterializeExpr struct {
	Materialize Pos
	Query       Expr
	Rparen      Pos
}

// UnaryOp is a prefix operator.
type UnaryOp int

// Unary operators.
const (
	UnaryMinus UnaryOp = iota // -x
	UnaryPlus                 // +x
)

func (op UnaryOp) String() string {
	if op == UnaryPlus {
		return "+"
	}
	return "-"
}

// UnaryExpr is `-X` or `+X`. (`not(x)` is a function call.)
type UnaryExpr struct {
	OpPos Pos
	Op    UnaryOp
	X     Expr
}

// BinaryExpr is `X Op Y`.
type BinaryExpr struct {
	X     Expr
	OpPos Pos
	Op    BinaryOp
	Y     Expr
}

// BetweenExpr is `X between (Lo .. Hi)` or, with Not, `X !between (Lo .. Hi)`.
type BetweenExpr struct {
	X      Expr
	OpPos  Pos
	Not    bool
	Lparen Pos
	Lo     Expr
	DotDot Pos
	Hi     Expr
	Rparen Pos
}

// InExpr is a set operator with a parenthesized list:
// `X in (a, b)`, `in~`, `!in`, `!in~`, `has_any`, `has_all`.
// List holds the elements; a single element may be a tabular subquery or a
// name bound to a list or a table. Lparen is NoPos when the right side was
// written without parentheses (allowed for has_any/has_all over a name).
type InExpr struct {
	X      Expr
	OpPos  Pos
	Op     BinaryOp // OpIn, OpInCs... see below
	Lparen Pos
	List   []Expr
	Rparen Pos
}

// NamedExpr is `Name = Value` or `(A, B) = Value`, used for new columns,
// aggregates with names, named arguments and renames. Lparen is NoPos unless
// the names are a tuple.
type NamedExpr struct {
	Lparen Pos
	Names  []*Ident
	Rparen Pos
	Assign Pos
	Value  Expr
}

// OrderedExpr is a sort key `X [asc|desc] [nulls first|last]`.
type OrderedExpr struct {
	X        Expr
	OrderPos Pos    // NoPos when no direction is written
	Order    string // "", "asc" or "desc"
	NullsPos Pos    // NoPos when no nulls clause
	Nulls    string // "", "first" or "last"
}

// BadExpr covers an expression that could not be parsed.
type BadExpr struct {
	From, To Pos
}

// ---------------------------------------------------------------------------
// Tabular expressions and operators

// PipeExpr is `Source | Op | Op ...`. Source is nil for a subquery that
// starts with an operator (the `on (...)` of mv-apply, partition and fork
// branches): its input is the enclosing operator's input.
type PipeExpr struct {
	Source Expr
	Ops    []Operator
	Pipes  []Pos // Pipes[i] is the `|` before Ops[i]; NoPos when Source is nil and i == 0
}

// OpParam is a `name=value` operator parameter: `kind=inner`,
// `hint.strategy=shuffle`, `withsource=Src`, `isfuzzy=true`,
// `bagexpansion=array`, `with_itemindex=i`, and render/externaldata/parse-kv
// `with (...)` properties. Value is an [Ident] or a [Literal] (or another
// expression for render properties).
type OpParam struct {
	Name   *Ident // may contain dots ("hint.strategy")
	Assign Pos
	Value  Expr
}

// DataTableExpr is `datatable(schema) [values]`.
type DataTableExpr struct {
	DataTable Pos
	Params    []*OpParam
	Schema    *Schema
	Lbrack    Pos
	Values    []Expr
	Rbrack    Pos
}

// ExternalDataExpr is `externaldata(schema) [uris] with (props)`.
type ExternalDataExpr struct {
	ExternalData Pos
	Params       []*OpParam
	Schema       *Schema
	Lbrack       Pos
	URIs         []Expr
	Rbrack       Pos
	With         []*OpParam
	EndPos       Pos
}

// WhereOp is `where Pred` or `filter Pred`.
type WhereOp struct {
	Keyword Pos
	Name    string // "where" or "filter"
	Pred    Expr
}

// ExtendOp is `extend Exprs`.
type ExtendOp struct {
	Keyword Pos
	Exprs   []Expr
}

// ProjectOp is `project Exprs`.
type ProjectOp struct {
	Keyword Pos
	Exprs   []Expr
}

// ProjectAwayOp is `project-away Columns` (names and wildcards).
type ProjectAwayOp struct {
	Keyword Pos
	Columns []Expr
}

// ProjectByNamesOp is `project-by-names Specs`: each spec is a constant string (a column
// name or a wildcard pattern), a dynamic array of names, or column_names_of(T).
type ProjectByNamesOp struct {
	Keyword Pos
	Specs   []Expr
}

// ProjectKeepOp is `project-keep Columns` (names and wildcards).
type ProjectKeepOp struct {
	Keyword Pos
	Columns []Expr
}

// ProjectRenameOp is `project-rename New = Old, ...`.
type ProjectRenameOp struct {
	Keyword Pos
	Renames []*NamedExpr
}

// ProjectReorderOp is `project-reorder Col [asc|desc], ...`.
type ProjectReorderOp struct {
	Keyword Pos
	Columns []*OrderedExpr
}

// SummarizeOp is `summarize [params] Aggs [by By]`.
type SummarizeOp struct {
	Keyword Pos
	Params  []*OpParam
	Aggs    []Expr
	ByPos   Pos // NoPos when there is no by clause
	By      []Expr
}

// SortOp is `sort by Keys` or `order by Keys`.
type SortOp struct {
	Keyword Pos
	Name    string // "sort" or "order"
	Params  []*OpParam
	Keys    []*OrderedExpr
}

// TopOp is `top Count by Key`.
type TopOp struct {
	Keyword Pos
	Params  []*OpParam
	Count   Expr
	By      *OrderedExpr
}

// TopNestedOp is `top-nested Clauses, ...`.
type TopNestedOp struct {
	Keyword Pos
	Clauses []*TopNestedClause
}

// TopNestedClause is `[N] of Of [with others = Others] by Agg [asc|desc]`.
type TopNestedClause struct {
	Count  Expr // nil when absent
	OfPos  Pos
	Of     Expr
	Others Expr // nil when absent
	By     *OrderedExpr
}

// TakeOp is `take Count` or `limit Count`.
type TakeOp struct {
	Keyword Pos
	Name    string // "take" or "limit"
	Params  []*OpParam
	Count   Expr
}

// SampleOp is `sample Count`.
type SampleOp struct {
	Keyword Pos
	Params  []*OpParam
	Count   Expr
}

// SampleDistinctOp is `sample-distinct Count of Of`.
type SampleDistinctOp struct {
	Keyword Pos
	Params  []*OpParam
	Count   Expr
	Of      Expr
}

// DistinctOp is `distinct Columns` (or `distinct *`).
type DistinctOp struct {
	Keyword Pos
	Params  []*OpParam
	Columns []Expr
}

// CountOp is `count` or `count as Name`.
type CountOp struct {
	Keyword Pos
	As      *Ident // nil when absent
}

// JoinOp is `join [params] Right on Keys` (or `where Pred`). Right is a
// name, a parenthesized subquery or another tabular expression. On holds
// plain column names, `$left.a == $right.b` comparisons and other
// expressions, as written.
type JoinOp struct {
	Keyword  Pos
	Params   []*OpParam
	Right    Expr
	OnPos    Pos // NoPos when absent
	On       []Expr
	WherePos Pos  // NoPos when absent
	Where    Expr // nil when absent
}

// LookupOp is `lookup [params] Right on Keys`.
type LookupOp struct {
	Keyword Pos
	Params  []*OpParam
	Right   Expr
	OnPos   Pos
	On      []Expr
}

// UnionOp is `union [params] Tables` as an operator or as a source.
// Tables are names, [WildcardName]s, parenthesized subqueries and calls.
type UnionOp struct {
	Keyword Pos
	Params  []*OpParam
	Tables  []Expr
}

// MvExpandOp is `mv-expand [params] Items [limit N]` (also `mvexpand`).
type MvExpandOp struct {
	Keyword  Pos
	Name     string // "mv-expand" or "mvexpand"
	Params   []*OpParam
	Items    []*MvItem
	LimitPos Pos  // NoPos when absent
	Limit    Expr // nil when absent
}

// MvItem is one expanded expression `X [to typeof(T)]`; X may be a
// [NamedExpr].
type MvItem struct {
	X     Expr
	ToPos Pos      // NoPos when absent
	To    *TypeRef // nil when absent
}

// MvApplyOp is `mv-apply [params] Items [limit N] [with_itemindex=i] on (Sub)`.
type MvApplyOp struct {
	Keyword  Pos
	Params   []*OpParam
	Items    []*MvItem
	LimitPos Pos
	Limit    Expr
	OnPos    Pos
	On       Expr // a ParenExpr around a PipeExpr whose Source is usually nil
}

// ParseOp is `parse [params] X with Pattern` or `parse-where ...`. Pattern
// elements are [StarExpr] (skip anything), string [Literal]s (text to
// match) and [ColumnDecl] captures (Type nil when untyped, meaning string).
type ParseOp struct {
	Keyword Pos
	Name    string // "parse" or "parse-where"
	Params  []*OpParam
	X       Expr
	WithPos Pos
	Pattern []Expr
}

// ParseKvOp is `parse-kv X as (k:type, ...) with (props)`.
type ParseKvOp struct {
	Keyword Pos
	X       Expr
	Schema  *Schema
	With    []*OpParam
	EndPos  Pos
}

// MakeSeriesOp is `make-series [params] Aggs on Axis (from/to/step |
// in range(...)) [by By]`.
type MakeSeriesOp struct {
	Keyword Pos
	Params  []*OpParam
	Aggs    []*SeriesAgg
	OnPos   Pos
	On      Expr
	InRange bool // `in range(From, To, Step)` form
	From    Expr // nil when absent
	To      Expr // nil when absent
	Step    Expr
	ByPos   Pos
	By      []Expr
}

// SeriesAgg is one make-series aggregate `[Name =] agg(...) [default = D]`.
type SeriesAgg struct {
	X       Expr
	Default Expr // nil when absent
}

// EvaluateOp is `evaluate [params] plugin(args)`, as an operator or source.
type EvaluateOp struct {
	Keyword Pos
	Params  []*OpParam
	Call    *CallExpr
	Schema  *Schema // output schema after `:`; nil when absent
}

// RenderOp is `render Chart [with (props)]` (the older `render chart
// kind=x` form puts props in With too).
type RenderOp struct {
	Keyword Pos
	Chart   *Ident
	With    []*OpParam
	EndPos  Pos
}

// AsOp is `as [params] Name`.
type AsOp struct {
	Keyword Pos
	Params  []*OpParam
	Name    *Ident
}

// GetSchemaOp is `getschema`.
type GetSchemaOp struct {
	Keyword Pos
	EndPos  Pos
}

// SerializeOp is `serialize [Exprs]`.
type SerializeOp struct {
	Keyword Pos
	EndPos  Pos
	Exprs   []Expr
}

// InvokeOp is `invoke Call`.
type InvokeOp struct {
	Keyword Pos
	Call    *CallExpr
}

// ConsumeOp is `consume [params]`.
type ConsumeOp struct {
	Keyword Pos
	EndPos  Pos
	Params  []*OpParam
}

// ReduceOp is `reduce [params] by X [with props]`.
type ReduceOp struct {
	Keyword Pos
	Params  []*OpParam
	By      Expr
	With    []*OpParam
	EndPos  Pos
}

// ScanOp is `scan [params] [order by ...] [partition by ...]
// [declare (params)] with (steps)`.
type ScanOp struct {
	Keyword     Pos
	Params      []*OpParam
	OrderBy     []*OrderedExpr
	PartitionBy []Expr
	Declare     []*Param
	Steps       []*ScanStep
	Rparen      Pos
}

// ScanStep is `step Name [optional] [output=all|last|none]: Cond [=> Assigns];`.
type ScanStep struct {
	Step     Pos
	Name     *Ident
	Optional bool
	Output   string // "", "all", "last" or "none"
	Cond     Expr
	Assigns  []*NamedExpr
	EndPos   Pos
}

// PartitionOp is `partition [params] by Column (Sub)` or `{Sub}`.
type PartitionOp struct {
	Keyword Pos
	Params  []*OpParam
	By      Expr
	Sub     Expr // ParenExpr around the subquery
	EndPos  Pos
}

// ForkOp is `fork (Sub) (Sub) ...`; a branch may be `name = (Sub)` as a
// [NamedExpr].
type ForkOp struct {
	Keyword  Pos
	Branches []Expr
	EndPos   Pos
}

// FacetOp is `facet by Columns [with (Sub)]`.
type FacetOp struct {
	Keyword Pos
	By      []Expr
	With    Expr // nil when absent
	EndPos  Pos
}

// SearchOp is `search [params] [in (Tables)] Pred`, as operator or source.
type SearchOp struct {
	Keyword Pos
	Params  []*OpParam
	Tables  []Expr // nil when there is no `in (...)`
	Pred    Expr
}

// FindOp is `find [params] [in (Tables)] where Pred [project ...]`.
type FindOp struct {
	Keyword      Pos
	Params       []*OpParam
	Tables       []Expr
	Pred         Expr
	ProjectPos   Pos    // NoPos when absent
	ProjectSmart bool   // `project-smart`
	Project      []Expr // columns after project
	EndPos       Pos
}

// PrintOp is `print Exprs`, a source.
type PrintOp struct {
	Keyword Pos
	Exprs   []Expr
}

// RangeOp is `range Name from From to To step Step`, a source.
type RangeOp struct {
	Keyword Pos
	Name    *Ident
	From    Expr
	To      Expr
	Step    Expr
}

// BadOperator covers a pipe stage that could not be parsed.
type BadOperator struct {
	From, To Pos
}
