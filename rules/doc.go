// Package rules holds the Microsoft Sentinel rule model and its strict YAML loader.
//
// [Rule] models every field Sentinel defines for scheduled and NRT analytic rules and for
// hunting queries. [Loader] reads rule YAML files (and plain .kql hunting queries) and
// returns, with each rule, every problem it finds as [Diagnostics]: unknown keys are
// warnings; YAML syntax errors, wrong types, bad durations and values, and missing
// required keys are errors, all with the file, line and column they concern. The loader
// keeps, for the query, where each of its bytes was written, so [Rule.QueryPos] can point
// KQL errors into the YAML file; it also catches YAML keys swallowed by the `query: |`
// block. [Loader.LoadDir] walks Azure-Sentinel checkouts and plain folders.
//
// The loader is as lenient as Sentinel where Sentinel is, and says so with warnings: a
// file of a hunting-queries folder ([Loader.HuntingFolder], [InHuntingFolder]) is a
// hunting query whatever its `kind` and scheduling keys say; a hunting query without an
// id gets [DerivedID], a UUID derived from its repository path ([RepoPath]); entity types
// spelled otherwise than Sentinel's schema ("Url", "Azure resource") are kept in their
// canonical spelling ([CanonicalEntityType], [EntityTypes], [EntityIdentifiers]). With an
// ATT&CK catalog (package attack) the loader also checks tactics and techniques.
package rules
