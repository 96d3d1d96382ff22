package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"mime"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/socfeed/socfeed/attack"
	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/syntax"
	"github.com/socfeed/socfeed/schema"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what a [Server] serves.
type Config struct {
	// Catalog holds the rules. Required.
	Catalog Catalog
	// Data is the loaded log data; nil means none.
	Data *Data
	// Runner runs rules on Data; nil disables "run on loaded data".
	Runner Runner
	// Schemas are the table schemas rules are checked against; nil means
	// schema.Default() with Data's tables added.
	Schemas *schema.Catalog
	// Funcs is the function registry for checking; nil means funcs.Default().
	Funcs *funcs.Registry
	// Functions are the stored functions rules may call (check.Env.Functions); nil
	// means none.
	Functions []*syntax.LetStmt
	// ATTACK names techniques on the pages; nil means attack.Default().
	ATTACK *attack.Catalog
	// RunTimeout bounds one run of a rule; 0 means one minute.
	RunTimeout time.Duration
	// Log receives internal errors with their stacks; nil means the standard logger.
	Log *log.Logger
	// Token, when set, is the access token every request must carry (see
	// [Server.Guard]). socfeed serve requires one when it listens beyond loopback.
	Token string
}

// Server is socfeed's web UI and JSON API. It is an [http.Handler]; [Server.HTTPServer]
// wraps it in an [http.Server] with timeouts. A Server is safe for concurrent use.
type Server struct {
	cfg    Config
	pages  map[string]*template.Template
	mux    *http.ServeMux
	tables map[string]TableInfo
	infos  []TableInfo
	// csrf rejects cross-origin POSTs, so that another site open in the browser cannot
	// make the server run rules.
	csrf *http.CrossOriginProtection
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("web: no catalog")
	}
	if cfg.Data == nil {
		cfg.Data = &Data{}
	}
	if cfg.Funcs == nil {
		cfg.Funcs = funcs.Default()
	}
	if cfg.Schemas == nil {
		cfg.Schemas = schema.Default()
		for name, t := range cfg.Data.Tables {
			st := &schema.Table{Name: name}
			for _, f := range t.Schema {
				st.Columns = append(st.Columns, schema.Column{Name: f.Name, Type: f.Type})
			}
			cfg.Schemas.Add(st)
		}
	}
	if cfg.ATTACK == nil {
		cfg.ATTACK = attack.Default()
	}
	if cfg.RunTimeout == 0 {
		cfg.RunTimeout = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = log.Default()
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), tables: map[string]TableInfo{}, csrf: http.NewCrossOriginProtection()}
	s.infos = cfg.Data.tableInfos()
	for _, ti := range s.infos {
		s.tables[ti.Name] = ti
	}
	pages, err := parseTemplates(cfg.ATTACK)
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.routes()
	return s, nil
}

// routes registers every handler. Page and API handlers return an error; [Server.page]
// and [Server.api] turn it into a response with [errorStatus].
func (s *Server) routes() {
	s.mux.HandleFunc("GET /{$}", s.page(s.feedPage))
	s.mux.HandleFunc("GET /rules/{id}", s.page(s.rulePage))
	s.mux.HandleFunc("POST /rules/{id}/run", s.page(s.runPage))
	s.mux.HandleFunc("GET /coverage", s.page(s.coveragePage))
	s.mux.HandleFunc("GET /coverage/layer.json", s.navigator) // the first name of the layer
	s.mux.HandleFunc("GET /api/coverage/navigator.json", s.navigator)
	s.mux.HandleFunc("GET /api/coverage.csv", s.coverageCSV)
	s.mux.HandleFunc("GET /data", s.page(s.dataPage))
	s.mux.HandleFunc("GET /api/rules", s.api(s.apiRules))
	s.mux.HandleFunc("GET /api/rules/{id}", s.api(s.apiRule))
	s.mux.HandleFunc("POST /api/rules/{id}/run", s.api(s.apiRun))
	s.mux.HandleFunc("GET /api/coverage", s.api(s.apiCoverage))
	s.mux.HandleFunc("GET /api/data", s.api(s.apiData))
	s.mux.HandleFunc("GET /static/{file}", s.static)
	// Everything else: 405 for a method no pattern takes, 404 for a path none matches.
	s.mux.HandleFunc("/api/", s.api(func(r *http.Request) (any, []string, error) {
		return nil, nil, s.unrouted(r)
	}))
	s.mux.HandleFunc("/", s.page(func(w http.ResponseWriter, r *http.Request) error {
		return s.unrouted(r)
	}))
}

// unrouted explains why no handler took r: the path exists with other methods, or not.
func (s *Server) unrouted(r *http.Request) error {
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "/api/" {
			return &MethodError{Method: r.Method, Path: r.URL.Path}
		}
	}
	return notFound("no page at %s", r.URL.Path)
}

// ServeHTTP implements [http.Handler]. It sets the security headers every response
// carries and recovers from panics, logging the stack.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Log.Printf("socfeed serve: internal error: %v\n%s", v, debug.Stack())
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	if !s.admit(w, r) {
		return
	}
	if err := s.csrf.Check(r); err != nil {
		err = &ForbiddenError{Msg: err.Error()}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.api(func(*http.Request) (any, []string, error) { return nil, nil, err })(w, r)
		} else {
			s.page(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
		}
		return
	}
	s.mux.ServeHTTP(w, r)
}

