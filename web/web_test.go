package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/exec"
)

// get sends a request to s and returns the status and body.
func do(t *testing.T, s http.Handler, method, target string) (int, string, http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), rec.Header()
}

// mustContain fails for every want missing from body.
func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(body, w) {
			t.Errorf("%s: unexpected %q", what, w)
		}
	}
}

func TestFeedPage(t *testing.T) {
	s := newTestServer(t, false)
	code, body, h := do(t, s, "GET", "/")
	if code != 200 {
		t.Fatalf("GET / = %d, want 200\n%s", code, body)
	}
	mustContain(t, "GET /", body, "3 rules", "Password spray from one IP", "Broken column",
		`href="/rules/`+sprayID+`"`, // rule link
		`data-facet="severity"`, `data-facet="technique"`, `data-facet="table"`, `data-facet="confidence"`,
		"T1110", "SigninLogs", `<option value="severity"`)
	// The rule name with markup is escaped, never emitted as a tag.
	mustContain(t, "GET /", body, "&lt;script&gt;alert(1)&lt;/script&gt; role changes")
	mustNotContain(t, "GET /", body, "<script>alert(1)", "<b>admins</b>")
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}

func TestFeedSearchAndFacets(t *testing.T) {
	s := newTestServer(t, false)
	tests := []struct {
		target   string
		want     []string
		notWant  []string
		wantText string
	}{
		{"/?q=spray", []string{"Password spray from one IP"}, []string{"Broken column"}, "1 rules"},
		{"/?severity=High", []string{"Password spray from one IP", `class="fv on"`, "severity: High"}, []string{"Broken column"}, "1 rules"},
		{"/?severity=High&severity=Low", []string{"Password spray from one IP", "Broken column"}, []string{"role changes"}, "2 rules"},
		{"/?table=AuditLogs", []string{"role changes"}, []string{"Password spray"}, "1 rules"},
		{"/?q=nothing-matches-this", []string{"No rules match"}, nil, "0 rules"},
		{"/?per_page=1&page=2&sort=name", []string{"Broken column" /* page 1 */, `rel="prev"`, `rel="next"`, "page 2 of 3"}, nil, "3 rules"},
	}
	for _, tt := range tests {
		code, body, _ := do(t, s, "GET", tt.target)
		if code != 200 {
			t.Errorf("GET %s = %d, want 200", tt.target, code)
			continue
		}
		mustContain(t, "GET "+tt.target, body, append(tt.want, tt.wantText)...)
		if tt.target != "/?per_page=1&page=2&sort=name" {
			mustNotContain(t, "GET "+tt.target, body, tt.notWant...)
		}
	}
}

func TestFeedFacetLinksToggle(t *testing.T) {
	s := newTestServer(t, false)
	_, body, _ := do(t, s, "GET", "/?severity=High")
	// The selected value's link removes the filter; another value's link adds to it.
	mustContain(t, "GET /?severity=High", body, `href="/" data-value="High"`, `href="/?severity=High&amp;severity=`)
}

func TestFeedBadRequest(t *testing.T) {
	s := newTestServer(t, false)
	for _, target := range []string{"/?page=0", "/?page=x", "/?sort=bogus", "/?per_page=100000"} {
		code, body, _ := do(t, s, "GET", target)
		if code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", target, code)
		}
		mustContain(t, "GET "+target, body, "bad_data")
	}
}

