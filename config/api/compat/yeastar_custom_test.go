package compat

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/ringd/ringd/config"
)

// subOptions reads a grouped member_list entry's members.
func subOptions(t *testing.T, ym YeastarMember) []YeastarSubOption {
	t.Helper()
	var subs []YeastarSubOption
	if err := json.Unmarshal(ym.SubOption, &subs); err != nil {
		t.Fatalf("sub_option %s: %v", ym.SubOption, err)
	}
	return subs
}

// memberListJSON is a group's member_list as a client reads it.
func memberListJSON(t *testing.T, y YeastarRingGroup) []any {
	t.Helper()
	l, _ := asMap(t, y)["member_list"].([]any)
	return l
}

// jsonValue reads a JSON text as generic JSON.
func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// The custom creation body in Yeastar's grouped format: each sub_option
// member takes its entry's delay_time and timeout; the answer writes the
// same entries back.
func TestYeastarCreateCustom(t *testing.T) {
	body := readFixture(t, "yeastar/create_custom.ringd.json")
	g, errs := DecodeYeastarCreate(body, nil)
	noErrors(t, errs)
	check(t, "Strategy", g.Strategy, "custom")
	check(t, "RingTime", g.RingTime, config.DefaultRingTime) // ring_timeout absent
	wantMembers := []config.Member{
		{Extension: "1001", Delay: 0, Timeout: 20},
		{ExtGroup: "support", Delay: 0, Timeout: 20},
		{Extension: "1002", Delay: 10, Timeout: 30},
	}
	if !slices.Equal(g.Members, wantMembers) {
		t.Errorf("Members = %+v, want %+v", g.Members, wantMembers)
	}
	check(t, "OnNoAnswer", g.OnNoAnswer, config.Destination{Dest: "external_num", Prefix: "9", Value: "5551234"})
	check(t, "OnNoAgent", g.OnNoAgent, config.Destination{Dest: "play_greeting", Prefix: "2", Value: "closed.wav"})
	check(t, "RecordMissed", g.RecordMissed, false)

	// Every key of the body comes back as it was sent, member_list included.
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatal(err)
	}
	out := asMap(t, ToYeastar(g, 3))
	for k, v := range in {
		if !reflect.DeepEqual(out[k], v) {
			t.Errorf("%s = %v, want %v", k, out[k], v)
		}
	}
}

// Answers group a custom group's members by (delay_time, timeout), in the
// order the pairs first appear; timeout 0 is the ring time. Other
// strategies list the same members one entry each.
func TestYeastarCustomMemberListGrouped(t *testing.T) {
	g := config.NewRingGroup()
	g.Number, g.Name, g.Strategy, g.RingTime = "6300", "x", "custom", 20
	g.Members = []config.Member{
		{Extension: "1001", Timeout: 20},
		{Extension: "1002", Delay: 10, Timeout: 30},
		{Extension: "1003"}, // timeout 0: the ring time, 20
		{ExtGroup: "support", Delay: 10, Timeout: 30},
		{Extension: "1004", Timeout: 25},
	}
	got := memberListJSON(t, ToYeastar(g, 1))
	want := jsonValue(t, `[
		{"sub_option":[{"value":"1001","type":"extension"},{"value":"1003","type":"extension"}],"delay_time":0,"timeout":20},
		{"sub_option":[{"value":"1002","type":"extension"},{"value":"support","type":"ext_group"}],"delay_time":10,"timeout":30},
		{"sub_option":[{"value":"1004","type":"extension"}],"delay_time":0,"timeout":25}]`)
	if !reflect.DeepEqual(any(got), want) {
		t.Errorf("custom member_list:\n got %v\nwant %v", got, want)
	}

	g.Strategy = "ring_all"
	got = memberListJSON(t, ToYeastar(g, 1))
	want = jsonValue(t, `[
		{"value":"1001","type":"extension","timeout":20},
		{"value":"1002","type":"extension","delay_time":10,"timeout":30},
		{"value":"1003","type":"extension"},
		{"value":"support","type":"ext_group","delay_time":10,"timeout":30},
		{"value":"1004","type":"extension","timeout":25}]`)
	if !reflect.DeepEqual(any(got), want) {
		t.Errorf("ring_all member_list:\n got %v\nwant %v", got, want)
	}
}

