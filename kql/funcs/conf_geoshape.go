package funcs

import (
	"math"
	"strconv"

	"github.com/socfeed/socfeed/kql/types"
)

// Lengths, areas, angles and distances of GeoJSON shapes on the sphere of radius
// confEarthRadius with great-circle edges: geo_line_length, geo_polygon_perimeter,
// geo_polygon_area, geo_azimuth, geo_angle and geo_distance_point_to_line. A
// MultiPolygon's area and perimeter are those of the union of its polygons, which socfeed
// does not compute: those calls give null, as invalid shapes do.

type geoPt struct{ lon, lat float64 }

// geoCoords reads a GeoJSON position array [[lon, lat], ...].
func geoCoords(j types.JSON) ([]geoPt, bool) {
	if j.Kind() != types.JSONArray {
		return nil, false
	}
	var pts []geoPt
	ok := true
	j.Each(func(e types.JSON) bool {
		lon, ok1 := e.Index(0)
		lat, ok2 := e.Index(1)
		if !ok1 || !ok2 {
			ok = false
			return false
		}
		x, okx := aggFloat(types.DynamicScalar(lon))
		y, oky := aggFloat(types.DynamicScalar(lat))
		if !okx || !oky || !geoValidPoint(x, y) {
			ok = false
			return false
		}
		pts = append(pts, geoPt{x, y})
		return true
	})
	return pts, ok
}

// geoShape reads a GeoJSON object of one of the wanted types: its type and coordinates.
func geoShape(v types.Value, want ...string) (string, types.JSON, bool) {
	v = aggScalar(v)
	if v.Type != types.Dynamic || v.IsNull() {
		return "", "", false
	}
	j := types.JSON(v.S)
	tj, ok := j.Get("type")
	if !ok {
		return "", "", false
	}
	t, _ := tj.Unquote()
	c, ok := j.Get("coordinates")
	if !ok {
		return "", "", false
	}
	for _, w := range want {
		if t == w {
			return t, c, true
		}
	}
	return "", "", false
}

// geoLines reads a LineString or MultiLineString; every line needs two points.
func geoLines(v types.Value) ([][]geoPt, bool) {
	t, c, ok := geoShape(v, "LineString", "MultiLineString")
	if !ok {
		return nil, false
	}
	var lines [][]geoPt
	if t == "LineString" {
		pts, ok := geoCoords(c)
		if !ok || len(pts) < 2 {
			return nil, false
		}
		return [][]geoPt{pts}, true
	}
	good := c.Kind() == types.JSONArray
	c.Each(func(e types.JSON) bool {
		pts, ok := geoCoords(e)
		if !ok || len(pts) < 2 {
			good = false
			return false
		}
		lines = append(lines, pts)
		return true
	})
	return lines, good && len(lines) > 0
}

// geoPolygon reads a Polygon: rings of at least four points, closed.
func geoPolygon(v types.Value) ([][]geoPt, bool) {
	_, c, ok := geoShape(v, "Polygon")
	if !ok {
		return nil, false
	}
	var rings [][]geoPt
	good := c.Kind() == types.JSONArray
	c.Each(func(e types.JSON) bool {
		pts, ok := geoCoords(e)
		if !ok || len(pts) < 4 || pts[0] != pts[len(pts)-1] {
			good = false
			return false
		}
		rings = append(rings, pts)
		return true
	})
	return rings, good && len(rings) > 0
}

