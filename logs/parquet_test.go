package logs

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

type pqLocation struct {
	City    string  `parquet:"city"`
	Country string  `parquet:"countryOrRegion"`
	Lat     float64 `parquet:"latitude"`
}

type pqPolicy struct {
	ID     string `parquet:"id"`
	Result string `parquet:"result"`
}

// pqSignin is a SigninLogs row as a data-lake export writes it: timestamps as Parquet
// timestamps, dynamic columns as JSON text or as nested groups and lists.
type pqSignin struct {
	TimeGenerated             time.Time   `parquet:"TimeGenerated,timestamp(microsecond)"`
	CreatedDateTime           *time.Time  `parquet:"CreatedDateTime,timestamp(nanosecond),optional"`
	UserPrincipalName         string      `parquet:"UserPrincipalName"`
	ResultType                string      `parquet:"ResultType"`
	DurationMs                *int64      `parquet:"DurationMs,optional"`
	IsInteractive             *bool       `parquet:"IsInteractive,optional"`
	DeviceDetail              string      `parquet:"DeviceDetail"`
	LocationDetails           *pqLocation `parquet:"LocationDetails,optional"`
	ConditionalAccessPolicies []pqPolicy  `parquet:"ConditionalAccessPolicies,list"`
	RiskEventTypes            []string    `parquet:"RiskEventTypes_V2,list"`
	Score                     float64     `parquet:"ExtraScore"`
	Type                      string      `parquet:"Type"`
}

func writeParquet[T any](t *testing.T, path string, rows []T) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[T](f)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadParquet(t *testing.T) {
	ts := time.Date(2024, 3, 1, 10, 0, 0, 123456000, time.UTC)
	created := time.Date(2024, 3, 1, 9, 59, 59, 123456789, time.UTC)
	dur := int64(42)
	yes := true
	rows := []pqSignin{
		{
			TimeGenerated: ts, CreatedDateTime: &created, UserPrincipalName: "alice@contoso.com", ResultType: "0",
			DurationMs: &dur, IsInteractive: &yes, DeviceDetail: `{ "operatingSystem": "Windows 10", "browser": "Edge" }`,
			LocationDetails:           &pqLocation{City: "Oslo", Country: "NO", Lat: 59.91},
			ConditionalAccessPolicies: []pqPolicy{{ID: "p1", Result: "success"}, {ID: "p2", Result: "notApplied"}},
			RiskEventTypes:            []string{"unfamiliarFeatures"},
			Score:                     1.5, Type: "SigninLogs",
		},
		{TimeGenerated: ts.Add(time.Second), UserPrincipalName: "bob@contoso.com", ResultType: "50126", Type: "SigninLogs"},
		{TimeGenerated: ts.Add(2 * time.Second), UserPrincipalName: "eve@contoso.com", ResultType: "", Type: "AuditLogs"},
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "export-0001.parquet")
	writeParquet(t, path, rows)
	ds, rep := load(t, Options{}, path)
	if len(rep.Rejected) != 0 {
		t.Errorf("Rejected = %v", rep.Rejected)
	}
	if rep.Rows["SigninLogs"] != 2 || rep.Rows["AuditLogs"] != 1 {
		t.Fatalf("Rows = %v, want 2 SigninLogs rows and 1 AuditLogs row (routed by Type)", rep.Rows)
	}
	tab, _ := ds.Table("SigninLogs")
	for _, c := range []struct {
		col  string
		row  int
		want string
	}{
		{"TimeGenerated", 0, "2024-03-01T10:00:00.123456Z"},
		{"CreatedDateTime", 0, "2024-03-01T09:59:59.1234567Z"},
		{"CreatedDateTime", 1, "<null>"},
		{"UserPrincipalName", 1, "bob@contoso.com"},
		{"ResultType", 1, "50126"},
		{"DurationMs", 0, "42"},
		{"DurationMs", 1, "<null>"},
		{"IsInteractive", 0, "true"},
		{"DeviceDetail", 0, `{"operatingSystem":"Windows 10","browser":"Edge"}`},
		{"DeviceDetail", 1, "<null>"},
		{"LocationDetails", 0, `{"city":"Oslo","countryOrRegion":"NO","latitude":59.91}`},
		{"LocationDetails", 1, "<null>"},
		{"ConditionalAccessPolicies", 0, `[{"id":"p1","result":"success"},{"id":"p2","result":"notApplied"}]`},
		{"RiskEventTypes_V2", 0, `["unfamiliarFeatures"]`},
		{"ExtraScore", 0, "1.5"},
	} {
		if got := show(t, tab, c.col, c.row); got != c.want {
			t.Errorf("%s[%d] = %q, want %q", c.col, c.row, got, c.want)
		}
	}
	if i := tab.Index("ExtraScore"); i < 0 || tab.Schema[i].Type != types.Real {
		t.Errorf("ExtraScore: want an inferred real column, schema %v", tab.Schema)
	}
	if i := tab.Index("TimeGenerated"); tab.Schema[i].Type != types.DateTime {
		t.Errorf("TimeGenerated type = %v", tab.Schema[i].Type)
	}
}

func TestLoadParquetRejects(t *testing.T) {
	type row struct {
		TimeGenerated string `parquet:"TimeGenerated"`
		DurationMs    string `parquet:"DurationMs"`
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "SigninLogs.parquet")
	writeParquet(t, path, []row{{"2024-01-01T00:00:00Z", "5"}, {"2024-01-01T00:00:01Z", "five"}, {"not a time", "6"}})
	_, rep := load(t, Options{}, path)
	want := []Rejection{
		{File: path, Line: 2, Reason: `column "DurationMs": expected long, found "five"`},
		{File: path, Line: 3, Reason: `column "TimeGenerated": expected datetime, found "not a time"`},
	}
	if len(rep.Rejected) != 2 || rep.Rejected[0] != want[0] || rep.Rejected[1] != want[1] {
		t.Errorf("Rejected = %v, want %v", rep.Rejected, want)
	}
	bad := filepath.Join(dir, "AuditLogs.parquet")
	os.WriteFile(bad, []byte("not parquet at all"), 0o644)
	_, rep = load(t, Options{}, bad)
	if len(rep.Rejected) != 1 || rep.Rejected[0].Line != 1 {
		t.Errorf("a damaged Parquet file: Rejected = %v, want one rejection at line 1", rep.Rejected)
	}
}

// TestLoadParquetDamaged loads a thousand randomly damaged copies of a Parquet file: each
// must load (with rejections) rather than panic or exhaust memory.
func TestLoadParquetDamaged(t *testing.T) {
	type row struct {
		TimeGenerated time.Time `parquet:"TimeGenerated,timestamp(millisecond)"`
		Name          string    `parquet:"Name,dict"`
		Tags          []string  `parquet:"Tags,list"`
	}
	dir := t.TempDir()
	seedPath := filepath.Join(dir, "seed.parquet")
	writeParquet(t, seedPath, []row{{time.Unix(1, 0), "x", []string{"a"}}, {time.Unix(2, 0), "z", nil}})
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	path := filepath.Join(dir, "AuditLogs.parquet")
	cat := schema.Default()
	for i := 0; i < 1000; i++ {
		data := append([]byte(nil), seed...)
		for k := 0; k < 1+rng.Intn(8); k++ {
			data[rng.Intn(len(data))] = byte(rng.Intn(256))
		}
		if rng.Intn(4) == 0 {
			data = data[:rng.Intn(len(data))]
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := Load(context.Background(), []string{path}, Options{Workers: 1, Catalog: cat}); err != nil {
			t.Fatalf("damaged copy %d: %v", i, err)
		}
	}
}
