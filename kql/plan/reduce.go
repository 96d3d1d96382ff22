package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// DefaultReduceThreshold is reduce's threshold when `with threshold=` is not given.
const DefaultReduceThreshold = 0.1

// Reduce is `reduce [kind=source] by By [with threshold=, characters=]`
// (reduce-operator.md): the values of By grouped into patterns with `*` wildcards. The
// plain form outputs Pattern, Count and Representative per group; with Source set the
// input rows pass through with a Pattern column appended.
type Reduce struct {
	Input      Node
	By         Expr
	Source     bool
	Threshold  float64 // in [0, 1]
	Characters string  // term separators; empty means every character that is not a letter or digit
	// PatternIndex is, with Source, the output position of the Pattern column: the
	// position of an input column named Pattern, which it replaces, or the end.
	PatternIndex int
	Fields       []Field
}

func (n *Reduce) Schema() []Field { return n.Fields }
func (n *Reduce) Inputs() []Node  { return []Node{n.Input} }

func (n *Reduce) label() string {
	s := "reduce"
	if n.Source {
		s += " kind=source"
	}
	s += fmt.Sprintf(" by %s with threshold=%s", n.By, strconv.FormatFloat(n.Threshold, 'g', -1, 64))
	if n.Characters != "" {
		s += " characters=" + strconv.Quote(n.Characters)
	}
	return s
}

// need marks the input columns a reduce reads: the By expression's, plus, with
// kind=source, those of the passed-through columns that are read downstream.
func (n *Reduce) need(out []bool, scans map[*Scan][]bool) {
	width := len(n.Input.Schema())
	m := make([]bool, width)
	if n.Source {
		copy(m, out)
	}
	set := map[int]bool{}
	Columns(n.By, set)
	for i := range set {
		if i < width {
			m[i] = true
		}
	}
	need(n.Input, m, scans)
}

// reduce plans a reduce operator.
func (b *builder) reduce(op *syntax.ReduceOp, in Node, sc *scope) (Node, error) {
	n := &Reduce{Input: in, Threshold: DefaultReduceThreshold}
	for _, p := range op.Params {
		if !strings.EqualFold(p.Name.Name, "kind") {
			continue
		}
		if k := paramText(p.Value); !strings.EqualFold(k, "source") {
			return nil, errAt(p.Value, "in 'reduce': expected kind=source, found kind=%s", k)
		}
		n.Source = true
	}
	if op.By == nil {
		return nil, errAt(op, "in 'reduce': expected 'by' and an expression")
	}
	by, err := b.scalar(op.By, in.Schema(), sc)
	if err != nil {
		return nil, err
	}
	if t := by.Type(); t != types.String && t != types.Dynamic && t != types.Unknown {
		return nil, errAt(op.By, "in 'reduce': expected a string expression, found %s", t)
	}
	n.By = by
	for _, p := range op.With {
		v, err := b.constValue(p.Value, sc)
		if err != nil {
			return nil, err
		}
		switch strings.ToLower(p.Name.Name) {
		case "threshold":
			f := types.ToReal(v)
			if f.IsNull() || !(f.F >= 0 && f.F <= 1) {
				return nil, errAt(p.Value, "in 'reduce': expected a threshold between 0 and 1, found %s", v)
			}
			n.Threshold = f.F
		case "characters":
			if v.Type != types.String {
				return nil, errAt(p.Value, "in 'reduce': expected a string of characters, found %s", v.Type)
			}
			n.Characters = v.S
		default:
			return nil, errAt(p.Name, "in 'reduce': unknown property %q; expected threshold or characters", p.Name.Name)
		}
	}
	if n.Source {
		n.Fields = append([]Field(nil), in.Schema()...)
		// The new Pattern replaces an input column of that name in place, as extend does.
		n.PatternIndex = fieldIndex(n.Fields, "Pattern")
		if n.PatternIndex < 0 {
			n.PatternIndex = len(n.Fields)
			n.Fields = append(n.Fields, Field{})
		}
		n.Fields[n.PatternIndex] = Field{Name: "Pattern", Type: types.String}
	} else {
		n.Fields = []Field{{Name: "Pattern", Type: types.String}, {Name: "Count", Type: types.Long}, {Name: "Representative", Type: types.String}}
	}
	return n, nil
}
