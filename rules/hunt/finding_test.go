package hunt

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules"
)

func TestEntities(t *testing.T) {
	cols := []Column{{"User", types.String}, {"Domain", types.String}, {"IPAddress", types.String},
		{"AccountCustomEntity", types.String}, {"HostCustomEntity", types.String}, {"URLCustomEntity", types.String},
		{"IPCustomEntity", types.String}, {"FileHashCustomEntity", types.String}, {"Entities", types.Dynamic}, {"Count", types.Long}}
	row := func(user, domain, ip, acct, host, url, legacyIP, hash, ents string, n int64) []types.Value {
		return []types.Value{str(user), str(domain), str(ip), str(acct), str(host), str(url), str(legacyIP), str(hash), types.NewDynamic(ents), types.NewLong(n)}
	}
	rows := [][]types.Value{
		row("alice", "contoso.com", "10.0.0.1", "CONTOSO\\alice", "ws1", "", "", "", `[{"$id":"2","Address":"192.0.2.7","Type":"ip"},{"$id":"3","HostName":"dc1","OSFamily":"Windows","Type":"host","Extra":{"a":1}}]`, 1),
		row("alice", "contoso.com", "10.0.0.1", "CONTOSO\\alice", "ws1", "http://x.test/a", "", "abc123", "", 2),
		row("", "", "10.0.0.2", "", "", "", "10.0.0.9", "", `"not entities"`, 3),
		row("bob", "", "", "", "", "", "", "", `{"Type":"account","Name":"bob","$ref":"5"}`, 4),
	}
	r := &rules.Rule{
		EntityMappings: []rules.EntityMapping{
			{EntityType: "Account", FieldMappings: []rules.FieldMapping{{Identifier: "Name", ColumnName: "User"}, {Identifier: "UPNSuffix", ColumnName: "Domain"}}},
			{EntityType: "IP", FieldMappings: []rules.FieldMapping{{Identifier: "Address", ColumnName: "IPAddress"}}},
			// A legacy column that an entity mapping reads is not mapped twice.
			{EntityType: "IP", FieldMappings: []rules.FieldMapping{{Identifier: "Address", ColumnName: "IPCustomEntity"}}},
			{EntityType: "DNS", FieldMappings: []rules.FieldMapping{{Identifier: "DomainName", ColumnName: "NoSuchColumn"}}},
		},
		SentinelEntitiesMappings: []rules.SentinelEntitiesMapping{{ColumnName: "Entities"}},
	}
	got := Entities(r, cols, rows)
	var gotText []string
	for _, e := range got {
		gotText = append(gotText, e.String())
	}
	want := []string{
		"Account:Name=alice,UPNSuffix=contoso.com",
		"IP:Address=10.0.0.1",
		"IP:Address=192.0.2.7",
		"Host:HostName=dc1,OSFamily=Windows",
		"Account:FullName=CONTOSO\\alice",
		"Host:FullName=ws1",
		"URL:Url=http://x.test/a",
		"FileHash:Value=abc123",
		"IP:Address=10.0.0.2",
		"IP:Address=10.0.0.9",
		"Account:Name=bob",
	}
	if diff := cmp.Diff(want, gotText); diff != "" {
		t.Errorf("Entities (-want +got):\n%s", diff)
	}
}

// TestSerializedEntityTypes checks that serialized entity types take their canonical
// spelling however they are written, and that an unknown type stays as written.
func TestSerializedEntityTypes(t *testing.T) {
	v := types.NewDynamic(`[{"Type":"ip","Address":"192.0.2.1"},{"Type":"azure-resource","ResourceId":"/x"},` +
		`{"Type":"Url","Url":"http://x.test"},{"Type":"customThing","Name":"y"}]`)
	var got []string
	for _, e := range serializedEntities(v) {
		got = append(got, e.String())
	}
	want := []string{"IP:Address=192.0.2.1", "AzureResource:ResourceId=/x", "URL:Url=http://x.test", "customThing:Name=y"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("serializedEntities (-want +got):\n%s", diff)
	}
}

