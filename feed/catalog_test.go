package feed

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/schema"
)

func testEnv() Env {
	return Env{ATTACK: attack.Default(), Check: &check.Env{Catalog: schema.Default(), Funcs: funcs.Default()}}
}

const sprayRule = `id: 0c9c8e7d-1b2a-4c3d-9e8f-7a6b5c4d3e2f
name: Password spray from one address
description: |
  'Finds one IP address failing sign-ins for many accounts.
  Ref: https://learn.microsoft.com/en-us/entra/identity/authentication/concept-password-spray'
severity: Medium
status: Available
requiredDataConnectors:
  - connectorId: AzureActiveDirectory
    dataTypes:
      - SigninLogs
queryFrequency: 1h
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
tactics:
  - CredentialAccess
relevantTechniques:
  - T1110.003
query: |
  let threshold = 5;
  SigninLogs
  | where TimeGenerated > ago(1d)
  | where ResultType == "50126"
  | where AppDisplayName in ("Azure Portal", "Office 365")
  | summarize Accounts = dcount(UserPrincipalName) by IPAddress, bin(TimeGenerated, 1h)
  | where Accounts > threshold
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: IPAddress
version: 1.0.0
kind: Scheduled
`

const huntRule = `id: 5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d
name: Role changes after failed portal sign-ins
description: 'Correlates failed Azure Portal sign-ins with role changes by the same account.'
requiredDataConnectors:
  - connectorId: AzureActiveDirectory
    dataTypes:
      - SigninLogs
      - AuditLogs
tactics:
  - InitialAccess
  - PrivilegeEscalation
relevantTechniques:
  - T1078
query: |
  SigninLogs
  | where ResultType == "50126"
  | project UserPrincipalName, IPAddress
  | join kind=inner (
      AuditLogs
      | where Category =~ "RoleManagement"
      | extend InitiatedByUpn = tostring(InitiatedBy.user.userPrincipalName)
  ) on $left.UserPrincipalName == $right.InitiatedByUpn
  | extend AccountCustomEntity = UserPrincipalName
`

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const mitLicence = `MIT License

Copyright (c) Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction.
`

