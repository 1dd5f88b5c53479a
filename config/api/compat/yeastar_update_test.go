package compat

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ringd/ringd/config"
)

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
	check(t, "member value", subOptions(t, y.MemberList[0])[0].Value, "91001")
	check(t, "ext_group value", subOptions(t, y.MemberList[2])[0].Value, "9support")
	check(t, "fail_dest_value", y.FailDestValue, "96301")
	check(t, "play_greeting value is a file", y.NoAgentOnlineDestValue, "closed.wav")
	back, errs := FromYeastarIDs(y, fakeIDs{})
	noErrors(t, errs)
	if !reflect.DeepEqual(back, g) {
		t.Errorf("round trip through ids:\n got %+v\nwant %+v", back, g)
	}
	y.MemberList[1].SubOption = json.RawMessage(`[{"value":"1002","type":"extension"}]`) // not an id
	y.FailDestValue = "x"
	_, errs = FromYeastarIDs(y, fakeIDs{})
	check(t, "errors", len(errs), 2)
	check(t, "errors[0]", errs[0].Field, "member_list[1].sub_option[0].value")
	check(t, "errors[1]", errs[1].Field, "fail_dest_value")
}
