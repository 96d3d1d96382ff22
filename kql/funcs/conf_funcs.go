package funcs

// confFuncs declares the functions added to pass the documentation's examples: the
// element-wise series functions and the array, bag, string and conversion functions the
// conf_*.go files hold.
func confFuncs() []*Func {
	var out []*Func
	out = append(out, confSeriesFuncs()...)
	out = append(out, confMiscFuncs()...)
	out = append(out, confPunycodeFuncs()...)
	out = append(out, confConvertFuncs()...)
	out = append(out, confAggFuncs()...)
	out = append(out, confGeoFuncs()...)
	out = append(out, confGeohashFuncs()...)
	out = append(out, confGeoShapeFuncs()...)
	out = append(out, confGeoWKTFuncs()...)
	out = append(out, confGeoCentroidFuncs()...)
	out = append(out, confGeoDensifyFuncs()...)
	out = append(out, confGeoSimplifyFuncs()...)
	out = append(out, geoS2Funcs()...)
	return out
}
