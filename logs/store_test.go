package logs

import (
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
)

// everyType returns a table with a column of every KQL type, nulls in each nullable
// column, a dictionary-encoded and a plain string column, over two batches.
func everyType(t *testing.T) *column.Table {
	t.Helper()
	fields := []column.Field{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "Span", Type: types.TimeSpan},
		{Name: "B", Type: types.Bool}, {Name: "I", Type: types.Int}, {Name: "L", Type: types.Long},
		{Name: "R", Type: types.Real}, {Name: "Dict", Type: types.String}, {Name: "Plain", Type: types.String},
		{Name: "D", Type: types.Dynamic}, {Name: "G", Type: types.GUID}, {Name: "Dec", Type: types.Decimal},
	}
	tab := &column.Table{Name: "Everything", Schema: fields}
	for b := 0; b < 2; b++ {
		n := 1500 + b*7
		bs := make([]column.Builder, len(fields))
		for i, f := range fields {
			bs[i] = column.NewBuilder(f.Type)
		}
		for i := 0; i < n; i++ {
			null := i%5 == 3
			k := int64(b*n + i)
			app := func(c int, v types.Value) {
				if null && fields[c].Type != types.String {
					bs[c].AppendNull()
				} else {
					bs[c].Append(v)
				}
			}
			// 100 ns precision and dates outside the Parquet nanosecond range.
			app(0, types.Value{Type: types.DateTime, I: types.TicksFromTime(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)) + k*1_234_567_891})
			app(1, types.Value{Type: types.TimeSpan, I: -k*10_000_001 + 3})
			app(2, types.NewBool(i%2 == 0))
			app(3, types.Value{Type: types.Int, I: int64(int32(-k * 1000))})
			app(4, types.Value{Type: types.Long, I: k * 1_000_000_007})
			app(5, types.NewReal(float64(k)/7))
			app(6, types.NewString([]string{"Success", "Failure", "", "Interrupted"}[i%4]))
			app(7, types.NewString(fmt.Sprintf("user%d@contoso.com \"é\" \x00", k)))
			app(8, types.NewDynamic(fmt.Sprintf(`{"n":%d,"a":[1,"x",null],"s":"é\n"}`, k)))
			app(9, types.NewGUID(fmt.Sprintf("%08x-1859-42fa-9011-6f8df2251b22", k)))
			app(10, types.NewDecimal(fmt.Sprintf("%d.%03d", k, k%1000)))
		}
		cols := make([]column.Vector, len(fields))
		for i := range bs {
			cols[i] = bs[i].Build()
		}
		batch, err := column.NewBatch(fields, cols)
		if err != nil {
			t.Fatal(err)
		}
		tab.Batches = append(tab.Batches, batch)
	}
	if s := tab.Batches[0].Cols[6].(*column.Strings); !s.IsDict() {
		t.Fatalf("test table: Dict column is not dictionary-encoded")
	}
	if s := tab.Batches[0].Cols[7].(*column.Strings); s.IsDict() {
		t.Fatalf("test table: Plain column is dictionary-encoded")
	}
	return tab
}

// rowsOf renders every row of tab as text, value by value, with the null state.
func rowsOf(tab *column.Table) []string {
	var out []string
	for _, b := range tab.Batches {
		for i := 0; i < b.Len; i++ {
			var sb strings.Builder
			for j, c := range b.Cols {
				v := c.Value(i)
				fmt.Fprintf(&sb, "%s=%v/%d/%q/%v/%v|", tab.Schema[j].Name, v.Type, v.I, v.S, v.F, v.IsNull())
			}
			out = append(out, sb.String())
		}
	}
	return out
}

