package feed

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/kql/check"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules"
)

// AnalyzerVersion names the analysis code; the catalog re-analyses rules stored by an
// older version.
const AnalyzerVersion = "socfeed analysis v1"

// Env is what analysis needs: the ATT&CK catalog and the KQL checker's environment
// (schemas and functions). A nil field skips the parts that need it.
type Env struct {
	ATTACK *attack.Catalog
	Check  *check.Env
}

// Analysis is what socfeed learns about a rule from its YAML and its checked query. Every
// item is evidence found in the rule; nothing is guessed.
type Analysis struct {
	// Parsed reports whether the query parses; ParseErrors are "line:col: message" with
	// positions in the rule file.
	Parsed      bool     `json:"parsed"`
	ParseErrors []string `json:"parseErrors,omitempty"`
	// Checked reports whether the checker ran (the query parsed and an Env was given).
	Checked       bool     `json:"checked"`
	CheckErrors   []string `json:"checkErrors,omitempty"`
	CheckWarnings []string `json:"checkWarnings,omitempty"`

	Tables      []TableUse    `json:"tables,omitempty"`
	Filters     []Filter      `json:"filters,omitempty"`
	Joins       []Join        `json:"joins,omitempty"`
	Thresholds  []Threshold   `json:"thresholds,omitempty"`
	TimeWindows []TimeWindow  `json:"timeWindows,omitempty"`
	Entities    []Entity      `json:"entities,omitempty"`
	ATTACK      ATTACKContext `json:"attack"`
	References  []string      `json:"references,omitempty"`
}

// TableUse is a table the query reads and the columns of it the query uses.
type TableUse struct {
	Name string `json:"name"`
	// Columns are the table's columns the query refers to, sorted.
	Columns []string `json:"columns,omitempty"`
	// Known reports whether socfeed has the table's schema; columns are only known for
	// known tables.
	Known bool `json:"known"`
}

// Filter is one selection criterion: a where-clause conjunct that compares a column with
// literal values, such as `ResultType == "50126"`.
type Filter struct {
	Table  string   `json:"table,omitempty"` // the table the column belongs to, when known
	Column string   `json:"column"`          // e.g. "ResultType", "DeviceDetail.operatingSystem"
	Op     string   `json:"op"`              // "==", "has_any", "isnotempty", ...
	Values []string `json:"values,omitempty"`
	// Negated is set for criteria under not(...).
	Negated bool `json:"negated,omitempty"`
	// Text is the criterion as canonical KQL.
	Text string `json:"text"`
}

// Join is a join or lookup: its kind, the tables on each side and the keys.
type Join struct {
	Operator string    `json:"operator"` // "join" or "lookup"
	Kind     string    `json:"kind"`     // "innerunique" when the query names none
	Left     []string  `json:"left,omitempty"`
	Right    []string  `json:"right,omitempty"`
	Keys     []JoinKey `json:"keys,omitempty"`
}

// JoinKey is one equality of a join: left column == right column.
type JoinKey struct {
	Left  string `json:"left"`
	Right string `json:"right"`
}

// Threshold is a numeric bar the result must pass: a where-clause on a computed column
// (`where count_ > 5`) or the rule's alert trigger.
type Threshold struct {
	Subject string `json:"subject"` // a column, or "result count" for the trigger
	Op      string `json:"op"`
	Value   string `json:"value"`
	Text    string `json:"text"`
}

// TimeWindow is a time span the rule works with.
type TimeWindow struct {
	// Role says where it comes from: "ago" (a lookback in the query), "bin" (bucket size),
	// "let" (a let-bound span, named in Text), "series step", "queryPeriod",
	// "queryFrequency".
	Role     string        `json:"role"`
	Text     string        `json:"text"`
	Duration time.Duration `json:"duration"`
}

// Entity is a Sentinel entity the rule's results identify.
type Entity struct {
	Type    string   `json:"type"`
	Columns []string `json:"columns,omitempty"`
	// From is "entityMappings" or "customEntity" (legacy `*CustomEntity` result columns).
	From string `json:"from"`
}

