package compat

import (
	"strconv"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// The Yeastar P-Series Open API ring group (sources: testdata/yeastar/README.md).
//
// Field by field, Yeastar -> native (config.RingGroup):
//
//	id                          -> ID (the store's id; the façade's path/query id)
//	number                      -> Number
//	name                        -> Name
//	ring_strategy               -> Strategy (ring_all, sequentially=prioritized_hunt, memory_hunt, custom)
//	ring_timeout                -> RingTime (absent: 20)
//	member_list[i].value        -> a member's Extension or ExtGroup, by type (flat format)
//	member_list[i].type         -> extension | ext_group
//	member_list[i].sub_option   -> grouped format (no value or type): members [{value, type}, ...]
//	                               that each take the entry's delay_time and timeout (YeastarMember)
//	member_list[i].delay_time   -> the member's (or, grouped, each sub_option member's) Delay
//	member_list[i].timeout      -> the member's (or, grouped, each sub_option member's) Timeout
//	fail_dest                   -> OnNoAnswer.Dest   (end_call -> the zero Destination)
//	fail_dest_prefix            -> OnNoAnswer.Prefix (external_num: dial prefix; play_greeting: play count)
//	fail_dest_value             -> OnNoAnswer.Value
//	no_agent_online_dest        -> OnNoAgent.Dest    (spelling unconfirmed)
//	no_agent_online_dest_prefix -> OnNoAgent.Prefix  (spelling unconfirmed)
//	no_agent_online_dest_value  -> OnNoAgent.Value   (spelling unconfirmed)
//	enb_miss_call               -> RecordMissed      (0/1; spelling from SPEC §3, unconfirmed)
//	join_prompt                 -> JoinPrompt
//	play_full_join_prompt       -> PlayFullJoinPrompt (0/1)
//	welcome_prompt              -> WelcomePrompt
//	moh                         -> MOH
//	alert_info                  -> AlertInfo
//	client_unique_ringtone      -> ClientRingtone
//
// Native fields Yeastar has no word for (skip_busy, pai, rpid,
// to_extension, schedule, out_of_schedule, members' skill_level) get their
// defaults from FromYeastar and are kept from the stored group by
// YeastarUpdate.

// YeastarRingGroup is a ring group as the Yeastar Open API writes it: the
// body of ringgroup/create and ringgroup/update, and each element of the
// "data" of ringgroup/get and ringgroup/query. Every key is written on
// output; on input an absent key reads as its zero value except
// ring_timeout, whose absence means the default.
type YeastarRingGroup struct {
	ID                      int64           `json:"id,omitempty"`
	Number                  string          `json:"number"`
	Name                    string          `json:"name"`
	RingStrategy            string          `json:"ring_strategy"`
	RingTimeout             *int            `json:"ring_timeout,omitempty"`
	MemberList              []YeastarMember `json:"member_list"`
	FailDest                string          `json:"fail_dest"`
	FailDestPrefix          string          `json:"fail_dest_prefix"`
	FailDestValue           string          `json:"fail_dest_value"`
	NoAgentOnlineDest       string          `json:"no_agent_online_dest"`
	NoAgentOnlineDestPrefix string          `json:"no_agent_online_dest_prefix"`
	NoAgentOnlineDestValue  string          `json:"no_agent_online_dest_value"`
	EnbMissCall             int             `json:"enb_miss_call"`
	JoinPrompt              string          `json:"join_prompt"`
	PlayFullJoinPrompt      int             `json:"play_full_join_prompt"`
	WelcomePrompt           string          `json:"welcome_prompt"`
	MOH                     string          `json:"moh"`
	AlertInfo               string          `json:"alert_info"`
	ClientUniqueRingtone    string          `json:"client_unique_ringtone"`
}

// Yeastar's four ring strategies.
const (
	YeastarRingAll      = "ring_all"
	YeastarSequentially = "sequentially"
	YeastarMemoryHunt   = "memory_hunt"
	YeastarCustom       = "custom"
)

// YeastarStrategy is the ring_strategy Yeastar clients see for a native
// strategy name or alias. Yeastar has four strategies; the others map to
// the closest one:
//
//   - cyclic_hunt, least_worked_hunt and the three skill_* hunts ring one
//     member at a time, each for ring_time, then fail over: that is
//     Yeastar's "sequentially", which differs only in the order;
//   - paging_intercom rings every member at once: "ring_all" (Yeastar
//     pages with a separate Paging feature, not with ring groups).
//
// YeastarUpdate keeps such a strategy when a client sends back the value it
// was shown. An unknown name is returned unchanged.
func YeastarStrategy(native string) string {
	k, ok := strategy.ParseKind(native)
	if !ok {
		return native
	}
	switch k {
	case strategy.RingAll, strategy.PagingIntercom:
		return YeastarRingAll
	case strategy.MemoryHunt:
		return YeastarMemoryHunt
	case strategy.Custom:
		return YeastarCustom
	default: // prioritized, cyclic, least-worked, random, weighted and the skill hunts
		return YeastarSequentially
	}
}

// nativeStrategy maps a ring_strategy to ringd's native name. Besides
// Yeastar's four, any native name or alias of strategy.ParseKind is
// accepted (a ringd extension: Yeastar-style clients may ask for
// cyclic_hunt and the like).
func nativeStrategy(s string) (string, bool) {
	switch s {
	case YeastarRingAll:
		return strategy.RingAll.String(), true
	case YeastarSequentially:
		return strategy.PrioritizedHunt.String(), true
	case YeastarMemoryHunt:
		return strategy.MemoryHunt.String(), true
	case YeastarCustom:
		return strategy.Custom.String(), true
	}
	if k, ok := strategy.ParseKind(s); ok {
		return k.String(), true
	}
	return "", false
}

// YeastarIDs translates the values Yeastar clients put in
// member_list[].value and in fail_dest_value / no_agent_online_dest_value
// (Yeastar object IDs) to ringd's keys and back. kind is the member type
// (extension, ext_group) or the destination type (extension, ext_vm,
// group_vm, ivr, call_flow, ring_group, queue); ringd's key is the
// extension number, extension group name, ring group number or service
// value. A nil YeastarIDs means the values are ringd's keys themselves.
type YeastarIDs interface {
	// NativeKey returns ringd's key for a Yeastar value, false if there is
	// no such object.
	NativeKey(kind, value string) (key string, ok bool)
	// YeastarValue returns the value a Yeastar client sees for ringd's key.
	YeastarValue(kind, key string) string
}

// idKinds are the destination types whose value is an object (an ID in
// Yeastar's terms); external_num's value is a number and play_greeting's
// a prompt file, both taken as they are.
func idKind(dest string) bool {
	switch dest {
	case "extension", "ext_vm", "group_vm", "ivr", "call_flow", "ring_group", "queue":
		return true
	}
	return false
}

func toNativeKey(ids YeastarIDs, kind, value string) (string, bool) {
	if ids == nil || value == "" {
		return value, true
	}
	return ids.NativeKey(kind, value)
}

func toYeastarValue(ids YeastarIDs, kind, key string) string {
	if ids == nil || key == "" {
		return key
	}
	return ids.YeastarValue(kind, key)
}

// FromYeastar maps a Yeastar ring group to a native one, starting from the
// defaults of SPEC §3 (config.NewRingGroup). Member and destination values
// are taken as ringd keys (see FromYeastarIDs). The FieldErrors name what
// cannot be mapped (an unknown strategy, member type or destination type,
// a flag other than 0/1), in Yeastar's terms; ranges and references are
// left to the native validation (see YeastarField for its paths).
func FromYeastar(y YeastarRingGroup) (config.RingGroup, []FieldError) {
	return FromYeastarIDs(y, nil)
}

// FromYeastarIDs is FromYeastar with Yeastar object IDs translated by ids.
func FromYeastarIDs(y YeastarRingGroup, ids YeastarIDs) (config.RingGroup, []FieldError) {
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }

	g := config.NewRingGroup()
	g.ID = y.ID
	g.Number = y.Number
	g.Name = y.Name
	switch s, ok := nativeStrategy(y.RingStrategy); {
	case y.RingStrategy == "":
		bad("ring_strategy", "required: ring_all, sequentially, memory_hunt or custom")
	case !ok:
		bad("ring_strategy", "must be ring_all, sequentially, memory_hunt or custom, got "+strconv.Quote(y.RingStrategy))
	default:
		g.Strategy = s
	}
	if y.RingTimeout != nil {
		g.RingTime = *y.RingTimeout
	}

	g.Members = make([]config.Member, 0, len(y.MemberList))
	for i, ym := range y.MemberList {
		at := "member_list[" + strconv.Itoa(i) + "]"
		if subs, ok := subOptionMembers(ym); ok {
			// Yeastar's custom format: one entry per delay/timeout set, its
			// extensions and groups in sub_option.
			for j, sub := range subs {
				g.Members = append(g.Members, fromYeastarMember(sub, at+".sub_option["+strconv.Itoa(j)+"]", ids, bad))
			}
			continue
		}
		g.Members = append(g.Members, fromYeastarMember(ym, at, ids, bad))
	}

	g.OnNoAnswer = fromYeastarDest(y.FailDest, y.FailDestPrefix, y.FailDestValue, "fail_dest", ids, bad)
	g.OnNoAgent = fromYeastarDest(y.NoAgentOnlineDest, y.NoAgentOnlineDestPrefix, y.NoAgentOnlineDestValue, "no_agent_online_dest", ids, bad)
	g.RecordMissed = fromYeastarFlag(y.EnbMissCall, "enb_miss_call", bad)
	g.JoinPrompt = y.JoinPrompt
	g.PlayFullJoinPrompt = fromYeastarFlag(y.PlayFullJoinPrompt, "play_full_join_prompt", bad)
	g.WelcomePrompt = y.WelcomePrompt
	g.MOH = y.MOH
	g.AlertInfo = y.AlertInfo
	g.ClientRingtone = y.ClientUniqueRingtone
	return g, errs
}

