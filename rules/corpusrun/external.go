package corpusrun

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
	"github.com/socfeed/socfeed/synth"
)

// LocalExternalData returns src with the network URL of every `externaldata` operator
// replaced by the path of a local file, written under dir, that holds rows generated
// for the operator's declared schema with [synth.GenericTable], in the operator's format:
// CSV (with a header row when the operator says ignoreFirstRecord=true), JSON lines for
// json and multijson, and the first column's values one a line for txt. It returns how
// many URLs it replaced. It stands in for a download socfeed does not make, to see
// whether the rest of such a query runs; the replaced query is not the rule's.
func LocalExternalData(src, dir string, rows int, seed int64) (string, int, error) {
	script, perrs := syntax.Parse(src)
	if len(perrs) > 0 {
		return src, 0, fmt.Errorf("%s", perrs[0].At(src))
	}
	type edit struct {
		from, to int
		text     string
	}
	var edits []edit
	var err error
	n := 0
	syntax.Inspect(script, func(node syntax.Node) bool {
		x, ok := node.(*syntax.ExternalDataExpr)
		if !ok || err != nil || x.Schema == nil {
			return err == nil
		}
		format, header := "csv", false
		for _, p := range x.With {
			v := strings.ToLower(strings.Trim(paramValue(p.Value), `"'`))
			switch strings.ToLower(p.Name.Name) {
			case "format":
				format = v
			case "ignorefirstrecord":
				header = v == "true"
			}
		}
		st := &schema.Table{Name: fmt.Sprintf("externaldata%d", n)}
		for _, c := range x.Schema.Columns {
			typ := types.String
			if c.Type != nil {
				t, ok := types.ParseType(c.Type.Name)
				if !ok {
					err = fmt.Errorf("externaldata: unknown type %q", c.Type.Name)
					return false
				}
				typ = t
			}
			st.Columns = append(st.Columns, schema.Column{Name: c.Name.Name, Type: typ})
		}
		for _, u := range x.URIs {
			lit, ok := u.(*syntax.Literal)
			if !ok || lit.Kind != syntax.LitString || !strings.Contains(lit.Value, "://") {
				continue
			}
			var body []byte
			body, err = externalFile(st, format, header, rows, seed+int64(n))
			if err != nil {
				return false
			}
			path := filepath.Join(dir, fmt.Sprintf("externaldata-%d.%s", n, format))
			if err = os.WriteFile(path, body, 0o600); err != nil {
				return false
			}
			edits = append(edits, edit{int(lit.ValuePos), int(lit.EndPos), `@"` + strings.ReplaceAll(path, `"`, `""`) + `"`})
			n++
		}
		return true
	})
	if err != nil {
		return src, 0, err
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.from - a.from })
	out := src
	for _, e := range edits {
		out = out[:e.from] + e.text + out[e.to:]
	}
	return out, n, nil
}

// paramValue returns the text of a with() property value.
func paramValue(e syntax.Expr) string {
	switch x := e.(type) {
	case *syntax.Literal:
		if x.Kind == syntax.LitString {
			return x.Value
		}
		return x.Raw
	case *syntax.Ident:
		return x.Name
	}
	return ""
}

// externalFile renders generated rows of st in an externaldata format.
func externalFile(st *schema.Table, format string, header bool, rows int, seed int64) ([]byte, error) {
	lines, err := synth.GenericTable(st, rows, seed, synth.GenericOptions{})
	if err != nil {
		return nil, err
	}
	if format == "json" || format == "multijson" {
		return lines, nil
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if header {
		var names []string
		for _, c := range st.Columns {
			names = append(names, c.Name)
		}
		w.Write(names)
	}
	sc := bufio.NewScanner(bytes.NewReader(lines))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		var m map[string]json.RawMessage
		if err := d.Decode(&m); err != nil {
			return nil, err
		}
		rec := make([]string, len(st.Columns))
		for i, c := range st.Columns {
			raw := m[c.Name]
			switch {
			case string(raw) == "null":
			case len(raw) > 0 && raw[0] == '"':
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return nil, err
				}
				rec[i] = s
			default:
				rec[i] = string(raw)
			}
		}
		if format == "txt" {
			b.WriteString(rec[0] + "\n")
			continue
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
