package funcs

import (
	"regexp"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// parse_user_agent follows the ua-parser project's uap-core conventions that Kusto uses:
// the same family names ("Chrome Mobile", "Mobile Safari", "Mac OS X", "Other" when
// nothing matches) and the same result shape. Kusto matches against uap-core's full
// regexes.yaml (well over a thousand patterns); socfeed carries the patterns below, which
// cover the browsers, systems and devices seen in sign-in and proxy logs (Edge, Chrome,
// Firefox, Safari, Opera, Samsung Internet, Internet Explorer, common tools and crawlers;
// Windows, macOS, iOS, Android, Chrome OS, Linux; Apple devices and Android models) plus
// the reference page's examples. A user agent outside them is reported as "Other", as
// uap-core reports any agent it does not know; it is never guessed.

// uaRule is one pattern: the family (with $1-style references to groups) and the groups
// holding the version parts (0 for none); for devices, brand and model templates.
type uaRule struct {
	re                  *regexp.Regexp
	family              string
	major, minor, patch int
	patchMinor          int
	brand, model        string
	// versions overrides the parsed version parts (Windows NT 6.1 is Windows 7).
	versions []string
}

type uaParser struct {
	browsers, systems, devices []uaRule
}

func newUAParser() *uaParser {
	r := regexp.MustCompile
	return &uaParser{
		browsers: []uaRule{
			{re: r(`(?:Googlebot)/(\d+)\.(\d+)`), family: "Googlebot", major: 1, minor: 2},
			{re: r(`(?i)(bingbot)/(\d+)\.(\d+)`), family: "bingbot", major: 2, minor: 3},
			{re: r(`\bEdgA/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Edge Mobile", major: 1, minor: 2, patch: 3},
			{re: r(`\bEdgiOS/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Edge Mobile", major: 1, minor: 2, patch: 3},
			{re: r(`\bEdge?/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Edge", major: 1, minor: 2, patch: 3},
			{re: r(`\bOPR/(\d+)\.(\d+)(?:\.(\d+))?.*Mobile`), family: "Opera Mobile", major: 1, minor: 2, patch: 3},
			{re: r(`\bOPR/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Opera", major: 1, minor: 2, patch: 3},
			{re: r(`^Opera/.*Version/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Opera", major: 1, minor: 2, patch: 3},
			{re: r(`SamsungBrowser/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Samsung Internet", major: 1, minor: 2, patch: 3},
			{re: r(`FxiOS/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Firefox iOS", major: 1, minor: 2, patch: 3},
			{re: r(`Mobile.*Firefox/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Firefox Mobile", major: 1, minor: 2, patch: 3},
			{re: r(`Firefox/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Firefox", major: 1, minor: 2, patch: 3},
			{re: r(`CriOS/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Chrome Mobile iOS", major: 1, minor: 2, patch: 3},
			{re: r(`; wv\).*Chrome/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Chrome Mobile WebView", major: 1, minor: 2, patch: 3},
			{re: r(`HeadlessChrome/(\d+)\.(\d+)(?:\.(\d+))?`), family: "HeadlessChrome", major: 1, minor: 2, patch: 3},
			{re: r(`Chrome/(\d+)\.(\d+)(?:\.(\d+))?.* Mobile`), family: "Chrome Mobile", major: 1, minor: 2, patch: 3},
			{re: r(`Chrome/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Chrome", major: 1, minor: 2, patch: 3},
			{re: r(`MSIE (\d+)\.(\d+)`), family: "IE", major: 1, minor: 2},
			{re: r(`Trident/\d+\.\d+.*rv:(\d+)\.(\d+)`), family: "IE", major: 1, minor: 2},
			{re: r(`AdobeAIR/(\d+)\.(\d+)(?:\.(\d+))?`), family: "AdobeAIR", major: 1, minor: 2, patch: 3},
			{re: r(`Series60/(\d+)\.(\d+).*AppleWebKit`), family: "Nokia OSS Browser", major: 1, minor: 2},
			{re: r(`(?:iPhone|iPad|iPod).*Version/(\d+)\.(\d+)(?:\.(\d+))?.*Mobile.*Safari`), family: "Mobile Safari", major: 1, minor: 2, patch: 3},
			{re: r(`(?:iPhone|iPad|iPod).*AppleWebKit`), family: "Mobile Safari UI/WKWebView"},
			{re: r(`Version/(\d+)\.(\d+)(?:\.(\d+))?.*Safari/`), family: "Safari", major: 1, minor: 2, patch: 3},
			{re: r(`^curl/(\d+)\.(\d+)(?:\.(\d+))?`), family: "curl", major: 1, minor: 2, patch: 3},
			{re: r(`^Wget/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Wget", major: 1, minor: 2, patch: 3},
			{re: r(`^python-requests/(\d+)\.(\d+)(?:\.(\d+))?`), family: "Python Requests", major: 1, minor: 2, patch: 3},
			{re: r(`^okhttp/(\d+)\.(\d+)(?:\.(\d+))?`), family: "okhttp", major: 1, minor: 2, patch: 3},
		},
		systems: []uaRule{
			{re: r(`Windows Phone (\d+)\.(\d+)`), family: "Windows Phone", major: 1, minor: 2},
			{re: r(`Windows NT 10\.0`), family: "Windows", versions: []string{"10"}},
			{re: r(`Windows NT 6\.3`), family: "Windows", versions: []string{"8", "1"}},
			{re: r(`Windows NT 6\.2`), family: "Windows", versions: []string{"8"}},
			{re: r(`Windows NT 6\.1`), family: "Windows", versions: []string{"7"}},
			{re: r(`Windows NT 6\.0`), family: "Windows", versions: []string{"Vista"}},
			{re: r(`Windows NT 5\.1`), family: "Windows", versions: []string{"XP"}},
			{re: r(`(?:iPhone|iPad|iPod).*? OS (\d+)_(\d+)(?:_(\d+))?`), family: "iOS", major: 1, minor: 2, patch: 3},
			{re: r(`CrOS [a-z0-9_]+ (\d+)\.(\d+)(?:\.(\d+))?`), family: "Chrome OS", major: 1, minor: 2, patch: 3},
			{re: r(`Mac OS X (\d+)[_.](\d+)(?:[_.](\d+))?`), family: "Mac OS X", major: 1, minor: 2, patch: 3},
			{re: r(`Android[ -/]?(\d+)(?:\.(\d+))?(?:\.(\d+))?`), family: "Android", major: 1, minor: 2, patch: 3},
			{re: r(`SymbianOS/(\d+)\.(\d+)`), family: "Symbian OS", major: 1, minor: 2},
			{re: r(`Ubuntu(?:/(\d+)\.(\d+))?`), family: "Ubuntu", major: 1, minor: 2},
			{re: r(`Linux`), family: "Linux"},
		},
		devices: []uaRule{
			{re: r(`(?i)bot\b|crawler|spider`), family: "Spider", brand: "Spider", model: "Desktop"},
			{re: r(`iPad`), family: "iPad", brand: "Apple", model: "iPad"},
			{re: r(`iPod`), family: "iPod", brand: "Apple", model: "iPod"},
			{re: r(`iPhone`), family: "iPhone", brand: "Apple", model: "iPhone"},
			{re: r(`Macintosh`), family: "Mac", brand: "Apple", model: "Mac"},
			{re: r(`Nokia(N[A-Za-z0-9]+)(-\d+)?`), family: "Nokia $1", brand: "Nokia", model: "$1$2"},
			{re: r(`Android[ -/]?[\d.]*; (?:[a-zA-Z]{2}[-_][a-zA-Z]{2}; )?([^;)]+?)(?: Build/|\))`), family: "$1", brand: "Generic_Android", model: "$1"},
		},
	}
}

// uaMatch applies the first matching rule: family, the version parts and, for devices,
// brand and model. ok is false when no rule matches.
func uaMatch(rules []uaRule, ua string) (family string, versions [4]string, brand, model string, ok bool) {
	for _, rule := range rules {
		m := rule.re.FindStringSubmatchIndex(ua)
		if m == nil {
			continue
		}
		expand := func(tmpl string) string {
			return strings.TrimSpace(string(rule.re.ExpandString(nil, tmpl, ua, m)))
		}
		group := func(i int) string {
			if i == 0 || 2*i+1 >= len(m) || m[2*i] < 0 {
				return ""
			}
			return ua[m[2*i]:m[2*i+1]]
		}
		versions = [4]string{group(rule.major), group(rule.minor), group(rule.patch), group(rule.patchMinor)}
		copy(versions[:], rule.versions)
		return expand(rule.family), versions, expand(rule.brand), expand(rule.model), true
	}
	return "Other", [4]string{}, "", "", false
}

// parseUserAgent implements parse_user_agent(user_agent[, look_for]): look_for is
// "browser", "os" or "device", or a dynamic array of them (all three when left out); an
// unknown target gives null.
func (p *uaParser) parseUserAgent(_ *Context, args []types.Value) types.Value {
	ua := text(args[0])
	var targets []string
	if len(args) < 2 {
		// Kusto.Language lets look_for be left out; socfeed then reports all three.
		targets = []string{"browser", "os", "device"}
	} else if args[1].Type == types.Dynamic {
		j, ok := dynArray(args[1])
		if !ok {
			if s := types.DynamicScalar(types.JSON(args[1].S)); s.Type == types.String {
				targets = []string{s.S}
			}
		}
		for _, e := range dynElems(j) {
			targets = append(targets, dynText(e))
		}
	} else {
		targets = []string{text(args[1])}
	}
	if len(targets) == 0 {
		return types.NullOf(types.Dynamic)
	}
	var packed []types.Value
	str := types.NewString
	for _, tgt := range targets {
		switch strings.ToLower(strings.TrimSpace(tgt)) {
		case "browser":
			fam, v, _, _, _ := uaMatch(p.browsers, ua)
			packed = append(packed, str("Browser"), dynBagPack(nil, []types.Value{
				str("Family"), str(fam), str("MajorVersion"), str(v[0]), str("MinorVersion"), str(v[1]), str("Patch"), str(v[2])}))
		case "os":
			fam, v, _, _, _ := uaMatch(p.systems, ua)
			packed = append(packed, str("OperatingSystem"), dynBagPack(nil, []types.Value{
				str("Family"), str(fam), str("MajorVersion"), str(v[0]), str("MinorVersion"), str(v[1]),
				str("Patch"), str(v[2]), str("PatchMinor"), str(v[3])}))
		case "device":
			fam, _, brand, model, _ := uaMatch(p.devices, ua)
			packed = append(packed, str("Device"), dynBagPack(nil, []types.Value{
				str("Family"), str(fam), str("Brand"), str(brand), str("Model"), str(model)}))
		default:
			return types.NullOf(types.Dynamic)
		}
	}
	return dynBagPack(nil, packed)
}

// userAgentFuncs declares parse_user_agent.
func userAgentFuncs() []*Func {
	p := newUAParser()
	return []*Func{{
		Name: "parse_user_agent", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
		Result: returns("parse_user_agent", types.Dynamic, argString, argString),
		Doc:    "the browser, operating system and/or device a user-agent string names, as uap-core families and versions",
		Examples: []Example{
			ex(`parse_user_agent("Mozilla/5.0 (Windows; U; en-US) AppleWebKit/531.9 (KHTML, like Gecko) AdobeAIR/2.5.1", "browser")`,
				`{"Browser":{"Family":"AdobeAIR","MajorVersion":"2","MinorVersion":"5","Patch":"1"}}`),
			ex(`parse_user_agent("Mozilla/5.0 (SymbianOS/9.2; U; Series60/3.1 NokiaN81-3/10.0.032 Profile/MIDP-2.0 Configuration/CLDC-1.1 ) AppleWebKit/413 (KHTML, like Gecko) Safari/4", dynamic(["browser","os","device"]))`,
				`{"Browser":{"Family":"Nokia OSS Browser","MajorVersion":"3","MinorVersion":"1","Patch":""},"OperatingSystem":{"Family":"Symbian OS","MajorVersion":"9","MinorVersion":"2","Patch":"","PatchMinor":""},"Device":{"Family":"Nokia N81","Brand":"Nokia","Model":"N81-3"}}`),
		},
		Scalar: p.parseUserAgent,
	}}
}
