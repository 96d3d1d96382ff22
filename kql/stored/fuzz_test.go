package stored

import "testing"

// FuzzAddSource: any functions file text gives functions or diagnostics, never a panic.
func FuzzAddSource(f *testing.F) {
	for _, s := range []string{
		"let A = 1;",
		"let F = (a:string, b:long = 2) { T | where x == a };\nlet V = view () { T };",
		".create-or-alter function with (docstring = \"x\", folder = \"f\") G(n:long) {\n T | take n\n}",
		".create function ifnotexists with (",
		".alter function",
		"T | count",
		"let X = () {\n  T | where\n};",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		(&Set{}).AddSource("f.kql", 1, src)
	})
}

// FuzzAddParserYAML: any YAML gives a function or diagnostics, never a panic.
func FuzzAddParserYAML(f *testing.F) {
	for _, s := range []string{
		"FunctionName: A\nFunctionAlias: A\nFunctionQuery: |\n  T\n",
		"ParserName: B\nParserParams:\n  - Name: x\n    Type: dynamic\n    Default: '[]'\nParserQuery: T | take 1\n",
		"FunctionAlias: C\nFunctionParams:\n  - {Name: s, Type: string, Default: \"it's\"}\nFunctionQuery: |\n  T\n  | where\n",
		"id: 1\nquery: T\n",
		"- a\n- b\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		(&Set{}).AddParserYAML("p.yaml", []byte(src))
	})
}
