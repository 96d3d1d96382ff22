package synth

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// Sink receives the files [Generate] writes. Generate calls Create once per file name and
// Close once on each file it created; several files are open at a time, since tables are
// written day by day. Generate never calls a Sink from more than one goroutine.
type Sink interface {
	Create(name string) (io.WriteCloser, error)
}

// DirSink is a [Sink] that writes files into the directory it names, creating it if needed.
type DirSink string

// Create creates the file name in the directory, replacing any file already there.
func (d DirSink) Create(name string) (io.WriteCloser, error) {
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return nil, err
	}
	return os.Create(filepath.Join(string(d), name))
}

// MemSink is a [Sink] that keeps each file in memory, keyed by name.
type MemSink map[string]*bytes.Buffer

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// Create returns a writer for a new buffer stored under name.
func (m MemSink) Create(name string) (io.WriteCloser, error) {
	b := &bytes.Buffer{}
	m[name] = b
	return nopCloser{b}, nil
}

// WriteDir generates data as [Generate] does and writes it into dir, with labels.json.
func WriteDir(dir string, opts Options) (*Labels, error) { return Generate(opts, DirSink(dir)) }

// tableWriter writes one table's rows, in time order, over one or more calls.
type tableWriter interface {
	write(rows []row) error
	close() error
}

// streamWriter writes a table to one file as its rows arrive.
type streamWriter struct {
	name string
	f    io.WriteCloser
	w    *bufio.Writer
	rows func(w *bufio.Writer, rows []row) error
	done func(w *bufio.Writer) error // optional, before closing
}

func (s *streamWriter) write(rows []row) error {
	if err := s.rows(s.w, rows); err != nil {
		return fmt.Errorf("writing %s: %w", s.name, err)
	}
	return nil
}

func (s *streamWriter) close() error {
	var err error
	if s.done != nil {
		err = s.done(s.w)
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", s.name, err)
	}
	return nil
}

// graphWriter keeps a table's rows until close, since Graph pages list the newest first.
type graphWriter struct {
	g    *gen
	out  Sink
	t    *schema.Table
	rows []row
}

func (gw *graphWriter) write(rows []row) error {
	for _, r := range rows {
		if err := checkColumns(gw.t, r); err != nil {
			return err
		}
	}
	gw.rows = append(gw.rows, rows...)
	return nil
}

func (gw *graphWriter) close() error { return gw.g.writeGraph(gw.out, gw.t, gw.rows) }

// openWriters creates a writer for every table in g's format.
func (g *gen) openWriters(out Sink) error {
	g.writers = map[string]tableWriter{}
	for _, name := range Tables() {
		t := g.mustTable(name)
		if g.o.Format == FormatGraph && graphContext(name) != "" {
			g.writers[name] = &graphWriter{g: g, out: out, t: t}
			continue
		}
		file := name + ".jsonl"
		if g.o.Format == FormatCSV {
			file = name + ".csv"
		}
		f, err := out.Create(file)
		if err != nil {
			g.closeWriters()
			return err
		}
		sw := &streamWriter{name: file, f: f, w: bufio.NewWriterSize(f, 1<<16)}
		switch {
		case g.o.Format == FormatCSV:
			cw := csv.NewWriter(sw.w)
			cw.UseCRLF = true
			g.writers[name] = sw
			if err := writeCSVHeader(sw.w, cw, t); err != nil {
				g.closeWriters()
				return err
			}
			sw.rows = func(_ *bufio.Writer, rows []row) error { return writeCSVRows(cw, t, rows) }
		case g.o.Format == FormatDiagnostic && diagnosticCategory(name) != "":
			sw.rows = func(w *bufio.Writer, rows []row) error { return g.writeDiagnostic(w, t, rows) }
		default:
			sw.rows = func(w *bufio.Writer, rows []row) error { return writeLA(w, t, rows) }
		}
		g.writers[name] = sw
	}
	return nil
}

// closeWriters finishes every table's file and returns the first error.
func (g *gen) closeWriters() error {
	var first error
	for _, name := range Tables() {
		if w, ok := g.writers[name]; ok {
			if err := w.close(); err != nil && first == nil {
				first = err
			}
		}
	}
	g.writers = nil
	return first
}

func writeLabels(out Sink, labels *Labels) error {
	return writeFile(out, "labels.json", func(w *bufio.Writer) error {
		b, err := json.MarshalIndent(labels, "", "  ")
		if err != nil {
			return err
		}
		w.Write(b)
		return w.WriteByte('\n')
	})
}

