package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
)

// Exit statuses shared by every command.
const (
	exitOK    = 0 // success; for hunt and test, also "ran, see output"
	exitError = 1 // an error: bad input, a failed check, a failed test
	exitUsage = 2 // the command line itself is wrong
)

// command is one socfeed subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env is what every command reads and writes; tests drive commands through it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "socfeed: "+format+"\n", args...)
}

func commands() map[string]command {
	return map[string]command{
		"version":      {"print the version", runVersion},
		"sync":         {"pull rule sources into the feed catalog", runSync},
		"gen":          {"generate synthetic Entra ID logs with labelled attacks", runGen},
		"kusto-schema": {"print Kusto commands that create (and load) Log Analytics tables", runKustoSchema},
		"query":        {"run a KQL query over exported logs", runQuery},
		"explain":      {"print the plan of a KQL query", runExplain},
		"check":        {"check KQL files and Sentinel rule YAML", runCheck},
		"ingest":       {"read exported logs into typed tables, optionally into a table store", runIngest},
		"serve":        {"serve the rule feed web UI and JSON API", runServe},
		"hunt":         {"run rules over exported logs and report findings", runHunt},
		"test":         {"run rule unit tests (Name.test.yaml beside Name.yaml)", runRuleTests},
		"demo":         {"generate a tenant with attacks, hunt it with the built-in rule pack, serve the web UI", runDemo},
	}
}

// run is the whole program: it parses the subcommand and hands over. It recovers from
// internal errors at the top, reporting the stack.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "socfeed: internal error: %v\n%s", r, debug.Stack())
			code = exitError
		}
	}()
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		e.errorf("unknown command %q (run 'socfeed help')", args[0])
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("socfeed: run and check Microsoft Sentinel KQL rules over exported logs\n\nusage: socfeed COMMAND [flags]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-9s %s\n", n, cmds[n].summary)
	}
	b.WriteString("\nRun 'socfeed COMMAND -h' for a command's flags.\n")
	io.WriteString(w, b.String())
}

func runVersion(_ context.Context, e *env, _ []string) int {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	fmt.Fprintln(e.stdout, "socfeed", v)
	return exitOK
}
