package kusto

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Options configure a [Handler].
type Options struct {
	// Databases are the databases served, by name.
	Databases map[string]*Database
	// DefaultDatabase is used by requests that name no database; "" means the only
	// database when there is exactly one.
	DefaultDatabase string
	// Token, when set, is the bearer token every request must carry
	// (`Authorization: Bearer <Token>`). When it is empty, only requests that arrive on a
	// loopback address are served; see [RequireToken].
	Token string
	// DefaultTimeout bounds a query that sets no servertimeout; 0 means 4 minutes, as in
	// Kusto. MaxTimeout caps servertimeout; 0 means 1 hour.
	DefaultTimeout, MaxTimeout time.Duration
	// TruncationMaxRecords is the default row limit of a result (truncationmaxrecords);
	// 0 means 500,000, as in Kusto.
	TruncationMaxRecords int64
	// Version is reported by `.show version`; "" means "dev".
	Version string
	// Started is the start time `.show version` reports; zero means when the handler was
	// made.
	Started time.Time
}

// Handler serves the Kusto REST API (an [http.Handler]):
//
//	POST /v1/rest/query    query, v1 response
//	POST /v2/rest/query    query, v2 response (frames)
//	POST /v1/rest/mgmt     control commands (.show ...), v1 response
//	GET  /v1/rest/auth/metadata   404, so clients use the public cloud defaults
//
// Mount it at /v1/rest/ and /v2/rest/. A Handler is safe for concurrent use.
type Handler struct {
	opts Options
}

// NewHandler returns a handler serving opts.Databases.
func NewHandler(opts Options) *Handler {
	if opts.DefaultTimeout <= 0 {
		opts.DefaultTimeout = 4 * time.Minute
	}
	if opts.MaxTimeout <= 0 {
		opts.MaxTimeout = time.Hour
	}
	if opts.TruncationMaxRecords <= 0 {
		opts.TruncationMaxRecords = 500_000
	}
	if opts.Started.IsZero() {
		opts.Started = time.Now()
	}
	if opts.Databases == nil {
		opts.Databases = map[string]*Database{}
	}
	return &Handler{opts: opts}
}

// RequireToken reports whether a server listening on addr (host:port) must be given a
// token: true unless every address it listens on is a loopback one.
func RequireToken(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip == nil || !ip.IsLoopback()
}

func (h *Handler) version() string {
	if h.opts.Version == "" {
		return "dev"
	}
	return h.opts.Version
}

