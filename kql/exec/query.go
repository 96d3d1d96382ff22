package exec

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// QueryError is a query text that does not parse or cannot be planned; Msgs are
// `line:col: message` lines.
type QueryError struct {
	Msgs []string
}

func (e *QueryError) Error() string { return strings.Join(e.Msgs, "\n") }

// PlanEnv returns the planning environment of the engine's tables. extra, when not nil,
// gives the schema of tables that have no data loaded (they scan as empty).
func (e *Engine) PlanEnv(extra func(string) ([]column.Field, bool)) plan.Env {
	return plan.Env{
		Funcs: e.Funcs,
		Table: func(name string) ([]column.Field, bool) {
			if t, ok := e.Tables[name]; ok {
				return t.Schema, true
			}
			if extra != nil {
				return extra(name)
			}
			return nil, false
		},
		TableNames: func() []string {
			names := make([]string, 0, len(e.Tables))
			for n := range e.Tables {
				names = append(names, n)
			}
			sort.Strings(names)
			return names
		},
		Eval:      e.Probe,
		Functions: e.Functions.Lets(),
	}
}

// Compile parses src and plans it against env, running the rewrite passes.
func Compile(src string, env plan.Env) (q *plan.Query, err error) {
	defer func() {
		if r := recover(); r != nil {
			buf := make([]byte, 16<<10)
			buf = buf[:runtime.Stack(buf, false)]
			q, err = nil, &InternalError{Msg: fmt.Sprint(r), Stack: string(buf)}
		}
	}()
	script, errs := syntax.Parse(src)
	if len(errs) > 0 {
		qe := &QueryError{}
		for _, e := range errs {
			qe.Msgs = append(qe.Msgs, e.At(src))
		}
		return nil, qe
	}
	q, err = plan.Build(script, env)
	if err != nil {
		var pe *plan.Error
		if errors.As(err, &pe) {
			return nil, &QueryError{Msgs: []string{pe.At(src)}}
		}
		return nil, err
	}
	plan.Optimize(q)
	return q, nil
}

// Query parses, plans and runs src over the engine's tables.
func (e *Engine) Query(ctx context.Context, src string) (*Result, error) {
	q, err := Compile(src, e.PlanEnv(nil))
	if err != nil {
		return nil, err
	}
	return e.Run(ctx, q)
}

// FormatValue prints v as Kusto prints a cell: datetimes as 2024-01-02T03:04:05Z,
// timespans as 01:00:00, dynamic values as compact JSON, null as the empty string.
func FormatValue(v types.Value) string {
	if v.IsNull() {
		return ""
	}
	switch v.Type {
	case types.Dynamic:
		return v.S
	case types.DateTime:
		// 2024-01-02T03:04:05.1230000Z prints as 2024-01-02T03:04:05.123Z.
		s := types.FormatDateTime(v.I)
		if i := strings.LastIndexByte(s, '.'); i > 0 && strings.HasSuffix(s, "Z") {
			frac := strings.TrimRight(s[i+1:len(s)-1], "0")
			if frac == "" {
				return s[:i] + "Z"
			}
			return s[:i+1] + frac + "Z"
		}
		return s
	}
	return v.String()
}
