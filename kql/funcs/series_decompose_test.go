package funcs

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
)

// seriesOf writes xs as a dynamic array.
func seriesOf(xs []float64) types.Value { return seriesJSON(xs) }

// floatsOf reads a dynamic numeric array (null elements as NaN).
func floatsOf(t *testing.T, v types.Value) []float64 {
	t.Helper()
	xs, ok := seriesValues(v)
	if !ok {
		t.Fatalf("not an array: %v", v)
	}
	return xs
}

// weekly builds the reference pages' example series without rand(): hourly points for
// five weeks with a weekday/weekend level and a daily curve, plus the pages' inserted
// dips at t = 150, 200, 780 and spikes at t = 300, 400, 600, and trend*t.
func weekly(trend float64) []float64 {
	var ys []float64
	for t := 1; t <= 24*7*5; t++ {
		level := 15.0
		if (t/24)%7 >= 5 {
			level = 10
		}
		h := float64((t % 24) / 10)
		y := level - h*h + trend*float64(t)
		switch t {
		case 150, 200, 780:
			y -= 8
		case 300, 400, 600:
			y += 8
		}
		ys = append(ys, y)
	}
	return ys
}

func TestSeriesOutliers(t *testing.T) {
	f := mustLookup(t, Default(), "series_outliers")
	tests := []struct {
		args []types.Value
		want string
	}{
		// Quartiles of 1..10,100 are 3.5 and 8.5 (range 5): 100 scores (100-8.5)/5.
		{[]types.Value{seriesOf([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}), vStr("tukey")},
			`[-0.5,-0.3,-0.1,0.0,0.0,0.0,0.0,0.0,0.1,0.3,18.3]`},
		// ctukey (the default) uses the 10th and 90th percentiles: 2 and 10 here.
		{[]types.Value{seriesOf([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100})},
			`[-0.125,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,11.25]`},
		// ignore_val: the -1 markers score 0 and do not move the percentiles.
		{[]types.Value{seriesOf([]float64{5, 5, -1, 5, 5}), vStr("tukey"), vLong(-1)}, `[0.0,0.0,0.0,0.0,0.0]`},
		{[]types.Value{seriesOf([]float64{1, 2}), vStr("ctukey"), vNull(types.Real), vLong(1), vLong(50)}, `null`},
		{[]types.Value{seriesOf([]float64{1, 2}), vStr("nosuch")}, `null`},
		{[]types.Value{vStr("not an array")}, `null`},
		// test_points: the last point is scored against the first four's quartiles
		// (1.75 and 3.25) only.
		{[]types.Value{seriesOf([]float64{1, 2, 3, 4, 100}), vStr("tukey"), vNull(types.Real), vLong(10), vLong(90), vLong(1)},
			`[-0.5,0.0,0.0,0.5,64.5]`},
	}
	for _, tt := range tests {
		if got := dynShow(f.Scalar(&Context{}, tt.args)); got != tt.want {
			t.Errorf("series_outliers(%v) = %s, want %s", tt.args, got, tt.want)
		}
	}
	// The documented example's shape: a flat noisy series with a monthly +20 spike.
	var ys []float64
	for i := 0; i < 365; i++ {
		y := float64(i*7%10) * 0.9
		if i%30 == 0 {
			y += 20
		}
		ys = append(ys, y)
	}
	scores := floatsOf(t, f.Scalar(&Context{}, []types.Value{seriesOf(ys)}))
	for i, s := range scores {
		if (i%30 == 0) != (s >= 1.5) {
			t.Errorf("series_outliers: point %d (spike %v) scored %v", i, i%30 == 0, s)
		}
	}
}

func TestSeriesDecompose(t *testing.T) {
	k, _ := MultiKernelFor("series_decompose")
	// Period 4 and no trend: the seasonal component is the per-phase median.
	xs := []float64{1, 5, 3, 7, 1, 5, 3, 7, 1, 5, 3, 7}
	got := k(&Context{}, []types.Value{seriesOf(xs), vLong(4), vStr("none")})
	want := []string{
		`[1.0,5.0,3.0,7.0,1.0,5.0,3.0,7.0,1.0,5.0,3.0,7.0]`,
		`[1.0,5.0,3.0,7.0,1.0,5.0,3.0,7.0,1.0,5.0,3.0,7.0]`,
		`[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]`,
		`[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]`,
	}
	var shown []string
	for _, v := range got {
		shown = append(shown, dynShow(v))
	}
	if diff := cmp.Diff(want, shown); diff != "" {
		t.Errorf("series_decompose(period 4, none) (-want +got):\n%s", diff)
	}
	// No seasonality, linefit: a line is all trend.
	got = k(&Context{}, []types.Value{seriesOf([]float64{2, 4, 6, 8, 10}), vLong(0), vStr("linefit")})
	if s := dynShow(got[2]); s != `[2.0,4.0,6.0,8.0,10.0]` {
		t.Errorf("series_decompose linefit trend = %s", s)
	}
	// Autodetection finds the weekly period of the reference example (168 hourly bins).
	if p := detectPeriod(weekly(0), 0.6); p != 168 {
		t.Errorf("detectPeriod(weekly) = %d, want 168", p)
	}
	if p := detectPeriod([]float64{1, 9, 2, 7, 3, 3, 8, 1, 5, 6, 2, 9, 4, 1, 7, 5}, 0.6); p != 0 {
		t.Errorf("detectPeriod(no pattern) = %d, want 0", p)
	}
	if got := k(&Context{}, []types.Value{seriesOf(xs), vLong(4), vStr("bogus")}); !got[0].IsNull() {
		t.Errorf("series_decompose with trend 'bogus' = %v, want null", got[0])
	}
}

