package column

import (
	"encoding/hex"
	"unsafe"

	"github.com/socfeed/socfeed/kql/types"
)

// Bools is a bool vector.
type Bools struct {
	Vals  []bool
	Nulls Nulls
}

// Type returns types.Bool.
func (v *Bools) Type() types.Type { return types.Bool }

// Len returns the number of values.
func (v *Bools) Len() int { return len(v.Vals) }

// IsNull reports whether value i is null.
func (v *Bools) IsNull(i int) bool { return v.Nulls.Get(i) }

// Value returns value i boxed.
func (v *Bools) Value(i int) types.Value {
	if v.Nulls.Get(i) {
		return types.NullOf(types.Bool)
	}
	return types.NewBool(v.Vals[i])
}

// Ints is a vector of int, long, datetime or timespan values, all held as int64 (int
// values fit in 32 bits; datetime and timespan are 100 ns ticks). T says which.
type Ints struct {
	T     types.Type
	Vals  []int64
	Nulls Nulls
}

// Type returns the vector's type: int, long, datetime or timespan.
func (v *Ints) Type() types.Type { return v.T }

// Len returns the number of values.
func (v *Ints) Len() int { return len(v.Vals) }

// IsNull reports whether value i is null.
func (v *Ints) IsNull(i int) bool { return v.Nulls.Get(i) }

// Value returns value i boxed.
func (v *Ints) Value(i int) types.Value {
	if v.Nulls.Get(i) {
		return types.NullOf(v.T)
	}
	return types.Value{Type: v.T, I: v.Vals[i]}
}

// Reals is a real vector.
type Reals struct {
	Vals  []float64
	Nulls Nulls
}

// Type returns types.Real.
func (v *Reals) Type() types.Type { return types.Real }

// Len returns the number of values.
func (v *Reals) Len() int { return len(v.Vals) }

// IsNull reports whether value i is null.
func (v *Reals) IsNull(i int) bool { return v.Nulls.Get(i) }

// Value returns value i boxed.
func (v *Reals) Value(i int) types.Value {
	if v.Nulls.Get(i) {
		return types.NullOf(types.Real)
	}
	return types.NewReal(v.Vals[i])
}

// Strings is a string vector, either dictionary-encoded (Dict non-nil: row i is
// Dict[Codes[i]]) or plain (row i is Plain[i]). Strings are never null in KQL; a missing
// value is the empty string. Dict entries are distinct.
type Strings struct {
	Codes []uint32
	Dict  []string
	Plain []string
}

// Type returns types.String.
func (v *Strings) Type() types.Type { return types.String }

// Len returns the number of values.
func (v *Strings) Len() int {
	if v.Dict != nil {
		return len(v.Codes)
	}
	return len(v.Plain)
}

// IsNull is always false: KQL strings are never null.
func (v *Strings) IsNull(int) bool { return false }

// IsDict reports whether the vector is dictionary-encoded.
func (v *Strings) IsDict() bool { return v.Dict != nil }

// Str returns row i.
func (v *Strings) Str(i int) string {
	if v.Dict != nil {
		return v.Dict[v.Codes[i]]
	}
	return v.Plain[i]
}

// Value returns value i boxed.
func (v *Strings) Value(i int) types.Value { return types.NewString(v.Str(i)) }

// EvalPredicate sets out[i] = pred(row i) for every row (out must have Len() elements).
// For a dictionary-encoded vector pred runs once per dictionary entry, not once per row.
func (v *Strings) EvalPredicate(pred func(string) bool, out []bool) {
	if v.Dict == nil {
		for i, s := range v.Plain {
			out[i] = pred(s)
		}
		return
	}
	m := v.DictPredicate(pred)
	for i, c := range v.Codes {
		out[i] = m[c]
	}
}

// DictPredicate returns pred evaluated once per dictionary entry (indexed by code), or
// nil for a plain vector.
func (v *Strings) DictPredicate(pred func(string) bool) []bool {
	if v.Dict == nil {
		return nil
	}
	m := make([]bool, len(v.Dict))
	for i, s := range v.Dict {
		m[i] = pred(s)
	}
	return m
}

// Dynamics is a dynamic vector: each row's compact JSON text lives in Data between
// Offs[i] and Offs[i+1] (Offs has Len()+1 entries). A null row has an empty span and its
// bit set in Nulls; JSON null is stored as a null row.
type Dynamics struct {
	Data  []byte
	Offs  []uint32
	Nulls Nulls
}

