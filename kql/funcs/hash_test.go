package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestHashKernels(t *testing.T) {
	runScalarCases(t, []scCase{
		{"hash", vArgs(vStr("World")), "1846988464401551951", types.Long},
		{"hash", vArgs(vStr("World"), vLong(100)), "51", types.Long},
		{"hash", vArgs(vDT("2015-01-01")), "1380966698541616202", types.Long},
		{"hash_xxhash64", vArgs(vStr("World")), "1846988464401551951", types.Long},
		{"hash", vArgs(vNull(types.Long)), "null", types.Long},
		{"hash", vArgs(vStr("World"), vLong(0)), "null", types.Long},
		{"hash_sha256", vArgs(vStr("World")), "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524", types.String},
		{"hash_sha256", vArgs(vDT("2020-01-01")), "ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d", types.String},
		{"hash_sha1", vArgs(vStr("World")), "70c07ec18ef89c5309bbb0937f3a6342411e1fdd", types.String},
		{"hash_sha1", vArgs(vDT("2020-01-01")), "e903e533f4d636b4fc0dcf3cf81e7b7f330de776", types.String},
		{"hash_md5", vArgs(vStr("TEXAS")), "3b00dbe6e07e7485a1c12d36c8e9910a", types.String},
	})
}
