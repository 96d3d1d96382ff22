package kusto

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/google/go-cmp/cmp"
)

// These tests check the wire format itself, frame by frame.

func post(t *testing.T, url, path, body string, header map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

func TestV2Frames(t *testing.T) {
	srv := testServer(t, Options{})
	code, body := post(t, srv.URL, "/v2/rest/query", `{"db":"SecurityLogs","csl":"print a = 1, s = 'x', d = datetime(2024-01-02 03:04:05), t = 90m, o = dynamic({\"k\":[1]}), g = guid(null)","properties":{"Options":{"servertimeout":"00:01:00"}}}`,
		map[string]string{"x-ms-client-request-id": "test;1"})
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	var frames []map[string]json.RawMessage
	if err := json.Unmarshal(body, &frames); err != nil {
		t.Fatalf("not a JSON array of frames: %v\n%s", err, body)
	}
	var kinds []string
	for _, f := range frames {
		var ft, tk string
		json.Unmarshal(f["FrameType"], &ft)
		json.Unmarshal(f["TableKind"], &tk)
		kinds = append(kinds, strings.TrimSuffix(ft+":"+tk, ":"))
	}
	if diff := cmp.Diff([]string{"DataSetHeader", "DataTable:QueryProperties", "DataTable:PrimaryResult", "DataTable:QueryCompletionInformation", "DataSetCompletion"}, kinds); diff != "" {
		t.Fatalf("frames (-want +got):\n%s", diff)
	}
	if !bytes.HasPrefix(body, []byte(`[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0",`)) {
		t.Errorf("header frame: %.120s", body)
	}
	if got := string(frames[2]["Columns"]); got != `[{"ColumnName":"a","ColumnType":"long"},{"ColumnName":"s","ColumnType":"string"},{"ColumnName":"d","ColumnType":"datetime"},{"ColumnName":"t","ColumnType":"timespan"},{"ColumnName":"o","ColumnType":"dynamic"},{"ColumnName":"g","ColumnType":"guid"}]` {
		t.Errorf("columns: %s", got)
	}
	if got := string(frames[2]["Rows"]); got != `[[1,"x","2024-01-02T03:04:05.0000000Z","01:30:00",{"k":[1]},null]]` {
		t.Errorf("rows: %s", got)
	}
	if got := string(frames[2]["TableName"]); got != `"PrimaryResult"` {
		t.Errorf("table name: %s", got)
	}
	if got := string(frames[4]["HasErrors"]); got != "false" {
		t.Errorf("DataSetCompletion.HasErrors = %s", got)
	}
	if !bytes.Contains(frames[3]["Rows"], []byte(`"test;1"`)) {
		t.Errorf("QueryCompletionInformation lacks the client request id: %s", frames[3]["Rows"])
	}
}

func TestV2FragmentedTruncated(t *testing.T) {
	srv := testServer(t, Options{})
	// properties as a JSON string, as older clients send them.
	code, body := post(t, srv.URL, "/v2/rest/query", `{"db":"SecurityLogs","csl":"range x from 1 to 5 step 1","properties":"{\"Options\":{\"truncationmaxrecords\":3,\"results_v2_newlines_between_frames\":true,\"results_v2_fragment_primary_tables\":true,\"results_error_reporting_placement\":\"end_of_table\"}}"}`, nil)
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	var kinds []string
	for _, l := range lines {
		if l == "]" {
			kinds = append(kinds, "]")
			continue
		}
		var f struct{ FrameType, TableKind string }
		if err := json.Unmarshal([]byte(l[1:]), &f); err != nil {
			t.Fatalf("frame line %q: %v", l, err)
		}
		kinds = append(kinds, strings.TrimSuffix(f.FrameType+":"+f.TableKind, ":"))
	}
	want := []string{"DataSetHeader", "DataTable:QueryProperties", "TableHeader:PrimaryResult", "TableFragment", "TableCompletion", "DataTable:QueryCompletionInformation", "DataSetCompletion", "]"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Fatalf("frames (-want +got):\n%s", diff)
	}
	if !strings.Contains(lines[3], `"Rows":[[1],[2],[3]]`) {
		t.Errorf("fragment: %s", lines[3])
	}
	if !strings.Contains(lines[4], `"RowCount":3`) || !strings.Contains(lines[4], "E_QUERY_RESULT_SET_TOO_LARGE") {
		t.Errorf("completion: %s", lines[4])
	}
	if !strings.Contains(lines[6], `"HasErrors":true`) {
		t.Errorf("dataset completion: %s", lines[6])
	}
}

func TestV1Tables(t *testing.T) {
	srv := testServer(t, Options{})
	code, body := post(t, srv.URL, "/v1/rest/query", `{"db":"SecurityLogs","csl":"print b = true, r = 2.5, i = int(3), m = decimal(1.5)"}`, nil)
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	var v1 struct {
		Tables []struct {
			TableName string
			Columns   []struct{ ColumnName, DataType, ColumnType string }
			Rows      [][]any
		}
	}
	if err := json.Unmarshal(body, &v1); err != nil {
		t.Fatal(err)
	}
	if len(v1.Tables) != 4 {
		t.Fatalf("got %d tables, want 4 (result, properties, status, contents)", len(v1.Tables))
	}
	var cols []string
	for _, c := range v1.Tables[0].Columns {
		cols = append(cols, c.ColumnName+":"+c.DataType+":"+c.ColumnType)
	}
	if diff := cmp.Diff([]string{"b:Boolean:bool", "r:Double:real", "i:Int32:int", "m:Decimal:decimal"}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{true, 2.5, 3.0, "1.5"}, v1.Tables[0].Rows[0]); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
	var kinds []string
	for _, r := range v1.Tables[3].Rows {
		kinds = append(kinds, r[1].(string)+":"+r[2].(string))
	}
	if diff := cmp.Diff([]string{"QueryResult:PrimaryResult", "QueryProperties:@ExtendedProperties", "QueryStatus:QueryStatus"}, kinds); diff != "" {
		t.Errorf("table of contents (-want +got):\n%s", diff)
	}
}

func TestRequestErrors(t *testing.T) {
	srv := testServer(t, Options{})
	tests := []struct {
		path, body string
		status     int
		code, want string
	}{
		{"/v2/rest/query", `{"db":"SecurityLogs","csl":"SigninLogs | take"}`, 400, "General_BadRequest", "Syntax error"},
		{"/v2/rest/query", `{"db":"SecurityLogs","csl":".show tables"}`, 400, "General_BadRequest", "/v1/rest/mgmt"},
		{"/v2/rest/mgmt", `{"db":"SecurityLogs","csl":".show tables"}`, 400, "General_BadRequest", "api_version=v2"},
		{"/v2/rest/query", `{"db":"SecurityLogs"`, 400, "General_BadRequest", "not a JSON object"},
		{"/v2/rest/query", `{"db":"SecurityLogs","csl":"  "}`, 400, "General_BadRequest", "no query text"},
		{"/v2/rest/query", `{"db":"SecurityLogs","csl":"print 1","properties":{"Options":{"query_now":"soon"}}}`, 400, "General_BadRequest", "query_now"},
		{"/v2/rest/query", `{"db":"Nope","csl":"print 1"}`, 400, "BadRequest_EntityNotFound", "'Nope'"},
		{"/v2/rest/query", `{"db":"SecurityLogs","csl":"declare query_parameters(x:long); print x","properties":{"Parameters":{"x":"1; SigninLogs"}}}`, 400, "General_BadRequest", "not a literal"},
		{"/v1/rest/mgmt", `{"db":"SecurityLogs","csl":".show table Nope"}`, 400, "General_BadRequest", "'Nope': table not found"},
		{"/v3/rest/query", `{}`, 404, "General_NotFound", "/v2/rest/query"},
	}
	for _, tt := range tests {
		code, body := post(t, srv.URL, tt.path, tt.body, nil)
		var e struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"@message"`
				Perm    *bool  `json:"@permanent"`
				Context struct {
					ActivityID string `json:"activityId"`
				} `json:"@context"`
			} `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("%s %s: body %s: %v", tt.path, tt.body, body, err)
			continue
		}
		if code != tt.status || e.Error.Code != tt.code || !strings.Contains(e.Error.Message, tt.want) || e.Error.Perm == nil || e.Error.Context.ActivityID == "" {
			t.Errorf("%s %s = %d %s, want %d %s mentioning %q", tt.path, tt.body, code, body, tt.status, tt.code, tt.want)
		}
	}
	// The auth metadata endpoint answers 404 with an empty body: the SDKs then use the
	// public cloud's defaults.
	resp, err := http.Get(srv.URL + "/v1/rest/auth/metadata")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || len(b) != 0 {
		t.Errorf("metadata: %d %q, want 404 and no body", resp.StatusCode, b)
	}
	resp, err = http.Get(srv.URL + "/v2/rest/query")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET query: %d, want 405", resp.StatusCode)
	}
}

