package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestStringKernels(t *testing.T) {
	const guid = "82b8be2d-dfa7-4bd1-8f63-24ad26d31449"
	str := types.String
	runScalarCases(t, []scCase{
		{"strcat", vArgs(vStr("hello"), vStr(" "), vStr("world")), "hello world", str},
		{"strcat", vArgs(vStr("a"), vLong(1), vSpan(types.TicksPerSecond), vNull(types.Long)), "a100:00:01", str},
		{"strcat_delim", vArgs(vStr("-"), vLong(1), vStr("2"), vStr("A"), vSpan(types.TicksPerSecond)), "1-2-A-00:00:01", str},
		{"strlen", vArgs(vStr("hello")), "5", types.Long},
		{"strlen", vArgs(vStr("⒦⒰⒮⒯⒪")), "5", types.Long},
		{"strlen", vArgs(vStr("C\u0327edilla")), "8", types.Long},
		{"string_size", vArgs(vStr("⒦⒰⒮⒯⒪")), "15", types.Long},
		{"substring", vArgs(vStr("123456"), vLong(1)), "23456", str},
		{"substring", vArgs(vStr("123456"), vLong(2), vLong(2)), "34", str},
		{"substring", vArgs(vStr("ABCD"), vLong(0), vLong(2)), "AB", str},
		{"substring", vArgs(vStr("123456"), vLong(-2), vLong(2)), "56", str},
		{"substring", vArgs(vStr("123456"), vLong(10)), "", str},
		{"substring", vArgs(vStr("ÄÖÜ"), vLong(1), vLong(1)), "Ö", str},
		{"tolower", vArgs(vStr("HeLLo ÄÖ")), "hello äö", str},
		{"toupper", vArgs(vStr("hello")), "HELLO", str},
		{"trim", vArgs(vStr("--"), vStr("--https://bing.com--")), "https://bing.com", str},
		{"trim", vArgs(vStr(`[^\w]+`), vStr("-  Te st1// $")), "Te st1", str},
		{"trim", vArgs(vStr(`\s+`), vStr("    Hello, world!    ")), "Hello, world!", str},
		{"trim_start", vArgs(vStr("https://"), vStr("https://bing.com")), "bing.com", str},
		{"trim_end", vArgs(vStr(".com"), vStr("bing.com")), "bing", str},
		{"trim_end", vArgs(vStr(`[^\w]+`), vStr("-  Te st1// $")), "-  Te st1", str},
		{"trim", vArgs(vStr("("), vStr("x")), "x", str}, // bad regex leaves the text
		{"replace_string", vArgs(vStr("A magic trick can turn a cat into a dog"), vStr("cat"), vStr("hamster")), "A magic trick can turn a hamster into a dog", str},
		{"replace_string", vArgs(vStr("Number is 1"), vStr("is"), vStr("was")), "Number was 1", str},
		{"replace_regex", vArgs(vStr("Number is 1"), vStr(`is (\d+)`), vStr(`was: \1`)), "Number was: 1", str},
		{"replace_regex", vArgs(vStr("a.b"), vStr(`\.`), vStr(`$`)), "a$b", str},
		{"replace", vArgs(vStr(`is (\d+)`), vStr(`was: \1`), vStr("Number is 12")), "Number was: 12", str},
		{"extract", vArgs(vStr("User: ([^,]+)"), vLong(1), vStr("User: James, Email: James@example.com, Age: 29")), "James", str},
		{"extract", vArgs(vStr(`Email: (\S+),`), vLong(1), vStr("User: David, Age: 35")), "", str},
		{"extract", vArgs(vStr(`\d+`), vLong(0), vStr("User: David, Age: 35")), "35", str},
		{"extract", vArgs(vStr(`-(\d{2})-`), vLong(1), vStr("21-07-2023"), vNull(types.Int)), "7", types.Int},
		{"extract", vArgs(vStr(`(\d+)`), vLong(2), vStr("12")), "", str},
		{"extract_all", vArgs(vStr(`(\d+)`), vStr("a set of numbers: 123, 567 and 789")), `["123","567","789"]`, types.Dynamic},
		{"extract_all", vArgs(vStr(`(\w)(\w+)(\w)`), vStr(guid)), `[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]`, types.Dynamic},
		{"extract_all", vArgs(vStr(`(\w)(\w+)(\w)`), vDyn("[1,3]"), vStr(guid)), `[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]`, types.Dynamic},
		{"extract_all", vArgs(vStr(`(?P<first>\w)(?P<middle>\w+)(?P<last>\w)`), vDyn(`["first",2,"last"]`), vStr(guid)), `[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]`, types.Dynamic},
		{"extract_all", vArgs(vStr(`(\d+)`), vStr("none")), "null", types.Dynamic},
		{"indexof", vArgs(vStr("abcdefg"), vStr("cde")), "2", types.Long},
		{"indexof", vArgs(vStr("abcdefg"), vStr("cde"), vLong(1), vLong(4)), "2", types.Long},
		{"indexof", vArgs(vStr("abcdefg"), vStr("cde"), vLong(1), vLong(2)), "-1", types.Long},
		{"indexof", vArgs(vStr("abcdefg"), vStr("cde"), vLong(3), vLong(4)), "-1", types.Long},
		{"indexof", vArgs(vStr("abcdefg"), vStr("cde"), vLong(-5)), "2", types.Long},
		{"indexof", vArgs(vLong(1234567), vLong(5), vLong(1), vLong(4)), "4", types.Long},
		{"indexof", vArgs(vStr("abcdefg"), vStr("cde"), vLong(2), vLong(-1)), "2", types.Long},
		{"indexof", vArgs(vStr("abcdefgabcdefg"), vStr("cde"), vLong(1), vLong(10), vLong(2)), "9", types.Long},
		{"indexof", vArgs(vStr("abcdefgabcdefg"), vStr("cde"), vLong(1), vLong(-1), vLong(3)), "-1", types.Long},
		{"indexof", vArgs(vStr("ÄÖcde"), vStr("cde")), "2", types.Long},
		{"indexof_regex", vArgs(vStr("abcabc"), vStr("a.c")), "0", types.Long},
		{"indexof_regex", vArgs(vStr("abcabcdefg"), vStr("a.c"), vLong(0), vLong(9), vLong(2)), "3", types.Long},
		{"indexof_regex", vArgs(vStr("abcabc"), vStr("a.c"), vLong(1), vLong(-1), vLong(2)), "-1", types.Long},
		{"countof", vArgs(vStr("aaa"), vStr("a")), "3", types.Long},
		{"countof", vArgs(vStr("aaaa"), vStr("aa")), "3", types.Long},
		{"countof", vArgs(vStr("ababa"), vStr("ab"), vStr("normal")), "2", types.Long},
		{"countof", vArgs(vStr("ababa"), vStr("aba")), "2", types.Long},
		{"countof", vArgs(vStr("ababa"), vStr("aba"), vStr("regex")), "1", types.Long},
		{"countof", vArgs(vStr("abcabc"), vStr("a.c"), vStr("regex")), "2", types.Long},
		{"reverse", vArgs(vStr("ABC")), "CBA", str},
		{"reverse", vArgs(vLong(12345)), "54321", str},
		{"reverse", vArgs(vReal(123.45)), "54.321", str},
		{"reverse", vArgs(vDT("2017-10-15 12:00")), "Z0000000.00:00:21T51-01-7102", str},
		{"reverse", vArgs(vSpan(3 * types.TicksPerHour)), "00:00:30", str},
		{"strrep", vArgs(vStr("ABC"), vLong(2)), "ABCABC", str},
		{"strrep", vArgs(vLong(123), vLong(3), vStr(".")), "123.123.123", str},
		{"strrep", vArgs(vSpan(3*types.TicksPerSecond), vLong(2), vStr(" ")), "00:00:03 00:00:03", str},
		{"strcmp", vArgs(vStr("ABC"), vStr("ABC")), "0", types.Int},
		{"strcmp", vArgs(vStr("abc"), vStr("ABC")), "1", types.Int},
		{"strcmp", vArgs(vStr("ABC"), vStr("abc")), "-1", types.Int},
		{"strcmp", vArgs(vStr("abcde"), vStr("abc")), "1", types.Int},
		{"translate", vArgs(vStr("abc"), vStr("x"), vStr("abc")), "xxx", str},
		{"translate", vArgs(vStr("abc"), vStr(""), vStr("ab")), "", str},
		{"translate", vArgs(vStr("krasp"), vStr("otsku"), vStr("spark")), "kusto", str},
		{"url_encode", vArgs(vStr("https://www.bing.com/hello world")), "https%3a%2f%2fwww.bing.com%2fhello+world", str},
		{"url_encode_component", vArgs(vStr("https://www.bing.com/hello world/")), "https%3a%2f%2fwww.bing.com%2fhello%20world%2f", str},
		{"url_decode", vArgs(vStr("https%3a%2f%2fwww.bing.com%2f")), "https://www.bing.com/", str},
		{"url_decode", vArgs(vStr("a+b%2")), "a b%2", str},
		{"base64_encode_tostring", vArgs(vStr("Kusto")), "S3VzdG8=", str},
		{"base64_decode_tostring", vArgs(vStr("S3VzdG8=")), "Kusto", str},
		{"base64_decodestring", vArgs(vStr("S3VzdG8=")), "Kusto", str},
		// Unpadded or URL-safe text is not base64 to .NET, so not to Kusto.
		{"base64_decode_tostring", vArgs(vStr("S3VzdG8")), "", str},
		{"base64_decode_tostring", vArgs(vStr(" S3Vz\ndG8= ")), "Kusto", str},
		{"base64_decode_tostring", vArgs(vStr("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")), "", str},
		{"base64_decode_tostring", vArgs(vStr("//79")), "", str},
		{"regex_quote", vArgs(vStr("(so$me.Te^xt)")), `\(so\$me\.Te\^xt\)`, str},
		{"unicode_codepoints_from_string", vArgs(vStr("⒦⒰⒮⒯⒪")), "[9382,9392,9390,9391,9386]", types.Dynamic},
		{"unicode_codepoints_to_string", vArgs(vLong(75), vLong(117), vLong(115), vLong(116), vLong(111)), "Kusto", str},
		{"make_string", vArgs(vDyn("[75,117,115]"), vLong(116), vLong(111)), "Kusto", str},
		{"has_any_index", vArgs(vStr("this is an example"), vDyn(`["this","example"]`)), "0", types.Long},
		{"has_any_index", vArgs(vStr("this is an example"), vDyn(`["not","example"]`)), "1", types.Long},
		{"has_any_index", vArgs(vStr("this is an example"), vDyn(`["not","found"]`)), "-1", types.Long},
		{"has_any_index", vArgs(vStr("Example number 2"), vDyn(`[1,2,3]`)), "1", types.Long},
		{"has_any_index", vArgs(vStr("this is an example"), vDyn(`[]`)), "-1", types.Long},
		{"format_bytes", vArgs(vLong(564)), "564 Bytes", str},
		{"format_bytes", vArgs(vLong(10332), vLong(1)), "10.1 KB", str},
		{"format_bytes", vArgs(vLong(20010332)), "19 MB", str},
		{"format_bytes", vArgs(vLong(20010332), vLong(2)), "19.08 MB", str},
		{"format_bytes", vArgs(vLong(20010332), vLong(0), vStr("KB")), "19541 KB", str},
		{"parse_url", vArgs(vStr("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")),
			`{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username","Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}`, types.Dynamic},
		{"parse_url", vArgs(vStr("not a url")), "{}", types.Dynamic},
		{"parse_urlquery", vArgs(vStr("k1=v1&k2=v2&k3=v3")), `{"Query Parameters":{"k1":"v1","k2":"v2","k3":"v3"}}`, types.Dynamic},
		{"parse_urlquery", vArgs(vStr("view=vs-2019&preserve-view=true")), `{"Query Parameters":{"view":"vs-2019","preserve-view":"true"}}`, types.Dynamic},
		{"parse_path", vArgs(vStr(`C:\temp\file.txt`)), `{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`, types.Dynamic},
		{"parse_path", vArgs(vStr(`temp\file.txt`)), `{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`, types.Dynamic},
		{"parse_path", vArgs(vStr("file://C:/temp/file.txt:some.exe")), `{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`, types.Dynamic},
		{"parse_path", vArgs(vStr(`\\shared\users\temp\file.txt.gz`)), `{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`, types.Dynamic},
		{"parse_path", vArgs(vStr("/usr/lib/temp/file.txt")), `{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`, types.Dynamic},
	})
}

