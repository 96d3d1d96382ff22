package funcs

import (
	"math"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// Geohash cells (geo_point_to_geohash, geo_geohash_to_central_point,
// geo_geohash_to_polygon, geo_geohash_neighbors) and geo_point_in_circle, following their
// reference pages. Points and polygons are GeoJSON with [longitude, latitude] coordinates.

const geohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// geohashEncode returns the geohash of a point with the given number of characters.
func geohashEncode(lon, lat float64, n int) string {
	minLon, maxLon, minLat, maxLat := -180.0, 180.0, -90.0, 90.0
	var b strings.Builder
	bit, ch, even := 0, 0, true
	for b.Len() < n {
		if even {
			mid := (minLon + maxLon) / 2
			if lon >= mid {
				ch = ch<<1 | 1
				minLon = mid
			} else {
				ch <<= 1
				maxLon = mid
			}
		} else {
			mid := (minLat + maxLat) / 2
			if lat >= mid {
				ch = ch<<1 | 1
				minLat = mid
			} else {
				ch <<= 1
				maxLat = mid
			}
		}
		even = !even
		if bit++; bit == 5 {
			b.WriteByte(geohashAlphabet[ch])
			bit, ch = 0, 0
		}
	}
	return b.String()
}

// geohashBounds returns a cell's bounds; ok is false for an empty or invalid geohash.
func geohashBounds(h string) (minLon, maxLon, minLat, maxLat float64, ok bool) {
	if h == "" || len(h) > 18 {
		return 0, 0, 0, 0, false
	}
	minLon, maxLon, minLat, maxLat = -180, 180, -90, 90
	even := true
	for i := 0; i < len(h); i++ {
		v := strings.IndexByte(geohashAlphabet, h[i])
		if v < 0 {
			return 0, 0, 0, 0, false
		}
		for m := 16; m > 0; m >>= 1 {
			if even {
				mid := (minLon + maxLon) / 2
				if v&m != 0 {
					minLon = mid
				} else {
					maxLon = mid
				}
			} else {
				mid := (minLat + maxLat) / 2
				if v&m != 0 {
					minLat = mid
				} else {
					maxLat = mid
				}
			}
			even = !even
		}
	}
	return minLon, maxLon, minLat, maxLat, true
}

func geoValidPoint(lon, lat float64) bool {
	return !math.IsNaN(lon) && !math.IsNaN(lat) && math.Abs(lon) <= 180 && math.Abs(lat) <= 90
}

func geoPointJSON(lon, lat float64) types.Value {
	buf := []byte(`{"type":"Point","coordinates":[`)
	buf = types.AppendJSONReal(buf, lon)
	buf = append(buf, ',')
	buf = types.AppendJSONReal(buf, lat)
	return types.NewDynamic(string(append(buf, "]}"...)))
}

func confPointToGeohash(_ *Context, args []types.Value) types.Value {
	lon, ok1 := asReal(aggScalar(args[0]))
	lat, ok2 := asReal(aggScalar(args[1]))
	n := int64(5)
	if len(args) > 2 && !args[2].IsNull() {
		var ok bool
		if n, ok = asLong(aggScalar(args[2])); !ok {
			return types.NewString("")
		}
	}
	if !ok1 || !ok2 || !geoValidPoint(lon, lat) || n < 1 || n > 18 {
		return types.NewString("")
	}
	return types.NewString(geohashEncode(lon, lat, int(n)))
}

func confGeohashCenter(_ *Context, args []types.Value) types.Value {
	w, e, s, n, ok := geohashBounds(text(args[0]))
	if !ok {
		return dynNull
	}
	return geoPointJSON((w+e)/2, (s+n)/2)
}

func confGeohashPolygon(_ *Context, args []types.Value) types.Value {
	w, e, s, n, ok := geohashBounds(text(args[0]))
	if !ok {
		return dynNull
	}
	buf := []byte(`{"type":"Polygon","coordinates":[[`)
	for i, p := range [][2]float64{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}} {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		buf = types.AppendJSONReal(buf, p[0])
		buf = append(buf, ',')
		buf = types.AppendJSONReal(buf, p[1])
		buf = append(buf, ']')
	}
	return types.NewDynamic(string(append(buf, "]]}"...)))
}