func TestRulePage(t *testing.T) {
	s := newTestServer(t, true)
	code, body, _ := do(t, s, "GET", "/rules/"+sprayID)
	if code != 200 {
		t.Fatalf("GET rule = %d\n%s", code, body)
	}
	mustContain(t, "rule page", body,
		"← Back to SOC feed", `href="/coverage"`, "Coverage →",
		"<h1 id=\"rule-name\">Password spray from one IP</h1>",
		`class="tag t-lang"`, ">kql<", "sev-high", "Azure-Sentinel", ">T1110<", ">SigninLogs<", ">scheduled<", "official",
		"enriched automatically", "View original rule at Azure-Sentinel →",
		"Retrieved: <time>2026-06-03T23:00:00Z</time>", "Confidence:",
		"Hunt Hypothesis", "guessing passwords",
		"KQL Query", `<span class="k-op">where</span>`, `<span class="k-str">&#34;50126&#34;</span>`, `<span class="k-p">|</span>`,
		`<span class="k-fn">count</span>`, `<span class="k-kw">by</span>`,
		"Analytic Rule Definition", "queryFrequency: 1d",
		"Required Data Sources", "6 rows", "Ensure the AzureActiveDirectory data connector is enabled", "Every table is loaded",
		"MITRE ATT&amp;CK Context", "https://attack.mitre.org/techniques/T1110", "Brute Force",
		"References", `<a href="https://attack.mitre.org/techniques/T1110/"`, "not a url &lt;i&gt;x&lt;/i&gt;",
		"False Positive Guidance", "misconfigured service",
		"✓ Parses and checks",
		`action="/rules/`+sprayID+`/run#run"`, "Run on loaded data",
		"History", "v2", "query changed", `<span class="d-add">&#43;| where ResultType == &#34;50126&#34;</span>`,
		`<span class="d-del">`, "first version",
		"Original source: https://github.com/Azure/Azure-Sentinel",
		"parses", "never run")
}

func TestRulePageEscapes(t *testing.T) {
	s := newTestServer(t, false)
	code, body, _ := do(t, s, "GET", "/rules/"+xssID)
	if code != 200 {
		t.Fatalf("GET rule = %d", code)
	}
	mustContain(t, "rule page", body, "&lt;script&gt;alert(1)&lt;/script&gt; role changes", "&lt;b&gt;admins&lt;/b&gt;",
		"<title>&lt;script&gt;alert(1)&lt;/script&gt; role changes · socfeed</title>",
		"No data is loaded") // no data: no run button
	mustNotContain(t, "rule page", body, "<script>alert", "<b>admins", `id="run-button"`)
}

func TestRulePageDiagnostics(t *testing.T) {
	s := newTestServer(t, false)
	_, body, _ := do(t, s, "GET", "/rules/"+brokenID)
	mustContain(t, "broken rule page", body, "problem", `<span class="pos">2:9:</span>`, "NoSuchColumn",
		"| where NoSuchColumn == 1\n        ^</pre>", `ln-error`)
	mustNotContain(t, "broken rule page", body, "✓ Parses and checks")
}

func TestRuleNotFound(t *testing.T) {
	s := newTestServer(t, false)
	code, body, _ := do(t, s, "GET", "/rules/nope")
	if code != 404 {
		t.Errorf("GET /rules/nope = %d, want 404", code)
	}
	mustContain(t, "404 page", body, "not_found", `no rule &#34;nope&#34;`, "← Back to SOC feed")
	code, _, _ = do(t, s, "GET", "/no/such/page")
	if code != 404 {
		t.Errorf("GET /no/such/page = %d, want 404", code)
	}
}

func TestRunPage(t *testing.T) {
	s := newTestServer(t, true)
	code, body, _ := do(t, s, "POST", "/rules/"+sprayID+"/run")
	if code != 200 {
		t.Fatalf("POST run = %d\n%s", code, body)
	}
	mustContain(t, "run result", body, `id="run-result"`, "As of <time>2024-05-01T10:00:00Z</time>",
		"1 row ", "1 finding", "Findings", "IP:Address=10.0.0.9",
		`<th scope="col">IPAddress</th><th scope="col">Attempts</th>`, "<td>10.0.0.9</td><td>4</td>")
	mustNotContain(t, "run result", body, "<td>10.0.0.1</td>")
}

func TestCrossOriginRunRefused(t *testing.T) {
	s := newTestServer(t, true)
	for _, target := range []string{"/rules/" + sprayID + "/run", "/api/rules/" + sprayID + "/run"} {
		req := httptest.NewRequest("POST", target, nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "forbidden") {
			t.Errorf("cross-origin POST %s = %d, want 403", target, rec.Code)
		}
	}
}

