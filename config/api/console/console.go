// Package console is the web console of SPEC §13 at /ui/ on http.listen:
// server-rendered pages (html/template) with a little hand-written
// JavaScript, all embedded in the binary (no CDN, no build step).
//
// The console is a client of the admin API running in the same process:
// every read and every change goes through the API's own handlers with the
// signed-in user's token, so a form is checked by exactly the validation
// the native API applies (a 422 problem's field errors are shown next to
// the form's fields) and nothing is saved half.
package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Auth is how the console checks who signs in: the admin API's own token
// and user checks (*api.Server provides both).
type Auth interface {
	// ValidToken reports whether the API accepts this token now.
	ValidToken(token string) bool
	// IssueToken checks an http.users user and returns a new API token.
	IssueToken(user, password string) (string, time.Time, bool)
	// RevokeToken ends an issued token (not one of http.tokens).
	RevokeToken(token string)
	// SignInWait is how long the request's address must wait after too
	// many failed sign-ins (0: go ahead); NoteSignIn counts an attempt.
	// The API counts its own failures with the same budget.
	SignInWait(r *http.Request) time.Duration
	NoteSignIn(r *http.Request, ok bool)
}

const (
	cookieName      = "ringd_ui"
	loginCookieName = "ringd_ui_login"
	// sessionIdle ends a session unused this long.
	sessionIdle = 30 * time.Minute
	// pollEvery is how often /ui/events reads the runtime for changes.
	pollEvery = 250 * time.Millisecond
	// minGap is the least time between two events on one stream.
	minGap = 500 * time.Millisecond
)

// session is one signed-in browser.
type session struct {
	token   string // the API token its requests carry
	who     string // "token" or the user's name, for the page header
	csrf    string // the hidden field every POST must carry
	expires time.Time
}

// Console serves /ui/.
type Console struct {
	api   http.Handler
	auth  Auth
	pages map[string]*template.Template
	mux   *http.ServeMux

	mu       sync.Mutex
	sessions map[string]*session
	now      func() time.Time
	counts   map[string]dayCount // today's, by group (todayCounts)
	countsAt time.Time
}

// New builds the console over the admin API (its handler and its checks).
func New(api http.Handler, auth Auth) *Console {
	c := &Console{api: api, auth: auth, mux: http.NewServeMux(), sessions: map[string]*session{}, now: time.Now}
	c.pages = parsePages()
	static, _ := fs.Sub(staticFS, "static")
	c.mux.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET /ui/login", c.loginPage)
	c.mux.HandleFunc("POST /ui/login", c.login)
	c.mux.HandleFunc("POST /ui/logout", c.signedIn(c.logout))
	c.mux.HandleFunc("GET /ui/{$}", c.signedIn(c.overview))
	c.mux.HandleFunc("GET /ui/events", c.signedIn(c.events))
	c.mux.HandleFunc("GET /ui/ring_groups", c.signedIn(c.groupList))
	c.mux.HandleFunc("GET /ui/ring_groups/new", c.signedIn(c.groupNew))
	c.mux.HandleFunc("POST /ui/ring_groups/new", c.signedIn(c.groupCreate))
	c.mux.HandleFunc("GET /ui/ring_groups/{id}", c.signedIn(c.groupEdit))
	c.mux.HandleFunc("POST /ui/ring_groups/{id}", c.signedIn(c.groupUpdate))
	c.mux.HandleFunc("POST /ui/ring_groups/{id}/delete", c.signedIn(c.groupDelete))
	c.mux.HandleFunc("GET /ui/extensions", c.signedIn(c.extensionList))
	c.mux.HandleFunc("GET /ui/extensions/new", c.signedIn(c.extensionNew))
	c.mux.HandleFunc("POST /ui/extensions/new", c.signedIn(c.extensionCreate))
	c.mux.HandleFunc("GET /ui/extensions/{id}", c.signedIn(c.extensionEdit))
	c.mux.HandleFunc("POST /ui/extensions/{id}", c.signedIn(c.extensionUpdate))
	c.mux.HandleFunc("POST /ui/extensions/{id}/delete", c.signedIn(c.extensionDelete))
	c.mux.HandleFunc("GET /ui/extensions/{id}/sequential_ring", c.signedIn(c.seqShow))
	c.mux.HandleFunc("POST /ui/extensions/{id}/sequential_ring", c.signedIn(c.seqSave))
	c.mux.HandleFunc("GET /ui/extensions/{id}/sequential_ring/criteria/new", c.signedIn(c.critNew))
	c.mux.HandleFunc("POST /ui/extensions/{id}/sequential_ring/criteria/new", c.signedIn(c.critCreate))
	c.mux.HandleFunc("GET /ui/extensions/{id}/sequential_ring/criteria/{cid}", c.signedIn(c.critEdit))
	c.mux.HandleFunc("POST /ui/extensions/{id}/sequential_ring/criteria/{cid}", c.signedIn(c.critUpdate))
	c.mux.HandleFunc("POST /ui/extensions/{id}/sequential_ring/criteria/{cid}/delete", c.signedIn(c.critDelete))
	for _, k := range []*namedKind{extensionGroupKind, scheduleKind} {
		c.mux.HandleFunc("GET /ui/"+k.collection, c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) {
			c.showNamedList(w, r, s, k, http.StatusOK, "")
		}))
		k.routes(c)
	}
	c.mux.HandleFunc("GET /ui/cdr", c.signedIn(c.recordList))
	c.mux.HandleFunc("GET /ui/cdr.csv", c.signedIn(c.recordCSV))
	c.mux.HandleFunc("GET /ui/bans", c.signedIn(c.banList))
	c.mux.HandleFunc("POST /ui/bans/lift", c.signedIn(c.banLift))
	c.mux.HandleFunc("/ui/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such page: "+r.Method+" "+r.URL.Path, http.StatusNotFound)
	})
	return c
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	c.mux.ServeHTTP(w, r)
}