// Type returns types.Dynamic.
func (v *Dynamics) Type() types.Type { return types.Dynamic }

// Len returns the number of values.
func (v *Dynamics) Len() int {
	if len(v.Offs) == 0 {
		return 0
	}
	return len(v.Offs) - 1
}

// IsNull reports whether value i is null.
func (v *Dynamics) IsNull(i int) bool { return v.Nulls.Get(i) }

// Raw returns row i's JSON bytes (empty for null). The bytes must not be modified.
func (v *Dynamics) Raw(i int) []byte { return v.Data[v.Offs[i]:v.Offs[i+1]:v.Offs[i+1]] }

// Value returns value i boxed.
func (v *Dynamics) Value(i int) types.Value {
	if v.Nulls.Get(i) {
		return types.NullOf(types.Dynamic)
	}
	return types.NewDynamic(string(v.Raw(i)))
}

// GUIDs is a guid vector holding the 16 bytes of each guid in text order (the canonical
// text is the hex of the bytes with dashes after bytes 4, 6, 8 and 10).
type GUIDs struct {
	Vals  [][16]byte
	Nulls Nulls
}

// Type returns types.GUID.
func (v *GUIDs) Type() types.Type { return types.GUID }

// Len returns the number of values.
func (v *GUIDs) Len() int { return len(v.Vals) }

// IsNull reports whether value i is null.
func (v *GUIDs) IsNull(i int) bool { return v.Nulls.Get(i) }

// Value returns value i boxed, as canonical lower-case text.
func (v *GUIDs) Value(i int) types.Value {
	if v.Nulls.Get(i) {
		return types.NullOf(types.GUID)
	}
	return types.NewGUID(FormatGUID(v.Vals[i]))
}

// FormatGUID returns g's canonical lower-case text, e.g.
// "2ad3fc79-1859-42fa-9011-6f8df2251b22".
func FormatGUID(g [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], g[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], g[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], g[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], g[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], g[10:16])
	return string(b[:])
}

// ParseGUID parses a guid in the 36-character form with dashes, optionally in braces, or
// the 32-hex-digit form; case-insensitive.
func ParseGUID(s string) (g [16]byte, ok bool) {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	var h [32]byte
	switch len(s) {
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return g, false
		}
		copy(h[0:8], s[0:8])
		copy(h[8:12], s[9:13])
		copy(h[12:16], s[14:18])
		copy(h[16:20], s[19:23])
		copy(h[20:32], s[24:36])
	case 32:
		copy(h[:], s)
	default:
		return g, false
	}
	if _, err := hex.Decode(g[:], h[:]); err != nil {
		return g, false
	}
	return g, true
}

// Decimals is a decimal vector holding each value's exact decimal text.
type Decimals struct {
	Vals  []string
	Nulls Nulls
}

// Type returns types.Decimal.
func (v *Decimals) Type() types.Type { return types.Decimal }

// Len returns the number of values.
func (v *Decimals) Len() int { return len(v.Vals) }

// IsNull reports whether value i is null.
func (v *Decimals) IsNull(i int) bool { return v.Nulls.Get(i) }

// Value returns value i boxed.
func (v *Decimals) Value(i int) types.Value {
	if v.Nulls.Get(i) {
		return types.NullOf(types.Decimal)
	}
	return types.Value{Type: types.Decimal, S: v.Vals[i]}
}

// Const is one value repeated N times, as for a literal in a projection.
type Const struct {
	V types.Value
	N int
}

// Type returns the value's type.
func (v *Const) Type() types.Type { return v.V.Type }

// Len returns N.
func (v *Const) Len() int { return v.N }

// IsNull reports whether the value is null.
func (v *Const) IsNull(int) bool { return v.V.IsNull() && v.V.Type != types.String }

// Value returns the value.
func (v *Const) Value(int) types.Value { return v.V }

// arena hands out strings backed by large shared byte chunks, so building many short
// strings costs one allocation per chunk instead of one per string. Chunks are never
// written after a string points into them.
type arena struct {
	buf []byte
}

const arenaChunk = 64 << 10

func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaChunk/4 {
		return string(b)
	}
	if len(a.buf)+len(b) > cap(a.buf) {
		a.buf = make([]byte, 0, arenaChunk)
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	s := a.buf[start:len(a.buf)]
	return unsafe.String(&s[0], len(s))
}
