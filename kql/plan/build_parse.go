package plan

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// parse plans parse and parse-where: the pattern becomes one RE2 expression with a group
// per capture, as the reference describes (`*` is `.*?`, a string capture `.*?`, a long
// capture `\-\d+`; a capture at the very end takes the rest of the text).
func (b *builder) parse(op *syntax.ParseOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	x, err := b.scalar(op.X, row, sc)
	if err != nil {
		return nil, err
	}
	p := &Parse{Input: in, X: x, Kind: ParseSimple, Where: op.Name == "parse-where"}
	for _, prm := range op.Params {
		switch strings.ToLower(prm.Name.Name) {
		case "kind":
			switch k := strings.ToLower(paramText(prm.Value)); k {
			case "simple", "regex", "relaxed":
				p.Kind = ParseKind(k)
			default:
				return nil, errAt(prm.Value, "in '%s': unknown kind %q", op.Name, k)
			}
		case "flags":
			p.Flags = paramText(prm.Value)
		}
	}
	p.Fields = append([]Field(nil), row...)
	var re strings.Builder
	for i, el := range op.Pattern {
		last := i == len(op.Pattern)-1
		switch el := el.(type) {
		case *syntax.StarExpr:
			if last {
				re.WriteString(".*")
			} else {
				re.WriteString(".*?")
			}
		case *syntax.Literal:
			if p.Kind == ParseRegex {
				re.WriteString(el.Value)
			} else {
				re.WriteString(regexp.QuoteMeta(el.Value))
			}
		case *syntax.ColumnDecl:
			t := types.String
			if el.Type != nil {
				var ok bool
				if t, ok = types.ParseType(el.Type.Name); !ok {
					return nil, errAt(el.Type, "unknown type %q", el.Type.Name)
				}
			}
			group := fmt.Sprintf("(?P<c%d>", len(p.Captures))
			// Typed captures match their type; in relaxed mode a value that does not
			// match still consumes its text (and becomes null).
			alt := ""
			if p.Kind == ParseRelaxed {
				alt = "|.*?"
			}
			switch {
			case t == types.Int || t == types.Long:
				re.WriteString(group + `\-\d+|\d+` + alt + ")")
			case t == types.Real:
				re.WriteString(group + `\-?\d+(?:\.\d*)?(?:[eE][+\-]?\d+)?` + alt + ")")
			case last || p.Kind == ParseRegex:
				re.WriteString(group + ".*)")
			default:
				re.WriteString(group + ".*?)")
			}
			idx := fieldIndex(p.Fields, el.Name.Name)
			if idx < 0 {
				p.Fields = append(p.Fields, Field{Name: el.Name.Name, Type: t})
				idx = len(p.Fields) - 1
			} else {
				p.Fields[idx].Type = t
			}
			p.Captures = append(p.Captures, idx)
		default:
			return nil, errAt(el, "in '%s': unexpected pattern element", op.Name)
		}
	}
	flags := ""
	if p.Kind == ParseRegex && p.Flags != "" {
		// RE2 knows i, m, s and U; others (such as u for Unicode, always on) are dropped.
		var keep []byte
		for _, c := range []byte(p.Flags) {
			if strings.IndexByte("imsU", c) >= 0 {
				keep = append(keep, c)
			}
		}
		if len(keep) > 0 {
			flags = "(?" + string(keep) + ")"
		}
	}
	p.Regex = flags + "^" + re.String()
	if p.Kind != ParseRegex {
		p.Regex = "(?s)" + p.Regex
	}
	if _, err := regexp.Compile(p.Regex); err != nil {
		return nil, errAt(op, "in '%s': invalid pattern: %v", op.Name, err)
	}
	return p, nil
}

