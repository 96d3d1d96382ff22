package kusto

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/types"
)

// table is one table of a response: a primary result, or a table the service adds
// (QueryProperties, QueryCompletionInformation, ...).
type table struct {
	name    string
	kind    string // v2 TableKind: PrimaryResult, QueryProperties, QueryCompletionInformation
	columns []exec.Column
	rows    [][]types.Value
	// truncated is set when rows were cut at the record limit; the service then reports a
	// partial query failure after the rows.
	truncated *serviceError
	render    string
}

// Codes the service uses in its status rows.
const (
	statusTruncated = -2133196797 // 0x80DA0003 E_QUERY_RESULT_SET_TOO_LARGE
	levelError      = 2
	levelInfo       = 4
)

// truncationError is the partial query failure the service reports when a result has more
// rows than truncationmaxrecords.
func truncationError(limit int64) *serviceError {
	return &serviceError{
		status: 200, code: "LimitsExceeded", message: msgBadRequest,
		typ:    "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
		detail: fmt.Sprintf("Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed the set limit of %d records, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003). See https://aka.ms/kustoquerylimits for more information and possible solutions..", limit),
	}
}

// writer writes JSON with a reusable buffer.
type writer struct {
	w   *bufio.Writer
	buf []byte
}

func (w *writer) raw(s string) { w.w.WriteString(s) }

func (w *writer) str(s string) {
	w.buf = types.AppendJSONString(w.buf[:0], s)
	w.w.Write(w.buf)
}

func (w *writer) json(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only values built by this package reach here; they always marshal.
		panic("internal error: " + err.Error())
	}
	w.w.Write(b)
}

func (w *writer) row(r []types.Value) {
	w.buf = append(w.buf[:0], '[')
	for i, v := range r {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = appendValue(w.buf, v)
	}
	w.buf = append(w.buf, ']')
	w.w.Write(w.buf)
}

func (w *writer) rows(rows [][]types.Value) {
	w.raw("[")
	for i, r := range rows {
		if i > 0 {
			w.raw(",")
		}
		w.row(r)
	}
	w.raw("]")
}

