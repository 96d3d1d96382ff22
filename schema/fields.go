package schema

import "github.com/socfeed/socfeed/kql/column"

// Fields returns the columns of the named table as executor fields, in schema order, and
// whether the catalog has the table. Planners use it for the schema of a table that holds
// no data (it has the shape of exec.Engine.PlanEnv's argument).
func (c *Catalog) Fields(name string) ([]column.Field, bool) {
	t, ok := c.Table(name)
	if !ok {
		return nil, false
	}
	fs := make([]column.Field, len(t.Columns))
	for i, col := range t.Columns {
		fs[i] = column.Field{Name: col.Name, Type: col.Type}
	}
	return fs, true
}
