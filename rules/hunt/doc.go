// Package hunt runs Microsoft Sentinel rules over data and turns their results into
// findings.
//
// [Run] runs hunting queries once, with now() fixed at an as-of time, and scheduled and
// NRT rules either once as of that time or, with [Options.Replay], as Sentinel would have
// run them: one run every queryFrequency across a time range, each seeing only the rows of
// its queryPeriod lookback, with the trigger, event grouping and suppression applied. Each
// alert becomes a [Finding] carrying its rule, window, rows, entities (from entityMappings,
// sentinelEntitiesMappings and the legacy *CustomEntity columns), custom details and
// alert-details overrides. A rule that fails is reported as a [Failure] with its position
// in the rule file and never stops the others.
//
// The package does not run KQL itself: it asks an [Engine], a narrow interface that
// socfeed's own engine (package rules/hunt/local) and a remote Kusto cluster (package
// kusto's Backend) both implement. [WriteJSON], [WriteTable]
// and [WriteCSV] print a [Result].
//
// Rule unit tests ([LoadTestFile], [RunTests]) give a rule input rows and check its
// findings, the way `promtool test rules` does for Prometheus: a `Name.test.yaml` file
// beside `Name.yaml` lists test cases, each with tables and an expectation.
package hunt
