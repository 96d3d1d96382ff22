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
	"github.com/socfeed/socfeed/schema"
)

// loadedTables renders every table of a load, rows and schema, for comparisons.
func loadedTables(ds *Dataset) map[string][]string {
	out := map[string][]string{}
	for name, t := range ds.Tables {
		out[name] = rowsOf(t)
	}
	return out
}

// checkChunked loads path in one piece and then in small chunks with 1 and 2 workers,
// and fails when the tables, the rejections, the warnings or the byte count differ. It
// returns the one-piece load.
func checkChunked(t *testing.T, path string, chunks ...int) (*Dataset, *Report) {
	t.Helper()
	ds0, rep0 := load(t, Options{Workers: 1, ChunkSize: 1 << 26}, path)
	want := loadedTables(ds0)
	size := rep0.Bytes
	if len(chunks) == 0 {
		chunks = []int{1, 7, 64, 333, 4096}
	}
	for _, c := range chunks {
		for _, w := range []int{1, 2} {
			ds, rep := load(t, Options{Workers: w, ChunkSize: c}, path)
			if diff := cmp.Diff(rep0.Rejected, rep.Rejected); diff != "" {
				t.Errorf("%s, %d workers, %d-byte chunks: rejections (-one piece +chunked):\n%s", path, w, c, diff)
			}
			if diff := cmp.Diff(rep0.Warnings, rep.Warnings); diff != "" {
				t.Errorf("%s, %d workers, %d-byte chunks: warnings (-one piece +chunked):\n%s", path, w, c, diff)
			}
			if diff := cmp.Diff(want, loadedTables(ds)); diff != "" {
				t.Errorf("%s, %d workers, %d-byte chunks: tables (-one piece +chunked):\n%s", path, w, c, diff)
			}
			if rep.Bytes != size {
				t.Errorf("%s, %d-byte chunks: Bytes = %d, want %d", path, c, rep.Bytes, size)
			}
		}
	}
	return ds0, rep0
}

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tricky is a record whose strings hold the characters that end elements and arrays.
const tricky = `{"TimeGenerated":"2024-03-01T00:00:0%dZ","OperationName":"op %d ], } { [ , \" \\\" \\","Result":"a\"]b","TargetResources":[[1,2],[{"x":"]"}],[]],"AdditionalDetails":[{"key":"k,\"{","value":"v]"}]}`

func trickyRows(n int) []string {
	var rows []string
	for i := 0; i < n; i++ {
		rows = append(rows, fmt.Sprintf(tricky, i%10, i))
	}
	return rows
}

func TestSplitJSONArrayShapes(t *testing.T) {
	rows := trickyRows(40)
	lines := strings.Join(rows, "\n") + "\n"
	cases := map[string]string{
		"compact":  "[" + strings.Join(rows, ",") + "]",
		"pretty":   "[\n  " + strings.Join(rows, ",\n  ") + "\n]\n",
		"bom+crlf": "\ufeff \r\n[\r\n" + strings.Join(rows, " ,\r\n\t") + "\r\n]  \r\n",
		"two":      "[" + strings.Join(rows[:20], ",") + "]\n[" + strings.Join(rows[20:], ",") + "]\n",
		"empties":  "[]\n[ ]\n[" + strings.Join(rows, ",") + "]\n[]",
	}
	jl := writeFile(t, "AuditLogs.jsonl", lines)
	dsLines, _ := load(t, Options{}, jl)
	want := rowsOf(dsLines.Tables["AuditLogs"])
	if len(want) != 40 {
		t.Fatalf("JSON lines: %d rows, want 40", len(want))
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "AuditLogs.json", data)
			ds, rep := checkChunked(t, path)
			if len(rep.Rejected) != 0 {
				t.Errorf("Rejected = %v, want none", rep.Rejected)
			}
			if diff := cmp.Diff(want, rowsOf(ds.Tables["AuditLogs"])); diff != "" {
				t.Errorf("rows differ from the JSON-lines load (-lines +array):\n%s", diff)
			}
		})
	}
}

