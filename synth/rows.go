package synth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// row is one log record keyed by Log Analytics column name. Values are Go values appendJSON
// understands; the writers convert them to each column's schema type (a structured value in
// a string column becomes its JSON text) and to each format's shape.
type row map[string]any

// Names of the tables synth writes.
const (
	tSignin    = "SigninLogs"
	tNonInter  = "AADNonInteractiveUserSignInLogs"
	tSPSignin  = "AADServicePrincipalSignInLogs"
	tAudit     = "AuditLogs"
	tAlert     = "SecurityAlert"
	tRiskEvent = "AADUserRiskEvents"
	tRiskyUser = "AADRiskyUsers"
	tIdentity  = "IdentityInfo"
)

// Tables lists the tables synth writes, in the order it writes them.
func Tables() []string {
	return []string{tSignin, tNonInter, tSPSignin, tAudit, tAlert, tRiskEvent, tRiskyUser, tIdentity}
}

// idColumn is the column that identifies a row of table in labels.json.
func idColumn(table string) string {
	switch table {
	case tAlert:
		return "SystemAlertId"
	case tIdentity, tRiskyUser: // one row per user snapshot: Id is the user's id
		return "_ItemId"
	}
	return "Id"
}

// microsoftServicesTenant owns Microsoft's first-party applications.
const microsoftServicesTenant = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"

// failure returns the failure reason and additional details Entra writes for an error code.
func failure(code int) (reason, details string) {
	switch code {
	case 0:
		return "", ""
	case 50126:
		return "Error validating credentials due to invalid username or password.", "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes."
	case 50074:
		return "Strong Authentication is required.", "The user is required to use multi-factor authentication (MFA) to access this resource."
	case 500121:
		return "Authentication failed during strong authentication request.", "MFA denied; user declined the authentication"
	case 50053:
		return "Account is locked because user tried to sign in too many times with an incorrect user ID or password.", "The account is locked to prevent further sign-in attempts."
	case 50140:
		return "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.", "This is an expected part of the login flow, where a user is asked if they want to remain signed into this browser to make further logins easier."
	case 50076:
		return "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.", "The user is required to complete MFA."
	case 70044:
		return "The session has expired or is invalid due to sign-in frequency checks by conditional access.", ""
	case 50173:
		return "The provided grant has expired due to it being revoked, a fresh auth token is needed.", "The user has changed their password or an admin revoked their sessions."
	case 53003:
		return "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", ""
	case 7000215:
		return "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.", ""
	}
	panic(fmt.Sprintf("internal error: no failure text for %d", code))
}

// signin describes one user sign-in; signinRow turns it into a SigninLogs or
// AADNonInteractiveUserSignInLogs row.
type signin struct {
	u        *user
	at       time.Time
	app      *app
	place    *city
	ip       string
	dev      device
	code     int
	detail   string // overrides Status.additionalDetails
	nonInter bool
	mfa      string // second factor performed ("Mobile app notification", ...), or ""
	risk     risk
	corr     string
	guest    bool
}

// risk is the Identity Protection verdict on a sign-in.
type risk struct {
	level, state string // low|medium|high, atRisk
	types        []string
}

