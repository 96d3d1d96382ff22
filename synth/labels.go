package synth

import "sort"

// Labels is the answer key written next to the data as labels.json: which rows each planted
// scenario and each near miss consists of.
type Labels struct {
	Seed       int64   `json:"seed"`
	Users      int     `json:"users"`
	Days       int     `json:"days"`
	Start      string  `json:"start"` // first instant of data, RFC 3339
	End        string  `json:"end"`   // instant just after the last data, RFC 3339
	Format     Format  `json:"format"`
	Scenarios  []Label `json:"scenarios"`
	NearMisses []Label `json:"near_misses"`
}

// Label is one planted scenario or near miss. For a scenario, DetectedBy lists the rules
// that should fire on its rows; for a near miss, the rules that must not.
type Label struct {
	Name        string              `json:"name"`
	Scenario    string              `json:"scenario"` // the scenario a near miss belongs to; for a scenario, its own name
	Description string              `json:"description"`
	Techniques  []string            `json:"techniques"`
	DetectedBy  []string            `json:"detected_by"`
	Rows        map[string][]string `json:"rows"` // table → row ids (Id, or SystemAlertId for SecurityAlert)
}

// RowCount returns the number of labelled rows.
func (l *Label) RowCount() int {
	n := 0
	for _, ids := range l.Rows {
		n += len(ids)
	}
	return n
}

func (l *Label) add(table, id string) {
	if l.Rows == nil {
		l.Rows = map[string][]string{}
	}
	l.Rows[table] = append(l.Rows[table], id)
}

// Tables returns the tables l has rows in, sorted.
func (l *Label) Tables() []string {
	out := make([]string, 0, len(l.Rows))
	for t := range l.Rows {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
