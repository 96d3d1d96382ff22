package funcs_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
)

// TestConfExamples runs the documented examples of the conf_*.go functions through the
// query engine and compares the printed result: numbers within a relative 1e-9, JSON
// structurally, anything else exactly.
func TestConfExamples(t *testing.T) {
	eng := &exec.Engine{Funcs: funcs.Default(), Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	n := 0
	for _, f := range funcs.ConfFuncsForTest() {
		for _, e := range f.Examples {
			n++
			res, err := eng.Query(context.Background(), "print r = "+e.Expr)
			if err != nil {
				t.Errorf("%s: %v", e.Expr, err)
				continue
			}
			got := exec.FormatValue(res.Tables[0].Rows[0][0])
			if !sameText(got, e.Want) {
				t.Errorf("%s = %s, want %s", e.Expr, got, e.Want)
			}
		}
	}
	if n == 0 {
		t.Fatal("no examples")
	}
}

func sameText(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	if err1 == nil && err2 == nil {
		return math.Abs(g-w) <= 1e-9*math.Max(1, math.Max(math.Abs(g), math.Abs(w)))
	}
	var gj, wj any
	if json.Unmarshal([]byte(got), &gj) == nil && json.Unmarshal([]byte(want), &wj) == nil {
		return sameJSON(gj, wj)
	}
	return false
}

// sameJSON compares decoded JSON structurally, numbers within a relative 1e-9.
func sameJSON(g, w any) bool {
	switch wv := w.(type) {
	case float64:
		gv, ok := g.(float64)
		return ok && math.Abs(gv-wv) <= 1e-9*math.Max(1, math.Max(math.Abs(gv), math.Abs(wv)))
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return false
		}
		for i := range wv {
			if !sameJSON(gv[i], wv[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok || len(gv) != len(wv) {
			return false
		}
		for k, v := range wv {
			if !sameJSON(gv[k], v) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(g, w)
}
