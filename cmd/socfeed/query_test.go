package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/schema"
)

// writeSignins writes a small SigninLogs JSON-lines export into a temporary folder.
func writeSignins(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rows := []string{
		`{"TimeGenerated":"2024-01-01T10:00:00Z","UserPrincipalName":"alice@contoso.com","ResultType":"0","IPAddress":"10.0.0.1","AppDisplayName":"Azure Portal"}`,
		`{"TimeGenerated":"2024-01-01T11:00:00Z","UserPrincipalName":"bob@contoso.com","ResultType":"50126","IPAddress":"10.0.0.2","AppDisplayName":"Azure Portal"}`,
		`{"TimeGenerated":"2024-01-01T12:00:00Z","UserPrincipalName":"bob@contoso.com","ResultType":"50126","IPAddress":"10.0.0.2","AppDisplayName":"Microsoft Teams"}`,
	}
	if err := os.WriteFile(filepath.Join(dir, "SigninLogs.jsonl"), []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestQueryTable(t *testing.T) {
	dir := writeSignins(t)
	code, out, errs := runCmd(t, "query", "--data", dir, `SigninLogs | where ResultType != "0" | summarize n=count() by UserPrincipalName`)
	if code != exitOK {
		t.Fatalf("query exit %d, stderr:\n%s", code, errs)
	}
	want := "UserPrincipalName  n\n-----------------  -\nbob@contoso.com    2\n(1 rows)\n"
	if out != want {
		t.Errorf("query output:\n%s\nwant:\n%s", out, want)
	}
}

func TestQueryFormats(t *testing.T) {
	code, out, errs := runCmd(t, "query", "--format", "json", "--as-of", "2024-01-02T03:04:05Z",
		`print t = now(), s = 1h, d = dynamic({"a":[1,2]}), n = long(null)`)
	if code != exitOK {
		t.Fatalf("query exit %d, stderr:\n%s", code, errs)
	}
	// The Kusto REST API v1 response shape.
	var doc struct {
		Tables []struct {
			TableName string
			Columns   []struct{ ColumnName, DataType, ColumnType string }
			Rows      [][]any
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if len(doc.Tables) != 1 || doc.Tables[0].TableName != "Table_0" || doc.Tables[0].Columns[0].ColumnName != "t" ||
		doc.Tables[0].Columns[0].ColumnType != "datetime" || doc.Tables[0].Columns[0].DataType != "DateTime" {
		t.Fatalf("json tables = %+v, want one v1 table Table_0 with typed columns", doc.Tables)
	}
	row := doc.Tables[0].Rows[0]
	if ts, _ := row[0].(string); !strings.HasPrefix(ts, "2024-01-02T03:04:05") || !strings.HasSuffix(ts, "Z") || row[1] != "01:00:00" || row[3] != nil {
		t.Errorf("json row = %v", row)
	}
	if m, ok := row[2].(map[string]any); !ok || len(m["a"].([]any)) != 2 {
		t.Errorf("dynamic cell = %#v, want an object", row[2])
	}

	code, out, _ = runCmd(t, "query", "--format", "csv", `datatable(a:long, b:string)[1, "x,y"]`)
	if code != exitOK || out != "a,b\n1,\"x,y\"\n" {
		t.Errorf("csv output = %d %q", code, out)
	}
}

func TestQueryFromFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "q.kql")
	os.WriteFile(f, []byte("range x from 1 to 3 step 1\n| summarize s = sum(x)\n"), 0o644)
	code, out, errs := runCmd(t, "query", "-f", f, "--format", "csv")
	if code != exitOK || out != "s\n6\n" {
		t.Errorf("query -f = %d %q %q", code, out, errs)
	}
}

// TestQueryTableFlag reads a file whose name names no table as SigninLogs with --table.
func TestQueryTableFlag(t *testing.T) {
	dir := writeSignins(t)
	other := filepath.Join(t.TempDir(), "export.jsonl")
	b, err := os.ReadFile(filepath.Join(dir, "SigninLogs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "query", "--table", "SigninLogs="+other, `SigninLogs | summarize n=count()`)
	if code != exitOK {
		t.Fatalf("query exit %d, stderr:\n%s", code, errs)
	}
	if want := "n\n-\n3\n(1 rows)\n"; out != want {
		t.Errorf("query --table output:\n%s\nwant:\n%s", out, want)
	}
	code, _, errs = runCmd(t, "query", "--table", "SigninLogs", "print 1")
	if code != exitUsage || !strings.Contains(errs, "--table: expected NAME=PATH") {
		t.Errorf("query --table SigninLogs = %d, %q; want a usage error", code, errs)
	}
}

func TestQueryErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"query"}, exitUsage, "expected a query"},
		{[]string{"query", "--format", "xml", "print 1"}, exitUsage, "--format"},
		{[]string{"query", "print x = "}, exitError, "1:"},
		{[]string{"query", "--no-check", "print x = nosuchfn(1)"}, exitError, `unknown function "nosuchfn"`},
		{[]string{"query", "print x = nosuchfn(1)"}, exitError, "1:11: unknown function 'nosuchfn'\n    print x = nosuchfn(1)\n              ^"},
		{[]string{"query", "print x = 1 |"}, exitError, "1:14: "},
	}
	for _, tt := range tests {
		code, _, errs := runCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("run(%q) = %d, %q; want %d and %q", tt.args, code, errs, tt.code, tt.msg)
		}
	}
}