func geoVec(p geoPt) [3]float64 {
	lon, lat := p.lon*math.Pi/180, p.lat*math.Pi/180
	return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

func geoDot(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func geoCross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// geoAngle is the angle between two unit vectors.
func geoAngle(a, b [3]float64) float64 {
	c := geoCross(a, b)
	return math.Atan2(math.Sqrt(geoDot(c, c)), geoDot(a, b))
}

// geoHaversine is the great-circle distance in meters.
func geoHaversine(a, b geoPt) float64 {
	rad := math.Pi / 180
	p1, p2 := a.lat*rad, b.lat*rad
	dp, dl := p2-p1, (b.lon-a.lon)*rad
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * confEarthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

func geoPathLength(pts []geoPt) float64 {
	s := 0.0
	for i := 0; i+1 < len(pts); i++ {
		s += geoHaversine(pts[i], pts[i+1])
	}
	return s
}

// geoRingArea is the area in square meters enclosed by a closed ring, by summing signed
// spherical triangles (Van Oosterom and Strackee) fanned from its first point.
func geoRingArea(ring []geoPt) float64 {
	vs := make([][3]float64, len(ring)-1)
	for i := range vs {
		vs[i] = geoVec(ring[i])
	}
	s := 0.0
	for i := 1; i+1 < len(vs); i++ {
		a, b, c := vs[0], vs[i], vs[i+1]
		num := geoDot(a, geoCross(b, c))
		den := 1 + geoDot(a, b) + geoDot(b, c) + geoDot(c, a)
		s += 2 * math.Atan2(num, den)
	}
	return math.Abs(s) * confEarthRadius * confEarthRadius
}

// geoAzimuth is the initial bearing from a to b in radians, clockwise from north, in
// [0, 2π); ok is false when the points coincide.
func geoAzimuth(a, b geoPt) (float64, bool) {
	if a == b {
		return 0, false
	}
	rad := math.Pi / 180
	l1, p1, l2, p2 := a.lon*rad, a.lat*rad, b.lon*rad, b.lat*rad
	y := math.Sin(l2-l1) * math.Cos(p2)
	x := math.Cos(p1)*math.Sin(p2) - math.Sin(p1)*math.Cos(p2)*math.Cos(l2-l1)
	return math.Mod(math.Atan2(y, x)+2*math.Pi, 2*math.Pi), true
}

// geoSegmentDistance is the distance in meters from p to the great-circle segment ab.
func geoSegmentDistance(p, a, b geoPt) float64 {
	P, A, B := geoVec(p), geoVec(a), geoVec(b)
	n := geoCross(A, B)
	nn := math.Sqrt(geoDot(n, n))
	if nn > 0 {
		for i := range n {
			n[i] /= nn
		}
		d := geoDot(P, n)
		proj := [3]float64{P[0] - d*n[0], P[1] - d*n[1], P[2] - d*n[2]}
		if pl := math.Sqrt(geoDot(proj, proj)); pl > 0 {
			for i := range proj {
				proj[i] /= pl
			}
			if math.Abs(geoAngle(A, proj)+geoAngle(proj, B)-geoAngle(A, B)) < 1e-12 {
				return geoAngle(P, proj) * confEarthRadius
			}
		}
	}
	return math.Min(geoAngle(P, A), geoAngle(P, B)) * confEarthRadius
}

// geoPoints reads n (lon, lat) argument pairs.
func geoPoints(args []types.Value, n int) ([]geoPt, bool) {
	pts := make([]geoPt, n)
	for i := range pts {
		lon, ok1 := asReal(aggScalar(args[2*i]))
		lat, ok2 := asReal(aggScalar(args[2*i+1]))
		if !ok1 || !ok2 || !geoValidPoint(lon, lat) {
			return nil, false
		}
		pts[i] = geoPt{lon, lat}
	}
	return pts, true
}

func confGeoLineLength(_ *Context, args []types.Value) types.Value {
	lines, ok := geoLines(args[0])
	if !ok {
		return types.NullOf(types.Real)
	}
	s := 0.0
	for _, l := range lines {
		s += geoPathLength(l)
	}
	return types.NewReal(s)
}

func confGeoPolygonPerimeter(_ *Context, args []types.Value) types.Value {
	rings, ok := geoPolygon(args[0])
	if !ok {
		return types.NullOf(types.Real)
	}
	s := 0.0
	for _, r := range rings {
		s += geoPathLength(r)
	}
	return types.NewReal(s)
}

func confGeoPolygonArea(_ *Context, args []types.Value) types.Value {
	rings, ok := geoPolygon(args[0])
	if !ok {
		return types.NullOf(types.Real)
	}
	a := geoRingArea(rings[0])
	for _, hole := range rings[1:] {
		a -= geoRingArea(hole)
	}
	return types.NewReal(math.Max(a, 0))
}

func confGeoAzimuth(_ *Context, args []types.Value) types.Value {
	pts, ok := geoPoints(args, 2)
	if !ok {
		return types.NullOf(types.Real)
	}
	a, ok := geoAzimuth(pts[0], pts[1])
	if !ok {
		return types.NullOf(types.Real)
	}
	return types.NewReal(a)
}

// confGeoAngle is the clockwise angle at p2 from the line [p1, p2] to the line [p2, p3].
func confGeoAngle(_ *Context, args []types.Value) types.Value {
	pts, ok := geoPoints(args, 3)
	if !ok {
		return types.NullOf(types.Real)
	}
	a1, ok1 := geoAzimuth(pts[1], pts[0])
	a3, ok3 := geoAzimuth(pts[1], pts[2])
	if !ok1 || !ok3 {
		return types.NullOf(types.Real)
	}
	return types.NewReal(math.Mod(a3-a1+4*math.Pi, 2*math.Pi))
}

func confGeoDistancePointToLine(_ *Context, args []types.Value) types.Value {
	pts, ok := geoPoints(args, 1)
	lines, okL := geoLines(args[2])
	if !ok || !okL {
		return types.NullOf(types.Real)
	}
	best := math.Inf(1)
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			best = math.Min(best, geoSegmentDistance(pts[0], l[i], l[i+1]))
		}
	}
	return types.NewReal(best)
}

// confGeoShapeFuncs declares the functions of this file.
func confGeoShapeFuncs() []*Func {
	d := func(name string) func([]types.Type) (types.Type, error) {
		return returns(name, types.Real, argDynamic)
	}
	return []*Func{
		{Name: "geo_line_length", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: d("geo_line_length"),
			Doc: "the length in meters of a GeoJSON LineString or MultiLineString", Scalar: confGeoLineLength,
			Examples: []Example{ex(`geo_line_length(dynamic({"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],[-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334]]}))`, `4922.48016992081`)}},
		{Name: "geo_polygon_perimeter", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: d("geo_polygon_perimeter"),
			Doc: "the perimeter in meters of a GeoJSON Polygon", Scalar: confGeoPolygonPerimeter,
			Examples: []Example{ex(`geo_polygon_perimeter(dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}))`, `9930.30149604938`)}},
		{Name: "geo_polygon_area", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: d("geo_polygon_area"),
			Doc: "the area in square meters of a GeoJSON Polygon", Scalar: confGeoPolygonArea,
			Examples: []Example{ex(`geo_polygon_area(dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}))`, `3475207.28346606`)}},
		{Name: "geo_azimuth", Kind: Scalar, MinArgs: 4, MaxArgs: 4, Result: returns("geo_azimuth", types.Real, argNumber),
			Doc: "the clockwise angle in radians from north of the line from the first point to the second", Scalar: confGeoAzimuth,
			Examples: []Example{ex(`geo_azimuth(5, 10, 10, -40)`, `3.05459939796449`), ex(`geo_azimuth(5, 10, 5, 10)`, ``)}},
		{Name: "geo_angle", Kind: Scalar, MinArgs: 6, MaxArgs: 6, Result: returns("geo_angle", types.Real, argNumber),
			Doc: "the clockwise angle in radians from the line [p1, p2] to the line [p2, p3]", Scalar: confGeoAngle,
			Examples: []Example{ex(`geo_angle(0, 10, 0, 5, 3, -10)`, `2.94493843406882`)}},
		{Name: "geo_distance_point_to_line", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("geo_distance_point_to_line", types.Real, argNumber, argNumber, argDynamic),
			Doc:    "the shortest distance in meters from a point to a GeoJSON LineString or MultiLineString", Scalar: confGeoDistancePointToLine,
			Examples: []Example{ex(`geo_distance_point_to_line(300, 3, dynamic({"type":"LineString","coordinates":[[1,1],[2,2]]}))`, ``)}},
	}
}

func geoLatLon(v [3]float64) (geoPt, bool) {
	n := math.Sqrt(geoDot(v, v))
	if n == 0 || math.IsNaN(n) {
		return geoPt{}, false
	}
	lon := math.Atan2(v[1], v[0]) * 180 / math.Pi
	lat := math.Atan2(v[2], math.Hypot(v[0], v[1])) * 180 / math.Pi
	return geoPt{lon, lat}, true
}

func geoPointValue(p geoPt) types.Value { return geoPointJSON(p.lon, p.lat) }

// geoEdgeCentroid is an edge's centroid weighted by its length, as S2 computes it.
func geoEdgeCentroid(a, b [3]float64) [3]float64 {
	s := [3]float64{a[0] + b[0], a[1] + b[1], a[2] + b[2]}
	d := [3]float64{a[0] - b[0], a[1] - b[1], a[2] - b[2]}
	c2, s2 := geoDot(s, s), geoDot(d, d)
	if c2 == 0 {
		return [3]float64{}
	}
	f := math.Sqrt(s2 / c2)
	return [3]float64{s[0] * f, s[1] * f, s[2] * f}
}

// geoTriangleCentroid is a spherical triangle's centroid weighted by its signed area (S2's
// TrueCentroid).
func geoTriangleCentroid(a, b, c [3]float64) [3]float64 {
	r := func(x float64) float64 {
		if x == 0 {
			return 1
		}
		return x / math.Sin(x)
	}
	ra, rb, rc := r(geoAngle(b, c)), r(geoAngle(c, a)), r(geoAngle(a, b))
	x := [3]float64{a[0], b[0] - a[0], c[0] - a[0]}
	y := [3]float64{a[1], b[1] - a[1], c[1] - a[1]}
	z := [3]float64{a[2], b[2] - a[2], c[2] - a[2]}
	rv := [3]float64{ra, rb - ra, rc - ra}
	return [3]float64{0.5 * geoDot(geoCross(y, z), rv), 0.5 * geoDot(geoCross(z, x), rv), 0.5 * geoDot(geoCross(x, y), rv)}
}

func confGeoLineCentroid(_ *Context, args []types.Value) types.Value {
	lines, ok := geoLines(args[0])
	if !ok {
		return dynNull
	}
	var s [3]float64
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			c := geoEdgeCentroid(geoVec(l[i]), geoVec(l[i+1]))
			s = [3]float64{s[0] + c[0], s[1] + c[1], s[2] + c[2]}
		}
	}
	p, ok := geoLatLon(s)
	if !ok {
		return dynNull
	}
	return geoPointValue(p)
}

