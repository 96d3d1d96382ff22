package feed

import (
	"fmt"
	"strings"
)

// UnifiedDiff returns the line differences between two texts in unified diff format, with
// three lines of context, headed by the names oldName and newName. It returns "" when the
// texts are equal. Lines are compared exactly; the edit script is a shortest one (Myers'
// O(ND) algorithm).
func UnifiedDiff(oldName, newName, oldText, newText string) string {
	if oldText == newText {
		return ""
	}
	a, b := splitLines(oldText), splitLines(newText)
	ops := myers(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	const ctx = 3
	// Group edits into hunks separated by more than 2*ctx equal lines.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-ctx)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*ctx {
				break
			}
		}
		stop := min(len(ops), end+ctx+1)
		oldStart, newStart := ops[start].a, ops[start].b
		var oldN, newN int
		var body strings.Builder
		for _, op := range ops[start:stop] {
			line := op.text
			switch op.kind {
			case ' ':
				oldN++
				newN++
			case '-':
				oldN++
			case '+':
				newN++
			}
			body.WriteByte(op.kind)
			body.WriteString(strings.TrimSuffix(line, "\n"))
			body.WriteByte('\n')
			if !strings.HasSuffix(line, "\n") {
				body.WriteString("\\ No newline at end of file\n")
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(oldStart, oldN), hunkRange(newStart, newN))
		out.WriteString(body.String())
		i = stop
	}
	return out.String()
}

// hunkRange prints a unified diff range: 1-based start and length, "start,0" pointing
// before the first line when empty.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits text into lines, each keeping its "\n".
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffOp is one line of an edit script: ' ' keep, '-' delete, '+' insert; a and b are the
// 0-based line numbers in the old and new text before the line.
type diffOp struct {
	kind byte
	text string
	a, b int
}

// myers computes a shortest edit script from a to b.
func myers(a, b []string) []diffOp {
	n, m := len(a), len(b)
	maxD := n + m
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, d, off)
			}
		}
	}
	return nil // unreachable: d = n+m always reaches the end
}

func backtrack(trace [][]int, a, b []string, d, off int) []diffOp {
	x, y := len(a), len(b)
	var rev []diffOp
	for ; d > 0; d-- {
		v := trace[d]
		k := x - y
		var pk int
		if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := v[off+pk]
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, diffOp{kind: ' ', text: a[x], a: x, b: y})
		}
		if x == px {
			y--
			rev = append(rev, diffOp{kind: '+', text: b[y], a: x, b: y})
		} else {
			x--
			rev = append(rev, diffOp{kind: '-', text: a[x], a: x, b: y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, diffOp{kind: ' ', text: a[x], a: x, b: y})
	}
	ops := make([]diffOp, len(rev))
	for i, op := range rev {
		ops[len(rev)-1-i] = op
	}
	return ops
}
