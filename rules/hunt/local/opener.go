package local

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/stored"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/schema"
)

// Opener returns a [hunt.Opener] for rule tests that loads each test's tables with
// package logs (inline rows are written to a temporary folder as JSON lines first) and
// runs the rule on an [Engine]. A row the loader rejects is an error: the test's
// data is wrong. externaldata reads the test's URLs and never the network: a URL the
// test does not give is an error naming it. cat returns a fresh catalog of table
// schemas per test (the engine adds the test's tables to it); nil means [schema.Default].
// The test's watchlists become rows of the Watchlist table, which _GetWatchlist reads.
func Opener(opts OpenerOptions) hunt.Opener {
	cat := opts.Catalog
	fns := stored.Builtin()
	fns.Merge(opts.Functions)
	return func(ctx context.Context, in hunt.TestInput) (hunt.Engine, error) {
		tables := slices.Clone(in.Tables)
		for _, w := range in.Watchlists {
			var rows []byte
			var err error
			if w.File != "" {
				rows, _, err = logs.Watchlist{Alias: w.Alias, Path: w.File, SearchKey: w.SearchKey}.WatchlistRows()
			} else {
				rows, err = logs.WatchlistJSON(w.Alias, w.SearchKey, w.Fields, w.Items, time.Time{}, "test")
			}
			if err != nil {
				return nil, fmt.Errorf("watchlist %s: %v", w.Alias, err)
			}
			tables = append(tables, hunt.TestTable{Name: "Watchlist", JSONLines: rows})
		}
		dir, err := os.MkdirTemp("", "socfeed-ruletest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		urls := &testURLs{data: map[string][]byte{}}
		for _, u := range in.URLs {
			data := u.Data
			if u.File != "" {
				if data, err = os.ReadFile(u.File); err != nil {
					return nil, fmt.Errorf("URL %s: %v", u.URL, err)
				}
			}
			urls.data[u.URL] = data
		}
		var paths []string
		over := map[string]string{}
		for i, t := range tables {
			p := t.File
			if p == "" {
				p = filepath.Join(dir, fmt.Sprintf("%d-%s.jsonl", i, sanitize(t.Name)))
				if err := os.WriteFile(p, t.JSONLines, 0o600); err != nil {
					return nil, err
				}
			}
			paths = append(paths, p)
			over[p] = t.Name
		}
		c := schema.Default()
		if cat != nil {
			c = cat()
		}
		ds := &logs.Dataset{Tables: map[string]*column.Table{}}
		if len(paths) > 0 {
			var rep *logs.Report
			ds, rep, err = logs.Load(ctx, paths, logs.Options{Catalog: c, TableOverride: over, Workers: 1})
			if err != nil {
				return nil, err
			}
			if len(rep.Rejected) > 0 {
				var msgs []string
				for _, r := range rep.Rejected[:min(len(rep.Rejected), 5)] {
					msgs = append(msgs, tableOfRejection(r, tables, dir))
				}
				return nil, fmt.Errorf("%d row(s) rejected: %s", len(rep.Rejected), strings.Join(msgs, "; "))
			}
		}
		eng := New(ds.Tables, c, nil)
		eng.External = urls
		eng.Functions = fns
		return eng, nil
	}
}

// OpenerOptions configure [Opener].
type OpenerOptions struct {
	// Catalog returns a fresh catalog of table schemas per test; nil means
	// [schema.Default].
	Catalog func() *schema.Catalog
	// Functions are stored functions the rules may call, beside the built-in ones.
	Functions *stored.Set
}

// testURLs serves a rule test's URLs to externaldata, and local files as the engine
// does; it never downloads.
type testURLs struct {
	data map[string][]byte
}

// Open implements [exec.ExternalData].
func (t *testURLs) Open(ctx context.Context, uri string) (io.ReadCloser, error) {
	if d, ok := t.data[uri]; ok {
		return io.NopCloser(bytes.NewReader(d)), nil
	}
	if l := strings.ToLower(uri); strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		return nil, fmt.Errorf("cannot read %s: rule tests never download; give its data under 'urls' in the test file", uri)
	}
	return (&exec.Fetcher{Offline: true}).Open(ctx, uri)
}

// tableOfRejection describes a rejected row, naming the table rather than the temporary
// file for inline rows.
func tableOfRejection(r logs.Rejection, tables []hunt.TestTable, dir string) string {
	if strings.HasPrefix(r.File, dir) {
		for i, t := range tables {
			if filepath.Base(r.File) == fmt.Sprintf("%d-%s.jsonl", i, sanitize(t.Name)) {
				return fmt.Sprintf("table %s, row %d: %s", t.Name, r.Line, r.Reason)
			}
		}
	}
	return r.String()
}

// sanitize makes a table name safe as a file name.
func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == 0 {
			return '_'
		}
		return r
	}, name)
}
