package logs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/schema"
)

// keptValues returns the values of the named column of t, formatted, or nil when t
// has no such column.
func keptValues(t *column.Table, name string) []string {
	i := t.Index(name)
	if i < 0 {
		return nil
	}
	var out []string
	for _, b := range t.Batches {
		for r := 0; r < b.Len; r++ {
			out = append(out, fmt.Sprintf("%v", b.Cols[i].Value(r)))
		}
	}
	return out
}

func TestLoadColumns(t *testing.T) {
	dir := t.TempDir()
	data := synthSignins(300, 40)
	// A row without TimeGenerated (derived from CreatedDateTime), one with a column the
	// schema lacks, and one that does not convert.
	data = append(data, `{"CreatedDateTime":"2024-01-06T00:00:00Z","ResultType":"0","AppDisplayName":"Late"}
{"TimeGenerated":"2024-01-06T00:00:01Z","ResultType":"1","MyExtra":42,"Other":"x"}
{"TimeGenerated":"2024-01-06T00:00:02Z","ResultType":"1","DurationMs":"five"}
`...)
	path := filepath.Join(dir, "SigninLogs.jsonl")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cat := schema.Default()
	for _, tc := range []struct {
		name      string
		keep      []string
		chunkSize int
	}{
		{"some", []string{"TimeGenerated", "ResultType", "AppDisplayName", "MyExtra"}, 0},
		{"small chunks", []string{"UserPrincipalName", "DeviceDetail", "Status", "Type"}, 4096},
		{"none", []string{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full, frep := load(t, Options{Catalog: cat, ChunkSize: tc.chunkSize}, path)
			part, prep := load(t, Options{Catalog: cat, ChunkSize: tc.chunkSize, Columns: map[string][]string{"SigninLogs": tc.keep}}, path)
			if diff := cmp.Diff(frep.Rejected, prep.Rejected); diff != "" {
				t.Errorf("Rejected (-all columns +some):\n%s", diff)
			}
			if diff := cmp.Diff(frep.Rows, prep.Rows); diff != "" {
				t.Errorf("Rows (-all columns +some):\n%s", diff)
			}
			ft, pt := full.Tables["SigninLogs"], part.Tables["SigninLogs"]
			keep := map[string]bool{}
			for _, c := range tc.keep {
				keep[c] = true
			}
			if keep["TimeGenerated"] {
				// TimeGenerated is derived from CreatedDateTime when a row lacks it.
				keep["CreatedDateTime"] = true
			}
			for _, f := range ft.Schema {
				want := keptValues(ft, f.Name)
				got := keptValues(pt, f.Name)
				switch {
				case keep[f.Name]:
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("column %s (-all columns +some):\n%s", f.Name, diff)
					}
				case got == nil:
					if sch, _ := cat.Table("SigninLogs"); sch != nil {
						if _, ok := sch.Column(f.Name); ok {
							t.Errorf("schema column %s missing", f.Name)
						}
					}
				default:
					j := pt.Index(f.Name)
					n := 0
					for _, bt := range pt.Batches {
						for r := 0; r < bt.Len; r++ {
							if v := bt.Cols[j].Value(r); !v.Null {
								t.Fatalf("skipped column %s: row %d is %v, want null", f.Name, n, v)
							}
							n++
						}
					}
					if n != len(want) {
						t.Errorf("skipped column %s: %d rows, want %d", f.Name, n, len(want))
					}
				}
			}
			if keep["MyExtra"] && pt.Index("MyExtra") < 0 {
				t.Errorf("kept extra column MyExtra missing")
			}
			if pt.Index("Other") >= 0 {
				t.Errorf("extra column Other not named in Columns was kept")
			}
		})
	}
}

