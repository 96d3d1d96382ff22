package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package (scripts/install-browser.sh) puts the
// browser.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts headless Chromium and returns a browser context, or skips the test
// when Chromium is not installed.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (install it with scripts/install-browser.sh)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 30*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// waitFor polls the page until the JavaScript condition holds on a fully loaded page. It
// polls from Go, not in the page, so that a navigation in between does not break it.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	expr := `document.readyState === "complete" && (` + cond + `)`
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v (last error: %v)", cond, ctx.Err(), err)
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// artifactsDir is where browser tests keep their screenshots: $SOCFEED_ARTIFACTS, or
// testdata/artifacts (ignored by git).
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SOCFEED_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artifacts")
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	return dir
}

// screenshot saves the whole page as a PNG in the artifacts folder, numbered in step
// order, and logs its path.
func screenshot(t *testing.T, ctx context.Context, dir string, step *int, name string) {
	t.Helper()
	*step++
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot %s: not a PNG", name)
		return
	}
	p := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", *step, name))
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	abs, _ := filepath.Abs(p)
	t.Logf("screenshot: %s (%d bytes)", abs, len(png))
}

// ruleNames returns the names of the rules the feed page lists, in order.
func ruleNames(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.rules .name > a")].map(a => a.textContent)`))
}

