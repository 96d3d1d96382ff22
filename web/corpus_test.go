package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/feed"
	"github.com/socfeed/socfeed/internal/sharedtest"
	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/schema"
)

// writeCorpusRules writes every record of the corpus that has a `yaml` into folder trees
// under dir, one per repository and revision (the Azure-Sentinel 2022 snapshot, its
// current files, each other repository), named after the repository so that the feed
// names the source as it. It returns the tree roots and the files written, as root-relative
// slash paths keyed by root.
func writeCorpusRules(t *testing.T, dir string) (roots []string, files map[string][]string) {
	t.Helper()
	files = map[string][]string{}
	written := map[string]bool{}
	for _, rec := range sharedtest.Corpus(t) {
		if rec.YAML == nil {
			continue
		}
		rev := rec.Commit
		if rec.Repo == "Azure/Azure-Sentinel" && rev != "0aa08fc4b18886401f956548ab2c5d5b9de6e33a" {
			rev = "current" // the current files carry a commit each
		}
		rev = rev[:min(len(rev), 12)]
		rel := path.Clean(rec.Path)
		if strings.HasPrefix(rel, "..") || path.IsAbs(rel) {
			t.Fatalf("record %s: path %q leaves its tree", rec.Repo, rec.Path)
		}
		root := filepath.Join(dir, rev, path.Base(rec.Repo))
		if written[root+"\x00"+rel] {
			continue
		}
		written[root+"\x00"+rel] = true
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(*rec.YAML), 0o644); err != nil {
			t.Fatal(err)
		}
		if files[root] == nil {
			roots = append(roots, root)
		}
		files[root] = append(files[root], rel)
	}
	sort.Strings(roots)
	return roots, files
}

// seedSections are the parts of the seed page (shared/seeds/000_*.txt), each with text
// the seed page shows and markup the rule page must have for it.
var seedSections = []struct {
	seed, page string
}{
	{"← Back to SOC feed", `<a href="/" class="back">← Back to SOC feed</a>`},
	{"Coverage →", `<a href="/coverage" class="fwd">Coverage →</a>`},
	{"Unfamiliar Signin Correlation with AzurePortal Signin Attempts and AuditLogs", `<h1 id="rule-name">Unfamiliar Signin Correlation with AzurePortal Signin Attempts and AuditLogs</h1>`},
	// Tags: language, source, techniques, tables, kind.
	{"kql", `class="tag t-lang" href="/?language=KQL">kql</a>`},
	{"Azure-Sentinel", `class="tag t-src" href="/?source=Azure-Sentinel">Azure-Sentinel</a>`},
	{"T1190", `href="/?technique=T1190" title="Exploit Public-Facing Application">T1190</a>`},
	{"T1078", `href="/?technique=T1078" title="Valid Accounts">T1078</a>`},
	{"AuditLogs", `class="tag t-table" href="/?table=AuditLogs">AuditLogs</a>`},
	{"SecurityAlert", `class="tag t-table" href="/?table=SecurityAlert">SecurityAlert</a>`},
	{"SigninLogs", `class="tag t-table" href="/?table=SigninLogs">SigninLogs</a>`},
	{"hunting", `class="tag t-kind" href="/?kind=Hunting">hunting</a>`},
	{"This rule was pulled from an open-source repository and enriched", "This rule was pulled from an open-source repository and enriched"},
	{"Validate in a test environment before deploying to production.", "Validate in a test environment before deploying to production."},
	// The seed links to GitHub; a rule synced from a folder names its file instead.
	{"View original rule at Azure-Sentinel", "View original rule at Azure-Sentinel"},
	{"Retrieved: ", "Retrieved: <time>"},
	{"Confidence: ", `Confidence: <span class="conf conf-`},
	{"Hunt Hypothesis", `<h2>Hunt Hypothesis</h2>`},
	{"KQL Query", `<h2>KQL Query`},
	{`| where AlertName == "Unfamiliar sign-in properties"`, `<span class="k-str">&#34;Unfamiliar sign-in properties&#34;</span>`},
	{"Analytic Rule Definition", `<h2>Analytic Rule Definition</h2>`},
	{"- connectorId: AzureActiveDirectory", "- connectorId: AzureActiveDirectory"},
	{"Required Data Sources", `<h2>Required Data Sources</h2>`},
	{"Sentinel Table", `<th scope="col">Sentinel Table</th>`},
	{"Notes", `<th scope="col">Notes</th>`},
	{"data connector is enabled", "data connector is enabled"},
	{"MITRE ATT&CK Context", `<h2>MITRE ATT&amp;CK Context</h2>`},
	{"References", `<h2>References</h2>`},
	{"False Positive Guidance", `<h2>False Positive Guidance</h2>`},
	{"Original source: ", `<p class="orig-foot">Original source: `},
}

