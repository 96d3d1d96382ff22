package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/socfeed/socfeed/kql/exec"
)

// externalFlags are the flags that say where `externaldata` finds the URLs it reads:
// mapped to local files, in a mirror folder, in the download cache, or on the network.
type externalFlags struct {
	urls    multiFlag // URL=PATH
	dir     string
	offline bool
}

func (x *externalFlags) register(fs *flag.FlagSet) {
	fs.Var(&x.urls, "url", "read `URL=PATH`: externaldata reads the local file PATH for URL (repeatable)")
	fs.StringVar(&x.dir, "url-dir", "", "a folder of files standing for externaldata URLs, at `DIR`/<host>/<path> (as wget -x saves them) or named by the URL's SHA-256")
	fs.BoolVar(&x.offline, "offline", false, "never download: an externaldata URL must be mapped, in --url-dir or in the download cache")
}

// fetcher returns the externaldata source the flags describe, or an error naming the
// flag that is wrong.
func (x *externalFlags) fetcher() (*exec.Fetcher, error) {
	f := exec.DefaultFetcher()
	f.Offline = x.offline
	for _, u := range x.urls {
		i := strings.LastIndex(u, "=")
		if i <= 0 || i == len(u)-1 {
			return nil, fmt.Errorf("--url: expected URL=PATH, found %q", u)
		}
		url, path := u[:i], u[i+1:]
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("--url: %v", err)
		}
		if f.Map == nil {
			f.Map = map[string]string{}
		}
		f.Map[url] = path
	}
	if x.dir != "" {
		if st, err := os.Stat(x.dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--url-dir: %s is not a folder", x.dir)
		}
		f.MapDir = x.dir
	}
	return f, nil
}
