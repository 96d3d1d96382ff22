package funcs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
)

// MMDB is a MaxMind DB (.mmdb) file held in memory, such as MaxMind's GeoLite2-City, the
// database Kusto's geo_info_from_ip_address() uses. It implements [GeoLookup] and is safe
// for concurrent use: lookups only read.
//
// The format is MaxMind's published "MaxMind DB File Format Specification" (version 2): a
// binary search tree over the address bits, a 16-byte separator, a data section of typed
// values, and a metadata map after the marker "\xAB\xCD\xEFMaxMind.com".
type MMDB struct {
	data       []byte // the tree, separator and data section
	nodeCount  uint32
	recordSize uint32 // bits per record: 24, 28 or 32
	ipVersion  uint32
	dataStart  int    // offset of the data section in data
	ipv4Start  uint32 // the node for ::/96, where IPv4 lookups start in an IPv6 tree
}

var mmdbMetadataMarker = []byte("\xAB\xCD\xEFMaxMind.com")

// OpenMMDB reads the MaxMind DB file at path.
func OpenMMDB(path string) (*MMDB, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	db, err := NewMMDB(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

// NewMMDB parses a MaxMind DB held in b; the MMDB keeps b, which must not change.
func NewMMDB(b []byte) (*MMDB, error) {
	i := bytes.LastIndex(b, mmdbMetadataMarker)
	if i < 0 {
		return nil, errors.New("not a MaxMind DB file: no metadata marker")
	}
	meta, _, err := (&mmdbDecoder{buf: b[i+len(mmdbMetadataMarker):]}).decode(0, 0)
	if err != nil {
		return nil, fmt.Errorf("bad metadata: %w", err)
	}
	m, ok := meta.(map[string]any)
	if !ok {
		return nil, errors.New("bad metadata: not a map")
	}
	num := func(k string) (uint32, error) {
		switch v := m[k].(type) {
		case uint64:
			if v <= math.MaxUint32 {
				return uint32(v), nil
			}
		}
		return 0, fmt.Errorf("bad metadata: %s missing or not an unsigned integer", k)
	}
	db := &MMDB{}
	if db.nodeCount, err = num("node_count"); err != nil {
		return nil, err
	}
	if db.recordSize, err = num("record_size"); err != nil {
		return nil, err
	}
	if db.ipVersion, err = num("ip_version"); err != nil {
		return nil, err
	}
	switch db.recordSize {
	case 24, 28, 32:
	default:
		return nil, fmt.Errorf("unsupported record size %d", db.recordSize)
	}
	treeSize := uint64(db.nodeCount) * uint64(db.recordSize) / 4
	if treeSize+16 > uint64(i) {
		return nil, errors.New("search tree larger than the file")
	}
	db.data = b[:i]
	db.dataStart = int(treeSize) + 16
	if db.ipVersion == 6 {
		node := uint32(0)
		for k := 0; k < 96 && node < db.nodeCount; k++ {
			node = db.record(node, 0)
		}
		db.ipv4Start = node
	}
	return db, nil
}

// record returns the left (bit 0) or right (bit 1) record of node.
func (db *MMDB) record(node uint32, bit int) uint32 {
	b := db.data
	switch db.recordSize {
	case 24:
		o := int(node) * 6
		if bit == 1 {
			o += 3
		}
		return uint32(b[o])<<16 | uint32(b[o+1])<<8 | uint32(b[o+2])
	case 28:
		o := int(node) * 7
		if bit == 0 {
			return uint32(b[o+3]&0xF0)<<20 | uint32(b[o])<<16 | uint32(b[o+1])<<8 | uint32(b[o+2])
		}
		return uint32(b[o+3]&0x0F)<<24 | uint32(b[o+4])<<16 | uint32(b[o+5])<<8 | uint32(b[o+6])
	}
	o := int(node) * 8
	if bit == 1 {
		o += 4
	}
	return binary.BigEndian.Uint32(b[o:])
}

// Lookup returns the data record for ip, or ok false when the tree has none.
func (db *MMDB) Lookup(ip netip.Addr) (rec any, ok bool, err error) {
	ip = ip.Unmap()
	var bits []byte
	node := uint32(0)
	switch {
	case ip.Is4() && db.ipVersion == 6:
		a := ip.As4()
		bits, node = a[:], db.ipv4Start
	case ip.Is4():
		a := ip.As4()
		bits = a[:]
	case db.ipVersion == 4:
		return nil, false, nil // an IPv6 address in an IPv4-only database
	default:
		a := ip.As16()
		bits = a[:]
	}
	for i := 0; i < len(bits)*8 && node < db.nodeCount; i++ {
		node = db.record(node, int(bits[i/8]>>(7-i%8))&1)
	}
	switch {
	case node == db.nodeCount:
		return nil, false, nil
	case node < db.nodeCount:
		return nil, false, errors.New("search tree deeper than the address")
	}
	off := uint64(node-db.nodeCount) - 16
	dec := &mmdbDecoder{buf: db.data[db.dataStart:]}
	if off >= uint64(len(dec.buf)) {
		return nil, false, errors.New("data pointer outside the data section")
	}
	rec, _, err = dec.decode(int(off), 0)
	if err != nil {
		return nil, false, err
	}
	return rec, true, nil
}

// GeoLookup implements [GeoLookup] over a GeoLite2-City-shaped record: English names of
// the country, the first subdivision and the city, and the location's coordinates.
func (db *MMDB) GeoLookup(ip string) (GeoInfo, bool) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return GeoInfo{}, false
	}
	rec, ok, err := db.Lookup(addr)
	if err != nil || !ok {
		return GeoInfo{}, false
	}
	m, _ := rec.(map[string]any)
	name := func(v any) string {
		n, _ := v.(map[string]any)
		names, _ := n["names"].(map[string]any)
		s, _ := names["en"].(string)
		return s
	}
	var g GeoInfo
	g.Country = name(m["country"])
	if subs, _ := m["subdivisions"].([]any); len(subs) > 0 {
		g.State = name(subs[0])
	}
	g.City = name(m["city"])
	if loc, _ := m["location"].(map[string]any); loc != nil {
		lat, ok1 := loc["latitude"].(float64)
		lon, ok2 := loc["longitude"].(float64)
		if ok1 && ok2 {
			g.Latitude, g.Longitude, g.HasLocation = lat, lon, true
		}
	}
	return g, true
}