// ATTACKContext is the rule's ATT&CK context, resolved against the catalog.
type ATTACKContext struct {
	// Version is the ATT&CK version of the catalog used.
	Version string `json:"version,omitempty"`
	// WrittenFor is the ATT&CK version the rule says it was written against, if it says.
	WrittenFor string         `json:"writtenFor,omitempty"`
	Tactics    []TacticRef    `json:"tactics,omitempty"`
	Techniques []TechniqueRef `json:"techniques,omitempty"`
	// Unknown lists tactic names and technique ids the catalog does not know.
	Unknown []string `json:"unknown,omitempty"`
}

// TacticRef is an ATT&CK tactic a rule lists.
type TacticRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ShortName string `json:"shortName"`
	URL       string `json:"url"`
}

// TechniqueRef is an ATT&CK technique or sub-technique a rule lists.
type TechniqueRef struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	URL        string   `json:"url"`
	Parent     string   `json:"parent,omitempty"`
	ParentName string   `json:"parentName,omitempty"`
	Tactics    []string `json:"tactics,omitempty"` // tactic short names
	Revoked    bool     `json:"revoked,omitempty"`
	Deprecated bool     `json:"deprecated,omitempty"`
}

// TableNames returns the names of the tables the query reads.
func (a *Analysis) TableNames() []string {
	var out []string
	for _, t := range a.Tables {
		out = append(out, t.Name)
	}
	return out
}

// Analyze analyses a loaded rule. text is the rule file's text (for metadata the rule
// model does not keep); it may be nil. Analyze never fails: what cannot be learned is left
// out, and parse and check errors are part of the result.
func Analyze(r *rules.Rule, text []byte, env Env) *Analysis {
	a := &Analysis{}
	a.attackContext(r, text, env.ATTACK)
	a.entities(r)
	a.references(r)
	if r.QueryFrequency > 0 {
		a.TimeWindows = append(a.TimeWindows, TimeWindow{Role: "queryFrequency", Text: rules.FormatDuration(r.QueryFrequency), Duration: r.QueryFrequency})
	}
	if r.QueryPeriod > 0 {
		a.TimeWindows = append(a.TimeWindows, TimeWindow{Role: "queryPeriod", Text: rules.FormatDuration(r.QueryPeriod), Duration: r.QueryPeriod})
	}
	if r.Kind != rules.KindHunting && r.TriggerOperator != "" {
		a.Thresholds = append(a.Thresholds, Threshold{Subject: "result count", Op: string(r.TriggerOperator),
			Value: fmt.Sprint(r.TriggerThreshold), Text: fmt.Sprintf("alert when the result count is %s %d", r.TriggerOperator, r.TriggerThreshold)})
	}
	if strings.TrimSpace(r.Query) == "" {
		return a
	}
	script, perrs := syntax.Parse(r.Query)
	at := func(p syntax.Pos) string {
		line, col := r.QueryPos(int(p))
		if line == 0 {
			line, col = syntax.LineCol(r.Query, p)
		}
		return fmt.Sprintf("%d:%d", line, col)
	}
	for _, e := range perrs {
		a.ParseErrors = append(a.ParseErrors, at(e.Pos)+": "+e.Msg)
	}
	a.Parsed = len(perrs) == 0
	var info *check.Info
	if a.Parsed && env.Check != nil {
		info = a.check(script, env.Check, at)
	}
	q := &queryAnalysis{a: a, script: script, info: info, env: env.Check, lets: map[string]*syntax.LetStmt{}}
	q.run()
	return a
}

// check runs the checker, turning a panic in it into a check error so that one rule
// cannot stop a sync.
func (a *Analysis) check(script *syntax.Script, env *check.Env, at func(syntax.Pos) string) (info *check.Info) {
	defer func() {
		if p := recover(); p != nil {
			a.Checked = false
			a.CheckErrors = append(a.CheckErrors, fmt.Sprintf("internal error in the checker: %v", p))
			info = nil
		}
	}()
	info, diags := check.Check(script, env)
	a.Checked = true
	for _, d := range diags {
		msg := at(d.Pos) + ": " + d.Msg
		if d.Severity == check.Warning {
			a.CheckWarnings = append(a.CheckWarnings, msg)
		} else {
			a.CheckErrors = append(a.CheckErrors, msg)
		}
	}
	return info
}

