package synth

import (
	"fmt"
	"slices"
	"time"
)

// msPIM is the first-party app Privileged Identity Management writes role changes as.
var msPIM = initiator{name: "MS-PIM", appID: "01fc33a7-78ba-4d2f-a4b7-768e336e890e", spID: "4b6e3a40-3ac5-4c4e-a0a6-2f1c1b0e6a11"}

// trip is a business trip: the user is at dest from the day after leaving until the day before
// returning, and signs in nowhere on the travel days.
type trip struct {
	u          *user
	dest       *city
	leave, ret int // day indexes
}

// Trips with a job in the scenarios' near misses; the rest are plain baseline.
const (
	tripFlight     = iota // its leave day carries the plausible-travel near miss
	tripConference        // the traveller gets the unfamiliar-alert-only near miss on the last day
	tripOther
)

// localTime returns the instant it is hour o'clock at place on day.
func localTime(day time.Time, place *city, hour float64) time.Time {
	return day.Add(time.Duration(hour*float64(time.Hour)) - time.Duration(place.tzMinutes)*time.Minute)
}

// flightTime is how long a trip between two places takes door to door.
func flightTime(a, b *city) time.Duration {
	return time.Duration(distanceKm(a, b)/700*float64(time.Hour)) + 3*time.Hour
}

// planTrips picks the business trips of the period. With three days or more, the last two
// users of the pool leave on the second-to-last day, one by a flight landing before the
// destination's working day begins (tripFlight) and one for a conference (tripConference);
// with four or more, a few more users travel at random. Trips are part of the baseline: they
// do not depend on which scenarios are planted.
func (g *gen) planTrips() {
	if g.o.Days < 3 || len(g.pool) < 3 {
		return
	}
	leave := g.o.Days - 2
	day := g.start.AddDate(0, 0, leave)
	u := g.pool[len(g.pool)-1]
	var dest *city
	for i := range travelCities {
		c := &travelCities[i]
		d := distanceKm(u.home, c)
		arrive := localTime(day, u.home, 6).Add(flightTime(u.home, c))
		if d >= 1500 && arrive.Before(localTime(day.AddDate(0, 0, 1), c, 8)) && (dest == nil || d > distanceKm(u.home, dest)) {
			dest = c
		}
	}
	if dest == nil {
		dest = &corpVPN // a short hop that always lands in time
	}
	g.trips = append(g.trips, trip{u, dest, leave, leave + 3})
	c := g.pool[len(g.pool)-2]
	g.trips = append(g.trips, trip{c, &travelCities[4], leave, leave + 3})
	if g.o.Days < 4 {
		return
	}
	n := max(1, len(g.w.users)/15)
	for i := 0; i < n && 3+i < len(g.pool); i++ {
		u := g.pool[len(g.pool)-3-i]
		leave := g.r.IntN(g.o.Days - 3)
		dest := &travelCities[g.r.IntN(len(travelCities))]
		g.trips = append(g.trips, trip{u, dest, leave, leave + 3})
	}
}

// traveller reports whether u takes a trip.
func (g *gen) traveller(u *user) bool {
	for _, t := range g.trips {
		if t.u == u {
			return true
		}
	}
	return false
}

// baselineDay writes one day of ordinary tenant activity: working-hours sign-ins, background
// token refreshes, occasional benign failures, business trips, admin work and service
// principals.
func (g *gen) baselineDay(d int, day time.Time) {
	if d%7 == 0 {
		for _, u := range g.w.users {
			g.emit(tIdentity, g.identityRow(day.Add(time.Duration(g.r.IntN(3600))*time.Second), u))
		}
	}
	for _, u := range g.w.users {
		place, away, skip := u.home, false, false
		for _, t := range g.trips {
			if t.u == u && (d == t.leave || d == t.ret) {
				skip = true
			}
			if t.u == u && d > t.leave && d < t.ret {
				place, away = t.dest, true
			}
		}
		if !skip {
			g.userDay(u, day, place, away)
		}
	}
	for _, a := range g.w.admins {
		g.adminDay(a, day)
	}
	g.hrSync(day)
	if g.spNext == nil {
		for _, s := range g.w.sps {
			g.spNext = append(g.spNext, g.start.Add(g.jitter(time.Duration(s.everyMin)*time.Minute)))
		}
	}
	next := day.AddDate(0, 0, 1)
	for i, s := range g.w.sps {
		t := g.spNext[i]
		for ; t.Before(next); t = t.Add(time.Duration(s.everyMin)*time.Minute + g.jitter(2*time.Minute)) {
			g.emit(tSPSignin, g.spSigninRow(t, s, s.ip, &azureEast, s.keyID, 0))
		}
		g.spNext[i] = t
	}
}

// workHours returns the UTC start and end of u's working day at place on day, and whether it
// is a working day there.
func (g *gen) workHours(day time.Time, place *city) (from, to time.Time, work bool) {
	tz := time.Duration(place.tzMinutes) * time.Minute
	localMidnight := day.Add(-tz)
	wd := day.Weekday()
	from = localMidnight.Add(8*time.Hour + g.jitter(90*time.Minute))
	to = from.Add(8*time.Hour + g.jitter(time.Hour))
	return from, to, wd != time.Saturday && wd != time.Sunday
}

