package funcs

import (
	"math"
	"slices"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/socfeed/socfeed/kql/types"
)

// S2 cells (geo_point_to_s2cell, geo_s2cell_to_central_point, geo_s2cell_to_polygon,
// geo_s2cell_neighbors, geo_polygon_to_s2cells and geo_line_to_s2cells), following their
// reference pages. Cells are written as standard S2 tokens: the cell id in lower-case hex
// with trailing zeros trimmed. Cell geometry comes from the pure Go S2 library
// github.com/golang/geo, so the binary stays static.

const (
	// s2DefaultLevel is the cell level used when a call gives none.
	s2DefaultLevel = 11
	// s2MaxTokenLen is the longest token the pages accept: 16 hex digits.
	s2MaxTokenLen = 16
	// s2MaxCovering is the most tokens a covering may hold; a larger one gives null.
	s2MaxCovering = 65536
)

// s2Level reads the optional level argument at index i: absent means the default, and a
// null, non-integer or out-of-range level is invalid.
func s2Level(args []types.Value, i int) (int, bool) {
	if len(args) <= i {
		return s2DefaultLevel, true
	}
	n, ok := asLong(aggScalar(args[i]))
	if !ok || n < 0 || n > s2.MaxLevel {
		return 0, false
	}
	return int(n), true
}

// s2Cell reads a token argument; ok is false for anything that is not a valid cell token.
func s2Cell(v types.Value) (s2.CellID, bool) {
	v = aggScalar(v)
	if v.IsNull() {
		return 0, false
	}
	tok := text(v)
	if tok == "" || len(tok) > s2MaxTokenLen {
		return 0, false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return 0, false
		}
	}
	id := s2.CellIDFromToken(tok)
	return id, id.IsValid()
}

// s2LonLat returns a point's longitude and latitude in degrees.
func s2LonLat(p s2.Point) (float64, float64) {
	ll := s2.LatLngFromPoint(p)
	return ll.Lng.Degrees(), ll.Lat.Degrees()
}

func s2Point(p geoPt) s2.Point { return s2.PointFromLatLng(s2.LatLngFromDegrees(p.lat, p.lon)) }

