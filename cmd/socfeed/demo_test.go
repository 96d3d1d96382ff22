package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDemoNoServe(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts a tenant")
	}
	out := filepath.Join(t.TempDir(), "tenant")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"demo", "--no-serve", "--users", "30", "--days", "4", "--seed", "2", "--out", out}, nil, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("demo = %d, want %d; stderr:\n%s", code, exitOK, stderr.String())
	}
	got := stdout.String()
	for _, want := range []string{
		"Generated 30 users over 4 days (seed 2) with 11 attack scenarios",
		"\nSummary\n",
		"replayed on schedule",
		"0 failed",
		"rules that fired:",
		"Password spray against many accounts from one IP address",
		"Unfamiliar sign-in after Azure Portal password failures",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("demo output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "#1 [") {
		t.Errorf("demo printed findings, want only the summary:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(out, "labels.json")); err != nil {
		t.Errorf("demo --out left no labels.json: %v", err)
	}
}

func TestDemoFlags(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "extra"},
		{"demo", "--users", "many"},
		{"demo", "--nope"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, nil, &stdout, &stderr); code != exitUsage {
			t.Errorf("run(%q) = %d, want %d; stderr: %s", args, code, exitUsage, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--no-serve", "--users", "3"}, nil, &stdout, &stderr); code != exitError {
		t.Errorf("demo --users 3 = %d, want %d", code, exitError)
	}
	if !strings.Contains(stderr.String(), "users must be between 5 and 10000") {
		t.Errorf("demo --users 3: stderr = %q, want the range", stderr.String())
	}
}

func TestDemoServes(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, hunts and serves a tenant")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--users", "10", "--days", "1", "--seed", "3"}, nil, &stdout, &stderr)
	}()
	urlRE := regexp.MustCompile(`serving (http://[^ \n]+)`)
	var base string
	deadline := time.Now().Add(60 * time.Second)
	for base == "" {
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("demo exited with %d before serving; stderr:\n%s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo did not print its URL; stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s = %d, want 200:\n%s", base, resp.StatusCode, body)
	}
	if !strings.Contains(string(body), "Password spray") {
		t.Errorf("GET %s: the page does not list the pack's rules", base)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("demo after Ctrl-C = %d, want %d; stderr:\n%s", code, exitOK, stderr.String())
	}
}