var attackVersionRE = regexp.MustCompile(`(?im)^\s*(?:mitre|att&?ck|attack)[ _-]?version\s*:\s*['"]?v?([0-9][0-9.]*)`)

func (a *Analysis) attackContext(r *rules.Rule, text []byte, c *attack.Catalog) {
	if m := attackVersionRE.FindSubmatch(text); m != nil {
		a.ATTACK.WrittenFor = string(m[1])
	}
	if c == nil {
		return
	}
	a.ATTACK.Version = c.Version
	for _, name := range r.Tactics {
		t, ok := c.Tactic(name)
		if !ok {
			a.ATTACK.Unknown = append(a.ATTACK.Unknown, name)
			continue
		}
		if !slices.ContainsFunc(a.ATTACK.Tactics, func(x TacticRef) bool { return x.ID == t.ID }) {
			a.ATTACK.Tactics = append(a.ATTACK.Tactics, TacticRef{ID: t.ID, Name: t.Name, ShortName: t.ShortName, URL: t.URL})
		}
	}
	for _, id := range slices.Concat(r.RelevantTechniques, r.SubTechniques) {
		id = strings.TrimSpace(id)
		if slices.ContainsFunc(a.ATTACK.Techniques, func(x TechniqueRef) bool { return x.ID == id }) {
			continue
		}
		t, ok := c.Technique(id)
		if !ok {
			a.ATTACK.Unknown = append(a.ATTACK.Unknown, id)
			continue
		}
		ref := TechniqueRef{ID: t.ID, Name: t.Name, URL: t.URL, Parent: t.Parent, Tactics: t.Tactics, Revoked: t.Revoked, Deprecated: t.Deprecated}
		if p, ok := c.Technique(t.Parent); ok && t.Parent != "" {
			ref.ParentName = p.Name
		}
		a.ATTACK.Techniques = append(a.ATTACK.Techniques, ref)
	}
}

// customEntityTypes maps the prefixes of legacy `*CustomEntity` columns that do not spell
// an entity type to the type.
var customEntityTypes = map[string]string{"algorithm": "FileHash", "cloudapp": "CloudApplication", "hostname": "Host", "user": "Account", "domain": "DNS"}

func (a *Analysis) entities(r *rules.Rule) {
	for _, m := range r.EntityMappings {
		e := Entity{Type: m.EntityType, From: "entityMappings"}
		for _, f := range m.FieldMappings {
			if f.ColumnName != "" && !slices.Contains(e.Columns, f.ColumnName) {
				e.Columns = append(e.Columns, f.ColumnName)
			}
		}
		a.Entities = append(a.Entities, e)
	}
}

// customEntity returns the entity type of a legacy `XCustomEntity` column name.
func customEntity(name string) (string, bool) {
	prefix, ok := strings.CutSuffix(name, "CustomEntity")
	if !ok || prefix == "" {
		return "", false
	}
	if t, ok := customEntityTypes[strings.ToLower(prefix)]; ok {
		return t, true
	}
	for _, t := range []string{"Account", "Host", "IP", "Malware", "File", "Process", "CloudApplication", "DNS", "AzureResource", "FileHash", "RegistryKey", "RegistryValue", "SecurityGroup", "URL", "IoTDevice", "Mailbox", "MailCluster", "MailMessage", "SubmissionMail"} {
		if strings.EqualFold(t, prefix) {
			return t, true
		}
	}
	return prefix, true
}

var urlRE = regexp.MustCompile(`https?://[^\s'"<>()\[\]{}|\\^` + "`" + `]+`)

func (a *Analysis) references(r *rules.Rule) {
	add := func(s string) {
		for _, u := range urlRE.FindAllString(s, -1) {
			u = strings.TrimRight(u, ".,;:!?'")
			if !slices.Contains(a.References, u) {
				a.References = append(a.References, u)
			}
		}
	}
	add(r.Description)
	add(r.DescriptionDetailed)
	for _, t := range r.Tags {
		add(t.Name)
		for _, f := range t.Fields {
			add(f.Value)
		}
	}
}