func (g *gen) signinRow(s signin) row {
	w := g.w
	u := s.u
	id := newGUID(g.r)
	if s.corr == "" {
		s.corr = newGUID(g.r)
	}
	reason, details := failure(s.code)
	if s.detail != "" {
		details = s.detail
	}
	status := o("errorCode", s.code)
	if s.code != 0 {
		status = append(status, kv{"failureReason", reason}, kv{"additionalDetails", details})
	} else if s.mfa != "" {
		status = append(status, kv{"additionalDetails", "MFA completed in Azure AD"})
	}
	loc := o("city", s.place.name, "state", s.place.state, "countryOrRegion", s.place.country,
		"geoCoordinates", o("latitude", s.place.lat, "longitude", s.place.lon))
	dev := o("deviceId", s.dev.id, "displayName", s.dev.name, "operatingSystem", s.dev.os, "browser", s.dev.browser)
	if s.dev.id != "" {
		dev = append(dev, kv{"isCompliant", s.dev.compliant}, kv{"isManaged", s.dev.managed}, kv{"trustType", s.dev.trust})
	}
	at := s.at
	step := func(method, detail string, ok bool, req string, seq int) obj {
		return o("authenticationStepDateTime", at, "authenticationMethod", method, "authenticationMethodDetail", methodDetail(method),
			"succeeded", ok, "authenticationStepResultDetail", detail, "authenticationStepRequirement", req,
			"StatusSequence", 0, "RequestSequence", seq)
	}
	var steps []obj
	mfaDetail := o()
	mfaRequired := s.mfa != "" || s.code == 50074 || s.code == 500121
	switch s.code {
	case 0:
		if s.nonInter {
			steps = append(steps, step("Previously satisfied", "First factor requirement satisfied by claim in the token", true, "Primary authentication", 0))
		} else {
			steps = append(steps, step("Password", "Correct password", true, "Primary authentication", 1))
		}
		if s.mfa != "" {
			steps = append(steps, step(s.mfa, "MFA successfully completed", true, "Multifactor authentication", 1))
			mfaDetail = o("authMethod", s.mfa)
		}
	case 50126, 50053:
		steps = append(steps, step("Password", reason, false, "Primary authentication", 1))
	case 500121:
		steps = append(steps, step("Password", "Correct password", true, "Primary authentication", 1),
			step("Mobile app notification", details, false, "Multifactor authentication", 1))
		mfaDetail = o("authMethod", "Mobile app notification")
	case 50074:
		steps = append(steps, step("Password", "Correct password", true, "Primary authentication", 1),
			step("Mobile app notification", "MFA required in Azure AD", false, "Multifactor authentication", 0))
	default:
		steps = append(steps, step("Previously satisfied", reason, false, "Primary authentication", 0))
	}
	requirement := "singleFactorAuthentication"
	if mfaRequired {
		requirement = "multiFactorAuthentication"
	}
	policies, caStatus := g.caResults(s)
	network := []any{}
	if s.ip == u.officeIP {
		network = []any{o("networkType", "trustedNamedLocation", "networkNames", []string{"Contoso offices"})}
	}
	riskTypes := s.risk.types
	if riskTypes == nil {
		riskTypes = []string{}
	}
	riskLevel, riskState, riskAgg := "none", "none", "none"
	if s.risk.level != "" {
		riskLevel, riskState, riskAgg = s.risk.level, s.risk.state, s.risk.level
	}
	userType, homeTenant, cross := "Member", w.tenantID, "none"
	if s.guest {
		userType, homeTenant, cross = "Guest", "9188040d-6c67-4c5b-b112-36a304b66dad", "b2bCollaboration"
	}
	ua := s.dev.ua
	if !s.app.portal && !s.dev.mobile && s.app.client == "Mobile Apps and Desktop clients" && s.app != appAzureCLI {
		ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91 OneAuth/1.83.3"
	}
	if s.app == appAzureCLI {
		ua = "python/3.11.8 (Windows-10-10.0.22631-SP0) msal/1.26.0 azure-cli/2.57.0"
	}
	r := row{
		"TimeGenerated": s.at, "CreatedDateTime": s.at,
		"OperationName": "Sign-in activity", "OperationVersion": "1.0", "Category": "SignInLogs",
		"ResultType": strconv.Itoa(s.code), "ResultSignature": "None", "ResultDescription": reason, "DurationMs": int64(0),
		"CorrelationId": s.corr, "Resource": "Microsoft.aadiam", "ResourceGroup": "Microsoft.aadiam", "ResourceProvider": "",
		"ResourceId": "/tenants/" + w.tenantID + "/providers/Microsoft.aadiam", "Identity": u.display, "Level": "4",
		"Location": s.place.country, "AADTenantId": w.tenantID,
		"Agent": o("agentType", "notAgentic"), "AlternateSignInName": u.upn, "AppDisplayName": s.app.name, "AppId": s.app.id,
		"AppOwnerTenantId": microsoftServicesTenant, "AppliedEventListeners": []any{},
		"AppliedConditionalAccessPolicies": policies, "ConditionalAccessPolicies": policies, "ConditionalAccessStatus": caStatus,
		"AuthenticationAppDeviceDetails": "", "AuthenticationAppPolicyEvaluationDetails": "",
		"AuthenticationContextClassReferences": []any{}, "AuthenticationDetails": steps, "AuthenticationMethodsUsed": "",
		"AuthenticationProcessingDetails": []obj{o("key", "Legacy TLS (TLS 1.0, 1.1, 3DES)", "value", "False"), o("key", "Is CAE Token", "value", "False")},
		"AuthenticationProtocol":          "none", "AuthenticationRequirement": requirement, "AuthenticationRequirementPolicies": []any{},
		"AuthenticatorAppLocation": "", "AutonomousSystemNumber": strconv.Itoa(s.place.asn),
		"ClientAppUsed": s.app.client, "ClientCredentialType": "none", "ConditionalAccessAudiences": []string{s.app.resID},
		"CrossTenantAccessType": cross, "DeviceDetail": dev, "FederatedCredentialId": "", "FlaggedForReview": false,
		"GlobalSecureAccessIpAddress": "", "HomeTenantId": homeTenant, "HomeTenantName": "", "Id": id,
		"IncomingTokenType": "none", "IPAddress": s.ip, "IPAddressFromResourceProvider": "",
		"IsInteractive": !s.nonInter, "IsRisky": s.risk.level != "", "IsTenantRestricted": false, "IsThroughGlobalSecureAccess": false,
		"LocationDetails": loc, "MfaDetail": mfaDetail, "NetworkLocationDetails": network, "OriginalRequestId": id,
		"OriginalTransferMethod": "none", "ProcessingTimeInMilliseconds": 40 + g.r.IntN(400),
		"ResourceDisplayName": s.app.resource, "ResourceIdentity": s.app.resID, "ResourceOwnerTenantId": microsoftServicesTenant,
		"ResourceServicePrincipalId": g.resourceSP(s.app.resID), "ResourceTenantId": w.tenantID,
		"RiskDetail": "none", "RiskEventTypes": riskTypes, "RiskEventTypes_V2": riskTypes, "RiskLevel": "",
		"RiskLevelAggregated": riskAgg, "RiskLevelDuringSignIn": riskLevel, "RiskState": riskState,
		"ServicePrincipalId": "", "ServicePrincipalName": "", "SessionId": g.session(u, s.at, s.ip),
		"SessionLifetimePolicies": []any{}, "SignInIdentifier": u.upn, "SignInIdentifierType": "",
		"SourceAppClientId": "", "Status": status, "TokenIssuerName": "", "TokenIssuerType": "AzureAD",
		"TokenProtectionStatusDetails": o("signInSessionStatus", "unbound", "signInSessionStatusCode", 1002),
		"UniqueTokenIdentifier":        uti(g.r), "UserAgent": ua, "UserDisplayName": u.display, "UserId": u.id,
		"UserPrincipalName": u.upn, "UserType": userType,
	}
	if s.nonInter {
		r["Category"] = "NonInteractiveUserSignInLogs"
		r["ProcessingTimeInMs"] = r["ProcessingTimeInMilliseconds"]
		r["SignInEventTypes"] = []string{"nonInteractiveUser"}
		r["ClientSessionId"] = ""
		for _, k := range g.interactiveOnly {
			delete(r, k)
		}
	}
	return r
}

