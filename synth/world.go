package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// city is a place sign-ins come from, with the address blocks its networks use.
type city struct {
	name, state, country string
	lat, lon             float64
	tzMinutes            int    // fixed UTC offset; daylight saving is ignored
	net                  string // first three octets of the /24 the place's networks use
	asn                  int
}

// Home offices, travel destinations and the places attackers come from. Coordinates are the
// city centres; the /24s are fixed per place so an IP always geolocates to one city.
var (
	offices = []city{
		{"Redmond", "Washington", "US", 47.674, -122.1215, -480, "131.107.147", 8075},
		{"New York", "New York", "US", 40.7128, -74.006, -300, "64.124.23", 6461},
		{"London", "England", "GB", 51.5072, -0.1276, 0, "81.2.69", 5089},
		{"Berlin", "Berlin", "DE", 52.52, 13.405, 60, "85.214.132", 6724},
		{"Bengaluru", "Karnataka", "IN", 12.9716, 77.5946, 330, "49.207.56", 24309},
	}
	travelCities = []city{
		{"Paris", "Paris", "FR", 48.8566, 2.3522, 60, "90.84.201", 3215},
		{"Tokyo", "Tokyo", "JP", 35.6762, 139.6503, 540, "126.78.34", 17676},
		{"Toronto", "Ontario", "CA", 43.6532, -79.3832, -300, "99.230.12", 812},
		{"Chicago", "Illinois", "US", 41.8781, -87.6298, -360, "73.45.120", 7922},
		{"Amsterdam", "North Holland", "NL", 52.3676, 4.9041, 60, "84.241.195", 1136},
		{"Singapore", "Singapore", "SG", 1.3521, 103.8198, 480, "116.86.72", 9506},
	}
	attackerCities = []city{
		{"Moscow", "Moscow", "RU", 55.7558, 37.6173, 180, "95.165.28", 25513},
		{"Lagos", "Lagos", "NG", 6.5244, 3.3792, 60, "102.89.34", 29465},
		{"Sao Paulo", "Sao Paulo", "BR", -23.5505, -46.6333, -180, "177.92.40", 28573},
		{"Ho Chi Minh City", "Ho Chi Minh", "VN", 10.8231, 106.6297, 420, "113.161.54", 45899},
		{"Bucharest", "Bucuresti", "RO", 44.4268, 26.1025, 120, "89.38.98", 9009},
		{"Pyongyang", "Pyongyang", "KP", 39.0392, 125.7625, 540, "175.45.176", 131279},
	}
	// torExit is a Tor exit relay's network: the risk engine flags it as anonymizedIPAddress.
	torExit = city{"Frankfurt am Main", "Hesse", "DE", 50.1109, 8.6821, 60, "185.220.101", 208294}
	// corpVPN is the company's own VPN egress in a cloud region: unusual country, never risky.
	corpVPN = city{"Dublin", "Dublin", "IE", 53.3498, -6.2603, 0, "20.105.38", 8075}
	// azureEast is where the tenant's service principals run.
	azureEast = city{"Boydton", "Virginia", "US", 36.6676, -78.3875, -300, "20.62.134", 8075}
)

