package api

import (
	"strconv"
	"testing"

	"github.com/ringd/ringd/config"
)

// The Yeastar façade replays compat's testdata/yeastar fixtures through
// HTTP. The *.ringd.json fixtures write member and destination values as
// ringd keys; the façade speaks object IDs (yeastar_ids.go), so they are
// sent and compared through withIDs.

// create posts a Yeastar group and returns its id.
func (f *fixture) yeastarCreate(body map[string]any) int64 {
	f.t.Helper()
	env := f.yeastar("POST", "ringgroup/create", testToken, body)
	if errcode(env) != 0 || env["errmsg"] != "SUCCESS" || env["id"] == nil {
		f.t.Fatalf("create %v: %v", body["number"], env)
	}
	return int64(env["id"].(float64))
}

// yeastarGroup is ringgroup/get's data.
func (f *fixture) yeastarGroup(id int64) map[string]any {
	f.t.Helper()
	env := f.yeastar("GET", "ringgroup/get?id="+itoa(id), testToken, nil)
	if errcode(env) != 0 {
		f.t.Fatalf("get %d: %v", id, env)
	}
	return env["data"].(map[string]any)
}

func TestYeastarCreateRingAllFixture(t *testing.T) {
	f := newServicesFixture(t)
	body := f.withIDs(readJSON(t, "yeastar/create_ring_all.ringd.json"))
	id := f.yeastarCreate(body)

	// Read back through the façade: the fixture, field by field, plus the id.
	want := cloneJSON(body)
	want["id"] = float64(id)
	sameJSON(t, "get", f.yeastarGroup(id), want)

	// Applied at once, and the same group through the native API.
	if _, ok := f.lastSnapshot().Group("6300"); !ok {
		t.Fatal("the group created through Yeastar is not in the running snapshot")
	}
	code, g := f.do("GET", "/api/v1/ring_groups/"+itoa(id), nil)
	if code != 200 {
		t.Fatalf("native get: %d %v", code, g)
	}
	sameJSON(t, "native", g, map[string]any{
		"id": float64(id), "number": "6300", "name": "Sales", "strategy": "ring_all", "ring_time": 30.0, "skip_busy": true, "answered_elsewhere": true,
		"members":       []any{map[string]any{"extension": "1001"}, map[string]any{"ext_group": "support"}},
		"on_no_answer":  map[string]any{"dest": "extension", "value": "1002"},
		"on_no_agent":   map[string]any{"dest": "ext_vm", "value": "1001"},
		"record_missed": true, "join_prompt": "welcome.wav", "play_full_join_prompt": true,
		"moh": "default", "alert_info": "sales", "client_ringtone": "Ring1.mp3", "out_of_schedule": map[string]any{},
	})
}

func TestYeastarCreateCustomFixture(t *testing.T) {
	f := newServicesFixture(t)
	body := f.withIDs(readJSON(t, "yeastar/create_custom.ringd.json"))
	id := f.yeastarCreate(body)

	// The keys the fixture leaves out read back as their defaults.
	want := cloneJSON(body)
	want["id"] = float64(id)
	for k, v := range map[string]any{"ring_timeout": 20.0, "enb_miss_call": 0.0, "join_prompt": "", "play_full_join_prompt": 0.0,
		"welcome_prompt": "", "moh": "", "alert_info": "", "client_unique_ringtone": ""} {
		want[k] = v
	}
	sameJSON(t, "get", f.yeastarGroup(id), want)

	if _, ok := f.lastSnapshot().Group("6301"); !ok {
		t.Fatal("the group created through Yeastar is not in the running snapshot")
	}
	code, g := f.do("GET", "/api/v1/ring_groups/"+itoa(id), nil)
	if code != 200 {
		t.Fatalf("native get: %d %v", code, g)
	}
	sameJSON(t, "native", g, map[string]any{
		"id": float64(id), "number": "6301", "name": "Support", "strategy": "custom", "ring_time": 20.0, "skip_busy": true, "answered_elsewhere": true,
		"members": []any{ // each sub_option member with its entry's delay and timeout
			map[string]any{"extension": "1001", "timeout": 20.0},
			map[string]any{"ext_group": "support", "timeout": 20.0},
			map[string]any{"extension": "1002", "delay": 10.0, "timeout": 30.0},
		},
		"on_no_answer":    map[string]any{"dest": "external_num", "value": "5551234", "prefix": "9"},
		"on_no_agent":     map[string]any{"dest": "play_greeting", "value": "closed.wav", "prefix": "2"},
		"out_of_schedule": map[string]any{},
	})
}

