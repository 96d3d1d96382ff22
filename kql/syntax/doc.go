// Package syntax is socfeed's front end for the Kusto Query Language (KQL):
// a scanner ([Scan], [Token]), a syntax tree with byte offsets ([Script],
// [Stmt], [Expr], [TabularExpr], [Operator], [Pos]), a hand-written
// recursive-descent parser with precedence climbing ([Parse], [ParseExpr])
// and a printer that writes canonical KQL ([Print]).
//
// The parser is purely syntactic: it does not resolve names or decide
// whether an ambiguous expression (a bare name, a call) is scalar or
// tabular; the checker does that and records its findings in side tables
// keyed by node pointer.
//
// Errors are [Error] values carrying byte offsets; [LineCol] converts an
// offset to a 1-based line and column for display.
package syntax
