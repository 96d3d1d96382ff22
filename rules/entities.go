package rules

import "strings"

// EntityTypes returns the Sentinel entity types an analytic rule may map, in their
// canonical spelling and in the order of Microsoft's entity reference. The caller owns
// the slice.
func EntityTypes() []string {
	return []string{"Account", "Host", "IP", "Malware", "File", "Process", "CloudApplication", "DNS", "AzureResource", "FileHash", "RegistryKey", "RegistryValue", "SecurityGroup", "URL", "IoTDevice", "Mailbox", "MailCluster", "MailMessage", "SubmissionMail"}
}

// CanonicalEntityType returns the canonical spelling of a Sentinel entity type (one of
// [EntityTypes]) written as s, and whether s names one. Names match ignoring case, spaces,
// hyphens and underscores, so "Url", "url", "Azure resource" and "azure-resource" (the
// spelling of serialized alert entities) all name a type, and "URL" and "AzureResource"
// are returned.
func CanonicalEntityType(s string) (string, bool) {
	key := entityTypeKey(s)
	if key == "" {
		return "", false
	}
	for _, t := range EntityTypes() {
		if entityTypeKey(t) == key {
			return t, true
		}
	}
	return "", false
}

func entityTypeKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '-', '_':
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// huntingEntityTypes lists the entity types that Sentinel knows from alerts
// (SecurityAlert.Entities, where NetworkConnection is "network-connection") but that the
// entity mappings of analytic rules do not take. Hunting queries of the Azure-Sentinel
// repository map them, and Sentinel deploys hunting queries as saved searches without
// checking their mappings, so the loader accepts them in hunting queries, with a warning.
func huntingEntityTypes() []string { return []string{"NetworkConnection"} }

// huntingEntityIdentifiers returns the identifiers of one of [huntingEntityTypes].
func huntingEntityIdentifiers(entityType string) ([]string, bool) {
	switch entityType {
	case "NetworkConnection":
		return []string{"SourceAddress", "SourcePort", "DestinationAddress", "DestinationPort", "Protocol"}, true
	}
	return nil, false
}

// EntityIdentifiers returns the identifiers an entity mapping of the given Sentinel
// entity type may use (Microsoft Sentinel entity reference), and whether the type is
// known.
func EntityIdentifiers(entityType string) ([]string, bool) {
	switch entityType {
	case "Account":
		return []string{"Name", "FullName", "NTDomain", "DnsDomain", "UPNSuffix", "Sid", "AadTenantId", "AadUserId", "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid", "CloudAppAccountId"}, true
	case "Host":
		return []string{"DnsDomain", "NTDomain", "HostName", "FullName", "NetBiosName", "AzureID", "OMSAgentID", "OSFamily", "OSVersion", "IsDomainJoined"}, true
	case "IP":
		return []string{"Address"}, true
	case "Malware":
		return []string{"Name", "Category"}, true
	case "File":
		return []string{"Directory", "Name"}, true
	case "Process":
		return []string{"ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"}, true
	case "CloudApplication":
		return []string{"AppId", "Name", "InstanceName"}, true
	case "DNS":
		return []string{"DomainName"}, true
	case "AzureResource":
		return []string{"ResourceId"}, true
	case "FileHash":
		return []string{"Algorithm", "Value"}, true
	case "RegistryKey":
		return []string{"Hive", "Key"}, true
	case "RegistryValue":
		return []string{"Name", "Value", "ValueType"}, true
	case "SecurityGroup":
		return []string{"DistinguishedName", "SID", "ObjectGuid"}, true
	case "URL":
		return []string{"Url"}, true
	case "IoTDevice":
		return []string{"IoTHub", "DeviceId", "DeviceName", "IoTSecurityAgentId", "DeviceType", "Source", "SourceRef", "Manufacturer", "Model", "OperatingSystem", "IpAddress", "MacAddress", "Protocols", "SerialNumber"}, true
	case "Mailbox":
		return []string{"MailboxPrimaryAddress", "DisplayName", "Upn", "ExternalDirectoryObjectId", "RiskLevel"}, true
	case "MailCluster":
		return []string{"NetworkMessageIds", "CountByDeliveryStatus", "CountByThreatType", "CountByProtectionStatus", "Threats", "Query", "QueryTime", "MailCount", "IsVolumeAnomaly", "Source", "ClusterSourceIdentifier", "ClusterSourceType", "ClusterQueryStartTime", "ClusterQueryEndTime", "ClusterGroup"}, true
	case "MailMessage":
		return []string{"Recipient", "Urls", "Threats", "Sender", "P1Sender", "P1SenderDisplayName", "P1SenderDomain", "SenderIP", "P2Sender", "P2SenderDisplayName", "P2SenderDomain", "ReceivedDate", "NetworkMessageId", "InternetMessageId", "Subject", "BodyFingerprintBin1", "BodyFingerprintBin2", "BodyFingerprintBin3", "BodyFingerprintBin4", "BodyFingerprintBin5", "AntispamDirection", "DeliveryAction", "DeliveryLocation", "Language", "ThreatDetectionMethods"}, true
	case "SubmissionMail":
		return []string{"SubmissionId", "SubmissionDate", "Submitter", "NetworkMessageId", "Timestamp", "Recipient", "Sender", "SenderIp", "Subject", "ReportType"}, true
	}
	return nil, false
}
