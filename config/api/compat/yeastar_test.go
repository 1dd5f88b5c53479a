package compat

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/strategy"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// asMap renders v as JSON and reads it back as generic JSON, to compare
// what a client sees key by key.
func asMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func check[T comparable](t *testing.T, field string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", field, got, want)
	}
}

func noErrors(t *testing.T, errs []FieldError) {
	t.Helper()
	if len(errs) > 0 {
		t.Fatalf("unexpected field errors: %v", errs)
	}
}

// sameKeys compares two JSON objects key by key, reporting each difference.
func sameKeys(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: %s missing, want %v", what, k, w)
		} else if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %s = %v, want %v", what, k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected %s = %v", what, k, g)
		}
	}
}

// everyYeastarField is a native group with every field Yeastar can carry
// set to a non-default value (and the others at their defaults).
func everyYeastarField() config.RingGroup {
	g := config.NewRingGroup()
	g.ID = 7
	g.Number = "6300"
	g.Name = "Sales"
	g.Strategy = "custom"
	g.RingTime = 45
	g.AlertInfo = "sales-line"
	g.Members = []config.Member{
		{Extension: "1001", Delay: 0, Timeout: 30},
		{Extension: "1002", Delay: 5, Timeout: 40},
		{ExtGroup: "support", Delay: 10, Timeout: 20},
	}
	g.OnNoAnswer = config.Destination{Dest: "external_num", Value: "5551234", Prefix: "9"}
	g.OnNoAgent = config.Destination{Dest: "play_greeting", Value: "closed.wav", Prefix: "3"}
	g.RecordMissed = true
	g.JoinPrompt = "join.wav"
	g.PlayFullJoinPrompt = true
	g.WelcomePrompt = "welcome.wav"
	g.MOH = "jazz"
	g.ClientRingtone = "Ring2.mp3"
	return g
}

func TestYeastarRoundTripEveryField(t *testing.T) {
	want := everyYeastarField()
	y := ToYeastar(want, want.ID)
	b, err := json.Marshal(y)
	if err != nil {
		t.Fatal(err)
	}
	got, errs := DecodeYeastarCreate(b, nil)
	noErrors(t, errs)
	got.ID = want.ID // create ignores the body's id
	if !reflect.DeepEqual(got, want) {
		t.Errorf("native -> Yeastar -> native:\n got %+v\nwant %+v", got, want)
	}

	// And the other way: every Yeastar key survives Yeastar -> native -> Yeastar.
	yb := readFixture(t, "yeastar/create_ring_all.ringd.json")
	g, errs := DecodeYeastarCreate(yb, nil)
	noErrors(t, errs)
	var in map[string]any
	if err := json.Unmarshal(yb, &in); err != nil {
		t.Fatal(err)
	}
	sameKeys(t, "create_ring_all", asMap(t, ToYeastar(g, 0)), in)
}

func TestYeastarStrategies(t *testing.T) {
	for _, k := range strategy.Kinds {
		y := YeastarStrategy(k.String())
		want := map[strategy.Kind]string{
			strategy.RingAll: "ring_all", strategy.PagingIntercom: "ring_all",
			strategy.MemoryHunt: "memory_hunt", strategy.Custom: "custom",
		}[k]
		if want == "" {
			want = "sequentially"
		}
		check(t, k.String(), y, want)
	}
	check(t, "alias", YeastarStrategy("RING_SIMULTANEOUSLY"), "ring_all")
	check(t, "unknown", YeastarStrategy("nonsense"), "nonsense")

	for y, native := range map[string]string{
		"ring_all": "ring_all", "sequentially": "prioritized_hunt", "memory_hunt": "memory_hunt",
		"custom": "custom", "cyclic_hunt": "cyclic_hunt", "SKILL_BASED_ROUTING_CYCLIC_HUNT": "skill_cyclic_hunt",
	} {
		g, errs := FromYeastar(YeastarRingGroup{Number: "6300", Name: "x", RingStrategy: y})
		noErrors(t, errs)
		check(t, "FromYeastar("+y+")", g.Strategy, native)
	}
}

