package kusto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/schema"
)

// Database is one database a [Handler] serves: tables of data (as package logs loads
// them) and the catalog of table schemas. Tables of the catalog without data can be
// queried and scan as empty, as they do in `socfeed hunt`, so a query runs the same here
// and locally.
//
// A Database is read-only once the handler has served a request from it; queries run
// concurrently.
type Database struct {
	// Tables holds the data, by table name.
	Tables map[string]*column.Table
	// Catalog gives the schemas of tables without data; nil means [schema.Default]. The
	// loaded tables are added to a copy.
	Catalog *schema.Catalog
	// Funcs is the function registry; nil means [funcs.Default].
	Funcs *funcs.Registry
	// Workers and MemoryLimit are passed to the executor (0 means its defaults).
	Workers     int
	MemoryLimit int64

	once    sync.Once
	catalog *schema.Catalog // Catalog (or the default) plus the loaded tables
	funcs   *funcs.Registry
}

// LoadDatabase reads log files and folders with [logs.Load] into a Database. The report
// lists the rows that could not be read.
func LoadDatabase(ctx context.Context, paths []string, opts logs.Options) (*Database, *logs.Report, error) {
	ds, rep, err := logs.Load(ctx, paths, opts)
	if err != nil {
		return nil, rep, err
	}
	return &Database{Tables: ds.Tables, Catalog: opts.Catalog}, rep, nil
}

// EngineDatabase returns a Database over an engine's tables, function registry and
// limits. The engine's Now is not used: each request fixes now() itself.
func EngineDatabase(e *exec.Engine, cat *schema.Catalog) *Database {
	return &Database{Tables: e.Tables, Catalog: cat, Funcs: e.Funcs, Workers: e.Workers, MemoryLimit: e.MemoryLimit}
}

func (d *Database) init() {
	d.once.Do(func() {
		d.funcs = d.Funcs
		if d.funcs == nil {
			d.funcs = funcs.Default()
		}
		// Build a private catalog: the caller's may be shared.
		base := d.Catalog
		if base == nil {
			base = schema.Default()
		}
		c := schema.NewCatalog()
		for _, n := range base.Names() {
			t, _ := base.Table(n)
			c.Add(&schema.Table{Name: t.Name, Columns: t.Columns})
		}
		exec.AddTables(c, d.Tables)
		d.catalog = c
	})
}

// tableNames returns the names of the tables with data, sorted.
func (d *Database) tableNames() []string {
	names := make([]string, 0, len(d.Tables))
	for n := range d.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// extraSchema gives the schemas of the catalog's tables, loaded or not (for management
// commands).
func (d *Database) extraSchema(name string) ([]column.Field, bool) {
	return d.catalog.Fields(name)
}

// engine returns an executor over tables with now() fixed at now.
func (d *Database) engine(tables map[string]*column.Table, now time.Time) *exec.Engine {
	return &exec.Engine{Tables: tables, Funcs: d.funcs, Now: now, Workers: d.Workers, MemoryLimit: d.MemoryLimit}
}

// scope is a datetime scope (query_datetimescope_column, _from, _to): a query sees only the
// rows of tables that have the datetime column Column whose value lies in [From, To]; a
// zero bound is open. Tables without the column are seen whole.
type scope struct {
	Column   string
	From, To time.Time
}

// view returns the tables limited to the scope.
func (d *Database) view(s scope) map[string]*column.Table {
	if s.Column == "" || s.From.IsZero() && s.To.IsZero() {
		return d.Tables
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !s.From.IsZero() {
		lo = types.TicksFromTime(s.From)
	}
	if !s.To.IsZero() {
		hi = types.TicksFromTime(s.To)
	}
	out := make(map[string]*column.Table, len(d.Tables))
	for name, t := range d.Tables {
		ci := t.Index(s.Column)
		if ci < 0 || t.Schema[ci].Type != types.DateTime {
			out[name] = t
			continue
		}
		v := &column.Table{Name: t.Name, Schema: t.Schema}
		for _, b := range t.Batches {
			col := b.Cols[ci]
			var idx []int32
			for i := 0; i < b.Len; i++ {
				if col.IsNull(i) {
					continue
				}
				if x := col.Value(i).I; x >= lo && x <= hi {
					idx = append(idx, int32(i))
				}
			}
			switch {
			case len(idx) == b.Len:
				v.Batches = append(v.Batches, b)
			case len(idx) > 0:
				v.Batches = append(v.Batches, b.Gather(idx))
			}
		}
		out[name] = v
	}
	return out
}

// compile parses, checks and plans src with [exec.Prepare] as rules/hunt's local engine
// does: a query the checker rejects is still planned, and when planning fails the
// checker's errors, which are the better ones, are reported.
func (d *Database) compile(src string) (*plan.Query, error) {
	d.init()
	q, _, err := exec.Prepare(src, exec.PrepareOptions{Catalog: d.catalog, Engine: d.engine(d.Tables, time.Time{}), AllowCheckErrors: true})
	var pe *exec.PrepareError
	if !errors.As(err, &pe) {
		return q, err
	}
	var qe *QueryError
	for i, dg := range pe.Diags {
		e := &QueryError{Syntax: pe.Stage == exec.StageParse, Pos: dg.Pos, Msg: dg.Msg}
		if i == 0 {
			qe = e
		} else {
			qe.More = append(qe.More, e)
		}
	}
	return nil, qe
}

// run compiles and runs src with now() fixed at now over the rows in scope.
func (d *Database) run(ctx context.Context, src string, now time.Time, s scope) (*exec.Result, error) {
	q, err := d.compile(src)
	if err != nil {
		return nil, err
	}
	return d.engine(d.view(s), now).Run(ctx, q)
}

// ReadV1Tables reads the body of a Kusto REST API v1 query response, such as
// [WriteV1Tables] writes and `socfeed query --format json` prints: one table per result,
// each column typed by its ColumnType (or DataType when that is absent), values decoded as
// the service serialises them.
func ReadV1Tables(r io.Reader) ([]*hunt.Table, error) {
	var body struct {
		Tables []struct {
			TableName string            `json:"TableName"`
			Columns   []frameColumn     `json:"Columns"`
			Rows      []json.RawMessage `json:"Rows"`
		} `json:"Tables"`
	}
	if err := json.NewDecoder(r).Decode(&body); err != nil {
		return nil, fmt.Errorf("cannot read the v1 response: %v", err)
	}
	out := make([]*hunt.Table, 0, len(body.Tables))
	for _, bt := range body.Tables {
		t := &hunt.Table{}
		cols := make([]types.Type, 0, len(bt.Columns))
		for _, c := range bt.Columns {
			name := c.ColumnType
			if name == "" {
				name = c.DataType
			}
			ty, ok := parseColumnType(name)
			if !ok {
				return nil, fmt.Errorf("table %s: column %q has unknown type %q", bt.TableName, c.ColumnName, name)
			}
			t.Columns = append(t.Columns, hunt.Column{Name: c.ColumnName, Type: ty})
			cols = append(cols, ty)
		}
		if err := appendRows(t, cols, bt.Rows); err != nil {
			return nil, fmt.Errorf("table %s: %w", bt.TableName, err)
		}
		out = append(out, t)
	}
	return out, nil
}
