// Package feed publishes Sentinel rules from their sources as an enriched, searchable
// catalog: the back end of socfeed's rule feed.
//
// A [Source] is a folder or a git repository laid out like Azure-Sentinel (or holding
// plain .yaml/.kql files); [Source.Fetch] brings it into the store and returns a
// [Snapshot] of its files at HEAD, with the commit, the licence and each file's original
// URL. A [Catalog] is the SQLite database under the store folder: [Catalog.Sync] loads a
// snapshot's rules with package rules, keeps every changed text as a new version
// ([Catalog.History], [Catalog.Diff]), analyses each query ([Analyze] gives an
// [Analysis]: tables, columns, selection criteria, joins, thresholds, time windows,
// entities, ATT&CK context, references) and composes a hunt hypothesis and false-positive
// guidance from it ([Compose], optionally rewritten by an [LLM]).
//
// [Catalog.Search] is full-text search with facets, sorting and paging;
// [Catalog.Coverage] maps rules onto ATT&CK tactics and techniques and exports a Navigator
// layer; [Catalog.Confidence] states how far a rule is to be trusted, from evidence
// (parses, checks, has a test, ran, fired, stayed quiet on benign data) that
// [Catalog.RecordRun] adds to; [CheckReadiness] says which of a rule's tables and columns
// a set of loaded data provides.
//
// The store folder holds catalog.db, repos/ (git clones of remote sources) and
// checkouts/ (the files of each source at its synced commit).
package feed