// queryAnalysis walks one parsed query.
type queryAnalysis struct {
	a      *Analysis
	script *syntax.Script
	info   *check.Info // nil when the query was not checked
	env    *check.Env
	lets   map[string]*syntax.LetStmt
	cols   map[string]map[string]bool // table → columns used
	tables []string                   // in order of first use
}

func (q *queryAnalysis) run() {
	q.cols = map[string]map[string]bool{}
	inspect(q.script, func(n syntax.Node, _ []syntax.Node) bool {
		if l, ok := n.(*syntax.LetStmt); ok && l.Name != nil {
			q.lets[l.Name.Name] = l
		}
		return true
	})
	for _, c := range q.script.Comments {
		for _, u := range urlRE.FindAllString(c.Text, -1) {
			u = strings.TrimRight(u, ".,;:!?'")
			if !slices.Contains(q.a.References, u) {
				q.a.References = append(q.a.References, u)
			}
		}
	}
	for name, l := range q.lets {
		if lit, ok := l.Value.(*syntax.Literal); ok && lit.Kind == syntax.LitTimespan {
			q.timeWindow("let", name+" = "+lit.Raw, lit)
		}
	}
	seenEntity := map[string]bool{}
	inspect(q.script, func(n syntax.Node, stack []syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.PipeExpr:
			for _, t := range q.tablesOf(n, 0) {
				q.useTable(t)
			}
		case *syntax.ExprStmt:
			for _, t := range q.tablesOf(n.X, 0) {
				q.useTable(t)
			}
		case *syntax.Ident:
			q.ident(n, stack)
			if t, ok := customEntity(n.Name); ok && !seenEntity[n.Name] && !q.mapped(n.Name) {
				seenEntity[n.Name] = true
				q.a.Entities = append(q.a.Entities, Entity{Type: t, Columns: []string{n.Name}, From: "customEntity"})
			}
		case *syntax.WhereOp:
			q.where(n.Pred, stack, false)
		case *syntax.JoinOp:
			q.join("join", n.Params, n.Right, n.On, stack)
		case *syntax.LookupOp:
			q.join("lookup", n.Params, n.Right, n.On, stack)
		case *syntax.MakeSeriesOp:
			if n.Step != nil {
				q.timeWindow("series step", syntax.Print(n.Step), n.Step)
			}
		case *syntax.CallExpr:
			q.call(n)
		}
		return true
	})
	for _, t := range q.tables {
		use := TableUse{Name: t, Known: q.known(t)}
		for c := range q.cols[t] {
			use.Columns = append(use.Columns, c)
		}
		sort.Strings(use.Columns)
		q.a.Tables = append(q.a.Tables, use)
	}
}

// mapped reports whether an entity mapping already names the column.
func (q *queryAnalysis) mapped(col string) bool {
	return slices.ContainsFunc(q.a.Entities, func(e Entity) bool { return slices.Contains(e.Columns, col) })
}

func (q *queryAnalysis) useTable(t string) {
	if !slices.Contains(q.tables, t) {
		q.tables = append(q.tables, t)
	}
}

func (q *queryAnalysis) known(table string) bool {
	if q.env == nil || q.env.Catalog == nil {
		return false
	}
	_, ok := q.env.Catalog.Table(table)
	return ok
}

func (q *queryAnalysis) hasColumn(table, col string) bool {
	if q.env == nil || q.env.Catalog == nil {
		return false
	}
	t, ok := q.env.Catalog.Table(table)
	if !ok {
		return false
	}
	_, ok = t.Column(col)
	return ok
}

