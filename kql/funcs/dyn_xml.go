package funcs

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// dynXMLMax is the longest text parse_xml reads; longer text gives null, as documented.
const dynXMLMax = 1 << 20

// dynXMLNode is an element being converted: its attributes and, in document order of first
// appearance, its child element names and text.
type dynXMLNode struct {
	name     string
	attrs    [][2]string
	order    []string            // child names and "#text", in order of first appearance
	children map[string][]string // JSON text of each child, by name
	text     strings.Builder
	hasText  bool // "#text" is in order
}

func dynXMLName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// json converts the element's content to JSON, as parse_xml documents: no attributes and
// no children give null or the text; otherwise an object with "@attr" members, "#text"
// and one member per child name (an array when the name repeats).
func (n *dynXMLNode) json() string {
	text := strings.TrimSpace(n.text.String())
	if len(n.attrs) == 0 && len(n.children) == 0 {
		if text == "" {
			return "null"
		}
		return types.QuoteJSON(text)
	}
	buf := []byte{'{'}
	member := func(k string, v string) {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, k)
		buf = append(buf, ':')
		buf = append(buf, v...)
	}
	for _, a := range n.attrs {
		member("@"+a[0], types.QuoteJSON(a[1]))
	}
	for _, k := range n.order {
		if k == "#text" {
			if text != "" {
				member("#text", types.QuoteJSON(text))
			}
			continue
		}
		vs := n.children[k]
		if len(vs) == 1 {
			member(k, vs[0])
		} else {
			member(k, dynBuildArray(vs).S)
		}
	}
	return string(append(buf, '}'))
}

// dynParseXML implements parse_xml(xml): the XML converted to a dynamic value, or null when
// the text is not well-formed XML or is longer than 1 MB. Only elements, attributes and
// text are converted; declarations, comments and processing instructions are skipped.
func dynParseXML(_ *Context, args []types.Value) types.Value {
	text := args[0].String()
	if len(text) > dynXMLMax || strings.TrimSpace(text) == "" {
		return dynNull
	}
	out, err := dynXMLConvert(text)
	if err != nil {
		return dynNull
	}
	return types.NewDynamic(out)
}

func dynXMLConvert(text string) (string, error) {
	dec := xml.NewDecoder(strings.NewReader(text))
	dec.Strict = true
	var stack []*dynXMLNode
	root := &dynXMLNode{children: map[string][]string{}}
	stack = append(stack, root)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if top == root && len(root.children) > 0 {
				return "", errors.New("more than one root element")
			}
			n := &dynXMLNode{name: dynXMLName(t.Name), children: map[string][]string{}}
			for _, a := range t.Attr {
				n.attrs = append(n.attrs, [2]string{dynXMLName(a.Name), a.Value})
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) < 2 || top.name != dynXMLName(t.Name) {
				return "", errors.New("mismatched end tag")
			}
			stack = stack[:len(stack)-1]
			parent := stack[len(stack)-1]
			if _, seen := parent.children[top.name]; !seen {
				parent.order = append(parent.order, top.name)
			}
			parent.children[top.name] = append(parent.children[top.name], top.json())
		case xml.CharData:
			if top == root {
				if strings.TrimSpace(string(t)) != "" {
					return "", errors.New("text outside the root element")
				}
				continue
			}
			if !top.hasText && strings.TrimSpace(string(t)) != "" {
				top.order = append(top.order, "#text")
				top.hasText = true
			}
			top.text.Write(t)
		}
	}
	if len(stack) != 1 || len(root.children) == 0 {
		return "", errors.New("unclosed or missing root element")
	}
	return root.json(), nil
}