func writeFile(out Sink, name string, body func(w *bufio.Writer) error) error {
	f, err := out.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = body(w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// checkColumns reports a row key that is not a column of t: a generator bug that would
// otherwise silently lose data.
func checkColumns(t *schema.Table, r row) error {
	for k := range r {
		if _, ok := t.Column(k); !ok {
			return fmt.Errorf("internal error: table %s has no column %s", t.Name, k)
		}
	}
	return nil
}

// laValue converts a generator value to what Log Analytics holds in a column of type typ.
func laValue(typ types.Type, v any) (any, error) {
	if v == nil {
		if typ == types.String {
			return "", nil
		}
		return nil, nil
	}
	switch typ {
	case types.String, types.GUID:
		switch x := v.(type) {
		case string:
			return x, nil
		case int:
			return strconv.Itoa(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case bool:
			if x {
				return "True", nil
			}
			return "False", nil
		case time.Time:
			return string(appendTime(nil, x)), nil
		}
		if isStructured(v) {
			return jsonText(v), nil
		}
	case types.Bool:
		if _, ok := v.(bool); ok {
			return v, nil
		}
	case types.Int, types.Long:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		}
	case types.Real:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int:
			return float64(x), nil
		}
	case types.DateTime:
		if _, ok := v.(time.Time); ok {
			return v, nil
		}
	case types.Dynamic:
		return v, nil
	}
	return nil, fmt.Errorf("internal error: %T value in %s column", v, typ)
}

func writeLA(w *bufio.Writer, t *schema.Table, rows []row) error {
	var b, scratch []byte
	for _, r := range rows {
		if err := checkColumns(t, r); err != nil {
			return err
		}
		b = append(b[:0], '{')
		for i, c := range t.Columns {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, c.Name)
			b = append(b, ':')
			if v := r[c.Name]; c.Type == types.String && isStructured(v) {
				// JSON held in a string column: escape it straight from a scratch buffer.
				scratch = appendJSON(scratch[:0], v)
				b = appendJSONString(b, scratch)
				continue
			}
			v, err := laValue(c.Type, r[c.Name])
			if err != nil {
				return fmt.Errorf("%s.%s: %w", t.Name, c.Name, err)
			}
			b = appendJSON(b, v)
		}
		b = append(b, '}', '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// csvTime formats a datetime as the Log Analytics portal's CSV export does.
func csvTime(t time.Time) string { return t.UTC().Format("1/2/2006, 3:04:05.000 PM") }

func writeCSVHeader(w *bufio.Writer, cw *csv.Writer, t *schema.Table) error {
	w.WriteString("\ufeff")
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = c.Name
		if c.Type == types.DateTime {
			rec[i] += " [UTC]"
		}
	}
	return cw.Write(rec)
}

func writeCSVRows(cw *csv.Writer, t *schema.Table, rows []row) error {
	rec := make([]string, len(t.Columns))
	for _, r := range rows {
		if err := checkColumns(t, r); err != nil {
			return err
		}
		for i, c := range t.Columns {
			v, err := laValue(c.Type, r[c.Name])
			if err != nil {
				return fmt.Errorf("%s.%s: %w", t.Name, c.Name, err)
			}
			switch x := v.(type) {
			case nil:
				rec[i] = ""
			case string:
				if c.Type == types.Dynamic {
					rec[i] = jsonText(x)
				} else {
					rec[i] = x
				}
			case bool:
				rec[i] = strings.ToUpper(strconv.FormatBool(x))
			case time.Time:
				rec[i] = csvTime(x)
			default:
				rec[i] = jsonText(x)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// diagnosticCategory is the diagnostic-settings log category of a table, or "" when the
// table has no such export.
func diagnosticCategory(table string) string {
	switch table {
	case tSignin:
		return "SignInLogs"
	case tNonInter:
		return "NonInteractiveUserSignInLogs"
	case tSPSignin:
		return "ServicePrincipalSignInLogs"
	case tAudit:
		return "AuditLogs"
	}
	return ""
}

// envelopeColumn reports whether a Log Analytics column comes from the diagnostic envelope
// or from Log Analytics itself rather than from the record's properties.
func envelopeColumn(col string) bool {
	switch col {
	case "TenantId", "SourceSystem", "TimeGenerated", "Type", "OperationName", "OperationVersion", "Category",
		"ResultType", "ResultSignature", "ResultDescription", "DurationMs", "Identity", "Level", "Location",
		"Resource", "ResourceGroup", "ResourceProvider", "ResourceId", "AADTenantId",
		"AppliedConditionalAccessPolicies": // the same list as ConditionalAccessPolicies
		return true
	}
	return col[0] == '_'
}

// graphName maps a sign-in column to its Microsoft Graph property name.
func graphName(col string) string {
	switch col {
	case "IPAddress":
		return "ipAddress"
	case "IPAddressFromResourceProvider":
		return "ipAddressFromResourceProvider"
	case "LocationDetails":
		return "location"
	case "ConditionalAccessPolicies":
		return "appliedConditionalAccessPolicies"
	case "RiskEventTypes_V2":
		return "riskEventTypes_v2"
	case "ResourceIdentity":
		return "resourceId"
	case "ProcessingTimeInMs":
		return "processingTimeInMilliseconds"
	}
	return strings.ToLower(col[:1]) + col[1:]
}

// properties builds a record's Microsoft Graph (camelCase) form, shared by diagnostic
// settings and the Graph API.
func (g *gen) properties(t *schema.Table, r row) obj {
	if t.Name == tAudit {
		return o("id", r["Id"], "category", r["Category"], "correlationId", r["CorrelationId"], "result", r["Result"],
			"resultReason", r["ResultReason"], "activityDisplayName", r["ActivityDisplayName"], "activityDateTime", r["ActivityDateTime"],
			"loggedByService", r["LoggedByService"], "operationType", r["AADOperationType"], "initiatedBy", r["InitiatedBy"],
			"targetResources", r["TargetResources"], "additionalDetails", r["AdditionalDetails"])
	}
	var p obj
	for _, c := range t.Columns {
		if envelopeColumn(c.Name) {
			continue
		}
		v := r[c.Name]
		if s, ok := v.(string); ok && c.Type == types.String && len(s) > 0 && (s[0] == '{' || s[0] == '[') {
			v = rawJSON(s) // JSON held as a string in Log Analytics is structured in Graph
		}
		p = append(p, kv{graphName(c.Name), v})
	}
	if p.get("status") == nil {
		code, _ := strconv.Atoi(r["ResultType"].(string))
		st := o("errorCode", code)
		if code != 0 {
			st = append(st, kv{"failureReason", r["ResultDescription"]})
		}
		p = append(p, kv{"status", st})
	}
	return p
}

func callerIP(r row) string {
	if ip, ok := r["IPAddress"].(string); ok {
		return ip
	}
	if by, ok := r["InitiatedBy"].(obj); ok {
		if u, ok := by.get("user").(obj); ok {
			if ip, ok := u.get("ipAddress").(string); ok && ip != "" {
				return ip
			}
		}
	}
	return "<null>"
}

func (g *gen) writeDiagnostic(w *bufio.Writer, t *schema.Table, rows []row) error {
	var b []byte
	for _, r := range rows {
		if err := checkColumns(t, r); err != nil {
			return err
		}
		env := o("time", r["TimeGenerated"], "resourceId", "/tenants/"+g.w.tenantID+"/providers/Microsoft.aadiam",
			"operationName", r["OperationName"], "operationVersion", r["OperationVersion"], "category", diagnosticCategory(t.Name),
			"tenantId", g.w.tenantID)
		if t.Name != tAudit {
			env = append(env, kv{"resultType", r["ResultType"]}, kv{"resultSignature", r["ResultSignature"]},
				kv{"resultDescription", r["ResultDescription"]})
		} else {
			env = append(env, kv{"resultSignature", r["ResultSignature"]})
		}
		env = append(env, kv{"durationMs", r["DurationMs"]}, kv{"callerIpAddress", callerIP(r)},
			kv{"correlationId", r["CorrelationId"]}, kv{"identity", r["Identity"]}, kv{"Level", 4})
		if t.Name != tAudit {
			env = append(env, kv{"location", r["Location"]})
		}
		env = append(env, kv{"properties", g.properties(t, r)})
		b = appendJSON(b[:0], env)
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// graphContext is the @odata.context of the Graph API listing a table's records, or "".
func graphContext(table string) string {
	switch table {
	case tSignin:
		return "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns"
	case tNonInter, tSPSignin:
		return "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns"
	case tAudit:
		return "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits"
	}
	return ""
}

func graphQuery(table string) string {
	switch table {
	case tSignin:
		return "https://graph.microsoft.com/v1.0/auditLogs/signIns?$top=1000"
	case tNonInter:
		return "https://graph.microsoft.com/beta/auditLogs/signIns?$top=1000&$filter=signInEventTypes/any(t:%20t%20eq%20'nonInteractiveUser')"
	case tSPSignin:
		return "https://graph.microsoft.com/beta/auditLogs/signIns?$top=1000&$filter=signInEventTypes/any(t:%20t%20eq%20'servicePrincipal')"
	}
	return "https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$top=1000"
}

// graphPageSize is the number of records per Graph page ($top=1000, the API's maximum).
const graphPageSize = 1000

// writeGraph writes a table as Graph API pages, newest record first as Graph returns them.
func (g *gen) writeGraph(out Sink, t *schema.Table, rows []row) error {
	n := len(rows)
	pages := max(1, (n+graphPageSize-1)/graphPageSize)
	for p := 0; p < pages; p++ {
		var items []any
		for i := p * graphPageSize; i < min(n, (p+1)*graphPageSize); i++ {
			r := rows[n-1-i]
			if err := checkColumns(t, r); err != nil {
				return err
			}
			props := g.properties(t, r)
			switch t.Name {
			case tSignin:
				props = append(props, kv{"signInEventTypes", []string{"interactiveUser"}})
			case tSPSignin:
				props = append(props, kv{"signInEventTypes", []string{"servicePrincipal"}})
			}
			items = append(items, props)
		}
		if items == nil {
			items = []any{}
		}
		page := o("@odata.context", graphContext(t.Name), "value", items)
		if p+1 < pages {
			page = append(page, kv{"@odata.nextLink", graphQuery(t.Name) + "&$skiptoken=" + hexString(g.r, 48)})
		}
		name := fmt.Sprintf("%s.page-%03d.json", t.Name, p+1)
		err := writeFile(out, name, func(w *bufio.Writer) error {
			w.Write(appendJSON(nil, page))
			return w.WriteByte('\n')
		})
		if err != nil {
			return err
		}
	}
	return nil
}
