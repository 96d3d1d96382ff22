package feed_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/feed"
	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/schema"
)

// Example syncs a folder of rules into a catalog, searches it and reads one rule.
func Example() {
	dir, _ := os.MkdirTemp("", "rules")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "portal.kql"), []byte(`SigninLogs
| where AppDisplayName == "Azure Portal" and ResultType == "50126"
| summarize Failures = count() by UserPrincipalName
| where Failures > 5`), 0o644)

	ctx := context.Background()
	env := feed.Env{ATTACK: attack.Default(), Check: &check.Env{Catalog: schema.Default(), Funcs: funcs.Default()}}
	cat, err := feed.Open(filepath.Join(dir, ".socfeed"), env)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cat.Close()
	src, _ := feed.ParseSource(dir)
	rep, _ := cat.Sync(ctx, src, feed.SyncOptions{})
	fmt.Println("rules:", rep.Rules, "new:", rep.New)

	res, _ := cat.Search(ctx, feed.Query{Text: "portal", Filters: map[string][]string{"table": {"SigninLogs"}}})
	fmt.Println("found:", res.Total, res.Hits[0].Name)

	r, _ := cat.Rule(ctx, res.Hits[0].Key)
	for _, f := range r.Analysis.Filters {
		fmt.Println("criterion:", f.Text)
	}
	fmt.Println("threshold:", r.Analysis.Thresholds[0].Text)
	fmt.Println("confidence:", r.Confidence.Level)
	// Output:
	// rules: 1 new: 1
	// found: 1 portal
	// criterion: AppDisplayName == "Azure Portal"
	// criterion: ResultType == "50126"
	// threshold: Failures > 5
	// confidence: medium
}