// fromYeastarDest maps one destination triple. Yeastar's destination
// names are ringd's (engine.ParseDestType); end_call, and no destination
// at all, become the zero Destination, which is end_call.
func fromYeastarDest(dest, prefix, value, field string, ids YeastarIDs, bad func(field, msg string)) config.Destination {
	if dest == "" || dest == "end_call" {
		return config.Destination{}
	}
	if _, ok := engine.ParseDestType(dest); !ok {
		bad(field, "unknown destination type "+strconv.Quote(dest)+
			" (end_call, extension, ext_vm, group_vm, ivr, call_flow, ring_group, queue, external_num or play_greeting)")
		return config.Destination{}
	}
	if idKind(dest) {
		key, ok := toNativeKey(ids, dest, value)
		if !ok {
			bad(field+"_value", "no "+dest+" with id "+strconv.Quote(value))
		}
		value = key
	}
	return config.Destination{Dest: dest, Value: value, Prefix: prefix}
}

func fromYeastarFlag(v int, field string, bad func(field, msg string)) bool {
	switch v {
	case 0:
		return false
	case 1:
		return true
	}
	bad(field, "must be 0 or 1, got "+strconv.Itoa(v))
	return false
}

// ToYeastar maps a native ring group to Yeastar's JSON, with id as its
// Yeastar id. Member and destination values are ringd's keys (see
// ToYeastarIDs). The strategy is YeastarStrategy's. A custom group's
// members are written in Yeastar's grouped format, one entry per
// (delay_time, timeout) pair, a timeout of 0 ("ring_time") as the group's
// ring_time; other strategies' in the flat format (see YeastarMember).
func ToYeastar(g config.RingGroup, id int64) YeastarRingGroup {
	return ToYeastarIDs(g, id, nil)
}

