package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socfeed/socfeed/logs"
)

func signinLines(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"TimeGenerated":"2024-01-05T10:%02d:00Z","Id":"id-%d","UserPrincipalName":"user%d@contoso.com","ResultType":"%d"}`+"\n", i%60, i, i, []int{0, 50126}[i%2])
	}
	return b.String()
}

// squeeze replaces each run of spaces with one space, so tests need not count columns.
func squeeze(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return s
}

func TestIngestStoreAndQuery(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "SigninLogs.jsonl")
	b := filepath.Join(dir, "b", "SigninLogs_retry.jsonl")
	audit := filepath.Join(dir, "export.json")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.MkdirAll(filepath.Dir(b), 0o755)
	os.WriteFile(a, []byte(signinLines(20)), 0o644)
	// The retry repeats the last 10 rows and adds 5, with one broken line.
	os.WriteFile(b, []byte(strings.Join(strings.SplitAfter(signinLines(25), "\n")[10:], "")+`{"TimeGenerated":"yesterday"}`+"\n"), 0o644)
	os.WriteFile(audit, []byte(`[{"TimeGenerated":"2024-01-05T10:00:00Z","Id":"x","OperationName":"Add member to role"}]`), 0o644)
	store := filepath.Join(dir, "store")

	code, out, stderr := runCmd(t, "ingest", "--store", store, "--dedup", "--table", "AuditLogs="+audit, filepath.Join(dir, "a"), filepath.Join(dir, "b"))
	if code != exitOK {
		t.Fatalf("ingest = %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		"read 3 files",
		"AuditLogs 1 0 0",
		"SigninLogs 25 1 10",
		"rejected records:\n " + b + `:16: column "TimeGenerated": expected datetime, found "yesterday"`,
		"store " + store + ": 2 tables, 26 rows after 1 ingests",
	} {
		if !strings.Contains(squeeze(out), want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want quiet when not a terminal", stderr)
	}
	if !logs.IsStore(store) {
		t.Fatalf("no store at %s", store)
	}

	// Ingesting the same files again with --dedup adds nothing.
	code, out, _ = runCmd(t, "ingest", "--store", store, "--dedup", filepath.Join(dir, "a"))
	if code != exitOK || !strings.Contains(squeeze(out), "SigninLogs 0 0 20") || !strings.Contains(out, "26 rows after 2 ingests") {
		t.Errorf("second ingest = %d:\n%s", code, out)
	}

	code, out, stderr = runCmd(t, "query", "--data", store, "SigninLogs | summarize n = count(), users = dcount(UserPrincipalName)")
	if code != exitOK || !strings.Contains(out, "25") {
		t.Errorf("query over the store = %d, %q, %q", code, out, stderr)
	}
}

func TestIngestStrictAndUsage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "SigninLogs.jsonl")
	os.WriteFile(path, []byte(signinLines(2)+`{"TimeGenerated":`+"\n"+signinLines(2)), 0o644)
	code, _, stderr := runCmd(t, "ingest", "--strict", path)
	if want := path + ":3: "; code != exitError || !strings.Contains(stderr, want) {
		t.Errorf("ingest --strict = %d, %q; want exit %d naming %s", code, stderr, exitError, want)
	}
	code, out, _ := runCmd(t, "ingest", path)
	if code != exitOK || !strings.Contains(squeeze(out), "SigninLogs 4 1 0") {
		t.Errorf("ingest without --strict = %d:\n%s", code, out)
	}
	for _, args := range [][]string{{"ingest"}, {"ingest", "--table", "nopath", path}, {"ingest", "--bogus"}} {
		if code, _, _ := runCmd(t, args...); code != exitUsage {
			t.Errorf("%v = %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, stderr := runCmd(t, "ingest", filepath.Join(dir, "missing.json")); code != exitError || !strings.Contains(stderr, "missing.json") {
		t.Errorf("ingest of a missing file = %d, %q", code, stderr)
	}
}

func TestIngestProgressLine(t *testing.T) {
	var p logs.Progress
	p.Bytes.Add(12_500_000)
	p.Rows.Add(40_000)
	p.Rejected.Add(3)
	got := ingestProgressLine(&p, 2*time.Second)
	if want := "ingest: 12.5 MB read, 40000 rows (20000 rows/s), 3 rejected"; got != want {
		t.Errorf("ingestProgressLine = %q, want %q", got, want)
	}
}
