package synth

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

func generate(t *testing.T, o Options) (MemSink, *Labels) {
	t.Helper()
	m := MemSink{}
	l, err := Generate(o, m)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", o, err)
	}
	return m, l
}

// readLA parses every la-format table in m into rows.
func readLA(t *testing.T, m MemSink) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for _, table := range Tables() {
		buf, ok := m[table+".jsonl"]
		if !ok {
			t.Fatalf("no %s.jsonl", table)
		}
		sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			d.UseNumber()
			var r map[string]any
			if err := d.Decode(&r); err != nil {
				t.Fatalf("%s.jsonl:%d: %v", table, line, err)
			}
			out[table] = append(out[table], r)
		}
	}
	return out
}

func TestDeterministic(t *testing.T) {
	for _, f := range []Format{FormatLA, FormatDiagnostic, FormatGraph, FormatCSV} {
		o := Options{Users: 12, Days: 3, Seed: 7, Format: f}
		a, _ := generate(t, o)
		b, _ := generate(t, o)
		if !maps.EqualFunc(a, b, func(x, y *bytes.Buffer) bool { return bytes.Equal(x.Bytes(), y.Bytes()) }) {
			t.Errorf("format %s: two runs with the same options differ", f)
		}
		o.Seed = 8
		c, _ := generate(t, o)
		if bytes.Equal(a["labels.json"].Bytes(), c["labels.json"].Bytes()) {
			t.Errorf("format %s: seeds 7 and 8 give the same labels", f)
		}
		if f == FormatLA && bytes.Equal(a["SigninLogs.jsonl"].Bytes(), c["SigninLogs.jsonl"].Bytes()) {
			t.Errorf("seeds 7 and 8 give the same SigninLogs")
		}
	}
}

// checkType reports whether v, decoded from JSON with UseNumber, fits a column of type typ.
func checkType(typ types.Type, v any) bool {
	switch typ {
	case types.String, types.GUID:
		_, ok := v.(string)
		return ok
	case types.Bool:
		_, ok := v.(bool)
		return ok || v == nil
	case types.Int, types.Long:
		n, ok := v.(json.Number)
		if !ok {
			return v == nil
		}
		_, err := n.Int64()
		return err == nil
	case types.Real:
		_, ok := v.(json.Number)
		return ok || v == nil
	case types.DateTime:
		s, ok := v.(string)
		if !ok {
			return v == nil
		}
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil && strings.HasSuffix(s, "Z")
	case types.Dynamic:
		return true
	}
	return false
}

func TestEveryColumnTyped(t *testing.T) {
	for _, o := range []Options{{Users: 20, Days: 4, Seed: 3}, {Users: 5, Days: 1, Seed: 2}, {Users: 7, Days: 2, Seed: 4, End: time.Date(2025, 3, 30, 15, 0, 0, 0, time.UTC)}} {
		t.Run(fmt.Sprintf("users=%d,days=%d", o.Users, o.Days), func(t *testing.T) { testEveryColumnTyped(t, o) })
	}
}

