package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/api"
	"github.com/ringd/ringd/config/api/console"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
)

const baseConfig = `sip:
  listen: ["udp://127.0.0.1:5060"]
  domain: ringd.local
http:
  listen: 127.0.0.1:8080
  tokens: ["test-token"]
  users: [{ username: admin, password: secret }]
services:
  ext_vm: "sip:vm-{value}@127.0.0.1:5090"
extensions:
  - { number: "1001", name: Alice, password: p1 }
  - { number: "1002", name: Bob, password: p2, dnd: true }
  - { number: "1003", name: Carol, password: p3 }
extension_groups:
  - { name: support, extensions: ["1002", "1003"] }
schedules:
  - { name: office, type: business_hours, timezone: Europe/Paris, weekly: ["mon-fri 09:00-17:00"] }
ring_groups:
  - number: "6000"
    name: Sales
    strategy: ring_all
    members: [{ extension: "1001" }, { ext_group: support }]
`

// fakeRuntime is the SIP side: calls, registrations, member states and
// bans a test sets (Bans and Unban: bans_test.go).
type fakeRuntime struct {
	mu      sync.Mutex
	calls   []cdr.LiveCall
	regs    []api.Registration
	members []api.MemberState
	bans    []api.Ban
}

func (f *fakeRuntime) Calls() []cdr.LiveCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]cdr.LiveCall(nil), f.calls...)
}
func (f *fakeRuntime) Registrations() []api.Registration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]api.Registration(nil), f.regs...)
}
func (f *fakeRuntime) Members() []api.MemberState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]api.MemberState(nil), f.members...)
}
func (f *fakeRuntime) setCalls(calls []cdr.LiveCall) { f.mu.Lock(); f.calls = calls; f.mu.Unlock() }

// recordingAuth is the API's own checks, noting the last token issued.
type recordingAuth struct {
	*api.Server
	mu   sync.Mutex
	last string
}

func (a *recordingAuth) IssueToken(user, password string) (string, time.Time, bool) {
	t, exp, ok := a.Server.IssueToken(user, password)
	if ok {
		a.mu.Lock()
		a.last = t
		a.mu.Unlock()
	}
	return t, exp, ok
}

type fixture struct {
	t      *testing.T
	srv    *httptest.Server
	rt     *fakeRuntime
	auth   *recordingAuth
	store  store.Store  // the configuration's and the records' store
	client *http.Client // keeps cookies, does not follow redirects
}