// TestCorpusFeed is the measure of the feed: with the rule YAMLs of the corpus as
// sources, the feed lists every rule file that loads (and the test names those that do
// not, with why), every rule page renders, the seed rule's page has every section of
// the seed page, and the coverage exports as a valid ATT&CK Navigator layer.
func TestCorpusFeed(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs and renders the whole corpus")
	}
	seedYAML, err := os.ReadFile(filepath.Join(sharedtest.Dir(t, "seeds"), "seed-rule.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seedPage, err := os.ReadFile(filepath.Join(sharedtest.Dir(t, "seeds"), "000_adf3e8d3f9410752.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	roots, files := writeCorpusRules(t, filepath.Join(dir, "corpus"))
	// The seed rule, where Azure-Sentinel keeps it.
	seedRoot := filepath.Join(dir, "seed", "Azure-Sentinel")
	seedRel := "Hunting Queries/MultipleDataSources/UnfamiliarsignincorrelationwithPortalSigninandAuditlogs.yaml"
	if err := os.MkdirAll(filepath.Join(seedRoot, filepath.Dir(filepath.FromSlash(seedRel))), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(seedRoot, filepath.FromSlash(seedRel)), seedYAML, 0o644); err != nil {
		t.Fatal(err)
	}
	roots, files[seedRoot] = append(roots, seedRoot), []string{seedRel}

	// The files that load, as the loader alone sees them; the rest, with why.
	at := attack.Default()
	loads := 0
	var notLoaded []string
	written := 0
	for _, root := range roots {
		loaded, diags := rules.Loader{ATTACK: at}.LoadDir(root)
		got := map[string]bool{}
		for _, r := range loaded {
			rel, err := filepath.Rel(root, r.File)
			if err != nil {
				t.Fatal(err)
			}
			got[filepath.ToSlash(rel)] = true
		}
		loads += len(got)
		written += len(files[root])
		for _, rel := range files[root] {
			if got[rel] {
				continue
			}
			why := "not read as a rule"
			for _, d := range diags {
				if strings.HasSuffix(filepath.ToSlash(d.File), rel) {
					why = strings.ReplaceAll(d.String(), root+string(filepath.Separator), "")
					break
				}
			}
			notLoaded = append(notLoaded, filepath.Base(root)+"/"+rel+": "+why)
		}
	}
	for _, s := range notLoaded {
		t.Logf("does not load: %s", s)
	}
	t.Logf("corpus: %d rule files written, %d load, %d do not", written, loads, len(notLoaded))
	if loads+len(notLoaded) != written {
		t.Errorf("%d files load and %d do not, but %d were written", loads, len(notLoaded), written)
	}

	// Sync every tree into a catalog; the feed lists every rule file that loads.
	start := time.Now()
	cat, err := feed.Open(filepath.Join(dir, "store"), feed.Env{ATTACK: at, Check: &check.Env{Catalog: schema.Default(), Funcs: funcs.Default()}})
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	ctx := context.Background()
	for _, root := range roots {
		src, err := feed.ParseSource(root)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cat.Sync(ctx, src, feed.SyncOptions{}); err != nil {
			t.Fatalf("syncing %s: %v", root, err)
		}
	}
	syncTook := time.Since(start)
	fc := NewFeedCatalog(cat, at)
	srv, err := New(Config{Catalog: fc, ATTACK: at})
	if err != nil {
		t.Fatal(err)
	}
	var feedPage apiSearchEnvelope
	getJSON(t, srv, "/api/rules?limit=1", &feedPage)
	if feedPage.Data.Total != loads {
		t.Errorf("the feed lists %d rules, want the %d rule files that load", feedPage.Data.Total, loads)
	}
	_, body, _ := do(t, srv, "GET", "/")
	if want := fmt.Sprintf(`<span class="count" id="result-count">%s rules</span>`, templateFuncs(at)["num"].(func(int) string)(loads)); !strings.Contains(body, want) {
		t.Errorf("the feed page lacks %s", want)
	}

	// Every rule page renders, fetched by two workers.
	all, err := fc.Search(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	ids := make(chan string)
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				req := httptest.NewRequest("GET", "/rules/"+url.PathEscape(id), nil)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				b := rec.Body.String()
				var bad string
				switch {
				case rec.Code != http.StatusOK:
					bad = fmt.Sprintf("status %d", rec.Code)
				case !strings.Contains(b, `<h1 id="rule-name">`) || !strings.Contains(b, `<section id="history"`) || !strings.HasSuffix(strings.TrimSpace(b), "</html>"):
					bad = "page incomplete"
				case strings.Contains(b, "internal error"):
					bad = "internal error"
				}
				if bad != "" {
					mu.Lock()
					failures = append(failures, id+": "+bad)
					mu.Unlock()
				}
			}
		}()
	}
	for _, r := range all.Rules {
		ids <- r.ID
	}
	close(ids)
	wg.Wait()
	pagesTook := time.Since(start)
	for _, f := range failures[:min(len(failures), 20)] {
		t.Errorf("rule page %s", f)
	}
	if len(failures) > 20 {
		t.Errorf("... and %d more rule pages fail", len(failures)-20)
	}
	t.Logf("synced in %v; rendered %d rule pages in %v (%.1f ms each, 2 workers)", syncTook.Round(time.Millisecond), len(all.Rules),
		pagesTook.Round(time.Millisecond), float64(pagesTook.Microseconds())/1000/float64(max(len(all.Rules), 1))*2)

	// The seed rule's page has every section of the seed page.
	seedHits, err := fc.Search(ctx, Query{Filters: map[string][]string{FacetSource: {"Azure-Sentinel"}}, Text: "Unfamiliar Signin Correlation AzurePortal"})
	if err != nil {
		t.Fatal(err)
	}
	seedID := ""
	for _, r := range seedHits.Rules {
		if strings.HasSuffix(r.ID, seedRel) && strings.Contains(r.ID, ":") {
			d, err := fc.Rule(ctx, r.ID)
			if err == nil && d.YAML == string(seedYAML) {
				seedID = r.ID
			}
		}
	}
	if seedID == "" {
		t.Fatalf("the seed rule is not in the feed (hits %+v)", seedHits.Rules)
	}
	code, page, _ := do(t, srv, "GET", "/rules/"+url.PathEscape(seedID))
	if code != 200 {
		t.Fatalf("seed rule page = %d", code)
	}
	for _, s := range seedSections {
		if !strings.Contains(string(seedPage), s.seed) {
			t.Errorf("the seed page has no %q: update seedSections", s.seed)
		}
		if !strings.Contains(page, s.page) {
			t.Errorf("the seed rule's page lacks the seed page's %q (want %s)", s.seed, s.page)
		}
	}

	// The other pages render over the whole corpus.
	for _, p := range []string{"/coverage", "/coverage?layer=fired&covered=1", "/data", "/api/coverage", "/api/coverage.csv", "/api/data"} {
		start := time.Now()
		if code, body, _ := do(t, srv, "GET", p); code != 200 || strings.Contains(body, "internal error") {
			t.Errorf("GET %s = %d", p, code)
		}
		t.Logf("GET %s: %v", p, time.Since(start).Round(time.Millisecond))
	}

	// The Navigator layer of each view opens in ATT&CK Navigator's layer format.
	for _, view := range []string{"", "?layer=ready", "?layer=fired", "?layer=rules&tactic=initial-access&source=Azure-Sentinel"} {
		code, layer, _ := do(t, srv, "GET", "/api/coverage/navigator.json"+view)
		if code != 200 {
			t.Errorf("GET navigator.json%s = %d", view, code)
			continue
		}
		for _, err := range validateNavigatorLayer([]byte(layer), at) {
			t.Errorf("navigator.json%s: %v", view, err)
		}
		if view == "" && !strings.Contains(layer, `"techniqueID": "T1078"`) {
			t.Errorf("the corpus layer does not cover T1078")
		}
	}
}

