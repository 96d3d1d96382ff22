package funcs

import (
	"math"
	"unicode/utf8"

	"github.com/socfeed/socfeed/kql/types"
)

// confEarthRadius is the radius of the sphere geo_distance_2points measures on, in
// meters: the value that reproduces the reference page's example exactly.
const confEarthRadius = 6371010.0

// confGeoDistance implements geo_distance_2points(lon1, lat1, lon2, lat2[, use_spheroid]):
// the great-circle distance in meters on a sphere, or with use_spheroid the geodesic
// distance on the WGS84 ellipsoid (Vincenty's inverse formula). Coordinates out of range
// give null.
func confGeoDistance(_ *Context, args []types.Value) types.Value {
	var c [4]float64
	for i := range c {
		f, ok := asReal(aggScalar(args[i]))
		if !ok || math.IsNaN(f) {
			return types.NullOf(types.Real)
		}
		c[i] = f
	}
	lon1, lat1, lon2, lat2 := c[0], c[1], c[2], c[3]
	if math.Abs(lon1) > 180 || math.Abs(lon2) > 180 || math.Abs(lat1) > 90 || math.Abs(lat2) > 90 {
		return types.NullOf(types.Real)
	}
	if len(args) > 4 && !args[4].IsNull() && args[4].Bool() {
		if d, ok := confVincenty(lon1, lat1, lon2, lat2); ok {
			return types.NewReal(d)
		}
	}
	rad := math.Pi / 180
	p1, p2 := lat1*rad, lat2*rad
	dp, dl := p2-p1, (lon2-lon1)*rad
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return types.NewReal(2 * confEarthRadius * math.Asin(math.Min(1, math.Sqrt(a))))
}

// confVincenty is Vincenty's inverse geodesic distance on WGS84; ok is false when it does
// not converge (nearly antipodal points).
func confVincenty(lon1, lat1, lon2, lat2 float64) (float64, bool) {
	const a, f = 6378137.0, 1 / 298.257223563
	b := a * (1 - f)
	rad := math.Pi / 180
	L := (lon2 - lon1) * rad
	U1, U2 := math.Atan((1-f)*math.Tan(lat1*rad)), math.Atan((1-f)*math.Tan(lat2*rad))
	sinU1, cosU1, sinU2, cosU2 := math.Sin(U1), math.Cos(U1), math.Sin(U2), math.Cos(U2)
	lambda := L
	for i := 0; i < 200; i++ {
		sinL, cosL := math.Sin(lambda), math.Cos(lambda)
		sinSigma := math.Hypot(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
		if sinSigma == 0 {
			return 0, true
		}
		cosSigma := sinU1*sinU2 + cosU1*cosU2*cosL
		sigma := math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha := 1 - sinAlpha*sinAlpha
		cos2SigmaM := 0.0
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		C := f / 16 * cos2Alpha * (4 + f*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			u2 := cos2Alpha * (a*a - b*b) / (b * b)
			A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
			B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
			dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
				B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
			return b * A * (sigma - dSigma), true
		}
	}
	return 0, false
}

// confGeoFuncs declares geo_distance_2points, the one geo function Sentinel rules use in
// the corpus, and the text checks isascii and isutf8.
func confGeoFuncs() []*Func {
	return []*Func{
		{Name: "geo_distance_2points", Kind: Scalar, MinArgs: 4, MaxArgs: 5,
			Result: returns("geo_distance_2points", types.Real, argNumber, argNumber, argNumber, argNumber, argBool),
			Doc:    "the shortest distance in meters between two points given as longitude and latitude",
			Scalar: confGeoDistance,
			Examples: []Example{
				ex(`geo_distance_2points(-122.407628, 47.578557, -118.275287, 34.019056)`, `1546754.35197381`),
				ex(`geo_distance_2points(300, 1, 1, 1)`, ``),
			}},
		{Name: "isascii", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("isascii", types.Bool, argString),
			Doc:    "whether the text is ASCII only",
			Scalar: func(_ *Context, args []types.Value) types.Value {
				s := text(args[0])
				for i := 0; i < len(s); i++ {
					if s[i] >= 0x80 {
						return types.NewBool(false)
					}
				}
				return types.NewBool(true)
			},
			Examples: []Example{ex(`isascii("some string")`, `true`), ex(`isascii("naïve")`, `false`)}},
		{Name: "isutf8", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("isutf8", types.Bool, argString),
			Doc:    "whether the text is valid UTF-8",
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return types.NewBool(utf8.ValidString(text(args[0])))
			},
			Examples: []Example{ex(`isutf8("some string")`, `true`)}},
	}
}
