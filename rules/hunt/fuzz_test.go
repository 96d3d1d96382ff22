package hunt

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseTestFile checks that no test file text makes the parser panic.
func FuzzParseTestFile(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.test.yaml")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("a: &a [*a, *a]\nexpect: {rows: [{x: *a}]}\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		tf, _ := ParseTestFile("t.test.yaml", text)
		if tf != nil {
			for _, c := range tf.Cases {
				_ = checkExpect(c.Expect, nil)
			}
		}
	})
}
