package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kusto"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/rules/hunt/local"
	"github.com/socfeed/socfeed/rules/pack"
	"github.com/socfeed/socfeed/synth"
)

// synthData writes a small synthetic tenant (20 users, 3 days, a fixed seed, every attack
// scenario) into a new folder and loads it.
func synthData(t *testing.T) (string, map[string]*column.Table) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := synth.WriteDir(dir, synth.Options{Users: 20, Days: 3, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	ds, rep, err := logs.Load(context.Background(), []string{dir}, logs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 {
		t.Fatalf("%d rows of the synthetic data rejected; the first: %s", len(rep.Rejected), rep.Rejected[0])
	}
	return dir, ds.Tables
}

// packDir writes the starter rule pack into a new folder.
func packDir(t *testing.T) string {
	t.Helper()
	dir, err := pack.WriteDir(filepath.Join(t.TempDir(), "rules"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// kustoServer serves tables as the Kusto database SecurityLogs, mounted as socfeed serve
// mounts it.
func kustoServer(t *testing.T, tables map[string]*column.Table, args ...string) *httptest.Server {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.String("token", "", "the server's access token, as socfeed serve defines it")
	kf := addKustoFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "web UI") })
	if err := mountKusto(mux, kf, tables, nil, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestHuntBackendMatchesLocal is the measure of `socfeed hunt --backend`: the starter
// pack, hunted over synthetic logs on the local engine and through socfeed's own Kusto
// endpoint, must give identical results — the same findings (rules, windows, columns,
// rows with their types, entities, details) and the same failures — once as of the end of
// the data and once replayed on the rules' schedules.
func TestHuntBackendMatchesLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("replays three days of schedules over HTTP")
	}
	_, tables := synthData(t)
	rs, ds := pack.Rules(rules.Loader{})
	if ds.HasErrors() || len(rs) < 10 {
		t.Fatalf("the starter pack has %d rules and errors %v", len(rs), ds.Errors())
	}
	srv := kustoServer(t, tables)
	be, err := kusto.NewBackend(srv.URL+"/SecurityLogs", kusto.BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	ctx := context.Background()
	// As of the end of the data, scheduled rules look back only their queryPeriod and few
	// fire; replayed over the three days, every scenario's rule should.
	for _, tt := range []struct {
		replay   bool
		minFired int
	}{{false, 1}, {true, 10}} {
		t.Run(fmt.Sprintf("replay=%v", tt.replay), func(t *testing.T) {
			opts := hunt.Options{Replay: tt.replay}
			start := time.Now()
			want, err := hunt.Run(ctx, local.New(tables, nil, nil), rs, opts)
			if err != nil {
				t.Fatal(err)
			}
			localTime := time.Since(start)
			start = time.Now()
			got, err := hunt.Run(ctx, be, rs, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("local and backend hunts differ (-local +backend):\n%s", diff)
			}
			if len(want.Failures) > 0 {
				t.Errorf("%d rule(s) failed locally; the first: %v", len(want.Failures), want.Failures[0].Diagnostics)
			}
			fired := map[string]bool{}
			rows := 0
			for _, f := range want.Findings {
				fired[path.Base(f.Rule.File)] = true
				rows += len(f.Rows)
			}
			// The seed-like hunting query joins SecurityAlert, SigninLogs and AuditLogs.
			mustFire := []string{"UnfamiliarSigninPortalFailuresDirectoryChanges.yaml"}
			if tt.replay {
				mustFire = append(mustFire, "PasswordSpray.yaml", "BruteForceThenSuccess.yaml", "ImpossibleTravel.yaml")
			}
			for _, name := range mustFire {
				if !fired[name] {
					t.Errorf("rule %s did not fire", name)
				}
			}
			// The comparison means something only when rules fire.
			if len(fired) < tt.minFired {
				t.Errorf("only %d of %d rules fired, want %d; the comparison needs findings", len(fired), len(rs), tt.minFired)
			}
			t.Logf("%d rules, %d runs: %d findings of %d rules, %d rows; local %v, backend %v",
				want.Rules, want.Runs, len(want.Findings), len(fired), rows, localTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestHuntBackendCLI runs `socfeed hunt` over a socfeed Kusto endpoint and over the same
// logs locally, and compares the JSON output.
func TestHuntBackendCLI(t *testing.T) {
	dataDir, tables := synthData(t)
	rulesDir := packDir(t)
	srv := kustoServer(t, tables)
	for _, extra := range [][]string{nil, {"--replay", "--since", "2026-11-20T12:00:00Z"}} {
		args := append([]string{"hunt", "--rules", rulesDir, "--format", "json"}, extra...)
		lcode, lout, lerr := runCmd(t, append(args, "--data", dataDir)...)
		bcode, bout, berr := runCmd(t, append(args, "--backend", srv.URL+"/SecurityLogs")...)
		if lcode != exitOK || bcode != exitOK {
			t.Fatalf("hunt %v: local exit %d (%s), backend exit %d (%s)", extra, lcode, lerr, bcode, berr)
		}
		var doc struct{ Findings []json.RawMessage }
		if err := json.Unmarshal([]byte(lout), &doc); err != nil || len(doc.Findings) == 0 {
			t.Fatalf("hunt %v: no findings in the output (%v):\n%.400s", extra, err, lout)
		}
		if diff := cmp.Diff(lout, bout); diff != "" {
			t.Errorf("hunt %v: local and backend output differ (-local +backend):\n%s", extra, diff)
		}
	}
}

func TestHuntBackendFlags(t *testing.T) {
	dir := writeFiles(t, map[string]string{"rules/spray.yaml": huntRule, "data/SigninLogs.jsonl": huntSignins, "empty.txt": "\n"})
	rulesDir, dataDir := filepath.Join(dir, "rules"), filepath.Join(dir, "data")
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--rules", rulesDir, "--data", dataDir, "--backend", "http://127.0.0.1:1/db"}, exitUsage, "expected --data or --backend, not both"},
		{[]string{"--rules", rulesDir, "--table", "SigninLogs=" + dataDir, "--backend", "http://127.0.0.1:1/db"}, exitUsage, "expected --table or --backend, not both"},
		{[]string{"--rules", rulesDir}, exitUsage, "expected --data PATH... or --backend ENDPOINT, found neither"},
		{[]string{"--backend", "http://127.0.0.1:1/db"}, exitUsage, "expected --rules, found none"},
		{[]string{"--rules", rulesDir, "--data", dataDir, "--token-file", filepath.Join(dir, "empty.txt")}, exitUsage, "--token-file is for --backend"},
		{[]string{"--rules", rulesDir, "--backend", "ftp://host/db"}, exitError, "in --backend: bad Kusto endpoint"},
		{[]string{"--rules", rulesDir, "--backend", "https://host"}, exitError, "no database"},
		{[]string{"--rules", rulesDir, "--backend", "https://host/db", "--token-file", filepath.Join(dir, "empty.txt")}, exitError, "is empty"},
		{[]string{"--rules", rulesDir, "--backend", "https://host/db", "--token-file", filepath.Join(dir, "nope.txt")}, exitError, "in --token-file"},
		{[]string{"--rules", rulesDir, "--backend", "http://127.0.0.1:8080/db", "--token-file", filepath.Join(dir, "rules/spray.yaml")}, exitError, "only be sent over https"},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(t, append([]string{"hunt"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("hunt %v = %d, %q; want %d and %q", tt.args, code, stderr, tt.code, tt.msg)
		}
	}
}

// TestHuntBackendErrors checks a rule whose query the endpoint rejects is a failure placed
// in the rule file, as it is locally, and an unreachable endpoint is an error.
func TestHuntBackendErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"rules/spray.yaml": huntRule, "rules/broken.yaml": huntBroken, "data/SigninLogs.jsonl": huntSignins})
	rulesDir, dataDir := filepath.Join(dir, "rules"), filepath.Join(dir, "data")
	ds, _, err := logs.Load(context.Background(), []string{dataDir}, logs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := kustoServer(t, ds.Tables, "--kusto-db", "Logs")
	lcode, lout, _ := runCmd(t, "hunt", "--rules", rulesDir, "--data", dataDir, "--replay")
	bcode, bout, _ := runCmd(t, "hunt", "--rules", rulesDir, "--backend", srv.URL+"/Logs", "--replay")
	if lcode != exitError || bcode != exitError {
		t.Errorf("exit codes: local %d, backend %d; want %d (a rule failed)", lcode, bcode, exitError)
	}
	if !strings.Contains(bout, "broken.yaml:12:") || !strings.Contains(bout, "NoSuchColumn") {
		t.Errorf("backend output does not place the broken rule's error:\n%s", bout)
	}
	if diff := cmp.Diff(lout, bout); diff != "" {
		t.Errorf("local and backend output differ (-local +backend):\n%s", diff)
	}
	code, _, stderr := runCmd(t, "hunt", "--rules", rulesDir, "--backend", srv.URL+"/Nope")
	if code != exitError || !strings.Contains(stderr, "Nope") {
		t.Errorf("unknown database: exit %d, %q", code, stderr)
	}
}

func TestMountKusto(t *testing.T) {
	dir := writeFiles(t, map[string]string{"data/SigninLogs.jsonl": huntSignins})
	ds, _, err := logs.Load(context.Background(), []string{filepath.Join(dir, "data")}, logs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	post := func(srv *httptest.Server, path, body, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	query := `{"db": "SecurityLogs", "csl": "SigninLogs | summarize n = count()"}`

	srv := kustoServer(t, ds.Tables)
	if code, body := post(srv, "/v2/rest/query", query, ""); code != 200 || !strings.Contains(body, `"PrimaryResult"`) || !strings.Contains(body, `[3]`) {
		t.Errorf("v2 query = %d %s", code, body)
	}
	if code, body := post(srv, "/v1/rest/mgmt", `{"csl": ".show tables"}`, ""); code != 200 || !strings.Contains(body, "SigninLogs") {
		t.Errorf(".show tables = %d %s", code, body)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v2/rest/query", strings.NewReader(query))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := srv.Client().Do(req); err != nil {
		t.Error(err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a cross-site browser request: status %d, want 403", resp.StatusCode)
		}
	}
	if code, body := post(srv, "/other", query, ""); code != 200 || body != "web UI" {
		t.Errorf("other paths = %d %q, want the web UI", code, body)
	}

	tok := kustoServer(t, ds.Tables, "--token", "s3cret")
	if code, _ := post(tok, "/v2/rest/query", query, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", code)
	}
	if code, _ := post(tok, "/v2/rest/query", query, "s3cret"); code != 200 {
		t.Errorf("with the token: status %d, want 200", code)
	}
	if code, _ := post(tok, "/v2/rest/query", query, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("with a wrong token: status %d, want 401", code)
	}

	off := kustoServer(t, ds.Tables, "--no-kusto")
	if code, body := post(off, "/v2/rest/query", query, ""); body != "web UI" {
		t.Errorf("--no-kusto: %d %q, want the web UI", code, body)
	}

	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	kf := addKustoFlags(fs)
	if err := fs.Parse([]string{"--kusto-db", " "}); err != nil {
		t.Fatal(err)
	}
	if err := mountKusto(http.NewServeMux(), kf, ds.Tables, nil, nil); err == nil || !strings.Contains(err.Error(), "--kusto-db") {
		t.Errorf("mountKusto with an empty --kusto-db: err = %v", err)
	}
}

func TestServeKusto(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	kf := addKustoFlags(fs)
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "web UI") })
	hs := &http.Server{Handler: web, WriteTimeout: 40 * time.Second}
	if err := serveKusto(hs, kf, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hs.Handler)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/v1/rest/mgmt", "application/json", strings.NewReader(`{"csl": ".show version"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "devel") {
		t.Errorf(".show version = %d %s", resp.StatusCode, b)
	}
	opts, err := kf.kustoOptions(nil, nil, nil, hs.WriteTimeout)
	if err != nil || opts.MaxTimeout != 35*time.Second || opts.DefaultTimeout != 35*time.Second {
		t.Errorf("timeouts under a 40s write timeout: default %v, max %v, %v", opts.DefaultTimeout, opts.MaxTimeout, err)
	}
}

// TestHuntBackendAuth checks where `socfeed hunt --backend` takes its credentials from.
func TestHuntBackendAuth(t *testing.T) {
	dir := writeFiles(t, map[string]string{"token": "from-file\n"})
	tests := []struct {
		env      string
		o        huntOptions
		wantAuth string
	}{
		{"", huntOptions{backend: "http://127.0.0.1:1/db"}, "none"},
		{"from-env", huntOptions{backend: "http://127.0.0.1:1/db"}, "none"}, // not over plain HTTP
		{"from-env", huntOptions{backend: "https://example.invalid/db"}, "token"},
		{"", huntOptions{backend: "https://example.invalid/db", tokenFile: filepath.Join(dir, "token")}, "token"},
		{"", huntOptions{backend: "kusto://example.invalid/db"}, "azure"},
		{"", huntOptions{backend: "https://localhost:8443/db"}, "none"},
	}
	for _, tt := range tests {
		t.Setenv(kustoTokenEnv, tt.env)
		be, err := huntBackend(tt.o)
		if err != nil {
			t.Errorf("huntBackend(%+v) with $%s=%q: %v", tt.o, kustoTokenEnv, tt.env, err)
			continue
		}
		if got := be.Auth(); got != tt.wantAuth {
			t.Errorf("huntBackend(%+v) with $%s=%q: auth %q, want %q", tt.o, kustoTokenEnv, tt.env, got, tt.wantAuth)
		}
		be.Close()
	}
}

// TestHuntBackendServe hunts through `socfeed serve`'s Kusto endpoint, end to end, and
// compares the output with a local hunt.
func TestHuntBackendServe(t *testing.T) {
	dir := writeFiles(t, map[string]string{"rules/spray.yaml": huntRule, "data/SigninLogs.jsonl": huntSignins})
	rulesDir, dataDir := filepath.Join(dir, "rules"), filepath.Join(dir, "data")
	t.Setenv("SOCFEED_TOKEN", "")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--rules", rulesDir, "--data", dataDir, "--kusto-db", "Tenant"}, strings.NewReader(""), &out, &errb)
	}()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve exited with %d: %s", code, errb.String())
		}
	}()
	re := regexp.MustCompile(`serving (http://\S+)/`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	lcode, lout, lerr := runCmd(t, "hunt", "--rules", rulesDir, "--data", dataDir, "--replay", "--format", "json")
	bcode, bout, berr := runCmd(t, "hunt", "--rules", rulesDir, "--backend", base+"/Tenant", "--replay", "--format", "json")
	if lcode != exitOK || bcode != exitOK {
		t.Fatalf("local exit %d (%s), backend exit %d (%s)", lcode, lerr, bcode, berr)
	}
	if !strings.Contains(bout, "bob@contoso.com") {
		t.Errorf("backend hunt found nothing:\n%s", bout)
	}
	if diff := cmp.Diff(lout, bout); diff != "" {
		t.Errorf("local and backend output differ (-local +backend):\n%s", diff)
	}
}
