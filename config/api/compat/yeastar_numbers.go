package compat

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Yeastar's integer keys. Its own examples write some of them as JSON
// strings ("ring_timeout": "20"), so a string of digits is read as the
// number it holds (SPEC §11); output writes numbers.
var (
	yeastarGroupInts  = []string{"id", "ring_timeout", "enb_miss_call", "play_full_join_prompt"}
	yeastarMemberInts = []string{"delay_time", "timeout"}
)

// yeastarNumbers rewrites the integer keys of a ring-group body (and of
// its member_list entries) that hold a string of digits as numbers; the
// rest, and a body that is not a JSON object, is left as it is for the
// strict decoding to judge.
func yeastarNumbers(body []byte) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || obj == nil {
		return body
	}
	changed := unquoteInts(obj, yeastarGroupInts)
	var members []map[string]json.RawMessage
	if raw, ok := obj["member_list"]; ok && json.Unmarshal(raw, &members) == nil {
		moved := false
		for _, m := range members {
			if m != nil && unquoteInts(m, yeastarMemberInts) {
				moved = true
			}
		}
		if moved {
			obj["member_list"], _ = json.Marshal(members)
			changed = true
		}
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return out
}

// unquoteInts turns the keys of obj that hold a JSON string of an integer
// into that number; it reports whether it changed any.
func unquoteInts(obj map[string]json.RawMessage, keys []string) bool {
	changed := false
	for _, k := range keys {
		raw, ok := obj[k]
		if !ok || len(bytes.TrimSpace(raw)) == 0 || bytes.TrimSpace(raw)[0] != '"' {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			continue
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			obj[k] = json.RawMessage(strconv.FormatInt(n, 10))
			changed = true
		}
	}
	return changed
}