// apiSearchEnvelope is the documented shape of /api/rules.
type apiSearchEnvelope struct {
	Status string `json:"status"`
	Data   struct {
		Rules []RuleSummary `json:"rules"`
		Total int           `json:"total"`
	} `json:"data"`
}

func getJSON(t *testing.T, s http.Handler, target string, v any) {
	t.Helper()
	code, body, _ := do(t, s, "GET", target)
	if code != 200 {
		t.Fatalf("GET %s = %d: %.300s", target, code, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
}

var (
	hexColor    = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	techniqueID = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
)

// validateNavigatorLayer checks a layer file against ATT&CK Navigator's layer format 4.5
// (layers/spec/v4.5 of mitre-attack/attack-navigator): the required fields and their
// types, the allowed values, no field the format does not define, and techniques and
// tactics that the ATT&CK catalog knows, each technique under one of its own tactics.
func validateNavigatorLayer(b []byte, at *attack.Catalog) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return []error{err}
	}
	known := []string{"name", "versions", "domain", "description", "filters", "sorting", "layout", "hideDisabled",
		"techniques", "gradient", "legendItems", "showTacticRowBackground", "tacticRowBackground",
		"selectTechniquesAcrossTactics", "selectSubtechniquesWithParent", "selectVisibleTechniques", "metadata", "links"}
	for k := range raw {
		if !slices.Contains(known, k) {
			bad("field %q is not in layer format 4.5", k)
		}
	}
	for _, k := range []string{"name", "versions", "domain", "techniques", "gradient", "legendItems"} {
		if _, ok := raw[k]; !ok {
			bad("required field %q is missing", k)
		}
	}
	var l struct {
		Name     string `json:"name"`
		Versions struct {
			Attack, Navigator, Layer string
		} `json:"versions"`
		Domain  string `json:"domain"`
		Sorting *int   `json:"sorting"`
		Filters struct {
			Platforms []string `json:"platforms"`
		} `json:"filters"`
		Layout struct {
			Layout            string `json:"layout"`
			AggregateFunction string `json:"aggregateFunction"`
		} `json:"layout"`
		Techniques []map[string]json.RawMessage `json:"techniques"`
		Gradient   struct {
			Colors   []string `json:"colors"`
			MinValue *float64 `json:"minValue"`
			MaxValue *float64 `json:"maxValue"`
		} `json:"gradient"`
		LegendItems []struct {
			Label, Color string
		} `json:"legendItems"`
		TacticRowBackground string `json:"tacticRowBackground"`
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return append(errs, fmt.Errorf("decoding the layer: %v", err))
	}
	if l.Name == "" {
		bad("name is empty")
	}
	if l.Versions.Layer != "4.5" {
		bad("versions.layer = %q, want 4.5", l.Versions.Layer)
	}
	if !regexp.MustCompile(`^\d+$`).MatchString(l.Versions.Attack) {
		bad("versions.attack = %q, want a major ATT&CK version", l.Versions.Attack)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(l.Versions.Navigator) {
		bad("versions.navigator = %q, want a Navigator version such as 5.1.0", l.Versions.Navigator)
	}
	if l.Domain != "enterprise-attack" {
		bad("domain = %q, want enterprise-attack", l.Domain)
	}
	if l.Sorting != nil && (*l.Sorting < 0 || *l.Sorting > 3) {
		bad("sorting = %d, want 0 to 3", *l.Sorting)
	}
	if l.Layout.Layout != "" && !slices.Contains([]string{"side", "flat", "mini"}, l.Layout.Layout) {
		bad("layout.layout = %q", l.Layout.Layout)
	}
	if l.Layout.AggregateFunction != "" && !slices.Contains([]string{"average", "min", "max", "sum"}, l.Layout.AggregateFunction) {
		bad("layout.aggregateFunction = %q", l.Layout.AggregateFunction)
	}
	if len(l.Gradient.Colors) < 2 || l.Gradient.MinValue == nil || l.Gradient.MaxValue == nil || *l.Gradient.MinValue > *l.Gradient.MaxValue {
		bad("gradient = %+v, want two or more colors and minValue <= maxValue", l.Gradient)
	}
	for _, c := range l.Gradient.Colors {
		if !hexColor.MatchString(c) {
			bad("gradient color %q is not #rrggbb", c)
		}
	}
	for _, li := range l.LegendItems {
		if li.Label == "" || !hexColor.MatchString(li.Color) {
			bad("legend item %+v needs a label and a #rrggbb color", li)
		}
	}
	if l.TacticRowBackground != "" && !hexColor.MatchString(l.TacticRowBackground) {
		bad("tacticRowBackground = %q", l.TacticRowBackground)
	}
	techKeys := []string{"techniqueID", "tactic", "comment", "enabled", "metadata", "links", "showSubtechniques", "score", "color"}
	seen := map[string]bool{}
	for i, raw := range l.Techniques {
		for k := range raw {
			if !slices.Contains(techKeys, k) {
				bad("techniques[%d]: field %q is not in layer format 4.5", i, k)
			}
		}
		var tech struct {
			TechniqueID string   `json:"techniqueID"`
			Tactic      *string  `json:"tactic"`
			Score       *float64 `json:"score"`
			Color       *string  `json:"color"`
			Comment     *string  `json:"comment"`
			Enabled     *bool    `json:"enabled"`
		}
		enc, _ := json.Marshal(raw)
		if err := json.Unmarshal(enc, &tech); err != nil {
			bad("techniques[%d]: %v", i, err)
			continue
		}
		if !techniqueID.MatchString(tech.TechniqueID) {
			bad("techniques[%d].techniqueID = %q", i, tech.TechniqueID)
			continue
		}
		t, ok := at.Technique(tech.TechniqueID)
		if !ok {
			bad("techniques[%d]: ATT&CK has no technique %s", i, tech.TechniqueID)
			continue
		}
		if tech.Tactic != nil {
			if !slices.Contains(t.Tactics, *tech.Tactic) {
				bad("techniques[%d]: %s is not under tactic %q (its tactics: %v)", i, tech.TechniqueID, *tech.Tactic, t.Tactics)
			}
			key := tech.TechniqueID + "/" + *tech.Tactic
			if seen[key] {
				bad("techniques[%d]: %s repeated", i, key)
			}
			seen[key] = true
		}
		if tech.Score == nil {
			bad("techniques[%d]: %s has no score", i, tech.TechniqueID)
		} else if l.Gradient.MaxValue != nil && *tech.Score > *l.Gradient.MaxValue {
			bad("techniques[%d]: score %v above the gradient's maxValue %v", i, *tech.Score, *l.Gradient.MaxValue)
		}
		if tech.Color != nil && !hexColor.MatchString(*tech.Color) {
			bad("techniques[%d].color = %q", i, *tech.Color)
		}
	}
	return errs
}

func TestNavigatorLayerFormat(t *testing.T) {
	s := newTestServer(t, true)
	if code, _, _ := do(t, s, "POST", "/rules/"+sprayID+"/run"); code != 200 {
		t.Fatalf("run = %d", code)
	}
	for _, view := range []string{"", "?layer=ready", "?layer=fired", "?tactic=persistence&severity=Medium"} {
		code, layer, _ := do(t, s, "GET", "/api/coverage/navigator.json"+view)
		if code != 200 {
			t.Fatalf("GET navigator.json%s = %d", view, code)
		}
		for _, err := range validateNavigatorLayer([]byte(layer), attack.Default()) {
			t.Errorf("navigator.json%s: %v", view, err)
		}
	}
	// The validator is not a rubber stamp.
	for _, broken := range []string{
		`{"name":"x","versions":{"attack":"18","navigator":"5.1.0","layer":"4.4"},"domain":"enterprise-attack","techniques":[],"gradient":{"colors":["#ffffff","#000000"],"minValue":0,"maxValue":1},"legendItems":[]}`,
		`{"name":"x","versions":{"attack":"18","navigator":"5.1.0","layer":"4.5"},"domain":"enterprise-attack","techniques":[{"techniqueID":"T1110","tactic":"persistence","score":1}],"gradient":{"colors":["#ffffff","#000000"],"minValue":0,"maxValue":1},"legendItems":[]}`,
		`{"name":"x","versions":{"attack":"18","navigator":"5.1.0","layer":"4.5"},"domain":"enterprise-attack","techniques":[],"gradient":{"colors":["#ffffff","#000000"],"minValue":0,"maxValue":1},"legendItems":[],"colour":"red"}`,
		`{"name":"x","versions":{"attack":"18","navigator":"5.1.0","layer":"4.5"},"domain":"enterprise-attack","techniques":[{"techniqueID":"T1110","tactic":"credential-access"}],"gradient":{"colors":["#ffffff","#000000"],"minValue":0,"maxValue":1},"legendItems":[]}`,
	} {
		if errs := validateNavigatorLayer([]byte(broken), attack.Default()); len(errs) == 0 {
			t.Errorf("validateNavigatorLayer(%s) found nothing wrong", broken)
		}
	}
}
