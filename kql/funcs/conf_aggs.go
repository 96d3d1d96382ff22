package funcs

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// This file holds the sketch aggregates and their scalar companions (hll, hll_merge,
// dcount_hll, tdigest, tdigest_merge, merge_tdigest, percentile_tdigest,
// percentiles_array_tdigest, rank_tdigest), buildschema, and variancepif/stdevpif.
//
// Sketches are dynamic values socfeed defines (Kusto's are opaque too):
//
//   - An hll sketch is the state of dcount: {"socfeed_hll":[hash, ...]} holding the 64-bit
//     hashes (as hex strings) of up to confHLLExactMax distinct values, or
//     {"socfeed_hll_regs":"<base64>"} holding the 2^14 HyperLogLog registers. dcount_hll
//     of a sketch gives what dcount gives over the same values.
//   - A tdigest sketch keeps every value, sorted: {"socfeed_tdigest":[v, ...],"type":"long"}.
//     percentile_tdigest is then the exact nearest-rank percentile, which is what
//     percentile gives; it grows with the number of values, like percentile's state.

const confHLLExactMax = 4096

// confHLLState reads an hll sketch into a dcount state; ok is false when v is not one.
func confHLLState(v types.Value) (*dcountAgg, bool) {
	v = aggScalar(v)
	if v.Type != types.Dynamic || v.IsNull() {
		return nil, false
	}
	j := types.JSON(v.S)
	if hs, ok := j.Get("socfeed_hll"); ok {
		a := &dcountAgg{exact: make(map[uint64]struct{})}
		good := true
		hs.Each(func(e types.JSON) bool {
			s, _ := e.Unquote()
			h, err := strconv.ParseUint(s, 16, 64)
			if err != nil {
				good = false
				return false
			}
			a.exact[h] = struct{}{}
			return true
		})
		return a, good
	}
	if rs, ok := j.Get("socfeed_hll_regs"); ok {
		s, _ := rs.Unquote()
		regs, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(regs) != hllM {
			return nil, false
		}
		return &dcountAgg{regs: regs}, true
	}
	return nil, false
}

// confHLLValue writes a dcount state as an hll sketch.
func confHLLValue(a *dcountAgg) types.Value {
	if a.exact != nil && len(a.exact) > confHLLExactMax {
		a.toHLL()
	}
	if a.exact == nil {
		return types.NewDynamic(`{"socfeed_hll_regs":"` + base64.StdEncoding.EncodeToString(a.regs) + `"}`)
	}
	hs := make([]uint64, 0, len(a.exact))
	for h := range a.exact {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i] < hs[j] })
	buf := []byte(`{"socfeed_hll":[`)
	for i, h := range hs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = strconv.AppendUint(buf, h, 16)
		buf = append(buf, '"')
	}
	return types.NewDynamic(string(append(buf, "]}"...)))
}

// hllAgg builds an hll sketch: hll(x[, accuracy]) over values, hll_merge(h) over sketches.
type hllAgg struct {
	state  *dcountAgg
	merges bool
}

func confNewHLL(fn string, merges bool) AggFactory {
	return func(_ []types.Type, consts []types.Value) (Aggregator, error) {
		if !merges {
			if _, err := aggConstInt(fn, consts, 1, 1, 0); err != nil {
				return nil, err
			}
		}
		return &hllAgg{state: &dcountAgg{exact: make(map[uint64]struct{})}, merges: merges}, nil
	}
}

func (a *hllAgg) Add(args []types.Value) int {
	if !a.merges {
		return a.state.Add(args[:1])
	}
	if s, ok := confHLLState(args[0]); ok {
		a.state.Merge(s)
	}
	return 0
}

func (a *hllAgg) Merge(other Aggregator) { a.state.Merge(aggOther[*hllAgg](a, other).state) }

func (a *hllAgg) Result() types.Value { return confHLLValue(a.state) }

// confHLLMergeScalar implements the scalar hll_merge(h1, h2, ...).
func confHLLMergeScalar(_ *Context, args []types.Value) types.Value {
	acc := &dcountAgg{exact: make(map[uint64]struct{})}
	for _, v := range args {
		s, ok := confHLLState(v)
		if !ok {
			return dynNull
		}
		acc.Merge(s)
	}
	return confHLLValue(acc)
}

