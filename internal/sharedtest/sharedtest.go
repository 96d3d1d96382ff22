// Package sharedtest finds the material that tests measure socfeed against: the ../shared
// folder beside the repository root (the folder holding go.mod, see [Root]), which is never
// copied into the repository. [Dir] returns a path below it and skips the test when that path is
// absent; [Corpus] reads the query corpus, shared/corpus/kql-queries.jsonl, as
// [CorpusRecord] values; [ReadJSONL] reads any other JSON Lines file of it.
package sharedtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Root returns the repository root: the nearest folder holding go.mod at or above the
// working directory.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod is absent above the test directory")
		}
		dir = parent
	}
}

// Find returns the absolute path of ../shared/<parts> beside the repository root (see
// [Root]). The error says what is missing: go.mod or that path.
func Find(parts ...string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	p := filepath.Join(append([]string{filepath.Dir(root), "shared"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s is absent: %v", p, err)
	}
	return p, nil
}

// Dir returns the absolute path of ../shared/<parts> beside the repository root, as [Find]
// does, and skips the test naming the missing path when it is absent.
func Dir(t testing.TB, parts ...string) string {
	t.Helper()
	p, err := Find(parts...)
	if err != nil {
		t.Skipf("%v (tests that measure socfeed against ../shared skip without it)", err)
	}
	return p
}

// ReadJSONL decodes each non-empty line of the JSON Lines file at path into a T, in order.
// An error names the file and the line.
func ReadJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return out, nil
}

// CorpusRecord is one record of shared/corpus/kql-queries.jsonl: the fields the tests read
// (shared/corpus/README.md describes them all).
type CorpusRecord struct {
	ID           string   `json:"id"`     // "<repo>:<path>[#n]"
	Repo         string   `json:"repo"`   // e.g. "Azure/Azure-Sentinel"
	Path         string   `json:"path"`   // slash path inside Repo
	Commit       string   `json:"commit"` // revision of Repo the text comes from
	Kind         string   `json:"kind"`   // analytic_rule, hunting_query or community
	SourceFormat string   `json:"source_format"`
	Name         string   `json:"name"`  // the YAML name, if any
	Query        string   `json:"query"` // the exact query text
	YAML         *string  `json:"yaml"`  // the whole YAML file; nil for other sources
	Tables       []string `json:"tables"`
	// DuplicateOf is the id of the first record with the same query text, nil for the
	// first one: count records with a nil DuplicateOf to count distinct queries.
	DuplicateOf *string `json:"duplicate_of"`
	// The labels of Microsoft's Kusto.Language parser and analyser. SemanticOK is nil
	// when the syntax fails.
	SyntaxOK       bool          `json:"official_syntax_ok"`
	SyntaxErrors   []CorpusError `json:"official_syntax_errors"`
	SemanticOK     *bool         `json:"official_semantic_ok"`
	SemanticErrors []CorpusError `json:"official_semantic_errors"` // the first five
	UnknownNames   []string      `json:"official_unknown_names"`
	OfficialTables []string      `json:"official_tables"`
}

// CorpusError is a diagnostic of Microsoft's parser or analyser on a corpus query; Start is
// a character offset into the query.
type CorpusError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Start   int    `json:"start"`
	Length  int    `json:"length"`
}

// The corpus file is corpusDir/corpusFile below ../shared.
const (
	corpusDir  = "corpus"
	corpusFile = "kql-queries.jsonl"
)

// ReadCorpus reads every record of shared/corpus/kql-queries.jsonl, found as [Find] finds
// it; it is for callers that are not tests, such as fuzz seeding that goes on without it.
func ReadCorpus() ([]CorpusRecord, error) {
	p, err := Find(corpusDir, corpusFile)
	if err != nil {
		return nil, err
	}
	return ReadJSONL[CorpusRecord](p)
}

// Corpus reads every record of shared/corpus/kql-queries.jsonl, duplicates included,
// skipping the test when the corpus is absent and failing it when a line does not decode.
func Corpus(t testing.TB) []CorpusRecord {
	t.Helper()
	recs, err := ReadJSONL[CorpusRecord](Dir(t, corpusDir, corpusFile))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// ByCount returns the keys of counts, the largest count first and equal counts in key
// order, for the tallies (error messages, missing names) that corpus measures log.
func ByCount(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := counts[keys[i]], counts[keys[j]]
		return a > b || a == b && keys[i] < keys[j]
	})
	return keys
}
