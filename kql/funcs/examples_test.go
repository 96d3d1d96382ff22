package funcs_test

import (
	"context"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/conformance"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
)

// TestRegistryExamples runs every documented example of every function in the registry
// through the query engine (`print r = EXPR`) and compares the result with the documented
// text by the conformance rules for the result's type (datetimes as instants, numbers within
// tolerance, dynamic values structurally); a value the docs print rounded passes only by the
// lenient rule, which is reported.
func TestRegistryExamples(t *testing.T) {
	reg := funcs.Default()
	eng := &exec.Engine{Funcs: reg, Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	n, lenient := 0, 0
	for _, f := range reg.All() {
		for _, e := range f.Examples {
			n++
			res, err := eng.Query(context.Background(), "print r = "+e.Expr)
			switch {
			case err != nil:
				t.Errorf("%s: %s: %v", f.Name, e.Expr, err)
				continue
			case len(res.Tables) != 1 || len(res.Tables[0].Rows) != 1:
				t.Errorf("%s: %s: expected one row", f.Name, e.Expr)
				continue
			}
			got := res.Tables[0].Rows[0][0]
			switch {
			case conformance.CellEqual(e.Want, got, false, exec.FormatValue):
			case conformance.CellEqual(e.Want, got, true, exec.FormatValue):
				lenient++
			default:
				t.Errorf("%s: %s = %s, want %s", f.Name, e.Expr, exec.FormatValue(got), e.Want)
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d registry examples; the functions lost their documented examples", n)
	}
	t.Logf("%d registry examples run; %d match only by the lenient rule (rounded docs values)", n, lenient)
}
