package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/schema"
)

// runKustoSchemaCmd runs `socfeed kusto-schema` (not yet in the command table) as runCmd
// runs a command.
func runKustoSchemaCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runKustoSchema(context.Background(), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// TestKustoSchemaMatchesEndpoint checks the printed table schema against the one socfeed's
// own Kusto endpoint reports for loaded data (`.show table T cslschema`).
func TestKustoSchemaMatchesEndpoint(t *testing.T) {
	dir := writeFiles(t, map[string]string{"data/SigninLogs.jsonl": huntSignins})
	ds, _, err := logs.Load(context.Background(), []string{filepath.Join(dir, "data")}, logs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := kustoServer(t, ds.Tables)
	resp, err := http.Post(srv.URL+"/v1/rest/mgmt", "application/json", strings.NewReader(`{"db": "SecurityLogs", "csl": ".show table SigninLogs cslschema"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v1 struct{ Tables []struct{ Rows [][]any } }
	if err := json.NewDecoder(resp.Body).Decode(&v1); err != nil || len(v1.Tables) == 0 || len(v1.Tables[0].Rows) != 1 {
		t.Fatalf("cslschema response: %v %+v", err, v1)
	}
	csl, _ := v1.Tables[0].Rows[0][1].(string)

	code, out, stderr := runKustoSchemaCmd(t, "SigninLogs")
	if code != exitOK {
		t.Fatalf("kusto-schema SigninLogs = %d, %s", code, stderr)
	}
	want := ".create-merge table SigninLogs (" + strings.ReplaceAll(csl, ",", ", ") + ")\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("kusto-schema SigninLogs (-cslschema +got):\n%s", diff)
	}
}

func TestKustoSchemaIngest(t *testing.T) {
	code, out, stderr := runKustoSchemaCmd(t, "--from", "/kustodata", "AuditLogs", "SigninLogs", "--format", "multijson")
	if code != exitOK {
		t.Fatalf("kusto-schema = %d, %s", code, stderr)
	}
	cmds := strings.Split(strings.TrimSuffix(out, "\n"), "\n\n")
	if len(cmds) != 4 {
		t.Fatalf("got %d commands, want 4:\n%s", len(cmds), out)
	}
	cat := schema.Default()
	re := regexp.MustCompile(`^\.ingest into table (\w+) \("([^"]+)"\) with \(format="multijson", ingestionMapping='(.*)'\)$`)
	for i, name := range []string{"AuditLogs", "SigninLogs"} {
		if !strings.HasPrefix(cmds[2*i], ".create-merge table "+name+" (") {
			t.Errorf("command %d = %.60q, want .create-merge table %s", 2*i, cmds[2*i], name)
		}
		m := re.FindStringSubmatch(cmds[2*i+1])
		if m == nil {
			t.Fatalf("command %d = %q, want an .ingest command", 2*i+1, cmds[2*i+1])
		}
		if m[1] != name || m[2] != "/kustodata/"+name+".jsonl" {
			t.Errorf("ingest into %s from %s", m[1], m[2])
		}
		var mapping []struct {
			Column     string
			Properties struct{ Path string }
		}
		if err := json.Unmarshal([]byte(m[3]), &mapping); err != nil {
			t.Fatalf("mapping of %s: %v", name, err)
		}
		st, _ := cat.Table(name)
		if len(mapping) != len(st.Columns) {
			t.Fatalf("mapping of %s has %d columns, want %d", name, len(mapping), len(st.Columns))
		}
		for j, c := range st.Columns {
			if mapping[j].Column != c.Name || mapping[j].Properties.Path != "$."+c.Name {
				t.Errorf("mapping of %s column %d = %+v, want %s from $.%s", name, j, mapping[j], c.Name, c.Name)
			}
		}
	}
}

func TestKustoSchemaErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, exitUsage, "expected one or more table names"},
		{[]string{"signinlogs"}, exitError, `did you mean "SigninLogs"`},
		{[]string{"NoSuchTable_CL"}, exitError, `unknown table "NoSuchTable_CL"`},
		{[]string{"--format", "csv", "SigninLogs"}, exitUsage, `expected json or multijson, found "csv"`},
	}
	for _, tt := range tests {
		code, _, stderr := runKustoSchemaCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("kusto-schema %v = %d, %q; want %d and %q", tt.args, code, stderr, tt.code, tt.msg)
		}
	}
}

func TestKustoNames(t *testing.T) {
	for in, want := range map[string]string{"SigninLogs": "SigninLogs", "_ResourceId": "_ResourceId", "my table": "['my table']", "it's": `['it\'s']`, "9lives": "['9lives']"} {
		if got := kustoName(in); got != want {
			t.Errorf("kustoName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"a\"b\\c\n": `"a\"b\\c\n"`, `[{"Path":"$.x"}]`: `'[{"Path":"$.x"}]'`, `it's "x"`: `"it's \"x\""`, `/data`: `"/data"`} {
		if got := kustoString(in); got != want {
			t.Errorf("kustoString(%q) = %s, want %s", in, got, want)
		}
	}
}
