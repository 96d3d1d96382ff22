package funcs

// ConfFuncsForTest exposes the conf_*.go declarations to the external example test.
var ConfFuncsForTest = confFuncs