func TestRunWithoutData(t *testing.T) {
	s := newTestServer(t, false)
	code, body, _ := do(t, s, "POST", "/rules/"+sprayID+"/run")
	if code != http.StatusConflict {
		t.Errorf("POST run without data = %d, want 409", code)
	}
	mustContain(t, "run without data", body, "no data is loaded")
	code, body, _ = do(t, s, "POST", "/api/rules/"+sprayID+"/run")
	if code != http.StatusConflict || !strings.Contains(body, `"kind": "no_data"`) {
		t.Errorf("POST /api run without data = %d %s", code, body)
	}
}

func TestRunBrokenRule(t *testing.T) {
	s := newTestServer(t, true)
	code, body, _ := do(t, s, "POST", "/rules/"+brokenID+"/run")
	if code != 200 {
		t.Fatalf("POST run = %d\n%s", code, body)
	}
	mustContain(t, "broken run", body, `class="diag diag-error"`, "NoSuchColumn")
}

func TestCoveragePage(t *testing.T) {
	s := newTestServer(t, true)
	code, body, _ := do(t, s, "GET", "/coverage")
	if code != 200 {
		t.Fatalf("GET /coverage = %d", code)
	}
	mustContain(t, "coverage", body, "Credential Access", "Persistence", "Initial Access",
		`href="/?technique=T1110"`, "Brute Force", `class="cell h1"`, "3 rules: 2 mapped to a technique, 2 data ready, 0 fired",
		`href="/api/coverage/navigator.json"`, `href="/api/coverage.csv"`,
		`<a href="/coverage" aria-current="true" class="on" data-layer="rules">`, `<label for="f-tactic">Tactic</label>`)
	cells := func(body string) int { return strings.Count(body, `data-technique=`) }
	_, only, _ := do(t, s, "GET", "/coverage?covered=1")
	// T1110 under Credential Access; T1098 under Persistence and Privilege Escalation.
	if n := cells(only); n != 3 {
		t.Errorf("covered-only matrix has %d cells, want 3", n)
	}
	tests := []struct {
		target string
		cells  int
		want   []string
	}{
		// Only the spray rule (SigninLogs, loaded) is data ready; the role-change rule
		// reads AuditLogs, which is not loaded.
		{"/coverage?layer=ready&covered=1", 1, []string{`data-technique="T1110"`, "1 of 216 techniques covered", `class="matrix layer-ready"`}},
		{"/coverage?layer=fired&covered=1", 0, []string{"0 of 216 techniques covered"}},
		{"/coverage?tactic=persistence", -1, []string{`data-tactic="persistence"`}},
		{"/coverage?severity=Medium&covered=1", 2, []string{`data-technique="T1098"`, "1 rules: 1 mapped"}},
		{"/coverage?source=Elsewhere&covered=1", 0, []string{"0 rules"}},
		{"/coverage?tactic=credential-access&covered=1", 1, []string{`data-technique="T1110"`, `<option value="credential-access" selected>`}},
	}
	for _, tt := range tests {
		code, body, _ := do(t, s, "GET", tt.target)
		if code != 200 {
			t.Errorf("GET %s = %d", tt.target, code)
			continue
		}
		if tt.cells >= 0 && cells(body) != tt.cells {
			t.Errorf("GET %s: %d cells, want %d", tt.target, cells(body), tt.cells)
		}
		mustContain(t, tt.target, body, tt.want...)
	}
	if _, body, _ := do(t, s, "GET", "/coverage?tactic=persistence"); strings.Count(body, "data-tactic=") != 1 {
		t.Errorf("tactic filter shows %d tactics, want 1", strings.Count(body, "data-tactic="))
	}
	for _, bad := range []string{"/coverage?layer=bogus", "/coverage?tactic=nope"} {
		if code, _, _ := do(t, s, "GET", bad); code != 400 {
			t.Errorf("GET %s = %d, want 400", bad, code)
		}
	}
	// The layer's old name still answers.
	for _, target := range []string{"/coverage/layer.json", "/api/coverage/navigator.json"} {
		code, layer, h := do(t, s, "GET", target)
		if code != 200 || !strings.Contains(layer, `"techniqueID": "T1110"`) || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
			t.Errorf("GET %s = %d %v", target, code, h)
		}
	}
}