// ToYeastarIDs is ToYeastar with ringd's keys translated to Yeastar
// object IDs by ids.
func ToYeastarIDs(g config.RingGroup, id int64, ids YeastarIDs) YeastarRingGroup {
	custom := YeastarStrategy(g.Strategy) == YeastarCustom
	y := YeastarRingGroup{
		ID:                   id,
		Number:               g.Number,
		Name:                 g.Name,
		RingStrategy:         YeastarStrategy(g.Strategy),
		RingTimeout:          intp(g.RingTime),
		EnbMissCall:          yeastarFlag(g.RecordMissed),
		JoinPrompt:           g.JoinPrompt,
		PlayFullJoinPrompt:   yeastarFlag(g.PlayFullJoinPrompt),
		WelcomePrompt:        g.WelcomePrompt,
		MOH:                  g.MOH,
		AlertInfo:            g.AlertInfo,
		ClientUniqueRingtone: g.ClientRingtone,
	}
	if custom {
		y.MemberList = customMemberList(g.Members, g.RingTime, ids)
	} else {
		y.MemberList = flatMemberList(g.Members, ids)
	}
	y.FailDest, y.FailDestPrefix, y.FailDestValue = toYeastarDest(g.OnNoAnswer, ids)
	y.NoAgentOnlineDest, y.NoAgentOnlineDestPrefix, y.NoAgentOnlineDestValue = toYeastarDest(g.OnNoAgent, ids)
	return y
}

func toYeastarDest(d config.Destination, ids YeastarIDs) (dest, prefix, value string) {
	if d.Dest == "" {
		return "end_call", d.Prefix, d.Value
	}
	value = d.Value
	if idKind(d.Dest) {
		value = toYeastarValue(ids, d.Dest, d.Value)
	}
	return d.Dest, d.Prefix, value
}

func yeastarFlag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func intp(i int) *int { return &i }

// YeastarRingGroupInfo is one element of the "data" of ringgroup/list and
// ringgroup/search (Yeastar's Ring_Group_Info).
type YeastarRingGroupInfo struct {
	ID           int64  `json:"id"`
	Number       string `json:"number"`
	Name         string `json:"name"`
	RingStrategy string `json:"ring_strategy"`
	MemberCount  int    `json:"member_count"`
}

// ToYeastarInfo maps a native ring group to its list/search summary.
// member_count counts members (an extension group is one), not the
// entries of a custom group's grouped member_list.
func ToYeastarInfo(g config.RingGroup, id int64) YeastarRingGroupInfo {
	return YeastarRingGroupInfo{
		ID:           id,
		Number:       g.Number,
		Name:         g.Name,
		RingStrategy: YeastarStrategy(g.Strategy),
		MemberCount:  len(g.Members),
	}
}
