package compat

import "testing"

func TestYeastarEnvelope(t *testing.T) {
	ok := asMap(t, YeastarOK(map[string]any{"id": 5, "errcode": 99}))
	sameKeys(t, "ok", ok, map[string]any{"errcode": 0.0, "errmsg": "SUCCESS", "id": 5.0})
	sameKeys(t, "error", asMap(t, YeastarError(YeastarCodeInvalidToken, "")),
		map[string]any{"errcode": float64(YeastarCodeInvalidToken), "errmsg": "INVALID OR EXPIRED ACCESS TOKEN"})
	check(t, "unknown code", YeastarMessage(4242), "FAILURE")
	codes := []int{YeastarCodeAuthFailed, YeastarCodeInvalidToken, YeastarCodeMissingParameter, YeastarCodeInvalidParameter,
		YeastarCodeMalformedBody, YeastarCodeNotFound, YeastarCodeDuplicateNumber, YeastarCodeInUse, YeastarCodeInternal}
	seen := map[int]bool{}
	for _, c := range codes {
		if c == 0 || seen[c] || YeastarMessage(c) == "FAILURE" {
			t.Errorf("code %d: zero, duplicate or without a message", c)
		}
		seen[c] = true
	}

	fe := YeastarFieldErrors([]FieldError{{Field: "ring_timeout", Message: "must be 1-600"}, {Field: "name", Message: "required"}})
	check(t, "errcode", fe["errcode"], any(YeastarCodeInvalidParameter))
	check(t, "errmsg", fe["errmsg"], any("INVALID PARAMETER: ring_timeout: must be 1-600"))
	fe = YeastarFieldErrors([]FieldError{{Field: "name", Message: "required"}})
	check(t, "errcode (missing)", fe["errcode"], any(YeastarCodeMissingParameter))
}
