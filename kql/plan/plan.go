// Package plan turns a parsed and checked KQL script into a logical plan: a tree of
// [Node]s, one per tabular operator, whose scalar expressions ([Expr]) are bound — column
// references resolved to indexes of the input schema, function kernels taken from the
// registry, let-bound names inlined. [Build] makes a [Query]; [Optimize] runs the named
// rewrite passes; [Format] prints a plan as indented text (what `socfeed explain` shows).
//
// A plan is immutable once built and optimized; the executor (package exec) may run one
// plan from several goroutines.
package plan

import (
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/types"
)

// Field is a named, typed column of a node's output.
type Field = column.Field

// Query is a whole script's plan: one output per query statement, in script order.
type Query struct {
	Outputs []*Output
}

// Output is one result table of a query.
type Output struct {
	Name string // from `as Name`, else empty
	Root Node
}

// Node is one logical operator. Schema is the node's output columns; Inputs are the nodes
// it reads (none for sources).
type Node interface {
	Schema() []Field
	Inputs() []Node
}

// Scan reads a database table. Needed marks the columns the rest of the plan reads (nil
// means all); the others are produced as null constants without touching the data.
type Scan struct {
	Table  string
	Fields []Field
	Needed []bool
}

// SingleRow produces one row with no columns; print projects over it.
type SingleRow struct{}

// Values is a constant table, as written by `datatable`.
type Values struct {
	Fields []Field
	Rows   [][]types.Value
}

// Range is `range Name from From to To step Step`.
type Range struct {
	Name           string
	T              types.Type
	From, To, Step Expr
}

// Filter keeps the rows for which Pred is true (`where`, `filter`).
type Filter struct {
	Input Node
	Pred  Expr
	Op    string // operator written ("where", "filter", or a pushed-down form)
}

// Project computes its output columns from expressions over the input: extend, project,
// project-away/keep/rename/reorder and print all become Project. Serial is set when an
// expression reads neighbouring rows (row_number, prev, next) and rows must be processed in
// order by one worker.
type Project struct {
	Input  Node
	Exprs  []Expr
	Fields []Field
	Op     string
	Serial bool
}

// AggCall is one aggregate of a summarize. Func is nil for the aggregates the executor
// implements itself (arg_max/arg_min with their several outputs, count).
type AggCall struct {
	Name    string // function name as called
	Func    *funcs.Func
	Args    []Expr
	Consts  []types.Value // constant arguments, null where an argument is not constant
	Outputs []Field       // result columns, in order (several for arg_max(x, *) and the like)
	// ArgCols are, for arg_max/arg_min, the input columns carried along with the extreme
	// row, parallel to Outputs[1:].
	ArgCols []Expr
}

// Aggregate groups rows by Keys and computes Aggs per group (summarize, count, distinct).
type Aggregate struct {
	Input  Node
	Keys   []Expr
	Aggs   []*AggCall
	Fields []Field // key columns, then aggregate outputs
	Op     string
}

