package syntax

import (
	"fmt"
	"testing"
)

// checkPositions verifies that every node of s has 0 <= Pos <= End <=
// len(src) and lies within its parent's span.
func checkPositions(src string, s *Script) error {
	var stack []Node
	var err error
	Inspect(s, func(n Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if err != nil {
			return false
		}
		pos, end := n.Pos(), n.End()
		if pos < 0 || pos > end || int(end) > len(src) {
			err = fmt.Errorf("%T has span [%d, %d) in a source of %d bytes", n, pos, end, len(src))
			return false
		}
		if len(stack) > 1 { // the Script spans everything
			parent := stack[len(stack)-1]
			if pos < parent.Pos() || end > parent.End() {
				err = fmt.Errorf("%T [%d, %d) %q lies outside its parent %T [%d, %d) %q",
					n, pos, end, src[pos:end], parent, parent.Pos(), parent.End(), src[parent.Pos():parent.End()])
				return false
			}
		}
		stack = append(stack, n)
		return true
	})
	return err
}

func TestPositionsCorpus(t *testing.T) {
	recs := loadCorpus(t)
	failed := 0
	for _, r := range recs {
		s, errs := Parse(r.Query)
		if len(errs) > 0 {
			continue
		}
		if err := checkPositions(r.Query, s); err != nil {
			t.Errorf("%s: %v", r.ID, err)
			if failed++; failed > 10 {
				t.Fatal("too many failures")
			}
		}
	}
}
