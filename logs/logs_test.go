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
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// show renders row of column col of t as text: datetimes in RFC 3339, nulls as "<null>".
func show(t *testing.T, tab *column.Table, col string, row int) string {
	t.Helper()
	i := tab.Index(col)
	if i < 0 {
		t.Fatalf("table %s has no column %q", tab.Name, col)
	}
	for _, b := range tab.Batches {
		if row >= b.Len {
			row -= b.Len
			continue
		}
		v := b.Cols[i].Value(row)
		switch {
		case v.Type != types.String && v.IsNull():
			return "<null>"
		case v.Type == types.DateTime:
			return types.TimeFromTicks(v.I).Format(time.RFC3339Nano)
		case v.Type == types.Bool:
			return fmt.Sprint(v.Bool())
		case v.Type == types.Long || v.Type == types.Int:
			return fmt.Sprint(v.I)
		case v.Type == types.Real:
			return fmt.Sprint(v.F)
		}
		return v.S
	}
	t.Fatalf("table %s has no row %d", tab.Name, row)
	return ""
}

func load(t *testing.T, opts Options, paths ...string) (*Dataset, *Report) {
	t.Helper()
	ds, rep, err := Load(context.Background(), paths, opts)
	if err != nil {
		t.Fatalf("Load(%v) error: %v", paths, err)
	}
	return ds, rep
}

func TestLoadLogAnalyticsRows(t *testing.T) {
	file := filepath.Join("testdata", "la", "SigninLogs.jsonl")
	ds, rep := load(t, Options{}, file)
	wantRej := []Rejection{
		{File: file, Line: 3, Reason: "4:1: expected a member name, found '{'"},
		{File: file, Line: 4, Reason: `column "DurationMs": expected long, found "abc"`},
	}
	if diff := cmp.Diff(wantRej, rep.Rejected); diff != "" {
		t.Errorf("Rejected (-want +got):\n%s", diff)
	}
	if got := rep.RejectedRows["SigninLogs"]; got != 2 {
		t.Errorf("RejectedRows[SigninLogs] = %d, want 2", got)
	}
	tab, ok := ds.Table("SigninLogs")
	if !ok || tab.Rows() != 3 {
		t.Fatalf("SigninLogs: ok = %v, rows = %v, want 3 rows", ok, rep.Rows)
	}
	tests := []struct {
		col  string
		row  int
		want string
	}{
		{"TimeGenerated", 0, "2024-01-05T10:00:00.1234567Z"},
		{"TimeGenerated", 2, "2024-01-05T09:08:00Z"},
		{"ResultType", 0, "0"},
		{"ResultType", 1, "50126"},
		{"LocationDetails", 0, `{"city":"Oslo","countryOrRegion":"NO"}`},
		{"LocationDetails", 1, "<null>"},
		{"DeviceDetail", 0, `{"operatingSystem":"Windows 10"}`},
		{"AuthenticationDetails", 0, `[{"authenticationMethod":"Password","succeeded":true}]`},
		{"IsInteractive", 1, "false"},
		{"IsInteractive", 2, "<null>"},
		{"DurationMs", 2, "7"},
		{"Type", 1, "SigninLogs"},
		{"ExtraScore", 0, "3"},
		{"ExtraScore", 1, "4.5"},
		{"UserId", 0, ""},
	}
	for _, tt := range tests {
		if got := show(t, tab, tt.col, tt.row); got != tt.want {
			t.Errorf("%s[%d] = %q, want %q", tt.col, tt.row, got, tt.want)
		}
	}
	if i := tab.Index("ExtraScore"); tab.Schema[i].Type != types.Real {
		t.Errorf("ExtraScore type = %v, want real", tab.Schema[i].Type)
	}
	if !containsWarning(rep, `column "ExtraScore" is not in the SigninLogs schema; kept as real`) {
		t.Errorf("warnings %q lack the ExtraScore warning", rep.Warnings)
	}
	if got := rep.Derived["SigninLogs.Type from the table name"]; got != 3 {
		t.Errorf("Derived = %v, want Type derived for 3 rows", rep.Derived)
	}
}

