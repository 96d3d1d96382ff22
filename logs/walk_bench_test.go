package logs

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
)

// TestFastElem checks that the word-at-a-time walk ends every element where the byte
// walk does, and takes the fast path for the usual exported rows.
func TestFastElem(t *testing.T) {
	lines := bytes.Split(bytes.TrimSpace(synthSignins(40, 0)), []byte("\n"))
	data := append(append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...), "\n]\n"...)
	fast := 0
	for i := 2; ; {
		e, ok := fastElem(data, i)
		want := slowElem(data, i)
		if ok {
			fast++
			if e != want {
				t.Fatalf("element at %d: fastElem ends at %d, slowElem at %d", i, e, want)
			}
		}
		if data[want] == ']' {
			break
		}
		i = skipWS(data, want+1)
	}
	if fast < 39 {
		t.Errorf("fast path taken for %d of 40 elements, want at least 39", fast)
	}
	// The same rows pretty-printed (jq's default), elements over many lines.
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	p := pretty.Bytes()
	fast = 0
	for i := skipWS(p, 1); ; {
		e, ok := fastElem(p, i)
		want := slowElem(p, i)
		if ok {
			fast++
			if e != want {
				t.Fatalf("pretty element at %d: fastElem ends at %d, slowElem at %d", i, e, want)
			}
		}
		if p[want] == ']' {
			break
		}
		i = skipWS(p, want+1)
	}
	if fast < 39 {
		t.Errorf("pretty-printed: fast path taken for %d of 40 elements, want at least 39", fast)
	}
	// Hostile variants: every element start, with escapes, line ends, and brackets of
	// the wrong kind spliced in at random places.
	rng := rand.New(rand.NewSource(1))
	bits := []string{`\`, `\\`, `\"`, `"`, "\n", "]", "}", "[", "{", ",", " ", `\\\"`}
	for n := 0; n < 3000; n++ {
		b := append([]byte(nil), data[:4000]...)
		for k := rng.Intn(4); k > 0; k-- {
			at := rng.Intn(len(b))
			ins := bits[rng.Intn(len(bits))]
			b = append(b[:at], append([]byte(ins), b[at:]...)...)
		}
		b = b[:rng.Intn(len(b))]
		for i := 0; i < len(b); i++ {
			if b[i] != '{' {
				continue
			}
			if e, ok := fastElem(b, i); ok {
				if want := slowElem(b, i); e != want {
					t.Fatalf("case %d, element at %d: fastElem ends at %d, slowElem at %d\n%q", n, i, e, want, b[i:])
				}
			}
			if c, ok := fastClose(b, i); ok {
				if want, wok := slowValue(b, i); c+1 != want || !wok {
					t.Fatalf("case %d, value at %d: fastClose ends at %d, slowValue at %d, %v\n%q", n, i, c+1, want, wok, b[i:])
				}
			}
		}
	}
}

func TestEscapedBits(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for n := 0; n < 20000; n++ {
		// Random backslash runs over two blocks, against a byte walk.
		var b [128]bool
		for i := range b {
			b[i] = rng.Intn(3) == 0
		}
		var want [128]bool
		for i := 0; i < 128; i++ {
			if b[i] {
				if i+1 < 128 {
					want[i+1] = true
				}
				i++
			}
		}
		var carry uint64
		for blk := 0; blk < 2; blk++ {
			var bs uint64
			for k := 0; k < 64; k++ {
				if b[64*blk+k] {
					bs |= 1 << k
				}
			}
			got := escapedBits(bs, &carry)
			for k := 0; k < 64; k++ {
				if got>>k&1 == 1 != want[64*blk+k] {
					t.Fatalf("case %d: byte %d escaped %v, want %v", n, 64*blk+k, !want[64*blk+k], want[64*blk+k])
				}
			}
		}
	}
}

func benchWalk(b *testing.B, walk func([]byte, int) int) {
	lines := bytes.Split(bytes.TrimSpace(synthSignins(3000, 0)), []byte("\n"))
	data := append(append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...), "\n]\n"...)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i, k := 2, 0
		for {
			e := walk(data, i)
			k++
			if data[e] == ']' {
				break
			}
			i = skipWS(data, e+1)
		}
		if k != 3000 {
			b.Fatal(k)
		}
	}
}

// BenchmarkWalkArray times the splitter's walk over an array of exported rows:
// skipElem (the fast path) against slowElem (a byte at a time).
func BenchmarkWalkArray(b *testing.B) {
	b.Run("skipElem", func(b *testing.B) { benchWalk(b, skipElem) })
	b.Run("slowElem", func(b *testing.B) { benchWalk(b, slowElem) })
}

// TestBlockMasks checks blockMasks (SSE2 on amd64) against blockMasksGo.
func TestBlockMasks(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	alphabet := []byte("\"\\{}[],:aZ09 \n\x00\xff\x7b\x5b\x5d\x7d\x22\x5c\x02\xa2\xdc\xfb")
	var b [64]byte
	for n := 0; n < 20000; n++ {
		for i := range b {
			if n%2 == 0 {
				b[i] = alphabet[rng.Intn(len(alphabet))]
			} else {
				b[i] = byte(rng.Intn(256))
			}
		}
		q, bs, br, nl := blockMasks(&b)
		wq, wbs, wbr, wnl := blockMasksGo(&b)
		if q != wq || bs != wbs || br != wbr || nl != wnl {
			t.Fatalf("%q: blockMasks = %x %x %x %x, want %x %x %x %x", b[:], q, bs, br, nl, wq, wbs, wbr, wnl)
		}
		for i, c := range b {
			if (q>>i&1 == 1) != (c == '"') || (bs>>i&1 == 1) != (c == '\\') || (br>>i&1 == 1) != (c == '{' || c == '}' || c == '[' || c == ']') || (nl>>i&1 == 1) != (c == '\n') {
				t.Fatalf("%q: byte %d (%q) misclassified", b[:], i, c)
			}
		}
	}
}

// FuzzElem checks that where fastElem ends an element, slowElem ends it there too.
func FuzzElem(f *testing.F) {
	lines := bytes.Split(bytes.TrimSpace(synthSignins(2, 0)), []byte("\n"))
	f.Add(append(append([]byte(nil), lines[0]...), ",\n"...))
	f.Add([]byte(`{"a":"\\\"}\\","b":[{"c":"]"}],"d":"x\"y"}` + "  ,"))
	f.Add([]byte(`{"a":"` + string(bytes.Repeat([]byte(`\\`), 40)) + `\"}", "b": {"c": [1, 2, {"d": "}"}]}} ]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for i := 0; i < len(b); i++ {
			if b[i] != '{' {
				continue
			}
			if e, ok := fastElem(b, i); ok {
				if want := slowElem(b, i); e != want {
					t.Fatalf("element at %d: fastElem ends at %d, slowElem at %d", i, e, want)
				}
			}
			if c, ok := fastClose(b, i); ok {
				if want, wok := slowValue(b, i); c+1 != want || !wok {
					t.Fatalf("value at %d: fastClose ends at %d, slowValue at %d, %v", i, c+1, want, wok)
				}
			}
		}
	})
}
