package synth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/schema"
)

// genericRows generates rows for t and decodes them.
func genericRows(t *testing.T, st *schema.Table, n int, seed int64, o GenericOptions) []map[string]any {
	t.Helper()
	b, err := GenericTable(st, n, seed, o)
	if err != nil {
		t.Fatalf("GenericTable(%s): %v", st.Name, err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		var r map[string]any
		if err := d.Decode(&r); err != nil {
			t.Fatalf("%s line %d: %v", st.Name, line, err)
		}
		out = append(out, r)
	}
	if len(out) != n {
		t.Fatalf("GenericTable(%s, %d) gave %d rows", st.Name, n, len(out))
	}
	return out
}

func TestGenericDeterministic(t *testing.T) {
	st, _ := schema.Default().Table("SigninLogs")
	a, _ := GenericTable(st, 50, 1, GenericOptions{})
	b, _ := GenericTable(st, 50, 1, GenericOptions{})
	if !bytes.Equal(a, b) {
		t.Errorf("two runs with the same arguments differ")
	}
	c, _ := GenericTable(st, 50, 2, GenericOptions{})
	if bytes.Equal(a, c) {
		t.Errorf("seeds 1 and 2 give the same rows")
	}
}

// TestGenericEveryTable generates rows for every table of the catalog and checks that
// every row has every column with a value of its type, in time order within the window.
func TestGenericEveryTable(t *testing.T) {
	cat := schema.Default()
	o := GenericOptions{Days: 3, End: time.Date(2025, 6, 1, 13, 0, 0, 0, time.UTC)}
	end := GenericEnd(o)
	if want := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC); !end.Equal(want) {
		t.Fatalf("GenericEnd = %v, want %v", end, want)
	}
	start := end.AddDate(0, 0, -3)
	for _, name := range cat.Names() {
		st, _ := cat.Table(name)
		rows := genericRows(t, st, 8, 5, o)
		var last time.Time
		for i, r := range rows {
			if len(r) != len(st.Columns) {
				t.Fatalf("%s row %d has %d columns, want %d", name, i, len(r), len(st.Columns))
			}
			for _, c := range st.Columns {
				v, ok := r[c.Name]
				if !ok || !checkType(c.Type, v) {
					t.Fatalf("%s row %d: %s (%s) = %#v", name, i, c.Name, c.Type, v)
				}
			}
			if tg, ok := st.Column("TimeGenerated"); ok && tg.Type == types.DateTime {
				at, _ := time.Parse(time.RFC3339Nano, r["TimeGenerated"].(string))
				if at.Before(start) || !at.Before(end) || at.Before(last) {
					t.Fatalf("%s row %d: TimeGenerated %v out of order or outside [%v, %v)", name, i, at, start, end)
				}
				last = at
			}
		}
	}
}