// confGeoPolygonCentroid is the centroid of a Polygon (its shell less its holes).
func confGeoPolygonCentroid(_ *Context, args []types.Value) types.Value {
	polys, ok := geoPolygons(args[0])
	if !ok || len(polys) != 1 {
		return dynNull // a MultiPolygon's centroid is its union's, which socfeed does not compute
	}
	var s [3]float64
	for k, ring := range polys[0] {
		vs := make([][3]float64, len(ring)-1)
		for i := range vs {
			vs[i] = geoVec(ring[i])
		}
		var rs [3]float64
		for i := 1; i+1 < len(vs); i++ {
			c := geoTriangleCentroid(vs[0], vs[i], vs[i+1])
			rs = [3]float64{rs[0] + c[0], rs[1] + c[1], rs[2] + c[2]}
		}
		// Each ring counts by its area's sign: the shell positive, holes negative.
		sign := 1.0
		if k > 0 {
			sign = -1
		}
		if geoDot(rs, vs[0]) < 0 {
			sign = -sign
		}
		s = [3]float64{s[0] + sign*rs[0], s[1] + sign*rs[1], s[2] + sign*rs[2]}
	}
	p, ok := geoLatLon(s)
	if !ok {
		return dynNull
	}
	return geoPointValue(p)
}

