package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Level says whether a [Diagnostic] stops a rule from being used.
type Level int

const (
	// Error marks a problem that makes the rule wrong or unusable.
	Error Level = iota
	// Warning marks a problem worth fixing that does not stop the rule.
	Warning
)

// String returns "error" or "warning".
func (l Level) String() string {
	if l == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found while loading or checking a rule, with the position
// in the rule file it refers to. Line and Col are 1-based; Col counts bytes. A zero Line
// means the problem concerns the whole file.
type Diagnostic struct {
	File     string
	Line     int
	Col      int
	Severity Level
	Msg      string
}

// String formats the diagnostic as "file:line:col: message", leaving out the parts that
// are unknown. Warnings carry a "warning: " prefix on the message.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		b.WriteString(":")
	}
	if d.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", d.Line, max(d.Col, 1))
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	return b.String()
}

// Diagnostics is a list of problems, usually sorted by file and position.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an [Error].
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors returns the diagnostics of level [Error].
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(Error) }

// Warnings returns the diagnostics of level [Warning].
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(Warning) }

func (ds Diagnostics) filter(l Level) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == l {
			out = append(out, d)
		}
	}
	return out
}

// String joins the diagnostics, one per line.
func (ds Diagnostics) String() string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Sort orders the diagnostics by file, line and column, keeping the order of
// diagnostics at the same position.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}
