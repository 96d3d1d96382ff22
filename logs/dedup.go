package logs

import (
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
)

// RecordIDColumn returns the column that identifies a record of table, by which rows
// repeated by export retries are recognised: Id for the sign-in tables and AuditLogs,
// SystemAlertId for SecurityAlert, and _ItemId (set by Log Analytics on every row)
// otherwise.
func RecordIDColumn(table string) string {
	switch {
	case table == "AuditLogs", strings.Contains(strings.ToLower(table), "signin"):
		return "Id"
	case table == "SecurityAlert":
		return "SystemAlertId"
	}
	return "_ItemId"
}

// idKey returns the record id of row i of v as a map key; ok is false for a null or
// empty id, which identifies nothing.
func idKey(v column.Vector, i int) (string, bool) {
	switch v := v.(type) {
	case *column.Strings:
		s := v.Str(i)
		return s, s != ""
	case *column.GUIDs:
		if v.Nulls.Get(i) {
			return "", false
		}
		return column.FormatGUID(v.Vals[i]), true
	case *column.Ints:
		if v.Nulls.Get(i) {
			return "", false
		}
		return strconv.FormatInt(v.Vals[i], 10), true
	}
	x := v.Value(i)
	if x.IsNull() {
		return "", false
	}
	s := x.String()
	return s, s != ""
}

// dedupTable drops the rows of t whose record id is in seen or repeats an earlier row's,
// adding the ids it keeps to seen. It returns the table (t itself when nothing is
// dropped) and the number of rows dropped. Rows without an id are kept.
func dedupTable(t *column.Table, seen map[string]struct{}) (*column.Table, int) {
	ci := t.Index(RecordIDColumn(t.Name))
	if ci < 0 {
		return t, 0
	}
	out := &column.Table{Name: t.Name, Schema: t.Schema}
	dropped := 0
	var keep []int32
	for _, b := range t.Batches {
		keep = keep[:0]
		for i := 0; i < b.Len; i++ {
			k, ok := idKey(b.Cols[ci], i)
			if ok {
				if _, dup := seen[k]; dup {
					continue
				}
				seen[k] = struct{}{}
			}
			keep = append(keep, int32(i))
		}
		switch {
		case len(keep) == b.Len:
			out.Batches = append(out.Batches, b)
		case len(keep) > 0:
			out.Batches = append(out.Batches, b.Gather(append([]int32(nil), keep...)))
		}
		dropped += b.Len - len(keep)
	}
	if dropped == 0 {
		return t, 0
	}
	return out, dropped
}
