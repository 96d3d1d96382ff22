package feed

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func TestParseSource(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		spec     string
		kind     SourceKind
		name     string
		location string
		err      string
	}{
		{spec: "https://github.com/Azure/Azure-Sentinel", kind: SourceRemoteGit, name: "Azure/Azure-Sentinel", location: "https://github.com/Azure/Azure-Sentinel"},
		{spec: "https://github.com/Azure/Azure-Sentinel.git/", kind: SourceRemoteGit, name: "Azure/Azure-Sentinel", location: "https://github.com/Azure/Azure-Sentinel.git"},
		{spec: "git@github.com:reprise99/Sentinel-Queries.git", kind: SourceRemoteGit, name: "reprise99/Sentinel-Queries", location: "git@github.com:reprise99/Sentinel-Queries.git"},
		{spec: "https://gitlab.example.com/soc/rules.git", kind: SourceRemoteGit, name: "rules", location: "https://gitlab.example.com/soc/rules.git"},
		{spec: dir, kind: SourceFolder, name: filepath.Base(dir), location: dir},
		{spec: filepath.Join(dir, "missing"), err: "no such file or directory"},
		{spec: "file://" + dir, err: "not a git repository"},
		{spec: "ftp://example.com/x", err: "unsupported URL scheme"},
	}
	for _, tt := range tests {
		s, err := ParseSource(tt.spec)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseSource(%q) error = %v, want %q", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSource(%q): %v", tt.spec, err)
			continue
		}
		if s.Kind != tt.kind || s.Name != tt.name || s.Location != tt.location {
			t.Errorf("ParseSource(%q) = %+v, want kind %v name %q location %q", tt.spec, s, tt.kind, tt.name, tt.location)
		}
	}
}

func TestFileURL(t *testing.T) {
	src, _ := ParseSource("https://github.com/Azure/Azure-Sentinel")
	snap := &Snapshot{Source: src, Commit: "0aa08fc4b18886401f956548ab2c5d5b9de6e33a"}
	got := snap.FileURL("Hunting Queries/MultipleDataSources/Unfamiliar signin.yaml")
	want := "https://github.com/Azure/Azure-Sentinel/blob/0aa08fc4b18886401f956548ab2c5d5b9de6e33a/Hunting%20Queries/MultipleDataSources/Unfamiliar%20signin.yaml"
	if got != want {
		t.Errorf("FileURL = %q, want %q", got, want)
	}
	local := &Snapshot{Source: Source{Kind: SourceFolder, Location: "/rules"}}
	if got := local.FileURL("a/b.yaml"); got != filepath.FromSlash("/rules/a/b.yaml") {
		t.Errorf("local FileURL = %q", got)
	}
}

func TestDetectLicence(t *testing.T) {
	tests := map[string]string{
		mitLicence: "MIT",
		"                                 Apache License\n                           Version 2.0, January 2004\n":                                                                  "Apache-2.0",
		"BSD 3-Clause License\n\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted ...\n3. Neither the name of the copyright holder": "BSD-3-Clause",
		"Redistribution and use in source and binary forms, with or without modification":                                                                                          "BSD-2-Clause",
		"GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007":                                                                                                                      "GPL-3.0",
		"Mozilla Public License Version 2.0": "MPL-2.0",
		"All rights reserved.":               "other",
	}
	for text, want := range tests {
		if got := DetectLicence(text); got != want {
			t.Errorf("DetectLicence(%.40q) = %q, want %q", text, got, want)
		}
	}
}

// TestRemoteGitSource clones a repository through go-git's file transport (which runs
// git-upload-pack), then fetches a new commit, as for an https source.
func TestRemoteGitSource(t *testing.T) {
	if _, err := exec.LookPath("git-upload-pack"); err != nil {
		if _, err := exec.LookPath("git"); err != nil {
			t.Skip("git is not installed: go-git's file transport needs git-upload-pack")
		}
	}
	ctx := context.Background()
	repoDir := t.TempDir()
	repo, err := git.PlainInit(repoDir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	commit := func() string {
		t.Helper()
		if err := wt.AddGlob("."); err != nil {
			t.Fatal(err)
		}
		h, err := wt.Commit("c", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}})
		if err != nil {
			t.Fatal(err)
		}
		return h.String()
	}
	writeFile(t, filepath.Join(repoDir, "Detections", "SigninLogs", "spray.yaml"), sprayRule)
	writeFile(t, filepath.Join(repoDir, "README.md"), "not a rule\n")
	c1 := commit()
	src := Source{Spec: "file://" + repoDir, Kind: SourceRemoteGit, Location: "file://" + repoDir, Name: "remote"}
	cat, err := Open(t.TempDir(), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	rep, err := cat.Sync(ctx, src, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Commit != c1 || rep.New != 1 {
		t.Fatalf("first sync = %+v, want 1 new rule at %s", rep, c1)
	}
	writeFile(t, filepath.Join(repoDir, "Detections", "SigninLogs", "spray.yaml"), strings.Replace(sprayRule, "severity: Medium", "severity: High", 1))
	c2 := commit()
	rep, err = cat.Sync(ctx, src, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Commit != c2 || rep.Changed != 1 {
		t.Fatalf("second sync = %+v, want 1 changed rule at %s", rep, c2)
	}
	r, err := cat.Rule(ctx, src.ID()+":Detections/SigninLogs/spray.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if r.Severity != "High" || r.Version != 2 || r.URL != "file://"+repoDir+"/Detections/SigninLogs/spray.yaml" {
		t.Errorf("rule after fetch: severity %s version %d url %s", r.Severity, r.Version, r.URL)
	}
}
