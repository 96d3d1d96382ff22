package main

// The seed's measure: ../shared/seeds/seed-rule.yaml run by `socfeed hunt` over a synth
// tenant returns exactly the rows Kusto would, which this file works out on its own from the
// generated JSON lines, without socfeed's engine.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/synth"
)

// seedColumns is the final projection of the seed query.
var seedColumns = []string{"AccountCustomEntity", "AppDisplayName", "IPAddress", "Location", "StatusCode", "StatusDetails"}

// seedRow is one result row of the seed query, in seedColumns order.
type seedRow [6]string

// seedTables reads the tables the seed query uses from synth's la-format files in dir.
// Numbers stay json.Number, so that tostring gives their JSON text.
func seedTables(t *testing.T, dir string) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for _, table := range []string{"SecurityAlert", "SigninLogs", "AuditLogs"} {
		f, err := os.Open(filepath.Join(dir, table+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
		for line := 1; sc.Scan(); line++ {
			d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			d.UseNumber()
			var r map[string]any
			if err := d.Decode(&r); err != nil {
				t.Fatalf("%s.jsonl:%d: %v", table, line, err)
			}
			out[table] = append(out[table], r)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// dynParse is parse_json of a string: the JSON value, or the string itself as a dynamic
// string when it is not well-formed JSON.
func dynParse(s string) any {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return s
	}
	if _, err := d.Token(); err != io.EOF { // text after the value
		return s
	}
	return v
}

// dynColumn is the value of a dynamic column; a string in the file is its JSON text.
func dynColumn(r map[string]any, col string) any {
	if s, ok := r[col].(string); ok {
		return dynParse(s)
	}
	return r[col]
}

// dynMember is v[key] or v.key: null unless v is a property bag holding key.
func dynMember(v any, key string) any {
	if m, ok := v.(map[string]any); ok {
		return m[key]
	}
	return nil
}

// dynString is tostring: "" for null, a string as itself, anything else as its JSON text.
func dynString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("internal error: tostring of %v: %v", v, err))
	}
	return string(b)
}

// dynNotEmpty is isnotempty of a dynamic value.
func dynNotEmpty(v any) bool { return v != nil && v != "" }

// dynEqualsString is dynamic == string, which holds for a dynamic string equal to it.
func dynEqualsString(v any, s string) bool {
	str, ok := v.(string)
	return ok && str == s
}

// mvExpand is the rows mv-expand makes of one dynamic value: an array's elements, a
// property bag's single-property bags, nothing for an empty one, and the value itself
// otherwise (null included).
func mvExpand(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out := make([]any, 0, len(v))
		for _, k := range keys {
			out = append(out, map[string]any{k: v[k]})
		}
		return out
	}
	return []any{v}
}

// isTermRune reports whether r is part of a term: Kusto breaks strings into maximal runs of
// alphanumeric characters.
func isTermRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// hasPhrase is `has` for one needle: case-insensitively, the needle occurs in s with no
// term character running into it on either side where its own edge is a term character.
func hasPhrase(s, needle string) bool {
	h, n := strings.ToLower(s), strings.ToLower(needle)
	if n == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(n)
	last, _ := utf8.DecodeLastRuneInString(n)
	for i := 0; i <= len(h)-len(n); {
		j := strings.Index(h[i:], n)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(h[:j])
		after, _ := utf8.DecodeRuneInString(h[j+len(n):])
		okBefore := j == 0 || !isTermRune(first) || !isTermRune(before)
		okAfter := j+len(n) == len(h) || !isTermRune(last) || !isTermRune(after)
		if okBefore && okAfter {
			return true
		}
		i = j + 1
	}
	return false
}

