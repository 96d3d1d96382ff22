// Package check gives a parsed KQL script its meaning: it resolves names (columns, let-bound
// values, tables, functions), infers the type of every scalar expression and the schema of
// every tabular expression, and reports errors with positions. It never mutates the tree:
// results live in side tables of an [Info], keyed by syntax nodes, like go/types' Info.
//
// [Check] is the entry point; [Env] says which tables and functions exist.
package check

import (
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// Column is one column of a tabular result.
type Column struct {
	Name string
	Type types.Type
}

// Schema is the ordered column list of a tabular expression's result.
type Schema struct {
	Columns []Column
	// Open is true when the columns are not fully known (a table socfeed has no schema for,
	// an `externaldata` with a wildcard, a plugin whose output depends on the data such as
	// bag_unpack). References to unknown columns of an open schema are not errors; the
	// checker types them as types.Unknown and leaves them to the executor at run time.
	// Columns listed in an open schema are known to exist.
	Open bool
	// Graph is set when the value is a graph (the result of make-graph), not a table;
	// Columns is then empty.
	Graph *GraphSchema
}

// Index returns the position of the named column, or -1.
func (s *Schema) Index(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Env is what a script is checked against. An Env is read-only during Check and may be
// shared by concurrent checks.
type Env struct {
	Catalog *schema.Catalog // database tables: Log Analytics schemas plus loaded data
	Funcs   *funcs.Registry // built-in scalar and aggregate functions
	// Strict makes a table that is not in Catalog an error; otherwise it is a warning and the
	// table's schema is open. Inside `union isfuzzy=true` unknown tables and functions are
	// always warnings. Unknown functions are always errors elsewhere (Kusto has no open
	// function set).
	Strict bool
	// Functions are stored functions (Kusto's database functions, Sentinel's workspace
	// functions and parsers, `_GetWatchlist`): let statements bound before the query, in
	// a scope of their own. Problems inside them are not the query's and are not
	// reported (check the functions' own source for those).
	Functions []*syntax.LetStmt
}

// SymbolKind says what a name refers to.
type SymbolKind uint8

const (
	SymColumn     SymbolKind = iota // a column of the row in scope
	SymScalarLet                    // a let-bound scalar value
	SymTableLet                     // a let-bound tabular value
	SymFuncLet                      // a let-bound user function (or view)
	SymTable                        // a database table from the catalog
	SymParam                        // a parameter of the enclosing user function
	SymQueryParam                   // a declared query parameter
	SymPattern                      // a declared pattern (declare pattern)
)

// Symbol is what an identifier resolves to.
type Symbol struct {
	Kind SymbolKind
	Name string
	Type types.Type  // for scalars and columns
	Decl syntax.Node // the declaring node for let/param symbols, nil otherwise
}

// Info holds the checker's results. Every map is keyed by the node it describes.
//
// A let-bound function with a tabular parameter is checked again at each call with the
// argument's schema (as Kusto does), so entries for nodes inside its body describe the
// last call checked.
type Info struct {
	// Types is the type of every scalar expression that was checked. types.Unknown means
	// the type could not be determined (an error was reported, or the expression names a
	// column of an open schema); integer literals are long, as in Kusto.
	Types map[syntax.Expr]types.Type
	// Tabular is the result schema of every tabular expression (pipes, sources, subqueries,
	// let-bound tables after binding).
	Tabular map[syntax.Expr]*Schema
	// Ops is the output schema of every pipe operator.
	Ops map[syntax.Operator]*Schema
	// Names is the result column name of every expression that produces a column in
	// extend, project, summarize (aggregates and by-keys), make-series, print, top-nested and
	// the like, whether the query named it (`N = expr`) or a naming rule did (`count_`,
	// `TimeGenerated` for bin(TimeGenerated, 1h), `Column1`, `print_0`). For a NamedExpr the
	// key is the NamedExpr; for a tuple name the value is the first name and Tuples holds all.
	Names map[syntax.Expr]string
	// Tuples holds the columns of expressions that produce several: `(a, b) = arg_max(...)`,
	// `arg_max(T, *)` expanded (the first argument's column first, then the others in input
	// order), `Last = arg_max(T, X)` (the name goes to the first column),
	// `percentiles(x, 50, 95)`, and the series functions with several outputs
	// (`series_stats(x)` gives series_stats_x_min, ...). In summarize, `*` leaves out
	// columns already produced (the by keys); other duplicates get a numeric suffix.
	Tuples map[syntax.Expr][]Column
	// Calls is the built-in function each call resolved to (nil for user functions, which
	// are in Refs via CallExpr.Fun).
	Calls map[*syntax.CallExpr]*funcs.Func
	// Refs is what each identifier used as a reference resolves to.
	Refs map[*syntax.Ident]Symbol
	// Consts holds the value of scalar expressions that are constant at check time (literals,
	// let-bound literals, arithmetic on them), used for parameters that must be constant.
	Consts map[syntax.Expr]types.Value
	// IfExists holds the column_ifexists("Name", default) calls whose row has the column
	// Name, with that column's name: the call is the column. Calls not listed here are
	// their default value (or, over an open schema, a column that may exist at run time).
	IfExists map[*syntax.CallExpr]string
}

// Severity says whether a [Diagnostic] stops the query.
type Severity uint8

const (
	Error   Severity = iota // the query cannot run
	Warning                 // the query runs, but something is likely wrong
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found by the checker, at byte offsets of the source.
type Diagnostic struct {
	Pos, End syntax.Pos
	Severity Severity
	Msg      string
}
