package exec

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/socfeed/socfeed/kql/funcs"
)

// externalRows runs src on an engine reading externaldata through src and returns the
// rows as "a|b" lines, or the error text.
func externalRows(t *testing.T, ext ExternalData, src string) ([]string, error) {
	t.Helper()
	e := &Engine{Funcs: funcs.Default(), External: ext}
	res, err := e.Query(context.Background(), src)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range res.Tables[0].Rows {
		var cells []string
		for _, v := range r {
			cells = append(cells, FormatValue(v))
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out, nil
}

func TestExternalDataFetch(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/h.csv":
			w.Write([]byte("name,n\nann,1\nbob,2\n"))
		case "/x.csv.gz":
			var buf bytes.Buffer
			gz := gzip.NewWriter(&buf)
			gz.Write([]byte("cat,3\n"))
			gz.Close()
			w.Write(buf.Bytes())
		case "/list.txt":
			w.Write([]byte("first line\n\nsecond, with comma\n"))
		case "/m.json":
			w.Write([]byte(`[{"name":"dan","n":4}, {"name":"eve"}]`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cache := t.TempDir()
	f := &Fetcher{CacheDir: cache}
	tests := []struct {
		src  string
		want []string
		err  string
	}{
		{src: `externaldata(name:string, n:long)["` + srv.URL + `/h.csv"] with (ignoreFirstRecord=true)`,
			want: []string{"ann|1", "bob|2"}},
		{src: `externaldata(name:string, n:long)["` + srv.URL + `/x.csv.gz"]`, want: []string{"cat|3"}},
		{src: `externaldata(line:string)["` + srv.URL + `/list.txt"] with (format="txt")`,
			want: []string{"first line", "second, with comma"}},
		{src: `externaldata(name:string, n:long)["` + srv.URL + `/m.json"] with (format="multijson")`,
			want: []string{"dan|4", "eve|"}},
		{src: `externaldata(name:string)["` + srv.URL + `/missing.csv"]`, err: "/missing.csv: 404"},
	}
	for _, tt := range tests {
		got, err := externalRows(t, f, tt.src)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error = %v, want one containing %q", tt.src, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: rows (-want +got):\n%s", tt.src, diff)
		}
	}
	// A second run reads the cache, not the server.
	before := hits.Load()
	if _, err := externalRows(t, f, `externaldata(name:string, n:long)["`+srv.URL+`/h.csv"]`); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != before {
		t.Errorf("a cached URL was fetched again")
	}
}

func TestExternalDataOfflineAndMapped(t *testing.T) {
	dir := t.TempDir()
	url := "https://example.invalid/feeds/ips.csv"
	local := filepath.Join(dir, "ips.csv")
	if err := os.WriteFile(local, []byte("10.0.0.1\n10.0.0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `externaldata(ip:string)["` + url + `"] | count`
	_, err := externalRows(t, &Fetcher{Offline: true}, src)
	if err == nil || !strings.Contains(err.Error(), url) {
		t.Errorf("offline, unmapped: error = %v, want one naming %s", err, url)
	}
	got, err := externalRows(t, &Fetcher{Offline: true, Map: map[string]string{url: local}}, src)
	if err != nil || !cmp.Equal(got, []string{"2"}) {
		t.Errorf("mapped: rows %v, error %v; want [2]", got, err)
	}
	mapDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(mapDir, URLKey(url)+".csv"), []byte("10.0.0.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = externalRows(t, &Fetcher{Offline: true, MapDir: mapDir}, src)
	if err != nil || !cmp.Equal(got, []string{"1"}) {
		t.Errorf("mapped by folder: rows %v, error %v; want [1]", got, err)
	}
	mirror := t.TempDir()
	if err := os.MkdirAll(filepath.Join(mirror, "example.invalid", "feeds"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mirror, "example.invalid", "feeds", "ips.csv"), []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = externalRows(t, &Fetcher{Offline: true, MapDir: mirror}, src)
	if err != nil || !cmp.Equal(got, []string{"3"}) {
		t.Errorf("mapped by a host/path mirror: rows %v, error %v; want [3]", got, err)
	}
	if p := mirrorPath(mirror, "https://example.invalid/../../etc/passwd"); p != "" && !strings.HasPrefix(p, mirror) {
		t.Errorf("mirrorPath left the mirror: %s", p)
	}
}