// seedQuery evaluates seed-rule.yaml's query over tables, step by step as Kusto does.
// equal is the equality of both joins' keys: Kusto's is case-sensitive (==).
func seedQuery(tables map[string][]map[string]any, equal func(a, b string) bool) []seedRow {
	col := func(r map[string]any, c string) string { return dynString(r[c]) }

	// SecurityAlert | where AlertName == "Unfamiliar sign-in properties"
	// | extend Extprop = parsejson(Entities) | mv-expand Extprop | extend Extprop = parsejson(Extprop)
	// | extend Account = ..., Domain = ... | summarize count() by AlertName, AlertSeverity, CompromisedEntity, Account
	type alertGroup struct{ alertName, severity, compromised, account string }
	var groups []alertGroup
	for _, a := range tables["SecurityAlert"] {
		if col(a, "AlertName") != "Unfamiliar sign-in properties" {
			continue
		}
		for _, ext := range mvExpand(dynColumn(a, "Entities")) {
			// parsejson of a dynamic value is that value.
			name, domain, typ := dynMember(ext, "Name"), dynMember(ext, "UPNSuffix"), dynMember(ext, "Type")
			account := ""
			switch {
			case dynNotEmpty(domain) && dynEqualsString(typ, "account"):
				account = strings.ToLower(dynString(name) + "@" + dynString(domain))
			case dynEqualsString(typ, "account"):
				account = strings.ToLower(dynString(name))
			}
			g := alertGroup{col(a, "AlertName"), col(a, "AlertSeverity"), col(a, "CompromisedEntity"), account}
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}

	// SigninLogs | where AppDisplayName == "Azure Portal" | where ResultType == "50126"
	// | extend ... | project ... | extend AccountCustomEntity = UserPrincipalName
	type portalFailure struct {
		upn, app, resultDescription, statusCode, statusDetails, location, state, ip string
	}
	var failures []portalFailure
	for _, s := range tables["SigninLogs"] {
		if col(s, "AppDisplayName") != "Azure Portal" || col(s, "ResultType") != "50126" {
			continue
		}
		status, loc := dynColumn(s, "Status"), dynColumn(s, "LocationDetails")
		failures = append(failures, portalFailure{
			upn: col(s, "UserPrincipalName"), app: col(s, "AppDisplayName"), resultDescription: col(s, "ResultDescription"),
			statusCode: dynString(dynMember(status, "errorCode")), statusDetails: dynString(dynMember(status, "additionalDetails")),
			location: col(s, "Location"), state: dynString(dynMember(loc, "state")), ip: col(s, "IPAddress"),
		})
	}

	// join kind=inner (...) on $left.Account == $right.AccountCustomEntity
	// | project AccountCustomEntity = tolower(AccountCustomEntity), State, StatusCode, StatusDetails,
	//   IPAddress, ResultDescription, AppDisplayName, Location, AlertName
	// An inner join keeps every pair of matching rows.
	type joined struct {
		account, state, statusCode, statusDetails, ip, resultDescription, app, location, alertName string
	}
	var mid []joined
	for _, g := range groups {
		for _, f := range failures {
			if equal(g.account, f.upn) {
				mid = append(mid, joined{strings.ToLower(f.upn), f.state, f.statusCode, f.statusDetails, f.ip, f.resultDescription, f.app, f.location, g.alertName})
			}
		}
	}

	// AuditLogs | where Category =~ "RoleManagement"
	// | where OperationName has_any ("Add member to role", "Add member to role in PIM requested (permanent)")
	// | extend InitiatedBy = iff(isnotempty(user UPN), user UPN, app displayName) | project InitiatedBy = tolower(InitiatedBy), ...
	var initiators []string
	for _, a := range tables["AuditLogs"] {
		if !strings.EqualFold(col(a, "Category"), "RoleManagement") {
			continue
		}
		op := col(a, "OperationName")
		if !hasPhrase(op, "Add member to role") && !hasPhrase(op, "Add member to role in PIM requested (permanent)") {
			continue
		}
		by := dynColumn(a, "InitiatedBy")
		who := dynString(dynMember(dynParse(dynString(dynMember(by, "user"))), "userPrincipalName"))
		if who == "" {
			who = dynString(dynMember(dynParse(dynString(dynMember(by, "app"))), "displayName"))
		}
		initiators = append(initiators, strings.ToLower(who))
	}

	// join kind=inner (...) on $left.AccountCustomEntity == $right.InitiatedBy
	// | project AccountCustomEntity, AppDisplayName, IPAddress, Location, StatusCode, StatusDetails
	var out []seedRow
	for _, m := range mid {
		for _, who := range initiators {
			if equal(m.account, who) {
				out = append(out, seedRow{m.account, m.app, m.ip, m.location, m.statusCode, m.statusDetails})
			}
		}
	}
	return out
}

// seedHuntDoc is the part of `socfeed hunt --format json` the seed tests read.
type seedHuntDoc struct {
	Findings []struct {
		Rule     struct{ ID, Name, File string }
		Columns  []struct{ Name, Type string }
		Rows     []map[string]any
		Entities []struct {
			Type        string
			Identifiers map[string]string
		}
	}
	Summary struct {
		Rules, Findings int
		Failures        []struct {
			Rule   struct{ ID, Name, File string }
			Errors []string
		}
	}
}

// seedHunt runs `socfeed hunt --format json` with rules over dir and decodes the output.
func seedHunt(t *testing.T, dir string, rules ...string) (int, seedHuntDoc, string) {
	t.Helper()
	args := append([]string{"hunt", "--rules"}, rules...)
	code, out, stderr := runCmd(t, append(args, "--data", dir, "--format", "json")...)
	var doc seedHuntDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("hunt output is not JSON (exit %d, stderr %q): %v\n%.2000s", code, stderr, err, out)
	}
	if stderr != "" {
		t.Errorf("hunt stderr = %q, want nothing", stderr)
	}
	return code, doc, out
}

