package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/rules/hunt/local"
	"github.com/socfeed/socfeed/rules/pack"
	"github.com/socfeed/socfeed/synth"
)

const demoUsage = `usage: socfeed demo [--addr 127.0.0.1:8080] [--users N] [--days D] [--seed S] [--out DIR] [--no-serve]

Generates a synthetic Entra ID tenant with every attack scenario planted (as socfeed gen
does), hunts it with the starter rule pack built into socfeed (scheduled and NRT rules
replayed on their schedule, hunting queries run once), prints the hunt summary, then serves
the web UI with the pack and the data loaded until interrupted. --no-serve stops after the
summary.

flags:
`

// runDemo is `socfeed demo`: generate, hunt with the built-in pack, serve.
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`HOST:PORT` the web UI listens on (port 0 picks a free one)")
	users := fs.Int("users", 50, "accounts in the tenant (5 to 10000)")
	days := fs.Int("days", 7, "days of activity (1 to 90); scenarios play out on the last three")
	seed := fs.Int64("seed", 1, "random seed: the same options give the same tenant")
	out := fs.String("out", "", "folder to write the tenant's logs and labels.json into (default: a temporary folder, removed on exit)")
	noServe := fs.Bool("no-serve", false, "stop after printing the hunt summary")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, demoUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		e.errorf("demo: unexpected argument %q", fs.Arg(0))
		return exitUsage
	}

	tmp, err := os.MkdirTemp("", "socfeed-demo-")
	if err != nil {
		e.errorf("demo: %v", err)
		return exitError
	}
	defer os.RemoveAll(tmp)
	dataDir := *out
	if dataDir == "" {
		dataDir = filepath.Join(tmp, "logs")
	}
	labels, err := synth.WriteDir(dataDir, synth.Options{Users: *users, Days: *days, Seed: *seed})
	if err != nil {
		e.errorf("demo: %v", err)
		return exitError
	}
	where := dataDir
	if *out == "" {
		where += " (removed on exit; keep it with --out DIR)"
	}
	fmt.Fprintf(e.stdout, "Generated %d users over %d days (seed %d) with %d attack scenarios and %d near misses in %s\n",
		labels.Users, labels.Days, labels.Seed, len(labels.Scenarios), len(labels.NearMisses), where)
	files, err := demoDataFiles(dataDir)
	if err != nil {
		e.errorf("demo: %v", err)
		return exitError
	}

	rs, diags := pack.Rules(rules.Loader{})
	if diags.HasErrors() {
		// The pack is tested; a broken one is a build problem, not the user's.
		e.errorf("demo: internal error: the built-in rule pack does not load: %v", diags.Errors())
		return exitError
	}
	ds, rep, err := logs.Load(ctx, files, logs.Options{})
	if err != nil {
		e.errorf("demo: reading the generated logs: %v", err)
		return exitError
	}
	huntRejections(e, rep)
	res, err := hunt.Run(ctx, local.New(ds.Tables, nil, nil), rs, hunt.Options{Replay: true})
	if err != nil {
		e.errorf("demo: %v", err)
		return exitError
	}
	fmt.Fprintf(e.stdout, "Hunted with the built-in pack (%d rules), scheduled rules replayed on their schedule:\n\n", len(rs))
	if err := writeHuntSummary(e, res); err != nil {
		e.errorf("demo: %v", err)
		return exitError
	}
	if len(res.Failures) > 0 {
		return exitError
	}
	if *noServe {
		return exitOK
	}

	packDir, err := pack.WriteDir(filepath.Join(tmp, "pack"))
	if err != nil {
		e.errorf("demo: %v", err)
		return exitError
	}
	fmt.Fprintf(e.stdout, "\nServing the pack and the data; press Ctrl-C to stop.\n")
	serveArgs := []string{"--addr", *addr, "--rules", packDir}
	for _, f := range files {
		serveArgs = append(serveArgs, "--data", f)
	}
	return runServe(ctx, e, serveArgs)
}

// demoDataFiles returns the table files synth wrote into dir, without labels.json (the
// answer key is not a log).
func demoDataFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, en := range entries {
		if en.IsDir() || en.Name() == "labels.json" {
			continue
		}
		out = append(out, filepath.Join(dir, en.Name()))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no logs in %s", dir)
	}
	return out, nil
}

// writeHuntSummary prints the summary `socfeed hunt` ends its table output with, without
// the findings before it.
func writeHuntSummary(e *env, res *hunt.Result) error {
	var b bytes.Buffer
	if err := hunt.WriteTable(&b, res); err != nil {
		return err
	}
	text := b.Bytes()
	// WriteTable ends with the summary, which starts with a line "Summary"; findings come
	// before it and never hold such a line (their lines are indented or start with '#').
	if i := bytes.LastIndex(text, []byte("\nSummary\n")); i >= 0 {
		text = text[i+1:]
	}
	_, err := e.stdout.Write(text)
	return err
}
