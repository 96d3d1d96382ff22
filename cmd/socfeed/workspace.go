package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/logs"
)

// workspaceFlags give queries what a Sentinel workspace has beside its tables: stored
// functions and parsers (--functions) and watchlists (--watchlist).
type workspaceFlags struct {
	functions  multiFlag
	watchlists multiFlag
}

func (w *workspaceFlags) register(fs *flag.FlagSet) {
	fs.Var(&w.functions, "functions", "stored functions and parsers queries may call: .kql files of let statements or .create function commands, Sentinel parser YAMLs, or folders of them (repeatable)")
	fs.Var(&w.watchlists, "watchlist", "the watchlist `ALIAS=FILE.csv[#SEARCHKEY]` that _GetWatchlist('ALIAS') reads; the search key is the first field unless named (repeatable)")
}

// workspace is what the flags load.
type workspace struct {
	functions *stored.Set
	// paths are data files to load with the rest (the watchlists as Watchlist rows),
	// override names their table.
	paths    []string
	override map[string]string
	notes    []string // what was derived, for the user
	dir      string   // temporary folder of the paths, removed by close
}

func (w *workspace) close() {
	if w.dir != "" {
		os.RemoveAll(w.dir)
	}
}

// load reads the functions and watchlists. The built-in functions (_GetWatchlist) are
// always there; those read from files replace built-ins of the same name. Problems in
// function files are errors: a rule calling a broken parser would fail less clearly.
func (w *workspaceFlags) load() (*workspace, error) {
	ws := &workspace{functions: stored.Builtin(), override: map[string]string{}}
	if len(w.functions) > 0 {
		set, ds := stored.Load(w.functions)
		if len(ds) > 0 {
			var msgs []string
			for _, d := range ds {
				msgs = append(msgs, d.String())
			}
			return nil, fmt.Errorf("--functions: %s", strings.Join(msgs, "\n"))
		}
		ws.functions.Merge(set)
		ws.notes = append(ws.notes, fmt.Sprintf("stored functions: %d read (%s)", len(set.Names()), shortList(set.Names(), 8)))
	}
	if len(w.watchlists) > 0 {
		dir, err := os.MkdirTemp("", "socfeed-watchlists-")
		if err != nil {
			return nil, err
		}
		ws.dir = dir
		for i, s := range w.watchlists {
			wl, err := logs.ParseWatchlistFlag(s)
			if err != nil {
				ws.close()
				return nil, fmt.Errorf("--watchlist: %v", err)
			}
			rows, n, err := wl.WatchlistRows()
			if err != nil {
				ws.close()
				return nil, fmt.Errorf("--watchlist %s: %v", wl.Alias, err)
			}
			p := filepath.Join(dir, fmt.Sprintf("watchlist-%d.jsonl", i))
			if err := os.WriteFile(p, rows, 0o600); err != nil {
				ws.close()
				return nil, err
			}
			ws.paths = append(ws.paths, p)
			ws.override[p] = "Watchlist"
			key := wl.SearchKey
			if key == "" {
				key = "the first field"
			}
			ws.notes = append(ws.notes, fmt.Sprintf("watchlist %s: %d items from %s (SearchKey: %s; TimeGenerated and _DTItemId derived)", wl.Alias, n, wl.Path, key))
		}
	}
	return ws, nil
}

func shortList(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", and %d more", len(names)-n)
}
