package column

import "math/bits"

// Nulls is a null bitmap: bit i set means row i is null. A nil Nulls means no row is null,
// and the bitmap may be shorter than the vector (missing words mean "not null").
type Nulls []uint64

// Get reports whether bit i is set.
func (n Nulls) Get(i int) bool {
	w := i >> 6
	return w < len(n) && n[w]&(1<<(uint(i)&63)) != 0
}

// set sets bit i, growing the bitmap as needed.
func (n *Nulls) set(i int) {
	w := i >> 6
	for len(*n) <= w {
		*n = append(*n, 0)
	}
	(*n)[w] |= 1 << (uint(i) & 63)
}

// Count returns the number of set bits.
func (n Nulls) Count() int {
	c := 0
	for _, w := range n {
		c += bits.OnesCount64(w)
	}
	return c
}

func (n Nulls) gather(idx []int32) Nulls {
	if n == nil {
		return nil
	}
	var out Nulls
	for j, i := range idx {
		if n.Get(int(i)) {
			out.set(j)
		}
	}
	return out
}

func (n Nulls) slice(from, to int) Nulls {
	if n == nil {
		return nil
	}
	if from&63 == 0 {
		lo, hi := from>>6, (to+63)>>6
		if lo >= len(n) {
			return nil
		}
		hi = min(hi, len(n))
		out := n[lo:hi:hi]
		if to&63 != 0 && hi == (to+63)>>6 {
			// Clear the bits past to in a copy of the last word, so the slice reports
			// only its own rows.
			out = append(Nulls(nil), out...)
			out[len(out)-1] &= 1<<(uint(to)&63) - 1
		}
		return out
	}
	var out Nulls
	for i := from; i < to; i++ {
		if n.Get(i) {
			out.set(i - from)
		}
	}
	return out
}

// appendNulls appends the null bits of src (n rows) at row offset at.
func (n *Nulls) appendFrom(src Nulls, at, rows int) {
	for i := 0; i < rows; i++ {
		if src.Get(i) {
			n.set(at + i)
		}
	}
}
