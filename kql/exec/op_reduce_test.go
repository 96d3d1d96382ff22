package exec

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/plan"
)

func TestReduceSplit(t *testing.T) {
	tests := []struct {
		seps, in string
		want     []reducePiece
	}{
		{"", "San Bernard", []reducePiece{{"San", true, true}, {" ", true, false}, {"Bernard", true, true}}},
		{"", "One -on- One", []reducePiece{{"One", true, true}, {" ", true, false}, {"-", true, false}, {"on", true, true},
			{"-", true, false}, {" ", true, false}, {"One", true, true}}},
		{"", "fooZ1", []reducePiece{{"fooZ1", true, true}}},
		{"", "é€x", []reducePiece{{"é", true, true}, {"€", true, false}, {"x", true, true}}},
		{"", "", nil},
		{"Z", "fooZ1", []reducePiece{{"foo", true, true}, {"Z", false, false}, {"1", true, true}}},
		{"=;", "=a==b;", []reducePiece{{"=", false, false}, {"a", true, true}, {"==", false, false}, {"b", true, true}, {";", false, false}}},
		{"-_", "a b-c", []reducePiece{{"a b", true, true}, {"-", false, false}, {"c", true, true}}},
	}
	for _, tt := range tests {
		got := reduceSplitter{seps: tt.seps}.split(tt.in, nil)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(reducePiece{})); diff != "" {
			t.Errorf("split(%q, seps %q) (-want +got):\n%s", tt.in, tt.seps, diff)
		}
	}
}

func TestReduceMemoryLimit(t *testing.T) {
	for _, q := range []string{
		`range x from 1 to 1000 step 1 | project s = strcat("value ", x) | reduce by s`,
		`range x from 1 to 1000 step 1 | project s = strcat("value ", x) | reduce kind=source by s`,
	} {
		eng := testEngine(t, 2)
		eng.MemoryLimit = 2000
		_, err := eng.Query(context.Background(), q)
		var le *LimitError
		if !errors.As(err, &le) || le.Op != "reduce" {
			t.Errorf("Query(%q) error = %v, want a *LimitError in 'reduce'", q, err)
		}
	}
}

func TestReduceCancel(t *testing.T) {
	eng := testEngine(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := eng.newExecutor(ctx)
	r := newReducer(x, &plan.Reduce{Threshold: 0.1})
	for i := range 10000 {
		if err := r.add("v"+strconv.Itoa(i), 1); err != nil {
			t.Fatal(err)
		}
	}
	_, _, _, err := r.groups()
	var ce *CanceledError
	if !errors.As(err, &ce) {
		t.Fatalf("groups() error = %v, want a *CanceledError", err)
	}
}