func TestSplitJSONWrappers(t *testing.T) {
	var recs, graph []string
	for i := 0; i < 30; i++ {
		recs = append(recs, fmt.Sprintf(`{"time":"2024-02-02T08:00:%02dZ","category":"SignInLogs","properties":{"id":"s%d","createdDateTime":"2024-02-02T07:59:00Z","userPrincipalName":"u%d@contoso.com","status":{"errorCode":%d,"failureReason":"x ] \"}"}}}`, i, i, i, i))
		graph = append(graph, fmt.Sprintf(`{"id":"g%d","createdDateTime":"2024-02-02T07:59:%02dZ","userPrincipalName":"u%d@contoso.com","status":{"errorCode":0},"appliedConditionalAccessPolicies":[]}`, i, i, i))
	}
	cases := []struct {
		name, file, data, table string
		rows                    int
	}{
		{"capture", "capture.json", `{"records": [` + strings.Join(recs, ",\n") + `]}`, "SigninLogs", 30},
		{"captures", "capture.json", `{"records":[` + strings.Join(recs[:10], ",") + "]}\n" + `{"records":[` + strings.Join(recs[10:], ",") + "]}\n", "SigninLogs", 30},
		{"graph page", "SigninLogs.page-001.json", `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[` + strings.Join(graph, ",") + `],"@odata.nextLink":"https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=a]b"}`, "SigninLogs", 30},
		{"value last", "SigninLogs.page-002.json", "{\n \"@odata.nextLink\": \"x\",\n \"other\": {\"a\": [1, {\"b\": \"]\"}]},\n \"value\": [\n" + strings.Join(graph, ",\n") + "\n ]\n}\n", "SigninLogs", 30},
		{"not a wrapper", "Thing.json", `{"value": 5, "@odata.context": "x"}` + "\n" + `{"value": [1]}`, "Thing", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, c.file, c.data)
			ds, rep := checkChunked(t, path)
			if rep.Rows[c.table] != c.rows {
				t.Errorf("Rows = %v, want %d %s rows (rejected %v)", rep.Rows, c.rows, c.table, rep.Rejected)
			}
			if c.table == "SigninLogs" {
				if len(rep.Rejected) != 0 {
					t.Errorf("Rejected = %v", rep.Rejected)
				}
				if got := show(t, ds.Tables["SigninLogs"], "UserPrincipalName", 29); got != "u29@contoso.com" {
					t.Errorf("UserPrincipalName[29] = %q", got)
				}
			}
		})
	}
}

func TestSplitJSONErrors(t *testing.T) {
	row := func(i int) string {
		return fmt.Sprintf(`{"TimeGenerated":"2024-03-01T00:00:0%dZ","OperationName":"op%d"}`, i, i)
	}
	three := row(1) + ",\n" + row(2) + ",\n" + row(3)
	cases := []struct {
		name, data string
		ops        []string
		rej        []Rejection
	}{
		{"truncated in a string", "[\n" + three + ",\n" + `{"TimeGenerated":"2024-03-01T00:00:04Z","OperationName":"op`, []string{"op1", "op2", "op3"},
			[]Rejection{{Line: 5, Reason: "5:60: unterminated string"}}},
		{"truncated after an element", "[" + three, []string{"op1", "op2", "op3"},
			[]Rejection{{Line: 3, Reason: "3:63: expected ',' or ']', found end of input"}}},
		{"truncated after a comma", "[" + three + ",\n", []string{"op1", "op2", "op3"},
			[]Rejection{{Line: 4, Reason: "4:1: expected a JSON value, found end of input"}}},
		{"truncated after the bracket", " [", nil,
			[]Rejection{{Line: 1, Reason: "1:3: expected a JSON value, found end of input"}}},
		{"trailing comma", "[" + three + ",]", []string{"op1", "op2", "op3"},
			[]Rejection{{Line: 3, Reason: "3:64: expected a JSON value, found ']'"}}},
		{"missing comma", "[" + row(1) + " " + row(2) + "," + row(3) + "]", []string{"op3"},
			[]Rejection{{Line: 1, Reason: "1:65: expected ',' or ']', found '{'"}}},
		{"broken element mid-line", "[" + row(1) + `,{"TimeGenerated":"2024-03-01T00:00:02Z",},` + row(3) + "]", []string{"op1", "op3"},
			[]Rejection{{Line: 1, Reason: "1:105: expected a member name, found '}'"}}},
		{"not objects", "[1, \"x\", " + row(2) + ", [true]]", []string{"op2"},
			[]Rejection{{Line: 1, Reason: "expected a JSON object, found a JSON number"}, {Line: 1, Reason: "expected a JSON object, found a JSON string"}, {Line: 1, Reason: "expected a JSON object, found a JSON array"}}},
		{"text before", "oops\n[" + row(1) + "]", []string{"op1"},
			[]Rejection{{Line: 1, Reason: "1:1: expected '{' or '[', found 'o'"}}},
		{"broken wrapper member", "{\"records\": [" + strings.ReplaceAll(three, "TimeGenerated", "time") + "],\n \"x\": tru}\n", []string{"op1", "op2", "op3"},
			[]Rejection{{Line: 1, Reason: `4:7: expected "true", found 't'`}}},
		{"truncated wrapper", "{\"value\": [" + three + "], \"@odata.nextLink\": \"htt", []string{"op1", "op2", "op3"},
			[]Rejection{{Line: 1, Reason: "3:89: unterminated string"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "AuditLogs.json", c.data)
			ds, rep := checkChunked(t, path)
			for i := range c.rej {
				c.rej[i].File = path
			}
			if diff := cmp.Diff(c.rej, rep.Rejected); diff != "" {
				t.Errorf("Rejected (-want +got):\n%s", diff)
			}
			var ops []string
			if tab, ok := ds.Tables["AuditLogs"]; ok {
				for i := 0; i < tab.Rows(); i++ {
					ops = append(ops, show(t, tab, "OperationName", i))
				}
			}
			if diff := cmp.Diff(c.ops, ops); diff != "" {
				t.Errorf("OperationName (-want +got):\n%s", diff)
			}
			_, _, err := Load(context.Background(), []string{path}, Options{Strict: true, ChunkSize: 16})
			if want := c.rej[0]; err == nil || err.Error() != want.String() {
				t.Errorf("strict: error %v, want %s", err, want)
			}
		})
	}
}

