package web

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/socfeed/socfeed/attack"
)

// Page sizes of the feed.
const (
	defaultPerPage = 50
	maxPerPage     = 1000
)

// parseQuery reads a feed search from URL parameters: q, sort, page, per_page, and one
// parameter per facet (repeated for several values).
func parseQuery(v url.Values) (Query, error) {
	q := Query{Text: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"), Page: 1, PerPage: defaultPerPage}
	if q.Sort != "" && !slices.Contains(SortNames(), q.Sort) {
		return q, badRequest("unknown sort order %q (expected one of %s)", q.Sort, strings.Join(SortNames(), ", "))
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, badRequest("page: expected a positive integer, found %q", s)
		}
		q.Page = n
	}
	if s := v.Get("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPerPage {
			return q, badRequest("per_page: expected an integer from 1 to %d, found %q", maxPerPage, s)
		}
		q.PerPage = n
	}
	// limit and offset, the API's paging, take precedence over page and per_page.
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPerPage {
			return q, badRequest("limit: expected an integer from 1 to %d, found %q", maxPerPage, s)
		}
		q.PerPage = n
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, badRequest("offset: expected a non-negative integer, found %q", s)
		}
		q.Offset, q.Page = n, n/q.PerPage+1
	}
	for _, f := range FacetNames() {
		for _, val := range v[f] {
			if val = strings.TrimSpace(val); val != "" && !slices.Contains(q.Filters[f], val) {
				if q.Filters == nil {
					q.Filters = map[string][]string{}
				}
				q.Filters[f] = append(q.Filters[f], val)
			}
		}
	}
	return q, nil
}

// values is the inverse of parseQuery, leaving out defaults.
func (q Query) values() url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PerPage != defaultPerPage && q.PerPage != 0 {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	for f, vals := range q.Filters {
		for _, val := range vals {
			v.Add(f, val)
		}
	}
	return v
}