func TestStoreRoundTripEveryType(t *testing.T) {
	tab := everyType(t)
	dir := filepath.Join(t.TempDir(), "store")
	ds := &Dataset{Tables: map[string]*column.Table{tab.Name: tab}}
	m, err := WriteStore(context.Background(), dir, ds, &Report{Rows: map[string]int{tab.Name: tab.Rows()}}, StoreOptions{Sources: []string{"test"}})
	if err != nil {
		t.Fatal(err)
	}
	if !IsStore(dir) || len(m.Tables) != 1 || m.Tables[0].Rows != tab.Rows() {
		t.Fatalf("manifest = %+v", m)
	}
	if got, want := m.Tables[0].MinTime, "0001-01-01T00:00:00.0000000Z"; got != want {
		t.Errorf("MinTime = %q, want %q", got, want)
	}
	got, rep, err := Load(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	gt, ok := got.Table("Everything")
	if !ok {
		t.Fatalf("tables = %v", got.Names())
	}
	if diff := cmp.Diff(tab.Schema, gt.Schema); diff != "" {
		t.Errorf("schema (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(rowsOf(tab), rowsOf(gt)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if rep.Rows["Everything"] != tab.Rows() || len(rep.Stores) != 1 {
		t.Errorf("report rows %v, stores %v", rep.Rows, rep.Stores)
	}
	for _, b := range gt.Batches {
		if s := b.Cols[6].(*column.Strings); !s.IsDict() {
			t.Errorf("Dict column read back plain; want dictionary-encoded")
		}
		if d, ok := b.Cols[8].(*column.Dynamics); !ok || !d.IsNull(3) || d.IsNull(4) {
			t.Errorf("dynamic nulls not kept")
		}
	}
}

func TestStoreAppendAndDedup(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "SigninLogs.jsonl")
	if err := os.WriteFile(src, synthSignins(300, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "store")
	ctx := context.Background()
	ingest := func(dedup bool, paths ...string) *Report {
		t.Helper()
		ds, rep, err := Load(ctx, paths, Options{Dedup: dedup})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := WriteStore(ctx, store, ds, rep, StoreOptions{Dedup: dedup}); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	ingest(false, src)
	ingest(false, src)
	_, rep, err := Load(ctx, []string{store}, Options{})
	if err != nil || rep.Rows["SigninLogs"] != 600 {
		t.Fatalf("after two ingests: rows %v, error %v; want 600", rep.Rows, err)
	}
	// The ids of synthSignins repeat every 300 rows: a third ingest with dedup adds nothing.
	rep = ingest(true, src)
	if rep.Deduped["SigninLogs"] != 300 {
		t.Errorf("Deduped = %v, want 300 SigninLogs rows", rep.Deduped)
	}
	_, rep, err = Load(ctx, []string{store}, Options{Dedup: true})
	if err != nil || rep.Rows["SigninLogs"] != 300 || rep.Deduped["SigninLogs"] != 300 {
		t.Errorf("store read with dedup: rows %v deduped %v error %v; want 300 and 300", rep.Rows, rep.Deduped, err)
	}
	m, err := ReadManifest(store)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Ingests) != 3 || len(m.Table("SigninLogs").Parts) != 2 {
		t.Errorf("manifest: %d ingests, %d parts; want 3 and 2", len(m.Ingests), len(m.Table("SigninLogs").Parts))
	}
	// A store and raw files together: the raw rows follow the store's.
	_, rep, err = Load(ctx, []string{store, src}, Options{})
	if err != nil || rep.Rows["SigninLogs"] != 900 {
		t.Errorf("store + file: rows %v, error %v; want 900", rep.Rows, err)
	}
	notStore := filepath.Join(dir, "notstore")
	os.MkdirAll(notStore, 0o755)
	os.WriteFile(filepath.Join(notStore, "keep.txt"), []byte("x"), 0o644)
	if _, err := WriteStore(ctx, notStore, &Dataset{Tables: map[string]*column.Table{}}, nil, StoreOptions{}); err == nil || !strings.Contains(err.Error(), "not a table store") {
		t.Errorf("WriteStore into a non-empty folder: error %v, want 'not a table store'", err)
	}
}

func TestDedupWithinLoad(t *testing.T) {
	dir := t.TempDir()
	data := synthSignins(50, 0)
	// An export retry: the same 50 rows twice, plus an AuditLogs file with a repeat.
	os.WriteFile(filepath.Join(dir, "SigninLogs_1.jsonl"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "SigninLogs_2.jsonl"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "AuditLogs.jsonl"), []byte(
		`{"TimeGenerated":"2024-01-01T00:00:00Z","Id":"a1"}`+"\n"+
			`{"TimeGenerated":"2024-01-01T00:00:00Z","Id":"a1"}`+"\n"+
			`{"TimeGenerated":"2024-01-01T00:00:00Z","Id":""}`+"\n"+
			`{"TimeGenerated":"2024-01-01T00:00:00Z","Id":""}`+"\n"), 0o644)
	_, rep := load(t, Options{Dedup: true}, dir)
	want := map[string]int{"SigninLogs": 50, "AuditLogs": 1}
	if diff := cmp.Diff(want, rep.Deduped); diff != "" {
		t.Errorf("Deduped (-want +got):\n%s", diff)
	}
	if rep.Rows["SigninLogs"] != 50 || rep.Rows["AuditLogs"] != 3 {
		t.Errorf("Rows = %v, want 50 SigninLogs and 3 AuditLogs (rows without an id are kept)", rep.Rows)
	}
	for table, col := range map[string]string{"SigninLogs": "Id", "AADNonInteractiveUserSignInLogs": "Id", "AuditLogs": "Id", "SecurityAlert": "SystemAlertId", "SecurityEvent": "_ItemId"} {
		if got := RecordIDColumn(table); got != col {
			t.Errorf("RecordIDColumn(%s) = %s, want %s", table, got, col)
		}
	}
}

func BenchmarkStoreRead(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "SigninLogs.jsonl")
	if err := os.WriteFile(path, synthSignins(50000, 0), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ds, rep, err := Load(ctx, []string{path}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	store := filepath.Join(dir, "store")
	if _, err := WriteStore(ctx, store, ds, rep, StoreOptions{}); err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, rep, err := Load(ctx, []string{store}, Options{Workers: workers})
				if err != nil || rep.Rows["SigninLogs"] != 50000 {
					b.Fatalf("Load: %v, rows %v", err, rep.Rows)
				}
			}
			b.ReportMetric(float64(50000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func TestStoreDamaged(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "SigninLogs.jsonl")
	os.WriteFile(src, synthSignins(100, 0), 0o644)
	ctx := context.Background()
	ds, rep, err := Load(ctx, []string{src}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "store")
	if _, err := WriteStore(ctx, store, ds, rep, StoreOptions{}); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(store, "SigninLogs", "part-0000.parquet")
	data, err := os.ReadFile(part)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(data) / 2, len(data) - 10} {
		os.WriteFile(part, data[:cut], 0o644)
		if _, _, err := Load(ctx, []string{store}, Options{}); err == nil || !strings.Contains(err.Error(), "part-0000.parquet") {
			t.Errorf("truncated to %d bytes: error %v, want one naming the file", cut, err)
		}
	}
	os.WriteFile(filepath.Join(store, ManifestFile), []byte(`{"format":"other/9"}`), 0o644)
	if _, _, err := Load(ctx, []string{store}, Options{}); err == nil || !strings.Contains(err.Error(), `expected format "socfeed-store/1"`) {
		t.Errorf("unknown store format: error %v", err)
	}
}