// v2Columns writes "Columns":[{"ColumnName":..,"ColumnType":..}].
func (w *writer) v2Columns(cols []exec.Column) {
	w.raw(`"Columns":[`)
	for i, c := range cols {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"ColumnName":`)
		w.str(c.Name)
		w.raw(`,"ColumnType":`)
		w.str(columnType(c.Type))
		w.raw("}")
	}
	w.raw("]")
}

// writeV2 writes a v2 response: a JSON array of frames. With fragmented, primary results
// go as TableHeader, TableFragment and TableCompletion frames (as the Go SDK asks);
// otherwise as one DataTable frame each. With newlines, every frame starts on its own line,
// which the Go SDK's frame reader requires.
func writeV2(w *bufio.Writer, tables []table, props *properties, rc *requestContext) {
	jw := &writer{w: w}
	sep := ","
	if props.newlines {
		sep = "\n,"
	}
	jw.raw(`[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0","IsFragmented":` + strconv.FormatBool(props.fragmented))
	if props.fragmented && props.endOfTable {
		jw.raw(`,"ErrorReportingPlacement":"EndOfTable"}`)
	} else {
		jw.raw(`,"ErrorReportingPlacement":"InData"}`)
	}
	var errs []map[string]any
	for id, t := range tables {
		jw.raw(sep)
		if props.fragmented && t.kind == "PrimaryResult" {
			jw.raw(`{"FrameType":"TableHeader","TableId":` + strconv.Itoa(id) + `,"TableKind":"PrimaryResult","TableName":`)
			jw.str(t.name)
			jw.raw(",")
			jw.v2Columns(t.columns)
			jw.raw("}")
			if len(t.rows) > 0 {
				jw.raw(sep)
				jw.raw(`{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":` + strconv.Itoa(id) + `,"Rows":`)
				jw.rows(t.rows)
				jw.raw("}")
			}
			jw.raw(sep)
			jw.raw(`{"FrameType":"TableCompletion","TableId":` + strconv.Itoa(id) + `,"RowCount":` + strconv.Itoa(len(t.rows)))
			if t.truncated != nil {
				e := t.truncated.oneAPIError(rc)
				errs = append(errs, e)
				jw.raw(`,"OneApiErrors":[`)
				jw.json(e)
				jw.raw("]")
			}
			jw.raw("}")
			continue
		}
		jw.raw(`{"FrameType":"DataTable","TableId":` + strconv.Itoa(id) + `,"TableKind":`)
		jw.str(t.kind)
		jw.raw(`,"TableName":`)
		jw.str(t.name)
		jw.raw(",")
		jw.v2Columns(t.columns)
		jw.raw(`,"Rows":`)
		if t.truncated != nil {
			// In-data error reporting: the rows, then the error as a row object.
			e := t.truncated.oneAPIError(rc)
			errs = append(errs, e)
			jw.raw("[")
			for i, r := range t.rows {
				if i > 0 {
					jw.raw(",")
				}
				jw.row(r)
			}
			if len(t.rows) > 0 {
				jw.raw(",")
			}
			jw.raw(`{"OneApiErrors":[`)
			jw.json(e)
			jw.raw("]}]")
		} else {
			jw.rows(t.rows)
		}
		jw.raw("}")
	}
	jw.raw(sep)
	if len(errs) > 0 {
		jw.raw(`{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false,"OneApiErrors":`)
		jw.json(errs)
		jw.raw("}")
	} else {
		jw.raw(`{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}`)
	}
	if props.newlines {
		jw.raw("\n]\n")
	} else {
		jw.raw("]")
	}
}

// writeV1 writes a v1 response: {"Tables":[...]} with the primary results first, then
// (for queries) QueryProperties, QueryStatus and the TableOfContents that names them.
func writeV1(w *bufio.Writer, tables []table, withTOC bool, rc *requestContext) {
	jw := &writer{w: w}
	jw.raw(`{"Tables":[`)
	var exceptions []string
	for i, t := range tables {
		if i > 0 {
			jw.raw(",")
		}
		jw.raw(`{"TableName":"Table_` + strconv.Itoa(i) + `","Columns":[`)
		for j, c := range t.columns {
			if j > 0 {
				jw.raw(",")
			}
			jw.raw(`{"ColumnName":`)
			jw.str(c.Name)
			jw.raw(`,"DataType":`)
			jw.str(dataType(c.Type))
			jw.raw(`,"ColumnType":`)
			jw.str(columnType(c.Type))
			jw.raw("}")
		}
		jw.raw(`],"Rows":`)
		if t.truncated != nil {
			exceptions = append(exceptions, t.truncated.detail)
			jw.raw("[")
			for k, r := range t.rows {
				if k > 0 {
					jw.raw(",")
				}
				jw.row(r)
			}
			if len(t.rows) > 0 {
				jw.raw(",")
			}
			jw.raw(`{"Exceptions":[`)
			jw.str(t.truncated.detail)
			jw.raw("]}]")
		} else {
			jw.rows(t.rows)
		}
		jw.raw("}")
	}
	if withTOC {
		kinds := map[string]string{"PrimaryResult": "QueryResult", "QueryProperties": "QueryProperties", "QueryCompletionInformation": "QueryStatus"}
		toc := table{columns: []exec.Column{{Name: "Ordinal", Type: types.Long}, {Name: "Kind", Type: types.String},
			{Name: "Name", Type: types.String}, {Name: "Id", Type: types.String}, {Name: "PrettyName", Type: types.String}}}
		for i, t := range tables {
			name := t.name
			if t.kind == "QueryProperties" {
				name = "@ExtendedProperties"
			}
			toc.rows = append(toc.rows, []types.Value{types.NewLong(int64(i)), types.NewString(kinds[t.kind]),
				types.NewString(name), types.NewString(newGUID()), types.NewString("")})
		}
		jw.raw(`,{"TableName":"Table_` + strconv.Itoa(len(tables)) + `","Columns":[`)
		for j, c := range toc.columns {
			if j > 0 {
				jw.raw(",")
			}
			jw.raw(`{"ColumnName":"` + c.Name + `","DataType":"` + dataType(c.Type) + `","ColumnType":"` + columnType(c.Type) + `"}`)
		}
		jw.raw(`],"Rows":`)
		jw.rows(toc.rows)
		jw.raw("}")
	}
	jw.raw("]")
	if len(exceptions) > 0 {
		jw.raw(`,"Exceptions":`)
		jw.json(exceptions)
	}
	jw.raw("}")
}

// visualization is the JSON the service puts in the QueryProperties table for each
// primary result.
func visualization(render string) string {
	v := "null"
	if render != "" {
		v = types.QuoteJSON(render)
	}
	return `{"Visualization":` + v + `,"Title":null,"XColumn":null,"Series":null,"YColumns":null,"AnomalyColumns":null,"XTitle":null,"YTitle":null,"XAxis":null,"YAxis":null,"Legend":null,"YSplit":null,"Accumulate":false,"IsQuerySorted":false,"Kind":null,"Ymin":"NaN","Ymax":"NaN","Xmin":null,"Xmax":null}`
}

// queryTables builds the tables of a query response in the given protocol version, in
// the service's order: v2 has QueryProperties, the primary results and
// QueryCompletionInformation; v1 has the primary results, QueryProperties and QueryStatus.
func queryTables(res []table, v2 bool, rc *requestContext, elapsed time.Duration) []table {
	out := append([]table(nil), res...)
	props := table{name: "@ExtendedProperties", kind: "QueryProperties"}
	if v2 {
		props.columns = []exec.Column{{Name: "TableId", Type: types.Int}, {Name: "Key", Type: types.String}, {Name: "Value", Type: types.Dynamic}}
		for i, t := range res {
			// The service sends this dynamic value as a JSON string.
			props.rows = append(props.rows, []types.Value{types.NewInt(int32(i + 1)), types.NewString("Visualization"),
				types.NewDynamic(types.QuoteJSON(visualization(t.render)))})
		}
	} else {
		props.columns = []exec.Column{{Name: "Value", Type: types.String}}
		for _, t := range res {
			props.rows = append(props.rows, []types.Value{types.NewString(visualization(t.render))})
		}
	}
	ts := types.NewDateTime(types.TicksFromTime(time.Now()))
	act := types.NewGUID(rc.activityID)
	stats := fmt.Sprintf(`{"ExecutionTime":%s,"resource_usage":{},"dataset_statistics":[%s]}`,
		strconv.FormatFloat(elapsed.Seconds(), 'f', -1, 64), datasetStats(res))
	var info table
	info.kind = "QueryCompletionInformation"
	if v2 {
		info.name = "QueryCompletionInformation"
		info.columns = []exec.Column{{Name: "Timestamp", Type: types.DateTime}, {Name: "ClientRequestId", Type: types.String},
			{Name: "ActivityId", Type: types.GUID}, {Name: "SubActivityId", Type: types.GUID}, {Name: "ParentActivityId", Type: types.GUID},
			{Name: "Level", Type: types.Int}, {Name: "LevelName", Type: types.String}, {Name: "StatusCode", Type: types.Int},
			{Name: "StatusCodeName", Type: types.String}, {Name: "EventType", Type: types.Int}, {Name: "EventTypeName", Type: types.String},
			{Name: "Payload", Type: types.String}}
		add := func(level int32, levelName string, code int32, codeName string, event int32, eventName, payload string) {
			info.rows = append(info.rows, []types.Value{ts, types.NewString(rc.clientRequestID), act, act, act,
				types.NewInt(level), types.NewString(levelName), types.NewInt(code), types.NewString(codeName),
				types.NewInt(event), types.NewString(eventName), types.NewString(payload)})
		}
		add(levelInfo, "Info", 0, "S_OK (0)", 4, "QueryInfo", `{"Count":1,"Text":"Query completed successfully"}`)
		for _, t := range res {
			if t.truncated != nil {
				add(levelError, "Error", statusTruncated, "E_QUERY_RESULT_SET_TOO_LARGE (0x80DA0003)", 4, "QueryInfo",
					`{"Count":1,"Text":`+types.QuoteJSON(t.truncated.detail)+`}`)
			}
		}
		add(6, "Stats", 0, "S_OK (0)", 0, "QueryResourceConsumption", stats)
	} else {
		info.name = "QueryStatus"
		info.columns = []exec.Column{{Name: "Timestamp", Type: types.DateTime}, {Name: "Severity", Type: types.Int},
			{Name: "SeverityName", Type: types.String}, {Name: "StatusCode", Type: types.Int}, {Name: "StatusDescription", Type: types.String},
			{Name: "Count", Type: types.Int}, {Name: "RequestId", Type: types.GUID}, {Name: "ActivityId", Type: types.GUID},
			{Name: "SubActivityId", Type: types.GUID}, {Name: "ClientActivityId", Type: types.String}}
		add := func(sev int32, sevName string, code int32, desc string) {
			info.rows = append(info.rows, []types.Value{ts, types.NewInt(sev), types.NewString(sevName), types.NewInt(code),
				types.NewString(desc), types.NewInt(1), act, act, act, types.NewString(rc.clientRequestID)})
		}
		add(levelInfo, "Info", 0, "Query completed successfully")
		for _, t := range res {
			if t.truncated != nil {
				add(levelError, "Error", statusTruncated, t.truncated.detail)
			}
		}
		add(6, "Stats", 0, stats)
	}
	if v2 {
		// v2 sends QueryProperties first (TableId 0), then the primary results.
		return append(append([]table{props}, out...), info)
	}
	return append(out, props, info)
}

func datasetStats(res []table) string {
	var b []byte
	for i, t := range res {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"table_row_count":%d,"table_size":0}`, len(t.rows))
	}
	return string(b)
}