func TestCoverageRunFires(t *testing.T) {
	s := newTestServer(t, true)
	if _, body, _ := do(t, s, "GET", "/api/coverage.csv?layer=fired"); !strings.Contains(body, "Credential Access,T1110,Brute Force,1,1,0") {
		t.Errorf("before the run, CSV lacks the unfired row:\n%.500s", body)
	}
	if code, _, _ := do(t, s, "POST", "/rules/"+sprayID+"/run"); code != 200 {
		t.Fatalf("POST run = %d", code)
	}
	_, body, h := do(t, s, "GET", "/api/coverage.csv?layer=fired&covered=1")
	want := "tactic,technique_id,name,rules,data_ready,fired\nCredential Access,T1110,Brute Force,1,1,1\n"
	if body != want || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Errorf("fired CSV = %q (%s), want %q", body, h.Get("Content-Type"), want)
	}
	code, layer, _ := do(t, s, "GET", "/api/coverage/navigator.json?layer=fired")
	var l struct {
		Name       string
		Techniques []struct {
			TechniqueID string
			Tactic      string
			Score       int
		}
	}
	if err := json.Unmarshal([]byte(layer), &l); err != nil || code != 200 {
		t.Fatalf("fired layer = %d %v", code, err)
	}
	if l.Name != "socfeed coverage: fired" || len(l.Techniques) != 1 || l.Techniques[0].TechniqueID != "T1110" || l.Techniques[0].Tactic != "credential-access" || l.Techniques[0].Score != 1 {
		t.Errorf("fired layer = %+v", l)
	}
}

func TestDataPage(t *testing.T) {
	s := newTestServer(t, true)
	code, body, _ := do(t, s, "GET", "/data")
	if code != 200 {
		t.Fatalf("GET /data = %d", code)
	}
	mustContain(t, "data", body, "Loaded tables", ">SigninLogs<", ">6<", "2024-05-01T08:00:00Z", "2024-05-01T10:00:00Z",
		"2 can run", "1 need data", "AuditLogs</a> (1)",
		// The rejected record, counted for its table and shown with file and line.
		`<a href="#rejected"><strong>1 records rejected</strong></a>`, `<th scope="row">SigninLogs</th><td class="r">1</td>`,
		"SigninLogs.jsonl:7: ")
	_, empty, _ := do(t, newTestServer(t, false), "GET", "/data")
	mustContain(t, "data without data", empty, "No data is loaded", "0 can run")
}

// apiGet decodes an API response envelope.
func apiGet(t *testing.T, s http.Handler, method, target string) (int, map[string]any) {
	t.Helper()
	code, body, h := do(t, s, method, target)
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type = %q", method, target, ct)
	}
	var env map[string]any
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatalf("%s %s: %v\n%s", method, target, err, body)
	}
	return code, env
}

func TestAPIRules(t *testing.T) {
	s := newTestServer(t, false)
	code, env := apiGet(t, s, "GET", "/api/rules?severity=High&severity=Medium&sort=name")
	if code != 200 || env["status"] != "success" {
		t.Fatalf("GET /api/rules = %d %v", code, env)
	}
	data := env["data"].(map[string]any)
	var names []string
	for _, r := range data["rules"].([]any) {
		names = append(names, r.(map[string]any)["name"].(string))
	}
	if diff := cmp.Diff([]string{"<script>alert(1)</script> role changes", "Password spray from one IP"}, names); diff != "" {
		t.Errorf("GET /api/rules names (-want +got):\n%s", diff)
	}
	if data["total"].(float64) != 2 || len(data["facets"].([]any)) != len(FacetNames()) {
		t.Errorf("GET /api/rules total/facets = %v / %v", data["total"], data["facets"])
	}
	code, env = apiGet(t, s, "GET", "/api/rules?page=-1")
	errs, _ := env["errors"].([]any)
	if code != 400 || env["status"] != "error" || len(errs) != 1 || errs[0].(map[string]any)["kind"] != "bad_data" {
		t.Errorf("GET /api/rules?page=-1 = %d %v", code, env)
	}
}

