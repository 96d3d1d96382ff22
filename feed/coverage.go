package feed

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// RuleRef names a rule in coverage and readiness reports.
type RuleRef struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Coverage is how the catalog's current rules cover ATT&CK.
type Coverage struct {
	// ATTACKVersion is the version of the ATT&CK catalog used.
	ATTACKVersion string `json:"attackVersion"`
	// Tactics lists every tactic of the matrix in matrix order, covered or not.
	Tactics []TacticCoverage `json:"tactics"`
	// Rules is the number of rules counted (those not removed); Mapped the number that
	// name at least one known tactic or technique.
	Rules  int `json:"rules"`
	Mapped int `json:"mapped"`
}

// TacticCoverage is the rules that cover one tactic and its techniques.
type TacticCoverage struct {
	Tactic TacticRef `json:"tactic"`
	// Rules are the rules listing the tactic.
	Rules []RuleRef `json:"rules"`
	// Techniques are the covered techniques under the tactic, by id.
	Techniques []TechniqueCoverage `json:"techniques"`
}

// TechniqueCoverage is the rules that cover one technique or sub-technique under a tactic.
type TechniqueCoverage struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	URL    string    `json:"url"`
	Parent string    `json:"parent,omitempty"`
	Rules  []RuleRef `json:"rules"`
}

// Coverage maps the current rules onto ATT&CK tactics and techniques. A technique counts
// under the tactics it shares with the rule's own tactics, or under all its tactics when
// the rule lists none of them.
func (c *Catalog) Coverage(ctx context.Context) (*Coverage, error) {
	cat := c.env.ATTACK
	if cat == nil {
		return nil, fmt.Errorf("coverage needs an ATT&CK catalog")
	}
	cov := &Coverage{ATTACKVersion: cat.Version}
	byTactic := map[string]*TacticCoverage{}
	for _, t := range cat.Tactics() {
		cov.Tactics = append(cov.Tactics, TacticCoverage{Tactic: TacticRef{ID: t.ID, Name: t.Name, ShortName: t.ShortName, URL: t.URL}})
	}
	for i := range cov.Tactics {
		byTactic[cov.Tactics[i].Tactic.ShortName] = &cov.Tactics[i]
	}
	rows, err := c.db.QueryContext(ctx, `SELECT r.key, r.name, a.analysis FROM rules r JOIN analysis a ON a.rule = r.id WHERE r.removed = 0 ORDER BY r.name COLLATE NOCASE, r.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ref RuleRef
		var text string
		if err := rows.Scan(&ref.Key, &ref.Name, &text); err != nil {
			return nil, err
		}
		var a struct {
			ATTACK ATTACKContext `json:"attack"`
		}
		if err := json.Unmarshal([]byte(text), &a); err != nil {
			return nil, fmt.Errorf("rule %s: stored analysis: %v", ref.Key, err)
		}
		cov.Rules++
		if len(a.ATTACK.Tactics)+len(a.ATTACK.Techniques) > 0 {
			cov.Mapped++
		}
		var own []string
		for _, t := range a.ATTACK.Tactics {
			own = append(own, t.ShortName)
			if tc := byTactic[t.ShortName]; tc != nil {
				tc.Rules = append(tc.Rules, ref)
			}
		}
		for _, tech := range a.ATTACK.Techniques {
			under := slices.DeleteFunc(slices.Clone(tech.Tactics), func(s string) bool { return !slices.Contains(own, s) })
			if len(under) == 0 {
				under = tech.Tactics
			}
			for _, s := range under {
				tc := byTactic[s]
				if tc == nil {
					continue
				}
				i := slices.IndexFunc(tc.Techniques, func(x TechniqueCoverage) bool { return x.ID == tech.ID })
				if i < 0 {
					tc.Techniques = append(tc.Techniques, TechniqueCoverage{ID: tech.ID, Name: tech.Name, URL: tech.URL, Parent: tech.Parent})
					i = len(tc.Techniques) - 1
				}
				tc.Techniques[i].Rules = append(tc.Techniques[i].Rules, ref)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range cov.Tactics {
		slices.SortFunc(cov.Tactics[i].Techniques, func(a, b TechniqueCoverage) int { return strings.Compare(a.ID, b.ID) })
	}
	return cov, nil
}

// NavigatorLayer returns the coverage as a MITRE ATT&CK Navigator layer (layer format
// 4.5, Enterprise domain): one entry per covered technique and tactic, scored by the
// number of rules, with the rule names as the comment.
func (cov *Coverage) NavigatorLayer(name, description string) ([]byte, error) {
	type technique struct {
		TechniqueID       string `json:"techniqueID"`
		Tactic            string `json:"tactic"`
		Score             int    `json:"score"`
		Comment           string `json:"comment"`
		Enabled           bool   `json:"enabled"`
		ShowSubtechniques bool   `json:"showSubtechniques"`
	}
	var techs []technique
	maxScore := 0
	for _, tc := range cov.Tactics {
		for _, t := range tc.Techniques {
			var names []string
			for _, r := range limit(t.Rules, 20) {
				names = append(names, r.Name)
			}
			comment := fmt.Sprintf("%d rule(s): %s", len(t.Rules), strings.Join(names, "; "))
			if len(t.Rules) > 20 {
				comment += "; ..."
			}
			techs = append(techs, technique{TechniqueID: t.ID, Tactic: tc.Tactic.ShortName, Score: len(t.Rules), Comment: comment, Enabled: true, ShowSubtechniques: t.Parent == ""})
			maxScore = max(maxScore, len(t.Rules))
		}
	}
	attackMajor, _, _ := strings.Cut(cov.ATTACKVersion, ".")
	layer := map[string]any{
		"name":                          name,
		"description":                   description,
		"domain":                        "enterprise-attack",
		"versions":                      map[string]string{"attack": attackMajor, "navigator": "5.1.0", "layer": "4.5"},
		"sorting":                       0,
		"layout":                        map[string]any{"layout": "side", "showID": true, "showName": true},
		"hideDisabled":                  false,
		"techniques":                    techs,
		"gradient":                      map[string]any{"colors": []string{"#ffffff", "#66b1ff", "#ff6666"}, "minValue": 0, "maxValue": max(maxScore, 1)},
		"legendItems":                   []any{},
		"metadata":                      []any{},
		"links":                         []any{},
		"showTacticRowBackground":       false,
		"selectTechniquesAcrossTactics": true,
		"selectSubtechniquesWithParent": false,
	}
	return json.MarshalIndent(layer, "", "  ")
}
