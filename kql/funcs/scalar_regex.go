package funcs

import (
	"regexp"
	"strings"
	"sync"
)

// regexCache compiles each pattern once. Kernels see the same pattern on every row, so
// compiling per call would dominate their cost. A cache belongs to the function
// declarations that share it (one per registry), never to the package; it is safe for
// concurrent use and bounded in size.
type regexCache struct {
	mu sync.Mutex
	m  map[string]regexEntry
}

type regexEntry struct {
	re  *regexp.Regexp
	err error
}

const regexCacheMax = 512

func newRegexCache() *regexCache { return &regexCache{m: make(map[string]regexEntry)} }

// get compiles pattern with Kusto's RE2 syntax, remembering the result.
func (c *regexCache) get(pattern string) (*regexp.Regexp, error) {
	c.mu.Lock()
	e, ok := c.m[pattern]
	c.mu.Unlock()
	if ok {
		return e.re, e.err
	}
	re, err := regexp.Compile(pattern)
	c.mu.Lock()
	if len(c.m) >= regexCacheMax {
		clear(c.m)
	}
	c.m[pattern] = regexEntry{re, err}
	c.mu.Unlock()
	return re, err
}

// kustoRewrite turns a Kusto/.NET regex replacement (`\1`, `$1`, `${name}`) into Go's
// Expand template syntax.
func kustoRewrite(s string) string {
	if !strings.ContainsAny(s, `\$`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case c == '$' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				b.WriteString("$$")
				continue
			}
			b.WriteString(s[i : i+end+1])
			i += end
		case c == '$' && i+1 < len(s) && s[i+1] == '$':
			b.WriteString("$$")
			i++
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