// TestGenericLoads loads generated rows with package logs: none may be rejected.
func TestGenericLoads(t *testing.T) {
	cat := schema.Default()
	dir := t.TempDir()
	names := []string{"SigninLogs", "AuditLogs", "SecurityEvent", "DeviceProcessEvents", "OfficeActivity",
		"CommonSecurityLog", "AzureActivity", "SecurityAlert", "Syslog", "AzureDiagnostics", "W3CIISLog", "DnsEvents"}
	for _, name := range names {
		st, _ := cat.Table(name)
		b, err := GenericTable(st, 40, 9, GenericOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".jsonl"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ds, rep, err := logs.Load(context.Background(), []string{dir}, logs.Options{Catalog: cat, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rejected[:min(5, len(rep.Rejected))] {
		t.Errorf("rejected: %s", r)
	}
	for _, name := range names {
		if rep.Rows[name] != 40 {
			t.Errorf("%s: loaded %d rows, want 40", name, rep.Rows[name])
		}
		if _, ok := ds.Table(name); !ok {
			t.Errorf("%s: not loaded", name)
		}
	}
}

// path walks a decoded JSON value: string steps are keys, int steps indexes.
func path(v any, steps ...any) (any, bool) {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			v = a[k]
		}
	}
	return v, true
}

func TestGenericHeuristics(t *testing.T) {
	st := &schema.Table{Name: "Custom_CL", Columns: []schema.Column{
		{Name: "TimeGenerated", Type: types.DateTime},
		{Name: "IPAddress", Type: types.String},
		{Name: "SrcIpAddr", Type: types.String},
		{Name: "ClientIP_s", Type: types.String},
		{Name: "UserPrincipalName", Type: types.String},
		{Name: "AccountUpn", Type: types.String},
		{Name: "AccountName", Type: types.String},
		{Name: "AccountDomain", Type: types.String},
		{Name: "CorrelationId", Type: types.String},
		{Name: "ResultType", Type: types.String},
		{Name: "EventID", Type: types.Int},
		{Name: "DestinationPort", Type: types.Int},
		{Name: "Severity", Type: types.String},
		{Name: "ActionType", Type: types.String},
		{Name: "OperationName", Type: types.String},
		{Name: "GroupMembership", Type: types.String},
		{Name: "SecurityDescriptor", Type: types.String},
		{Name: "SHA256", Type: types.String},
		{Name: "Latitude", Type: types.Real},
		{Name: "TargetResources", Type: types.Dynamic},
		{Name: "InitiatedBy", Type: types.Dynamic},
		{Name: "LocationDetails", Type: types.Dynamic},
		{Name: "DeviceDetail", Type: types.Dynamic},
		{Name: "AdditionalFields", Type: types.Dynamic},
		{Name: "Entities", Type: types.String},
		{Name: "Tags", Type: types.Dynamic},
	}}
	rows := genericRows(t, st, 200, 3, GenericOptions{Domain: "fabrikam.com"})
	isIP := func(v any) bool {
		s, _ := v.(string)
		_, err := netip.ParseAddr(s)
		return err == nil
	}
	isUPN := func(v any) bool {
		s, _ := v.(string)
		return strings.HasSuffix(s, "@fabrikam.com") && len(s) > len("@fabrikam.com")
	}
	isGUID := func(v any) bool {
		s, _ := v.(string)
		_, ok := types.ParseGUID(s)
		return ok
	}
	in := func(vals ...string) func(v any) bool {
		return func(v any) bool { s, _ := v.(string); return slices.Contains(vals, s) }
	}
	checks := []struct {
		col  string
		ok   func(any) bool
		card int // most distinct values allowed; 0 for no limit
	}{
		{"IPAddress", isIP, 0},
		{"SrcIpAddr", isIP, 0},
		{"ClientIP_s", isIP, 0},
		{"UserPrincipalName", isUPN, 20},
		{"AccountUpn", isUPN, 20},
		{"AccountName", func(v any) bool { s, _ := v.(string); return s != "" && !strings.Contains(s, "@") }, 20},
		{"AccountDomain", in("FABRIKAM"), 1},
		{"CorrelationId", isGUID, 0},
		{"ResultType", in(genericResultCode...), 0},
		{"EventID", func(v any) bool { n, _ := v.(json.Number).Int64(); return slices.Contains(genericEventIDs, int(n)) }, 0},
		{"DestinationPort", func(v any) bool { n, _ := v.(json.Number).Int64(); return n > 0 && n < 65536 }, 0},
		{"Severity", in(genericSeverities...), 4},
		{"ActionType", in(genericActionTypes...), len(genericActionTypes)},
		{"OperationName", in(genericOperations...), len(genericOperations)},
		{"GroupMembership", func(v any) bool { return !isIP(v) }, 5},
		{"SecurityDescriptor", func(v any) bool { s, _ := v.(string); return !strings.HasPrefix(s, "https://") }, 5},
		{"SHA256", func(v any) bool { s, _ := v.(string); return len(s) == 64 }, 0},
		{"Latitude", func(v any) bool { f, err := v.(json.Number).Float64(); return err == nil && f >= -90 && f <= 90 }, 0},
	}
	for _, c := range checks {
		distinct := map[any]bool{}
		for i, r := range rows {
			v := r[c.col]
			if v == nil && (c.col == "Latitude" || c.col == "DestinationPort") {
				continue // numbers may be null
			}
			if !c.ok(v) {
				t.Errorf("row %d: %s = %#v, not a plausible value", i, c.col, v)
				break
			}
			distinct[v] = true
		}
		if c.card > 0 && len(distinct) > c.card {
			t.Errorf("%s has %d distinct values, want at most %d", c.col, len(distinct), c.card)
		}
	}
	// Dynamic shapes real rules read.
	shapes := []struct {
		col   string
		steps []any
		ok    func(any) bool
	}{
		{"TargetResources", []any{0, "modifiedProperties", 0, "newValue"}, func(v any) bool { s, _ := v.(string); return strings.HasPrefix(s, `"`) }},
		{"TargetResources", []any{1, "displayName"}, func(v any) bool { s, _ := v.(string); return s != "" }},
		{"LocationDetails", []any{"geoCoordinates", "latitude"}, func(v any) bool { _, ok := v.(json.Number); return ok }},
		{"LocationDetails", []any{"countryOrRegion"}, func(v any) bool { s, _ := v.(string); return len(s) == 2 }},
		{"DeviceDetail", []any{"operatingSystem"}, func(v any) bool { s, _ := v.(string); return s != "" }},
		{"AdditionalFields", []any{"Count"}, func(v any) bool { _, ok := v.(json.Number); return ok }},
	}
	for _, s := range shapes {
		for i, r := range rows {
			v, ok := path(r[s.col], s.steps...)
			if !ok || !s.ok(v) {
				t.Errorf("row %d: %s%v = %#v", i, s.col, s.steps, v)
				break
			}
		}
	}
	var users, apps, userTargets int
	for _, r := range rows {
		if v, ok := path(r["InitiatedBy"], "user", "userPrincipalName"); ok && isUPN(v) {
			users++
		} else if v, ok := path(r["InitiatedBy"], "app", "displayName"); ok && v != "" {
			apps++
		}
		if v, ok := path(r["TargetResources"], 0, "userPrincipalName"); ok && isUPN(v) {
			userTargets++
		}
	}
	if users < 100 || apps == 0 || users+apps != len(rows) || userTargets < 100 {
		t.Errorf("InitiatedBy: %d users, %d apps; TargetResources[0]: %d users, of %d rows", users, apps, userTargets, len(rows))
	}
	// JSON text in a string column.
	var ents []map[string]any
	if err := json.Unmarshal([]byte(rows[0]["Entities"].(string)), &ents); err != nil || len(ents) == 0 || ents[0]["Type"] != "account" {
		t.Errorf("Entities = %q: want a JSON array of entities (%v)", rows[0]["Entities"], err)
	}
	// Half the rows in the last day.
	end := GenericEnd(GenericOptions{})
	last := 0
	for _, r := range rows {
		at, _ := time.Parse(time.RFC3339Nano, r["TimeGenerated"].(string))
		if end.Sub(at) <= 24*time.Hour {
			last++
		}
	}
	if last < 70 || last > 140 {
		t.Errorf("%d of 200 rows in the last day, want about half", last)
	}
}

func TestGenericErrors(t *testing.T) {
	st, _ := schema.Default().Table("Syslog")
	for _, c := range []struct {
		t    *schema.Table
		rows int
		o    GenericOptions
		want string
	}{
		{nil, 1, GenericOptions{}, "expected a table schema, found none"},
		{st, -1, GenericOptions{}, "rows must not be negative, found -1"},
		{st, 1, GenericOptions{Days: 91}, "days must be between 1 and 90, found 91"},
		{&schema.Table{Name: "X", Columns: []schema.Column{{Name: "A", Type: types.Unknown}}}, 1, GenericOptions{}, "table X column A: cannot generate values of type"},
	} {
		_, err := GenericTable(c.t, c.rows, 1, c.o)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("GenericTable(%v, %d, %+v) = %v, want %q", c.t, c.rows, c.o, err, c.want)
		}
	}
}

func TestColumnWords(t *testing.T) {
	for name, want := range map[string][]string{
		"ClientIPAddress":         {"client", "ip", "address"},
		"SHA256":                  {"sha256"},
		"EventID":                 {"event", "id"},
		"Src_IP_s":                {"src", "ip"},
		"GroupMembership":         {"group", "membership"},
		"userPrincipalName":       {"user", "principal", "name"},
		"RiskEventTypes_V2":       {"risk", "event", "types", "v2"},
		"InitiatingProcessSHA256": {"initiating", "process", "sha256"},
	} {
		if diff := cmp.Diff(want, columnWords(name)); diff != "" {
			t.Errorf("columnWords(%q) (-want +got):\n%s", name, diff)
		}
	}
}

// TestGenericEventXML: EventData of Event and SecurityEvent is the XML Log Analytics
// keeps, with Data elements named by Name attributes.
func TestGenericEventXML(t *testing.T) {
	for _, tc := range []struct{ table, root, field string }{
		{"Event", "DataItem", "Image"},
		{"SecurityEvent", "EventData", "ObjectName"},
	} {
		st := &schema.Table{Name: tc.table, Columns: []schema.Column{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "EventData", Type: types.String}}}
		for _, row := range genericRows(t, st, 5, 3, GenericOptions{}) {
			text, _ := row["EventData"].(string)
			var doc struct {
				XMLName xml.Name
				Data    []struct {
					Name  string `xml:"Name,attr"`
					Value string `xml:",chardata"`
				} `xml:"EventData>Data"`
				Direct []struct {
					Name string `xml:"Name,attr"`
				} `xml:"Data"`
			}
			if err := xml.Unmarshal([]byte(text), &doc); err != nil {
				t.Fatalf("%s: EventData %q is not XML: %v", tc.table, text, err)
			}
			if doc.XMLName.Local != tc.root {
				t.Errorf("%s: root element %s, want %s", tc.table, doc.XMLName.Local, tc.root)
			}
			names := map[string]bool{}
			for _, d := range doc.Data {
				names[d.Name] = true
			}
			for _, d := range doc.Direct {
				names[d.Name] = true
			}
			if !names[tc.field] {
				t.Errorf("%s: EventData has no Data element %s: %q", tc.table, tc.field, text)
			}
		}
	}
}
