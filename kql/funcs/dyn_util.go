package funcs

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// dynNull is the dynamic null value.
var dynNull = types.NullOf(types.Dynamic)

// dynOf returns v as dynamic: dynamic values as they are, strings and other scalars
// wrapped as JSON scalars (not parsed; use parse_json for that).
func dynOf(v types.Value) types.Value { return types.ToDynamic(v) }

// dynArray returns v's JSON text when v is a dynamic array.
func dynArray(v types.Value) (types.JSON, bool) {
	if v.Type != types.Dynamic || v.IsNull() {
		return "", false
	}
	j := types.JSON(v.S)
	return j, j.Kind() == types.JSONArray
}

// dynBag returns v's JSON text when v is a dynamic property bag.
func dynBag(v types.Value) (types.JSON, bool) {
	if v.Type != types.Dynamic || v.IsNull() {
		return "", false
	}
	j := types.JSON(v.S)
	return j, j.Kind() == types.JSONObject
}

// dynElems returns the elements of an array.
func dynElems(j types.JSON) []types.JSON {
	var out []types.JSON
	j.Each(func(e types.JSON) bool { out = append(out, e); return true })
	return out
}

// dynBuildArray returns a dynamic array of the given JSON elements.
func dynBuildArray[E ~string](elems []E) types.Value {
	n := 2
	for _, e := range elems {
		n += len(e) + 1
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '[')
	for i, e := range elems {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, e...)
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// dynLong reads an integer argument (int, long, a whole real, or a dynamic number).
func dynLong(v types.Value) (int64, bool) {
	v = aggScalar(v)
	if v.IsNull() {
		return 0, false
	}
	switch v.Type {
	case types.Int, types.Long:
		return v.I, true
	case types.Real:
		if v.F == math.Trunc(v.F) && math.Abs(v.F) < 1<<62 {
			return int64(v.F), true
		}
	}
	return 0, false
}

// dynText returns the text of an element as tostring gives it: a string without quotes,
// null as "", anything else its JSON text.
func dynText(e types.JSON) string {
	if e.Kind() == types.JSONString {
		if s, ok := e.Unquote(); ok {
			return s
		}
	}
	if e.Kind() == types.JSONNull {
		return ""
	}
	return strings.TrimSpace(string(e))
}

// dynSame reports whether an array element equals a value, comparing numbers by value and
// strings case-sensitively.
func dynSame(e types.JSON, v types.Value) bool {
	ev := types.DynamicScalar(e)
	v = aggScalar(v)
	if ev.IsNull() || v.IsNull() {
		return false
	}
	if ev.Type == types.Dynamic || v.Type == types.Dynamic {
		return ev.Type == v.Type && ev.S == v.S
	}
	if v.Type == types.GUID || v.Type == types.DateTime || v.Type == types.TimeSpan {
		// Inside dynamic these are strings; compare by text.
		return ev.Type == types.String && strings.EqualFold(ev.S, strings.Trim(string(types.AppendDynamic(nil, v)), `"`))
	}
	return types.Same(ev, v)
}

// dynStep is one step of a JSONPath: a member name or an array index.
type dynStep struct {
	key   string
	index int
	isIdx bool
}

// dynParsePath parses the JSONPath subset Kusto documents: `$`, `.name`, `['name']`,
// `["name"]` and `[n]`. A path without `$` is a single member name (bag_has_key(b, "k")).
// Wildcards and filters are not supported and give an error.
func dynParsePath(path string) ([]dynStep, error) {
	if !strings.HasPrefix(path, "$") {
		return []dynStep{{key: path}}, nil
	}
	var steps []dynStep
	for i := 1; i < len(path); {
		switch path[i] {
		case '.':
			j := i + 1
			for j < len(path) && path[j] != '.' && path[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("invalid JSONPath %q: expected a name after '.' at offset %d", path, i)
			}
			name := path[i+1 : j]
			if name == "*" {
				return nil, fmt.Errorf("invalid JSONPath %q: wildcards are not supported", path)
			}
			steps = append(steps, dynStep{key: name})
			i = j
		case '[':
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("invalid JSONPath %q: expected ']'", path)
			}
			inner := strings.TrimSpace(path[i+1 : i+end])
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				steps = append(steps, dynStep{key: inner[1 : len(inner)-1]})
			} else if n, err := strconv.Atoi(inner); err == nil {
				steps = append(steps, dynStep{index: n, isIdx: true})
			} else {
				return nil, fmt.Errorf("invalid JSONPath %q: unsupported subscript [%s]", path, inner)
			}
			i += end + 1
		default:
			return nil, fmt.Errorf("invalid JSONPath %q: unexpected %q at offset %d", path, path[i], i)
		}
	}
	return steps, nil
}

// dynWalk follows steps from j; ok is false when a step does not exist.
func dynWalk(j types.JSON, steps []dynStep) (types.JSON, bool) {
	for _, s := range steps {
		var ok bool
		if s.isIdx {
			j, ok = j.Index(s.index)
		} else {
			j, ok = j.Get(s.key)
		}
		if !ok {
			return "", false
		}
	}
	return j, true
}

// dynTruth reads a condition element of array_iff: bools as they are, numbers true when
// not zero; ok is false for other values.
func dynTruth(e types.JSON) (truth, ok bool) {
	v := types.DynamicScalar(e)
	switch v.Type {
	case types.Bool:
		return v.Bool(), true
	case types.Long:
		return v.I != 0, true
	case types.Real:
		return v.F != 0, true
	}
	return false, false
}