func testEveryColumnTyped(t *testing.T, o Options) {
	m, l := generate(t, o)
	tables := readLA(t, m)
	cat := schema.Default()
	start, _ := time.Parse(time.RFC3339, l.Start)
	end, _ := time.Parse(time.RFC3339, l.End)
	for _, name := range Tables() {
		st, _ := cat.Table(name)
		if len(tables[name]) == 0 && name != tRiskyUser && name != tNonInter {
			t.Errorf("%s: no rows", name)
		}
		for i, r := range tables[name] {
			if len(r) != len(st.Columns) {
				t.Errorf("%s row %d: %d columns, want %d", name, i+1, len(r), len(st.Columns))
			}
			for _, c := range st.Columns {
				v, ok := r[c.Name]
				if !ok {
					t.Errorf("%s row %d: missing column %s", name, i+1, c.Name)
					continue
				}
				if !checkType(c.Type, v) {
					t.Errorf("%s row %d: column %s (%s) holds %#v", name, i+1, c.Name, c.Type, v)
				}
			}
			tg, _ := time.Parse(time.RFC3339Nano, r["TimeGenerated"].(string))
			if tg.Before(start) || !tg.Before(end) {
				t.Errorf("%s row %d: TimeGenerated %v outside [%v, %v)", name, i+1, tg, start, end)
			}
			if t.Failed() {
				return
			}
		}
	}
	if n := len(l.Scenarios); n != len(ScenarioNames()) {
		t.Errorf("%d scenarios planted, want %d", n, len(ScenarioNames()))
	}
	// Spot-check the shapes the seed query and starter rules rely on.
	s := tables[tSignin][0]
	if _, ok := s["DeviceDetail"].(map[string]any); !ok {
		t.Errorf("SigninLogs.DeviceDetail = %#v, want an object", s["DeviceDetail"])
	}
	if _, ok := tables[tNonInter][0]["DeviceDetail"].(string); len(tables[tNonInter]) > 0 && !ok {
		t.Errorf("AADNonInteractiveUserSignInLogs.DeviceDetail should be a string of JSON")
	}
	if st, ok := s["Status"].(map[string]any); !ok || st["errorCode"] == nil {
		t.Errorf("SigninLogs.Status = %#v, want an object with errorCode", s["Status"])
	}
}

func TestLabelledRowsExist(t *testing.T) {
	m, l := generate(t, Options{Users: 30, Days: 5, Seed: 11})
	tables := readLA(t, m)
	ids := map[string]map[string]bool{}
	for _, name := range Tables() {
		ids[name] = map[string]bool{}
		for _, r := range tables[name] {
			id := r[idColumn(name)].(string)
			if ids[name][id] {
				t.Errorf("%s: id %s appears twice", name, id)
			}
			ids[name][id] = true
		}
	}
	if got := len(l.Scenarios); got != len(ScenarioNames()) {
		t.Errorf("%d scenarios labelled, want %d", got, len(ScenarioNames()))
	}
	if len(l.NearMisses) < len(ScenarioNames()) {
		t.Errorf("%d near misses, want at least one per scenario", len(l.NearMisses))
	}
	for _, lab := range append(slices.Clone(l.Scenarios), l.NearMisses...) {
		if lab.RowCount() == 0 || len(lab.Techniques) == 0 || len(lab.DetectedBy) == 0 || lab.Description == "" {
			t.Errorf("label %s is incomplete: %+v", lab.Name, lab)
		}
		for table, rows := range lab.Rows {
			for _, id := range rows {
				if !ids[table][id] {
					t.Errorf("label %s: %s row %s not in the data", lab.Name, table, id)
				}
			}
		}
	}
}