// The ring_all creation body: every field, field by field.
func TestYeastarCreateRingAll(t *testing.T) {
	body := readFixture(t, "yeastar/create_ring_all.ringd.json")
	g, errs := DecodeYeastarCreate(body, nil)
	noErrors(t, errs)
	check(t, "ID", g.ID, 0)
	check(t, "Number", g.Number, "6300")
	check(t, "Name", g.Name, "Sales")
	check(t, "Strategy", g.Strategy, "ring_all")
	check(t, "RingTime", g.RingTime, 30)
	check(t, "SkipBusy", g.SkipBusy, true) // native default, Yeastar has no such field
	check(t, "len(Members)", len(g.Members), 2)
	check(t, "Members[0]", g.Members[0], config.Member{Extension: "1001"})
	check(t, "Members[1]", g.Members[1], config.Member{ExtGroup: "support"})
	check(t, "OnNoAnswer", g.OnNoAnswer, config.Destination{Dest: "extension", Value: "1002"})
	check(t, "OnNoAgent", g.OnNoAgent, config.Destination{Dest: "ext_vm", Value: "1001"})
	check(t, "RecordMissed", g.RecordMissed, true)
	check(t, "JoinPrompt", g.JoinPrompt, "welcome.wav")
	check(t, "PlayFullJoinPrompt", g.PlayFullJoinPrompt, true)
	check(t, "WelcomePrompt", g.WelcomePrompt, "")
	check(t, "MOH", g.MOH, "default")
	check(t, "AlertInfo", g.AlertInfo, "sales")
	check(t, "ClientRingtone", g.ClientRingtone, "Ring1.mp3")

	y := ToYeastar(g, 12)
	check(t, "id", y.ID, 12)
	check(t, "ring_strategy", y.RingStrategy, "ring_all")
	check(t, "ring_timeout", *y.RingTimeout, 30)
	check(t, "member_list[0]", y.MemberList[0].Value+"/"+y.MemberList[0].Type, "1001/extension")
	check(t, "member_list[1]", y.MemberList[1].Value+"/"+y.MemberList[1].Type, "support/ext_group")
	if y.MemberList[0].DelayTime != nil || y.MemberList[0].Timeout != nil {
		t.Errorf("ring_all members carry delay_time/timeout: %+v", y.MemberList[0])
	}
	check(t, "fail_dest", y.FailDest, "extension")
	check(t, "fail_dest_value", y.FailDestValue, "1002")
	check(t, "no_agent_online_dest", y.NoAgentOnlineDest, "ext_vm")
	check(t, "enb_miss_call", y.EnbMissCall, 1)
	check(t, "play_full_join_prompt", y.PlayFullJoinPrompt, 1)
	check(t, "client_unique_ringtone", y.ClientUniqueRingtone, "Ring1.mp3")
}

// The custom creation body: per-member delay_time and timeout.
func TestYeastarCreateCustom(t *testing.T) {
	body := readFixture(t, "yeastar/create_custom.ringd.json")
	g, errs := DecodeYeastarCreate(body, nil)
	noErrors(t, errs)
	check(t, "Strategy", g.Strategy, "custom")
	check(t, "RingTime", g.RingTime, config.DefaultRingTime) // ring_timeout absent
	wantMembers := []config.Member{
		{Extension: "1001", Delay: 0, Timeout: 20},
		{Extension: "1002", Delay: 10, Timeout: 30},
		{ExtGroup: "support", Delay: 25, Timeout: 15},
	}
	if !slices.Equal(g.Members, wantMembers) {
		t.Errorf("Members = %+v, want %+v", g.Members, wantMembers)
	}
	check(t, "OnNoAnswer", g.OnNoAnswer, config.Destination{Dest: "external_num", Prefix: "9", Value: "5551234"})
	check(t, "OnNoAgent", g.OnNoAgent, config.Destination{Dest: "play_greeting", Prefix: "2", Value: "closed.wav"})
	check(t, "RecordMissed", g.RecordMissed, false)

	y := ToYeastar(g, 3)
	check(t, "ring_strategy", y.RingStrategy, "custom")
	for i, m := range y.MemberList {
		if m.DelayTime == nil || m.Timeout == nil {
			t.Fatalf("member_list[%d] lacks delay_time/timeout: %+v", i, m)
		}
		check(t, "delay_time", *m.DelayTime, wantMembers[i].Delay)
		check(t, "timeout", *m.Timeout, wantMembers[i].Timeout)
	}
	check(t, "fail_dest_prefix", y.FailDestPrefix, "9")
	check(t, "no_agent_online_dest_prefix", y.NoAgentOnlineDestPrefix, "2")

	// A custom member with timeout 0 ("ring_time") is shown with the ring time.
	g.Members[0].Timeout = 0
	g.RingTime = 25
	check(t, "timeout 0", *ToYeastar(g, 3).MemberList[0].Timeout, 25)
}

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
	check(t, "[1].Members[1]", b.Members[1], config.Member{ExtGroup: "support", Delay: 5, Timeout: 25})
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

