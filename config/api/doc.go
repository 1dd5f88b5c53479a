// Package api is ringd's admin HTTP API (SPEC §8): the native /api/v1
// resources, live views (calls, call records, registrations), the OpenAPI
// document, and the compatibility façades of the PBX products ringd
// replaces. Every change goes through live.Live (validate, persist, apply).
//
// It may import config, config/live, config/store, config/api/compat,
// engine and engine/cdr (call records and live-call views); it must not
// import sip or cmd: the running SIP side is reached through the Runtime
// interface cmd provides.
package api
