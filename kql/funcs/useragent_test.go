package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestParseUserAgent(t *testing.T) {
	f := mustLookup(t, Default(), "parse_user_agent")
	// The reference page's two examples.
	for _, e := range f.Examples {
		var args []types.Value
		switch {
		case len(f.Examples) > 0 && e == f.Examples[0]:
			args = []types.Value{vStr("Mozilla/5.0 (Windows; U; en-US) AppleWebKit/531.9 (KHTML, like Gecko) AdobeAIR/2.5.1"), vStr("browser")}
		default:
			args = []types.Value{vStr("Mozilla/5.0 (SymbianOS/9.2; U; Series60/3.1 NokiaN81-3/10.0.032 Profile/MIDP-2.0 Configuration/CLDC-1.1 ) AppleWebKit/413 (KHTML, like Gecko) Safari/4"),
				vDyn(`["browser","os","device"]`)}
		}
		if got := dynShow(f.Scalar(&Context{}, args)); got != e.Want {
			t.Errorf("%s = %s, want %s", e.Expr, got, e.Want)
		}
	}
	tests := []struct {
		ua, target, want string
	}{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 Safari/537.36 Edg/120.0.2210.91", "browser",
			`{"Browser":{"Family":"Edge","MajorVersion":"120","MinorVersion":"0","Patch":"2210"}}`},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 Safari/537.36", "os",
			`{"OperatingSystem":{"Family":"Windows","MajorVersion":"10","MinorVersion":"","Patch":"","PatchMinor":""}}`},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1", "browser",
			`{"Browser":{"Family":"Mobile Safari","MajorVersion":"17","MinorVersion":"1","Patch":"2"}}`},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1", "os",
			`{"OperatingSystem":{"Family":"iOS","MajorVersion":"17","MinorVersion":"1","Patch":"2","PatchMinor":""}}`},
		{"Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36", "device",
			`{"Device":{"Family":"SM-S911B","Brand":"Generic_Android","Model":"SM-S911B"}}`},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:109.0) Gecko/20100101 Firefox/119.0", "browser",
			`{"Browser":{"Family":"Firefox","MajorVersion":"119","MinorVersion":"0","Patch":""}}`},
		{"Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", "browser",
			`{"Browser":{"Family":"IE","MajorVersion":"11","MinorVersion":"0","Patch":""}}`},
		{"something nobody knows", "browser",
			`{"Browser":{"Family":"Other","MajorVersion":"","MinorVersion":"","Patch":""}}`},
		{"curl/8.4.0", "nonsense", `null`},
	}
	if got := dynShow(f.Scalar(&Context{}, []types.Value{vStr("curl/8.4.0")})); got !=
		`{"Browser":{"Family":"curl","MajorVersion":"8","MinorVersion":"4","Patch":"0"},"OperatingSystem":{"Family":"Other","MajorVersion":"","MinorVersion":"","Patch":"","PatchMinor":""},"Device":{"Family":"Other","Brand":"","Model":""}}` {
		t.Errorf("parse_user_agent(curl) without look_for = %s", got)
	}
	for _, tt := range tests {
		got := dynShow(f.Scalar(&Context{}, []types.Value{vStr(tt.ua), vStr(tt.target)}))
		if got != tt.want {
			t.Errorf("parse_user_agent(%q, %q) = %s, want %s", tt.ua, tt.target, got, tt.want)
		}
	}
}