// geoClosestOnSegment returns the point of the great-circle segment ab closest to p.
func geoClosestOnSegment(p, a, b geoPt) [3]float64 {
	P, A, B := geoVec(p), geoVec(a), geoVec(b)
	n := geoCross(A, B)
	if nn := math.Sqrt(geoDot(n, n)); nn > 0 {
		for i := range n {
			n[i] /= nn
		}
		d := geoDot(P, n)
		proj := [3]float64{P[0] - d*n[0], P[1] - d*n[1], P[2] - d*n[2]}
		if pl := math.Sqrt(geoDot(proj, proj)); pl > 0 {
			for i := range proj {
				proj[i] /= pl
			}
			if math.Abs(geoAngle(A, proj)+geoAngle(proj, B)-geoAngle(A, B)) < 1e-12 {
				return proj
			}
		}
	}
	if geoAngle(P, A) <= geoAngle(P, B) {
		return A
	}
	return B
}

func confGeoClosestPointOnLine(_ *Context, args []types.Value) types.Value {
	pts, ok := geoPoints(args, 1)
	lines, okL := geoLines(args[2])
	if !ok || !okL {
		return dynNull
	}
	P := geoVec(pts[0])
	best, bestD := [3]float64{}, math.Inf(1)
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			c := geoClosestOnSegment(pts[0], l[i], l[i+1])
			if d := geoAngle(P, c); d < bestD {
				best, bestD = c, d
			}
		}
	}
	p, ok := geoLatLon(best)
	if !ok {
		return dynNull
	}
	return geoPointValue(p)
}

