package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/feed"
	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules/hunt/local"
	"github.com/socfeed/socfeed/schema"
	"github.com/socfeed/socfeed/web"
)

// shutdownGrace is how long serve waits for requests in flight when it is stopped.
const shutdownGrace = 5 * time.Second

// tokenEnv names the environment variable that gives serve its access token.
const tokenEnv = "SOCFEED_TOKEN"

// isLoopback reports whether a listener's address is a loopback one, reachable only from
// this machine.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// runServe is `socfeed serve`: the web UI and JSON API over a rule catalog, with rules
// runnable on loaded logs.
func runServe(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (loopback by default; port 0 picks a free one)")
	var rulePaths, dataPaths multiFlag
	fs.Var(&rulePaths, "rules", "a rule source to sync into the catalog first: a folder, a git repository path or URL (repeatable)")
	fs.Var(&dataPaths, "data", "a file or folder of exported logs to check readiness against and run rules on (repeatable)")
	asOf := fs.String("as-of", "", "the time now() and ago() count from when running rules (RFC 3339 or a KQL datetime; default: the end of the data)")
	store := fs.String("store", "", "the catalog store `DIR` (default: a temporary folder, removed on exit; then --rules is required)")
	token := fs.String("token", "", "the access `TOKEN` every request must carry (Authorization: Bearer, or the cookie /login?token= sets); required beyond loopback (default: $"+tokenEnv+")")
	kf := addKustoFlags(fs)
	var wsf workspaceFlags
	wsf.register(fs)
	var ext externalFlags
	ext.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: socfeed serve [--addr 127.0.0.1:8080] [--token TOKEN] [--rules PATH...] [--data PATH...] [--store DIR] [--as-of TIME]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		e.errorf("serve: unexpected argument %q (give rule sources with --rules)", fs.Arg(0))
		return exitUsage
	}
	var asOfTime time.Time
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339Nano, *asOf)
		if err != nil {
			ticks, ok := types.ParseDateTime(*asOf)
			if !ok {
				e.errorf("serve: --as-of: expected a time such as 2024-01-02T03:04:05Z, found %q", *asOf)
				return exitUsage
			}
			t = types.TimeFromTicks(ticks)
		}
		asOfTime = t.UTC()
	}
	if *token == "" {
		*token = strings.TrimSpace(os.Getenv(tokenEnv))
	}
	if *store == "" && len(rulePaths) == 0 {
		e.errorf("serve: expected --rules PATH or --store DIR (a catalog to serve)")
		return exitUsage
	}

	at := attack.Default()
	reg := funcs.Default()
	dir := *store
	if dir == "" {
		tmp, err := os.MkdirTemp("", "socfeed-store-")
		if err != nil {
			e.errorf("serve: %v", err)
			return exitError
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	cat, err := feed.Open(dir, feed.Env{ATTACK: at, Check: &check.Env{Catalog: schema.Default(), Funcs: reg, Functions: stored.Builtin().Lets()}})
	if err != nil {
		e.errorf("serve: %v", err)
		return exitError
	}
	defer cat.Close()
	for _, p := range rulePaths {
		src, err := feed.ParseSource(p)
		if err != nil {
			e.errorf("serve: %v", err)
			return exitError
		}
		rep, err := cat.Sync(ctx, src, feed.SyncOptions{})
		if err != nil {
			e.errorf("serve: syncing %s: %v", p, err)
			return exitError
		}
		fmt.Fprintf(e.stderr, "socfeed: synced %s: %d rules (%d new, %d changed, %d removed), %d parsers, %d errors, %d warnings\n",
			src.Name, rep.Rules, rep.New, rep.Changed, rep.Removed, rep.Functions, len(rep.Diagnostics.Errors()), len(rep.Diagnostics.Warnings()))
	}

	// The functions rules may call: the built-in ones, the parsers of the synced sources,
	// then those of --functions, each replacing the one before of the same name.
	fns := stored.Builtin()
	synced, err := cat.Functions(ctx)
	if err != nil {
		e.errorf("serve: %v", err)
		return exitError
	}
	fns.Merge(synced)
	schemas := schema.Default()
	cfg := web.Config{Catalog: web.NewFeedCatalog(cat, at), Schemas: schemas, Funcs: reg, Token: *token, Functions: fns.Lets()}
	if len(dataPaths) > 0 {
		ws, err := wsf.load()
		if err != nil {
			e.errorf("serve: %v", err)
			return exitError
		}
		defer ws.close()
		for _, n := range ws.notes {
			fmt.Fprintf(e.stderr, "socfeed: %s\n", n)
		}
		fetcher, err := ext.fetcher()
		if err != nil {
			e.errorf("serve: %v", err)
			return exitUsage
		}
		ds, rep, err := logs.Load(ctx, append(slices.Clone(dataPaths), ws.paths...), logs.Options{Catalog: schemas, TableOverride: ws.override})
		if err != nil {
			e.errorf("serve: %v", err)
			return exitError
		}
		for _, w := range rep.Warnings {
			fmt.Fprintf(e.stderr, "socfeed: warning: %s\n", w)
		}
		if n := len(rep.Rejected); n > 0 {
			fmt.Fprintf(e.stderr, "socfeed: warning: %d records rejected; the first: %s\n", n, rep.Rejected[0])
		}
		for name, t := range ds.Tables {
			t.Name = name
		}
		// NewLocal adds the loaded tables to schemas, so the pages check against them too.
		eng := local.New(ds.Tables, schemas, reg)
		fns.Merge(ws.functions)
		eng.Functions = fns
		cfg.Functions = fns.Lets()
		eng.External = fetcher
		cfg.Data = &web.Data{Tables: ds.Tables, Paths: dataPaths, Report: rep}
		runner := web.NewHuntRunner(eng)
		runner.AsOf = asOfTime
		cfg.Runner = runner
	}
	srv, err := web.New(cfg)
	if err != nil {
		e.errorf("serve: %v", err)
		return exitError
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		e.errorf("serve: %v", err)
		return exitError
	}
	if !isLoopback(ln.Addr()) && *token == "" {
		ln.Close()
		e.errorf("serve: %s is reachable beyond this machine: give an access token with --token TOKEN or $%s (or listen on 127.0.0.1)", *addr, tokenEnv)
		return exitUsage
	}
	hs := srv.HTTPServer(ln.Addr().String())
	var tables map[string]*column.Table
	if cfg.Data != nil {
		tables = cfg.Data.Tables
	}
	if err := serveKusto(hs, kf, tables, schemas, reg); err != nil {
		ln.Close()
		e.errorf("serve: %v", err)
		return exitUsage
	}
	// The Kusto endpoint sits in front of the web UI: the token guards it too.
	hs.Handler = srv.Guard(hs.Handler)
	if *token != "" {
		fmt.Fprintf(e.stderr, "socfeed: every request needs the access token: Authorization: Bearer TOKEN, or open /login?token=TOKEN once in a browser\n")
	}
	fmt.Fprintf(e.stdout, "socfeed: serving http://%s/\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		e.errorf("serve: %v", err)
		return exitError
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		e.errorf("serve: shutting down: %v", err)
		return exitError
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		e.errorf("serve: %v", err)
		return exitError
	}
	return exitOK
}