func containsWarning(rep *Report, frag string) bool {
	for _, w := range rep.Warnings {
		if strings.Contains(w, frag) {
			return true
		}
	}
	return false
}

func TestLoadJSONArrayAndFileName(t *testing.T) {
	ds, rep := load(t, Options{}, filepath.Join("testdata", "la", "AuditLogs_2024-01.json"))
	tab, ok := ds.Table("AuditLogs")
	if !ok || tab.Rows() != 2 || len(rep.Rejected) != 0 {
		t.Fatalf("AuditLogs: rows %v, rejected %v", rep.Rows, rep.Rejected)
	}
	if got, want := show(t, tab, "InitiatedBy", 0), `{"user":{"userPrincipalName":"alice@contoso.com"}}`; got != want {
		t.Errorf("InitiatedBy = %q, want %q", got, want)
	}
	if got := show(t, tab, "Result", 1); got != "failure" {
		t.Errorf("Result[1] = %q, want failure", got)
	}
}

func TestLoadDiagnosticSettings(t *testing.T) {
	ds, rep := load(t, Options{}, filepath.Join("testdata", "diag"))
	if len(rep.Rejected) != 0 {
		t.Errorf("Rejected = %v", rep.Rejected)
	}
	want := map[string]int{"SigninLogs": 3, "AADNonInteractiveUserSignInLogs": 1, "AuditLogs": 1}
	if diff := cmp.Diff(want, rep.Rows); diff != "" {
		t.Errorf("Rows (-want +got):\n%s", diff)
	}
	type check struct {
		table, col string
		row        int
		want       string
	}
	// capture.json sorts before entra-export.json, so its two rows come first.
	for _, c := range []check{
		{"SigninLogs", "UserPrincipalName", 0, "frank@contoso.com"},
		{"SigninLogs", "ResultType", 1, "50053"},
		{"SigninLogs", "ResultDescription", 1, "Account is locked"},
		{"SigninLogs", "TimeGenerated", 2, "2024-02-01T08:00:00Z"},
		{"SigninLogs", "CreatedDateTime", 2, "2024-02-01T07:59:58.5Z"},
		{"SigninLogs", "ResultType", 2, "50126"},
		{"SigninLogs", "ResultDescription", 2, "Invalid username or password."},
		{"SigninLogs", "Status", 2, `{"errorCode":50126,"failureReason":"Invalid username or password."}`},
		{"SigninLogs", "LocationDetails", 2, `{"city":"Seattle","state":"Washington","countryOrRegion":"US"}`},
		{"SigninLogs", "DeviceDetail", 2, `{"deviceId":"","operatingSystem":"Linux","browser":"Firefox 121"}`},
		{"SigninLogs", "Location", 2, "US"},
		{"SigninLogs", "IPAddress", 2, "192.0.2.10"},
		{"SigninLogs", "AADTenantId", 2, "11111111-2222-3333-4444-555555555555"},
		{"SigninLogs", "AppDisplayName", 2, "Azure Portal"},
		{"SigninLogs", "ResourceIdentity", 2, "797f4846-ba00-4fd7-ba43-dac1f8f63013"},
		{"SigninLogs", "ConditionalAccessPolicies", 2, "[]"},
		{"SigninLogs", "IsInteractive", 2, "true"},
		{"SigninLogs", "Level", 2, "4"},
		{"SigninLogs", "Category", 2, "SignInLogs"},
		{"SigninLogs", "Type", 2, "SigninLogs"},
		{"AADNonInteractiveUserSignInLogs", "LocationDetails", 0, `{"city":"Seattle"}`},
		{"AADNonInteractiveUserSignInLogs", "ProcessingTimeInMs", 0, "42"},
		{"AADNonInteractiveUserSignInLogs", "ResultType", 0, "0"},
		{"AuditLogs", "AADOperationType", 0, "Assign"},
		{"AuditLogs", "ActivityDateTime", 0, "2024-02-01T08:59:59Z"},
		{"AuditLogs", "TimeGenerated", 0, "2024-02-01T09:00:00Z"},
		{"AuditLogs", "InitiatedBy", 0, `{"user":{"userPrincipalName":"eve@contoso.com"}}`},
		{"AuditLogs", "LoggedByService", 0, "Core Directory"},
	} {
		tab, ok := ds.Table(c.table)
		if !ok {
			t.Fatalf("no table %s", c.table)
		}
		if got := show(t, tab, c.col, c.row); got != c.want {
			t.Errorf("%s.%s[%d] = %q, want %q", c.table, c.col, c.row, got, c.want)
		}
	}
	for _, w := range rep.Warnings {
		t.Errorf("unexpected warning: %s", w)
	}
}

