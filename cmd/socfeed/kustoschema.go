package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/schema"
)

const kustoSchemaUsage = `usage: socfeed kusto-schema [--from DIR] [--format json|multijson] TABLE...

Prints the Kusto control commands that create Log Analytics tables on an Azure Data
Explorer cluster or the Kusto emulator, with the columns and types socfeed's schema
catalog gives them: one '.create-merge table' command per TABLE. With --from, also an
'.ingest into table' command per TABLE that loads DIR/TABLE.jsonl (JSON lines with the
Log Analytics column names, as 'socfeed gen' and Log Analytics exports write them) with a
mapping from each column to the property of the same name. DIR is the folder as the
cluster sees it: for the emulator, the container folder the data is mounted on.

Each command is one line; commands are separated by a blank line, so Kusto.Explorer runs
them one block at a time and a shell loop can send them one request each.

flags:
`

// runKustoSchema is `socfeed kusto-schema`.
func runKustoSchema(_ context.Context, e *env, args []string) int {
	fset := flag.NewFlagSet("kusto-schema", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	from := fset.String("from", "", "also print commands that ingest `DIR`/TABLE.jsonl into each table")
	format := fset.String("format", "json", "the ingestion format of the files: json (one record a line) or multijson")
	fset.Usage = func() {
		io.WriteString(e.stderr, kustoSchemaUsage)
		fset.PrintDefaults()
	}
	// Table names and flags may come in any order.
	names, err := parseInterspersed(fset, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if len(names) == 0 {
		e.errorf("kusto-schema: expected one or more table names, such as SigninLogs AuditLogs")
		return exitUsage
	}
	if *format != "json" && *format != "multijson" {
		e.errorf("kusto-schema: in --format: expected json or multijson, found %q", *format)
		return exitUsage
	}
	cat := schema.Default()
	var b strings.Builder
	for i, name := range names {
		t, ok := cat.Table(name)
		if !ok {
			if s := cat.Suggest(name); s != "" {
				e.errorf("kusto-schema: unknown table %q; did you mean %q?", name, s)
			} else {
				e.errorf("kusto-schema: unknown table %q: socfeed's catalog has no schema for it", name)
			}
			return exitError
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(createTableCommand(t))
		b.WriteString("\n")
		if *from != "" {
			b.WriteString("\n")
			b.WriteString(ingestCommand(t, path.Join(*from, t.Name+".jsonl"), *format))
			b.WriteString("\n")
		}
	}
	io.WriteString(e.stdout, b.String())
	return exitOK
}

// createTableCommand returns the `.create-merge table` command for t: it creates the
// table, or adds the columns an existing table lacks.
func createTableCommand(t *schema.Table) string {
	var b strings.Builder
	b.WriteString(".create-merge table ")
	b.WriteString(kustoName(t.Name))
	b.WriteString(" (")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(kustoName(c.Name))
		b.WriteString(":")
		b.WriteString(kustoColumnType(c.Type))
	}
	b.WriteString(")")
	return b.String()
}

// ingestCommand returns an `.ingest into table` command that loads the JSON file at
// source into t, each column from the property of its name.
func ingestCommand(t *schema.Table, source, format string) string {
	type props struct {
		Path string `json:"Path"`
	}
	type entry struct {
		Column     string `json:"Column"`
		Properties props  `json:"Properties"`
	}
	mapping := make([]entry, len(t.Columns))
	for i, c := range t.Columns {
		p := "$." + c.Name
		if !isIdentifier(c.Name) {
			p = "$['" + strings.ReplaceAll(c.Name, "'", `\'`) + "']"
		}
		mapping[i] = entry{Column: c.Name, Properties: props{Path: p}}
	}
	m, _ := json.Marshal(mapping) // cannot fail: strings only
	return fmt.Sprintf(".ingest into table %s (%s) with (format=%s, ingestionMapping=%s)",
		kustoName(t.Name), kustoString(source), kustoString(format), kustoString(string(m)))
}

// kustoColumnType is the Kusto name of a column type.
func kustoColumnType(t types.Type) string {
	if t == types.Unknown {
		return "string"
	}
	return t.String()
}

// kustoName quotes a table or column name when it is not a plain identifier.
func kustoName(s string) string {
	if isIdentifier(s) {
		return s
	}
	return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "']"
}

// kustoString is s as a Kusto string literal: in single quotes when s holds double quotes
// and no single quote or control character (a JSON mapping reads better so), else in
// double quotes.
func kustoString(s string) string {
	if strings.Contains(s, `"`) && !strings.ContainsAny(s, "'\n\r\t") {
		return "'" + strings.ReplaceAll(s, `\`, `\\`) + "'"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s) + `"`
}

// isIdentifier reports whether s is a KQL identifier: a letter or underscore, then
// letters, digits and underscores.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}
