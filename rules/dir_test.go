package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const okRule = "id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f\nname: R\nquery: T | take 1\n"

func names(rules []*Rule, root string) []string {
	var out []string
	for _, r := range rules {
		rel, _ := filepath.Rel(root, r.File)
		out = append(out, filepath.ToSlash(rel))
	}
	slices.Sort(out)
	return out
}

func TestLoadDirPlain(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.yaml":            okRule,
		"sub/b.yml":         okRule,
		"sub/Rare sign.kql": "SigninLogs | take 5",
		"broken.yaml":       "id: [\n",
		"parser.yaml":       "FunctionName: x\nFunctionQuery: y\n",
		"notes.txt":         "ignored",
		".git/c.yaml":       okRule,
	})
	rules, ds := Loader{}.LoadDir(root)
	got := names(rules, root)
	want := []string{"a.yaml", "sub/Rare sign.kql", "sub/b.yml"}
	if !slices.Equal(got, want) {
		t.Errorf("LoadDir rules = %v, want %v", got, want)
	}
	var brokenErr, skipped bool
	for _, d := range ds {
		brokenErr = brokenErr || (strings.HasSuffix(d.File, "broken.yaml") && d.Severity == Error)
		skipped = skipped || (strings.HasSuffix(d.File, "parser.yaml") && strings.Contains(d.Msg, "not a rule"))
	}
	if !brokenErr || !skipped {
		t.Errorf("LoadDir diagnostics lack the broken file error or the skipped parser:\n%s", ds)
	}
}

func TestLoadDirSentinelLayout(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Detections/SigninLogs/a.yaml":              okRule,
		"Hunting Queries/AuditLogs/b.yaml":          okRule,
		"Solutions/Entra ID/Analytic Rules/c.yaml":  okRule,
		"Solutions/Entra ID/Hunting Queries/d.yaml": okRule,
		"Solutions/Entra ID/Workbooks/e.yaml":       okRule,
		"Solutions/Entra ID/Data Connectors/f.yaml": okRule,
		"Tools/g.yaml": okRule,
		"Solutions/Entra ID/Analytic Rules/broken.yaml":    "query: |\n\tT\n",
		"Solutions/Entra ID/Analytic Rules/z_last.yaml":    okRule,
		"Solutions/Other/Analytic Rules/nested/h.yaml":     okRule,
		"Solutions/Other/Package/mainTemplate.yaml":        okRule,
		"Hunting Queries/Microsoft 365 Defender/i.kql":     "DeviceEvents",
		"Hunting Queries/Microsoft 365 Defender/i.md":      "docs",
		"Detections/SigninLogs/deep/more/j.yml":            okRule,
		"Solutions/Entra ID/Analytic Rules/.hidden/k.yaml": okRule,
	})
	rules, ds := Loader{}.LoadDir(root)
	got := names(rules, root)
	want := []string{
		"Detections/SigninLogs/a.yaml", "Detections/SigninLogs/deep/more/j.yml",
		"Hunting Queries/AuditLogs/b.yaml", "Hunting Queries/Microsoft 365 Defender/i.kql",
		"Solutions/Entra ID/Analytic Rules/c.yaml", "Solutions/Entra ID/Analytic Rules/z_last.yaml",
		"Solutions/Entra ID/Hunting Queries/d.yaml", "Solutions/Other/Analytic Rules/nested/h.yaml",
	}
	if !slices.Equal(got, want) {
		t.Errorf("LoadDir rules = %v, want %v", got, want)
	}
	if errs := ds.Errors(); len(errs) != 1 || !strings.HasSuffix(errs[0].File, "broken.yaml") {
		t.Errorf("LoadDir errors = %s, want one for broken.yaml", errs)
	}
}

func TestLoadDirMissing(t *testing.T) {
	rules, ds := Loader{}.LoadDir(filepath.Join(t.TempDir(), "nope"))
	if len(rules) != 0 || !ds.HasErrors() {
		t.Errorf("LoadDir(missing) = %d rules, %s; want an error", len(rules), ds)
	}
}

// TestLoadDirCorpusSources loads the Azure-Sentinel copies kept with the corpus.
func TestLoadDirCorpusSources(t *testing.T) {
	root := sharedtest.Dir(t, "corpus", "sources", "azure-sentinel")
	rules, ds := Loader{}.LoadDir(root)
	bad := map[string]bool{}
	for _, d := range ds.Errors() {
		bad[d.File] = true
	}
	t.Logf("loaded %d rules from %s; %d files with errors:\n%s", len(rules), root, len(bad), ds.Errors())
	if len(rules) < 100 {
		t.Errorf("LoadDir(%s) = %d rules, want at least 100", root, len(rules))
	}
	if len(bad)*20 > len(rules) {
		t.Errorf("%d of %d files have errors, want at most 5%%", len(bad), len(rules))
	}
}

// scheduledNoSchedule is how some Azure-Sentinel hunting queries are written: `kind:
// Scheduled` and no schedule.
const scheduledNoSchedule = "id: 2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f\nname: H\nquery: T | take 1\nkind: Scheduled\n"

