package exec

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/plan"
	"github.com/socfeed/socfeed/kql/types"
)

// ExternalData opens the artifacts `externaldata` names. uri is a local path, a file://
// URL or an http(s) URL, as written in the query.
type ExternalData interface {
	Open(ctx context.Context, uri string) (io.ReadCloser, error)
}

// OfflineMessage is in the error of a [Fetcher] with Offline set for a URL that is
// neither mapped nor cached.
const OfflineMessage = "offline, and it is neither mapped nor cached"

// Default limits of [Fetcher].
const (
	DefaultFetchTimeout  = 30 * time.Second
	DefaultFetchMaxBytes = 256 << 20
)

// Fetcher is the default [ExternalData]: it reads local files, and fetches http(s) URLs
// with net/http, keeping each download in CacheDir so later runs (and offline runs) reuse
// it. Before fetching, it looks a URL up in Map and then in MapDir, so tests and offline
// users can supply the data of a URL themselves.
type Fetcher struct {
	// Map maps a URL to a local file that stands for it.
	Map map[string]string
	// MapDir holds files that stand for URLs: named by [URLKey] of the URL (with any
	// extension), or at <host>/<path> as `wget --force-directories` mirrors them.
	MapDir string
	// CacheDir keeps downloaded URLs, named by [URLKey]; empty means no cache.
	CacheDir string
	// Offline refuses to fetch a URL that neither the maps nor the cache have.
	Offline bool
	// Client does the requests; nil means a client with Timeout.
	Client *http.Client
	// Timeout bounds one download; 0 means DefaultFetchTimeout.
	Timeout time.Duration
	// MaxBytes bounds one download; 0 means DefaultFetchMaxBytes.
	MaxBytes int64
}

// DefaultFetcher returns a [Fetcher] that caches downloads under the user's cache folder
// (socfeed/externaldata), or does not cache when there is none.
func DefaultFetcher() *Fetcher {
	f := &Fetcher{}
	if dir, err := os.UserCacheDir(); err == nil {
		f.CacheDir = filepath.Join(dir, "socfeed", "externaldata")
	}
	return f
}

// URLKey is the file name under which [Fetcher] caches or maps a URL: the hex SHA-256 of
// the URL text.
func URLKey(uri string) string {
	h := sha256.Sum256([]byte(uri))
	return hex.EncodeToString(h[:])
}

