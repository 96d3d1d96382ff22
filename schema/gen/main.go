// Command gen writes schema/tables.json.gz, the embedded Log Analytics table schemas, from
// ../shared/schemas/la_table_schemas.json (table and column names and types only).
//
//	go run ./schema/gen -in ../shared/schemas/la_table_schemas.json -out schema/tables.json.gz
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"
)

func main() {
	in := flag.String("in", "../shared/schemas/la_table_schemas.json", "Log Analytics schema file")
	out := flag.String("out", "schema/tables.json.gz", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var tables map[string][]column
	if err := json.Unmarshal(raw, &tables); err != nil {
		return fmt.Errorf("%s: %v", in, err)
	}
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	// One line per table: ["Name",[["Col","type"],...]], so diffs stay readable after gunzip.
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, n := range names {
		cols := make([][2]string, 0, len(tables[n]))
		for _, c := range tables[n] {
			cols = append(cols, [2]string{c.Name, c.Type})
		}
		line, err := json.Marshal([]any{n, cols})
		if err != nil {
			return err
		}
		buf.Write(line)
		if i < len(names)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	zw.ModTime = time.Time{} // same input, same bytes
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}
