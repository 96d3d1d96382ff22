package funcs

// dynamicFuncs declares the dynamic functions.
func dynamicFuncs() []*Func {
	return nil
}
