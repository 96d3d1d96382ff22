// Package column is the engine's storage: typed column vectors with null bitmaps, grouped
// into batches of a few thousand rows, grouped into in-memory tables.
//
// [Vector] is the common interface; hot paths type-switch to the concrete vectors
// ([*Bools], [*Ints], [*Reals], [*Strings], [*Dynamics], [*GUIDs], [*Decimals], [*Const])
// and read their slices directly. Strings are dictionary-encoded while their cardinality is
// low, so a predicate can run once per distinct value ([Strings.EvalPredicate]); dynamic
// values stay as raw JSON bytes in one arena per vector, with no tree per row.
//
// Vectors are built with a [Builder] ([NewBuilder]) and are immutable once built: any
// number of goroutines may read a built vector, batch or table concurrently. [Gather],
// [Slice] and [Concat] derive new vectors (selection vectors are []int32 row indexes).
package column

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/types"
)

// Vector is one column of a batch: n values of one KQL type.
//
// A built Vector is immutable and safe for concurrent reads. Indexes outside [0, Len())
// panic, as for slices.
type Vector interface {
	// Type returns the KQL type of every value in the vector.
	Type() types.Type
	// Len returns the number of values.
	Len() int
	// IsNull reports whether value i is null. It is always false for strings.
	IsNull(i int) bool
	// Value returns value i boxed; meant for generic, not hot, paths.
	Value(i int) types.Value
}

// Field is a named, typed column of a [Batch] or [Table] schema.
type Field struct {
	Name string
	Type types.Type
}

// Batch is a group of rows held column by column: Cols[i] holds the values of Schema[i],
// and every column has Len values. A batch is immutable once built; whoever receives a
// batch may read it from any goroutine but must not modify it.
type Batch struct {
	Schema []Field
	Cols   []Vector
	Len    int
}

// NewBatch returns a batch of cols, checking that their number, types and lengths agree
// with schema.
func NewBatch(schema []Field, cols []Vector) (*Batch, error) {
	if len(schema) != len(cols) {
		return nil, fmt.Errorf("batch has %d fields but %d columns", len(schema), len(cols))
	}
	n := 0
	for i, c := range cols {
		if c.Type() != schema[i].Type && c.Type() != types.Unknown {
			return nil, fmt.Errorf("column %q: expected %s, found %s", schema[i].Name, schema[i].Type, c.Type())
		}
		if i == 0 {
			n = c.Len()
		} else if c.Len() != n {
			return nil, fmt.Errorf("column %q: expected %d rows, found %d", schema[i].Name, n, c.Len())
		}
	}
	return &Batch{Schema: schema, Cols: cols, Len: n}, nil
}

// Index returns the position of the named column (case-sensitive), or -1.
func (b *Batch) Index(name string) int { return fieldIndex(b.Schema, name) }

// Column returns the named column, or nil.
func (b *Batch) Column(name string) Vector {
	if i := b.Index(name); i >= 0 {
		return b.Cols[i]
	}
	return nil
}

// Gather returns a batch of the rows of b at idx, in that order.
func (b *Batch) Gather(idx []int32) *Batch {
	cols := make([]Vector, len(b.Cols))
	for i, c := range b.Cols {
		cols[i] = Gather(c, idx)
	}
	return &Batch{Schema: b.Schema, Cols: cols, Len: len(idx)}
}

// Slice returns a batch of rows [from, to) of b.
func (b *Batch) Slice(from, to int) *Batch {
	cols := make([]Vector, len(b.Cols))
	for i, c := range b.Cols {
		cols[i] = Slice(c, from, to)
	}
	return &Batch{Schema: b.Schema, Cols: cols, Len: to - from}
}

// Row returns row i boxed, one value per column; meant for tests and result printing.
func (b *Batch) Row(i int) []types.Value {
	out := make([]types.Value, len(b.Cols))
	for j, c := range b.Cols {
		out[j] = c.Value(i)
	}
	return out
}

// Table is a named in-memory table: a schema and the batches that hold its rows. Every
// batch has the table's schema.
type Table struct {
	Name    string
	Schema  []Field
	Batches []*Batch
}

// Index returns the position of the named column (case-sensitive), or -1.
func (t *Table) Index(name string) int { return fieldIndex(t.Schema, name) }

// Rows returns the number of rows across all batches.
func (t *Table) Rows() int {
	n := 0
	for _, b := range t.Batches {
		n += b.Len
	}
	return n
}

func fieldIndex(fs []Field, name string) int {
	for i, f := range fs {
		if f.Name == name {
			return i
		}
	}
	return -1
}
