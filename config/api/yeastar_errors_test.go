package api

import (
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/config/api/compat"
)

// Every Yeastar error is HTTP 200 with a non-zero errcode (yeastar_routes.go),
// names Yeastar's fields, and changes nothing.
func TestYeastarErrors(t *testing.T) {
	f := newFixture(t)
	ext := func(n string) map[string]any {
		return map[string]any{"type": "extension", "value": f.idOf("extension", n)}
	}
	group := func(number string, extra map[string]any) map[string]any {
		g := map[string]any{"number": number, "name": "X", "ring_strategy": "ring_all", "member_list": []any{ext("1001")}}
		for k, v := range extra {
			g[k] = v
		}
		return g
	}
	// A second group, that fails over to 6000: 6000 is in use.
	if id := f.yeastarCreate(group("6100", map[string]any{"fail_dest": "ring_group", "fail_dest_value": "1"})); id != 2 {
		t.Fatalf("id %d", id)
	}
	count := func() int {
		_, l := f.do("GET", "/api/v1/ring_groups", nil)
		return int(l["count"].(float64))
	}

	expired, _, _ := f.server().issue("admin", "secret")
	f.server().mu.Lock()
	f.server().issued[expired] = time.Now().Add(-time.Second)
	f.server().mu.Unlock()

	cases := []struct {
		name, method, path, token string
		body                      any
		code                      int
		field                     string // named by errors[], and in errmsg
	}{
		{"no token", "GET", "ringgroup/list", "", nil, compat.YeastarCodeInvalidToken, ""},
		{"no token on create", "POST", "ringgroup/create", "", group("6200", nil), compat.YeastarCodeInvalidToken, ""},
		{"bad token", "GET", "ringgroup/get?id=1", "wrong", nil, compat.YeastarCodeInvalidToken, ""},
		{"expired token", "GET", "ringgroup/list", expired, nil, compat.YeastarCodeInvalidToken, ""},
		{"get without id", "GET", "ringgroup/get", testToken, nil, compat.YeastarCodeMissingParameter, "id"},
		{"get with a bad id", "GET", "ringgroup/get?id=abc", testToken, nil, compat.YeastarCodeInvalidParameter, "id"},
		{"get unknown id", "GET", "ringgroup/get?id=99", testToken, nil, compat.YeastarCodeNotFound, ""},
		{"query without ids", "GET", "ringgroup/query", testToken, nil, compat.YeastarCodeMissingParameter, "ids"},
		{"query bad ids", "GET", "ringgroup/query?ids=1,,2", testToken, nil, compat.YeastarCodeInvalidParameter, "ids"},
		{"query an unknown id", "GET", "ringgroup/query?ids=1,99", testToken, nil, compat.YeastarCodeNotFound, ""},
		{"delete without id", "GET", "ringgroup/delete", testToken, nil, compat.YeastarCodeMissingParameter, "id"},
		{"delete unknown id", "GET", "ringgroup/delete?id=99", testToken, nil, compat.YeastarCodeNotFound, ""},
		{"delete a group in use", "GET", "ringgroup/delete?id=1", testToken, nil, compat.YeastarCodeInUse, ""},
		{"update without id", "POST", "ringgroup/update", testToken, map[string]any{"name": "Y"}, compat.YeastarCodeMissingParameter, "id"},
		{"update with a string id", "POST", "ringgroup/update", testToken, map[string]any{"id": "1"}, compat.YeastarCodeInvalidParameter, "id"},
		{"update unknown id", "POST", "ringgroup/update", testToken, map[string]any{"id": 99, "name": "Y"}, compat.YeastarCodeNotFound, ""},
		{"duplicate number", "POST", "ringgroup/create", testToken, group("6000", nil), compat.YeastarCodeDuplicateNumber, ""},
		{"number of an extension", "POST", "ringgroup/create", testToken, group("1001", nil), compat.YeastarCodeDuplicateNumber, ""},
		{"update to a taken number", "POST", "ringgroup/update", testToken, map[string]any{"id": 2, "number": "6000"}, compat.YeastarCodeDuplicateNumber, ""},
		{"invalid ring_timeout", "POST", "ringgroup/create", testToken, group("6200", map[string]any{"ring_timeout": 0}), compat.YeastarCodeInvalidParameter, "ring_timeout"},
		{"invalid delay_time", "POST", "ringgroup/create", testToken, group("6200", map[string]any{"ring_strategy": "custom",
			"member_list": []any{map[string]any{"type": "extension", "value": "1", "delay_time": 700}}}), compat.YeastarCodeInvalidParameter, "member_list[0].delay_time"},
		{"invalid delay_time of a grouped entry", "POST", "ringgroup/create", testToken, group("6200", map[string]any{"ring_strategy": "custom",
			"member_list": []any{
				map[string]any{"sub_option": []any{ext("1001"), ext("1002")}, "delay_time": 0, "timeout": 20},
				map[string]any{"sub_option": []any{ext("1003")}, "delay_time": "700", "timeout": 20}}}),
			compat.YeastarCodeInvalidParameter, "member_list[1].delay_time"}, // members[2] natively: named by its entry
		{"invalid alert_info", "POST", "ringgroup/create", testToken, group("6200", map[string]any{"alert_info": "a/b"}), compat.YeastarCodeInvalidParameter, "alert_info"},
		{"unknown strategy", "POST", "ringgroup/create", testToken, group("6200", map[string]any{"ring_strategy": "random"}), compat.YeastarCodeInvalidParameter, "ring_strategy"},
		{"unknown member id", "POST", "ringgroup/create", testToken, group("6200", map[string]any{
			"member_list": []any{map[string]any{"type": "extension", "value": "1001"}}}), compat.YeastarCodeInvalidParameter, "member_list[0].value"},
		{"unknown destination id", "POST", "ringgroup/create", testToken, group("6200", map[string]any{
			"fail_dest": "extension", "fail_dest_value": "99"}), compat.YeastarCodeInvalidParameter, "fail_dest_value"},
		{"destination without service", "POST", "ringgroup/create", testToken, group("6200", map[string]any{
			"no_agent_online_dest": "queue", "no_agent_online_dest_value": "6400"}), compat.YeastarCodeInvalidParameter, "no_agent_online_dest"},
		{"renumber a group in use", "POST", "ringgroup/update", testToken, map[string]any{"id": 1, "number": "6001"},
			compat.YeastarCodeInvalidParameter, "ring_groups[1].on_no_answer.value"}, // another group's problem: its full path
		{"update making the group invalid", "POST", "ringgroup/update", testToken, map[string]any{"id": 2, "member_list": []any{}}, compat.YeastarCodeInvalidParameter, "member_list"},
		{"missing fields", "POST", "ringgroup/create", testToken, map[string]any{"number": "6200"}, compat.YeastarCodeMissingParameter, "ring_strategy"},
		{"unknown field", "POST", "ringgroup/create", testToken, `{"number":"6200","colour":"red"}`, compat.YeastarCodeInvalidParameter, "colour"},
		{"wrong type", "POST", "ringgroup/create", testToken, `{"number":6200}`, compat.YeastarCodeInvalidParameter, "number"},
		{"malformed JSON", "POST", "ringgroup/create", testToken, `{"number": "6200",`, compat.YeastarCodeMalformedBody, ""},
		{"not an object", "POST", "ringgroup/create", testToken, `[1,2]`, compat.YeastarCodeMalformedBody, ""},
		{"empty body", "POST", "ringgroup/update", testToken, ``, compat.YeastarCodeMalformedBody, ""},
		{"two values", "POST", "ringgroup/update", testToken, `{"id":1} {}`, compat.YeastarCodeMalformedBody, ""},
		{"body over 1 MiB", "POST", "ringgroup/create", testToken, `{"name":"` + strings.Repeat("x", maxBody) + `"}`, compat.YeastarCodeMalformedBody, ""},
		{"list bad page", "GET", "ringgroup/list?page=0", testToken, nil, compat.YeastarCodeInvalidParameter, "page"},
		{"search bad sort_by", "GET", "ringgroup/search?sort_by=colour", testToken, nil, compat.YeastarCodeInvalidParameter, "sort_by"},
		{"get_token wrong password", "POST", "get_token", "", map[string]any{"username": "admin", "password": "nope"}, compat.YeastarCodeAuthFailed, ""},
		{"get_token unknown user", "POST", "get_token", "", map[string]any{"username": "root", "password": "secret"}, compat.YeastarCodeAuthFailed, ""},
		{"get_token without password", "POST", "get_token", "", map[string]any{"username": "admin"}, compat.YeastarCodeMissingParameter, "password"},
		{"get_token malformed", "POST", "get_token", "", `{"username"`, compat.YeastarCodeMalformedBody, ""},
		{"get_token over 1 MiB", "POST", "get_token", "", `{"username":"` + strings.Repeat("x", maxBody) + `"}`, compat.YeastarCodeMalformedBody, ""},
	}
	for _, c := range cases {
		env := f.yeastar(c.method, c.path, c.token, c.body)
		if got := errcode(env); got != c.code {
			t.Errorf("%s: errcode %d, want %d (%v)", c.name, got, c.code, env)
			continue
		}
		msg, _ := env["errmsg"].(string)
		if !strings.HasPrefix(msg, compat.YeastarMessage(c.code)) {
			t.Errorf("%s: errmsg %q, want it to start with %q", c.name, msg, compat.YeastarMessage(c.code))
		}
		if c.field != "" {
			if fs := fields(env); len(fs) == 0 || fs[0] != c.field || !strings.Contains(msg, c.field) {
				t.Errorf("%s: errors %v, errmsg %q: want %s named first", c.name, fs, msg, c.field)
			}
		}
		for _, fld := range fields(env) { // Yeastar's names, never ringd's
			if fld == "members" || strings.HasPrefix(fld, "members[") || fld == "ring_time" || fld == "strategy" ||
				strings.HasPrefix(fld, "on_no_") || fld == "record_missed" || strings.HasSuffix(fld, ".delay") ||
				strings.HasSuffix(fld, ".extension") || strings.HasSuffix(fld, ".ext_group") {
				t.Errorf("%s: field %q is named in ringd's terms", c.name, fld)
			}
		}
	}
	if n := count(); n != 2 {
		t.Errorf("refused changes left %d groups, want 2", n)
	}
	if _, ok := f.lastSnapshot().Group("6200"); ok {
		t.Error("a refused group routes")
	}
	// The Bearer header is accepted as well as access_token.
	if _, _, env := f.send("GET", yeastarBase+"ringgroup/list", nil, map[string][]string{"Authorization": {"Bearer " + testToken}}); errcode(env) != 0 {
		t.Errorf("Bearer: %v", env)
	}
}