// methodDetail is the authenticationMethodDetail Entra writes for a method.
func methodDetail(m string) string {
	if m == "Password" {
		return "Password in the cloud"
	}
	return ""
}

// uti makes a token identifier like Entra's: 22 base64url characters.
func uti(r *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// session returns the session id a user's browser or client keeps for a day on one network.
// It is derived from the seed and the key rather than drawn from the random stream, so that
// whichever of baseline and scenario asks first, both streams stay as they were.
func (g *gen) session(u *user, at time.Time, ip string) string {
	return g.derivedGUID("session", u.id, at.Format("20060102"), ip)
}

// resourceSP returns the tenant's service principal object id for a first-party resource.
func (g *gen) resourceSP(resID string) string { return g.derivedGUID("resource", resID) }

// derivedGUID returns a GUID that depends only on the seed and parts.
func (g *gen) derivedGUID(parts ...string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d", g.o.Seed)
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	sum := h.Sum(nil)
	return newGUID(rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum), binary.LittleEndian.Uint64(sum[8:]))))
}

// caResults evaluates the tenant's conditional access policies for a sign-in.
func (g *gen) caResults(s signin) ([]obj, string) {
	primaryFailed := s.code == 50126 || s.code == 50053
	status := "notApplied"
	var out []obj
	for _, p := range g.w.policies {
		applies := false
		switch p.name {
		case "Require MFA for administrators":
			applies = s.u.admin
		case "Require MFA for Azure management":
			applies = s.app.resID == appAzurePortal.resID
		case "Require compliant device for Office 365":
			applies = !s.app.adminOnly
		}
		result := "notApplied"
		var grants []string
		switch {
		case p.state == "disabled":
			result = "notEnabled"
		case primaryFailed || !applies:
		case p.state == "enabledForReportingButNotEnforced":
			result = "reportOnlyNotApplied"
			if s.dev.compliant {
				result = "reportOnlySuccess"
			} else {
				result = "reportOnlyFailure"
			}
			grants = []string{"RequireCompliantDevice"}
		default:
			grants = []string{"Mfa"}
			switch {
			case s.code == 0:
				result = "success"
			case s.code == 53003:
				result = "failure"
			default:
				result = "failure"
			}
			if result == "success" && status != "failure" {
				status = "success"
			}
			if result == "failure" {
				status = "failure"
			}
		}
		if grants == nil {
			grants = []string{}
		}
		out = append(out, o("id", p.id, "displayName", p.name, "enforcedGrantControls", grants, "enforcedSessionControls", []string{},
			"result", result, "conditionsSatisfied", 0, "conditionsNotSatisfied", 0))
	}
	return out, status
}