// confGeoDistancePointToPolygon is 0 for a point inside the polygon, else the distance to
// its nearest edge.
func confGeoDistancePointToPolygon(ctx *Context, args []types.Value) types.Value {
	pts, ok := geoPoints(args, 1)
	polys, okP := geoPolygons(args[2])
	if !ok || !okP {
		return types.NullOf(types.Real)
	}
	if in := confGeoPointInPolygon(ctx, args); !in.IsNull() && in.Bool() {
		return types.NewReal(0)
	}
	best := math.Inf(1)
	for _, poly := range polys {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				best = math.Min(best, geoSegmentDistance(pts[0], ring[i], ring[i+1]))
			}
		}
	}
	return types.NewReal(best)
}

// confGeoLineInterpolatePoint is the point at a fraction (0 to 1) of a LineString's
// length.
func confGeoLineInterpolatePoint(_ *Context, args []types.Value) types.Value {
	lines, ok := geoLines(args[0])
	f, okF := asReal(aggScalar(args[1]))
	if !ok || !okF || len(lines) != 1 || f < 0 || f > 1 || math.IsNaN(f) {
		return dynNull
	}
	l := lines[0]
	target := f * geoPathLength(l)
	for i := 0; i+1 < len(l); i++ {
		seg := geoHaversine(l[i], l[i+1])
		if target <= seg || i+2 == len(l) {
			A, B := geoVec(l[i]), geoVec(l[i+1])
			w := geoAngle(A, B)
			if w == 0 {
				return geoPointValue(l[i])
			}
			t := math.Min(target/seg, 1)
			sa, sb := math.Sin((1-t)*w)/math.Sin(w), math.Sin(t*w)/math.Sin(w)
			p, ok := geoLatLon([3]float64{sa*A[0] + sb*B[0], sa*A[1] + sb*B[1], sa*A[2] + sb*B[2]})
			if !ok {
				return dynNull
			}
			return geoPointValue(p)
		}
		target -= seg
	}
	return geoPointValue(l[len(l)-1])
}

// confGeoLineLocatePoint is the fraction (0 to 1) of a LineString's length at which the
// point closest to the given one lies.
func confGeoLineLocatePoint(_ *Context, args []types.Value) types.Value {
	lines, ok := geoLines(args[0])
	pts, okP := geoPoints(args[1:], 1)
	if !ok || !okP || len(lines) != 1 {
		return types.NullOf(types.Real)
	}
	l := lines[0]
	total := geoPathLength(l)
	if total == 0 {
		return types.NewReal(0)
	}
	P := geoVec(pts[0])
	bestD, at, walked := math.Inf(1), 0.0, 0.0
	for i := 0; i+1 < len(l); i++ {
		c := geoClosestOnSegment(pts[0], l[i], l[i+1])
		if d := geoAngle(P, c); d < bestD {
			bestD = d
			at = walked + geoAngle(geoVec(l[i]), c)*confEarthRadius
		}
		walked += geoHaversine(l[i], l[i+1])
	}
	return types.NewReal(math.Min(at/total, 1))
}

