package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/engine/cdr"
)

// Runtime is what the API needs from the running SIP side (cmd provides it).
type Runtime interface {
	Calls() []cdr.LiveCall
	Registrations() []Registration
	// Bans lists the source addresses the SIP side's flood protection
	// bans now; Unban lifts one (false: it was not banned; an error: not
	// an IP address).
	Bans() []Ban
	Unban(source string) (bool, error)
	// Members lists every extension's state now (GET /api/v1/members).
	Members() []MemberState
}

// MemberState is an extension's state now: available, on_call, wrap_up,
// dnd, logged_out or offline (GET /api/v1/members).
type MemberState struct {
	Extension string `json:"extension"`
	State     string `json:"state"`
	// WrapUpUntil is when a wrap_up ends.
	WrapUpUntil *time.Time `json:"wrap_up_until,omitempty"`
}

// Ban is a banned source address (GET /bans).
type Ban struct {
	Source string    `json:"source"`
	Reason string    `json:"reason"` // flood | auth_failures
	Until  time.Time `json:"until"`
}

// Registration is one registered contact (GET /registrations).
type Registration struct {
	Extension string    `json:"extension"`
	Contact   string    `json:"contact"`
	Expires   time.Time `json:"expires"`
	Source    string    `json:"source"`
	Transport string    `json:"transport"`      // the REGISTER's: UDP, TCP, TLS, WS, WSS
	NAT       bool      `json:"nat"`            // behind NAT: reached at source
	Path      string    `json:"path,omitempty"` // the edge proxies it registered through
	UserAgent string    `json:"user_agent,omitempty"`
}

// tokenLifetime is how long a token from get_token stays valid.
const tokenLifetime = 30 * time.Minute

// Server is the admin API.
type Server struct {
	live   *live.Live
	rt     Runtime
	mux    *http.ServeMux
	routes []route // every route, for the OpenAPI document

	static []string
	users  []config.HTTPUser
	mu     sync.Mutex
	issued map[string]time.Time // tokens from get_token, by expiry

	attempts *attempts // failed sign-ins by client address
}

// Mount adds an endpoint the program provides (metrics, readiness, log
// level) to the API's listener and its OpenAPI document; it needs a token
// unless public.
func (s *Server) Mount(pattern, summary string, public bool, h http.Handler) {
	s.register(pattern, summary, "", "object", public, h.ServeHTTP)
}

// SetTokens replaces the static tokens and API users (config reload).
func (s *Server) SetTokens(h config.HTTPConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.static, s.users = h.Tokens, h.Users
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// MountUI adds a handler for a whole subtree (the web console at /ui/,
// package config/api/console) to the API's listener, outside the OpenAPI
// document and without the token check: the handler signs users in itself
// (ValidToken, IssueToken).
func (s *Server) MountUI(prefix string, h http.Handler) { s.mux.Handle(prefix, h) }

// ValidToken reports whether t is a token the API accepts now: one of
// http.tokens or one issued to an http.users user and not expired.
func (s *Server) ValidToken(t string) bool {
	if t == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.static {
		if subtle.ConstantTimeCompare([]byte(st), []byte(t)) == 1 {
			return true
		}
	}
	exp, ok := s.issued[t]
	if ok && time.Now().After(exp) {
		delete(s.issued, t)
		return false
	}
	return ok
}

// RevokeToken ends a token IssueToken or get_token issued (the console's
// sign-out); the static tokens stay.
func (s *Server) RevokeToken(t string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.issued, t)
}

// IssueToken checks an http.users user's credentials and returns a new
// token, valid like one from get_token.
func (s *Server) IssueToken(user, password string) (string, time.Time, bool) {
	return s.issue(user, password)
}

// route is one endpoint, for the OpenAPI document.
type route struct {
	method, path, summary string
	request, response     string // schema names; "" for none
	public                bool
}

// handle registers an endpoint that needs a token; request and response
// name the schemas of the OpenAPI document ("" for none).
func (s *Server) handle(pattern, summary, request, response string, h http.HandlerFunc) {
	s.register(pattern, summary, request, response, false, h)
}

// public registers an endpoint open without a token.
func (s *Server) public(pattern, summary, request, response string, h http.HandlerFunc) {
	s.register(pattern, summary, request, response, true, h)
}

func (s *Server) register(pattern, summary, request, response string, public bool, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, route{method: method, path: path, summary: summary, request: request, response: response, public: public})
	if public {
		s.mux.HandleFunc(pattern, h)
		return
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.authorized(r)
		if wait > 0 {
			writeProblem(w, tooManyFailures(w, wait))
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ringd"`)
			writeProblem(w, problem(http.StatusUnauthorized, "a valid token is required: Authorization: Bearer TOKEN or ?access_token=TOKEN"))
			return
		}
		h(w, r)
	})
}

// token returns the request's token: the Bearer header or access_token.
func token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	return r.URL.Query().Get("access_token")
}

// authorized checks the request's token, unless its address must wait
// after too many failures (wait > 0). A wrong token counts as a failure; a
// request without one does not.
func (s *Server) authorized(r *http.Request) (ok bool, wait time.Duration) {
	addr := clientAddr(r)
	if wait := s.attempts.wait(addr); wait > 0 {
		return false, wait
	}
	t := token(r)
	ok = s.ValidToken(t)
	if t != "" {
		s.attempts.note(addr, ok)
	}
	return ok, 0
}

// issue checks an API user's credentials and returns a new token.
func (s *Server) issue(user, password string) (string, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for _, u := range s.users {
		if subtle.ConstantTimeCompare([]byte(u.Username), []byte(user)) == 1 &&
			subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) == 1 {
			found = true
		}
	}
	if !found {
		return "", time.Time{}, false
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	t := hex.EncodeToString(b)
	exp := time.Now().Add(tokenLifetime)
	s.issued[t] = exp
	return t, exp, true
}