func TestAPIRule(t *testing.T) {
	s := newTestServer(t, true)
	code, env := apiGet(t, s, "GET", "/api/rules/"+brokenID)
	if code != 200 {
		t.Fatalf("GET /api/rules/{id} = %d %v", code, env)
	}
	data := env["data"].(map[string]any)
	if data["name"] != "Broken column" || data["query"] == "" {
		t.Errorf("rule data = %v", data)
	}
	diags := data["diagnostics"].([]any)
	if len(diags) == 0 || !strings.HasPrefix(diags[0].(string), "2:9: ") {
		t.Errorf("diagnostics = %v, want one at 2:9", diags)
	}
	code, env = apiGet(t, s, "GET", "/api/rules/nope")
	if code != 404 || env["status"] != "error" {
		t.Errorf("GET /api/rules/nope = %d %v", code, env)
	}
	code, env = apiGet(t, s, "GET", "/api/nothing")
	if code != 404 || env["status"] != "error" {
		t.Errorf("GET /api/nothing = %d %v", code, env)
	}
}

func TestAPIRun(t *testing.T) {
	s := newTestServer(t, true)
	code, env := apiGet(t, s, "POST", "/api/rules/"+sprayID+"/run")
	if code != 200 {
		t.Fatalf("POST /api/rules/{id}/run = %d %v", code, env)
	}
	data := env["data"].(map[string]any)
	if diff := cmp.Diff([]any{[]any{"10.0.0.9", "4"}}, data["rows"]); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	fs := data["findings"].([]any)
	if len(fs) != 1 || fmt.Sprint(fs[0].(map[string]any)["entities"]) != "[IP:Address=10.0.0.9]" {
		t.Errorf("findings = %v", fs)
	}
}

func TestAPICoverageAndData(t *testing.T) {
	s := newTestServer(t, true)
	code, env := apiGet(t, s, "GET", "/api/coverage")
	if code != 200 || env["data"].(map[string]any)["covered"].(float64) != 2 {
		t.Errorf("GET /api/coverage = %d %v", code, env["data"].(map[string]any)["covered"])
	}
	code, env = apiGet(t, s, "GET", "/api/data")
	data := env["data"].(map[string]any)
	if code != 200 || len(data["tables"].([]any)) != 1 || len(data["ready"].([]any)) != 2 {
		t.Errorf("GET /api/data = %d %v", code, data)
	}
	rej := data["rejections"].([]any)
	if data["rejected"] != 1.0 || fmt.Sprint(data["rejectedByTable"]) != "map[SigninLogs:1]" || len(rej) != 1 || !strings.Contains(rej[0].(string), "SigninLogs.jsonl:7: ") {
		t.Errorf("GET /api/data rejections = %v %v %v", data["rejected"], data["rejectedByTable"], rej)
	}
	tables := data["tables"].([]any)
	if tb := tables[0].(map[string]any); tb["rows"] != 6.0 || tb["rejected"] != 1.0 || tb["first"] != "2024-05-01T08:00:00Z" {
		t.Errorf("GET /api/data table = %v", tb)
	}
}