// confDcountHLL implements dcount_hll(sketch).
func confDcountHLL(_ *Context, args []types.Value) types.Value {
	s, ok := confHLLState(args[0])
	if !ok {
		return types.NullOf(types.Long)
	}
	return s.Result()
}

// tdigestAgg keeps the values of a tdigest sketch.
type tdigestAgg struct {
	typ    types.Type
	vals   []float64
	merges bool
}

func confNewTDigest(merges bool) AggFactory {
	return func(argTypes []types.Type, _ []types.Value) (Aggregator, error) {
		t := types.Real
		if !merges && len(argTypes) > 0 && (argTypes[0].IsInteger() || argTypes[0] == types.DateTime || argTypes[0] == types.TimeSpan) {
			t = argTypes[0]
		}
		return &tdigestAgg{typ: t, merges: merges}, nil
	}
}

func (a *tdigestAgg) Add(args []types.Value) int {
	if a.merges {
		t, vals, ok := confTDigest(args[0])
		if !ok {
			return 0
		}
		if len(a.vals) == 0 {
			a.typ = t
		} else if t != a.typ {
			a.typ = types.Real
		}
		a.vals = append(a.vals, vals...)
		return 8 * len(vals)
	}
	v := aggScalar(args[0])
	if v.IsNull() {
		return 0
	}
	var f float64
	switch v.Type {
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		f = float64(v.I)
	default:
		x, ok := aggFloat(v)
		if !ok {
			return 0
		}
		f = x
	}
	a.vals = append(a.vals, f)
	return 8
}

func (a *tdigestAgg) Merge(other Aggregator) {
	o := aggOther[*tdigestAgg](a, other)
	if len(a.vals) == 0 {
		a.typ = o.typ
	} else if len(o.vals) > 0 && o.typ != a.typ {
		a.typ = types.Real
	}
	a.vals = append(a.vals, o.vals...)
}

func (a *tdigestAgg) Result() types.Value { return confTDigestValue(a.typ, a.vals) }

// confTDigestValue writes a tdigest sketch.
func confTDigestValue(t types.Type, vals []float64) types.Value {
	s := append([]float64(nil), vals...)
	sort.Float64s(s)
	buf := []byte(`{"socfeed_tdigest":[`)
	for i, f := range s {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, f, 'g', -1, 64)
	}
	buf = append(buf, `],"type":`...)
	buf = types.AppendJSONString(buf, t.String())
	return types.NewDynamic(string(append(buf, '}')))
}

// confTDigest reads a tdigest sketch: its value type and its sorted values.
func confTDigest(v types.Value) (types.Type, []float64, bool) {
	v = aggScalar(v)
	if v.Type != types.Dynamic || v.IsNull() {
		return 0, nil, false
	}
	j := types.JSON(v.S)
	arr, ok := j.Get("socfeed_tdigest")
	if !ok {
		return 0, nil, false
	}
	t := types.Real
	if tj, ok := j.Get("type"); ok {
		if s, ok := tj.Unquote(); ok {
			if pt, ok := types.ParseType(s); ok {
				t = pt
			}
		}
	}
	var vals []float64
	good := true
	arr.Each(func(e types.JSON) bool {
		f, err := strconv.ParseFloat(strings.TrimSpace(string(e)), 64)
		if err != nil {
			good = false
			return false
		}
		vals = append(vals, f)
		return true
	})
	return t, vals, good
}

// confTypedNumber turns a sketch value back into its type.
func confTypedNumber(f float64, t types.Type) types.Value {
	switch t {
	case types.Int, types.Long:
		return types.Value{Type: t, I: int64(f)}
	case types.DateTime:
		return types.NewDateTime(int64(f))
	case types.TimeSpan:
		return types.NewTimeSpan(int64(f))
	}
	return types.NewReal(f)
}