func TestLoadGzipAndOverride(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "la", "SigninLogs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(src)
	zw.Close()
	gz := filepath.Join(dir, "export.jsonl.gz")
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, rep := load(t, Options{TableOverride: map[string]string{gz: "SigninLogs"}}, gz)
	if tab, ok := ds.Table("SigninLogs"); !ok || tab.Rows() != 3 || len(rep.Rejected) != 2 {
		t.Errorf("gzip with override: rows %v, rejected %v", rep.Rows, rep.Rejected)
	}
	if rep.Bytes != int64(len(src)) {
		t.Errorf("Bytes = %d, want %d", rep.Bytes, len(src))
	}
}

func TestLoadCSVInferred(t *testing.T) {
	ds, rep := load(t, Options{}, filepath.Join("testdata", "la", "Inventory.csv"))
	tab, ok := ds.Table("Inventory")
	if !ok || tab.Rows() != 2 || len(rep.Rejected) != 0 {
		t.Fatalf("Inventory: rows %v, rejected %v", rep.Rows, rep.Rejected)
	}
	want := []column.Field{
		{Name: "Host", Type: types.String}, {Name: "Seen", Type: types.DateTime}, {Name: "Count", Type: types.Long},
		{Name: "Score", Type: types.Real}, {Name: "Managed", Type: types.Bool}, {Name: "Tags", Type: types.Dynamic},
		{Name: "Note", Type: types.String},
	}
	if diff := cmp.Diff(want, tab.Schema); diff != "" {
		t.Errorf("schema (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		col  string
		row  int
		want string
	}{
		{"Seen", 0, "2024-01-02T15:04:05.6Z"},
		{"Tags", 0, `["prod"]`},
		{"Tags", 1, `{"tier":1}`},
		{"Note", 0, `has "quotes", commas`},
		{"Managed", 1, "false"},
		{"Score", 1, "2"},
	} {
		if got := show(t, tab, c.col, c.row); got != c.want {
			t.Errorf("%s[%d] = %q, want %q", c.col, c.row, got, c.want)
		}
	}
}

func TestLoadStrict(t *testing.T) {
	file := filepath.Join("testdata", "la", "SigninLogs.jsonl")
	_, _, err := Load(context.Background(), []string{file}, Options{Strict: true})
	if want := file + ":3: 4:1: expected a member name, found '{'"; err == nil || err.Error() != want {
		t.Errorf("Load strict error = %v, want %s", err, want)
	}
	_, _, err = Load(context.Background(), []string{"testdata/none.json"}, Options{})
	if err == nil {
		t.Errorf("Load of a missing file: no error")
	}
}

func TestLoadParallelChunks(t *testing.T) {
	// A JSON-lines file big enough to be split across workers, with bad lines spread
	// through it, must give the same rows and rejection lines with 1 and 2 workers.
	dir := t.TempDir()
	path := filepath.Join(dir, "SigninLogs.jsonl")
	data := synthSignins(12000, 997)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, rep1 := load(t, Options{Workers: 1}, path)
	ds2, rep2 := load(t, Options{Workers: 2}, path)
	if rep1.Rows["SigninLogs"] != 12000-12 || rep2.Rows["SigninLogs"] != rep1.Rows["SigninLogs"] {
		t.Errorf("rows: 1 worker %d, 2 workers %d, want %d", rep1.Rows["SigninLogs"], rep2.Rows["SigninLogs"], 12000-12)
	}
	if diff := cmp.Diff(rep1.Rejected, rep2.Rejected); diff != "" {
		t.Errorf("rejections differ between 1 and 2 workers (-1 +2):\n%s", diff)
	}
	if len(rep1.Rejected) != 12 || rep1.Rejected[0].Line != 998 {
		t.Errorf("Rejected = %v, want 12, the first at line 998", rep1.Rejected)
	}
	tab, _ := ds2.Table("SigninLogs")
	if got := show(t, tab, "UserPrincipalName", 5000); got != "user5005@contoso.com" {
		t.Errorf("row 5000 user = %q, want user5005@contoso.com (5 bad rows before it)", got)
	}
}

// synthSignins returns n SigninLogs rows as JSON lines; every badEvery-th line (1-based
// line badEvery+1, 2*badEvery+2, ...) is broken when badEvery > 0.
func synthSignins(n, badEvery int) []byte {
	var b bytes.Buffer
	apps := []string{"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online", "Microsoft Authenticator App"}
	cities := []string{"Oslo", "Seattle", "Paris", "Pyongyang", "Lagos"}
	for i := 0; i < n; i++ {
		if badEvery > 0 && i > 0 && i%(badEvery+1) == badEvery {
			b.WriteString(`{"TimeGenerated":"2024-01-05T10:00:00Z","UserPrincipalName":` + "\n")
			continue
		}
		ts := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Second)
		code := []string{"0", "0", "0", "50126", "50074"}[i%5]
		fmt.Fprintf(&b, `{"TenantId":"7c759f10-811c-4db8-ad6d-f07d8ae3f8ea","SourceSystem":"Azure AD","TimeGenerated":"%s","ResourceId":"/tenants/2ad3fc79-1859-42fa-9011-6f8df2251b22/providers/Microsoft.aadiam","OperationName":"Sign-in activity","OperationVersion":"1.0","Category":"SignInLogs","ResultType":"%s","ResultSignature":"None","ResultDescription":"","DurationMs":0,"CorrelationId":"%08x-d565-478b-bc95-8b4f0d468fe1","Level":"4","Location":"NO","AppDisplayName":"%s","AppId":"c44b4083-3bb0-49c1-b47d-974e53cbdf3c","AuthenticationDetails":"[{\"authenticationStepDateTime\":\"2024-01-05T10:00:00Z\",\"authenticationMethod\":\"Password\",\"succeeded\":true}]","ClientAppUsed":"Browser","ConditionalAccessPolicies":[{"id":"p1","displayName":"Require MFA","result":"notApplied"}],"ConditionalAccessStatus":"notApplied","CreatedDateTime":"%s","DeviceDetail":{"deviceId":"","operatingSystem":"Windows 10","browser":"Edge 120.0.0"},"IsInteractive":true,"Id":"%08x-70f5-4e28-b046-0a3a7086c401","IPAddress":"203.0.113.%d","IsRisky":false,"LocationDetails":{"city":"%s","state":"","countryOrRegion":"NO","geoCoordinates":{"latitude":59.91,"longitude":10.75}},"MfaDetail":{},"NetworkLocationDetails":"[]","ProcessingTimeInMilliseconds":"%d","RiskDetail":"none","RiskLevelAggregated":"none","RiskLevelDuringSignIn":"none","RiskState":"none","ResourceDisplayName":"Windows Azure Service Management API","Status":{"errorCode":%s},"UserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36","UserDisplayName":"User %d","UserId":"%08x-170e-4aed-9702-658b3fddc889","UserPrincipalName":"user%d@contoso.com","AADTenantId":"2ad3fc79-1859-42fa-9011-6f8df2251b22","UserType":"Member","Type":"SigninLogs"}`+"\n",
			ts.Format(time.RFC3339Nano), code, i, apps[i%len(apps)], ts.Format(time.RFC3339Nano), i, i%250, cities[i%len(cities)], i%5000, code, i%300, i%300, i)
	}
	return b.Bytes()
}