// confGeoCentroidFuncs declares the centroid and line-position functions.
func confGeoCentroidFuncs() []*Func {
	return []*Func{
		{Name: "geo_line_centroid", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: returns("geo_line_centroid", types.Dynamic, argDynamic),
			Doc: "the centroid of a GeoJSON LineString or MultiLineString, as a GeoJSON point", Scalar: confGeoLineCentroid,
			Examples: []Example{ex(`geo_line_centroid(dynamic({"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]}))`,
				`{"type":"Point","coordinates":[-73.965567057230942,40.782453249627416]}`)}},
		{Name: "geo_polygon_centroid", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: returns("geo_polygon_centroid", types.Dynamic, argDynamic),
			Doc: "the centroid of a GeoJSON Polygon, as a GeoJSON point", Scalar: confGeoPolygonCentroid,
			Examples: []Example{ex(`geo_polygon_centroid(dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}))`,
				`{"type":"Point","coordinates":[-73.965735689907618,40.782550538057812]}`)}},
		{Name: "geo_closest_point_on_line", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("geo_closest_point_on_line", types.Dynamic, argNumber, argNumber, argDynamic),
			Doc:    "the point of a GeoJSON LineString or MultiLineString closest to a point", Scalar: confGeoClosestPointOnLine,
			Examples: []Example{ex(`geo_closest_point_on_line(0, 1, dynamic({"type":"LineString","coordinates":[[-1,0],[1,0]]}))`, `{"type":"Point","coordinates":[0.0,0.0]}`)}},
		{Name: "geo_distance_point_to_polygon", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("geo_distance_point_to_polygon", types.Real, argNumber, argNumber, argDynamic),
			Doc:    "the distance in meters from a point to a GeoJSON Polygon or MultiPolygon; 0 inside it", Scalar: confGeoDistancePointToPolygon,
			Examples: []Example{ex(`geo_distance_point_to_polygon(-73.9839, 40.7705, dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}))`, `259.940756070596`)}},
		{Name: "geo_line_interpolate_point", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("geo_line_interpolate_point", types.Dynamic, argDynamic, argNumber),
			Doc:    "the point at a fraction of a GeoJSON LineString's length", Scalar: confGeoLineInterpolatePoint,
			Examples: []Example{ex(`geo_line_interpolate_point(dynamic({"type":"LineString","coordinates":[[0,0],[2,0]]}), 0.5)`, `{"type":"Point","coordinates":[1.0,0.0]}`)}},
		{Name: "geo_line_locate_point", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("geo_line_locate_point", types.Real, argDynamic, argNumber, argNumber),
			Doc:    "the fraction of a GeoJSON LineString's length at the point closest to a point", Scalar: confGeoLineLocatePoint,
			Examples: []Example{ex(`geo_line_locate_point(dynamic({"type":"LineString","coordinates":[[0,0],[2,0]]}), 1, 1)`, `0.5`)}},
	}
}

// geoDensifyEdge appends the points of the planar edge a→b (without b), bisected until
// every part's planar midpoint is within tol meters of the part's geodesic.
func geoDensifyEdge(out []geoPt, a, b geoPt, tol float64, depth int) []geoPt {
	m := geoPt{(a.lon + b.lon) / 2, (a.lat + b.lat) / 2}
	if depth >= 24 || a == b || geoSegmentDistance(m, a, b) <= tol {
		return append(out, a)
	}
	out = geoDensifyEdge(out, a, m, tol, depth+1)
	return geoDensifyEdge(out, m, b, tol, depth+1)
}

func geoDensifyPath(pts []geoPt, tol float64) []geoPt {
	var out []geoPt
	for i := 0; i+1 < len(pts); i++ {
		out = geoDensifyEdge(out, pts[i], pts[i+1], tol, 0)
	}
	return append(out, pts[len(pts)-1])
}

func geoAppendPath(buf []byte, pts []geoPt) []byte {
	buf = append(buf, '[')
	for i, p := range pts {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		buf = geoAppendNum(buf, p.lon)
		buf = append(buf, ',')
		buf = geoAppendNum(buf, p.lat)
		buf = append(buf, ']')
	}
	return append(buf, ']')
}

// geoAppendNum writes a coordinate of a shape the geo functions build: whole numbers
// without a fraction ([50,50]), as the reference pages print them.
func geoAppendNum(buf []byte, f float64) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(buf, int64(f), 10)
	}
	return types.AppendJSONReal(buf, f)
}

// geoTolerance reads densify's tolerance argument: 10 meters by default, valid in
// [0.1, 10000].
func geoTolerance(args []types.Value, i int) (float64, bool) {
	if i >= len(args) || args[i].IsNull() {
		return 10, true
	}
	t, ok := asReal(aggScalar(args[i]))
	return t, ok && t >= 0.1 && t <= 10000
}

// confGeoLineDensify implements geo_line_densify(line[, tolerance[, preserve_crossing]]):
// the planar edges of a LineString or MultiLineString get points until each part is within
// tolerance meters of its geodesic.
func confGeoLineDensify(_ *Context, args []types.Value) types.Value {
	t, _, _ := geoShape(args[0], "LineString", "MultiLineString")
	lines, ok := geoLines(args[0])
	tol, okT := geoTolerance(args, 1)
	if !ok || !okT {
		return dynNull
	}
	buf := []byte(`{"type":"` + t + `","coordinates":`)
	if t == "LineString" {
		buf = geoAppendPath(buf, geoDensifyPath(lines[0], tol))
	} else {
		buf = append(buf, '[')
		for i, l := range lines {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = geoAppendPath(buf, geoDensifyPath(l, tol))
		}
		buf = append(buf, ']')
	}
	return types.NewDynamic(string(append(buf, '}')))
}

