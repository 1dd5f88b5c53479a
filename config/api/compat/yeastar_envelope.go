package compat

import "strings"

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