// setSecurityHeaders sets the headers every page and API response carries.
func setSecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
}

// HTTPServer returns an [http.Server] for s on addr, with timeouts on every phase of a
// request so that slow clients cannot hold connections open.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.RunTimeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// Error kinds of the JSON API, as returned in the envelope's errors.
const (
	kindBadData   = "bad_data"
	kindNotFound  = "not_found"
	kindMethod    = "method_not_allowed"
	kindForbidden = "forbidden"
	kindAuth      = "unauthorized"
	kindNoData    = "no_data"
	kindCanceled  = "canceled"
	kindTimeout   = "timeout"
	kindLimit     = "limit"
	kindExec      = "execution"
	kindInternal  = "internal"
)

// errorStatus maps an error to its HTTP status and error kind. It is the one place
// where errors become statuses, for pages and API alike.
func errorStatus(err error) (int, string) {
	var (
		forbid   *ForbiddenError
		unauth   *UnauthorizedError
		method   *MethodError
		bad      *BadRequestError
		limit    *exec.LimitError
		canceled *exec.CanceledError
		runtime  *exec.RuntimeError
		internal *exec.InternalError
	)
	switch {
	case errors.As(err, &unauth):
		return http.StatusUnauthorized, kindAuth
	case errors.As(err, &forbid):
		return http.StatusForbidden, kindForbidden
	case errors.As(err, &method):
		return http.StatusMethodNotAllowed, kindMethod
	case errors.As(err, &bad):
		return http.StatusBadRequest, kindBadData
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, kindNotFound
	case errors.Is(err, errNoData), errors.Is(err, errNoTime):
		return http.StatusConflict, kindNoData
	case errors.As(err, &internal):
		return http.StatusInternalServerError, kindInternal
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, kindTimeout
	case errors.As(err, &canceled), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, kindCanceled
	case errors.As(err, &limit):
		return http.StatusUnprocessableEntity, kindLimit
	case errors.As(err, &runtime):
		return http.StatusUnprocessableEntity, kindExec
	}
	return http.StatusInternalServerError, kindInternal
}

// envelope is the one shape of every API response.
type envelope struct {
	Status   string     `json:"status"` // "success" or "error"
	Data     any        `json:"data,omitempty"`
	Errors   []apiError `json:"errors,omitempty"`
	Warnings []string   `json:"warnings,omitempty"`
}

// apiError is one error of an API response.
type apiError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// apiHandler answers an API request with data and warnings, or an error.
type apiHandler func(r *http.Request) (data any, warnings []string, err error)

func (s *Server) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, warnings, err := h(r)
		env := envelope{Status: "success", Data: data, Warnings: warnings}
		status := http.StatusOK
		if err != nil {
			var kind string
			status, kind = errorStatus(err)
			s.logInternal(status, err)
			env = envelope{Status: "error", Errors: []apiError{{Kind: kind, Message: err.Error()}}, Warnings: warnings}
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(env); err != nil {
			s.cfg.Log.Printf("socfeed serve: internal error: encoding %s: %v", r.URL.Path, err)
			http.Error(w, `{"status":"error","errors":[{"kind":"internal","message":"cannot encode the response"}]}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write(b.Bytes())
	}
}

func (s *Server) logInternal(status int, err error) {
	if status != http.StatusInternalServerError {
		return
	}
	var ie *exec.InternalError
	if errors.As(err, &ie) {
		s.cfg.Log.Printf("socfeed serve: %v\n%s", err, ie.Stack)
		return
	}
	s.cfg.Log.Printf("socfeed serve: internal error: %v", err)
}

// pageHandler renders a page, or returns an error for [Server.page] to render.
type pageHandler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) page(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, kind := errorStatus(err)
		s.logInternal(status, err)
		msg := err.Error()
		if status == http.StatusInternalServerError {
			msg = "internal error: " + msg
		}
		s.renderStatus(w, status, "error", pageData{Title: http.StatusText(status), Data: errorView{Status: status, Kind: kind, Msg: msg}})
	}
}

// errorView is the data of the error page.
type errorView struct {
	Status int
	Kind   string
	Msg    string
}

// render executes a page template into a buffer first, so a failing template gives a
// clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, name string, d pageData) error {
	return s.renderStatusErr(w, http.StatusOK, name, d)
}

func (s *Server) renderStatus(w http.ResponseWriter, status int, name string, d pageData) {
	if err := s.renderStatusErr(w, status, name, d); err != nil {
		s.cfg.Log.Printf("socfeed serve: internal error: %v", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

func (s *Server) renderStatusErr(w http.ResponseWriter, status int, name string, d pageData) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	d.Page = name
	if d.Data == nil {
		d.Data = struct{}{}
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", d); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
	return nil
}

// pageData is what the layout template receives.
type pageData struct {
	Title string
	Page  string // the template name, to mark the current navigation entry
	// API is the JSON API twin of the page, "" when it has none.
	API  string
	Data any
}

// static serves the embedded CSS and JavaScript. Only files are served: there is no
// directory listing.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(staticFS, path.Join("static", name))
	if err != nil || strings.HasPrefix(name, ".") {
		s.page(func(http.ResponseWriter, *http.Request) error { return notFound("no file %q", name) })(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(b)
}
