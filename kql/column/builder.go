package column

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/types"
)

// Builder accumulates the values of one column and builds a [Vector]. A Builder is used
// by one goroutine at a time. Build returns the vector and resets the builder, which can
// then build the next one.
type Builder interface {
	// Type returns the type of the vector being built.
	Type() types.Type
	// Len returns the number of values appended since the last Build.
	Len() int
	// Append appends v. v must be null (of any type) or of the builder's type; int and
	// long values are also accepted by long and real builders. Any other type is a bug in
	// the caller and panics.
	Append(v types.Value)
	// AppendNull appends a null (the empty string for a string builder).
	AppendNull()
	// Build returns the built vector and resets the builder.
	Build() Vector
}

// NewBuilder returns a builder for type t; Unknown builds an all-null Const.
func NewBuilder(t types.Type) Builder {
	switch t {
	case types.Bool:
		return &BoolBuilder{}
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		return &IntBuilder{T: t}
	case types.Real:
		return &RealBuilder{}
	case types.String:
		return &StringBuilder{}
	case types.Dynamic:
		return &DynamicBuilder{}
	case types.GUID:
		return &GUIDBuilder{}
	case types.Decimal:
		return &DecimalBuilder{}
	}
	return &nullBuilder{t: t}
}

func badAppend(b Builder, v types.Value) {
	panic(fmt.Sprintf("internal error: append %s value to %s builder", v.Type, b.Type()))
}

// BoolBuilder builds [*Bools].
type BoolBuilder struct{ v Bools }

// Type returns types.Bool.
func (b *BoolBuilder) Type() types.Type { return types.Bool }

// Len returns the number of values appended.
func (b *BoolBuilder) Len() int { return len(b.v.Vals) }

// AppendBool appends x.
func (b *BoolBuilder) AppendBool(x bool) { b.v.Vals = append(b.v.Vals, x) }

// AppendNull appends a null.
func (b *BoolBuilder) AppendNull() {
	b.v.Nulls.set(len(b.v.Vals))
	b.v.Vals = append(b.v.Vals, false)
}

// Append appends v.
func (b *BoolBuilder) Append(v types.Value) {
	switch {
	case v.IsNull():
		b.AppendNull()
	case v.Type == types.Bool:
		b.AppendBool(v.I != 0)
	default:
		badAppend(b, v)
	}
}

// Build returns the vector and resets the builder.
func (b *BoolBuilder) Build() Vector {
	v := b.v
	b.v = Bools{}
	return &v
}

// IntBuilder builds [*Ints] of type T (int, long, datetime or timespan).
type IntBuilder struct {
	T types.Type
	v Ints
}

// Type returns T.
func (b *IntBuilder) Type() types.Type { return b.T }

// Len returns the number of values appended.
func (b *IntBuilder) Len() int { return len(b.v.Vals) }

// AppendInt64 appends x (ticks for datetime and timespan).
func (b *IntBuilder) AppendInt64(x int64) { b.v.Vals = append(b.v.Vals, x) }

// AppendNull appends a null.
func (b *IntBuilder) AppendNull() {
	b.v.Nulls.set(len(b.v.Vals))
	b.v.Vals = append(b.v.Vals, 0)
}

// Append appends v.
func (b *IntBuilder) Append(v types.Value) {
	switch {
	case v.IsNull():
		b.AppendNull()
	case v.Type == b.T, b.T == types.Long && v.Type == types.Int:
		b.AppendInt64(v.I)
	default:
		badAppend(b, v)
	}
}

// Build returns the vector and resets the builder.
func (b *IntBuilder) Build() Vector {
	v := b.v
	v.T = b.T
	b.v = Ints{}
	return &v
}

// RealBuilder builds [*Reals].
type RealBuilder struct{ v Reals }

// Type returns types.Real.
func (b *RealBuilder) Type() types.Type { return types.Real }

// Len returns the number of values appended.
func (b *RealBuilder) Len() int { return len(b.v.Vals) }

// AppendFloat64 appends x.
func (b *RealBuilder) AppendFloat64(x float64) { b.v.Vals = append(b.v.Vals, x) }

// AppendNull appends a null.
func (b *RealBuilder) AppendNull() {
	b.v.Nulls.set(len(b.v.Vals))
	b.v.Vals = append(b.v.Vals, 0)
}

