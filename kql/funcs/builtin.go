package funcs

// Default returns a new registry of every built-in function socfeed implements.
func Default() *Registry {
	var all []*Func
	for _, group := range [][]*Func{
		conversionFuncs(),
		stringFuncs(),
		datetimeFuncs(),
		mathFuncs(),
		logicalFuncs(),
		ipFuncs(),
		hashFuncs(),
		aggregateFuncs(),
		dynamicFuncs(),
		windowFuncs(),
		seriesFuncs(),
		seriesDecomposeFuncs(),
		rowFuncs(),
		userAgentFuncs(),
		confFuncs(),
		geoIntersectFuncs(),
		covFuncs(),
		seriesPeriodsFuncs(),
	} {
		all = append(all, group...)
	}
	applyKustoNaming(all)
	return NewRegistry(all...)
}
