package feed

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// LoadedTable describes one table of loaded data.
type LoadedTable struct {
	Rows int
	// Columns are the table's column names; nil when unknown (then no column is reported
	// missing).
	Columns []string
}

// TableState says whether loaded data provides a table.
type TableState string

// Table states.
const (
	TablePresent TableState = "present" // loaded, with rows
	TableEmpty   TableState = "empty"   // loaded, without rows
	TableMissing TableState = "missing" // not loaded
)

// TableReadiness is one required table against the loaded data.
type TableReadiness struct {
	Table string     `json:"table"`
	State TableState `json:"state"`
	Rows  int        `json:"rows"`
	// Present and Missing split the columns the rule uses; Missing is empty when the
	// loaded columns are unknown.
	Present []string `json:"present,omitempty"`
	Missing []string `json:"missing,omitempty"`
}

// Readiness says whether loaded data can run a rule.
type Readiness struct {
	// Ready is true when every table the rule reads is loaded with rows and has every
	// column the rule uses.
	Ready  bool             `json:"ready"`
	Tables []TableReadiness `json:"tables"`
}

// CheckReadiness compares a rule's required tables and columns with loaded tables (by
// name; table and column names compare case-sensitively, as in KQL).
func CheckReadiness(a *Analysis, loaded map[string]LoadedTable) Readiness {
	rd := Readiness{Ready: a != nil && len(a.Tables) > 0}
	if a == nil {
		return rd
	}
	for _, t := range a.Tables {
		tr := TableReadiness{Table: t.Name}
		lt, ok := loaded[t.Name]
		switch {
		case !ok:
			tr.State = TableMissing
			tr.Missing = slices.Clone(t.Columns)
		case lt.Rows == 0:
			tr.State = TableEmpty
		default:
			tr.State = TablePresent
			tr.Rows = lt.Rows
		}
		if ok {
			for _, c := range t.Columns {
				if lt.Columns == nil || slices.Contains(lt.Columns, c) {
					tr.Present = append(tr.Present, c)
				} else {
					tr.Missing = append(tr.Missing, c)
				}
			}
		}
		if tr.State != TablePresent || len(tr.Missing) > 0 {
			rd.Ready = false
		}
		rd.Tables = append(rd.Tables, tr)
	}
	return rd
}

// RuleReadiness is one rule's readiness.
type RuleReadiness struct {
	RuleRef
	Readiness
}

// Readiness checks every current rule against loaded tables, in name order.
func (c *Catalog) Readiness(ctx context.Context, loaded map[string]LoadedTable) ([]RuleReadiness, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT r.key, r.name, a.analysis FROM rules r JOIN analysis a ON a.rule = r.id WHERE r.removed = 0 ORDER BY r.name COLLATE NOCASE, r.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RuleReadiness
	for rows.Next() {
		var rr RuleReadiness
		var text string
		if err := rows.Scan(&rr.Key, &rr.Name, &text); err != nil {
			return nil, err
		}
		var a Analysis
		if err := json.Unmarshal([]byte(text), &a); err != nil {
			return nil, fmt.Errorf("rule %s: stored analysis: %v", rr.Key, err)
		}
		rr.Readiness = CheckReadiness(&a, loaded)
		out = append(out, rr)
	}
	return out, rows.Err()
}
