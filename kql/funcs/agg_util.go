package funcs

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"

	"github.com/socfeed/socfeed/kql/types"
)

// aggOther returns other as the concrete aggregator type T. A mismatch means the executor
// merged aggregators of different calls, which is a programming mistake.
func aggOther[T Aggregator](self, other Aggregator) T {
	o, ok := other.(T)
	if !ok {
		panic(fmt.Sprintf("internal error: cannot merge %T into %T", other, self))
	}
	return o
}

// aggScalar returns v with a dynamic scalar unwrapped (a dynamic 5 becomes long 5); other
// values are returned as they are.
func aggScalar(v types.Value) types.Value {
	if v.Type == types.Dynamic && !v.Null {
		return types.DynamicScalar(types.JSON(v.S))
	}
	return v
}

// aggFloat returns v as a float64 for numeric, timespan, datetime and dynamic-number
// values; ok is false for null, NaN and other values.
func aggFloat(v types.Value) (float64, bool) {
	v = aggScalar(v)
	if v.IsNull() {
		return 0, false
	}
	var f float64
	switch v.Type {
	case types.Int, types.Long, types.TimeSpan, types.DateTime:
		f = float64(v.I)
	case types.Real:
		f = v.F
	case types.Decimal:
		r, ok := new(big.Rat).SetString(v.S)
		if !ok {
			return 0, false
		}
		f, _ = r.Float64()
	default:
		return 0, false
	}
	return f, !math.IsNaN(f)
}

// aggIsEmpty reports whether v is null or an empty string (take_any prefers other values).
func aggIsEmpty(v types.Value) bool {
	return v.IsNull() || (v.Type == types.String && v.S == "")
}

// aggKey appends a byte key identifying v for distinct counting: equal keys mean the same
// value. Numbers of different types with the same value get different keys, which is
// harmless since one call sees one argument type (dynamic numbers are canonical JSON).
func aggKey(dst []byte, v types.Value) []byte {
	dst = append(dst, byte(v.Type))
	if v.IsNull() {
		return append(dst, 0)
	}
	switch v.Type {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return binary.LittleEndian.AppendUint64(dst, uint64(v.I))
	case types.Real:
		f := v.F
		if f == 0 {
			f = 0 // -0 and +0 are the same value
		}
		if math.IsNaN(f) {
			f = math.NaN()
		}
		return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
	}
	return append(dst, v.S...)
}

// aggHash hashes a key with FNV-1a and a splitmix64 finalizer, so HyperLogLog sees well
// mixed bits. It is deterministic, so aggregators built by different workers merge.
func aggHash(key []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range key {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// aggConstInt reads an optional integer constant argument (maxSize, accuracy). It returns
// def when the argument is absent, and an error when it is present but not a constant
// integer or below min.
func aggConstInt(fn string, consts []types.Value, i int, def, min int64) (int64, error) {
	if i >= len(consts) {
		return def, nil
	}
	v := aggScalar(consts[i])
	if v.IsNull() || !v.Type.IsInteger() {
		return 0, fmt.Errorf("%s(): argument %d: expected a constant integer", fn, i+1)
	}
	if v.I < min {
		return 0, fmt.Errorf("%s(): argument %d: expected a value of at least %d, found %d", fn, i+1, min, v.I)
	}
	return v.I, nil
}

// aggConstReal reads a required numeric constant argument (a percentile).
func aggConstReal(fn string, consts []types.Value, i int) (float64, error) {
	if i < len(consts) {
		if f, ok := aggFloat(consts[i]); ok && consts[i].Type != types.TimeSpan && consts[i].Type != types.DateTime {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%s(): argument %d: expected a constant number", fn, i+1)
}