// tablesOf returns the database tables a tabular expression reads at its root: the
// source of a pipe, through let-bound names, table("X"), unions and let functions.
func (q *queryAnalysis) tablesOf(e syntax.Expr, depth int) []string {
	if depth > 32 || e == nil {
		return nil
	}
	switch e := e.(type) {
	case *syntax.PipeExpr:
		out := q.tablesOf(e.Source, depth+1)
		for _, op := range e.Ops {
			if u, ok := op.(*syntax.UnionOp); ok {
				out = appendNew(out, q.unionTables(u, depth)...)
			}
		}
		return out
	case *syntax.ParenExpr:
		return q.tablesOf(e.X, depth+1)
	case *syntax.UnionOp:
		return q.unionTables(e, depth)
	case *syntax.MaterializeExpr:
		return q.tablesOf(e.Query, depth+1)
	case *syntax.Ident:
		if q.info != nil {
			if s, ok := q.info.Refs[e]; ok {
				switch s.Kind {
				case check.SymTable:
					return []string{s.Name}
				case check.SymColumn, check.SymScalarLet, check.SymParam, check.SymQueryParam:
					return nil
				}
			}
		}
		if l, ok := q.lets[e.Name]; ok {
			if l.Value != nil {
				return q.tablesOf(l.Value, depth+1)
			}
			return q.funcTables(l.Func, nil, depth)
		}
		if l := q.storedFunc(e.Name); l != nil {
			return q.funcTables(l.Func, nil, depth)
		}
		if strings.HasPrefix(e.Name, "$") {
			return nil
		}
		return []string{e.Name}
	case *syntax.CallExpr:
		if e.Fun == nil || e.Recv != nil {
			return nil
		}
		if e.Fun.Name == "table" && len(e.Args) > 0 {
			if lit, ok := e.Args[0].(*syntax.Literal); ok && lit.Kind == syntax.LitString {
				return []string{lit.Value}
			}
			return nil
		}
		if l, ok := q.lets[e.Fun.Name]; ok && l.Func != nil {
			return q.funcTables(l.Func, e.Args, depth)
		}
		if l := q.storedFunc(e.Fun.Name); l != nil {
			return q.funcTables(l.Func, e.Args, depth)
		}
	}
	return nil
}

// storedFunc returns the stored function (check.Env.Functions) named name: the tables
// its body reads are the rule's too (_GetWatchlist reads Watchlist).
func (q *queryAnalysis) storedFunc(name string) *syntax.LetStmt {
	if q.env == nil {
		return nil
	}
	for _, l := range q.env.Functions {
		if l.Name != nil && l.Name.Name == name && l.Func != nil {
			return l
		}
	}
	return nil
}

func (q *queryAnalysis) unionTables(u *syntax.UnionOp, depth int) []string {
	var out []string
	for _, t := range u.Tables {
		out = appendNew(out, q.tablesOf(t, depth+1)...)
	}
	return out
}

// funcTables returns the tables a let function reads: those of its body plus string
// arguments that name known tables (functions called as f("SigninLogs") that do
// table(name) inside).
func (q *queryAnalysis) funcTables(f *syntax.FuncDecl, args []syntax.Expr, depth int) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, a := range args {
		if lit, ok := a.(*syntax.Literal); ok && lit.Kind == syntax.LitString && q.known(lit.Value) {
			out = appendNew(out, lit.Value)
		}
	}
	if len(f.Body) > 0 {
		if es, ok := f.Body[len(f.Body)-1].(*syntax.ExprStmt); ok {
			for _, t := range q.tablesOf(es.X, depth+1) {
				if q.isParam(f, t) {
					continue
				}
				out = appendNew(out, t)
			}
		}
	}
	return out
}

func (q *queryAnalysis) isParam(f *syntax.FuncDecl, name string) bool {
	return slices.ContainsFunc(f.Params, func(p *syntax.Param) bool { return p.Name != nil && p.Name.Name == name })
}

// scopeTables returns the tables of the pipes enclosing a node, innermost first.
func (q *queryAnalysis) scopeTables(stack []syntax.Node) []string {
	var out []string
	for i := len(stack) - 1; i >= 0; i-- {
		if p, ok := stack[i].(*syntax.PipeExpr); ok {
			out = appendNew(out, q.tablesOf(p, 0)...)
		}
	}
	return out
}