// sortedRows renders rows as sorted lines, a multiset cmp.Diff can show.
func sortedRows(rows []seedRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(r[:], " | ")
	}
	slices.Sort(out)
	return out
}

// checkSeedRows compares the rows the seed rule's findings in doc return with want, as
// multisets, column by column, and returns the Account entities' FullNames.
func checkSeedRows(t *testing.T, doc seedHuntDoc, ruleFile string, want []seedRow) map[string]bool {
	t.Helper()
	var got []seedRow
	accounts := map[string]bool{}
	ips := map[string]bool{}
	for _, f := range doc.Findings {
		if f.Rule.File != ruleFile {
			continue
		}
		var names []string
		for _, c := range f.Columns {
			names = append(names, c.Name)
			if c.Type != "string" {
				t.Errorf("column %s is %s, want string", c.Name, c.Type)
			}
		}
		if diff := cmp.Diff(seedColumns, names); diff != "" {
			t.Fatalf("columns (-want +got):\n%s", diff)
		}
		for i, r := range f.Rows {
			var row seedRow
			for j, c := range seedColumns {
				s, ok := r[c].(string)
				if !ok {
					t.Errorf("row %d: %s = %#v, want a string", i, c, r[c])
				}
				row[j] = s
			}
			got = append(got, row)
		}
		for _, e := range f.Entities {
			switch e.Type {
			case "Account":
				accounts[e.Identifiers["FullName"]] = true
			case "IP":
				ips[e.Identifiers["Address"]] = true
			}
		}
	}
	if diff := cmp.Diff(sortedRows(want), sortedRows(got)); diff != "" {
		t.Errorf("hunt rows differ from Kusto's (-want +got):\n%s", diff)
	}
	wantAccounts, wantIPs := map[string]bool{}, map[string]bool{}
	for _, r := range want {
		wantAccounts[r[0]], wantIPs[r[2]] = true, true
	}
	if diff := cmp.Diff(wantAccounts, accounts); diff != "" {
		t.Errorf("Account entities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantIPs, ips); diff != "" {
		t.Errorf("IP entities (-want +got):\n%s", diff)
	}
	return accounts
}

// checkSeedJoinKinds makes sure the query still joins as seedQuery does: two inner joins.
func checkSeedJoinKinds(t *testing.T, rule string) {
	t.Helper()
	b, err := os.ReadFile(rule)
	if err != nil {
		t.Fatal(err)
	}
	if n, inner := strings.Count(string(b), "join"), strings.Count(string(b), "| join kind=inner\n"); n != 2 || inner != 2 {
		t.Fatalf("%s has %d joins, %d of them `join kind=inner`; seedQuery implements two inner joins", rule, n, inner)
	}
}

// seedVictims returns the accounts the seed scenario's alerts name, and those of them the
// mixed-case-upn near miss names.
func seedVictims(t *testing.T, labels *synth.Labels, tables map[string][]map[string]any) (all, nearMiss []string) {
	t.Helper()
	alerts := map[string]string{}
	for _, a := range tables["SecurityAlert"] {
		alerts[dynString(a["SystemAlertId"])] = dynString(a["CompromisedEntity"])
	}
	for _, l := range labels.Scenarios {
		if l.Name == synth.ScenarioUnfamiliarSigninRoleChange {
			for _, id := range l.Rows["SecurityAlert"] {
				all = append(all, alerts[id])
			}
		}
	}
	for _, l := range labels.NearMisses {
		if l.Name == "mixed-case-upn" {
			for _, id := range l.Rows["SecurityAlert"] {
				nearMiss = append(nearMiss, alerts[id])
			}
		}
	}
	if len(all) < 2 || len(nearMiss) == 0 {
		t.Fatalf("synth planted seed victims %q, of them near misses %q; want at least one of each", all, nearMiss)
	}
	return all, nearMiss
}

// TestSeedHunt is issue 5's measure: the seed rule, hunted over synth tenants, returns
// exactly the rows Kusto would, each victim it finds is an Account entity, and the victim
// whose UPN has capitals, whom Kusto's case-sensitive join misses, is not found.
func TestSeedHunt(t *testing.T) {
	rule := sharedtest.Dir(t, "seeds", "seed-rule.yaml")
	checkSeedJoinKinds(t, rule)
	for _, o := range []synth.Options{{Seed: 1}, {Users: 20, Days: 3, Seed: 4}} {
		t.Run(fmt.Sprintf("seed%d", o.Seed), func(t *testing.T) {
			dir := t.TempDir()
			labels, err := synth.WriteDir(dir, o)
			if err != nil {
				t.Fatal(err)
			}
			tables := seedTables(t, dir)
			want := seedQuery(tables, func(a, b string) bool { return a == b })
			folded := seedQuery(tables, strings.EqualFold)
			victims, capitalised := seedVictims(t, labels, tables)

			code, doc, out := seedHunt(t, dir, rule)
			if code != exitOK {
				t.Fatalf("hunt = %d, want %d; failures %+v", code, exitOK, doc.Summary.Failures)
			}
			accounts := checkSeedRows(t, doc, rule, want)

			wantAccounts := map[string]bool{}
			for _, r := range want {
				wantAccounts[r[0]] = true
			}
			var found []string
			for _, v := range victims {
				if slices.Contains(capitalised, v) {
					continue
				}
				found = append(found, v)
				if !wantAccounts[strings.ToLower(v)] {
					t.Errorf("victim %s is not in Kusto's rows", v)
				}
				if !accounts[strings.ToLower(v)] {
					t.Errorf("victim %s is not an Account entity of the finding", v)
				}
			}
			for _, v := range capitalised {
				if v == strings.ToLower(v) {
					t.Errorf("near-miss victim %s has no capitals", v)
				}
				// Her chain is complete: only the join's case-sensitivity drops her.
				if !slices.ContainsFunc(folded, func(r seedRow) bool { return r[0] == strings.ToLower(v) }) {
					t.Errorf("victim %s: even a case-insensitive join does not find her; the near miss does not test case", v)
				}
				if wantAccounts[strings.ToLower(v)] {
					t.Errorf("victim %s is in Kusto's rows", v)
				}
				if strings.Contains(strings.ToLower(out), strings.ToLower(v)) {
					t.Errorf("hunt output names victim %s, whom Kusto's case-sensitive join does not match", v)
				}
			}
			t.Logf("seed %d: %d rows expected, %d got in %d finding(s); %d account(s) found %q; planted victims %q; capitalised victim %q not found (a case-insensitive join would give %d rows)",
				o.Seed, len(want), func() int {
					n := 0
					for _, f := range doc.Findings {
						n += len(f.Rows)
					}
					return n
				}(), len(doc.Findings), len(accounts), found, victims, capitalised, len(folded))
		})
	}
}

// swallowedKey returns the 1-based line and column of the `entityMappings:` that the
// upstream YAML indents into its `query: |` block.
func swallowedKey(t *testing.T, path string) (line, col int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inQuery := false
	for i, l := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimLeft(l, " ")
		switch {
		case strings.HasPrefix(l, "query: |"):
			inQuery = true
		case inQuery && trimmed == "entityMappings:" && trimmed != l:
			return i + 1, len(l) - len(trimmed) + 1
		case inQuery && l != "" && trimmed == l:
			inQuery = false
		}
	}
	t.Fatalf("%s has no entityMappings: indented into its query block", path)
	return 0, 0
}

