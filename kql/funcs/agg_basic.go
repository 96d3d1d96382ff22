package funcs

import (
	"math/big"
	"math/bits"

	"github.com/socfeed/socfeed/kql/types"
)

// ifAgg wraps an aggregator so that only rows whose predicate (argument pred) is true reach
// it, with the arguments before the predicate: countif, sumif, make_set_if, ...
type ifAgg struct {
	inner Aggregator
	pred  int
}

func (a *ifAgg) Add(args []types.Value) int {
	if p := aggScalar(args[a.pred]); p.Type == types.Bool && p.Bool() {
		return a.inner.Add(args[:a.pred])
	}
	return 0
}

func (a *ifAgg) Merge(other Aggregator) { a.inner.Merge(aggOther[*ifAgg](a, other).inner) }
func (a *ifAgg) Result() types.Value    { return a.inner.Result() }

// Results passes through to a multi-column inner aggregator.
func (a *ifAgg) Results() []types.Value {
	if m, ok := a.inner.(MultiResult); ok {
		return m.Results()
	}
	return []types.Value{a.inner.Result()}
}

// aggIf turns the factory of an aggregate into the factory of its "if" variant, whose
// predicate is argument pred; constants after the predicate shift down by one.
func aggIf(base AggFactory, pred int) AggFactory {
	return func(argTypes []types.Type, consts []types.Value) (Aggregator, error) {
		at := append(append([]types.Type(nil), argTypes[:min(pred, len(argTypes))]...), argTypes[min(pred+1, len(argTypes)):]...)
		var cs []types.Value
		if len(consts) > 0 {
			cs = append(append([]types.Value(nil), consts[:min(pred, len(consts))]...), consts[min(pred+1, len(consts)):]...)
		}
		inner, err := base(at, cs)
		if err != nil {
			return nil, err
		}
		return &ifAgg{inner: inner, pred: pred}, nil
	}
}

// countAgg counts rows: count(), and under countif the rows whose predicate is true.
type countAgg struct{ n int64 }

func aggNewCount([]types.Type, []types.Value) (Aggregator, error) { return &countAgg{}, nil }

// aggNewCountOrCountIf makes count()'s aggregator: a plain row count without arguments,
// countif's with the one predicate argument.
func aggNewCountOrCountIf(argTypes []types.Type, consts []types.Value) (Aggregator, error) {
	if len(argTypes) == 0 {
		return aggNewCount(argTypes, consts)
	}
	return aggIf(aggNewCount, 0)(argTypes, consts)
}

func (a *countAgg) Add([]types.Value) int  { a.n++; return 0 }
func (a *countAgg) Merge(other Aggregator) { a.n += aggOther[*countAgg](a, other).n }
func (a *countAgg) Result() types.Value    { return types.NewLong(a.n) }

// sumAgg adds values: sum(x). Integers add as long (wrapping on overflow, as .NET
// unchecked arithmetic does), reals as real, decimals exactly, timespans as ticks, dynamic
// numbers as real. The sum of no values is 0.
type sumAgg struct {
	t   types.Type // result type
	i   int64
	f   float64
	dec *big.Rat
}

func aggNewSum(argTypes []types.Type, _ []types.Value) (Aggregator, error) {
	return &sumAgg{t: aggSumType(argTypes[0])}, nil
}

// aggSumType is the result type of sum over t: int promotes to long, dynamic to real.
func aggSumType(t types.Type) types.Type {
	switch t {
	case types.Int:
		return types.Long
	case types.Dynamic, types.Unknown:
		return types.Real
	}
	return t
}

func (a *sumAgg) Add(args []types.Value) int {
	v := aggScalar(args[0])
	if v.IsNull() {
		return 0
	}
	switch a.t {
	case types.Long, types.TimeSpan:
		a.i += v.I
	case types.Decimal:
		r, ok := new(big.Rat).SetString(v.S)
		if !ok {
			return 0
		}
		if a.dec == nil {
			a.dec = new(big.Rat)
		}
		a.dec.Add(a.dec, r)
	default:
		if f, ok := aggFloat(v); ok {
			a.f += f
		}
	}
	return 0
}

func (a *sumAgg) Merge(other Aggregator) {
	o := aggOther[*sumAgg](a, other)
	a.i += o.i
	a.f += o.f
	if o.dec != nil {
		if a.dec == nil {
			a.dec = new(big.Rat)
		}
		a.dec.Add(a.dec, o.dec)
	}
}

func (a *sumAgg) Result() types.Value {
	switch a.t {
	case types.Long:
		return types.NewLong(a.i)
	case types.TimeSpan:
		return types.NewTimeSpan(a.i)
	case types.Decimal:
		if a.dec == nil {
			return types.NewDecimal("0")
		}
		return types.NewDecimal(types.FormatRat(a.dec))
	}
	return types.NewReal(a.f)
}

// aggInt128 is a signed 128-bit accumulator, so averages of datetimes cannot overflow.
type aggInt128 struct {
	hi int64
	lo uint64
}

func (s *aggInt128) add(v int64) {
	var ext int64
	if v < 0 {
		ext = -1
	}
	lo, carry := bits.Add64(s.lo, uint64(v), 0)
	s.lo = lo
	s.hi += ext + int64(carry)
}

