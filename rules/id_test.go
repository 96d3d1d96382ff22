package rules

import "testing"

func TestRepoPath(t *testing.T) {
	tests := []struct{ file, want string }{
		{"Hunting Queries/AuditLogs/x.yaml", "Hunting Queries/AuditLogs/x.yaml"},
		{"/tmp/run/abc123/Hunting Queries/AuditLogs/x.yaml", "Hunting Queries/AuditLogs/x.yaml"},
		{"/src/Azure-Sentinel/Detections/SigninLogs/a.yaml", "Detections/SigninLogs/a.yaml"},
		{"/src/Azure-Sentinel/Solutions/Entra ID/Hunting Queries/x.yaml", "Solutions/Entra ID/Hunting Queries/x.yaml"},
		{"Solutions/Entra ID/Analytic Rules/sub/y.yml", "Solutions/Entra ID/Analytic Rules/sub/y.yml"},
		{`C:\src\Azure-Sentinel\hunting queries\AuditLogs\x.yaml`, "hunting queries/AuditLogs/x.yaml"},
		{"./Hunting Queries//AuditLogs/./x.yaml", "Hunting Queries/AuditLogs/x.yaml"},
		{"/home/me/rules/x.yaml", "x.yaml"},
		{"x.yaml", "x.yaml"},
		// a file named like a folder is not one
		{"/home/me/Detections", "Detections"},
		// "Solutions" without a rule folder two levels down is no anchor
		{"/home/Solutions/Hunting Queries/x.yaml", "Hunting Queries/x.yaml"},
	}
	for _, tt := range tests {
		if got := RepoPath(tt.file); got != tt.want {
			t.Errorf("RepoPath(%q) = %q, want %q", tt.file, got, tt.want)
		}
	}
}

// TestDerivedID checks the ids against Python's uuid.uuid5 with the namespace
// cf5b3fde-f7db-5fd9-b5ce-a6eea173784c, itself uuid.uuid5(uuid.NAMESPACE_URL,
// "https://github.com/socfeed/socfeed/rules#DerivedID").
func TestDerivedID(t *testing.T) {
	if got, want := uuid5([16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8},
		"https://github.com/socfeed/socfeed/rules#DerivedID"), "cf5b3fde-f7db-5fd9-b5ce-a6eea173784c"; got != want {
		t.Errorf("namespace = %s, want %s", got, want)
	}
	tests := []struct{ file, want string }{
		{"/tmp/x/Hunting Queries/Microsoft 365 Defender/Execution/detect-uac-elevation.yml", "469a34a0-21be-57b0-b356-15fd0ee678a5"},
		{"Solutions/Entra ID/Hunting Queries/x.yaml", "53d9709e-e78b-5cc5-a4b0-74a951aea3af"},
		{"/elsewhere/x.yaml", "e8f19e3b-5bea-5631-a02f-bab0d0049db7"},
		{"Detections/SigninLogs/a.yaml", "fe9510db-497b-5d00-9fa3-274385f3c0e4"},
	}
	for _, tt := range tests {
		got := DerivedID(tt.file)
		if got != tt.want {
			t.Errorf("DerivedID(%q) = %s, want %s", tt.file, got, tt.want)
		}
		if !guidRE.MatchString(got) {
			t.Errorf("DerivedID(%q) = %s, not a GUID", tt.file, got)
		}
	}
}

// TestHuntingQueryWithoutID checks that a hunting query without an id, and only a
// hunting query, gets the derived one, and that an analytic rule without one fails.
func TestHuntingQueryWithoutID(t *testing.T) {
	const file = "/x/Hunting Queries/AuditLogs/q.yaml"
	r, ds := Loader{}.Load(file, []byte("name: Q\nquery: AuditLogs\n"))
	if ds.HasErrors() || r.ID != DerivedID(file) || len(ds) != 1 {
		t.Errorf("Load(hunting query without id) = id %q, %s; want id %s and one warning", r.ID, ds, DerivedID(file))
	}
	r, ds = Loader{}.Load(file, []byte("id: ''\nname: Q\nquery: AuditLogs\n"))
	if ds.HasErrors() || r.ID != DerivedID(file) {
		t.Errorf("Load(hunting query with empty id) = id %q, %s; want id %s", r.ID, ds, DerivedID(file))
	}
	_, ds = Loader{}.Load(file, []byte("name: Q\nkind: NRT\nseverity: Low\nquery: AuditLogs\n"))
	if errs := ds.Errors(); len(errs) != 1 || errs[0].Msg != "missing required key 'id'" {
		t.Errorf("Load(NRT rule without id) errors = %s, want missing required key 'id'", errs)
	}
}
