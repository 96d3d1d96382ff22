package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer safe to write from the server's goroutine and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const serveRule = `id: 6962473c-bcb8-421d-a0db-826078cad280
name: Failed Azure Portal sign-ins
description: Failed sign-ins to the Azure Portal.
severity: Medium
queryFrequency: 1d
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
tactics:
  - InitialAccess
relevantTechniques:
  - T1078
query: |
  SigninLogs
  | where AppDisplayName == "Azure Portal" and ResultType == "50126"
  | project TimeGenerated, UserPrincipalName, IPAddress
`

const serveRows = `{"TimeGenerated":"2024-05-01T08:00:00Z","AppDisplayName":"Azure Portal","ResultType":"50126","UserPrincipalName":"a@x.com","IPAddress":"10.0.0.9"}
{"TimeGenerated":"2024-05-01T09:00:00Z","AppDisplayName":"Azure Portal","ResultType":"0","UserPrincipalName":"b@x.com","IPAddress":"10.0.0.8"}
`

// startServe runs `socfeed serve` on a free port and returns its base URL and a function
// that stops it and returns its exit status and stderr.
func startServe(t *testing.T, args ...string) (string, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), &out, &errb)
	}()
	re := regexp.MustCompile(`serving (http://\S+)/`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], func() (int, string) { cancel(); return <-code, errb.String() }
		}
		select {
		case c := <-code:
			cancel()
			t.Fatalf("serve exited with %d before serving: %s", c, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	rulesDir := filepath.Join(dir, "rules")
	os.MkdirAll(rulesDir, 0o755)
	if err := os.WriteFile(filepath.Join(rulesDir, "portal.yaml"), []byte(serveRule), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "SigninLogs.jsonl")
	if err := os.WriteFile(data, []byte(serveRows), 0o644); err != nil {
		t.Fatal(err)
	}
	base, stop := startServe(t, "--rules", rulesDir, "--data", data, "--store", filepath.Join(dir, "store"))
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("serve listens on %s, want loopback", base)
	}

	code, body := httpGet(t, base+"/")
	if code != 200 || !strings.Contains(body, "Failed Azure Portal sign-ins") || !strings.Contains(body, "1 rules") {
		t.Errorf("GET / = %d, body lacks the rule:\n%.2000s", code, body)
	}
	code, body = httpGet(t, base+"/api/rules?q=portal")
	var env struct {
		Status string
		Data   struct {
			Total int
			Rules []struct{ ID, Name string }
		}
	}
	if err := json.Unmarshal([]byte(body), &env); err != nil || code != 200 || env.Status != "success" || env.Data.Total != 1 {
		t.Fatalf("GET /api/rules?q=portal = %d %v: %s", code, err, body)
	}
	id := env.Data.Rules[0].ID
	code, body = httpGet(t, base+"/rules/"+url.PathEscape(id))
	for _, want := range []string{"Hunt Hypothesis", "KQL Query", `<span class="k-op">where</span>`, "Required Data Sources", "2 rows", "T1078", "Valid Accounts", "Run on loaded data"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET rule page = %d, missing %q", code, want)
		}
	}
	resp, err := http.PostForm(base+"/rules/"+url.PathEscape(id)+"/run", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<td>a@x.com</td>") || strings.Contains(string(b), "<td>b@x.com</td>") {
		t.Errorf("POST run = %d, want the one failed portal sign-in:\n%.3000s", resp.StatusCode, b)
	}
	if code, body := httpGet(t, base+"/coverage/layer.json"); code != 200 || !strings.Contains(body, `"techniqueID": "T1078"`) {
		t.Errorf("GET layer = %d %.500s", code, body)
	}
	if code, body := httpGet(t, base+"/data"); code != 200 || !strings.Contains(body, "1 can run") {
		t.Errorf("GET /data = %d %.500s", code, body)
	}
	// The run fired, and the catalog kept the evidence: the fired layer shows T1078.
	if code, body := httpGet(t, base+"/api/coverage.csv?layer=fired&covered=1"); code != 200 || !strings.Contains(body, "Initial Access,T1078,Valid Accounts,1,1,1") {
		t.Errorf("GET fired coverage CSV = %d %s", code, body)
	}
	// serve answers Kusto clients beside the web UI.
	for _, k := range []struct{ path, body, want string }{
		{"/v2/rest/query", `{"db":"SecurityLogs","csl":"SigninLogs | summarize n = count()"}`, `[2]`},
		{"/v1/rest/query", `{"db":"SecurityLogs","csl":"SigninLogs | summarize n = count()"}`, `[2]`},
		{"/v1/rest/mgmt", `{"csl":".show tables"}`, "SigninLogs"},
	} {
		resp, err := http.Post(base+k.path, "application/json", strings.NewReader(k.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), k.want) {
			t.Errorf("POST %s = %d %.300s, want %s", k.path, resp.StatusCode, b, k.want)
		}
	}

	status, stderr := stop()
	if status != exitOK {
		t.Errorf("serve exit = %d, want 0; stderr:\n%s", status, stderr)
	}
	if !strings.Contains(stderr, "synced rules: 1 rules (1 new") {
		t.Errorf("serve stderr lacks the sync report:\n%s", stderr)
	}
}

func TestServeUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "expected --rules PATH or --store DIR"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "--bogus"}, "flag provided but not defined"},
		{[]string{"serve", "--rules", ".", "--as-of", "yesterday"}, `--as-of: expected a time`},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(t, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("run(%q) = %d, %q, want %d and %q", tt.args, code, stderr, exitUsage, tt.want)
		}
	}
	code, _, stderr := runCmd(t, "serve", "--addr", "127.0.0.1:bad", "--rules", t.TempDir())
	if code != exitError || !strings.Contains(stderr, "serve:") {
		t.Errorf("serve with a bad address = %d, %q", code, stderr)
	}
}

// TestServeToken checks that serve refuses to listen beyond loopback without a token, and
// that with one every request, the Kusto endpoint's included, must carry it.
func TestServeToken(t *testing.T) {
	dir := t.TempDir()
	rulesDir := filepath.Join(dir, "rules")
	os.MkdirAll(rulesDir, 0o755)
	if err := os.WriteFile(filepath.Join(rulesDir, "portal.yaml"), []byte(serveRule), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(tokenEnv, "")
	code, _, stderr := runCmd(t, "serve", "--addr", "0.0.0.0:0", "--rules", rulesDir)
	if code != exitUsage || !strings.Contains(stderr, "give an access token with --token") {
		t.Fatalf("serve on 0.0.0.0 without a token = %d %q, want a refusal", code, stderr)
	}

	for _, how := range []string{"flag", "env"} {
		args := []string{"--addr", "0.0.0.0:0", "--rules", rulesDir}
		if how == "flag" {
			args = append(args, "--token", "s3cret")
		} else {
			t.Setenv(tokenEnv, "s3cret")
		}
		base, stop := startServe(t, args...)
		if strings.Contains(base, "127.0.0.1") {
			t.Fatalf("%s: serve listens on %s, want every interface", how, base)
		}
		base = "http://127.0.0.1:" + base[strings.LastIndex(base, ":")+1:]
		send := func(method, path, body string, hdr ...string) (int, string, *http.Response) {
			t.Helper()
			req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b), resp
		}
		mgmt := `{"csl":".show version"}`
		checks := []struct {
			method, path, body string
			hdr                []string
			status             int
		}{
			{"GET", "/", "", nil, 401},
			{"GET", "/api/rules", "", nil, 401},
			{"POST", "/v1/rest/mgmt", mgmt, []string{"Content-Type", "application/json"}, 401},
			{"GET", "/", "", []string{"Authorization", "Bearer wrong"}, 401},
			{"GET", "/", "", []string{"Authorization", "Bearer s3cret"}, 200},
			{"GET", "/api/rules", "", []string{"Authorization", "Bearer s3cret"}, 200},
			{"POST", "/v1/rest/mgmt", mgmt, []string{"Content-Type", "application/json", "Authorization", "Bearer s3cret"}, 200},
			{"GET", "/", "", []string{"Cookie", "token=s3cret"}, 200},
			{"GET", "/login?token=wrong", "", nil, 403},
		}
		for _, c := range checks {
			if got, body, _ := send(c.method, c.path, c.body, c.hdr...); got != c.status {
				t.Errorf("%s: %s %s %v = %d, want %d: %.200s", how, c.method, c.path, c.hdr, got, c.status, body)
			}
		}
		got, _, resp := send("GET", "/login?token=s3cret", "")
		if got != http.StatusSeeOther || len(resp.Cookies()) != 1 || resp.Cookies()[0].Value != "s3cret" {
			t.Errorf("%s: GET /login?token= = %d %v", how, got, resp.Cookies())
		}
		if status, stderr := stop(); status != exitOK {
			t.Errorf("%s: serve exit = %d: %s", how, status, stderr)
		}
	}
}