func TestGzipRequestAndTimeout(t *testing.T) {
	srv := testServer(t, Options{})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"db":"SecurityLogs","csl":"SigninLogs | count"}`))
	zw.Close()
	code, body := post(t, srv.URL, "/v1/rest/query", buf.String(), map[string]string{"Content-Encoding": "gzip"})
	if code != 200 || !strings.Contains(string(body), `"Rows":[[4]]`) {
		t.Errorf("gzip request: %d %.200s", code, body)
	}
	code, body = post(t, srv.URL, "/v2/rest/query", `{"db":"SecurityLogs","csl":"range x from 1 to 50000000 step 1 | summarize count() by x % 7","properties":{"Options":{"servertimeout":"00:00:00.0010000"}}}`, nil)
	if code != 504 || !strings.Contains(string(body), "RequestExecutionTimeout") {
		t.Errorf("timeout: %d %.300s", code, body)
	}
}

func TestConcurrentQueries(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			ds, err := c.Query(t.Context(), "SecurityLogs", kql.New("SigninLogs | summarize n = count() by AppDisplayName | order by AppDisplayName asc"))
			if err == nil {
				for _, tb := range ds.Tables() {
					if tb.Kind() == "PrimaryResult" && len(tb.Rows()) != 2 {
						err = fmt.Errorf("got %d rows, want 2", len(tb.Rows()))
					}
				}
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestCommandsWithoutDatabase(t *testing.T) {
	db := testDatabase(t)
	srv := testServer(t, Options{Databases: map[string]*Database{"A": db, "B": db}})
	code, body := post(t, srv.URL, "/v1/rest/mgmt", `{"csl":".show databases"}`, nil)
	if code != 200 || !strings.Contains(string(body), `"Rows":[["A",`) || !strings.Contains(string(body), `["B",`) {
		t.Errorf(".show databases without db: %d %s", code, body)
	}
	code, body = post(t, srv.URL, "/v1/rest/mgmt", `{"csl":".show tables"}`, nil)
	if code != 400 || !strings.Contains(string(body), "names no database") {
		t.Errorf(".show tables without db: %d %s", code, body)
	}
	code, body = post(t, srv.URL, "/v2/rest/query", `{"db":"b","csl":"SigninLogs | count"}`, nil)
	if code != 200 || !strings.Contains(string(body), `"Rows":[[4]]`) {
		t.Errorf("database names match case-insensitively: %d %.300s", code, body)
	}
}