func TestStatic(t *testing.T) {
	s := newTestServer(t, false)
	code, body, h := do(t, s, "GET", "/static/style.css")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/css") || !strings.Contains(body, ".k-op") {
		t.Errorf("GET /static/style.css = %d %q", code, h.Get("Content-Type"))
	}
	code, _, h = do(t, s, "GET", "/static/app.js")
	if code != 200 || !strings.Contains(h.Get("Content-Type"), "javascript") {
		t.Errorf("GET /static/app.js = %d %q", code, h.Get("Content-Type"))
	}
	// No directory listings, no escaping the folder.
	for _, target := range []string{"/static/", "/static", "/static/..%2Fserver.go", "/static/nope.css"} {
		if code, body, _ := do(t, s, "GET", target); code != 404 || strings.Contains(body, `href="style.css"`) {
			t.Errorf("GET %s = %d, want 404 without a listing", target, code)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s := newTestServer(t, false)
	if code, _, _ := do(t, s, "GET", "/rules/"+sprayID+"/run"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET run = %d, want 405", code)
	}
	if code, _, _ := do(t, s, "GET", "/api/rules/"+sprayID+"/run"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /api run = %d, want 405", code)
	}
	if code, _, _ := do(t, s, "DELETE", "/rules/"+sprayID); code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE rule = %d, want 405", code)
	}
}

func TestRuleIDWithSlash(t *testing.T) {
	c := newTestCatalog(t)
	c.rules[0].ID = "Azure-Sentinel/Detections/spray.yaml"
	s, err := New(Config{Catalog: c})
	if err != nil {
		t.Fatal(err)
	}
	_, feed, _ := do(t, s, "GET", "/")
	mustContain(t, "feed", feed, `href="/rules/Azure-Sentinel%2FDetections%2Fspray.yaml"`)
	code, body, _ := do(t, s, "GET", "/rules/"+url.PathEscape(c.rules[0].ID))
	if code != 200 || !strings.Contains(body, "Password spray") {
		t.Errorf("GET rule with slash in id = %d", code)
	}
}