// TestBrowser drives the UI in headless Chromium as a user would: search, filter by a
// facet, sort, open a rule, read its sections and run it on the loaded data.
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	ts := httptest.NewServer(newTestServer(t, true))
	defer ts.Close()
	count := chromedp.Text(chromedp.ID("result-count"))
	shots, step := artifactsDir(t), 0

	// The feed lists every rule; searching narrows it.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("result-count")),
	); err != nil {
		t.Fatalf("opening the feed: %v", err)
	}
	if got, err := chromedp.Run(ctx, count); err != nil || got != "3 rules" {
		t.Errorf("feed count = %q, %v, want %q", got, err, "3 rules")
	}
	screenshot(t, ctx, shots, &step, "feed")
	// The first Tab reaches the skip link, which leads to the main content.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	if cls, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`)); err != nil || cls != "skip" {
		t.Errorf("first Tab focuses %q, %v, want the skip link", cls, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#search input[name=q]`), "spray\n"),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="result-count"][text()="1 rules"]`)),
	); err != nil {
		t.Fatalf("searching: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(loc, "q=spray") {
		t.Errorf("after searching, location = %q, %v, want q=spray", loc, err)
	}

	// Clicking a facet value filters.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `location.search === ""`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.facet[data-facet="severity"] a[data-value="Low"]`))); err != nil {
		t.Fatalf("clicking a facet: %v", err)
	}
	waitFor(t, ctx, `location.search.includes("severity=Low")`)
	if got, err := chromedp.Run(ctx, count); err != nil || got != "1 rules" {
		t.Errorf("after clicking severity Low, count = %q, %v, want 1 rules", got, err)
	}
	names, err := ruleNames(ctx)
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if err != nil || len(names) != 1 || names[0] != "Broken column" || !strings.Contains(loc, "severity=Low") {
		t.Errorf("after clicking severity Low: rules %q (%v) at %q, want [Broken column]", names, err, loc)
	}

	// Changing the sort order submits the form (app.js).
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `location.search === "" && document.getElementById("sort") !== null`)
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("sort"); s.value = "severity"; setTimeout(() => s.dispatchEvent(new Event("change")), 0); })()`),
	); err != nil {
		t.Fatalf("changing the sort order: %v", err)
	}
	waitFor(t, ctx, `location.search.includes("sort=severity")`)
	if names, err := ruleNames(ctx); err != nil || len(names) != 3 || names[0] != "Password spray from one IP" {
		t.Errorf("sorted by severity: %q (%v), want the High rule first", names, err)
	}

	// The rule page renders every section, with the KQL highlighted.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//table[contains(@class,"rules")]//a[text()="Password spray from one IP"]`)),
		chromedp.WaitVisible(chromedp.ID("rule-name")),
	); err != nil {
		t.Fatalf("opening the rule page: %v", err)
	}
	screenshot(t, ctx, shots, &step, "rule")
	if title, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("rule-name"))); err != nil || title != "Password spray from one IP" {
		t.Errorf("rule page title = %q, %v", title, err)
	}
	if ops, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#kql-text span.k-op").length`)); err != nil || ops != 3 {
		t.Errorf("highlighted operators = %d, %v, want 3 (where, summarize, where)", ops, err)
	}
	sections, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("section.sec h2")].map(h => h.firstChild.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Hunt Hypothesis", "KQL Query", "Check", "Run on loaded data", "Analytic Rule Definition",
		"Confidence:", "Required Data Sources", "MITRE ATT&CK Context", "References", "False Positive Guidance", "History"} {
		if !slices.Contains(sections, want) {
			t.Errorf("rule page sections %q lack %q", sections, want)
		}
	}

	// Running the rule shows its rows and findings.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("run-button")),
		chromedp.WaitVisible(chromedp.ID("run-result")),
	); err != nil {
		t.Fatalf("running the rule: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#run-rows tbody tr")].map(r => [...r.cells].map(c => c.textContent))`))
	if err != nil || len(rows) != 1 || len(rows[0]) != 2 || rows[0][0] != "10.0.0.9" || rows[0][1] != "4" {
		t.Errorf("run rows = %q, %v, want [[10.0.0.9 4]]", rows, err)
	}
	if findings, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".findings"))); err != nil || !strings.Contains(findings, "IP:Address=10.0.0.9") {
		t.Errorf("run findings = %q, %v", findings, err)
	}
	screenshot(t, ctx, shots, &step, "run")

	// From the rule, on to the coverage matrix: the rule's technique is covered, and
	// the run that just fired shows in the fired layer.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.crumbs a.fwd`)),
		chromedp.WaitVisible(chromedp.ID("matrix")),
	); err != nil {
		t.Fatalf("opening the coverage page: %v", err)
	}
	cellClass := func() string {
		c, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#matrix a.cell[data-technique="T1110"]') || {}).className || ""`))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := cellClass(); c != "cell h1" {
		t.Errorf("T1110 cell in the rules layer = %q, want cell h1", c)
	}
	screenshot(t, ctx, shots, &step, "coverage")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.layers a[data-layer="fired"]`))); err != nil {
		t.Fatalf("choosing the fired layer: %v", err)
	}
	waitFor(t, ctx, `location.search.includes("layer=fired")`)
	if c := cellClass(); c != "cell h1" {
		t.Errorf("T1110 cell in the fired layer = %q, want cell h1 (the run fired)", c)
	}
	if c, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#matrix a.cell[data-technique="T1098"]').className`)); err != nil || c != "cell h0" {
		t.Errorf("T1098 cell in the fired layer = %q, %v, want cell h0", c, err)
	}
	screenshot(t, ctx, shots, &step, "coverage-fired")

	// The filter form works without JavaScript: choose a tactic and apply.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("f-tactic"), "persistence"),
		chromedp.Click(chromedp.ID("cov-apply")),
	); err != nil {
		t.Fatalf("filtering by tactic: %v", err)
	}
	waitFor(t, ctx, `location.search.includes("tactic=persistence")`)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#matrix section.tactic").length`)); err != nil || n != 1 {
		t.Errorf("tactic filter shows %d tactics, %v, want 1", n, err)
	}

	// The data page lists the loaded table and the rejected record.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.main-nav a[href="/data"]`)),
		chromedp.WaitVisible(chromedp.ID("rejections")),
	); err != nil {
		t.Fatalf("opening the data page: %v", err)
	}
	if rej, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("rejections"))); err != nil || !strings.Contains(rej, "SigninLogs.jsonl:7: ") {
		t.Errorf("rejections = %q, %v", rej, err)
	}
	screenshot(t, ctx, shots, &step, "data")
}
