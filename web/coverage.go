package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/attack"
)

// The layers of the coverage matrix: each counts, per technique, the rules that pass one
// more test than the layer before.
const (
	// LayerRules counts the rules mapped to a technique.
	LayerRules = "rules"
	// LayerReady counts those whose data is loaded: every table the rule reads is
	// loaded with rows.
	LayerReady = "ready"
	// LayerFired counts those with a recorded run that raised findings.
	LayerFired = "fired"
)

// LayerNames returns every coverage layer in display order.
func LayerNames() []string { return []string{LayerRules, LayerReady, LayerFired} }

// layerTitle is how pages and Navigator layers name a layer.
func layerTitle(layer string) string {
	switch layer {
	case LayerReady:
		return "data ready"
	case LayerFired:
		return "fired"
	}
	return "rule exists"
}

// CoverageRule is one rule as the coverage matrix counts it.
type CoverageRule struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Source   string `json:"source"`
	Severity string `json:"severity"`
	// Techniques are the technique and sub-technique ids the rule is mapped to.
	Techniques []string `json:"techniques"`
	// Tables are the tables the rule reads.
	Tables []string `json:"tables"`
	// Fired is set when a recorded run of the rule raised at least one finding.
	Fired bool `json:"fired"`
}

// CoverageFilter selects the view of the matrix: which layer scores the cells, which
// tactics show, and which rules count. Empty lists select everything.
type CoverageFilter struct {
	Layer      string   `json:"layer"`      // one of [LayerNames]; "" means [LayerRules]
	Tactics    []string `json:"tactics"`    // tactic short names, such as "credential-access"
	Sources    []string `json:"sources"`    // rule sources
	Severities []string `json:"severities"` // rule severities; "-" selects rules without one
	// CoveredOnly leaves out techniques that score 0 in the layer.
	CoveredOnly bool `json:"coveredOnly"`
}

// parseCoverageFilter reads a coverage view from URL parameters: layer, tactic, source,
// severity (each repeatable) and covered=1.
func parseCoverageFilter(v url.Values, at *attack.Catalog) (CoverageFilter, error) {
	f := CoverageFilter{Layer: v.Get("layer"), CoveredOnly: v.Get("covered") == "1"}
	if f.Layer == "" {
		f.Layer = LayerRules
	}
	if !slices.Contains(LayerNames(), f.Layer) {
		return f, badRequest("layer: expected one of %s, found %q", strings.Join(LayerNames(), ", "), f.Layer)
	}
	for _, t := range nonEmpty(v["tactic"]) {
		ta, ok := at.Tactic(t)
		if !ok {
			return f, badRequest("tactic: unknown ATT&CK tactic %q", t)
		}
		if !slices.Contains(f.Tactics, ta.ShortName) {
			f.Tactics = append(f.Tactics, ta.ShortName)
		}
	}
	f.Sources = nonEmpty(v["source"])
	f.Severities = nonEmpty(v["severity"])
	return f, nil
}

// values is the inverse of parseCoverageFilter, leaving out defaults.
func (f CoverageFilter) values() url.Values {
	v := url.Values{}
	if f.Layer != "" && f.Layer != LayerRules {
		v.Set("layer", f.Layer)
	}
	for _, t := range f.Tactics {
		v.Add("tactic", t)
	}
	for _, s := range f.Sources {
		v.Add("source", s)
	}
	for _, s := range f.Severities {
		v.Add("severity", s)
	}
	if f.CoveredOnly {
		v.Set("covered", "1")
	}
	return v
}

// describe says in words which rules and tactics the view selects.
func (f CoverageFilter) describe() string {
	var parts []string
	if len(f.Sources) > 0 {
		parts = append(parts, "source "+strings.Join(f.Sources, " or "))
	}
	if len(f.Severities) > 0 {
		parts = append(parts, "severity "+strings.Join(f.Severities, " or "))
	}
	if len(f.Tactics) > 0 {
		parts = append(parts, "tactic "+strings.Join(f.Tactics, " or "))
	}
	return strings.Join(parts, "; ")
}

