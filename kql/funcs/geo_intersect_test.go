package funcs_test

import (
	"context"
	"testing"
	"time"

	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
)

// TestGeoIntersect runs the reference pages' examples of the geo intersection functions,
// plus each function's declared examples, comparing numbers within a relative 1e-9.
func TestGeoIntersect(t *testing.T) {
	const (
		line1   = `dynamic({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]})`
		line2   = `dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]})`
		tri     = `dynamic({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]})`
		park    = `dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]})`
		holed   = `dynamic({"type":"Polygon","coordinates":[[[-90.263,36.738],[-102.041,45.274],[-109.335,36.527],[-90.263,36.738]],[[-100.393,41.705],[-103.139,38.925],[-97.558,39.113],[-100.393,41.705]]]})`
		square  = `dynamic({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]})`
		inner   = `dynamic({"type":"Polygon","coordinates":[[[2,2],[3,2],[3,3],[2,3],[2,2]]]})`
		faraway = `dynamic({"type":"Polygon","coordinates":[[[20,20],[30,20],[30,30],[20,30],[20,20]]]})`
	)
	cases := []struct{ expr, want string }{
		{`geo_intersects_2lines(` + line1 + `, ` + line2 + `)`, `true`},
		{`geo_intersects_2lines(dynamic({"type":"LineString","coordinates":[[1,1],[2,2]]}), dynamic({"type":"LineString","coordinates":[[3,3],[4,4]]}))`, `false`},
		{`geo_intersects_2lines(` + line1 + `, dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275]]}))`, ``},
		{`geo_intersects_2lines(` + line1 + `, ` + tri + `)`, ``},
		{`geo_intersects_line_with_polygon(` + line2 + `, ` + tri + `)`, `true`},
		{`geo_intersects_line_with_polygon(dynamic({"type":"LineString","coordinates":[[1,1],[2,2]]}), ` + tri + `)`, `false`},
		{`geo_intersects_line_with_polygon(dynamic({"type":"LineString","coordinates":[[2.5,2.5],[2.6,2.6]]}), ` + square + `)`, `true`},
		{`geo_intersects_line_with_polygon(` + line2 + `, dynamic({"type":"Polygon","coordinates":[]}))`, ``},
		{`geo_intersects_2polygons(dynamic({"type":"Polygon","coordinates":[[[-73.9630937576294,40.77498840732385],[-73.963565826416,40.774383111780914],[-73.96205306053162,40.773745311181585],[-73.96160781383514,40.7743912365898],[-73.9630937576294,40.77498840732385]]]}), dynamic({"type":"Polygon","coordinates":[[[-73.96213352680206,40.775045280447145],[-73.9631313085556,40.774578106920345],[-73.96207988262177,40.77416780398293],[-73.96213352680206,40.775045280447145]]]}))`, `true`},
		{`geo_intersects_2polygons(` + square + `, ` + inner + `)`, `true`},
		{`geo_intersects_2polygons(` + inner + `, ` + square + `)`, `true`},
		{`geo_intersects_2polygons(` + square + `, ` + faraway + `)`, `false`},
		{`geo_intersects_2polygons(dynamic({"type":"Polygon"}), ` + park + `)`, ``},
		{`geo_intersection_2lines(` + line1 + `, ` + line2 + `)`, `{"type": "Point","coordinates": [-73.979837116670978,40.783989289772165]}`},
		{`geo_intersection_2lines(` + line1 + `, ` + line1 + `)`, `{"type": "LineString","coordinates": [[ -73.978929, 40.785155],[ -73.980903, 40.782621]]}`},
		{`geo_intersection_2lines(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), dynamic({"type":"LineString","coordinates":[[3, 3],[4, 4]]}))`, `{"type": "GeometryCollection", "geometries": []}`},
		{`isnull(geo_intersection_2lines(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), dynamic({"type":"LineString","coordinates":[[3, 3]]})))`, `true`},
		{`geo_intersection_line_with_polygon(` + line2 + `, ` + tri + `)`, `{"type": "LineString","coordinates": [[-73.975611956578192,40.78060906714618],[-73.974552,40.779761]]}`},
		{`geo_intersection_line_with_polygon(dynamic({"type":"LineString","coordinates":[[-110.522, 39.198],[-91.428, 40.880]]}), ` + holed + `)`, `{"type": "MultiLineString","coordinates": [[[  -106.89353655881905,  39.769226209776306],[  -101.74448553679453,  40.373506008712525]],[[-99.136499431328858,  40.589336512699994],[-95.284527737311791,  40.799060242246348]]]}`},
		{`geo_intersection_line_with_polygon(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), ` + tri + `)`, `{"type": "GeometryCollection","geometries": []}`},
		{`geo_intersection_line_with_polygon(dynamic({"type":"LineString","coordinates":[[2,2],[3,3]]}), ` + square + `)`, `{"type":"LineString","coordinates":[[2,2],[3,3]]}`},
		{`isnull(geo_intersection_line_with_polygon(` + line2 + `, dynamic({"type":"Polygon","coordinates":[]})))`, `true`},
		{`geo_closest_point_on_polygon(-73.9839, 40.7705, ` + park + `)`, `{"type": "Point","coordinates": [-73.981205580153926, 40.769359452843211] }`},
		{`geo_closest_point_on_polygon(5, 5, ` + square + `)`, `{"type":"Point","coordinates":[5,5]}`},
		{`isnull(geo_closest_point_on_polygon(500,1,dynamic({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,1],[0,0]]]})))`, `true`},
		{`isnull(geo_closest_point_on_polygon(1,1,dynamic({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]})))`, `true`},
	}
	reg := funcs.Default()
	for _, name := range []string{"geo_intersects_2lines", "geo_intersects_2polygons", "geo_intersects_line_with_polygon",
		"geo_intersection_2lines", "geo_intersection_line_with_polygon", "geo_closest_point_on_polygon"} {
		f, ok := reg.Lookup(name)
		if !ok {
			t.Fatalf("%s: not declared", name)
		}
		for _, e := range f.Examples {
			cases = append(cases, struct{ expr, want string }{e.Expr, e.Want})
		}
	}
	eng := &exec.Engine{Funcs: reg, Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, c := range cases {
		res, err := eng.Query(context.Background(), "print r = "+c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		got := exec.FormatValue(res.Tables[0].Rows[0][0])
		if !sameText(got, c.want) {
			t.Errorf("%s = %s, want %s", c.expr, got, c.want)
		}
	}
}