func feedURL(v url.Values) string {
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// feedView is the data of the feed page.
type feedView struct {
	Query    Query
	Result   *SearchResult
	Facets   []facetView
	Chips    []chip
	Sorts    []string
	Sort     string // the sort in effect: Query.Sort, or the default for the query
	Page     int
	Pages    int
	From, To int
	Prev     string
	Next     string
	Clear    string
	Elapsed  time.Duration
}

type facetView struct {
	Name   string
	Values []facetValueView
	// Shown is how many values show before "more".
	Shown int
}

type facetValueView struct {
	Value    string
	Count    int
	Selected bool
	Href     string
}

// chip is one active filter, with the link that removes it.
type chip struct {
	Facet, Value, Href string
}

// facetShown is how many values of a facet show before the rest fold away.
const facetShown = 8

func (s *Server) feedPage(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := s.cfg.Catalog.Search(r.Context(), q)
	if err != nil {
		return err
	}
	v := feedView{Query: q, Result: res, Sorts: SortNames(), Sort: q.Sort, Page: q.Page, Elapsed: time.Since(start)}
	if v.Sort == "" {
		v.Sort = SortName
		if q.Text != "" {
			v.Sort = SortRelevance
		}
	}
	base := q
	base.Page = 1
	for _, f := range res.Facets {
		fv := facetView{Name: f.Name, Shown: facetShown}
		seen := map[string]bool{}
		for _, val := range f.Values {
			seen[val.Value] = true
			fv.Values = append(fv.Values, facetValueView{Value: val.Value, Count: val.Count,
				Selected: slices.Contains(q.Filters[f.Name], val.Value), Href: feedURL(toggle(base, f.Name, val.Value).values())})
		}
		// A selected value always shows, even when the catalog returned no count for it.
		for _, sel := range q.Filters[f.Name] {
			if !seen[sel] {
				fv.Values = append([]facetValueView{{Value: sel, Selected: true, Href: feedURL(toggle(base, f.Name, sel).values())}}, fv.Values...)
			}
		}
		// Selected values first, so they never fold away.
		sort.SliceStable(fv.Values, func(i, j int) bool { return fv.Values[i].Selected && !fv.Values[j].Selected })
		v.Facets = append(v.Facets, fv)
	}
	for _, f := range FacetNames() {
		for _, val := range q.Filters[f] {
			v.Chips = append(v.Chips, chip{Facet: f, Value: val, Href: feedURL(toggle(base, f, val).values())})
		}
	}
	if len(v.Chips) > 0 || q.Text != "" {
		v.Clear = "/"
	}
	per := q.PerPage
	if per <= 0 {
		per = max(res.Total, 1)
	}
	v.Pages = max((res.Total+per-1)/per, 1)
	if res.Total > 0 {
		v.From = (q.Page-1)*per + 1
		v.To = v.From + len(res.Rules) - 1
	}
	if q.Page > 1 {
		p := q
		p.Page--
		v.Prev = feedURL(p.values())
	}
	if q.Page < v.Pages {
		p := q
		p.Page++
		v.Next = feedURL(p.values())
	}
	title := "SOC feed"
	if q.Text != "" {
		title = q.Text + " · SOC feed"
	}
	api := "/api/rules"
	if e := q.values().Encode(); e != "" {
		api += "?" + e
	}
	return s.render(w, "feed", pageData{Title: title, API: api, Data: v})
}

// toggle returns q with value added to or removed from the facet's filter.
func toggle(q Query, facet, value string) Query {
	out := q
	out.Filters = map[string][]string{}
	for f, vals := range q.Filters {
		out.Filters[f] = slices.Clone(vals)
	}
	if i := slices.Index(out.Filters[facet], value); i >= 0 {
		out.Filters[facet] = slices.Delete(out.Filters[facet], i, i+1)
		if len(out.Filters[facet]) == 0 {
			delete(out.Filters, facet)
		}
	} else {
		out.Filters[facet] = append(out.Filters[facet], value)
	}
	return out
}

// ruleView is the data of the rule page.
type ruleView struct {
	R         *RuleDetail
	Query     template.HTML
	Lines     []gutterLine
	Diags     []Diagnostic
	DiagTotal int
	LoadDiags []Diagnostic
	// Readiness of the rule's tables against the loaded data.
	Readiness  []Readiness
	Ready      bool
	DataLoaded bool
	History    []versionView
	HistoryErr string
	CanRun     bool
	NoRunWhy   string
	Run        *RunResult
	RunErr     string
	RunURL     string
}

type gutterLine struct {
	N   int
	Bad string // "error", "warning" or ""
}

type versionView struct {
	Version
	Lines []diffLine
}

type diffLine struct {
	Class, Text string
}

// ruleView gathers everything the rule page and the rule API show.
func (s *Server) ruleView(ctx context.Context, id string) (*ruleView, error) {
	d, err := s.cfg.Catalog.Rule(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &ruleView{R: d, Query: highlightKQL(d.Query), DataLoaded: len(s.infos) > 0,
		RunURL: "/rules/" + url.PathEscape(d.ID) + "/run"}
	v.Diags, v.DiagTotal = checkQuery(d.Query, s.cfg.Schemas, s.cfg.Funcs, s.cfg.Functions)
	if len(d.Load) > 0 {
		v.LoadDiags, _ = loadDiagnostics(d.Load, d.YAML)
	}
	bad := map[int]string{}
	for _, dg := range v.Diags {
		if bad[dg.Line] != "error" {
			bad[dg.Line] = dg.Severity
		}
	}
	n := strings.Count(d.Query, "\n") + 1
	if strings.HasSuffix(d.Query, "\n") {
		n--
	}
	for i := 1; i <= n; i++ {
		v.Lines = append(v.Lines, gutterLine{N: i, Bad: bad[i]})
	}
	v.Readiness, v.Ready = readiness(d.DataSources, s.tables, s.cfg.Data.Tables)
	hist, err := s.cfg.Catalog.History(ctx, id)
	if err != nil {
		v.HistoryErr = err.Error()
	}
	for _, h := range hist {
		vv := versionView{Version: h}
		for _, l := range strings.Split(strings.TrimRight(h.Diff, "\n"), "\n") {
			if h.Diff == "" {
				break
			}
			c := ""
			switch {
			case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
				c = "d-file"
			case strings.HasPrefix(l, "@@"):
				c = "d-hunk"
			case strings.HasPrefix(l, "+"):
				c = "d-add"
			case strings.HasPrefix(l, "-"):
				c = "d-del"
			}
			vv.Lines = append(vv.Lines, diffLine{Class: c, Text: l})
		}
		v.History = append(v.History, vv)
	}
	switch {
	case s.cfg.Runner == nil || !v.DataLoaded:
		v.NoRunWhy = "No data is loaded. Start socfeed serve with --data PATH to run rules on exported logs."
	case d.Rule == nil && len(v.LoadDiags) > 0:
		v.NoRunWhy = "The rule file has errors (see Check above); fix them to run it."
	case d.Rule == nil:
		v.NoRunWhy = "This rule has no loadable definition to run."
	default:
		v.CanRun = true
	}
	return v, nil
}

func (s *Server) rulePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.ruleView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, "rule", pageData{Title: v.R.Name, API: "/api/rules/" + url.PathEscape(v.R.ID), Data: v})
}

