package logs

import "strings"

// categoryTable maps a diagnostic-settings category (Entra ID export) to its Log Analytics
// table, or "" when unknown.
func categoryTable(category string) string {
	switch category {
	case "SignInLogs":
		return "SigninLogs"
	case "NonInteractiveUserSignInLogs":
		return "AADNonInteractiveUserSignInLogs"
	case "ServicePrincipalSignInLogs":
		return "AADServicePrincipalSignInLogs"
	case "ManagedIdentitySignInLogs":
		return "AADManagedIdentitySignInLogs"
	case "AuditLogs":
		return "AuditLogs"
	case "ProvisioningLogs":
		return "AADProvisioningLogs"
	case "RiskyUsers":
		return "AADRiskyUsers"
	case "UserRiskEvents":
		return "AADUserRiskEvents"
	case "RiskyServicePrincipals":
		return "AADRiskyServicePrincipals"
	case "ServicePrincipalRiskEvents":
		return "AADServicePrincipalRiskEvents"
	case "MicrosoftGraphActivityLogs":
		return "MicrosoftGraphActivityLogs"
	case "ADFSSignInLogs":
		return "ADFSSignInLogs"
	}
	return ""
}

// envelopeColumn maps a top-level field of the Azure Monitor diagnostic-settings
// envelope to its Log Analytics column.
func envelopeColumn(key string) string {
	switch key {
	case "time":
		return "TimeGenerated"
	case "tenantId":
		return "AADTenantId"
	case "callerIpAddress":
		return "IPAddress"
	case "level":
		return "Level"
	}
	return pascal(key)
}

// graphColumn maps a Microsoft Graph (camelCase) property of an Entra ID record, as found
// in the envelope's properties or in Graph API pages, to its Log Analytics column in table.
func graphColumn(table, key string) string {
	switch key {
	case "id":
		return "Id"
	case "ipAddress":
		return "IPAddress"
	case "location":
		return "LocationDetails"
	case "appliedConditionalAccessPolicies":
		return "ConditionalAccessPolicies"
	case "riskEventTypes_v2":
		return "RiskEventTypes_V2"
	case "operationType":
		return "AADOperationType"
	case "resourceId":
		if strings.Contains(strings.ToLower(table), "signin") {
			return "ResourceIdentity"
		}
	case "processingTimeInMilliseconds":
		if table == "AADNonInteractiveUserSignInLogs" {
			return "ProcessingTimeInMs"
		}
	}
	return pascal(key)
}

// statusColumn maps a member of a sign-in's status object to the column Log Analytics
// fills from it, or "".
func statusColumn(key string) string {
	switch key {
	case "errorCode":
		return "ResultType"
	case "failureReason":
		return "ResultDescription"
	}
	return ""
}

// pascal upper-cases the first letter of a camelCase name.
func pascal(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
