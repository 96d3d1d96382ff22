package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/socfeed/socfeed/internal/sharedtest"
)

// TestEmbeddedIsCurrent regenerates the table from the shared STIX bundle and compares it
// byte for byte with attack/catalog.tsv; run `go generate ./attack` when it fails.
func TestEmbeddedIsCurrent(t *testing.T) {
	in := sharedtest.Dir(t, "attack", "enterprise-attack-techniques.json")
	dir, err := sharedtest.Root()
	if err != nil {
		t.Fatal(err)
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
