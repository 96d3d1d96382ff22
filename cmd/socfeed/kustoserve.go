package main

import (
	"errors"
	"flag"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kusto"
	"github.com/socfeed/socfeed/schema"
)

// defaultKustoDB is the name under which `socfeed serve` offers its logs to Kusto clients.
const defaultKustoDB = "SecurityLogs"

// kustoFlags are the flags of the Kusto REST endpoint that `socfeed serve` offers beside
// the web UI.
//
// The endpoint has no token flag of its own: it takes the server's access token, the
// value of the flag set's "token" flag when it has one (`socfeed serve --token`, which
// also reads $SOCFEED_TOKEN), so one token opens the web UI and the Kusto endpoint alike.
// Without a token the endpoint serves loopback clients only.
type kustoFlags struct {
	fs       *flag.FlagSet
	database string // --kusto-db
	off      bool   // --no-kusto
}

// addKustoFlags registers the Kusto endpoint's flags on fs.
func addKustoFlags(fs *flag.FlagSet) *kustoFlags {
	kf := &kustoFlags{fs: fs}
	fs.StringVar(&kf.database, "kusto-db", defaultKustoDB, "the database `NAME` under which the Kusto endpoint (/v1/rest/, /v2/rest/) serves the --data logs")
	fs.BoolVar(&kf.off, "no-kusto", false, "do not serve the Kusto REST endpoint")
	return kf
}

// token returns the server's access token: the value of the "token" flag, after parsing.
func (kf *kustoFlags) token() string {
	if kf.fs == nil {
		return ""
	}
	if f := kf.fs.Lookup("token"); f != nil {
		return strings.TrimSpace(f.Value.String())
	}
	return ""
}

// kustoOptions builds the endpoint's options: one database named by --kusto-db over
// tables (nil when there is no data: then every table of cat scans as empty), the
// server's token and, when writeTimeout is not 0, query timeouts that end before the HTTP
// server gives up on the response.
func (kf *kustoFlags) kustoOptions(tables map[string]*column.Table, cat *schema.Catalog, reg *funcs.Registry, writeTimeout time.Duration) (kusto.Options, error) {
	name := strings.TrimSpace(kf.database)
	if name == "" {
		return kusto.Options{}, errors.New("in --kusto-db: expected a database name, found none")
	}
	opts := kusto.Options{
		Databases:       map[string]*kusto.Database{name: {Tables: tables, Catalog: cat, Funcs: reg}},
		DefaultDatabase: name,
		Version:         buildVersion(),
	}
	opts.Token = kf.token()
	if writeTimeout > 0 {
		// A query must end (with the service's timeout error) while the server may
		// still write the response.
		limit := max(writeTimeout-5*time.Second, writeTimeout/2)
		opts.DefaultTimeout = min(4*time.Minute, limit)
		opts.MaxTimeout = limit
	}
	return opts, nil
}

// mountKusto mounts the Kusto REST API at /v1/rest/ and /v2/rest/ on mux, serving tables
// (as package logs loads them) with the schemas of cat and the functions of reg as the
// database --kusto-db; cat and reg may be nil for the defaults. Cross-origin requests from
// browsers are refused. It mounts nothing with --no-kusto.
func mountKusto(mux *http.ServeMux, kf *kustoFlags, tables map[string]*column.Table, cat *schema.Catalog, reg *funcs.Registry) error {
	return mountKustoTimeout(mux, kf, tables, cat, reg, 0)
}

func mountKustoTimeout(mux *http.ServeMux, kf *kustoFlags, tables map[string]*column.Table, cat *schema.Catalog, reg *funcs.Registry, writeTimeout time.Duration) error {
	if kf.off {
		return nil
	}
	opts, err := kf.kustoOptions(tables, cat, reg, writeTimeout)
	if err != nil {
		return err
	}
	// Kusto clients are programs; a browser page of another site must not make a
	// visitor's browser run queries on a loopback socfeed.
	h := http.NewCrossOriginProtection().Handler(kusto.NewHandler(opts))
	mux.Handle("/v1/rest/", h)
	mux.Handle("/v2/rest/", h)
	return nil
}

// serveKusto puts the Kusto endpoint in front of hs's handler (the web UI): requests under
// /v1/rest/ and /v2/rest/ go to the endpoint, the others to the web UI as before. Query
// timeouts are kept within hs.WriteTimeout. With --no-kusto hs is left as it is.
func serveKusto(hs *http.Server, kf *kustoFlags, tables map[string]*column.Table, cat *schema.Catalog, reg *funcs.Registry) error {
	if kf.off {
		return nil
	}
	mux := http.NewServeMux()
	if err := mountKustoTimeout(mux, kf, tables, cat, reg, hs.WriteTimeout); err != nil {
		return err
	}
	next := hs.Handler
	if next == nil {
		next = http.DefaultServeMux
	}
	mux.Handle("/", next)
	hs.Handler = mux
	return nil
}

// buildVersion is socfeed's module version, or "devel".
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
