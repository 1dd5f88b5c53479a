package compat

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ringd/ringd/config"
)

// The testdata/yeastar fixtures decoded and rendered back (their sources:
// testdata/yeastar/README.md).

// The query answer for two ids: each group field by field, and back.
func TestYeastarQueryTwo(t *testing.T) {
	body := readFixture(t, "yeastar/query_two.ringd.json")
	var resp struct {
		Errcode int               `json:"errcode"`
		Errmsg  string            `json:"errmsg"`
		Data    []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	check(t, "errcode", resp.Errcode, 0)
	check(t, "len(data)", len(resp.Data), 2)

	var groups []config.RingGroup
	for _, raw := range resp.Data {
		var y YeastarRingGroup
		if errs := decodeOnto(raw, &y, nil); errs != nil {
			t.Fatal(errs)
		}
		g, errs := FromYeastar(y)
		noErrors(t, errs)
		groups = append(groups, g)
	}
	a, b := groups[0], groups[1]
	check(t, "[0].ID", a.ID, 1)
	check(t, "[0].Number", a.Number, "6300")
	check(t, "[0].Strategy", a.Strategy, "prioritized_hunt")
	check(t, "[0].RingTime", a.RingTime, 15)
	check(t, "[0].Members", len(a.Members), 2)
	check(t, "[0].OnNoAnswer", a.OnNoAnswer, config.Destination{Dest: "ring_group", Value: "6301"})
	check(t, "[0].OnNoAgent", a.OnNoAgent, config.Destination{})
	check(t, "[1].ID", b.ID, 2)
	check(t, "[1].Strategy", b.Strategy, "custom")
	if want := []config.Member{{Extension: "1001", Timeout: 20}, {Extension: "1003", Timeout: 20},
		{ExtGroup: "support", Delay: 5, Timeout: 25}}; !slices.Equal(b.Members, want) {
		t.Errorf("[1].Members = %+v, want %+v (sub_option members, each with its entry's delay and timeout)", b.Members, want)
	}
	check(t, "[1].OnNoAnswer", b.OnNoAnswer, config.Destination{Dest: "queue", Value: "6400"})
	check(t, "[1].OnNoAgent", b.OnNoAgent, config.Destination{Dest: "ivr", Value: "6500"})
	check(t, "[1].RecordMissed", b.RecordMissed, true)
	check(t, "[1].MOH", b.MOH, "follow_system")
	check(t, "[1].AlertInfo", b.AlertInfo, "support-line")

	// Rendered back, the answer is the fixture, key by key.
	out := asMap(t, YeastarOK(map[string]any{"data": []YeastarRingGroup{ToYeastar(a, a.ID), ToYeastar(b, b.ID)}}))
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatal(err)
	}
	check(t, "errcode", out["errcode"], in["errcode"])
	check(t, "errmsg", out["errmsg"], in["errmsg"])
	for i := range 2 {
		sameKeys(t, "data["+string(rune('0'+i))+"]",
			out["data"].([]any)[i].(map[string]any), in["data"].([]any)[i].(map[string]any))
	}
}

// The documented list answer: its items are what ToYeastarInfo renders.
func TestYeastarDocListResponse(t *testing.T) {
	body := readFixture(t, "yeastar/list_response.partial.json")
	var resp struct {
		Errcode     int                    `json:"errcode"`
		Errmsg      string                 `json:"errmsg"`
		TotalNumber int                    `json:"total_number"`
		Data        []YeastarRingGroupInfo `json:"data"`
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields() // every documented key is a field of YeastarRingGroupInfo
	if err := dec.Decode(&resp); err != nil {
		t.Fatal(err)
	}
	check(t, "errcode", resp.Errcode, 0)
	check(t, "errmsg", resp.Errmsg, "SUCCESS")
	check(t, "total_number", resp.TotalNumber, 3)

	members := func(n int) []config.Member { return make([]config.Member, n) }
	natives := []config.RingGroup{
		{Number: "8007", Name: "Sales", Strategy: "prioritized_hunt", Members: members(5)},
		{Number: "8018", Name: "Marketing", Strategy: "ring_all", Members: members(2)},
	}
	ids := []int64{8007, 8018}
	var rendered []YeastarRingGroupInfo
	for i, g := range natives {
		rendered = append(rendered, ToYeastarInfo(g, ids[i]))
	}
	if !slices.Equal(rendered, resp.Data) {
		t.Errorf("ToYeastarInfo = %+v\nwant (doc) %+v", rendered, resp.Data)
	}
	env := asMap(t, YeastarOK(map[string]any{"total_number": 3, "data": rendered}))
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatal(err)
	}
	sameKeys(t, "list answer", env, in)
}

func TestYeastarDocGetToken(t *testing.T) {
	r, errs := DecodeYeastarTokenRequest(readFixture(t, "yeastar/get_token_request.json"))
	noErrors(t, errs)
	check(t, "username", r.Username, "UEnH9Dmv6uBJEXsYcag1trNfQThYXXXX")
	check(t, "password", r.Password, "ZLcXl63S9EtMnYoHUnjbVo6sA8CbXXXX")

	_, errs = DecodeYeastarTokenRequest([]byte(`{"username":"admin"}`))
	check(t, "missing password", len(errs), 1)

	tok := asMap(t, YeastarToken("EXZMpZAO86mbrKm6rFtgeb3rfcpC9uqS", 1800, "r", 86400))
	sameKeys(t, "get_token answer", tok, map[string]any{
		"errcode": 0.0, "errmsg": "SUCCESS",
		"access_token_expire_time": 1800.0, "access_token": "EXZMpZAO86mbrKm6rFtgeb3rfcpC9uqS",
		"refresh_token_expire_time": 86400.0, "refresh_token": "r",
	})
}