// initiator is who performed an audited operation: a user (with the IP they came from) or an app.
type initiator struct {
	u   *user
	ip  string
	app *sp
	// name and id describe a first-party app initiator when app is nil and u is nil.
	name, appID, spID string
}

func (in initiator) json() obj {
	switch {
	case in.u != nil:
		return o("user", o("id", in.u.id, "displayName", nil, "userPrincipalName", in.u.upn, "ipAddress", in.ip, "roles", []any{}))
	case in.app != nil:
		return o("app", o("appId", in.app.appID, "displayName", in.app.name, "servicePrincipalId", in.app.objID, "servicePrincipalName", nil))
	}
	return o("app", o("appId", in.appID, "displayName", in.name, "servicePrincipalId", in.spID, "servicePrincipalName", nil))
}

func (in initiator) display() string {
	switch {
	case in.u != nil:
		return in.u.display
	case in.app != nil:
		return in.app.name
	}
	return in.name
}

// audit describes one directory audit event.
type audit struct {
	at                         time.Time
	op, category, service, typ string
	result, reason             string
	by                         initiator
	targets                    []obj
	details                    []obj
	corr                       string
}

func (g *gen) auditRow(a audit) row {
	w := g.w
	if a.corr == "" {
		a.corr = newGUID(g.r)
	}
	if a.result == "" {
		a.result = "success"
	}
	if a.service == "" {
		a.service = "Core Directory"
	}
	var id string
	if a.service == "Core Directory" {
		const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		suffix := make([]byte, 5)
		for i := range suffix {
			suffix[i] = alnum[g.r.IntN(len(alnum))]
		}
		id = fmt.Sprintf("Directory_%s_%s_%08d", a.corr, suffix, g.r.IntN(100000000))
	} else {
		id = newGUID(g.r)
	}
	details := a.details
	if details == nil {
		details = []obj{}
	}
	if a.by.u != nil && a.service == "Core Directory" && len(details) == 0 {
		details = []obj{o("key", "User-Agent", "value", g.userAgentOf(a.by.u))}
	}
	targets := a.targets
	if targets == nil {
		targets = []obj{}
	}
	return row{
		"TimeGenerated": a.at, "ActivityDateTime": a.at, "AADOperationType": a.typ, "AADTenantId": w.tenantID,
		"ActivityDisplayName": a.op, "OperationName": a.op, "AdditionalDetails": details, "Category": a.category,
		"CorrelationId": a.corr, "DurationMs": int64(0), "Id": id, "Identity": a.by.display(), "InitiatedBy": a.by.json(),
		"Level": "4", "Location": "", "LoggedByService": a.service, "OperationVersion": "1.0",
		"Resource": "Microsoft.aadiam", "ResourceGroup": "Microsoft.aadiam", "ResourceProvider": "",
		"ResourceId": "/tenants/" + w.tenantID + "/providers/Microsoft.aadiam",
		"Result":     a.result, "ResultDescription": "", "ResultReason": a.reason, "ResultSignature": "None", "ResultType": "",
		"TargetResources": targets,
	}
}