// ident records a column reference.
func (q *queryAnalysis) ident(id *syntax.Ident, stack []syntax.Node) {
	if q.info != nil {
		if s, ok := q.info.Refs[id]; ok && s.Kind != check.SymColumn {
			return
		}
	}
	if len(stack) > 0 {
		switch p := stack[len(stack)-1].(type) {
		case *syntax.CallExpr:
			if p.Fun == id {
				return
			}
		case *syntax.OpParam:
			return
		case *syntax.SelectorExpr:
			if p.Sel == id {
				return
			}
		}
	}
	for _, t := range q.scopeTables(stack) {
		if q.hasColumn(t, id.Name) {
			q.useColumn(t, id.Name)
			return
		}
	}
}

func (q *queryAnalysis) useColumn(table, col string) {
	if q.cols[table] == nil {
		q.cols[table] = map[string]bool{}
	}
	q.cols[table][col] = true
}

// tableOfColumn returns the first table of the scope that has the column.
func (q *queryAnalysis) tableOfColumn(stack []syntax.Node, col string) string {
	base, _, _ := strings.Cut(col, ".")
	for _, t := range q.scopeTables(stack) {
		if q.hasColumn(t, base) {
			return t
		}
	}
	return ""
}

// where records the selection criteria and thresholds of a where predicate.
func (q *queryAnalysis) where(pred syntax.Expr, stack []syntax.Node, negated bool) {
	switch e := pred.(type) {
	case *syntax.ParenExpr:
		q.where(e.X, stack, negated)
		return
	case *syntax.BinaryExpr:
		if e.Op == syntax.OpAnd && !negated {
			q.where(e.X, stack, negated)
			q.where(e.Y, stack, negated)
			return
		}
	case *syntax.CallExpr:
		if e.Fun != nil && e.Fun.Name == "not" && len(e.Args) == 1 {
			q.where(e.Args[0], stack, !negated)
			return
		}
	}
	q.criterion(pred, stack, negated)
}

var orderOps = map[syntax.BinaryOp]bool{syntax.OpLt: true, syntax.OpLe: true, syntax.OpGt: true, syntax.OpGe: true}

// criterion records one conjunct of a where predicate.
func (q *queryAnalysis) criterion(e syntax.Expr, stack []syntax.Node, negated bool) {
	text := syntax.Print(e)
	if negated {
		text = "not(" + text + ")"
	}
	if mentionsTime(e) {
		return // a time filter: its spans are recorded as time windows
	}
	filter := func(col, op string, values []string) {
		q.a.Filters = append(q.a.Filters, Filter{Table: q.tableOfColumn(stack, col), Column: col, Op: op, Values: values, Negated: negated, Text: text})
	}
	switch e := e.(type) {
	case *syntax.BinaryExpr:
		col, vals, swapped := q.colAndValues(e.X, e.Y)
		if col == "" {
			return
		}
		op := e.Op
		if swapped {
			op = flipOrder(op)
		}
		base, _, _ := strings.Cut(col, ".")
		if orderOps[op] && q.tableOfColumn(stack, base) == "" && isNumber(vals) {
			q.a.Thresholds = append(q.a.Thresholds, Threshold{Subject: col, Op: op.String(), Value: vals[0], Text: text})
			return
		}
		filter(col, op.String(), vals)
	case *syntax.InExpr:
		col := colName(e.X)
		if col == "" {
			return
		}
		var vals []string
		for _, x := range e.List {
			vs, ok := q.values(x)
			if !ok {
				return
			}
			vals = append(vals, vs...)
		}
		filter(col, e.Op.String(), vals)
	case *syntax.BetweenExpr:
		col := colName(e.X)
		lo, ok1 := q.values(e.Lo)
		hi, ok2 := q.values(e.Hi)
		if col == "" || !ok1 || !ok2 {
			return
		}
		op := "between"
		if e.Not {
			op = "!between"
		}
		filter(col, op, slices.Concat(lo, hi))
	case *syntax.CallExpr:
		if e.Fun == nil || len(e.Args) != 1 {
			return
		}
		switch e.Fun.Name {
		case "isnotempty", "isempty", "isnull", "isnotnull":
			if col := colName(e.Args[0]); col != "" {
				filter(col, e.Fun.Name, nil)
			}
		}
	}
}

