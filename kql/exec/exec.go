// Package exec runs logical plans (package plan) over in-memory column tables.
//
// Execution is vectorized and push-based: each plan operator becomes a processor that
// receives whole batches ([column.Batch]) and pushes its output to the next processor,
// chained backwards from the result; every processor is flushed once at the end. Scalar
// expressions are compiled into functions over a whole batch, with fast paths for
// comparisons and string operators on dictionary-encoded columns (the predicate runs once
// per distinct value). Scans split their batches between workers (see [Engine.Workers]);
// filters and projections run in the worker, aggregations keep per-worker partial states
// merged at flush. Operators that hold rows (summarize, sort, join, distinct) draw on one
// shared memory budget and fail with a [*LimitError] naming the operator.
//
// [Engine] holds the tables and options; [Engine.Run] returns a [Result].
package exec

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/kql/types"
)

// Engine runs plans over a set of tables. An Engine is read-only during Run and may run
// several queries concurrently.
type Engine struct {
	Tables map[string]*column.Table
	Funcs  *funcs.Registry
	// Now is the value of now() and the base of ago(); the zero time means the wall clock
	// at the start of each Run.
	Now time.Time
	// Workers is how many goroutines process the batches of a scan; 0 means GOMAXPROCS.
	Workers int
	// MemoryLimit bounds the bytes the operators of one query may hold; 0 means 512MB.
	MemoryLimit int64
	// BatchSize is the number of rows per batch built by the engine; 0 means 4096.
	BatchSize int
	// External opens the files and URLs of externaldata; nil means [DefaultFetcher]
	// (fetching http(s) URLs and caching them under the user's cache folder).
	External ExternalData
	// Functions are the stored functions queries may call (workspace functions,
	// parsers, _GetWatchlist); nil means none.
	Functions *stored.Set
}

// Column is one column of a result table.
type Column struct {
	Name string
	Type types.Type
}

// ResultTable is one table of a result: ordered columns and rows of values.
type ResultTable struct {
	Name    string
	Columns []Column
	Rows    [][]types.Value
	// Render is the chart kind a trailing `render` asked for ("" when none); socfeed does
	// not draw charts.
	Render string
}

// Result is what a query returned.
type Result struct {
	Tables   []ResultTable
	Warnings []string
}

