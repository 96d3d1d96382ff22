// Package local runs the queries of a hunt (package rules/hunt) on socfeed's own engine:
// [Engine] is a [hunt.Engine] over tables loaded by package logs that parses, checks, plans
// and executes each query with packages kql/syntax, kql/check, kql/plan and kql/exec, and
// [Opener] opens such an engine over the tables of a rule unit test.
//
// It is apart from package hunt so that the hunt runner depends only on the rule model and
// KQL values, as a remote engine (package kusto's Backend) does.
package local

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/schema"
)

// Engine is a [hunt.Engine] over in-memory tables (as package logs loads them) that runs
// queries with package exec. Tables of the catalog that have no data scan as empty, so a
// rule over a table the export lacks runs and finds nothing rather than failing. A window
// is applied by handing the executor views of the tables holding only the rows in the
// window; batches wholly inside or outside it are kept or dropped without touching their
// rows.
//
// An Engine may be used by one goroutine at a time.
type Engine struct {
	tables  map[string]*column.Table
	catalog *schema.Catalog // schemas: the Log Analytics catalog plus the loaded tables
	funcs   *funcs.Registry
	// Workers and MemoryLimit are passed to the executor (0 means its defaults).
	Workers     int
	MemoryLimit int64
	// External opens the files and URLs `externaldata` reads; nil means
	// [exec.DefaultFetcher].
	External exec.ExternalData
	// Functions are the stored functions rules may call (parsers, _GetWatchlist).
	Functions *stored.Set

	once   sync.Once
	ranges map[string][]tickRange // per table and batch: TimeGenerated range
	plans  map[string]compiled
}

type compiled struct {
	q   *plan.Query
	err error
}

// tickRange is the range of the non-null TimeGenerated values of a batch; ok is false
// when it has none.
type tickRange struct {
	lo, hi int64
	ok     bool
}

// New returns an engine over tables. cat gives the schemas of tables without data and may
// be nil for [schema.Default]; the loaded tables are added to it, so a caller that shares
// cat (a web page checking queries) sees them too. reg may be nil for [funcs.Default].
func New(tables map[string]*column.Table, cat *schema.Catalog, reg *funcs.Registry) *Engine {
	if cat == nil {
		cat = schema.Default()
	}
	if reg == nil {
		reg = funcs.Default()
	}
	exec.AddTables(cat, tables)
	return &Engine{tables: tables, catalog: cat, funcs: reg, plans: map[string]compiled{}}
}

// referenceTables are tables of reference data rather than events: a rule's lookback
// does not limit them and they do not count in the data's time span. Sentinel re-ingests
// watchlist items so that every lookback sees them.
var referenceTables = map[string]bool{"Watchlist": true}

// timeRanges computes, once, the TimeGenerated range of every batch of the event tables.
func (l *Engine) timeRanges() map[string][]tickRange {
	l.once.Do(func() {
		l.ranges = map[string][]tickRange{}
		for name, t := range l.tables {
			if referenceTables[name] {
				continue
			}
			ti := t.Index("TimeGenerated")
			if ti < 0 || t.Schema[ti].Type != types.DateTime {
				continue
			}
			rs := make([]tickRange, len(t.Batches))
			for bi, b := range t.Batches {
				r := tickRange{lo: math.MaxInt64, hi: math.MinInt64}
				col := b.Cols[ti]
				for i := 0; i < b.Len; i++ {
					if col.IsNull(i) {
						continue
					}
					v := col.Value(i).I
					r.lo, r.hi, r.ok = min(r.lo, v), max(r.hi, v), true
				}
				rs[bi] = r
			}
			l.ranges[name] = rs
		}
	})
	return l.ranges
}

// Span implements [hunt.Spanner] from the loaded tables.
func (l *Engine) Span(ctx context.Context) (first, last time.Time, ok bool, err error) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, rs := range l.timeRanges() {
		for _, r := range rs {
			if r.ok {
				lo, hi, ok = min(lo, r.lo), max(hi, r.hi), true
			}
		}
	}
	if !ok {
		return time.Time{}, time.Time{}, false, ctx.Err()
	}
	return types.TimeFromTicks(lo), types.TimeFromTicks(hi), true, ctx.Err()
}

// view returns the tables limited to the rows with TimeGenerated in w.
func (l *Engine) view(w hunt.Window) map[string]*column.Table {
	if w.IsZero() {
		return l.tables
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !w.Start.IsZero() {
		lo = types.TicksFromTime(w.Start)
	}
	if !w.End.IsZero() {
		hi = types.TicksFromTime(w.End)
	}
	ranges := l.timeRanges()
	out := make(map[string]*column.Table, len(l.tables))
	for name, t := range l.tables {
		rs, ok := ranges[name]
		if !ok {
			out[name] = t
			continue
		}
		ti := t.Index("TimeGenerated")
		v := &column.Table{Name: t.Name, Schema: t.Schema}
		for bi, b := range t.Batches {
			r := rs[bi]
			switch {
			case !r.ok || r.hi <= lo || r.lo > hi:
				continue
			case r.lo > lo && r.hi <= hi:
				v.Batches = append(v.Batches, b)
				continue
			}
			col := b.Cols[ti]
			var idx []int32
			for i := 0; i < b.Len; i++ {
				if col.IsNull(i) {
					continue
				}
				if x := col.Value(i).I; x > lo && x <= hi {
					idx = append(idx, int32(i))
				}
			}
			if len(idx) > 0 {
				v.Batches = append(v.Batches, b.Gather(idx))
			}
		}
		out[name] = v
	}
	return out
}

// compile parses, checks and plans a query once; the plan does not depend on now() or
// the window, so replayed runs share it.
func (l *Engine) compile(query string) (*plan.Query, error) {
	if c, ok := l.plans[query]; ok {
		return c.q, c.err
	}
	q, err := l.compileNew(query)
	l.plans[query] = compiled{q, err}
	return q, err
}

func (l *Engine) compileNew(query string) (*plan.Query, error) {
	eng := &exec.Engine{Tables: l.tables, Funcs: l.funcs, Workers: l.Workers, MemoryLimit: l.MemoryLimit, External: l.External, Functions: l.Functions}
	q, _, err := exec.Prepare(query, exec.PrepareOptions{Catalog: l.catalog, Engine: eng, AllowCheckErrors: true})
	var pe *exec.PrepareError
	if !errors.As(err, &pe) {
		return q, err
	}
	var errs []error
	for _, d := range pe.Diags {
		errs = append(errs, &hunt.QueryError{Offset: int(d.Pos), Msg: d.Msg})
	}
	if pe.Stage == exec.StagePlan {
		return nil, errs[0]
	}
	return nil, errors.Join(errs...)
}

// Query implements [hunt.Engine].
func (l *Engine) Query(ctx context.Context, query string, now time.Time, w hunt.Window) (*hunt.Table, error) {
	q, err := l.compile(query)
	if err != nil {
		return nil, err
	}
	eng := &exec.Engine{Tables: l.view(w), Funcs: l.funcs, Now: now, Workers: l.Workers, MemoryLimit: l.MemoryLimit, External: l.External, Functions: l.Functions}
	res, err := eng.Run(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(res.Tables) == 0 {
		return &hunt.Table{}, nil
	}
	rt := res.Tables[len(res.Tables)-1]
	t := &hunt.Table{Rows: rt.Rows}
	for _, c := range rt.Columns {
		t.Columns = append(t.Columns, hunt.Column{Name: c.Name, Type: c.Type})
	}
	return t, nil
}