// mentionsTime reports whether an expression calls ago(), now() or compares
// TimeGenerated: a time filter rather than a selection criterion.
func mentionsTime(e syntax.Expr) bool {
	found := false
	inspect(e, func(n syntax.Node, _ []syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			if n.Fun != nil && (n.Fun.Name == "ago" || n.Fun.Name == "now" || n.Fun.Name == "startofday") {
				found = true
			}
		case *syntax.Ident:
			if n.Name == "TimeGenerated" || n.Name == "Timestamp" {
				found = true
			}
		}
		return !found
	})
	return found
}

// colAndValues finds a column on one side of a comparison and literal values on the other.
func (q *queryAnalysis) colAndValues(x, y syntax.Expr) (col string, vals []string, swapped bool) {
	if c := colName(x); c != "" {
		if v, ok := q.values(y); ok {
			return c, v, false
		}
	}
	if c := colName(y); c != "" {
		if v, ok := q.values(x); ok {
			return c, v, true
		}
	}
	return "", nil, false
}

func flipOrder(op syntax.BinaryOp) syntax.BinaryOp {
	switch op {
	case syntax.OpLt:
		return syntax.OpGt
	case syntax.OpGt:
		return syntax.OpLt
	case syntax.OpLe:
		return syntax.OpGe
	case syntax.OpGe:
		return syntax.OpLe
	}
	return op
}

func isNumber(vals []string) bool {
	if len(vals) != 1 {
		return false
	}
	_, ok := types.ParseReal(vals[0])
	return ok
}

// colName returns the column path an expression reads: `A`, `A.b.c`, `A["b"]`, seen
// through conversions such as tostring() and tolower(). It is "" for anything else.
func colName(e syntax.Expr) string {
	switch e := e.(type) {
	case *syntax.Ident:
		if strings.HasPrefix(e.Name, "$") {
			return ""
		}
		return e.Name
	case *syntax.ParenExpr:
		return colName(e.X)
	case *syntax.SelectorExpr:
		if x := colName(e.X); x != "" && e.Sel != nil {
			return x + "." + e.Sel.Name
		}
		if id, ok := e.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") && e.Sel != nil {
			return e.Sel.Name
		}
	case *syntax.IndexExpr:
		if lit, ok := e.Index.(*syntax.Literal); ok && lit.Kind == syntax.LitString {
			if x := colName(e.X); x != "" {
				return x + "." + lit.Value
			}
		}
	case *syntax.CallExpr:
		if e.Fun != nil && e.Recv == nil && len(e.Args) == 1 {
			switch e.Fun.Name {
			case "tostring", "tolower", "toupper", "toint", "tolong", "todouble", "toreal", "trim", "tobool", "todatetime", "toguid":
				return colName(e.Args[0])
			}
		}
	}
	return ""
}

// values returns the literal values an expression stands for: a literal, a dynamic array
// of literals, or a let-bound name of either.
func (q *queryAnalysis) values(e syntax.Expr) ([]string, bool) {
	return q.valuesDepth(e, 0)
}

func (q *queryAnalysis) valuesDepth(e syntax.Expr, depth int) ([]string, bool) {
	if depth > 16 {
		return nil, false
	}
	switch e := e.(type) {
	case *syntax.Literal:
		if e.IsNull {
			return []string{"null"}, true
		}
		if e.Kind == syntax.LitString {
			return []string{e.Value}, true
		}
		return []string{e.Raw}, true
	case *syntax.UnaryExpr:
		if lit, ok := e.X.(*syntax.Literal); ok && e.Op == syntax.UnaryMinus {
			return []string{"-" + lit.Raw}, true
		}
	case *syntax.ParenExpr:
		return q.valuesDepth(e.X, depth+1)
	case *syntax.DynamicLit:
		return q.valuesDepth(e.Value, depth+1)
	case *syntax.ArrayLit:
		var out []string
		for _, x := range e.Elems {
			v, ok := q.valuesDepth(x, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, v...)
		}
		return out, true
	case *syntax.Ident:
		if l, ok := q.lets[e.Name]; ok && l.Value != nil {
			if q.info != nil {
				if s, ok := q.info.Refs[e]; ok && s.Kind != check.SymScalarLet {
					return nil, false
				}
			}
			return q.valuesDepth(l.Value, depth+1)
		}
	case *syntax.CallExpr:
		if e.Fun != nil && e.Fun.Name == "dynamic" && len(e.Args) == 1 {
			return q.valuesDepth(e.Args[0], depth+1)
		}
	}
	return nil, false
}

