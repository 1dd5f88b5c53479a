package compat

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
)

// DecodeYeastarCreate decodes the body of ringgroup/create into a native
// ring group: strict JSON (unknown keys are FieldErrors), then
// FromYeastarIDs. A body "id" is ignored: the store assigns ids.
func DecodeYeastarCreate(body []byte, ids YeastarIDs) (config.RingGroup, []FieldError) {
	var y YeastarRingGroup
	if errs := decodeOnto(yeastarNumbers(body), &y, nil); errs != nil {
		return config.RingGroup{}, errs
	}
	y.ID = 0
	return FromYeastarIDs(y, ids)
}

// YeastarUpdate applies the body of ringgroup/update to the stored group
// existing. Yeastar updates are partial: the body is laid over what a
// client would have got from ringgroup/get (ToYeastarIDs), so absent keys
// keep their values, and member_list, when present, replaces the list.
// The body's "id" is the caller's to look up existing with; the result
// keeps existing.ID.
//
// A member_list that reads as the one the client was shown (absent, or
// sent back unchanged in either format) keeps the stored members as they
// are: their order (a custom group's answer lists members grouped by
// delay and timeout), a timeout of 0 ("ring_time", shown as the ring
// time), skill levels and weights.
//
// What Yeastar cannot express is kept from existing: skip_busy, pai, rpid,
// to_extension, cid_name_prefix, answered_elsewhere, repeats, wrap_up,
// reject_cooldown, schedule and out_of_schedule; a strategy Yeastar shows
// as its closest one (YeastarStrategy), as long as the client sends back
// the ring_strategy it was shown; and a member's skill_level and weight,
// for members still in a changed list (matched by extension or extension
// group, in order).
func YeastarUpdate(existing config.RingGroup, body []byte, ids YeastarIDs) (config.RingGroup, []FieldError) {
	y := ToYeastarIDs(existing, existing.ID, ids)
	shown := y.RingStrategy
	shownGroup, _ := FromYeastarIDs(y, ids)
	if errs := decodeOnto(yeastarNumbers(body), &y, map[string]func(){"member_list": func() { y.MemberList = nil }}); errs != nil {
		return existing, errs
	}
	g, errs := FromYeastarIDs(y, ids)
	g.ID = existing.ID
	g.SkipBusy = existing.SkipBusy
	g.PAI = existing.PAI
	g.RPID = existing.RPID
	g.ToExtension = existing.ToExtension
	g.CIDNamePrefix = existing.CIDNamePrefix
	g.AnsweredElsewhere = existing.AnsweredElsewhere
	g.Repeats = existing.Repeats
	g.WrapUp = existing.WrapUp
	g.RejectCooldown = existing.RejectCooldown
	g.Schedule = existing.Schedule
	g.OutOfSchedule = existing.OutOfSchedule
	if y.RingStrategy == shown {
		g.Strategy = existing.Strategy
	}
	if slices.Equal(g.Members, shownGroup.Members) {
		g.Members = slices.Clone(existing.Members)
		return g, errs
	}
	used := make([]bool, len(existing.Members))
	for i := range g.Members {
		m := &g.Members[i]
		for j, old := range existing.Members {
			if !used[j] && old.Extension == m.Extension && old.ExtGroup == m.ExtGroup {
				used[j] = true
				m.SkillLevel, m.Weight = old.SkillLevel, old.Weight
				break
			}
		}
	}
	return g, errs
}

// YeastarField translates the path of a native validation problem about a
// ring group ("ring_time", "members[1].delay", "ring_groups[0].on_no_answer.value")
// into the Yeastar field it came from ("ring_timeout",
// "member_list[1].delay_time", "fail_dest_value"), so that errors name the
// client's own fields. A leading "ring_groups[N]." is dropped. Native
// fields Yeastar has no word for keep their native names.
func YeastarField(nativePath string) string {
	p := nativePath
	if rest, ok := strings.CutPrefix(p, "ring_groups["); ok {
		if _, after, ok := strings.Cut(rest, "]."); ok {
			p = after
		}
	}
	if rest, ok := strings.CutPrefix(p, "members["); ok {
		idx, field, _ := strings.Cut(rest, "]")
		field = strings.TrimPrefix(field, ".")
		at := "member_list[" + idx + "]"
		switch field {
		case "":
			return at
		case "extension", "ext_group":
			return at + ".value"
		case "delay":
			return at + ".delay_time"
		default: // timeout, and skill_level, which Yeastar lacks
			return at + "." + field
		}
	}
	for native, y := range map[string]string{"on_no_answer": "fail_dest", "on_no_agent": "no_agent_online_dest"} {
		if rest, ok := strings.CutPrefix(p, native); ok {
			switch rest {
			case "", ".dest":
				return y
			case ".value":
				return y + "_value"
			case ".prefix":
				return y + "_prefix"
			}
		}
	}
	switch p {
	case "members":
		return "member_list"
	case "strategy":
		return "ring_strategy"
	case "ring_time":
		return "ring_timeout"
	case "record_missed":
		return "enb_miss_call"
	case "client_ringtone":
		return "client_unique_ringtone"
	}
	return p
}