// confNearestRank returns the nearest-rank percentile p of sorted values.
func confNearestRank(sorted []float64, p float64) float64 {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// confPercentileTDigest implements percentile_tdigest(sketch, p[, typeof(T)]); the type
// argument arrives as its name and converts the result.
func confPercentileTDigest(_ *Context, args []types.Value) types.Value {
	t, vals, ok := confTDigest(args[0])
	p, okP := asReal(args[1])
	if !ok || !okP || len(vals) == 0 || p < 0 || p > 100 {
		return types.NullOf(types.Real)
	}
	v := confTypedNumber(confNearestRank(vals, p), t)
	if len(args) > 2 {
		if to, ok := types.ParseType(text(args[2])); ok {
			return types.Convert(v, to)
		}
	}
	return types.Convert(v, types.Real)
}

// confPercentilesArrayTDigest implements percentiles_array_tdigest(sketch, p1, ...).
func confPercentilesArrayTDigest(_ *Context, args []types.Value) types.Value {
	t, vals, ok := confTDigest(args[0])
	if !ok || len(vals) == 0 {
		return dynNull
	}
	var ps []types.Value
	for _, a := range args[1:] {
		if j, ok := dynArray(a); ok {
			for _, e := range dynElems(j) {
				ps = append(ps, types.DynamicScalar(e))
			}
			continue
		}
		ps = append(ps, a)
	}
	buf := []byte{'['}
	for i, pv := range ps {
		if i > 0 {
			buf = append(buf, ',')
		}
		p, ok := asReal(pv)
		if !ok || p < 0 || p > 100 {
			buf = append(buf, "null"...)
			continue
		}
		buf = types.AppendDynamic(buf, confTypedNumber(confNearestRank(vals, p), t))
	}
	return types.NewDynamic(string(append(buf, ']')))
}

// confRankTDigest implements rank_tdigest(sketch, value): how many values are at most
// value.
func confRankTDigest(_ *Context, args []types.Value) types.Value {
	_, vals, ok := confTDigest(args[0])
	v := aggScalar(args[1])
	if !ok || v.IsNull() {
		return types.NullOf(types.Long)
	}
	var f float64
	switch v.Type {
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		f = float64(v.I)
	default:
		x, ok := aggFloat(v)
		if !ok {
			return types.NullOf(types.Long)
		}
		f = x
	}
	return types.NewLong(int64(sort.Search(len(vals), func(i int) bool { return vals[i] > f })))
}

// confMergeTDigest implements the scalar merge_tdigest(s1, s2, ...).
func confMergeTDigest(_ *Context, args []types.Value) types.Value {
	var all []float64
	t := types.Type(0)
	for i, v := range args {
		vt, vals, ok := confTDigest(v)
		if !ok {
			return dynNull
		}
		if i == 0 {
			t = vt
		} else if vt != t {
			t = types.Real
		}
		all = append(all, vals...)
	}
	return confTDigestValue(t, all)
}

// schemaNode is one node of buildschema's result: the alternatives seen at a position, in
// order of first appearance — primitive type names, one merged bag schema and one merged
// array schema.
type schemaNode struct {
	order  []string // "p:<type>", "bag", "array"
	prims  map[string]bool
	bag    *schemaBag
	elemOf *schemaNode
}

type schemaBag struct {
	keys  []string
	nodes map[string]*schemaNode
}

func (n *schemaNode) add(j types.JSON) {
	if n.prims == nil {
		n.prims = map[string]bool{}
	}
	switch j.Kind() {
	case types.JSONNull:
		return
	case types.JSONObject:
		if n.bag == nil {
			n.bag = &schemaBag{nodes: map[string]*schemaNode{}}
			n.order = append(n.order, "bag")
		}
		j.Members(func(k, v types.JSON) bool {
			key, _ := k.Unquote()
			c := n.bag.nodes[key]
			if c == nil {
				c = &schemaNode{}
				n.bag.nodes[key] = c
				n.bag.keys = append(n.bag.keys, key)
			}
			c.add(v)
			return true
		})
	case types.JSONArray:
		if n.elemOf == nil {
			n.elemOf = &schemaNode{}
			n.order = append(n.order, "array")
		}
		j.Each(func(e types.JSON) bool { n.elemOf.add(e); return true })
	default:
		t := "string"
		switch v := types.DynamicScalar(j); v.Type {
		case types.Long:
			t = "long"
		case types.Real:
			t = "double"
		case types.Bool:
			t = "bool"
		}
		if !n.prims[t] {
			n.prims[t] = true
			n.order = append(n.order, "p:"+t)
		}
	}
}

// appendJSON writes the node: one alternative as itself, several as an array.
func (n *schemaNode) appendJSON(buf []byte) []byte {
	alt := func(buf []byte, o string) []byte {
		switch {
		case o == "bag":
			buf = append(buf, '{')
			for i, k := range n.bag.keys {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = types.AppendJSONString(buf, k)
				buf = append(buf, ':')
				buf = n.bag.nodes[k].appendJSON(buf)
			}
			return append(buf, '}')
		case o == "array":
			buf = append(buf, "{\"`indexer`\":"...)
			return append(n.elemOf.appendJSON(buf), '}')
		}
		return types.AppendJSONString(buf, strings.TrimPrefix(o, "p:"))
	}
	switch len(n.order) {
	case 0:
		return append(buf, "null"...)
	case 1:
		return alt(buf, n.order[0])
	}
	buf = append(buf, '[')
	for i, o := range n.order {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = alt(buf, o)
	}
	return append(buf, ']')
}

// buildschemaAgg implements buildschema(dynamic): the minimal schema admitting every
// value, as buildschema-aggregation-function.md describes.
type buildschemaAgg struct{ root schemaNode }

func (a *buildschemaAgg) Add(args []types.Value) int {
	v := args[0]
	if v.Type != types.Dynamic || v.IsNull() {
		v = types.ToDynamic(v)
	}
	a.root.add(types.JSON(v.S))
	return 16
}

// Merge adds the other state's schema by replaying it: both states hold the same kinds of
// alternatives, so merging their JSON forms gives the merged schema. Alternatives of the
// other state come after this one's.
func (a *buildschemaAgg) Merge(other Aggregator) {
	o := aggOther[*buildschemaAgg](a, other)
	confMergeSchema(&a.root, &o.root)
}

func confMergeSchema(dst, src *schemaNode) {
	if dst.prims == nil {
		dst.prims = map[string]bool{}
	}
	for _, o := range src.order {
		switch {
		case o == "bag":
			if dst.bag == nil {
				dst.bag = &schemaBag{nodes: map[string]*schemaNode{}}
				dst.order = append(dst.order, "bag")
			}
			for _, k := range src.bag.keys {
				c := dst.bag.nodes[k]
				if c == nil {
					c = &schemaNode{}
					dst.bag.nodes[k] = c
					dst.bag.keys = append(dst.bag.keys, k)
				}
				confMergeSchema(c, src.bag.nodes[k])
			}
		case o == "array":
			if dst.elemOf == nil {
				dst.elemOf = &schemaNode{}
				dst.order = append(dst.order, "array")
			}
			confMergeSchema(dst.elemOf, src.elemOf)
		default:
			t := strings.TrimPrefix(o, "p:")
			if !dst.prims[t] {
				dst.prims[t] = true
				dst.order = append(dst.order, o)
			}
		}
	}
}

func (a *buildschemaAgg) Result() types.Value {
	if len(a.root.order) == 0 {
		return dynNull
	}
	return types.NewDynamic(string(a.root.appendJSON(nil)))
}

// confAggFuncs declares the aggregates of this file and their scalar companions.
func confAggFuncs() []*Func {
	agg := func(name string, min, max int, prefix, doc string, result func([]types.Type) (types.Type, error), factory AggFactory) *Func {
		return &Func{Name: name, Kind: Aggregate, MinArgs: min, MaxArgs: max, Naming: NamePrefixFirstArg,
			Prefix: prefix, Doc: doc, Result: result, Agg: factory}
	}
	sc := func(name string, min, max int, doc string, result func([]types.Type) (types.Type, error), k ScalarKernel) *Func {
		return &Func{Name: name, Kind: Scalar, MinArgs: min, MaxArgs: max, Doc: doc, Result: result, Scalar: k}
	}
	return []*Func{
		agg("hll", 1, 2, "hll", "an hll sketch of the distinct values, for dcount_hll and hll_merge",
			returns("hll", types.Dynamic, argOrderable, argInteger), confNewHLL("hll", false)),
		agg("hll_if", 2, 3, "hll_if", "an hll sketch of the distinct values in rows where the predicate is true",
			returns("hll_if", types.Dynamic, argOrderable, argBool, argInteger), aggIf(confNewHLL("hll_if", false), 1)),
		{Name: "hll_merge", Kind: Aggregate, MinArgs: 1, MaxArgs: -1, Naming: NamePrefixFirstArg, Prefix: "hll_merge",
			Doc:    "hll sketches merged into one: over the group, or, as a scalar function, over its arguments",
			Result: returns("hll_merge", types.Dynamic, argDynamic), Agg: confNewHLL("hll_merge", true),
			Scalar: confHLLMergeScalar},
		agg("tdigest", 1, 2, "tdigest", "a tdigest sketch of the values, for percentile_tdigest and tdigest_merge",
			returns("tdigest", types.Dynamic, argSummable, argAny), confNewTDigest(false)),
		agg("tdigest_merge", 1, 1, "tdigest_merge", "tdigest sketches merged into one",
			returns("tdigest_merge", types.Dynamic, argDynamic), confNewTDigest(true)),
		agg("buildschema", 1, 1, "schema", "the minimal schema that admits every dynamic value in the group",
			returns("buildschema", types.Dynamic, argAny), func([]types.Type, []types.Value) (Aggregator, error) { return &buildschemaAgg{}, nil }),
		agg("variancepif", 2, 2, "variancepif", "the population variance of the values in rows where the predicate is true",
			returns("variancepif", types.Real, argSummable, argBool), aggIf(aggNewVar(false, false), 1)),
		agg("stdevpif", 2, 2, "stdevpif", "the population standard deviation of the values in rows where the predicate is true",
			returns("stdevpif", types.Real, argSummable, argBool), aggIf(aggNewVar(false, true), 1)),
		sc("dcount_hll", 1, 1, "the distinct count an hll sketch holds", returns("dcount_hll", types.Long, argDynamic), confDcountHLL),
		sc("merge_tdigest", 1, -1, "tdigest sketches merged into one", returns("merge_tdigest", types.Dynamic, argDynamic), confMergeTDigest),
		sc("percentile_tdigest", 2, 3, "the nearest-rank percentile a tdigest sketch holds",
			returns("percentile_tdigest", types.Real, argDynamic, argNumber, argStringOnly), confPercentileTDigest),
		sc("percentiles_array_tdigest", 2, -1, "nearest-rank percentiles a tdigest sketch holds, as an array",
			returns("percentiles_array_tdigest", types.Dynamic, argDynamic, argAny), confPercentilesArrayTDigest),
		sc("rank_tdigest", 2, 2, "how many values of a tdigest sketch are at most a value",
			returns("rank_tdigest", types.Long, argDynamic, argAny), confRankTDigest),
	}
}

// DcountIntersect computes the dcount_intersect plugin: cols[i] holds the hll sketches of
// column i (one per row), merged into a set S_i; the result's element k is the distinct
// count of S_1 ∩ ... ∩ S_(k+1). Sketches that still hold their exact hashes intersect
// exactly; otherwise the counts come from unions by inclusion–exclusion. A value that is
// not an hll sketch gives an error.
func DcountIntersect(cols [][]types.Value) ([]int64, error) {
	sets := make([]*dcountAgg, len(cols))
	for i, col := range cols {
		acc := &dcountAgg{exact: make(map[uint64]struct{})}
		for _, v := range col {
			if v.IsNull() {
				continue
			}
			s, ok := confHLLState(v)
			if !ok {
				return nil, fmt.Errorf("dcount_intersect(): argument %d is not an hll() value", i+1)
			}
			acc.Merge(s)
		}
		sets[i] = acc
	}
	out := make([]int64, len(sets))
	allExact := true
	for _, s := range sets {
		allExact = allExact && s.exact != nil
	}
	if allExact {
		cur := sets[0].exact
		for k := range sets {
			if k > 0 {
				next := map[uint64]struct{}{}
				for h := range cur {
					if _, ok := sets[k].exact[h]; ok {
						next[h] = struct{}{}
					}
				}
				cur = next
			}
			out[k] = int64(len(cur))
		}
		return out, nil
	}
	// |S_1 ∩ ... ∩ S_m| = Σ over non-empty subsets T of (-1)^(|T|+1) |∪T|.
	for k := range sets {
		m := k + 1
		if m > 16 {
			return nil, fmt.Errorf("dcount_intersect(): too many sketches for an estimate (at most 16)")
		}
		total := 0.0
		for mask := 1; mask < 1<<m; mask++ {
			u := &dcountAgg{exact: make(map[uint64]struct{})}
			for i := 0; i < m; i++ {
				if mask&(1<<i) != 0 {
					u.Merge(sets[i])
				}
			}
			n := float64(u.Result().I)
			if bits.OnesCount(uint(mask))%2 == 1 {
				total += n
			} else {
				total -= n
			}
		}
		out[k] = max(int64(math.Round(total)), 0)
	}
	return out, nil
}
