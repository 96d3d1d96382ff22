package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/socfeed/socfeed/attack"
)

// Loader loads rule files. The zero Loader checks syntax, types and values; set ATTACK
// to also check tactics and techniques against an ATT&CK catalog.
type Loader struct {
	// ATTACK, when not nil, is used to warn about unknown tactics, unknown, revoked or
	// deprecated technique ids, and techniques none of whose tactics the rule lists.
	ATTACK *attack.Catalog
	// HuntingFolder says the files come from a hunting-queries folder (`Hunting Queries/`
	// of an Azure-Sentinel checkout or of a solution; see [InHuntingFolder]). Sentinel
	// deploys every file of such a folder as a hunting query, so the loader reads it as
	// one whatever its `kind` says, and warns about `kind` and the scheduling keys
	// instead of requiring a severity and a schedule. [Loader.LoadDir] sets it per file.
	HuntingFolder bool
}

// LoadFile reads and loads one rule file: YAML (.yaml, .yml) or a plain KQL hunting query
// (.kql). See [Loader.Load].
func (l Loader) LoadFile(path string) (*Rule, Diagnostics) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, Diagnostics{{File: path, Severity: Error, Msg: errText(err)}}
	}
	if strings.EqualFold(fileExt(path), ".kql") {
		return l.LoadKQL(path, text)
	}
	return l.Load(path, text)
}

// LoadKQL makes a hunting query from a plain KQL file: the whole text is the query and
// the file name without its extension is the name and the id.
func (l Loader) LoadKQL(file string, text []byte) (*Rule, Diagnostics) {
	src := newSource(text)
	name := baseName(file)
	r := &Rule{File: file, Kind: KindHunting, ID: name, Name: name, Query: string(text), Keys: map[string]Pos{}}
	offs := make([]int, len(text)+1)
	for i := range offs {
		offs[i] = i
	}
	r.query = queryMap{src: src, offs: offs}
	var ds Diagnostics
	if strings.TrimSpace(r.Query) == "" {
		ds = append(ds, Diagnostic{File: file, Severity: Error, Msg: "file holds no query"})
	}
	return r, ds
}

// Load decodes one rule from YAML text. It returns the rule, as complete as the text
// allows, and every problem found, sorted by position: unknown keys are warnings; YAML
// syntax errors, wrong types, bad values and missing required keys are errors. The rule
// is nil only when the text is not a YAML mapping. file names the text in diagnostics.
func (l Loader) Load(file string, text []byte) (*Rule, Diagnostics) {
	d := &decoder{file: file, src: newSource(text), huntingFolder: l.HuntingFolder}
	r := d.decode(text)
	if r != nil && l.ATTACK != nil {
		d.checkATTACK(r, l.ATTACK)
	}
	d.diags.Sort()
	return r, d.diags
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// decoder turns one YAML document into a Rule, collecting diagnostics.
type decoder struct {
	file  string
	src   *source
	diags Diagnostics
	keys  map[string]*yaml.Node // top-level value nodes by key
	// huntingFolder is [Loader.HuntingFolder].
	huntingFolder bool
	// huntingEntities are the entity mappings of types only hunting queries may map; they
	// are judged once the rule's kind is known.
	huntingEntities []huntingEntity
}

func (d *decoder) pos(n *yaml.Node) Pos {
	off := d.src.offset(n.Line, n.Column)
	return d.src.pos(off)
}

func (d *decoder) report(l Level, p Pos, format string, args ...any) {
	d.diags = append(d.diags, Diagnostic{File: d.file, Line: p.Line, Col: p.Col, Severity: l, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.report(Error, d.pos(n), format, args...)
}

func (d *decoder) warnf(n *yaml.Node, format string, args ...any) {
	d.report(Warning, d.pos(n), format, args...)
}

var yamlErrLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (d *decoder) decode(text []byte) *Rule {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			d.report(Error, Pos{}, "file holds no rule: it is empty")
			return nil
		}
		d.yamlError(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.warnf(&extra, "file holds more than one YAML document; only the first is read")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = resolve(root)
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "expected a mapping of rule keys, found %s", describe(root))
		return nil
	}
	r := &Rule{File: d.file, Keys: map[string]Pos{}}
	d.keys = map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		if first, dup := r.Keys[k.Value]; dup {
			d.errorf(k, "duplicate key '%s' (first at line %d)", k.Value, first.Line)
			continue
		}
		r.Keys[k.Value] = d.pos(k)
		d.keys[k.Value] = v
		d.field(r, k, v)
	}
	d.kind(r)
	d.required(r, root)
	d.crossChecks(r)
	return r
}

