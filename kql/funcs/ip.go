package funcs

// ipFuncs declares the ip functions.
func ipFuncs() []*Func {
	return nil
}