func TestYeastarMappingErrors(t *testing.T) {
	body := `{"number":"6300","name":"x","ring_strategy":"random",
		"member_list":[{"value":"1001","type":"queue"},{"value":"","type":"extension"},{"value":"1003"}],
		"fail_dest":"voicemail","no_agent_online_dest":"hangup","enb_miss_call":2,"play_full_join_prompt":-1}`
	_, errs := DecodeYeastarCreate([]byte(body), nil)
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	want := []string{"ring_strategy", "member_list[0].type", "member_list[1].value", "member_list[2].type",
		"fail_dest", "no_agent_online_dest", "enb_miss_call", "play_full_join_prompt"}
	if !slices.Equal(fields, want) {
		t.Errorf("fields = %q\nwant %q", fields, want)
	}

	_, errs = DecodeYeastarCreate([]byte(`{"number":"6300","ring_strategy":"ring_all"}`), nil)
	check(t, "no member_list is fine here (native validation requires members)", len(errs), 0)
	_, errs = DecodeYeastarCreate([]byte(`{"name":"x"}`), nil)
	check(t, "missing ring_strategy", errs[0].Field, "ring_strategy")
}

func TestYeastarDecodeStrict(t *testing.T) {
	for body, field := range map[string]string{
		`{"number":"6300","colour":"red"}`:                            "colour",
		`{"number":6300}`:                                             "number",
		`{"ring_timeout":"twenty"}`:                                   "ring_timeout",
		`{"member_list":[{"value":"1001","type":"extension","x":1}]}`: "x",
		`[1,2]`:                "",
		`{"number":"6300"} {}`: "",
		`{"number":"6300"`:     "",
		`null`:                 "",
	} {
		_, errs := DecodeYeastarCreate([]byte(body), nil)
		if len(errs) != 1 || errs[0].Field != field {
			t.Errorf("%s: errors %v, want one about %q", body, errs, field)
		}
	}
	// Integers written as strings, as Yeastar's own examples do, are read
	// (SPEC §11), in the group and in its members.
	g, errs := DecodeYeastarCreate([]byte(`{"number":"6300","name":"x","ring_strategy":"custom","ring_timeout":"25",
		"enb_miss_call":"1","member_list":[{"value":"1001","type":"extension","delay_time":"5","timeout":"10"}]}`), nil)
	noErrors(t, errs)
	if g.RingTime != 25 || !g.RecordMissed || g.Members[0].Delay != 5 || g.Members[0].Timeout != 10 {
		t.Errorf("numbers as strings: %+v", g)
	}
	// sub_option, whatever its form, is accepted and not written back.
	g, errs = DecodeYeastarCreate([]byte(`{"number":"6300","name":"x","ring_strategy":"ring_all",
		"member_list":[{"value":"1001","type":"extension","sub_option":"all"},{"value":"1002","type":"extension","sub_option":3}]}`), nil)
	noErrors(t, errs)
	if _, ok := asMap(t, ToYeastar(g, 1).MemberList[0])["sub_option"]; ok {
		t.Error("sub_option written back")
	}
}

