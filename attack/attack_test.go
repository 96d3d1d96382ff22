package attack

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultTechniques(t *testing.T) {
	c := Default()
	if c.Version == "" {
		t.Errorf("Version is empty")
	}
	tests := []struct {
		id   string
		want Technique
	}{
		{"T1078", Technique{ID: "T1078", Name: "Valid Accounts",
			Tactics: []string{"defense-evasion", "persistence", "privilege-escalation", "initial-access"},
			URL:     "https://attack.mitre.org/techniques/T1078"}},
		{"t1078.004", Technique{ID: "T1078.004", Name: "Cloud Accounts", Parent: "T1078",
			Tactics: []string{"defense-evasion", "persistence", "privilege-escalation", "initial-access"},
			URL:     "https://attack.mitre.org/techniques/T1078/004"}},
		{"T1190", Technique{ID: "T1190", Name: "Exploit Public-Facing Application",
			Tactics: []string{"initial-access"}, URL: "https://attack.mitre.org/techniques/T1190"}},
		{"T1002", Technique{ID: "T1002", Name: "Data Compressed", Tactics: []string{"exfiltration"},
			URL: "https://attack.mitre.org/techniques/T1002", Revoked: true}},
	}
	for _, tt := range tests {
		got, ok := c.Technique(tt.id)
		if !ok {
			t.Errorf("Technique(%q) not found", tt.id)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Technique(%q) (-want +got):\n%s", tt.id, diff)
		}
	}
	for _, id := range []string{"T9999", "", "TA0001", "T1078.999"} {
		if got, ok := c.Technique(id); ok {
			t.Errorf("Technique(%q) = %v, want not found", id, got)
		}
	}
	if got, _ := c.Technique("T1078.004"); !got.IsSubtechnique() {
		t.Errorf("T1078.004 is not a sub-technique")
	}
	subs := c.SubTechniques("T1078")
	var ids []string
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	if want := []string{"T1078.001", "T1078.002", "T1078.003", "T1078.004"}; !slices.Equal(ids, want) {
		t.Errorf("SubTechniques(T1078) = %v, want %v", ids, want)
	}
}

func TestTacticSpellings(t *testing.T) {
	c := Default()
	tests := []struct {
		in, want string
	}{
		{"InitialAccess", "initial-access"},
		{"initial-access", "initial-access"},
		{"Initial access", "initial-access"},
		{"TA0001", "initial-access"},
		{"CredentialAccess", "credential-access"},
		{"Credential Access", "credential-access"},
		{"CommandAndControl", "command-and-control"},
		{"CommandandControl", "command-and-control"},
		{"Command and control", "command-and-control"},
		{"PrivilegeEscalation", "privilege-escalation"},
		{"DefenseEvasion", "defense-evasion"},
		{"LateralMovement", "lateral-movement"},
		{"ResourceDevelopment", "resource-development"},
		{"Reconnaissance", "reconnaissance"},
		{"Impact", "impact"},
		{"PreAttack", ""},
		{"Ransomware", ""},
		{"InitialAcces", ""},
	}
	for _, tt := range tests {
		got, ok := c.TacticShortName(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("TacticShortName(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
	tac, _ := c.Tactic("InitialAccess")
	want := Tactic{ID: "TA0001", ShortName: "initial-access", Name: "Initial Access", Order: 3, URL: "https://attack.mitre.org/tactics/TA0001"}
	if tac != want {
		t.Errorf("Tactic(InitialAccess) = %+v, want %+v", tac, want)
	}
}

func TestCatalogShape(t *testing.T) {
	c := Default()
	tactics := c.Tactics()
	if len(tactics) != 14 {
		t.Errorf("len(Tactics()) = %d, want 14", len(tactics))
	}
	for i, tac := range tactics {
		if tac.Order != i+1 {
			t.Errorf("tactic %s has order %d at index %d", tac.ShortName, tac.Order, i)
		}
	}
	techs := c.Techniques()
	var subs, revoked, deprecated int
	for _, tt := range techs {
		if tt.IsSubtechnique() {
			subs++
			if !strings.HasPrefix(tt.ID, tt.Parent+".") {
				t.Errorf("%s has parent %s", tt.ID, tt.Parent)
			}
		}
		if tt.Revoked {
			revoked++
		}
		if tt.Deprecated {
			deprecated++
		}
		if len(tt.Tactics) == 0 {
			t.Errorf("%s has no tactics", tt.ID)
		}
	}
	t.Logf("ATT&CK %s: %d tactics, %d techniques (%d sub-techniques, %d revoked, %d deprecated)",
		c.Version, len(tactics), len(techs), subs, revoked, deprecated)
	if len(techs) < 800 || subs < 400 {
		t.Errorf("catalog holds %d techniques and %d sub-techniques, want at least 800 and 400", len(techs), subs)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"tactic\tTA1\tx\n", "1:1: expected 6 fields in 'tactic', found 3"},
		{"# c\nbogus\n", "2:1: expected 'version', 'tactic' or 'technique', found \"bogus\""},
		{"technique\tT1\tN\tnowhere\t\tu\t\n", "technique T1 names unknown tactic \"nowhere\""},
		{"tactic\tTA1\tx\tX\t1\tu\ntechnique\tT1.001\tN\tx\tT1\tu\t\n", "sub-technique T1.001 names unknown parent T1"},
		{"tactic\tTA1\tx\tX\t1\tu\ntechnique\tT1\tN\tx\t\tu\told\n", "2:1: unknown flag \"old\""},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}
