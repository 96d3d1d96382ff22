package plan

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/kql/syntax"
)

func TestReducePlan(t *testing.T) {
	tests := []struct{ src, want string }{
		{`SigninLogs | reduce by UserPrincipalName`, `output #0 [Pattern:string, Count:long, Representative:string]
  reduce by UserPrincipalName#1 with threshold=0.1
    scan SigninLogs columns=[UserPrincipalName] (1 of 5)
`},
		// kind=source passes through the columns read downstream; a filter on Pattern
		// stays above the reduce, one on an input column may not move below it either
		// (the groups depend on every row).
		{`SigninLogs | reduce kind=source by IPAddress with threshold=0.5, characters="." | where ResultType == "0" | project ResultType, Pattern`,
			`output #0 [ResultType:string, Pattern:string]
  project [ResultType#2, Pattern#5]
    where (ResultType#2 == "0")
      reduce kind=source by IPAddress#3 with threshold=0.5 characters="."
        scan SigninLogs columns=[ResultType, IPAddress] (2 of 5)
`},
		// A let-bound constant is a constant.
		{`let t = 0.25; SigninLogs | reduce by IPAddress with threshold=t`, `output #0 [Pattern:string, Count:long, Representative:string]
  reduce by IPAddress#3 with threshold=0.25
    scan SigninLogs columns=[IPAddress] (1 of 5)
`},
	}
	for _, tt := range tests {
		if got := Format(build(t, tt.src, true)); got != tt.want {
			t.Errorf("Format(%q) =\n%s\nwant\n%s", tt.src, got, tt.want)
		}
	}
}

func TestReduceBuildErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`SigninLogs | reduce kind=rows by IPAddress`, `1:26: in 'reduce': expected kind=source, found kind=rows`},
		{`SigninLogs | reduce by TimeGenerated`, `1:24: in 'reduce': expected a string expression, found datetime`},
		{`SigninLogs | reduce by IPAddress with threshold=1.5`, `1:49: in 'reduce': expected a threshold between 0 and 1, found 1.5`},
		{`SigninLogs | reduce by IPAddress with threshold=-0.1`, `in 'reduce': expected a threshold between 0 and 1`},
		{`SigninLogs | reduce by IPAddress with characters=1`, `1:50: in 'reduce': expected a string of characters, found long`},
		{`let t = toscalar(SigninLogs | count); SigninLogs | reduce by IPAddress with threshold=t`, `expected a constant value`},
		{`SigninLogs | reduce by IPAddress with depth=2`, `1:39: in 'reduce': unknown property "depth"; expected threshold or characters`},
	}
	for _, tt := range tests {
		script, errs := syntax.Parse(tt.src)
		if len(errs) > 0 {
			t.Fatalf("Parse(%q): %v", tt.src, errs[0])
		}
		_, err := Build(script, testEnv())
		msg := ""
		if pe, ok := err.(*Error); ok {
			msg = pe.At(tt.src)
		} else if err != nil {
			msg = err.Error()
		}
		if !strings.Contains(msg, tt.want) {
			t.Errorf("Build(%q) error = %q, want %q", tt.src, msg, tt.want)
		}
	}
}
