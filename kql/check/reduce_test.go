package check

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReduce(t *testing.T) {
	tests := []struct {
		src    string
		schema string   // comma-separated Name:type, when there are no errors
		errs   []string // diagnostics
	}{
		{src: "SigninLogs | reduce by UserPrincipalName", schema: "Pattern:string, Count:long, Representative:string"},
		{src: "SigninLogs | reduce by UserPrincipalName with threshold=0.2, characters='@.'",
			schema: "Pattern:string, Count:long, Representative:string"},
		{src: "SigninLogs | project IPAddress, ResultType | reduce kind=source by IPAddress with (threshold=0.5)",
			schema: "IPAddress:string, ResultType:string, Pattern:string"},
		{src: "SigninLogs | project Pattern = 1, IPAddress | reduce kind=source by IPAddress", schema: "Pattern:string, IPAddress:string"},
		{src: "SigninLogs | reduce by tostring(LocationDetails.city)", schema: "Pattern:string, Count:long, Representative:string"},
		{src: "SigninLogs | reduce kind=aggregate by IPAddress", errs: []string{"1:26: in 'reduce': expected kind=source, found kind=aggregate"}},
		{src: "SigninLogs | reduce by TimeGenerated", errs: []string{"1:24: in 'reduce': expected a string expression, found datetime"}},
		{src: "SigninLogs | reduce by Nope", errs: []string{"1:24: unknown column 'Nope'"}},
		{src: "SigninLogs | reduce by IPAddress with threshold='x'", errs: []string{"1:49: in 'reduce': expected a real threshold, found string"}},
		{src: "SigninLogs | reduce by IPAddress with characters=1", errs: []string{"1:50: in 'reduce': expected a string of characters, found long"}},
		{src: "SigninLogs | reduce by IPAddress with size=1", errs: []string{"1:39: in 'reduce': unknown property 'size'; expected threshold or characters"}},
	}
	for _, tt := range tests {
		script, info, ds := checkSrc(t, tt.src)
		if diff := cmp.Diff(tt.errs, formatDiags(tt.src, ds)); diff != "" {
			t.Errorf("Check(%q) diagnostics (-want +got):\n%s", tt.src, diff)
			continue
		}
		if tt.errs != nil {
			continue
		}
		if got := strings.Join(lastSchema(script, info), ", "); got != tt.schema {
			t.Errorf("Check(%q) schema = %s, want %s", tt.src, got, tt.schema)
		}
	}
}