func TestErrorStatus(t *testing.T) {
	tests := []struct {
		err    error
		status int
		kind   string
	}{
		{&MethodError{Method: "DELETE", Path: "/"}, 405, kindMethod},
		{&ForbiddenError{Msg: "x"}, 403, kindForbidden},
		{badRequest("x"), 400, kindBadData},
		{fmt.Errorf("wrapped: %w", badRequest("x")), 400, kindBadData},
		{notFound("no rule %q", "x"), 404, kindNotFound},
		{errNoData, 409, kindNoData},
		{errNoTime, 409, kindNoData},
		{&exec.LimitError{Op: "sort", Limit: 1 << 20}, 422, kindLimit},
		{&exec.RuntimeError{Op: "evaluate", Msg: "x"}, 422, kindExec},
		{&exec.CanceledError{Cause: context.Canceled}, 503, kindCanceled},
		{&exec.CanceledError{Cause: context.DeadlineExceeded}, 503, kindTimeout},
		{context.DeadlineExceeded, 503, kindTimeout},
		{&exec.InternalError{Msg: "boom"}, 500, kindInternal},
		{errors.New("anything else"), 500, kindInternal},
	}
	for _, tt := range tests {
		status, kind := errorStatus(tt.err)
		if status != tt.status || kind != tt.kind {
			t.Errorf("errorStatus(%v) = %d, %q, want %d, %q", tt.err, status, kind, tt.status, tt.kind)
		}
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	s := newTestServer(t, false)
	hs := s.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout == 0 || hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.IdleTimeout == 0 {
		t.Errorf("HTTPServer timeouts not all set: %+v", hs)
	}
}

func TestAPIRulesLimitOffset(t *testing.T) {
	s := newTestServer(t, false)
	// The documented shape: data is {"rules":[...],"total":N} with the paging used.
	type page struct {
		Status string
		Data   struct {
			Rules []struct {
				ID, Name string
			}
			Total, Limit, Offset int
		}
	}
	get := func(target string) (int, page) {
		t.Helper()
		code, body, _ := do(t, s, "GET", target)
		var p page
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		return code, p
	}
	tests := []struct {
		target        string
		names         []string
		limit, offset int
	}{
		{"/api/rules?sort=name", []string{"<script>alert(1)</script> role changes", "Broken column", "Password spray from one IP"}, defaultPerPage, 0},
		{"/api/rules?sort=name&limit=2", []string{"<script>alert(1)</script> role changes", "Broken column"}, 2, 0},
		{"/api/rules?sort=name&limit=2&offset=1", []string{"Broken column", "Password spray from one IP"}, 2, 1},
		{"/api/rules?sort=name&limit=1&offset=2", []string{"Password spray from one IP"}, 1, 2},
		{"/api/rules?sort=name&offset=5", nil, defaultPerPage, 5},
		{"/api/rules?sort=name&per_page=1&page=2", []string{"Broken column"}, 1, 1},
	}
	for _, tt := range tests {
		code, p := get(tt.target)
		var names []string
		for _, r := range p.Data.Rules {
			names = append(names, r.Name)
		}
		if code != 200 || p.Status != "success" || p.Data.Total != 3 || p.Data.Limit != tt.limit || p.Data.Offset != tt.offset {
			t.Errorf("GET %s = %d %s total %d limit %d offset %d, want 200 success 3 %d %d", tt.target, code, p.Status, p.Data.Total, p.Data.Limit, p.Data.Offset, tt.limit, tt.offset)
		}
		if diff := cmp.Diff(tt.names, names); diff != "" {
			t.Errorf("GET %s names (-want +got):\n%s", tt.target, diff)
		}
	}
	for _, bad := range []string{"/api/rules?limit=0", "/api/rules?limit=x", "/api/rules?limit=1001", "/api/rules?offset=-1"} {
		if code, p := get(bad); code != 400 || p.Status != "error" {
			t.Errorf("GET %s = %d %s, want 400 error", bad, code, p.Status)
		}
	}
}

// TestEveryPageHasAnAPI checks that each page has its JSON twin, in the one envelope.
func TestEveryPageHasAnAPI(t *testing.T) {
	s := newTestServer(t, true)
	for _, p := range []string{"/api/rules", "/api/rules/" + sprayID, "/api/coverage", "/api/coverage?layer=ready&tactic=credential-access", "/api/data"} {
		code, env := apiGet(t, s, "GET", p)
		if code != 200 || env["status"] != "success" || env["data"] == nil {
			t.Errorf("GET %s = %d %v", p, code, env["status"])
		}
	}
	// Each page links its twin.
	link := regexp.MustCompile(`<a href="([^"]+)" id="api-link">This page as JSON</a>`)
	for _, p := range []string{"/", "/?severity=High&q=spray", "/rules/" + sprayID, "/coverage?layer=ready&tactic=credential-access", "/data"} {
		_, body, _ := do(t, s, "GET", p)
		m := link.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("GET %s: no link to its JSON twin", p)
			continue
		}
		api := html.UnescapeString(m[1])
		if code, env := apiGet(t, s, "GET", api); code != 200 || env["status"] != "success" {
			t.Errorf("GET %s: its twin %s = %d", p, api, code)
		}
	}
}

// TestAccessibility checks the markup that keyboard and screen-reader users rely on.
func TestAccessibility(t *testing.T) {
	s := newTestServer(t, true)
	for _, p := range []string{"/", "/?severity=High", "/rules/" + sprayID, "/coverage", "/data", "/nope"} {
		_, body, _ := do(t, s, "GET", p)
		mustContain(t, p, body, `<a class="skip" href="#content">Skip to content</a>`, `<header class="top">`,
			`<nav class="main-nav" aria-label="main">`, `<main id="content" tabindex="-1">`, `<html lang="en">`)
		if strings.Contains(body, "<th>") {
			t.Errorf("%s: a table header without scope", p)
		}
		if strings.Contains(body, "<img") && !strings.Contains(body, "alt=") {
			t.Errorf("%s: an image without alt text", p)
		}
		// Every select and text input has a label.
		for _, ctl := range []string{"<select", `<input type="search"`, `<input type="password"`} {
			for _, part := range strings.Split(body, ctl)[1:] {
				tag, _, _ := strings.Cut(part, ">")
				id := ""
				if i := strings.Index(tag, `id="`); i >= 0 {
					id, _, _ = strings.Cut(tag[i+4:], `"`)
				}
				if !strings.Contains(tag, "aria-label=") && (id == "" || !strings.Contains(body, `for="`+id+`"`)) && !labelled(body, ctl+part) {
					t.Errorf("%s: %s%s> has no label", p, ctl, tag)
				}
			}
		}
	}
	_, feed, _ := do(t, s, "GET", "/?severity=High")
	mustContain(t, "feed", feed, `<a class="fv on" aria-current="true" href="/" data-value="High">`)
	_, cov, _ := do(t, s, "GET", "/coverage?layer=fired")
	mustContain(t, "coverage", cov, `aria-current="true" class="on" data-layer="fired"`, `<legend>Layer</legend>`)
}

