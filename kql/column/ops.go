package column

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/types"
)

// Gather returns a vector of the values of v at idx, in that order (a selection vector
// may repeat and reorder rows). Dictionary-encoded strings stay dictionary-encoded and
// share v's dictionary. Indexes out of range panic.
func Gather(v Vector, idx []int32) Vector {
	switch v := v.(type) {
	case *Bools:
		out := &Bools{Vals: make([]bool, len(idx)), Nulls: v.Nulls.gather(idx)}
		for j, i := range idx {
			out.Vals[j] = v.Vals[i]
		}
		return out
	case *Ints:
		out := &Ints{T: v.T, Vals: make([]int64, len(idx)), Nulls: v.Nulls.gather(idx)}
		for j, i := range idx {
			out.Vals[j] = v.Vals[i]
		}
		return out
	case *Reals:
		out := &Reals{Vals: make([]float64, len(idx)), Nulls: v.Nulls.gather(idx)}
		for j, i := range idx {
			out.Vals[j] = v.Vals[i]
		}
		return out
	case *Strings:
		if v.Dict != nil {
			out := &Strings{Codes: make([]uint32, len(idx)), Dict: v.Dict}
			for j, i := range idx {
				out.Codes[j] = v.Codes[i]
			}
			return out
		}
		out := &Strings{Plain: make([]string, len(idx))}
		for j, i := range idx {
			out.Plain[j] = v.Plain[i]
		}
		return out
	case *Dynamics:
		size := 0
		for _, i := range idx {
			size += int(v.Offs[i+1] - v.Offs[i])
		}
		out := &Dynamics{Data: make([]byte, 0, size), Offs: make([]uint32, 1, len(idx)+1), Nulls: v.Nulls.gather(idx)}
		for _, i := range idx {
			out.Data = append(out.Data, v.Raw(int(i))...)
			out.Offs = append(out.Offs, uint32(len(out.Data)))
		}
		return out
	case *GUIDs:
		out := &GUIDs{Vals: make([][16]byte, len(idx)), Nulls: v.Nulls.gather(idx)}
		for j, i := range idx {
			out.Vals[j] = v.Vals[i]
		}
		return out
	case *Decimals:
		out := &Decimals{Vals: make([]string, len(idx)), Nulls: v.Nulls.gather(idx)}
		for j, i := range idx {
			out.Vals[j] = v.Vals[i]
		}
		return out
	case *Const:
		for _, i := range idx {
			if i < 0 || int(i) >= v.N {
				panic(fmt.Sprintf("internal error: gather index %d out of range [0,%d)", i, v.N))
			}
		}
		return &Const{V: v.V, N: len(idx)}
	}
	b := NewBuilder(v.Type())
	for _, i := range idx {
		b.Append(v.Value(int(i)))
	}
	return b.Build()
}

// Slice returns rows [from, to) of v. Value storage is shared with v, not copied.
func Slice(v Vector, from, to int) Vector {
	if from < 0 || to < from || to > v.Len() {
		panic(fmt.Sprintf("internal error: slice [%d:%d] of vector of length %d", from, to, v.Len()))
	}
	switch v := v.(type) {
	case *Bools:
		return &Bools{Vals: v.Vals[from:to:to], Nulls: v.Nulls.slice(from, to)}
	case *Ints:
		return &Ints{T: v.T, Vals: v.Vals[from:to:to], Nulls: v.Nulls.slice(from, to)}
	case *Reals:
		return &Reals{Vals: v.Vals[from:to:to], Nulls: v.Nulls.slice(from, to)}
	case *Strings:
		if v.Dict != nil {
			return &Strings{Codes: v.Codes[from:to:to], Dict: v.Dict}
		}
		return &Strings{Plain: v.Plain[from:to:to]}
	case *Dynamics:
		// Offsets stay absolute into the shared arena.
		return &Dynamics{Data: v.Data, Offs: v.Offs[from : to+1 : to+1], Nulls: v.Nulls.slice(from, to)}
	case *GUIDs:
		return &GUIDs{Vals: v.Vals[from:to:to], Nulls: v.Nulls.slice(from, to)}
	case *Decimals:
		return &Decimals{Vals: v.Vals[from:to:to], Nulls: v.Nulls.slice(from, to)}
	case *Const:
		return &Const{V: v.V, N: to - from}
	}
	idx := make([]int32, to-from)
	for i := range idx {
		idx[i] = int32(from + i)
	}
	return Gather(v, idx)
}

