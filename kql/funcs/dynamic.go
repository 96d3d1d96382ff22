package funcs

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/types"
)

// dynamicFuncs declares the dynamic (array and property bag) functions. Their kernels
// accept dynamic arguments and scalars alike, since the registry does not convert
// arguments to dynamic: an argument that should be an array but is not gives null.
func dynamicFuncs() []*Func {
	const (
		a  = argAny
		d  = argDynamic
		s  = argStringOnly
		in = argInteger
		b  = argBool
	)
	D, L, S, R, B := types.Dynamic, types.Long, types.String, types.Real, types.Bool
	fn := func(name string, min, max int, result types.Type, classes []argKind, naming NameRule,
		doc string, kernel ScalarKernel, examples []Example, aliases ...string) *Func {
		return &Func{Name: name, Aliases: aliases, Kind: Scalar, MinArgs: min, MaxArgs: max,
			Result: returns(name, result, classes...), Naming: naming, Doc: doc,
			Examples: examples, Scalar: kernel}
	}
	cs := func(c ...argKind) []argKind { return c }
	ex := func(pairs ...string) []Example {
		out := make([]Example, 0, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, Example{Expr: pairs[i], Want: pairs[i+1]})
		}
		return out
	}
	bagPack := fn("bag_pack", 0, -1, D, cs(a), NameNone,
		"a property bag built from alternating keys and values", dynBagPack,
		ex(`bag_pack("Dest", 100, "Text", "Hi")`, `{"Dest":100,"Text":"Hi"}`), "pack")
	bagPack.Result = func(args []types.Type) (types.Type, error) {
		if len(args)%2 != 0 {
			return types.Unknown, fmt.Errorf("bag_pack(): expected key-value pairs, found %d arguments", len(args))
		}
		for i := 0; i < len(args); i += 2 {
			if t := args[i]; t != types.String && t != types.Dynamic && t != types.Unknown {
				return types.Unknown, argError("bag_pack", i, "a key of type string", t)
			}
		}
		return types.Dynamic, nil
	}
	sortAsc := fn("array_sort_asc", 1, 2, D, cs(d, b), NameNone,
		"the array sorted ascending (numbers, then strings, then other values; nulls last unless nulls_last is false)",
		dynSorter(true), ex(`array_sort_asc(dynamic([1,3,4,5,2]))`, `[1,2,3,4,5]`,
			`strcat_array(array_sort_asc(split("John,Paul,Jane,Kao", ",")), ",")`, `Jane,John,Kao,Paul`))
	sortDesc := fn("array_sort_desc", 1, 2, D, cs(d, b), NameNone,
		"the array sorted descending (nulls last unless nulls_last is false)",
		dynSorter(false), ex(`array_sort_desc(dynamic([null,"blue","yellow","green",null]))`, `["yellow","green","blue",null,null]`))
	return []*Func{
		// parse_json takes text or a dynamic value (Kusto.Language: json_text is string, to
		// which a plain dynamic value promotes). Microsoft's analyser does report "A value of
		// type string expected" for todynamic() of a dynamic *array or bag* (the result of
		// make_set via toscalar, a dynamic([...]) literal, parse_user_agent), but socfeed's
		// types do not tell those from other dynamic values, and rejecting every dynamic
		// argument would reject parse_json(AdditionalFields), which it accepts.
		fn("parse_json", 1, 1, D, cs(argString), NameNone, // named by kustoNaming
			"the dynamic value that JSON text denotes; text that is not JSON becomes a dynamic string",
			dynParseJSON, ex(`parse_json('{"a":123, "b":"x"}').a`, `123`,
				`parse_json('{"duration":{"value":118.0}}')`, `{"duration":{"value":118}}`,
				`parse_json("not json")`, `not json`), "todynamic", "parsejson", "toobject"),
		fn("split", 2, 3, D, cs(argString, argString, in), NameNone,
			"an array of the substrings between occurrences of the delimiter, or only the one at requestedIndex",
			dynSplit, ex(`split("aa_bb", "_")`, `["aa","bb"]`, `split("aaa_bbb_ccc", "_", 1)`, `["bbb"]`,
				`split("", "_")`, `[""]`, `split("a__b", "_")`, `["a","","b"]`, `split("aabbcc", "bb")`, `["aa","cc"]`)),
		fn("array_length", 1, 1, L, cs(a), NameNone,
			"the number of elements of an array; null when the value is not an array",
			dynArrayLength, ex(`array_length(dynamic([1, 2, 3]))`, `3`, `array_length(dynamic({}))`, ``), "arraylength"),
		fn("pack_array", 1, -1, D, cs(a), NameNone, "an array of the arguments' values",
			dynPackArray, ex(`pack_array(1, 2, 4)`, `[1,2,4]`, `pack_array("a", 1.5, int(null))`, `["a",1.5,null]`)),
		bagPack,
		fn("strcat_array", 2, 2, S, cs(a, a), NameNone,
			"the array's elements as text, joined by the delimiter",
			dynStrcatArray, ex(`strcat_array(dynamic([1, 2, 3]), "->")`, `1->2->3`, `strcat_array(dynamic([1, 2, 3]), '"')`, `1"2"3`),
			"array_strcat"),
		fn("array_concat", 1, -1, D, cs(a), NameNone, "the arrays joined into one; null if an argument is not an array",
			dynArrayConcat, ex(`array_concat(dynamic([1,2,4]), dynamic([1,2]))`, `[1,2,4,1,2]`)),
		fn("array_slice", 3, 3, D, cs(a, in, in), NameNone,
			"the elements from start to end inclusive (negative indices count from the end)",
			dynArraySlice, ex(`array_slice(dynamic([1,2,3]), 1, 2)`, `[2,3]`, `array_slice(dynamic([1,2,3,4,5]), 2, -1)`, `[3,4,5]`,
				`array_slice(dynamic([1,2,3,4,5]), -3, -2)`, `[3,4]`)),
		fn("array_index_of", 2, 5, L, cs(a, a, in, in, in), NameNone,
			"the zero-based index of a value in an array, or -1",
			dynArrayIndexOf, ex(`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "an")`, `2`,
				`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "example", 1, 3)`, `3`,
				`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "example", 1, 2)`, `-1`,
				`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "an", 1, -1, 2)`, `4`,
				`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "an", -3)`, `4`,
				`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "is", -4)`, `-1`)),
		fn("set_has_element", 2, 2, B, cs(a, a), NameNone, "whether the array holds the value",
			dynSetHasElement, ex(`set_has_element(dynamic(["this", "is", "an", "example"]), "example")`, `true`,
				`set_has_element(dynamic(["this", "is", "an", "example"]), "test")`, `false`)),
		sortAsc,
		sortDesc,
		fn("repeat", 2, 2, D, cs(a, in), NameNone,
			"an array of count copies of value: empty when count is 0, null when it is negative",
			dynRepeat, ex(`repeat(1, 3)`, `[1,1,1]`, `repeat("x", 0)`, `[]`)),
		fn("array_reverse", 1, 1, D, cs(a), NameNone, "the array in reverse order",
			dynArrayReverse, ex(`array_reverse(dynamic(["this", "is", "an", "example"]))`, `["example","an","is","this"]`)),
		fn("array_sum", 1, 1, R, cs(a), NameNone, "the sum of the array's numeric elements",
			dynArraySum, ex(`array_sum(dynamic([2, 5, 3]))`, `10`)),
		fn("array_iff", 3, 3, D, cs(a, a, a), NameNone,
			"an array choosing, per condition element, the element of when_true or when_false",
			dynArrayIff, ex(`array_iff(dynamic([true,false,true]), dynamic([1,2,3]), dynamic([4,5,6]))`, `[1,5,3]`,
				`array_iff(dynamic([1,0,50]), "yes", "no")`, `["yes","no","yes"]`,
				`array_iff(dynamic([true,true,true]), dynamic([1,2]), dynamic([3,4]))`, `[1,2,null]`), "array_iif"),
		fn("array_split", 2, 2, D, cs(a, a), NameNone, "the array cut at the given indices",
			dynArraySplit, ex(`array_split(dynamic([1,2,3,4,5]), 2)`, `[[1,2],[3,4,5]]`,
				`array_split(dynamic([1,2,3,4,5]), dynamic([1,3]))`, `[[1],[2,3],[4,5]]`)),
		fn("zip", 2, 16, D, cs(a), NameNone, "an array of tuples of the arrays' elements, padded with null",
			dynZip, ex(`zip(dynamic([1,3,5]), dynamic([2,4,6]))`, `[[1,2],[3,4],[5,6]]`,
				`zip(dynamic(["A", 1, 1.5]), dynamic([{}, "B"]))`, `[["A",{}],[1,"B"],[1.5,null]]`)),
		fn("set_union", 2, 64, D, cs(a), NameNone, "the distinct elements of all the arrays",
			dynSetOp("union"), ex(`set_union(dynamic([1,2,1,4]), dynamic([1,2]), dynamic([8]))`, `[1,2,4,8]`,
				`set_union(dynamic(['A4', 'A2', 'A7', 'A2']), dynamic(['A4', 'A2', 'A7', 'A2']))`, `["A4","A2","A7"]`)),
		fn("set_intersect", 2, 64, D, cs(a), NameNone, "the distinct elements that every array holds",
			dynSetOp("intersect"), ex(`set_intersect(dynamic([1,2,1,4]), dynamic([1,2]), dynamic([8,1]))`, `[1]`,
				`set_intersect(dynamic([1, 2, 3]), dynamic([4,5]))`, `[]`)),
		fn("set_difference", 2, 64, D, cs(a), NameNone, "the distinct elements of the first array that no other array holds",
			dynSetOp("difference"), ex(`set_difference(dynamic([1,2,1,4]), dynamic([1,2]), dynamic([1,2,8]))`, `[4]`,
				`set_difference(dynamic([1,2,3]), dynamic([1,2,3]))`, `[]`)),
		fn("jaccard_index", 2, 2, R, cs(a, a), NameNone, "the size of the arrays' intersection divided by the size of their union",
			dynJaccard, ex(`jaccard_index(dynamic([1,2,3]), dynamic([1,2,3,4]))`, `0.75`)),
		fn("bag_keys", 1, 1, D, cs(a), NameNone, "the property bag's keys; null for other values",
			dynBagKeys, ex(`bag_keys(dynamic({'a':'b', 'c':123}))`, `["a","c"]`, `bag_keys(dynamic({}))`, `[]`, `bag_keys(dynamic([]))`, ``)),
		fn("bag_has_key", 2, 2, B, cs(a, s), NameNone, "whether the property bag has the key (a name or a JSONPath)",
			dynBagHasKey, ex(`bag_has_key(dynamic({'key1': 123, 'key2': {'prop1' : 'abc'}}), '$.key2.prop1')`, `true`,
				`bag_has_key(dynamic({'key1': 123}), 'key2')`, `false`)),
		fn("bag_merge", 2, 64, D, cs(a), NameNone, "the property bags merged; for a repeated key the leftmost value wins",
			dynBagMerge, ex(`bag_merge(dynamic({'A1':12, 'B1':2, 'C1':3}), dynamic({'A2':81, 'B2':82, 'A1':1}))`, `{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}`)),
		fn("bag_remove_keys", 2, 2, D, cs(a, a), NameNone, "the property bag without the given keys (names or JSONPaths)",
			dynBagRemoveKeys, ex(`bag_remove_keys(dynamic({'key1' : 123, 'key2': 'abc'}), dynamic(['key2', 'key4']))`, `{"key1":123}`,
				`bag_remove_keys(dynamic({'key1': 123, 'key2': {'prop1' : 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]}), dynamic(['$.key2.prop1', 'key3']))`, `{"key1":123,"key2":{"prop2":"xyz"}}`)),
		fn("treepath", 1, 1, D, cs(a), NameNone, "every path in a property bag, as ['key'] and [0] expressions",
			dynTreepath, ex(`treepath(parse_json('{"a":"b", "c":123}'))`, `["['a']","['c']"]`,
				`treepath(parse_json('{"prop1":[1,2,3,4], "prop2":"value2"}'))`, `["['prop1']","['prop1'][0]","['prop2']"]`,
				`treepath(parse_json('{"listProperty":[100,200,300,"abcde",{"x":"y"}]}'))`, `["['listProperty']","['listProperty'][0]","['listProperty'][0]['x']"]`)),
		fn("parse_xml", 1, 1, D, cs(a), NameNone,
			"the XML text converted to a dynamic value (elements, @attributes and #text), or null if it is not XML",
			dynParseXML, ex(`parse_xml("<e name='value'>text</e>")`, `{"e":{"@name":"value","#text":"text"}}`,
				`parse_xml("<e><a>text</a><a>text</a></e>")`, `{"e":{"a":["text","text"]}}`)),
		fn("dynamic_to_json", 1, 1, S, cs(a), NameNone, "canonical JSON text of a dynamic value, property names sorted",
			dynDynamicToJSON, ex(`dynamic_to_json(dynamic({'Y10':{}, 'X8': {'c3':1, 'd8':5, 'a4':6}, 'D1':114, 'A1':12, 'A14':[15, 13, 18]}))`,
				`{"A1":12,"A14":[15,13,18],"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}`)),
	}
}
