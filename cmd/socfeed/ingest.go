package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/schema"
)

// maxShownRejections is how many rejected records the ingest report lists.
const maxShownRejections = 10

// runIngest reads exported logs, reports what it read, and with --store writes the typed
// tables into a table store that --data accepts.
func runIngest(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		store   = fs.String("store", "", "write the tables into the table store `DIR` (created, or added to)")
		strict  = fs.Bool("strict", false, "fail on the first record that cannot be read")
		dedup   = fs.Bool("dedup", false, "drop rows repeated by export retries (same record id), also against the store")
		workers = fs.Int("workers", 0, "files or chunks read at once (default: the number of CPUs)")
		tables  multiFlag
	)
	fs.Var(&tables, "table", "read `NAME=PATH` (a file or folder) as table NAME, whatever its file names say (repeatable)")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: socfeed ingest [--store DIR] [--table NAME=PATH] [--strict] [--dedup] PATH...\n\n"+
			"Reads exported Sentinel and Entra ID logs (JSON lines, JSON, diagnostic-settings and\n"+
			"Event Hub exports, Graph pages, CSV, Parquet, gzip) and prints what was read.\n"+
			"With --store, writes typed tables that 'socfeed query --data DIR' reads without parsing.\n\n")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	override := map[string]string{}
	for _, t := range tables {
		name, path, ok := strings.Cut(t, "=")
		if !ok || name == "" || path == "" {
			e.errorf("--table: expected NAME=PATH, found %q", t)
			return exitUsage
		}
		override[path] = name
		if !hasPath(paths, path) {
			paths = append(paths, path)
		}
	}
	if len(paths) == 0 {
		e.errorf("expected files or folders to ingest")
		return exitUsage
	}
	cat := schema.Default()
	opts := logs.Options{Catalog: cat, Strict: *strict, Dedup: *dedup, TableOverride: override, Workers: *workers}
	start := time.Now()
	var stopProgress func()
	if isTTY(e.stderr) {
		opts.Progress = &logs.Progress{}
		stopProgress = showIngestProgress(e.stderr, opts.Progress, start)
	}
	ds, rep, err := logs.Load(ctx, paths, opts)
	if stopProgress != nil {
		stopProgress()
	}
	if err != nil {
		e.errorf("%v", err)
		return exitError
	}
	elapsed := time.Since(start)
	var m *logs.Manifest
	if *store != "" {
		m, err = logs.WriteStore(ctx, *store, ds, rep, logs.StoreOptions{Dedup: *dedup, Sources: paths})
		if err != nil {
			e.errorf("%v", err)
			return exitError
		}
	}
	printLoadReport(e.stdout, rep, elapsed)
	if m != nil {
		rows := 0
		for _, t := range m.Tables {
			rows += t.Rows
		}
		fmt.Fprintf(e.stdout, "store %s: %d tables, %d rows after %d ingests\n", *store, len(m.Tables), rows, len(m.Ingests))
	}
	return exitOK
}

func hasPath(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// printLoadReport prints the load report: per table rows, rejected and deduplicated rows,
// then derived columns, warnings and the first rejections as file:line: reason.
func printLoadReport(w io.Writer, rep *logs.Report, elapsed time.Duration) {
	rate := ""
	if s := elapsed.Seconds(); s > 0 && rep.Bytes > 0 {
		rate = fmt.Sprintf(", %.1f MB/s", float64(rep.Bytes)/1e6/s)
	}
	stores := ""
	if n := len(rep.Stores); n > 0 {
		stores = fmt.Sprintf(" and %d table stores", n)
	}
	fmt.Fprintf(w, "read %d files (%s)%s in %s%s\n", len(rep.Files), ingestBytes(rep.Bytes), stores, elapsed.Round(time.Millisecond), rate)
	names := map[string]bool{}
	for n := range rep.Rows {
		names[n] = true
	}
	for n := range rep.RejectedRows {
		names[n] = true
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	width := len("table")
	for _, n := range sorted {
		width = max(width, len(n), len("(no table)"))
	}
	fmt.Fprintf(w, "%-*s  %10s  %8s  %12s\n", width, "table", "rows", "rejected", "deduplicated")
	for _, n := range sorted {
		label := n
		if label == "" {
			label = "(no table)"
		}
		fmt.Fprintf(w, "%-*s  %10d  %8d  %12d\n", width, label, rep.Rows[n], rep.RejectedRows[n], rep.Deduped[n])
	}
	var derived []string
	for k := range rep.Derived {
		derived = append(derived, k)
	}
	sort.Strings(derived)
	for _, k := range derived {
		fmt.Fprintf(w, "derived %s: %d rows\n", k, rep.Derived[k])
	}
	for _, wn := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
	if n := len(rep.Rejected); n > 0 {
		if n > maxShownRejections {
			fmt.Fprintf(w, "rejected records (first %d of %d):\n", maxShownRejections, n)
		} else {
			fmt.Fprintf(w, "rejected records:\n")
		}
		for _, r := range rep.Rejected[:min(n, maxShownRejections)] {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
}

func ingestBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// isTTY reports whether w is a terminal (a character device), where progress is
// shown; piped or redirected output stays quiet.
func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// showIngestProgress redraws one status line on w four times a second until the returned
// function is called, which clears the line.
func showIngestProgress(w io.Writer, p *logs.Progress, start time.Time) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-tick.C:
				fmt.Fprint(w, "\r\033[K"+ingestProgressLine(p, time.Since(start)))
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// ingestProgressLine is the text of the progress line.
func ingestProgressLine(p *logs.Progress, elapsed time.Duration) string {
	rows := p.Rows.Load()
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(rows) / s
	}
	return fmt.Sprintf("ingest: %s read, %d rows (%.0f rows/s), %d rejected", ingestBytes(p.Bytes.Load()), rows, rate, p.Rejected.Load())
}
