package synth

import (
	"strings"
	"time"
)

// jsonStringColumns are the string columns that hold JSON text in Log Analytics (keys as
// columnKey gives them); rules parse them with parse_json or todynamic.
var jsonStringColumns = map[string]bool{
	"entities": true, "extendedproperties": true, "authenticationdetails": true, "devicedetail": true,
	"locationdetails": true, "mfadetail": true, "conditionalaccesspolicies": true, "targetresources": true,
	"initiatedby": true, "additionaldetails": true, "riskeventtypes": true, "riskeventtypesv2": true,
	"authenticationprocessingdetails": true, "networklocationdetails": true, "parameters": true,
	"properties": true, "remediationsteps": true, "modifiedproperties": true, "authorization": true,
	"claims": true, "httprequest": true,
}

// jsonString returns the structured value of a string column that holds JSON, and false
// for other columns.
func (g *genericGen) jsonString(key string, r genericRow) (any, bool) {
	if key == "status" && strings.Contains(strings.ToLower(g.t.Name), "signin") {
		return g.shape("status", r), true
	}
	if !jsonStringColumns[key] {
		return nil, false
	}
	return g.shape(key, r), true
}

// dynamicValue returns a JSON value for a dynamic column whose key is key: the shape of a
// known column, else a small array (plural names) or object.
func (g *genericGen) dynamicValue(key string, r genericRow) any {
	if v := g.shape(key, r); v != nil {
		return v
	}
	if g.r.IntN(25) == 0 {
		return nil
	}
	if strings.HasSuffix(key, "s") && !strings.HasSuffix(key, "details") && !strings.HasSuffix(key, "status") &&
		!strings.HasSuffix(key, "address") && !strings.HasSuffix(key, "properties") && !strings.HasSuffix(key, "settings") {
		if strings.Contains(key, "ip") {
			return []string{r.ip, r.dstIP}
		}
		n := g.r.IntN(3)
		out := make([]string, 0, n+1)
		for i := 0; i <= n; i++ {
			out = append(out, pick(g.r, []string{"alpha", "bravo", "charlie", "delta", "echo"}))
		}
		return out
	}
	return o("id", newGUID(g.r), "name", pick(g.r, []string{"alpha", "bravo", "charlie"}), "type", pick(g.r, []string{"User", "Resource", "Policy"}),
		"value", g.r.IntN(100), "userPrincipalName", r.u.upn, "ipAddress", r.ip)
}