func (d *decoder) yamlError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		if sub := yamlErrLine.FindStringSubmatch(strings.TrimPrefix(m, "yaml: ")); sub != nil {
			line, _ := strconv.Atoi(sub[1])
			p := Pos{Line: line, Col: 1}
			if strings.Contains(sub[2], "tab character") {
				p = d.firstTab(line)
			}
			d.report(Error, p, "invalid YAML: %s", sub[2])
			continue
		}
		d.report(Error, Pos{}, "invalid YAML: %s", strings.TrimPrefix(m, "yaml: "))
	}
}

// firstTab returns the position of the first tab in the indentation of a line at or after
// line: yaml.v3 reports tab errors at the line before the tab.
func (d *decoder) firstTab(line int) Pos {
	for l := max(line, 1); l <= len(d.src.lines); l++ {
		for off := d.src.lines[l-1]; off < len(d.src.text); off++ {
			c := d.src.text[off]
			if c == '\t' {
				return d.src.pos(off)
			}
			if c != ' ' {
				break
			}
		}
	}
	return Pos{Line: line, Col: 1}
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// describe names the type of a node for "expected X, found Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!int":
			return "the integer " + n.Value
		case "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!timestamp":
			return "the timestamp " + n.Value
		}
		return fmt.Sprintf("the string %q", clip(n.Value))
	}
	return "an alias"
}

func clip(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + "..."
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// str decodes a string value. Null gives "" and true; other types are errors.
func (d *decoder) str(key string, n *yaml.Node) (string, bool) {
	if isNull(n) {
		return "", true
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.errorf(n, "in '%s': expected a string, found %s", key, describe(n))
		return "", false
	}
	return n.Value, true
}

// strList decodes a list of strings; null gives an empty list.
func (d *decoder) strList(key string, n *yaml.Node) []string {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "in '%s': expected a list of strings, found %s", key, describe(n))
		return nil
	}
	var out []string
	for _, e := range n.Content {
		e = resolve(e)
		if isNull(e) {
			d.warnf(e, "in '%s': empty list entry", key)
			continue
		}
		if s, ok := d.str(key, e); ok {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) boolean(key string, n *yaml.Node) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, "in '%s': expected true or false, found %s", key, describe(n))
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		d.errorf(n, "in '%s': expected true or false, found %s", key, describe(n))
		return false, false
	}
	return b, true
}

func (d *decoder) integer(key string, n *yaml.Node) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		d.errorf(n, "in '%s': expected an integer, found %s", key, describe(n))
		return 0, false
	}
	var v int
	if err := n.Decode(&v); err != nil {
		d.errorf(n, "in '%s': integer %s is out of range", key, n.Value)
		return 0, false
	}
	return v, true
}

func (d *decoder) duration(key string, n *yaml.Node) (time.Duration, bool) {
	s, ok := d.str(key, n)
	if !ok {
		return 0, false
	}
	v, err := ParseDuration(s)
	if err != nil {
		d.errorf(n, "in '%s': %v", key, err)
		return 0, false
	}
	return v, true
}

// mapping walks the keys of a mapping value, warning about unknown keys; fn decodes a
// known key and returns false for an unknown one.
func (d *decoder) mapping(where string, n *yaml.Node, known []string, fn func(k string, kn, v *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "in '%s': expected a mapping, found %s", where, describe(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if line, dup := seen[k.Value]; dup {
			d.errorf(k, "in '%s': duplicate key '%s' (first at line %d)", where, k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		if !slices.Contains(known, k.Value) {
			d.unknownKey(where, k, known)
			continue
		}
		fn(k.Value, k, v)
	}
	return true
}

func (d *decoder) unknownKey(where string, k *yaml.Node, known []string) {
	in := ""
	if where != "" {
		in = fmt.Sprintf(" in '%s'", where)
	}
	if where == "" {
		// names the Sentinel API (ARM templates) uses for rule-file keys
		api := map[string]string{"displayName": "name", "techniques": "relevantTechniques", "sentinelEntityMappings": "sentinelEntitiesMappings"}
		if s, ok := api[k.Value]; ok {
			d.warnf(k, "unknown key '%s'; rule files call it '%s'", k.Value, s)
			return
		}
	}
	if s := suggest(k.Value, known); s != "" {
		d.warnf(k, "unknown key '%s'%s; did you mean '%s'?", k.Value, in, s)
		return
	}
	d.warnf(k, "unknown key '%s'%s", k.Value, in)
}

// suggest returns the known word closest to w (same letters ignoring case, or at most
// two edits apart), or "".
func suggest(w string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if strings.EqualFold(k, w) {
			return k
		}
		if dist := editDistance(strings.ToLower(w), strings.ToLower(k)); dist < bestDist && len(k) > 3 {
			best, bestDist = k, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func fileExt(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 || strings.ContainsAny(path[i:], `/\`) {
		return ""
	}
	return path[i:]
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		path = path[i+1:]
	}
	return strings.TrimSuffix(path, fileExt(path))
}
