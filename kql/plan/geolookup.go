package plan

import (
	"strings"

	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/kql/types"
)

// GeoLookup is geo_polygon_lookup / geo_line_lookup (geo-polygon-lookup-plugin.md,
// geo-line-lookup-plugin.md): each input row joined with the Lookup rows whose Key shape
// (a GeoJSON polygon or multipolygon; a line or multiline when Line) holds the row's point
// (Lon, Lat) — for a polygon, or within Radius meters of it when Radius is set; for a line,
// within Radius meters. LookupOut are the lookup columns appended to the input's (the key
// column only with return_lookup_key); Unmatched keeps input rows without a match.
type GeoLookup struct {
	Input, Lookup Node
	Lon, Lat, Key int
	Radius        Expr // nil when not given
	Line          bool
	Unmatched     bool
	LookupOut     []int
	Fields        []Field
}

func (n *GeoLookup) Schema() []Field { return n.Fields }
func (n *GeoLookup) Inputs() []Node  { return []Node{n.Input, n.Lookup} }

// geoLookup plans geo_polygon_lookup(LookupTable, LookupKey, SourceLongitude,
// SourceLatitude [, radius] [, return_unmatched] [, lookup_area_radius] [,
// return_lookup_key]) and geo_line_lookup(LookupTable, LookupKey, SourceLongitude,
// SourceLatitude, radius [, return_unmatched] [, lookup_area_radius] [,
// return_lookup_key]); the optional parameters go by position or by name.
// lookup_area_radius only tunes Kusto's index and is accepted and ignored.
func (b *builder) geoLookup(op *syntax.EvaluateOp, in Node, sc *scope) (Node, error) {
	name := strings.ToLower(op.Call.Fun.Name)
	if in == nil {
		return nil, errAt(op, "%s needs an input table", name)
	}
	n := &GeoLookup{Input: in, Line: name == "geo_line_lookup"}
	optional := []string{"radius", "return_unmatched", "lookup_area_radius", "return_lookup_key"}
	opts := map[string]syntax.Expr{}
	var pos []syntax.Expr
	for _, a := range op.Call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			key := strings.ToLower(ne.Names[0].Name)
			found := false
			for _, o := range optional {
				found = found || o == key
			}
			if !found {
				return nil, errAt(a, "%s(): unknown parameter %q (want one of %s)", name, ne.Names[0].Name, strings.Join(optional, ", "))
			}
			opts[key] = ne.Value
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) < 4 {
		return nil, errAt(op.Call, "%s(): expected a lookup table, its shape column, and the input's longitude and latitude columns", name)
	}
	if len(pos) > 4+len(optional) {
		return nil, errAt(pos[4+len(optional)], "%s(): too many arguments", name)
	}
	for i, x := range pos[4:] {
		if _, dup := opts[optional[i]]; dup {
			return nil, errAt(x, "%s(): %s is given twice", name, optional[i])
		}
		opts[optional[i]] = x
	}
	lk, err := b.tabular(pos[0], sc, nil)
	if err != nil {
		return nil, err
	}
	n.Lookup = lk
	row, lrow := in.Schema(), lk.Schema()
	col := func(x syntax.Expr, fs []Field, side string) (int, error) { return lookupColumn(name, x, fs, side) }
	if n.Key, err = col(pos[1], lrow, "lookup"); err != nil {
		return nil, err
	}
	if n.Lon, err = col(pos[2], row, "input"); err != nil {
		return nil, err
	}
	if n.Lat, err = col(pos[3], row, "input"); err != nil {
		return nil, err
	}
	boolOpt := func(key string) (bool, error) {
		x, ok := opts[key]
		if !ok {
			return false, nil
		}
		v, err := b.constValue(x, sc)
		if err != nil {
			return false, err
		}
		if v.Type != types.Bool {
			return false, errAt(x, "%s(): %s must be true or false, found %s", name, key, v.Type)
		}
		return !v.IsNull() && v.Bool(), nil
	}
	if n.Unmatched, err = boolOpt("return_unmatched"); err != nil {
		return nil, err
	}
	returnKey, err := boolOpt("return_lookup_key")
	if err != nil {
		return nil, err
	}
	if x, ok := opts["radius"]; ok {
		e, err := b.scalar(x, nil, sc)
		if err != nil {
			return nil, err
		}
		if t := e.Type(); !t.IsNumeric() && t != types.Unknown && t != types.Dynamic {
			return nil, errAt(x, "%s(): radius must be a number of meters, found %s", name, t)
		}
		n.Radius = e
	} else if n.Line {
		return nil, errAt(op.Call, "%s(): expected a radius in meters after the latitude column", name)
	}
	if x, ok := opts["lookup_area_radius"]; ok {
		if _, err := b.scalar(x, nil, sc); err != nil {
			return nil, err
		}
	}
	n.Fields = append([]Field(nil), row...)
	for j, f := range lrow {
		if j == n.Key && !returnKey {
			continue
		}
		n.LookupOut = append(n.LookupOut, j)
		fname := f.Name
		for fieldIndex(n.Fields, fname) >= 0 {
			fname += "1"
		}
		n.Fields = append(n.Fields, Field{Name: fname, Type: f.Type})
	}
	return n, nil
}

// lookupColumn resolves a column argument of a lookup plugin (ipv4_lookup, geo_*_lookup)
// in fs, the schema of the input or of the lookup table (side).
func lookupColumn(plugin string, x syntax.Expr, fs []Field, side string) (int, error) {
	id, ok := unparen(x).(*syntax.Ident)
	if !ok {
		return 0, errAt(x, "%s(): expected a column name", plugin)
	}
	i := fieldIndex(fs, id.Name)
	if i < 0 {
		return 0, errAt(x, "%s(): unknown column %q of the %s table", plugin, id.Name, side)
	}
	return i, nil
}
