package compat

import (
	"encoding/json"
	"strconv"

	"github.com/ringd/ringd/config"
)

// YeastarMember is one entry of member_list (Yeastar's Ring_Group_Member).
//
// Value identifies the member: for type "extension" an extension, for
// type "ext_group" an extension group. Yeastar puts the object's ID there
// (as it does in fail_dest_value); through YeastarIDs ringd translates
// such IDs, and by default (nil YeastarIDs) the value is ringd's own key:
// the extension number or the extension group name.
//
// SubOption holds, in Yeastar's custom format, the entry's members
// ([{value, type}, ...]) when Value and Type are empty (subOptionMembers);
// any other value is accepted and ignored, and none is written.
//
// DelayTime and Timeout are the custom strategy's per-member ring delay
// and ring timeout in seconds. They are written for every member of a
// custom group (timeout 0, "use ring_time", is written as the group's
// ring_timeout) and, for other strategies, only when set.
type YeastarMember struct {
	Value     string          `json:"value"`
	Type      string          `json:"type"`
	SubOption json.RawMessage `json:"sub_option,omitempty"`
	DelayTime *int            `json:"delay_time,omitempty"`
	Timeout   *int            `json:"timeout,omitempty"`
}

// Yeastar member types.
const (
	YeastarMemberExtension = "extension"
	YeastarMemberExtGroup  = "ext_group"
)

// subOptionMembers reads a member_list entry written in Yeastar's custom
// format - no value or type of its own, its extensions and extension
// groups in sub_option: [{value, type}, ...] - as members that each carry
// the entry's delay_time and timeout. ok is false for an entry of the
// other format (whose sub_option, if any, is accepted and ignored).
func subOptionMembers(ym YeastarMember) ([]YeastarMember, bool) {
	if ym.Value != "" || ym.Type != "" || len(ym.SubOption) == 0 {
		return nil, false
	}
	var subs []struct {
		Value json.RawMessage `json:"value"`
		Type  string          `json:"type"`
	}
	if json.Unmarshal(ym.SubOption, &subs) != nil || len(subs) == 0 {
		return nil, false
	}
	out := make([]YeastarMember, len(subs))
	for i, sub := range subs {
		out[i] = YeastarMember{Value: scalarText(sub.Value), Type: sub.Type, DelayTime: ym.DelayTime, Timeout: ym.Timeout}
	}
	return out, true
}

// scalarText is a JSON string's text or a JSON number's digits ("" for
// anything else): Yeastar writes IDs either way.
func scalarText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// fromYeastarMember maps one member_list entry (or one sub_option entry,
// which carries its entry's delay_time and timeout); at is its field path.
func fromYeastarMember(ym YeastarMember, at string, ids YeastarIDs, bad func(field, msg string)) config.Member {
	var m config.Member
	if ym.Value == "" {
		bad(at+".value", "required")
	}
	key, ok := toNativeKey(ids, ym.Type, ym.Value)
	if !ok {
		bad(at+".value", "no "+ym.Type+" with id "+strconv.Quote(ym.Value))
	}
	switch ym.Type {
	case YeastarMemberExtension:
		m.Extension = key
	case YeastarMemberExtGroup:
		m.ExtGroup = key
	case "":
		bad(at+".type", "required: extension or ext_group")
	default:
		bad(at+".type", "must be extension or ext_group, got "+strconv.Quote(ym.Type))
	}
	if ym.DelayTime != nil {
		m.Delay = *ym.DelayTime
	}
	if ym.Timeout != nil {
		m.Timeout = *ym.Timeout
	}
	return m
}