func nonEmpty(vals []string) []string {
	var out []string
	for _, s := range vals {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Coverage is a view of the ATT&CK matrix: every technique with the rules that exist for
// it, that can run on the loaded data, and that fired.
type Coverage struct {
	Filter  CoverageFilter   `json:"filter"`
	Tactics []TacticCoverage `json:"tactics"` // in matrix order
	// Rules is the number of rules the filter selects; Mapped those with at least one
	// technique the matrix knows; Ready those whose data is loaded; Fired those that
	// fired.
	Rules  int `json:"rules"`
	Mapped int `json:"mapped"`
	Ready  int `json:"ready"`
	Fired  int `json:"fired"`
	// Covered counts the techniques that score in the filter's layer; Techniques all
	// techniques of the shown tactics.
	Covered    int `json:"covered"`
	Techniques int `json:"techniques"`
	// Sources and Severities are the values the filter may select, from every rule.
	Sources    []string `json:"sources"`
	Severities []string `json:"severities"`
	// DataLoaded is set when log data is loaded, so that the ready layer means something.
	DataLoaded bool `json:"dataLoaded"`
	// ATTACKVersion is the version of the ATT&CK catalog.
	ATTACKVersion string `json:"attackVersion"`
}

// TacticCoverage is one column of the matrix.
type TacticCoverage struct {
	ID         string              `json:"id"`
	ShortName  string              `json:"shortName"`
	Name       string              `json:"name"`
	URL        string              `json:"url"`
	Techniques []TechniqueCoverage `json:"techniques"`
	// Covered counts the techniques of the column that score in the layer.
	Covered int `json:"covered"`
}

// TechniqueCoverage is one cell of the matrix. Rules count once for the technique
// whether they name it or one of its sub-techniques.
type TechniqueCoverage struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Rules counts the rules mapped to the technique; Ready those whose data is loaded;
	// Fired those that fired.
	Rules int `json:"rules"`
	Ready int `json:"ready"`
	Fired int `json:"fired"`
	// Score is the count of the filter's layer.
	Score int `json:"score"`
	// IDs are the technique and sub-technique ids the rules name, sorted.
	IDs []string `json:"ids,omitempty"`
}

// ruleReady reports whether every table the rule reads is loaded with rows.
func ruleReady(tables []string, rows map[string]int) bool {
	if len(tables) == 0 {
		return false
	}
	for _, t := range tables {
		if rows[t] <= 0 {
			return false
		}
	}
	return true
}

// BuildCoverage lays rules out on the ATT&CK Enterprise matrix as f selects: rows holds
// the loaded tables' row counts (nil when no data is loaded). A rule counts once for each
// top-level technique it names directly or through a sub-technique, under every tactic of
// the technique. Deprecated and revoked techniques are left out of the matrix; rules
// mapped only to them, or to ids the catalog does not know, count as unmapped.
func BuildCoverage(cat *attack.Catalog, rules []CoverageRule, rows map[string]int, f CoverageFilter) *Coverage {
	if f.Layer == "" {
		f.Layer = LayerRules
	}
	c := &Coverage{Filter: f, DataLoaded: len(rows) > 0, ATTACKVersion: cat.Version}
	type counts struct{ rules, ready, fired int }
	byTech := map[string]*counts{}
	named := map[string][]string{} // top-level id → ids named under it
	sources, severities := map[string]bool{}, map[string]bool{}
	for _, r := range rules {
		sev := r.Severity
		if sev == "" {
			sev = "-"
		}
		sources[r.Source], severities[sev] = true, true
		if len(f.Sources) > 0 && !slices.Contains(f.Sources, r.Source) ||
			len(f.Severities) > 0 && !slices.ContainsFunc(f.Severities, func(s string) bool { return strings.EqualFold(s, sev) }) {
			continue
		}
		c.Rules++
		ready := ruleReady(r.Tables, rows)
		if ready {
			c.Ready++
		}
		if r.Fired {
			c.Fired++
		}
		seen := map[string]bool{}
		for _, id := range r.Techniques {
			t, ok := cat.Technique(id)
			if !ok || t.Deprecated || t.Revoked {
				continue
			}
			top := t.ID
			if t.Parent != "" {
				top = t.Parent
			}
			if !slices.Contains(named[top], t.ID) {
				named[top] = append(named[top], t.ID)
			}
			if seen[top] {
				continue
			}
			seen[top] = true
			n := byTech[top]
			if n == nil {
				n = &counts{}
				byTech[top] = n
			}
			n.rules++
			if ready {
				n.ready++
			}
			if r.Fired {
				n.fired++
			}
		}
		if len(seen) > 0 {
			c.Mapped++
		}
	}
	for s := range sources {
		if s != "" {
			c.Sources = append(c.Sources, s)
		}
	}
	for s := range severities {
		c.Severities = append(c.Severities, s)
	}
	slices.Sort(c.Sources)
	sevRank := map[string]int{"High": 0, "Medium": 1, "Low": 2, "Informational": 3}
	sort.Slice(c.Severities, func(i, j int) bool {
		ri, oki := sevRank[c.Severities[i]]
		rj, okj := sevRank[c.Severities[j]]
		if oki != okj {
			return oki
		}
		if ri != rj {
			return ri < rj
		}
		return c.Severities[i] < c.Severities[j]
	})

	byTactic := map[string][]TechniqueCoverage{}
	for _, t := range cat.Techniques() {
		if t.Parent != "" || t.Deprecated || t.Revoked {
			continue
		}
		n := byTech[t.ID]
		if n == nil {
			n = &counts{}
		}
		tc := TechniqueCoverage{ID: t.ID, Name: t.Name, URL: t.URL, Rules: n.rules, Ready: n.ready, Fired: n.fired}
		tc.Score = tc.layer(f.Layer)
		tc.IDs = slices.Clone(named[t.ID])
		slices.Sort(tc.IDs)
		for _, ta := range t.Tactics {
			byTactic[ta] = append(byTactic[ta], tc)
		}
	}
	counted := map[string]bool{}
	for _, ta := range cat.Tactics() {
		if len(f.Tactics) > 0 && !slices.Contains(f.Tactics, ta.ShortName) {
			continue
		}
		tc := TacticCoverage{ID: ta.ID, ShortName: ta.ShortName, Name: ta.Name, URL: ta.URL, Techniques: byTactic[ta.ShortName]}
		// Scoring techniques first, highest first; then by name, as the Navigator sorts.
		sort.SliceStable(tc.Techniques, func(i, j int) bool {
			a, b := tc.Techniques[i], tc.Techniques[j]
			if a.Score != b.Score {
				return a.Score > b.Score
			}
			if a.Rules != b.Rules {
				return a.Rules > b.Rules
			}
			return strings.ToLower(a.Name) < strings.ToLower(b.Name)
		})
		for _, t := range tc.Techniques {
			if !counted[t.ID] {
				counted[t.ID] = true
				c.Techniques++
				if t.Score > 0 {
					c.Covered++
				}
			}
			if t.Score > 0 {
				tc.Covered++
			}
		}
		if f.CoveredOnly {
			tc.Techniques = slices.DeleteFunc(tc.Techniques, func(t TechniqueCoverage) bool { return t.Score == 0 })
		}
		if tc.Techniques == nil {
			tc.Techniques = []TechniqueCoverage{}
		}
		c.Tactics = append(c.Tactics, tc)
	}
	return c
}

// layer returns the technique's count in a layer.
func (t TechniqueCoverage) layer(name string) int {
	switch name {
	case LayerReady:
		return t.Ready
	case LayerFired:
		return t.Fired
	}
	return t.Rules
}

// Navigator layer format: the fields ATT&CK Navigator 5 reads from a layer file
// (https://github.com/mitre-attack/attack-navigator/blob/master/layers/spec/v4.5).
type (
	navLayer struct {
		Name                          string          `json:"name"`
		Versions                      navVersions     `json:"versions"`
		Domain                        string          `json:"domain"`
		Description                   string          `json:"description"`
		Filters                       navFilters      `json:"filters"`
		Sorting                       int             `json:"sorting"`
		Layout                        navLayout       `json:"layout"`
		HideDisabled                  bool            `json:"hideDisabled"`
		Techniques                    []navTechnique  `json:"techniques"`
		Gradient                      navGradient     `json:"gradient"`
		LegendItems                   []navLegendItem `json:"legendItems"`
		Metadata                      []navMetadata   `json:"metadata"`
		Links                         []navLink       `json:"links"`
		ShowTacticRowBackground       bool            `json:"showTacticRowBackground"`
		TacticRowBackground           string          `json:"tacticRowBackground"`
		SelectTechniquesAcrossTactics bool            `json:"selectTechniquesAcrossTactics"`
		SelectSubtechniquesWithParent bool            `json:"selectSubtechniquesWithParent"`
		SelectVisibleTechniques       bool            `json:"selectVisibleTechniques"`
	}
	navVersions struct {
		Attack    string `json:"attack"`
		Navigator string `json:"navigator"`
		Layer     string `json:"layer"`
	}
	navFilters struct {
		Platforms []string `json:"platforms"`
	}
	navLayout struct {
		Layout              string `json:"layout"`
		AggregateFunction   string `json:"aggregateFunction"`
		ShowID              bool   `json:"showID"`
		ShowName            bool   `json:"showName"`
		ShowAggregateScores bool   `json:"showAggregateScores"`
		CountUnscored       bool   `json:"countUnscored"`
	}
	navTechnique struct {
		TechniqueID       string        `json:"techniqueID"`
		Tactic            string        `json:"tactic"`
		Score             int           `json:"score"`
		Color             string        `json:"color,omitempty"`
		Comment           string        `json:"comment"`
		Enabled           bool          `json:"enabled"`
		Metadata          []navMetadata `json:"metadata"`
		Links             []navLink     `json:"links"`
		ShowSubtechniques bool          `json:"showSubtechniques"`
	}
	navGradient struct {
		Colors   []string `json:"colors"`
		MinValue int      `json:"minValue"`
		MaxValue int      `json:"maxValue"`
	}
	navLegendItem struct {
		Label string `json:"label"`
		Color string `json:"color"`
	}
	navMetadata struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	navLink struct {
		Label string `json:"label"`
		URL   string `json:"url"`
	}
)

// navColors are the gradient of each layer, from a score of 1 to the highest.
var navColors = map[string][2]string{
	LayerRules: {"#dcebfb", "#2f6fc0"},
	LayerReady: {"#e3f4e1", "#2e8540"},
	LayerFired: {"#fde9dc", "#c2410c"},
}

// NavigatorLayer returns the coverage as one ATT&CK Navigator layer (layer format 4.5,
// Enterprise domain) for the filter's layer: each technique scoring in the layer, under
// each tactic shown, scored with its count, with every layer's count in the comment.
func NavigatorLayer(c *Coverage) ([]byte, error) {
	layer := c.Filter.Layer
	if layer == "" {
		layer = LayerRules
	}
	colors := navColors[layer]
	l := navLayer{
		Name:                          "socfeed coverage: " + layerTitle(layer),
		Versions:                      navVersions{Attack: majorVersion(c.ATTACKVersion), Navigator: "5.1.0", Layer: "4.5"},
		Domain:                        "enterprise-attack",
		Description:                   fmt.Sprintf("%d of %d techniques scored by %s; %d rules (%d mapped, %d data ready, %d fired)", c.Covered, c.Techniques, layerTitle(layer), c.Rules, c.Mapped, c.Ready, c.Fired),
		Filters:                       navFilters{Platforms: []string{"Windows", "Linux", "macOS", "Network", "PRE", "Containers", "IaaS", "SaaS", "Office Suite", "Identity Provider"}},
		Sorting:                       3, // by score, descending
		Layout:                        navLayout{Layout: "side", AggregateFunction: "average", ShowID: true, ShowName: true},
		Techniques:                    []navTechnique{},
		Gradient:                      navGradient{Colors: []string{colors[0], colors[1]}, MinValue: 1, MaxValue: 1},
		Metadata:                      []navMetadata{{Name: "layer", Value: layer}},
		Links:                         []navLink{},
		TacticRowBackground:           "#dddddd",
		SelectTechniquesAcrossTactics: true,
		SelectSubtechniquesWithParent: false,
		SelectVisibleTechniques:       false,
	}
	if d := c.Filter.describe(); d != "" {
		l.Description += "; only " + d
		l.Metadata = append(l.Metadata, navMetadata{Name: "filter", Value: d})
	}
	for _, t := range c.Tactics {
		for _, tc := range t.Techniques {
			if tc.Score == 0 {
				continue
			}
			l.Gradient.MaxValue = max(l.Gradient.MaxValue, tc.Score)
			comment := fmt.Sprintf("%s; %d data ready; %d fired", plural(tc.Rules, "rule"), tc.Ready, tc.Fired)
			if subs := slices.DeleteFunc(slices.Clone(tc.IDs), func(id string) bool { return id == tc.ID }); len(subs) > 0 {
				comment += "; names " + strings.Join(subs, ", ")
			}
			l.Techniques = append(l.Techniques, navTechnique{TechniqueID: tc.ID, Tactic: t.ShortName, Score: tc.Score,
				Comment: comment, Enabled: true, Metadata: []navMetadata{}, Links: []navLink{}})
		}
	}
	l.LegendItems = []navLegendItem{{Label: "1 rule (" + layerTitle(layer) + ")", Color: colors[0]}}
	if l.Gradient.MaxValue > 1 {
		l.LegendItems = append(l.LegendItems, navLegendItem{Label: fmt.Sprintf("%d rules (%s)", l.Gradient.MaxValue, layerTitle(layer)), Color: colors[1]})
	}
	return json.MarshalIndent(l, "", "  ")
}

// CoverageCSV returns the coverage as CSV: one row per technique under each tactic shown,
// with the columns tactic, technique id, name, rules, data ready, fired.
func CoverageCSV(c *Coverage) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"tactic", "technique_id", "name", "rules", "data_ready", "fired"})
	for _, t := range c.Tactics {
		for _, tc := range t.Techniques {
			w.Write([]string{t.Name, tc.ID, tc.Name, strconv.Itoa(tc.Rules), strconv.Itoa(tc.Ready), strconv.Itoa(tc.Fired)})
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// majorVersion returns "18" for "18.1": the Navigator wants the major ATT&CK version.
func majorVersion(v string) string {
	major, _, _ := strings.Cut(v, ".")
	return major
}
