package exec

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/types"
)

// conformanceFloor is the number of scorable documentation examples that must pass
// strictly; it sits a little below the achieved figure so regressions fail the test.
// coreConformanceFloor is the same figure over the scorable examples outside the geo and
// graph families (see geoOrGraph), which is what issue 3 measures.
const (
	conformanceFloor     = 405
	coreConformanceFloor = 350
)

var (
	confAll = flag.Bool("conf.all", false, "log every conformance failure, not only the first of each kind")
	confGeo = flag.Bool("conf.geo", false, "also list failures of the geo and graph families")
	confRun = flag.String("conf.run", "", "run only the examples whose id matches this regexp, and print their results")
)

type docTable struct {
	Name    string     `json:"name"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

type docExample struct {
	ID            string     `json:"id"`
	Query         string     `json:"query"`
	Expected      docTable   `json:"expected"`
	ResultTables  []docTable `json:"result_tables"`
	SelfContained bool       `json:"self_contained"`
	Deterministic bool       `json:"deterministic"`
	Ordered       bool       `json:"ordered"`
	Runnable      bool       `json:"runnable"`
	Truncated     bool       `json:"truncated"`
	Malformed     bool       `json:"malformed"`
	Functions     []string   `json:"functions"`
	Operators     []string   `json:"operators"`
	Plugins       []string   `json:"plugins"`
}

// graphOperators and graphFunctions name the graph family: the graph operators and the
// functions that exist only in graph queries. The graph forms of all(), any() and map()
// are left out: any() is also an aggregate, and graph queries use graph operators anyway.
var (
	graphOperators = map[string]bool{"make-graph": true, "graph-match": true, "graph-shortest-paths": true,
		"graph-to-table": true, "graph-mark-components": true, "graph-merge": true}
	graphFunctions = map[string]bool{"inner_nodes": true, "node_degree_in": true, "node_degree_out": true,
		"node_id": true, "labels": true}
)

// geoOrGraph reports whether an example belongs to the geo family (it calls a geo_*
// function or plugin, such as geo_polygon_lookup) or the graph family (it uses a graph
// operator or graph function).
func geoOrGraph(ex docExample) bool {
	for _, p := range ex.Plugins {
		if strings.HasPrefix(p, "geo_") {
			return true
		}
	}
	for _, f := range ex.Functions {
		if strings.HasPrefix(f, "geo_") || graphFunctions[f] {
			return true
		}
	}
	for _, o := range ex.Operators {
		if graphOperators[o] {
			return true
		}
	}
	return false
}

func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func loadExamples(t *testing.T) []docExample {
	path := filepath.Join(repoRoot(t), "..", "shared", "conformance", "docs-examples.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("conformance examples not found (../shared/conformance): %v", err)
	}
	defer f.Close()
	var out []docExample
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e docExample
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("docs-examples.jsonl: %v", err)
		}
		if e.SelfContained && e.Deterministic && e.Runnable && !e.Truncated && !e.Malformed {
			out = append(out, e)
		}
	}
	return out
}

// TestConformance runs every scorable documentation example and compares its result with
// the documented output using the rules of conformance/README.md.
func TestConformance(t *testing.T) {
	exs := loadExamples(t)
	eng := &Engine{Funcs: funcs.Default(), Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Workers: 2}
	strict, lenient := 0, 0
	core, coreStrict, coreLenient := 0, 0, 0
	reasons := map[string][]string{}
	var only *regexp.Regexp
	if *confRun != "" {
		only = regexp.MustCompile(*confRun)
	}
	for _, ex := range exs {
		if only != nil && !only.MatchString(ex.ID) {
			continue
		}
		isCore := !geoOrGraph(ex)
		if isCore {
			core++
		}
		res, err := runExample(eng, ex.Query)
		var verdict string
		var lenientOK bool
		if err != nil {
			verdict = "error: " + errClass(err)
		} else {
			verdict, lenientOK = compareResult(ex, res)
		}
		if only != nil {
			t.Logf("%s: %s\n%s", ex.ID, verdict, ex.Query)
			if err == nil {
				for _, tb := range res.Tables {
					for _, c := range tb.Columns {
						t.Logf("  column %s:%s", c.Name, c.Type)
					}
					for _, r := range tb.Rows {
						var cells []string
						for _, v := range r {
							cells = append(cells, FormatValue(v))
						}
						t.Logf("  row %q", cells)
					}
				}
			}
		}
		switch {
		case verdict == "":
			strict++
			if isCore {
				coreStrict++
			}
		case lenientOK:
			lenient++
			if isCore {
				coreLenient++
			}
			if isCore || *confGeo {
				reasons["lenient only"] = append(reasons["lenient only"], ex.ID+": "+verdict)
			}
		default:
			if !isCore && !*confGeo {
				continue
			}
			reason := verdict
			if i := strings.Index(reason, ":"); i > 0 && !strings.HasPrefix(reason, "error") {
				reason = reason[:i]
			}
			reasons[reason] = append(reasons[reason], ex.ID+": "+verdict)
		}
	}
	t.Logf("conformance: %d / %d scorable examples pass strictly (%d more leniently)", strict, len(exs), lenient)
	t.Logf("conformance outside geo/graph: %d / %d pass strictly (%d more leniently)", coreStrict, core, coreLenient)
	if !*confGeo {
		t.Logf("failures below exclude the geo and graph families (-conf.geo lists them too)")
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(reasons[keys[i]]) > len(reasons[keys[j]]) })
	for _, k := range keys {
		fs := reasons[k]
		t.Logf("  %4d  %s", len(fs), k)
		show := 3
		if *confAll {
			show = len(fs)
		}
		for _, f := range fs[:min(len(fs), show)] {
			t.Logf("          %s", truncate(f, 240))
		}
	}
	if only != nil {
		return
	}
	if strict < conformanceFloor {
		t.Errorf("conformance: %d examples pass, below the floor of %d", strict, conformanceFloor)
	}
	if coreStrict < coreConformanceFloor {
		t.Errorf("conformance outside geo/graph: %d examples pass, below the floor of %d", coreStrict, coreConformanceFloor)
	}
}

func truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " | ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func runExample(eng *Engine, q string) (res *Result, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return eng.Query(ctx, q)
}

var errNoise = regexp.MustCompile(`^\d+:\d+: `)

// errClass shortens an error to its kind, for grouping failures.
func errClass(err error) string {
	msg := strings.SplitN(err.Error(), "\n", 2)[0]
	msg = errNoise.ReplaceAllString(msg, "")
	if i := strings.Index(msg, "\""); i > 0 && strings.HasPrefix(msg, "unknown") {
		return msg // keep the name: which function or table is missing
	}
	return msg
}

// compareResult returns "" when res matches the documented output strictly; otherwise the
// reason, and whether the lenient mode accepts it.
func compareResult(ex docExample, res *Result) (string, bool) {
	want := []docTable{ex.Expected}
	if len(ex.ResultTables) > 0 {
		want = ex.ResultTables
	}
	if len(res.Tables) != len(want) {
		return fmt.Sprintf("table count: got %d, want %d", len(res.Tables), len(want)), false
	}
	allLenient := true
	for i, w := range want {
		got := res.Tables[i]
		var names []string
		for _, c := range got.Columns {
			names = append(names, c.Name)
		}
		if strings.Join(names, "\x00") != strings.Join(w.Columns, "\x00") {
			return fmt.Sprintf("columns: got %v, want %v", names, w.Columns), false
		}
		if len(got.Rows) != len(w.Rows) {
			return fmt.Sprintf("row count: got %d, want %d", len(got.Rows), len(w.Rows)), false
		}
		if ok := matchRows(w.Rows, got, ex.Ordered, false); !ok {
			l := matchRows(w.Rows, got, ex.Ordered, true)
			allLenient = allLenient && l
			return "cells: " + firstDiff(w.Rows, got), l
		}
	}
	return "", allLenient
}

func firstDiff(want [][]string, got ResultTable) string {
	for i := range want {
		for j := range want[i] {
			if i < len(got.Rows) && !cellEqual(want[i][j], got.Rows[i][j], got.Columns[j].Type, false) {
				return fmt.Sprintf("row %d col %s: got %s %q, want %q", i, got.Columns[j].Name, got.Columns[j].Type, FormatValue(got.Rows[i][j]), want[i][j])
			}
		}
	}
	return "rows differ in order only"
}

// matchRows compares rows in order, or as a multiset by bipartite matching.
func matchRows(want [][]string, got ResultTable, ordered, lenient bool) bool {
	eq := func(w []string, g []types.Value) bool {
		if len(w) != len(g) {
			return false
		}
		for j := range w {
			if !cellEqual(w[j], g[j], got.Columns[j].Type, lenient) {
				return false
			}
		}
		return true
	}
	if ordered {
		for i := range want {
			if !eq(want[i], got.Rows[i]) {
				return false
			}
		}
		return true
	}
	n := len(want)
	adj := make([][]int, n)
	for i := range want {
		for j := range got.Rows {
			if eq(want[i], got.Rows[j]) {
				adj[i] = append(adj[i], j)
			}
		}
		if len(adj[i]) == 0 {
			return false
		}
	}
	matchOf := make([]int, len(got.Rows))
	for j := range matchOf {
		matchOf[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for _, j := range adj[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if matchOf[j] < 0 || try(matchOf[j], seen) {
				matchOf[j] = i
				return true
			}
		}
		return false
	}
	for i := 0; i < n; i++ {
		if !try(i, make([]bool, len(got.Rows))) {
			return false
		}
	}
	return true
}

var brTag = regexp.MustCompile(`(?i)<br\s*/?>`)

// normalizeCell applies README step 5 to an expected cell.
func normalizeCell(e string) string {
	if n := leadingTicks(e); n > 0 && len(e) >= 2*n && strings.HasSuffix(e, strings.Repeat("`", n)) {
		inner := e[n : len(e)-n]
		run := strings.Repeat("`", n)
		if !strings.Contains(inner, run) && trailingTicksExact(e, n) {
			if len(inner) >= 2 && inner[0] == ' ' && inner[len(inner)-1] == ' ' && strings.Trim(inner, " ") != "" {
				inner = inner[1 : len(inner)-1]
			}
			e = inner
		}
	}
	e = brTag.ReplaceAllString(e, "\n")
	return strings.Trim(e, " \t\r\n")
}

