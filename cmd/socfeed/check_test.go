package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/internal/sharedtest"
)

// writeFiles creates files (path → content) under a temporary folder and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckText(t *testing.T) {
	dir := writeFiles(t, map[string]string{"q.kql": "SigninLogs\n| where ipaddress == \"x\"\n"})
	p := filepath.Join(dir, "q.kql")
	code, out, errOut := runCmd(t, "check", p)
	want := p + ":2:9: unknown column 'ipaddress'; did you mean 'IPAddress'?\n" +
		"\t| where ipaddress == \"x\"\n" +
		"\t        ^\n" +
		"1 file, 1 error, 0 warnings\n"
	if code != exitError || out != want {
		t.Errorf("check q.kql = %d, stdout (-want +got):\n%s\nstderr: %s", code, cmp.Diff(want, out), errOut)
	}
}

func TestCheckJSON(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"good.kql": "SigninLogs | take 1",
		"bad.csl":  "SigninLogs | extend x = TimeGenerated + TimeGenerated",
	})
	code, out, _ := runCmd(t, "check", "--format", "json", filepath.Join(dir, "good.kql"), filepath.Join(dir, "bad.csl"))
	if code != exitError {
		t.Errorf("check --format json = %d, want %d", code, exitError)
	}
	var got struct {
		Files []struct {
			Path        string
			Diagnostics []fileDiag
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got.Files) != 2 || len(got.Files[0].Diagnostics) != 0 {
		t.Fatalf("files = %+v, want good.kql clean then bad.csl", got.Files)
	}
	want := []fileDiag{{Line: 1, Col: 25, Severity: "error", Message: "operator '+' is not defined for datetime and datetime"}}
	if diff := cmp.Diff(want, got.Files[1].Diagnostics); diff != "" {
		t.Errorf("bad.csl diagnostics (-want +got):\n%s", diff)
	}
	if !strings.Contains(out, `"diagnostics": []`) {
		t.Errorf("a clean file must list an empty diagnostics array:\n%s", out)
	}
}

func TestCheckSyntaxOnly(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"names.kql":  "NoSuchTable | where x == 1",
		"broken.kql": "SigninLogs | where (",
	})
	if code, out, _ := runCmd(t, "check", "--syntax-only", filepath.Join(dir, "names.kql")); code != exitOK {
		t.Errorf("check --syntax-only names.kql = %d, %s; want %d", code, out, exitOK)
	}
	if code, out, _ := runCmd(t, "check", filepath.Join(dir, "names.kql")); code != exitError || !strings.Contains(out, "unknown table 'NoSuchTable'") {
		t.Errorf("check names.kql = %d, %s; want an unknown table error", code, out)
	}
	code, out, _ := runCmd(t, "check", filepath.Join(dir, "broken.kql"), "--syntax-only")
	if code != exitError || !strings.Contains(out, "broken.kql:1:") {
		t.Errorf("check broken.kql --syntax-only = %d, %s; want a syntax error", code, out)
	}
}

func TestCheckFolder(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.kql":           "SigninLogs | take 1",
		"sub/b.csl":       "AuditLogs | project Nope",
		"sub/notes.yaml":  "title: not a rule\n",
		".hidden/c.kql":   "Broken |",
		"sub/readme.txt":  "not KQL",
		"rules/r.yaml":    "id: 1\nname: r\nquery: |\n  SigninLogs\n  | where Bogus == 1\n",
		"rules/clean.yml": "id: 2\nname: c\nquery: SigninLogs | take 1\n",
	})
	code, out, _ := runCmd(t, "check", dir)
	if code != exitError {
		t.Errorf("check folder = %d, want %d\n%s", code, exitError, out)
	}
	for _, want := range []string{
		filepath.Join(dir, "sub", "b.csl") + ":1:21: unknown column 'Nope'",
		filepath.Join(dir, "rules", "r.yaml") + ":5:11: unknown column 'Bogus'",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check folder output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hidden") || strings.Contains(out, "notes.yaml") {
		t.Errorf("check folder read a hidden folder or a non-rule YAML:\n%s", out)
	}
	if !strings.Contains(out, "4 files, ") {
		t.Errorf("check folder summary should count 4 files:\n%s", out)
	}
}

func TestCheckErrors(t *testing.T) {
	code, out, _ := runCmd(t, "check", filepath.Join(t.TempDir(), "missing.kql"))
	if code != exitError || !strings.Contains(out, "no such file") {
		t.Errorf("check missing.kql = %d, %s", code, out)
	}
	if code, _, errOut := runCmd(t, "check", "--format", "xml", "x.kql"); code != exitUsage || !strings.Contains(errOut, "unknown format") {
		t.Errorf("check --format xml = %d, %s", code, errOut)
	}
	if code, _, _ := runCmd(t, "check"); code != exitUsage {
		t.Errorf("check without paths = %d, want %d", code, exitUsage)
	}
}

func TestCheckSeed(t *testing.T) {
	upstream := sharedtest.Dir(t, "seeds", "seed-rule.upstream.yaml")
	code, out, _ := runCmd(t, "check", upstream)
	if code != exitError {
		t.Errorf("check seed-rule.upstream.yaml = %d, want %d", code, exitError)
	}
	want := upstream + ":67:5: query block swallows what looks like the YAML key 'entityMappings:'"
	if !strings.Contains(out, want) || !strings.Contains(out, "indented into the 'query: |' block") {
		t.Errorf("check seed-rule.upstream.yaml output lacks %q:\n%s", want, out)
	}
	fixed := sharedtest.Dir(t, "seeds", "seed-rule.yaml")
	code, out, _ = runCmd(t, "check", fixed)
	if code != exitOK || !strings.HasSuffix(out, "1 file, 0 errors, 0 warnings\n") {
		t.Errorf("check seed-rule.yaml = %d, %s; want clean", code, out)
	}
}
