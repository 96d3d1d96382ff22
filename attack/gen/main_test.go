package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEmbeddedIsCurrent regenerates the table from the shared STIX bundle and compares it
// byte for byte with attack/catalog.tsv; run `go generate ./attack` when it fails.
func TestEmbeddedIsCurrent(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Skip("go.mod not found above the test directory")
		}
		dir = filepath.Dir(dir)
	}
	in := filepath.Join(dir, "..", "shared", "attack", "enterprise-attack-techniques.json")
	if _, err := os.Stat(in); err != nil {
		t.Skipf("shared folder %s is absent", filepath.Dir(in))
	}
	out := filepath.Join(t.TempDir(), "catalog.tsv")
	if err := run(in, out, "18.1"); err != nil {
		t.Fatalf("run: %v", err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "attack", "catalog.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("attack/catalog.tsv is out of date; run 'go generate ./attack'")
	}
	if bytes.Contains(got, []byte("Adversaries may")) {
		t.Errorf("generated table holds MITRE description prose")
	}
}