// TestSeedUpstreamHunt: the published YAML, whose entityMappings sit inside the query block,
// is a failed rule reported at that line, with exit status 1, and the fixed rule run beside
// it still returns Kusto's rows.
func TestSeedUpstreamHunt(t *testing.T) {
	upstream := sharedtest.Dir(t, "seeds", "seed-rule.upstream.yaml")
	fixed := sharedtest.Dir(t, "seeds", "seed-rule.yaml")
	dir := t.TempDir()
	if _, err := synth.WriteDir(dir, synth.Options{Users: 20, Days: 3, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	want := seedQuery(seedTables(t, dir), func(a, b string) bool { return a == b })
	if len(want) == 0 {
		t.Fatal("the seed query finds nothing in the tenant; the test would not show the fixed rule ran")
	}

	code, doc, _ := seedHunt(t, dir, upstream, fixed)
	if code != exitError {
		t.Errorf("hunt = %d, want %d (a rule could not run)", code, exitError)
	}
	if doc.Summary.Rules != 2 {
		t.Errorf("summary counts %d rules, want 2", doc.Summary.Rules)
	}
	if len(doc.Summary.Failures) != 1 {
		t.Fatalf("failures = %+v, want the upstream rule only", doc.Summary.Failures)
	}
	f := doc.Summary.Failures[0]
	line, col := swallowedKey(t, upstream)
	prefix := fmt.Sprintf("%s:%d:%d: ", upstream, line, col)
	if f.Rule.File != upstream || len(f.Errors) == 0 || !strings.HasPrefix(f.Errors[0], prefix) || !strings.Contains(f.Errors[0], "entityMappings") {
		t.Errorf("failure = %+v, want %s with an error starting %q about entityMappings", f, upstream, prefix)
	}
	checkSeedRows(t, doc, fixed, want)
	t.Logf("upstream rule failed at %d:%d (%q); the fixed rule beside it returned %d rows", line, col, f.Errors, len(want))
}

// TestSeedHelpers checks the pieces seedQuery is built from against the reference's rules.
func TestSeedHelpers(t *testing.T) {
	has := []struct {
		s, needle string
		want      bool
	}{
		{"Add member to role", "Add member to role", true},
		{"Add member to role requested (PIM activation)", "add MEMBER to role", true},
		{"Add eligible member to role in PIM completed (permanent)", "Add member to role", false},
		{"Add member to roles", "Add member to role", false},
		{"ReAdd member to role", "Add member to role", false},
		{"Remove member from role", "Add member to role", false},
		{"Add member to role in PIM requested (permanent)", "Add member to role in PIM requested (permanent)", true},
	}
	for _, tt := range has {
		if got := hasPhrase(tt.s, tt.needle); got != tt.want {
			t.Errorf("%q has %q = %v, want %v", tt.s, tt.needle, got, tt.want)
		}
	}
	parse := []struct {
		in   string
		want any
	}{
		{`{"a": 1}`, map[string]any{"a": json.Number("1")}},
		{"", ""},
		{"not json", "not json"},
		{`1]`, `1]`},
		{` [1, "x"] `, []any{json.Number("1"), "x"}},
	}
	for _, tt := range parse {
		if diff := cmp.Diff(tt.want, dynParse(tt.in)); diff != "" {
			t.Errorf("parse_json(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if got := dynString(dynParse(`{"b": [1, null], "a": "x"}`)); got != `{"a":"x","b":[1,null]}` {
		t.Errorf("tostring of a bag = %s", got)
	}
	if got := len(mvExpand([]any{})); got != 0 {
		t.Errorf("mv-expand of [] gives %d rows, want none", got)
	}
	if got := mvExpand(nil); len(got) != 1 || got[0] != nil {
		t.Errorf("mv-expand of null = %v, want one null row", got)
	}
	if got := dynString(dynMember(dynParse(""), "userPrincipalName")); got != "" {
		t.Errorf(`tostring(parse_json("").userPrincipalName) = %q`, got)
	}
}