// s2TokenArray renders cell tokens as a dynamic array.
func s2TokenArray(ids []s2.CellID) types.Value {
	buf := []byte{'['}
	for i, id := range ids {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, id.ToToken())
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// confPointToS2Cell implements geo_point_to_s2cell(lon, lat[, level]): the token of the
// cell at level holding the point, or an empty string for invalid coordinates or level.
func confPointToS2Cell(_ *Context, args []types.Value) types.Value {
	lon, ok1 := asReal(aggScalar(args[0]))
	lat, ok2 := asReal(aggScalar(args[1]))
	level, ok3 := s2Level(args, 2)
	if !ok1 || !ok2 || !ok3 || !geoValidPoint(lon, lat) {
		return types.NewString("")
	}
	id := s2.CellIDFromLatLng(s2.LatLngFromDegrees(lat, lon)).Parent(level)
	return types.NewString(id.ToToken())
}

// confS2CellCenter implements geo_s2cell_to_central_point(token): the cell's center as a
// GeoJSON point, or null for an invalid token.
func confS2CellCenter(_ *Context, args []types.Value) types.Value {
	id, ok := s2Cell(args[0])
	if !ok {
		return dynNull
	}
	return geoPointJSON(s2LonLat(s2.CellFromCellID(id).Center()))
}

// confS2CellPolygon implements geo_s2cell_to_polygon(token): the cell as a GeoJSON
// polygon of its four vertices in S2 order, closed by repeating the first, or null for
// an invalid token.
func confS2CellPolygon(_ *Context, args []types.Value) types.Value {
	id, ok := s2Cell(args[0])
	if !ok {
		return dynNull
	}
	cell := s2.CellFromCellID(id)
	buf := []byte(`{"type":"Polygon","coordinates":[[`)
	for k := 0; k <= 4; k++ {
		if k > 0 {
			buf = append(buf, ',')
		}
		lon, lat := s2LonLat(cell.Vertex(k % 4))
		buf = append(buf, '[')
		buf = types.AppendJSONReal(buf, lon)
		buf = append(buf, ',')
		buf = types.AppendJSONReal(buf, lat)
		buf = append(buf, ']')
	}
	return types.NewDynamic(string(append(buf, "]]}"...)))
}

// confS2CellNeighbors implements geo_s2cell_neighbors(token): the cells of the same
// level that share an edge or a vertex with the cell, each once, in the order S2's
// AllNeighbors finds them. A cell at a cube corner has seven. An invalid token gives null.
func confS2CellNeighbors(_ *Context, args []types.Value) types.Value {
	id, ok := s2Cell(args[0])
	if !ok {
		return dynNull
	}
	var out []s2.CellID
	for _, n := range id.AllNeighbors(id.Level()) {
		if n != id && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return s2TokenArray(out)
}

// s2Region is a shape to cover: whether it meets a cell and whether it holds all of it.
// contains may answer false when unsure; intersects must not miss a cell.
type s2Region interface {
	intersects(c s2.Cell) bool
	contains(c s2.Cell) bool
}

// s2Shapes covers polygons or polylines, optionally buffered by a distance.
type s2Shapes struct {
	polygons []*s2.Polygon
	lines    []*s2.Polyline
	points   []s2.Point
	// With a positive buffer, query finds whether a cell lies within buffer of the shapes
	// (polygon interiors count as distance zero).
	buffer s1.ChordAngle
	query  *s2.EdgeQuery
}

// newS2Shapes gathers the shapes to cover; radius is the buffer in meters.
func newS2Shapes(polygons []*s2.Polygon, lines []*s2.Polyline, points []s2.Point, radius float64) *s2Shapes {
	r := &s2Shapes{polygons: polygons, lines: lines, points: points}
	if radius > 0 {
		index := s2.NewShapeIndex()
		for _, p := range polygons {
			index.Add(p)
		}
		for _, l := range lines {
			index.Add(l)
		}
		if len(points) > 0 {
			pv := s2.PointVector(points)
			index.Add(&pv)
		}
		r.buffer = s1.ChordAngleFromAngle(s1.Angle(radius / confEarthRadius))
		r.query = s2.NewClosestEdgeQuery(index, s2.NewClosestEdgeQueryOptions().IncludeInteriors(true))
	}
	return r
}

func (r *s2Shapes) intersects(c s2.Cell) bool {
	if r.query != nil {
		return r.query.IsConservativeDistanceLessOrEqual(s2.NewMinDistanceToCellTarget(c), r.buffer)
	}
	for _, p := range r.polygons {
		if p.IntersectsCell(c) {
			return true
		}
	}
	for _, l := range r.lines {
		if l.IntersectsCell(c) {
			return true
		}
	}
	for _, p := range r.points {
		if c.ContainsPoint(p) {
			return true
		}
	}
	return false
}

func (r *s2Shapes) contains(c s2.Cell) bool {
	for _, p := range r.polygons {
		if p.ContainsCell(c) {
			return true
		}
	}
	return false
}

// s2Covering returns the cells of the given level that meet the region, sorted by cell
// id; ok is false when there would be more than s2MaxCovering. It refines level by level
// from the six face cells: a cell meeting the region has at least one child meeting it,
// so the count never shrinks and the search stops as soon as it passes the limit. Cells
// wholly inside the region are set aside and only expanded at the end.
func s2Covering(r s2Region, level int) ([]s2.CellID, bool) {
	var full []s2.CellID // wholly inside, at coarser levels
	fullCount := 0
	var cur []s2.CellID
	for f := 0; f < 6; f++ {
		cur = append(cur, s2.CellIDFromFace(f))
	}
	for l := 0; ; l++ {
		var next []s2.CellID
		for _, id := range cur {
			c := s2.CellFromCellID(id)
			switch {
			case l < level && r.contains(c):
				full = append(full, id)
				fullCount += 1 << (2 * (level - l))
			case r.intersects(c):
				next = append(next, id)
			}
			if fullCount+len(next) > s2MaxCovering {
				return nil, false
			}
		}
		if l == level {
			cur = next
			break
		}
		cur = make([]s2.CellID, 0, 4*len(next))
		for _, id := range next {
			ch := id.Children()
			cur = append(cur, ch[:]...)
		}
	}
	for _, id := range full {
		for c := id.ChildBeginAtLevel(level); c != id.ChildEndAtLevel(level); c = c.Next() {
			cur = append(cur, c)
		}
	}
	slices.Sort(cur)
	return cur, true
}

// s2LevelRadius reads the optional level and radius arguments of the covering functions.
func s2LevelRadius(args []types.Value) (int, float64, bool) {
	level, ok := s2Level(args, 1)
	if !ok {
		return 0, 0, false
	}
	radius := 0.0
	if len(args) > 2 {
		r, ok := asReal(aggScalar(args[2]))
		if !ok || r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
			return 0, 0, false
		}
		radius = r
	}
	return level, radius, true
}

// s2Loop builds a loop from a closed GeoJSON ring. Each ring is taken as the smaller of
// the two regions it bounds, so the ring's winding direction does not matter.
func s2Loop(ring []geoPt) (*s2.Loop, bool) {
	var pts []s2.Point
	for _, p := range ring[:len(ring)-1] {
		q := s2Point(p)
		if len(pts) > 0 && (pts[len(pts)-1] == q) {
			continue
		}
		pts = append(pts, q)
	}
	for len(pts) > 1 && pts[len(pts)-1] == pts[0] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return nil, false
	}
	l := s2.LoopFromPoints(pts)
	l.Normalize()
	return l, true
}