func TestYeastarUpdate(t *testing.T) {
	existing := everyYeastarField()
	existing.Strategy = "skill_cyclic_hunt"
	existing.SkipBusy = false
	existing.PAI, existing.RPID, existing.ToExtension = true, true, true
	existing.Schedule = "office"
	existing.OutOfSchedule = config.Destination{Dest: "ext_vm", Value: "1001"}
	existing.Members[1].SkillLevel = 2
	existing.Members[2].SkillLevel = 3

	// A partial update: only the name; everything else is kept, including
	// what Yeastar cannot express.
	g, errs := YeastarUpdate(existing, []byte(`{"id":7,"name":"Sales EMEA"}`), nil)
	noErrors(t, errs)
	want := existing
	want.Name = "Sales EMEA"
	if !reflect.DeepEqual(g, want) {
		t.Errorf("name-only update:\n got %+v\nwant %+v", g, want)
	}

	// The client sends back the strategy it was shown ("sequentially") and
	// a reordered member list without 1001: the native strategy and the
	// members' skill levels stay.
	body := `{"id":7,"ring_strategy":"sequentially","member_list":[
		{"value":"support","type":"ext_group"},{"value":"1002","type":"extension"},{"value":"1009","type":"extension"}]}`
	g, errs = YeastarUpdate(existing, []byte(body), nil)
	noErrors(t, errs)
	check(t, "Strategy", g.Strategy, "skill_cyclic_hunt")
	wantMembers := []config.Member{{ExtGroup: "support", SkillLevel: 3}, {Extension: "1002", SkillLevel: 2}, {Extension: "1009"}}
	if !slices.Equal(g.Members, wantMembers) {
		t.Errorf("Members = %+v, want %+v", g.Members, wantMembers)
	}
	check(t, "ID", g.ID, existing.ID)
	check(t, "Schedule", g.Schedule, "office")

	// A strategy the client really changes is taken.
	g, errs = YeastarUpdate(existing, []byte(`{"ring_strategy":"memory_hunt","fail_dest":"end_call"}`), nil)
	noErrors(t, errs)
	check(t, "Strategy", g.Strategy, "memory_hunt")
	check(t, "OnNoAnswer", g.OnNoAnswer, config.Destination{})

	// Bad input leaves the stored group untouched.
	g, errs = YeastarUpdate(existing, []byte(`{"ring_timeout":"x"}`), nil)
	check(t, "errors", len(errs), 1)
	if !reflect.DeepEqual(g, existing) {
		t.Error("a failed update changed the group")
	}
}

// fakeIDs numbers objects like a Yeastar PBX: id = "9" + key.
type fakeIDs struct{}

func (fakeIDs) NativeKey(kind, value string) (string, bool) {
	key, ok := strings.CutPrefix(value, "9")
	return key, ok && kind != ""
}
func (fakeIDs) YeastarValue(kind, key string) string { return "9" + key }

func TestYeastarIDs(t *testing.T) {
	g := everyYeastarField()
	g.OnNoAnswer = config.Destination{Dest: "ring_group", Value: "6301"}
	y := ToYeastarIDs(g, 7, fakeIDs{})
	check(t, "member value", y.MemberList[0].Value, "91001")
	check(t, "ext_group value", y.MemberList[2].Value, "9support")
	check(t, "fail_dest_value", y.FailDestValue, "96301")
	check(t, "play_greeting value is a file", y.NoAgentOnlineDestValue, "closed.wav")
	back, errs := FromYeastarIDs(y, fakeIDs{})
	noErrors(t, errs)
	if !reflect.DeepEqual(back, g) {
		t.Errorf("round trip through ids:\n got %+v\nwant %+v", back, g)
	}
	y.MemberList[1].Value = "1002" // not an id
	y.FailDestValue = "x"
	_, errs = FromYeastarIDs(y, fakeIDs{})
	check(t, "errors", len(errs), 2)
	check(t, "errors[0]", errs[0].Field, "member_list[1].value")
	check(t, "errors[1]", errs[1].Field, "fail_dest_value")
}

func TestYeastarField(t *testing.T) {
	for native, want := range map[string]string{
		"ring_time":                           "ring_timeout",
		"ring_groups[3].ring_time":            "ring_timeout",
		"strategy":                            "ring_strategy",
		"members":                             "member_list",
		"members[1]":                          "member_list[1]",
		"members[1].extension":                "member_list[1].value",
		"ring_groups[0].members[2].ext_group": "member_list[2].value",
		"members[0].delay":                    "member_list[0].delay_time",
		"members[0].timeout":                  "member_list[0].timeout",
		"on_no_answer":                        "fail_dest",
		"on_no_answer.dest":                   "fail_dest",
		"on_no_answer.value":                  "fail_dest_value",
		"on_no_answer.prefix":                 "fail_dest_prefix",
		"on_no_agent.value":                   "no_agent_online_dest_value",
		"record_missed":                       "enb_miss_call",
		"client_ringtone":                     "client_unique_ringtone",
		"number":                              "number",
		"alert_info":                          "alert_info",
		"skip_busy":                           "skip_busy",
	} {
		check(t, native, YeastarField(native), want)
	}
}

