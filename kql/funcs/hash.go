package funcs

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"

	"github.com/socfeed/socfeed/kql/types"
)

// hashFuncs declares the hash functions.
func hashFuncs() []*Func {
	xx := func(name string, examples ...Example) *Func {
		return &Func{
			Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result:   returns(name, types.Long, argAny, argInteger),
			Doc:      "returns the XXH64 hash of the value as a long, or the hash modulo mod (0 to mod-1)",
			Examples: examples,
			Scalar: func(_ *Context, args []types.Value) types.Value {
				v := args[0]
				if v.IsNull() {
					return types.NullOf(types.Long)
				}
				h := xxh64(hashBytes(v))
				if len(args) > 1 {
					mod, ok := asLong(args[1])
					if !ok || mod <= 0 {
						return types.NullOf(types.Long)
					}
					return types.NewLong(int64(h % uint64(mod)))
				}
				return types.NewLong(int64(h))
			},
		}
	}
	digest := func(name string, newHash func() hash.Hash, doc string, examples ...Example) *Func {
		return &Func{
			Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns(name, types.String, argAny),
			Doc:    doc, Examples: examples,
			Scalar: func(_ *Context, args []types.Value) types.Value {
				if args[0].IsNull() {
					return types.NewString("")
				}
				h := newHash()
				h.Write([]byte(text(args[0])))
				return types.NewString(hex.EncodeToString(h.Sum(nil)))
			},
		}
	}
	return []*Func{
		xx("hash",
			ex(`hash("World")`, "1846988464401551951"),
			ex(`hash("World", 100)`, "51"),
			ex(`hash(datetime("2015-01-01"))`, "1380966698541616202"),
		),
		xx("hash_xxhash64",
			ex(`hash_xxhash64("World")`, "1846988464401551951"),
			ex(`hash_xxhash64("World", 100)`, "51"),
			ex(`hash_xxhash64(datetime("2015-01-01"))`, "1380966698541616202"),
		),
		digest("hash_sha256", sha256.New, "returns the SHA-256 hash of the value's text, in lower-case hex",
			ex(`hash_sha256("World")`, "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"),
			ex(`hash_sha256(datetime(2020-01-01))`, "ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d"),
		),
		digest("hash_sha1", sha1.New, "returns the SHA-1 hash of the value's text, in lower-case hex",
			ex(`hash_sha1("World")`, "70c07ec18ef89c5309bbb0937f3a6342411e1fdd"),
			ex(`hash_sha1(datetime(2020-01-01))`, "e903e533f4d636b4fc0dcf3cf81e7b7f330de776"),
		),
		digest("hash_md5", md5.New, "returns the MD5 hash of the value's text, in lower-case hex",
			ex(`hash_md5("TEXAS")`, "3b00dbe6e07e7485a1c12d36c8e9910a"),
		),
		{
			Name: "hash_combine", Kind: Scalar, MinArgs: 2, MaxArgs: 64,
			Result: func(args []types.Type) (types.Type, error) {
				for i, t := range args {
					if t != types.Unknown && t != types.Dynamic && !t.IsInteger() {
						return types.Unknown, argError("hash_combine", i, "long", t)
					}
				}
				return types.Long, nil
			},
			Doc: "combines hash values into one: XXH64 over the little-endian bytes of the running hash and the next. " +
				"Kusto does not publish its combining formula (hash-many-function.md: it may change), so values differ from Kusto's",
			Examples: []Example{
				ex(`hash_combine(hash("Hello"), hash("World")) == hash_many("Hello", "World")`, "true"),
				ex(`hash_combine(1, 2) != hash_combine(2, 1)`, "true"),
				ex(`isnull(hash_combine(1, long(null)))`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				hs := make([]uint64, len(args))
				for i, a := range args {
					n, ok := asLong(a)
					if !ok {
						return types.NullOf(types.Long)
					}
					hs[i] = uint64(n)
				}
				return types.NewLong(int64(combineHashes(hs)))
			},
		},
		{
			Name: "hash_many", Kind: Scalar, MinArgs: 2, MaxArgs: 64,
			Result: func(args []types.Type) (types.Type, error) { return types.Long, nil },
			Doc:    "hashes each value with hash() and combines the hashes as hash_combine() does",
			Examples: []Example{
				ex(`hash_many("Hello", "World") == hash_combine(hash("Hello"), hash("World"))`, "true"),
				ex(`hash_many("a", 1) == hash_many("a", 1)`, "true"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				hs := make([]uint64, len(args))
				for i, a := range args {
					if a.IsNull() {
						return types.NullOf(types.Long)
					}
					hs[i] = xxh64(hashBytes(a))
				}
				return types.NewLong(int64(combineHashes(hs)))
			},
		},
	}
}

// combineHashes folds hashes into one: XXH64 over the 16 little-endian bytes of the
// running value and the next hash.
func combineHashes(hs []uint64) uint64 {
	acc := hs[0]
	var buf [16]byte
	for _, h := range hs[1:] {
		binary.LittleEndian.PutUint64(buf[:8], acc)
		binary.LittleEndian.PutUint64(buf[8:], h)
		acc = xxh64(buf[:])
	}
	return acc
}

// hashBytes is the byte form hash() reads: UTF-8 text for strings, little-endian 8-byte
// integers for numbers, datetimes (.NET ticks since 0001-01-01) and timespans (ticks), the
// IEEE-754 bits of reals, and the text of anything else.
func hashBytes(v types.Value) []byte {
	switch v.Type {
	case types.String:
		return []byte(v.S)
	case types.Bool, types.Int, types.Long, types.TimeSpan:
		return binary.LittleEndian.AppendUint64(nil, uint64(v.I))
	case types.DateTime:
		return binary.LittleEndian.AppendUint64(nil, uint64(v.I+dotnetEpoch))
	case types.Real:
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v.F))
	}
	return []byte(v.String())
}
