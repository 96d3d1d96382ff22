package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCmd drives the program as a user would and returns exit code, stdout and stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUnknownCommand(t *testing.T) {
	code, _, stderr := runCmd(t, "frobnicate")
	if code != exitUsage || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("run(frobnicate) = %d, %q", code, stderr)
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCmd(t, "help")
	if code != exitOK || !strings.Contains(out, "version") {
		t.Errorf("run(help) = %d, %q", code, out)
	}
}
