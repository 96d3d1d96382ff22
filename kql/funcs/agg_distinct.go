package funcs

import (
	"math"
	"math/bits"

	"github.com/socfeed/socfeed/kql/types"
)

// dcount design: Kusto's dcount is a HyperLogLog estimate. socfeed counts exactly (by
// 64-bit hash, so a collision is vanishingly unlikely) while a group has at most
// dcountExactMax distinct values, and switches to HyperLogLog with 2^14 registers (about
// 0.8% standard error, close to Kusto's default accuracy level 1) above that. Small groups,
// which are what detection rules count, therefore get exact answers; the accuracy argument
// is accepted and checked but does not change the precision.
const (
	dcountExactMax = 1 << 16
	hllP           = 14
	hllM           = 1 << hllP
)

// dcountAgg counts distinct non-null values: dcount(x), dcountif(x, p).
type dcountAgg struct {
	exact map[uint64]struct{} // nil once switched to regs
	regs  []uint8
	buf   []byte
}

func aggNewDcount(fn string) AggFactory {
	return func(_ []types.Type, consts []types.Value) (Aggregator, error) {
		if _, err := aggConstInt(fn, consts, 1, 1, 0); err != nil {
			return nil, err
		}
		return &dcountAgg{exact: make(map[uint64]struct{})}, nil
	}
}

func (a *dcountAgg) Add(args []types.Value) int {
	v := args[0]
	if v.IsNull() {
		return 0
	}
	a.buf = aggKey(a.buf[:0], v)
	return a.addHash(aggHash(a.buf))
}

func (a *dcountAgg) addHash(h uint64) int {
	if a.exact != nil {
		if _, ok := a.exact[h]; ok {
			return 0
		}
		a.exact[h] = struct{}{}
		if len(a.exact) > dcountExactMax {
			a.toHLL()
			return hllM
		}
		return 16
	}
	idx := h >> (64 - hllP)
	rho := uint8(bits.LeadingZeros64(h<<hllP|1<<(hllP-1)) + 1)
	if rho > a.regs[idx] {
		a.regs[idx] = rho
	}
	return 0
}

func (a *dcountAgg) toHLL() {
	exact := a.exact
	a.exact = nil
	a.regs = make([]uint8, hllM)
	for h := range exact {
		a.addHash(h)
	}
}

func (a *dcountAgg) Merge(other Aggregator) {
	o := aggOther[*dcountAgg](a, other)
	if o.exact != nil {
		for h := range o.exact {
			a.addHash(h)
		}
		return
	}
	if a.exact != nil {
		a.toHLL()
	}
	for i, r := range o.regs {
		if r > a.regs[i] {
			a.regs[i] = r
		}
	}
}

func (a *dcountAgg) Result() types.Value {
	if a.exact != nil {
		return types.NewLong(int64(len(a.exact)))
	}
	sum, zeros := 0.0, 0
	for _, r := range a.regs {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	m := float64(hllM)
	est := 0.7213 / (1 + 1.079/m) * m * m / sum
	if est <= 2.5*m && zeros > 0 {
		est = m * math.Log(m/float64(zeros))
	}
	return types.NewLong(int64(math.Round(est)))
}

// countDistinctAgg counts distinct non-null values exactly: count_distinct(x). Its state
// grows with the number of distinct values.
type countDistinctAgg struct {
	seen map[string]struct{}
	buf  []byte
}

func aggNewCountDistinct([]types.Type, []types.Value) (Aggregator, error) {
	return &countDistinctAgg{seen: make(map[string]struct{})}, nil
}

func (a *countDistinctAgg) Add(args []types.Value) int {
	v := args[0]
	if v.IsNull() {
		return 0
	}
	a.buf = aggKey(a.buf[:0], v)
	if _, ok := a.seen[string(a.buf)]; ok {
		return 0
	}
	a.seen[string(a.buf)] = struct{}{}
	return len(a.buf) + 32
}

func (a *countDistinctAgg) Merge(other Aggregator) {
	for k := range aggOther[*countDistinctAgg](a, other).seen {
		a.seen[k] = struct{}{}
	}
}

func (a *countDistinctAgg) Result() types.Value { return types.NewLong(int64(len(a.seen))) }