// distanceKm is the great-circle distance between two places.
func distanceKm(a, b *city) float64 {
	const r = 6371.0
	la1, la2 := a.lat*math.Pi/180, b.lat*math.Pi/180
	dla := la2 - la1
	dlo := (b.lon - a.lon) * math.Pi / 180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// app is a first-party or tenant application users sign in to, with the resource its token is for.
type app struct {
	name, id         string
	resource, resID  string
	client           string // ClientAppUsed
	portal           bool   // opened in a browser
	adminOnly        bool   // used by admins and engineers
	nonInteractiveOK bool   // refreshes tokens in the background
}

// Real first-party application and resource ids.
var (
	appAzurePortal = &app{"Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013", "Browser", true, true, true}
	appOffice      = &app{"Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", "Mobile Apps and Desktop clients", false, false, true}
	appOfficeWeb   = &app{"OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "Browser", true, false, false}
	appTeams       = &app{"Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", "Mobile Apps and Desktop clients", false, false, true}
	appOutlook     = &app{"Microsoft Outlook", "5d661950-3475-41cd-a2c3-d671a3162bc1", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "Mobile Apps and Desktop clients", false, false, true}
	appOWA         = &app{"One Outlook Web", "9199bf20-a13f-4107-85dc-02114787ef48", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "Browser", true, false, false}
	appOneDrive    = &app{"OneDrive SyncEngine", "ab9b8c07-8f02-4f72-87fa-80105867a763", "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", "Mobile Apps and Desktop clients", false, false, true}
	appAzureCLI    = &app{"Microsoft Azure CLI", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013", "Mobile Apps and Desktop clients", false, true, true}
	appAzurePS     = &app{"Microsoft Azure PowerShell", "1950a258-227b-4e31-a9cf-717495945fc2", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013", "Mobile Apps and Desktop clients", false, true, true}
	appGraphExpl   = &app{"Graph Explorer", "de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", "Browser", true, true, false}
	appBroker      = &app{"Microsoft Authentication Broker", "29d9ed98-a469-4536-ade2-f981bc1d605e", "Device Registration Service", "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9", "Mobile Apps and Desktop clients", false, false, true}
	appEdge        = &app{"Microsoft Edge", "ecd6b820-32c2-49b6-98a6-444530e5a77a", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", "Mobile Apps and Desktop clients", false, false, true}
	appMySignins   = &app{"My Signins", "19db86c3-b2b9-44cc-b339-36da233a3be2", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", "Browser", true, false, false}

	userApps       = []*app{appOffice, appOfficeWeb, appTeams, appOutlook, appOWA, appOneDrive, appMySignins}
	adminApps      = []*app{appAzurePortal, appAzureCLI, appAzurePS}
	backgroundApps = []*app{appTeams, appOutlook, appOneDrive, appOffice, appEdge, appBroker}
)

// device is a user's machine or phone as the sign-in logs describe it.
type device struct {
	id, name, os, browser, trust string
	compliant, managed           bool
	ua                           string
	mobile                       bool
}

var (
	desktopKinds = []struct{ os, browser, trust, ua string }{
		{"Windows 10", "Edge 120.0.0", "Azure AD joined", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"},
		{"Windows10", "Chrome 121.0.0", "Hybrid Azure AD joined", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36"},
		{"MacOs", "Safari 17.2", "Azure AD registered", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15"},
		{"MacOs", "Chrome 121.0.0", "Azure AD registered", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36"},
		{"Linux", "Firefox 122.0", "", "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0"},
	}
	phoneKinds = []struct{ os, browser, ua string }{
		{"Ios 17.2.1", "Mobile Safari", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"},
		{"Android 14", "Chrome Mobile 121.0.6167", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.101 Mobile Safari/537.36"},
	}
	firstNames  = []string{"Adele", "Alex", "Allan", "Bianca", "Brian", "Camille", "Carlos", "Chen", "Diego", "Elena", "Emily", "Farah", "Grady", "Hana", "Henrietta", "Isaiah", "Johanna", "Joni", "Kenji", "Lee", "Lidia", "Lynne", "Megan", "Miriam", "Nestor", "Nora", "Omar", "Patti", "Pradeep", "Priya", "Raul", "Sakura", "Sanjay", "Sofia", "Tariq", "Uma", "Victor", "Wen", "Yara", "Zoe"}
	lastNames   = []string{"Adams", "Bauer", "Becker", "Choi", "Costa", "Diaz", "Dubois", "Evans", "Fischer", "Garcia", "Gupta", "Haddad", "Holt", "Ito", "Jensen", "Khan", "Kowalski", "Larsen", "Lopez", "Martin", "Mensah", "Muller", "Nakamura", "Nguyen", "Okafor", "Patel", "Petrov", "Quinn", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Varga", "Vance", "Wagner", "Wilber", "Zhang"}
	departments = []struct{ dept, title string }{
		{"Sales", "Account Executive"}, {"Marketing", "Marketing Manager"}, {"Engineering", "Software Engineer"},
		{"Engineering", "Senior Software Engineer"}, {"Finance", "Financial Analyst"}, {"Human Resources", "HR Generalist"},
		{"Legal", "Counsel"}, {"Operations", "Operations Coordinator"}, {"Support", "Support Engineer"},
	}
)

// role is a directory role with its real template id.
type role struct{ name, templateID, wellKnown string }

var (
	roleGlobalAdmin   = role{"Global Administrator", "62e90394-69f5-4237-9190-012177145e10", "TenantAdmins"}
	rolePrivRoleAdmin = role{"Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814", ""}
	roleUserAdmin     = role{"User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1", ""}
	roleSecurityAdmin = role{"Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d", ""}
	roleAppAdmin      = role{"Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", ""}
	roleExchangeAdmin = role{"Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de", ""}
	roleHelpdesk      = role{"Helpdesk Administrator", "729827e3-9c14-49f7-bb1b-9608f156bbb8", "HelpdeskAdmins"}
	roleGlobalReader  = role{"Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451", ""}
	roleSecReader     = role{"Security Reader", "5d6b6bb7-de71-4623-b4af-96380a352509", ""}
)

// user is one account in the tenant.
type user struct {
	id, upn, display, given, sur, dept, title string
	home                                      *city
	officeIP, homeIP                          string
	desk, phone                               device
	roles                                     []role // eligible (admins) or assigned directory roles
	admin, engineer, guest                    bool
	created                                   time.Time
}

// sp is a service principal the tenant owns.
type sp struct {
	name, appID, objID, keyID string
	credType                  string
	ip                        string
	everyMin                  int // minutes between sign-ins
}

// ca is a conditional access policy.
type ca struct{ name, id, state string }

// world is the tenant: its users, admins, service principals and policies.
type world struct {
	tenantID, domain, tenantName string
	workspaceID, subscription    string
	users                        []*user
	admins                       []*user // subset of users
	sps                          []*sp
	policies                     []ca
	roleObjIDs                   map[string]string // template id → role object id in this tenant
}

func newGUID(r *rand.Rand) string {
	var b [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (8 * i))
		b[8+i] = byte(lo >> (8 * i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const h = hexDigits
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, h[c>>4], h[c&0xf])
	}
	return string(out)
}

func hexString(r *rand.Rand, n int) string {
	out := make([]byte, n)
	for i := range out {
		out[i] = hexDigits[r.IntN(16)]
	}
	return string(out)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// hostIP returns an address in c's /24 with a host part in [lo, hi].
func hostIP(r *rand.Rand, c *city, lo, hi int) string {
	return fmt.Sprintf("%s.%d", c.net, lo+r.IntN(hi-lo+1))
}

func newWorld(r *rand.Rand, n int, start time.Time) *world {
	w := &world{
		tenantID:     newGUID(r),
		domain:       "contoso.com",
		tenantName:   "Contoso",
		workspaceID:  newGUID(r),
		subscription: newGUID(r),
		roleObjIDs:   map[string]string{},
	}
	for _, ro := range []role{roleGlobalAdmin, rolePrivRoleAdmin, roleUserAdmin, roleSecurityAdmin, roleAppAdmin, roleExchangeAdmin, roleHelpdesk, roleGlobalReader, roleSecReader} {
		w.roleObjIDs[ro.templateID] = newGUID(r)
	}
	seen := map[string]bool{}
	nAdmins := max(2, n/20)
	for i := 0; i < n; i++ {
		u := &user{id: newGUID(r)}
		u.given, u.sur = pick(r, firstNames), pick(r, lastNames)
		u.display = u.given + " " + u.sur
		local := strings.ToLower(u.given + "." + u.sur)
		for k := 2; seen[local]; k++ {
			local = fmt.Sprintf("%s.%s%d", strings.ToLower(u.given), strings.ToLower(u.sur), k)
		}
		seen[local] = true
		u.upn = local + "@" + w.domain
		// Most people work at the two big offices.
		weights := []int{35, 25, 20, 12, 8}
		x, ci := r.IntN(100), 0
		for ; x >= weights[ci]; ci++ {
			x -= weights[ci]
		}
		u.home = &offices[ci]
		u.officeIP = hostIP(r, u.home, 10, 40)
		u.homeIP = hostIP(r, u.home, 60, 250)
		d := pick(r, departments)
		u.dept, u.title = d.dept, d.title
		u.engineer = d.dept == "Engineering"
		dk := pick(r, desktopKinds)
		u.desk = device{id: newGUID(r), name: fmt.Sprintf("CONTOSO-%s%03d", strings.ToUpper(u.sur[:min(3, len(u.sur))]), r.IntN(1000)), os: dk.os, browser: dk.browser, trust: dk.trust, compliant: dk.trust != "", managed: dk.trust != "" && dk.trust != "Azure AD registered", ua: dk.ua}
		pk := pick(r, phoneKinds)
		u.phone = device{os: pk.os, browser: pk.browser, ua: pk.ua, mobile: true}
		u.created = start.AddDate(0, 0, -30-r.IntN(1500))
		if i < nAdmins {
			u.admin, u.engineer = true, true
			u.dept, u.title = "IT", "Cloud Administrator"
			u.roles = []role{roleGlobalAdmin, rolePrivRoleAdmin, roleUserAdmin, roleSecurityAdmin}
			if i > 0 {
				u.roles = []role{roleUserAdmin, roleHelpdesk, roleAppAdmin, roleExchangeAdmin}
			}
			w.admins = append(w.admins, u)
		}
		w.users = append(w.users, u)
	}
	for _, s := range []struct {
		name, cred string
		every      int
	}{{"Contoso HR Sync", "clientSecret", 60}, {"Contoso Backup Automation", "certificate", 240}, {"Contoso Monitoring Agent", "clientSecret", 30}} {
		w.sps = append(w.sps, &sp{name: s.name, appID: newGUID(r), objID: newGUID(r), keyID: newGUID(r), credType: s.cred, ip: hostIP(r, &azureEast, 2, 250), everyMin: s.every})
	}
	w.policies = []ca{
		{"Require MFA for administrators", newGUID(r), "enabled"},
		{"Require MFA for Azure management", newGUID(r), "enabled"},
		{"Block legacy authentication", newGUID(r), "enabled"},
		{"Require compliant device for Office 365", newGUID(r), "enabledForReportingButNotEnforced"},
	}
	return w
}
