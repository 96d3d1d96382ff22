package funcs

// aggregateFuncs declares the aggregate functions.
func aggregateFuncs() []*Func {
	return nil
}
