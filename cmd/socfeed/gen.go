package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/socfeed/socfeed/synth"
)

// runGen is `socfeed gen`: synthetic Entra ID and Sentinel logs with labelled attacks.
func runGen(_ context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "", "folder to write the tables and labels.json into (required)")
	users := fs.Int("users", 50, "accounts in the tenant (5 to 10000)")
	days := fs.Int("days", 7, "days of activity (1 to 90)")
	seed := fs.Int64("seed", 1, "random seed: the same options give the same bytes")
	scen := fs.String("scenarios", "all", "attack scenarios to plant: all, none, or a comma-separated list")
	format := fs.String("format", "la", "file format: la (Log Analytics JSON lines), diagnostic, graph or csv")
	end := fs.String("end", "", "last day of data, YYYY-MM-DD (default "+synth.DefaultEnd().Format("2006-01-02")+")")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *out == "" || fs.NArg() > 0 {
		e.errorf("gen: usage: socfeed gen --out DIR [--users N] [--days D] [--seed S] [--scenarios all|none|NAME,...] [--format la|diagnostic|graph|csv]")
		return exitUsage
	}
	scenarios, err := synth.ParseScenarioList(*scen)
	if err != nil {
		e.errorf("gen: --scenarios: %v", err)
		return exitUsage
	}
	opts := synth.Options{Users: *users, Days: *days, Seed: *seed, Scenarios: scenarios, Format: synth.Format(*format)}
	if *end != "" {
		t, err := time.Parse("2006-01-02", *end)
		if err != nil {
			e.errorf("gen: --end: expected YYYY-MM-DD, found %q", *end)
			return exitUsage
		}
		opts.End = t
	}
	labels, err := synth.WriteDir(*out, opts)
	if err != nil {
		e.errorf("gen: %v", err)
		return exitError
	}
	planted := 0
	for _, s := range labels.Scenarios {
		planted += s.RowCount()
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d scenarios (%d labelled rows), %d near misses, labels.json\n",
		*out, len(labels.Scenarios), planted, len(labels.NearMisses))
	return exitOK
}
