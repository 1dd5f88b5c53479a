package compat

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
