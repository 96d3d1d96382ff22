package hunt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socfeed/socfeed/kql/types"
)

// Column is one column of a result [Table].
type Column struct {
	Name string
	Type types.Type
}

// Table is a query result: ordered, typed columns and rows of values, one per column.
type Table struct {
	Columns []Column
	Rows    [][]types.Value
}

// Index returns the position of the named column (case-sensitive), or -1.
func (t *Table) Index(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Window is a time range (Start, End]: a query run with a window sees only the rows whose
// TimeGenerated is after Start and at or before End, as Sentinel limits a scheduled rule's
// query to its lookback. The zero Window means no limit.
type Window struct {
	Start, End time.Time
}

// IsZero reports whether w is the zero Window (no limit).
func (w Window) IsZero() bool { return w.Start.IsZero() && w.End.IsZero() }

// Contains reports whether t falls in (Start, End]. Every time is in the zero Window.
func (w Window) Contains(t time.Time) bool {
	return w.IsZero() || t.After(w.Start) && !t.After(w.End)
}

// Engine runs KQL queries over a fixed set of tables.
//
// Query runs query with now() and the base of ago() fixed at now, over the rows of every
// table whose TimeGenerated lies in window (all rows for the zero Window; rows of tables
// without TimeGenerated are always seen). It returns the query's result table (the last
// query statement's). Errors in the query itself should be returned as *[QueryError] (or
// several joined with errors.Join) so they can be located in the rule file; other errors
// (I/O, cancellation, limits) are returned as they are.
//
// Run calls Query from one goroutine at a time; implementations need not be safe for
// concurrent use. The returned table belongs to the caller.
type Engine interface {
	Query(ctx context.Context, query string, now time.Time, window Window) (*Table, error)
}

// Spanner is implemented by engines that know the time span of their data without a
// query. Span returns the earliest and latest TimeGenerated over all tables; ok is false
// when no table has a non-null TimeGenerated.
type Spanner interface {
	Span(ctx context.Context) (first, last time.Time, ok bool, err error)
}

// QueryError is an error in a query at a byte offset of the query text. Offset is -1 when
// the position is not known.
type QueryError struct {
	Offset int
	Msg    string
}

func (e *QueryError) Error() string {
	if e.Offset < 0 {
		return e.Msg
	}
	return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
}

// spanQuery asks an engine without [Spanner] for its data's time span.
const spanQuery = "union * | summarize First = min(TimeGenerated), Last = max(TimeGenerated)"

// DataSpan returns the earliest and latest TimeGenerated of the engine's data, from
// [Spanner] when the engine implements it, else by running a query. ok is false when the
// data has no TimeGenerated.
func DataSpan(ctx context.Context, e Engine) (first, last time.Time, ok bool, err error) {
	if s, isSpanner := e.(Spanner); isSpanner {
		return s.Span(ctx)
	}
	t, err := e.Query(ctx, spanQuery, time.Now().UTC(), Window{})
	if err != nil {
		return time.Time{}, time.Time{}, false, fmt.Errorf("cannot find the data's time span: %w", err)
	}
	if len(t.Rows) != 1 || len(t.Columns) != 2 {
		return time.Time{}, time.Time{}, false, nil
	}
	a, b := t.Rows[0][0], t.Rows[0][1]
	if a.Type != types.DateTime || b.Type != types.DateTime || a.IsNull() || b.IsNull() {
		return time.Time{}, time.Time{}, false, nil
	}
	return types.TimeFromTicks(a.I), types.TimeFromTicks(b.I), true, nil
}

// queryErrors returns the *QueryError values in err, looking through joined and wrapped
// errors; nil when there are none.
func queryErrors(err error) []*QueryError {
	var out []*QueryError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if qe, ok := err.(*QueryError); ok {
			out = append(out, qe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	if len(out) == 0 {
		var qe *QueryError
		if errors.As(err, &qe) {
			out = append(out, qe)
		}
	}
	return out
}
