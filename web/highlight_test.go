package web

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// spans lists the highlighted pieces of out as "class:text".
func spans(out string) []string {
	var got []string
	for _, m := range regexp.MustCompile(`<span class="([^"]+)">([^<]*)</span>`).FindAllStringSubmatch(out, -1) {
		got = append(got, m[1]+":"+html.UnescapeString(m[2]))
	}
	return got
}

func TestHighlightKQL(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`T | where A == "x" // note`, []string{"k-p:|", "k-op:where", `k-str:"x"`, "k-cmt:// note"}},
		{`T | mv-expand X | project-away Y`, []string{"k-p:|", "k-op:mv", "k-op:-", "k-op:expand", "k-p:|", "k-op:project", "k-op:-", "k-op:away"}},
		{`let n = 5; T | where B !contains "a" and C > 1.5 and D > ago(1d)`,
			[]string{"k-kw:let", "k-num:5", "k-p:|", "k-op:where", "k-kw:!contains", `k-str:"a"`, "k-kw:and", "k-num:1.5", "k-kw:and", "k-fn:ago", "k-num:1d"}},
		{`T | summarize count() by bin(TimeGenerated, 1h)`, []string{"k-p:|", "k-op:summarize", "k-fn:count", "k-kw:by", "k-fn:bin", "k-num:1h"}},
		{`print datetime(2024-01-01), "unterminated`, []string{"k-str:datetime(2024-01-01)", `k-bad:"unterminated`}},
		{"T | where X == '<script>'", []string{"k-p:|", "k-op:where", "k-str:'<script>'"}},
	}
	for _, tt := range tests {
		out := string(highlightKQL(tt.src))
		got := spans(out)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("highlightKQL(%q) spans (-want +got):\n%s", tt.src, diff)
		}
		// The text of the output is exactly the source.
		plain := html.UnescapeString(regexp.MustCompile(`</?span[^>]*>`).ReplaceAllString(out, ""))
		if plain != tt.src {
			t.Errorf("highlightKQL(%q) text = %q, want the source", tt.src, plain)
		}
		if strings.Contains(out, "<script>") {
			t.Errorf("highlightKQL(%q) = %q: not escaped", tt.src, out)
		}
	}
}

func FuzzHighlightKQL(f *testing.F) {
	for _, s := range []string{"T | where A == 1", "let x = (a:int) { a + 1 };\nprint x(1)", `"\`, "@'x'", "```a```", "\xff|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(highlightKQL(src))
		plain := html.UnescapeString(regexp.MustCompile(`</?span[^>]*>`).ReplaceAllString(out, ""))
		if plain != src && strings.ToValidUTF8(plain, "") != strings.ToValidUTF8(src, "") {
			t.Errorf("highlightKQL(%q) text = %q, want the source", src, plain)
		}
	})
}

func TestCaretLine(t *testing.T) {
	tests := []struct {
		src        string
		line, col  int
		text, want string
	}{
		{"a\n| where X", 2, 9, "| where X", "        ^"},
		{"\tx = 1", 1, 2, "\tx = 1", "\t^"},
		{"é = 1", 1, 4, "é = 1", "  ^"}, // col counts bytes; é is two
		{"ab", 1, 5, "ab", "    ^"},     // past the end: the end of input
		{"ab", 3, 1, "", ""},
	}
	for _, tt := range tests {
		text, caret := caretLine(tt.src, tt.line, tt.col)
		if text != tt.text || caret != tt.want {
			t.Errorf("caretLine(%q, %d, %d) = %q, %q, want %q, %q", tt.src, tt.line, tt.col, text, caret, tt.text, tt.want)
		}
	}
}

func TestTrimDiagnostics(t *testing.T) {
	var ds []Diagnostic
	for i := 15; i >= 1; i-- {
		ds = append(ds, Diagnostic{Line: i, Col: 3, Severity: "warning", Msg: "w"}, Diagnostic{Line: i, Col: 5, Severity: "error", Msg: "e"})
	}
	got, n := trimDiagnostics(ds)
	if n != 30 || len(got) != maxDiagnostics {
		t.Fatalf("trimDiagnostics: %d kept of %d, want %d of 30", len(got), n, maxDiagnostics)
	}
	for i, d := range got {
		if d.Line != i+1 || d.Severity != "error" {
			t.Errorf("trimDiagnostics()[%d] = %+v, want the error of line %d", i, d, i+1)
		}
	}
}
