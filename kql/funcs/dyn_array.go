package funcs

import (
	"math"
	"slices"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// dynParseJSON implements parse_json/todynamic: strings are parsed ([types.ParseJSON]),
// dynamic values pass through, other scalars become dynamic scalars.
func dynParseJSON(_ *Context, args []types.Value) types.Value {
	v := args[0]
	switch v.Type {
	case types.String:
		return types.ParseJSON(v.S)
	case types.Dynamic:
		if !v.IsNull() && types.JSON(v.S).Kind() == types.JSONString {
			// parse_json of a dynamic string parses the string's text.
			s, _ := types.JSON(v.S).Unquote()
			return types.ParseJSON(s)
		}
		return v
	}
	return dynOf(v)
}

// dynSplit implements split(source, delimiter[, requestedIndex]).
func dynSplit(_ *Context, args []types.Value) types.Value {
	src, delim := args[0].String(), args[1].String()
	var parts []string
	if delim == "" {
		parts = []string{src}
	} else {
		parts = strings.Split(src, delim)
	}
	if len(args) > 2 {
		i, ok := dynLong(args[2])
		if !ok || i < 0 || i >= int64(len(parts)) {
			return types.NewDynamic("[]")
		}
		parts = parts[i : i+1]
	}
	buf := []byte{'['}
	for i, p := range parts {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, p)
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// dynArrayLength implements array_length: null when the value is not an array.
func dynArrayLength(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return types.NullOf(types.Long)
	}
	return types.NewLong(int64(j.Len()))
}

// dynPackArray implements pack_array(v1, v2, ...).
func dynPackArray(_ *Context, args []types.Value) types.Value {
	buf := []byte{'['}
	for i, v := range args {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = types.AppendDynamic(buf, v)
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// dynStrcatArray implements strcat_array(array, delimiter).
func dynStrcatArray(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return types.NewString("")
	}
	delim := args[1].String()
	var b strings.Builder
	first := true
	j.Each(func(e types.JSON) bool {
		if !first {
			b.WriteString(delim)
		}
		first = false
		b.WriteString(dynText(e))
		return true
	})
	return types.NewString(b.String())
}

// dynArrayConcat implements array_concat(a1, a2, ...): null if any argument is not an
// array.
func dynArrayConcat(_ *Context, args []types.Value) types.Value {
	var elems []types.JSON
	for _, v := range args {
		j, ok := dynArray(v)
		if !ok {
			return dynNull
		}
		elems = append(elems, dynElems(j)...)
	}
	return dynBuildArray(elems)
}

// dynRange resolves Kusto's negative start/end (counted from the end).
func dynIndex(i int64, n int) int64 {
	if i < 0 {
		i += int64(n)
	}
	return i
}

// dynArraySlice implements array_slice(array, start, end), end inclusive; out-of-range
// bounds are clamped.
func dynArraySlice(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	start, ok1 := dynLong(args[1])
	end, ok2 := dynLong(args[2])
	if !ok || !ok1 || !ok2 {
		return dynNull
	}
	elems := dynElems(j)
	s, e := max(dynIndex(start, len(elems)), 0), min(dynIndex(end, len(elems)), int64(len(elems))-1)
	if s > e {
		return types.NewDynamic("[]")
	}
	return dynBuildArray(elems[s : e+1])
}

// dynArrayIndexOf implements array_index_of(array, value[, start[, length[, occurrence]]]).
func dynArrayIndexOf(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return types.NullOf(types.Long)
	}
	elems := dynElems(j)
	start, length, occ := int64(0), int64(-1), int64(1)
	opt := func(i int, dst *int64) bool {
		if i >= len(args) {
			return true
		}
		v, ok := dynLong(args[i])
		*dst = v
		return ok
	}
	if !opt(2, &start) || !opt(3, &length) || !opt(4, &occ) || length < -1 || occ < 0 {
		return types.NullOf(types.Long)
	}
	start = max(dynIndex(start, len(elems)), 0)
	end := int64(len(elems))
	if length >= 0 {
		end = min(end, start+length)
	}
	for i := start; i < end; i++ {
		if dynSame(elems[i], args[1]) {
			occ--
			if occ <= 0 {
				return types.NewLong(i)
			}
		}
	}
	return types.NewLong(-1)
}

// dynSetHasElement implements set_has_element(array, value).
func dynSetHasElement(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return types.NullOf(types.Bool)
	}
	found := false
	j.Each(func(e types.JSON) bool {
		found = dynSame(e, args[1])
		return !found
	})
	return types.NewBool(found)
}

