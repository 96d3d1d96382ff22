package exec_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// prepareEnv returns options over one table with data (Events) and the default catalog.
func prepareEnv(t *testing.T, allow bool) exec.PrepareOptions {
	t.Helper()
	reg := funcs.Default()
	eng := &exec.Engine{Funcs: reg, Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Workers: 1}
	fields := []column.Field{{Name: "Id", Type: types.Long}, {Name: "Name", Type: types.String}}
	ids, names := column.NewBuilder(types.Long), column.NewBuilder(types.String)
	for i, n := range []string{"a", "b"} {
		ids.Append(types.NewLong(int64(i + 1)))
		names.Append(types.NewString(n))
	}
	b, err := column.NewBatch(fields, []column.Vector{ids.Build(), names.Build()})
	if err != nil {
		t.Fatal(err)
	}
	tab := &column.Table{Name: "Events", Schema: fields, Batches: []*column.Batch{b}}
	eng.Tables = map[string]*column.Table{"Events": tab}
	cat := schema.Default()
	exec.AddTables(cat, eng.Tables)
	return exec.PrepareOptions{Catalog: cat, Engine: eng, AllowCheckErrors: allow}
}

func TestPrepare(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		allow bool
		stage exec.Stage // when an error is expected
		err   string     // the error's At text, "" for success
		plan  string     // PrepareError.Plan message, when expected
		rows  int        // rows of the result, on success
	}{
		{name: "data table", src: `Events | where Id > 1`, rows: 1},
		{name: "catalog table without data scans empty", src: `SigninLogs | count`, rows: 1},
		{name: "parse error", src: "Events\n| where", stage: exec.StageParse, err: "2:8: expected expression, found end of input in 'where'"},
		{name: "check error stops", src: `print x = nosuchfn(1)`, stage: exec.StageCheck, err: "1:11: unknown function 'nosuchfn'"},
		{name: "check error, plan error", src: `print x = nosuchfn(1)`, allow: true, stage: exec.StageCheck,
			err: "1:11: unknown function 'nosuchfn'", plan: `unknown function "nosuchfn"`},
		{name: "check error, plans", src: `Events | summarize count(Id)`, allow: true, rows: 1},
		{name: "plan error", src: `print 1 | evaluate bag_unpack(x)`, stage: exec.StagePlan, err: `1:31: unknown name "x"`},
		{name: "unknown column", src: `Events | project Nope`, stage: exec.StageCheck, err: "1:18: unknown column 'Nope'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := prepareEnv(t, tt.allow)
			q, _, err := exec.Prepare(tt.src, opts)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Prepare: %v", err)
				}
				res, err := opts.Engine.Run(context.Background(), q)
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if got := len(res.Tables[len(res.Tables)-1].Rows); got != tt.rows {
					t.Errorf("rows = %d, want %d", got, tt.rows)
				}
				return
			}
			var pe *exec.PrepareError
			if !errors.As(err, &pe) {
				t.Fatalf("Prepare error = %v (%T), want a *PrepareError", err, err)
			}
			if q != nil {
				t.Errorf("Prepare returned a plan with an error")
			}
			if pe.Stage != tt.stage {
				t.Errorf("stage = %d, want %d", pe.Stage, tt.stage)
			}
			if diff := cmp.Diff(tt.err, pe.At(tt.src)); diff != "" {
				t.Errorf("At (-want +got):\n%s", diff)
			}
			got := ""
			if pe.Plan != nil {
				got = pe.Plan.Msg
			}
			if got != tt.plan {
				t.Errorf("Plan = %q, want %q", got, tt.plan)
			}
		})
	}
}

// TestPrepareDiagnostics checks that the checker's diagnostics come back with the plan
// when errors are allowed, at byte offsets.
func TestPrepareDiagnostics(t *testing.T) {
	opts := prepareEnv(t, true)
	src := `Events | summarize count(Id)`
	_, diags, err := exec.Prepare(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) == 0 {
		t.Fatal("no diagnostics for count(Id)")
	}
	if d := diags[0]; int(d.Pos) != strings.Index(src, "Id") && int(d.Pos) != strings.Index(src, "count") {
		t.Errorf("diagnostic at %d (%q), want the count call", d.Pos, d.Msg)
	}
}

// TestParseAndCheckThenPlan plans one checked script over two table sets, as
// rules/corpusrun does.
func TestParseAndCheckThenPlan(t *testing.T) {
	opts := prepareEnv(t, false)
	c, err := exec.ParseAndCheck(`Events | count`, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, tables := range []map[string]*column.Table{opts.Engine.Tables, {}} {
		o := opts
		o.Engine = &exec.Engine{Tables: tables, Funcs: opts.Engine.Funcs, Workers: 1}
		q, err := c.Plan(o)
		if err != nil {
			t.Fatal(err)
		}
		res, err := o.Engine.Run(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(len(tables) * 2) // Events has 2 rows; without data it scans empty
		if got := res.Tables[0].Rows[0][0].I; got != want {
			t.Errorf("count over %d tables = %d, want %d", len(tables), got, want)
		}
	}
}