// confGeohashNeighbors returns the eight neighbouring cells of the same size, found by
// encoding the point one cell away in each direction, in the reference page's order:
// south-west, north-west, south-east, north, west, north-east, east, south. Cells beyond
// a pole are left out; longitudes wrap around.
func confGeohashNeighbors(_ *Context, args []types.Value) types.Value {
	h := text(args[0])
	w, e, s, n, ok := geohashBounds(h)
	if !ok {
		return dynNull
	}
	dLon, dLat := e-w, n-s
	cLon, cLat := (w+e)/2, (s+n)/2
	var out []string
	// Order as on geo-geohash-neighbors-function.md: for 'sunny',
	// ["sunnt","sunpj","sunnx","sunpn","sunnv","sunpp","sunnz","sunnw"].
	for _, d := range [][2]float64{{-1, -1}, {-1, 1}, {1, -1}, {0, 1}, {-1, 0}, {1, 1}, {1, 0}, {0, -1}} {
		lat := cLat + d[1]*dLat
		if lat > 90 || lat < -90 {
			continue
		}
		lon := cLon + d[0]*dLon
		if lon > 180 {
			lon -= 360
		} else if lon < -180 {
			lon += 360
		}
		out = append(out, geohashEncode(lon, lat, len(h)))
	}
	buf := []byte{'['}
	for i, c := range out {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = types.AppendJSONString(buf, c)
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// confPointInCircle implements geo_point_in_circle(lon, lat, center_lon, center_lat,
// radius): whether the point is within radius meters of the center on the sphere
// geo_distance_2points uses. A negative radius or invalid coordinates give null.
func confPointInCircle(ctx *Context, args []types.Value) types.Value {
	r, ok := asReal(aggScalar(args[4]))
	if !ok || r < 0 || math.IsNaN(r) {
		return types.NullOf(types.Bool)
	}
	d := confGeoDistance(ctx, args[:4])
	if d.IsNull() {
		return types.NullOf(types.Bool)
	}
	return types.NewBool(d.F <= r)
}

// confGeohashFuncs declares the functions of this file.
func confGeohashFuncs() []*Func {
	return []*Func{
		{Name: "geo_point_to_geohash", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: returns("geo_point_to_geohash", types.String, argNumber, argNumber, argInteger),
			Doc:    "the geohash of a point, with accuracy 1 to 18 characters (5 by default)", Scalar: confPointToGeohash,
			Examples: []Example{ex(`geo_point_to_geohash(-122.303404, 47.570482)`, `c23n8`), ex(`geo_point_to_geohash(200, 1, 8)`, ``)}},
		{Name: "geo_geohash_to_central_point", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_geohash_to_central_point", types.Dynamic, argString),
			Doc:    "the center of a geohash cell as a GeoJSON point", Scalar: confGeohashCenter,
			Examples: []Example{ex(`geo_geohash_to_central_point("sunny")`, `{"type":"Point","coordinates":[42.47314453125,23.70849609375]}`)}},
		{Name: "geo_geohash_to_polygon", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_geohash_to_polygon", types.Dynamic, argString),
			Doc:    "a geohash cell as a GeoJSON polygon", Scalar: confGeohashPolygon,
			Examples: []Example{ex(`geo_geohash_to_polygon("dr5ru")`,
				`{"type":"Polygon","coordinates":[[[-74.00390625,40.7373046875],[-73.9599609375,40.7373046875],[-73.9599609375,40.78125],[-74.00390625,40.78125],[-74.00390625,40.7373046875]]]}`)}},
		{Name: "geo_geohash_neighbors", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_geohash_neighbors", types.Dynamic, argString),
			Doc:    "the eight geohash cells around a cell", Scalar: confGeohashNeighbors,
			Examples: []Example{ex(`geo_geohash_neighbors('sunny')`, `["sunnt","sunpj","sunnx","sunpn","sunnv","sunpp","sunnz","sunnw"]`)}},
		{Name: "geo_point_in_circle", Kind: Scalar, MinArgs: 5, MaxArgs: 5,
			Result: returns("geo_point_in_circle", types.Bool, argNumber),
			Doc:    "whether a point is within a radius in meters of a center", Scalar: confPointInCircle,
			Examples: []Example{ex(`geo_point_in_circle(-122.137575, 47.630683, -122.100896, 47.527351, 3500)`, `false`)}},
	}
}
