package funcs

import (
	"math"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// geo_from_wkt (Well-Known Text to GeoJSON) and geo_point_in_polygon.

// wktParser reads WKT geometry text.
type wktParser struct {
	s   string
	pos int
}

func (p *wktParser) skip() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

func (p *wktParser) word() string {
	p.skip()
	start := p.pos
	for p.pos < len(p.s) && (p.s[p.pos] >= 'A' && p.s[p.pos] <= 'Z' || p.s[p.pos] >= 'a' && p.s[p.pos] <= 'z') {
		p.pos++
	}
	return strings.ToUpper(p.s[start:p.pos])
}

func (p *wktParser) got(c byte) bool {
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *wktParser) peek(c byte) bool {
	p.skip()
	return p.pos < len(p.s) && p.s[p.pos] == c
}

// number reads one coordinate number.
func (p *wktParser) number() (float64, bool) {
	p.skip()
	start := p.pos
	for p.pos < len(p.s) && strings.IndexByte("+-.0123456789eE", p.s[p.pos]) >= 0 {
		p.pos++
	}
	f, err := strconv.ParseFloat(p.s[start:p.pos], 64)
	return f, err == nil
}

// point reads "lon lat" (a third or fourth number, Z or M, is ignored) as GeoJSON.
func (p *wktParser) point(buf []byte) ([]byte, bool) {
	lon, ok1 := p.number()
	lat, ok2 := p.number()
	if !ok1 || !ok2 || !geoValidPoint(lon, lat) {
		return nil, false
	}
	for !p.peek(',') && !p.peek(')') && p.pos < len(p.s) {
		if _, ok := p.number(); !ok {
			return nil, false
		}
	}
	buf = append(buf, '[')
	buf = types.AppendJSONReal(buf, lon)
	buf = append(buf, ',')
	buf = types.AppendJSONReal(buf, lat)
	return append(buf, ']'), true
}

// list reads "(item, item, ...)" with item read by f.
func (p *wktParser) list(buf []byte, f func([]byte) ([]byte, bool)) ([]byte, bool) {
	if !p.got('(') {
		return nil, false
	}
	buf = append(buf, '[')
	for i := 0; ; i++ {
		if i > 0 {
			buf = append(buf, ',')
		}
		var ok bool
		if buf, ok = f(buf); !ok {
			return nil, false
		}
		if p.got(')') {
			return append(buf, ']'), true
		}
		if !p.got(',') {
			return nil, false
		}
	}
}

// multiPoint items may be written "1 1" or "(1 1)".
func (p *wktParser) multiPointItem(buf []byte) ([]byte, bool) {
	if p.got('(') {
		buf, ok := p.point(buf)
		return buf, ok && p.got(')')
	}
	return p.point(buf)
}

// geometry reads one tagged geometry as a GeoJSON object.
func (p *wktParser) geometry(buf []byte) ([]byte, bool) {
	kind := p.word()
	points := func(b []byte) ([]byte, bool) { return p.list(b, p.point) }
	rings := func(b []byte) ([]byte, bool) { return p.list(b, points) }
	var coords func([]byte) ([]byte, bool)
	typ := ""
	switch kind {
	case "POINT":
		typ = "Point"
		coords = func(b []byte) ([]byte, bool) {
			if !p.got('(') {
				return nil, false
			}
			b, ok := p.point(b)
			return b, ok && p.got(')')
		}
	case "LINESTRING":
		typ, coords = "LineString", points
	case "POLYGON":
		typ, coords = "Polygon", rings
	case "MULTIPOINT":
		typ = "MultiPoint"
		coords = func(b []byte) ([]byte, bool) { return p.list(b, p.multiPointItem) }
	case "MULTILINESTRING":
		typ, coords = "MultiLineString", rings
	case "MULTIPOLYGON":
		typ = "MultiPolygon"
		coords = func(b []byte) ([]byte, bool) { return p.list(b, rings) }
	case "GEOMETRYCOLLECTION":
		buf = append(buf, `{"type":"GeometryCollection","geometries":`...)
		buf, ok := p.list(buf, p.geometry)
		if !ok {
			return nil, false
		}
		return append(buf, '}'), true
	default:
		return nil, false
	}
	buf = append(buf, `{"type":"`...)
	buf = append(buf, typ...)
	buf = append(buf, `","coordinates":`...)
	buf, ok := coords(buf)
	if !ok {
		return nil, false
	}
	return append(buf, '}'), true
}

// confGeoFromWKT implements geo_from_wkt(wkt): the GeoJSON of a WKT geometry; null for
// text that is not one, or coordinates out of range.
func confGeoFromWKT(_ *Context, args []types.Value) types.Value {
	p := &wktParser{s: text(args[0])}
	buf, ok := p.geometry(nil)
	p.skip()
	if !ok || p.pos != len(p.s) {
		return dynNull
	}
	return types.NewDynamic(string(buf))
}

// geoPolygons reads a Polygon or MultiPolygon as a list of polygons (each a list of rings).
// Every ring must be closed with at least three distinct vertices.
func geoPolygons(v types.Value) ([][][]geoPt, bool) {
	t, c, ok := geoShape(v, "Polygon", "MultiPolygon")
	if !ok {
		return nil, false
	}
	readPolygon := func(j types.JSON) ([][]geoPt, bool) {
		var rings [][]geoPt
		good := j.Kind() == types.JSONArray
		j.Each(func(e types.JSON) bool {
			pts, ok := geoCoords(e)
			if !ok || len(pts) < 4 || pts[0] != pts[len(pts)-1] {
				good = false
				return false
			}
			distinct := 1
			for i := 1; i < len(pts)-1; i++ {
				if pts[i] != pts[i-1] {
					distinct++
				}
			}
			if distinct < 3 {
				good = false
				return false
			}
			rings = append(rings, pts)
			return true
		})
		return rings, good && len(rings) > 0
	}
	if t == "Polygon" {
		r, ok := readPolygon(c)
		return [][][]geoPt{r}, ok
	}
	var polys [][][]geoPt
	good := c.Kind() == types.JSONArray
	c.Each(func(e types.JSON) bool {
		r, ok := readPolygon(e)
		if !ok {
			good = false
			return false
		}
		polys = append(polys, r)
		return true
	})
	return polys, good && len(polys) > 0
}

// geoWinding returns the winding angle of a ring around p on the sphere: the sum of the
// signed angles its geodesic edges subtend at p; about ±2π when p is inside, 0 outside.
func geoWinding(p geoPt, ring []geoPt) float64 {
	P := geoVec(p)
	s := 0.0
	for i := 0; i+1 < len(ring); i++ {
		a, b := geoVec(ring[i]), geoVec(ring[i+1])
		ta, tb := geoCross(P, a), geoCross(P, b)
		s += math.Atan2(geoDot(P, geoCross(ta, tb)), geoDot(ta, tb))
	}
	return s
}

// confGeoPointInPolygon implements geo_point_in_polygon(lon, lat, polygon): whether the
// point is inside the Polygon or MultiPolygon (inside a shell and not inside its holes),
// with geodesic edges. Invalid input gives null.
func confGeoPointInPolygon(_ *Context, args []types.Value) types.Value {
	pts, ok := geoPoints(args, 1)
	polys, okP := geoPolygons(args[2])
	if !ok || !okP {
		return types.NullOf(types.Bool)
	}
	in := func(ring []geoPt) bool { return math.Abs(geoWinding(pts[0], ring)) > math.Pi }
	for _, poly := range polys {
		if !in(poly[0]) {
			continue
		}
		inHole := false
		for _, hole := range poly[1:] {
			inHole = inHole || in(hole)
		}
		if !inHole {
			return types.NewBool(true)
		}
	}
	return types.NewBool(false)
}

// confGeoWKTFuncs declares the functions of this file.
func confGeoWKTFuncs() []*Func {
	return []*Func{
		{Name: "geo_from_wkt", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_from_wkt", types.Dynamic, argString),
			Doc:    "the GeoJSON of a Well-Known Text geometry", Scalar: confGeoFromWKT,
			Examples: []Example{
				ex(`geo_from_wkt("MULTIPOINT (1 1, 2 2, 3 3)")`, `{"type":"MultiPoint","coordinates":[[1,1],[2,2],[3,3]]}`),
				ex(`geo_from_wkt("LINESTRING")`, ``),
			}},
		{Name: "geo_point_in_polygon", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("geo_point_in_polygon", types.Bool, argNumber, argNumber, argDynamic),
			Doc:    "whether a point is inside a GeoJSON Polygon or MultiPolygon", Scalar: confGeoPointInPolygon,
			Examples: []Example{
				ex(`geo_point_in_polygon(1, 1, dynamic({"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}))`, `true`),
				ex(`geo_point_in_polygon(3, 1, dynamic({"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}))`, `false`),
				ex(`geo_point_in_polygon(1, 1, dynamic({"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}))`, ``),
			}},
	}
}
