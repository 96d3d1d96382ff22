package feed

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
	want := `--- v1
+++ v2
@@ -1,10 +1,11 @@
 a
 b
 c
-d
+D
 e
 f
 g
 h
 i
 j
+k
`
	if got := UnifiedDiff("v1", "v2", old, new); got != want {
		t.Errorf("UnifiedDiff =\n%s\nwant\n%s", got, want)
	}
	far := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n"
	farNew := strings.Replace(strings.Replace(far, "2\n", "two\n", 1), "19\n", "nineteen\n", 1)
	got := UnifiedDiff("a", "b", far, farNew)
	if n := strings.Count(got, "@@ -"); n != 2 {
		t.Errorf("distant changes gave %d hunks, want 2:\n%s", n, got)
	}
	if !strings.Contains(got, "@@ -1,5 +1,5 @@") || !strings.Contains(got, "@@ -16,5 +16,5 @@") {
		t.Errorf("hunk headers wrong:\n%s", got)
	}
	if got := UnifiedDiff("a", "b", "x\n", "x\n"); got != "" {
		t.Errorf("equal texts gave %q, want empty", got)
	}
	if got := UnifiedDiff("a", "b", "x", "y"); got != "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n" {
		t.Errorf("no final newline: got %q", got)
	}
}

// TestMyersShortest checks on random inputs that the edit script rebuilds both sides and
// is as short as an LCS computed by dynamic programming says it can be.
func TestMyersShortest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func() []string {
		n := rng.IntN(12)
		var s []string
		for range n {
			s = append(s, string(rune('a'+rng.IntN(4))))
		}
		return s
	}
	for range 500 {
		a, b := gen(), gen()
		ops := myers(a, b)
		var ra, rb []string
		edits := 0
		for _, op := range ops {
			switch op.kind {
			case ' ':
				ra, rb = append(ra, op.text), append(rb, op.text)
			case '-':
				ra = append(ra, op.text)
				edits++
			case '+':
				rb = append(rb, op.text)
				edits++
			}
		}
		if strings.Join(ra, "") != strings.Join(a, "") || strings.Join(rb, "") != strings.Join(b, "") {
			t.Fatalf("myers(%q, %q) does not rebuild the inputs: %v", a, b, ops)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("myers(%q, %q) made %d edits, want %d", a, b, edits, want)
		}
	}
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}