// Append appends v.
func (b *RealBuilder) Append(v types.Value) {
	switch {
	case v.IsNull():
		b.AppendNull()
	case v.Type == types.Real:
		b.AppendFloat64(v.F)
	case v.Type == types.Int || v.Type == types.Long:
		b.AppendFloat64(float64(v.I))
	default:
		badAppend(b, v)
	}
}

// Build returns the vector and resets the builder.
func (b *RealBuilder) Build() Vector {
	v := b.v
	b.v = Reals{}
	return &v
}

// StringBuilder builds [*Strings]. It dictionary-encodes while the number of distinct
// values stays low (at most [MaxDict], and, once [DictProbe] rows are in, at most half the
// rows) and switches to plain storage for good when it does not.
type StringBuilder struct {
	codes []uint32
	dict  []string
	index map[string]uint32
	plain []string
	isPln bool
	mem   arena
}

// Dictionary limits of [StringBuilder].
const (
	MaxDict   = 1 << 16 // most distinct values a dictionary-encoded vector holds
	DictProbe = 1024    // rows before the distinct-values-to-rows ratio is judged
)

// Type returns types.String.
func (b *StringBuilder) Type() types.Type { return types.String }

// Len returns the number of values appended.
func (b *StringBuilder) Len() int {
	if b.isPln {
		return len(b.plain)
	}
	return len(b.codes)
}

// AppendString appends s.
func (b *StringBuilder) AppendString(s string) {
	if b.isPln {
		b.plain = append(b.plain, s)
		return
	}
	if c, ok := b.index[s]; ok {
		b.codes = append(b.codes, c)
		return
	}
	if b.tooMany() {
		b.toPlain()
		b.plain = append(b.plain, s)
		return
	}
	b.add(s)
}

// AppendBytes appends the text of s. It does not keep s; a value already in the
// dictionary costs no allocation.
func (b *StringBuilder) AppendBytes(s []byte) {
	if b.isPln {
		b.plain = append(b.plain, b.mem.str(s))
		return
	}
	if c, ok := b.index[string(s)]; ok {
		b.codes = append(b.codes, c)
		return
	}
	if b.tooMany() {
		b.toPlain()
		b.plain = append(b.plain, b.mem.str(s))
		return
	}
	b.add(b.mem.str(s))
}

func (b *StringBuilder) tooMany() bool {
	n := len(b.dict)
	return n >= MaxDict || len(b.codes) >= DictProbe && 2*n > len(b.codes)
}

func (b *StringBuilder) add(s string) {
	if b.index == nil {
		b.index = make(map[string]uint32)
	}
	c := uint32(len(b.dict))
	b.dict = append(b.dict, s)
	b.index[s] = c
	b.codes = append(b.codes, c)
}

func (b *StringBuilder) toPlain() {
	b.plain = make([]string, len(b.codes), max(2*len(b.codes), 64))
	for i, c := range b.codes {
		b.plain[i] = b.dict[c]
	}
	b.isPln, b.codes, b.dict, b.index = true, nil, nil, nil
}

// AppendNull appends the empty string (strings are never null).
func (b *StringBuilder) AppendNull() { b.AppendString("") }

// Append appends v's text. Any string value, or a null of any type, is accepted.
func (b *StringBuilder) Append(v types.Value) {
	switch {
	case v.Type == types.String:
		b.AppendString(v.S)
	case v.IsNull():
		b.AppendNull()
	default:
		badAppend(b, v)
	}
}

// Build returns the vector and resets the builder.
func (b *StringBuilder) Build() Vector {
	var v *Strings
	if b.isPln {
		v = &Strings{Plain: b.plain}
		if v.Plain == nil {
			v.Plain = []string{}
		}
	} else {
		v = &Strings{Codes: b.codes, Dict: b.dict}
		if v.Dict == nil {
			v.Dict = []string{}
		}
	}
	*b = StringBuilder{mem: b.mem}
	return v
}

// DynamicBuilder builds [*Dynamics].
type DynamicBuilder struct{ v Dynamics }

// Type returns types.Dynamic.
func (b *DynamicBuilder) Type() types.Type { return types.Dynamic }

// Len returns the number of values appended.
func (b *DynamicBuilder) Len() int { return max(len(b.v.Offs)-1, 0) }

func (b *DynamicBuilder) start() {
	if len(b.v.Offs) == 0 {
		b.v.Offs = append(b.v.Offs, 0)
	}
}

