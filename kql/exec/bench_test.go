package exec

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/types"
)

var (
	synthApps    = []string{"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online", "Azure CLI", "Graph Explorer", "OneDrive", "SharePoint Online", "Visual Studio"}
	synthResults = []string{"0", "0", "0", "50126", "50074", "53003", "0", "50140"}
)

func synthResult(i int) string  { return synthResults[(i*7+i/13)%len(synthResults)] }
func synthDuration(i int) int64 { return int64((i * 37) % 1000) }

// syntheticEngine builds an in-memory SigninLogs-like table of n rows (dictionary-encoded
// strings, batches of 4096) without reading files.
func syntheticEngine(n, workers int) *Engine {
	schema := []column.Field{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "UserPrincipalName", Type: types.String},
		{Name: "ResultType", Type: types.String}, {Name: "AppDisplayName", Type: types.String},
		{Name: "IPAddress", Type: types.String}, {Name: "DurationMs", Type: types.Long},
	}
	base := types.TicksFromTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	t := &column.Table{Name: "SigninLogs", Schema: schema}
	const batch = 4096
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		tg := &column.IntBuilder{T: types.DateTime}
		user, res, app, ip := &column.StringBuilder{}, &column.StringBuilder{}, &column.StringBuilder{}, &column.StringBuilder{}
		dur := &column.IntBuilder{T: types.Long}
		for i := start; i < end; i++ {
			tg.AppendInt64(base + int64(i)*types.TicksPerSecond)
			user.AppendString(fmt.Sprintf("user%d@contoso.com", i%500))
			res.AppendString(synthResult(i))
			app.AppendString(synthApps[i%len(synthApps)])
			ip.AppendString(fmt.Sprintf("10.0.%d.%d", (i/250)%250, i%250))
			dur.AppendInt64(synthDuration(i))
		}
		cols := []column.Vector{tg.Build(), user.Build(), res.Build(), app.Build(), ip.Build(), dur.Build()}
		t.Batches = append(t.Batches, &column.Batch{Schema: schema, Cols: cols, Len: end - start})
	}
	return &Engine{Tables: map[string]*column.Table{"SigninLogs": t}, Funcs: funcs.Default(), Workers: workers,
		Now: time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC)}
}

// BenchmarkWhereSummarize runs a where+summarize hunt over 1M synthetic sign-in rows and
// reports rows/s.
func BenchmarkWhereSummarize(b *testing.B) {
	const rows = 1_000_000
	eng := syntheticEngine(rows, 0)
	q, err := Compile(`SigninLogs
| where ResultType != "0" and AppDisplayName has "azure"
| summarize failures = count(), users = dcount(UserPrincipalName), last = max(TimeGenerated) by ResultType, bin(TimeGenerated, 1h)`, eng.PlanEnv(nil))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := eng.Run(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