func (g *gen) userAgentOf(u *user) string { return u.desk.ua }

// mod is one entry of a target's modifiedProperties; old and new are JSON texts or nil.
func mod(name string, old, new any) obj {
	return o("displayName", name, "oldValue", old, "newValue", new)
}

// q quotes s as the JSON string text audit logs put in modifiedProperties values.
func q(s string) string { return jsonText(s) }

func userTarget(u *user, mods ...obj) obj {
	if mods == nil {
		mods = []obj{}
	}
	return o("id", u.id, "displayName", nil, "type", "User", "userPrincipalName", u.upn, "modifiedProperties", mods, "administrativeUnits", []any{})
}

func (g *gen) roleTarget(ro role) obj {
	return o("id", g.w.roleObjIDs[ro.templateID], "displayName", ro.name, "type", "Role", "modifiedProperties", []obj{}, "administrativeUnits", []any{})
}

func (g *gen) roleMods(ro role) []obj {
	return []obj{
		mod("Role.ObjectID", nil, q(g.w.roleObjIDs[ro.templateID])),
		mod("Role.DisplayName", nil, q(ro.name)),
		mod("Role.TemplateId", nil, q(ro.templateID)),
		mod("Role.WellKnownObjectName", nil, q(ro.wellKnown)),
	}
}

// alert describes one Identity Protection alert in SecurityAlert.
type alert struct {
	at                   time.Time // when the risky sign-in happened
	name, typ, severity  string
	description          string
	u                    *user
	ip                   string
	place                *city
	app                  *app
	requestID, detection string
	techniques           []string
	tactics              string
}

func (g *gen) alertRow(a alert) row {
	w := g.w
	local, suffix, _ := strings.Cut(a.u.upn, "@")
	ents := []obj{
		o("$id", "1", "Name", local, "UPNSuffix", suffix, "AadTenantId", w.tenantID, "AadUserId", a.u.id,
			"IsDomainJoined", false, "DisplayName", a.u.display, "Type", "account"),
		o("$id", "2", "Address", a.ip, "Location", o("CountryCode", a.place.country, "State", a.place.state, "City", a.place.name,
			"Longitude", a.place.lon, "Latitude", a.place.lat, "Asn", a.place.asn), "Type", "ip"),
		o("$id", "3", "SessionId", a.requestID, "StartTimeUtc", a.at, "EndTimeUtc", a.at, "Type", "cloud-logon-session"),
	}
	generated := a.at.Add(time.Duration(5+g.r.IntN(20)) * time.Minute)
	ext := o("State", "Open", "Detection Id", a.detection, "Request Id", a.requestID,
		"Detail Description", a.description,
		"Client Location", a.place.name+", "+a.place.state+", "+a.place.country, "Client IP Address", a.ip,
		"Client Application", a.app.name, "User Account", a.u.upn, "User Name", a.u.display,
		"Alert generation status", "Full alert created", "ProcessedBySentinel", "True")
	techniques := jsonText(a.techniques)
	return row{
		"TimeGenerated": generated, "AlertName": a.name, "DisplayName": a.name, "AlertType": a.typ, "AlertSeverity": a.severity,
		"AlertLink": "", "CompromisedEntity": a.u.upn, "ConfidenceLevel": "", "ConfidenceScore": nil,
		"Description": a.description, "StartTime": a.at, "EndTime": a.at, "Entities": jsonText(ents),
		"ExtendedLinks": "", "ExtendedProperties": jsonText(ext), "IsIncident": false,
		"ProcessingEndTime":    generated.Add(time.Duration(1+g.r.IntN(50)) * time.Second),
		"ProductComponentName": "", "ProductName": "Azure Active Directory Identity Protection", "ProviderName": "IPC",
		"RemediationSteps": jsonText([]string{"1. Contact the user and ask them to confirm the sign-in.", "2. If the sign-in was not performed by the user, reset the user's password and revoke their sessions."}),
		"ResourceId":       "", "SourceComputerId": "", "Status": "New", "SubTechniques": "",
		"SystemAlertId": newGUID(g.r), "Tactics": a.tactics, "Techniques": techniques, "VendorName": "Microsoft",
		"VendorOriginalId": a.detection, "WorkspaceResourceGroup": "soc-rg", "WorkspaceSubscriptionId": w.subscription,
	}
}