// mmdbDecoder decodes the typed values of a data section (or of the metadata).
type mmdbDecoder struct {
	buf   []byte
	steps int // values decoded so far, bounded so a crafted file cannot loop through pointers
}

// mmdbMaxSteps bounds the values one record decodes into; real city records have a few
// hundred.
const mmdbMaxSteps = 1 << 16

const mmdbMaxDepth = 64

var errMMDBTruncated = errors.New("data truncated")

// decode decodes the value at off and returns it with the offset after it. Maps decode
// to map[string]any, arrays to []any, unsigned integers to uint64, signed to int64,
// doubles and floats to float64, strings to string, bytes to []byte.
func (d *mmdbDecoder) decode(off, depth int) (any, int, error) {
	if depth > mmdbMaxDepth {
		return nil, 0, errors.New("data nested too deeply")
	}
	if d.steps++; d.steps > mmdbMaxSteps {
		return nil, 0, errors.New("record too large")
	}
	if off >= len(d.buf) {
		return nil, 0, errMMDBTruncated
	}
	ctrl := d.buf[off]
	off++
	typ := int(ctrl >> 5)
	if typ == 1 { // pointer
		ss, v := int(ctrl>>3)&3, uint64(ctrl&7)
		n := ss + 1
		if off+n > len(d.buf) {
			return nil, 0, errMMDBTruncated
		}
		var p uint64
		switch ss {
		case 0:
			p = v<<8 | uint64(d.buf[off])
		case 1:
			p = (v<<16 | uint64(d.buf[off])<<8 | uint64(d.buf[off+1])) + 2048
		case 2:
			p = (v<<24 | uint64(d.buf[off])<<16 | uint64(d.buf[off+1])<<8 | uint64(d.buf[off+2])) + 526336
		default:
			p = uint64(binary.BigEndian.Uint32(d.buf[off:]))
		}
		if p >= uint64(len(d.buf)) {
			return nil, 0, errors.New("data pointer outside the data section")
		}
		v2, _, err := d.decode(int(p), depth+1)
		return v2, off + n, err
	}
	if typ == 0 { // extended type
		if off >= len(d.buf) {
			return nil, 0, errMMDBTruncated
		}
		typ = 7 + int(d.buf[off])
		off++
	}
	size := int(ctrl & 0x1f)
	if size >= 29 {
		n := size - 28
		if off+n > len(d.buf) {
			return nil, 0, errMMDBTruncated
		}
		switch n {
		case 1:
			size = 29 + int(d.buf[off])
		case 2:
			size = 285 + int(d.buf[off])<<8 + int(d.buf[off+1])
		default:
			size = 65821 + int(d.buf[off])<<16 + int(d.buf[off+1])<<8 + int(d.buf[off+2])
		}
		off += n
	}
	bytesOf := func() ([]byte, error) {
		if size > len(d.buf)-off {
			return nil, errMMDBTruncated
		}
		return d.buf[off : off+size], nil
	}
	switch typ {
	case 2, 4: // UTF-8 string, bytes
		b, err := bytesOf()
		if err != nil {
			return nil, 0, err
		}
		if typ == 2 {
			return string(b), off + size, nil
		}
		return append([]byte(nil), b...), off + size, nil
	case 3, 15: // double, float
		b, err := bytesOf()
		if err != nil {
			return nil, 0, err
		}
		switch {
		case typ == 3 && size == 8:
			return math.Float64frombits(binary.BigEndian.Uint64(b)), off + size, nil
		case typ == 15 && size == 4:
			return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), off + size, nil
		}
		return nil, 0, fmt.Errorf("bad float size %d", size)
	case 5, 6, 9, 10, 8: // uint16, uint32, uint64, uint128, int32
		b, err := bytesOf()
		if err != nil {
			return nil, 0, err
		}
		if size > 16 {
			return nil, 0, fmt.Errorf("bad integer size %d", size)
		}
		var u uint64
		for _, c := range b {
			u = u<<8 | uint64(c) // uint128 values keep their low 64 bits
		}
		if typ == 8 {
			return int64(int32(uint32(u))), off + size, nil
		}
		return u, off + size, nil
	case 7: // map
		if size > (len(d.buf)-off)/2 { // every entry takes at least two bytes
			return nil, 0, errMMDBTruncated
		}
		m := make(map[string]any, size)
		for k := 0; k < size; k++ {
			key, next, err := d.decode(off, depth+1)
			if err != nil {
				return nil, 0, err
			}
			ks, ok := key.(string)
			if !ok {
				return nil, 0, errors.New("map key is not a string")
			}
			val, next2, err := d.decode(next, depth+1)
			if err != nil {
				return nil, 0, err
			}
			m[ks] = val
			off = next2
		}
		return m, off, nil
	case 11: // array
		if size > len(d.buf)-off { // every element takes at least one byte
			return nil, 0, errMMDBTruncated
		}
		a := make([]any, 0, size)
		for k := 0; k < size; k++ {
			val, next, err := d.decode(off, depth+1)
			if err != nil {
				return nil, 0, err
			}
			a = append(a, val)
			off = next
		}
		return a, off, nil
	case 14: // boolean: the value is the size
		return size != 0, off, nil
	}
	return nil, 0, fmt.Errorf("unsupported data type %d", typ)
}