// confPolygonToS2Cells implements geo_polygon_to_s2cells(polygon[, level[, radius]]):
// the tokens of the cells at level that meet a Polygon or MultiPolygon, or its buffer of
// radius meters. Invalid arguments, or a covering of more than 65536 cells, give null.
func confPolygonToS2Cells(_ *Context, args []types.Value) types.Value {
	polys, ok := geoPolygons(args[0])
	if !ok {
		return dynNull
	}
	level, radius, ok := s2LevelRadius(args)
	if !ok {
		return dynNull
	}
	var polygons []*s2.Polygon
	for _, rings := range polys {
		var loops []*s2.Loop
		for _, ring := range rings {
			l, ok := s2Loop(ring)
			if !ok {
				return dynNull
			}
			loops = append(loops, l)
		}
		polygons = append(polygons, s2.PolygonFromLoops(loops))
	}
	cells, ok := s2Covering(newS2Shapes(polygons, nil, nil, radius), level)
	if !ok {
		return dynNull
	}
	return s2TokenArray(cells)
}

// confLineToS2Cells implements geo_line_to_s2cells(line[, level[, radius]]): the tokens
// of the cells at level that meet a LineString or MultiLineString, or its buffer of
// radius meters. Invalid arguments, or a covering of more than 65536 cells, give null.
func confLineToS2Cells(_ *Context, args []types.Value) types.Value {
	paths, ok := geoLines(args[0])
	if !ok {
		return dynNull
	}
	level, radius, ok := s2LevelRadius(args)
	if !ok {
		return dynNull
	}
	var lines []*s2.Polyline
	var points []s2.Point
	for _, path := range paths {
		// S2 polylines allow no zero-length edge: repeated vertices are dropped, and a
		// line that stays on one point is covered as that point.
		var pl s2.Polyline
		for _, p := range path {
			q := s2Point(p)
			if len(pl) == 0 || pl[len(pl)-1] != q {
				pl = append(pl, q)
			}
		}
		if len(pl) == 1 {
			points = append(points, pl[0])
			continue
		}
		lines = append(lines, &pl)
	}
	cells, ok := s2Covering(newS2Shapes(nil, lines, points, radius), level)
	if !ok {
		return dynNull
	}
	return s2TokenArray(cells)
}

