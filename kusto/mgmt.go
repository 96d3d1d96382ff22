package kusto

import (
	"encoding/json"
	"strings"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// The management commands socfeed answers: the ones clients (Kusto.Explorer, the SDKs,
// the Azure Data Explorer web UI, Grafana and the like) send on connect and to list the
// schema. socfeed holds no writable state, so every command is read-only.
//
//	.show version
//	.show cluster
//	.show databases
//	.show database [DB] schema [as json]
//	.show tables
//	.show table T
//	.show table T schema as json
//	.show functions

// command runs a management command against the handler's databases; db is the request's
// database. It returns the result table.
func (h *Handler) command(csl, db string) (table, error) {
	toks, _ := syntax.Scan(strings.TrimSpace(csl))
	var words []string
	for _, t := range toks {
		switch t.Kind {
		case syntax.TokEOF:
		case syntax.TokIdent, syntax.TokString:
			w := t.Text
			if t.Kind == syntax.TokString {
				w = t.Value
			}
			words = append(words, w)
		case syntax.TokLbrack, syntax.TokRbrack, syntax.TokDot:
			// `.show` and `['name']`: punctuation only.
		default:
			words = append(words, t.Text)
		}
	}
	lower := make([]string, len(words))
	for i, w := range words {
		lower[i] = strings.ToLower(w)
	}
	is := func(pattern ...string) bool {
		if len(pattern) != len(lower) {
			return false
		}
		for i, p := range pattern {
			if p != "*" && p != lower[i] {
				return false
			}
		}
		return true
	}
	database := func(name string) (*Database, error) {
		if name == "" {
			return nil, badRequest("the request names no database (db) and there is no default database")
		}
		d, ok := h.opts.Databases[name]
		if !ok {
			return nil, &dbError{name: name}
		}
		d.init()
		return d, nil
	}
	str := func(s string) types.Value { return types.NewString(s) }
	switch {
	case is("show", "version"):
		t := table{columns: cols("BuildVersion", types.String, "BuildTime", types.DateTime, "ServiceType", types.String, "ProductVersion", types.String)}
		t.rows = [][]types.Value{{str(h.version()), types.NewDateTime(types.TicksFromTime(h.opts.Started)), str("Engine"), str("socfeed " + h.version())}}
		return t, nil
	case is("show", "cluster"):
		t := table{columns: cols("NodeId", types.String, "Address", types.String, "Name", types.String, "StartTime", types.DateTime,
			"IsAdmin", types.Bool, "MachineTotalMemory", types.Long, "MachineAvailableMemory", types.Long, "ProcessorCount", types.Int,
			"EnvironmentDescription", types.Dynamic, "ProductVersion", types.String)}
		t.rows = [][]types.Value{{str("socfeed"), str(""), str("socfeed"), types.NewDateTime(types.TicksFromTime(h.opts.Started)),
			types.NewBool(true), types.NullOf(types.Long), types.NullOf(types.Long), types.NullOf(types.Int), types.NewDynamic("{}"), str("socfeed " + h.version())}}
		return t, nil
	case is("show", "databases"):
		t := table{columns: cols("DatabaseName", types.String, "PersistentStorage", types.String, "Version", types.String,
			"IsCurrent", types.Bool, "DatabaseAccessMode", types.String, "PrettyName", types.String, "ReservedSlot1", types.Bool,
			"DatabaseId", types.GUID, "InTransitionTo", types.String, "SuspensionState", types.Dynamic)}
		for _, n := range h.databaseNames() {
			t.rows = append(t.rows, []types.Value{str(n), str(""), str("v1.0"), types.NewBool(n == db), str("ReadOnly"), str(""),
				types.NewBool(false), types.NewGUID(nameGUID(n)), str(""), types.NullOf(types.Dynamic)})
		}
		return t, nil
	case is("show", "tables"), is("show", "tables", "details"):
		d, err := database(db)
		if err != nil {
			return table{}, err
		}
		t := table{columns: cols("TableName", types.String, "DatabaseName", types.String, "Folder", types.String, "DocString", types.String)}
		for _, n := range d.tableNames() {
			t.rows = append(t.rows, []types.Value{str(n), str(db), str(""), str("")})
		}
		return t, nil
	case is("show", "table", "*"):
		d, err := database(db)
		if err != nil {
			return table{}, err
		}
		fields, ok := d.extraSchema(words[2])
		if !ok {
			return table{}, &QueryError{Pos: -1, Msg: "'" + words[2] + "': table not found"}
		}
		t := table{columns: cols("AttributeName", types.String, "AttributeType", types.String, "ExtentSize", types.Long,
			"CompressionRatio", types.Real, "IndexSize", types.Long, "StorageSize", types.Long, "ColumnType", types.String)}
		for _, f := range fields {
			t.rows = append(t.rows, []types.Value{str(f.Name), str(clrType(f.Type)), types.NewLong(0), types.NewReal(0),
				types.NewLong(0), types.NewLong(0), str(columnType(f.Type))})
		}
		return t, nil
	case is("show", "table", "*", "schema", "as", "json"), is("show", "table", "*", "cslschema"):
		d, err := database(db)
		if err != nil {
			return table{}, err
		}
		name := words[2]
		fields, ok := d.extraSchema(name)
		if !ok {
			return table{}, &QueryError{Pos: -1, Msg: "'" + name + "': table not found"}
		}
		if lower[3] == "cslschema" {
			t := table{columns: cols("TableName", types.String, "Schema", types.String, "DatabaseName", types.String, "Folder", types.String, "DocString", types.String)}
			var parts []string
			for _, f := range fields {
				parts = append(parts, f.Name+":"+columnType(f.Type))
			}
			t.rows = [][]types.Value{{str(name), str(strings.Join(parts, ",")), str(db), str(""), str("")}}
			return t, nil
		}
		t := table{columns: cols("TableName", types.String, "Schema", types.String, "DatabaseName", types.String, "Folder", types.String, "DocString", types.String)}
		t.rows = [][]types.Value{{str(name), str(mustJSON(tableSchemaJSON(name, fields))), str(db), str(""), str("")}}
		return t, nil
	case is("show", "database", "schema", "as", "json"), is("show", "database", "*", "schema", "as", "json"):
		name := db
		if len(words) == 6 {
			name = words[2]
		}
		d, err := database(name)
		if err != nil {
			return table{}, err
		}
		tables := map[string]any{}
		for _, n := range d.tableNames() {
			fs, _ := d.extraSchema(n)
			tables[n] = tableSchemaJSON(n, fs)
		}
		doc := map[string]any{"Databases": map[string]any{name: map[string]any{
			"Name": name, "Tables": tables, "ExternalTables": map[string]any{}, "MaterializedViews": map[string]any{},
			"MajorVersion": 1, "MinorVersion": 0, "Functions": map[string]any{}, "DatabaseAccessMode": "ReadOnly",
		}}}
		t := table{columns: cols("DatabaseSchema", types.String)}
		t.rows = [][]types.Value{{str(mustJSON(doc))}}
		return t, nil
	case is("show", "database", "schema"), is("show", "database", "*", "schema"):
		name := db
		if len(words) == 4 {
			name = words[2]
		}
		d, err := database(name)
		if err != nil {
			return table{}, err
		}
		t := table{columns: cols("DatabaseName", types.String, "TableName", types.String, "ColumnName", types.String,
			"ColumnType", types.String, "IsDefaultTable", types.Bool, "IsDefaultColumn", types.Bool, "PrettyName", types.String,
			"Version", types.String, "Folder", types.String, "DocString", types.String)}
		t.rows = append(t.rows, []types.Value{str(name), str(""), str(""), str(""), types.NewBool(false), types.NewBool(false), str(""), str("v1.0"), str(""), str("")})
		for _, n := range d.tableNames() {
			fs, _ := d.extraSchema(n)
			t.rows = append(t.rows, []types.Value{str(name), str(n), str(""), str(""), types.NewBool(false), types.NewBool(false), str(""), str(""), str(""), str("")})
			for _, f := range fs {
				t.rows = append(t.rows, []types.Value{str(name), str(n), str(f.Name), str(clrType(f.Type)), types.NewBool(false), types.NewBool(false), str(""), str(""), str(""), str("")})
			}
		}
		return t, nil
	case is("show", "functions"):
		t := table{columns: cols("Name", types.String, "Parameters", types.String, "Body", types.String, "Folder", types.String, "DocString", types.String)}
		return t, nil
	}
	return table{}, &QueryError{Syntax: true, Pos: 0, Msg: "unknown or unsupported control command; socfeed answers .show version, .show cluster, .show databases, .show tables, .show table T [schema as json|cslschema], .show database [DB] schema [as json] and .show functions"}
}

// cols builds columns from name, type pairs.
func cols(pairs ...any) []exec.Column {
	out := make([]exec.Column, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, exec.Column{Name: pairs[i].(string), Type: pairs[i+1].(types.Type)})
	}
	return out
}

// tableSchemaJSON is a table's schema as `.show table T schema as json` gives it.
func tableSchemaJSON(name string, fields []column.Field) map[string]any {
	var oc []map[string]any
	for _, f := range fields {
		oc = append(oc, map[string]any{"Name": f.Name, "Type": clrType(f.Type), "CslType": columnType(f.Type)})
	}
	if oc == nil {
		oc = []map[string]any{}
	}
	return map[string]any{"Name": name, "OrderedColumns": oc, "Folder": "", "DocString": ""}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("internal error: " + err.Error())
	}
	return string(b)
}
