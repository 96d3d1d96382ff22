package rules

import "testing"

func TestCanonicalEntityType(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"URL", "URL", true},
		{"Url", "URL", true},
		{"url", "URL", true},
		{"Azure resource", "AzureResource", true},
		{"azure-resource", "AzureResource", true},
		{"registry_key", "RegistryKey", true},
		{"ip", "IP", true},
		{"NetworkConnection", "", false}, // not one analytic rules map
		{"Uri", "", false},
		{"", "", false},
		{" - ", "", false},
	}
	for _, tt := range tests {
		got, ok := CanonicalEntityType(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CanonicalEntityType(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestEntityTypesIdentifiers checks that every type of EntityTypes has identifiers and
// is its own canonical spelling.
func TestEntityTypesIdentifiers(t *testing.T) {
	for _, typ := range EntityTypes() {
		if ids, ok := EntityIdentifiers(typ); !ok || len(ids) == 0 {
			t.Errorf("EntityIdentifiers(%q) = %v, %v, want identifiers", typ, ids, ok)
		}
		if c, ok := CanonicalEntityType(typ); c != typ || !ok {
			t.Errorf("CanonicalEntityType(%q) = %q, %v", typ, c, ok)
		}
	}
	for _, typ := range huntingEntityTypes() {
		if _, ok := CanonicalEntityType(typ); ok {
			t.Errorf("hunting-only entity type %q is also mappable", typ)
		}
		if ids, ok := huntingEntityIdentifiers(typ); !ok || len(ids) == 0 {
			t.Errorf("huntingEntityIdentifiers(%q) = %v, %v, want identifiers", typ, ids, ok)
		}
	}
}

// TestEntitySpellingNormalised checks that the rule keeps the canonical spelling, which
// is what package hunt builds entities from.
func TestEntitySpellingNormalised(t *testing.T) {
	text := "id: 0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e\nname: R\nquery: T\nentityMappings:\n" +
		"  - entityType: Url\n    fieldMappings:\n      - identifier: Url\n        columnName: U\n"
	r, ds := Loader{}.Load("r.yaml", []byte(text))
	if ds.HasErrors() || len(r.EntityMappings) != 1 || r.EntityMappings[0].EntityType != "URL" {
		t.Errorf("Load = %+v, %s; want one URL mapping and no errors", r.EntityMappings, ds)
	}
}
