package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// LoadDir loads every rule under root. When root is an Azure-Sentinel checkout (it has
// `Detections`, `Hunting Queries` or `Solutions`), only the rule folders are read:
// `Detections/`, `Hunting Queries/`, `Solutions/*/Analytic Rules/` and
// `Solutions/*/Hunting Queries/`; otherwise every .yaml, .yml and .kql file under root is.
// Hidden folders are skipped, and so are rule unit tests (`*.test.yaml`, `*.test.yml`,
// read by package hunt), silently. YAML files with none of the keys `id`, `name` and
// `query` are not rules (parsers, workbooks) and are skipped with a warning. Files in a
// hunting-queries folder ([InHuntingFolder] of the path below root's own folder) are
// loaded with [Loader.HuntingFolder] set. A broken file is reported and never stops the
// others; rules with errors are returned too, so callers decide what to do with them.
// root may also name a single file.
func (l Loader) LoadDir(root string) ([]*Rule, Diagnostics) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, Diagnostics{{File: root, Severity: Error, Msg: errText(err)}}
	}
	if !info.IsDir() {
		l.HuntingFolder = l.HuntingFolder || InHuntingFolder(root)
		r, ds := l.LoadFile(root)
		if r == nil {
			return nil, ds
		}
		return []*Rule{r}, ds
	}
	var rules []*Rule
	var diags Diagnostics
	for _, dir := range ruleFolders(root) {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				diags = append(diags, Diagnostic{File: path, Severity: Error, Msg: errText(err)})
				return nil
			}
			if e.IsDir() {
				if path != dir && strings.HasPrefix(e.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if !isRuleFile(path) || isRuleTestFile(path) {
				return nil
			}
			fl := l
			if rel, err := filepath.Rel(root, path); err == nil {
				fl.HuntingFolder = l.HuntingFolder || InHuntingFolder(filepath.Join(filepath.Base(root), rel))
			}
			r, ds := fl.LoadFile(path)
			if r != nil && !isRuleYAML(r) {
				diags = append(diags, Diagnostic{File: path, Severity: Warning,
					Msg: "skipped: not a rule (no 'id', 'name' or 'query' key)"})
				return nil
			}
			diags = append(diags, ds...)
			if r != nil {
				rules = append(rules, r)
			}
			return nil
		})
		if err != nil {
			diags = append(diags, Diagnostic{File: dir, Severity: Error, Msg: errText(err)})
		}
	}
	return rules, diags
}

// ruleFolders returns the folders of root to walk.
func ruleFolders(root string) []string {
	isDir := func(p string) bool {
		info, err := os.Stat(p)
		return err == nil && info.IsDir()
	}
	var dirs []string
	sentinel := false
	for _, name := range []string{"Detections", "Hunting Queries"} {
		if p := filepath.Join(root, name); isDir(p) {
			dirs = append(dirs, p)
			sentinel = true
		}
	}
	if solutions := filepath.Join(root, "Solutions"); isDir(solutions) {
		sentinel = true
		entries, _ := os.ReadDir(solutions)
		for _, e := range entries {
			for _, sub := range []string{"Analytic Rules", "Hunting Queries"} {
				if p := filepath.Join(solutions, e.Name(), sub); e.IsDir() && isDir(p) {
					dirs = append(dirs, p)
				}
			}
		}
	}
	if !sentinel {
		return []string{root}
	}
	return dirs
}

func isRuleFile(path string) bool {
	switch strings.ToLower(fileExt(path)) {
	case ".yaml", ".yml", ".kql":
		return true
	}
	return false
}

// isRuleTestFile reports whether path names a rule unit test file (package hunt).
func isRuleTestFile(path string) bool {
	name := strings.ToLower(path)
	return strings.HasSuffix(name, ".test.yaml") || strings.HasSuffix(name, ".test.yml")
}

// InHuntingFolder reports whether path lies in a hunting-queries folder: whether one of
// its folders is named `Hunting Queries` (ignoring case), as in an Azure-Sentinel
// checkout and its solutions. Callers of [Loader.LoadFile] may use it to set
// [Loader.HuntingFolder]; [Loader.LoadDir] does so with the path below its root's folder.
func InHuntingFolder(path string) bool {
	parts := strings.Split(strings.ReplaceAll(path, `\`, "/"), "/")
	return slices.ContainsFunc(parts[:len(parts)-1], func(p string) bool { return strings.EqualFold(p, "Hunting Queries") })
}

// isRuleYAML reports whether a loaded file looks like a rule at all. KQL files always do.
func isRuleYAML(r *Rule) bool {
	if strings.EqualFold(fileExt(r.File), ".kql") {
		return true
	}
	for _, k := range []string{"id", "name", "query"} {
		if _, ok := r.Keys[k]; ok {
			return true
		}
	}
	return false
}
