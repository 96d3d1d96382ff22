package hunt

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/types"
)

// fakeEngine answers queries from canned tables: the query text, trimmed, names the table
// to return. It filters rows by their TimeGenerated column as a real engine filters the
// data, and records every call.
type fakeEngine struct {
	tables map[string]*Table
	errs   map[string]error
	calls  []fakeCall
	// noSpan makes DataSpan fall back to its query.
	noSpan bool
}

type fakeCall struct {
	query  string
	now    time.Time
	window Window
}

func (e *fakeEngine) Query(ctx context.Context, query string, now time.Time, w Window) (*Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	query = strings.TrimSpace(query)
	e.calls = append(e.calls, fakeCall{query, now, w})
	if err, ok := e.errs[query]; ok {
		return nil, err
	}
	if query == spanQuery {
		first, last, ok := e.span()
		v := func(t time.Time) types.Value {
			if !ok {
				return types.NullOf(types.DateTime)
			}
			return types.NewDateTime(types.TicksFromTime(t))
		}
		return &Table{Columns: []Column{{"First", types.DateTime}, {"Last", types.DateTime}},
			Rows: [][]types.Value{{v(first), v(last)}}}, nil
	}
	t, ok := e.tables[query]
	if !ok {
		return nil, &QueryError{Offset: 0, Msg: fmt.Sprintf("unknown table %q", query)}
	}
	out := &Table{Columns: t.Columns}
	ti := t.Index("TimeGenerated")
	for _, r := range t.Rows {
		if ti < 0 || w.Contains(types.TimeFromTicks(r[ti].I)) {
			out.Rows = append(out.Rows, r)
		}
	}
	return out, nil
}

func (e *fakeEngine) span() (first, last time.Time, ok bool) {
	for _, t := range e.tables {
		ti := t.Index("TimeGenerated")
		if ti < 0 {
			continue
		}
		for _, r := range t.Rows {
			tm := types.TimeFromTicks(r[ti].I)
			if !ok || tm.Before(first) {
				first = tm
			}
			if !ok || tm.After(last) {
				last = tm
			}
			ok = true
		}
	}
	return first, last, ok
}

// spanEngine is a fakeEngine that implements Spanner.
type spanEngine struct{ *fakeEngine }

func (e spanEngine) Span(context.Context) (time.Time, time.Time, bool, error) {
	f, l, ok := e.span()
	return f, l, ok, nil
}

// at parses an RFC 3339 time for tests.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dt(s string) types.Value { return types.NewDateTime(types.TicksFromTime(at(s))) }

func str(s string) types.Value { return types.NewString(s) }

// events is a table of sign-ins at the given times, with a user and an address per row.
func events(rows ...[3]string) *Table {
	t := &Table{Columns: []Column{{"TimeGenerated", types.DateTime}, {"User", types.String}, {"IP", types.String}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []types.Value{dt(r[0]), str(r[1]), str(r[2])})
	}
	return t
}
