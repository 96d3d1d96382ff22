package exec

import (
	"errors"
	"sync"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// processor is one operator of a push-based chain.
//
// Contract: push may be called concurrently from several workers, each passing its own
// worker number w (0 <= w < executor.workers); the batch belongs to the receiver, which may
// keep it (batches are immutable). push returns errStop when the processor needs no more
// rows. flush is called exactly once, after every push has returned, from one goroutine;
// a processor pushes what it holds to the next one (as worker 0) and then flushes it.
type processor interface {
	push(w int, b *column.Batch) error
	flush() error
}

// collector keeps every batch it receives, in arrival order.
type collector struct {
	mu      sync.Mutex
	schema  []column.Field
	batches []*column.Batch
}

func (c *collector) push(_ int, b *column.Batch) error {
	if b.Len == 0 {
		return nil
	}
	c.mu.Lock()
	c.batches = append(c.batches, b)
	c.mu.Unlock()
	return nil
}

func (c *collector) flush() error { return nil }

// collect runs n and returns its rows as a table. Results of materialize() are kept and
// shared by every reader.
func (x *executor) collect(n plan.Node) (*column.Table, error) {
	if m, ok := n.(*plan.Materialize); ok {
		x.mu.Lock()
		t, ok := x.mat[m]
		x.mu.Unlock()
		if ok {
			return t, nil
		}
		t, err := x.collect(m.Input)
		if err != nil {
			return nil, err
		}
		x.mu.Lock()
		x.mat[m] = t
		x.mu.Unlock()
		return t, nil
	}
	c := &collector{schema: n.Schema()}
	if err := x.run(n, c); err != nil {
		return nil, err
	}
	return &column.Table{Schema: c.schema, Batches: c.batches}, nil
}

// run pushes all of n's rows into sink and then flushes it.
func (x *executor) run(n plan.Node, sink processor) error {
	if err := x.canceled(); err != nil {
		return err
	}
	switch n := n.(type) {
	case *plan.Scan:
		return x.runScan(n, sink)
	case *plan.SingleRow:
		return x.emit(sink, []*column.Batch{{Len: 1}})
	case *plan.Values:
		return x.emit(sink, rowsToBatches(n.Fields, n.Rows, x.batch))
	case *plan.Range:
		bs, err := x.rangeBatches(n)
		if err != nil {
			return err
		}
		return x.emit(sink, bs)
	case *plan.Materialize:
		t, err := x.collect(n)
		if err != nil {
			return err
		}
		return x.emit(sink, t.Batches)
	case *plan.SubInput:
		x.mu.Lock()
		bs, ok := x.subIn[n]
		x.mu.Unlock()
		if !ok {
			return &InternalError{Msg: "subquery input outside its operator"}
		}
		return x.emit(sink, bs)
	case *plan.Union:
		return x.runUnion(n, sink)
	}
	p, err := x.processorFor(n, sink)
	if err != nil {
		return err
	}
	if p == nil {
		// A blocking operator that computes its whole output from collected inputs.
		bs, err := x.blocking(n)
		if err != nil {
			return err
		}
		return x.emit(sink, bs)
	}
	ins := n.Inputs()
	if len(ins) != 1 {
		return &InternalError{Msg: "streaming operator with several inputs"}
	}
	return x.run(ins[0], p)
}

// emit pushes batches in order from one goroutine, then flushes sink.
func (x *executor) emit(sink processor, bs []*column.Batch) error {
	for _, b := range bs {
		if err := x.canceled(); err != nil {
			return err
		}
		if err := sink.push(0, b); err != nil {
			if errors.Is(err, errStop) {
				break
			}
			return err
		}
	}
	return sink.flush()
}

// runScan splits a table's batches between the workers.
func (x *executor) runScan(n *plan.Scan, sink processor) error {
	t, ok := x.eng.Tables[n.Table]
	if !ok {
		x.warn("table '%s' has no data loaded; it reads as empty", n.Table)
		return sink.flush()
	}
	// Map the table's columns onto the plan's schema by name; columns the data lacks, or
	// that the query does not read, are typed nulls.
	src := make([]int, len(n.Fields))
	for i, f := range n.Fields {
		src[i] = -1
		if n.Needed != nil && !n.Needed[i] {
			continue
		}
		if j := t.Index(f.Name); j >= 0 {
			src[i] = j
		}
	}
	adapt := func(b *column.Batch) *column.Batch {
		cols := make([]column.Vector, len(n.Fields))
		for i, f := range n.Fields {
			if j := src[i]; j >= 0 && b.Cols[j].Type() == f.Type {
				cols[i] = b.Cols[j]
			} else if j >= 0 {
				bld := column.NewBuilder(f.Type)
				for r := 0; r < b.Len; r++ {
					appendValue(bld, f.Type, b.Cols[j].Value(r))
				}
				cols[i] = bld.Build()
			} else {
				cols[i] = constVec(f.Type, types.NullOf(f.Type), b.Len)
			}
		}
		return &column.Batch{Schema: n.Fields, Cols: cols, Len: b.Len}
	}
	workers := min(x.workers, len(t.Batches))
	if workers <= 1 {
		for _, b := range t.Batches {
			if err := x.canceled(); err != nil {
				return err
			}
			if err := sink.push(0, adapt(b)); err != nil {
				if errors.Is(err, errStop) {
					break
				}
				return err
			}
		}
		return sink.flush()
	}
	next := make(chan *column.Batch)
	done := make(chan struct{})
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	fail := func(err error) {
		once.Do(func() {
			if !errors.Is(err, errStop) {
				firstErr = err
			}
			close(done)
		})
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					fail(&InternalError{Msg: panicText(r)})
				}
			}()
			for b := range next {
				if err := sink.push(w, adapt(b)); err != nil {
					fail(err)
				}
			}
		}(w)
	}