// geoS2Funcs declares the functions of this file.
func geoS2Funcs() []*Func {
	return []*Func{
		{Name: "geo_point_to_s2cell", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("geo_point_to_s2cell", types.String, argNumber, argNumber, argInteger),
			Doc:    "the S2 cell token of a point, at level 0 to 30 (11 by default)", Scalar: confPointToS2Cell,
			Examples: []Example{
				ex(`geo_point_to_s2cell(-80.195829, 25.802215, 8)`, `88d9b`),
				ex(`geo_point_to_s2cell(10.1234, 53, 8)`, `47b1d`),
				ex(`geo_point_to_s2cell(10.6842, 53, 8)`, `47ae3`),
				ex(`geo_point_to_s2cell(300, 1, 8)`, ``),
				ex(`geo_point_to_s2cell(1, 1, 35)`, ``),
				ex(`geo_point_to_s2cell(1, 1, int(null))`, ``)}},
		{Name: "geo_s2cell_to_central_point", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_s2cell_to_central_point", types.Dynamic, argString),
			Doc:    "the center of an S2 cell as a GeoJSON point", Scalar: confS2CellCenter,
			Examples: []Example{
				ex(`geo_s2cell_to_central_point("1234567")`, `{"type":"Point","coordinates":[9.86830731850408,27.468392925827604]}`),
				ex(`geo_s2cell_to_central_point("a")`, ``)}},
		{Name: "geo_s2cell_to_polygon", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_s2cell_to_polygon", types.Dynamic, argString),
			Doc:    "an S2 cell as a GeoJSON polygon", Scalar: confS2CellPolygon,
			Examples: []Example{
				ex(`geo_s2cell_to_polygon("89c259")`,
					`{"type": "Polygon", "coordinates": [[[-74.030012249838478, 40.8012684339439], [-74.030012249838478, 40.7222262918358], [-73.935982114337421, 40.708880489804564], [-73.935982114337421, 40.787917134506841], [-74.030012249838478, 40.8012684339439]]]}`),
				ex(`geo_s2cell_to_polygon("a")`, ``)}},
		{Name: "geo_s2cell_neighbors", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_s2cell_neighbors", types.Dynamic, argString),
			Doc:    "the S2 cells sharing an edge or a vertex with a cell", Scalar: confS2CellNeighbors,
			Examples: []Example{
				ex(`array_sort_asc(geo_s2cell_neighbors('89c259'))`, `["89c251","89c257","89c25b","89c25d","89c25f","89c2f5","89c2f7","89c2f9"]`),
				ex(`isnull(geo_s2cell_neighbors('a'))`, `true`)}},
		{Name: "geo_polygon_to_s2cells", Kind: Scalar, MinArgs: 1, MaxArgs: 3,
			Result: returns("geo_polygon_to_s2cells", types.Dynamic, argDynamic, argInteger, argNumber),
			Doc:    "the S2 cell tokens at one level covering a polygon or multipolygon", Scalar: confPolygonToS2Cells,
			Examples: []Example{
				ex(`array_length(geo_polygon_to_s2cells(dynamic({"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}), 5))`, `286`),
				ex(`isnull(geo_polygon_to_s2cells(dynamic({"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}), 30))`, `true`)}},
		{Name: "geo_line_to_s2cells", Kind: Scalar, MinArgs: 1, MaxArgs: 3,
			Result: returns("geo_line_to_s2cells", types.Dynamic, argDynamic, argInteger, argNumber),
			Doc:    "the S2 cell tokens at one level covering a line or multiline", Scalar: confLineToS2Cells,
			Examples: []Example{
				ex(`isnull(geo_line_to_s2cells(dynamic({"type":"LineString","coordinates":[[[0,0],[0,0]]]})))`, `true`)}},
	}
}
