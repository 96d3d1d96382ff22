package kusto

import (
	"bufio"
	"io"

	"github.com/socfeed/socfeed/kql/exec"
)

// WriteV1Tables writes res as the body of a Kusto REST API v1 query response holding only
// the primary results: {"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":...,
// "DataType":...,"ColumnType":...}],"Rows":[[...]]}, ...]}, one table per result, with values
// serialised exactly as the service sends them. `socfeed query --format json` prints this.
func WriteV1Tables(w io.Writer, res *exec.Result) error {
	bw := bufio.NewWriter(w)
	tables := make([]table, 0, len(res.Tables))
	for _, t := range res.Tables {
		tables = append(tables, table{name: t.Name, kind: "PrimaryResult", columns: t.Columns, rows: t.Rows, render: t.Render})
	}
	writeV1(bw, tables, false, nil)
	bw.WriteByte('\n')
	return bw.Flush()
}