// riskEventRow is the AADUserRiskEvents record of a risk detection on a sign-in.
func (g *gen) riskEventRow(at time.Time, u *user, kind, level, timing string, ip string, place *city, requestID, detection, corr string, ua string) row {
	detected := at
	if timing == "offline" {
		detected = at.Add(time.Duration(3+g.r.IntN(15)) * time.Minute)
	}
	return row{
		"TimeGenerated": detected, "Activity": "signin", "ActivityDateTime": at,
		"AdditionalInfo": []obj{o("Key", "userAgent", "Value", ua)}, "CorrelationId": corr,
		"DetectedDateTime": detected, "DetectionTimingType": timing, "Id": detection, "IpAddress": ip,
		"LastUpdatedDateTime": detected, "Location": o("city", place.name, "state", place.state, "countryOrRegion", place.country,
			"geoCoordinates", o("latitude", place.lat, "longitude", place.lon)),
		"OperationName": "User Risk Detection", "RequestId": requestID, "RiskDetail": "none", "RiskEventType": kind,
		"RiskLevel": level, "RiskState": "atRisk", "Source": "IdentityProtection", "SourceSystem": "Azure AD",
		"TokenIssuerType": "AzureAD", "UserDisplayName": u.display, "UserId": u.id, "UserPrincipalName": u.upn,
	}
}

func (g *gen) riskyUserRow(at time.Time, u *user, level string) row {
	return row{
		"TimeGenerated": at, "CorrelationId": newGUID(g.r), "Id": u.id, "IsDeleted": false, "IsProcessing": false,
		"OperationName": "Risky user", "RiskDetail": "none", "RiskLastUpdatedDateTime": at, "RiskLevel": level,
		"RiskState": "atRisk", "SourceSystem": "Azure AD", "UserDisplayName": u.display, "UserPrincipalName": u.upn,
	}
}

