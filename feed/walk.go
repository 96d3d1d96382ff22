package feed

import (
	"reflect"

	"github.com/socfeed/socfeed/kql/syntax"
)

var nodeType = reflect.TypeFor[syntax.Node]()

// inspect calls f for every syntax node under n in depth-first order, with the chain of
// enclosing nodes (outermost first, n's ancestors excluded when n is the start). When f
// returns false the node's children are skipped. It finds children by reflection so that
// it follows every node kind of package syntax, including ones added after this was
// written; the tree has no cycles.
func inspect(n syntax.Node, f func(n syntax.Node, stack []syntax.Node) bool) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	var stack []syntax.Node
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface:
			if !v.IsNil() {
				visit(v.Elem())
			}
		case reflect.Pointer:
			if v.IsNil() || v.Elem().Kind() != reflect.Struct {
				return
			}
			if v.Type().Implements(nodeType) {
				node := v.Interface().(syntax.Node)
				if !f(node, stack) {
					return
				}
				stack = append(stack, node)
				defer func() { stack = stack[:len(stack)-1] }()
			}
			visit(v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					visit(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				visit(v.Index(i))
			}
		}
	}
	visit(reflect.ValueOf(n))
}