func TestNoScenarios(t *testing.T) {
	m, l := generate(t, Options{Users: 20, Days: 3, Seed: 5, Scenarios: []string{}})
	if len(l.Scenarios) != 0 || len(l.NearMisses) != 0 {
		t.Errorf("labels = %d scenarios, %d near misses, want none", len(l.Scenarios), len(l.NearMisses))
	}
	tables := readLA(t, m)
	for _, name := range []string{tAlert, tRiskEvent, tRiskyUser} {
		if n := len(tables[name]); n != 0 {
			t.Errorf("%s has %d rows without scenarios", name, n)
		}
	}
	bad := []string{torExit.net}
	for _, c := range attackerCities {
		bad = append(bad, c.net)
	}
	for _, name := range []string{tSignin, tNonInter} {
		for _, r := range tables[name] {
			ip := r["IPAddress"].(string)
			for _, n := range bad {
				if strings.HasPrefix(ip, n+".") {
					t.Fatalf("%s row %s comes from attacker network %s", name, r["Id"], ip)
				}
			}
		}
	}
	m2, l2 := generate(t, Options{Users: 20, Days: 3, Seed: 5, Scenarios: []string{ScenarioPasswordSpray}})
	if len(l2.Scenarios) != 1 || l2.Scenarios[0].Name != ScenarioPasswordSpray {
		t.Errorf("Scenarios = %v, want only %s", l2.Scenarios, ScenarioPasswordSpray)
	}
	if n := len(readLA(t, m2)[tAlert]); n != 0 {
		t.Errorf("password spray alone planted %d alerts", n)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{
		{Users: 2},
		{Days: 200},
		{Format: "xml"},
		{Scenarios: []string{"nope"}},
	} {
		if _, err := Generate(o, MemSink{}); err == nil {
			t.Errorf("Generate(%+v) succeeded, want an error", o)
		}
	}
}

// byID indexes the rows of a table by id.
func byID(rows []map[string]any, col string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range rows {
		out[r[col].(string)] = r
	}
	return out
}

func findLabel(t *testing.T, ls []Label, name string) Label {
	t.Helper()
	for _, l := range ls {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no label %s", name)
	return Label{}
}

// TestSeedChain runs the seed query's logic over the data: accounts named in "Unfamiliar
// sign-in properties" alerts, with Azure Portal 50126 failures, who added a member to a role.
func TestSeedChain(t *testing.T) {
	for _, o := range []Options{{Users: 40, Days: 7, Seed: 1}, {Users: 8, Days: 2, Seed: 2}, {Users: 15, Days: 3, Seed: 3}} {
		t.Run(fmt.Sprint(o.Seed), func(t *testing.T) { testSeedChain(t, o) })
	}
}

func testSeedChain(t *testing.T, o Options) {
	m, l := generate(t, o)
	tables := readLA(t, m)
	alerted := map[string]bool{}
	for _, a := range tables[tAlert] {
		if a["AlertName"] != "Unfamiliar sign-in properties" {
			continue
		}
		var ents []map[string]any
		if err := json.Unmarshal([]byte(a["Entities"].(string)), &ents); err != nil {
			t.Fatalf("Entities: %v", err)
		}
		for _, e := range ents {
			if e["Type"] == "account" {
				alerted[strings.ToLower(e["Name"].(string)+"@"+e["UPNSuffix"].(string))] = true
			}
		}
	}
	failed := map[string]bool{}
	for _, s := range tables[tSignin] {
		if s["AppDisplayName"] == "Azure Portal" && s["ResultType"] == "50126" && alerted[s["UserPrincipalName"].(string)] {
			failed[s["UserPrincipalName"].(string)] = true
		}
	}
	var got []string
	for _, a := range tables[tAudit] {
		if !strings.EqualFold(a["Category"].(string), "RoleManagement") || !strings.Contains(a["OperationName"].(string), "Add member to role") {
			continue
		}
		u, _ := a["InitiatedBy"].(map[string]any)["user"].(map[string]any)
		if u == nil {
			continue
		}
		upn := strings.ToLower(u["userPrincipalName"].(string))
		if failed[upn] && !slices.Contains(got, upn) {
			got = append(got, upn)
		}
	}
	lab := findLabel(t, l.Scenarios, ScenarioUnfamiliarSigninRoleChange)
	alerts := byID(tables[tAlert], "SystemAlertId")
	want := []string{alerts[lab.Rows[tAlert][0]]["CompromisedEntity"].(string)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seed chain accounts (-want +got):\n%s", diff)
	}
	// The same chain on an admin whose UPN has capitals is a near miss of the seed query
	// (its case-sensitive join never matches her) and rows of the scenario all the same.
	mixed := findLabel(t, l.NearMisses, "mixed-case-upn")
	if len(mixed.Rows[tAlert]) != 1 {
		t.Fatalf("mixed-case-upn has %d alerts, want 1", len(mixed.Rows[tAlert]))
	}
	upn := alerts[mixed.Rows[tAlert][0]]["CompromisedEntity"].(string)
	if upn == strings.ToLower(upn) || slices.Contains(got, strings.ToLower(upn)) {
		t.Errorf("mixed-case victim %q: want capitals in the UPN and no match of the seed logic, got %q", upn, got)
	}
	for _, s := range tables[tSignin] {
		if other := s["UserPrincipalName"].(string); other != upn && strings.EqualFold(other, upn) {
			t.Fatalf("another account %q equals %q but for case", other, upn)
		}
	}
	for table, ids := range mixed.Rows {
		for _, id := range ids {
			if !slices.Contains(lab.Rows[table], id) {
				t.Errorf("mixed-case-upn %s row %s is not a row of the scenario", table, id)
			}
		}
	}
	if got := mixed.Rows[tSignin]; len(got) != 5 || len(mixed.Rows[tAudit]) != 2 {
		t.Errorf("mixed-case-upn rows = %v, want 5 SigninLogs and 2 AuditLogs", mixed.Rows)
	}
}

func speedKmh(a, b map[string]any) float64 {
	loc := func(r map[string]any) (float64, float64) {
		g := r["LocationDetails"].(map[string]any)["geoCoordinates"].(map[string]any)
		la, _ := g["latitude"].(json.Number).Float64()
		lo, _ := g["longitude"].(json.Number).Float64()
		return la, lo
	}
	la1, lo1 := loc(a)
	la2, lo2 := loc(b)
	d := distanceKm(&city{lat: la1, lon: lo1}, &city{lat: la2, lon: lo2})
	t1, _ := time.Parse(time.RFC3339Nano, a["TimeGenerated"].(string))
	t2, _ := time.Parse(time.RFC3339Nano, b["TimeGenerated"].(string))
	return d / math.Abs(t2.Sub(t1).Hours())
}

func TestScenarioShapes(t *testing.T) {
	m, l := generate(t, Options{Users: 50, Days: 7, Seed: 42})
	tables := readLA(t, m)
	signins := byID(tables[tSignin], "Id")
	rowsOf := func(lab Label) []map[string]any {
		var out []map[string]any
		for _, id := range lab.Rows[tSignin] {
			out = append(out, signins[id])
		}
		return out
	}
	spray := func(lab Label) (ips, users map[string]bool, most int) {
		ips, users = map[string]bool{}, map[string]bool{}
		per := map[string]int{}
		for _, r := range rowsOf(lab) {
			ips[r["IPAddress"].(string)] = true
			users[r["UserPrincipalName"].(string)] = true
			per[r["UserPrincipalName"].(string)]++
		}
		for _, n := range per {
			most = max(most, n)
		}
		return ips, users, most
	}
	ips, users, most := spray(findLabel(t, l.Scenarios, ScenarioPasswordSpray))
	if len(ips) != 1 || len(users) < 20 || most > 2 {
		t.Errorf("password spray: %d IPs, %d users, at most %d tries a user; want 1 IP, >= 20 users, <= 2 tries", len(ips), len(users), most)
	}
	if _, users, _ := spray(findLabel(t, l.NearMisses, "spray-below-threshold")); len(users) >= 5 {
		t.Errorf("spray near miss targets %d users, want fewer than 5", len(users))
	}

	codes := func(lab Label) []string {
		var out []string
		for _, r := range rowsOf(lab) {
			out = append(out, r["ResultType"].(string))
		}
		return out
	}
	for _, c := range []struct {
		label    Label
		fail     string
		min, max int
	}{
		{findLabel(t, l.Scenarios, ScenarioBruteForceSuccess), "50126", 20, 100},
		{findLabel(t, l.NearMisses, "typo-then-success"), "50126", 1, 3},
		{findLabel(t, l.Scenarios, ScenarioMFAFatigue), "500121", 10, 100},
		{findLabel(t, l.NearMisses, "single-mfa-denial"), "500121", 1, 1},
	} {
		got := codes(c.label)
		n := len(got) - 1
		if n < c.min || n > c.max || got[n] != "0" || slices.ContainsFunc(got[:n], func(s string) bool { return s != c.fail }) {
			t.Errorf("%s: result types %v, want %d..%d × %s then 0", c.label.Name, got, c.min, c.max, c.fail)
		}
	}

	tr := rowsOf(findLabel(t, l.Scenarios, ScenarioImpossibleTravel))
	if v := speedKmh(tr[0], tr[1]); v < 2000 {
		t.Errorf("impossible travel at %.0f km/h, want > 2000", v)
	}
	pl := rowsOf(findLabel(t, l.NearMisses, "plausible-travel"))
	if v := speedKmh(pl[0], pl[1]); v > 900 || v < 50 {
		t.Errorf("plausible travel at %.0f km/h, want 50..900", v)
	}

	anon := rowsOf(findLabel(t, l.Scenarios, ScenarioAnonymousIP))[0]
	if !strings.Contains(anon["RiskEventTypes_V2"].(string), "anonymizedIPAddress") {
		t.Errorf("anonymous sign-in RiskEventTypes_V2 = %v", anon["RiskEventTypes_V2"])
	}

	audits := byID(tables[tAudit], "Id")
	role := audits[findLabel(t, l.Scenarios, ScenarioRoleOutsidePIM).Rows[tAudit][0]]
	tr0 := role["TargetResources"].([]any)[0].(map[string]any)
	mods, _ := json.Marshal(tr0["modifiedProperties"])
	if role["LoggedByService"] != "Core Directory" || role["OperationName"] != "Add member to role" ||
		role["InitiatedBy"].(map[string]any)["user"] == nil || !strings.Contains(string(mods), "Global Administrator") {
		t.Errorf("role outside PIM row = %v", role)
	}
	for _, id := range findLabel(t, l.NearMisses, "pim-activation").Rows[tAudit] {
		a := audits[id]
		if a["LoggedByService"] != "PIM" && a["InitiatedBy"].(map[string]any)["app"] == nil {
			t.Errorf("PIM near miss row %s is neither logged by PIM nor initiated by the MS-PIM app", id)
		}
	}
}

func TestFormats(t *testing.T) {
	cat := schema.Default()
	o := Options{Users: 60, Days: 7, Seed: 9}

	o.Format = FormatCSV
	m, _ := generate(t, o)
	for _, name := range Tables() {
		b := m[name+".csv"].Bytes()
		if !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("%s.csv has no byte-order mark", name)
		}
		recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
		if err != nil {
			t.Fatalf("%s.csv: %v", name, err)
		}
		st, _ := cat.Table(name)
		if len(recs[0]) != len(st.Columns) || recs[0][0] != st.Columns[0].Name && recs[0][0] != st.Columns[0].Name+" [UTC]" {
			t.Errorf("%s.csv header = %v", name, recs[0])
		}
	}

	o.Format = FormatDiagnostic
	m, _ = generate(t, o)
	sc := bufio.NewScanner(m["SigninLogs.jsonl"])
	sc.Buffer(nil, 1<<20)
	n := 0
	for ; sc.Scan(); n++ {
		var rec struct {
			Time       string `json:"time"`
			Category   string `json:"category"`
			Properties struct {
				UserPrincipalName string `json:"userPrincipalName"`
				Status            struct {
					ErrorCode *int `json:"errorCode"`
				} `json:"status"`
				Location struct {
					City string `json:"city"`
				} `json:"location"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("diagnostic line %d: %v", n+1, err)
		}
		if rec.Category != "SignInLogs" || rec.Time == "" || rec.Properties.UserPrincipalName == "" || rec.Properties.Status.ErrorCode == nil || rec.Properties.Location.City == "" {
			t.Fatalf("diagnostic line %d = %+v", n+1, rec)
		}
	}
	if n == 0 {
		t.Errorf("no diagnostic sign-ins")
	}
	if _, ok := m["SecurityAlert.jsonl"]; !ok {
		t.Errorf("diagnostic format did not write SecurityAlert as Log Analytics rows")
	}

	o.Format = FormatGraph
	m, _ = generate(t, o)
	total := 0
	for p := 1; ; p++ {
		b, ok := m[strings.Replace("SigninLogs.page-00N.json", "N", string(rune('0'+p)), 1)]
		if !ok {
			break
		}
		var page struct {
			Context string           `json:"@odata.context"`
			Value   []map[string]any `json:"value"`
			Next    string           `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(b.Bytes(), &page); err != nil {
			t.Fatalf("graph page %d: %v", p, err)
		}
		total += len(page.Value)
		if _, last := m[strings.Replace("SigninLogs.page-00N.json", "N", string(rune('0'+p+1)), 1)]; last == (page.Next == "") {
			t.Errorf("graph page %d: nextLink %q inconsistent with further pages", p, page.Next)
		}
	}
	if total <= graphPageSize {
		t.Errorf("graph sign-ins: %d records, want more than one page", total)
	}
}

func TestSize(t *testing.T) {
	start := time.Now()
	m, _ := generate(t, Options{Users: 50, Days: 7})
	elapsed := time.Since(start)
	tables := readLA(t, m)
	bytes := 0
	for _, b := range m {
		bytes += b.Len()
	}
	t.Logf("users=50 days=7: %v, %d bytes, %d sign-ins, %d non-interactive, %d audit", elapsed, bytes,
		len(tables[tSignin]), len(tables[tNonInter]), len(tables[tAudit]))
	for _, c := range []struct {
		table    string
		min, max int
	}{{tSignin, 500, 5000}, {tNonInter, 1000, 20000}, {tAudit, 50, 2000}, {tSPSignin, 200, 2000}, {tIdentity, 50, 200}} {
		if n := len(tables[c.table]); n < c.min || n > c.max {
			t.Errorf("%s: %d rows, want %d..%d", c.table, n, c.min, c.max)
		}
	}
	if bytes > 60<<20 {
		t.Errorf("%d bytes for 50 users over 7 days", bytes)
	}
	if elapsed > 5*time.Second {
		t.Errorf("generation took %v", elapsed)
	}
}

func TestParseScenarioList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"all", nil},
		{"none", []string{}},
		{" password-spray, mfa-fatigue ", []string{ScenarioPasswordSpray, ScenarioMFAFatigue}},
	} {
		got, err := ParseScenarioList(c.in)
		if err != nil || !cmp.Equal(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("ParseScenarioList(%q) = %#v, %v, want %#v", c.in, got, err, c.want)
		}
	}
	if _, err := ParseScenarioList("password-spray,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("ParseScenarioList with an unknown name: err = %v", err)
	}
}

