package funcs

import (
	"math"
	"sort"

	"github.com/socfeed/socfeed/kql/types"
)

// Intersections of GeoJSON lines and polygons on the sphere, with great-circle edges:
// geo_intersects_2lines, geo_intersects_2polygons, geo_intersects_line_with_polygon,
// geo_intersection_2lines, geo_intersection_line_with_polygon and
// geo_closest_point_on_polygon. Invalid shapes give null.

// geoOnArcTol is the slack, in radians, within which a point counts as on an arc (about
// 0.6 mm on Earth).
const geoOnArcTol = 1e-10

func geoNorm(v [3]float64) ([3]float64, bool) {
	n := math.Sqrt(geoDot(v, v))
	if n == 0 || math.IsNaN(n) {
		return v, false
	}
	return [3]float64{v[0] / n, v[1] / n, v[2] / n}, true
}

// geoOnArc reports whether the unit vector x lies on the minor arc ab.
func geoOnArc(x, a, b [3]float64) bool {
	return geoAngle(a, x)+geoAngle(x, b)-geoAngle(a, b) < geoOnArcTol
}

// geoArcCross returns the points where the arcs ab and cd meet: none, one, or, when they
// lie on one great circle and overlap, the ends of the shared part.
func geoArcCross(a, b, c, d [3]float64) [][3]float64 {
	n1, ok1 := geoNorm(geoCross(a, b))
	n2, ok2 := geoNorm(geoCross(c, d))
	if !ok1 || !ok2 {
		return nil
	}
	x, ok := geoNorm(geoCross(n1, n2))
	if ok && math.Sqrt(geoDot(geoCross(n1, n2), geoCross(n1, n2))) > 1e-12 {
		for _, p := range [][3]float64{x, {-x[0], -x[1], -x[2]}} {
			if geoOnArc(p, a, b) && geoOnArc(p, c, d) {
				return [][3]float64{p}
			}
		}
		return nil
	}
	// Same great circle: the shared part is bounded by ends of each arc lying on the other.
	var out [][3]float64
	add := func(p [3]float64) {
		for _, q := range out {
			if geoAngle(p, q) < geoOnArcTol {
				return
			}
		}
		out = append(out, p)
	}
	for _, p := range [][3]float64{c, d} {
		if geoOnArc(p, a, b) {
			add(p)
		}
	}
	for _, p := range [][3]float64{a, b} {
		if geoOnArc(p, c, d) {
			add(p)
		}
	}
	return out
}

// geoInPolygons reports whether p is inside one of polys (inside a shell, outside its
// holes).
func geoInPolygons(p geoPt, polys [][][]geoPt) bool {
	in := func(ring []geoPt) bool { return math.Abs(geoWinding(p, ring)) > math.Pi }
	for _, poly := range polys {
		if !in(poly[0]) {
			continue
		}
		inHole := false
		for _, hole := range poly[1:] {
			inHole = inHole || in(hole)
		}
		if !inHole {
			return true
		}
	}
	return false
}

// geoOnBoundary reports whether p lies on an edge of polys.
func geoOnBoundary(p [3]float64, polys [][][]geoPt) bool {
	for _, poly := range polys {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				if geoOnArc(p, geoVec(ring[i]), geoVec(ring[i+1])) {
					return true
				}
			}
		}
	}
	return false
}

// geoContains reports whether p is inside polys or on their boundary.
func geoContains(p geoPt, polys [][][]geoPt) bool {
	return geoInPolygons(p, polys) || geoOnBoundary(geoVec(p), polys)
}

// geoEdges lists the edges of paths as pairs of unit vectors.
func geoEdges(paths [][]geoPt) [][2][3]float64 {
	var out [][2][3]float64
	for _, l := range paths {
		for i := 0; i+1 < len(l); i++ {
			out = append(out, [2][3]float64{geoVec(l[i]), geoVec(l[i+1])})
		}
	}
	return out
}

func geoRings(polys [][][]geoPt) [][]geoPt {
	var out [][]geoPt
	for _, p := range polys {
		out = append(out, p...)
	}
	return out
}

func geoEdgesCross(e1, e2 [][2][3]float64) bool {
	for _, a := range e1 {
		for _, b := range e2 {
			if len(geoArcCross(a[0], a[1], b[0], b[1])) > 0 {
				return true
			}
		}
	}
	return false
}