// flagged returns the indexes (1-based t of the reference example) flagged +1 and -1.
func flagged(t *testing.T, v types.Value) (up, down []int) {
	for i, f := range floatsOf(t, v) {
		switch f {
		case 1:
			up = append(up, i+1)
		case -1:
			down = append(down, i+1)
		}
	}
	return up, down
}

func TestSeriesDecomposeAnomalies(t *testing.T) {
	k, _ := MultiKernelFor("series_decompose_anomalies")
	// Weekly seasonality, no trend: every inserted spike and dip is found, nothing else.
	got := k(&Context{}, []types.Value{seriesOf(weekly(0))})
	up, down := flagged(t, got[0])
	if diff := cmp.Diff([]int{300, 400, 600}, up); diff != "" {
		t.Errorf("spikes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{150, 200, 780}, down); diff != "" {
		t.Errorf("dips (-want +got):\n%s", diff)
	}
	// With a trend, 'linefit' and the page's stricter threshold 2.5 find exactly the
	// inserted outliers ("Tweak the anomaly detection threshold").
	got = k(&Context{}, []types.Value{seriesOf(weekly(1.0 / 72)), vReal(2.5), vLong(-1), vStr("linefit")})
	up, down = flagged(t, got[0])
	if diff := cmp.Diff([]int{300, 400, 600}, up); diff != "" {
		t.Errorf("linefit spikes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{150, 200, 780}, down); diff != "" {
		t.Errorf("linefit dips (-want +got):\n%s", diff)
	}
	// ad_flag and ad_score agree, and baseline + residual gives the series back.
	scores := floatsOf(t, got[1])
	flags := floatsOf(t, got[0])
	for i := range scores {
		if (math.Abs(scores[i]) > 2.5) != (flags[i] != 0) {
			t.Errorf("point %d: score %v, flag %v", i, scores[i], flags[i])
		}
	}
	cols, ok := ScalarColumns(mustLookup(t, Default(), "series_decompose_anomalies"), []string{"y"})
	var names []string
	for _, c := range cols {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"series_decompose_anomalies_y_ad_flag", "series_decompose_anomalies_y_ad_score", "series_decompose_anomalies_y_baseline"}, names); !ok || diff != "" {
		t.Errorf("ScalarColumns(series_decompose_anomalies, y) (-want +got):\n%s", diff)
	}
}

func TestSeriesDecomposeForecast(t *testing.T) {
	f := mustLookup(t, Default(), "series_decompose_forecast")
	got := f.Scalar(&Context{}, []types.Value{seriesOf([]float64{1, 2, 3, 4, 5, 6, 0, 0}), vLong(2), vLong(0), vStr("linefit")})
	if s := dynShow(got); s != `[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0]` {
		t.Errorf("series_decompose_forecast = %s", s)
	}
}

func TestSeriesFit2Lines(t *testing.T) {
	k, _ := MultiKernelFor("series_fit_2lines")
	// Up by 1 for five points, then down by 2 from 4: the right line starts at index 5.
	got := k(&Context{}, []types.Value{seriesOf([]float64{1, 2, 3, 4, 5, 4, 2, 0, -2})})
	var shown []string
	for _, v := range got {
		if v.Type == types.Real {
			shown = append(shown, strconv.FormatFloat(v.F, 'g', 10, 64))
		} else {
			shown = append(shown, dynShow(v))
		}
	}
	// rsquare split_idx variance rvariance line_fit, right: rsquare slope interception
	// variance rvariance, left: the same.
	want := "1 5 4.861111111 0 [1.0,2.0,3.0,4.0,5.0,4.0,2.0,0.0,-2.0] 1 -2 16 6.666666667 0 1 1 0 2.5 0"
	if got := strings.Join(shown, " "); got != want {
		t.Errorf("series_fit_2lines = %s, want %s", got, want)
	}
	if got := k(&Context{}, []types.Value{seriesOf([]float64{1, 2})}); !got[0].IsNull() {
		t.Errorf("series_fit_2lines of 2 points = %v, want null", got[0])
	}
}
