package synth

import "testing"

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Options{Users: 50, Days: 7}, MemSink{}); err != nil {
			b.Fatal(err)
		}
	}
}
