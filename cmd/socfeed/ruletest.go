package main

import (
	"context"
	"flag"
	"io"
	"regexp"

	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/rules/hunt/local"
)

const testUsage = `usage: socfeed test [--run REGEXP] [--functions PATH]... PATH...

Runs rule unit tests: each Name.test.yaml beside a rule Name.yaml gives the rule input
tables and what it must find (see package rules/hunt for the format). PATH may be a test
file, a rule file (its test file is run) or a folder (searched recursively). Prints a
PASS or FAIL line per test case, with the differences under each failure, and a summary.

Exit status: 0 when every test passes; 1 when one fails or no test is found; 2 for a bad
command line.

flags:
`

func runRuleTests(ctx context.Context, e *env, args []string) int {
	fset := flag.NewFlagSet("test", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	run := fset.String("run", "", "run only the test cases whose name matches this regular expression")
	var fnPaths multiFlag
	fset.Var(&fnPaths, "functions", "stored functions and parsers the rules call: .kql files, Sentinel parser YAMLs, or folders of them (repeatable)")
	fset.Usage = func() {
		io.WriteString(e.stderr, testUsage)
		fset.PrintDefaults()
	}
	paths, err := parseInterspersed(fset, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if len(paths) == 0 {
		fset.Usage()
		return exitUsage
	}
	var match *regexp.Regexp
	if *run != "" {
		var err error
		if match, err = regexp.Compile(*run); err != nil {
			e.errorf("test: in --run: %v", err)
			return exitUsage
		}
	}
	files, err := hunt.FindTests(paths)
	if err != nil {
		e.errorf("test: %v", err)
		return exitError
	}
	if len(files) == 0 {
		e.errorf("test: no rule test files (*.test.yaml) found")
		return exitError
	}
	var opts local.OpenerOptions
	if len(fnPaths) > 0 {
		set, ds := stored.Load(fnPaths)
		if len(ds) > 0 {
			for _, d := range ds {
				e.errorf("test: --functions: %s", d)
			}
			return exitError
		}
		opts.Functions = set
	}
	results := hunt.RunTests(ctx, files, local.Opener(opts), rules.Loader{})
	if match != nil {
		kept := results[:0]
		for _, r := range results {
			if r.Case == "" || match.MatchString(r.Case) {
				kept = append(kept, r)
			}
		}
		results = kept
	}
	failed := hunt.WriteTestReport(e.stdout, results)
	if ctx.Err() != nil {
		e.errorf("test: %v", ctx.Err())
		return exitError
	}
	if failed > 0 || len(results) == 0 {
		return exitError
	}
	return exitOK
}
