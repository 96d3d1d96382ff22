package logs

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Watchlist is a Sentinel watchlist given as a CSV file (as uploaded to or downloaded
// from Sentinel): a header row naming the fields, then one item per row.
type Watchlist struct {
	Alias string
	Path  string
	// SearchKey is the field whose value is the item's SearchKey; "" means the first.
	SearchKey string
}

// ParseWatchlistFlag reads `ALIAS=PATH[#SEARCHKEY]`, the form of --watchlist.
func ParseWatchlistFlag(s string) (Watchlist, error) {
	alias, rest, ok := strings.Cut(s, "=")
	if !ok || alias == "" || rest == "" {
		return Watchlist{}, fmt.Errorf("expected ALIAS=PATH or ALIAS=PATH#SEARCHKEY, found %q", s)
	}
	w := Watchlist{Alias: alias, Path: rest}
	if i := strings.LastIndex(rest, "#"); i > 0 {
		if _, err := os.Stat(rest); err != nil {
			w.Path, w.SearchKey = rest[:i], rest[i+1:]
		}
	}
	return w, nil
}

// WatchlistRows reads the watchlist's CSV and returns its items as rows of the Log
// Analytics Watchlist table ([WatchlistJSON]), stamped with the file's modification
// time, and how many items there are. A row with the wrong number of fields is an error
// naming its line.
func (w Watchlist) WatchlistRows() ([]byte, int, error) {
	f, err := os.Open(w.Path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	r := csv.NewReader(stripBOM(f))
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, fmt.Errorf("%s: empty file, expected a header row", w.Path)
		}
		return nil, 0, fmt.Errorf("%s: %v", w.Path, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	var items [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %v", w.Path, err)
		}
		items = append(items, rec)
	}
	b, err := WatchlistJSON(w.Alias, w.SearchKey, header, items, st.ModTime(), w.Path)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %v", w.Path, err)
	}
	return b, len(items), nil
}

// WatchlistJSON writes watchlist items as rows of the Log Analytics Watchlist table, as
// JSON lines: each item's fields as the WatchlistItem bag (values as text, as Sentinel
// keeps them), its SearchKey (the field searchKey names, the first when it is ""), the
// alias as WatchlistAlias and WatchlistName, _DTItemType "watchlist-item", _DTItemStatus
// "Create", an _DTItemId derived from the alias and the item, source as Source, and stamp
// as TimeGenerated, _DTTimestamp, CreatedTimeUTC and LastUpdatedTimeUTC.
func WatchlistJSON(alias, searchKey string, fields []string, items [][]string, stamp time.Time, source string) ([]byte, error) {
	key := 0
	if searchKey != "" {
		key = -1
		for i, h := range fields {
			if strings.EqualFold(h, searchKey) {
				key = i
			}
		}
		if key < 0 {
			return nil, fmt.Errorf("no field %q for the search key (fields: %s)", searchKey, strings.Join(fields, ", "))
		}
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("the watchlist has no fields")
	}
	ts := stamp.UTC().Format(time.RFC3339Nano)
	var out bytes.Buffer
	for n, rec := range items {
		if len(rec) != len(fields) {
			return nil, fmt.Errorf("item %d has %d fields, want %d", n+1, len(rec), len(fields))
		}
		item := make(map[string]string, len(fields))
		for i, h := range fields {
			item[h] = rec[i]
		}
		id := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%s", alias, n, strings.Join(rec, "\x00"))))
		row := map[string]any{
			"TimeGenerated":      ts,
			"_DTTimestamp":       ts,
			"CreatedTimeUTC":     ts,
			"LastUpdatedTimeUTC": ts,
			"WatchlistAlias":     alias,
			"WatchlistName":      alias,
			"SearchKey":          rec[key],
			"WatchlistItem":      item,
			"_DTItemId":          hex.EncodeToString(id[:16]),
			"_DTItemType":        "watchlist-item",
			"_DTItemStatus":      "Create",
			"Source":             source,
			"Type":               "Watchlist",
		}
		b, err := json.Marshal(row)
		if err != nil {
			return nil, err
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// stripBOM skips a UTF-8 byte order mark at the start of r.
func stripBOM(r io.Reader) io.Reader {
	var bom [3]byte
	n, _ := io.ReadFull(r, bom[:])
	if n == 3 && bom == [3]byte{0xEF, 0xBB, 0xBF} {
		return r
	}
	return io.MultiReader(bytes.NewReader(bom[:n]), r)
}
