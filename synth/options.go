package synth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/socfeed/socfeed/schema"
)

// Format is the shape of the files [Generate] writes.
type Format string

const (
	// FormatLA writes Log Analytics rows as JSON lines, one file per table (<Table>.jsonl):
	// every column of the table's schema, datetimes as ISO 8601 with Z, dynamic columns as
	// JSON values and string columns that hold JSON as strings.
	FormatLA Format = "la"
	// FormatDiagnostic writes diagnostic-settings envelopes (<Table>.jsonl, one record a
	// line) with Microsoft Graph camelCase properties, for the sign-in and audit tables;
	// other tables fall back to FormatLA.
	FormatDiagnostic Format = "diagnostic"
	// FormatGraph writes Microsoft Graph API pages (<Table>.page-NNN.json) for signIns and
	// directoryAudits, newest first as Graph returns them; other tables fall back to FormatLA.
	FormatGraph Format = "graph"
	// FormatCSV writes portal-style CSV exports (<Table>.csv) with a header row for every
	// table: UTF-8 byte-order mark, datetime headers suffixed " [UTC]" and datetimes as
	// "1/2/2006, 3:04:05.000 PM".
	FormatCSV Format = "csv"
)

// Options says what to generate. The zero value is usable: 50 users, 7 days, seed 0, every
// scenario, FormatLA, ending on [DefaultEnd].
type Options struct {
	Users int   // accounts in the tenant; 0 means 50; 5 to 10000
	Days  int   // days of activity ending on End; 0 means 7; at most 90
	Seed  int64 // the same options always give the same bytes
	// Scenarios names the attack scenarios to plant: nil means all of them, an empty
	// non-nil slice means none (baseline only). See [ScenarioNames].
	Scenarios []string
	Format    Format    // "" means FormatLA
	End       time.Time // the last day of data (its date in UTC); zero means DefaultEnd
	// Catalog supplies the table schemas rows are shaped by; nil means [schema.Default].
	// It must hold every table [Tables] lists.
	Catalog *schema.Catalog
}

// DefaultEnd returns the last day of data when [Options.End] is zero, fixed so that the same
// seed gives the same bytes on any day.
func DefaultEnd() time.Time { return time.Date(2026, time.November, 20, 0, 0, 0, 0, time.UTC) }

// ParseScenarioList parses a command-line scenario list: "" or "all" means every scenario
// (nil), "none" means none (an empty slice), and otherwise a comma-separated list of names.
func ParseScenarioList(s string) ([]string, error) {
	switch strings.TrimSpace(s) {
	case "", "all":
		return nil, nil
	case "none":
		return []string{}, nil
	}
	known := ScenarioNames()
	out := []string{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("unknown scenario %q: expected all, none or a list of %s", name, strings.Join(known, ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// normalize fills defaults and checks o.
func (o Options) normalize() (Options, error) {
	if o.Users == 0 {
		o.Users = 50
	}
	if o.Days == 0 {
		o.Days = 7
	}
	if o.Format == "" {
		o.Format = FormatLA
	}
	if o.Catalog == nil {
		o.Catalog = schema.Default()
	}
	for _, t := range Tables() {
		if _, ok := o.Catalog.Table(t); !ok {
			return o, fmt.Errorf("the schema catalog has no table %s", t)
		}
	}
	if o.End.IsZero() {
		o.End = DefaultEnd()
	}
	y, m, d := o.End.UTC().Date()
	o.End = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch {
	case o.Users < 5 || o.Users > 10000:
		return o, fmt.Errorf("users must be between 5 and 10000, found %d", o.Users)
	case o.Days < 1 || o.Days > 90:
		return o, fmt.Errorf("days must be between 1 and 90, found %d", o.Days)
	}
	switch o.Format {
	case FormatLA, FormatDiagnostic, FormatGraph, FormatCSV:
	default:
		return o, fmt.Errorf("unknown format %q: expected la, diagnostic, graph or csv", string(o.Format))
	}
	if o.Scenarios == nil {
		o.Scenarios = ScenarioNames()
	} else {
		known := ScenarioNames()
		var out []string
		for _, s := range o.Scenarios {
			if !slices.Contains(known, s) {
				return o, fmt.Errorf("unknown scenario %q: expected one of %s", s, strings.Join(known, ", "))
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		o.Scenarios = out
	}
	return o, nil
}
