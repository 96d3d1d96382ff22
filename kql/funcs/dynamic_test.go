package funcs

import (
	"strings"
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

// dynLit makes a dynamic value from a dynamic literal's text (single quotes allowed).
func dynLit(t *testing.T, lit string) types.Value {
	t.Helper()
	c, err := types.CompactJSON(lit)
	if err != nil {
		t.Fatalf("bad dynamic literal %q: %v", lit, err)
	}
	return types.NewDynamic(c)
}

// dynShow prints a result: "null" for a null of a non-string type, else tostring text.
func dynShow(v types.Value) string {
	if v.IsNull() && v.Type != types.String {
		return "null"
	}
	if v.Type == types.Dynamic {
		return v.S
	}
	return v.String()
}

func TestDynamicFuncs(t *testing.T) {
	reg := NewRegistry(dynamicFuncs()...)
	s, l, b := types.NewString, types.NewLong, types.NewBool
	d := func(lit string) types.Value { return dynLit(t, lit) }
	words := d(`["this", "is", "an", "example", "an", "example"]`)
	tests := []struct {
		fn   string
		args []types.Value
		want string
	}{
		{"parse_json", []types.Value{s(`{"a":123, "b":"{\"c\":456}"}`)}, `{"a":123,"b":"{\"c\":456}"}`},
		{"parse_json", []types.Value{s(`not json`)}, `"not json"`},
		{"parse_json", []types.Value{s(``)}, `null`},
		{"parse_json", []types.Value{d(`"{\"c\":456}"`)}, `{"c":456}`},
		{"todynamic", []types.Value{d(`[1]`)}, `[1]`},
		{"split", []types.Value{s("aa_bb"), s("_")}, `["aa","bb"]`},
		{"split", []types.Value{s("aaa_bbb_ccc"), s("_"), l(1)}, `["bbb"]`},
		{"split", []types.Value{s("aaa_bbb_ccc"), s("_"), l(3)}, `[]`},
		{"split", []types.Value{s(""), s("_")}, `[""]`},
		{"split", []types.Value{s("a__b"), s("_")}, `["a","","b"]`},
		{"split", []types.Value{s("aabbcc"), s("bb")}, `["aa","cc"]`},
		{"split", []types.Value{s("艺术.com"), s(".")}, `["艺术","com"]`},
		{"array_length", []types.Value{d(`[1,2,3]`)}, `3`},
		{"array_length", []types.Value{d(`{}`)}, `null`},
		{"arraylength", []types.Value{s(`[1]`)}, `null`},
		{"pack_array", []types.Value{l(1), l(2), l(4)}, `[1,2,4]`},
		{"pack_array", []types.Value{s("a"), types.NewReal(1.5), types.NullOf(types.Int), d(`{"x":1}`)}, `["a",1.5,null,{"x":1}]`},
		{"bag_pack", []types.Value{s("Dest"), types.NewInt(100), s("Text"), s("Hi")}, `{"Dest":100,"Text":"Hi"}`},
		{"pack", []types.Value{s("k"), l(1), s("k"), l(2)}, `{"k":2}`},
		{"strcat_array", []types.Value{d(`[1, 2, 3]`), s("->")}, `1->2->3`},
		{"strcat_array", []types.Value{d(`["a", null, "b"]`), s(",")}, `a,,b`},
		{"array_concat", []types.Value{d(`[1,2,4]`), d(`[1,2]`)}, `[1,2,4,1,2]`},
		{"array_concat", []types.Value{d(`[1]`), s("x")}, `null`},
		{"array_slice", []types.Value{d(`[1,2,3]`), l(1), l(2)}, `[2,3]`},
		{"array_slice", []types.Value{d(`[1,2,3,4,5]`), l(2), l(-1)}, `[3,4,5]`},
		{"array_slice", []types.Value{d(`[1,2,3,4,5]`), l(-3), l(-2)}, `[3,4]`},
		{"array_slice", []types.Value{d(`[1,2,3]`), l(5), l(9)}, `[]`},
		{"array_index_of", []types.Value{words, s("an")}, `2`},
		{"array_index_of", []types.Value{words, s("example"), l(1), l(3)}, `3`},
		{"array_index_of", []types.Value{words, s("example"), l(1), l(2)}, `-1`},
		{"array_index_of", []types.Value{words, s("is"), l(2), l(4)}, `-1`},
		{"array_index_of", []types.Value{words, s("example"), l(2), l(-1)}, `3`},
		{"array_index_of", []types.Value{words, s("an"), l(1), l(-1), l(2)}, `4`},
		{"array_index_of", []types.Value{words, s("an"), l(1), l(-1), l(3)}, `-1`},
		{"array_index_of", []types.Value{words, s("an"), l(-3)}, `4`},
		{"array_index_of", []types.Value{words, s("is"), l(-4)}, `-1`},
		{"array_index_of", []types.Value{words, s("an"), l(0), l(-2)}, `null`},
		{"array_index_of", []types.Value{d(`[1, 2.5, 3]`), l(3)}, `2`},
		{"set_has_element", []types.Value{words, s("example")}, `true`},
		{"set_has_element", []types.Value{words, s("Example")}, `false`},
		{"array_sort_asc", []types.Value{d(`[1,3,4,5,2]`)}, `[1,2,3,4,5]`},
		{"array_sort_asc", []types.Value{d(`["b", null, 2, "a", 1.5]`)}, `[1.5,2,"a","b",null]`},
		{"array_sort_asc", []types.Value{d(`["b", null, "a"]`), b(false)}, `[null,"a","b"]`},
		{"array_sort_desc", []types.Value{d(`[null,"blue","yellow","green",null]`)}, `["yellow","green","blue",null,null]`},
		{"array_reverse", []types.Value{d(`["this", "is", "an", "example"]`)}, `["example","an","is","this"]`},
		{"array_sum", []types.Value{d(`[2, 5, 3]`)}, `10`},
		{"array_sum", []types.Value{d(`[2, "x"]`)}, `null`},
		{"array_iff", []types.Value{d(`[true,false,true]`), d(`[1,2,3]`), d(`[4,5,6]`)}, `[1,5,3]`},
		{"array_iff", []types.Value{d(`[1,0,50]`), s("yes"), s("no")}, `["yes","no","yes"]`},
		{"array_iff", []types.Value{d(`["some string value", "2022-01-01T00:00:00.0000000Z", null]`), l(1), l(0)}, `[null,null,null]`},
		{"array_iff", []types.Value{d(`[true,true,true]`), d(`[1,2]`), d(`[3,4]`)}, `[1,2,null]`},
		{"array_split", []types.Value{d(`[1,2,3,4,5]`), l(2)}, `[[1,2],[3,4,5]]`},
		{"array_split", []types.Value{d(`[1,2,3,4,5]`), d(`[1,3]`)}, `[[1],[2,3],[4,5]]`},
		{"zip", []types.Value{d(`[1,3,5]`), d(`[2,4,6]`)}, `[[1,2],[3,4],[5,6]]`},
		{"zip", []types.Value{d(`["A", 1, 1.5]`), d(`[{}, "B"]`)}, `[["A",{}],[1,"B"],[1.5,null]]`},
		{"set_union", []types.Value{d(`[1,2,1,4]`), d(`[1,2]`), d(`[8]`)}, `[1,2,4,8]`},
		{"set_union", []types.Value{d(`['A4', 'A2', 'A7', 'A2']`), d(`['A4', 'A2', 'A7', 'A2']`)}, `["A4","A2","A7"]`},
		{"set_intersect", []types.Value{d(`[1,2,1,4]`), d(`[1,2]`), d(`[8,1]`)}, `[1]`},
		{"set_intersect", []types.Value{d(`[1, 2, 3]`), d(`[4,5]`)}, `[]`},
		{"set_difference", []types.Value{d(`[1,2,1,4]`), d(`[1,2]`), d(`[1,2,8]`)}, `[4]`},
		{"set_difference", []types.Value{d(`[1,2,3]`), d(`[1,2,3]`)}, `[]`},
		{"jaccard_index", []types.Value{d(`[1,2,3]`), d(`[1,2,3,4]`)}, `0.75`},
		{"bag_keys", []types.Value{d(`{'a':'b', 'c':{'d':123}}`)}, `["a","c"]`},
		{"bag_keys", []types.Value{d(`{}`)}, `[]`},
		{"bag_keys", []types.Value{d(`'a'`)}, `null`},
		{"bag_keys", []types.Value{d(`[]`)}, `null`},
		{"bag_keys", []types.Value{types.NullOf(types.Dynamic)}, `null`},
		{"bag_has_key", []types.Value{d(`{'key1': 123, 'key2': {'prop1' : 'abc'}, 'key3': [100, 200]}`), s("$.key2.prop1")}, `true`},
		{"bag_has_key", []types.Value{d(`{'key1': 123, 'key3': [100, 200]}`), s("$.key3[1]")}, `true`},
		{"bag_has_key", []types.Value{d(`{'key1': 123}`), s("key2")}, `false`},
		{"bag_merge", []types.Value{d(`{'A1':12, 'B1':2, 'C1':3}`), d(`{'A2':81, 'B2':82, 'A1':1}`)}, `{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}`},
		{"bag_remove_keys", []types.Value{d(`{'key1' : 123, 'key2': 'abc'}`), d(`['key2', 'key4']`)}, `{"key1":123}`},
		{"bag_remove_keys", []types.Value{d(`{'key1' : 'value', 'key3': 42.0}`), d(`['key2', 'key4']`)}, `{"key1":"value","key3":42}`},
		{"bag_remove_keys", []types.Value{d(`{'key1': 123, 'key2': {'prop1' : 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]}`), d(`['$.key2.prop1', 'key3']`)}, `{"key1":123,"key2":{"prop2":"xyz"}}`},
		{"treepath", []types.Value{d(`{"a":"b", "c":123}`)}, `["['a']","['c']"]`},
		{"treepath", []types.Value{d(`{"prop1":[1,2,3,4], "prop2":"value2"}`)}, `["['prop1']","['prop1'][0]","['prop2']"]`},
		{"treepath", []types.Value{d(`{"listProperty":[100,200,300,"abcde",{"x":"y"}]}`)}, `["['listProperty']","['listProperty'][0]","['listProperty'][0]['x']"]`},
		{"dynamic_to_json", []types.Value{d(`{'Y10':{}, 'X8': {'c3':1, 'd8':5, 'a4':6}, 'D1':114, 'A1':12, 'B1':2, 'C1':3, 'A14':[15, 13, 18]}`)},
			`{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}`},
		{"dynamic_to_json", []types.Value{l(5)}, `5`},
		{"parse_xml", []types.Value{s(`<e/>`)}, `{"e":null}`},
		{"parse_xml", []types.Value{s(`<e>text</e>`)}, `{"e":"text"}`},
		{"parse_xml", []types.Value{s(`<e name="value" />`)}, `{"e":{"@name":"value"}}`},
		{"parse_xml", []types.Value{s(`<e name="value">text</e>`)}, `{"e":{"@name":"value","#text":"text"}}`},
		{"parse_xml", []types.Value{s(`<e> <a>text</a> <b>text</b> </e>`)}, `{"e":{"a":"text","b":"text"}}`},
		{"parse_xml", []types.Value{s(`<e> <a>text</a> <a>text</a> </e>`)}, `{"e":{"a":["text","text"]}}`},
		{"parse_xml", []types.Value{s(`<e> text <a>text</a> </e>`)}, `{"e":{"#text":"text","a":"text"}}`},
		{"parse_xml", []types.Value{s(`<?xml version="1.0" encoding="UTF-8"?>
<duration>
    <value>118.0</value>
    <min>100.0</min>
</duration>`)}, `{"duration":{"value":"118.0","min":"100.0"}}`},
		{"parse_xml", []types.Value{s(`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><EventData><Data Name="SubjectUserName">bob &amp; co</Data><Data Name="x"/></EventData></Event>`)},
			`{"Event":{"@xmlns":"http://schemas.microsoft.com/win/2004/08/events/event","EventData":{"Data":[{"@Name":"SubjectUserName","#text":"bob & co"},{"@Name":"x"}]}}}`},
		{"parse_xml", []types.Value{s(`<a><b></a>`)}, `null`},
		{"parse_xml", []types.Value{s(`<a/><b/>`)}, `null`},
		{"parse_xml", []types.Value{s(`not xml`)}, `null`},
	}
	for _, tt := range tests {
		f, ok := reg.Lookup(tt.fn)
		if !ok {
			t.Errorf("%s: not declared", tt.fn)
			continue
		}
		got := f.Scalar(&Context{}, tt.args)
		if s := dynShow(got); s != tt.want {
			var args []string
			for _, a := range tt.args {
				args = append(args, dynShow(a))
			}
			t.Errorf("%s(%s) = %s, want %s", tt.fn, strings.Join(args, ", "), s, tt.want)
		}
		argTypes := make([]types.Type, len(tt.args))
		for i, a := range tt.args {
			argTypes[i] = a.Type
		}
		if rt, err := f.Result(argTypes); err != nil {
			t.Errorf("%s.Result(%v): %v", tt.fn, argTypes, err)
		} else if !got.IsNull() && got.Type != rt {
			t.Errorf("%s returned type %s, Result says %s", tt.fn, got.Type, rt)
		}
	}
}

func TestDynParsePath(t *testing.T) {
	doc := types.JSON(`{"a": [1, {"b": 2}], "c d": {"e": null}}`)
	tests := []struct{ path, want string }{
		{"$.a[1].b", "2"},
		{"$['a'][0]", "1"},
		{`$["c d"].e`, "null"},
		{"a", `[1, {"b": 2}]`},
		{"$.missing", "<none>"},
		{"$.a[5]", "<none>"},
	}
	for _, tt := range tests {
		steps, err := dynParsePath(tt.path)
		if err != nil {
			t.Errorf("dynParsePath(%q): %v", tt.path, err)
			continue
		}
		got, ok := dynWalk(doc, steps)
		if !ok {
			got = "<none>"
		}
		if string(got) != tt.want {
			t.Errorf("walk %q = %s, want %s", tt.path, got, tt.want)
		}
	}
	for _, bad := range []string{"$.a[*]", "$.*", "$.a[", "$x", "$."} {
		if _, err := dynParsePath(bad); err == nil {
			t.Errorf("dynParsePath(%q) accepted an unsupported path", bad)
		}
	}
}

func TestArraySortSeveral(t *testing.T) {
	got := ArraySort(false, true, []types.Value{dynLit(t, `[1,3,4,5,2]`), dynLit(t, `["a","b","c","d","e"]`), dynLit(t, `[1]`)})
	want := []string{`[5,4,3,2,1]`, `["d","c","b","e","a"]`, `null`}
	for i := range want {
		if s := dynShow(got[i]); s != want[i] {
			t.Errorf("ArraySort desc result %d = %s, want %s", i, s, want[i])
		}
	}
}

func TestDynamicDeclarations(t *testing.T) {
	for _, f := range NewRegistry(dynamicFuncs()...).All() {
		if f.Doc == "" || f.Result == nil || f.Scalar == nil || f.Kind != Scalar {
			t.Errorf("%s: missing Doc, Result or Scalar, or not Scalar", f.Name)
		}
		if _, err := f.Result(make([]types.Type, max(f.MinArgs, 2)&^1)); err != nil && f.MaxArgs < 0 {
			t.Errorf("%s: Result(unknown args) = %v, want no error", f.Name, err)
		}
	}
	for _, tt := range []struct {
		fn   string
		args []types.Type
		want string
	}{
		{"bag_pack", []types.Type{types.String}, "bag_pack(): expected key-value pairs, found 1 arguments"},
		{"bag_pack", []types.Type{types.Long, types.Long}, "bag_pack(): argument 1: expected a key of type string, found long"},
		{"split", []types.Type{types.String, types.Long}, "split(): argument 2: expected a value of type string, found long"},
		{"array_slice", []types.Type{types.Dynamic, types.String, types.Long}, "array_slice(): argument 2: expected a value of type int or long, found string"},
	} {
		f, _ := NewRegistry(dynamicFuncs()...).Lookup(tt.fn)
		if _, err := f.Result(tt.args); err == nil || err.Error() != tt.want {
			t.Errorf("%s.Result(%v) error = %v, want %q", tt.fn, tt.args, err, tt.want)
		}
	}
}