// dynSortClass orders element kinds as array_sort_asc documents: numbers, strings, then
// everything else; nulls are placed separately.
func dynSortClass(v types.Value) int {
	switch v.Type {
	case types.Long, types.Real:
		return 0
	case types.String:
		return 1
	}
	return 2
}

// dynSortOrder returns the permutation that sorts an array's elements.
func dynSortOrder(elems []types.JSON, asc, nullsLast bool) []int {
	vals := make([]types.Value, len(elems))
	for i, e := range elems {
		vals[i] = types.DynamicScalar(e)
	}
	idx := make([]int, len(elems))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		a, b := vals[x], vals[y]
		an, bn := a.IsNull(), b.IsNull()
		switch {
		case an && bn:
			return 0
		case an != bn:
			if an == nullsLast {
				return 1
			}
			return -1
		}
		c := dynSortClass(a) - dynSortClass(b)
		if c == 0 {
			if a.Type == types.Dynamic {
				c = strings.Compare(a.S, b.S)
			} else {
				c = types.Compare(a, b)
			}
		}
		if !asc {
			c = -c
		}
		return c
	})
	return idx
}

// dynSorter implements array_sort_asc / array_sort_desc over one array, with an optional
// nulls_last flag (true by default). The several-array form, which gives several columns,
// is served by [ArraySort].
func dynSorter(asc bool) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		nullsLast := true
		if len(args) > 1 && args[len(args)-1].Type == types.Bool {
			if args[len(args)-1].IsNull() {
				return dynNull
			}
			nullsLast = args[len(args)-1].Bool()
		}
		return ArraySort(asc, nullsLast, args[:1])[0]
	}
}

// ArraySort sorts the first array ascending or descending and reorders the other arrays to
// match, as array_sort_asc(a1, a2, ...) does; an array whose length differs from the
// first's, or a value that is not an array, gives null. The executor calls it for the
// several-column form, naming the columns a1_sorted, a2_sorted, ... after the arguments.
func ArraySort(asc, nullsLast bool, arrays []types.Value) []types.Value {
	out := make([]types.Value, len(arrays))
	first, ok := dynArray(arrays[0])
	if !ok {
		for i := range out {
			out[i] = dynNull
		}
		return out
	}
	elems := dynElems(first)
	order := dynSortOrder(elems, asc, nullsLast)
	for i, v := range arrays {
		j, ok := dynArray(v)
		if !ok {
			out[i] = dynNull
			continue
		}
		es := dynElems(j)
		if len(es) != len(elems) {
			out[i] = dynNull
			continue
		}
		out[i] = dynBuildArray(aggPermute(es, order))
	}
	return out
}

// maxRepeat bounds the array repeat() builds, so a huge count fails cleanly instead of
// exhausting memory.
const maxRepeat = 1 << 20

// dynRepeat implements repeat(value, count) (repeat-function.md).
func dynRepeat(_ *Context, args []types.Value) types.Value {
	n, ok := dynLong(args[1])
	if !ok || n < 0 || n > maxRepeat {
		return dynNull
	}
	e := types.JSON(types.ToDynamic(aggScalar(args[0])).S)
	elems := make([]types.JSON, n)
	for i := range elems {
		elems[i] = e
	}
	return dynBuildArray(elems)
}

// dynArrayReverse implements array_reverse.
func dynArrayReverse(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return dynNull
	}
	elems := dynElems(j)
	slices.Reverse(elems)
	return dynBuildArray(elems)
}

// dynArraySum implements array_sum: the sum of the numeric elements as a real; null when
// the value is not an array or an element is not numeric.
func dynArraySum(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return types.NullOf(types.Real)
	}
	sum, valid := 0.0, true
	j.Each(func(e types.JSON) bool {
		v := types.DynamicScalar(e)
		switch v.Type {
		case types.Long:
			sum += float64(v.I)
		case types.Real:
			sum += v.F
		default:
			valid = false
		}
		return valid
	})
	if !valid {
		return types.NullOf(types.Real)
	}
	return types.NewReal(sum)
}