func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// setCookie sets one of the console's cookies: never readable by scripts,
// never sent with another site's requests, and over HTTPS (http.tls) never
// sent over plain HTTP.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/ui/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

// current returns the request's live session (its expiry pushed back), or nil.
func (c *Console) current(r *http.Request) (string, *session) {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return "", nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for id, s := range c.sessions { // drop the expired ones on the way
		if now.After(s.expires) {
			delete(c.sessions, id)
		}
	}
	s := c.sessions[ck.Value]
	if s == nil {
		return "", nil
	}
	s.expires = now.Add(sessionIdle)
	return ck.Value, s
}

type sessionKey struct{}

// signedIn lets only requests of a live session through, whose token the
// API still accepts, and whose POSTs carry the session's CSRF token.
func (c *Console) signedIn(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, s := c.current(r)
		if s != nil && !c.auth.ValidToken(s.token) { // removed by a reload, or expired
			c.drop(id)
			s = nil
		}
		if s == nil {
			if r.Method == http.MethodGet && r.URL.Path != "/ui/events" {
				http.Redirect(w, r, "/ui/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
				http.Error(w, "missing or wrong CSRF token: reload the page and try again", http.StatusForbidden)
				return
			}
		}
		h(w, r, s)
	}
}

func (c *Console) drop(id string) {
	c.mu.Lock()
	delete(c.sessions, id)
	c.mu.Unlock()
}

// loginPage shows the sign-in form, with a login CSRF token (a cookie and
// the same value in a hidden field).
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.renderLogin(w, r, http.StatusOK, "")
}

func (c *Console) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	t := randomID()
	setCookie(w, r, loginCookieName, t, 600)
	c.render(w, status, "login", map[string]any{"CSRF": t, "Error": msg, "Next": safeNext(r.FormValue("next")), "Mode": r.FormValue("mode")})
}

// safeNext keeps a redirect after sign-in inside the console.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/ui/") || strings.HasPrefix(n, "/ui/login") || strings.Contains(n, "//") || strings.Contains(n, "\\") {
		return "/ui/"
	}
	return n
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(loginCookieName)
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		http.Error(w, "missing or wrong CSRF token: reload the sign-in page and try again", http.StatusForbidden)
		return
	}
	if wait := c.auth.SignInWait(r); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		c.renderLogin(w, r, http.StatusTooManyRequests, "Too many failed sign-ins from your address: try again in "+wait.Round(time.Second).String()+".")
		return
	}
	var s *session
	if tok := strings.TrimSpace(r.PostFormValue("token")); tok != "" {
		if c.auth.ValidToken(tok) {
			s = &session{token: tok, who: "token"}
		}
	} else if user := r.PostFormValue("username"); user != "" {
		if tok, _, ok := c.auth.IssueToken(user, r.PostFormValue("password")); ok {
			s = &session{token: tok, who: user}
		}
	}
	c.auth.NoteSignIn(r, s != nil)
	if s == nil {
		c.renderLogin(w, r, http.StatusUnauthorized, "Wrong token, or wrong user name or password.")
		return
	}
	id := randomID()
	s.csrf = randomID()
	c.mu.Lock()
	s.expires = c.now().Add(sessionIdle)
	c.sessions[id] = s
	c.mu.Unlock()
	setCookie(w, r, loginCookieName, "", -1)
	setCookie(w, r, cookieName, id, 0)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	if ck, err := r.Cookie(cookieName); err == nil {
		c.drop(ck.Value)
	}
	if s.who != "token" { // a user's token, issued at sign-in
		c.auth.RevokeToken(s.token)
	}
	setCookie(w, r, cookieName, "", -1)
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
}

// apiError is a problem document of the admin API.
type apiError struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (e *apiError) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	return e.Title
}

// call sends one request to the admin API with the session's token and
// decodes a JSON answer into out (nil: ignore it). A problem comes back as
// an *apiError.
func (c *Console) call(ctx context.Context, s *session, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	c.api.ServeHTTP(rec, req)
	if rec.status >= 400 {
		p := &apiError{Status: rec.status, Title: http.StatusText(rec.status)}
		_ = json.Unmarshal(rec.body.Bytes(), p)
		p.Status = rec.status
		return p
	}
	if out != nil && rec.body.Len() > 0 {
		return json.Unmarshal(rec.body.Bytes(), out)
	}
	return nil
}

// recorder is the http.ResponseWriter of an in-process API call.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