// shape returns the value of a well-known structured column, or nil.
func (g *genericGen) shape(key string, r genericRow) any {
	place := func() obj {
		return o("city", r.place.name, "state", r.place.state, "countryOrRegion", r.place.country,
			"geoCoordinates", o("latitude", r.place.lat, "longitude", r.place.lon))
	}
	switch key {
	case "targetresources":
		mods := []obj{
			mod("Role.DisplayName", "", q(pick(g.r, []role{roleGlobalAdmin, roleExchangeAdmin, roleUserAdmin, roleSecReader}).name)),
			mod("Included Updated Properties", nil, q("AccountEnabled, StrongAuthenticationMethod")),
			mod("AccountEnabled", q("[true]"), q("[false]")),
		}
		first := o("id", r.peer.id, "displayName", r.peer.display, "type", "User", "userPrincipalName", r.peer.upn,
			"modifiedProperties", mods, "administrativeUnits", []any{})
		if g.r.IntN(4) == 0 {
			first = o("id", newGUID(g.r), "displayName", r.u.app.name, "type", "ServicePrincipal", "userPrincipalName", nil,
				"modifiedProperties", mods, "administrativeUnits", []any{})
		}
		ro := pick(g.r, []role{roleGlobalAdmin, roleExchangeAdmin, rolePrivRoleAdmin})
		second := o("id", ro.templateID, "displayName", ro.name, "type", "Role", "modifiedProperties", []obj{}, "administrativeUnits", []any{})
		return []obj{first, second}
	case "initiatedby":
		if g.r.IntN(5) == 0 {
			return o("app", o("appId", r.u.app.id, "displayName", r.u.app.name, "servicePrincipalId", newGUID(g.r), "servicePrincipalName", nil))
		}
		return o("user", o("id", r.u.id, "displayName", nil, "userPrincipalName", r.u.upn, "ipAddress", r.ip, "roles", []any{}))
	case "locationdetails", "location":
		return place()
	case "devicedetail", "devicedetails":
		return o("deviceId", r.host.id, "displayName", r.host.name, "operatingSystem", r.host.os, "browser", "Edge 120.0.0",
			"isCompliant", g.r.IntN(2) == 0, "isManaged", g.r.IntN(2) == 0, "trustType", pick(g.r, []string{"Azure AD joined", "Hybrid Azure AD joined", ""}))
	case "status":
		if r.fail {
			return o("errorCode", 50126, "failureReason", "Invalid username or password or Invalid on-premise username or password.", "additionalDetails", "")
		}
		return o("errorCode", 0, "additionalDetails", "MFA requirement satisfied by claim in the token")
	case "mfadetail":
		return o("authMethod", pick(g.r, []string{"Mobile app notification", "Text message", "OATH verification code"}), "authDetail", nil)
	case "authenticationdetails":
		detail := "Correct password"
		if r.fail {
			detail = "Invalid username or password or Invalid on-premise username or password."
		}
		return []obj{o("authenticationStepDateTime", r.at, "authenticationMethod", pick(g.r, []string{"Password", "Previously satisfied", "Mobile app notification"}),
			"authenticationMethodDetail", "Password in the cloud", "succeeded", !r.fail, "authenticationStepResultDetail", detail,
			"authenticationStepRequirement", "Primary authentication", "RequestSequence", 0, "StatusSequence", 0)}
	case "conditionalaccesspolicies":
		return []obj{o("id", newGUID(g.r), "displayName", "Require MFA for administrators", "enforcedGrantControls", []string{"Mfa"},
			"enforcedSessionControls", []string{}, "result", pick(g.r, []string{"success", "failure", "notApplied"}))}
	case "additionaldetails":
		return []obj{o("key", "User-Agent", "value", pick(g.r, genericUserAgents)), o("key", "ipaddr", "value", r.ip)}
	case "additionalinfo":
		return []obj{o("Key", "userAgent", "Value", pick(g.r, genericUserAgents))}
	case "riskeventtypes", "riskeventtypesv2":
		if g.r.IntN(4) == 0 {
			return []string{pick(g.r, []string{"unfamiliarFeatures", "anonymizedIPAddress", "unlikelyTravel", "passwordSpray"})}
		}
		return []string{}
	case "entities":
		local, suffix, _ := strings.Cut(r.u.upn, "@")
		return []obj{
			o("$id", "1", "Name", local, "UPNSuffix", suffix, "AadUserId", r.u.id, "DisplayName", r.u.display, "Type", "account"),
			o("$id", "2", "Address", r.ip, "Location", o("CountryCode", r.place.country, "City", r.place.name), "Type", "ip"),
			o("$id", "3", "HostName", r.host.name, "DnsDomain", g.o.Domain, "OSFamily", "Windows", "Type", "host"),
		}
	case "extendedproperties":
		return o("Alert generation status", "Full alert created", "User Account", r.u.upn, "Client IP Address", r.ip,
			"Client Location", r.place.name+", "+r.place.country, "ProcessedBySentinel", "True", "IpAddress", r.ip,
			"Compromised Host", r.host.fqdn, "User Name", r.u.display)
	case "additionalfields":
		return o("Count", 1+g.r.IntN(10), "Name", pick(g.r, genericFiles), "IsLocalLogon", g.r.IntN(2) == 0,
			"Command", pick(g.r, genericCommands), "ScriptBlockText", "Get-Process | Out-Null", "Protocol", "Kerberos",
			"AccountName", r.u.local, "ACTOR.ACCOUNT", r.u.upn, "TARGET_OBJECT.USER", r.peer.upn, "IpAddress", r.ip)
	case "properties", "raweventdata", "data", "details":
		return o("eventCategory", "Administrative", "entity", "/subscriptions/"+g.p.subscription+"/resourceGroups/soc-rg",
			"message", pick(g.r, genericOperations), "caller", r.u.upn, "statusCode", pick(g.r, []string{"OK", "Created", "Forbidden"}),
			"ipAddress", r.ip, "UserId", r.u.upn, "Operation", pick(g.r, genericOperations), "ClientIP", r.ip,
			"requestbody", `{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"}}`,
			"activityStatusValue", "Success", "resourceProviderValue", "MICROSOFT.AUTHORIZATION")
	case "authorization":
		return o("action", "Microsoft.Authorization/roleAssignments/write", "scope", "/subscriptions/"+g.p.subscription,
			"evidence", o("role", "Owner", "principalId", r.u.id, "principalType", "User"))
	case "claims":
		return o("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", r.u.upn, "ipaddr", r.ip, "name", r.u.display,
			"appid", r.u.app.id, "http://schemas.microsoft.com/identity/claims/objectidentifier", r.u.id)
	case "httprequest":
		return o("clientRequestId", newGUID(g.r), "clientIpAddress", r.ip, "method", pick(g.r, []string{"PUT", "DELETE", "POST"}))
	case "identity":
		return o("claims", o("ipaddr", r.ip, "name", r.u.display, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", r.u.upn),
			"authorization", o("action", "Microsoft.KeyVault/vaults/read", "scope", "/subscriptions/"+g.p.subscription))
	case "user", "actor", "createdby", "updatedby":
		return o("id", r.u.id, "userPrincipalName", r.u.upn, "displayName", r.u.display, "email", r.u.upn)
	case "parameters", "operationparams", "requestparams":
		return []obj{o("Name", "Identity", "Value", r.peer.upn), o("Name", "ForwardTo", "Value", "attacker@external.example")}
	case "modifiedproperties":
		return []obj{mod("AccountEnabled", q("[true]"), q("[false]"))}
	case "tags", "labels":
		return o("environment", pick(g.r, []string{"prod", "dev"}), "owner", r.u.upn)
	case "sourceips", "ipaddresses", "ips":
		return []string{r.ip}
	case "remediationsteps":
		return []string{"1. Contact the user.", "2. Reset the password."}
	case "authenticationprocessingdetails":
		return []obj{o("key", "Legacy TLS (TLS 1.0, 1.1, 3DES)", "value", "False"), o("key", "Is CAE Token", "value", "False")}
	case "networklocationdetails":
		return []obj{o("networkType", "trustedNamedLocation", "networkNames", []string{"Corporate"})}
	case "timeranges":
		return []obj{o("start", r.at.Add(-time.Hour), "end", r.at)}
	}
	return nil
}