// dynArrayIff implements array_iff(conditions, when_true, when_false): element-wise choice;
// scalars apply to every element, shorter arrays give null, and conditions that are neither
// bool nor numeric give null.
func dynArrayIff(_ *Context, args []types.Value) types.Value {
	cond, ok := dynArray(args[0])
	if !ok {
		return dynNull
	}
	pick := func(v types.Value, i int) string {
		if j, ok := dynArray(v); ok {
			if e, ok := j.Index(i); ok {
				return string(e)
			}
			return "null"
		}
		return string(types.AppendDynamic(nil, v))
	}
	var out []string
	i := 0
	cond.Each(func(e types.JSON) bool {
		t, ok := dynTruth(e)
		switch {
		case !ok:
			out = append(out, "null")
		case t:
			out = append(out, pick(args[1], i))
		default:
			out = append(out, pick(args[2], i))
		}
		i++
		return true
	})
	return dynBuildArray(out)
}

// dynArraySplit implements array_split(array, indices): the array cut before each index
// (one index or a dynamic array of them).
func dynArraySplit(_ *Context, args []types.Value) types.Value {
	j, ok := dynArray(args[0])
	if !ok {
		return dynNull
	}
	elems := dynElems(j)
	var cuts []int64
	if ij, ok := dynArray(args[1]); ok {
		valid := true
		ij.Each(func(e types.JSON) bool {
			n, ok := dynLong(types.DynamicScalar(e))
			cuts = append(cuts, n)
			valid = ok
			return ok
		})
		if !valid {
			return dynNull
		}
	} else if n, ok := dynLong(args[1]); ok {
		cuts = []int64{n}
	} else {
		return dynNull
	}
	var parts []string
	prev := int64(0)
	for _, c := range cuts {
		c = min(max(dynIndex(c, len(elems)), prev), int64(len(elems)))
		parts = append(parts, string(dynBuildArray(elems[prev:c]).S))
		prev = c
	}
	parts = append(parts, string(dynBuildArray(elems[prev:]).S))
	return dynBuildArray(parts)
}

// dynZip implements zip(a1, a2, ...): an array of tuples, padded with nulls to the longest
// array.
func dynZip(_ *Context, args []types.Value) types.Value {
	lists := make([][]types.JSON, len(args))
	n := 0
	for i, v := range args {
		j, ok := dynArray(v)
		if !ok {
			return dynNull
		}
		lists[i] = dynElems(j)
		n = max(n, len(lists[i]))
	}
	tuples := make([]string, n)
	for k := range n {
		row := make([]types.JSON, len(lists))
		for i, l := range lists {
			row[i] = "null"
			if k < len(l) {
				row[i] = l[k]
			}
		}
		tuples[k] = dynBuildArray(row).S
	}
	return dynBuildArray(tuples)
}

// dynDistinct returns the distinct elements of arrays, in order of first appearance, with
// how many of the arrays hold each one. ok is false when an argument is not an array.
func dynDistinct(args []types.Value) (order []string, in map[string]int, inFirst map[string]bool, ok bool) {
	in = make(map[string]int)
	inFirst = make(map[string]bool)
	for a, v := range args {
		j, isArr := dynArray(v)
		if !isArr {
			return nil, nil, nil, false
		}
		seen := make(map[string]bool)
		j.Each(func(e types.JSON) bool {
			k := strings.TrimSpace(string(e))
			if seen[k] {
				return true
			}
			seen[k] = true
			if _, known := in[k]; !known {
				order = append(order, k)
			}
			in[k]++
			if a == 0 {
				inFirst[k] = true
			}
			return true
		})
	}
	return order, in, inFirst, true
}

// dynSetOp implements set_union, set_intersect and set_difference over two or more arrays.
func dynSetOp(op string) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		order, in, inFirst, ok := dynDistinct(args)
		if !ok {
			return dynNull
		}
		var out []string
		for _, k := range order {
			switch op {
			case "union":
				out = append(out, k)
			case "intersect":
				if in[k] == len(args) {
					out = append(out, k)
				}
			case "difference":
				if inFirst[k] && in[k] == 1 {
					out = append(out, k)
				}
			}
		}
		return dynBuildArray(out)
	}
}

// dynJaccard implements jaccard_index(set1, set2): |intersection| / |union| of the distinct
// elements; NaN when both are empty.
func dynJaccard(_ *Context, args []types.Value) types.Value {
	order, in, _, ok := dynDistinct(args)
	if !ok {
		return types.NullOf(types.Real)
	}
	if len(order) == 0 {
		return types.NewReal(math.NaN())
	}
	both := 0
	for _, k := range order {
		if in[k] == 2 {
			both++
		}
	}
	return types.NewReal(float64(both) / float64(len(order)))
}