feed:
	for _, b := range t.Batches {
		if err := x.canceled(); err != nil {
			fail(err)
			break
		}
		select {
		case next <- b:
		case <-done:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return sink.flush()
}

func panicText(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	if s, ok := r.(string); ok {
		return s
	}
	return "panic"
}

// rangeBatches produces the rows of range.
func (x *executor) rangeBatches(n *plan.Range) ([]*column.Batch, error) {
	from, err := x.evalConst(n.From)
	if err != nil {
		return nil, err
	}
	to, err := x.evalConst(n.To)
	if err != nil {
		return nil, err
	}
	step, err := x.evalConst(n.Step)
	if err != nil {
		return nil, err
	}
	schema := n.Schema()
	if from.IsNull() || to.IsNull() || step.IsNull() {
		return nil, nil
	}
	var out []*column.Batch
	const maxRows = 100_000_000
	if n.T == types.Real {
		f, t, s := types.ToReal(from).F, types.ToReal(to).F, types.ToReal(step).F
		if s == 0 {
			return nil, &RuntimeError{Op: "range", Msg: "step must not be zero"}
		}
		var vals []float64
		for v, i := f, 0; (s > 0 && v <= t) || (s < 0 && v >= t); i++ {
			vals = append(vals, v)
			v = f + float64(i+1)*s
			if len(vals) > maxRows {
				return nil, &RuntimeError{Op: "range", Msg: "more than 100000000 rows"}
			}
		}
		for i := 0; i < len(vals); i += x.batch {
			end := min(i+x.batch, len(vals))
			out = append(out, &column.Batch{Schema: schema, Cols: []column.Vector{&column.Reals{Vals: vals[i:end]}}, Len: end - i})
		}
		return out, nil
	}
	f, t, s := from.I, to.I, step.I
	if from.Type == types.Real || to.Type == types.Real {
		f, t = int64(from.Float()), int64(to.Float())
	}
	if s == 0 {
		return nil, &RuntimeError{Op: "range", Msg: "step must not be zero"}
	}
	var vals []int64
	for v := f; (s > 0 && v <= t) || (s < 0 && v >= t); v += s {
		vals = append(vals, v)
		if len(vals) > maxRows {
			return nil, &RuntimeError{Op: "range", Msg: "more than 100000000 rows"}
		}
		if len(vals)%65536 == 0 {
			if err := x.canceled(); err != nil {
				return nil, err
			}
		}
	}
	for i := 0; i < len(vals); i += x.batch {
		end := min(i+x.batch, len(vals))
		out = append(out, &column.Batch{Schema: schema, Cols: []column.Vector{&column.Ints{T: n.T, Vals: vals[i:end]}}, Len: end - i})
	}
	return out, nil
}

// processorFor returns the streaming processor of n, or nil when n is a blocking
// operator computed by [executor.blocking].
func (x *executor) processorFor(n plan.Node, next processor) (processor, error) {
	switch n := n.(type) {
	case *plan.Filter:
		f, err := x.compile(n.Pred)
		if err != nil {
			return nil, err
		}
		return &filterProc{pred: f, next: next}, nil
	case *plan.Project:
		if n.Serial {
			return x.newSerialProject(n, next)
		}
		fns := make([]evalFn, len(n.Exprs))
		for i, e := range n.Exprs {
			f, err := x.compile(e)
			if err != nil {
				return nil, err
			}
			fns[i] = f
		}
		return &projectProc{fns: fns, schema: n.Fields, next: next}, nil
	case *plan.Limit:
		return &limitProc{n: n.N, next: next}, nil
	case *plan.Sample:
		return &limitProc{n: n.N, next: next}, nil
	case *plan.Render:
		return &passProc{next: next}, nil
	case *plan.Aggregate:
		return x.newAggProc(n, next)
	case *plan.Sort:
		return x.newSortProc(n, next)
	case *plan.MvExpand:
		return x.newMvExpandProc(n, next)
	case *plan.Parse:
		return x.newParseProc(n, next)
	case *plan.ParseKv:
		return x.newParseKvProc(n, next)
	case *plan.StepScan:
		return x.newStepScan(n, next)
	case *plan.GetSchema:
		return &getSchemaProc{in: n.Input.Schema(), schema: n.Schema(), next: next}, nil
	case *plan.Reduce:
		return x.newReduceProc(n, next)
	case *plan.Evaluate:
		if n.Input == nil {
			return nil, &RuntimeError{Op: "evaluate", Msg: "plugin " + n.Plugin + " needs an input table"}
		}
		return x.newEvaluateProc(n, next)
	}
	return nil, nil
}

type passProc struct{ next processor }

func (p *passProc) push(w int, b *column.Batch) error { return p.next.push(w, b) }
func (p *passProc) flush() error                      { return p.next.flush() }

type filterProc struct {
	pred evalFn
	next processor
}

func (p *filterProc) push(w int, b *column.Batch) error {
	sel := selection(p.pred(b))
	if len(sel) == 0 {
		return nil
	}
	if len(sel) == b.Len {
		return p.next.push(w, b)
	}
	return p.next.push(w, b.Gather(sel))
}

func (p *filterProc) flush() error { return p.next.flush() }

type projectProc struct {
	fns    []evalFn
	schema []column.Field
	next   processor
}

func (p *projectProc) push(w int, b *column.Batch) error {
	cols := make([]column.Vector, len(p.fns))
	for i, f := range p.fns {
		cols[i] = f(b)
	}
	return p.next.push(w, &column.Batch{Schema: p.schema, Cols: cols, Len: b.Len})
}

func (p *projectProc) flush() error { return p.next.flush() }

// limitProc passes the first n rows and then asks its sources to stop.
type limitProc struct {
	mu   sync.Mutex
	n    int64
	seen int64
	next processor
}

func (p *limitProc) push(w int, b *column.Batch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	left := p.n - p.seen
	if left <= 0 {
		return errStop
	}
	if int64(b.Len) > left {
		b = b.Slice(0, int(left))
	}
	p.seen += int64(b.Len)
	if err := p.next.push(0, b); err != nil {
		return err
	}
	if p.seen >= p.n {
		return errStop
	}
	return nil
}

func (p *limitProc) flush() error { return p.next.flush() }

type getSchemaProc struct {
	in, schema []column.Field
	next       processor
}

func (p *getSchemaProc) push(int, *column.Batch) error { return nil }

func (p *getSchemaProc) flush() error {
	var rows [][]types.Value
	for i, f := range p.in {
		rows = append(rows, []types.Value{types.NewString(f.Name), types.NewInt(int32(i)),
			types.NewString(dotnetType(f.Type)), types.NewString(f.Type.String())})
	}
	for _, b := range rowsToBatches(p.schema, rows, 4096) {
		if err := p.next.push(0, b); err != nil && !errors.Is(err, errStop) {
			return err
		}
	}
	return p.next.flush()
}

func dotnetType(t types.Type) string {
	switch t {
	case types.Bool:
		return "System.Boolean"
	case types.Int:
		return "System.Int32"
	case types.Long:
		return "System.Int64"
	case types.Real:
		return "System.Double"
	case types.Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case types.String:
		return "System.String"
	case types.DateTime:
		return "System.DateTime"
	case types.TimeSpan:
		return "System.TimeSpan"
	case types.GUID:
		return "System.Guid"
	}
	return "System.Object"
}

// bufferProc collects its input and computes the output at flush with fn.
type bufferProc struct {
	mu      sync.Mutex
	x       *executor
	op      string
	schema  []column.Field
	batches []*column.Batch
	fn      func(in *column.Batch) ([]*column.Batch, error)
	next    processor
}

func (p *bufferProc) push(_ int, b *column.Batch) error {
	if err := p.x.budget.grow(p.op, batchBytes(b)); err != nil {
		return err
	}
	p.mu.Lock()
	p.batches = append(p.batches, b)
	p.mu.Unlock()
	return nil
}

func (p *bufferProc) flush() error {
	in, err := concatBatches(p.schema, p.batches)
	if err != nil {
		return err
	}
	out, err := p.fn(in)
	if err != nil {
		return err
	}
	for _, b := range out {
		if err := p.next.push(0, b); err != nil {
			if errors.Is(err, errStop) {
				break
			}
			return err
		}
	}
	return p.next.flush()
}