func (g *gen) userDay(u *user, day time.Time, place *city, away bool) {
	from, to, work := g.workHours(day, place)
	ip := u.homeIP
	if !away && g.r.IntN(10) < 7 {
		ip = u.officeIP
	}
	if away {
		ip = hostIP(g.r, place, 20, 200) // hotel or customer network
	}
	if !work {
		if g.r.IntN(10) < 3 {
			at := from.Add(2*time.Hour + g.jitter(6*time.Hour))
			g.interactive(u, at, appOutlook, place, u.homeIP, u.phone, true)
		}
		return
	}
	n := 2 + g.r.IntN(4)
	span := to.Sub(from)
	times := make([]time.Time, n)
	for i := range times {
		times[i] = from.Add(g.jitter(span))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i, at := range times {
		a := pick(g.r, userApps)
		if (u.admin || u.engineer) && g.r.IntN(10) < 3 {
			a = pick(g.r, adminApps)
		}
		dev, sip := u.desk, ip
		if g.r.IntN(5) == 0 {
			dev, sip = u.phone, hostIP(g.r, place, 251, 254) // carrier network
		}
		g.interactive(u, at, a, place, sip, dev, i == 0 || a.adminOnly)
	}
	// Background token refreshes through the day.
	for at := from.Add(g.jitter(20 * time.Minute)); at.Before(to.Add(time.Hour)); at = at.Add(40*time.Minute + g.jitter(50*time.Minute)) {
		if !g.inWindow(at) {
			continue
		}
		a := pick(g.r, backgroundApps)
		if (u.admin || u.engineer) && g.r.IntN(8) == 0 {
			a = appAzureCLI
		}
		code := 0
		if x := g.r.IntN(60); x == 0 {
			code = 50173
		} else if x == 1 {
			code = 70044
		}
		g.emit(tNonInter, g.signinRow(signin{u: u, at: at, app: a, place: place, ip: ip, dev: u.desk, code: code, nonInter: true}))
	}
	// Now and then someone resets their own password.
	if g.r.IntN(100) == 0 {
		at := from.Add(g.jitter(span))
		if g.inWindow(at) {
			g.emit(tAudit, g.auditRow(audit{at: at, op: "Reset password (self-service)", category: "UserManagement",
				service: "Self-service Password Management", typ: "Update", by: initiator{u: u, ip: ip},
				targets: []obj{userTarget(u)}, details: []obj{o("key", "RequestType", "value", "SSPR")}}))
		}
	}
}

// interactive writes a successful interactive sign-in, sometimes preceded by a benign failure:
// a mistyped password, a keep-me-signed-in interrupt or an MFA prompt.
func (g *gen) interactive(u *user, at time.Time, a *app, place *city, ip string, dev device, mfa bool) {
	if !g.inWindow(at) || !g.inWindow(at.Add(-2*time.Minute)) {
		return
	}
	method := ""
	if mfa {
		method = "Mobile app notification"
	}
	corr := newGUID(g.r)
	switch x := g.r.IntN(100); {
	case x < 3:
		g.emit(tSignin, g.signinRow(signin{u: u, at: at.Add(-time.Duration(20+g.r.IntN(60)) * time.Second), app: a, place: place, ip: ip, dev: dev, code: 50126, corr: corr}))
	case x < 6 && a.portal:
		g.emit(tSignin, g.signinRow(signin{u: u, at: at.Add(-time.Duration(5+g.r.IntN(10)) * time.Second), app: a, place: place, ip: ip, dev: dev, code: 50140, corr: corr}))
	case x < 9:
		g.emit(tSignin, g.signinRow(signin{u: u, at: at.Add(-time.Duration(15+g.r.IntN(40)) * time.Second), app: a, place: place, ip: ip, dev: dev, code: 50074, corr: corr}))
		method = "Mobile app notification"
	}
	g.emit(tSignin, g.signinRow(signin{u: u, at: at, app: a, place: place, ip: ip, dev: dev, mfa: method, corr: corr}))
}

// adminDay writes an administrator's working day in the directory: a PIM activation and a few
// routine user and group changes.
func (g *gen) adminDay(a *user, day time.Time) {
	from, to, work := g.workHours(day, a.home)
	if !work {
		return
	}
	at := from.Add(20*time.Minute + g.jitter(30*time.Minute))
	ro := a.roles[g.r.IntN(len(a.roles))]
	if g.inWindow(at) && g.inWindow(at.Add(9*time.Hour)) {
		g.pimActivation(a, ro, at)
	}
	ops := g.r.IntN(4)
	for k := 0; k < ops; k++ {
		t := from.Add(g.jitter(to.Sub(from)))
		if !g.inWindow(t) {
			continue
		}
		target := g.w.users[g.r.IntN(len(g.w.users))]
		by := initiator{u: a, ip: a.officeIP}
		switch g.r.IntN(4) {
		case 0:
			dept := pick(g.r, departments)
			g.emit(tAudit, g.auditRow(audit{at: t, op: "Update user", category: "UserManagement", typ: "Update", by: by,
				targets: []obj{userTarget(target, mod("JobTitle", jsonText([]string{target.title}), jsonText([]string{dept.title})),
					mod("Included Updated Properties", nil, q("JobTitle")))}}))
		case 1:
			g.emit(tAudit, g.auditRow(audit{at: t, op: "Reset user password", category: "UserManagement", typ: "Update", by: by,
				targets: []obj{userTarget(target)}}))
		case 2:
			gid := newGUID(g.r)
			g.emit(tAudit, g.auditRow(audit{at: t, op: "Add member to group", category: "GroupManagement", typ: "Assign", by: by,
				targets: []obj{userTarget(target, mod("Group.ObjectID", nil, q(gid)), mod("Group.DisplayName", nil, q("Project "+pick(g.r, lastNames))))}}))
		case 3:
			nu := &user{id: newGUID(g.r), upn: "newhire." + hexString(g.r, 4) + "@" + g.w.domain}
			g.emit(tAudit, g.auditRow(audit{at: t, op: "Add user", category: "UserManagement", typ: "Add", by: by,
				targets: []obj{userTarget(nu, mod("AccountEnabled", nil, "[true]"), mod("UserPrincipalName", nil, jsonText([]string{nu.upn})),
					mod("UserType", nil, "[\"Member\"]"), mod("Included Updated Properties", nil, q("AccountEnabled, UserPrincipalName, UserType")))}}))
		}
	}
}

// pimActivation writes the records of an eligible admin activating a role through PIM for
// eight hours: the request and completion by PIM, the role membership added by the MS-PIM
// app in the directory, and its removal when the activation expires. It returns the ids of
// the five records in AuditLogs.
func (g *gen) pimActivation(a *user, ro role, at time.Time) []string {
	corr := newGUID(g.r)
	reqID := newGUID(g.r)
	by := initiator{u: a, ip: a.officeIP}
	pimTargets := []obj{
		o("id", g.w.roleObjIDs[ro.templateID], "displayName", ro.name, "type", "Role", "modifiedProperties", []obj{}, "administrativeUnits", []any{}),
		o("id", reqID, "displayName", nil, "type", "Request", "modifiedProperties", []obj{}, "administrativeUnits", []any{}),
		o("id", a.id, "displayName", a.display, "type", "User", "userPrincipalName", a.upn, "modifiedProperties", []obj{}, "administrativeUnits", []any{}),
	}
	details := []obj{o("key", "RoleDefinitionOriginId", "value", ro.templateID), o("key", "Justification", "value", "Daily administration"),
		o("key", "StartTime", "value", at.Format(time.RFC3339)), o("key", "ExpirationTime", "value", at.Add(8*time.Hour).Format(time.RFC3339))}
	ids := []string{
		g.emit(tAudit, g.auditRow(audit{at: at, op: "Add member to role requested (PIM activation)", category: "RoleManagement", service: "PIM", typ: "Assign", by: by, targets: pimTargets, details: details, corr: corr})),
		g.emit(tAudit, g.auditRow(audit{at: at.Add(2 * time.Second), op: "Add member to role completed (PIM activation)", category: "RoleManagement", service: "PIM", typ: "Assign", by: by, targets: pimTargets, details: details, corr: corr})),
		g.emit(tAudit, g.auditRow(audit{at: at.Add(time.Second), op: "Add member to role", category: "RoleManagement", typ: "Assign", by: msPIM,
			targets: []obj{userTarget(a, g.roleMods(ro)...)}, corr: corr})),
	}
	end := at.Add(8 * time.Hour)
	return append(ids,
		g.emit(tAudit, g.auditRow(audit{at: end, op: "Remove member from role completed (PIM activation expired)", category: "RoleManagement", service: "PIM", typ: "Unassign", by: msPIM, targets: pimTargets, corr: corr})),
		g.emit(tAudit, g.auditRow(audit{at: end.Add(time.Second), op: "Remove member from role", category: "RoleManagement", typ: "Unassign", by: msPIM,
			targets: []obj{userTarget(a, mod("Role.ObjectID", q(g.w.roleObjIDs[ro.templateID]), nil), mod("Role.DisplayName", q(ro.name), nil))}, corr: corr})))
}

// hrSync writes the HR provisioning app's nightly updates of user attributes.
func (g *gen) hrSync(day time.Time) {
	s := g.w.sps[0]
	at := day.Add(2*time.Hour + g.jitter(time.Hour))
	for k := 0; k < 1+g.r.IntN(3); k++ {
		target := g.w.users[g.r.IntN(len(g.w.users))]
		g.emit(tAudit, g.auditRow(audit{at: at.Add(time.Duration(k) * time.Minute), op: "Update user", category: "UserManagement", typ: "Update",
			by: initiator{app: s}, targets: []obj{userTarget(target, mod("TelephoneNumber", "[]", jsonText([]string{fmt.Sprintf("+1 425 555 %04d", g.r.IntN(10000))})),
				mod("Included Updated Properties", nil, q("TelephoneNumber")))}}))
	}
}