// confGeoPolygonDensify implements geo_polygon_densify(polygon[, tolerance[,
// preserve_crossing]]) for Polygons and MultiPolygons, ring by ring.
func confGeoPolygonDensify(_ *Context, args []types.Value) types.Value {
	t, _, _ := geoShape(args[0], "Polygon", "MultiPolygon")
	polys, ok := geoPolygons(args[0])
	tol, okT := geoTolerance(args, 1)
	if !ok || !okT {
		return dynNull
	}
	poly := func(buf []byte, rings [][]geoPt) []byte {
		buf = append(buf, '[')
		for i, r := range rings {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = geoAppendPath(buf, geoDensifyPath(r, tol))
		}
		return append(buf, ']')
	}
	buf := []byte(`{"type":"` + t + `","coordinates":`)
	if t == "Polygon" {
		buf = poly(buf, polys[0])
	} else {
		buf = append(buf, '[')
		for i, p := range polys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = poly(buf, p)
		}
		buf = append(buf, ']')
	}
	return types.NewDynamic(string(append(buf, '}')))
}

// confGeoDensifyFuncs declares geo_line_densify and geo_polygon_densify.
func confGeoDensifyFuncs() []*Func {
	return []*Func{
		{Name: "geo_line_densify", Kind: Scalar, MinArgs: 1, MaxArgs: 3,
			Result: returns("geo_line_densify", types.Dynamic, argDynamic, argNumber, argBool),
			Doc:    "a GeoJSON line with points added so its planar edges follow geodesics within a tolerance", Scalar: confGeoLineDensify,
			Examples: []Example{ex(`geo_line_densify(dynamic({"type":"LineString","coordinates":[[50, 50], [51, 51]]}))`,
				`{"type":"LineString","coordinates":[[50,50],[50.125,50.125],[50.25,50.25],[50.375,50.375],[50.5,50.5],[50.625,50.625],[50.75,50.75],[50.875,50.875],[51,51]]}`)}},
		{Name: "geo_polygon_densify", Kind: Scalar, MinArgs: 1, MaxArgs: 3,
			Result: returns("geo_polygon_densify", types.Dynamic, argDynamic, argNumber, argBool),
			Doc:    "a GeoJSON polygon with points added so its planar edges follow geodesics within a tolerance", Scalar: confGeoPolygonDensify,
			Examples: []Example{ex(`geo_polygon_densify(dynamic({"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}))`,
				`{"type":"Polygon","coordinates":[[[10,10],[10.25,10],[10.5,10],[10.75,10],[11,10],[11,11],[10.75,11],[10.5,11],[10.25,11],[10,11],[10,10]]]}`)}},
	}
}

// geoSimplify is Douglas–Peucker over a path with geodesic distances: points within tol
// meters of the chord are dropped. A closed path's chord is its first point.
func geoSimplify(pts []geoPt, tol float64) []geoPt {
	if len(pts) < 3 {
		return pts
	}
	a, b := pts[0], pts[len(pts)-1]
	far, farD := -1, -1.0
	for i := 1; i+1 < len(pts); i++ {
		var d float64
		if a == b {
			d = geoHaversine(pts[i], a)
		} else {
			d = geoSegmentDistance(pts[i], a, b)
		}
		if d > farD {
			far, farD = i, d
		}
	}
	if farD <= tol {
		return []geoPt{a, b}
	}
	left := geoSimplify(pts[:far+1], tol)
	right := geoSimplify(pts[far:], tol)
	return append(left[:len(left)-1], right...)
}

// geoMergeClose drops vertices closer than tol meters to the previous kept one (the last
// vertex is kept, replacing a close predecessor).
func geoMergeClose(pts []geoPt, tol float64) []geoPt {
	out := []geoPt{pts[0]}
	for _, p := range pts[1:] {
		if geoHaversine(out[len(out)-1], p) < tol {
			continue
		}
		out = append(out, p)
	}
	if last := pts[len(pts)-1]; out[len(out)-1] != last {
		if len(out) > 1 {
			out[len(out)-1] = last
		} else {
			out = append(out, last)
		}
	}
	if len(out) == 2 && geoHaversine(out[0], out[1]) < tol {
		return out[:1]
	}
	return out
}

