package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
	root := sharedDir(t, filepath.Join("corpus", "sources", "azure-sentinel"))
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