// TestGitSourceHistory makes a repository, syncs it, changes a rule, commits, syncs
// again, and checks the history and the diff.
func TestGitSourceHistory(t *testing.T) {
	ctx := context.Background()
	repoDir := t.TempDir()
	repo, err := git.PlainInit(repoDir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	sprayPath := "Solutions/Entra ID/Analytic Rules/PasswordSpray.yaml"
	writeFile(t, filepath.Join(repoDir, "LICENSE"), mitLicence)
	writeFile(t, filepath.Join(repoDir, filepath.FromSlash(sprayPath)), sprayRule)
	writeFile(t, filepath.Join(repoDir, "Hunting Queries", "SigninLogs", "RoleChange.yaml"), huntRule)
	writeFile(t, filepath.Join(repoDir, "Hunting Queries", "SigninLogs", "RoleChange.test.yaml"), "name: a rule test\n")
	commit := func(msg string) string {
		t.Helper()
		if err := wt.AddGlob("."); err != nil {
			t.Fatal(err)
		}
		h, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Unix(1700000000, 0)}})
		if err != nil {
			t.Fatal(err)
		}
		return h.String()
	}
	c1 := commit("first")
	// An uncommitted edit must not be read: sources are read at HEAD.
	writeFile(t, filepath.Join(repoDir, filepath.FromSlash(sprayPath)), "not: committed\n")

	src, err := ParseSource(repoDir)
	if err != nil {
		t.Fatal(err)
	}
	if src.Kind != SourceLocalGit {
		t.Fatalf("ParseSource(%q).Kind = %v, want git", repoDir, src.Kind)
	}
	cat, err := Open(t.TempDir(), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	t1 := time.Date(2026, 6, 3, 23, 0, 0, 0, time.UTC)
	rep, err := cat.Sync(ctx, src, SyncOptions{Now: t1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rules != 2 || rep.New != 2 || rep.Commit != c1 || rep.Licence != "MIT" {
		t.Fatalf("first sync = %+v, want 2 new rules at %s, MIT", rep, c1)
	}
	key := src.ID() + ":" + sprayPath
	r, err := cat.Rule(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Commit != c1 || r.Licence != "MIT" || !r.Retrieved.Equal(t1) || r.URL != filepath.Join(repoDir, filepath.FromSlash(sprayPath)) {
		t.Errorf("rule after first sync: version %d commit %s licence %s retrieved %v url %s", r.Version, r.Commit, r.Licence, r.Retrieved, r.URL)
	}
	if strings.Contains(r.Text, "not: committed") {
		t.Errorf("sync read the uncommitted work tree")
	}
	hunt, err := cat.Rule(ctx, "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d")
	if err != nil {
		t.Fatal(err)
	}
	if hunt.TestPath != "Hunting Queries/SigninLogs/RoleChange.test.yaml" {
		t.Errorf("TestPath = %q, want the .test.yaml beside the rule", hunt.TestPath)
	}

	// Change the rule, commit, sync again.
	changed := strings.Replace(sprayRule, "let threshold = 5;", "let threshold = 10;", 1)
	writeFile(t, filepath.Join(repoDir, filepath.FromSlash(sprayPath)), changed)
	c2 := commit("raise the threshold")
	t2 := t1.Add(24 * time.Hour)
	rep, err = cat.Sync(ctx, src, SyncOptions{Now: t2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed != 1 || rep.Same != 1 || rep.New != 0 {
		t.Fatalf("second sync = %+v, want 1 changed, 1 same", rep)
	}
	hist, err := cat.History(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Commit != c1 || hist[1].Commit != c2 || !hist[1].SyncedAt.Equal(t2) || hist[1].Text != changed {
		t.Fatalf("history = %+v, want versions at %s and %s", hist, c1, c2)
	}
	diff, err := cat.Diff(ctx, key, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(diff, "\n-  let threshold = 5;\n+  let threshold = 10;\n") {
		t.Errorf("Diff(1, 2) =\n%s\nwant the threshold line changed", diff)
	}
	r, err = cat.Rule(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 || !r.Updated.Equal(t2) || !r.FirstSeen.Equal(t1) {
		t.Errorf("rule after change: version %d updated %v first seen %v", r.Version, r.Updated, r.FirstSeen)
	}
	if got := r.Analysis.Thresholds; len(got) < 2 || got[1].Value != "10" {
		t.Errorf("thresholds after change = %+v, want the new value 10", got)
	}
	if _, err := cat.Diff(ctx, key, 1, 3); !errors.Is(err, ErrNotFound) {
		t.Errorf("Diff to a missing version: err = %v, want ErrNotFound", err)
	}

	// Remove a rule: it is marked removed and keeps its history.
	if _, err := wt.Remove(sprayPath); err != nil {
		t.Fatal(err)
	}
	commit("remove")
	rep, err = cat.Sync(ctx, src, SyncOptions{Now: t2.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Removed != 1 || rep.Rules != 1 {
		t.Errorf("third sync = %+v, want 1 removed", rep)
	}
	if r, err := cat.Rule(ctx, key); err != nil || !r.Removed {
		t.Errorf("removed rule: %v, %v", r, err)
	}
}

func TestFolderSourceAndRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "spray.yaml"), sprayRule)
	writeFile(t, filepath.Join(dir, "broken.kql"), "SigninLogs | where ResultType == ")
	writeFile(t, filepath.Join(dir, "nocol.kql"), "SigninLogs | where NoSuchColumn == 1")
	src, err := ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Open(t.TempDir(), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	rep, err := cat.Sync(ctx, src, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rules != 3 || rep.Commit != "" {
		t.Fatalf("sync = %+v", rep)
	}
	level := func(key string) Level {
		t.Helper()
		c, err := cat.Confidence(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return c.Level
	}
	spray := src.ID() + ":spray.yaml"
	if got := level(src.ID() + ":broken.kql"); got != Low {
		t.Errorf("broken query confidence = %s, want low", got)
	}
	if got := level(src.ID() + ":nocol.kql"); got != Low {
		t.Errorf("unknown column confidence = %s, want low", got)
	}
	if got := level(spray); got != Medium {
		t.Errorf("clean rule confidence = %s, want medium", got)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := cat.RecordRun(ctx, "0c9c8e7d-1b2a-4c3d-9e8f-7a6b5c4d3e2f", RunEvidence{Data: "synth/spray", Rows: 1000, Findings: 3, Scenario: "password-spray", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := cat.RecordRun(ctx, spray, RunEvidence{Data: "synth/baseline", Rows: 5000, Benign: true, At: at.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	c, err := cat.Confidence(ctx, spray)
	if err != nil {
		t.Fatal(err)
	}
	if c.Level != High {
		t.Errorf("after a firing scenario run and a quiet baseline: %s, want high\n%s", c.Level, c.Reasons())
	}
	if err := cat.RecordRun(ctx, spray, RunEvidence{Data: "synth/baseline-2", Rows: 5000, Findings: 40, Benign: true, At: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got := level(spray); got != Low {
		t.Errorf("after a noisy baseline: %s, want low", got)
	}
	if err := cat.RecordRun(ctx, "no-such-rule", RunEvidence{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("RecordRun on a missing rule: %v, want ErrNotFound", err)
	}
	runs, err := cat.Runs(ctx, spray)
	if err != nil || len(runs) != 3 {
		t.Errorf("Runs = %v, %v; want 3", runs, err)
	}
}

func TestBrokenFileKeepsRule(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "spray.yaml"), sprayRule)
	src, _ := ParseSource(dir)
	cat, err := Open(t.TempDir(), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	if _, err := cat.Sync(ctx, src, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "spray.yaml"), "id: [\n")
	rep, err := cat.Sync(ctx, src, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Removed != 0 || !rep.Diagnostics.HasErrors() || rep.Diagnostics[0].File != "spray.yaml" {
		t.Errorf("sync of a broken file = %+v", rep)
	}
	r, err := cat.Rule(ctx, src.ID()+":spray.yaml")
	if err != nil || r.Removed || r.Version != 1 {
		t.Errorf("rule of a broken file: %+v, %v", r, err)
	}
}

func TestSources(t *testing.T) {
	cat, src := testCatalog(t)
	got, err := cat.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != src.Name || got[0].Rules != 3 || got[0].Kind != "folder" || got[0].Retrieved.IsZero() {
		t.Errorf("Sources = %+v", got)
	}
}

// TestSyncParsers: a source's parser YAMLs are kept as stored functions; its rules'
// analysis sees the tables the parsers read; a broken parser is a warning.
func TestSyncParsers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Parsers", "FailedSignins.yaml"), "Parser:\n  Title: Failed sign-ins\nFunctionName: FailedSignins\nFunctionAlias: FailedSignins\nFunctionQuery: |\n  SigninLogs\n  | where ResultType != \"0\"\n")
	writeFile(t, filepath.Join(dir, "Parsers", "Broken.yaml"), "FunctionAlias: Broken\nFunctionQuery: |\n  SigninLogs\n  | where\n")
	writeFile(t, filepath.Join(dir, "failures.yaml"), `id: 1d0c2a8e-9b61-4d1e-8c57-2a4b6d8e0f13
name: Many failures
description: Many failed sign-ins for one account.
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  FailedSignins | summarize n = count() by UserPrincipalName | where n > 10
`)
	src, err := ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Open(t.TempDir(), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	rep, err := cat.Sync(ctx, src, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rules != 1 || rep.Functions != 1 {
		t.Errorf("sync: %d rules, %d parsers; want 1 and 1", rep.Rules, rep.Functions)
	}
	warned := false
	for _, d := range rep.Diagnostics {
		warned = warned || d.File == "Parsers/Broken.yaml" && d.Line == 4 && strings.Contains(d.Msg, "parser not kept")
	}
	if !warned {
		t.Errorf("no warning for Parsers/Broken.yaml at line 4: %v", rep.Diagnostics)
	}
	fns, err := cat.Functions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fns.Names(); !cmp.Equal(got, []string{"FailedSignins"}) {
		t.Errorf("Functions = %v, want [FailedSignins]", got)
	}
	r, err := cat.Rule(ctx, src.ID()+":failures.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(r.Tables, []string{"SigninLogs"}) {
		t.Errorf("rule tables = %v, want [SigninLogs] through the parser", r.Tables)
	}
}