func (b *builder) parseKv(op *syntax.ParseKvOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	x, err := b.scalar(op.X, row, sc)
	if err != nil {
		return nil, err
	}
	keys, err := schemaFields(op.Schema)
	if err != nil {
		return nil, err
	}
	p := &ParseKv{Input: in, X: x, Keys: keys}
	for _, prm := range op.With {
		v, err := b.constValue(prm.Value, sc)
		if err != nil {
			return nil, err
		}
		s := v.String()
		switch strings.ToLower(prm.Name.Name) {
		case "pair_delimiter":
			p.PairDelim = s
		case "kv_delimiter":
			p.KvDelim = s
		case "quote":
			p.Quotes = append(p.Quotes, s)
		case "escape":
			p.Escapes += s
		case "greedy":
			p.Greedy = v.Bool()
		case "regex":
			if _, err := regexp.Compile(s); err != nil {
				return nil, errAt(prm.Value, "in 'parse-kv': invalid regular expression: %v", err)
			}
			p.Regex = s
		}
	}
	p.Fields = append([]Field(nil), row...)
	p.FirstIndex = len(p.Fields)
	p.Fields = append(p.Fields, keys...)
	return p, nil
}

func (b *builder) makeSeries(op *syntax.MakeSeriesOp, in Node, sc *scope) (Node, error) {
	row := in.Schema()
	m := &MakeSeries{Input: in}
	for _, prm := range op.Params {
		if strings.EqualFold(prm.Name.Name, "kind") && strings.EqualFold(paramText(prm.Value), "nonempty") {
			m.NonEmpty = true
		}
	}
	axis, err := b.scalar(op.On, row, sc)
	if err != nil {
		return nil, err
	}
	m.Axis = axis
	if op.From != nil {
		if m.From, err = b.scalar(op.From, nil, sc); err != nil {
			return nil, err
		}
	}
	if op.To != nil {
		if m.To, err = b.scalar(op.To, nil, sc); err != nil {
			return nil, err
		}
	}
	if op.Step == nil {
		return nil, errAt(op, "in 'make-series': expected 'step'")
	}
	if m.Step, err = b.scalar(op.Step, nil, sc); err != nil {
		return nil, err
	}
	byNames := map[string]bool{}
	for _, x := range op.By {
		name := b.exprName(x, row, sc)
		if ne, ok := x.(*syntax.NamedExpr); ok {
			name = ne.Names[0].Name
		}
		e, err := b.scalar(x, row, sc)
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = "Column" + string(rune('1'+len(m.Keys)))
		}
		m.Keys = append(m.Keys, e)
		m.Fields = append(m.Fields, Field{Name: name, Type: e.Type()})
		byNames[name] = true
	}
	for _, sa := range op.Aggs {
		x := sa.X
		var given []string
		if ne, ok := x.(*syntax.NamedExpr); ok {
			given = []string{ne.Names[0].Name}
			x = ne.Value
		}
		if _, isCall := x.(*syntax.CallExpr); !isCall {
			// A constant instead of an aggregation (`other = -1`) fills every bin that
			// has rows, as take_any(constant) would.
			if v, err := b.constValue(x, sc); err == nil {
				x = &syntax.CallExpr{Fun: &syntax.Ident{NamePos: x.Pos(), Name: "take_any"}, Lparen: x.Pos(), Args: []syntax.Expr{x}, Rparen: x.End()}
				if len(given) == 0 {
					return nil, errAt(sa.X, "in 'make-series': a constant series needs a name, found %s", v.Type)
				}
			}
		}
		ac, err := b.aggregate(x, given, row, byNames, sc, "make-series")
		if err != nil {
			return nil, err
		}
		def := types.NullOf(ac.Outputs[0].Type)
		if sa.Default != nil {
			if def, err = b.constValue(sa.Default, sc); err != nil {
				return nil, err
			}
		} else if ac.Outputs[0].Type.IsNumeric() {
			def = types.Convert(types.NewLong(0), ac.Outputs[0].Type)
		}
		ac.Outputs = ac.Outputs[:1]
		m.Fields = append(m.Fields, Field{Name: ac.Outputs[0].Name, Type: types.Dynamic})
		m.Aggs = append(m.Aggs, ac)
		m.Defaults = append(m.Defaults, def)
	}
	axisName := b.exprName(op.On, row, sc)
	if axisName == "" {
		axisName = "Column1"
	}
	m.Fields = append(m.Fields, Field{Name: axisName, Type: types.Dynamic})
	return m, nil
}
