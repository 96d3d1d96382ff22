package funcs

import (
	"encoding/binary"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

// mmdbWriter builds small MaxMind DB files for tests, following the format specification
// (24-bit records, IPv6 tree, IPv4 under ::/96).
type mmdbWriter struct {
	nodes [][2]int // child node index, or -1 for none, or -2-k for data record k
	data  [][]byte
}

func newMMDBWriter() *mmdbWriter { return &mmdbWriter{nodes: [][2]int{{-1, -1}}} }

func (w *mmdbWriter) insert(prefix netip.Prefix, rec map[string]any) {
	addr := prefix.Addr()
	bits := prefix.Bits()
	if addr.Is4() {
		bits += 96
	}
	a := addr.As16()
	if prefix.Addr().Is4() {
		a = [16]byte{}
		v4 := addr.As4()
		copy(a[12:], v4[:])
	}
	w.data = append(w.data, mmdbEncode(rec))
	node := 0
	for i := 0; i < bits; i++ {
		bit := int(a[i/8]>>(7-i%8)) & 1
		if i == bits-1 {
			w.nodes[node][bit] = -2 - (len(w.data) - 1)
			return
		}
		if w.nodes[node][bit] < 0 {
			w.nodes = append(w.nodes, [2]int{-1, -1})
			w.nodes[node][bit] = len(w.nodes) - 1
		}
		node = w.nodes[node][bit]
	}
}

func (w *mmdbWriter) bytes() []byte {
	n := len(w.nodes)
	var data []byte
	offsets := make([]int, len(w.data))
	for i, d := range w.data {
		offsets[i] = len(data)
		data = append(data, d...)
	}
	var out []byte
	for _, nd := range w.nodes {
		for _, r := range nd {
			v := n // empty
			switch {
			case r >= 0:
				v = r
			case r <= -2:
				v = n + 16 + offsets[-2-r]
			}
			out = append(out, byte(v>>16), byte(v>>8), byte(v))
		}
	}
	out = append(out, make([]byte, 16)...)
	out = append(out, data...)
	out = append(out, mmdbMetadataMarker...)
	out = append(out, mmdbEncode(map[string]any{
		"node_count": uint64(n), "record_size": uint64(24), "ip_version": uint64(6),
		"binary_format_major_version": uint64(2), "database_type": "Test-City",
	})...)
	return out
}

// mmdbEncode writes a value in the data section format.
func mmdbEncode(v any) []byte {
	ctrl := func(typ, size int) []byte {
		var b []byte
		first := byte(0)
		if typ <= 7 {
			first = byte(typ << 5)
		}
		switch {
		case size < 29:
			first |= byte(size)
			b = []byte{first}
		default:
			first |= 29
			b = []byte{first}
		}
		if typ > 7 {
			b = append(b, byte(typ-7))
		}
		if size >= 29 {
			b = append(b, byte(size-29))
		}
		return b
	}
	switch v := v.(type) {
	case string:
		return append(ctrl(2, len(v)), v...)
	case float64:
		b := make([]byte, 8)
		binary.BigEndian.PutUint64(b, math.Float64bits(v))
		return append(ctrl(3, 8), b...)
	case uint64:
		var b []byte
		for x := v; x > 0; x >>= 8 {
			b = append([]byte{byte(x)}, b...)
		}
		return append(ctrl(9, len(b)), b...)
	case []any:
		out := ctrl(11, len(v))
		for _, e := range v {
			out = append(out, mmdbEncode(e)...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := ctrl(7, len(keys))
		for _, k := range keys {
			out = append(out, mmdbEncode(k)...)
			out = append(out, mmdbEncode(v[k])...)
		}
		return out
	}
	panic("mmdbEncode: unsupported type")
}

func cityRecord(country, state, city string, lat, lon float64) map[string]any {
	names := func(s string) map[string]any {
		return map[string]any{"names": map[string]any{"en": s, "de": s + "-de"}}
	}
	return map[string]any{
		"country":      names(country),
		"subdivisions": []any{names(state)},
		"city":         names(city),
		"location":     map[string]any{"latitude": lat, "longitude": lon, "accuracy_radius": uint64(20)},
	}
}

func testMMDB(t *testing.T) *MMDB {
	t.Helper()
	w := newMMDBWriter()
	w.insert(netip.MustParsePrefix("20.53.203.0/24"), cityRecord("Australia", "New South Wales", "Sydney", -33.8715, 151.2006))
	w.insert(netip.MustParsePrefix("2a03:2880::/32"), cityRecord("United States", "Florida", "Boca Raton", 26.3594, -80.0771))
	w.insert(netip.MustParsePrefix("81.2.69.0/24"), map[string]any{"country": map[string]any{"names": map[string]any{"en": "United Kingdom"}}})
	path := filepath.Join(t.TempDir(), "test.mmdb")
	if err := os.WriteFile(path, w.bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := OpenMMDB(path)
	if err != nil {
		t.Fatalf("OpenMMDB: %v", err)
	}
	return db
}

func TestGeoInfoFromIPAddress(t *testing.T) {
	db := testMMDB(t)
	f := mustLookup(t, Default(), "geo_info_from_ip_address")
	ctx := &Context{GeoIP: db}
	tests := []struct {
		ip, want string
	}{
		// The reference page's examples, with their records in the test database.
		{"20.53.203.50", `{"country":"Australia","state":"New South Wales","city":"Sydney","latitude":-33.8715,"longitude":151.2006}`},
		{"2a03:2880:f12c:83:face:b00c::25de", `{"country":"United States","state":"Florida","city":"Boca Raton","latitude":26.3594,"longitude":-80.0771}`},
		{"::ffff:20.53.203.1", `{"country":"Australia","state":"New South Wales","city":"Sydney","latitude":-33.8715,"longitude":151.2006}`},
		// Only what the database knows.
		{"81.2.69.160", `{"country":"United Kingdom"}`},
		{"20.53.204.1", `null`},
		{"10.0.0.1", `null`},
		{"not an ip", `null`},
	}
	for _, tt := range tests {
		if got := dynShow(f.Scalar(ctx, []types.Value{vStr(tt.ip)})); got != tt.want {
			t.Errorf("geo_info_from_ip_address(%q) = %s, want %s", tt.ip, got, tt.want)
		}
	}
	// Without a database every address is null: socfeed does not invent locations.
	if got := f.Scalar(&Context{}, []types.Value{vStr("20.53.203.50")}); !got.IsNull() {
		t.Errorf("without a database: %v, want null", got)
	}
}

func TestMMDBBadInput(t *testing.T) {
	good := newMMDBWriter()
	good.insert(netip.MustParsePrefix("1.2.3.0/24"), cityRecord("A", "B", "C", 1, 2))
	b := good.bytes()
	for name, data := range map[string][]byte{
		"empty":        nil,
		"no marker":    []byte("hello world"),
		"truncated":    b[:len(b)-5],
		"tree too big": append(append([]byte{}, mmdbMetadataMarker...), mmdbEncode(map[string]any{"node_count": uint64(1 << 30), "record_size": uint64(24), "ip_version": uint64(6)})...),
		"bad record":   append(append([]byte{}, mmdbMetadataMarker...), mmdbEncode(map[string]any{"node_count": uint64(0), "record_size": uint64(20), "ip_version": uint64(6)})...),
	} {
		if _, err := NewMMDB(data); err == nil {
			t.Errorf("NewMMDB(%s): no error", name)
		}
	}
	// A data pointer past the end is an error, not a panic.
	bad := append([]byte{}, b...)
	db, err := NewMMDB(bad)
	if err != nil {
		t.Fatal(err)
	}
	for i := db.dataStart; i < len(db.data); i++ {
		db.data[i] = 0xff
	}
	if _, ok, err := db.Lookup(netip.MustParseAddr("1.2.3.4")); ok || err == nil {
		t.Errorf("Lookup over corrupt data: ok %v, err %v; want an error", ok, err)
	}
}