// runRule runs the rule with the server's runner, within the run timeout.
func (s *Server) runRule(ctx context.Context, v *ruleView) (*RunResult, error) {
	if s.cfg.Runner == nil || !v.DataLoaded {
		return nil, errNoData
	}
	if v.R.Rule == nil {
		return nil, errNoRule(v.R.ID)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RunTimeout)
	defer cancel()
	return s.cfg.Runner.Run(ctx, v.R.Rule)
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.ruleView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	status := http.StatusOK
	run, err := s.runRule(r.Context(), v)
	if err != nil {
		status, _ = errorStatus(err)
		s.logInternal(status, err)
		v.RunErr = err.Error()
	} else {
		if werr := s.recordRun(r.Context(), v, run); werr != "" {
			v.RunErr = werr
		}
		// Show the confidence as the recorded run left it.
		if nv, err := s.ruleView(r.Context(), v.R.ID); err == nil {
			nv.RunErr = v.RunErr
			v = nv
		}
		v.Run = run
	}
	s.renderStatus(w, status, "rule", pageData{Title: "Run · " + v.R.Name, Data: v})
	return nil
}

// recordRun keeps the evidence of a run when the catalog records runs. It returns a
// warning when recording failed: the run itself stands.
func (s *Server) recordRun(ctx context.Context, v *ruleView, run *RunResult) string {
	rec, ok := s.cfg.Catalog.(RunRecorder)
	if !ok {
		return ""
	}
	rr := RunRecord{Data: strings.Join(s.cfg.Data.Paths, ", "), Findings: len(run.Findings), At: time.Now().UTC()}
	for _, ds := range v.R.DataSources {
		rr.Rows += s.tables[ds.Table].Rows
	}
	if len(run.Failures) > 0 {
		rr.Err = run.Failures[0]
	}
	if err := rec.RecordRun(ctx, v.R.ID, rr); err != nil {
		return "the run was not recorded as evidence: " + err.Error()
	}
	return ""
}

// coverageView is the data of the coverage page.
type coverageView struct {
	C *Coverage
	// Layers, TacticOpts, Sources and Severities are the filter form's choices.
	Layers     []option
	TacticOpts []option
	Sources    []option
	Severities []option
	// Navigator and CSV link the exports of the view; Covered toggles covered-only.
	Navigator, CSV, Covered string
	Filtered                bool
}

// option is one choice of a filter control.
type option struct {
	Value, Label string
	Selected     bool
	Href         string // the view with this choice, for links
}

// coverage builds the coverage view r asks for.
func (s *Server) coverage(r *http.Request) (*Coverage, error) {
	f, err := parseCoverageFilter(r.URL.Query(), s.cfg.ATTACK)
	if err != nil {
		return nil, err
	}
	rules, err := s.cfg.Catalog.CoverageRules(r.Context())
	if err != nil {
		return nil, err
	}
	rows := map[string]int{}
	for _, ti := range s.infos {
		rows[ti.Name] = ti.Rows
	}
	return BuildCoverage(s.cfg.ATTACK, rules, rows, f), nil
}

func (s *Server) coveragePage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.coverage(r)
	if err != nil {
		return err
	}
	f := c.Filter
	v := coverageView{C: c, Filtered: len(f.Tactics)+len(f.Sources)+len(f.Severities) > 0}
	q := f.values().Encode()
	if q != "" {
		q = "?" + q
	}
	v.Navigator, v.CSV = "/api/coverage/navigator.json"+q, "/api/coverage.csv"+q
	cov := f
	cov.CoveredOnly = !f.CoveredOnly
	v.Covered = coverageURL(cov)
	for _, l := range LayerNames() {
		lf := f
		lf.Layer = l
		v.Layers = append(v.Layers, option{Value: l, Label: layerTitle(l), Selected: l == f.Layer, Href: coverageURL(lf)})
	}
	for _, ta := range s.cfg.ATTACK.Tactics() {
		v.TacticOpts = append(v.TacticOpts, option{Value: ta.ShortName, Label: ta.Name, Selected: slices.Contains(f.Tactics, ta.ShortName)})
	}
	for _, src := range c.Sources {
		v.Sources = append(v.Sources, option{Value: src, Label: src, Selected: slices.Contains(f.Sources, src)})
	}
	for _, sev := range c.Severities {
		label := sev
		if sev == "-" {
			label = "none"
		}
		v.Severities = append(v.Severities, option{Value: sev, Label: label, Selected: slices.Contains(f.Severities, sev)})
	}
	return s.render(w, "coverage", pageData{Title: "ATT&CK coverage", API: "/api/coverage" + q, Data: v})
}

