package funcs

// logicalFuncs declares the logical functions.
func logicalFuncs() []*Func {
	return nil
}
