package exec

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/schema"
)

// PrepareOptions are what [Prepare] checks and plans a query against.
type PrepareOptions struct {
	// Catalog gives the checker its table schemas and the planner the schemas of the
	// tables that have no data (they scan as empty). It must already hold the tables of
	// Engine ([AddTables] adds them).
	Catalog *schema.Catalog
	// Engine supplies the tables with data, the function registry and what planning-time
	// evaluation (bag_unpack without a schema) runs with.
	Engine *Engine
	// AllowCheckErrors plans a query the checker rejects. The checker's result names are
	// then not given to the planner, and when planning fails the checker's errors, which
	// are the better ones, are returned. When false, checker errors stop Prepare.
	AllowCheckErrors bool
}

// Stage is the step of [Prepare] that rejected a query.
type Stage int

const (
	// StageParse: the parser rejected the query.
	StageParse Stage = iota
	// StageCheck: the checker rejected the query.
	StageCheck
	// StagePlan: the planner rejected the query.
	StagePlan
)

// PrepareError is the error of [Prepare] for a query it rejects: the errors of the step
// that rejected it, each at byte offsets of the source.
type PrepareError struct {
	Stage Stage
	Diags []check.Diagnostic // at least one, all of severity Error
	// Plan is the planner's error when it failed on a query the checker rejected too
	// ([PrepareOptions.AllowCheckErrors]); Stage is then StageCheck and Diags the
	// checker's errors.
	Plan *check.Diagnostic
}

// Error returns the first message, without position.
func (e *PrepareError) Error() string { return e.Diags[0].Msg }

// At formats every error as `line:col: message` against src, one per line.
func (e *PrepareError) At(src string) string {
	s := ""
	for i, d := range e.Diags {
		if i > 0 {
			s += "\n"
		}
		line, col := syntax.LineCol(src, d.Pos)
		s += fmt.Sprintf("%d:%d: %s", line, col, d.Msg)
	}
	return s
}

// Checked is a script parsed and checked, ready to plan.
type Checked struct {
	Src    string
	Script *syntax.Script
	Info   *check.Info
	// Diags are the checker's diagnostics, warnings included.
	Diags []check.Diagnostic
}

// Errors returns the diagnostics of severity Error.
func (c *Checked) Errors() []check.Diagnostic {
	var out []check.Diagnostic
	for _, d := range c.Diags {
		if d.Severity == check.Error {
			out = append(out, d)
		}
	}
	return out
}

// ParseAndCheck parses src and checks it against opts.Catalog and the registry of
// opts.Engine. A parse failure is a [*PrepareError] of [StageParse]; checker errors are
// left in the result's Diags. A panic is returned as an [*InternalError].
func ParseAndCheck(src string, opts PrepareOptions) (c *Checked, err error) {
	defer recoverInternal(&err)
	script, perrs := syntax.Parse(src)
	if len(perrs) > 0 {
		pe := &PrepareError{Stage: StageParse}
		for _, e := range perrs {
			pe.Diags = append(pe.Diags, check.Diagnostic{Pos: e.Pos, End: e.End, Severity: check.Error, Msg: e.Msg})
		}
		return nil, pe
	}
	info, diags := check.Check(script, &check.Env{Catalog: opts.Catalog, Funcs: opts.Engine.Funcs, Functions: opts.Engine.Functions.Lets()})
	return &Checked{Src: src, Script: script, Info: info, Diags: diags}, nil
}

// Plan builds and optimises the plan of c over the tables of opts.Engine, the catalog
// giving the schemas of the others. Checker errors stop it unless opts.AllowCheckErrors.
// A rejected query is a [*PrepareError]; a panic is an [*InternalError].
func (c *Checked) Plan(opts PrepareOptions) (q *plan.Query, err error) {
	defer recoverInternal(&err)
	checkErrs := c.Errors()
	if len(checkErrs) > 0 && !opts.AllowCheckErrors {
		return nil, &PrepareError{Stage: StageCheck, Diags: checkErrs}
	}
	env := opts.Engine.PlanEnv(opts.Catalog.Fields)
	if len(checkErrs) == 0 {
		env.Names = c.Info.Names
		env.Tabular = make(map[syntax.Expr]bool, len(c.Info.Tabular))
		for x := range c.Info.Tabular {
			env.Tabular[x] = true
		}
	}
	q, err = plan.Build(c.Script, env)
	if err != nil {
		var d *check.Diagnostic
		var pe *plan.Error
		if errors.As(err, &pe) {
			d = &check.Diagnostic{Pos: pe.Pos, End: pe.Pos, Severity: check.Error, Msg: pe.Msg}
		}
		switch {
		case len(checkErrs) > 0:
			return nil, &PrepareError{Stage: StageCheck, Diags: checkErrs, Plan: d}
		case d != nil:
			return nil, &PrepareError{Stage: StagePlan, Diags: []check.Diagnostic{*d}}
		}
		return nil, err
	}
	plan.Optimize(q)
	return q, nil
}

// Prepare is the compile pipeline every front end shares: parse src, check it against
// opts.Catalog, and plan and optimise it over the tables of opts.Engine (tables of the
// catalog without data scan as empty), the checker's names and table marks guiding the
// planner. It returns the checker's diagnostics (warnings included) whenever the query
// parsed, so that callers print them their own way. A rejected query is a
// [*PrepareError] at byte offsets; a panic in the parser, checker or planner is an
// [*InternalError].
func Prepare(src string, opts PrepareOptions) (*plan.Query, []check.Diagnostic, error) {
	c, err := ParseAndCheck(src, opts)
	if err != nil {
		return nil, nil, err
	}
	q, err := c.Plan(opts)
	return q, c.Diags, err
}

// AddTables adds the schema of each table to cat, replacing a table of the same name.
func AddTables(cat *schema.Catalog, tables map[string]*column.Table) {
	for name, t := range tables {
		st := &schema.Table{Name: name, Columns: make([]schema.Column, len(t.Schema))}
		for i, f := range t.Schema {
			st.Columns[i] = schema.Column{Name: f.Name, Type: f.Type}
		}
		cat.Add(st)
	}
}

func recoverInternal(err *error) {
	if r := recover(); r != nil {
		buf := make([]byte, 16<<10)
		buf = buf[:runtime.Stack(buf, false)]
		*err = &InternalError{Msg: fmt.Sprint(r), Stack: string(buf)}
	}
}
