// Package schema holds the Log Analytics table schemas socfeed knows: table and column names
// and their KQL types, generated from Microsoft's published table reference (see
// schema/gen) and embedded in the binary. [Catalog] is the lookup type; [Default] loads the
// embedded one.
package schema

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/socfeed/socfeed/kql/types"
)

//go:generate go run ./gen -in ../../shared/schemas/la_table_schemas.json -out tables.json.gz

//go:embed tables.json.gz
var embedded []byte

// Column is one column of a table.
type Column struct {
	Name string
	Type types.Type
}

// Table is a table's name and its columns in schema order.
type Table struct {
	Name    string
	Columns []Column
	index   map[string]int
}

// Column returns the named column. Column names are case-sensitive, as in Kusto.
func (t *Table) Column(name string) (Column, bool) {
	if t.index == nil {
		t.index = make(map[string]int, len(t.Columns))
		for i, c := range t.Columns {
			t.index[c.Name] = i
		}
	}
	i, ok := t.index[name]
	if !ok {
		return Column{}, false
	}
	return t.Columns[i], true
}

// Catalog is a set of table schemas. A Catalog is read-only after construction and safe for
// concurrent use once every table's index has been built (see [Catalog.Freeze]).
type Catalog struct {
	tables map[string]*Table
	folded map[string]string // lower-case name → name, for "did you mean"
}

// NewCatalog returns a catalog of ts.
func NewCatalog(ts ...*Table) *Catalog {
	c := &Catalog{tables: make(map[string]*Table, len(ts)), folded: make(map[string]string, len(ts))}
	for _, t := range ts {
		c.Add(t)
	}
	return c
}

// Add adds or replaces a table. The table must not change afterwards: catalogs may share
// tables (every [Default] catalog shares the embedded ones).
func (c *Catalog) Add(t *Table) {
	c.tables[t.Name] = t
	c.folded[strings.ToLower(t.Name)] = t.Name
	t.Column("") // build the index now so lookups never write
}

// Table returns the named table. Table names are case-sensitive, as in Kusto.
func (c *Catalog) Table(name string) (*Table, bool) {
	t, ok := c.tables[name]
	return t, ok
}

// Suggest returns a table whose name differs from name only in case, or "".
func (c *Catalog) Suggest(name string) string { return c.folded[strings.ToLower(name)] }

// Names returns every table name, sorted.
func (c *Catalog) Names() []string {
	out := make([]string, 0, len(c.tables))
	for n := range c.tables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Len returns the number of tables.
func (c *Catalog) Len() int { return len(c.tables) }

// embeddedTables decodes the embedded schemas once; the tables are read-only afterwards.
var embeddedTables = sync.OnceValues(func() ([]*Table, error) { return decode(embedded) })

// Default returns a new Catalog of the embedded Log Analytics schemas. Each call returns a
// new catalog (sharing the read-only tables), so callers may Add to their copy freely.
func Default() *Catalog {
	ts, err := embeddedTables()
	if err != nil {
		panic("internal error: embedded schema data: " + err.Error())
	}
	return NewCatalog(ts...)
}

func decode(gz []byte) ([]*Table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	// Each entry is ["Table", [["Column", "type"], ...]].
	var entries [][]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, err
	}
	out := make([]*Table, 0, len(entries))
	for _, e := range entries {
		var name string
		var cols [][2]string
		if len(e) != 2 || json.Unmarshal(e[0], &name) != nil || json.Unmarshal(e[1], &cols) != nil {
			return nil, fmt.Errorf("malformed table entry")
		}
		t := &Table{Name: name, Columns: make([]Column, 0, len(cols))}
		for _, col := range cols {
			typ, ok := types.ParseType(col[1])
			if !ok {
				return nil, fmt.Errorf("table %s column %s: unknown type %q", name, col[0], col[1])
			}
			t.Columns = append(t.Columns, Column{Name: col[0], Type: typ})
		}
		t.Column("") // build the index before the table is shared
		out = append(out, t)
	}
	return out, nil
}
