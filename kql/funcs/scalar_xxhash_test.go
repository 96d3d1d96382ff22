package funcs

import (
	"testing"
)

func TestXXH64(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		// Reference values of XXH64 with seed 0.
		{"", 0xef46db3751d8e999},
		{"a", 0xd24ec4f1a98c6e5b},
		{"abc", 0x44bc2cf5ad770999},
		{"Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1},
		// Kusto: hash("World") == 1846988464401551951.
		{"World", 1846988464401551951},
	}
	for _, tt := range tests {
		if got := xxh64([]byte(tt.in)); got != tt.want {
			t.Errorf("xxh64(%q) = %#x, want %#x", tt.in, got, tt.want)
		}
	}
	long := make([]byte, 100)
	for i := range long {
		long[i] = byte(i)
	}
	if xxh64(long) == xxh64(long[:99]) {
		t.Errorf("xxh64 ignores the last byte of a long input")
	}
}
