package types

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSONValid(t *testing.T) {
	valid := []string{
		`null`, `true`, `false`, `0`, `-1.5e+10`, `"a\"b\u00e9"`, `[]`, `{}`, ` [1, [2, {"a": []}]] `,
		`{"a":1,"b":[1,2]}`,
	}
	invalid := []string{
		``, `nul`, `01`, `1.`, `-`, `"abc`, `"\x"`, `[1,]`, `[1 2]`, `{"a"}`, `{"a":1,}`, `{a:1}`,
		`[1]]`, "\"a\nb\"", `'a'`,
	}
	for _, s := range valid {
		if !JSON(s).Valid() {
			t.Errorf("JSON(%q).Valid() = false, want true", s)
		}
	}
	for _, s := range invalid {
		if JSON(s).Valid() {
			t.Errorf("JSON(%q).Valid() = true, want false", s)
		}
	}
}

func TestJSONKind(t *testing.T) {
	tests := []struct {
		in   string
		want JSONKind
	}{
		{` {"a":1}`, JSONObject}, {`[1]`, JSONArray}, {`"x"`, JSONString}, {`-3`, JSONNumber},
		{`true`, JSONBool}, {`null`, JSONNull}, {``, JSONInvalid}, {`x`, JSONInvalid},
	}
	for _, tt := range tests {
		if got := JSON(tt.in).Kind(); got != tt.want {
			t.Errorf("JSON(%q).Kind() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestJSONGet(t *testing.T) {
	tests := []struct {
		in, key string
		want    string
		ok      bool
	}{
		{`{"a":1,"b":[1,2]}`, "b", `[1,2]`, true},
		{`{ "a" : { "x" : "y" } , "b":2 }`, "a", `{ "x" : "y" }`, true},
		{`{"a":1}`, "A", ``, false},       // case-sensitive
		{`{"a":1,"a":2}`, "a", `2`, true}, // last wins
		{`{"a\u0062":3}`, "ab", `3`, true},
		{`[1,2]`, "a", ``, false},
		{`"text"`, "a", ``, false},
		{`{"a":null}`, "a", `null`, true},
	}
	for _, tt := range tests {
		got, ok := JSON(tt.in).Get(tt.key)
		if string(got) != tt.want || ok != tt.ok {
			t.Errorf("JSON(%q).Get(%q) = %q, %v, want %q, %v", tt.in, tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

func TestJSONIndexLen(t *testing.T) {
	arr := JSON(`[10, "b", [3], {"c":4}]`)
	tests := []struct {
		i    int
		want string
		ok   bool
	}{
		{0, `10`, true}, {1, `"b"`, true}, {3, `{"c":4}`, true}, {4, ``, false},
		{-1, `{"c":4}`, true}, {-4, `10`, true}, {-5, ``, false},
	}
	for _, tt := range tests {
		got, ok := arr.Index(tt.i)
		if string(got) != tt.want || ok != tt.ok {
			t.Errorf("Index(%d) = %q, %v, want %q, %v", tt.i, got, ok, tt.want, tt.ok)
		}
	}
	lens := map[string]int{`[]`: 0, `[1,2,3]`: 3, `{"a":1,"b":2}`: 2, `"abc"`: -1, `5`: -1, `[[1,2],[3]]`: 2}
	for in, want := range lens {
		if got := JSON(in).Len(); got != want {
			t.Errorf("JSON(%q).Len() = %d, want %d", in, got, want)
		}
	}
	if _, ok := JSON(`{"a":1}`).Index(0); ok {
		t.Errorf("Index on an object found an element")
	}
}

func TestJSONEachMembers(t *testing.T) {
	var elems []string
	JSON(` [1 , "x", [2,3] ] `).Each(func(e JSON) bool { elems = append(elems, string(e)); return true })
	if diff := cmp.Diff([]string{"1", `"x"`, "[2,3]"}, elems); diff != "" {
		t.Errorf("Each (-want +got):\n%s", diff)
	}
	var keys []string
	JSON(`{"a":1,"b\n":2,"c":3}`).Members(func(k, _ JSON) bool {
		u, _ := k.Unquote()
		keys = append(keys, u)
		return u != "b\n" // stop after the second
	})
	if diff := cmp.Diff([]string{"a", "b\n"}, keys); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}
}

func TestJSONUnquote(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{`"abc"`, "abc", true},
		{`"a\"b\\c\/d\n\t"`, "a\"b\\c/d\n\t", true},
		{`"\u00e9\ud83d\ude00"`, "é😀", true},
		{`"\ud83d"`, "\ufffd", true},
		{`"abc`, "", false},
		{`5`, "", false},
		{`"a" "b"`, "", false},
	}
	for _, tt := range tests {
		got, ok := JSON(tt.in).Unquote()
		if got != tt.want || ok != tt.ok {
			t.Errorf("JSON(%q).Unquote() = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCompactJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{ "a" : 1, "b" : [ 1 , 2 ] }`, `{"a":1,"b":[1,2]}`},
		{`['A1', 'A2']`, `["A1","A2"]`},
		{`{'k': 'it\'s'}`, `{"k":"it's"}`},
		{`[1,2,]`, `[1,2]`},
		{`"\u0041\/"`, `"A/"`},
		{`{"value":118.0,"min":1.5,"big":1e3,"huge":1e300,"neg":-0.0}`, `{"value":118,"min":1.5,"big":1000,"huge":1E+300,"neg":0}`},
		{`12345678901234567890`, `1.2345678901234567E+19`},
		{` null `, `null`},
		{"\"tab\\there\"", `"tab\there"`},
	}
	for _, tt := range tests {
		got, err := CompactJSON(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CompactJSON(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{``, `abc`, `{"a":}`, `[1`, `{"a":1} x`, `[,]`} {
		if got, err := CompactJSON(in); !errors.Is(err, ErrNotJSON) {
			t.Errorf("CompactJSON(%q) = %q, %v, want ErrNotJSON", in, got, err)
		}
	}
}

func TestJSONDeepNesting(t *testing.T) {
	deep := make([]byte, 0, 2*maxJSONDepth+10)
	for range maxJSONDepth + 5 {
		deep = append(deep, '[')
	}
	for range maxJSONDepth + 5 {
		deep = append(deep, ']')
	}
	if JSON(deep).Valid() {
		t.Errorf("Valid accepted nesting deeper than %d", maxJSONDepth)
	}
	if _, err := CompactJSON(string(deep)); err == nil {
		t.Errorf("CompactJSON accepted nesting deeper than %d", maxJSONDepth)
	}
}

func TestAppendJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"q\"b\\", `"q\"b\\"`},
		{"\n\r\t\x01", `"\n\r\t\u0001"`},
		{"é<>&", `"é<>&"`},
		{"bad\xff", "\"bad\ufffd\""},
	}
	for _, tt := range tests {
		if got := QuoteJSON(tt.in); got != tt.want {
			t.Errorf("QuoteJSON(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if u, ok := JSON(QuoteJSON(tt.in)).Unquote(); !ok || (u != tt.in && tt.in != "bad\xff") {
			t.Errorf("Unquote(QuoteJSON(%q)) = %q, %v", tt.in, u, ok)
		}
	}
}

func FuzzCompactJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `['x']`, `"\u00e9"`, `1.5e3`, `[1,]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CompactJSON(s)
		if err != nil {
			return
		}
		if !JSON(c).Valid() {
			t.Fatalf("CompactJSON(%q) = %q, not valid JSON", s, c)
		}
		if c2, err := CompactJSON(c); err != nil || c2 != c {
			t.Fatalf("CompactJSON not idempotent: %q → %q → %q, %v", s, c, c2, err)
		}
		JSON(s).Len()
		JSON(s).Index(-1)
		JSON(s).Get("a")
	})
}
