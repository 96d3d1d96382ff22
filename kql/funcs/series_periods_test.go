package funcs

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/socfeed/socfeed/kql/types"
)

// pageTraffic is the reference pages' series: a month of traffic in 12-hour bins, with a
// weekly (14-bin) period and a rising trend.
var pageTraffic = []float64{80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, 50, 54,
	47, 133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90,
	71, 62, 62, 65, 165, 109, 181, 115, 182, 121, 178, 114, 170}

// weekdays is hourly data for three weeks with a daily cycle and a lower weekend level.
func weekdays() []float64 {
	var xs []float64
	for t := 0; t < 24*21; t++ {
		level := 10.0
		if (t/24)%7 >= 5 {
			level = 4
		}
		xs = append(xs, level+3*math.Sin(2*math.Pi*float64(t)/24)+0.01*float64(t))
	}
	return xs
}

// twoPeriods is hourly data for three weeks with a daily and a weekly cycle and a trend.
func twoPeriods() []float64 {
	var xs []float64
	for t := 0; t < 24*21; t++ {
		x := 3*math.Sin(2*math.Pi*float64(t)/24) + 4*math.Sin(2*math.Pi*float64(t)/168) + 0.01*float64(t)
		xs = append(xs, x)
	}
	return xs
}

func TestSeriesPeriodsDetect(t *testing.T) {
	tests := []struct {
		name       string
		xs         []float64
		min, max   float64
		num        int64
		want       []float64
		minScores  []float64 // each score must be at least this
		zeroScores []bool
	}{
		{"page example", pageTraffic, 0, 50, 2, []float64{14, 0}, []float64{0.7, 0}, []bool{false, true}},
		{"a fortnight when the week is out of range", pageTraffic, 15, 50, 1, []float64{28}, []float64{0.4}, []bool{false}},
		{"range below the period", pageTraffic, 4, 10, 1, []float64{0}, []float64{0}, []bool{true}},
		{"daily and weekly", twoPeriods(), 4, 24 * 8, 2, []float64{24, 168}, []float64{0.5, 0.5}, []bool{false, false}},
		{"daily with weekends", weekdays(), 4, 24 * 8, 2, []float64{168, 24}, []float64{0.3, 0.3}, []bool{false, false}},
		{"too short", []float64{1, 2, 1, 2, 1}, 0, 10, 1, []float64{0}, []float64{0}, []bool{true}},
		{"constant", []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, 0, 10, 2, []float64{0, 0}, []float64{0, 0}, []bool{true, true}},
	}
	for _, tt := range tests {
		out := seriesPeriodsDetect(nil, []types.Value{seriesOf(tt.xs), types.NewReal(tt.min), types.NewReal(tt.max), types.NewLong(tt.num)})
		periods, scores := floatsOf(t, out[0]), floatsOf(t, out[1])
		if diff := cmp.Diff(tt.want, periods); diff != "" {
			t.Errorf("%s: periods (-want +got):\n%s", tt.name, diff)
			continue
		}
		for i, s := range scores {
			if s < tt.minScores[i] || s > 1 || tt.zeroScores[i] != (s == 0) {
				t.Errorf("%s: score %d = %v, want at least %v (zero: %v)", tt.name, i, s, tt.minScores[i], tt.zeroScores[i])
			}
		}
	}
}

func TestSeriesPeriodsValidate(t *testing.T) {
	args := []types.Value{seriesOf(pageTraffic), types.NewReal(14), types.NewReal(10), types.NewReal(3), types.NewReal(31), types.NewReal(14.5), types.NewLong(7)}
	out := seriesPeriodsValidate(nil, args)
	if diff := cmp.Diff([]float64{14, 10, 3, 31, 14.5, 7}, floatsOf(t, out[0])); diff != "" {
		t.Errorf("periods (-want +got):\n%s", diff)
	}
	scores := floatsOf(t, out[1])
	// 14 is the weekly period; 10 (five days) and 7 (three and a half days) are not
	// periods; 3 is under 4 points and 31 over half of the 60; 14.5 lies between 14 and 15.
	want := []float64{0.7518, 0, 0, 0, 0.4018, 0}
	if diff := cmp.Diff(want, scores, cmpopts.EquateApprox(0, 1e-4)); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
	if out := seriesPeriodsValidate(nil, []types.Value{types.NewString("x"), types.NewReal(4)}); !out[0].IsNull() || !out[1].IsNull() {
		t.Errorf("validate of a string = %v, want nulls", out)
	}
}
