package kusto

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestJSClient runs Microsoft's Node client (azure-kusto-data, installed in
// testclient-js by scripts/install-js-client.sh) against the handler.
func TestJSClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; run scripts/install-js-client.sh")
	}
	if _, err := os.Stat(filepath.Join("testclient-js", "node_modules", "azure-kusto-data")); err != nil {
		t.Skip("testclient-js/node_modules is missing; run scripts/install-js-client.sh")
	}
	srv := testServer(t, Options{})
	queries := []string{
		`print d = datetime(2024-03-02T09:15:00.1234567Z), ts = 1d + 2h + 500ms, dyn = dynamic({"a": [1, "x"]}), l = 9007199254740991,
			r = 0.25, b = true, g = guid(123e27de-1e4e-49d9-b579-fe0b331d3642), s = "x\ty", n = long(null), nan = real(nan)`,
		`SigninLogs | summarize n = count() by UserPrincipalName | order by UserPrincipalName asc`,
		`.show tables`,
		`SigninLogs | wher x`,
		`range x from 1 to 20 step 1 | where x > 18`,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"query.mjs"}, queries...)...)
	cmd.Dir = "testclient-js"
	cmd.Env = append(os.Environ(), "KUSTO_URL="+srv.URL, "KUSTO_DB=SecurityLogs")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node query.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Results []struct {
			Query   string
			Columns []struct{ Name, Type string }
			Rows    [][]any
			Error   string
			Status  int
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %s: %v", out, err)
	}
	if len(got.Results) != len(queries) {
		t.Fatalf("got %d results, want %d: %s", len(got.Results), len(queries), out)
	}
	typed := got.Results[0]
	if typed.Error != "" || len(typed.Rows) != 1 {
		t.Fatalf("typed query: %+v", typed)
	}
	wantRow := []any{
		map[string]any{"date": "2024-03-02T09:15:00.123Z"}, // JavaScript dates hold milliseconds
		93600500.0, // timespan in milliseconds
		map[string]any{"a": []any{1.0, "x"}},
		9007199254740991.0,
		0.25,
		true,
		"123e27de-1e4e-49d9-b579-fe0b331d3642",
		"x\ty",
		nil,
		"NaN",
	}
	if diff := cmp.Diff(wantRow, typed.Rows[0]); diff != "" {
		t.Errorf("typed row (-want +got):\n%s", diff)
	}
	var types []string
	for _, c := range typed.Columns {
		types = append(types, c.Type)
	}
	if diff := cmp.Diff([]string{"datetime", "timespan", "dynamic", "long", "real", "bool", "guid", "string", "long", "real"}, types); diff != "" {
		t.Errorf("column types (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]any{{"alice@contoso.com", 2.0}, {"bob@contoso.com", 1.0}, {"carol@contoso.com", 1.0}}, got.Results[1].Rows); diff != "" {
		t.Errorf("summarize (-want +got):\n%s", diff)
	}
	if r := got.Results[2]; r.Error != "" || len(r.Rows) != 2 || r.Rows[0][0] != "Beats_CL" {
		t.Errorf(".show tables: %+v", r)
	}
	if r := got.Results[3]; r.Status != 400 || !strings.Contains(r.Error, "Syntax error") || !strings.Contains(r.Error, "line:position=1:14") {
		t.Errorf("syntax error: %+v", r)
	}
	if r := got.Results[4]; r.Error != "" || len(r.Rows) != 2 || r.Rows[1][0] != 20.0 {
		t.Errorf("range: %+v", r)
	}
}

// TestJSClientToken runs the Node client over TLS with a bearer token, trusting the test
// server's certificate through NODE_EXTRA_CA_CERTS.
func TestJSClientToken(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; run scripts/install-js-client.sh")
	}
	if _, err := os.Stat(filepath.Join("testclient-js", "node_modules", "azure-kusto-data")); err != nil {
		t.Skip("testclient-js/node_modules is missing; run scripts/install-js-client.sh")
	}
	srv := httptest.NewTLSServer(NewHandler(Options{Databases: map[string]*Database{"SecurityLogs": testDatabase(t)}, Token: "s3cret"}))
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(token string) (rows [][]any, errText string, status int) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "query.mjs", "SigninLogs | count")
		cmd.Dir = "testclient-js"
		cmd.Env = append(os.Environ(), "KUSTO_URL="+srv.URL, "KUSTO_DB=SecurityLogs", "KUSTO_TOKEN="+token, "NODE_EXTRA_CA_CERTS="+ca)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node query.mjs: %v\n%s", err, stderr.String())
		}
		var got struct {
			Results []struct {
				Rows   [][]any
				Error  string
				Status int
			}
		}
		if err := json.Unmarshal(out, &got); err != nil || len(got.Results) != 1 {
			t.Fatalf("node output %s: %v", out, err)
		}
		r := got.Results[0]
		return r.Rows, r.Error, r.Status
	}
	if rows, e, _ := run("s3cret"); e != "" || len(rows) != 1 || rows[0][0] != 4.0 {
		t.Errorf("with the token: rows %v, error %q", rows, e)
	}
	if _, e, status := run("wrong"); status != 401 || !strings.Contains(e, "not valid") {
		t.Errorf("with a wrong token: status %d, error %q; want 401", status, e)
	}
}
