package kusto

import (
	"context"
	"encoding/json"
	"math"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-kusto-go/azkustodata"
	kerrors "github.com/Azure/azure-kusto-go/azkustodata/errors"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/Azure/azure-kusto-go/azkustodata/query"
	"github.com/google/go-cmp/cmp"
)

// These tests drive the handler with Microsoft's Go SDK (azure-kusto-go), as a user would.

func sdkClient(t *testing.T, url string) *azkustodata.Client {
	t.Helper()
	// A connection string without credentials connects without authentication; the SDK
	// allows that over plain HTTP, and trusts loopback hosts.
	c, err := azkustodata.New(azkustodata.NewConnectionStringBuilder(url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func sdkQuery(t *testing.T, c *azkustodata.Client, db, q string, opts ...azkustodata.QueryOption) query.Table {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ds, err := c.Query(ctx, db, kql.New("").AddUnsafe(q), opts...)
	if err != nil {
		t.Fatalf("Query(%q): %v", q, err)
	}
	var primary []query.Table
	for _, tb := range ds.Tables() {
		if tb.Kind() == "PrimaryResult" {
			primary = append(primary, tb)
		}
	}
	if len(primary) != 1 {
		t.Fatalf("Query(%q) gave %d primary tables, want 1", q, len(primary))
	}
	return primary[0]
}

func TestSDKTypedValues(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	tb := sdkQuery(t, c, "SecurityLogs", `print d = datetime(2024-03-02T09:15:00.1234567Z), ts = 1d + 2h + 3m + 4s + 500ms,
		dyn = dynamic({"a": [1, 2.5, "x"], "b": null}), l = 9223372036854775807, i = int(-7), r = 1.5e-3,
		b = true, g = guid(123e27de-1e4e-49d9-b579-fe0b331d3642), s = "héllo \"q\"", n = long(null), nr = real(null),
		nd = datetime(null), nan = real(nan), inf = real(+inf), neg = -1s, dstr = dynamic("text"), dn = dynamic(null)`)
	var cols []string
	for _, col := range tb.Columns() {
		cols = append(cols, col.Name()+":"+string(col.Type()))
	}
	wantCols := []string{"d:datetime", "ts:timespan", "dyn:dynamic", "l:long", "i:int", "r:real", "b:bool", "g:guid", "s:string",
		"n:long", "nr:real", "nd:datetime", "nan:real", "inf:real", "neg:timespan", "dstr:dynamic", "dn:dynamic"}
	if diff := cmp.Diff(wantCols, cols); diff != "" {
		t.Fatalf("columns (-want +got):\n%s", diff)
	}
	rows := tb.Rows()
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(rows))
	}
	r := rows[0]
	d, err := r.DateTimeByName("d")
	if err != nil || !d.Equal(time.Date(2024, 3, 2, 9, 15, 0, 123456700, time.UTC)) {
		t.Errorf("d = %v, %v", d, err)
	}
	ts, err := r.TimespanByName("ts")
	if err != nil || *ts != 26*time.Hour+3*time.Minute+4500*time.Millisecond {
		t.Errorf("ts = %v, %v", ts, err)
	}
	dyn, err := r.DynamicByName("dyn")
	var dv map[string]any
	if err != nil || json.Unmarshal(dyn, &dv) != nil {
		t.Fatalf("dyn = %s, %v", dyn, err)
	}
	if diff := cmp.Diff(map[string]any{"a": []any{1.0, 2.5, "x"}, "b": nil}, dv); diff != "" {
		t.Errorf("dyn (-want +got):\n%s", diff)
	}
	if l, err := r.LongByName("l"); err != nil || *l != math.MaxInt64 {
		t.Errorf("l = %v, %v", l, err)
	}
	if i, err := r.IntByName("i"); err != nil || *i != -7 {
		t.Errorf("i = %v, %v", i, err)
	}
	if f, err := r.RealByName("r"); err != nil || *f != 1.5e-3 {
		t.Errorf("r = %v, %v", f, err)
	}
	if b, err := r.BoolByName("b"); err != nil || !*b {
		t.Errorf("b = %v, %v", b, err)
	}
	if g, err := r.GuidByName("g"); err != nil || g.String() != "123e27de-1e4e-49d9-b579-fe0b331d3642" {
		t.Errorf("g = %v, %v", g, err)
	}
	if s, err := r.StringByName("s"); err != nil || s != `héllo "q"` {
		t.Errorf("s = %q, %v", s, err)
	}
	if n, err := r.LongByName("n"); err != nil || n != nil {
		t.Errorf("n = %v, %v, want null", n, err)
	}
	if n, err := r.RealByName("nr"); err != nil || n != nil {
		t.Errorf("nr = %v, %v, want null", n, err)
	}
	if n, err := r.DateTimeByName("nd"); err != nil || n != nil {
		t.Errorf("nd = %v, %v, want null", n, err)
	}
	if f, err := r.RealByName("nan"); err != nil || !math.IsNaN(*f) {
		t.Errorf("nan = %v, %v", f, err)
	}
	if f, err := r.RealByName("inf"); err != nil || !math.IsInf(*f, 1) {
		t.Errorf("inf = %v, %v", f, err)
	}
	if ts, err := r.TimespanByName("neg"); err != nil || *ts != -time.Second {
		t.Errorf("neg = %v, %v", ts, err)
	}
	if dn, err := r.DynamicByName("dn"); err != nil || dn != nil {
		t.Errorf("dn = %s, %v, want null", dn, err)
	}
}

func TestSDKTableQuery(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	tb := sdkQuery(t, c, "SecurityLogs", `SigninLogs
		| where ResultType != "0"
		| summarize Failures = count(), Cities = make_set(tostring(LocationDetails.city)), Last = max(TimeGenerated) by UserPrincipalName
		| order by UserPrincipalName asc`)
	type row struct {
		UserPrincipalName string
		Failures          int64
		Cities            []string
		Last              time.Time
	}
	var got []row
	for _, r := range tb.Rows() {
		var x row
		if err := r.ToStruct(&x); err != nil {
			t.Fatal(err)
		}
		got = append(got, x)
	}
	want := []row{
		{"alice@contoso.com", 1, []string{"Lima"}, time.Date(2024, 3, 2, 9, 15, 0, 123456700, time.UTC)},
		{"bob@contoso.com", 1, []string{"Lima"}, time.Date(2024, 3, 1, 11, 30, 0, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestSDKQueryNow(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	now := time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC)
	tb := sdkQuery(t, c, "SecurityLogs", `SigninLogs | where TimeGenerated between (ago(1d) .. now()) | summarize n = count() | extend t = now()`, azkustodata.QueryNow(now))
	r := tb.Rows()[0]
	if n, err := r.LongByName("n"); err != nil || *n != 1 {
		t.Errorf("n = %v, %v, want 1", *n, err)
	}
	if got, err := r.DateTimeByName("t"); err != nil || !got.Equal(now) {
		t.Errorf("now() = %v, %v, want %v", got, err, now)
	}
}

func TestSDKErrors(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	ctx := context.Background()
	tests := []struct {
		q, db string
		want  []string
	}{
		{"SigninLogs | wher ResultType == 0", "SecurityLogs", []string{"Syntax error", "SyntaxException", "[line:position=1:14]"}},
		{"SigninLogs | where NoSuchColumn == 1", "SecurityLogs", []string{"Semantic error", "NoSuchColumn", "SemanticException"}},
		{"print 1", "NoSuchDb", []string{"NoSuchDb", "EntityNotFoundException"}},
	}
	for _, tt := range tests {
		_, err := c.Query(ctx, tt.db, kql.New("").AddUnsafe(tt.q))
		if err == nil {
			t.Errorf("Query(%q) succeeded, want an error", tt.q)
			continue
		}
		var he *kerrors.HttpError
		if !asHTTPError(err, &he) || he.StatusCode != 400 {
			t.Errorf("Query(%q) error = %T %v, want an HTTP 400 error", tt.q, err, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Query(%q) error = %v, want it to mention %q", tt.q, err, w)
			}
		}
	}
}

func asHTTPError(err error, he **kerrors.HttpError) bool {
	for err != nil {
		if h, ok := err.(*kerrors.HttpError); ok {
			*he = h
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestSDKLargeResult(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	const n = 100_000
	tb := sdkQuery(t, c, "SecurityLogs", `range x from 1 to 100000 step 1 | extend s = strcat("row-", x), t = datetime(2024-01-01) + x * 1s`)
	rows := tb.Rows()
	if len(rows) != n {
		t.Fatalf("got %d rows, want %d", len(rows), n)
	}
	for _, i := range []int{0, 4242, n - 1} {
		x, _ := rows[i].LongByName("x")
		s, _ := rows[i].StringByName("s")
		tm, _ := rows[i].DateTimeByName("t")
		want := int64(i + 1)
		if x == nil || *x != want || s != "row-"+strconv.FormatInt(want, 10) || tm == nil || !tm.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(want)*time.Second)) {
			t.Errorf("row %d = %v, %q, %v", i, x, s, tm)
		}
	}
}

func TestSDKTruncation(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	_, err := c.Query(context.Background(), "SecurityLogs", kql.New("range x from 1 to 20 step 1"), azkustodata.TruncationMaxRecords(10))
	if err == nil || !strings.Contains(err.Error(), "E_QUERY_RESULT_SET_TOO_LARGE") {
		t.Errorf("query over the record limit: err = %v, want a partial failure E_QUERY_RESULT_SET_TOO_LARGE", err)
	}
	// notruncation lifts the limit.
	tb := sdkQuery(t, c, "SecurityLogs", "range x from 1 to 20 step 1", azkustodata.TruncationMaxRecords(10), azkustodata.NoTruncation())
	if len(tb.Rows()) != 20 {
		t.Errorf("with notruncation: %d rows, want 20", len(tb.Rows()))
	}
}

func TestSDKMgmt(t *testing.T) {
	srv := testServer(t, Options{Version: "1.2.3"})
	c := sdkClient(t, srv.URL)
	ctx := context.Background()
	mgmt := func(cmd string) [][]string {
		t.Helper()
		ds, err := c.Mgmt(ctx, "SecurityLogs", kql.New("").AddUnsafe(cmd))
		if err != nil {
			t.Fatalf("Mgmt(%q): %v", cmd, err)
		}
		var out [][]string
		for _, r := range ds.Tables()[0].Rows() {
			var cells []string
			for _, v := range r.Values() {
				cells = append(cells, v.String())
			}
			out = append(out, cells)
		}
		return out
	}
	if got := mgmt(".show version"); len(got) != 1 || got[0][0] != "1.2.3" {
		t.Errorf(".show version = %v", got)
	}
	if got := mgmt(".show databases"); len(got) != 1 || got[0][0] != "SecurityLogs" {
		t.Errorf(".show databases = %v", got)
	}
	got := mgmt(".show tables")
	if diff := cmp.Diff([][]string{{"Beats_CL", "SecurityLogs", "", ""}, {"SigninLogs", "SecurityLogs", "", ""}}, got); diff != "" {
		t.Errorf(".show tables (-want +got):\n%s", diff)
	}
	sch := mgmt(".show table Beats_CL schema as json")
	var doc struct {
		Name           string
		OrderedColumns []struct{ Name, Type, CslType string }
	}
	if err := json.Unmarshal([]byte(sch[0][1]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Name != "Beats_CL" || len(doc.OrderedColumns) != 3 || doc.OrderedColumns[1].Name != "Seq" || doc.OrderedColumns[1].CslType != "long" {
		t.Errorf(".show table schema as json = %s", sch[0][1])
	}
	dbs := mgmt(".show database SecurityLogs schema as json")
	if !strings.Contains(dbs[0][0], `"SigninLogs"`) || !strings.Contains(dbs[0][0], `"CslType":"datetime"`) {
		t.Errorf(".show database schema as json = %.300s", dbs[0][0])
	}
	if _, err := c.Mgmt(ctx, "SecurityLogs", kql.New(".drop table SigninLogs")); err == nil || !strings.Contains(err.Error(), "unsupported control command") {
		t.Errorf(".drop table: err = %v, want unsupported", err)
	}
}

func TestSDKToken(t *testing.T) {
	srv := httptest.NewTLSServer(NewHandler(Options{Databases: map[string]*Database{"SecurityLogs": testDatabase(t)}, Token: "s3cret"}))
	defer srv.Close()
	run := func(kcsb *azkustodata.ConnectionStringBuilder) error {
		c, err := azkustodata.New(kcsb, azkustodata.WithHttpClient(srv.Client()))
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Query(context.Background(), "SecurityLogs", kql.New("print 1"))
		return err
	}
	if err := run(azkustodata.NewConnectionStringBuilder(srv.URL).WithAadUserToken("s3cret")); err != nil {
		t.Errorf("with the token: %v", err)
	}
	err := run(azkustodata.NewConnectionStringBuilder(srv.URL).WithAadUserToken("wrong"))
	var he *kerrors.HttpError
	if err == nil || !asHTTPError(err, &he) || he.StatusCode != 401 {
		t.Errorf("with a wrong token: err = %v, want HTTP 401", err)
	}
	// Without a token a non-loopback request is refused; loopback ones are served.
	h := NewHandler(Options{Databases: map[string]*Database{"SecurityLogs": testDatabase(t)}})
	req := httptest.NewRequest("POST", "/v2/rest/query", strings.NewReader(`{"db":"SecurityLogs","csl":"print 1"}`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Errorf("tokenless handler, request without a loopback address: status %d, want 401", rec.Code)
	}
}

func TestSDKQueryParameters(t *testing.T) {
	srv := testServer(t, Options{})
	c := sdkClient(t, srv.URL)
	params := kql.NewParameters().AddString("user", `alice@contoso.com`).AddDateTime("since", time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)).
		AddLong("limit", 10).AddDynamic("apps", []string{"Azure Portal"})
	tb := sdkQuery(t, c, "SecurityLogs", `SigninLogs | where UserPrincipalName == user and TimeGenerated >= since and AppDisplayName in (apps) | take limit | project IPAddress`,
		azkustodata.QueryParameters(params))
	var got []string
	for _, r := range tb.Rows() {
		s, _ := r.StringByName("IPAddress")
		got = append(got, s)
	}
	if diff := cmp.Diff([]string{"198.51.100.7"}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
