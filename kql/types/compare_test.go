package types

import (
	"math"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompareSortOrder(t *testing.T) {
	vals := []Value{NewReal(5), NewReal(math.Inf(1)), NullOf(Real), NewReal(0), NewReal(math.NaN()), NewReal(-5), NewReal(math.Inf(-1))}
	sort.SliceStable(vals, func(i, j int) bool { return Compare(vals[i], vals[j]) < 0 })
	var got []string
	for _, v := range vals {
		if v.IsNull() {
			got = append(got, "null")
			continue
		}
		got = append(got, v.String())
	}
	want := []string{"null", "NaN", "-Infinity", "-5", "0", "5", "Infinity"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sorted (-want +got):\n%s", diff)
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b Value
		want int
	}{
		{NewLong(1), NewLong(2), -1},
		{NewInt(2), NewLong(2), 0},
		{NewLong(3), NewReal(2.5), 1},
		{NewDecimal("2.50"), NewReal(2.5), 0},
		{NewDecimal("10"), NewDecimal("9.99"), 1},
		{NewString("a"), NewString("B"), 1},
		{NewString("abc"), NewString("abc"), 0},
		{NewDateTime(5), NewDateTime(4), 1},
		{NewBool(false), NewBool(true), -1},
		{NullOf(Long), NewLong(math.MinInt64), -1},
		{NullOf(Long), Value{}, 0},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Compare(tt.b, tt.a); got != -tt.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	null := NullOf(Bool)
	tests := []struct {
		a, b      Value
		eq, notEq Value
	}{
		{NewLong(5), NullOf(Int), NewBool(false), NewBool(true)},
		{NullOf(Int), NullOf(Int), null, null},
		{NewInt(1), NewLong(1), NewBool(true), NewBool(false)},
		{NewLong(1), NewReal(1), NewBool(true), NewBool(false)},
		{NewString("aBc"), NewString("aBc"), NewBool(true), NewBool(false)},
		{NewString("abc"), NewString("ABC"), NewBool(false), NewBool(true)},
		{NewReal(math.NaN()), NewReal(math.NaN()), NewBool(false), NewBool(true)},
		{NewString("1"), NewLong(1), NewBool(false), NewBool(true)},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.eq {
			t.Errorf("Equal(%v, %v) = %#v, want %#v", tt.a, tt.b, got, tt.eq)
		}
		if got := NotEqual(tt.a, tt.b); got != tt.notEq {
			t.Errorf("NotEqual(%v, %v) = %#v, want %#v", tt.a, tt.b, got, tt.notEq)
		}
	}
	if got := Less(NullOf(Int), NewLong(3)); !got.IsNull() {
		t.Errorf("Less(null, 3) = %#v, want null", got)
	}
	if got := Greater(NewLong(5), NewLong(3)); !got.Bool() {
		t.Errorf("Greater(5, 3) = %#v, want true", got)
	}
	if got := LessEq(NewTimeSpan(10), NewTimeSpan(10)); !got.Bool() {
		t.Errorf("LessEq(10 ticks, 10 ticks) = %#v, want true", got)
	}
	if got := EqualFoldValue(NewString("abc"), NewString("ABC")); !got.Bool() {
		t.Errorf(`"abc" =~ "ABC" = %#v, want true`, got)
	}
	if !Same(NullOf(Long), NullOf(Long)) || Same(NewString("a"), NewString("A")) || !Same(NewInt(1), NewLong(1)) {
		t.Errorf("Same: wrong answer for nulls, strings or mixed integers")
	}
}