func TestStringResultTypes(t *testing.T) {
	reg := scalarRegistry()
	tests := []struct {
		fn      string
		args    []types.Type
		want    types.Type
		wantErr string
	}{
		{"strlen", []types.Type{types.String}, types.Long, ""},
		{"strlen", []types.Type{types.Dynamic}, types.Long, ""},
		{"strlen", []types.Type{types.Long}, types.Unknown, "strlen(): argument 1: expected a value of type string, found long"},
		{"strcat", []types.Type{types.String, types.Long, types.DateTime}, types.String, ""},
		{"substring", []types.Type{types.String, types.String}, types.Unknown, "substring(): argument 2: expected a value of type int or long, found string"},
		{"extract", []types.Type{types.String, types.Long, types.String}, types.String, ""},
		{"extract", []types.Type{types.String, types.Long, types.String, types.Long}, types.Long, ""},
		{"extract_all", []types.Type{types.String, types.String, types.String}, types.Unknown, "extract_all(): argument 2: expected a value of type dynamic, found string"},
		{"has_any_index", []types.Type{types.String, types.Unknown}, types.Long, ""},
	}
	for _, tt := range tests {
		got, err := mustLookup(t, reg, tt.fn).Result(tt.args)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s.Result(%v) = %s, %q, want %s, %q", tt.fn, tt.args, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

func TestMoreStringKernels(t *testing.T) {
	dyn := types.Dynamic
	runScalarCases(t, []scCase{
		{"extract_json", vArgs(vStr("$.name"), vStr(`{"name": "John", "age": 30, "city": "New York"}`), vNull(types.String)), "John", types.String},
		{"extract_json", vArgs(vStr("$.age"), vStr(`{"name": "John", "age": 30}`), vNull(types.Long)), "30", types.Long},
		{"extractjson", vArgs(vStr("$.a[1].b"), vStr(`{"a":[{"b":1},{"b":2}]}`)), "2", types.String},
		{"extractjson", vArgs(vStr("$['x y']"), vStr(`{"x y":{"z":true}}`)), `{"z":true}`, types.String},
		{"extractjson", vArgs(vStr("$.missing"), vStr(`{"a":1}`)), "", types.String},
		{"extractjson", vArgs(vStr("$.a"), vStr(`not json`)), "", types.String},
		{"extractjson", vArgs(vStr("a"), vStr(`{"a":1}`)), "", types.String},
		{"parse_command_line", vArgs(vStr(`echo "hello world!"`), vStr("windows")), `["echo","hello world!"]`, dyn},
		{"parse_command_line", vArgs(vStr(`"C:\Program Files\a.exe" -x a\\\"b "c d"e \\x`), vStr("windows")), `["C:\\Program Files\\a.exe","-x","a\\\"b","c de","\\\\x"]`, dyn},
		{"parse_command_line", vArgs(vStr(`a b`), vStr("linux")), "null", dyn},
		{"parse_csv", vArgs(vStr(`aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1` + "\n" + `line2"`)), `["aa","b,b,b","cc","Escaping quotes: \"Title\"","line1\nline2"]`, dyn},
		{"base64_decode_toarray", vArgs(vStr("S3VzdG8=")), "[75,117,115,116,111]", dyn},
		{"base64_decode_toarray", vArgs(vStr("!!")), "null", dyn},
	})
	g := mustLookup(t, scalarRegistry(), "new_guid").Scalar(&Context{}, nil)
	if _, ok := types.ParseGUID(g.S); !ok || g.Type != types.GUID || g.S[14] != '4' {
		t.Errorf("new_guid() = %v, want a version 4 guid", g)
	}
}

func TestGUIDAndVersionKernels(t *testing.T) {
	runScalarCases(t, []scCase{
		{"base64_encode_fromguid", vArgs(types.NewGUID("ae3133f2-6e22-49ae-b06a-16e6a9b212eb")), "8jMxriJurkmwahbmqbIS6w==", types.String},
		{"base64_decode_toguid", vArgs(vStr("JpbpECu8dUy7Pv5gbeJXAA==")), "10e99626-bc2b-4c75-bb3e-fe606de25700", types.GUID},
		{"base64_decode_toguid", vArgs(vStr("S3VzdG8=")), "null", types.GUID},
		{"parse_version", vArgs(vStr("0.0.0.5")), "5", types.Decimal},
		{"parse_version", vArgs(vStr("0.0.7.0")), "700000000", types.Decimal},
		{"parse_version", vArgs(vStr("0.0.3")), "300000000", types.Decimal},
		{"parse_version", vArgs(vStr("0.1.2.0")), "10000000200000000", types.Decimal},
		{"parse_version", vArgs(vStr("1.2.3.4")), "1000000020000000300000004", types.Decimal},
		{"parse_version", vArgs(vStr("1")), "1000000000000000000000000", types.Decimal},
		{"parse_version", vArgs(vStr("1.x")), "null", types.Decimal},
	})
}
