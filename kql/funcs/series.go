package funcs

// seriesFuncs declares the series functions.
func seriesFuncs() []*Func {
	return nil
}