func (g *gen) identityRow(at time.Time, u *user) row {
	local, domain, _ := strings.Cut(u.upn, "@")
	roles := make([]string, 0, len(u.roles))
	if !u.admin { // admins hold eligible roles through PIM, not assigned ones
		for _, ro := range u.roles {
			roles = append(roles, ro.name)
		}
	}
	groups := []string{"All Employees", u.dept}
	if u.guest {
		groups = []string{"External Partners"}
	}
	userType, mail := "Member", u.upn
	if u.guest {
		userType = "Guest"
	}
	return row{
		"TimeGenerated": at, "Timestamp": at, "AccountCloudSID": "", "AccountCreationTime": u.created,
		"AccountDisplayName": u.display, "AccountDomain": domain, "AccountName": local, "AccountObjectId": u.id,
		"AccountSID": "", "AccountTenantId": g.w.tenantID, "AccountUPN": u.upn, "AdditionalMailAddresses": []any{},
		"Applications": "", "AssignedRoles": roles, "BlastRadius": blastRadius(u), "ChangeSource": "AzureActiveDirectory",
		"City": u.home.name, "CompanyName": "Contoso", "Country": u.home.country, "DeletedDateTime": nil,
		"Department": u.dept, "EmployeeId": "", "EntityRiskScore": nil, "ExtensionProperty": nil, "GivenName": u.given,
		"GroupMembership": groups, "InvestigationPriority": 0, "InvestigationPriorityPercentile": 0,
		"IsAccountEnabled": true, "IsMFARegistered": !u.guest, "IsServiceAccount": false, "JobTitle": u.title,
		"LastSeenDate": at, "MailAddress": mail, "Manager": "", "OnPremisesDistinguishedName": "",
		"OnPremisesExtensionAttributes": "", "Phone": "", "RelatedAccounts": o(), "RiskLevel": "", "RiskLevelDetails": "",
		"RiskState": "", "SAMAccountName": "", "ServicePrincipals": nil, "SourceSystem": "", "State": u.home.state,
		"StreetAddress": "", "Surname": u.sur, "Tags": "[]", "UACFlags": "", "UserAccountControl": nil,
		"UserState": "Active", "UserStateChangedOn": nil, "UserType": userType,
	}
}

func blastRadius(u *user) string {
	if u.admin {
		return "High"
	}
	return "Low"
}

// spSigninRow is a service principal's client-credentials sign-in.
func (g *gen) spSigninRow(at time.Time, s *sp, ip string, place *city, keyID string, code int) row {
	w := g.w
	id := newGUID(g.r)
	reason, _ := failure(code)
	return row{
		"TimeGenerated": at, "CreatedDateTime": at, "AADTenantId": w.tenantID, "Agent": jsonText(o("agentType", "notAgentic")),
		"AppId": s.appID, "AppOwnerTenantId": w.tenantID, "AuthenticationContextClassReferences": []any{},
		"AuthenticationProcessingDetails": []obj{o("key", "Azure AD App Authentication Library", "value", "Family: MSAL Library: MSAL.Python 1.26.0 Platform: Python")},
		"AutonomousSystemNumber":          strconv.Itoa(place.asn), "Category": "ServicePrincipalSignInLogs", "ClientCredentialType": s.credType,
		"ConditionalAccessAudiences": []string{"00000003-0000-0000-c000-000000000000"}, "ConditionalAccessPolicies": []any{},
		"ConditionalAccessStatus": "notApplied", "CorrelationId": newGUID(g.r), "DurationMs": int64(0), "FederatedCredentialId": "",
		"Id": id, "Identity": "", "IPAddress": ip, "Level": "4", "Location": place.country,
		"LocationDetails": o("city", place.name, "state", place.state, "countryOrRegion", place.country,
			"geoCoordinates", o("latitude", place.lat, "longitude", place.lon)),
		"NetworkLocationDetails": []any{}, "OperationName": "Sign-in activity", "OperationVersion": "1.0",
		"ResourceDisplayName": "Microsoft Graph", "ResourceGroup": "Microsoft.aadiam", "ResourceIdentity": "00000003-0000-0000-c000-000000000000",
		"ResourceOwnerTenantId": microsoftServicesTenant, "ResourceServicePrincipalId": g.resourceSP("00000003-0000-0000-c000-000000000000"),
		"ResultDescription": reason, "ResultSignature": "None", "ResultType": strconv.Itoa(code),
		"ServicePrincipalCredentialKeyId": keyID, "ServicePrincipalCredentialThumbprint": thumbprint(s, keyID),
		"ServicePrincipalId": s.objID, "ServicePrincipalName": s.name, "SessionId": "", "SourceSystem": "Azure AD",
		"UniqueTokenIdentifier": uti(g.r), "UserAgent": "",
	}
}

func thumbprint(s *sp, keyID string) string {
	if s.credType != "certificate" {
		return ""
	}
	return strings.ToUpper(strings.ReplaceAll(keyID, "-", "")[:32]) + "A1B2C3D4"
}