func TestTableFromName(t *testing.T) {
	cat := schema.Default()
	for stem, want := range map[string]string{
		"SigninLogs":          "SigninLogs",
		"SigninLogs_2024-01":  "SigninLogs",
		"AuditLogs_Hunting":   "AuditLogs",
		"signinLogs":          "",
		"sign-in_adelete":     "",
		"SigninLogsX":         "",
		"SecurityAlert-east ": "SecurityAlert",
	} {
		if got := tableFromName(stem, cat); got != want {
			t.Errorf("tableFromName(%q) = %q, want %q", stem, got, want)
		}
	}
}

func TestParseDateTimeFormats(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-05T10:00:00Z":              "2024-01-05T10:00:00Z",
		"2024-01-05T10:00:00.1234567Z":      "2024-01-05T10:00:00.1234567Z",
		"2021-04-19T12:13:19.4834758+00:00": "2021-04-19T12:13:19.4834758Z",
		"2024-01-05 10:00:00":               "2024-01-05T10:00:00Z",
		"2024-01-05T10:00:00-02:30":         "2024-01-05T12:30:00Z",
		"6/25/2019, 10:00:00.000 AM":        "2019-06-25T10:00:00Z",
		"4/19/2021, 12:13:19.483 PM":        "2021-04-19T12:13:19.483Z",
	} {
		ticks, ok := parseDateTime([]byte(in))
		if got := types.TimeFromTicks(ticks).Format(time.RFC3339Nano); !ok || got != want {
			t.Errorf("parseDateTime(%q) = %s, %v, want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "2024-02-30T00:00:00Z", "2024-01-05T25:00:00Z", "yesterday", "2024-01-05T10:00:00Q"} {
		if _, ok := parseDateTime([]byte(in)); ok {
			t.Errorf("parseDateTime(%q) ok, want failure", in)
		}
	}
}

func TestScannerErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":}`:        `expected a JSON value, found '}'`,
		`{"a":1 "b":2}`: `expected ',' or '}', found '"'`,
		`{"a":"x\q"}`:   `invalid escape 'q' in string`,
		`{"a":tru}`:     `expected "true", found 't'`,
		`{"a":-}`:       `expected a digit, found '}'`,
		`[1,2`:          `expected ',' or ']', found end of input`,
		`{"a":"b`:       `unterminated string`,
	} {
		s := scanner{data: []byte(in)}
		_, _, _, _, err := s.value()
		if err == nil || err.Error() != want {
			t.Errorf("scan %q: error %v, want %s", in, err, want)
		}
	}
	for _, in := range []string{`"0123456789abcdef\"x\\y0123456789"`, `"long plain text long plain text"`, `"é😀 unicode runs past eight bytes"`} {
		s := scanner{data: []byte(in)}
		if k, _, end, _, err := s.value(); err != nil || k != kString || end != len(in) {
			t.Errorf("scan %s: kind %v, end %d, error %v; want a string of %d bytes", in, k, end, err, len(in))
		}
	}
	for _, in := range []string{"\"0123456789ab\tcd\"", "\"0123456789abcdef\nxyz\""} {
		s := scanner{data: []byte(in)}
		if _, _, _, _, err := s.value(); err == nil {
			t.Errorf("scan %q: no error for a raw control character", in)
		}
	}
	if got := string(compact(nil, []byte("{ \"a b\" : [1, 2],\n \"c\":\"\\\" x\" }"))); got != `{"a b":[1,2],"c":"\" x"}` {
		t.Errorf("compact = %s", got)
	}
	if got := string(unescape(nil, []byte(`a\n\u00e9\ud83d\ude00\/`))); got != "a\né😀/" {
		t.Errorf("unescape = %q", got)
	}
}

