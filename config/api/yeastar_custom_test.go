package api

import (
	"testing"
)

// nativeGroup is GET /api/v1/ring_groups/{id}.
func (f *fixture) nativeGroup(id int64) map[string]any {
	f.t.Helper()
	code, g := f.do("GET", "/api/v1/ring_groups/"+itoa(id), nil)
	if code != 200 {
		f.t.Fatalf("native get %d: %d %v", id, code, g)
	}
	return g
}

// yeastarUpdate posts an update and fails the test unless it succeeds.
func (f *fixture) yeastarUpdate(body map[string]any) {
	f.t.Helper()
	if env := f.yeastar("POST", "ringgroup/update", testToken, body); errcode(env) != 0 {
		f.t.Fatalf("update %v: %v", body, env)
	}
}

// A custom group created in Yeastar's grouped format is answered in it
// by query, and the query's answer sent back as an update leaves the ringd
// group as it was.
func TestYeastarCustomCreateQueryUpdate(t *testing.T) {
	f := newServicesFixture(t)
	body := f.withIDs(readJSON(t, "yeastar/create_custom.ringd.json"))
	id := f.yeastarCreate(body)
	before := f.nativeGroup(id)

	env := f.yeastar("GET", "ringgroup/query?ids="+itoa(id), testToken, nil)
	items, _ := env["data"].([]any)
	if errcode(env) != 0 || len(items) != 1 {
		t.Fatalf("query: %v", env)
	}
	answer := items[0].(map[string]any)
	sameJSON(t, "query member_list", map[string]any{"member_list": answer["member_list"]},
		map[string]any{"member_list": body["member_list"]})

	f.yeastarUpdate(answer)
	sameJSON(t, "native after update with the answer", f.nativeGroup(id), before)
	sameJSON(t, "get after update with the answer", f.yeastarGroup(id), answer)

	// list and search count members (3), not member_list entries (2).
	list := f.yeastar("GET", "ringgroup/search?search_value=6301", testToken, nil)
	if data, _ := list["data"].([]any); len(data) != 1 || data[0].(map[string]any)["member_count"] != 3.0 {
		t.Errorf("search 6301: %v", list)
	}
}

// A custom group made through the native API, its members' delays and
// timeouts interleaved and some timeouts 0: the answer groups them, and
// sent back it changes nothing - not the members' order, nor their
// timeouts of 0, nor their weights. A changed grouped list (integers as
// strings) is taken.
func TestYeastarCustomNativeGroupRoundTrip(t *testing.T) {
	f := newServicesFixture(t)
	code, out := f.do("POST", "/api/v1/ring_groups", map[string]any{
		"number": "6400", "name": "Layered", "strategy": "custom", "ring_time": 25,
		"members": []any{
			map[string]any{"extension": "1001", "weight": 3},
			map[string]any{"extension": "1002", "delay": 10, "timeout": 30},
			map[string]any{"ext_group": "support", "timeout": 25},
			map[string]any{"extension": "1003", "delay": 10, "timeout": 30},
		},
	})
	if code != 201 {
		t.Fatalf("native create: %d %v", code, out)
	}
	id := int64(out["id"].(float64))
	before := f.nativeGroup(id)

	got := f.yeastarGroup(id)
	ref := func(kind, key string) map[string]any { return map[string]any{"type": kind, "value": f.idOf(kind, key)} }
	wantList := []any{
		map[string]any{"sub_option": []any{ref("extension", "1001"), ref("ext_group", "support")}, "delay_time": 0.0, "timeout": 25.0},
		map[string]any{"sub_option": []any{ref("extension", "1002"), ref("extension", "1003")}, "delay_time": 10.0, "timeout": 30.0},
	}
	sameJSON(t, "get member_list", map[string]any{"member_list": got["member_list"]}, map[string]any{"member_list": wantList})

	f.yeastarUpdate(got)
	sameJSON(t, "native after update with the answer", f.nativeGroup(id), before)

	f.yeastarUpdate(map[string]any{"id": id, "member_list": []any{
		map[string]any{"sub_option": []any{ref("extension", "1003")}, "delay_time": "0", "timeout": "25"},
		map[string]any{"sub_option": []any{ref("extension", "1001"), ref("extension", "1002")}, "delay_time": "5", "timeout": "20"},
	}})
	after := f.nativeGroup(id)
	sameJSON(t, "members after a changed list", map[string]any{"members": after["members"]}, map[string]any{"members": []any{
		map[string]any{"extension": "1003", "timeout": 25.0},
		map[string]any{"extension": "1001", "delay": 5.0, "timeout": 20.0, "weight": 3.0},
		map[string]any{"extension": "1002", "delay": 5.0, "timeout": 20.0},
	}})
}