func confGeoIntersects2Lines(_ *Context, args []types.Value) types.Value {
	l1, ok1 := geoLines(args[0])
	l2, ok2 := geoLines(args[1])
	if !ok1 || !ok2 {
		return types.NullOf(types.Bool)
	}
	return types.NewBool(geoEdgesCross(geoEdges(l1), geoEdges(l2)))
}

func confGeoIntersectsLineWithPolygon(_ *Context, args []types.Value) types.Value {
	lines, ok1 := geoLines(args[0])
	polys, ok2 := geoPolygons(args[1])
	if !ok1 || !ok2 {
		return types.NullOf(types.Bool)
	}
	for _, l := range lines {
		for _, p := range l {
			if geoInPolygons(p, polys) {
				return types.NewBool(true)
			}
		}
	}
	return types.NewBool(geoEdgesCross(geoEdges(lines), geoEdges(geoRings(polys))))
}

func confGeoIntersects2Polygons(_ *Context, args []types.Value) types.Value {
	p1, ok1 := geoPolygons(args[0])
	p2, ok2 := geoPolygons(args[1])
	if !ok1 || !ok2 {
		return types.NullOf(types.Bool)
	}
	r1, r2 := geoRings(p1), geoRings(p2)
	if geoEdgesCross(geoEdges(r1), geoEdges(r2)) {
		return types.NewBool(true)
	}
	// No boundaries meet: they intersect only when one lies inside the other.
	for _, r := range r1 {
		if geoInPolygons(r[0], p2) {
			return types.NewBool(true)
		}
	}
	for _, r := range r2 {
		if geoInPolygons(r[0], p1) {
			return types.NewBool(true)
		}
	}
	return types.NewBool(false)
}

var geoEmptyCollection = types.NewDynamic(`{"type":"GeometryCollection","geometries":[]}`)

// geoPieces renders a set of points and paths as the simplest GeoJSON geometry holding
// them.
func geoPieces(points []geoPt, paths [][]geoPt) types.Value {
	var geoms [][]byte
	switch len(paths) {
	case 0:
	case 1:
		geoms = append(geoms, geoAppendPath([]byte(`{"type":"LineString","coordinates":`), paths[0]))
	default:
		buf := []byte(`{"type":"MultiLineString","coordinates":[`)
		for i, p := range paths {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = geoAppendPath(buf, p)
		}
		geoms = append(geoms, append(buf, ']'))
	}
	for i := range geoms {
		geoms[i] = append(geoms[i], '}')
	}
	switch len(points) {
	case 0:
	case 1:
		geoms = append(geoms, []byte(geoPointValue(points[0]).S))
	default:
		buf := geoAppendPath([]byte(`{"type":"MultiPoint","coordinates":`), points)
		geoms = append(geoms, append(buf, '}'))
	}
	switch len(geoms) {
	case 0:
		return geoEmptyCollection
	case 1:
		return types.NewDynamic(string(geoms[0]))
	}
	buf := []byte(`{"type":"GeometryCollection","geometries":[`)
	for i, g := range geoms {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, g...)
	}
	return types.NewDynamic(string(append(buf, "]}"...)))
}

// geoAddPoint adds p to pts unless an equal point is there already.
func geoAddPoint(pts [][3]float64, p [3]float64) [][3]float64 {
	for _, q := range pts {
		if geoAngle(p, q) < geoOnArcTol {
			return pts
		}
	}
	return append(pts, p)
}

func confGeoIntersection2Lines(_ *Context, args []types.Value) types.Value {
	l1, ok1 := geoLines(args[0])
	l2, ok2 := geoLines(args[1])
	if !ok1 || !ok2 {
		return dynNull
	}
	var points [][3]float64
	var paths [][]geoPt
	for _, a := range geoEdges(l1) {
		for _, b := range geoEdges(l2) {
			xs := geoArcCross(a[0], a[1], b[0], b[1])
			if len(xs) == 2 {
				p, okp := geoLatLon(xs[0])
				q, okq := geoLatLon(xs[1])
				if okp && okq {
					// keep the direction of the first line
					if geoAngle(a[0], xs[0]) > geoAngle(a[0], xs[1]) {
						p, q = q, p
					}
					p, q = geoPt{geoSnap(p.lon), geoSnap(p.lat)}, geoPt{geoSnap(q.lon), geoSnap(q.lat)}
					paths = geoAppendSegment(paths, p, q)
				}
				continue
			}
			for _, x := range xs {
				points = geoAddPoint(points, x)
			}
		}
	}
	var pts []geoPt
	for _, x := range points {
		if geoOnPaths(x, paths) {
			continue
		}
		if p, ok := geoLatLon(x); ok {
			pts = append(pts, geoPt{geoSnap(p.lon), geoSnap(p.lat)})
		}
	}
	return geoPieces(pts, paths)
}

