package rules

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
)

func TestSeedUpstreamSwallowedKey(t *testing.T) {
	path := filepath.Join(sharedtest.Dir(t, "seeds"), "seed-rule.upstream.yaml")
	r, ds := Loader{}.LoadFile(path)
	if r == nil {
		t.Fatalf("LoadFile(%q) = nil rule; diagnostics:\n%s", path, ds)
	}
	errs := ds.Errors()
	if len(errs) != 1 {
		t.Fatalf("LoadFile(%q) errors = %d, want 1:\n%s", path, len(errs), ds)
	}
	e := errs[0]
	want := "query block swallows what looks like the YAML key 'entityMappings:' at line 67; it is indented into the 'query: |' block"
	if e.Line != 67 || e.Col != 5 || e.Msg != want {
		t.Errorf("error = %s, want %s:67:5: %s", e, path, want)
	}
	if len(r.EntityMappings) != 0 {
		t.Errorf("EntityMappings = %v, want none (they are inside the query)", r.EntityMappings)
	}
	if !strings.Contains(r.Query, "entityMappings:") {
		t.Errorf("Query does not hold the swallowed 'entityMappings:'")
	}
}

func TestSeedFixed(t *testing.T) {
	path := filepath.Join(sharedtest.Dir(t, "seeds"), "seed-rule.yaml")
	r, ds := Loader{}.LoadFile(path)
	if ds.HasErrors() || r == nil {
		t.Fatalf("LoadFile(%q) diagnostics:\n%s", path, ds)
	}
	if len(ds) > 0 {
		t.Errorf("LoadFile(%q) warnings:\n%s", path, ds)
	}
	if r.Kind != KindHunting || r.ID != "6962473c-bcb8-421d-a0db-826078cad280" {
		t.Errorf("Kind, ID = %v, %q", r.Kind, r.ID)
	}
	want := []EntityMapping{
		{EntityType: "IP", FieldMappings: []FieldMapping{{Identifier: "Address", ColumnName: "IPAddress", Pos: Pos{70, 7}}}, Pos: Pos{68, 3}},
		{EntityType: "Account", FieldMappings: []FieldMapping{{Identifier: "FullName", ColumnName: "AccountCustomEntity", Pos: Pos{74, 7}}}, Pos: Pos{72, 3}},
	}
	if diff := cmpDiff(want, r.EntityMappings); diff != "" {
		t.Errorf("EntityMappings (-want +got):\n%s", diff)
	}
	// "SecurityAlert" starts the query on line 26, column 3.
	if line, col := r.QueryPos(0); line != 26 || col != 3 {
		t.Errorf("QueryPos(0) = %d:%d, want 26:3", line, col)
	}
	off := strings.Index(r.Query, "SigninLogs\n")
	if line, col := r.QueryPos(off); line != 41 || col != 3 {
		t.Errorf("QueryPos(%d) = %d:%d, want 41:3", off, line, col)
	}
}
