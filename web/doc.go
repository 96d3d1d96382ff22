// Package web is socfeed's HTTP server: the rule feed's pages, its JSON API and the
// embedded CSS and JavaScript.
//
// A [Server] serves a [Catalog] of enriched rules ([FeedCatalog] adapts the feed's
// SQLite catalog) and, optionally, loaded log [Data] with a [Runner] that runs a rule on
// it ([HuntRunner] runs rules with package hunt):
//
//	/                    the feed: full-text search, facets, sorting, paging
//	/rules/{id}          one rule: tags, confidence with its evidence, hunt hypothesis,
//	                     the KQL (highlighted with the scanner of package syntax), check
//	                     diagnostics with carets, the rule YAML, data readiness, ATT&CK
//	                     context, references, false-positive guidance and history
//	POST /rules/{id}/run the rule run on the loaded data: result rows and findings; the
//	                     run is recorded as evidence when the catalog is a [RunRecorder]
//	/coverage            the ATT&CK matrix as a heatmap of one of three layers
//	                     ([LayerNames]: a rule exists, its data is loaded, it fired),
//	                     filtered by tactic, source and severity ([CoverageFilter])
//	/data                loaded tables (rows, time range), rejected records and why,
//	                     loader warnings, derived values, and which rules can run
//	/login?token=...     sets the token cookie when the server has a [Config.Token]
//
// Every page has a JSON twin, linked from its footer, and the coverage view exports:
//
//	GET  /api/rules                 the feed: q, sort, facet parameters, limit, offset
//	GET  /api/rules/{id}            one rule with diagnostics, readiness and history
//	POST /api/rules/{id}/run        a run: rows, findings, failures
//	GET  /api/coverage              the matrix ([Coverage]) for layer, tactic, source,
//	                                severity and covered=1
//	GET  /api/coverage/navigator.json  the same view as one ATT&CK Navigator layer (layer
//	                                format 4.5, [NavigatorLayer]); /coverage/layer.json is
//	                                its old name
//	GET  /api/coverage.csv          the same view as CSV ([CoverageCSV]): tactic,
//	                                technique_id, name, rules, data_ready, fired
//	GET  /api/data                  the data page's tables, rejections and readiness
//
// JSON responses share one envelope: {"status":"success","data":...,"warnings":[...]} or
// {"status":"error","errors":[{"kind":...,"message":...}]}. The data of /api/rules is
// {"rules":[...],"total":N,"limit":L,"offset":O,"facets":[...]}: total counts every
// matching rule, rules holds at most limit of them (1 to 1000, default 50) from offset
// (default 0); page and per_page, as the feed page uses them, are accepted too. The CSV
// and Navigator exports are files, not wrapped.
//
// Pages are rendered on the server with html/template, so every value is escaped, and
// read without JavaScript: the little there is only enhances them. They carry a skip
// link, header/nav/main landmarks, labels on every control, aria-current on the active
// navigation entry, facet values and coverage layer, and scoped table headers. Every
// error becomes an HTTP status in one function, for pages and API alike.
//
// [Server.HTTPServer] sets timeouts on every phase of a request. socfeed serve binds to
// the loopback interface unless told otherwise, and elsewhere only with a token: then
// every request must carry `Authorization: Bearer TOKEN` or the cookie /login sets
// ([Server.Guard] puts handlers mounted beside the server behind the same token).
package web