// join records a join or lookup.
func (q *queryAnalysis) join(op string, params []*syntax.OpParam, right syntax.Expr, on []syntax.Expr, stack []syntax.Node) {
	j := Join{Operator: op, Kind: "innerunique"}
	if op == "lookup" {
		j.Kind = "leftouter"
	}
	for _, p := range params {
		if p.Name != nil && p.Name.Name == "kind" {
			if id, ok := p.Value.(*syntax.Ident); ok {
				j.Kind = id.Name
			}
		}
	}
	if len(stack) > 0 {
		if p, ok := stack[len(stack)-1].(*syntax.PipeExpr); ok {
			j.Left = q.tablesOf(p.Source, 0)
		}
	}
	j.Right = q.tablesOf(right, 0)
	for _, t := range slices.Concat(j.Left, j.Right) {
		q.useTable(t)
	}
	for _, k := range on {
		switch k := k.(type) {
		case *syntax.Ident:
			j.Keys = append(j.Keys, JoinKey{Left: k.Name, Right: k.Name})
		case *syntax.BinaryExpr:
			if k.Op != syntax.OpEq {
				continue
			}
			l, r := k.X, k.Y
			if side(l) == "$right" {
				l, r = r, l
			}
			lc, rc := colName(l), colName(r)
			if lc != "" && rc != "" {
				j.Keys = append(j.Keys, JoinKey{Left: lc, Right: rc})
				for _, t := range j.Right {
					if q.hasColumn(t, rc) {
						q.useColumn(t, rc)
						break
					}
				}
			}
		}
	}
	q.a.Joins = append(q.a.Joins, j)
}

// side returns "$left" or "$right" for `$left.X` and `$right.X`, else "".
func side(e syntax.Expr) string {
	if s, ok := e.(*syntax.SelectorExpr); ok {
		if id, ok := s.X.(*syntax.Ident); ok {
			return id.Name
		}
	}
	return ""
}

// call records the time spans of ago(), bin() and friends.
func (q *queryAnalysis) call(c *syntax.CallExpr) {
	if c.Fun == nil || c.Recv != nil {
		return
	}
	switch c.Fun.Name {
	case "ago":
		if len(c.Args) == 1 {
			q.timeWindow("ago", syntax.Print(c), c.Args[0])
		}
	case "bin", "floor", "bin_at":
		if len(c.Args) >= 2 {
			q.timeWindow("bin", syntax.Print(c), c.Args[1])
		}
	}
}

// timeWindow records a span when the expression is a timespan literal or a let-bound one.
func (q *queryAnalysis) timeWindow(role, text string, e syntax.Expr) {
	d, ok := q.duration(e, 0)
	if !ok {
		return
	}
	if slices.ContainsFunc(q.a.TimeWindows, func(w TimeWindow) bool { return w.Role == role && w.Text == text }) {
		return
	}
	q.a.TimeWindows = append(q.a.TimeWindows, TimeWindow{Role: role, Text: text, Duration: d})
}

func (q *queryAnalysis) duration(e syntax.Expr, depth int) (time.Duration, bool) {
	if depth > 16 {
		return 0, false
	}
	switch e := e.(type) {
	case *syntax.Literal:
		if e.Kind != syntax.LitTimespan {
			return 0, false
		}
		for _, s := range []string{e.Value, e.Raw} {
			if ticks, ok := types.ParseTimeSpan(s); ok {
				return time.Duration(ticks) * 100, true
			}
		}
	case *syntax.ParenExpr:
		return q.duration(e.X, depth+1)
	case *syntax.Ident:
		if l, ok := q.lets[e.Name]; ok && l.Value != nil {
			return q.duration(l.Value, depth+1)
		}
	}
	return 0, false
}

func appendNew(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