// AppendRawJSON appends one JSON value, which the caller guarantees is valid and compact.
// The text "null" (or empty text) appends a null. raw is copied.
func (b *DynamicBuilder) AppendRawJSON(raw []byte) {
	if len(raw) == 0 || string(raw) == "null" {
		b.AppendNull()
		return
	}
	b.start()
	b.v.Data = append(b.v.Data, raw...)
	b.v.Offs = append(b.v.Offs, uint32(len(b.v.Data)))
}

// AppendNull appends a null.
func (b *DynamicBuilder) AppendNull() {
	b.start()
	b.v.Nulls.set(len(b.v.Offs) - 1)
	b.v.Offs = append(b.v.Offs, uint32(len(b.v.Data)))
}

// Append appends v.
func (b *DynamicBuilder) Append(v types.Value) {
	switch {
	case v.IsNull():
		b.AppendNull()
	case v.Type == types.Dynamic:
		b.AppendRawJSON([]byte(v.S))
	default:
		badAppend(b, v)
	}
}

// Build returns the vector and resets the builder.
func (b *DynamicBuilder) Build() Vector {
	b.start()
	v := b.v
	b.v = Dynamics{}
	return &v
}

// GUIDBuilder builds [*GUIDs].
type GUIDBuilder struct{ v GUIDs }

// Type returns types.GUID.
func (b *GUIDBuilder) Type() types.Type { return types.GUID }

// Len returns the number of values appended.
func (b *GUIDBuilder) Len() int { return len(b.v.Vals) }

// AppendGUID appends g.
func (b *GUIDBuilder) AppendGUID(g [16]byte) { b.v.Vals = append(b.v.Vals, g) }

// AppendNull appends a null.
func (b *GUIDBuilder) AppendNull() {
	b.v.Nulls.set(len(b.v.Vals))
	b.v.Vals = append(b.v.Vals, [16]byte{})
}

// Append appends v; a guid whose text does not parse is a caller bug and panics.
func (b *GUIDBuilder) Append(v types.Value) {
	switch {
	case v.IsNull():
		b.AppendNull()
	case v.Type == types.GUID:
		g, ok := ParseGUID(v.S)
		if !ok {
			panic(fmt.Sprintf("internal error: malformed guid value %q", v.S))
		}
		b.AppendGUID(g)
	default:
		badAppend(b, v)
	}
}

// Build returns the vector and resets the builder.
func (b *GUIDBuilder) Build() Vector {
	v := b.v
	b.v = GUIDs{}
	return &v
}

// DecimalBuilder builds [*Decimals].
type DecimalBuilder struct{ v Decimals }

// Type returns types.Decimal.
func (b *DecimalBuilder) Type() types.Type { return types.Decimal }

// Len returns the number of values appended.
func (b *DecimalBuilder) Len() int { return len(b.v.Vals) }

// AppendDecimal appends the exact decimal text s.
func (b *DecimalBuilder) AppendDecimal(s string) { b.v.Vals = append(b.v.Vals, s) }

// AppendNull appends a null.
func (b *DecimalBuilder) AppendNull() {
	b.v.Nulls.set(len(b.v.Vals))
	b.v.Vals = append(b.v.Vals, "")
}

// Append appends v.
func (b *DecimalBuilder) Append(v types.Value) {
	switch {
	case v.IsNull():
		b.AppendNull()
	case v.Type == types.Decimal:
		b.AppendDecimal(v.S)
	default:
		badAppend(b, v)
	}
}

// Build returns the vector and resets the builder.
func (b *DecimalBuilder) Build() Vector {
	v := b.v
	b.v = Decimals{}
	return &v
}

// nullBuilder builds an all-null Const of a type with no storage (Unknown).
type nullBuilder struct {
	t types.Type
	n int
}

func (b *nullBuilder) Type() types.Type { return b.t }
func (b *nullBuilder) Len() int         { return b.n }
func (b *nullBuilder) AppendNull()      { b.n++ }
func (b *nullBuilder) Append(v types.Value) {
	if !v.IsNull() {
		badAppend(b, v)
	}
	b.n++
}
func (b *nullBuilder) Build() Vector {
	v := &Const{V: types.Value{Type: b.t, Null: true}, N: b.n}
	b.n = 0
	return v
}