// LimitError reports that an operator needed more memory than the budget allows.
type LimitError struct {
	Op    string
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("'%s' needs more than %s of memory", e.Op, formatBytes(e.Limit))
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%dMB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// CanceledError reports that the query's context was canceled or timed out. Cause is
// context.Canceled or context.DeadlineExceeded.
type CanceledError struct {
	Cause error
}

func (e *CanceledError) Error() string {
	if errors.Is(e.Cause, context.DeadlineExceeded) {
		return "query timed out"
	}
	return "query canceled"
}

func (e *CanceledError) Unwrap() error { return e.Cause }

// RuntimeError is a failure of the query itself at run time (a file that cannot be read,
// a plugin given bad input), naming the operator.
type RuntimeError struct {
	Op  string
	Msg string
}

func (e *RuntimeError) Error() string { return fmt.Sprintf("in '%s': %s", e.Op, e.Msg) }

// InternalError is a broken invariant of the engine, recovered from a panic.
type InternalError struct {
	Msg   string
	Stack string
}

func (e *InternalError) Error() string { return "internal error: " + e.Msg }

// ErrorKind classifies an error returned by [Engine.Run] or [Compile], so callers (the
// HTTP layer, the CLI) can map it in one place.
type ErrorKind string

// Error kinds.
const (
	KindQuery    ErrorKind = "query"    // the query text does not parse or plan
	KindCanceled ErrorKind = "canceled" // the context was canceled
	KindTimeout  ErrorKind = "timeout"  // the context's deadline passed
	KindLimit    ErrorKind = "limit"    // an operator exceeded the memory budget
	KindRuntime  ErrorKind = "runtime"  // the query failed while running (a file, a plugin)
	KindInternal ErrorKind = "internal" // a bug in the engine
)

// Kind returns the kind of err.
func Kind(err error) ErrorKind {
	var (
		qe *QueryError
		ce *CanceledError
		le *LimitError
		re *RuntimeError
	)
	switch {
	case errors.As(err, &qe):
		return KindQuery
	case errors.As(err, &ce):
		if errors.Is(ce.Cause, context.DeadlineExceeded) {
			return KindTimeout
		}
		return KindCanceled
	case errors.As(err, &le):
		return KindLimit
	case errors.As(err, &re):
		return KindRuntime
	}
	return KindInternal
}

// errStop is returned by a processor that needs no more rows (take); sources stop
// producing and flush.
var errStop = errors.New("stop")

// budget is the memory budget shared by every operator of one query.
type budget struct {
	limit int64
	used  atomic.Int64
}

func (b *budget) grow(op string, n int64) error {
	if b.used.Add(n) > b.limit {
		return &LimitError{Op: op, Limit: b.limit}
	}
	return nil
}

// executor is one run of a query.
type executor struct {
	ctx     context.Context
	eng     *Engine
	fctx    *funcs.Context
	budget  *budget
	workers int
	batch   int

	mu       sync.Mutex
	mat      map[plan.Node]*column.Table // materialized results
	scalars  map[plan.Node]types.Value   // toscalar results
	sets     map[plan.Node][]types.Value // in (subquery) values
	subIn    map[*plan.SubInput][]*column.Batch
	graphIn  map[*plan.GraphInput]*graph // the graph of the partition being run
	warnings []string
}

// Run executes q and returns its result tables.
func (e *Engine) Run(ctx context.Context, q *plan.Query) (res *Result, err error) {
	x := e.newExecutor(ctx)
	defer func() {
		if r := recover(); r != nil {
			buf := make([]byte, 16<<10)
			buf = buf[:runtime.Stack(buf, false)]
			res, err = nil, &InternalError{Msg: fmt.Sprint(r), Stack: string(buf)}
		}
	}()
	res = &Result{}
	for _, o := range q.Outputs {
		t, err := x.collect(o.Root)
		if err != nil {
			return nil, err
		}
		rt := ResultTable{Name: o.Name, Render: renderOf(o.Root)}
		for _, f := range t.Schema {
			rt.Columns = append(rt.Columns, Column{Name: f.Name, Type: f.Type})
		}
		for _, b := range t.Batches {
			for i := 0; i < b.Len; i++ {
				rt.Rows = append(rt.Rows, b.Row(i))
			}
		}
		res.Tables = append(res.Tables, rt)
	}
	res.Warnings = x.warnings
	return res, nil
}

func (e *Engine) newExecutor(ctx context.Context) *executor {
	now := e.Now
	if now.IsZero() {
		now = time.Now()
	}
	w := e.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	lim := e.MemoryLimit
	if lim <= 0 {
		lim = 512 << 20
	}
	bs := e.BatchSize
	if bs <= 0 {
		bs = 4096
	}
	return &executor{
		ctx: ctx, eng: e, fctx: &funcs.Context{Now: types.TicksFromTime(now)},
		budget: &budget{limit: lim}, workers: w, batch: bs,
		mat: map[plan.Node]*column.Table{}, scalars: map[plan.Node]types.Value{}, sets: map[plan.Node][]types.Value{},
		subIn: map[*plan.SubInput][]*column.Batch{}, graphIn: map[*plan.GraphInput]*graph{},
	}
}

func renderOf(n plan.Node) string {
	for {
		switch x := n.(type) {
		case *plan.Render:
			return x.Chart
		case *plan.Project:
			n = x.Input
			continue
		case *plan.Limit:
			n = x.Input
			continue
		}
		return ""
	}
}

func (x *executor) canceled() error {
	if err := x.ctx.Err(); err != nil {
		return &CanceledError{Cause: err}
	}
	return nil
}

func (x *executor) warn(format string, args ...any) {
	x.mu.Lock()
	x.warnings = append(x.warnings, fmt.Sprintf(format, args...))
	x.mu.Unlock()
}

func contextBackground() context.Context { return context.Background() }