func isNetworkURL(uri string) bool {
	l := strings.ToLower(uri)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// Open implements [ExternalData].
func (f *Fetcher) Open(ctx context.Context, uri string) (io.ReadCloser, error) {
	if !isNetworkURL(uri) {
		p := uri
		if strings.HasPrefix(strings.ToLower(p), "file://") {
			p = p[len("file://"):]
		}
		return os.Open(p)
	}
	if p, ok := f.Map[uri]; ok {
		return os.Open(p)
	}
	key := URLKey(uri)
	if f.MapDir != "" {
		if m, _ := filepath.Glob(filepath.Join(f.MapDir, key+"*")); len(m) > 0 {
			return os.Open(m[0])
		}
		if p := mirrorPath(f.MapDir, uri); p != "" {
			if r, err := os.Open(p); err == nil {
				return r, nil
			}
		}
	}
	if f.CacheDir != "" {
		if r, err := os.Open(filepath.Join(f.CacheDir, key)); err == nil {
			return r, nil
		}
	}
	if f.Offline {
		return nil, fmt.Errorf("cannot read %s: %s", uri, OfflineMessage)
	}
	data, err := f.fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	if f.CacheDir != "" {
		// A cache that cannot be written only costs a later download.
		if os.MkdirAll(f.CacheDir, 0o755) == nil {
			tmp, err := os.CreateTemp(f.CacheDir, key+".tmp*")
			if err == nil {
				_, werr := tmp.Write(data)
				cerr := tmp.Close()
				if werr == nil && cerr == nil {
					_ = os.Rename(tmp.Name(), filepath.Join(f.CacheDir, key))
				} else {
					_ = os.Remove(tmp.Name())
				}
			}
		}
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// mirrorPath is where a mirror under dir keeps uri: dir/<host>/<path>, or "" when the
// URL has no path or its path would leave dir.
func mirrorPath(dir, uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || u.Path == "" || u.Path == "/" {
		return ""
	}
	rel := path.Clean("/" + u.Host + u.Path)
	if strings.Contains(rel, "/../") {
		return ""
	}
	return filepath.Join(dir, filepath.FromSlash(rel))
}

func (f *Fetcher) fetch(ctx context.Context, uri string) ([]byte, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	limit := f.MaxBytes
	if limit <= 0 {
		limit = DefaultFetchMaxBytes
	}
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, fmt.Errorf("cannot fetch %s: %v", uri, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot fetch %s (offline or unreachable; map the URL to a local file to run offline): %v", uri, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("cannot fetch %s: %s", uri, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot fetch %s: %v", uri, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("cannot fetch %s: larger than %d bytes", uri, limit)
	}
	return data, nil
}

// uriPath is the path part of uri in lower case, for its extension.
func uriPath(uri string) string {
	if isNetworkURL(uri) {
		if u, err := url.Parse(uri); err == nil {
			return strings.ToLower(u.Path)
		}
	}
	return strings.ToLower(uri)
}

// externalFormat is the format of uri: the one written, else the one its extension names
// (after a compression suffix), else csv.
func externalFormat(written, uri string) string {
	if written != "" {
		return written
	}
	p := strings.TrimSuffix(strings.TrimSuffix(uriPath(uri), ".gz"), ".zip")
	switch ext := strings.TrimPrefix(path.Ext(p), "."); ext {
	case "csv", "tsv", "txt", "json", "multijson", "psv", "scsv", "sohsv", "tsve":
		return ext
	}
	return "csv"
}

// externalFiles opens uri and returns the data of each file it holds: one, or for a .zip
// archive the files whose names match pattern (all when it is empty). gzip data is
// decompressed.
func (x *executor) externalFiles(src ExternalData, uri, pattern string) ([][]byte, error) {
	r, err := src.Open(x.ctx, uri)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, DefaultFetchMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > DefaultFetchMaxBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", uri, DefaultFetchMaxBytes)
	}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		gz, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", uri, err)
		}
		data, err = io.ReadAll(io.LimitReader(gz, DefaultFetchMaxBytes+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", uri, err)
		}
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return [][]byte{data}, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", uri, err)
	}
	// zipPattern is a regular expression; queries also write globs such as *.csv.
	match := func(string) bool { return true }
	if pattern != "" {
		if re, err := regexp.Compile(pattern); err == nil {
			match = re.MatchString
		} else if _, err := path.Match(pattern, ""); err == nil {
			match = func(name string) bool { ok, _ := path.Match(pattern, path.Base(name)); return ok }
		} else {
			return nil, fmt.Errorf("invalid zipPattern %q: %v", pattern, err)
		}
	}
	var out [][]byte
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !match(zf.Name) {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", uri, zf.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, DefaultFetchMaxBytes+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", uri, zf.Name, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// external reads the artifacts of externaldata through the engine's ExternalData source.
func (x *executor) external(n *plan.External) ([]*column.Batch, error) {
	src := x.eng.External
	if src == nil {
		src = DefaultFetcher()
	}
	var rows [][]types.Value
	for _, uri := range n.URIs {
		files, err := x.externalFiles(src, uri, n.ZipPattern)
		if err != nil {
			return nil, &RuntimeError{Op: "externaldata", Msg: err.Error()}
		}
		format := externalFormat(n.Format, uri)
		for _, data := range files {
			got, err := parseExternal(data, format, n.Fields, n.IgnoreFirstRecord)
			if err != nil {
				return nil, &RuntimeError{Op: "externaldata", Msg: uri + ": " + err.Error()}
			}
			rows = append(rows, got...)
		}
	}
	return rowsToBatches(n.Fields, rows, x.batch), nil
}

// parseExternal parses one file in format into rows of fields.
func parseExternal(data []byte, format string, fields []plan.Field, skipFirst bool) ([][]types.Value, error) {
	var rows [][]types.Value
	skip := skipFirst
	switch format {
	case "json", "multijson":
		dec := json.NewDecoder(bytes.NewReader(data))
		add := func(raw json.RawMessage) error {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				return err
			}
			if skip {
				skip = false
				return nil
			}
			rows = append(rows, jsonRow(m, fields))
			return nil
		}
		for {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return nil, err
			}
			if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
				var elems []json.RawMessage
				if err := json.Unmarshal(t, &elems); err != nil {
					return nil, err
				}
				for _, e := range elems {
					if err := add(e); err != nil {
						return nil, err
					}
				}
				continue
			}
			if err := add(raw); err != nil {
				return nil, err
			}
		}
	case "txt", "raw":
		// One record per line, into the first column.
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), len(data)+1)
		for sc.Scan() {
			line := strings.TrimSuffix(sc.Text(), "\r")
			if skip {
				skip = false
				continue
			}
			if line == "" {
				continue
			}
			row := make([]types.Value, len(fields))
			for i, fl := range fields {
				row[i] = types.NullOf(fl.Type)
			}
			if len(fields) > 0 {
				row[0] = textValue(line, fields[0].Type)
			}
			rows = append(rows, row)
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	default:
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		switch format {
		case "tsv", "tsve":
			r.Comma = '\t'
		case "psv":
			r.Comma = '|'
		case "scsv":
			r.Comma = ';'
		case "sohsv":
			r.Comma = '\x01'
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			if skip {
				skip = false
				continue
			}
			row := make([]types.Value, len(fields))
			for i, fl := range fields {
				if i < len(rec) {
					row[i] = textValue(rec[i], fl.Type)
				} else {
					row[i] = types.NullOf(fl.Type)
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// textValue converts the text of a cell to t.
func textValue(s string, t types.Type) types.Value {
	switch t {
	case types.String:
		return types.NewString(s)
	case types.Dynamic:
		return types.ParseJSON(s)
	}
	return types.Convert(types.NewString(strings.TrimSpace(s)), t)
}

// jsonRow takes the fields of one JSON object by column name.
func jsonRow(m map[string]json.RawMessage, fields []plan.Field) []types.Value {
	row := make([]types.Value, len(fields))
	for i, fl := range fields {
		raw, ok := m[fl.Name]
		if !ok {
			row[i] = types.NullOf(fl.Type)
			continue
		}
		v := types.DynamicScalar(types.JSON(raw))
		if fl.Type == types.Dynamic {
			v = types.ParseJSON(string(raw))
		}
		row[i] = types.Convert(v, fl.Type)
	}
	return row
}