func TestLegacyOnlyRule(t *testing.T) {
	cols := []Column{{"AccountCustomEntity", types.String}, {"IPCustomEntity", types.String}}
	rows := [][]types.Value{{str("alice@contoso.com"), str("10.1.1.1")}}
	got := Entities(&rules.Rule{}, cols, rows)
	want := []Entity{
		{Type: "Account", Identifiers: []Identifier{{"FullName", "alice@contoso.com"}}},
		{Type: "IP", Identifiers: []Identifier{{"Address", "10.1.1.1"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Entities (-want +got):\n%s", diff)
	}
}

func TestRender(t *testing.T) {
	cell := func(c string) (string, bool) {
		switch c {
		case "IP":
			return "10.0.0.1", true
		case "Users":
			return "12", true
		}
		return "", false
	}
	tests := []struct{ format, want string }{
		{"Password spray from {{IP}}", "Password spray from 10.0.0.1"},
		{"{{Users}} users from {{IP}}", "12 users from 10.0.0.1"},
		{"{{Missing}} stays", "{{Missing}} stays"},
		{"unclosed {{IP", "unclosed {{IP"},
		{"no placeholders", "no placeholders"},
	}
	for _, tt := range tests {
		if got := Render(tt.format, cell); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
}

func TestFindingDetailsAndOverrides(t *testing.T) {
	r := &rules.Rule{Kind: rules.KindScheduled, Name: "Spray", Description: "desc", Severity: rules.SeverityMedium, Tactics: []string{"CredentialAccess"},
		CustomDetails: []rules.CustomDetail{{Key: "FailedUsers", ColumnName: "Users"}, {Key: "Missing", ColumnName: "Nope"}},
		AlertDetailsOverride: &rules.AlertDetailsOverride{
			AlertDisplayNameFormat:  "Spray from {{IP}}",
			AlertDescriptionFormat:  "{{Users}} accounts failed",
			AlertSeverityColumnName: "Sev",
			AlertTacticsColumnName:  "Tactics",
			AlertDynamicProperties:  []rules.AlertDynamicProperty{{AlertProperty: "ProductName", Value: "Product"}},
		}}
	cols := []Column{{"IP", types.String}, {"Users", types.Long}, {"Sev", types.String}, {"Tactics", types.Dynamic}, {"Product", types.String}}
	rows := [][]types.Value{
		{str("10.0.0.1"), types.NewLong(12), str("high"), types.NewDynamic(`["InitialAccess","CredentialAccess"]`), str("Entra")},
		{str("10.0.0.2"), types.NewLong(12), str("low"), types.NewDynamic(`[]`), str("Other")},
		{str("10.0.0.3"), types.NewLong(30), str("bogus"), types.NewDynamic(`[]`), str("Other")},
	}
	f := finding(r, ruleInfo(r), Window{}, cols, rows)
	want := Finding{Rule: ruleInfo(r), Title: "Spray from 10.0.0.1", Description: "12 accounts failed", Severity: "High",
		Tactics: []string{"InitialAccess", "CredentialAccess"}, Columns: cols, Rows: rows,
		CustomDetails: []Detail{{Key: "FailedUsers", Values: []string{"12", "30"}}, {Key: "Missing"}},
		Properties:    []Detail{{Key: "ProductName", Values: []string{"Entra"}}}}
	if diff := cmp.Diff(want, f, cmp.Comparer(func(a, b types.Value) bool { return a == b })); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
	// A severity column with a value that is no severity keeps the rule's.
	f = finding(r, ruleInfo(r), Window{}, cols, rows[2:])
	if f.Severity != "Medium" || f.Tactics[0] != "CredentialAccess" {
		t.Errorf("finding of a row without overrides: severity %q tactics %v, want the rule's", f.Severity, f.Tactics)
	}
}
