package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadStreamingChunks(t *testing.T) {
	dir := t.TempDir()
	data := synthSignins(1200, 97)
	// A record longer than the smallest chunk size.
	long := `{"TimeGenerated":"2024-01-05T10:00:00Z","UserPrincipalName":"` + strings.Repeat("x", 10000) + `"}` + "\n"
	data = append(data, long...)
	plain := filepath.Join(dir, "SigninLogs.jsonl")
	os.WriteFile(plain, data, 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	packed := filepath.Join(dir, "SigninLogs.jsonl.gz")
	os.WriteFile(packed, gz.Bytes(), 0o644)
	for _, path := range []string{plain, packed} {
		ds0, rep0 := load(t, Options{Workers: 1, ChunkSize: 1 << 30}, path)
		if n := rep0.Rows["SigninLogs"]; n != 1201-12 {
			t.Fatalf("%s: rows %d, want %d", path, n, 1201-12)
		}
		want := rowsOf(ds0.Tables["SigninLogs"])
		for _, o := range []Options{{Workers: 1, ChunkSize: 4096}, {Workers: 2, ChunkSize: 4096}, {Workers: 2, ChunkSize: 64 << 10}} {
			ds, rep := load(t, o, path)
			if diff := cmp.Diff(rep0.Rejected, rep.Rejected); diff != "" {
				t.Errorf("%s, %d workers, %d-byte chunks: rejections (-one piece +chunked):\n%s", path, o.Workers, o.ChunkSize, diff)
			}
			if diff := cmp.Diff(want, rowsOf(ds.Tables["SigninLogs"])); diff != "" {
				t.Errorf("%s, %d workers, %d-byte chunks: rows differ (-one piece +chunked):\n%s", path, o.Workers, o.ChunkSize, diff)
			}
			if rep.Bytes != int64(len(data)) {
				t.Errorf("Bytes = %d, want %d", rep.Bytes, len(data))
			}
		}
	}
}

func TestLoadStrictFirstRejection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "SigninLogs.jsonl")
	os.WriteFile(path, synthSignins(2000, 300), 0o644)
	for _, workers := range []int{1, 2} {
		_, _, err := Load(context.Background(), []string{path}, Options{Strict: true, Workers: workers, ChunkSize: 8192})
		want := path + ":301: "
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%d workers: strict error = %v, want %s...", workers, err, want)
		}
	}
	ok := filepath.Join(t.TempDir(), "SigninLogs.jsonl")
	os.WriteFile(ok, synthSignins(100, 0), 0o644)
	if _, _, err := Load(context.Background(), []string{ok}, Options{Strict: true}); err != nil {
		t.Errorf("strict load of a clean file: %v", err)
	}
}

func TestLoadRoutesRowsByType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "query-results.jsonl")
	var b strings.Builder
	for i, typ := range []string{"SigninLogs", "AuditLogs", "SigninLogs", "NoSuchTable", "AuditLogs"} {
		fmt.Fprintf(&b, `{"TimeGenerated":"2024-01-05T10:00:0%dZ","OperationName":"op%d","Type":%q}`+"\n", i, i, typ)
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	ds, rep := load(t, Options{}, path)
	want := map[string]int{"SigninLogs": 2, "AuditLogs": 2, "query-results": 1}
	if diff := cmp.Diff(want, rep.Rows); diff != "" {
		t.Errorf("Rows (-want +got):\n%s", diff)
	}
	if got := show(t, ds.Tables["AuditLogs"], "OperationName", 1); got != "op4" {
		t.Errorf("AuditLogs row 1 = %q, want op4", got)
	}
	// An override names the table of every row.
	_, rep = load(t, Options{TableOverride: map[string]string{path: "AuditLogs"}}, path)
	if diff := cmp.Diff(map[string]int{"AuditLogs": 5}, rep.Rows); diff != "" {
		t.Errorf("with override, Rows (-want +got):\n%s", diff)
	}
}

func TestProgressCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "SigninLogs.jsonl")
	data := synthSignins(500, 99)
	os.WriteFile(path, data, 0o644)
	var p Progress
	_, rep := load(t, Options{Progress: &p, ChunkSize: 16 << 10}, path)
	if p.Bytes.Load() != int64(len(data)) || p.Rows.Load() != int64(rep.Rows["SigninLogs"]) || p.Rejected.Load() != int64(len(rep.Rejected)) {
		t.Errorf("progress = %d bytes, %d rows, %d rejected; want %d, %d, %d", p.Bytes.Load(), p.Rows.Load(), p.Rejected.Load(), len(data), rep.Rows["SigninLogs"], len(rep.Rejected))
	}
}

func TestLoadRoutesCSVRowsByType(t *testing.T) {
	// A portal export of "union SigninLogs, AuditLogs": one header, each row its table's.
	path := filepath.Join(t.TempDir(), "query_data.csv")
	os.WriteFile(path, []byte("TimeGenerated [UTC],Type,UserPrincipalName,ResultType,OperationName,Result,AADOperationType\n"+
		"\"1/5/2024, 10:00:00.000 AM\",SigninLogs,alice@contoso.com,0,,,\n"+
		"\"1/5/2024, 10:01:00.000 AM\",AuditLogs,,,Add member to role,success,Assign\n"+
		"\"1/5/2024, 10:02:00.000 AM\",SigninLogs,bob@contoso.com,50126,,,\n"), 0o644)
	ds, rep := load(t, Options{}, path)
	if diff := cmp.Diff(map[string]int{"SigninLogs": 2, "AuditLogs": 1}, rep.Rows); diff != "" {
		t.Errorf("Rows (-want +got):\n%s", diff)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings %q, want none: the other tables' empty columns are not kept", rep.Warnings)
	}
	if got := show(t, ds.Tables["AuditLogs"], "OperationName", 0); got != "Add member to role" {
		t.Errorf("AuditLogs OperationName = %q", got)
	}
	if got := show(t, ds.Tables["SigninLogs"], "ResultType", 1); got != "50126" {
		t.Errorf("SigninLogs ResultType[1] = %q", got)
	}
}