// password is extension number's SIP password as the store keeps it.
func (f *fixture) password(number string) string {
	f.t.Helper()
	d, err := f.store.Load(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, e := range d.Extensions {
		if e.Number == number {
			return e.Password
		}
	}
	return ""
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	file, err := config.Parse([]byte(baseConfig))
	if err != nil {
		t.Fatal(err)
	}
	st := store.NewMemory()
	l, err := live.Open(context.Background(), st, file, func(*config.Config, *engine.Snapshot) {})
	if err != nil {
		t.Fatal(err)
	}
	rt := &fakeRuntime{regs: []api.Registration{{Extension: "1001", Contact: "sip:1001@192.0.2.1:5060", Expires: time.Now().Add(time.Hour).Truncate(time.Second), Source: "192.0.2.1:5060", Transport: "UDP"}}}
	admin := api.New(l, rt, file.HTTP)
	auth := &recordingAuth{Server: admin}
	admin.MountUI("/ui/", console.New(admin, auth))
	f := &fixture{t: t, srv: httptest.NewServer(admin), rt: rt, auth: auth, store: st}
	t.Cleanup(f.srv.Close)
	jar, _ := cookiejar.New(nil)
	f.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

// get sends a GET and returns the status, the body and the response.
func (f *fixture) get(path string) (int, string, *http.Response) {
	f.t.Helper()
	resp, err := f.client.Get(f.srv.URL + path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func (f *fixture) post(path string, form url.Values) (int, string, *http.Response) {
	f.t.Helper()
	resp, err := f.client.PostForm(f.srv.URL+path, form)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in the page:\n%s", page)
	}
	return m[1]
}

// signIn signs in with the form and returns the session's CSRF token.
func (f *fixture) signIn(form url.Values) (int, *http.Response) {
	f.t.Helper()
	_, page, _ := f.get("/ui/login")
	form.Set("csrf", csrfOf(f.t, page))
	code, _, resp := f.post("/ui/login", form)
	return code, resp
}

func (f *fixture) signedIn() string {
	f.t.Helper()
	if code, _ := f.signIn(url.Values{"token": {"test-token"}}); code != http.StatusSeeOther {
		f.t.Fatalf("sign-in: %d", code)
	}
	_, page, _ := f.get("/ui/")
	return csrfOf(f.t, page)
}

// api calls the native API with the static token.
func (f *fixture) api(method, path string) (int, map[string]any) {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer test-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestSignIn(t *testing.T) {
	f := newFixture(t)
	code, _, resp := f.get("/ui/")
	if code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/ui/login") {
		t.Fatalf("GET /ui/ signed out: %d to %q, want 303 to /ui/login", code, resp.Header.Get("Location"))
	}
	if code, _ := f.signIn(url.Values{"token": {"wrong"}}); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	if code, _ := f.signIn(url.Values{"username": {"admin"}, "password": {"wrong"}}); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", code)
	}
	if code, _, _ := f.get("/ui/"); code != http.StatusSeeOther {
		t.Errorf("after failed sign-ins GET /ui/: %d, want 303", code)
	}
	// The login form itself needs its CSRF token.
	if code, _, _ := f.post("/ui/login", url.Values{"token": {"test-token"}}); code != http.StatusForbidden {
		t.Errorf("sign-in without the login CSRF token: %d, want 403", code)
	}

	code, resp = f.signIn(url.Values{"token": {"test-token"}})
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/" {
		t.Fatalf("token sign-in: %d to %q", code, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "ringd_ui" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/ui/" || len(session.Value) < 32 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/ui/, a long random value", session)
	}
	code, page, _ := f.get("/ui/")
	if code != http.StatusOK || !strings.Contains(page, "<h1>Overview</h1>") || !strings.Contains(page, "Sales") {
		t.Fatalf("overview: %d\n%s", code, page)
	}
	// Sign out: a POST with the CSRF token; the session is gone.
	if code, _, _ := f.post("/ui/logout", url.Values{"csrf": {csrfOf(t, page)}}); code != http.StatusSeeOther {
		t.Errorf("sign out: %d", code)
	}
	if code, _, _ := f.get("/ui/"); code != http.StatusSeeOther {
		t.Errorf("after sign-out GET /ui/: %d, want 303", code)
	}
	// An http.users user.
	if code, _ := f.signIn(url.Values{"username": {"admin"}, "password": {"secret"}}); code != http.StatusSeeOther {
		t.Fatalf("user sign-in: %d", code)
	}
	code, page, _ = f.get("/ui/ring_groups")
	if code != http.StatusOK || !strings.Contains(page, "Signed in: admin") {
		t.Errorf("ring groups as admin: %d\n%s", code, page)
	}
	// Signing out ends the token issued at sign-in, not only the session.
	if code, _, _ := f.post("/ui/logout", url.Values{"csrf": {csrfOf(t, page)}}); code != http.StatusSeeOther {
		t.Errorf("sign out: %d", code)
	}
	if f.auth.last == "" || f.auth.ValidToken(f.auth.last) {
		t.Errorf("the token issued at sign-in (%q) is still valid after sign-out", f.auth.last)
	}
}

// TestSignInThrottled: after ten failed sign-ins from an address (the
// console's and the API's together), even the right token waits: 429 with
// Retry-After and the reason on the sign-in page.
func TestSignInThrottled(t *testing.T) {
	f := newFixture(t)
	// Loopback is never throttled: the requests come from a remote address.
	handler := f.srv.Config.Handler
	f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = "192.0.2.50:40000"
		handler.ServeHTTP(w, r)
	})
	for i := 0; i < 5; i++ {
		if code, _ := f.signIn(url.Values{"token": {"guess"}}); code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d", i, code)
		}
	}
	for i := 0; i < 5; i++ {
		resp, err := http.Get(f.srv.URL + "/api/v1/ring_groups?access_token=guess")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong API token %d: %d", i, resp.StatusCode)
		}
	}
	_, page, _ := f.get("/ui/login")
	code, body, resp := f.post("/ui/login", url.Values{"csrf": {csrfOf(t, page)}, "token": {"test-token"}})
	if code != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("right token after 10 failures: %d (Retry-After %q), want 429", code, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, "Too many failed sign-ins from your address") {
		t.Errorf("the sign-in page does not say why:\n%s", body)
	}
}

