package synth

import (
	"fmt"
	"strings"
	"time"
)

// Scenario names, as Options.Scenarios and labels.json spell them.
const (
	ScenarioUnfamiliarSigninRoleChange = "unfamiliar-signin-role-change"
	ScenarioPasswordSpray              = "password-spray"
	ScenarioBruteForceSuccess          = "brute-force-success"
	ScenarioMFAFatigue                 = "mfa-fatigue"
	ScenarioImpossibleTravel           = "impossible-travel"
	ScenarioAnonymousIP                = "anonymous-ip-signin"
	ScenarioRoleOutsidePIM             = "role-assigned-outside-pim"
	ScenarioIllicitConsent             = "illicit-consent-grant"
	ScenarioSPCredentialAdded          = "sp-credential-added"
	ScenarioCAPolicyWeakened           = "ca-policy-weakened"
	ScenarioGuestInvitedUsed           = "guest-invited-used"
)

// SeedRuleID is the id of the seed hunting query, "Unfamiliar Signin Correlation with
// AzurePortal Signin Attempts and AuditLogs", which detects
// [ScenarioUnfamiliarSigninRoleChange].
const SeedRuleID = "6962473c-bcb8-421d-a0db-826078cad280"

// ScenarioInfo describes one attack scenario synth can plant.
type ScenarioInfo struct {
	Name        string
	Description string
	Techniques  []string // ATT&CK technique ids
	RuleID      string   // the starter rule written to detect it
}

type scenario struct {
	name, description, rule string
	techniques              []string
	plant                   func(g *gen, day time.Time) (Label, []Label)
}

func scenarioTable() []scenario {
	return []scenario{
		{ScenarioUnfamiliarSigninRoleChange, "Identity Protection raises \"Unfamiliar sign-in properties\" for an admin; the same account fails Azure Portal sign-ins with 50126 from that IP, gets in, creates an account and adds it to a directory role", SeedRuleID, []string{"T1078.004", "T1110.001", "T1098.003"}, plantSeedChain},
		{ScenarioPasswordSpray, "one IP tries one or two passwords against 25 accounts in half an hour (50126, one 50053 lockout)", "9d08dd39-bfef-40ea-b13c-31694b0fe431", []string{"T1110.003"}, plantSpray},
		{ScenarioBruteForceSuccess, "one IP fails 25 times against one account with 50126, then signs in", "0f101975-3d64-4acf-8ffc-f82cc9aab1e7", []string{"T1110.001"}, plantBruteForce},
		{ScenarioMFAFatigue, "the right password from a foreign IP, twelve MFA pushes denied or ignored (500121), then one approved", "fec57f95-6a26-4c27-83f5-a02048b88d3c", []string{"T1621"}, plantMFAFatigue},
		{ScenarioImpossibleTravel, "two successful sign-ins 25 minutes apart from places thousands of kilometres apart; Identity Protection \"Atypical travel\"", "2a7f5367-2500-4698-96b5-88cb1a977e77", []string{"T1078.004"}, plantImpossibleTravel},
		{ScenarioAnonymousIP, "a sign-in from a Tor exit node: RiskEventTypes_V2 anonymizedIPAddress, AADUserRiskEvents and the \"Anonymous IP address\" alert", "03d373d8-9628-4d06-84c9-66760fb15170", []string{"T1090.003", "T1078.004"}, plantAnonymousIP},
		{ScenarioRoleOutsidePIM, "a user made Global Administrator directly in the directory (Core Directory \"Add member to role\" by a user), bypassing PIM", "ccd35f05-839d-4a35-95b2-b5e9deee82ad", []string{"T1098.003"}, plantRoleOutsidePIM},
		{ScenarioIllicitConsent, "a user consents to an unverified multi-tenant app asking for Mail.Read, Mail.Send and Files.ReadWrite.All, which then reads data from a hosting IP", "6924f4ee-d933-43e0-98ab-4ce428b74f75", []string{"T1528"}, plantConsent},
		{ScenarioSPCredentialAdded, "a new client secret added to an application and its service principal from a foreign IP, then the service principal signs in from there with the new key", "be3cc0f6-f524-425c-b1e4-9f763724221d", []string{"T1098.001"}, plantSPCredential},
		{ScenarioCAPolicyWeakened, "\"Require MFA for administrators\" switched from enabled to disabled, and a user excluded from \"Require MFA for Azure management\"", "abd4cfde-c68b-4aee-ad99-35c7479edcb8", []string{"T1556.009"}, plantCAWeakened},
		{ScenarioGuestInvitedUsed, "a guest invited from a personal mailbox redeems the invitation and signs in from abroad within the hour", "b329c8aa-2208-4c90-8679-afa1fd308ef3", []string{"T1136.003", "T1078.004"}, plantGuest},
	}
}

// ScenarioNames returns the names of every scenario, in the order they are planted.
func ScenarioNames() []string {
	var out []string
	for _, s := range scenarioTable() {
		out = append(out, s.name)
	}
	return out
}