// Concat returns the values of vs one after another. All vectors must have the same type.
// Dictionary-encoded strings are merged into one dictionary while it stays within
// [MaxDict] entries.
func Concat(vs ...Vector) (Vector, error) {
	if len(vs) == 0 {
		return nil, fmt.Errorf("concat of no vectors")
	}
	t := vs[0].Type()
	for _, v := range vs[1:] {
		if v.Type() != t {
			return nil, fmt.Errorf("concat: expected %s, found %s", t, v.Type())
		}
	}
	if len(vs) == 1 {
		return vs[0], nil
	}
	if out, ok := concatConst(vs); ok {
		return out, nil
	}
	if t == types.String {
		if out, ok := concatDict(vs); ok {
			return out, nil
		}
	}
	if t == types.Dynamic {
		if out, ok := concatDynamic(vs); ok {
			return out, nil
		}
	}
	b := NewBuilder(t)
	for _, v := range vs {
		appendAll(b, v)
	}
	return b.Build(), nil
}

func concatConst(vs []Vector) (Vector, bool) {
	c0, ok := vs[0].(*Const)
	if !ok {
		return nil, false
	}
	n := 0
	for _, v := range vs {
		c, ok := v.(*Const)
		if !ok || c.V != c0.V {
			return nil, false
		}
		n += c.N
	}
	return &Const{V: c0.V, N: n}, true
}

func concatDict(vs []Vector) (Vector, bool) {
	out := &Strings{Dict: []string{}}
	index := map[string]uint32{}
	for _, v := range vs {
		s, ok := v.(*Strings)
		if !ok || s.Dict == nil {
			return nil, false
		}
		remap := make([]uint32, len(s.Dict))
		for i, d := range s.Dict {
			c, ok := index[d]
			if !ok {
				if len(out.Dict) >= MaxDict {
					return nil, false
				}
				c = uint32(len(out.Dict))
				out.Dict = append(out.Dict, d)
				index[d] = c
			}
			remap[i] = c
		}
		for _, c := range s.Codes {
			out.Codes = append(out.Codes, remap[c])
		}
	}
	return out, true
}

func concatDynamic(vs []Vector) (Vector, bool) {
	out := &Dynamics{Offs: []uint32{0}}
	n := 0
	for _, v := range vs {
		d, ok := v.(*Dynamics)
		if !ok {
			return nil, false
		}
		for i := 0; i < d.Len(); i++ {
			out.Data = append(out.Data, d.Raw(i)...)
			out.Offs = append(out.Offs, uint32(len(out.Data)))
		}
		out.Nulls.appendFrom(d.Nulls, n, d.Len())
		n += d.Len()
	}
	return out, true
}

// appendAll appends every value of v to b, using typed appenders where it can.
func appendAll(b Builder, v Vector) {
	switch v := v.(type) {
	case *Strings:
		if sb, ok := b.(*StringBuilder); ok {
			for i := 0; i < v.Len(); i++ {
				sb.AppendString(v.Str(i))
			}
			return
		}
	case *Ints:
		if ib, ok := b.(*IntBuilder); ok && ib.T == v.T {
			for i, x := range v.Vals {
				if v.Nulls.Get(i) {
					ib.AppendNull()
				} else {
					ib.AppendInt64(x)
				}
			}
			return
		}
	}
	for i := 0; i < v.Len(); i++ {
		b.Append(v.Value(i))
	}
}