func BenchmarkLoadColumns(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "SigninLogs.jsonl")
	data := synthSignins(50000, 0)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	cat := schema.Default()
	for _, tc := range []struct {
		name string
		cols map[string][]string
	}{
		{"all", nil},
		{"two", map[string][]string{"SigninLogs": {"ResultType", "AppDisplayName"}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				_, rep, err := Load(context.Background(), []string{path}, Options{Catalog: cat, Columns: tc.cols})
				if err != nil || rep.Rows["SigninLogs"] != 50000 {
					b.Fatalf("Load: %v, rows %v", err, rep.Rows)
				}
			}
		})
	}
}

func TestStoreColumns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "SigninLogs.jsonl")
	if err := os.WriteFile(path, synthSignins(500, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ds, rep, err := Load(ctx, []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "store")
	if _, err := WriteStore(ctx, store, ds, rep, StoreOptions{}); err != nil {
		t.Fatal(err)
	}
	keep := []string{"IPAddress", "LocationDetails", "TimeGenerated"}
	part, _ := load(t, Options{Columns: map[string][]string{"SigninLogs": keep}}, store)
	full, pt := ds.Tables["SigninLogs"], part.Tables["SigninLogs"]
	if diff := cmp.Diff(full.Schema, pt.Schema); diff != "" {
		t.Fatalf("Schema (-all columns +some):\n%s", diff)
	}
	for _, f := range full.Schema {
		got := keptValues(pt, f.Name)
		if f.Name == "IPAddress" || f.Name == "LocationDetails" || f.Name == "TimeGenerated" {
			if diff := cmp.Diff(keptValues(full, f.Name), got); diff != "" {
				t.Errorf("column %s (-all columns +some):\n%s", f.Name, diff)
			}
			continue
		}
		for _, bt := range pt.Batches {
			if c, ok := bt.Cols[pt.Index(f.Name)].(*column.Const); !ok || !c.V.Null {
				t.Fatalf("skipped column %s is %T, want a null constant", f.Name, bt.Cols[pt.Index(f.Name)])
			}
		}
	}
}

// readParts reads data as readAll does, with the given columns, and returns the
// rejections and the merged tables.
func readParts(t *testing.T, data []byte, hint string, cat *schema.Catalog, csv bool, cols map[string][]string) ([]Rejection, map[string]*column.Table) {
	p := &part{file: "fuzz", tables: map[string]*tableBuilder{}, rejTable: map[string]int{}}
	r := &reader{ctx: context.Background(), cat: cat, batchSize: 3, p: p, hint: hint, stem: "Fuzz", data: data, lineBase: 1, columns: cols}
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
	out := map[string]*column.Table{}
	for _, name := range p.names {
		tb := p.tables[name]
		tb.flush()
		sch, _ := cat.Table(name)
		out[name] = mergeTable(name, sch, []*tableBuilder{tb}, rep)
	}
	return p.rejected, out
}

// FuzzReadColumns checks that reading only some columns rejects the same records, keeps
// the same rows and gives the same values in the columns read.
func FuzzReadColumns(f *testing.F) {
	fuzzSeeds(f)
	cat := schema.Default()
	keep := []string{"ResultType", "TimeGenerated", "UserPrincipalName", "Status", "OperationName", "x"}
	cols := map[string][]string{"SigninLogs": keep, "AuditLogs": keep, "Fuzz": keep}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, csv := range []bool{false, true} {
			for _, hint := range []string{"", "SigninLogs"} {
				frej, full := readParts(t, data, hint, cat, csv, nil)
				prej, part := readParts(t, data, hint, cat, csv, cols)
				if diff := cmp.Diff(frej, prej); diff != "" {
					t.Fatalf("csv %v, hint %q: rejected (-all columns +some):\n%s", csv, hint, diff)
				}
				for name, ft := range full {
					pt := part[name]
					if pt == nil || ft.Rows() != pt.Rows() {
						t.Fatalf("csv %v, hint %q: table %s: rows differ", csv, hint, name)
					}
					for _, c := range keep {
						if diff := cmp.Diff(keptValues(ft, c), keptValues(pt, c)); diff != "" {
							t.Fatalf("csv %v, hint %q: %s.%s (-all columns +some):\n%s", csv, hint, name, c, diff)
						}
					}
				}
			}
		}
	})
}