func TestExplain(t *testing.T) {
	dir := writeSignins(t)
	code, out, errs := runCmd(t, "explain", "--data", dir,
		`SigninLogs | extend u = tolower(UserPrincipalName) | where ResultType == "0" | project u`)
	if code != exitOK {
		t.Fatalf("explain exit %d, stderr:\n%s", code, errs)
	}
	// The filter reads no computed column, so it is pushed below the extend, and the scan
	// reads only the two columns the query needs.
	for _, want := range []string{"extend [u=tolower(", "where (ResultType#", "scan SigninLogs columns=[ResultType, UserPrincipalName]"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "extend") > strings.Index(out, "where") {
		t.Errorf("where was not pushed below extend:\n%s", out)
	}
}

// TestCorpusPlans plans and runs (over empty tables) every corpus query that Microsoft's
// analyser accepts, and reports how many socfeed can run. It fails only below a floor.
func TestCorpusPlans(t *testing.T) {
	recs := sharedtest.Corpus(t)
	cat := schema.Default()
	reg := funcs.Default()
	// Offline: externaldata URLs fail instead of touching the network.
	eng := &exec.Engine{Funcs: reg, Tables: map[string]*column.Table{}, External: &exec.Fetcher{Offline: true}}
	env := eng.PlanEnv(cat.Fields)
	total, ran := 0, 0
	reasons := map[string]int{}
	example := map[string]string{}
	for _, rec := range recs {
		if rec.SemanticOK == nil || !*rec.SemanticOK || rec.DuplicateOf != nil {
			continue
		}
		total++
		q, err := exec.Compile(rec.Query, env)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err = eng.Run(ctx, q)
			cancel()
		}
		if err != nil {
			msg := err.Error()
			if i := strings.Index(msg, ": "); i > 0 && i < 12 {
				msg = msg[i+2:]
			}
			msg = strings.SplitN(msg, "\n", 2)[0]
			reasons[msg]++
			example[msg] = rec.ID
			continue
		}
		ran++
	}
	t.Logf("corpus: %d / %d analyser-clean queries plan and run over empty tables", ran, total)
	top := sharedtest.ByCount(reasons)
	for _, k := range top[:min(len(top), 25)] {
		t.Logf("  %4d  %s  (e.g. %s)", reasons[k], k, example[k])
	}
	if ran < corpusFloor {
		t.Errorf("corpus: %d queries run, below the floor of %d", ran, corpusFloor)
	}
}

// corpusFloor is a little below the achieved figure, so regressions fail.
const corpusFloor = 2750