// geoSnap rounds away the last bits of floating-point noise, so that a computed point
// equal to an input vertex prints as that vertex.
func geoSnap(f float64) float64 {
	r := math.Round(f*1e12) / 1e12
	if math.Abs(r-f) < 1e-13 {
		return r
	}
	return f
}

func geoOnPaths(x [3]float64, paths [][]geoPt) bool {
	for _, e := range geoEdges(paths) {
		if geoOnArc(x, e[0], e[1]) {
			return true
		}
	}
	return false
}

// geoAppendSegment adds the segment pq to paths, extending the last path when it ends at p.
func geoAppendSegment(paths [][]geoPt, p, q geoPt) [][]geoPt {
	if n := len(paths); n > 0 {
		last := paths[n-1]
		if geoAngle(geoVec(last[len(last)-1]), geoVec(p)) < geoOnArcTol {
			paths[n-1] = append(last, q)
			return paths
		}
	}
	return append(paths, []geoPt{p, q})
}

// confGeoIntersectionLineWithPolygon clips a line to a polygon: each edge is cut where it
// crosses a ring, and the pieces whose middles lie inside the polygon are kept.
func confGeoIntersectionLineWithPolygon(_ *Context, args []types.Value) types.Value {
	lines, ok1 := geoLines(args[0])
	polys, ok2 := geoPolygons(args[1])
	if !ok1 || !ok2 {
		return dynNull
	}
	rings := geoEdges(geoRings(polys))
	var paths [][]geoPt
	var points []geoPt
	for _, l := range lines {
		var cur []geoPt // the path being built, nil when outside
		flush := func() {
			if len(cur) >= 2 {
				paths = append(paths, cur)
			}
			cur = nil
		}
		for i := 0; i+1 < len(l); i++ {
			a, b := geoVec(l[i]), geoVec(l[i+1])
			cuts := [][3]float64{a, b}
			for _, e := range rings {
				for _, x := range geoArcCross(a, b, e[0], e[1]) {
					cuts = geoAddPoint(cuts, x)
				}
			}
			sort.Slice(cuts, func(i, j int) bool { return geoAngle(a, cuts[i]) < geoAngle(a, cuts[j]) })
			for k := 0; k+1 < len(cuts); k++ {
				p, q := cuts[k], cuts[k+1]
				mid, ok := geoNorm([3]float64{p[0] + q[0], p[1] + q[1], p[2] + q[2]})
				m, okm := geoLatLon(mid)
				if !ok || !okm || !geoContains(m, polys) {
					flush()
					continue
				}
				pp, _ := geoLatLon(p)
				qq, _ := geoLatLon(q)
				if k == 0 {
					pp = l[i]
				}
				if k+2 == len(cuts) {
					qq = l[i+1]
				}
				if cur == nil {
					cur = []geoPt{pp}
				}
				cur = append(cur, qq)
			}
		}
		flush()
		// Isolated vertices touching the polygon count as points.
		for _, p := range l {
			if geoContains(p, polys) && !geoOnPaths(geoVec(p), paths) {
				points = append(points, p)
			}
		}
	}
	return geoPieces(points, paths)
}

