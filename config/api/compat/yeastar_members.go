package compat

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
)

// YeastarMember is one entry of member_list (Yeastar's Ring_Group_Member),
// in one of two formats.
//
// The flat format names one member: Value identifies it, Type says what it
// is. For type "extension" Value is an extension, for type "ext_group" an
// extension group. Yeastar puts the object's ID there (as it does in
// fail_dest_value); through YeastarIDs ringd translates such IDs, and by
// default (nil YeastarIDs) the value is ringd's own key: the extension
// number or the extension group name. DelayTime and Timeout, when given,
// are the member's ring delay and ring timeout in seconds.
//
// The grouped format, Yeastar's for custom groups, has no Value or Type of
// its own: SubOption lists its members as [{value, type}, ...], and each
// of them takes the entry's DelayTime and Timeout (subOptionMembers). On
// input both formats are read, in any strategy and mixed; a SubOption
// beside a Value or Type is accepted and ignored.
//
// Answers write a custom group in the grouped format, one entry per
// distinct (delay_time, timeout) pair in the order the pairs first appear
// among the members (customMemberList); a timeout of 0, "use ring_time",
// is written as the group's ring_timeout. Other strategies are written in
// the flat format, with delay_time and timeout only when they are set.
type YeastarMember struct {
	Value     string          `json:"value,omitempty"`
	Type      string          `json:"type,omitempty"`
	SubOption json.RawMessage `json:"sub_option,omitempty"`
	DelayTime *int            `json:"delay_time,omitempty"`
	Timeout   *int            `json:"timeout,omitempty"`
}

// YeastarSubOption is one member of a grouped member_list entry, as
// answers write it.
type YeastarSubOption struct {
	Value string `json:"value"`
	Type  string `json:"type"`
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

// yeastarMemberRef is the type and value a Yeastar client sees for a
// native member.
func yeastarMemberRef(m config.Member, ids YeastarIDs) YeastarSubOption {
	if m.Extension == "" && m.ExtGroup != "" {
		return YeastarSubOption{Type: YeastarMemberExtGroup, Value: toYeastarValue(ids, YeastarMemberExtGroup, m.ExtGroup)}
	}
	return YeastarSubOption{Type: YeastarMemberExtension, Value: toYeastarValue(ids, YeastarMemberExtension, m.Extension)}
}

// flatMemberList writes members one entry each, with delay_time and
// timeout only when set (every strategy but custom).
func flatMemberList(members []config.Member, ids YeastarIDs) []YeastarMember {
	out := make([]YeastarMember, 0, len(members))
	for _, m := range members {
		ref := yeastarMemberRef(m, ids)
		ym := YeastarMember{Value: ref.Value, Type: ref.Type}
		if m.Delay != 0 {
			ym.DelayTime = intp(m.Delay)
		}
		if m.Timeout != 0 {
			ym.Timeout = intp(m.Timeout)
		}
		out = append(out, ym)
	}
	return out
}

// customMemberList writes a custom group's members in Yeastar's grouped
// format: one entry per distinct (delay_time, timeout) pair, in the order
// the pairs first appear, each listing its members in sub_option in member
// order. A timeout of 0 is written as ringTime, so such a member shares
// the entry of members whose timeout is ringTime.
func customMemberList(members []config.Member, ringTime int, ids YeastarIDs) []YeastarMember {
	type pair struct{ delay, timeout int }
	var order []pair
	subs := map[pair][]YeastarSubOption{}
	for _, m := range members {
		p := pair{m.Delay, m.Timeout}
		if p.timeout == 0 {
			p.timeout = ringTime
		}
		if _, seen := subs[p]; !seen {
			order = append(order, p)
		}
		subs[p] = append(subs[p], yeastarMemberRef(m, ids))
	}
	out := make([]YeastarMember, 0, len(order))
	for _, p := range order {
		raw, _ := json.Marshal(subs[p]) // strings only: cannot fail
		out = append(out, YeastarMember{SubOption: raw, DelayTime: intp(p.delay), Timeout: intp(p.timeout)})
	}
	return out
}

// YeastarBodyField is YeastarField for a problem with the group a create
// or update body made, naming a member by where it is in the body's
// member_list: a member of a grouped entry is
// "member_list[i].sub_option[j]" (".value" for its value), and its delay
// and timeout are the entry's "member_list[i].delay_time" and
// "member_list[i].timeout". Other paths, and members a body without a
// member_list kept, are named by YeastarField.
func YeastarBodyField(nativePath string, body []byte) string {
	rest, ok := strings.CutPrefix(nativePath, "members[")
	idx, tail, _ := strings.Cut(rest, "]")
	k, err := strconv.Atoi(idx)
	var b struct {
		MemberList []YeastarMember `json:"member_list"`
	}
	if !ok || err != nil || json.Unmarshal(yeastarNumbers(body), &b) != nil {
		return YeastarField(nativePath)
	}
	for i, ym := range b.MemberList {
		entry := "member_list[" + strconv.Itoa(i) + "]"
		subs, grouped := subOptionMembers(ym)
		switch {
		case !grouped && k == 0:
			return YeastarField("members[" + strconv.Itoa(i) + "]" + tail)
		case !grouped:
			k--
			continue
		case k >= len(subs):
			k -= len(subs)
			continue
		}
		at := entry + ".sub_option[" + strconv.Itoa(k) + "]"
		switch field := strings.TrimPrefix(tail, "."); field {
		case "":
			return at
		case "extension", "ext_group":
			return at + ".value"
		case "delay":
			return entry + ".delay_time"
		case "timeout":
			return entry + ".timeout"
		default:
			return at + "." + field
		}
	}
	return YeastarField(nativePath)
}