// TestQueryExternalDataOffline runs a query that reads an IOC list from a URL with the URL
// mapped to a local file, from a mirror folder, and unmapped with --offline.
func TestQueryExternalDataOffline(t *testing.T) {
	dir := writeSignins(t)
	const url = "https://feeds.example.invalid/lists/bad-ips.csv"
	list := filepath.Join(t.TempDir(), "bad-ips.csv")
	if err := os.WriteFile(list, []byte("10.0.0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	query := `let bad = externaldata(ip:string)["` + url + `"] with (format="csv"); SigninLogs | where IPAddress in (bad) | summarize n=count() by UserPrincipalName`
	code, out, errs := runCmd(t, "query", "--offline", "--url", url+"="+list, "--data", dir, "--format", "csv", query)
	if code != exitOK || out != "UserPrincipalName,n\nbob@contoso.com,2\n" {
		t.Errorf("--url: exit %d, out %q, stderr %q", code, out, errs)
	}
	mirror := t.TempDir()
	if err := os.MkdirAll(filepath.Join(mirror, "feeds.example.invalid", "lists"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mirror, "feeds.example.invalid", "lists", "bad-ips.csv"), []byte("10.0.0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCmd(t, "query", "--offline", "--url-dir", mirror, "--data", dir, "--format", "csv", query)
	if code != exitOK || out != "UserPrincipalName,n\nalice@contoso.com,1\n" {
		t.Errorf("--url-dir: exit %d, out %q, stderr %q", code, out, errs)
	}
	code, _, errs = runCmd(t, "query", "--offline", "--data", dir, query)
	if code != exitError || !strings.Contains(errs, url) || !strings.Contains(errs, exec.OfflineMessage) {
		t.Errorf("--offline unmapped: exit %d, stderr %q; want exit 1 naming the URL", code, errs)
	}
	code, _, errs = runCmd(t, "query", "--url", "nourl", query)
	if code != exitUsage || !strings.Contains(errs, "--url: expected URL=PATH") {
		t.Errorf("--url without '=': exit %d, stderr %q", code, errs)
	}
}

// TestQueryWorkspaceFunctions runs queries that call stored functions from --functions
// (a .kql file and a Sentinel parser YAML) and _GetWatchlist over --watchlist.
func TestQueryWorkspaceFunctions(t *testing.T) {
	dir := writeSignins(t)
	fdir := t.TempDir()
	files := map[string]string{
		"funcs.kql":   "let Failures = view () { SigninLogs | where ResultType != \"0\" };\n",
		"Parser.yaml": "FunctionName: SigninsOf\nFunctionAlias: SigninsOf\nFunctionParams:\n  - Name: app\n    Type: string\n    Default: Azure Portal\nFunctionQuery: |\n  SigninLogs\n  | where AppDisplayName == app\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(fdir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vip := filepath.Join(t.TempDir(), "vip.csv")
	if err := os.WriteFile(vip, []byte("\ufeffRole,UPN\nCFO,bob@contoso.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "query", "--data", dir, "--functions", fdir, "--watchlist", "VIPs="+vip+"#UPN", "--format", "csv",
		`Failures | join kind=inner (SigninsOf()) on $left.UserPrincipalName == $right.UserPrincipalName
		 | where UserPrincipalName in ((_GetWatchlist("VIPs") | project SearchKey)) | summarize n = count() by UserPrincipalName`)
	if code != exitOK || out != "UserPrincipalName,n\nbob@contoso.com,2\n" {
		t.Errorf("exit %d, out %q, stderr %q", code, out, errs)
	}
	if !strings.Contains(errs, "watchlist VIPs: 1 items") {
		t.Errorf("stderr %q does not report the watchlist", errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.kql")
	if err := os.WriteFile(bad, []byte("let X = () {\n  SigninLogs | where\n};\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCmd(t, "query", "--functions", bad, "print 1")
	if code != exitError || !strings.Contains(errs, bad+":3:1: ") {
		t.Errorf("broken functions file: exit %d, stderr %q; want exit 1 at %s:3:1", code, errs, bad)
	}
	code, _, errs = runCmd(t, "query", "--watchlist", "NoFile", "print 1")
	if code != exitError || !strings.Contains(errs, "--watchlist: expected ALIAS=PATH") {
		t.Errorf("bad --watchlist: exit %d, stderr %q", code, errs)
	}
}