// labelled reports whether the control that starts at rest sits inside a <label>.
func labelled(body, rest string) bool {
	i := strings.Index(body, rest)
	open := strings.LastIndex(body[:i], "<label")
	return open >= 0 && !strings.Contains(body[open:i], "</label>")
}

func TestToken(t *testing.T) {
	cfg := Config{Catalog: newTestCatalog(t), Token: "s3cret-token"}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	send := func(method, target string, hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name   string
		method string
		target string
		hdr    map[string]string
		status int
		want   string
	}{
		{"page without token", "GET", "/", nil, 401, `id="login-token"`},
		{"api without token", "GET", "/api/rules", nil, 401, `"kind": "unauthorized"`},
		{"static without token", "GET", "/static/style.css", nil, 200, ".skip"},
		{"layer without token", "GET", "/coverage/layer.json", nil, 401, ""},
		{"wrong bearer", "GET", "/api/rules", map[string]string{"Authorization": "Bearer nope"}, 401, ""},
		{"bearer", "GET", "/api/rules", map[string]string{"Authorization": "Bearer s3cret-token"}, 200, `"total": 3`},
		{"bearer any case", "GET", "/", map[string]string{"Authorization": "bearer s3cret-token"}, 200, "3 rules"},
		{"cookie", "GET", "/", map[string]string{"Cookie": "token=s3cret-token"}, 200, "3 rules"},
		{"wrong cookie", "GET", "/", map[string]string{"Cookie": "token=s3cret"}, 401, ""},
		{"login form", "GET", "/login", nil, 200, `<label for="login-token">Access token</label>`},
		{"wrong login", "GET", "/login?token=nope", nil, 403, "not the token"},
	}
	for _, tt := range tests {
		rec := send(tt.method, tt.target, tt.hdr)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s: %s %s = %d, want %d and %q\n%.300s", tt.name, tt.method, tt.target, rec.Code, tt.status, tt.want, rec.Body.String())
		}
		if rec.Code == 401 && rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tt.name)
		}
	}
	// /login?token= sets the cookie that then lets the browser in.
	rec := send("GET", "/login?token=s3cret-token", nil)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" || len(cookies) != 1 || cookies[0].Name != "token" || !cookies[0].HttpOnly {
		t.Fatalf("GET /login?token=... = %d %v %v", rec.Code, rec.Header(), cookies)
	}
	if rec := send("GET", "/rules/"+sprayID, map[string]string{"Cookie": cookies[0].String()}); rec.Code != 200 {
		t.Errorf("with the login cookie, rule page = %d", rec.Code)
	}
	// Guard puts handlers mounted beside the server behind the same token.
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("kusto")) })
	g := s.Guard(inner)
	for _, tt := range []struct {
		auth   string
		status int
	}{{"", 401}, {"Bearer s3cret-token", 200}} {
		req := httptest.NewRequest("POST", "/v1/rest/query", strings.NewReader("{}"))
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("guarded handler with %q = %d, want %d", tt.auth, rec.Code, tt.status)
		}
	}
	// Without a token, Guard changes nothing.
	open, err := New(Config{Catalog: newTestCatalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if g := open.Guard(inner); fmt.Sprintf("%p", g) != fmt.Sprintf("%p", http.Handler(inner)) {
		t.Errorf("Guard without a token wrapped the handler")
	}
}
