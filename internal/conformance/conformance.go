// Package conformance scores socfeed against the documented KQL examples of
// ../shared/conformance/docs-examples.jsonl by the rules of that folder's README: [Load]
// reads the scorable examples, [Compare] compares a result with the documented output
// (strictly, and leniently per step 7), [GeoOrGraph] names the families issue 3 leaves out
// and [ErrClass] shortens an error for grouping failures. The engine-level test
// (kql/exec) and the CLI test (cmd/socfeed, through `socfeed query --format json`) share it.
package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/types"
)

// DocTable is a documented result table: column names and cells as text.
type DocTable struct {
	Name    string     `json:"name"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Example is one record of docs-examples.jsonl (the fields scoring uses).
type Example struct {
	ID            string     `json:"id"`
	Query         string     `json:"query"`
	Expected      DocTable   `json:"expected"`
	ResultTables  []DocTable `json:"result_tables"`
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

// Scorable reports whether the README counts ex: self-contained, deterministic, runnable,
// and documented with a whole, well-formed table.
func (ex Example) Scorable() bool {
	return ex.SelfContained && ex.Deterministic && ex.Runnable && !ex.Truncated && !ex.Malformed
}

// Want returns the documented result tables.
func (ex Example) Want() []DocTable {
	if len(ex.ResultTables) > 0 {
		return ex.ResultTables
	}
	return []DocTable{ex.Expected}
}

// Column is a result column: its name and KQL type.
type Column struct {
	Name string
	Type types.Type
}

// Table is one result table as the engine (or a client reading its JSON) sees it.
type Table struct {
	Columns []Column
	Rows    [][]types.Value
}

// Path returns the path of docs-examples.jsonl for the repository at root: it lives in
// ../shared beside the repository and is never copied into it.
func Path(root string) string {
	return filepath.Join(root, "..", "shared", "conformance", "docs-examples.jsonl")
}

// Load reads the scorable examples of the file at path, in file order.
func Load(path string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		var e Example
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if e.Scorable() {
			out = append(out, e)
		}
	}
	return out, sc.Err()
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

// GeoOrGraph reports whether an example belongs to the geo family (it calls a geo_*
// function or plugin, such as geo_polygon_lookup) or the graph family (it uses a graph
// operator or graph function).
func GeoOrGraph(ex Example) bool {
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

var errNoise = regexp.MustCompile(`^\d+:\d+: `)

// ErrClass shortens an error message to its kind, for grouping failures: its first line
// without the leading `line:col: `.
func ErrClass(msg string) string {
	msg = strings.SplitN(msg, "\n", 2)[0]
	return errNoise.ReplaceAllString(msg, "")
}

// Compare returns "" when the result tables got match the documented output strictly; otherwise the
// reason, and whether the lenient mode accepts it.
func Compare(ex Example, got []Table, format func(types.Value) string) (string, bool) {
	want := ex.Want()
	if len(got) != len(want) {
		return fmt.Sprintf("table count: got %d, want %d", len(got), len(want)), false
	}
	allLenient := true
	for i, w := range want {
		got := got[i]
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
		if ok := matchRows(w.Rows, got, ex.Ordered, false, format); !ok {
			l := matchRows(w.Rows, got, ex.Ordered, true, format)
			allLenient = allLenient && l
			return "cells: " + firstDiff(w.Rows, got, format), l
		}
	}
	return "", allLenient
}

func firstDiff(want [][]string, got Table, format func(types.Value) string) string {
	for i := range want {
		for j := range want[i] {
			if i < len(got.Rows) && !cellEqual(want[i][j], got.Rows[i][j], got.Columns[j].Type, false, format) {
				return fmt.Sprintf("row %d col %s: got %s %q, want %q", i, got.Columns[j].Name, got.Columns[j].Type, format(got.Rows[i][j]), want[i][j])
			}
		}
	}
	return "rows differ in order only"
}

// matchRows compares rows in order, or as a multiset by bipartite matching.
func matchRows(want [][]string, got Table, ordered, lenient bool, format func(types.Value) string) bool {
	eq := func(w []string, g []types.Value) bool {
		if len(w) != len(g) {
			return false
		}
		for j := range w {
			if !cellEqual(w[j], g[j], got.Columns[j].Type, lenient, format) {
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
func cellEqual(raw string, a types.Value, t types.Type, lenient bool, format func(types.Value) string) bool {
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
	return e == format(a)
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

// CellEqual reports whether the engine's value a matches the documented cell text raw, by
// the README's rules for a's type (step 6; step 7's lenient rules when lenient is set). The
// function registry's examples are compared this way.
func CellEqual(raw string, a types.Value, lenient bool, format func(types.Value) string) bool {
	return cellEqual(raw, a, a.Type, lenient, format)
}