func BenchmarkLoadSigninLogsJSONLines(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "SigninLogs.jsonl")
	data := synthSignins(50000, 0)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	cat := schema.Default()
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				_, rep, err := Load(context.Background(), []string{path}, Options{Catalog: cat, Workers: workers})
				if err != nil || rep.Rows["SigninLogs"] != 50000 {
					b.Fatalf("Load: %v, rows %v", err, rep.Rows)
				}
			}
		})
	}
}

func TestLoadPortalCSV(t *testing.T) {
	file := filepath.Join("testdata", "la", "SigninLogs_portal.csv")
	ds, rep := load(t, Options{}, file)
	wantRej := []Rejection{
		{File: file, Line: 5, Reason: `column "DurationMs": expected long, found "five"`},
		{File: file, Line: 6, Reason: "expected 7 fields, found 3"},
	}
	if diff := cmp.Diff(wantRej, rep.Rejected); diff != "" {
		t.Errorf("Rejected (-want +got):\n%s", diff)
	}
	tab, ok := ds.Table("SigninLogs")
	if !ok || tab.Rows() != 3 {
		t.Fatalf("SigninLogs rows %v", rep.Rows)
	}
	for _, c := range []struct {
		col  string
		row  int
		want string
	}{
		{"TimeGenerated", 0, "2024-02-03T16:05:06.7Z"},
		{"Status", 0, `{"errorCode":0}`},
		{"Status", 1, `{"errorCode":50126}`},
		{"Status", 2, `{"errorCode":0}`},
		{"Status_string", 2, "legacy text"},
		{"Status_string", 0, ""},
		{"DurationMs", 1, "<null>"},
		{"IsInteractive", 1, "false"},
		{"ResultType", 1, "50126"},
	} {
		if got := show(t, tab, c.col, c.row); got != c.want {
			t.Errorf("%s[%d] = %q, want %q", c.col, c.row, got, c.want)
		}
	}
}