// TestScenariosOnlyAdd checks that planting scenarios adds exactly the labelled rows: the
// data with every scenario, minus the rows labels.json names, is the baseline byte for byte.
func TestScenariosOnlyAdd(t *testing.T) {
	all, l := generate(t, Options{Users: 25, Days: 4, Seed: 21})
	none, _ := generate(t, Options{Users: 25, Days: 4, Seed: 21, Scenarios: []string{}})
	labelled := map[string]bool{}
	for _, lab := range append(slices.Clone(l.Scenarios), l.NearMisses...) {
		for table, ids := range lab.Rows {
			for _, id := range ids {
				labelled[table+"/"+id] = true
			}
		}
	}
	for _, table := range Tables() {
		var kept []string
		for _, line := range strings.SplitAfter(all[table+".jsonl"].String(), "\n") {
			if line == "" {
				continue
			}
			var r map[string]any
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			if !labelled[table+"/"+r[idColumn(table)].(string)] {
				kept = append(kept, line)
			}
		}
		if diff := cmp.Diff(none[table+".jsonl"].String(), strings.Join(kept, "")); diff != "" {
			t.Errorf("%s: unlabelled rows differ from the baseline (-baseline +unlabelled):\n%.2000s", table, diff)
		}
	}
}

// TestReferenceDetectors runs simple versions of the starter rules over the data and checks
// that they fire on their scenario's rows and on no baseline or near-miss row.
func TestReferenceDetectors(t *testing.T) {
	for _, o := range []Options{{Users: 50, Days: 7, Seed: 42}, {Users: 120, Days: 5, Seed: 3}, {Users: 12, Days: 3, Seed: 8}} {
		t.Run(fmt.Sprint(o.Seed), func(t *testing.T) { testReferenceDetectors(t, o) })
	}
}