func coverageURL(f CoverageFilter) string {
	if v := f.values(); len(v) > 0 {
		return "/coverage?" + v.Encode()
	}
	return "/coverage"
}

// navigator serves the view as an ATT&CK Navigator layer file.
func (s *Server) navigator(w http.ResponseWriter, r *http.Request) {
	s.download(w, r, "application/json; charset=utf-8", "socfeed-layer.json", NavigatorLayer)
}

// coverageCSV serves the view as CSV.
func (s *Server) coverageCSV(w http.ResponseWriter, r *http.Request) {
	s.download(w, r, "text/csv; charset=utf-8", "socfeed-coverage.csv", CoverageCSV)
}

func (s *Server) download(w http.ResponseWriter, r *http.Request, ctype, name string, encode func(*Coverage) ([]byte, error)) {
	c, err := s.coverage(r)
	var b []byte
	if err == nil {
		b, err = encode(c)
	}
	if err != nil {
		s.api(func(*http.Request) (any, []string, error) { return nil, nil, err })(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(b)
}

// dataView is the data of the data page.
type dataView struct {
	Tables []TableInfo
	Paths  []string
	// Rejected counts the records the loader set aside; RejectedBy splits them by table
	// ("" when the loader could not tell the table); Rejections are the first of them.
	Rejected   int
	RejectedBy []FacetValue
	Rejections []string
	Warnings   []string
	// Derived counts values the loader derived, by "Table.Column from Source".
	Derived []FacetValue
	// Rules by readiness: every table loaded with rows; some; none.
	Ready, Partial, Missing []ruleReadiness
	// ReadersOf counts the rules reading each table.
	ReadersOf map[string]int
	// Wanted are tables rules read that are not loaded, most wanted first.
	Wanted []FacetValue
}

type ruleReadiness struct {
	RuleSummary
	Loaded, Missing []string
}

func (s *Server) dataView(ctx context.Context) (*dataView, error) {
	res, err := s.cfg.Catalog.Search(ctx, Query{Sort: SortName, Page: 1})
	if err != nil {
		return nil, err
	}
	v := &dataView{Tables: s.infos, Paths: s.cfg.Data.Paths, ReadersOf: map[string]int{}}
	if rep := s.cfg.Data.Report; rep != nil {
		v.Rejected, v.Warnings = len(rep.Rejected), rep.Warnings
		for _, rj := range rep.Rejected[:min(len(rep.Rejected), maxRejections)] {
			v.Rejections = append(v.Rejections, rj.String())
		}
		v.RejectedBy = countsOf(rep.RejectedRows)
		v.Derived = countsOf(rep.Derived)
	}
	wanted := map[string]int{}
	for _, rs := range res.Rules {
		rr := ruleReadiness{RuleSummary: rs}
		for _, t := range rs.Tables {
			v.ReadersOf[t]++
			if ti, ok := s.tables[t]; ok && ti.Rows > 0 {
				rr.Loaded = append(rr.Loaded, t)
			} else {
				rr.Missing = append(rr.Missing, t)
				wanted[t]++
			}
		}
		switch {
		case len(rs.Tables) > 0 && len(rr.Missing) == 0:
			v.Ready = append(v.Ready, rr)
		case len(rr.Loaded) > 0:
			v.Partial = append(v.Partial, rr)
		default:
			v.Missing = append(v.Missing, rr)
		}
	}
	for t, n := range wanted {
		v.Wanted = append(v.Wanted, FacetValue{Value: t, Count: n})
	}
	sort.Slice(v.Wanted, func(i, j int) bool {
		if v.Wanted[i].Count != v.Wanted[j].Count {
			return v.Wanted[i].Count > v.Wanted[j].Count
		}
		return v.Wanted[i].Value < v.Wanted[j].Value
	})
	return v, nil
}

// maxRejections is how many rejected records the data page lists.
const maxRejections = 20

// countsOf lists a map's counts, largest first, then by name.
func countsOf(m map[string]int) []FacetValue {
	out := []FacetValue{}
	for k, n := range m {
		if n > 0 {
			out = append(out, FacetValue{Value: k, Count: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}

func (s *Server) dataPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.dataView(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, "data", pageData{Title: "Data readiness", API: "/api/data", Data: v})
}

// API handlers mirror the pages.

// apiSearch is the data of /api/rules: {"rules":[...],"total":N} with the paging and
// the facet counts.
type apiSearch struct {
	Rules  []RuleSummary `json:"rules"`
	Total  int           `json:"total"`
	Limit  int           `json:"limit"`
	Offset int           `json:"offset"`
	Facets []Facet       `json:"facets"`
}

func (s *Server) apiRules(r *http.Request) (any, []string, error) {
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		return nil, nil, err
	}
	res, err := s.cfg.Catalog.Search(r.Context(), q)
	if err != nil {
		return nil, nil, err
	}
	offset := q.Offset
	if offset == 0 {
		offset = (q.Page - 1) * q.PerPage
	}
	out := apiSearch{Total: res.Total, Limit: q.PerPage, Offset: offset, Rules: res.Rules, Facets: res.Facets}
	if out.Rules == nil {
		out.Rules = []RuleSummary{}
	}
	return out, nil, nil
}

// apiRuleData is the data of /api/rules/{id}.
type apiRuleData struct {
	*RuleDetail
	Diagnostics []string    `json:"diagnostics"`
	Readiness   []Readiness `json:"readiness"`
	Ready       bool        `json:"ready"`
	History     []Version   `json:"history"`
}

func (s *Server) apiRule(r *http.Request) (any, []string, error) {
	v, err := s.ruleView(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	out := apiRuleData{RuleDetail: v.R, Readiness: v.Readiness, Ready: v.Ready, Diagnostics: []string{}}
	for _, d := range v.Diags {
		out.Diagnostics = append(out.Diagnostics, d.String())
	}
	for _, h := range v.History {
		out.History = append(out.History, h.Version)
	}
	var warnings []string
	if v.HistoryErr != "" {
		warnings = append(warnings, "history: "+v.HistoryErr)
	}
	return out, warnings, nil
}

// apiRunData is the data of POST /api/rules/{id}/run.
type apiRunData struct {
	AsOf      time.Time      `json:"asOf"`
	Columns   []string       `json:"columns"`
	Rows      [][]string     `json:"rows"`
	TotalRows int            `json:"totalRows"`
	Findings  []apiFinding   `json:"findings"`
	Failures  []string       `json:"failures"`
	ElapsedMS float64        `json:"elapsedMs"`
	Window    map[string]any `json:"window"`
}

type apiFinding struct {
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	Rows     int      `json:"rows"`
	Entities []string `json:"entities"`
}

func (s *Server) apiRun(r *http.Request) (any, []string, error) {
	v, err := s.ruleView(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	res, err := s.runRule(r.Context(), v)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if w := s.recordRun(r.Context(), v, res); w != "" {
		warnings = append(warnings, w)
	}
	out := apiRunData{AsOf: res.AsOf, Columns: res.Columns, Rows: res.Rows, TotalRows: res.TotalRows,
		Failures: res.Failures, ElapsedMS: float64(res.Elapsed.Microseconds()) / 1000,
		Window: map[string]any{"start": nullTime(res.Window.Start), "end": nullTime(res.Window.End)}}
	for _, f := range res.Findings {
		af := apiFinding{Title: f.Title, Severity: f.Severity, Rows: len(f.Rows), Entities: []string{}}
		for _, e := range f.Entities {
			af.Entities = append(af.Entities, e.String())
		}
		out.Findings = append(out.Findings, af)
	}
	if out.Findings == nil {
		out.Findings = []apiFinding{}
	}
	if out.Rows == nil {
		out.Rows = [][]string{}
	}
	return out, warnings, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (s *Server) apiCoverage(r *http.Request) (any, []string, error) {
	c, err := s.coverage(r)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if c.Filter.Layer == LayerReady && !c.DataLoaded {
		warnings = append(warnings, "no data is loaded: no rule is data ready")
	}
	return c, warnings, nil
}

// apiDataView is the data of /api/data.
type apiDataView struct {
	Paths  []string    `json:"paths"`
	Tables []TableInfo `json:"tables"`
	// Rejected counts the records set aside; RejectedByTable splits them by table ("" for
	// records of no known table); Rejections are the first, as "file:line: reason".
	Rejected        int            `json:"rejected"`
	RejectedByTable map[string]int `json:"rejectedByTable"`
	Rejections      []string       `json:"rejections"`
	Derived         map[string]int `json:"derived"`
	Ready           []string       `json:"ready"`
	Partial         []string       `json:"partial"`
	Missing         []string       `json:"missing"`
}

func (s *Server) apiData(r *http.Request) (any, []string, error) {
	v, err := s.dataView(r.Context())
	if err != nil {
		return nil, nil, err
	}
	ids := func(rs []ruleReadiness) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	out := apiDataView{Paths: v.Paths, Tables: v.Tables, Rejected: v.Rejected, RejectedByTable: map[string]int{}, Rejections: v.Rejections,
		Derived: map[string]int{}, Ready: ids(v.Ready), Partial: ids(v.Partial), Missing: ids(v.Missing)}
	for _, c := range v.RejectedBy {
		out.RejectedByTable[c.Value] = c.Count
	}
	for _, c := range v.Derived {
		out.Derived[c.Value] = c.Count
	}
	if out.Rejections == nil {
		out.Rejections = []string{}
	}
	if out.Paths == nil {
		out.Paths = []string{}
	}
	if out.Tables == nil {
		out.Tables = []TableInfo{}
	}
	return out, v.Warnings, nil
}

// parseTemplates parses each page template with the layout.
func parseTemplates(at *attack.Catalog) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range []string{"feed", "rule", "coverage", "data", "error", "login"} {
		t, err := template.New(name).Funcs(templateFuncs(at)).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

// templateFuncs are the helpers templates call; at names techniques.
func templateFuncs(at *attack.Catalog) template.FuncMap {
	return template.FuncMap{
		"techName": func(id string) string {
			t, ok := at.Technique(id)
			if !ok {
				return ""
			}
			if t.Parent != "" {
				if p, ok := at.Technique(t.Parent); ok {
					return p.Name + ": " + t.Name
				}
			}
			return t.Name
		},
		// techURL links to the feed filtered by a technique and the sub-techniques named.
		"techURL": func(id string, ids []string) string {
			v := url.Values{"technique": {id}}
			for _, s := range ids {
				if s != id {
					v.Add("technique", s)
				}
			}
			return feedURL(v)
		},
		// facetLabel shows the feed's "-" (no value) as "none".
		"facetLabel": func(v string) string {
			if v == "-" {
				return "none"
			}
			return v
		},
		"prose":   prose,
		"ruleURL": func(id string) string { return "/rules/" + url.PathEscape(id) },
		"facetURL": func(facet, value string) string {
			return feedURL(url.Values{facet: {value}})
		},
		"lower": strings.ToLower,
		"join":  strings.Join,
		"time": func(t time.Time) string {
			if t.IsZero() {
				return "unknown"
			}
			return t.UTC().Format(time.RFC3339)
		},
		"ago": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02")
		},
		"num": func(n int) string {
			s := strconv.Itoa(n)
			for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
				s = s[:i] + "," + s[i:]
			}
			return s
		},
		"ms": func(d time.Duration) string {
			return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
		},
		"layerTitle": layerTitle,
		"heat": func(n int) string {
			switch {
			case n == 0:
				return "h0"
			case n == 1:
				return "h1"
			case n <= 3:
				return "h2"
			case n <= 9:
				return "h3"
			}
			return "h4"
		},
		"pct": func(a, b int) string {
			if b == 0 {
				return "0%"
			}
			return strconv.Itoa(a*100/b) + "%"
		},
		"sevClass": func(s string) string {
			switch strings.ToLower(s) {
			case "high":
				return "sev-high"
			case "medium":
				return "sev-med"
			case "low":
				return "sev-low"
			case "informational":
				return "sev-info"
			}
			return "sev-none"
		},
		"label": func(facet string) string {
			if facet == "" {
				return ""
			}
			return strings.ToUpper(facet[:1]) + facet[1:]
		},
		"isURL": func(s string) bool {
			u, err := url.Parse(s)
			return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
		},
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
	}
}

// prose renders text with `code spans` (as the feed's composed text writes column
// names and conditions) as <code>; everything is escaped. Text with an unpaired backtick
// is shown as it is.
func prose(s string) template.HTML {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		return template.HTML(html.EscapeString(s))
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("<code>" + html.EscapeString(p) + "</code>")
		} else {
			b.WriteString(html.EscapeString(p))
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every part is escaped
}