func TestSplitJSONLargeArray(t *testing.T) {
	// A big array with bad records spread through it, plain and gzip-compressed: the same
	// rows and rejections in one piece and in chunks, and the same rows as JSON lines.
	lines := bytes.Split(bytes.TrimSpace(synthSignins(3000, 0)), []byte("\n"))
	for i := 250; i < len(lines); i += 500 {
		lines[i] = []byte(`{"TimeGenerated":"2024-01-05T10:00:00Z","UserPrincipalName":[}`)
	}
	arr := append(append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...), "\n]\n"...)
	dir := t.TempDir()
	plain := filepath.Join(dir, "SigninLogs.json")
	os.WriteFile(plain, arr, 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(arr)
	zw.Close()
	packed := filepath.Join(dir, "SigninLogs_packed.json.gz")
	os.WriteFile(packed, gz.Bytes(), 0o644)
	ds0, rep0 := checkChunked(t, plain, 4096, 64<<10)
	if len(rep0.Rejected) != 6 || rep0.Rejected[0].Line != 252 || rep0.Rows["SigninLogs"] != 3000-6 {
		t.Errorf("rows %v, rejected %v: want 2994 rows, 6 rejections, the first at line 252", rep0.Rows, rep0.Rejected)
	}
	ds1, _ := checkChunked(t, packed, 4096, 64<<10)
	if diff := cmp.Diff(rowsOf(ds0.Tables["SigninLogs"]), rowsOf(ds1.Tables["SigninLogs"])); diff != "" {
		t.Errorf("gzip rows differ (-plain +gzip):\n%s", diff)
	}
}

func TestSplitCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("\ufeffTimeGenerated [UTC],OperationName,Result,TargetResources\r\n")
	for i := 0; i < 60; i++ {
		switch {
		case i%17 == 5:
			fmt.Fprintf(&b, "\"3/1/2024, 12:00:%02d.000 AM\",op%d,bad\n", i%60, i) // too few fields
		case i%13 == 7:
			fmt.Fprintf(&b, "\"3/1/2024, 12:00:%02d.000 AM\",op%d,x\"y,[]\n", i%60, i) // bare quote
		case i%3 == 0:
			fmt.Fprintf(&b, "\"3/1/2024, 12:00:%02d.000 AM\",\"op%d\nsecond line, \"\"quoted\"\"\n\",\"a,\"\"b\"\"\r\nc\",\"[{\"\"id\"\":\"\"%d\"\"}]\"\r\n", i%60, i, i)
		default:
			fmt.Fprintf(&b, "\"3/1/2024, 12:00:%02d.000 AM\",op%d,success,[]\n", i%60, i)
		}
		if i == 30 {
			b.WriteString("\n") // a blank line
		}
	}
	b.WriteString(`"3/1/2024, 12:01:00.000 AM",last,"unterminated`)
	path := writeFile(t, "AuditLogs_export.csv", b.String())
	ds, rep := checkChunked(t, path)
	tab := ds.Tables["AuditLogs"]
	if tab == nil {
		t.Fatalf("no AuditLogs table: %v", rep.Rows)
	}
	if got, want := show(t, tab, "OperationName", 0), "op0\nsecond line, \"quoted\"\n"; got != want {
		t.Errorf("OperationName[0] = %q, want %q", got, want)
	}
	// Rows 0..59 take one line, or three when i%3 == 0 (and not a bad row); the blank line
	// follows row 30.
	line, wantRej := 2, []Rejection(nil)
	for i := 0; i < 60; i++ {
		switch {
		case i%17 == 5:
			wantRej = append(wantRej, Rejection{File: path, Line: line, Reason: "expected 4 fields, found 3"})
		case i%13 == 7:
			wantRej = append(wantRej, Rejection{File: path, Line: line, Reason: `bare " in non-quoted-field`})
		case i%3 == 0:
			line += 3
		}
		line++
		if i == 30 {
			line++
		}
	}
	wantRej = append(wantRej, Rejection{File: path, Line: line, Reason: `extraneous or missing " in quoted-field`})
	if diff := cmp.Diff(wantRej, rep.Rejected); diff != "" {
		t.Errorf("Rejected (-want +got):\n%s", diff)
	}
	if n := rep.Rows["AuditLogs"]; n != 60-len(wantRej)+1 {
		t.Errorf("rows = %d, want %d", n, 60-len(wantRej)+1)
	}
}

