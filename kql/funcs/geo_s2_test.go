package funcs_test

import (
	"context"
	"testing"
	"time"

	"github.com/socfeed/socfeed/internal/conformance"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
)

// TestGeoS2 checks the S2 cell functions beyond their documented examples: level and
// token validity, cells at cube corners, and coverings of polygons with holes,
// multipolygons, lines and buffers.
func TestGeoS2(t *testing.T) {
	const (
		square = `dynamic({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]})`
		// The same square wound clockwise: a ring bounds the smaller of its two regions.
		squareCW = `dynamic({"type":"Polygon","coordinates":[[[0,0],[0,10],[10,10],[10,0],[0,0]]]})`
		holed    = `dynamic({"type":"Polygon","coordinates":[[[-90.263,36.738],[-102.041,45.274],[-109.335,36.527],[-90.263,36.738]],[[-100.393,41.705],[-103.139,38.925],[-97.558,39.113],[-100.393,41.705]]]})`
		multi    = `dynamic({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[20,20],[21,20],[21,21],[20,21],[20,20]]]]})`
		line     = `dynamic({"type":"LineString","coordinates":[[-0.087152,51.509596],[-0.088340,51.506110]]})`
		lines    = `dynamic({"type":"MultiLineString","coordinates":[[[0,0],[0.1,0.1]],[[5,5],[5.1,5]]]})`
	)
	// covers tells whether covering holds the level-l cell of (lon, lat).
	covers := func(covering string, lon, lat string, l string) string {
		return `array_index_of(` + covering + `, geo_point_to_s2cell(` + lon + `, ` + lat + `, ` + l + `)) >= 0`
	}
	cases := []struct{ expr, want string }{
		{`geo_point_to_s2cell(0, 0, 0)`, `1`},
		{`strlen(geo_point_to_s2cell(-73.95, 40.75))`, `7`}, // level 11: 3 face bits, 22 position bits and the marker bit
		{`geo_point_to_s2cell(-73.95, 40.75) == geo_point_to_s2cell(-73.95, 40.75, 11)`, `true`},
		{`geo_point_to_s2cell(-180, 90, 30) != ""`, `true`},
		{`geo_point_to_s2cell(0, 91, 5)`, ``},
		{`geo_point_to_s2cell(0, 0, -1)`, ``},
		{`geo_point_to_s2cell(real(nan), 0, 5)`, ``},
		// A level-30 cell is a few millimeters wide: its center is the point.
		{`geo_s2cell_to_central_point(geo_point_to_s2cell(-73.95, 40.75, 30)).coordinates[0] - -73.95 < 1e-7`, `true`},
		{`geo_s2cell_to_central_point(geo_point_to_s2cell(-73.95, 40.75, 30)).coordinates[1] - 40.75 < 1e-7`, `true`},
		{`geo_s2cell_to_central_point("1")`, `{"type":"Point","coordinates":[0,0]}`},
		{`isnull(geo_s2cell_to_central_point(""))`, `true`},
		{`isnull(geo_s2cell_to_central_point("0"))`, `true`},
		{`isnull(geo_s2cell_to_central_point("89c25g"))`, `true`},
		{`isnull(geo_s2cell_to_central_point("89c2590000000000a"))`, `true`}, // 17 digits
		{`array_length(geo_s2cell_to_polygon("89c259").coordinates[0])`, `5`},
		{`geo_s2cell_to_polygon("89c259").coordinates[0][0] == geo_s2cell_to_polygon("89c259").coordinates[0][4]`, `true`},
		// A face touches four others; a cell at a cube corner has seven neighbours.
		{`array_sort_asc(geo_s2cell_neighbors("1"))`, `["3","5","9","b"]`},
		{`array_length(geo_s2cell_neighbors("04"))`, `7`},
		{`array_index_of(geo_s2cell_neighbors("04"), "04")`, `-1`},
		{covers(`geo_polygon_to_s2cells(`+square+`, 8)`, `5`, `5`, `8`), `true`},
		{covers(`geo_polygon_to_s2cells(`+square+`, 8)`, `15`, `5`, `8`), `false`},
		{`geo_polygon_to_s2cells(` + square + `, 6) == geo_polygon_to_s2cells(` + squareCW + `, 6)`, `true`},
		{`geo_polygon_to_s2cells(` + square + `) == geo_polygon_to_s2cells(` + square + `, 11)`, `true`},
		{covers(`geo_polygon_to_s2cells(`+holed+`, 8)`, `-96`, `38`, `8`), `true`},
		{covers(`geo_polygon_to_s2cells(`+holed+`, 8)`, `-100.36`, `39.91`, `8`), `false`},
		{covers(`geo_polygon_to_s2cells(`+multi+`, 9)`, `0.5`, `0.5`, `9`), `true`},
		{covers(`geo_polygon_to_s2cells(`+multi+`, 9)`, `20.5`, `20.5`, `9`), `true`},
		{covers(`geo_polygon_to_s2cells(`+multi+`, 9)`, `10.5`, `10.5`, `9`), `false`},
		// 10.2 E is about 22 km east of the square's edge at 5 N.
		{covers(`geo_polygon_to_s2cells(`+square+`, 10)`, `10.2`, `5`, `10`), `false`},
		{covers(`geo_polygon_to_s2cells(`+square+`, 10, 30000)`, `10.2`, `5`, `10`), `true`},
		{covers(`geo_polygon_to_s2cells(`+square+`, 10, 10000)`, `10.2`, `5`, `10`), `false`},
		{`isnull(geo_polygon_to_s2cells(` + square + `, 31))`, `true`},
		{`isnull(geo_polygon_to_s2cells(` + square + `, int(null)))`, `true`},
		{`isnull(geo_polygon_to_s2cells(` + square + `, 5, -1))`, `true`},
		{`isnull(geo_polygon_to_s2cells(` + square + `, 20))`, `true`}, // far more than 65536 cells
		{`isnull(geo_polygon_to_s2cells(dynamic({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10]]]})))`, `true`},
		{`isnull(geo_polygon_to_s2cells(` + line + `))`, `true`},
		{`geo_line_to_s2cells(` + line + `, 14)`, `["48760351","48760357"]`},
		// -0.0834 E is about 300 m east of the line at 51.508 N.
		{covers(`geo_line_to_s2cells(`+line+`, 16, 500)`, `-0.0834`, `51.508`, `16`), `true`},
		{covers(`geo_line_to_s2cells(`+line+`, 16)`, `-0.0834`, `51.508`, `16`), `false`},
		{covers(`geo_line_to_s2cells(`+line+`, 16, 100)`, `-0.0834`, `51.508`, `16`), `false`},
		{covers(`geo_line_to_s2cells(`+lines+`, 12)`, `5.05`, `5`, `12`), `true`},
		{covers(`geo_line_to_s2cells(`+lines+`, 12)`, `0.05`, `0.05`, `12`), `true`},
		{`geo_line_to_s2cells(dynamic({"type":"LineString","coordinates":[[1,1],[1,1]]}), 9) == pack_array(geo_point_to_s2cell(1, 1, 9))`, `true`},
		{`isnull(geo_line_to_s2cells(` + square + `))`, `true`},
		{`isnull(geo_line_to_s2cells(` + line + `, 30, 1e7))`, `true`},
	}
	reg := funcs.Default()
	eng := &exec.Engine{Funcs: reg, Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, c := range cases {
		res, err := eng.Query(context.Background(), "print r = "+c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		got := res.Tables[0].Rows[0][0]
		if !conformance.CellEqual(c.want, got, false, exec.FormatValue) {
			t.Errorf("%s = %s, want %s", c.expr, exec.FormatValue(got), c.want)
		}
	}
}
