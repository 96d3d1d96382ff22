package syntax

import (
	"os"
	"strings"
	"testing"
)

// yamlBlock extracts the literal block scalar `key: |` from a YAML file the
// way YAML does: the lines after the key that are blank or indented at least
// as deep as the first line, with that indentation removed. It is enough for
// rule files and keeps this package free of a YAML dependency.
func yamlBlock(t *testing.T, path, key string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, key+":") || !strings.Contains(l, "|") {
			continue
		}
		indent := -1
		var out []string
		for _, b := range lines[i+1:] {
			if strings.TrimSpace(b) == "" {
				out = append(out, "")
				continue
			}
			n := len(b) - len(strings.TrimLeft(b, " "))
			if indent < 0 {
				indent = n
			}
			if n < indent || indent == 0 {
				break
			}
			out = append(out, b[indent:])
		}
		return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
	}
	t.Fatalf("%s: no %q block", path, key)
	return ""
}
