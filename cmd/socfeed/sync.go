package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/feed"
	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/schema"
)

// defaultStore returns the feed store folder: $SOCFEED_STORE, else ~/.socfeed, else
// ./.socfeed when there is no home folder.
func defaultStore() string {
	if s := os.Getenv("SOCFEED_STORE"); s != "" {
		return s
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".socfeed")
	}
	return ".socfeed"
}

// feedEnv is the analysis environment of the feed: the embedded ATT&CK catalog, the Log
// Analytics schemas and the function library. Tables socfeed has no schema for are not
// errors here (custom tables and ASIM parsers are common in rule sources); the rule's
// confidence then says its columns could not be checked.
func feedEnv() feed.Env {
	return feed.Env{ATTACK: attack.Default(), Check: &check.Env{Catalog: schema.Default(), Funcs: funcs.Default(), Functions: stored.Builtin().Lets()}}
}

// syncResult is one source's outcome in --format json.
type syncResult struct {
	Source      string   `json:"source"`
	Kind        string   `json:"kind"`
	Commit      string   `json:"commit,omitempty"`
	Licence     string   `json:"licence,omitempty"`
	Rules       int      `json:"rules"`
	New         int      `json:"new"`
	Changed     int      `json:"changed"`
	Unchanged   int      `json:"unchanged"`
	Removed     int      `json:"removed"`
	Parsers     int      `json:"parsers"`
	Errors      []string `json:"errors,omitempty"`
	Warnings    int      `json:"warnings"`
	LLMErrors   []string `json:"llmErrors,omitempty"`
	SyncFailure string   `json:"syncFailure,omitempty"`
}

func runSync(ctx context.Context, e *env, args []string) int {
	fset := flag.NewFlagSet("sync", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	store := fset.String("store", defaultStore(), "feed store folder (catalog.db, git clones and checkouts)")
	llmURL := fset.String("llm-url", os.Getenv("SOCFEED_LLM_URL"), "OpenAI-compatible endpoint to rewrite generated text (default $SOCFEED_LLM_URL; off when empty)")
	llmKey := fset.String("llm-key", os.Getenv("SOCFEED_LLM_KEY"), "API key for --llm-url (default $SOCFEED_LLM_KEY)")
	llmModel := fset.String("llm-model", os.Getenv("SOCFEED_LLM_MODEL"), "model name for --llm-url (default $SOCFEED_LLM_MODEL)")
	reanalyze := fset.Bool("reanalyze", false, "analyse every rule again, not only new and changed ones")
	format := fset.String("format", "text", "output format: text or json")
	verbose := fset.Bool("v", false, "print every load diagnostic, warnings included")
	fset.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: socfeed sync [--store DIR] [--llm-url URL] [--format text|json] SOURCE...")
		fmt.Fprintln(e.stderr, "\nPulls rule sources into the feed catalog, keeping every changed rule text as a new version.")
		fmt.Fprintln(e.stderr, "A SOURCE is a folder, a local git repository (path or file:// URL, read at HEAD) or a")
		fmt.Fprintln(e.stderr, "remote git URL (https://github.com/Azure/Azure-Sentinel), laid out like Azure-Sentinel")
		fmt.Fprintln(e.stderr, "or holding plain .yaml and .kql rule files. The store defaults to $SOCFEED_STORE or ~/.socfeed.")
		fset.PrintDefaults()
	}
	specs, err := parseInterspersed(fset, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		e.errorf("sync: unknown format %q (want text or json)", *format)
		return exitUsage
	}
	if len(specs) == 0 {
		fset.Usage()
		return exitUsage
	}
	cat, err := feed.Open(*store, feedEnv())
	if err != nil {
		e.errorf("sync: %v", err)
		return exitError
	}
	defer cat.Close()
	opts := feed.SyncOptions{Reanalyze: *reanalyze}
	if *llmURL != "" {
		opts.LLM = &feed.LLM{URL: *llmURL, Key: *llmKey, Model: *llmModel}
	}
	code := exitOK
	var results []syncResult
	for _, spec := range specs {
		res := syncResult{Source: spec}
		src, err := feed.ParseSource(spec)
		if err == nil {
			res.Source, res.Kind = src.Name, src.Kind.String()
			var rep *feed.SyncReport
			rep, err = cat.Sync(ctx, src, opts)
			if err == nil {
				res.Commit, res.Licence = rep.Commit, rep.Licence
				res.Rules, res.New, res.Changed, res.Unchanged, res.Removed = rep.Rules, rep.New, rep.Changed, rep.Same, rep.Removed
				res.Parsers = rep.Functions
				for _, d := range rep.Diagnostics.Errors() {
					res.Errors = append(res.Errors, d.String())
				}
				res.Warnings = len(rep.Diagnostics.Warnings())
				res.LLMErrors = rep.LLMErrors
				if *verbose && *format == "text" {
					for _, d := range rep.Diagnostics {
						fmt.Fprintln(e.stdout, d.String())
					}
				}
			}
		}
		if err != nil {
			res.SyncFailure = err.Error()
			code = exitError
		}
		results = append(results, res)
		if *format == "text" {
			writeSyncText(e, res, *verbose)
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Store   string       `json:"store"`
			Sources []syncResult `json:"sources"`
		}{*store, results}); err != nil {
			e.errorf("sync: %v", err)
			return exitError
		}
	}
	return code
}

func writeSyncText(e *env, r syncResult, verbose bool) {
	if r.SyncFailure != "" {
		e.errorf("sync: %s", r.SyncFailure)
		return
	}
	what := r.Kind
	if r.Commit != "" {
		what += ", commit " + r.Commit[:min(12, len(r.Commit))]
	}
	if r.Licence != "" {
		what += ", " + r.Licence
	}
	parsers := ""
	if r.Parsers > 0 {
		parsers = "; " + plural(r.Parsers, "parser")
	}
	fmt.Fprintf(e.stdout, "%s (%s): %s: %d new, %d changed, %d unchanged, %d removed%s; %s, %s\n",
		r.Source, what, plural(r.Rules, "rule"), r.New, r.Changed, r.Unchanged, r.Removed, parsers,
		plural(len(r.Errors), "file error"), plural(r.Warnings, "warning"))
	if !verbose {
		for i, msg := range r.Errors {
			if i == maxShown {
				fmt.Fprintf(e.stdout, "  ... and %d more (use -v)\n", len(r.Errors)-maxShown)
				break
			}
			fmt.Fprintln(e.stdout, "  "+msg)
		}
	}
	for _, msg := range r.LLMErrors {
		fmt.Fprintln(e.stdout, "  llm: "+msg)
	}
}
