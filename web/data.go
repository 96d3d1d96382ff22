package web

import (
	"math"
	"sort"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/logs"
)

// Data is the log data loaded for the UI: the tables rules are checked against and run
// on. The zero Data means no data is loaded.
type Data struct {
	// Tables are the loaded tables by name, as package logs returns them.
	Tables map[string]*column.Table
	// Paths are the files and folders the data was loaded from.
	Paths []string
	// Report is what the loader read, set aside and derived; nil when unknown.
	Report *logs.Report
}

// TableInfo describes one loaded table.
type TableInfo struct {
	Name    string `json:"name"`
	Rows    int    `json:"rows"`
	Columns int    `json:"columns"`
	// Rejected counts the records of the table the loader set aside; Deduped the rows
	// it dropped as repeats of an earlier record.
	Rejected int `json:"rejected"`
	Deduped  int `json:"deduped"`
	// First and Last are the earliest and latest TimeGenerated; HasTime is false when the
	// table has no non-null TimeGenerated.
	First   time.Time `json:"first,omitzero"`
	Last    time.Time `json:"last,omitzero"`
	HasTime bool      `json:"hasTime"`
}

// tableInfos describes the loaded tables, sorted by name.
func (d *Data) tableInfos() []TableInfo {
	out := make([]TableInfo, 0, len(d.Tables))
	for name, t := range d.Tables {
		ti := TableInfo{Name: name, Rows: t.Rows(), Columns: len(t.Schema)}
		if d.Report != nil {
			ti.Rejected, ti.Deduped = d.Report.RejectedRows[name], d.Report.Deduped[name]
		}
		if i := t.Index("TimeGenerated"); i >= 0 && t.Schema[i].Type == types.DateTime {
			lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
			for _, b := range t.Batches {
				col := b.Cols[i]
				for r := 0; r < b.Len; r++ {
					if col.IsNull(r) {
						continue
					}
					v := col.Value(r).I
					lo, hi, ti.HasTime = min(lo, v), max(hi, v), true
				}
			}
			if ti.HasTime {
				ti.First, ti.Last = types.TimeFromTicks(lo).UTC(), types.TimeFromTicks(hi).UTC()
			}
		}
		out = append(out, ti)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Readiness says whether one table a rule reads is in the loaded data.
type Readiness struct {
	Table      string   `json:"table"`
	Connectors []string `json:"connectors"`
	Loaded     bool     `json:"loaded"`
	Rows       int      `json:"rows"`
	// MissingColumns are columns the query reads that the loaded table lacks.
	MissingColumns []string `json:"missingColumns,omitempty"`
}

// readiness checks the rule's data sources against the loaded tables. ready is true when
// every table is loaded with rows and no column is missing.
func readiness(sources []DataSource, infos map[string]TableInfo, tables map[string]*column.Table) (out []Readiness, ready bool) {
	ready = len(sources) > 0
	for _, s := range sources {
		r := Readiness{Table: s.Table, Connectors: s.Connectors}
		if ti, ok := infos[s.Table]; ok {
			r.Loaded, r.Rows = true, ti.Rows
			if t := tables[s.Table]; t != nil {
				for _, c := range s.Columns {
					if t.Index(c) < 0 {
						r.MissingColumns = append(r.MissingColumns, c)
					}
				}
			}
		}
		if !r.Loaded || r.Rows == 0 || len(r.MissingColumns) > 0 {
			ready = false
		}
		out = append(out, r)
	}
	return out, ready
}