// Scenarios describes every scenario synth can plant.
func Scenarios() []ScenarioInfo {
	var out []ScenarioInfo
	for _, s := range scenarioTable() {
		out = append(out, ScenarioInfo{s.name, s.description, s.techniques, s.rule})
	}
	return out
}

// put emits r into table and records its id in l.
func (g *gen) put(l *Label, table string, r row) row {
	l.add(table, g.emit(table, r))
	return r
}

// attackerBox is the machine attackers drive a browser from.
var attackerBox = device{os: "Linux", browser: "Chrome 119.0.0", ua: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36"}

func (g *gen) at(day time.Time, hours float64) time.Time {
	return day.Add(time.Duration(hours*float64(time.Hour)) + g.jitter(30*time.Minute))
}

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

// alertFor emits a risk detection and its Identity Protection alert for sign-in si, and marks
// the user risky.
func (g *gen) alertFor(l *Label, si row, u *user, place *city, a *app, kind, name, typ, severity, level, timing, description string, techniques []string) {
	at := si["TimeGenerated"].(time.Time)
	ip := si["IPAddress"].(string)
	reqID := si["Id"].(string)
	detection := hexString(g.r, 64)
	g.put(l, tRiskEvent, g.riskEventRow(at, u, kind, level, timing, ip, place, reqID, detection, si["CorrelationId"].(string), si["UserAgent"].(string)))
	ar := g.put(l, tAlert, g.alertRow(alert{at: at, name: name, typ: typ, severity: severity, description: description,
		u: u, ip: ip, place: place, app: a, requestID: reqID, detection: detection, techniques: techniques, tactics: "InitialAccess"}))
	g.put(l, tRiskyUser, g.riskyUserRow(ar["TimeGenerated"].(time.Time), u, level))
}

const unfamiliarText = "The sign-in had properties that were not seen recently for the given user: the IP address, the autonomous system and the location are unfamiliar. Newly created users are in a learning period during which this detection is off."

// seedChain plants the seed query's attack on admin v into l: four Azure Portal 50126
// failures from an attacker's IP in place, the successful sign-in Identity Protection calls
// unfamiliar and its alert, token refreshes, then v creates an account and adds it to
// Exchange Administrator from the same IP.
func (g *gen) seedChain(l *Label, v *user, place *city, day time.Time, hours float64) {
	ip := hostIP(g.r, place, 2, 250)
	t := g.at(day, hours)
	corr := newGUID(g.r)
	for k := 0; k < 4; k++ {
		g.put(l, tSignin, g.signinRow(signin{u: v, at: t.Add(secs(70 * k)), app: appAzurePortal, place: place, ip: ip, dev: attackerBox, code: 50126, corr: corr}))
	}
	risky := risk{level: "medium", state: "atRisk", types: []string{"unfamiliarFeatures"}}
	ok := g.put(l, tSignin, g.signinRow(signin{u: v, at: t.Add(6 * time.Minute), app: appAzurePortal, place: place, ip: ip, dev: attackerBox, mfa: "Mobile app notification", risk: risky, corr: corr}))
	g.alertFor(l, ok, v, place, appAzurePortal, "unfamiliarFeatures", "Unfamiliar sign-in properties", "UnfamiliarLocation", "Medium", "medium", "realtime", unfamiliarText, []string{"T1078"})
	for k := 1; k <= 3; k++ {
		g.put(l, tNonInter, g.signinRow(signin{u: v, at: t.Add(time.Duration(6+7*k) * time.Minute), app: appAzurePortal, place: place, ip: ip, dev: attackerBox, nonInter: true, risk: risky}))
	}
	backdoor := &user{id: newGUID(g.r), upn: "svc-sync" + hexString(g.r, 3) + "@" + g.w.domain, display: "Directory Sync Service"}
	by := initiator{u: v, ip: ip}
	g.put(l, tAudit, g.auditRow(audit{at: t.Add(17 * time.Minute), op: "Add user", category: "UserManagement", typ: "Add", by: by,
		targets: []obj{userTarget(backdoor, mod("AccountEnabled", nil, "[true]"), mod("DisplayName", nil, jsonText([]string{backdoor.display})),
			mod("UserPrincipalName", nil, jsonText([]string{backdoor.upn})), mod("UserType", nil, "[\"Member\"]"),
			mod("Included Updated Properties", nil, q("AccountEnabled, DisplayName, UserPrincipalName, UserType")))},
		details: []obj{o("key", "User-Agent", "value", attackerBox.ua)}}))
	g.put(l, tAudit, g.auditRow(audit{at: t.Add(20 * time.Minute), op: "Add member to role", category: "RoleManagement", typ: "Assign", by: by,
		targets: []obj{userTarget(backdoor, g.roleMods(roleExchangeAdmin)...), g.roleTarget(roleExchangeAdmin)},
		details: []obj{o("key", "User-Agent", "value", attackerBox.ua)}}))
}

// syncedAdmin returns an administrator whose account was synced from on-premises Active
// Directory and kept the capitals of its AD user principal name. No baseline user is
// called Maria, so no other UPN equals hers but for case.
func (g *gen) syncedAdmin() *user {
	u := &user{id: newGUID(g.r), given: "Maria", sur: "Lopez", display: "Maria Lopez", upn: "Maria.Lopez@" + g.w.domain,
		dept: "IT", title: "Cloud Administrator", home: &offices[0], admin: true, engineer: true,
		roles: []role{roleUserAdmin, roleHelpdesk, roleAppAdmin, roleExchangeAdmin}, created: g.start.AddDate(-4, 0, 0)}
	u.officeIP, u.homeIP = hostIP(g.r, u.home, 10, 40), hostIP(g.r, u.home, 60, 250)
	u.desk = device{id: newGUID(g.r), name: fmt.Sprintf("CONTOSO-LOP%03d", g.r.IntN(1000)), os: "Windows 10", browser: "Edge 120.0.0", trust: "Azure AD joined", compliant: true, managed: true, ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"}
	return u
}

func plantSeedChain(g *gen, day time.Time) (Label, []Label) {
	var l Label
	g.seedChain(&l, g.w.admins[len(g.w.admins)-1], &attackerCities[0], day, 9)

	// Near miss: an unfamiliar-properties alert on a user who does nothing else suspicious.
	var alertOnly Label
	alertOnly.Name, alertOnly.Description = "unfamiliar-alert-only", "an \"Unfamiliar sign-in properties\" alert (low) on a user signing in to Office from a conference; no Azure Portal failures, no role change"
	u2, conf := g.victim(), &travelCities[4]
	if len(g.trips) > tripConference { // a traveller at a conference, so no travel rule trips either
		u2, conf = g.trips[tripConference].u, g.trips[tripConference].dest
	}
	si := g.put(&alertOnly, tSignin, g.signinRow(signin{u: u2, at: g.at(day, 12), app: appOfficeWeb, place: conf, ip: hostIP(g.r, conf, 20, 200), dev: u2.desk, mfa: "Mobile app notification",
		risk: risk{level: "low", state: "atRisk", types: []string{"unfamiliarFeatures"}}}))
	g.alertFor(&alertOnly, si, u2, conf, appOfficeWeb, "unfamiliarFeatures", "Unfamiliar sign-in properties", "UnfamiliarLocation", "Low", "low", "realtime", unfamiliarText, []string{"T1078"})

	// Near miss: an admin mistypes the portal password and later activates a role in PIM, with
	// no alert on the account.
	var typo Label
	typo.Name, typo.Description = "portal-typo-then-pim", "an admin fails one Azure Portal sign-in with 50126, signs in, and activates a role through PIM; Identity Protection raises nothing"
	a0 := g.w.admins[0]
	t2 := g.at(day, 14)
	c2 := newGUID(g.r)
	g.put(&typo, tSignin, g.signinRow(signin{u: a0, at: t2, app: appAzurePortal, place: a0.home, ip: a0.officeIP, dev: a0.desk, code: 50126, corr: c2}))
	g.put(&typo, tSignin, g.signinRow(signin{u: a0, at: t2.Add(25 * time.Second), app: appAzurePortal, place: a0.home, ip: a0.officeIP, dev: a0.desk, mfa: "Mobile app notification", corr: c2}))
	for _, id := range g.pimActivation(a0, roleUserAdmin, t2.Add(3*time.Minute)) {
		typo.add(tAudit, id)
	}

	// Near miss for the seed query only: the same attack on an admin whose UPN has capitals.
	// The query lower-cases the alert's account and joins it with SigninLogs'
	// UserPrincipalName as is; join equality is case-sensitive, so Kusto returns nothing for
	// her. Her rows are the scenario's too (she is attacked all the same, and a rule that
	// compares UPNs case-insensitively rightly finds her).
	var mixed Label
	mixed.Name, mixed.Description = "mixed-case-upn", "the same chain against an admin synced from on-premises AD whose UPN has capitals (Maria.Lopez@contoso.com): the seed query lower-cases the alert's account and compares it case-sensitively with SigninLogs' UserPrincipalName, so it does not match her"
	g.seedChain(&mixed, g.syncedAdmin(), &attackerCities[0], day, 10.5)
	for _, table := range mixed.Tables() {
		for _, id := range mixed.Rows[table] {
			l.add(table, id)
		}
	}
	return l, []Label{alertOnly, typo, mixed}
}

var scriptBox = device{os: "", browser: "Python Requests 2.31", ua: "python-requests/2.31.0"}

func plantSpray(g *gen, day time.Time) (Label, []Label) {
	var l Label
	place := &attackerCities[1]
	ip := hostIP(g.r, place, 2, 250)
	t := g.at(day, 3)
	n := min(25, len(g.pool))
	for i := 0; i < n; i++ {
		u := g.pool[(g.next+i)%len(g.pool)]
		tries := 1 + g.r.IntN(2)
		for k := 0; k < tries; k++ {
			code := 50126
			if i == 7 && k == 1 {
				code = 50053
			}
			g.put(&l, tSignin, g.signinRow(signin{u: u, at: t, app: appOffice, place: place, ip: ip, dev: scriptBox, code: code}))
			t = t.Add(secs(20 + g.r.IntN(40)))
		}
	}
	var near Label
	near.Name, near.Description = "spray-below-threshold", "another IP fails once each against three accounts"
	p2 := &attackerCities[4]
	ip2 := hostIP(g.r, p2, 2, 250)
	t2 := g.at(day, 16)
	for i := 0; i < 3; i++ {
		u := g.pool[(g.next+n+i)%len(g.pool)]
		g.put(&near, tSignin, g.signinRow(signin{u: u, at: t2.Add(time.Duration(i*4) * time.Minute), app: appOffice, place: p2, ip: ip2, dev: scriptBox, code: 50126}))
	}
	return l, []Label{near}
}

func plantBruteForce(g *gen, day time.Time) (Label, []Label) {
	var l Label
	v := g.victim()
	place := &attackerCities[2]
	ip := hostIP(g.r, place, 2, 250)
	t := g.at(day, 5)
	corr := newGUID(g.r)
	for k := 0; k < 25; k++ {
		g.put(&l, tSignin, g.signinRow(signin{u: v, at: t, app: appOWA, place: place, ip: ip, dev: attackerBox, code: 50126, corr: corr}))
		t = t.Add(secs(30 + g.r.IntN(20)))
	}
	g.put(&l, tSignin, g.signinRow(signin{u: v, at: t, app: appOWA, place: place, ip: ip, dev: attackerBox, corr: corr}))

	var near Label
	near.Name, near.Description = "typo-then-success", "a user fails three times at the office, then signs in"
	u := g.victim()
	t2 := g.at(day, 15)
	c2 := newGUID(g.r)
	for k := 0; k < 3; k++ {
		g.put(&near, tSignin, g.signinRow(signin{u: u, at: t2.Add(secs(25 * k)), app: appOWA, place: u.home, ip: u.officeIP, dev: u.desk, code: 50126, corr: c2}))
	}
	g.put(&near, tSignin, g.signinRow(signin{u: u, at: t2.Add(secs(100)), app: appOWA, place: u.home, ip: u.officeIP, dev: u.desk, mfa: "Mobile app notification", corr: c2}))
	return l, []Label{near}
}

func plantMFAFatigue(g *gen, day time.Time) (Label, []Label) {
	var l Label
	v := g.victim()
	place := &attackerCities[3]
	ip := hostIP(g.r, place, 2, 250)
	t := g.at(day, 1)
	corr := newGUID(g.r)
	for k := 0; k < 12; k++ {
		detail := "MFA denied; user declined the authentication"
		if k%3 == 1 {
			detail = "MFA denied; user did not respond to mobile app notification"
		}
		g.put(&l, tSignin, g.signinRow(signin{u: v, at: t, app: appOfficeWeb, place: place, ip: ip, dev: attackerBox, code: 500121, detail: detail, corr: corr}))
		t = t.Add(secs(60 + g.r.IntN(40)))
	}
	g.put(&l, tSignin, g.signinRow(signin{u: v, at: t, app: appOfficeWeb, place: place, ip: ip, dev: attackerBox, mfa: "Mobile app notification", corr: corr}))

	var near Label
	near.Name, near.Description = "single-mfa-denial", "a user declines one MFA prompt by mistake at the office and approves the next"
	u := g.victim()
	t2 := g.at(day, 14)
	c2 := newGUID(g.r)
	g.put(&near, tSignin, g.signinRow(signin{u: u, at: t2, app: appOfficeWeb, place: u.home, ip: u.officeIP, dev: u.desk, code: 500121, corr: c2}))
	g.put(&near, tSignin, g.signinRow(signin{u: u, at: t2.Add(secs(40)), app: appOfficeWeb, place: u.home, ip: u.officeIP, dev: u.desk, mfa: "Mobile app notification", corr: c2}))
	return l, []Label{near}
}

func plantImpossibleTravel(g *gen, day time.Time) (Label, []Label) {
	var l Label
	v := g.victim()
	far := &attackerCities[0]
	for i := range attackerCities {
		if distanceKm(v.home, &attackerCities[i]) > distanceKm(v.home, far) {
			far = &attackerCities[i]
		}
	}
	t := g.at(day, 14)
	g.put(&l, tSignin, g.signinRow(signin{u: v, at: t, app: appTeams, place: v.home, ip: v.officeIP, dev: v.desk, mfa: "Mobile app notification"}))
	ip := hostIP(g.r, far, 2, 250)
	si := g.put(&l, tSignin, g.signinRow(signin{u: v, at: t.Add(25 * time.Minute), app: appOWA, place: far, ip: ip, dev: attackerBox, mfa: "Mobile app notification"}))
	g.alertFor(&l, si, v, far, appOWA, "unlikelyTravel", "Atypical travel", "ImpossibleTravel", "Medium", "medium", "offline",
		fmt.Sprintf("Sign-ins from %s and %s, %.0f km apart, 25 minutes apart: faster than anyone can travel.", v.home.name, far.name, distanceKm(v.home, far)), []string{"T1078"})

	var near Label
	near.Name, near.Description = "plausible-travel", "a user signs in at home early on the day they fly, then at the destination after a flight's worth of time, before their working day there"
	if len(g.trips) > tripFlight {
		tr := g.trips[tripFlight]
		u := tr.u
		t1 := localTime(day, u.home, 6).Add(g.jitter(20 * time.Minute))
		g.put(&near, tSignin, g.signinRow(signin{u: u, at: t1, app: appOutlook, place: u.home, ip: u.homeIP, dev: u.phone, mfa: "Mobile app notification"}))
		g.put(&near, tSignin, g.signinRow(signin{u: u, at: t1.Add(flightTime(u.home, tr.dest)), app: appOutlook, place: tr.dest, ip: hostIP(g.r, tr.dest, 20, 200), dev: u.phone, mfa: "Mobile app notification"}))
		return l, []Label{near}
	}
	// Too few days for trips: fly from home to a city at least 1500 km away.
	u := g.victim()
	dest := &travelCities[0]
	for i := range travelCities {
		if distanceKm(u.home, &travelCities[i]) > 1500 {
			dest = &travelCities[i]
			break
		}
	}
	flight := flightTime(u.home, dest)
	if flight > 22*time.Hour {
		panic("internal error: plausible-travel flight longer than a day")
	}
	t2 := day.Add(23*time.Hour - flight) // land before the day ends
	g.put(&near, tSignin, g.signinRow(signin{u: u, at: t2, app: appOutlook, place: u.home, ip: u.homeIP, dev: u.phone, mfa: "Mobile app notification"}))
	g.put(&near, tSignin, g.signinRow(signin{u: u, at: t2.Add(flight), app: appOutlook, place: dest, ip: hostIP(g.r, dest, 20, 200), dev: u.phone, mfa: "Mobile app notification"}))
	return l, []Label{near}
}

var torBrowser = device{os: "Windows10", browser: "Firefox 115.0", ua: "Mozilla/5.0 (Windows NT 10.0; rv:115.0) Gecko/20100101 Firefox/115.0"}

func plantAnonymousIP(g *gen, day time.Time) (Label, []Label) {
	var l Label
	v := g.victim()
	ip := hostIP(g.r, &torExit, 1, 254)
	t := g.at(day, 20)
	si := g.put(&l, tSignin, g.signinRow(signin{u: v, at: t, app: appOWA, place: &torExit, ip: ip, dev: torBrowser, mfa: "Mobile app notification",
		risk: risk{level: "medium", state: "atRisk", types: []string{"anonymizedIPAddress"}}}))
	g.alertFor(&l, si, v, &torExit, appOWA, "anonymizedIPAddress", "Anonymous IP address", "AnonymousLogin", "Medium", "medium", "realtime",
		"The sign-in came from an anonymous IP address, such as a Tor browser or an anonymizing VPN.", []string{"T1090.003"})

	var near Label
	near.Name, near.Description = "corporate-vpn", "a user signs in through the company's VPN egress in another country; nothing is risky"
	// Someone living near the VPN's egress, in the evening after work, so that the sign-in
	// is not impossible travel either.
	u := g.victimNear(&corpVPN, 1000)
	at := localTime(day, u.home, 21).Add(g.jitter(30 * time.Minute))
	if !at.Before(g.end) {
		at = g.end.Add(-time.Hour)
	}
	g.put(&near, tSignin, g.signinRow(signin{u: u, at: at, app: appOWA, place: &corpVPN, ip: hostIP(g.r, &corpVPN, 10, 20), dev: u.desk, mfa: "Mobile app notification"}))
	return l, []Label{near}
}

func plantRoleOutsidePIM(g *gen, day time.Time) (Label, []Label) {
	var l Label
	a0 := g.w.admins[0]
	v := g.victim()
	t := g.at(day, 16)
	g.put(&l, tAudit, g.auditRow(audit{at: t, op: "Add member to role", category: "RoleManagement", typ: "Assign",
		by: initiator{u: a0, ip: a0.officeIP}, targets: []obj{userTarget(v, g.roleMods(roleGlobalAdmin)...), g.roleTarget(roleGlobalAdmin)}}))
	promoted := *v
	promoted.roles = []role{roleGlobalAdmin}
	g.put(&l, tIdentity, g.identityRow(t.Add(40*time.Minute), &promoted))

	var near Label
	near.Name, near.Description = "pim-activation", "an eligible admin activates Global Administrator through PIM (request, completion, and the MS-PIM app's Core Directory \"Add member to role\")"
	for _, id := range g.pimActivation(a0, roleGlobalAdmin, g.at(day, 7)) {
		near.add(tAudit, id)
	}
	return l, []Label{near}
}

// consent writes the audit records of user u consenting to an app: the service principal
// created (for a first sight of a multi-tenant app), the delegated grant and the consent.
func (g *gen) consent(l *Label, u *user, ip string, t time.Time, appName, appID string, scopes string, newSP bool) string {
	corr := newGUID(g.r)
	spID := newGUID(g.r)
	by := initiator{u: u, ip: ip}
	spT := func(mods ...obj) obj {
		if mods == nil {
			mods = []obj{}
		}
		return o("id", spID, "displayName", appName, "type", "ServicePrincipal", "modifiedProperties", mods, "administrativeUnits", []any{})
	}
	if newSP {
		g.put(l, tAudit, g.auditRow(audit{at: t, op: "Add service principal", category: "ApplicationManagement", typ: "Add", by: by, corr: corr,
			targets: []obj{spT(mod("AccountEnabled", nil, "[true]"), mod("AppPrincipalId", nil, jsonText([]string{appID})),
				mod("DisplayName", nil, jsonText([]string{appName})), mod("ServicePrincipalType", nil, "[\"Application\"]"),
				mod("Included Updated Properties", nil, q("AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalType")))}}))
	}
	graphSP := g.resourceSP("00000003-0000-0000-c000-000000000000")
	g.put(l, tAudit, g.auditRow(audit{at: t.Add(secs(1)), op: "Add delegated permission grant", category: "ApplicationManagement", typ: "Assign", by: by, corr: corr,
		targets: []obj{o("id", graphSP, "displayName", "Microsoft Graph", "type", "ServicePrincipal", "modifiedProperties", []obj{
			mod("DelegatedPermissionGrant.Scope", q(""), q(" "+scopes)), mod("DelegatedPermissionGrant.ClientId", nil, q(spID))}, "administrativeUnits", []any{}),
			spT()}}))
	perms := fmt.Sprintf("[] => [[Id: %s, ClientId: %s, PrincipalId: %s, ResourceId: %s, ConsentType: Principal, Scope:  %s, CreatedDateTime: , LastModifiedDateTime ]]; ",
		uti(g.r), spID, u.id, graphSP, scopes)
	g.put(l, tAudit, g.auditRow(audit{at: t.Add(secs(2)), op: "Consent to application", category: "ApplicationManagement", typ: "Assign", by: by, corr: corr,
		targets: []obj{spT(mod("ConsentContext.IsAdminConsent", nil, q("False")), mod("ConsentContext.IsAppOnly", nil, q("False")),
			mod("ConsentContext.OnBehalfOfAll", nil, q("False")), mod("ConsentContext.Tags", nil, q("WindowsAzureActiveDirectoryIntegratedApp")),
			mod("ConsentAction.Permissions", nil, q(perms)), mod("TargetId.ServicePrincipalNames", nil, q(appID)))},
		details: []obj{o("key", "User-Agent", "value", u.desk.ua), o("key", "AppId", "value", appID)}}))
	return spID
}

func plantConsent(g *gen, day time.Time) (Label, []Label) {
	var l Label
	v := g.victim()
	t := g.at(day, 15)
	evil := &app{name: "Secure Doc Viewer", id: newGUID(g.r), resource: "Microsoft Graph", resID: "00000003-0000-0000-c000-000000000000", client: "Mobile Apps and Desktop clients", nonInteractiveOK: true}
	g.put(&l, tSignin, g.signinRow(signin{u: v, at: t.Add(-time.Minute), app: evil, place: v.home, ip: v.homeIP, dev: v.desk, mfa: "Mobile app notification"}))
	g.consent(&l, v, v.homeIP, t, evil.name, evil.id, "Mail.Read Mail.Send Files.ReadWrite.All offline_access User.Read", true)
	hosting := &travelCities[4]
	hip := hostIP(g.r, hosting, 201, 250)
	evilTenant := newGUID(g.r)
	for k := 0; k < 4; k++ {
		r := g.signinRow(signin{u: v, at: t.Add(time.Duration(20+35*k) * time.Minute), app: evil, place: hosting, ip: hip, dev: scriptBox, nonInter: true})
		r["AppOwnerTenantId"] = evilTenant
		g.put(&l, tNonInter, r)
	}

	var near Label
	near.Name, near.Description = "first-party-consent", "a user consents to Microsoft Graph Command Line Tools (a Microsoft app) for User.Read"
	u := g.victim()
	g.consent(&near, u, u.officeIP, g.at(day, 10), "Microsoft Graph Command Line Tools", "14d82eec-204b-4c2f-b7e8-296a70dab67e", "openid profile offline_access User.Read", false)
	return l, []Label{near}
}

// keyDesc is how audit logs describe an application credential.
func keyDesc(id, typ, name string) string {
	return fmt.Sprintf("[KeyIdentifier=%s,KeyType=%s,KeyUsage=Verify,DisplayName=%s]", id, typ, name)
}

// credsOp is the display name the directory writes, trailing space included.
const credsOp = "Update application – Certificates and secrets management "

func (g *gen) credentialChange(l *Label, s *sp, appObjID string, by initiator, t time.Time, old, new []string, ua string) {
	corr := newGUID(g.r)
	mods := []obj{mod("KeyDescription", jsonText(old), jsonText(new)), mod("Included Updated Properties", nil, q("KeyDescription"))}
	details := []obj{o("key", "User-Agent", "value", ua)}
	g.put(l, tAudit, g.auditRow(audit{at: t, op: credsOp, category: "ApplicationManagement", typ: "Update", by: by, corr: corr, details: details,
		targets: []obj{o("id", appObjID, "displayName", s.name, "type", "Application", "modifiedProperties", mods, "administrativeUnits", []any{})}}))
	if len(new) > len(old) {
		g.put(l, tAudit, g.auditRow(audit{at: t.Add(secs(1)), op: "Add service principal credentials", category: "ApplicationManagement", typ: "Update", by: by, corr: corr, details: details,
			targets: []obj{o("id", s.objID, "displayName", s.name, "type", "ServicePrincipal", "modifiedProperties", mods, "administrativeUnits", []any{})}}))
	}
}

func plantSPCredential(g *gen, day time.Time) (Label, []Label) {
	var l Label
	v := g.victim()
	s := g.w.sps[1]
	place := &attackerCities[0]
	ip := hostIP(g.r, place, 2, 250)
	t := g.at(day, 8)
	cli := "python/3.11.8 (Windows-10-10.0.22631-SP0) msrest/0.7.1 msrest_azure/0.6.4 azure-graphrbac/0.60.0 Azure-SDK-For-Python AZURECLI/2.57.0"
	oldKey := keyDesc(s.keyID, "AsymmetricX509Cert", "backup-cert-2026")
	newID := newGUID(g.r)
	g.put(&l, tSignin, g.signinRow(signin{u: v, at: t.Add(-2 * time.Minute), app: appAzureCLI, place: place, ip: ip, dev: attackerBox, mfa: "Mobile app notification"}))
	g.credentialChange(&l, s, newGUID(g.r), initiator{u: v, ip: ip}, t, []string{oldKey}, []string{oldKey, keyDesc(newID, "Password", "key 2")}, cli)
	secret := *s
	secret.credType = "clientSecret"
	for k := 0; k < 3; k++ {
		g.put(&l, tSPSignin, g.spSigninRow(t.Add(time.Duration(10+15*k)*time.Minute), &secret, ip, place, newID, 0))
	}

	var near Label
	near.Name, near.Description = "expired-secret-removed", "an admin removes an expired client secret from the HR sync app at the office"
	a := g.w.admins[len(g.w.admins)-1]
	s0 := g.w.sps[0]
	expired := keyDesc(newGUID(g.r), "Password", "hr-sync-2025")
	current := keyDesc(s0.keyID, "Password", "hr-sync-2026")
	g.credentialChange(&near, s0, newGUID(g.r), initiator{u: a, ip: a.officeIP}, g.at(day, 13), []string{expired, current}, []string{current}, a.desk.ua)
	return l, []Label{near}
}

// policyJSON renders a conditional access policy the way its audit records do.
func policyJSON(p ca, created time.Time, state string, exclude []string) string {
	roles := []string{}
	apps := []string{"All"}
	switch p.name {
	case "Require MFA for administrators":
		roles = []string{roleGlobalAdmin.templateID, rolePrivRoleAdmin.templateID, roleSecurityAdmin.templateID, roleUserAdmin.templateID}
	case "Require MFA for Azure management":
		apps = []string{appAzurePortal.resID}
	}
	users := []string{}
	if len(roles) == 0 {
		users = []string{"All"}
	}
	return jsonText(o("id", p.id, "displayName", p.name, "createdDateTime", created, "state", state,
		"conditions", o("applications", o("includeApplications", apps, "excludeApplications", []string{}),
			"users", o("includeUsers", users, "excludeUsers", exclude, "includeGroups", []string{}, "excludeGroups", []string{}, "includeRoles", roles, "excludeRoles", []string{}),
			"clientAppTypes", []string{"all"}),
		"grantControls", o("operator", "OR", "builtInControls", []string{"mfa"})))
}

func (g *gen) policyUpdate(l *Label, p ca, by initiator, t time.Time, oldJSON, newJSON string) {
	g.put(l, tAudit, g.auditRow(audit{at: t, op: "Update conditional access policy", category: "Policy", service: "Conditional Access", typ: "Update", by: by,
		targets: []obj{o("id", p.id, "displayName", p.name, "type", "Policy", "modifiedProperties", []obj{mod("ConditionalAccessPolicy", oldJSON, newJSON)}, "administrativeUnits", []any{})}}))
}

func plantCAWeakened(g *gen, day time.Time) (Label, []Label) {
	var l Label
	a := g.w.admins[len(g.w.admins)-1]
	by := initiator{u: a, ip: a.officeIP}
	created := g.start.AddDate(-1, 0, 0)
	t := g.at(day, 18)
	p := g.w.policies[0]
	g.policyUpdate(&l, p, by, t, policyJSON(p, created, "enabled", []string{}), policyJSON(p, created, "disabled", []string{}))
	p1 := g.w.policies[1]
	v := g.victim()
	g.policyUpdate(&l, p1, by, t.Add(3*time.Minute), policyJSON(p1, created, "enabled", []string{}), policyJSON(p1, created, "enabled", []string{v.id}))

	var near Label
	near.Name, near.Description = "ca-policy-enforced", "an admin moves \"Require compliant device for Office 365\" from report-only to enabled"
	p3 := g.w.policies[3]
	g.policyUpdate(&near, p3, initiator{u: g.w.admins[0], ip: g.w.admins[0].officeIP}, g.at(day, 9),
		policyJSON(p3, created, "enabledForReportingButNotEnforced", []string{}), policyJSON(p3, created, "enabled", []string{}))
	return l, []Label{near}
}

// invite writes the audit records of inviter inviting email as a guest, and returns the guest.
func (g *gen) invite(l *Label, inviter *user, t time.Time, email, given, sur string) *user {
	guest := &user{id: newGUID(g.r), given: given, sur: sur, display: given + " " + sur, guest: true, dept: "External",
		upn: strings.ReplaceAll(email, "@", "_") + "#EXT#@contoso.onmicrosoft.com", created: t}
	by := initiator{u: inviter, ip: inviter.officeIP}
	corr := newGUID(g.r)
	g.put(l, tAudit, g.auditRow(audit{at: t, op: "Add user", category: "UserManagement", typ: "Add", by: by, corr: corr,
		targets: []obj{userTarget(guest, mod("AccountEnabled", nil, "[true]"), mod("Mail", nil, jsonText([]string{email})),
			mod("UserPrincipalName", nil, jsonText([]string{guest.upn})), mod("UserType", nil, "[\"Guest\"]"),
			mod("Included Updated Properties", nil, q("AccountEnabled, Mail, UserPrincipalName, UserType")))}}))
	g.put(l, tAudit, g.auditRow(audit{at: t.Add(secs(1)), op: "Invite external user", category: "UserManagement", service: "Invited Users", typ: "Add", by: by, corr: corr,
		targets: []obj{userTarget(guest)}, details: []obj{o("key", "invitedUserEmailAddress", "value", email), o("key", "oid", "value", guest.id)}}))
	return guest
}

func plantGuest(g *gen, day time.Time) (Label, []Label) {
	var l Label
	inviter := g.victim()
	t := g.at(day, 12)
	guest := g.invite(&l, inviter, t, "jamie.rowe1987@outlook.com", "Jamie", "Rowe")
	place := &attackerCities[1]
	guest.home = place
	ip := hostIP(g.r, place, 2, 250)
	guest.desk = attackerBox
	redeem := t.Add(25 * time.Minute)
	g.put(&l, tAudit, g.auditRow(audit{at: redeem, op: "Redeem external user invite", category: "UserManagement", service: "Invited Users", typ: "Update",
		by: initiator{u: guest, ip: ip}, targets: []obj{userTarget(guest)}, details: []obj{o("key", "invitedUserEmailAddress", "value", "jamie.rowe1987@outlook.com")}}))
	g.put(&l, tSignin, g.signinRow(signin{u: guest, at: redeem.Add(secs(40)), app: appTeams, place: place, ip: ip, dev: attackerBox, guest: true}))
	g.put(&l, tSignin, g.signinRow(signin{u: guest, at: redeem.Add(6 * time.Minute), app: appOfficeWeb, place: place, ip: ip, dev: attackerBox, guest: true}))
	g.put(&l, tNonInter, g.signinRow(signin{u: guest, at: redeem.Add(20 * time.Minute), app: appTeams, place: place, ip: ip, dev: attackerBox, guest: true, nonInter: true}))
	g.put(&l, tIdentity, g.identityRow(redeem.Add(time.Hour), guest))

	var near Label
	near.Name, near.Description = "guest-invited-not-used", "a partner is invited as a guest but does not sign in"
	partner := g.victim()
	pg := g.invite(&near, partner, g.at(day, 9), "li.wei@fabrikam.com", "Li", "Wei")
	pg.home = partner.home
	return l, []Label{near}
}
