package rules

// entityTypes lists the Sentinel entity types an analytic rule may map, in the order of
// Microsoft's entity reference.
func entityTypes() []string {
	return []string{"Account", "Host", "IP", "Malware", "File", "Process", "CloudApplication", "DNS", "AzureResource", "FileHash", "RegistryKey", "RegistryValue", "SecurityGroup", "URL", "IoTDevice", "Mailbox", "MailCluster", "MailMessage", "SubmissionMail"}
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
