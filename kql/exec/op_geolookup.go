package exec

import (
	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// geoLookup joins each input row with the lookup rows whose shape holds its point or
// lies within the radius (geo_polygon_lookup, geo_line_lookup), using the registry's
// geo_point_in_polygon, geo_distance_point_to_polygon and geo_distance_point_to_line so
// the plugins match exactly as those functions do.
func (x *executor) geoLookup(n *plan.GeoLookup) ([]*column.Batch, error) {
	in, err := x.collectBatch(n.Input)
	if err != nil {
		return nil, err
	}
	lk, err := x.collectBatch(n.Lookup)
	if err != nil {
		return nil, err
	}
	fn := func(name string) (func([]types.Value) types.Value, error) {
		f, ok := x.eng.Funcs.Lookup(name)
		if !ok || f.Scalar == nil {
			return nil, &InternalError{Msg: name + " is not in the function registry"}
		}
		return func(args []types.Value) types.Value { return f.Scalar(x.fctx, args) }, nil
	}
	radius := -1.0
	if n.Radius != nil {
		v, ok := plan.FoldConst(n.Radius)
		if !ok {
			return nil, &RuntimeError{Op: "evaluate", Msg: "the radius must be a constant number of meters"}
		}
		r := types.ToReal(v)
		if r.IsNull() || r.F < 0 {
			return nil, &RuntimeError{Op: "evaluate", Msg: "the radius must be a non-negative number of meters, found " + FormatValue(v)}
		}
		radius = r.F
	}
	var match func(lon, lat, shape types.Value) bool
	switch {
	case n.Line:
		dist, err := fn("geo_distance_point_to_line")
		if err != nil {
			return nil, err
		}
		match = func(lon, lat, shape types.Value) bool {
			d := dist([]types.Value{lon, lat, shape})
			return !d.IsNull() && d.F <= radius
		}
	case radius >= 0:
		dist, err := fn("geo_distance_point_to_polygon")
		if err != nil {
			return nil, err
		}
		match = func(lon, lat, shape types.Value) bool {
			d := dist([]types.Value{lon, lat, shape})
			return !d.IsNull() && d.F <= radius
		}
	default:
		inside, err := fn("geo_point_in_polygon")
		if err != nil {
			return nil, err
		}
		match = func(lon, lat, shape types.Value) bool {
			v := inside([]types.Value{lon, lat, shape})
			return !v.IsNull() && v.Bool()
		}
	}
	shapes := make([]types.Value, lk.Len)
	for r := range shapes {
		shapes[r] = lk.Cols[n.Key].Value(r)
	}
	var li, ri []int32
	for r := 0; r < in.Len; r++ {
		if r%1024 == 0 {
			if err := x.ctx.Err(); err != nil {
				return nil, err
			}
		}
		lon, lat := types.ToReal(in.Cols[n.Lon].Value(r)), types.ToReal(in.Cols[n.Lat].Value(r))
		found := false
		if !lon.IsNull() && !lat.IsNull() {
			for k, s := range shapes {
				if !s.IsNull() && match(lon, lat, s) {
					li, ri = append(li, int32(r)), append(ri, int32(k))
					found = true
				}
			}
		}
		if !found && n.Unmatched {
			li, ri = append(li, int32(r)), append(ri, -1)
		}
	}
	return x.lookupRows(in, lk, li, ri, n.LookupOut, n.Fields), nil
}
