package funcs

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

// scalarRegistry holds only the scalar groups this file's tests cover.
func scalarRegistry() *Registry {
	var all []*Func
	for _, g := range [][]*Func{conversionFuncs(), stringFuncs(), datetimeFuncs(), mathFuncs(), logicalFuncs(), ipFuncs(), hashFuncs()} {
		all = append(all, g...)
	}
	return NewRegistry(all...)
}

// scCase is one kernel call and the text its result must print as, with its type.
type scCase struct {
	fn   string
	args []types.Value
	want string
	typ  types.Type // Unknown: don't check
}

func runScalarCases(t *testing.T, cases []scCase) {
	t.Helper()
	reg := scalarRegistry()
	ctx := &Context{Now: scMustDT(t, "2024-01-02T03:04:05Z")}
	for _, c := range cases {
		f, ok := reg.Lookup(c.fn)
		if !ok {
			t.Errorf("%s: not declared", c.fn)
			continue
		}
		got := f.Scalar(ctx, c.args)
		if s := scShow(got); s != c.want {
			t.Errorf("%s(%s) = %s, want %s", c.fn, scShowArgs(c.args), s, c.want)
		}
		if c.typ != types.Unknown && got.Type != c.typ {
			t.Errorf("%s(%s) has type %s, want %s", c.fn, scShowArgs(c.args), got.Type, c.typ)
		}
	}
}

// scShow prints a value for comparison: null as "null" (strings are never null).
func scShow(v types.Value) string {
	if v.IsNull() && v.Type != types.String {
		return "null"
	}
	return v.String()
}

func scShowArgs(args []types.Value) string {
	var parts []string
	for _, a := range args {
		if a.Type == types.String {
			parts = append(parts, "\""+a.S+"\"")
			continue
		}
		parts = append(parts, a.Type.String()+"("+scShow(a)+")")
	}
	return strings.Join(parts, ", ")
}

func scMustDT(t *testing.T, s string) int64 {
	t.Helper()
	ticks, ok := types.ParseDateTime(s)
	if !ok {
		t.Fatalf("ParseDateTime(%q) failed", s)
	}
	return ticks
}

func vStr(s string) types.Value      { return types.NewString(s) }
func vLong(n int64) types.Value      { return types.NewLong(n) }
func vInt(n int32) types.Value       { return types.NewInt(n) }
func vReal(f float64) types.Value    { return types.NewReal(f) }
func vBool(b bool) types.Value       { return types.NewBool(b) }
func vDyn(j string) types.Value      { return types.NewDynamic(j) }
func vSpan(t int64) types.Value      { return types.NewTimeSpan(t) }
func vNull(t types.Type) types.Value { return types.NullOf(t) }

// vDT parses a datetime literal for tests; it panics on bad test data.
func vDT(s string) types.Value {
	ticks, ok := types.ParseDateTime(s)
	if !ok {
		panic("bad datetime in test: " + s)
	}
	return types.NewDateTime(ticks)
}

func vArgs(vs ...types.Value) []types.Value { return vs }

func TestScalarDeclarations(t *testing.T) {
	for _, f := range scalarRegistry().All() {
		if f.Doc == "" || f.Result == nil || f.Scalar == nil || f.Kind != Scalar {
			t.Errorf("%s: missing Doc, Result or Scalar, or not Scalar", f.Name)
		}
		if f.MaxArgs != -1 && f.MaxArgs < f.MinArgs {
			t.Errorf("%s: MaxArgs %d < MinArgs %d", f.Name, f.MaxArgs, f.MinArgs)
		}
		n := max(f.MinArgs, 1)
		unknown := make([]types.Type, n)
		if _, err := f.Result(unknown); err != nil {
			t.Errorf("%s: Result(unknown args) = %v, want no error", f.Name, err)
		}
		for _, e := range f.Examples {
			named := false
			for _, n := range append([]string{f.Name}, f.Aliases...) {
				named = named || strings.Contains(e.Expr, n+"(")
			}
			if !named {
				t.Errorf("%s: example %q does not call the function", f.Name, e.Expr)
			}
		}
		if strings.ToLower(f.Name) != f.Name {
			t.Errorf("%s: name not lower case", f.Name)
		}
	}
}
