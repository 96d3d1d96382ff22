// Package pack is socfeed's starter rule pack: Microsoft Sentinel analytic rules (Scheduled
// and NRT) and hunting queries for Entra ID sign-in, audit and Identity Protection logs,
// written for socfeed and mapped to MITRE ATT&CK, each with a rule unit test
// (`Name.test.yaml` beside `Name.yaml`) of positive and near-miss rows.
//
// The rules live in analytic/ and hunting/ beside this file and are embedded in the binary:
// [FS] gives them as a file system, [Rules] loads them, and [WriteDir] copies them to a
// folder for tools that read rules from disk (socfeed hunt, serve and test). Every attack
// scenario of package synth names the id of the rule in this pack that detects it;
// pack_test.go measures that each scenario is found and that baseline activity and near
// misses stay quiet.
package pack

import (
	"embed"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/socfeed/socfeed/rules"
)

//go:embed analytic hunting
var files embed.FS

// FS returns the pack's files: analytic/*.yaml and hunting/*.yaml with their
// *.test.yaml rule tests.
func FS() fs.FS { return files }

// isTest reports whether name is a rule test file rather than a rule.
func isTest(name string) bool {
	return strings.HasSuffix(name, ".test.yaml")
}

// Rules loads every rule of the pack (not the tests) with loader. File names are the
// slash-separated paths inside [FS], such as "analytic/PasswordSpray.yaml".
func Rules(loader rules.Loader) ([]*rules.Rule, rules.Diagnostics) {
	var out []*rules.Rule
	var diags rules.Diagnostics
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".yaml" || isTest(p) {
			return err
		}
		text, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		r, ds := loader.Load(p, text)
		diags = append(diags, ds...)
		if r != nil {
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		diags = append(diags, rules.Diagnostic{File: "pack", Severity: rules.Error, Msg: err.Error()})
	}
	return out, diags
}

// WriteDir copies the pack, rules and tests, into dir (created if needed), keeping the
// analytic/ and hunting/ folders, and returns dir.
func WriteDir(dir string) (string, error) {
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		text, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, text, 0o644)
	})
	return dir, err
}
