package corpusrun

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
	"github.com/socfeed/socfeed/synth"
)

// ServeExternalData writes, under dir, a file for every network URL that an
// `externaldata` operator of src reads, holding rows generated for the operator's declared
// schema with [synth.GenericTable] in the operator's format: CSV (with a header row when
// the operator says ignoreFirstRecord=true), JSON lines for json and multijson, and the
// first column's values one a line for txt. Each file is named by [exec.URLKey] of its
// URL, so an [exec.Fetcher] with MapDir set to dir serves it in place of a download and
// the query runs unchanged. It returns how many URLs it served. A URL read twice with
// different schemas gets the first one's rows: give each query its own dir.
func ServeExternalData(src, dir string, rows int, seed int64) (int, error) {
	script, perrs := syntax.Parse(src)
	if len(perrs) > 0 {
		return 0, fmt.Errorf("%s", perrs[0].At(src))
	}
	var err error
	n := 0
	syntax.Inspect(script, func(node syntax.Node) bool {
		x, ok := node.(*syntax.ExternalDataExpr)
		if !ok || err != nil || x.Schema == nil {
			return err == nil
		}
		format, header := "csv", false
		for _, p := range x.With {
			v := strings.ToLower(strings.Trim(syntax.ParamText(p.Value), `"'`))
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
			path := filepath.Join(dir, exec.URLKey(lit.Value)+"."+format)
			if _, serr := os.Stat(path); serr == nil {
				continue
			}
			var body []byte
			body, err = externalFile(st, format, header, rows, seed+int64(n))
			if err != nil {
				return false
			}
			if err = os.MkdirAll(dir, 0o700); err != nil {
				return false
			}
			if err = os.WriteFile(path, body, 0o600); err != nil {
				return false
			}
			n++
		}
		return true
	})
	return n, err
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
