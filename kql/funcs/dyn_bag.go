package funcs

import (
	"slices"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// dynBagPack implements bag_pack(key1, value1, key2, value2, ...) (and pack): keys are
// strings; a repeated key keeps its first position and its last value.
func dynBagPack(_ *Context, args []types.Value) types.Value {
	var keys []string
	vals := make(map[string][]byte)
	for i := 0; i+1 < len(args); i += 2 {
		k := args[i].String()
		if args[i].Type == types.Dynamic {
			k = types.DynamicString(args[i])
		}
		if _, dup := vals[k]; !dup {
			keys = append(keys, k)
		}
		vals[k] = types.AppendDynamic(nil, args[i+1])
	}
	buf := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, k)
		buf = append(buf, ':')
		buf = append(buf, vals[k]...)
	}
	return types.NewDynamic(string(append(buf, '}')))
}

// dynBagKeys implements bag_keys: the bag's keys as an array; null for non-bags.
func dynBagKeys(_ *Context, args []types.Value) types.Value {
	j, ok := dynBag(args[0])
	if !ok {
		return dynNull
	}
	var keys []types.JSON
	j.Members(func(k, _ types.JSON) bool { keys = append(keys, k); return true })
	return dynBuildArray(keys)
}

// dynBagHasKey implements bag_has_key(bag, key): key is a member name or a JSONPath.
func dynBagHasKey(_ *Context, args []types.Value) types.Value {
	j, ok := dynBag(args[0])
	if !ok {
		return types.NullOf(types.Bool)
	}
	steps, err := dynParsePath(args[1].String())
	if err != nil {
		return types.NullOf(types.Bool)
	}
	_, found := dynWalk(j, steps)
	return types.NewBool(found)
}

// dynBagMerge implements bag_merge(bag1, bag2, ...): the leftmost value of a key wins;
// arguments that are not bags are skipped.
func dynBagMerge(_ *Context, args []types.Value) types.Value {
	seen := make(map[string]bool)
	buf := []byte{'{'}
	for _, v := range args {
		j, ok := dynBag(v)
		if !ok {
			continue
		}
		j.Members(func(k, val types.JSON) bool {
			key, _ := k.Unquote()
			if seen[key] {
				return true
			}
			seen[key] = true
			if len(buf) > 1 {
				buf = append(buf, ',')
			}
			buf = types.AppendJSONString(buf, key)
			buf = append(buf, ':')
			buf = append(buf, val...)
			return true
		})
	}
	return types.NewDynamic(string(append(buf, '}')))
}

// dynRemovePath returns bag j without the member that steps name (only member steps are
// followed; a path through an array is left alone).
func dynRemovePath(j types.JSON, steps []dynStep) []byte {
	if len(steps) == 0 || steps[0].isIdx || j.Kind() != types.JSONObject {
		return []byte(strings.TrimSpace(string(j)))
	}
	buf := []byte{'{'}
	j.Members(func(k, v types.JSON) bool {
		key, _ := k.Unquote()
		if key == steps[0].key {
			if len(steps) == 1 {
				return true
			}
			v = types.JSON(dynRemovePath(v, steps[1:]))
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, key)
		buf = append(buf, ':')
		buf = append(buf, strings.TrimSpace(string(v))...)
		return true
	})
	return append(buf, '}')
}

// dynBagRemoveKeys implements bag_remove_keys(bag, keys): keys is an array of member names
// or JSONPaths ('$.key2.prop1').
func dynBagRemoveKeys(_ *Context, args []types.Value) types.Value {
	j, ok := dynBag(args[0])
	keys, ok2 := dynArray(args[1])
	if !ok || !ok2 {
		return dynNull
	}
	cur := []byte(j)
	valid := true
	keys.Each(func(e types.JSON) bool {
		k, isStr := e.Unquote()
		if !isStr {
			return true
		}
		steps, err := dynParsePath(k)
		if err != nil {
			valid = false
			return false
		}
		cur = dynRemovePath(types.JSON(cur), steps)
		return true
	})
	if !valid {
		return dynNull
	}
	return types.NewDynamic(string(cur))
}

// dynTreepath implements treepath(bag): every path in the bag, in pre-order, written as
// ['key'] and [0]; all elements of an array share the path [0].
func dynTreepath(_ *Context, args []types.Value) types.Value {
	if args[0].Type != types.Dynamic || args[0].IsNull() {
		return dynNull
	}
	var out []string
	seen := make(map[string]bool)
	var walk func(j types.JSON, prefix string)
	add := func(p string) bool {
		if seen[p] {
			return false
		}
		seen[p] = true
		out = append(out, types.QuoteJSON(p))
		return true
	}
	walk = func(j types.JSON, prefix string) {
		switch j.Kind() {
		case types.JSONObject:
			j.Members(func(k, v types.JSON) bool {
				key, _ := k.Unquote()
				p := prefix + "['" + key + "']"
				add(p)
				walk(v, p)
				return true
			})
		case types.JSONArray:
			p := prefix + "[0]"
			j.Each(func(e types.JSON) bool {
				add(p)
				walk(e, p)
				return true
			})
		}
	}
	walk(types.JSON(args[0].S), "")
	return dynBuildArray(out)
}

// dynCanonical appends j with object members sorted by name, recursively.
func dynCanonical(dst []byte, j types.JSON) []byte {
	switch j.Kind() {
	case types.JSONObject:
		type member struct {
			key string
			val types.JSON
		}
		var ms []member
		j.Members(func(k, v types.JSON) bool {
			key, _ := k.Unquote()
			ms = append(ms, member{key, v})
			return true
		})
		slices.SortStableFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
		dst = append(dst, '{')
		for i, m := range ms {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = types.AppendJSONString(dst, m.key)
			dst = append(dst, ':')
			dst = dynCanonical(dst, m.val)
		}
		return append(dst, '}')
	case types.JSONArray:
		dst = append(dst, '[')
		first := true
		j.Each(func(e types.JSON) bool {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = dynCanonical(dst, e)
			return true
		})
		return append(dst, ']')
	}
	return append(dst, strings.TrimSpace(string(j))...)
}

// dynDynamicToJSON implements dynamic_to_json: canonical JSON text with property names
// sorted; scalars that are not dynamic give their tostring() text.
func dynDynamicToJSON(_ *Context, args []types.Value) types.Value {
	v := args[0]
	if v.Type != types.Dynamic {
		return types.NewString(v.String())
	}
	if v.IsNull() {
		return types.NewString("null")
	}
	return types.NewString(string(dynCanonical(nil, types.JSON(v.S))))
}