func testReferenceDetectors(t *testing.T, o Options) {
	m, l := generate(t, o)
	tables := readLA(t, m)
	owner := map[string]string{} // SigninLogs id → scenario, or "near:" + near miss
	for _, lab := range l.Scenarios {
		for _, id := range lab.Rows[tSignin] {
			owner[id] = lab.Name
		}
	}
	for _, lab := range l.NearMisses {
		for _, id := range lab.Rows[tSignin] {
			owner[id] = "near:" + lab.Name
		}
	}
	for _, lab := range l.Scenarios {
		for _, table := range []string{tAudit, tNonInter, tSPSignin} {
			for _, id := range lab.Rows[table] {
				owner[id] = lab.Name
			}
		}
	}
	for _, lab := range l.NearMisses {
		for _, id := range lab.Rows[tAudit] {
			owner[id] = "near:" + lab.Name
		}
	}
	type signin struct {
		id, user, ip, code string
		at                 time.Time
		lat, lon           float64
	}
	var ss []signin
	for _, r := range tables[tSignin] {
		at, _ := time.Parse(time.RFC3339Nano, r["TimeGenerated"].(string))
		g := r["LocationDetails"].(map[string]any)["geoCoordinates"].(map[string]any)
		la, _ := g["latitude"].(json.Number).Float64()
		lo, _ := g["longitude"].(json.Number).Float64()
		ss = append(ss, signin{r["Id"].(string), r["UserPrincipalName"].(string), r["IPAddress"].(string), r["ResultType"].(string), at, la, lo})
	}
	// check reports rows a detector flagged that belong to no scenario it may fire on.
	check := func(rule string, flagged []string, allowed ...string) {
		t.Helper()
		hit := map[string]bool{}
		for _, id := range flagged {
			who := owner[id]
			if who == "" || strings.HasPrefix(who, "near:") {
				if who == "" {
					who = "baseline"
				}
				t.Errorf("%s fires on %s row %s", rule, who, id)
				continue
			}
			hit[who] = true
		}
		for _, a := range allowed[:1] {
			if !hit[a] {
				t.Errorf("%s does not fire on scenario %s", rule, a)
			}
		}
	}

	// Impossible travel: consecutive successful sign-ins of a user faster than 1000 km/h
	// over more than 500 km. Attack sign-ins from abroad also count as travel, so every
	// scenario is allowed; what matters is the baseline and the near misses.
	byUser := map[string][]signin{}
	for _, s := range ss {
		if s.code == "0" {
			byUser[s.user] = append(byUser[s.user], s)
		}
	}
	var travel []string
	for _, list := range byUser {
		for i := 1; i < len(list); i++ {
			a, b := list[i-1], list[i]
			d := distanceKm(&city{lat: a.lat, lon: a.lon}, &city{lat: b.lat, lon: b.lon})
			if d > 500 && d/b.at.Sub(a.at).Hours() > 1000 {
				// The pair is the finding: it is the attack's if either sign-in is.
				if w := owner[a.id]; w != "" && !strings.HasPrefix(w, "near:") {
					travel = append(travel, a.id)
				} else {
					travel = append(travel, b.id)
				}
			}
		}
	}
	check("impossible travel", travel, append([]string{ScenarioImpossibleTravel}, ScenarioNames()...)...)

	// Password spray: an IP failing 50126 for 10 or more accounts within an hour.
	byIP := map[string][]signin{}
	for _, s := range ss {
		if s.code == "50126" || s.code == "50053" {
			byIP[s.ip] = append(byIP[s.ip], s)
		}
	}
	var spray []string
	for _, list := range byIP {
		for i := range list {
			users := map[string]bool{}
			var ids []string
			for j := i; j < len(list) && list[j].at.Sub(list[i].at) < time.Hour; j++ {
				users[list[j].user] = true
				ids = append(ids, list[j].id)
			}
			if len(users) >= 10 {
				spray = append(spray, ids...)
			}
		}
	}
	check("password spray", spray, ScenarioPasswordSpray)

	// Brute force and MFA fatigue: ten or more failures of one kind for a user within an
	// hour, then a success.
	run := func(rule, code, scenario string) {
		var flagged []string
		for _, list := range func() map[string][]signin {
			out := map[string][]signin{}
			for _, s := range ss {
				out[s.user] = append(out[s.user], s)
			}
			return out
		}() {
			for i, s := range list {
				if s.code != "0" {
					continue
				}
				var ids []string
				for j := i - 1; j >= 0 && s.at.Sub(list[j].at) < time.Hour; j-- {
					if list[j].code == code {
						ids = append(ids, list[j].id)
					}
				}
				if len(ids) >= 10 {
					flagged = append(flagged, append(ids, s.id)...)
				}
			}
		}
		check(rule, flagged, scenario)
	}
	run("brute force", "50126", ScenarioBruteForceSuccess)
	run("mfa fatigue", "500121", ScenarioMFAFatigue)

	var anon []string
	for _, r := range tables[tSignin] {
		if strings.Contains(r["RiskEventTypes_V2"].(string), "anonymizedIPAddress") {
			anon = append(anon, r["Id"].(string))
		}
	}
	check("anonymous IP", anon, ScenarioAnonymousIP)

	// Audit detectors, each a predicate over one AuditLogs row.
	text := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	initiatedByUser := func(r map[string]any) bool { return r["InitiatedBy"].(map[string]any)["user"] != nil }
	for _, d := range []struct {
		rule, scenario string
		match          func(r map[string]any) bool
	}{
		{"role outside PIM", ScenarioRoleOutsidePIM, func(r map[string]any) bool {
			return r["OperationName"] == "Add member to role" && r["LoggedByService"] == "Core Directory" && initiatedByUser(r) &&
				strings.Contains(text(r["TargetResources"]), "Global Administrator")
		}},
		{"risky consent", ScenarioIllicitConsent, func(r map[string]any) bool {
			return r["OperationName"] == "Consent to application" && strings.Contains(text(r["TargetResources"]), "Mail.Read")
		}},
		{"credential added", ScenarioSPCredentialAdded, func(r map[string]any) bool {
			if !strings.Contains(r["OperationName"].(string), "Certificates and secrets management") {
				return r["OperationName"] == "Add service principal credentials"
			}
			mods := r["TargetResources"].([]any)[0].(map[string]any)["modifiedProperties"].([]any)[0].(map[string]any)
			return len(mods["newValue"].(string)) > len(mods["oldValue"].(string))
		}},
		{"CA weakened", ScenarioCAPolicyWeakened, func(r map[string]any) bool {
			if r["OperationName"] != "Update conditional access policy" {
				return false
			}
			mods := r["TargetResources"].([]any)[0].(map[string]any)["modifiedProperties"].([]any)[0].(map[string]any)
			var old, new struct {
				State      string
				Conditions struct {
					Users struct{ ExcludeUsers []string }
				}
			}
			json.Unmarshal([]byte(mods["oldValue"].(string)), &old)
			json.Unmarshal([]byte(mods["newValue"].(string)), &new)
			return old.State == "enabled" && new.State != "enabled" || len(new.Conditions.Users.ExcludeUsers) > len(old.Conditions.Users.ExcludeUsers)
		}},
	} {
		var flagged []string
		for _, r := range tables[tAudit] {
			if d.match(r) {
				flagged = append(flagged, r["Id"].(string))
			}
		}
		check(d.rule, flagged, d.scenario)
	}

	// Guest used: "Invite external user", then a guest sign-in for that account within a day.
	invited := map[string]time.Time{}
	for _, r := range tables[tAudit] {
		if r["OperationName"] == "Invite external user" {
			at, _ := time.Parse(time.RFC3339Nano, r["TimeGenerated"].(string))
			invited[r["TargetResources"].([]any)[0].(map[string]any)["userPrincipalName"].(string)] = at
		}
	}
	var guests []string
	for _, r := range tables[tSignin] {
		at, _ := time.Parse(time.RFC3339Nano, r["TimeGenerated"].(string))
		if inv, ok := invited[r["UserPrincipalName"].(string)]; ok && r["UserType"] == "Guest" && at.Sub(inv) < 24*time.Hour {
			guests = append(guests, r["Id"].(string))
		}
	}
	check("guest used", guests, ScenarioGuestInvitedUsed)
}