// An answer sent back as an update changes nothing, whatever the stored
// members' order and timeouts; a changed list is taken, keeping skill
// levels and weights of the members still in it.
func TestYeastarCustomUpdateWithAnswer(t *testing.T) {
	created, errs := DecodeYeastarCreate(readFixture(t, "yeastar/create_custom.ringd.json"), nil)
	noErrors(t, errs)
	created.ID = 3

	native := everyYeastarField()
	native.Members = []config.Member{ // pairs interleaved, and timeouts of 0
		{Extension: "1001", SkillLevel: 2, Weight: 5},
		{Extension: "1002", Delay: 5, Timeout: 40, Weight: 7},
		{ExtGroup: "support", Timeout: 45},
		{Extension: "1003", Delay: 5, Timeout: 40},
	}
	for _, existing := range []config.RingGroup{created, native} {
		answer, err := json.Marshal(ToYeastar(existing, existing.ID))
		if err != nil {
			t.Fatal(err)
		}
		g, errs := YeastarUpdate(existing, answer, nil)
		noErrors(t, errs)
		if !reflect.DeepEqual(g, existing) {
			t.Errorf("update with the answer %s:\n got %+v\nwant %+v", answer, g, existing)
		}
	}

	// The answer groups 1001 and support (0, ring time 45), then 1002 and 1003.
	if n := len(ToYeastar(native, 7).MemberList); n != 2 {
		t.Fatalf("%d entries, want 2", n)
	}
	// A changed list: 1003 leaves, 1001 rings later.
	body := `{"id":7,"member_list":[
		{"sub_option":[{"value":"1001","type":"extension"}],"delay_time":3,"timeout":45},
		{"sub_option":[{"value":"support","type":"ext_group"}],"delay_time":0,"timeout":45},
		{"sub_option":[{"value":"1002","type":"extension"}],"delay_time":5,"timeout":40}]}`
	g, errs := YeastarUpdate(native, []byte(body), nil)
	noErrors(t, errs)
	want := []config.Member{
		{Extension: "1001", Delay: 3, Timeout: 45, SkillLevel: 2, Weight: 5},
		{ExtGroup: "support", Timeout: 45},
		{Extension: "1002", Delay: 5, Timeout: 40, Weight: 7},
	}
	if !slices.Equal(g.Members, want) {
		t.Errorf("changed list: %+v\nwant %+v", g.Members, want)
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

// Problems with members are named by where the member is in the body:
// a grouped entry's member by its sub_option place, its delay and timeout
// by its entry.
func TestYeastarBodyField(t *testing.T) {
	body := []byte(`{"member_list":[{"value":"1001","type":"extension"},
		{"sub_option":[{"value":"1002","type":"extension"},{"value":"support","type":"ext_group"}],"delay_time":"5","timeout":20},
		{"value":"1003","type":"extension","delay_time":700}]}`)
	for native, want := range map[string]string{
		"members[0].delay":       "member_list[0].delay_time",
		"members[1].extension":   "member_list[1].sub_option[0].value",
		"members[2].ext_group":   "member_list[1].sub_option[1].value",
		"members[2].delay":       "member_list[1].delay_time",
		"members[1].timeout":     "member_list[1].timeout",
		"members[2]":             "member_list[1].sub_option[1]",
		"members[1].skill_level": "member_list[1].sub_option[0].skill_level",
		"members[3].delay":       "member_list[2].delay_time",
		"members[4].delay":       "member_list[4].delay_time", // past the body's members: by position
		"members":                "member_list",
		"ring_time":              "ring_timeout",
	} {
		check(t, native, YeastarBodyField(native, body), want)
	}
	check(t, "no member_list", YeastarBodyField("members[2].delay", []byte(`{"name":"x"}`)), "member_list[2].delay_time")
	check(t, "no body", YeastarBodyField("members[1].extension", nil), "member_list[1].value")
}
