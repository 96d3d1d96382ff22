package plan

import (
	"fmt"
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// StepScan is the `scan` operator: it matches the serialized input rows against a
// sequence of steps, keeping a state per step (see scan-operator.md, "Scan logic").
//
// Fields is the input schema, then the declared columns, then the match id column when
// with_match_id is given. Step conditions and assignments are bound against the step
// row: the current record's columns (Fields without the match id, the declared columns
// holding their defaults), then, for each step j in order, the state's record of step j
// under the names "<step>.<column>" (null when the state has no record for it).
type StepScan struct {
	Input    Node
	Fields   []Field
	Declared []types.Value // defaults of the declared columns, in order
	MatchID  bool
	Steps    []ScanStep
}

// ScanStep is one `step` of a scan.
type ScanStep struct {
	Name    string
	Output  string // "all", "last" or "none"
	Cond    Expr
	Assigns []ScanAssign
}

// ScanAssign sets column Index of the record (an input or declared column) to X.
type ScanAssign struct {
	Index int
	X     Expr
}

func (n *StepScan) Schema() []Field { return n.Fields }
func (n *StepScan) Inputs() []Node  { return []Node{n.Input} }

// RecordWidth is the number of columns of a record: input and declared columns.
func (n *StepScan) RecordWidth() int {
	if n.MatchID {
		return len(n.Fields) - 1
	}
	return len(n.Fields)
}

func (b *builder) scanOp(op *syntax.ScanOp, in Node, sc *scope) (Node, error) {
	if len(op.OrderBy) > 0 || len(op.PartitionBy) > 0 {
		return nil, errAt(op, "in 'scan': 'order by' and 'partition by' are not supported; sort the input and use 'partition' instead")
	}
	row := in.Schema()
	s := &StepScan{Input: in, Fields: append([]Field(nil), row...)}
	matchName := ""
	for _, p := range op.Params {
		if !strings.EqualFold(p.Name.Name, "with_match_id") {
			return nil, errAt(p, "in 'scan': unknown parameter %q", p.Name.Name)
		}
		matchName = paramText(p.Value)
	}
	for _, d := range op.Declare {
		if d.Type == nil {
			return nil, errAt(d, "in 'scan': declared column %q needs a scalar type", d.Name.Name)
		}
		t, ok := types.ParseType(d.Type.Name)
		if !ok {
			return nil, errAt(d.Type, "unknown type %q", d.Type.Name)
		}
		if fieldIndex(s.Fields, d.Name.Name) >= 0 {
			return nil, errAt(d.Name, "in 'scan': column %q is already defined", d.Name.Name)
		}
		def := types.NullOf(t)
		if d.Default != nil {
			v, err := b.constValue(d.Default, sc)
			if err != nil {
				return nil, err
			}
			def = types.Convert(v, t)
		}
		s.Fields = append(s.Fields, Field{Name: d.Name.Name, Type: t})
		s.Declared = append(s.Declared, def)
	}
	record := append([]Field(nil), s.Fields...)
	if matchName != "" {
		s.MatchID = true
		s.Fields = append(s.Fields, Field{Name: matchName, Type: types.Long})
	}
	// The step row: the record, then each step's state record under "<step>.<column>".
	stepRow := append([]Field(nil), record...)
	seen := map[string]bool{}
	for _, st := range op.Steps {
		if seen[st.Name.Name] {
			return nil, errAt(st.Name, "in 'scan': step %q is defined twice", st.Name.Name)
		}
		seen[st.Name.Name] = true
		for _, f := range record {
			stepRow = append(stepRow, Field{Name: st.Name.Name + "." + f.Name, Type: f.Type})
		}
	}
	for _, st := range op.Steps {
		step := ScanStep{Name: st.Name.Name, Output: strings.ToLower(st.Output)}
		switch step.Output {
		case "":
			step.Output = "all"
		case "all", "last", "none":
		default:
			return nil, errAt(st, "in 'scan': expected output=all, last or none, found %q", st.Output)
		}
		cond, err := b.scalar(st.Cond, stepRow, sc)
		if err != nil {
			return nil, err
		}
		if t := cond.Type(); t != types.Bool && t != types.Dynamic && t != types.Unknown {
			return nil, errAt(st.Cond, "in 'scan': the condition of step %q must be bool, found %s", st.Name.Name, t)
		}
		step.Cond = cond
		for _, a := range st.Assigns {
			if len(a.Names) != 1 {
				return nil, errAt(a, "in 'scan': expected one column name")
			}
			idx := fieldIndex(record, a.Names[0].Name)
			if idx < 0 {
				return nil, errAt(a.Names[0], "in 'scan': unknown column %q; declare it first", a.Names[0].Name)
			}
			x, err := b.scalar(a.Value, stepRow, sc)
			if err != nil {
				return nil, err
			}
			if x.Type() != record[idx].Type {
				x = &Cast{X: x, T: record[idx].Type}
			}
			step.Assigns = append(step.Assigns, ScanAssign{Index: idx, X: x})
		}
		s.Steps = append(s.Steps, step)
	}
	return s, nil
}

// scanLabel is the explain line of a scan.
func scanLabel(n *StepScan) string {
	var steps []string
	for _, st := range n.Steps {
		steps = append(steps, fmt.Sprintf("%s(output=%s): %s", st.Name, st.Output, st.Cond))
	}
	return "scan steps " + strings.Join(steps, "; ")
}