// TestLoadDirHuntingFolders checks that files in hunting-queries folders load as hunting
// queries, in a Sentinel checkout and in plain folders, and files elsewhere do not.
func TestLoadDirHuntingFolders(t *testing.T) {
	files := map[string]string{
		"Hunting Queries/SecurityEvent/a.yaml":           scheduledNoSchedule,
		"Solutions/M2131/Hunting Queries/b.yaml":         scheduledNoSchedule,
		"Solutions/M2131/Analytic Rules/c.yaml":          scheduledNoSchedule,
		"Detections/SecurityEvent/d.yaml":                scheduledNoSchedule,
		"Hunting Queries/Microsoft 365 Defender/e.yml":   "name: E\nquery: DeviceEvents\n",
		"Hunting Queries/SecurityEvent/a.test.yaml":      "rule: a.yaml\ntests: []\n",
		"Solutions/M2131/Analytic Rules/c.test.yml":      "rule: c.yaml\n",
		"Solutions/M2131/Hunting Queries/notes.test.txt": "ignored",
	}
	root := writeTree(t, files)
	rules, ds := Loader{}.LoadDir(root)
	kinds := map[string]Kind{}
	for _, r := range rules {
		rel, _ := filepath.Rel(root, r.File)
		kinds[filepath.ToSlash(rel)] = r.Kind
	}
	want := map[string]Kind{
		"Hunting Queries/SecurityEvent/a.yaml":         KindHunting,
		"Solutions/M2131/Hunting Queries/b.yaml":       KindHunting,
		"Solutions/M2131/Analytic Rules/c.yaml":        KindScheduled,
		"Detections/SecurityEvent/d.yaml":              KindScheduled,
		"Hunting Queries/Microsoft 365 Defender/e.yml": KindHunting,
	}
	if diff := cmpDiff(want, kinds); diff != "" {
		t.Errorf("LoadDir kinds (-want +got):\n%s", diff)
	}
	for _, d := range ds {
		rel, _ := filepath.Rel(root, d.File)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.Contains(rel, ".test."):
			t.Errorf("LoadDir reports a rule test file: %s", d)
		case strings.Contains(rel, "Hunting Queries") && d.Severity == Error:
			t.Errorf("LoadDir: error in a hunting query: %s", d)
		}
	}
	// c.yaml and d.yaml are scheduled rules without a schedule: errors.
	if errs := ds.Errors(); len(errs) == 0 {
		t.Errorf("LoadDir: no errors for the analytic rules without a schedule")
	}

	// A plain folder (not a checkout): the hunting-queries folder may be below the root,
	// the root, or hold the file named as root.
	plain := writeTree(t, map[string]string{"mine/Hunting Queries/x/a.yaml": scheduledNoSchedule, "mine/other/b.yaml": scheduledNoSchedule})
	for _, tt := range []struct {
		root string
		want map[string]Kind
	}{
		{plain, map[string]Kind{"mine/Hunting Queries/x/a.yaml": KindHunting, "mine/other/b.yaml": KindScheduled}},
		{filepath.Join(plain, "mine", "Hunting Queries"), map[string]Kind{"mine/Hunting Queries/x/a.yaml": KindHunting}},
		{filepath.Join(plain, "mine", "Hunting Queries", "x", "a.yaml"), map[string]Kind{"mine/Hunting Queries/x/a.yaml": KindHunting}},
	} {
		rules, _ := Loader{}.LoadDir(tt.root)
		got := map[string]Kind{}
		for _, r := range rules {
			rel, _ := filepath.Rel(plain, r.File)
			got[filepath.ToSlash(rel)] = r.Kind
		}
		if diff := cmpDiff(tt.want, got); diff != "" {
			t.Errorf("LoadDir(%s) kinds (-want +got):\n%s", tt.root, diff)
		}
	}
}

// TestLoadDirDerivedIDStable checks that a hunting query without an id gets the same id
// from two checkouts, and another id at another path.
func TestLoadDirDerivedIDStable(t *testing.T) {
	files := map[string]string{
		"Hunting Queries/M365/a.yaml": "name: A\nquery: DeviceEvents\n",
		"Hunting Queries/M365/b.yaml": "name: A\nquery: DeviceEvents\n",
	}
	ids := func(root string) map[string]string {
		rules, ds := Loader{}.LoadDir(root)
		if ds.HasErrors() {
			t.Fatalf("LoadDir(%s): %s", root, ds)
		}
		out := map[string]string{}
		for _, r := range rules {
			out[filepath.Base(r.File)] = r.ID
		}
		return out
	}
	first, second := ids(writeTree(t, files)), ids(writeTree(t, files))
	if diff := cmpDiff(first, second); diff != "" {
		t.Errorf("derived ids differ between checkouts (-first +second):\n%s", diff)
	}
	if first["a.yaml"] == first["b.yaml"] || first["a.yaml"] == "" {
		t.Errorf("derived ids = %v, want two different ids", first)
	}
}

func TestInHuntingFolder(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"Hunting Queries/a.yaml", true},
		{"/x/Solutions/S/Hunting Queries/sub/a.yaml", true},
		{`C:\x\hunting queries\a.yaml`, true},
		{"/x/Detections/a.yaml", false},
		{"/x/Hunting Queries", false}, // the last element is the file
		{"a.yaml", false},
	}
	for _, tt := range tests {
		if got := InHuntingFolder(tt.path); got != tt.want {
			t.Errorf("InHuntingFolder(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