func TestYeastarEnvelope(t *testing.T) {
	ok := asMap(t, YeastarOK(map[string]any{"id": 5, "errcode": 99}))
	sameKeys(t, "ok", ok, map[string]any{"errcode": 0.0, "errmsg": "SUCCESS", "id": 5.0})
	sameKeys(t, "error", asMap(t, YeastarError(YeastarCodeInvalidToken, "")),
		map[string]any{"errcode": float64(YeastarCodeInvalidToken), "errmsg": "INVALID OR EXPIRED ACCESS TOKEN"})
	check(t, "unknown code", YeastarMessage(4242), "FAILURE")
	codes := []int{YeastarCodeAuthFailed, YeastarCodeInvalidToken, YeastarCodeMissingParameter, YeastarCodeInvalidParameter,
		YeastarCodeMalformedBody, YeastarCodeNotFound, YeastarCodeDuplicateNumber, YeastarCodeInUse, YeastarCodeInternal}
	seen := map[int]bool{}
	for _, c := range codes {
		if c == 0 || seen[c] || YeastarMessage(c) == "FAILURE" {
			t.Errorf("code %d: zero, duplicate or without a message", c)
		}
		seen[c] = true
	}

	fe := YeastarFieldErrors([]FieldError{{Field: "ring_timeout", Message: "must be 1-600"}, {Field: "name", Message: "required"}})
	check(t, "errcode", fe["errcode"], any(YeastarCodeInvalidParameter))
	check(t, "errmsg", fe["errmsg"], any("INVALID PARAMETER: ring_timeout: must be 1-600"))
	fe = YeastarFieldErrors([]FieldError{{Field: "name", Message: "required"}})
	check(t, "errcode (missing)", fe["errcode"], any(YeastarCodeMissingParameter))
}

func TestYeastarParams(t *testing.T) {
	q, _ := url.ParseQuery("access_token=x&page=2&page_size=10&sort_by=ring_strategy&order_by=desc&search_value=ring_all")
	p, errs := ParseYeastarListParams(q)
	noErrors(t, errs)
	check(t, "params", p, YeastarListParams{Page: 2, PageSize: 10, SortBy: "ring_strategy", OrderBy: "desc", SearchValue: "ring_all"})
	check(t, "native sort", p.NativeSortField(), "strategy")

	q, _ = url.ParseQuery("page=0&page_size=x&sort_by=colour&order_by=up")
	_, errs = ParseYeastarListParams(q)
	check(t, "bad params", len(errs), 4)

	ids, errs := ParseYeastarIDs("1, 2,1")
	noErrors(t, errs)
	check(t, "ids", len(ids), 2)
	check(t, "ids[1]", ids[1], 2)
	for _, s := range []string{"", "1,,2", "a", "0", "-1"} {
		if _, errs := ParseYeastarIDs(s); len(errs) != 1 || errs[0].Field != "ids" {
			t.Errorf("ids=%q: %v", s, errs)
		}
	}
	id, errs := ParseYeastarID("42")
	noErrors(t, errs)
	check(t, "id", id, 42)
	if _, errs := ParseYeastarID("4x"); len(errs) != 1 {
		t.Error("id=4x accepted")
	}
}

// Yeastar's custom format: an entry with no value or type of its own lists
// its members in sub_option, each taking the entry's delay_time and
// timeout (as strings too); a bad sub-entry is named by its path.
func TestYeastarCustomSubOptionMembers(t *testing.T) {
	g, errs := DecodeYeastarCreate([]byte(`{"number":"6300","name":"Support","ring_strategy":"custom","ring_timeout":"20",
		"member_list":[
			{"sub_option":[{"value":"1001","type":"extension"},{"value":"support","type":"ext_group"}],"delay_time":"0","timeout":"20"},
			{"sub_option":[{"value":"1002","type":"extension"}],"delay_time":10,"timeout":30}]}`), nil)
	noErrors(t, errs)
	want := []config.Member{{Extension: "1001", Timeout: 20}, {ExtGroup: "support", Timeout: 20}, {Extension: "1002", Delay: 10, Timeout: 30}}
	if !reflect.DeepEqual(g.Members, want) {
		t.Errorf("members %+v, want %+v", g.Members, want)
	}
	_, errs = DecodeYeastarCreate([]byte(`{"number":"6300","name":"x","ring_strategy":"custom",
		"member_list":[{"sub_option":[{"value":"1001","type":"extension"},{"value":"1002","type":"phone"}],"delay_time":0}]}`), nil)
	if len(errs) != 1 || errs[0].Field != "member_list[0].sub_option[1].type" {
		t.Errorf("errors %v, want one at member_list[0].sub_option[1].type", errs)
	}
}