func (h *Handler) databaseNames() []string {
	names := make([]string, 0, len(h.opts.Databases))
	for n := range h.opts.Databases {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// resolveDB returns the name of the database a request means.
func (h *Handler) resolveDB(name string) (string, *Database, error) {
	if name == "" {
		name = h.opts.DefaultDatabase
		if name == "" && len(h.opts.Databases) == 1 {
			for n := range h.opts.Databases {
				name = n
			}
		}
		if name == "" {
			return "", nil, badRequest("the request names no database (db) and there is no default database")
		}
	}
	if d, ok := h.opts.Databases[name]; ok {
		return name, d, nil
	}
	for n, d := range h.opts.Databases {
		if strings.EqualFold(n, name) {
			return n, d, nil
		}
	}
	return name, nil, &dbError{name: name}
}

// authorize checks the request's credentials.
func (h *Handler) authorize(r *http.Request) error {
	if h.opts.Token == "" {
		if isLoopback(r) {
			return nil
		}
		return &authError{msg: "socfeed serves Kusto requests without a token only on a loopback address; start it with a token to serve other addresses"}
	}
	auth := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(h.opts.Token)) != 1 {
		if auth == "" {
			return &authError{msg: "the request has no Authorization header; send 'Authorization: Bearer <token>'"}
		}
		return &authError{msg: "the bearer token is not valid"}
	}
	return nil
}

// isLoopback reports whether the request arrived on a loopback address of the server and
// came from one.
func isLoopback(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	lip := addrIP(local.String())
	rip := addrIP(r.RemoteAddr)
	return lip != nil && lip.IsLoopback() && rip != nil && rip.IsLoopback()
}

func addrIP(hostport string) net.IP {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return net.ParseIP(host)
}

// ServeHTTP implements [http.Handler].
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := &requestContext{clientRequestID: r.Header.Get("x-ms-client-request-id"), activityID: newGUID(), start: time.Now()}
	if rc.clientRequestID == "" {
		rc.clientRequestID = "socfeed;" + rc.activityID
	}
	w.Header().Set("x-ms-client-request-id", rc.clientRequestID)
	w.Header().Set("x-ms-activity-id", rc.activityID)
	path := strings.ToLower(strings.TrimSuffix(r.URL.Path, "/"))
	if path == "/v1/rest/auth/metadata" {
		// Without this endpoint clients fall back to the public cloud's settings; a 404
		// with an empty body is what both the Go and the JavaScript SDK expect then.
		w.WriteHeader(http.StatusNotFound)
		return
	}
	var v2, mgmt bool
	switch path {
	case "/v1/rest/query":
	case "/v2/rest/query":
		v2 = true
	case "/v1/rest/mgmt":
		mgmt = true
	case "/v2/rest/mgmt":
		mgmt, v2 = true, true
	default:
		writeError(w, rc, &serviceError{status: http.StatusNotFound, code: "General_NotFound", message: "Not found",
			typ: "Kusto.Data.Exceptions.KustoRequestException", detail: fmt.Sprintf("socfeed serves /v1/rest/query, /v2/rest/query and /v1/rest/mgmt, not %s", r.URL.Path), permanent: true})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, rc, &serviceError{status: http.StatusMethodNotAllowed, code: "General_BadRequest", message: msgBadRequest,
			typ: "Kusto.Data.Exceptions.KustoBadRequestException", detail: "use POST with a JSON body {\"db\", \"csl\", \"properties\"}", permanent: true})
		return
	}
	if err := h.authorize(r); err != nil {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeError(w, rc, classify(err, "", ""))
		return
	}
	req, props, err := readRequest(r)
	if err != nil {
		writeError(w, rc, classify(err, "", ""))
		return
	}
	csl := req.CSL
	isCommand := strings.HasPrefix(strings.TrimSpace(csl), ".")
	switch {
	case isCommand && !mgmt:
		writeError(w, rc, classify(badRequest("control commands (starting with a dot '.') go to /v1/rest/mgmt, not the query endpoint"), csl, req.DB))
		return
	case isCommand && v2:
		writeError(w, rc, classify(badRequest("Control commands (starting with a dot '.') do not support api_version=v2"), csl, req.DB))
		return
	}
	dbName, db, err := h.resolveDB(req.DB)
	if isCommand {
		// Commands that need no database (.show version, .show databases) run even when
		// the request names none or an unknown one; the others report it.
		t, err := h.command(csl, dbName)
		if err != nil {
			writeError(w, rc, classify(err, csl, dbName))
			return
		}
		writeOK(w, func(bw *bufio.Writer) { writeV1(bw, []table{t}, false, rc) })
		return
	}
	if err != nil {
		writeError(w, rc, classify(err, csl, dbName))
		return
	}
	if csl, err = bindParameters(csl, props.parameters); err != nil {
		writeError(w, rc, classify(err, req.CSL, dbName))
		return
	}
	timeout := h.opts.DefaultTimeout
	if props.serverTimeout > 0 {
		timeout = min(props.serverTimeout, h.opts.MaxTimeout)
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	res, err := db.run(ctx, csl, props.now, scope{Column: props.scopeColumn, From: props.scopeFrom, To: props.scopeTo})
	if err != nil {
		writeError(w, rc, classify(err, csl, dbName))
		return
	}
	limit := h.opts.TruncationMaxRecords
	if props.truncMaxRecords > 0 {
		limit = props.truncMaxRecords
	}
	var tables []table
	for _, rt := range res.Tables {
		t := table{name: rt.Name, kind: "PrimaryResult", columns: rt.Columns, rows: rt.Rows, render: rt.Render}
		if t.name == "" {
			t.name = "PrimaryResult"
		}
		if !props.noTruncation && int64(len(t.rows)) > limit {
			t.rows = t.rows[:limit]
			t.truncated = truncationError(limit)
		}
		tables = append(tables, t)
	}
	all := queryTables(tables, v2, rc, time.Since(rc.start))
	writeOK(w, func(bw *bufio.Writer) {
		if v2 {
			writeV2(bw, all, props, rc)
		} else {
			writeV1(bw, all, true, rc)
		}
	})
}

// writeOK writes a 200 response whose body fill writes.
func writeOK(w http.ResponseWriter, fill func(*bufio.Writer)) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	fill(bw)
	bw.Flush()
}

// writeError writes se as the service does: its HTTP status and a OneApi error body.
func writeError(w http.ResponseWriter, rc *requestContext, se *serviceError) {
	body, err := json.Marshal(se.oneAPIError(rc))
	if err != nil {
		body = []byte(`{"error":{"code":"Internal_Error","message":"Internal service error"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(se.status)
	w.Write(body)
}

// newGUID returns a random (version 4) GUID in canonical form.
func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatGUID(b)
}

// nameGUID returns a GUID derived from a name (version 5 style), stable across runs.
func nameGUID(name string) string {
	sum := sha1.Sum([]byte("socfeed database " + name))
	var b [16]byte
	copy(b[:], sum[:16])
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return formatGUID(b)
}

func formatGUID(b [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
