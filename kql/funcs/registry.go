// Package funcs is socfeed's one registry of KQL scalar and aggregate functions. Each
// function is declared once, as data, in a [Func]: its name and aliases, how many arguments
// it takes and which types, the rule that gives its result type ([Func.Result]), the rule
// that names its result column ([NameRule]), its documentation, runnable [Example]s, and its
// kernel ([ScalarKernel] or [AggFactory]). The checker reads signatures from a [Registry];
// the executor binds kernels from the same entries at plan time.
//
// A Registry is a value passed around; there is no package-level mutable state.
package funcs

import (
	"fmt"
	"sort"

	"github.com/socfeed/socfeed/kql/types"
)

// Kind says how a function is used.
type Kind uint8

const (
	Scalar    Kind = iota // called per row: tostring(x), ago(1d)
	Aggregate             // used in summarize, make-series, top-nested: count(), dcount(x)
	Window                // needs a serialized row set: row_number(), prev(x), next(x)
)

// NameRule is how a call names its result column when the query gives no name, following
// Kusto's ResultNameKind.
type NameRule uint8

const (
	NameNone                 NameRule = iota // no inherent name: the operator picks ColumnN / print_N
	NameFirstArg                             // the first argument's column name: bin(TimeGenerated, 1h) → TimeGenerated
	NamePrefixFirstArg                       // Prefix + "_" + first argument's name: dcount(User) → dcount_User
	NamePrefixOnly                           // Prefix + "_": count() → count_
	NameFirstArgOrNone                       // the first argument's name when it is a plain column, else none
	NamePrefixFirstArgOrNone                 // Prefix + "_" + first argument's name; none when it has no name: strlen(Name) → strlen_Name
)

// Context carries what kernels may read besides their arguments. It is set per query.
type Context struct {
	// Now is the fixed value of now() and the base of ago(), as 100 ns ticks since the Unix
	// epoch. A query sees one value of now() throughout.
	Now int64

	// GeoIP answers geo_info_from_ip_address(). Nil means no database is configured: the
	// function then returns null for every address rather than inventing a location. See
	// [OpenMMDB] for a reader of MaxMind-format (.mmdb) databases such as GeoLite2-City.
	GeoIP GeoLookup
}

// GeoLookup finds where an IP address is. Implementations must be safe for concurrent use:
// kernels run on several workers at once.
type GeoLookup interface {
	// GeoLookup returns what the database knows of ip (IPv4 or IPv6 text); ok is false
	// when the address is not valid or the database has no entry for it.
	GeoLookup(ip string) (GeoInfo, bool)
}

// GeoInfo is one address's location, as geo_info_from_ip_address() returns it. Empty
// names and a false HasLocation mean the database does not say.
type GeoInfo struct {
	Country, State, City string
	Latitude, Longitude  float64
	HasLocation          bool
}

// ScalarKernel computes one row's result. args are already converted to the types the
// overload asked for; a kernel must not keep args beyond the call. Kernels are pure and may
// be called concurrently.
type ScalarKernel func(ctx *Context, args []types.Value) types.Value

// Aggregator accumulates one group's state. An Aggregator is used by one goroutine at a
// time; parallel workers each build their own and combine them with Merge.
type Aggregator interface {
	// Add folds one row's arguments into the state and returns how many bytes of memory
	// the state grew by (for the memory budget).
	Add(args []types.Value) int
	// Merge folds another Aggregator of the same function and argument types into this one.
	Merge(other Aggregator)
	// Result returns the group's value. It may be called once, after all Adds and Merges.
	Result() types.Value
}

// AggFactory makes a fresh Aggregator for the given argument types. Arguments that must be
// constants (the 0.95 of percentile(x, 95), the 1 of take_any) are passed as consts, with a
// null Value for arguments that are not constant.
type AggFactory func(argTypes []types.Type, consts []types.Value) (Aggregator, error)

// Func declares one function.
type Func struct {
	Name    string   // canonical lower-case name as documented: "tostring", "dcount"
	Aliases []string // other accepted names: "makeset" for make_set, "todynamic" for parse_json
	Kind    Kind
	MinArgs int
	MaxArgs int // -1 for any number

	// Result checks argument types and gives the result type. It returns an error worded
	// for the user ("expected a value of type string, found long") naming the argument.
	// args holds Unknown for arguments whose type could not be determined; Result must
	// accept those without a further error.
	Result func(args []types.Type) (types.Type, error)

	Naming NameRule
	Prefix string // for NamePrefixFirstArg and NamePrefixOnly; defaults to Name

	Doc      string    // one line: what the function returns
	Examples []Example // run as tests

	Scalar ScalarKernel // for Scalar and Window functions
	Agg    AggFactory   // for Aggregate functions
}

// Example is a documented use of a function that runs as a test: a KQL scalar expression
// and the result it must print, in Kusto's text form.
type Example struct {
	Expr string // for example `strcat("a", 1, "b")`
	Want string // for example `a1b`
}

// Registry holds functions by name and alias.
type Registry struct {
	byName map[string]*Func
	all    []*Func
}

// NewRegistry returns a registry holding fs. It panics with an internal error if two
// functions claim the same name, since that is a programming mistake in the declarations.
func NewRegistry(fs ...*Func) *Registry {
	r := &Registry{byName: make(map[string]*Func, len(fs)*2)}
	for _, f := range fs {
		r.add(f)
	}
	return r
}

func (r *Registry) add(f *Func) {
	for _, n := range append([]string{f.Name}, f.Aliases...) {
		if _, dup := r.byName[n]; dup {
			panic(fmt.Sprintf("internal error: function %q declared twice", n))
		}
		r.byName[n] = f
	}
	r.all = append(r.all, f)
}

// Lookup returns the function called name. KQL function names are case-sensitive in Kusto,
// but every built-in is lower case, so Lookup matches exactly.
func (r *Registry) Lookup(name string) (*Func, bool) {
	f, ok := r.byName[name]
	return f, ok
}

// All returns every function, sorted by name.
func (r *Registry) All() []*Func {
	out := append([]*Func(nil), r.all...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ResultName gives the column name a call names its result by, given the argument's column
// name (empty when the first argument is not a plain column reference). ok is false when the
// function gives no name and the operator must pick one.
func (f *Func) ResultName(firstArgColumn string) (name string, ok bool) {
	prefix := f.Prefix
	if prefix == "" {
		prefix = f.Name
	}
	switch f.Naming {
	case NameFirstArg, NameFirstArgOrNone:
		if firstArgColumn != "" {
			return firstArgColumn, true
		}
	case NamePrefixFirstArg:
		if firstArgColumn != "" {
			return prefix + "_" + firstArgColumn, true
		}
		return prefix + "_", true
	case NamePrefixOnly:
		return prefix + "_", true
	case NamePrefixFirstArgOrNone:
		if firstArgColumn != "" {
			return prefix + "_" + firstArgColumn, true
		}
	}
	return "", false
}
