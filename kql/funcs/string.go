package funcs

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/socfeed/socfeed/kql/types"
)

// stringFuncs declares the string functions. Arguments declared `string` also accept
// dynamic values and any scalar where Kusto converts with tostring().
func stringFuncs() []*Func {
	rc := newRegexCache()
	str := types.String
	return append(moreStringFuncs(), []*Func{
		{
			Name: "strcat", Kind: Scalar, MinArgs: 1, MaxArgs: 64,
			Result: returns("strcat", str, argText),
			Doc:    "concatenates the arguments, each converted with tostring()",
			Examples: []Example{
				ex(`strcat("hello", " ", "world")`, "hello world"),
				ex(`strcat("a", 1, "b")`, "a1b"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				if len(args) == 1 {
					return types.NewString(text(args[0]))
				}
				var b strings.Builder
				for _, a := range args {
					b.WriteString(text(a))
				}
				return types.NewString(b.String())
			},
		},
		{
			Name: "strcat_delim", Kind: Scalar, MinArgs: 3, MaxArgs: 65,
			Result: returns("strcat_delim", str, argText),
			Doc:    "concatenates the arguments after the first, separated by the first",
			Examples: []Example{
				ex(`strcat_delim('-', 1, '2', 'A', 1s)`, "1-2-A-00:00:01"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				d := text(args[0])
				var b strings.Builder
				for i, a := range args[1:] {
					if i > 0 {
						b.WriteString(d)
					}
					b.WriteString(text(a))
				}
				return types.NewString(b.String())
			},
		},
		{
			Name: "strlen", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("strlen", types.Long, argString),
			Doc:    "returns the length of the string in Unicode characters",
			Examples: []Example{
				ex(`strlen("hello")`, "5"),
				ex(`strlen("⒦⒰⒮⒯⒪")`, "5"),
				ex("strlen('C\u0327edilla')", "8"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewLong(int64(utf8.RuneCountInString(text(args[0]))))
			},
		},
		{
			Name: "string_size", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("string_size", types.Long, argString),
			Doc:    "returns the size of the string in bytes (UTF-8)",
			Examples: []Example{
				ex(`string_size("hello")`, "5"),
				ex(`string_size("⒦⒰⒮⒯⒪")`, "15"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewLong(int64(len(text(args[0]))))
			},
		},
		{
			Name: "substring", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("substring", str, argText, argInteger, argInteger),
			Doc:    "returns the characters from a zero-based start (counted from the end when negative), optionally limited to a length",
			Examples: []Example{
				ex(`substring("123456", 1)`, "23456"),
				ex(`substring("123456", 2, 2)`, "34"),
				ex(`substring("ABCD", 0, 2)`, "AB"),
				ex(`substring("123456", -2, 2)`, "56"),
			},
			Scalar: substring,
		},
		{
			Name: "tolower", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("tolower", str, argText),
			Doc:    "converts the string to lower case",
			Examples: []Example{
				ex(`tolower("Hello")`, "hello"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewString(strings.ToLower(text(args[0])))
			},
		},
		{
			Name: "toupper", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("toupper", str, argText),
			Doc:    "converts the string to upper case",
			Examples: []Example{
				ex(`toupper("hello")`, "HELLO"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewString(strings.ToUpper(text(args[0])))
			},
		},
		{
			Name: "trim", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("trim", str, argString, argText),
			Doc:    "removes all leading and trailing matches of the regular expression",
			Examples: []Example{
				ex(`trim("--", @"--https://bing.com--")`, "https://bing.com"),
				ex(`trim(@"[^\w]+", "-  Te st1// $")`, "Te st1"),
				ex(`trim(@"\s+", @"    Hello, world!    ")`, "Hello, world!"),
			},
			Scalar: trimKernel(rc, true, true),
		},
		{
			Name: "trim_start", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("trim_start", str, argString, argText),
			Doc:    "removes all leading matches of the regular expression",
			Examples: []Example{
				ex(`trim_start("https://", @"https://bing.com")`, "bing.com"),
				ex(`trim_start(@"[^\w]+", "-  Te st1// $")`, "Te st1// $"),
			},
			Scalar: trimKernel(rc, true, false),
		},
		{
			Name: "trim_end", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("trim_end", str, argString, argText),
			Doc:    "removes all trailing matches of the regular expression",
			Examples: []Example{
				ex(`trim_end(".com", @"bing.com")`, "bing"),
				ex(`trim_end(@"[^\w]+", "-  Te st1// $")`, "-  Te st1"),
				ex(`trim_end(@"\s+", @"    Hello, world!    ")`, "    Hello, world!"),
			},
			Scalar: trimKernel(rc, false, true),
		},
		{
			Name: "replace_string", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("replace_string", str, argText, argString, argText),
			Doc:    "replaces every occurrence of a string (case-sensitive, not a regular expression) with another",
			Examples: []Example{
				ex(`replace_string("A magic trick can turn a cat into a dog", "cat", "hamster")`, "A magic trick can turn a hamster into a dog"),
				ex(`replace_string("Number is 1", 'is', 'was')`, "Number was 1"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				s, old := text(args[0]), text(args[1])
				if old == "" {
					return types.NewString(s)
				}
				return types.NewString(strings.ReplaceAll(s, old, text(args[2])))
			},
		},
		{
			Name: "replace_regex", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("replace_regex", str, argText, argString, argText),
			Doc:    "replaces every match of a regular expression; the rewrite may refer to groups as \\1",
			Examples: []Example{
				ex(`replace_regex("Number is 1", @'is (\d+)', @'was: \1')`, "Number was: 1"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return replaceRegex(rc, text(args[0]), text(args[1]), text(args[2]))
			},
		},
		{
			Name: "replace", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("replace", str, argString, argText, argText),
			Doc:    "replace(regex, rewrite, text): the deprecated form of replace_regex",
			Examples: []Example{
				ex(`replace(@'is (\d+)', @'was: \1', "Number is 1")`, "Number was: 1"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return replaceRegex(rc, text(args[2]), text(args[0]), text(args[1]))
			},
		},
		{
			Name: "extract", Kind: Scalar, MinArgs: 3, MaxArgs: 4,
			Result: extractResult,
			Doc:    "returns the given capture group of the regular expression's first match, optionally converted to typeof(T); null when there is no match",
			Examples: []Example{
				ex(`extract("User: ([^,]+)", 1, "User: James, Email: James@example.com, Age: 29")`, "James"),
				ex(`extract(@"Email: (\S+),", 1, "User: James, Email: James@example.com, Age: 29")`, "James@example.com"),
				ex(`extract(@"Email: (\S+),", 1, "User: David, Age: 35")`, ""),
				ex(`extract(@"\d+", 0, "User: David, Age: 35")`, "35"),
				ex(`extract(@"-(\d{2})-", 1, "21-07-2023", typeof(int))`, "7"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return extract(rc, args) },
		},
		{
			Name: "extract_all", Aliases: []string{"extractall"}, Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: func(args []types.Type) (types.Type, error) {
				params := []argKind{argString, argText}
				if len(args) == 3 {
					params = []argKind{argString, argDynamic, argText}
				}
				if err := checkArgs("extract_all", args, params); err != nil {
					return types.Unknown, err
				}
				return types.Dynamic, nil
			},
			Doc: "returns a dynamic array of all matches of the regular expression (of each selected capture group); null when nothing matches",
			Examples: []Example{
				ex(`extract_all(@"(\d+)", "a set of numbers: 123, 567 and 789")`, `["123","567","789"]`),
				ex(`extract_all(@"([\da-f]{2})", "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `["82","b8","be","2d","df","a7","4b","d1","8f","63","24","ad","26","d3","14","49"]`),
				ex(`extract_all(@"(\w)(\w+)(\w)", "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]`),
				ex(`extract_all(@"(\w)(\w+)(\w)", dynamic([1,3]), "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]`),
				ex(`extract_all(@"(?P<first>\w)(?P<middle>\w+)(?P<last>\w)", dynamic(['first',2,'last']), "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]`),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return extractAll(rc, args) },
		},
		{
			Name: "indexof", Kind: Scalar, MinArgs: 2, MaxArgs: 5,
			Result: returns("indexof", types.Long, argText, argText, argInteger),
			Doc:    "returns the zero-based character index of the n-th occurrence of a string, searching from a start within a length; -1 when not found",
			Examples: []Example{
				ex(`indexof("abcdefg","cde")`, "2"),
				ex(`indexof("abcdefg","cde",1,4)`, "2"),
				ex(`indexof("abcdefg","cde",1,2)`, "-1"),
				ex(`indexof("abcdefg","cde",3,4)`, "-1"),
				ex(`indexof("abcdefg","cde",-5)`, "2"),
				ex(`indexof(1234567,5,1,4)`, "4"),
				ex(`indexof("abcdefg","cde",2,-1)`, "2"),
				ex(`indexof("abcdefgabcdefg", "cde", 1, 10, 2)`, "9"),
				ex(`indexof("abcdefgabcdefg", "cde", 1, -1, 3)`, "-1"),
			},
			Scalar: indexOf,
		},
		{
			Name: "indexof_regex", Kind: Scalar, MinArgs: 2, MaxArgs: 5,
			Result: returns("indexof_regex", types.Long, argText, argString, argInteger),
			Doc:    "returns the zero-based character index of the n-th match of a regular expression, searching from a start within a length; -1 when not found",
			Examples: []Example{
				ex(`indexof_regex("abcabc", @"a.c")`, "0"),
				ex(`indexof_regex("abcabcdefg", @"a.c", 0, 9, 2)`, "3"),
				ex(`indexof_regex("abcabc", @"a.c", 1, -1, 2)`, "-1"),
				ex(`indexof_regex("abcabc", @"a|ab", -1)`, ""),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return indexOfRegex(rc, args) },
		},
		{
			Name: "countof", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("countof", types.Long, argText, argString, argString),
			Doc:    "counts occurrences of a string (overlapping) or, with kind \"regex\", matches of a regular expression (not overlapping)",
			Examples: []Example{
				ex(`countof("aaa", "a")`, "3"),
				ex(`countof("aaaa", "aa")`, "3"),
				ex(`countof("ababa", "ab", "normal")`, "2"),
				ex(`countof("ababa", "aba")`, "2"),
				ex(`countof("ababa", "aba", "regex")`, "1"),
				ex(`countof("abcabc", "a.c", "regex")`, "2"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return countOf(rc, args) },
		},
		{
			Name: "reverse", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("reverse", str, argText),
			Doc:    "reverses the characters of the value converted to a string",
			Examples: []Example{
				ex(`reverse("ABCDEFGHIJKLMNOPQRSTUVWXYZ")`, "ZYXWVUTSRQPONMLKJIHGFEDCBA"),
				ex(`reverse(12345)`, "54321"),
				ex(`reverse(123.45)`, "54.321"),
				ex(`reverse(datetime(2017-10-15 12:00))`, "Z0000000.00:00:21T51-01-7102"),
				ex(`reverse(3h)`, "00:00:30"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				r := []rune(text(args[0]))
				for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
					r[i], r[j] = r[j], r[i]
				}
				return types.NewString(string(r))
			},
		},
		{
			Name: "strrep", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("strrep", str, argText, argInteger, argText),
			Doc:    "repeats the value (converted to a string) a number of times, at most 1024, joined by an optional delimiter",
			Examples: []Example{
				ex(`strrep('ABC', 2)`, "ABCABC"),
				ex(`strrep(123,3,'.')`, "123.123.123"),
				ex(`strrep(3s,2,' ')`, "00:00:03 00:00:03"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				n, ok := asLong(args[1])
				if !ok || n < 1 {
					return types.NewString("")
				}
				n = min(n, 1024)
				d := ""
				if len(args) > 2 {
					d = text(args[2])
				}
				s := text(args[0])
				var b strings.Builder
				for i := int64(0); i < n; i++ {
					if i > 0 {
						b.WriteString(d)
					}
					b.WriteString(s)
				}
				return types.NewString(b.String())
			},
		},
		{
			Name: "strcmp", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("strcmp", types.Int, argString),
			Doc:    "compares two strings by ordinal: -1 when the first is smaller, 1 when larger, 0 when equal",
			Examples: []Example{
				ex(`strcmp("ABC","ABC")`, "0"),
				ex(`strcmp("abc","ABC")`, "1"),
				ex(`strcmp("ABC","abc")`, "-1"),
				ex(`strcmp("abcde","abc")`, "1"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewInt(int32(strings.Compare(text(args[0]), text(args[1]))))
			},
		},
		{
			Name: "translate", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("translate", str, argString),
			Doc:    "replaces each character of the search list with the character at the same place in the replacement list (its last character when shorter; deletion when empty)",
			Examples: []Example{
				ex(`translate("abc", "x", "abc")`, "xxx"),
				ex(`translate("abc", "", "ab")`, ""),
				ex(`translate("krasp", "otsku", "spark")`, "kusto"),
			},
			Scalar: translate,
		},
		{
			Name: "url_encode", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("url_encode", str, argString),
			Doc:    "percent-encodes the URL, with spaces as '+'",
			Examples: []Example{
				ex(`url_encode(@'https://www.bing.com/hello world')`, "https%3a%2f%2fwww.bing.com%2fhello+world"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewString(urlEncode(text(args[0]), "+"))
			},
		},
		{
			Name: "url_encode_component", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("url_encode_component", str, argString),
			Doc:    "percent-encodes the URL, with spaces as %20",
			Examples: []Example{
				ex(`url_encode_component(@'https://www.bing.com/hello world/')`, "https%3a%2f%2fwww.bing.com%2fhello%20world%2f"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewString(urlEncode(text(args[0]), "%20"))
			},
		},
		{
			Name: "url_decode", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("url_decode", str, argString),
			Doc:    "decodes a percent-encoded URL ('+' is a space)",
			Examples: []Example{
				ex(`url_decode(@'https%3a%2f%2fwww.bing.com%2f')`, "https://www.bing.com/"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewString(urlDecode(text(args[0])))
			},
		},
		{
			Name: "base64_encode_tostring", Aliases: []string{"base64_encodestring"}, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("base64_encode_tostring", str, argString),
			Doc:    "encodes the string's UTF-8 bytes as base64",
			Examples: []Example{
				ex(`base64_encode_tostring("Kusto")`, "S3VzdG8="),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewString(base64.StdEncoding.EncodeToString([]byte(text(args[0]))))
			},
		},
		{
			Name: "base64_decode_tostring", Aliases: []string{"base64_decodestring"}, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("base64_decode_tostring", str, argString),
			Doc:    "decodes base64 into a UTF-8 string; empty when the input is not base64 or not UTF-8",
			Examples: []Example{
				ex(`base64_decode_tostring("S3VzdG8=")`, "Kusto"),
				ex(`base64_decode_tostring("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")`, ""),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				b, ok := decodeBase64(text(args[0]))
				if !ok || !utf8.Valid(b) {
					return types.NewString("")
				}
				return types.NewString(string(b))
			},
		},
		{
			Name: "regex_quote", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("regex_quote", str, argString),
			Doc:    "escapes the regular-expression metacharacters in the string",
			Examples: []Example{
				ex(`regex_quote('(so$me.Te^xt)')`, `\(so\$me\.Te\^xt\)`),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewString(regexp.QuoteMeta(text(args[0])))
			},
		},
		{
			Name: "unicode_codepoints_from_string", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("unicode_codepoints_from_string", types.Dynamic, argString),
			Doc:    "returns a dynamic array of the string's Unicode code points",
			Examples: []Example{
				ex(`unicode_codepoints_from_string("⒦⒰⒮⒯⒪")`, "[9382,9392,9390,9391,9386]"),
				ex(`unicode_codepoints_from_string("קוסטו - Kusto")`, "[1511,1493,1505,1496,1493,32,45,32,75,117,115,116,111]"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				b := []byte{'['}
				for i, r := range text(args[0]) {
					if i > 0 {
						b = append(b, ',')
					}
					b = strconv.AppendInt(b, int64(r), 10)
				}
				return types.NewDynamic(string(append(b, ']')))
			},
		},
		{
			Name: "unicode_codepoints_to_string", Aliases: []string{"make_string"}, Kind: Scalar, MinArgs: 1, MaxArgs: 64,
			Result: returns("unicode_codepoints_to_string", str, argAny),
			Doc:    "builds a string from Unicode code points given as integers or dynamic arrays of integers",
			Examples: []Example{
				ex(`unicode_codepoints_to_string(75, 117, 115, 116, 111)`, "Kusto"),
				ex(`unicode_codepoints_to_string(dynamic([75, 117, 115, 116, 111]))`, "Kusto"),
				ex(`unicode_codepoints_to_string(dynamic([75, 117, 115]), 116, 111)`, "Kusto"),
				ex(`unicode_codepoints_to_string(unicode_codepoints_from_string("Kusto"))`, "Kusto"),
			},
			Scalar: codepointsToString,
		},
		{
			Name: "has_any_index", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("has_any_index", types.Long, argString, argDynamic),
			Doc:    "returns the index of the first element of the array that the string has (as the has operator does), or -1",
			Examples: []Example{
				ex(`has_any_index("this is an example", dynamic(['this', 'example']))`, "0"),
				ex(`has_any_index("this is an example", dynamic(['not', 'example']))`, "1"),
				ex(`has_any_index("this is an example", dynamic(['not', 'found']))`, "-1"),
				ex(`has_any_index("Example number 2", range(1, 3, 1))`, "1"),
				ex(`has_any_index("this is an example", dynamic([]))`, "-1"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				s := text(args[0])
				v := args[1]
				if v.Type != types.Dynamic || v.IsNull() {
					return types.NewLong(-1)
				}
				found, i := int64(-1), int64(0)
				types.JSON(v.S).Each(func(e types.JSON) bool {
					term := types.DynamicString(types.DynamicElem(e))
					if term != "" && types.Has(s, term, false) {
						found = i
						return false
					}
					i++
					return true
				})
				return types.NewLong(found)
			},
		},
		{
			Name: "format_bytes", Kind: Scalar, MinArgs: 1, MaxArgs: 3,
			Result: returns("format_bytes", str, argNumber, argInteger, argString),
			Doc:    "formats a number of bytes with a unit (Bytes, KB, MB, ...), rounded to a precision",
			Examples: []Example{
				ex(`format_bytes(564)`, "564 Bytes"),
				ex(`format_bytes(10332, 1)`, "10.1 KB"),
				ex(`format_bytes(20010332)`, "19 MB"),
				ex(`format_bytes(20010332, 2)`, "19.08 MB"),
				ex(`format_bytes(20010332, 0, "KB")`, "19541 KB"),
			},
			Scalar: formatBytes,
		},
		{
			Name: "parse_url", Aliases: []string{"parseurl"}, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("parse_url", types.Dynamic, argString),
			Doc:    "parses an absolute URL into a dynamic object of its parts (Scheme, Host, Port, Path, Username, Password, Query Parameters, Fragment)",
			Scalar: func(_ *Context, args []types.Value) types.Value { return parseURL(text(args[0])) },
		},
		{
			Name: "parse_urlquery", Aliases: []string{"parseurlquery"}, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("parse_urlquery", types.Dynamic, argString),
			Doc:    "parses a URL query string into a dynamic object {\"Query Parameters\": {...}}",
			Examples: []Example{
				ex(`parse_urlquery("k1=v1&k2=v2&k3=v3")`, `{"Query Parameters":{"k1":"v1","k2":"v2","k3":"v3"}}`),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return parseURLQuery(text(args[0])) },
		},
		{
			Name: "parse_path", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("parse_path", types.Dynamic, argString),
			Doc:    "parses a file path into a dynamic object of its parts (Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension, AlternateDataStreamName)",
			Examples: []Example{
				ex(`parse_path(@"C:\temp\file.txt")`, `{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`),
				ex(`parse_path(@"temp\file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`),
				ex(`parse_path("file://C:/temp/file.txt:some.exe")`, `{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`),
				ex(`parse_path(@"\\shared\users\temp\file.txt.gz")`, `{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`),
				ex(`parse_path("/usr/lib/temp/file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return parsePath(text(args[0])) },
		},
	}...)
}
