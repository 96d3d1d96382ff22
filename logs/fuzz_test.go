package logs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/socfeed/socfeed/schema"
)

func fuzzSeeds(f *testing.F) {
	for _, p := range []string{"la/SigninLogs.jsonl", "la/AuditLogs_2024-01.json", "la/AuditLogs_broken.json", "diag/entra-export.json", "diag/capture.json", "la/Inventory.csv", "la/SigninLogs_portal.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"records":[1,{"category":"SignInLogs","properties":{"status":{"errorCode":"x"}}}]}`))
	f.Add([]byte(`{"value":[{"createdDateTime":"2024-01-01T00:00:00Z","id":1}],"@odata.context":"x"}`))
}

// readAll runs both readers over data, as the table name hint and the stem given, and
// flushes and merges what they built, so any panic on hostile input shows.
func readAll(t *testing.T, data []byte, hint string, cat *schema.Catalog) {
	for _, csv := range []bool{false, true} {
		p := &part{file: "fuzz", tables: map[string]*tableBuilder{}, rejTable: map[string]int{}}
		r := &reader{ctx: context.Background(), cat: cat, batchSize: 3, p: p, hint: hint, stem: "Fuzz", data: data, lineBase: 1}
		var err error
		if csv {
			err = r.readCSV()
		} else {
			err = r.readJSON()
		}
		if err != nil {
			t.Fatalf("read error: %v", err)
		}
		rep := &Report{Rows: map[string]int{}, RejectedRows: map[string]int{}, Derived: map[string]int{}}
		for _, name := range p.names {
			tb := p.tables[name]
			tb.flush()
			sch, _ := cat.Table(name)
			tab := mergeTable(name, sch, []*tableBuilder{tb}, rep)
			for _, b := range tab.Batches {
				for i := 0; i < b.Len; i++ {
					b.Row(i)
				}
			}
		}
	}
}

func FuzzRead(f *testing.F) {
	fuzzSeeds(f)
	cat := schema.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		readAll(t, data, "", cat)
		readAll(t, data, "SigninLogs", cat)
	})
}

func FuzzReadParquet(f *testing.F) {
	dir := f.TempDir()
	type nested struct {
		A string  `parquet:"a"`
		B []int64 `parquet:"b,list"`
	}
	type row struct {
		TimeGenerated int64   `parquet:"TimeGenerated,timestamp(millisecond)"`
		Name          string  `parquet:"Name,dict"`
		N             *nested `parquet:"N,optional"`
	}
	t := &testing.T{}
	path := filepath.Join(dir, "seed.parquet")
	writeParquet(t, path, []row{{1, "x", &nested{"y", []int64{1, 2}}}, {2, "z", nil}})
	if data, err := os.ReadFile(path); err == nil {
		f.Add(data)
	}
	cat := schema.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "Fuzz.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		p := &part{file: path, tables: map[string]*tableBuilder{}, rejTable: map[string]int{}}
		r := &reader{ctx: context.Background(), cat: cat, batchSize: 3, p: p, stem: "Fuzz", lineBase: 1}
		if err := r.readParquet(path); err != nil {
			t.Fatalf("read error: %v", err)
		}
	})
}
