package kusto

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/logs"
)

// signinRows are SigninLogs rows in the Log Analytics export format.
const signinRows = `{"TimeGenerated":"2024-03-01T10:00:00Z","UserPrincipalName":"alice@contoso.com","IPAddress":"203.0.113.5","ResultType":"0","AppDisplayName":"Azure Portal","LocationDetails":{"city":"Oslo","countryOrRegion":"NO"}}
{"TimeGenerated":"2024-03-01T11:30:00Z","UserPrincipalName":"bob@contoso.com","IPAddress":"198.51.100.7","ResultType":"50126","AppDisplayName":"Office 365","LocationDetails":{"city":"Lima","countryOrRegion":"PE"}}
{"TimeGenerated":"2024-03-02T09:15:00.1234567Z","UserPrincipalName":"alice@contoso.com","IPAddress":"198.51.100.7","ResultType":"50126","AppDisplayName":"Azure Portal","LocationDetails":{"city":"Lima","countryOrRegion":"PE"}}
{"TimeGenerated":"2024-03-03T23:59:59Z","UserPrincipalName":"carol@contoso.com","IPAddress":"192.0.2.1","ResultType":"0","AppDisplayName":"Office 365","LocationDetails":{}}
`

// heartbeatRows are rows of a table the catalog does not know (types are inferred).
const heartbeatRows = `{"Computer":"web-1","Seq":1,"Load":0.25}
{"Computer":"web-2","Seq":2,"Load":1.5}
`

// testDatabase loads the test rows into a Database.
func testDatabase(t *testing.T) *Database {
	t.Helper()
	dir := t.TempDir()
	for name, rows := range map[string]string{"SigninLogs.jsonl": signinRows, "Heartbeat_custom.jsonl": heartbeatRows} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rows), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	over := map[string]string{filepath.Join(dir, "Heartbeat_custom.jsonl"): "Beats_CL"}
	db, rep, err := LoadDatabase(context.Background(), []string{filepath.Join(dir, "SigninLogs.jsonl"), filepath.Join(dir, "Heartbeat_custom.jsonl")},
		logs.Options{TableOverride: over, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 {
		t.Fatalf("rejected rows: %v", rep.Rejected)
	}
	return db
}

// testServer starts a Kusto endpoint over the test database, named "SecurityLogs".
func testServer(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	if opts.Databases == nil {
		opts.Databases = map[string]*Database{"SecurityLogs": testDatabase(t)}
	}
	srv := httptest.NewServer(NewHandler(opts))
	t.Cleanup(srv.Close)
	return srv
}

func TestRequireToken(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8080", false},
		{"localhost:8080", false},
		{"[::1]:8080", false},
		{"0.0.0.0:8080", true},
		{":8080", true},
		{"192.0.2.10:8080", true},
		{"example.com:443", true},
	}
	for _, tt := range tests {
		if got := RequireToken(tt.addr); got != tt.want {
			t.Errorf("RequireToken(%q) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestParseProperties(t *testing.T) {
	// properties may come as an object or as a JSON string holding one.
	for _, raw := range []string{
		`{"Options":{"servertimeout":"00:01:30","truncationmaxrecords":5,"query_now":"2024-03-04T00:00:00Z","notruncation":false}}`,
		`"{\"Options\":{\"servertimeout\":\"00:01:30\",\"truncationmaxrecords\":\"5\",\"query_now\":\"2024-03-04T00:00:00Z\"}}"`,
	} {
		p, err := parseProperties([]byte(raw))
		if err != nil {
			t.Fatalf("parseProperties(%s): %v", raw, err)
		}
		if p.serverTimeout.String() != "1m30s" || p.truncMaxRecords != 5 || p.now.Format("2006-01-02") != "2024-03-04" {
			t.Errorf("parseProperties(%s) = %+v", raw, p)
		}
	}
	for _, raw := range []string{`{"Options":{"servertimeout":"soon"}}`, `{"Options":{"query_now":"yesterday-ish"}}`, `{"Options":{"truncationmaxrecords":-1}}`, `[1]`} {
		if _, err := parseProperties([]byte(raw)); err == nil || !strings.Contains(err.Error(), "bad") {
			t.Errorf("parseProperties(%s) = %v, want a bad-value error", raw, err)
		}
	}
}
