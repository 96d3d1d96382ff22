// Command benchingest times loading raw log files and running one KQL query over them, as
// `socfeed query --data` does, with the columns the query reads pushed down into the load
// ([plan.NeededColumns], [logs.Options.Columns]) or, with -columns=false, every column
// built. It prints the load and query times, GB/s, rows/s and peak memory (VmHWM) against
// the input size, and the query's result, so that both modes can be compared.
//
//	go run ./internal/benchingest -query 'SigninLogs | summarize count() by ResultType' DIR/SigninLogs.jsonl
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/schema"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	query := fs.String("query", "", "the KQL query to run over the data (required)")
	pushdown := fs.Bool("columns", true, "load only the columns the query reads")
	rowsShown := fs.Int("show", 5, "result rows to print")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load and query to `FILE`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *query == "" || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: benchingest -query KQL [-columns=false] PATH...")
		return 2
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "benchingest: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "benchingest: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	start := time.Now()
	cat := schema.Default()
	reg := funcs.Default()
	now := time.Now().UTC()
	var cols map[string][]string
	if *pushdown {
		eng := &exec.Engine{Tables: map[string]*column.Table{}, Funcs: reg, Now: now}
		q, _, err := exec.Prepare(*query, exec.PrepareOptions{Catalog: cat, Engine: eng, AllowCheckErrors: true})
		if err != nil {
			fmt.Fprintf(stderr, "benchingest: %v\n", err)
			return 1
		}
		cols = plan.NeededColumns(q)
	}
	ds, rep, err := logs.Load(ctx, fs.Args(), logs.Options{Catalog: cat, Columns: cols})
	if err != nil {
		fmt.Fprintf(stderr, "benchingest: %v\n", err)
		return 1
	}
	loaded := time.Now()
	eng := &exec.Engine{Tables: ds.Tables, Funcs: reg, Now: now}
	exec.AddTables(cat, ds.Tables)
	q, _, err := exec.Prepare(*query, exec.PrepareOptions{Catalog: cat, Engine: eng, AllowCheckErrors: true})
	if err != nil {
		fmt.Fprintf(stderr, "benchingest: %v\n", err)
		return 1
	}
	res, err := eng.Run(ctx, q)
	if err != nil {
		fmt.Fprintf(stderr, "benchingest: %v\n", err)
		return 1
	}
	end := time.Now()
	rows := 0
	for _, n := range rep.Rows {
		rows += n
	}
	total := end.Sub(start).Seconds()
	gb := float64(rep.Bytes) / 1e9
	hwm := peakRSS()
	fmt.Fprintf(stdout, "columns pushed down: %v %v\n", *pushdown, cols)
	fmt.Fprintf(stdout, "input: %d bytes, %d rows (%.0f bytes a row), %d rejected\n", rep.Bytes, rows, float64(rep.Bytes)/float64(max(rows, 1)), len(rep.Rejected))
	fmt.Fprintf(stdout, "load: %.2f s (%.3f GB/s, %.0f rows/s)\n", loaded.Sub(start).Seconds(), gb/loaded.Sub(start).Seconds(), float64(rows)/loaded.Sub(start).Seconds())
	fmt.Fprintf(stdout, "query: %.2f s\n", end.Sub(loaded).Seconds())
	fmt.Fprintf(stdout, "end to end: %.2f s (%.2f s per GB; bar <= 2.85)\n", total, total/gb)
	if hwm > 0 {
		fmt.Fprintf(stdout, "peak RSS: %d MB (%.2f x input; bar < 0.6)\n", hwm>>20, float64(hwm)/float64(rep.Bytes))
	}
	for _, t := range res.Tables {
		fmt.Fprintf(stdout, "result %q: %d rows\n", t.Name, len(t.Rows))
		for i, r := range t.Rows {
			if i >= *rowsShown {
				break
			}
			vals := make([]string, len(r))
			for j, v := range r {
				vals[j] = fmt.Sprintf("%v", v)
			}
			fmt.Fprintf(stdout, "  %s\n", strings.Join(vals, " | "))
		}
	}
	return 0
}

// peakRSS returns the process's peak resident set size in bytes (VmHWM), or 0 when the
// system does not report it.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
