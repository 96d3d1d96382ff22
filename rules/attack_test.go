package rules

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/attack"
)

func TestATTACKTactics(t *testing.T) {
	r := &Rule{Tactics: []string{"InitialAccess", "Initial access", "CommandandControl", "PreAttack"}}
	known, unknown := r.ATTACKTactics(attack.Default())
	var got []string
	for _, k := range known {
		got = append(got, k.ShortName)
	}
	if strings.Join(got, ",") != "initial-access,command-and-control" || strings.Join(unknown, ",") != "PreAttack" {
		t.Errorf("ATTACKTactics = %v, %v", got, unknown)
	}
}

func TestATTACKNoTactics(t *testing.T) {
	src := "id: 0f1e2d3c-4b5a-4968-8776-655443322110\nname: x\nquery: T\nrelevantTechniques: [T1078]\n"
	_, ds := Loader{ATTACK: attack.Default()}.Load("x.yaml", []byte(src))
	if len(ds) != 1 || ds[0].Severity != Warning || ds[0].Line != 4 || !strings.Contains(ds[0].Msg, "'tactics' is empty") {
		t.Errorf("Load = %s, want one warning at line 4 about empty tactics", ds)
	}
}

// TestCorpusATTACK counts ATT&CK warnings over the corpus; they never make a rule fail.
func TestCorpusATTACK(t *testing.T) {
	recs := corpusYAMLs(t)
	l := Loader{ATTACK: attack.Default()}
	counts := map[string]int{}
	for _, rec := range recs {
		_, plain := Loader{}.Load(rec.Path, []byte(*rec.YAML))
		_, ds := l.Load(rec.Path, []byte(*rec.YAML))
		if len(ds.Errors()) != len(plain.Errors()) {
			t.Errorf("%s: ATT&CK checks changed the errors:\n%s", rec.ID, ds.Errors())
		}
		for _, d := range ds.Warnings() {
			switch {
			case strings.Contains(d.Msg, "unknown ATT&CK tactic"):
				counts["unknown tactic"]++
			case strings.Contains(d.Msg, "unknown ATT&CK technique"):
				counts["unknown technique"]++
			case strings.Contains(d.Msg, "none of which is in 'tactics'"):
				counts["technique outside the rule's tactics"]++
			case strings.Contains(d.Msg, "is revoked"), strings.Contains(d.Msg, "is deprecated"):
				counts["revoked or deprecated technique"]++
			}
		}
	}
	t.Logf("ATT&CK warnings over %d corpus YAMLs: %v", len(recs), counts)
}
