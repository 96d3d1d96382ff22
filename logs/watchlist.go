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

// WatchlistRows converts the watchlist's CSV into rows of the Log Analytics Watchlist
// table, as JSON lines: each item's fields as the WatchlistItem bag (values as text, as
// Sentinel keeps them), its SearchKey, the alias as WatchlistAlias and WatchlistName,
// _DTItemType "watchlist-item", _DTItemStatus "Create", an _DTItemId derived from the alias
// and the row, and the file's modification time as TimeGenerated, _DTTimestamp,
// CreatedTimeUTC and LastUpdatedTimeUTC. It returns the rows and how many items there are;
// a row with the wrong number of fields is an error naming its line.
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
	stamp := st.ModTime().UTC().Format(time.RFC3339Nano)
	r := csv.NewReader(stripBOM(f))
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, fmt.Errorf("%s: empty file, expected a header row", w.Path)
		}
		return nil, 0, fmt.Errorf("%s: %v", w.Path, err)
	}
	key := 0
	if w.SearchKey != "" {
		key = -1
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), w.SearchKey) {
				key = i
			}
		}
		if key < 0 {
			return nil, 0, fmt.Errorf("%s: no field %q for the search key (fields: %s)", w.Path, w.SearchKey, strings.Join(header, ", "))
		}
	}
	var out bytes.Buffer
	n := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %v", w.Path, err)
		}
		line, _ := r.FieldPos(0)
		item := map[string]string{}
		for i, h := range header {
			item[strings.TrimSpace(h)] = rec[i]
		}
		id := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%s", w.Alias, n, strings.Join(rec, "\x00"))))
		row := map[string]any{
			"TimeGenerated":      stamp,
			"_DTTimestamp":       stamp,
			"CreatedTimeUTC":     stamp,
			"LastUpdatedTimeUTC": stamp,
			"WatchlistAlias":     w.Alias,
			"WatchlistName":      w.Alias,
			"SearchKey":          rec[key],
			"WatchlistItem":      item,
			"_DTItemId":          hex.EncodeToString(id[:16]),
			"_DTItemType":        "watchlist-item",
			"_DTItemStatus":      "Create",
			"Source":             w.Path,
			"Type":               "Watchlist",
		}
		b, err := json.Marshal(row)
		if err != nil {
			return nil, 0, fmt.Errorf("%s:%d: %v", w.Path, line, err)
		}
		out.Write(b)
		out.WriteByte('\n')
		n++
	}
	return out.Bytes(), n, nil
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
