package api

import (
	"context"
	"slices"
	"testing"
)

// names lists the "name" of each item of an envelope's data.
func names(env map[string]any) []string {
	var out []string
	items, _ := env["data"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["name"].(string))
	}
	return out
}

// The documented list answer (the doc's first two items; its third,
// 8022, was cut off in the stored copy: recreated here as "Technical
// Support"), then paging, ordering and search.
func TestYeastarListFixtureAndSearch(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"1004", "1005"} {
		if code, _ := f.do("POST", "/api/v1/extensions", map[string]any{"number": n, "name": "Ext " + n, "password": "p"}); code != 201 {
			t.Fatalf("extension %s: %d", n, code)
		}
	}
	if env := f.yeastar("GET", "ringgroup/delete?id=1", testToken, nil); errcode(env) != 0 {
		t.Fatalf("delete 6000: %v", env)
	}
	member := func(ext string) map[string]any {
		return map[string]any{"type": "extension", "value": f.idOf("extension", ext)}
	}
	ids := map[string]float64{}
	for _, g := range []map[string]any{
		{"number": "8007", "name": "Sales", "ring_strategy": "sequentially",
			"member_list": []any{member("1001"), member("1002"), member("1003"), member("1004"), member("1005")}},
		{"number": "8018", "name": "Marketing", "ring_strategy": "ring_all", "member_list": []any{member("1001"), member("1002")}},
		{"number": "8022", "name": "Technical Support", "ring_strategy": "ring_all", "member_list": []any{member("1003")}},
	} {
		ids[g["number"].(string)] = float64(f.yeastarCreate(g))
	}

	doc := readJSON(t, "yeastar/list_response.partial.json")
	got := f.yeastar("GET", "ringgroup/list?page=1&page_size=2", testToken, nil)
	want := cloneJSON(doc)
	for _, it := range want["data"].([]any) {
		it := it.(map[string]any)
		it["id"] = ids[it["number"].(string)] // ringd's ids, not the doc's
	}
	sameJSON(t, "list page 1", got, want)

	for q, wantNames := range map[string][]string{
		"page=2&page_size=2":                     {"Technical Support"},
		"page=3&page_size=2":                     nil,
		"":                                       {"Sales", "Marketing", "Technical Support"},
		"order_by=desc":                          {"Technical Support", "Marketing", "Sales"},
		"sort_by=name&order_by=asc":              {"Marketing", "Sales", "Technical Support"},
		"sort_by=number&order_by=desc":           {"Technical Support", "Marketing", "Sales"},
		"sort_by=ring_strategy":                  {"Marketing", "Technical Support", "Sales"},
		"sort_by=name&order_by=desc&page_size=1": {"Technical Support"},
		"search_value=sales":                     {"Sales", "Marketing", "Technical Support"}, // list does not search
	} {
		env := f.yeastar("GET", "ringgroup/list?"+q, testToken, nil)
		if errcode(env) != 0 || env["total_number"] != 3.0 || !slices.Equal(names(env), wantNames) {
			t.Errorf("list?%s: total %v names %q, want 3 %q (%v)", q, env["total_number"], names(env), wantNames, env)
		}
		if env["data"] == nil {
			t.Errorf("list?%s: data is null, want []", q)
		}
	}
	type page struct {
		total float64
		names []string
	}
	for q, want := range map[string]page{
		"search_value=sales":                 {1, []string{"Sales"}},
		"search_value=TECH":                  {1, []string{"Technical Support"}},
		"search_value=801":                   {1, []string{"Marketing"}},
		"search_value=80":                    {3, []string{"Sales", "Marketing", "Technical Support"}},
		"search_value=80&sort_by=name":       {3, []string{"Marketing", "Sales", "Technical Support"}},
		"search_value=80&page=2&page_size=2": {3, []string{"Technical Support"}},
		"search_value=nobody":                {0, nil},
	} {
		env := f.yeastar("GET", "ringgroup/search?"+q, testToken, nil)
		if errcode(env) != 0 || env["total_number"] != want.total || !slices.Equal(names(env), want.names) {
			t.Errorf("search?%s: total %v names %q, want %v %q", q, env["total_number"], names(env), want.total, want.names)
		}
	}
}

