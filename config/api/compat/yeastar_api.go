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
// What Yeastar cannot express is kept from existing: skip_busy, pai, rpid,
// to_extension, cid_name_prefix, answered_elsewhere, repeats, wrap_up,
// reject_cooldown, schedule and
// out_of_schedule; a strategy Yeastar shows as
// its closest one (YeastarStrategy), as long as the client sends back the
// ring_strategy it was shown; and a member's skill_level, for members
// still in the list (matched by extension or extension group, in order).
func YeastarUpdate(existing config.RingGroup, body []byte, ids YeastarIDs) (config.RingGroup, []FieldError) {
	y := ToYeastarIDs(existing, existing.ID, ids)
	shown := y.RingStrategy
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
	used := make([]bool, len(existing.Members))
	for i := range g.Members {
		m := &g.Members[i]
		for j, old := range existing.Members {
			if !used[j] && old.Extension == m.Extension && old.ExtGroup == m.ExtGroup {
				used[j] = true
				m.SkillLevel = old.SkillLevel
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

// The Yeastar envelope. Every answer of the Open API is a JSON object with
// errcode (0 on success) and errmsg ("SUCCESS" on success), the rest of
// the answer beside them: {"errcode":0,"errmsg":"SUCCESS","data":{...}}.

// YeastarOK is a success answer with the keys of extra beside errcode 0
// and errmsg "SUCCESS" (extra cannot override those two).
func YeastarOK(extra map[string]any) map[string]any {
	m := make(map[string]any, len(extra)+2)
	for k, v := range extra {
		m[k] = v
	}
	m["errcode"] = YeastarCodeSuccess
	m["errmsg"] = "SUCCESS"
	return m
}

// YeastarError is a failure answer: errcode code and errmsg msg (the
// default message of code when msg is empty, "FAILURE" for a code ringd
// does not know).
func YeastarError(code int, msg string) map[string]any {
	if msg == "" {
		msg = YeastarMessage(code)
	}
	return map[string]any{"errcode": code, "errmsg": msg}
}

// YeastarFieldErrors is the failure answer for bad fields: errcode
// YeastarCodeInvalidParameter (YeastarCodeMissingParameter when every
// problem is a missing field), errmsg naming the first field, and every
// problem under "errors" as [{field, message}] (a ringd addition; Yeastar
// clients read errcode and errmsg).
func YeastarFieldErrors(errs []FieldError) map[string]any {
	code := YeastarCodeMissingParameter
	for _, e := range errs {
		if !strings.HasPrefix(e.Message, "required") {
			code = YeastarCodeInvalidParameter
		}
	}
	msg := YeastarMessage(code)
	if len(errs) > 0 {
		if errs[0].Field != "" {
			msg += ": " + errs[0].Field
		}
		msg += ": " + errs[0].Message
	}
	m := YeastarError(code, msg)
	m["errors"] = errs
	return m
}

// The errcodes ringd answers with. Yeastar documents that errcode is 0 on
// success and non-zero on failure, with errmsg "SUCCESS" / "FAILURE", and
// lists its codes on a page ("Error Code and Error Message") that was not
// available when this was written (testdata/yeastar/README.md): the
// non-zero numbers and messages below are ringd's own, chosen to be
// stable. Replace them with Yeastar's where they are confirmed.
const (
	YeastarCodeSuccess = 0 // documented by Yeastar: errcode 0, errmsg "SUCCESS"

	// get_token: unknown username or wrong password (HTTP users of SPEC §6).
	YeastarCodeAuthFailed = 10001
	// access_token missing, unknown or expired (on every endpoint but get_token).
	YeastarCodeInvalidToken = 10002
	// A required parameter is absent: id, ids, number, name, ring_strategy, member_list...
	YeastarCodeMissingParameter = 20001
	// A parameter has a wrong value or type, or the group fails validation.
	YeastarCodeInvalidParameter = 20002
	// The body is not one JSON object, or is larger than 1 MiB.
	YeastarCodeMalformedBody = 20003
	// No ring group with that id (get, update, delete, and query for any of its ids).
	YeastarCodeNotFound = 30001
	// The number is already used by another ring group or an extension.
	YeastarCodeDuplicateNumber = 30002
	// The group is still the failover destination of another group.
	YeastarCodeInUse = 30003
	// Anything that is ringd's fault, never bad input (store failure).
	YeastarCodeInternal = 90001
)

var yeastarMessages = map[int]string{
	YeastarCodeSuccess:          "SUCCESS",
	YeastarCodeAuthFailed:       "AUTHENTICATION FAILED",
	YeastarCodeInvalidToken:     "INVALID OR EXPIRED ACCESS TOKEN",
	YeastarCodeMissingParameter: "MISSING PARAMETER",
	YeastarCodeInvalidParameter: "INVALID PARAMETER",
	YeastarCodeMalformedBody:    "MALFORMED REQUEST BODY",
	YeastarCodeNotFound:         "RING GROUP NOT FOUND",
	YeastarCodeDuplicateNumber:  "DUPLICATE NUMBER",
	YeastarCodeInUse:            "RING GROUP IN USE",
	YeastarCodeInternal:         "INTERNAL ERROR",
}

// YeastarMessage is the default errmsg of an errcode ("FAILURE", Yeastar's
// generic failure message, for codes ringd does not define).
func YeastarMessage(code int) string {
	if m, ok := yeastarMessages[code]; ok {
		return m
	}
	return "FAILURE"
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
