package kqltest

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

//go:embed testdata
var testdataFS embed.FS

// Option changes how [Run] runs the scripts.
type Option func(*options)

type options struct {
	fsys     fs.FS
	skip     map[string]string
	testdata string
	timeout  time.Duration
}

// Skip gives known failures of the engine: case ID (File:Line, see [Case.ID]) → reason. A
// skipped case still runs; the subtest is skipped with the reason, and says so when the case
// now passes. A key that names no case fails the run, so the list cannot go stale silently.
func Skip(list map[string]string) Option {
	return func(o *options) { o.skip = list }
}

// Scripts replaces the embedded scripts with the *.kqltest files at the root of fsys; files
// named by `table ... file NAME` and ${testdata} are read from fsys too.
func Scripts(fsys fs.FS) Option {
	return func(o *options) { o.fsys = fsys }
}

// TestdataDir sets the text that replaces ${testdata} in queries: a directory or URL prefix
// where the engine can read the scripts' testdata files. By default [Run] copies them into
// a temporary directory.
func TestdataDir(dir string) Option {
	return func(o *options) { o.testdata = dir }
}

// Timeout bounds each query; the default is 30 seconds.
func Timeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// Files parses every *.kqltest script of fsys (the embedded scripts when fsys is nil), in
// name order.
func Files(fsys fs.FS) ([]*File, error) {
	if fsys == nil {
		sub, err := fs.Sub(testdataFS, "testdata")
		if err != nil {
			return nil, err
		}
		fsys = sub
	}
	names, err := fs.Glob(fsys, "*.kqltest")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var files []*File
	var errs []error
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := Parse(name, src, func(p string) ([]byte, error) { return fs.ReadFile(fsys, path.Clean(p)) })
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, f)
	}
	return files, errors.Join(errs...)
}

// Run runs every case of every script against e, one subtest per script and one per case
// (named File:Line), in order.
func Run(t *testing.T, e Engine, opts ...Option) {
	t.Helper()
	o := options{timeout: 30 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.fsys == nil {
		sub, err := fs.Sub(testdataFS, "testdata")
		if err != nil {
			t.Fatal(err)
		}
		o.fsys = sub
	}
	files, err := Files(o.fsys)
	if err != nil {
		t.Fatal(err)
	}
	if o.testdata == "" {
		o.testdata = copyTestdata(t, o.fsys)
	}
	ids := map[string]bool{}
	for _, f := range files {
		for _, c := range f.Cases {
			ids[c.ID()] = true
		}
	}
	var stale []string
	for id := range o.skip {
		if !ids[id] {
			stale = append(stale, id)
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		t.Errorf("skip list names cases that do not exist: %s", strings.Join(stale, ", "))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(f.Name, ".kqltest"), func(t *testing.T) {
			for _, c := range f.Cases {
				t.Run(c.ID(), func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
					defer cancel()
					err := c.Check(ctx, e, o.testdata)
					if reason, ok := o.skip[c.ID()]; ok {
						if err == nil {
							t.Skipf("skip-listed (%s) but now passes; remove it from the skip list", reason)
						}
						t.Skipf("known failure: %s", reason)
					}
					if err != nil {
						t.Errorf("%s: %v\nquery:\n%s", c.ID(), err, indent(c.Query))
					}
				})
			}
		})
	}
}

// copyTestdata writes the non-script files of fsys to a temporary directory and returns it.
func copyTestdata(t *testing.T, fsys fs.FS) string {
	dir := t.TempDir()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".kqltest") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(dir)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
