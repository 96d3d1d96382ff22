package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// tokenCookie is the cookie /login sets so that a browser need not send the token with
// every request.
const tokenCookie = "token"

// UnauthorizedError is a request without the server's access token.
type UnauthorizedError struct {
	Msg string
}

func (e *UnauthorizedError) Error() string { return e.Msg }

// Guard returns next behind the server's access token ([Config.Token]): every request
// must carry it as `Authorization: Bearer <token>` or in the token cookie, which
// GET /login?token=... sets. Without a token configured, Guard returns next unchanged.
// The server guards itself; Guard is for handlers mounted beside it (the Kusto
// endpoint of socfeed serve).
func (s *Server) Guard(next http.Handler) http.Handler {
	if s.cfg.Token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.admit(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// admit applies the access token to r: it reports whether r may go on, and otherwise
// has answered it (the login page, or 401).
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case s.cfg.Token == "":
		return true
	case r.URL.Path == "/login":
		setSecurityHeaders(w.Header())
		s.login(w, r)
		return false
	case s.authorized(r):
		return true
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/static/"):
		return true // the embedded CSS and JavaScript hold no data, and the login page needs them
	}
	setSecurityHeaders(w.Header())
	s.unauthorized(w, r)
	return false
}

// authorized reports whether r carries the access token, comparing in constant time.
func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.Token == "" {
		return true
	}
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") && s.tokenIs(strings.TrimSpace(tok)) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && s.tokenIs(c.Value) {
		return true
	}
	return false
}

func (s *Server) tokenIs(tok string) bool {
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.Token)) == 1
}

// unauthorized answers a request without the token: JSON for the API, a page that says
// how to log in for the rest.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="socfeed"`)
	err := &UnauthorizedError{Msg: "this server needs its access token: send Authorization: Bearer TOKEN, or open /login?token=TOKEN once in the browser"}
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/v1/") || strings.HasPrefix(r.URL.Path, "/v2/") || !acceptsHTML(r) {
		s.api(func(*http.Request) (any, []string, error) { return nil, nil, err })(w, r)
		return
	}
	s.renderStatus(w, http.StatusUnauthorized, "login", pageData{Title: "Log in", Data: loginView{}})
}

func acceptsHTML(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return a == "" || strings.Contains(a, "text/html") || strings.Contains(a, "*/*")
}

// loginView is the data of the login page.
type loginView struct {
	Wrong bool
}

// login checks the token given as ?token= (or a posted form) and, when it is right,
// sets the token cookie and goes to the feed. Without a token it shows the login form.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		s.page(func(http.ResponseWriter, *http.Request) error {
			return &MethodError{Method: r.Method, Path: r.URL.Path}
		})(w, r)
		return
	}
	if r.Method == http.MethodPost {
		if err := s.csrf.Check(r); err != nil {
			s.page(func(http.ResponseWriter, *http.Request) error { return &ForbiddenError{Msg: err.Error()} })(w, r)
			return
		}
	}
	tok := r.FormValue("token")
	if tok == "" {
		s.renderStatus(w, http.StatusOK, "login", pageData{Title: "Log in", Data: loginView{}})
		return
	}
	if !s.tokenIs(tok) {
		s.renderStatus(w, http.StatusForbidden, "login", pageData{Title: "Log in", Data: loginView{Wrong: true}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