func TestCSRF(t *testing.T) {
	f := newFixture(t)
	csrf := f.signedIn()
	form := url.Values{"number": {"6100"}, "name": {"X"}, "strategy": {"ring_all"}, "ring_time": {"20"}, "m.member": {"1001"}}
	if code, _, _ := f.post("/ui/ring_groups/new", form); code != http.StatusForbidden {
		t.Errorf("POST without a CSRF token: %d, want 403", code)
	}
	form.Set("csrf", csrf+"x")
	if code, _, _ := f.post("/ui/ring_groups/new", form); code != http.StatusForbidden {
		t.Errorf("POST with a wrong CSRF token: %d, want 403", code)
	}
	if code, _, _ := f.post("/ui/logout", url.Values{}); code != http.StatusForbidden {
		t.Errorf("sign-out without a CSRF token: %d, want 403", code)
	}
	if _, list := f.api("GET", "/api/v1/ring_groups?filter=number+eq+'6100'"); list["count"] != 1.0-1 {
		t.Errorf("refused POSTs created a group: %v", list)
	}
	form.Set("csrf", csrf)
	if code, body, _ := f.post("/ui/ring_groups/new", form); code != http.StatusSeeOther {
		t.Errorf("POST with the CSRF token: %d\n%s", code, body)
	}
}

func TestGroupForm(t *testing.T) {
	f := newFixture(t)
	csrf := f.signedIn()
	// Every field of a ring group, typed in the form; skip_busy unchecked.
	form := url.Values{"csrf": {csrf}, "number": {"6100"}, "name": {"Support line"}, "strategy": {"custom"},
		"ring_time": {"15"}, "repeats": {"2"}, "answered_elsewhere": {"1"}, "wrap_up": {"5"}, "reject_cooldown": {"30"},
		"cid_name_prefix": {"Sales: "}, "pai": {"1"}, "rpid": {"1"}, "to_extension": {"1"}, "alert_info": {"Ring 2"},
		"client_ringtone": {"ring2"}, "welcome_prompt": {"welcome.wav"}, "moh": {"moh.wav"}, "join_prompt": {"join.wav"},
		"play_full_join_prompt": {"1"}, "schedule": {"office"}, "out_of_schedule.dest": {"extension"}, "out_of_schedule.value": {"1003"},
		"on_no_answer.dest": {"extension"}, "on_no_answer.value": {"1001"}, "on_no_agent.dest": {"play_greeting"},
		"on_no_agent.value": {"closed.wav"}, "on_no_agent.prefix": {"2"}, "record_missed": {"1"},
		"m.member": {"1003", "@support", "1001", ""}, "m.skill_level": {"2", "", "", ""}, "m.delay": {"", "", "5", ""},
		"m.timeout": {"", "", "10", ""}, "m.weight": {"", "7", "", ""}}
	code, body, resp := f.post("/ui/ring_groups/new", form)
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/ring_groups?saved=6100" {
		t.Fatalf("create: %d to %q\n%s", code, resp.Header.Get("Location"), body)
	}
	_, list := f.api("GET", "/api/v1/ring_groups?filter=number+eq+'6100'")
	items, _ := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("the native API does not list the new group: %v", list)
	}
	g := items[0].(map[string]any)
	id := int64(g["id"].(float64))
	delete(g, "id")
	want := `{"alert_info":"Ring 2","answered_elsewhere":true,"cid_name_prefix":"Sales: ","client_ringtone":"ring2",` +
		`"join_prompt":"join.wav","members":[{"extension":"1003","skill_level":2},{"ext_group":"support","weight":7},` +
		`{"delay":5,"extension":"1001","timeout":10}],"moh":"moh.wav","name":"Support line","number":"6100",` +
		`"on_no_agent":{"dest":"play_greeting","prefix":"2","value":"closed.wav"},"on_no_answer":{"dest":"extension","value":"1001"},` +
		`"out_of_schedule":{"dest":"extension","value":"1003"},"pai":true,"play_full_join_prompt":true,"record_missed":true,` +
		`"reject_cooldown":30,"repeats":2,"ring_time":15,"rpid":true,"schedule":"office","skip_busy":false,"strategy":"custom",` +
		`"to_extension":true,"welcome_prompt":"welcome.wav","wrap_up":5}`
	if got := string(must(json.Marshal(g))); got != want {
		t.Errorf("created group\n got %s\nwant %s", got, want)
	}

	// The edit form shows every value back, members in order with their settings.
	edit := "/ui/ring_groups/" + itoa(id)
	code, page, _ := f.get(edit)
	for _, frag := range []string{`id="name" name="name" value="Support line"`, `id="cid_name_prefix" name="cid_name_prefix" value="Sales: "`,
		`id="m-member-0" name="m.member" value="1003"`, `id="m-skill-0" name="m.skill_level" value="2"`,
		`id="m-member-1" name="m.member" value="@support"`, `id="m-weight-1" name="m.weight" value="7"`,
		`id="m-delay-2" name="m.delay" value="5"`, `id="m-member-5" name="m.member" value=""`,
		`id="pai" name="pai" type="checkbox" value="1" checked`, `id="skip_busy" name="skip_busy" type="checkbox" value="1">`,
		`<option selected>office</option>`, `id="on_no_agent-prefix" name="on_no_agent.prefix" value="2"`} {
		if !strings.Contains(page, frag) {
			t.Errorf("edit form (%d) lacks %s", code, frag)
		}
	}

	// An unknown member: 422, the message at its row, the values kept, nothing saved.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("number", "6101")
	bad["m.member"] = []string{"1001", "1999"}
	code, page, _ = f.post("/ui/ring_groups/new", bad)
	if code != http.StatusUnprocessableEntity || !regexp.MustCompile(`(?s)id="m-member-1" name="m.member" value="1999" size="8" aria-invalid="true".*class="field-error" id="m-err-1">extension: [^<]*1999`).MatchString(page) {
		t.Errorf("unknown member: %d, want 422 with the error at row 1\n%s", code, page)
	}
	if !strings.Contains(page, `value="6101"`) || !strings.Contains(page, `value="Sales: "`) {
		t.Errorf("the form lost the values typed")
	}
	if _, l := f.api("GET", "/api/v1/ring_groups?filter=number+eq+'6101'"); l["count"] != 0.0 {
		t.Errorf("a refused group was saved: %v", l)
	}
	// A member's delay that is not a number: at that member's row.
	bad["m.member"] = []string{"1001", "1003"}
	bad["m.delay"] = []string{"", "soon"}
	code, page, _ = f.post("/ui/ring_groups/new", bad)
	if code != http.StatusBadRequest || !regexp.MustCompile(`class="field-error" id="m-err-1">delay: must be int`).MatchString(page) {
		t.Errorf("delay soon: %d, want 400 with the error at row 1\n%s", code, page)
	}
	bad["m.delay"] = []string{"", ""}
	// A ring time that is not a number, a wrap-up out of range: at their fields.
	for field, value := range map[string]string{"ring_time": "soon", "wrap_up": "99999", "repeats": "11"} {
		b := url.Values{}
		for k, v := range bad {
			b[k] = v
		}
		b.Set(field, value)
		code, page, _ = f.post("/ui/ring_groups/new", b)
		if (code != http.StatusBadRequest && code != http.StatusUnprocessableEntity) || !strings.Contains(page, `id="`+field+`-err"`) ||
			!strings.Contains(page, `id="`+field+`" name="`+field+`" value="`+value+`"`) {
			t.Errorf("%s %s: %d, want the error at %s\n%s", field, value, code, field, page)
		}
	}
	// A number already taken: 409 at number.
	bad.Set("number", "6000")
	code, page, _ = f.post("/ui/ring_groups/new", bad)
	if code != http.StatusConflict || !strings.Contains(page, `id="number-err"`) {
		t.Errorf("number taken: %d, want 409 with the error at number\n%s", code, page)
	}

	// Update: members reordered, a destination cleared, a box unchecked.
	form.Set("name", "Support")
	form["m.member"] = []string{"1001", "", "1003"}
	form["m.delay"] = []string{"5", "", ""}
	form.Del("on_no_answer.dest")
	form.Del("on_no_answer.value")
	form.Del("pai")
	if code, body, _ := f.post(edit, form); code != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", code, body)
	}
	_, g = f.api("GET", "/api/v1/ring_groups/"+itoa(id))
	members, _ := json.Marshal(g["members"])
	if g["name"] != "Support" || string(members) != `[{"delay":5,"extension":"1001","skill_level":2},{"extension":"1003","timeout":10}]` ||
		len(g["on_no_answer"].(map[string]any)) != 0 || g["pai"] != nil || g["rpid"] != true {
		t.Errorf("updated group %v (members %s)", g, members)
	}
	// Delete: a group used by no one goes.
	if code, _, _ := f.post(edit+"/delete", url.Values{"csrf": {csrf}, "number": {"6100"}}); code != http.StatusSeeOther {
		t.Errorf("delete: %d", code)
	}
	if code, _ := f.api("GET", "/api/v1/ring_groups/"+itoa(id)); code != http.StatusNotFound {
		t.Errorf("after delete GET: %d, want 404", code)
	}
}

func itoa(n int64) string {
	return strings.TrimSpace(strings.Replace(string(must(json.Marshal(n))), "\"", "", -1))
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	f.signedIn()
	for path, want := range map[string]string{
		"/ui/":                   "sip:1001@192.0.2.1:5060",
		"/ui/extensions":         "Carol",
		"/ui/extension_groups":   "<td>support</td><td>1002, 1003</td>",
		"/ui/schedules":          "<td>office</td><td>business_hours</td><td>Europe/Paris</td><td>mon-fri 09:00-17:00</td>",
		"/ui/cdr":                "0 records match",
		"/ui/ring_groups":        "@support",
		"/ui/ring_groups/new":    `<label for="ring_time">`,
		"/ui/static/console.js":  "EventSource",
		"/ui/static/console.css": "max-width",
	} {
		code, page, _ := f.get(path)
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("GET %s: %d, want 200 with %q\n%s", path, code, want, page)
		}
	}
	code, csv, resp := f.get("/ui/cdr.csv?outcome=answered")
	if code != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "call_id") {
		t.Errorf("CSV download: %d %q\n%s", code, resp.Header.Get("Content-Type"), csv)
	}
	code, page, _ := f.get("/ui/cdr?outcome=lost&since=yesterday")
	if code != http.StatusBadRequest || !strings.Contains(page, "must be one of answered") || !strings.Contains(page, "must be an RFC 3339 time") {
		t.Errorf("bad filters: %d\n%s", code, page)
	}
	// The members' states: Bob is on DND, Carol has no registration.
	_, page, _ = f.get("/ui/")
	for _, want := range []string{`<td>1001</td><td>Alice</td><td><span class="state">available</span>`,
		`<td>1002</td><td>Bob</td><td><span class="state">DND</span>`, `<td>1003</td><td>Carol</td><td><span class="state">offline</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
	// Alice on a call (GET /api/v1/members says so).
	f.rt.mu.Lock()
	f.rt.members = []api.MemberState{{Extension: "1001", State: "on_call"}}
	f.rt.mu.Unlock()
	if _, page, _ = f.get("/ui/"); !strings.Contains(page, `<td>1001</td><td>Alice</td><td><span class="state">on a call</span>`) {
		t.Errorf("overview does not show Alice on a call")
	}
}

func TestEvents(t *testing.T) {
	f := newFixture(t)
	f.signedIn()
	// Today's answered and missed calls of the group (records of yesterday
	// and of another group not counted), members in the group's order with
	// their states, Carol in her wrap-up.
	now := time.Now()
	if err := f.store.AddRecords(context.Background(),
		cdr.Record{CallID: "a", Group: "6000", Start: now, End: now, Outcome: "answered"},
		cdr.Record{CallID: "b", Group: "6000", Start: now, End: now, Outcome: "no_answer"},
		cdr.Record{CallID: "c", Group: "6000", Start: now, End: now, Outcome: "abandoned"},
		cdr.Record{CallID: "d", Group: "6001", Start: now, End: now, Outcome: "no_answer"},
		cdr.Record{CallID: "e", Group: "6000", Start: now.Add(-48 * time.Hour), End: now.Add(-48 * time.Hour), Outcome: "no_answer"}); err != nil {
		t.Fatal(err)
	}
	f.rt.mu.Lock()
	f.rt.members = []api.MemberState{{Extension: "1003", State: "wrap_up"}}
	f.rt.regs = append(f.rt.regs, api.Registration{Extension: "1003", Contact: "sip:1003@192.0.2.3", Expires: now.Add(time.Hour), Source: "192.0.2.3:5060", Transport: "UDP"})
	f.rt.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/ui/events", nil)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rd := bufio.NewReader(resp.Body)
	next := func() map[string]any {
		t.Helper()
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the stream: %v", err)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				var snap map[string]any
				if err := json.Unmarshal([]byte(data), &snap); err != nil {
					t.Fatalf("event data %q: %v", data, err)
				}
				return snap
			}
		}
	}
	first := next()
	if groups, _ := json.Marshal(first["groups"]); !strings.Contains(string(groups), `"number":"6000"`) {
		t.Errorf("first snapshot: %v", first)
	}
	start := time.Now()
	f.rt.setCalls([]cdr.LiveCall{{Group: "6000", Caller: "5551234", Start: time.Now(), Ringing: []string{"1001"}}})
	second := next()
	g := second["groups"].([]any)[0].(map[string]any)
	m := second["members"].([]any)[0].(map[string]any)
	if g["number"] != "6000" || g["ringing"] != 1.0 || g["connected"] != 0.0 || m["number"] != "1001" || m["state"] != "ringing" ||
		g["answered"] != 1.0 || g["missed"] != 2.0 || g["members"] != "1001 Alice: ringing; 1002 Bob: DND; 1003 Carol: wrap-up" {
		t.Errorf("snapshot after a call came: groups %v members %v", second["groups"], second["members"])
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the change took %v to arrive, want under 1 s", d)
	}
	// Signed out: no stream.
	resp2, err := http.Get(f.srv.URL + "/ui/events")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusUnauthorized {
		t.Errorf("events without a session: %d, want 401", resp2.StatusCode)
	}
}

// TestLongLists: the lists read every page of the API (100 a request).
func TestLongLists(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 150; i++ {
		body := strings.NewReader(`{"number":"2` + strings.Repeat("0", 3-len(itoa(int64(i)))) + itoa(int64(i)) + `","password":"pw-long-enough"}`)
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/extensions", body)
		req.Header.Set("Authorization", "Bearer test-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("creating extension %d: %d", i, resp.StatusCode)
		}
	}
	f.signedIn()
	_, page, _ := f.get("/ui/extensions")
	if !strings.Contains(page, "153 extensions") || !strings.Contains(page, "<td>2149</td>") {
		t.Errorf("extensions page lacks the last of 153")
	}
	_, page, _ = f.get("/ui/")
	if !strings.Contains(page, "<td>2149</td>") {
		t.Errorf("overview lacks the last of 153 extensions")
	}
}

func TestExtensionForm(t *testing.T) {
	f := newFixture(t)
	csrf := f.signedIn()
	form := url.Values{"csrf": {csrf}, "number": {"1010"}, "name": {"Dave"}, "password": {"secret-1010"}, "dnd": {"1"}}
	if code, body, _ := f.post("/ui/extensions/new", form); code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", code, body)
	}
	code, e := f.api("GET", "/api/v1/extensions/1010")
	if code != http.StatusOK || e["name"] != "Dave" || e["has_password"] != true || e["password"] != nil || e["dnd"] != true {
		t.Fatalf("created extension: %d %v", code, e)
	}
	if p := f.password("1010"); p != "secret-1010" {
		t.Fatalf("stored password %q", p)
	}
	id := itoa(int64(e["id"].(float64)))
	// Blank password on edit keeps it; DND unticked clears it.
	if code, body, _ := f.post("/ui/extensions/"+id, url.Values{"csrf": {csrf}, "number": {"1010"}, "name": {"David"}}); code != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", code, body)
	}
	if _, e = f.api("GET", "/api/v1/extensions/1010"); e["name"] != "David" || e["has_password"] != true || e["dnd"] != nil {
		t.Errorf("updated extension: %v", e)
	}
	if p := f.password("1010"); p != "secret-1010" {
		t.Errorf("a blank password on edit did not keep it: stored %q", p)
	}
	// The edit page says a password is set, and never shows it.
	if code, page, _ := f.get("/ui/extensions/" + id); code != http.StatusOK || strings.Contains(page, "secret-1010") || !strings.Contains(page, "Leave blank to keep the current password") {
		t.Errorf("edit page: %d; shows the password: %v; says one is set: %v", code, strings.Contains(page, "secret-1010"), strings.Contains(page, "Leave blank to keep"))
	}
	// A number taken: 409 at number, nothing saved.
	code, page, _ := f.post("/ui/extensions/new", url.Values{"csrf": {csrf}, "number": {"1001"}, "password": {"x-long-pass"}})
	if code != http.StatusConflict || !strings.Contains(page, `id="number-err"`) {
		t.Errorf("number taken: %d\n%s", code, page)
	}
	// Deleting one a ring group uses: 409 shown on the list.
	_, alice := f.api("GET", "/api/v1/extensions/1001")
	code, page, _ = f.post("/ui/extensions/"+itoa(int64(alice["id"].(float64)))+"/delete", url.Values{"csrf": {csrf}, "number": {"1001"}})
	if code != http.StatusConflict || !strings.Contains(page, "Not deleted: 1001 is still used by") {
		t.Errorf("delete a used extension: %d\n%s", code, page)
	}
	if code, _, _ := f.post("/ui/extensions/"+id+"/delete", url.Values{"csrf": {csrf}, "number": {"1010"}}); code != http.StatusSeeOther {
		t.Errorf("delete: %d", code)
	}
	if code, _ := f.api("GET", "/api/v1/extensions/1010"); code != http.StatusNotFound {
		t.Errorf("after delete: %d", code)
	}
}

func TestNamedForms(t *testing.T) {
	f := newFixture(t)
	csrf := f.signedIn()
	// An extension group: created, listed by the API, refused with an unknown extension, deleted.
	if code, body, _ := f.post("/ui/extension_groups/new", url.Values{"csrf": {csrf}, "name": {"sales"}, "extensions": {"1001\n1003\n"}}); code != http.StatusSeeOther {
		t.Fatalf("create extension group: %d\n%s", code, body)
	}
	_, l := f.api("GET", "/api/v1/extension_groups?filter=name+eq+'sales'")
	items, _ := l["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("the API does not list the new extension group: %v", l)
	}
	g := items[0].(map[string]any)
	if exts, _ := json.Marshal(g["extensions"]); string(exts) != `["1001","1003"]` {
		t.Errorf("extension group %v", g)
	}
	id := itoa(int64(g["id"].(float64)))
	code, page, _ := f.get("/ui/extension_groups/" + id)
	if code != http.StatusOK || !strings.Contains(page, "1001\n1003</textarea>") || !strings.Contains(page, `<label for="extensions">`) {
		t.Errorf("edit form: %d\n%s", code, page)
	}
	code, page, _ = f.post("/ui/extension_groups/"+id, url.Values{"csrf": {csrf}, "name": {"sales"}, "extensions": {"1001\n1999"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `id="extensions-err">extensions[1]`) {
		t.Errorf("unknown extension: %d, want 422 at extensions\n%s", code, page)
	}
	if _, g = f.api("GET", "/api/v1/extension_groups/"+id); len(g["extensions"].([]any)) != 2 || g["extensions"].([]any)[1] != "1003" {
		t.Errorf("a refused change was saved: %v", g)
	}
	// support is used by ring group 6000: not deleted.
	_, l = f.api("GET", "/api/v1/extension_groups?filter=name+eq+'support'")
	sid := itoa(int64(l["items"].([]any)[0].(map[string]any)["id"].(float64)))
	if code, page, _ := f.post("/ui/extension_groups/"+sid+"/delete", url.Values{"csrf": {csrf}, "name": {"support"}}); code != http.StatusConflict || !strings.Contains(page, "Not deleted") {
		t.Errorf("delete a used group: %d\n%s", code, page)
	}
	if code, _, _ := f.post("/ui/extension_groups/"+id+"/delete", url.Values{"csrf": {csrf}, "name": {"sales"}}); code != http.StatusSeeOther {
		t.Errorf("delete: %d", code)
	}

	// A schedule: created, a bad time zone refused at its field.
	form := url.Values{"csrf": {csrf}, "name": {"xmas"}, "type": {"holidays"}, "timezone": {"Europe/Paris"}, "dates": {"2026-12-24..2026-12-26"}}
	if code, body, _ := f.post("/ui/schedules/new", form); code != http.StatusSeeOther {
		t.Fatalf("create schedule: %d\n%s", code, body)
	}
	if _, l = f.api("GET", "/api/v1/schedules?filter=name+eq+'xmas'"); l["count"] != 1.0 {
		t.Errorf("the API does not list the new schedule: %v", l)
	}
	form.Set("name", "other")
	form.Set("timezone", "Mars/Olympus")
	code, page, _ = f.post("/ui/schedules/new", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `id="timezone-err"`) {
		t.Errorf("bad time zone: %d, want 422 at timezone\n%s", code, page)
	}
}
