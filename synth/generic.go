package synth

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

// GenericOptions says how [GenericTable] shapes its rows. The zero value is usable: 7 days
// ending on [DefaultEnd], domain contoso.com.
type GenericOptions struct {
	// End is the last day of data (its date in UTC), as in [Options.End]: rows fall before
	// the midnight that ends it. Zero means DefaultEnd.
	End time.Time
	// Days is the number of days of data ending on End; 0 means 7; at most 90. Half the
	// rows fall in the last day, so that rules with short look-backs see data.
	Days int
	// Domain is the tenant's DNS domain in user principal names, hosts and URLs; "" means
	// contoso.com.
	Domain string
}

// GenericEnd returns the instant a [GenericTable] run with opts ends: the midnight after
// opts.End's date. Every generated TimeGenerated is before it; run rules with now() there.
func GenericEnd(opts GenericOptions) time.Time {
	end := opts.End
	if end.IsZero() {
		end = DefaultEnd()
	}
	y, m, d := end.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
}

// GenericTable generates rows rows for any Log Analytics table from its schema and
// returns them as Log Analytics JSON lines (as [FormatLA] writes: every column of t, in
// schema order, with a value of the column's type or null).
//
// Values are plausible rather than random: they are chosen by column name (TimeGenerated
// spread over the days before the end, addresses in *IPAddress and *IP columns, user
// principal names in *UserPrincipalName, *Upn and e-mail columns, account names, SIDs and
// domains in Account* columns, GUIDs in *Id columns, sign-in result codes in ResultType,
// Windows event ids in EventID, ports, byte counts, hosts, files, command lines, hashes,
// URLs, user agents, and a handful of values per column for low-cardinality names such as
// *Type, *Name, Operation*, Category, Severity and ActionType). Dynamic columns hold small
// JSON values; well-known ones (TargetResources, InitiatedBy, LocationDetails,
// DeviceDetail, AdditionalFields, Properties, Entities, ...) have the shapes real rules
// read, such as TargetResources[0].modifiedProperties[0].newValue or
// InitiatedBy.user.userPrincipalName. String columns that hold JSON in Log Analytics
// (SecurityAlert's Entities and ExtendedProperties, AuthenticationDetails) hold JSON text.
//
// Each row is about one user, host and address from small pools shared by every table
// generated with the same seed, so that joins between tables find matches. Rows are in
// TimeGenerated order. The same arguments always give the same bytes.
func GenericTable(t *schema.Table, rows int, seed int64, opts GenericOptions) ([]byte, error) {
	var b bytes.Buffer
	if err := WriteGenericTable(&b, t, rows, seed, opts); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteGenericTable writes what [GenericTable] returns to w.
func WriteGenericTable(w io.Writer, t *schema.Table, rows int, seed int64, opts GenericOptions) error {
	if t == nil || t.Name == "" {
		return fmt.Errorf("expected a table schema, found none")
	}
	if rows < 0 {
		return fmt.Errorf("rows must not be negative, found %d", rows)
	}
	if opts.Days == 0 {
		opts.Days = 7
	}
	if opts.Days < 1 || opts.Days > 90 {
		return fmt.Errorf("days must be between 1 and 90, found %d", opts.Days)
	}
	if opts.Domain == "" {
		opts.Domain = "contoso.com"
	}
	for _, c := range t.Columns {
		switch c.Type {
		case types.Bool, types.Int, types.Long, types.Real, types.Decimal, types.DateTime,
			types.TimeSpan, types.String, types.Dynamic, types.GUID:
		default:
			return fmt.Errorf("table %s column %s: cannot generate values of type %s", t.Name, c.Name, c.Type)
		}
	}
	g := newGenericGen(t, seed, opts)
	names := make([]colName, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = newColName(c.Name)
	}
	var line []byte
	for _, r := range g.rows(rows) {
		line = append(line[:0], '{')
		for i, c := range t.Columns {
			if i > 0 {
				line = append(line, ',')
			}
			line = appendJSONString(line, c.Name)
			line = append(line, ':')
			v := g.value(c, names[i], r)
			if c.Type == types.String && isStructured(v) {
				line = appendJSONString(line, jsonText(v))
				continue
			}
			line = appendJSON(line, v)
		}
		line = append(line, '}', '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// gUser is a pooled account of the generic generator.
type gUser struct {
	id, upn, local, display, sid string
	ip                           string
	host                         *gHost
	place                        *city
	app                          *app
}

// gHost is a pooled machine.
type gHost struct {
	name, fqdn, id, mdeID, ip, os string
}

// genericPool is what every table generated with one seed shares.
type genericPool struct {
	tenant, workspace, subscription string
	users                           []*gUser
	hosts                           []*gHost
	extIPs                          []string // public addresses, some of them hostile
	places                          []*city
}

// genericRow is the context one row's values are drawn from.
type genericRow struct {
	at    time.Time
	u     *gUser
	peer  *gUser // another user: a target, a recipient
	host  *gHost
	ip    string // the client's address
	dstIP string // a remote address
	place *city
	fail  bool // the row records a failure
}

// genericGen holds the state of one table's generation.
type genericGen struct {
	t          *schema.Table
	o          GenericOptions
	r          *rand.Rand
	p          *genericPool
	start, end time.Time
}

func newGenericGen(t *schema.Table, seed int64, o GenericOptions) *genericGen {
	h := fnv.New64a()
	h.Write([]byte(t.Name))
	g := &genericGen{
		t: t, o: o,
		r:   rand.New(rand.NewPCG(uint64(seed), h.Sum64())),
		p:   newGenericPool(seed, o.Domain),
		end: GenericEnd(o),
	}
	g.start = g.end.AddDate(0, 0, -o.Days)
	return g
}

func newGenericPool(seed int64, domain string) *genericPool {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e4e41c))
	p := &genericPool{tenant: newGUID(r), workspace: newGUID(r), subscription: newGUID(r)}
	for _, c := range slices.Concat(offices, travelCities, attackerCities, []city{torExit, corpVPN}) {
		p.places = append(p.places, &c)
	}
	dom := strings.ToUpper(strings.Split(domain, ".")[0])
	for i := range 10 {
		os := "Windows 11"
		name := fmt.Sprintf("%s-WS%03d", dom, 100+r.IntN(900))
		switch {
		case i < 2:
			name, os = fmt.Sprintf("%s-DC%02d", dom, i+1), "Windows Server 2022"
		case i < 4:
			name, os = fmt.Sprintf("%s-SRV%02d", dom, i+1), "Windows Server 2019"
		case i == 4:
			name, os = fmt.Sprintf("lnx-web%02d", r.IntN(100)), "Linux"
		}
		p.hosts = append(p.hosts, &gHost{
			name: name, fqdn: strings.ToLower(name) + "." + domain, id: newGUID(r), mdeID: hexString(r, 40),
			ip: fmt.Sprintf("10.%d.%d.%d", 1+r.IntN(3), r.IntN(256), 10+r.IntN(240)), os: os,
		})
	}
	for i := range 12 {
		c := p.places[r.IntN(len(p.places))]
		if i < 6 {
			c = &offices[i%len(offices)]
		}
		p.extIPs = append(p.extIPs, hostIP(r, c, 2, 254))
	}
	for i := range 16 {
		given, sur := pick(r, firstNames), pick(r, lastNames)
		local := strings.ToLower(given + "." + sur)
		if i == 0 {
			local, given, sur = "admin", "Tenant", "Admin"
		}
		home := &offices[r.IntN(len(offices))]
		u := &gUser{
			id: newGUID(r), upn: local + "@" + domain, local: local, display: given + " " + sur,
			sid:  fmt.Sprintf("S-1-5-21-%d-%d-%d-%d", 1000000000+r.IntN(1000000000), 1000000000+r.IntN(1000000000), 1000000000+r.IntN(1000000000), 1100+i),
			ip:   hostIP(r, home, 2, 254),
			host: p.hosts[r.IntN(len(p.hosts))], place: home,
			app: pick(r, slices.Concat(userApps, adminApps)),
		}
		p.users = append(p.users, u)
	}
	return p
}

// rows draws the row contexts in time order.
func (g *genericGen) rows(n int) []genericRow {
	span := g.end.Sub(g.start)
	out := make([]genericRow, n)
	for i := range out {
		var at time.Time
		if g.r.IntN(2) == 0 { // the last day
			at = g.end.Add(-time.Duration(1 + g.r.Int64N(int64(24*time.Hour)-1)))
		} else {
			at = g.start.Add(time.Duration(g.r.Int64N(int64(span))))
		}
		at = at.Truncate(time.Microsecond)
		u := g.p.users[g.r.IntN(len(g.p.users))]
		rc := genericRow{at: at, u: u, peer: g.p.users[g.r.IntN(len(g.p.users))], host: u.host, place: u.place, ip: u.ip,
			dstIP: g.p.extIPs[g.r.IntN(len(g.p.extIPs))], fail: g.r.IntN(4) == 0}
		if g.r.IntN(5) == 0 { // from somewhere else
			rc.place = g.p.places[g.r.IntN(len(g.p.places))]
			rc.ip = hostIP(g.r, rc.place, 2, 254)
		}
		if g.r.IntN(3) == 0 {
			rc.host = g.p.hosts[g.r.IntN(len(g.p.hosts))]
		}
		out[i] = rc
	}
	slices.SortStableFunc(out, func(a, b genericRow) int { return a.at.Compare(b.at) })
	return out
}

// value returns the value of column c (n is its name prepared for matching) in row r: a
// Go value appendJSON writes, of c's type.
func (g *genericGen) value(c schema.Column, n colName, r genericRow) any {
	name := c.Name
	switch name {
	case "TimeGenerated", "Timestamp", "TimeCreated", "EventTime":
		if c.Type == types.DateTime {
			return r.at
		}
	case "_TimeReceived":
		if c.Type == types.DateTime {
			return r.at.Add(time.Duration(30+g.r.IntN(240)) * time.Second)
		}
	case "Type":
		if c.Type == types.String {
			return g.t.Name
		}
	case "TenantId", "AADTenantId", "AadTenantId":
		return g.typed(c.Type, g.p.tenant)
	case "_SubscriptionId", "SubscriptionId":
		return g.typed(c.Type, g.p.subscription)
	case "_ResourceId", "ResourceId", "ResourceUri", "_ResourceUri":
		if c.Type == types.String {
			return fmt.Sprintf("/subscriptions/%s/resourceGroups/soc-rg/providers/Microsoft.Compute/virtualMachines/%s", g.p.subscription, strings.ToLower(r.host.name))
		}
	case "_IsBillable":
		if c.Type == types.String {
			return "True"
		}
	case "_BilledSize":
		if c.Type == types.Real {
			return float64(300 + g.r.IntN(3000))
		}
	case "SourceSystem":
		if c.Type == types.String {
			return pick(g.r, []string{"Azure", "OpsManager", "Azure AD", "RestAPI"})
		}
	}
	key := n.key
	switch c.Type {
	case types.DateTime:
		if g.r.IntN(20) == 0 {
			return nil
		}
		switch {
		case strings.Contains(key, "received") || strings.Contains(key, "ingest") || strings.Contains(key, "processingend"):
			return r.at.Add(time.Duration(1+g.r.IntN(300)) * time.Second)
		case strings.Contains(key, "creat") || strings.Contains(key, "firstseen") || strings.Contains(key, "start"):
			return r.at.Add(-time.Duration(g.r.IntN(3600)) * time.Second)
		case strings.Contains(key, "expir") || strings.Contains(key, "valiuntil") || strings.Contains(key, "validuntil"):
			return r.at.AddDate(0, 0, 30+g.r.IntN(300))
		}
		return r.at.Add(-time.Duration(g.r.IntN(600)) * time.Second)
	case types.Bool:
		if g.r.IntN(30) == 0 {
			return nil
		}
		return g.r.IntN(4) == 0
	case types.Int, types.Long:
		if g.r.IntN(30) == 0 && !strings.Contains(key, "eventid") {
			return nil
		}
		return g.intValue(n, r)
	case types.Real:
		if g.r.IntN(30) == 0 {
			return nil
		}
		return g.realValue(n, r)
	case types.Decimal:
		return fmt.Sprintf("%d.%02d", g.r.IntN(10000), g.r.IntN(100))
	case types.TimeSpan:
		d := time.Duration(g.r.IntN(7200)) * time.Second
		return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	case types.GUID:
		return g.guidValue(n, r)
	case types.Dynamic:
		return g.dynamicValue(key, r)
	case types.String:
		if key == "eventdata" && (g.t.Name == "Event" || g.t.Name == "SecurityEvent") {
			return g.eventXML(r)
		}
		if v, ok := g.jsonString(key, r); ok {
			return v
		}
		return g.stringValue(name, n, r)
	}
	return nil
}

// typed converts a string to a value of type typ where that makes sense (GUID and string
// columns), else returns nil.
func (g *genericGen) typed(typ types.Type, s string) any {
	switch typ {
	case types.String, types.GUID:
		return s
	case types.Dynamic:
		return s
	}
	return nil
}

// columnKey is the lower-case name of a column without the type suffix custom logs add
// (_s, _d, _b, _g, _t, _CF) or underscores, for matching names.
func columnKey(name string) string {
	n := name
	for _, suf := range []string{"_s", "_d", "_b", "_g", "_t", "_CF", "_g"} {
		if len(n) > len(suf) && strings.HasSuffix(n, suf) {
			n = n[:len(n)-len(suf)]
			break
		}
	}
	return strings.ToLower(strings.ReplaceAll(n, "_", ""))
}

// columnWords splits a column name into lower-case words at underscores and case changes
// ("ClientIPAddress" → client ip address, "SHA256" → sha256, "Src_IP_s" → src ip), after
// dropping the type suffix custom logs add, so that short tokens such as ip, id or uri
// match whole words only ("GroupMembership" has no ip, "SecurityDescriptor" no uri).
func columnWords(name string) []string {
	for _, suf := range []string{"_s", "_d", "_b", "_g", "_t", "_CF"} {
		if len(name) > len(suf) && strings.HasSuffix(name, suf) {
			name = name[:len(name)-len(suf)]
			break
		}
	}
	var out []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '-' || c == '.' || c == ' ':
			flush()
			continue
		case isUpper(c) && len(cur) > 0:
			prev := cur[len(cur)-1]
			// A new word starts at an upper-case letter after a lower-case one, or at the
			// last upper-case letter of an acronym followed by a lower-case one (IPAddress).
			if isLower(prev) || isUpper(prev) && i+1 < len(name) && isLower(name[i+1]) || prev >= '0' && prev <= '9' {
				flush()
			}
		}
		cur = append(cur, c)
	}
	flush()
	return out
}