func leadingTicks(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

func trailingTicksExact(s string, n int) bool {
	m := 0
	for m < len(s) && s[len(s)-1-m] == '`' {
		m++
	}
	return m == n
}

// cellEqual applies README step 6 (and step 7 when lenient).
func cellEqual(raw string, a types.Value, t types.Type, lenient bool) bool {
	e := normalizeCell(raw)
	if a.IsNull() && !(a.Type == types.String) {
		return e == "" || strings.EqualFold(e, "null")
	}
	switch t {
	case types.String:
		x := strings.TrimSpace(strings.ReplaceAll(a.S, "\r\n", "\n"))
		if e == x {
			return true
		}
		if lenient {
			return collapse(e) == collapse(x)
		}
		return false
	case types.Bool:
		l := strings.ToLower(e)
		return (l == "true" || l == "false") && (l == "true") == a.Bool()
	case types.Int, types.Long, types.Real, types.Decimal:
		return numEqual(e, a, lenient)
	case types.DateTime:
		ticks, ok := parseDocDateTime(e)
		return ok && ticks == a.I
	case types.TimeSpan:
		ticks, ok := parseDocTimeSpan(e)
		return ok && ticks == a.I
	case types.GUID:
		return strings.EqualFold(e, a.S)
	case types.Dynamic:
		return dynEqual(e, a, lenient)
	}
	return e == FormatValue(a)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

var intLit = regexp.MustCompile(`^[+-]?\d+$`)

func parseDocNumber(e string) (float64, bool) {
	s := strings.TrimSpace(e)
	l := strings.ToLower(strings.TrimLeft(s, "+-"))
	neg := strings.HasPrefix(s, "-")
	switch l {
	case "nan":
		return math.NaN(), true
	case "∞", "infinity", "inf":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func numEqual(e string, a types.Value, lenient bool) bool {
	var af float64
	switch a.Type {
	case types.Int, types.Long:
		if intLit.MatchString(e) {
			w, ok := new(big.Int).SetString(strings.TrimPrefix(e, "+"), 10)
			return ok && w.Cmp(big.NewInt(a.I)) == 0
		}
		af = float64(a.I)
	case types.Real:
		af = a.F
	case types.Decimal:
		f, err := strconv.ParseFloat(a.S, 64)
		if err != nil {
			return false
		}
		af = f
	default:
		af = a.Float()
	}
	ef, ok := parseDocNumber(e)
	if !ok {
		return false
	}
	return floatsEqual(e, ef, af, lenient)
}

func floatsEqual(e string, ef, af float64, lenient bool) bool {
	if math.IsNaN(ef) || math.IsNaN(af) {
		return math.IsNaN(ef) && math.IsNaN(af)
	}
	if ef == af {
		return true
	}
	if math.IsInf(ef, 0) || math.IsInf(af, 0) {
		return false
	}
	if math.Abs(ef-af) <= 1e-9*math.Max(1, math.Max(math.Abs(ef), math.Abs(af))) {
		return true
	}
	if lenient {
		if i := strings.IndexByte(e, '.'); i >= 0 && !strings.ContainsAny(e, "eE") {
			k := len(e) - i - 1
			if k >= 1 && math.Abs(ef-af) <= 0.5*math.Pow(10, -float64(k)) {
				return true
			}
		}
	}
	return false
}

var (
	isoDT = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:\d{2})?$`)
	usDT  = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(?: ?(AM|PM|am|pm))?$`)
	docTS = regexp.MustCompile(`^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$`)
)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func fracTicks(s string) int64 {
	if s == "" {
		return 0
	}
	s = (s + "0000000")[:7]
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// parseDocDateTime reads the datetime forms README step 6 lists.
func parseDocDateTime(e string) (int64, bool) {
	if m := isoDT.FindStringSubmatch(e); m != nil {
		tm := time.Date(atoi(m[1]), time.Month(atoi(m[2])), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6]), 0, time.UTC)
		ticks := types.TicksFromTime(tm) + fracTicks(m[7])
		if z := m[8]; z != "" && z != "Z" {
			off := int64(atoi(z[1:3])*60+atoi(z[4:6])) * types.TicksPerMinute
			if z[0] == '+' {
				ticks -= off
			} else {
				ticks += off
			}
		}
		return ticks, true
	}
	if m := usDT.FindStringSubmatch(e); m != nil {
		h := atoi(m[4])
		switch strings.ToUpper(m[8]) {
		case "PM":
			if h < 12 {
				h += 12
			}
		case "AM":
			if h == 12 {
				h = 0
			}
		}
		tm := time.Date(atoi(m[3]), time.Month(atoi(m[1])), atoi(m[2]), h, atoi(m[5]), atoi(m[6]), 0, time.UTC)
		return types.TicksFromTime(tm) + fracTicks(m[7]), true
	}
	return 0, false
}

func parseDocTimeSpan(e string) (int64, bool) {
	m := docTS.FindStringSubmatch(e)
	if m == nil {
		return 0, false
	}
	t := int64(atoi(m[2]))*types.TicksPerDay + int64(atoi(m[3]))*types.TicksPerHour +
		int64(atoi(m[4]))*types.TicksPerMinute + int64(atoi(m[5]))*types.TicksPerSecond + fracTicks(m[6])
	if m[1] == "-" {
		t = -t
	}
	return t, true
}

func dynEqual(e string, a types.Value, lenient bool) bool {
	var av any
	if err := json.Unmarshal([]byte(a.S), &av); err != nil {
		return false
	}
	switch av.(type) {
	case map[string]any, []any:
		var ev any
		dec := json.NewDecoder(strings.NewReader(e))
		dec.UseNumber()
		if err := dec.Decode(&ev); err != nil {
			return false
		}
		return jsonEqual(ev, a.S, lenient)
	}
	return scalarJSONEqual(e, av, lenient)
}

func scalarJSONEqual(e string, av any, lenient bool) bool {
	switch v := av.(type) {
	case string:
		if e == v {
			return true
		}
		var s string
		if json.Unmarshal([]byte(e), &s) == nil && s == v {
			return true
		}
		return lenient && collapse(e) == collapse(v)
	case float64:
		ef, ok := parseDocNumber(e)
		return ok && floatsEqual(e, ef, v, lenient)
	case bool:
		l := strings.ToLower(e)
		return (l == "true" || l == "false") && (l == "true") == v
	case nil:
		return e == "" || strings.EqualFold(e, "null")
	}
	return false
}

// jsonEqual compares expected JSON ev with actual JSON text structurally.
func jsonEqual(ev any, actual string, lenient bool) bool {
	dec := json.NewDecoder(strings.NewReader(actual))
	dec.UseNumber()
	var av any
	if dec.Decode(&av) != nil {
		return false
	}
	return jsonValueEqual(ev, av, lenient)
}

func jsonValueEqual(e, a any, lenient bool) bool {
	switch ev := e.(type) {
	case map[string]any:
		am, ok := a.(map[string]any)
		if !ok || len(am) != len(ev) {
			return false
		}
		for k, v := range ev {
			av, ok := am[k]
			if !ok || !jsonValueEqual(v, av, lenient) {
				return false
			}
		}
		return true
	case []any:
		aa, ok := a.([]any)
		if !ok || len(aa) != len(ev) {
			return false
		}
		for i := range ev {
			if !jsonValueEqual(ev[i], aa[i], lenient) {
				return false
			}
		}
		return true
	case json.Number:
		an, ok := a.(json.Number)
		if !ok {
			return false
		}
		ef, err1 := strconv.ParseFloat(string(ev), 64)
		af, err2 := strconv.ParseFloat(string(an), 64)
		if intLit.MatchString(string(ev)) && intLit.MatchString(string(an)) {
			return string(ev) == string(an) || ef == af
		}
		return err1 == nil && err2 == nil && floatsEqual(string(ev), ef, af, lenient)
	case string:
		as, ok := a.(string)
		if !ok {
			return false
		}
		if ev == as {
			return true
		}
		t1, ok1 := parseDocDateTime(ev)
		t2, ok2 := parseDocDateTime(as)
		if !ok2 {
			if tt, ok := types.ParseDateTime(as); ok {
				t2, ok2 = tt, true
			}
		}
		return ok1 && ok2 && t1 == t2
	case bool:
		ab, ok := a.(bool)
		return ok && ab == ev
	case nil:
		return a == nil
	}
	return false
}