func TestSplitCSVHeaderOnlyAndBadHeader(t *testing.T) {
	_, rep := load(t, Options{ChunkSize: 3}, writeFile(t, "AuditLogs.csv", "TimeGenerated,OperationName\n"))
	if len(rep.Rows) != 0 || len(rep.Rejected) != 0 {
		t.Errorf("header only: rows %v, rejected %v; want none", rep.Rows, rep.Rejected)
	}
	path := writeFile(t, "AuditLogs.csv", "Time\"Generated,OperationName\n1,2\n")
	_, rep = load(t, Options{ChunkSize: 3}, path)
	want := []Rejection{{File: path, Line: 1, Reason: "header: parse error on line 1, column 5: bare \" in non-quoted-field"}}
	if diff := cmp.Diff(want, rep.Rejected); diff != "" {
		t.Errorf("bad header: Rejected (-want +got):\n%s", diff)
	}
}

func TestSkipElem(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{`{"a":"],"},1`, 10},
		{`[[1,2],[3]] ]`, 12},
		{`"x\"],"]`, 7},
		{`"x\\"]`, 5},
		{`{"a":1}`, 7},
		{"\"broken\n, 2", 8},
		{`{"a":[}],3`, 10},
		{"{\"a\":[}],3\n {\"b\":1}", 12},
		{"{\"a\":{\"b\":[1}}\n]", 16},
	} {
		if got := skipElem([]byte(c.in), 0); got != c.want {
			t.Errorf("skipElem(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestCSVRecordEnd(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"a,b\nc", 4},
		{"\"a\nb\",c\nd", 8},
		{"\"a\"\"\n\"\"b\"\nx", 10},
		{"a\"b\nc", 4},
		{"\"a\"b,\"c\nd", 8},
		{"\"a\"\r\nb", 5},
		{"\"a\nb", -1},
		{"a,b", -1},
		{"\"a\"", -1},
	} {
		if got := csvRecordEnd([]byte(c.in), 0); got != c.want {
			t.Errorf("csvRecordEnd(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// csvSignins returns n SigninLogs rows as the portal's CSV export writes them: a
// datetime header with its time zone, JSON columns quoted with doubled quotes, and a
// field with a line break in every tenth row.
func csvSignins(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeffTimeGenerated [UTC],UserPrincipalName,AppDisplayName,ResultType,IPAddress,DeviceDetail,LocationDetails,Status,ConditionalAccessPolicies,UserAgent,CorrelationId,ResultDescription\r\n")
	apps := []string{"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online"}
	for i := 0; i < n; i++ {
		desc := ""
		if i%10 == 0 {
			desc = "\"first line\nsecond, \"\"quoted\"\" line\""
		}
		fmt.Fprintf(&b, "\"1/5/2024, %d:%02d:%02d.000 AM\",user%d@contoso.com,%s,%d,203.0.113.%d,\"{\"\"deviceId\"\":\"\"\"\",\"\"operatingSystem\"\":\"\"Windows 10\"\",\"\"browser\"\":\"\"Edge 120.0.0\"\"}\",\"{\"\"city\"\":\"\"Oslo\"\",\"\"countryOrRegion\"\":\"\"NO\"\",\"\"geoCoordinates\"\":{\"\"latitude\"\":59.91,\"\"longitude\"\":10.75}}\",\"{\"\"errorCode\"\":%d}\",\"[{\"\"id\"\":\"\"p1\"\",\"\"displayName\"\":\"\"Require MFA\"\",\"\"result\"\":\"\"notApplied\"\"}]\",Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36,%08x-d565-478b-bc95-8b4f0d468fe1,%s\r\n",
			1+i/3600%11, i/60%60, i%60, i%300, apps[i%len(apps)], []int{0, 0, 50126}[i%3], i%250, []int{0, 0, 50126}[i%3], i, desc)
	}
	return b.Bytes()
}

// benchLoad loads path b.N times and reports MB/s and allocations. Peak memory (RSS)
// against the input is measured on a large file by scripts/bench-ingest.sh: in a
// benchmark the garbage of earlier loops hides it.
func benchLoad(b *testing.B, path string, size int, table string, rows int, opts Options) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		_, rep, err := Load(context.Background(), []string{path}, opts)
		if err != nil || rep.Rows[table] != rows || len(rep.Rejected) != 0 {
			b.Fatalf("Load: %v, rows %v, rejected %v", err, rep.Rows, rep.Rejected)
		}
	}
}

func BenchmarkLoadJSONArray(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(synthSignins(30000, 0)), []byte("\n"))
	dir := b.TempDir()
	for _, shape := range []struct{ name, file, open, close string }{
		{"array", "SigninLogs.json", "[\n", "\n]\n"},
		{"records", "capture.json", `{"records":[`, "]}"},
	} {
		data := append(append([]byte(shape.open), bytes.Join(lines, []byte(",\n"))...), shape.close...)
		if shape.name == "records" {
			// Event Hub captures hold diagnostic-settings envelopes.
			data = bytes.ReplaceAll(data, []byte(`{"TenantId"`), []byte(`{"time":"2024-01-05T10:00:00Z","category":"SignInLogs","properties":{"TenantId"`))
			data = bytes.ReplaceAll(data, []byte(`"Type":"SigninLogs"}`), []byte(`"Type":"SigninLogs"}}`))
		}
		path := filepath.Join(dir, shape.file)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", shape.name, workers), func(b *testing.B) {
				benchLoad(b, path, len(data), "SigninLogs", 30000, Options{Catalog: schema.Default(), Workers: workers})
			})
		}
	}
}

