package funcs

import (
	"github.com/socfeed/socfeed/kql/types"
)

// Default and largest maxSize of make_list, make_set and make_bag, and the default of their
// deprecated forms (makelist, makeset, make_dictionary).
const (
	aggMaxSize       = 1 << 20
	aggLegacyMaxSize = 128
)

// aggMaxSizeArg reads the optional maxSize constant at argument i.
func aggMaxSizeArg(fn string, consts []types.Value, i int, def int64) (int, error) {
	n, err := aggConstInt(fn, consts, i, def, 1)
	if err != nil {
		return 0, err
	}
	return int(min(n, aggMaxSize)), nil
}

// listAgg collects values into a JSON array, in input order: make_list(x[, maxSize]) and
// make_list_with_nulls(x). Nulls are skipped unless withNulls is set. A dynamic array is
// kept as one element (make_list(pack_array(a, b)) gives a list of pairs).
type listAgg struct {
	max       int
	withNulls bool
	n         int
	buf       []byte // the elements' JSON text, comma-separated
}

func aggNewList(fn string, def int64, withNulls bool) AggFactory {
	return func(_ []types.Type, consts []types.Value) (Aggregator, error) {
		max, err := aggMaxSizeArg(fn, consts, 1, def)
		if err != nil {
			return nil, err
		}
		return &listAgg{max: max, withNulls: withNulls}, nil
	}
}

func (a *listAgg) Add(args []types.Value) int {
	v := args[0]
	if a.n >= a.max || (v.IsNull() && !a.withNulls) {
		return 0
	}
	before := cap(a.buf)
	if a.n > 0 {
		a.buf = append(a.buf, ',')
	}
	a.buf = types.AppendDynamic(a.buf, v)
	a.n++
	return cap(a.buf) - before
}

func (a *listAgg) Merge(other Aggregator) {
	o := aggOther[*listAgg](a, other)
	if o.n == 0 {
		return
	}
	if a.n+o.n <= a.max {
		if a.n > 0 {
			a.buf = append(a.buf, ',')
		}
		a.buf = append(a.buf, o.buf...)
		a.n += o.n
		return
	}
	types.JSON("[" + string(o.buf) + "]").Each(func(e types.JSON) bool {
		if a.n >= a.max {
			return false
		}
		if a.n > 0 {
			a.buf = append(a.buf, ',')
		}
		a.buf = append(a.buf, e...)
		a.n++
		return true
	})
}

func (a *listAgg) Result() types.Value {
	return types.NewDynamic("[" + string(a.buf) + "]")
}

// setAgg collects distinct values into a JSON array, in order of first appearance:
// make_set(x[, maxSize]). Nulls are skipped; the elements of a dynamic array are added one
// by one, as Kusto does. Values are distinct by their JSON text (case-sensitively).
type setAgg struct {
	max   int
	seen  map[string]struct{}
	order []string
}

func aggNewSet(fn string, def int64) AggFactory {
	return func(_ []types.Type, consts []types.Value) (Aggregator, error) {
		max, err := aggMaxSizeArg(fn, consts, 1, def)
		if err != nil {
			return nil, err
		}
		return &setAgg{max: max, seen: make(map[string]struct{})}, nil
	}
}

func (a *setAgg) addJSON(text string) int {
	if len(a.order) >= a.max || text == "null" {
		return 0
	}
	if _, ok := a.seen[text]; ok {
		return 0
	}
	a.seen[text] = struct{}{}
	a.order = append(a.order, text)
	return 2*len(text) + 64
}

func (a *setAgg) Add(args []types.Value) int {
	v := args[0]
	if v.IsNull() {
		return 0
	}
	if v.Type != types.Dynamic {
		return a.addJSON(string(types.AppendDynamic(nil, v)))
	}
	j := types.JSON(v.S)
	if j.Kind() != types.JSONArray {
		return a.addJSON(v.S)
	}
	grew := 0
	j.Each(func(e types.JSON) bool {
		grew += a.addJSON(string(e))
		return len(a.order) < a.max
	})
	return grew
}

func (a *setAgg) Merge(other Aggregator) {
	for _, text := range aggOther[*setAgg](a, other).order {
		a.addJSON(text)
	}
}

func (a *setAgg) Result() types.Value {
	n := 2
	for _, s := range a.order {
		n += len(s) + 1
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '[')
	for i, s := range a.order {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, s...)
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// bagAgg merges property bags into one: make_bag(x[, maxSize]). Values that are not bags
// are skipped; when a key repeats, the first value seen is kept (Kusto picks one
// arbitrarily). maxSize limits the number of keys.
type bagAgg struct {
	max  int
	seen map[string]struct{}
	buf  []byte // "key":value members, comma-separated
	n    int
}

func aggNewBag(fn string, def int64) AggFactory {
	return func(_ []types.Type, consts []types.Value) (Aggregator, error) {
		max, err := aggMaxSizeArg(fn, consts, 1, def)
		if err != nil {
			return nil, err
		}
		return &bagAgg{max: max, seen: make(map[string]struct{})}, nil
	}
}

func (a *bagAgg) addBag(j types.JSON) int {
	before, n := cap(a.buf), a.n
	j.Members(func(k, v types.JSON) bool {
		if a.n >= a.max {
			return false
		}
		key, ok := k.Unquote()
		if !ok {
			return true
		}
		if _, dup := a.seen[key]; dup {
			return true
		}
		a.seen[key] = struct{}{}
		if a.n > 0 {
			a.buf = append(a.buf, ',')
		}
		a.buf = types.AppendJSONString(a.buf, key)
		a.buf = append(a.buf, ':')
		a.buf = append(a.buf, v...)
		a.n++
		return true
	})
	return cap(a.buf) - before + 48*(a.n-n)
}

func (a *bagAgg) Add(args []types.Value) int {
	v := args[0]
	if v.Type != types.Dynamic || v.IsNull() || types.JSON(v.S).Kind() != types.JSONObject {
		return 0
	}
	return a.addBag(types.JSON(v.S))
}

func (a *bagAgg) Merge(other Aggregator) {
	o := aggOther[*bagAgg](a, other)
	a.addBag(types.JSON("{" + string(o.buf) + "}"))
}

func (a *bagAgg) Result() types.Value {
	return types.NewDynamic("{" + string(a.buf) + "}")
}