// YeastarTokenRequest is the body of POST /openapi/v1.0/get_token: the
// Client ID and Client Secret, which ringd checks against http.users.
type YeastarTokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// DecodeYeastarTokenRequest decodes and checks a get_token body.
func DecodeYeastarTokenRequest(body []byte) (YeastarTokenRequest, []FieldError) {
	var r YeastarTokenRequest
	if errs := decodeOnto(body, &r, nil); errs != nil {
		return r, errs
	}
	var errs []FieldError
	if r.Username == "" {
		errs = append(errs, FieldError{Field: "username", Message: "required"})
	}
	if r.Password == "" {
		errs = append(errs, FieldError{Field: "password", Message: "required"})
	}
	return r, errs
}

// YeastarToken is the success answer of get_token (and refresh_token):
// lifetimes in seconds, as Yeastar documents them (1800 s for the access
// token in its example).
func YeastarToken(accessToken string, accessTTL int, refreshToken string, refreshTTL int) map[string]any {
	return YeastarOK(map[string]any{
		"access_token_expire_time":  accessTTL,
		"access_token":              accessToken,
		"refresh_token_expire_time": refreshTTL,
		"refresh_token":             refreshToken,
	})
}

// YeastarListParams are the query parameters of ringgroup/list and
// ringgroup/search. Zero values mean absent.
type YeastarListParams struct {
	Page        int    // page, from 1
	PageSize    int    // page_size
	SortBy      string // sort_by: id, number, name or ring_strategy (search only in Yeastar's docs)
	OrderBy     string // order_by: asc or desc
	SearchValue string // search_value: keyword (search)
}

var yeastarSortFields = map[string]string{"id": "id", "number": "number", "name": "name", "ring_strategy": "strategy"}

// ParseYeastarListParams reads and checks the list/search parameters.
// Other parameters (access_token among them) are not looked at.
func ParseYeastarListParams(q url.Values) (YeastarListParams, []FieldError) {
	var p YeastarListParams
	var errs []FieldError
	posInt := func(name string) int {
		s := q.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			errs = append(errs, FieldError{Field: name, Message: "must be a whole number from 1, got " + strconv.Quote(s)})
			return 0
		}
		return n
	}
	p.Page = posInt("page")
	p.PageSize = posInt("page_size")
	if p.SortBy = q.Get("sort_by"); p.SortBy != "" {
		if _, ok := yeastarSortFields[p.SortBy]; !ok {
			errs = append(errs, FieldError{Field: "sort_by", Message: "must be id, number, name or ring_strategy, got " + strconv.Quote(p.SortBy)})
		}
	}
	if p.OrderBy = q.Get("order_by"); p.OrderBy != "" && p.OrderBy != "asc" && p.OrderBy != "desc" {
		errs = append(errs, FieldError{Field: "order_by", Message: "must be asc or desc, got " + strconv.Quote(p.OrderBy)})
	}
	p.SearchValue = q.Get("search_value")
	return p, errs
}

// NativeSortField is the native field that sort_by names ("ring_strategy"
// is "strategy"); "" when sort_by is absent or unknown.
func (p YeastarListParams) NativeSortField() string { return yeastarSortFields[p.SortBy] }

// ParseYeastarIDs reads the ids parameter of ringgroup/query: ids
// separated by commas ("1,2"), each a whole number from 1, duplicates
// dropped, order kept.
func ParseYeastarIDs(s string) ([]int64, []FieldError) {
	if strings.TrimSpace(s) == "" {
		return nil, []FieldError{{Field: "ids", Message: "required: ids separated by commas, like 1,2"}}
	}
	var out []int64
	for part := range strings.SplitSeq(s, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || id < 1 {
			return nil, []FieldError{{Field: "ids", Message: "must be ids separated by commas, like 1,2, got " + strconv.Quote(s)}}
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// ParseYeastarID reads the id parameter of ringgroup/get and
// ringgroup/delete (and the "id" of an update body's lookup).
func ParseYeastarID(s string) (int64, []FieldError) {
	if s == "" {
		return 0, []FieldError{{Field: "id", Message: "required"}}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, []FieldError{{Field: "id", Message: "must be a whole number from 1, got " + strconv.Quote(s)}}
	}
	return id, nil
}
