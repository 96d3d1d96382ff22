// Package kusto speaks the Kusto (Azure Data Explorer) REST protocol, on both sides.
//
// Server side, [Handler] makes socfeed a Kusto endpoint: the SDKs (azure-kusto-go,
// azure-kusto-data for Node and Python), Kusto.Explorer and other clients send queries to
// /v1/rest/query and /v2/rest/query and control commands to /v1/rest/mgmt, and get back
// the service's v1 and v2 response frames, values encoded as the service encodes them, and
// errors in the service's OneApi error shape. Each [Database] holds tables loaded by
// package logs and the Log Analytics schema catalog; queries run on package exec, with
// now() fixed by the query_now request property.
//
// Client side, [Backend] runs the queries of a hunt (package rules/hunt) on a Kusto
// endpoint — an Azure Data Explorer cluster, a Log Analytics workspace through its ADX
// proxy, the Kusto emulator, or another socfeed — through the v2 REST API, with ago() and
// now() pinned by query_now, and converts the results into the hunt runner's tables.
package kusto