func BenchmarkLoadCSV(b *testing.B) {
	data := csvSignins(60000)
	path := filepath.Join(b.TempDir(), "SigninLogs.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			benchLoad(b, path, len(data), "SigninLogs", 60000, Options{Catalog: schema.Default(), Workers: workers})
		})
	}
}

// FuzzSplit loads a file in one piece and in small chunks: neither may panic, and for
// valid JSON, or CSV without quotes, both must give the same tables and rejections.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("["+fmt.Sprintf(tricky, 1, 1)+","+fmt.Sprintf(tricky, 2, 2)+"]"), false)
	f.Add([]byte(`{"@odata.context":"x","value":[{"createdDateTime":"2024-01-01T00:00:00Z","id":"a]"}],"@odata.nextLink":"y"}`), false)
	f.Add([]byte("{\"records\":[{\"time\":\"2024-02-02T08:00:00Z\",\"category\":\"SignInLogs\",\"properties\":{\"id\":\"s\"}}]}\n{\"records\":[]}"), false)
	f.Add([]byte("[1,{\"a\":[}],\n{\"TimeGenerated\":\"2024-01-01T00:00:00Z\"}]"), false)
	f.Add([]byte("TimeGenerated,OperationName\n2024-01-01T00:00:00Z,\"a\nb\"\"c\"\n2024-01-01T00:00:01Z,x\"y\n"), true)
	cat := schema.Default()
	f.Fuzz(func(t *testing.T, data []byte, isCSV bool) {
		name := "AuditLogs.json"
		if isCSV {
			name = "AuditLogs.csv"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ds0, rep0, err := Load(context.Background(), []string{path}, Options{Catalog: cat, Workers: 1, ChunkSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		ds1, rep1, err := Load(context.Background(), []string{path}, Options{Catalog: cat, Workers: 2, ChunkSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		if isCSV && bytes.IndexByte(data, '"') >= 0 || !isCSV && !validJSON(data) {
			return
		}
		if diff := cmp.Diff(rep0.Rejected, rep1.Rejected); diff != "" {
			t.Errorf("rejections (-one piece +chunked):\n%s", diff)
		}
		if diff := cmp.Diff(loadedTables(ds0), loadedTables(ds1)); diff != "" {
			t.Errorf("tables (-one piece +chunked):\n%s", diff)
		}
	})
}
