// Package exectest adapts socfeed's executor (package exec) to [kqltest.Engine], so the
// script tests of package kqltest run against it. It is apart from kqltest so that kqltest
// imports no engine.
package exectest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/kqltest"
	"github.com/socfeed/socfeed/kql/types"
)

// Engine runs kqltest cases on an [exec.Engine]. It is not safe for concurrent use (the
// kqltest runner calls it from one goroutine).
type Engine struct {
	eng *exec.Engine
}

// New returns an engine with the function registry fs, a fixed now() of
// 2024-01-15T00:00:00Z and batches of 2 rows, so every operator sees several batches.
func New(fs *funcs.Registry, workers int) *Engine {
	return &Engine{eng: &exec.Engine{
		Tables:    map[string]*column.Table{},
		Funcs:     fs,
		Now:       time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC),
		Workers:   workers,
		BatchSize: 2,
	}}
}

// Load replaces the engine's tables, converting each cell from its text.
func (e *Engine) Load(tables ...kqltest.Table) error {
	m := make(map[string]*column.Table, len(tables))
	for _, t := range tables {
		ct, err := e.table(t)
		if err != nil {
			return err
		}
		m[t.Name] = ct
	}
	e.eng.Tables = m
	return nil
}

func (e *Engine) table(t kqltest.Table) (*column.Table, error) {
	schema := make([]column.Field, len(t.Columns))
	for i, c := range t.Columns {
		typ, ok := types.ParseType(c.Type)
		if !ok {
			return nil, fmt.Errorf("table %q: unknown type %q", t.Name, c.Type)
		}
		schema[i] = column.Field{Name: c.Name, Type: typ}
	}
	bs := e.eng.BatchSize
	ct := &column.Table{Name: t.Name, Schema: schema}
	for from := 0; from < len(t.Rows); from += bs {
		to := min(from+bs, len(t.Rows))
		cols := make([]column.Vector, len(schema))
		for j, f := range schema {
			b := column.NewBuilder(f.Type)
			for r := from; r < to; r++ {
				v, err := cell(t.Rows[r][j], f.Type)
				if err != nil {
					return nil, fmt.Errorf("table %q row %d column %q: %v", t.Name, r+1, f.Name, err)
				}
				b.Append(v)
			}
			cols[j] = b.Build()
		}
		batch, err := column.NewBatch(schema, cols)
		if err != nil {
			return nil, err
		}
		ct.Batches = append(ct.Batches, batch)
	}
	return ct, nil
}

// cell converts the text of one cell to a value of type t.
func cell(text string, t types.Type) (types.Value, error) {
	switch {
	case t == types.String:
		return types.NewString(text), nil
	case strings.TrimSpace(text) == "":
		return types.NullOf(t), nil
	case t == types.Dynamic:
		if !types.JSON(text).Valid() {
			return types.Value{}, fmt.Errorf("%q is not JSON", text)
		}
		return types.ParseJSON(text), nil
	}
	v := types.Convert(types.NewString(strings.TrimSpace(text)), t)
	if v.IsNull() {
		return v, fmt.Errorf("cannot read %q as %s", text, t)
	}
	return v, nil
}

// Query runs q and returns its only result table.
func (e *Engine) Query(ctx context.Context, q string) (*kqltest.Result, error) {
	res, err := e.eng.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(res.Tables) != 1 {
		return nil, fmt.Errorf("query returned %d tables, want 1", len(res.Tables))
	}
	t := res.Tables[0]
	out := &kqltest.Result{Warnings: res.Warnings}
	for _, c := range t.Columns {
		out.Columns = append(out.Columns, kqltest.Column{Name: c.Name, Type: c.Type.String()})
	}
	for _, r := range t.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = format(v)
		}
		out.Rows = append(out.Rows, cells)
	}
	return out, nil
}

// format prints v in kqltest's cell text: dynamic values as their JSON (a dynamic string
// keeps its quotes), reals in shortest round-trip form.
func format(v types.Value) string {
	if v.IsNull() {
		return ""
	}
	if v.Type == types.Dynamic {
		return v.S
	}
	return v.String()
}
