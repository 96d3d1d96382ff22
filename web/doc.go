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
//	POST /rules/{id}/run the rule run on the loaded data: result rows and findings
//	/coverage            the ATT&CK matrix; /coverage/layer.json the Navigator layer
//	/data                loaded tables and which rules can run on them
//	/api/...             the same as JSON, in one envelope (see [Server])
//
// Pages are rendered on the server with html/template, so every value is escaped; the
// little JavaScript there only enhances them. Every error becomes an HTTP status in
// one function, for pages and API alike. [Server.HTTPServer] sets timeouts on every phase
// of a request; socfeed serve binds to the loopback interface unless told otherwise.
package web