func TestYeastarQueryTwoFixture(t *testing.T) {
	f := newServicesFixture(t)
	// Without the configured group, the fixture's groups get its ids 1 and 2.
	if env := f.yeastar("GET", "ringgroup/delete?id=1", testToken, nil); errcode(env) != 0 {
		t.Fatalf("delete 6000: %v", env)
	}
	fixture := readJSON(t, "yeastar/query_two.ringd.json")
	data := fixture["data"].([]any)
	first := cloneJSON(data[0].(map[string]any))
	delete(first, "id")
	first["fail_dest"], first["fail_dest_value"] = "end_call", "" // 6301 does not exist yet
	if id := f.yeastarCreate(f.withIDs(first)); id != 1 {
		t.Fatalf("first id %d", id)
	}
	second := f.withIDs(data[1].(map[string]any))
	delete(second, "id")
	if id := f.yeastarCreate(second); id != 2 {
		t.Fatalf("second id %d", id)
	}
	if env := f.yeastar("POST", "ringgroup/update", testToken, map[string]any{
		"id": 1, "fail_dest": "ring_group", "fail_dest_value": f.idOf("ring_group", "6301")}); errcode(env) != 0 {
		t.Fatalf("update: %v", env)
	}

	got := f.yeastar("GET", "ringgroup/query?ids=1,2", testToken, nil)
	if got["errcode"] != fixture["errcode"] || got["errmsg"] != fixture["errmsg"] {
		t.Errorf("envelope %v %v, want %v %v", got["errcode"], got["errmsg"], fixture["errcode"], fixture["errmsg"])
	}
	items, _ := got["data"].([]any)
	if len(items) != 2 {
		t.Fatalf("data: %v", got["data"])
	}
	for i := range 2 {
		sameJSON(t, "data["+strconv.Itoa(i)+"]", items[i].(map[string]any), f.withIDs(data[i].(map[string]any)))
	}
	// The order of ids is kept.
	if got := f.yeastar("GET", "ringgroup/query?ids=2,1", testToken, nil); got["data"].([]any)[0].(map[string]any)["id"] != 2.0 {
		t.Errorf("query ids=2,1: %v", got["data"])
	}
}

func TestYeastarGetTokenFixture(t *testing.T) {
	f := newFixture(t)
	body := readBytes(t, "yeastar/get_token_request.json")
	// The documented Client ID and Secret are not an API user here.
	if env := f.yeastar("POST", "get_token", "", body); errcode(env) != 10001 {
		t.Errorf("unknown client: %v", env)
	}
	// Made one (config reload), the documented body obtains a token.
	req := readJSON(t, "yeastar/get_token_request.json")
	f.server().SetTokens(config.HTTPConfig{Tokens: []string{testToken}, Users: []config.HTTPUser{
		{Username: "admin", Password: "secret"},
		{Username: req["username"].(string), Password: req["password"].(string)},
	}})
	env := f.yeastar("POST", "get_token", "", body)
	tok, _ := env["access_token"].(string)
	if errcode(env) != 0 || len(tok) < 32 {
		t.Fatalf("get_token: %v", env)
	}
	sameJSON(t, "get_token", env, map[string]any{
		"errcode": 0.0, "errmsg": "SUCCESS", "access_token": tok, "access_token_expire_time": 1800.0,
		"refresh_token": "", "refresh_token_expire_time": 0.0,
	})
	// The token opens the façade (access_token or Bearer) and the native API.
	if env := f.yeastar("GET", "ringgroup/list", tok, nil); errcode(env) != 0 {
		t.Errorf("list with the new token: %v", env)
	}
	if _, _, env := f.send("GET", yeastarBase+"ringgroup/list", nil, map[string][]string{"Authorization": {"Bearer " + tok}}); errcode(env) != 0 {
		t.Errorf("list with the new token as Bearer: %v", env)
	}
	if code, _ := f.doAuth("GET", "/api/v1/ring_groups", nil, "Bearer "+tok); code != 200 {
		t.Errorf("native API with the new token: %d", code)
	}
	// admin/secret, the fixture's API user, obtains one too.
	if env := f.yeastar("POST", "get_token", "", map[string]any{"username": "admin", "password": "secret"}); errcode(env) != 0 {
		t.Errorf("admin: %v", env)
	}
}