// confGeoClosestPointOnPolygon is the point itself when the polygon contains it, else the
// nearest point of the polygon's edges.
func confGeoClosestPointOnPolygon(_ *Context, args []types.Value) types.Value {
	pts, ok := geoPoints(args, 1)
	polys, okP := geoPolygons(args[2])
	if !ok || !okP {
		return dynNull
	}
	if geoInPolygons(pts[0], polys) {
		return geoPointValue(pts[0])
	}
	P := geoVec(pts[0])
	best, bestD := [3]float64{}, math.Inf(1)
	for _, ring := range geoRings(polys) {
		for i := 0; i+1 < len(ring); i++ {
			c := geoClosestOnSegment(pts[0], ring[i], ring[i+1])
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

// geoIntersectFuncs declares the functions of this file.
func geoIntersectFuncs() []*Func {
	dd := func(name string, ret types.Type) func([]types.Type) (types.Type, error) {
		return returns(name, ret, argDynamic, argDynamic)
	}
	return []*Func{
		{Name: "geo_intersects_2lines", Kind: Scalar, MinArgs: 2, MaxArgs: 2, Result: dd("geo_intersects_2lines", types.Bool),
			Doc: "whether two GeoJSON lines or multilines intersect", Scalar: confGeoIntersects2Lines,
			Examples: []Example{
				ex(`geo_intersects_2lines(dynamic({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}), dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}))`, `true`),
				ex(`isnull(geo_intersects_2lines(dynamic({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}), dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275]]})))`, `true`),
			}},
		{Name: "geo_intersects_2polygons", Kind: Scalar, MinArgs: 2, MaxArgs: 2, Result: dd("geo_intersects_2polygons", types.Bool),
			Doc: "whether two GeoJSON polygons or multipolygons intersect", Scalar: confGeoIntersects2Polygons,
			Examples: []Example{
				ex(`geo_intersects_2polygons(dynamic({"type":"Polygon","coordinates":[[[-73.9630937576294,40.77498840732385],[-73.963565826416,40.774383111780914],[-73.96205306053162,40.773745311181585],[-73.96160781383514,40.7743912365898],[-73.9630937576294,40.77498840732385]]]}), dynamic({"type":"Polygon","coordinates":[[[-73.96213352680206,40.775045280447145],[-73.9631313085556,40.774578106920345],[-73.96207988262177,40.77416780398293],[-73.96213352680206,40.775045280447145]]]}))`, `true`),
				ex(`isnull(geo_intersects_2polygons(dynamic({"type":"Polygon"}), dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]})))`, `true`),
			}},
		{Name: "geo_intersects_line_with_polygon", Kind: Scalar, MinArgs: 2, MaxArgs: 2, Result: dd("geo_intersects_line_with_polygon", types.Bool),
			Doc: "whether a GeoJSON line or multiline intersects a polygon or multipolygon", Scalar: confGeoIntersectsLineWithPolygon,
			Examples: []Example{
				ex(`geo_intersects_line_with_polygon(dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}), dynamic({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]}))`, `true`),
			}},
		{Name: "geo_intersection_2lines", Kind: Scalar, MinArgs: 2, MaxArgs: 2, Result: dd("geo_intersection_2lines", types.Dynamic),
			Doc: "the intersection of two GeoJSON lines or multilines, as GeoJSON", Scalar: confGeoIntersection2Lines,
			Examples: []Example{
				ex(`geo_intersection_2lines(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), dynamic({"type":"LineString","coordinates":[[3, 3],[4, 4]]}))`, `{"type":"GeometryCollection","geometries":[]}`),
			}},
		{Name: "geo_intersection_line_with_polygon", Kind: Scalar, MinArgs: 2, MaxArgs: 2, Result: dd("geo_intersection_line_with_polygon", types.Dynamic),
			Doc: "the part of a GeoJSON line or multiline inside a polygon or multipolygon, as GeoJSON", Scalar: confGeoIntersectionLineWithPolygon,
			Examples: []Example{
				ex(`geo_intersection_line_with_polygon(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), dynamic({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]}))`, `{"type":"GeometryCollection","geometries":[]}`),
			}},
		{Name: "geo_closest_point_on_polygon", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("geo_closest_point_on_polygon", types.Dynamic, argNumber, argNumber, argDynamic),
			Doc:    "the point of a GeoJSON polygon or multipolygon closest to a given point, as GeoJSON", Scalar: confGeoClosestPointOnPolygon,
			Examples: []Example{
				ex(`isnull(geo_closest_point_on_polygon(500,1,dynamic({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,1],[0,0]]]})))`, `true`),
				ex(`isnull(geo_closest_point_on_polygon(1,1,dynamic({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]})))`, `true`),
			}},
	}
}
