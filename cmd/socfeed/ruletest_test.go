package main

import (
	"path/filepath"
	"strings"
	"testing"
)

const ruleTestPass = `tables:
  SigninLogs:
    - {TimeGenerated: 2024-05-01T10:00:00Z, UserPrincipalName: alice@contoso.com, IPAddress: 10.0.0.1, ResultType: "50126"}
    - {TimeGenerated: 2024-05-01T10:10:00Z, UserPrincipalName: bob@contoso.com, IPAddress: 10.0.0.2, ResultType: "0"}
tests:
  - name: one failure
    expect:
      findings: 1
      rows: [{UserPrincipalName: alice@contoso.com, IPAddress: 10.0.0.1}]
      entities: [{type: Account, identifiers: {FullName: alice@contoso.com}}]
  - name: nothing an hour later
    as_of: 2024-05-01T12:00:00Z
    expect: {no_findings: true}
`

const ruleTestFail = `tables:
  SigninLogs:
    - {TimeGenerated: 2024-05-01T10:00:00Z, UserPrincipalName: alice@contoso.com, ResultType: "50126"}
expect:
  rows: [{UserPrincipalName: mallory@contoso.com}]
`

func TestRuleTestCommand(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"pass/spray.yaml":      huntRule,
		"pass/spray.test.yaml": ruleTestPass,
		"fail/spray.yaml":      huntRule,
		"fail/spray.test.yml":  ruleTestFail,
		"none/x.yaml":          huntRule,
	})
	code, out, stderr := runCmd(t, "test", filepath.Join(dir, "pass"))
	if code != exitOK || !strings.Contains(out, "PASS ") || !strings.Contains(out, "ok: 2 passed, 0 failed, in 1 test file(s)") {
		t.Errorf("test pass = %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runCmd(t, "test", filepath.Join(dir, "pass", "spray.yaml"), "--run", "hour")
	if code != exitOK || strings.Count(out, "PASS ") != 1 {
		t.Errorf("test --run = %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "test", dir)
	if code != exitError || !strings.Contains(out, "FAIL ") || !strings.Contains(out, "- line 5: {UserPrincipalName: mallory@contoso.com}") ||
		!strings.Contains(out, "+ {UserPrincipalName: alice@contoso.com}") {
		t.Errorf("test with a failure = %d\n%s", code, out)
	}
	if code, _, stderr := runCmd(t, "test", filepath.Join(dir, "none")); code != exitError || !strings.Contains(stderr, "no rule test files") {
		t.Errorf("test without tests = %d, %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "test", filepath.Join(dir, "none", "x.yaml")); code != exitError || !strings.Contains(stderr, "x.test.yaml") {
		t.Errorf("test of a rule without a test file = %d, %q", code, stderr)
	}
	if code, _, _ := runCmd(t, "test"); code != exitUsage {
		t.Errorf("test without paths = %d, want %d", code, exitUsage)
	}
}