func (s *aggInt128) addInt128(o aggInt128) {
	lo, carry := bits.Add64(s.lo, o.lo, 0)
	s.lo = lo
	s.hi += o.hi + int64(carry)
}

func (s aggInt128) big() *big.Int {
	b := new(big.Int).SetInt64(s.hi)
	b.Lsh(b, 64)
	return b.Add(b, new(big.Int).SetUint64(s.lo))
}

// avgAgg averages values, ignoring nulls: avg(x). Integers and reals average as real (in
// double precision, as Kusto does); decimals exactly; timespans and datetimes in ticks,
// truncated. The average of no values is null.
type avgAgg struct {
	t   types.Type // result type
	n   int64
	f   float64
	i   aggInt128
	dec *big.Rat
}

func aggNewAvg(argTypes []types.Type, _ []types.Value) (Aggregator, error) {
	return &avgAgg{t: aggAvgType(argTypes[0])}, nil
}

// aggAvgType is the result type of avg over t.
func aggAvgType(t types.Type) types.Type {
	switch t {
	case types.Decimal, types.TimeSpan, types.DateTime:
		return t
	}
	return types.Real
}

func (a *avgAgg) Add(args []types.Value) int {
	v := aggScalar(args[0])
	if v.IsNull() {
		return 0
	}
	switch a.t {
	case types.TimeSpan, types.DateTime:
		a.i.add(v.I)
	case types.Decimal:
		r, ok := new(big.Rat).SetString(v.S)
		if !ok {
			return 0
		}
		if a.dec == nil {
			a.dec = new(big.Rat)
		}
		a.dec.Add(a.dec, r)
	default:
		f, ok := aggFloat(v)
		if !ok {
			if v.Type == types.Real { // NaN poisons the average, as in .NET
				a.f += v.F
				a.n++
			}
			return 0
		}
		a.f += f
	}
	a.n++
	return 0
}

func (a *avgAgg) Merge(other Aggregator) {
	o := aggOther[*avgAgg](a, other)
	a.n += o.n
	a.f += o.f
	a.i.addInt128(o.i)
	if o.dec != nil {
		if a.dec == nil {
			a.dec = new(big.Rat)
		}
		a.dec.Add(a.dec, o.dec)
	}
}

func (a *avgAgg) Result() types.Value {
	if a.n == 0 {
		return types.NullOf(a.t)
	}
	switch a.t {
	case types.TimeSpan, types.DateTime:
		q := new(big.Int).Quo(a.i.big(), big.NewInt(a.n))
		return types.Value{Type: a.t, I: q.Int64()}
	case types.Decimal:
		q := new(big.Rat).Quo(a.dec, new(big.Rat).SetInt64(a.n))
		return types.NewDecimal(types.FormatRat(q))
	}
	return types.NewReal(a.f / float64(a.n))
}

// extremeAgg keeps the least (min) or greatest (max) non-null value, ordered by
// types.Compare; NaN is skipped like null. With no values the result is null.
type extremeAgg struct {
	max  bool
	t    types.Type
	best types.Value
	has  bool
}

func aggNewExtreme(max bool) AggFactory {
	return func(argTypes []types.Type, _ []types.Value) (Aggregator, error) {
		return &extremeAgg{max: max, t: argTypes[0]}, nil
	}
}

func (a *extremeAgg) Add(args []types.Value) int {
	v := args[0]
	if types.IsNullOrNaN(v) {
		return 0
	}
	if !a.has {
		a.best, a.has = v, true
		return len(v.S)
	}
	c := types.Compare(v, a.best)
	if (a.max && c > 0) || (!a.max && c < 0) {
		grew := len(v.S) - len(a.best.S)
		a.best = v
		return max(grew, 0)
	}
	return 0
}

func (a *extremeAgg) Merge(other Aggregator) {
	o := aggOther[*extremeAgg](a, other)
	if o.has {
		a.Add([]types.Value{o.best})
	}
}

func (a *extremeAgg) Result() types.Value {
	if !a.has {
		return types.NullOf(a.t)
	}
	return a.best
}

// bitsAgg folds integers with a bitwise operation: binary_all_and, binary_all_or,
// binary_all_xor. With no values the result is null.
type bitsAgg struct {
	op  byte // '&', '|' or '^'
	t   types.Type
	v   int64
	has bool
}

func aggNewBits(op byte) AggFactory {
	return func(argTypes []types.Type, _ []types.Value) (Aggregator, error) {
		// Bitwise operations on sign-extended ints stay within 32 bits, so the
		// argument's type is the result's.
		return &bitsAgg{op: op, t: argTypes[0]}, nil
	}
}

func (a *bitsAgg) fold(v int64) {
	if !a.has {
		a.v, a.has = v, true
		return
	}
	switch a.op {
	case '&':
		a.v &= v
	case '|':
		a.v |= v
	default:
		a.v ^= v
	}
}

func (a *bitsAgg) Add(args []types.Value) int {
	if v := aggScalar(args[0]); !v.IsNull() && v.Type.IsInteger() {
		a.fold(v.I)
	}
	return 0
}

func (a *bitsAgg) Merge(other Aggregator) {
	if o := aggOther[*bitsAgg](a, other); o.has {
		a.fold(o.v)
	}
}

func (a *bitsAgg) Result() types.Value {
	if !a.has {
		return types.NullOf(a.t)
	}
	return types.Value{Type: a.t, I: a.v}
}
