package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const syncTestRule = `id: 7d6c5b4a-3f2e-4d1c-8b9a-0f1e2d3c4b5a
name: Failed portal sign-ins
description: 'Failed sign-ins to the Azure Portal.'
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - CredentialAccess
relevantTechniques:
  - T1110
query: |
  SigninLogs
  | where AppDisplayName == "Azure Portal" and ResultType == "50126"
  | project TimeGenerated, UserPrincipalName, IPAddress
kind: Scheduled
`

func TestSync(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "portal.yaml"), []byte(syncTestRule), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("id: x\nname: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(t.TempDir(), "store")
	code, out, stderr := runCmd(t, "sync", "--store", store, dir)
	if code != exitOK {
		t.Fatalf("sync = %d, stderr %q", code, stderr)
	}
	want := filepath.Base(dir) + " (folder): 1 rule: 1 new, 0 changed, 0 unchanged, 0 removed; 1 file error, 0 warnings"
	if !strings.Contains(out, want) || !strings.Contains(out, "bad.yaml:") {
		t.Errorf("sync output = %q, want %q and the bad file's error", out, want)
	}
	if _, err := os.Stat(filepath.Join(store, "catalog.db")); err != nil {
		t.Errorf("no catalog in the store: %v", err)
	}
	code, out, _ = runCmd(t, "sync", dir, "--store", store, "--format", "json")
	if code != exitOK {
		t.Fatalf("second sync = %d", code)
	}
	var res struct {
		Sources []syncResult `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if len(res.Sources) != 1 || res.Sources[0].Unchanged != 1 || res.Sources[0].New != 0 || len(res.Sources[0].Errors) != 1 {
		t.Errorf("second sync = %+v, want 1 unchanged rule and 1 error", res.Sources)
	}
}

func TestSyncErrors(t *testing.T) {
	store := t.TempDir()
	if code, _, _ := runCmd(t, "sync", "--store", store); code != exitUsage {
		t.Errorf("sync without sources = %d, want %d", code, exitUsage)
	}
	code, _, stderr := runCmd(t, "sync", "--store", store, filepath.Join(store, "missing"))
	if code != exitError || !strings.Contains(stderr, "no such file or directory") {
		t.Errorf("sync of a missing folder = %d, %q", code, stderr)
	}
	code, _, stderr = runCmd(t, "sync", "--store", store, "ftp://example.com/rules")
	if code != exitError || !strings.Contains(stderr, "unsupported URL scheme") {
		t.Errorf("sync of an ftp URL = %d, %q", code, stderr)
	}
	if code, _, _ := runCmd(t, "sync", "--store", store, "--format", "xml", store); code != exitUsage {
		t.Errorf("bad format = %d, want %d", code, exitUsage)
	}
}
