// Package compat owns the mappings between the dialects of the PBX
// products ringd replaces and ringd's native objects (config.RingGroup,
// config.SequentialRing, config.Criterion), so that clients written for
// those products work unchanged against ringd's admin API (SPEC §8,
// "compatibility façades"):
//
//   - Yeastar P-Series Open API ring groups (yeastar*.go): the JSON of
//     /openapi/v1.0/ringgroup/{list,search,get,query,create,update,delete}
//     and /openapi/v1.0/get_token, the {"errcode":0,"errmsg":"SUCCESS",...}
//     envelope and its error codes, the list/search query parameters.
//   - Webex Calling workspace sequential ring (webex*.go): the camelCase
//     JSON of /v1/telephony/config/workspaces/{id}/sequentialRing and
//     .../sequentialRing/criteria[/{id}].
//
// Everything here is pure data mapping: no HTTP, no store, no I/O. The
// handlers in config/api decode a request body with the Decode*/…Update
// functions, validate and store the native object as usual, and render
// the answer with the To* functions and the envelope helpers. Mapping
// problems are reported as FieldError, always named in the client's
// dialect (Yeastar's snake_case names, Webex's camelCase names), never in
// ringd's; YeastarField (and, naming members by their place in a request
// body, YeastarBodyField) translates the paths of native validation
// problems the same way.
//
// Imports: compat may import config, engine and strategy (for the model
// and the names it maps) and the standard library. It must never import
// sip, cmd, config/store or config/api (the HTTP layer imports compat,
// not the other way round); the import rules of cmd/ringd/imports_test.go
// enforce it.
//
// What each field maps to, and what could not be confirmed against the
// vendors' documentation, is written next to each type and in
// testdata/*/README.md.
package compat

// FieldError names one field of a request in the client's dialect
// ("ring_strategy", "member_list[1].type", "ringEnabled") and what is wrong
// with it. Its JSON shape is the one of the native API's problem documents.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }
