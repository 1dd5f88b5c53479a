package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
)

const testToken = "test-token"

// fixture is an admin API over a real SQLite file, with the base config
// below, and every configuration it applied.
type fixture struct {
	t     *testing.T
	srv   *httptest.Server
	st    store.Store
	live  *live.Live
	mu    sync.Mutex
	snaps []*engine.Snapshot
}

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
  - { number: "1002", name: Bob, password: p2 }
  - { number: "1003", name: Carol, password: p3 }
extension_groups:
  - { name: support, extensions: ["1002", "1003"] }
ring_groups:
  - number: "6000"
    name: Sales
    strategy: ring_all
    members: [{ extension: "1001" }, { ext_group: support }]
`

// noRuntime stands in for the SIP side where a test does not place calls:
// no calls, no registrations (cmd's end-to-end tests cover the real one).
type noRuntime struct{}

func (noRuntime) Calls() []cdr.LiveCall         { return nil }
func (noRuntime) Registrations() []Registration { return nil }
func (noRuntime) Bans() []Ban                   { return nil }
func (noRuntime) Unban(string) (bool, error)    { return false, nil }
func (noRuntime) Members() []MemberState        { return nil }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	file, err := config.Parse([]byte(baseConfig))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "ringd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	f := &fixture{t: t, st: st}
	f.live, err = live.Open(context.Background(), st, file, func(_ *config.Config, snap *engine.Snapshot) {
		f.mu.Lock()
		f.snaps = append(f.snaps, snap)
		f.mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(New(f.live, noRuntime{}, file.HTTP))
	t.Cleanup(f.srv.Close)
	return f
}

// do sends a request with the test token and decodes the JSON answer.
func (f *fixture) do(method, path string, body any) (int, map[string]any) {
	f.t.Helper()
	return f.doAuth(method, path, body, "Bearer "+testToken)
}

func (f *fixture) doAuth(method, path string, body any, auth string) (int, map[string]any) {
	f.t.Helper()
	h := http.Header{}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	code, ctype, out := f.send(method, path, body, h)
	if code >= 400 && ctype != "application/problem+json" {
		f.t.Errorf("%s %s: %d with Content-Type %q, want application/problem+json", method, path, code, ctype)
	}
	return code, out
}

// fields lists the field names of a problem's errors.
func fields(p map[string]any) []string {
	var out []string
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

func (f *fixture) lastSnapshot() *engine.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snaps[len(f.snaps)-1]
}

func TestAuth(t *testing.T) {
	f := newFixture(t)
	if code, p := f.doAuth("GET", "/api/v1/ring_groups", nil, ""); code != 401 || p["status"] != 401.0 {
		t.Errorf("no token: %d %v", code, p)
	}
	if code, _ := f.doAuth("GET", "/api/v1/ring_groups", nil, "Bearer wrong"); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	if code, _ := f.doAuth("GET", "/api/v1/ring_groups", nil, "Basic dGVzdA=="); code != 401 {
		t.Errorf("not a bearer token: %d", code)
	}
	if code, _ := f.doAuth("GET", "/api/v1/ring_groups?access_token="+testToken, nil, ""); code != 200 {
		t.Errorf("access_token: %d", code)
	}
	if code, _ := f.do("GET", "/api/v1/ring_groups", nil); code != 200 {
		t.Errorf("bearer: %d", code)
	}
	if code, _ := f.doAuth("GET", "/healthz", nil, ""); code != 200 {
		t.Errorf("healthz needs no token: %d", code)
	}
}

func TestRingGroupCRUDAppliesToNewCalls(t *testing.T) {
	f := newFixture(t)
	code, out := f.do("POST", "/api/v1/ring_groups", map[string]any{
		"number": "6100", "name": "Support", "strategy": "prioritized_hunt", "ring_time": 15,
		"members":      []any{map[string]any{"extension": "1002"}, map[string]any{"extension": "1003"}},
		"on_no_answer": map[string]any{"dest": "ext_vm", "value": "1001"},
	})
	if code != 201 || out["id"] == nil {
		t.Fatalf("create: %d %v", code, out)
	}
	id := itoa(int64(out["id"].(float64)))
	// Applied at once: the running snapshot routes 6100.
	if _, ok := f.lastSnapshot().Group("6100"); !ok {
		t.Fatal("the new group is not in the running snapshot")
	}
	code, g := f.do("GET", "/api/v1/ring_groups/"+id, nil)
	if code != 200 || g["number"] != "6100" || g["skip_busy"] != true || g["ring_time"] != 15.0 {
		t.Fatalf("get: %d %v", code, g)
	}
	g["name"] = "Support desk"
	g["strategy"] = "cyclic_hunt"
	delete(g, "id")
	if code, g2 := f.do("PUT", "/api/v1/ring_groups/"+id, g); code != 200 || g2["name"] != "Support desk" {
		t.Fatalf("update: %d %v", code, g2)
	}
	if code, l := f.do("GET", "/api/v1/ring_groups", nil); code != 200 || l["count"] != 2.0 {
		t.Fatalf("list: %d %v", code, l)
	}
	if code, _ := f.do("DELETE", "/api/v1/ring_groups/"+id, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := f.do("GET", "/api/v1/ring_groups/"+id, nil); code != 404 {
		t.Fatalf("get after delete: %d", code)
	}
	if _, ok := f.lastSnapshot().Group("6100"); ok {
		t.Fatal("the deleted group still routes")
	}
	// Survives in the store.
	d, err := f.st.Load(context.Background())
	if err != nil || len(d.RingGroups) != 1 {
		t.Fatalf("store holds %d ring groups (%v)", len(d.RingGroups), err)
	}
}

func TestErrorsAreProblemsWithFields(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		fields             []string
	}{
		{"malformed", "POST", "/api/v1/ring_groups", `{"number": "6100",`, 400, nil},
		{"unknown field", "POST", "/api/v1/ring_groups", `{"number":"6100","colour":"blue"}`, 400, []string{"colour"}},
		{"wrong type", "POST", "/api/v1/ring_groups", `{"number":"6100","ring_time":"soon"}`, 400, []string{"ring_time"}},
		{"two values", "POST", "/api/v1/ring_groups", `{} {}`, 400, nil},
		{"empty body", "POST", "/api/v1/ring_groups", ``, 400, nil},
		{"too large", "POST", "/api/v1/ring_groups", `{"name":"` + strings.Repeat("x", maxBody) + `"}`, 413, nil},
		{"invalid", "POST", "/api/v1/ring_groups", map[string]any{"number": "6100", "name": "X", "strategy": "ring_all", "ring_time": 0,
			"members": []any{map[string]any{"extension": "1009"}}}, 422, []string{"members[0].extension", "ring_time"}},
		{"unknown strategy", "POST", "/api/v1/ring_groups", map[string]any{"number": "6100", "name": "X", "strategy": "ringall",
			"members": []any{map[string]any{"extension": "1001"}}}, 422, []string{"strategy"}},
		{"number of an extension", "POST", "/api/v1/ring_groups", map[string]any{"number": "1001", "name": "X", "strategy": "ring_all",
			"members": []any{map[string]any{"extension": "1001"}}}, 409, nil},
		{"duplicate group", "POST", "/api/v1/ring_groups", map[string]any{"number": "6000", "name": "X", "strategy": "ring_all",
			"members": []any{map[string]any{"extension": "1001"}}}, 409, nil},
		{"extension in use", "DELETE", "/api/v1/extensions/1001", nil, 409, nil},
		{"extension group in use", "DELETE", "/api/v1/extension_groups/1", nil, 409, nil},
		{"unknown id", "GET", "/api/v1/ring_groups/999", nil, 404, nil},
		{"not a number", "PUT", "/api/v1/ring_groups/abc", map[string]any{"number": "6100"}, 404, nil},
		{"unknown endpoint", "GET", "/api/v1/nothing", nil, 404, nil},
		{"bad top", "GET", "/api/v1/ring_groups?top=101", nil, 400, []string{"top"}},
		{"bad skip", "GET", "/api/v1/ring_groups?skip=-1", nil, 400, []string{"skip"}},
		{"bad filter field", "GET", "/api/v1/ring_groups?filter=colour+eq+blue", nil, 400, []string{"filter"}},
		{"bad filter op", "GET", "/api/v1/ring_groups?filter=name+like+x", nil, 400, []string{"filter"}},
		{"bad orderby", "GET", "/api/v1/ring_groups?orderby=name+up", nil, 400, []string{"orderby"}},
		{"bad cdr outcome", "GET", "/api/v1/cdr?outcome=won", nil, 400, []string{"outcome"}},
		{"bad cdr since", "GET", "/api/v1/cdr?since=yesterday", nil, 400, []string{"since"}},
	}
	for _, c := range cases {
		code, p := f.do(c.method, c.path, c.body)
		if code != c.status || p["status"] != float64(c.status) {
			t.Errorf("%s: %d %v, want %d", c.name, code, p, c.status)
			continue
		}
		got := fields(p)
		for _, want := range c.fields {
			if !strings.Contains(strings.Join(got, " "), want) {
				t.Errorf("%s: fields %v lack %s", c.name, got, want)
			}
		}
	}
	// 409 names who still uses the extension.
	if _, p := f.do("DELETE", "/api/v1/extensions/1001", nil); !strings.Contains(p["detail"].(string), "ring group 6000") {
		t.Errorf("409 detail %q does not name ring group 6000", p["detail"])
	}
	// Nothing changed along the way.
	if _, l := f.do("GET", "/api/v1/ring_groups", nil); l["count"] != 1.0 {
		t.Errorf("refused changes left %v groups", l["count"])
	}
}

func TestListQueries(t *testing.T) {
	f := newFixture(t)
	for i, s := range []string{"ring_all", "prioritized_hunt", "cyclic_hunt", "memory_hunt"} {
		code, _ := f.do("POST", "/api/v1/ring_groups", map[string]any{
			"number": itoa(int64(6101 + i)), "name": "Team " + string(rune('A'+i)), "strategy": s, "ring_time": 10 + i,
			"members": []any{map[string]any{"extension": "1001"}}, "pai": i%2 == 0,
		})
		if code != 201 {
			t.Fatalf("create %d: %d", i, code)
		}
	}
	count := func(q string) (float64, []any) {
		t.Helper()
		code, l := f.do("GET", "/api/v1/ring_groups?"+q, nil)
		if code != 200 {
			t.Fatalf("%s: %d %v", q, code, l)
		}
		items, _ := l["items"].([]any)
		return l["count"].(float64), items
	}
	checks := map[string]float64{
		"":                                       5,
		"filter=strategy+eq+cyclic_hunt":         1,
		"filter=ring_time+ge+12":                 3, // 12, 13 and 6000's default 20
		"filter=ring_time+gt+10+and+pai+eq+true": 1,
		"filter=name+startswith+team":            4,
		"filter=name+contains+%27m+C%27":         1,
		"filter=number+ne+6000":                  4,
		"filter=ring_time+lt+11":                 1,
		"filter=ring_time+le+11":                 2,
		"search=team+b":                          1,
		"search=610":                             4,
	}
	for q, want := range checks {
		if n, _ := count(q); n != want {
			t.Errorf("%s: count %v, want %v", q, n, want)
		}
	}
	for _, field := range ringGroups.fields {
		for _, dir := range []string{"asc", "desc"} {
			count("orderby=" + field + "+" + dir)
		}
		count("filter=" + field + "+eq+1")
	}
	if _, items := count("orderby=ring_time+desc&top=2"); len(items) != 2 || items[0].(map[string]any)["ring_time"] != 20.0 {
		t.Errorf("orderby ring_time desc top 2: %v", items)
	}
	if n, items := count("skip=10"); n != 5 || len(items) != 0 {
		t.Errorf("skip past the end: count %v items %d", n, len(items))
	}
	if n, items := count("top=0"); n != 5 || len(items) != 0 {
		t.Errorf("top 0: count %v items %d", n, len(items))
	}
	if _, items := count("skip=4&top=100"); len(items) != 1 {
		t.Errorf("last page: %d items", len(items))
	}
}

func TestOtherResources(t *testing.T) {
	f := newFixture(t)
	// Extensions: create, read by number, 409 on a taken number, delete when unused.
	if code, _ := f.do("POST", "/api/v1/extensions", map[string]any{"number": "1004", "name": "Dave", "password": "p4"}); code != 201 {
		t.Fatalf("create extension: %d", code)
	}
	if code, e := f.do("GET", "/api/v1/extensions/1004", nil); code != 200 || e["name"] != "Dave" {
		t.Errorf("get by number: %d %v", code, e)
	}
	if code, _ := f.do("POST", "/api/v1/extensions", map[string]any{"number": "6000", "password": "x"}); code != 409 {
		t.Errorf("extension with a group's number: %d", code)
	}
	if code, p := f.do("POST", "/api/v1/extensions", map[string]any{"number": "12"}); code != 422 || len(fields(p)) == 0 {
		t.Errorf("bad extension: %d %v", code, p)
	}
	if code, _ := f.do("DELETE", "/api/v1/extensions/1004", nil); code != 204 {
		t.Errorf("delete unused extension: %d", code)
	}
	// Extension groups and schedules.
	if code, _ := f.do("POST", "/api/v1/extension_groups", map[string]any{"name": "night", "extensions": []any{"1001"}}); code != 201 {
		t.Errorf("create extension group: %d", code)
	}
	if code, _ := f.do("POST", "/api/v1/extension_groups", map[string]any{"name": "night", "extensions": []any{"1002"}}); code != 409 {
		t.Errorf("duplicate extension group: %d", code)
	}
	if code, _ := f.do("POST", "/api/v1/schedules", map[string]any{"name": "office", "type": "business_hours", "timezone": "Europe/Paris", "weekly": []any{"mon-fri 09:00-17:00"}}); code != 201 {
		t.Errorf("create schedule: %d", code)
	}
	if code, p := f.do("POST", "/api/v1/schedules", map[string]any{"name": "bad", "type": "weekly", "timezone": "Mars/Olympus"}); code != 422 || len(fields(p)) < 2 {
		t.Errorf("bad schedule: %d %v", code, p)
	}
	// Members.
	if code, g := f.do("POST", "/api/v1/ring_groups/1/members", map[string]any{"extension": "1003"}); code != 201 || len(g["members"].([]any)) != 3 {
		t.Errorf("add member: %d %v", code, g)
	}
	if code, _ := f.do("POST", "/api/v1/ring_groups/1/members", map[string]any{"extension": "1003"}); code != 409 {
		t.Errorf("duplicate member: %d", code)
	}
	if code, p := f.do("POST", "/api/v1/ring_groups/1/members", map[string]any{"extension": "1009"}); code != 422 {
		t.Errorf("unknown member: %d %v", code, p)
	}
	if code, l := f.do("GET", "/api/v1/ring_groups/1/members", nil); code != 200 || l["count"] != 3.0 {
		t.Errorf("list members: %d %v", code, l)
	}
	if code, _ := f.do("DELETE", "/api/v1/ring_groups/1/members/1003", nil); code != 200 {
		t.Errorf("remove member: %d", code)
	}
	if code, _ := f.do("DELETE", "/api/v1/ring_groups/1/members/1003", nil); code != 404 {
		t.Errorf("remove non-member: %d", code)
	}
	if code, _ := f.do("GET", "/api/v1/ring_groups/42/members", nil); code != 404 {
		t.Errorf("members of unknown group: %d", code)
	}
	// Sequential ring and criteria.
	if code, sr := f.do("GET", "/api/v1/extensions/1001/sequential_ring", nil); code != 200 || sr["enabled"] != false {
		t.Errorf("default sequential ring: %d %v", code, sr)
	}
	if code, _ := f.do("PUT", "/api/v1/extensions/1001/sequential_ring", map[string]any{"enabled": true, "ring_base_first": true, "base_ring_time": 10,
		"numbers": []any{map[string]any{"number": "1002", "ring_time": 15}}}); code != 200 {
		t.Errorf("put sequential ring: %d", code)
	}
	if code, p := f.do("PUT", "/api/v1/extensions/1001/sequential_ring", map[string]any{"numbers": []any{
		map[string]any{"number": "x", "ring_time": 0}}}); code != 422 || len(fields(p)) != 2 {
		t.Errorf("bad sequential ring: %d %v", code, p)
	}
	// Numbers are extension numbers or E.164.
	if code, p := f.do("PUT", "/api/v1/extensions/1001/sequential_ring", map[string]any{"enabled": true, "numbers": []any{
		map[string]any{"number": "0612345678", "ring_time": 10}, map[string]any{"number": "+33612345678", "ring_time": 10},
		map[string]any{"number": "1002", "ring_time": 10}}}); code != 422 || strings.Join(fields(p), " ") != "numbers[0].number" {
		t.Errorf("national number: %d %v", code, p)
	}
	if code, _ := f.do("GET", "/api/v1/extensions/9999/sequential_ring", nil); code != 404 {
		t.Errorf("unknown extension: %d", code)
	}
	code, c := f.do("POST", "/api/v1/extensions/1001/sequential_ring/criteria", map[string]any{"calls_from": "ANY_PHONE_NUMBER", "ring_enabled": true})
	if code != 201 {
		t.Fatalf("create criterion: %d %v", code, c)
	}
	cid := itoa(int64(c["id"].(float64)))
	if code, p := f.do("POST", "/api/v1/extensions/1001/sequential_ring/criteria", map[string]any{"calls_from": "SOMEONE"}); code != 422 || len(fields(p)) != 2 {
		t.Errorf("bad criterion: %d %v", code, p)
	}
	if code, got := f.do("PUT", "/api/v1/extensions/1001/sequential_ring/criteria/"+cid, map[string]any{"calls_from": "SELECT_PHONE_NUMBERS", "phone_numbers": []any{"+3312345"}, "ring_enabled": false}); code != 200 || got["calls_from"] != "SELECT_PHONE_NUMBERS" {
		t.Errorf("put criterion: %d %v", code, got)
	}
	if code, l := f.do("GET", "/api/v1/extensions/1001/sequential_ring/criteria", nil); code != 200 || l["count"] != 1.0 {
		t.Errorf("list criteria: %d %v", code, l)
	}
	if code, _ := f.do("DELETE", "/api/v1/extensions/1001/sequential_ring/criteria/"+cid, nil); code != 204 {
		t.Errorf("delete criterion: %d", code)
	}
	if code, _ := f.do("GET", "/api/v1/extensions/1001/sequential_ring/criteria/"+cid, nil); code != 404 {
		t.Errorf("deleted criterion: %d", code)
	}
	// A schedule a criterion uses cannot be deleted (409 naming it); once
	// the criterion is gone, it can.
	_, sch := f.do("GET", "/api/v1/schedules?filter=name%20eq%20%27office%27", nil)
	sid := strconv.Itoa(int(sch["items"].([]any)[0].(map[string]any)["id"].(float64)))
	if code, p := f.do("POST", "/api/v1/extensions/1001/sequential_ring/criteria", map[string]any{"calls_from": "ANY_PHONE_NUMBER",
		"schedule_name": "office", "schedule_type": "holidays", "ring_enabled": true}); code != 422 || strings.Join(fields(p), " ") != "schedule_type" {
		t.Errorf("criterion with the wrong schedule type: %d %v", code, p)
	}
	code, c = f.do("POST", "/api/v1/extensions/1001/sequential_ring/criteria", map[string]any{"calls_from": "ANY_PHONE_NUMBER",
		"schedule_name": "office", "schedule_type": "business_hours", "ring_enabled": true})
	if code != 201 {
		t.Fatalf("criterion with a schedule: %d %v", code, c)
	}
	if code, p := f.do("DELETE", "/api/v1/schedules/"+sid, nil); code != 409 || !strings.Contains(fmt.Sprint(p["detail"]), "sequential ring criterion") {
		t.Errorf("delete a schedule a criterion uses: %d %v", code, p)
	}
	f.do("DELETE", "/api/v1/extensions/1001/sequential_ring/criteria/"+strconv.Itoa(int(c["id"].(float64))), nil)
	if code, _ := f.do("DELETE", "/api/v1/schedules/"+sid, nil); code != 204 {
		t.Errorf("delete an unused schedule: %d", code)
	}
}

func TestCallRecords(t *testing.T) {
	f := newFixture(t)
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var recs []cdr.Record
	for i := range 5 {
		out := "answered"
		if i%2 == 1 {
			out = "no_answer"
		}
		recs = append(recs, cdr.Record{CallID: "c" + itoa(int64(i)), Group: "6000", Caller: "2000", Outcome: out,
			Start: base.Add(time.Duration(i) * time.Minute), End: base.Add(time.Duration(i)*time.Minute + 30*time.Second),
			Legs: []cdr.Leg{}, Missed: map[bool][]string{true: {"1001"}}[out == "no_answer"]})
	}
	if err := f.st.AddRecords(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
	count := func(q string) float64 {
		t.Helper()
		code, l := f.do("GET", "/api/v1/cdr?"+q, nil)
		if code != 200 {
			t.Fatalf("%s: %d %v", q, code, l)
		}
		return l["count"].(float64)
	}
	for q, want := range map[string]float64{
		"": 5, "outcome=no_answer": 2, "group=6000": 5, "group=7000": 0,
		"since=2026-11-25T09:02:00Z": 3, "until=2026-11-25T09:02:00Z": 2, "top=0": 5,
	} {
		if n := count(q); n != want {
			t.Errorf("cdr %s: %v, want %v", q, n, want)
		}
	}
	if code, l := f.do("GET", "/api/v1/extensions/1001/missed_calls", nil); code != 200 || l["count"] != 2.0 {
		t.Errorf("missed calls: %d %v", code, l)
	}
}

// TestOpenAPIDescribesEveryRoute checks that the document lists every
// endpoint of SPEC §8 and that every endpoint it lists exists.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	f := newFixture(t)
	code, doc := f.doAuth("GET", "/openapi.json", nil, "")
	if code != 200 {
		t.Fatalf("openapi.json: %d", code)
	}
	paths := doc["paths"].(map[string]any)
	spec := []string{
		"GET /api/v1/ring_groups", "POST /api/v1/ring_groups", "GET /api/v1/ring_groups/{id}", "PUT /api/v1/ring_groups/{id}", "DELETE /api/v1/ring_groups/{id}",
		"GET /api/v1/ring_groups/{id}/members", "POST /api/v1/ring_groups/{id}/members", "DELETE /api/v1/ring_groups/{id}/members/{ext}",
		"GET /api/v1/extensions", "POST /api/v1/extensions", "GET /api/v1/extensions/{id}", "PUT /api/v1/extensions/{id}", "DELETE /api/v1/extensions/{id}",
		"GET /api/v1/extension_groups", "POST /api/v1/extension_groups", "GET /api/v1/extension_groups/{id}", "PUT /api/v1/extension_groups/{id}", "DELETE /api/v1/extension_groups/{id}",
		"GET /api/v1/schedules", "POST /api/v1/schedules", "GET /api/v1/schedules/{id}", "PUT /api/v1/schedules/{id}", "DELETE /api/v1/schedules/{id}",
		"GET /api/v1/extensions/{number}/sequential_ring", "PUT /api/v1/extensions/{number}/sequential_ring",
		"POST /api/v1/extensions/{number}/sequential_ring/criteria", "GET /api/v1/extensions/{number}/sequential_ring/criteria",
		"GET /api/v1/extensions/{number}/sequential_ring/criteria/{id}", "PUT /api/v1/extensions/{number}/sequential_ring/criteria/{id}",
		"DELETE /api/v1/extensions/{number}/sequential_ring/criteria/{id}",
		"GET /api/v1/calls", "GET /api/v1/cdr", "GET /api/v1/registrations", "GET /openapi.json",
	}
	for _, ep := range spec {
		method, path, _ := strings.Cut(ep, " ")
		ops, _ := paths[path].(map[string]any)
		if ops[strings.ToLower(method)] == nil {
			t.Errorf("openapi.json lacks %s", ep)
		}
	}
	// Every documented endpoint answers (not the catch-all 404 / 405).
	for path, ops := range paths {
		for method := range ops.(map[string]any) {
			concrete := strings.NewReplacer("{id}", "1", "{number}", "1001", "{ext}", "1001", "{criteriaId}", "1").Replace(path)
			req, _ := http.NewRequest(strings.ToUpper(method), f.srv.URL+concrete, strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+testToken)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p map[string]any
			_ = json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if res.StatusCode == 405 || res.StatusCode == 404 && strings.HasPrefix(str(p["detail"]), "no such endpoint") {
				t.Errorf("%s %s is documented but not served (%d)", strings.ToUpper(method), path, res.StatusCode)
			}
		}
	}
	if len(doc["components"].(map[string]any)["schemas"].(map[string]any)) < 10 {
		t.Error("too few schemas")
	}
}

func str(v any) string { s, _ := v.(string); return s }