// get, update and delete of the configured group 6000 (id 1), each
// applied at once and seen through the native API.
func TestYeastarGetUpdateDelete(t *testing.T) {
	f := newFixture(t)
	sameJSON(t, "get", f.yeastarGroup(1), map[string]any{
		"id": 1.0, "number": "6000", "name": "Sales", "ring_strategy": "ring_all", "ring_timeout": 20.0,
		"member_list": []any{
			map[string]any{"value": f.idOf("extension", "1001"), "type": "extension"},
			map[string]any{"value": f.idOf("ext_group", "support"), "type": "ext_group"},
		},
		"fail_dest": "end_call", "fail_dest_prefix": "", "fail_dest_value": "",
		"no_agent_online_dest": "end_call", "no_agent_online_dest_prefix": "", "no_agent_online_dest_value": "",
		"enb_miss_call": 0.0, "join_prompt": "", "play_full_join_prompt": 0.0, "welcome_prompt": "", "moh": "",
		"alert_info": "", "client_unique_ringtone": "",
	})

	// What Yeastar has no word for survives a Yeastar update.
	_, g := f.do("GET", "/api/v1/ring_groups/1", nil)
	g["skip_busy"], g["pai"], g["cid_name_prefix"], g["answered_elsewhere"] = false, true, "Sales: ", false
	if code, _ := f.do("PUT", "/api/v1/ring_groups/1", g); code != 200 {
		t.Fatalf("native put: %d", code)
	}
	env := f.yeastar("POST", "ringgroup/update", testToken, map[string]any{
		"id": 1, "name": "Sales EMEA", "ring_timeout": 25,
		"member_list": []any{map[string]any{"value": f.idOf("extension", "1003"), "type": "extension"}},
		"fail_dest":   "extension", "fail_dest_value": f.idOf("extension", "1002"),
	})
	if errcode(env) != 0 || env["errmsg"] != "SUCCESS" {
		t.Fatalf("update: %v", env)
	}
	_, g = f.do("GET", "/api/v1/ring_groups/1", nil)
	sameJSON(t, "native after update", g, map[string]any{
		"id": 1.0, "number": "6000", "name": "Sales EMEA", "strategy": "ring_all", "ring_time": 25.0,
		"skip_busy": false, "pai": true, "cid_name_prefix": "Sales: ", "answered_elsewhere": false, "members": []any{map[string]any{"extension": "1003"}},
		"on_no_answer": map[string]any{"dest": "extension", "value": "1002"}, "on_no_agent": map[string]any{},
		"out_of_schedule": map[string]any{},
	})

	// A new number routes at once; the old one no longer does.
	if env := f.yeastar("POST", "ringgroup/update", testToken, map[string]any{"id": 1, "number": "6001"}); errcode(env) != 0 {
		t.Fatalf("renumber: %v", env)
	}
	if _, ok := f.lastSnapshot().Group("6001"); !ok {
		t.Error("6001 does not route after the update")
	}
	if _, ok := f.lastSnapshot().Group("6000"); ok {
		t.Error("6000 still routes after the update")
	}

	if env := f.yeastar("GET", "ringgroup/delete?id=1", testToken, nil); errcode(env) != 0 || env["errmsg"] != "SUCCESS" {
		t.Fatalf("delete: %v", env)
	}
	if env := f.yeastar("GET", "ringgroup/get?id=1", testToken, nil); errcode(env) != 30001 {
		t.Errorf("get after delete: %v", env)
	}
	if code, _ := f.do("GET", "/api/v1/ring_groups/1", nil); code != 404 {
		t.Errorf("native get after delete: %d", code)
	}
	if _, ok := f.lastSnapshot().Group("6001"); ok {
		t.Error("the deleted group still routes")
	}
	d, err := f.st.Load(context.Background())
	if err != nil || len(d.RingGroups) != 0 {
		t.Errorf("store holds %d ring groups (%v)", len(d.RingGroups), err)
	}
}