// confGeoLineSimplify implements geo_line_simplify(line[, tolerance]): Douglas–Peucker
// with tolerance meters (10 by default, at most about 7,800 km), leaving no two
// consecutive vertices closer than the tolerance; a line that collapses gives null.
func confGeoLineSimplify(_ *Context, args []types.Value) types.Value {
	t, _, _ := geoShape(args[0], "LineString", "MultiLineString")
	lines, ok := geoLines(args[0])
	tol := 10.0
	if len(args) > 1 && !args[1].IsNull() {
		var okT bool
		tol, okT = asReal(aggScalar(args[1]))
		ok = ok && okT && tol >= 0 && tol <= 7.8e6
	}
	if !ok {
		return dynNull
	}
	var out [][]geoPt
	for _, l := range lines {
		s := geoMergeClose(geoSimplify(l, tol), tol)
		if len(s) < 2 {
			return dynNull
		}
		out = append(out, s)
	}
	buf := []byte(`{"type":"` + t + `","coordinates":`)
	if t == "LineString" {
		buf = geoAppendPath(buf, out[0])
	} else {
		buf = append(buf, '[')
		for i, l := range out {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = geoAppendPath(buf, l)
		}
		buf = append(buf, ']')
	}
	return types.NewDynamic(string(append(buf, '}')))
}

// confGeoPolygonSimplify implements geo_polygon_simplify(polygon[, tolerance]) ring by
// ring; a ring that collapses below three distinct vertices gives null.
func confGeoPolygonSimplify(_ *Context, args []types.Value) types.Value {
	t, _, _ := geoShape(args[0], "Polygon", "MultiPolygon")
	polys, ok := geoPolygons(args[0])
	tol := 10.0
	if len(args) > 1 && !args[1].IsNull() {
		var okT bool
		tol, okT = asReal(aggScalar(args[1]))
		ok = ok && okT && tol >= 0 && tol <= 7.8e6
	}
	if !ok {
		return dynNull
	}
	poly := func(buf []byte, rings [][]geoPt) ([]byte, bool) {
		buf = append(buf, '[')
		for i, r := range rings {
			s := geoSimplify(r, tol)
			if len(s) < 4 {
				return nil, false
			}
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = geoAppendPath(buf, s)
		}
		return append(buf, ']'), true
	}
	buf := []byte(`{"type":"` + t + `","coordinates":`)
	if t == "Polygon" {
		if buf, ok = poly(buf, polys[0]); !ok {
			return dynNull
		}
	} else {
		buf = append(buf, '[')
		for i, p := range polys {
			if i > 0 {
				buf = append(buf, ',')
			}
			if buf, ok = poly(buf, p); !ok {
				return dynNull
			}
		}
		buf = append(buf, ']')
	}
	return types.NewDynamic(string(append(buf, '}')))
}

// confGeoSimplifyFuncs declares geo_line_simplify and geo_polygon_simplify.
func confGeoSimplifyFuncs() []*Func {
	return []*Func{
		{Name: "geo_line_simplify", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("geo_line_simplify", types.Dynamic, argDynamic, argNumber),
			Doc:    "a GeoJSON line simplified (Douglas–Peucker) within a tolerance in meters", Scalar: confGeoLineSimplify,
			Examples: []Example{ex(`geo_line_simplify(dynamic({"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]}), 100000)`, ``)}},
		{Name: "geo_polygon_simplify", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns("geo_polygon_simplify", types.Dynamic, argDynamic, argNumber),
			Doc:    "a GeoJSON polygon simplified (Douglas–Peucker) within a tolerance in meters", Scalar: confGeoPolygonSimplify,
			Examples: []Example{ex(`geo_polygon_simplify(dynamic({"type":"Polygon","coordinates":[[[-73.94885122776031,40.79673476355657],[-73.94885927438736,40.79692258628347],[-73.94887939095497,40.79692055577034],[-73.9488673210144,40.79693476936093],[-73.94888743758202,40.79693476936093],[-73.9488834142685,40.796959135509105],[-73.94890084862709,40.79695304397289],[-73.94906312227248,40.79710736271788],[-73.94923612475395,40.7968708081794],[-73.94885122776031,40.79673476355657]]]}))`,
				`{"type":"Polygon","coordinates":[[[-73.948851227760315,40.796734763556572],[-73.949063122272477,40.797107362717881],[-73.949236124753952,40.7968708081794],[-73.948851227760315,40.796734763556572]]]}`)}},
	}
}
