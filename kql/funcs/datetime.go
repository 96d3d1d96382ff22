package funcs

// datetimeFuncs declares the datetime functions.
func datetimeFuncs() []*Func {
	return nil
}