func TestLoadBrokenArrayRecovers(t *testing.T) {
	file := filepath.Join("testdata", "la", "AuditLogs_broken.json")
	ds, rep := load(t, Options{}, file)
	want := []Rejection{{File: file, Line: 3, Reason: `3:69: expected a member name, found '}'`}}
	if diff := cmp.Diff(want, rep.Rejected); diff != "" {
		t.Errorf("Rejected (-want +got):\n%s", diff)
	}
	tab, _ := ds.Table("AuditLogs")
	var got []string
	for i := 0; i < tab.Rows(); i++ {
		got = append(got, show(t, tab, "OperationName", i))
	}
	if diff := cmp.Diff([]string{"one", "three", "four"}, got); diff != "" {
		t.Errorf("OperationName (-want +got):\n%s", diff)
	}
}

func TestLoadDamagedGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(zw, `{"TimeGenerated":"2024-01-05T10:00:00Z","OperationName":"op %d"}`+"\n", i)
	}
	zw.Close()
	dir := t.TempDir()
	cut := filepath.Join(dir, "AuditLogs.jsonl.gz")
	if err := os.WriteFile(cut, buf.Bytes()[:buf.Len()*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "AuditLogs_fake.json.gz")
	if err := os.WriteFile(plain, []byte(`{"OperationName":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, rep := load(t, Options{}, dir)
	if len(rep.Rejected) < 2 {
		t.Fatalf("Rejected = %v, want the damaged and the fake gzip file", rep.Rejected)
	}
	if r := rep.Rejected[0]; r.File != cut || !strings.HasPrefix(r.Reason, "gzip: unexpected EOF") {
		t.Errorf("Rejected[0] = %v, want %s: gzip: unexpected EOF...", r, cut)
	}
	if r := rep.Rejected[1]; r.File != plain || r.Reason != "gzip: not a gzip file" {
		t.Errorf("Rejected[1] = %v, want %s: gzip: not a gzip file", r, plain)
	}
	tab, _ := ds.Table("AuditLogs")
	if n := tab.Rows(); n < 100 || n >= 2000 {
		t.Errorf("rows read from the damaged file = %d, want the readable part", n)
	}
}

func TestLoadTooManyColumns(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"TimeGenerated":"2024-01-05T10:00:00Z"`)
	for i := 0; i < maxColumns; i++ {
		fmt.Fprintf(&b, `,"k%d":%d`, i, i)
	}
	b.WriteString("}\n{\"TimeGenerated\":\"2024-01-05T10:00:01Z\"}\n")
	path := filepath.Join(t.TempDir(), "AuditLogs.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, rep := load(t, Options{}, path)
	if len(rep.Rejected) != 1 || rep.Rejected[0].Line != 1 || !strings.Contains(rep.Rejected[0].Reason, "more than 2048 columns") {
		t.Errorf("Rejected = %v, want line 1 rejected for too many columns", rep.Rejected)
	}
	if rep.Rows["AuditLogs"] != 1 {
		t.Errorf("Rows = %v, want 1 AuditLogs row", rep.Rows)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("%d warnings (first %q), want none: columns of rejected rows are dropped", len(rep.Warnings), rep.Warnings[0])
	}
}