// SortKey is one ordering key.
type SortKey struct {
	X          Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders rows (sort, order). With Limit >= 0 it keeps only the first Limit rows (top).
type Sort struct {
	Input Node
	Keys  []SortKey
	Limit int64 // -1 for no limit
	Op    string
}

// Limit keeps the first N rows (take, limit).
type Limit struct {
	Input Node
	N     int64
}

// JoinKind is the kind of a join.
type JoinKind string

// Join kinds.
const (
	InnerUnique JoinKind = "innerunique" // inner join with the left side deduplicated on the key
	Inner       JoinKind = "inner"
	LeftOuter   JoinKind = "leftouter"
	RightOuter  JoinKind = "rightouter"
	FullOuter   JoinKind = "fullouter"
	LeftAnti    JoinKind = "leftanti"
	RightAnti   JoinKind = "rightanti"
	LeftSemi    JoinKind = "leftsemi"
	RightSemi   JoinKind = "rightsemi"
)

// Join matches rows of Left and Right whose keys are equal (case-sensitively for strings).
// The output has the left columns that LeftOut lists, then the right columns RightOut lists,
// under the names in Fields. For lookup, right key columns are dropped.
type Join struct {
	Left, Right         Node
	Kind                JoinKind
	LeftKeys, RightKeys []int
	LeftOut, RightOut   []int
	Fields              []Field
	Op                  string // "join" or "lookup"
}

// Union concatenates its inputs. Maps[i][j] is the column of input i that feeds output
// column j, or -1 (nulls). With Source set, the first column names each row's input.
type Union struct {
	Ins     []Node
	Maps    [][]int
	Fields  []Field
	Source  string
	Sources []string
	// Unresolved are the legs of `union isfuzzy=true` that named nothing; running the
	// union warns about each.
	Unresolved []string
}

// MvItem is one expanded column of an mv-expand.
type MvItem struct {
	X     Expr
	Index int // output column that receives the element (an input column replaced, or new)
	To    types.Type
}

// MvExpand expands dynamic arrays (and property bags) into one row per element.
type MvExpand struct {
	Input     Node
	Items     []MvItem
	BagArray  bool // kind=array: bags expand to [key, value] arrays
	ItemIndex int  // output column of with_itemindex, or -1
	Limit     int64
	Fields    []Field
}

// ParseKind says how a parse pattern matches.
type ParseKind string

// Parse kinds.
const (
	ParseSimple  ParseKind = "simple"
	ParseRegex   ParseKind = "regex"
	ParseRelaxed ParseKind = "relaxed"
)

// Parse extracts columns from a string by a pattern (parse, parse-where). Regex is the
// pattern compiled to an RE2 expression with one group per capture, in Captures order.
type Parse struct {
	Input    Node
	X        Expr
	Kind     ParseKind
	Regex    string
	Flags    string
	Captures []int // output column of each group
	Where    bool  // parse-where: drop rows that do not match
	Fields   []Field
}

// ParseKv extracts key/value pairs from a string into typed columns.
type ParseKv struct {
	Input      Node
	X          Expr
	Keys       []Field
	PairDelim  string // "" with KvDelim "": any non-alphanumeric text delimits
	KvDelim    string
	Quotes     []string // each one character (open = close) or two (open, close)
	Escapes    string
	Greedy     bool
	Regex      string
	Fields     []Field
	FirstIndex int // output index of Keys[0]
}

// MakeSeries builds one array per group of aggregate values over a range of an axis.
type MakeSeries struct {
	Input          Node
	Aggs           []*AggCall
	Defaults       []types.Value
	Axis           Expr
	From, To, Step Expr
	Keys           []Expr
	Fields         []Field // keys, aggregates, axis
	NonEmpty       bool    // kind=nonempty: an empty input still gives one row of defaults
}

// Sample keeps N arbitrary rows.
type Sample struct {
	Input Node
	N     int64
}

// GetSchema describes its input's columns.
type GetSchema struct {
	Input Node
}

// Render is `render`: rows pass through; the chart kind is noted in the result.
type Render struct {
	Input Node
	Chart string
}

// Evaluate runs a plugin over its input (bag_unpack, narrow, ...). Its output schema may
// depend on the data, so Fields is what is known at plan time.
type Evaluate struct {
	Input  Node // nil for a plugin used as a source
	Plugin string
	Args   []Expr
	Fields []Field
	Prefix string // bag_unpack column prefix
	// FromBag marks, for bag_unpack, the output columns that come from the bag's slots
	// (the others are input columns).
	FromBag []bool
}

// Materialize caches its input's rows for every reader (materialize(), let-bound tables
// read more than once).
type Materialize struct {
	Input Node
}

// TopNested is `top-nested`: one level per clause.
type TopNested struct {
	Input   Node
	Levels  []TopNestedLevel
	Fields  []Field
	Project []int
}

// TopNestedLevel is one clause of top-nested.
type TopNestedLevel struct {
	N      int64 // -1 for all
	Of     Expr
	Agg    *AggCall
	Desc   bool
	Others *types.Value
}

// External reads local files named by externaldata.
type External struct {
	Fields []Field
	// URIs are local paths, file:// URLs or http(s) URLs; the executor reads them through
	// its ExternalData source.
	URIs []string
	// Format is the data format as written (csv, tsv, txt, json, multijson, ...), or empty
	// to detect it from each URI's extension, defaulting to csv.
	Format            string
	IgnoreFirstRecord bool   // skip the first record of every file
	ZipPattern        string // selects the files of a .zip archive: a regular expression or a glob
}

// MvApply runs a subquery per input row over the row's expanded arrays.
type MvApply struct {
	Input     Node
	Expand    *MvExpand // applied to a one-row table of the row
	Sub       Node      // reads SubInput
	SubIn     *SubInput
	Fields    []Field
	KeepInput []int // input columns kept (those not expanded)
}

// Partition runs Sub once per distinct value of By over that value's rows.
type Partition struct {
	Input Node
	By    Expr
	Sub   Node
	SubIn *SubInput
}

func (n *Partition) Schema() []Field { return n.Sub.Schema() }
func (n *Partition) Inputs() []Node  { return []Node{n.Input, n.Sub} }

// Pivot is `evaluate pivot(...)`: rows grouped by Keys, one column per pivot value in
// Values (the text of Col) holding Agg over the group's rows with that value.
type Pivot struct {
	Input  Node
	Col    Expr
	Agg    *AggCall
	Keys   []Expr
	Values []string
	Fields []Field
}

func (n *Pivot) Schema() []Field { return n.Fields }
func (n *Pivot) Inputs() []Node  { return []Node{n.Input} }

// IPLookup is ipv4_lookup / ipv6_lookup: input rows joined with the Lookup row whose
// Range column (a CIDR prefix) holds the row's Src address, longest prefix first, with
// equal extra keys. LookupOut are the lookup columns appended to the input's.
type IPLookup struct {
	Input, Lookup    Node
	Src, Range       int
	ExtraIn, ExtraLk []int
	LookupOut        []int
	Unmatched        bool
	V6               bool
	Fields           []Field
}

func (n *IPLookup) Schema() []Field { return n.Fields }
func (n *IPLookup) Inputs() []Node  { return []Node{n.Input, n.Lookup} }

// SubInput is the input of a subquery that reads its enclosing operator's rows.
type SubInput struct {
	Fields []Field
}

func (n *Scan) Schema() []Field        { return n.Fields }
func (n *SingleRow) Schema() []Field   { return nil }
func (n *Values) Schema() []Field      { return n.Fields }
func (n *Range) Schema() []Field       { return []Field{{Name: n.Name, Type: n.T}} }
func (n *Filter) Schema() []Field      { return n.Input.Schema() }
func (n *Project) Schema() []Field     { return n.Fields }
func (n *Aggregate) Schema() []Field   { return n.Fields }
func (n *Sort) Schema() []Field        { return n.Input.Schema() }
func (n *Limit) Schema() []Field       { return n.Input.Schema() }
func (n *Join) Schema() []Field        { return n.Fields }
func (n *Union) Schema() []Field       { return n.Fields }
func (n *MvExpand) Schema() []Field    { return n.Fields }
func (n *Parse) Schema() []Field       { return n.Fields }
func (n *ParseKv) Schema() []Field     { return n.Fields }
func (n *MakeSeries) Schema() []Field  { return n.Fields }
func (n *Sample) Schema() []Field      { return n.Input.Schema() }
func (n *Render) Schema() []Field      { return n.Input.Schema() }
func (n *Evaluate) Schema() []Field    { return n.Fields }
func (n *Materialize) Schema() []Field { return n.Input.Schema() }
func (n *TopNested) Schema() []Field   { return n.Fields }
func (n *External) Schema() []Field    { return n.Fields }
func (n *MvApply) Schema() []Field     { return n.Fields }
func (n *SubInput) Schema() []Field    { return n.Fields }
func (n *GetSchema) Schema() []Field {
	return []Field{{Name: "ColumnName", Type: types.String}, {Name: "ColumnOrdinal", Type: types.Int},
		{Name: "DataType", Type: types.String}, {Name: "ColumnType", Type: types.String}}
}

func (n *Scan) Inputs() []Node        { return nil }
func (n *SingleRow) Inputs() []Node   { return nil }
func (n *Values) Inputs() []Node      { return nil }
func (n *Range) Inputs() []Node       { return nil }
func (n *External) Inputs() []Node    { return nil }
func (n *SubInput) Inputs() []Node    { return nil }
func (n *Filter) Inputs() []Node      { return []Node{n.Input} }
func (n *Project) Inputs() []Node     { return []Node{n.Input} }
func (n *Aggregate) Inputs() []Node   { return []Node{n.Input} }
func (n *Sort) Inputs() []Node        { return []Node{n.Input} }
func (n *Limit) Inputs() []Node       { return []Node{n.Input} }
func (n *Join) Inputs() []Node        { return []Node{n.Left, n.Right} }
func (n *Union) Inputs() []Node       { return n.Ins }
func (n *MvExpand) Inputs() []Node    { return []Node{n.Input} }
func (n *Parse) Inputs() []Node       { return []Node{n.Input} }
func (n *ParseKv) Inputs() []Node     { return []Node{n.Input} }
func (n *MakeSeries) Inputs() []Node  { return []Node{n.Input} }
func (n *Sample) Inputs() []Node      { return []Node{n.Input} }
func (n *GetSchema) Inputs() []Node   { return []Node{n.Input} }
func (n *Render) Inputs() []Node      { return []Node{n.Input} }
func (n *Materialize) Inputs() []Node { return []Node{n.Input} }
func (n *TopNested) Inputs() []Node   { return []Node{n.Input} }
func (n *MvApply) Inputs() []Node     { return []Node{n.Input, n.Sub} }
func (n *Evaluate) Inputs() []Node {
	if n.Input == nil {
		return nil
	}
	return []Node{n.Input}
}
