package funcs

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
)

func TestSeriesStats(t *testing.T) {
	// series-stats-function#1
	x := dynLit(t, `[23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]`)
	k, _ := MultiKernelFor("series_stats")
	got := k(&Context{}, []types.Value{x})
	var shown []string
	for _, v := range got {
		if v.Type == types.Real {
			shown = append(shown, fmt.Sprintf("%.15g", v.F))
		} else {
			shown = append(shown, dynShow(v))
		}
	}
	want := []string{"2", "8", "87", "3", "32.8", "28.5036338535483", "812.457142857143"}
	if diff := cmp.Diff(want, shown); diff != "" {
		t.Errorf("series_stats (-want +got):\n%s", diff)
	}
	f, _ := NewRegistry(seriesFuncs()...).Lookup("series_stats")
	cols, ok := ScalarColumns(f, []string{"x"})
	if !ok || len(cols) != 7 || cols[0].Name != "series_stats_x_min" || cols[6].Name != "series_stats_x_variance" {
		t.Errorf("ScalarColumns(series_stats, x) = %v", cols)
	}
	if got := k(&Context{}, []types.Value{dynLit(t, `[1, null, 3]`)}); !got[0].IsNull() {
		t.Errorf("series_stats with a null element = %v, want nulls", got)
	}
	if got := k(&Context{}, []types.Value{dynLit(t, `[1, null, 3]`), types.NewBool(true)}); got[4].F != 2 {
		t.Errorf("series_stats ignoring non-finite: avg = %v, want 2", got[4])
	}
	d, _ := NewRegistry(seriesFuncs()...).Lookup("series_stats_dynamic")
	for _, ex := range d.Examples {
		if got := dynShow(d.Scalar(&Context{}, []types.Value{x})); got != ex.Want {
			t.Errorf("series_stats_dynamic = %s, want %s", got, ex.Want)
		}
	}
}

func TestSeriesFitLine(t *testing.T) {
	// series-fit-line-function#1
	y := dynLit(t, `[2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]`)
	k, _ := MultiKernelFor("series_fit_line")
	got := k(&Context{}, []types.Value{y})
	var shown []string
	for _, v := range got[:5] {
		// The page shows the values truncated (not rounded) to three decimals.
		shown = append(shown, fmt.Sprintf("%.3f", math.Trunc(v.F*1000)/1000))
	}
	want := []string{"0.982", "2.730", "98.628", "1.686", "-1.666"}
	if diff := cmp.Diff(want, shown); diff != "" {
		t.Errorf("series_fit_line (-want +got):\n%s", diff)
	}
	first, _ := types.JSON(got[5].S).Index(0)
	if string(first) != "1.0641025641025637" && string(first) != "1.0641025641025641" {
		t.Errorf("line_fit[0] = %s, want about 1.064", first)
	}
}
