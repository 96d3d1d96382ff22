package web

import (
	"html"
	"html/template"
	"sort"
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
)

// Token classes of highlighted KQL, used as CSS classes.
const (
	hlOperator = "k-op"  // a tabular operator after '|': where, summarize, mv-expand
	hlKeyword  = "k-kw"  // a keyword or word operator: let, by, and, has_any, !contains
	hlFunction = "k-fn"  // a name called as a function: tostring(, ago(
	hlString   = "k-str" // a string literal, or a typed literal: datetime(2024-01-01)
	hlNumber   = "k-num" // a number or timespan
	hlComment  = "k-cmt" // a // comment
	hlPunct    = "k-p"   // the pipe
	hlBad      = "k-bad" // a character that starts no token, or an unterminated string
)

// keywords are the identifiers shown as keywords wherever they appear. KQL keywords are
// contextual, so a column named like one is coloured like one; readers expect that.
func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "let", "and", "or", "not", "by", "on", "kind", "with", "asc", "desc", "nulls",
		"first", "last", "true", "false", "null", "has", "has_any", "has_all", "hasprefix",
		"hassuffix", "has_cs", "hasprefix_cs", "hassuffix_cs", "contains", "contains_cs",
		"startswith", "startswith_cs", "endswith", "endswith_cs", "matches", "regex", "in",
		"in~", "between", "like", "materialize", "set", "declare", "query_parameters",
		"typeof", "step", "from", "to", "withsource", "isfuzzy", "inner", "innerunique",
		"leftouter", "rightouter", "fullouter", "leftanti", "rightanti", "leftsemi",
		"rightsemi", "anti", "semi", "outer", "left", "right":
		return true
	}
	return false
}

// highlightKQL renders src as HTML with each token in a span of its class (see the hl
// constants). Text between tokens (white space) is copied escaped, so the output shows src
// exactly. It uses the scanner of package syntax, so it never fails on bad input.
func highlightKQL(src string) template.HTML {
	toks, comments := syntax.Scan(src)
	type piece struct {
		pos, end int
		class    string
	}
	pieces := make([]piece, 0, len(toks)+len(comments))
	afterPipe := false
	for i, t := range toks {
		if t.Kind == syntax.TokEOF {
			break
		}
		class := ""
		switch t.Kind {
		case syntax.TokIdent:
			next := syntax.TokEOF
			if i+1 < len(toks) {
				next = toks[i+1].Kind
			}
			switch {
			case afterPipe:
				class = hlOperator
			case next == syntax.TokLparen:
				class = hlFunction
			case isKeyword(t.Text):
				class = hlKeyword
			}
		case syntax.TokNotOp:
			class = hlKeyword
		case syntax.TokString, syntax.TokTyped:
			class = hlString
		case syntax.TokLong, syntax.TokReal, syntax.TokTimespan:
			class = hlNumber
		case syntax.TokPipe:
			class = hlPunct
		case syntax.TokIllegal:
			class = hlBad
		}
		if t.Err != "" {
			class = hlBad
		}
		// An operator name written with hyphens (mv-expand, project-away) scans as
		// ident '-' ident with no space: keep colouring its parts as the operator.
		hyphenated := afterPipe && t.Kind == syntax.TokIdent && i+2 < len(toks) &&
			toks[i+1].Kind == syntax.TokMinus && toks[i+1].Pos == t.End &&
			toks[i+2].Kind == syntax.TokIdent && toks[i+2].Pos == toks[i+1].End
		if afterPipe && t.Kind == syntax.TokMinus {
			class = hlOperator
		}
		afterPipe = t.Kind == syntax.TokPipe || hyphenated || (afterPipe && t.Kind == syntax.TokMinus)
		pieces = append(pieces, piece{int(t.Pos), int(t.End), class})
	}
	for _, c := range comments {
		pieces = append(pieces, piece{int(c.Slash), int(c.Slash) + len(c.Text), hlComment})
	}
	sort.Slice(pieces, func(i, j int) bool { return pieces[i].pos < pieces[j].pos })

	var b strings.Builder
	b.Grow(len(src) * 2)
	at := 0
	for _, p := range pieces {
		if p.pos < at || p.end > len(src) || p.end < p.pos {
			continue // overlapping or out of range: cannot happen with a sane scanner
		}
		b.WriteString(html.EscapeString(src[at:p.pos]))
		text := html.EscapeString(src[p.pos:p.end])
		if p.class == "" {
			b.WriteString(text)
		} else {
			b.WriteString(`<span class="`)
			b.WriteString(p.class)
			b.WriteString(`">`)
			b.WriteString(text)
			b.WriteString(`</span>`)
		}
		at = p.end
	}
	b.WriteString(html.EscapeString(src[at:]))
	return template.HTML(b.String()) //nolint:gosec // every piece of src is escaped above
}
