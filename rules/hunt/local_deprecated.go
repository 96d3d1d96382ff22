package hunt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/schema"
)

// This file is a temporary copy of package rules/hunt/local's engine, kept only so that
// callers in packages being edited by others (cmd/socfeed/serve.go, web/catalog_test.go,
// perhaps rules/pack's tests) keep compiling. A forwarding alias is impossible: package local imports this package.
// Delete this file once those callers use local.New; then package hunt no longer depends
// on kql/exec and logs.

// Local is an [Engine] over in-memory tables (as package logs loads them) that runs
// queries with package exec. Tables of the catalog that have no data scan as empty, so a
// rule over a table the export lacks runs and finds nothing rather than failing. A window
// is applied by handing the executor views of the tables holding only the rows in the
// window; batches wholly inside or outside it are kept or dropped without touching their
// rows.
//
// A Local may be used by one goroutine at a time.
//
// Deprecated: use local.Engine from package rules/hunt/local.
type Local struct {
	tables  map[string]*column.Table
	catalog *schema.Catalog // schemas: the Log Analytics catalog plus the loaded tables
	funcs   *funcs.Registry
	// Workers and MemoryLimit are passed to the executor (0 means its defaults).
	Workers     int
	MemoryLimit int64

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

// NewLocal returns an engine over tables. cat gives the schemas of tables without data
// and may be nil for [schema.Default]; reg may be nil for [funcs.Default].
//
// Deprecated: use local.New from package rules/hunt/local.
func NewLocal(tables map[string]*column.Table, cat *schema.Catalog, reg *funcs.Registry) *Local {
	if cat == nil {
		cat = schema.Default()
	}
	if reg == nil {
		reg = funcs.Default()
	}
	for name, t := range tables {
		st := &schema.Table{Name: name}
		for _, f := range t.Schema {
			st.Columns = append(st.Columns, schema.Column{Name: f.Name, Type: f.Type})
		}
		cat.Add(st)
	}
	return &Local{tables: tables, catalog: cat, funcs: reg, plans: map[string]compiled{}}
}

// timeRanges computes, once, the TimeGenerated range of every batch.
func (l *Local) timeRanges() map[string][]tickRange {
	l.once.Do(func() {
		l.ranges = map[string][]tickRange{}
		for name, t := range l.tables {
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

// Span implements [Spanner] from the loaded tables.
func (l *Local) Span(ctx context.Context) (first, last time.Time, ok bool, err error) {
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
func (l *Local) view(w Window) map[string]*column.Table {
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

// extraSchema gives the planner the schemas of catalog tables without data.
func (l *Local) extraSchema(name string) ([]column.Field, bool) {
	st, ok := l.catalog.Table(name)
	if !ok {
		return nil, false
	}
	fs := make([]column.Field, len(st.Columns))
	for i, c := range st.Columns {
		fs[i] = column.Field{Name: c.Name, Type: c.Type}
	}
	return fs, true
}

// compile parses, checks and plans a query once; the plan does not depend on now() or
// the window, so replayed runs share it.
func (l *Local) compile(query string) (*plan.Query, error) {
	if c, ok := l.plans[query]; ok {
		return c.q, c.err
	}
	q, err := l.compileNew(query)
	l.plans[query] = compiled{q, err}
	return q, err
}

func (l *Local) compileNew(query string) (*plan.Query, error) {
	script, perrs := syntax.Parse(query)
	if len(perrs) > 0 {
		var errs []error
		for _, e := range perrs {
			errs = append(errs, &QueryError{Offset: int(e.Pos), Msg: e.Msg})
		}
		return nil, errors.Join(errs...)
	}
	info, diags := check.Check(script, &check.Env{Catalog: l.catalog, Funcs: l.funcs})
	var checkErrs []error
	for _, d := range diags {
		if d.Severity == check.Error {
			checkErrs = append(checkErrs, &QueryError{Offset: int(d.Pos), Msg: d.Msg})
		}
	}
	eng := &exec.Engine{Tables: l.tables, Funcs: l.funcs, Workers: l.Workers, MemoryLimit: l.MemoryLimit}
	env := eng.PlanEnv(l.extraSchema)
	if len(checkErrs) == 0 {
		env.Names = info.Names
		env.Tabular = map[syntax.Expr]bool{}
		for x := range info.Tabular {
			env.Tabular[x] = true
		}
	}
	q, err := plan.Build(script, env)
	if err != nil {
		// The checker's messages are the better ones when it saw a problem too.
		if len(checkErrs) > 0 {
			return nil, errors.Join(checkErrs...)
		}
		var pe *plan.Error
		if errors.As(err, &pe) {
			return nil, &QueryError{Offset: int(pe.Pos), Msg: pe.Msg}
		}
		return nil, err
	}
	plan.Optimize(q)
	return q, nil
}

// Query implements [Engine].
func (l *Local) Query(ctx context.Context, query string, now time.Time, w Window) (*Table, error) {
	q, err := l.compile(query)
	if err != nil {
		return nil, err
	}
	eng := &exec.Engine{Tables: l.view(w), Funcs: l.funcs, Now: now, Workers: l.Workers, MemoryLimit: l.MemoryLimit}
	res, err := eng.Run(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(res.Tables) == 0 {
		return &Table{}, nil
	}
	rt := res.Tables[len(res.Tables)-1]
	t := &Table{Rows: rt.Rows}
	for _, c := range rt.Columns {
		t.Columns = append(t.Columns, Column{Name: c.Name, Type: c.Type})
	}
	return t, nil
}

// LocalOpener returns an [Opener] for rule tests that loads each test's tables with
// package logs (inline rows are written to a temporary folder as JSON lines first) and
// runs the rule on a [Local] engine. A row the loader rejects is an error: the test's
// data is wrong. cat returns a fresh catalog of table schemas per test (the engine adds
// the test's tables to it); nil means [schema.Default].
//
// Deprecated: use local.Opener from package rules/hunt/local.
func LocalOpener(cat func() *schema.Catalog) Opener {
	return func(ctx context.Context, tables []TestTable) (Engine, error) {
		dir, err := os.MkdirTemp("", "socfeed-ruletest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		var paths []string
		over := map[string]string{}
		for i, t := range tables {
			p := t.File
			if p == "" {
				p = filepath.Join(dir, fmt.Sprintf("%d-%s.jsonl", i, sanitize(t.Name)))
				if err := os.WriteFile(p, t.JSONLines, 0o600); err != nil {
					return nil, err
				}
			}
			paths = append(paths, p)
			over[p] = t.Name
		}
		c := schema.Default()
		if cat != nil {
			c = cat()
		}
		ds := &logs.Dataset{Tables: map[string]*column.Table{}}
		if len(paths) > 0 {
			var rep *logs.Report
			ds, rep, err = logs.Load(ctx, paths, logs.Options{Catalog: c, TableOverride: over, Workers: 1})
			if err != nil {
				return nil, err
			}
			if len(rep.Rejected) > 0 {
				var msgs []string
				for _, r := range rep.Rejected[:min(len(rep.Rejected), 5)] {
					msgs = append(msgs, tableOfRejection(r, tables, dir))
				}
				return nil, fmt.Errorf("%d row(s) rejected: %s", len(rep.Rejected), strings.Join(msgs, "; "))
			}
		}
		return NewLocal(ds.Tables, c, nil), nil
	}
}

// tableOfRejection describes a rejected row, naming the table rather than the temporary
// file for inline rows.
func tableOfRejection(r logs.Rejection, tables []TestTable, dir string) string {
	if strings.HasPrefix(r.File, dir) {
		for i, t := range tables {
			if filepath.Base(r.File) == fmt.Sprintf("%d-%s.jsonl", i, sanitize(t.Name)) {
				return fmt.Sprintf("table %s, row %d: %s", t.Name, r.Line, r.Reason)
			}
		}
	}
	return r.String()
}

// sanitize makes a table name safe as a file name.
func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == 0 {
			return '_'
		}
		return r
	}, name)
}
