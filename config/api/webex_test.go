package api

import (
	"strings"
	"testing"
)

const webexBase = "/v1/telephony/config/workspaces/"

// webex calls the Webex façade with the test token as a Bearer header.
func (f *fixture) webex(method, path string, body any) (int, map[string]any) {
	f.t.Helper()
	code, ctype, out := f.send(method, webexBase+path, body, map[string][]string{"Authorization": {"Bearer " + testToken}})
	switch {
	case code >= 400 && ctype != "application/problem+json":
		f.t.Errorf("%s %s: %d with Content-Type %q, want application/problem+json", method, path, code, ctype)
	case code == 204 && out != nil:
		f.t.Errorf("%s %s: 204 with a body %v", method, path, out)
	}
	return code, out
}

// businessVacation is the schedule the Webex fixtures name.
func (f *fixture) businessVacation() {
	f.t.Helper()
	if code, p := f.do("POST", "/api/v1/schedules", map[string]any{"name": "Business Vacation", "type": "holidays",
		"timezone": "Europe/London", "dates": []any{"2026-12-24..2026-12-26"}}); code != 201 {
		f.t.Fatalf("schedule: %d %v", code, p)
	}
}

// The documented criterion bodies, through HTTP: create, get, modify,
// delete, and the same criterion through the native API.
func TestWebexCriterionFixtures(t *testing.T) {
	f := newFixture(t)
	f.businessVacation()

	code, created := f.webex("POST", "1001/sequentialRing/criteria", readBytes(t, "webex/criterion_create_request.json"))
	doc := readJSON(t, "webex/criterion_create_response.json")
	if code != 201 {
		t.Fatalf("create: %d %v", code, created)
	}
	id, _ := created["id"].(string) // a string, as in the doc
	want := cloneJSON(doc)
	want["id"] = "1" // ringd's id, not Webex's opaque one
	sameJSON(t, "create answer", created, want)

	code, got := f.webex("GET", "1001/sequentialRing/criteria/"+id, nil)
	want = readJSON(t, "webex/criterion_get_response.json")
	want["id"] = id
	if code != 200 {
		t.Fatalf("get: %d %v", code, got)
	}
	sameJSON(t, "get", got, want)

	// The same criterion through the native API, in ringd's names.
	code, native := f.do("GET", "/api/v1/extensions/1001/sequential_ring/criteria/"+id, nil)
	if code != 200 {
		t.Fatalf("native get: %d", code)
	}
	sameJSON(t, "native", native, map[string]any{"id": 1.0, "extension": "1001", "schedule_name": "Business Vacation",
		"schedule_type": "holidays", "schedule_level": "GROUP", "calls_from": "SELECT_PHONE_NUMBERS",
		"anonymous_callers_enabled": true, "unavailable_callers_enabled": false,
		"phone_numbers": []any{"+442071838750", "+442071839751"}, "ring_enabled": true})

	// The documented PUT body replaces another criterion's values.
	code, c2 := f.webex("POST", "1001/sequentialRing/criteria", map[string]any{"callsFrom": "ANY_PHONE_NUMBER", "ringEnabled": false})
	if code != 201 || c2["id"] != "2" {
		t.Fatalf("second criterion: %d %v", code, c2)
	}
	if code, _ := f.webex("PUT", "1001/sequentialRing/criteria/2", readBytes(t, "webex/criterion_put_request.json")); code != 204 {
		t.Fatalf("put: %d", code)
	}
	_, got = f.webex("GET", "1001/sequentialRing/criteria/2", nil)
	want = readJSON(t, "webex/criterion_put_request.json")
	want["id"] = "2"
	sameJSON(t, "get after put", got, want)
	// A partial PUT keeps the rest.
	if code, _ := f.webex("PUT", "1001/sequentialRing/criteria/2", map[string]any{"ringEnabled": false}); code != 204 {
		t.Fatalf("partial put: %d", code)
	}
	_, got = f.webex("GET", "1001/sequentialRing/criteria/2", nil)
	want["ringEnabled"] = false
	sameJSON(t, "get after partial put", got, want)

	code, l := f.webex("GET", "1001/sequentialRing/criteria", nil)
	if items, _ := l["criteria"].([]any); code != 200 || len(items) != 2 {
		t.Errorf("list: %d %v", code, l)
	}
	if code, _ := f.webex("DELETE", "1001/sequentialRing/criteria/2", nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code, _ := f.webex("GET", "1001/sequentialRing/criteria/2", nil); code != 404 {
		t.Errorf("get after delete: %d", code)
	}
	if code, _ := f.webex("DELETE", "1001/sequentialRing/criteria/2", nil); code != 404 {
		t.Errorf("delete again: %d", code)
	}
	if code, _ := f.do("GET", "/api/v1/extensions/1001/sequential_ring/criteria/2", nil); code != 404 {
		t.Errorf("native get after delete: %d", code)
	}
}

// The documented settings bodies: PUT, then GET answers the doc's
// example except where ringd has no equivalent (compat's README).
func TestWebexSequentialRingFixtures(t *testing.T) {
	f := newFixture(t)
	f.businessVacation()
	code, defaults := f.webex("GET", "1002/sequentialRing", nil)
	sameJSON(t, "defaults", defaults, map[string]any{"enabled": false, "ringBaseLocationFirstEnabled": false,
		"baseLocationNumberOfRings": 0.0, "continueIfBaseLocationIsBusyEnabled": false, "callsToVoicemailEnabled": false,
		"phoneNumbers": []any{}})
	if code != 200 {
		t.Fatalf("get defaults: %d", code)
	}
	if code, _ := f.webex("PUT", "1002/sequentialRing", readBytes(t, "webex/sequential_ring_put_request.json")); code != 204 {
		t.Fatalf("put: %d", code)
	}
	// The doc's example shows one criterion for all numbers.
	if code, c := f.webex("POST", "1002/sequentialRing/criteria", map[string]any{"scheduleName": "Business Vacation",
		"scheduleType": "holidays", "callsFrom": "ANY_PHONE_NUMBER", "ringEnabled": true}); code != 201 {
		t.Fatalf("criterion: %d %v", code, c)
	}
	code, got := f.webex("GET", "1002/sequentialRing", nil)
	if code != 200 {
		t.Fatalf("get: %d %v", code, got)
	}
	want := readJSON(t, "webex/sequential_ring_get_response.json")
	want["baseLocationNumberOfRings"] = 2.0             // a number, as Webex's schema says (the example has "2")
	want["continueIfBaseLocationIsBusyEnabled"] = false // no ringd equivalent
	want["callsToVoicemailEnabled"] = false             // no ringd equivalent
	want["phoneNumbers"].([]any)[0].(map[string]any)["answerConfirmationRequiredEnabled"] = false
	want["criteria"].([]any)[0].(map[string]any)["id"] = "1" // ringd's id
	sameJSON(t, "get", got, want)

	// In ringd's terms: rings are 6 s each.
	_, native := f.do("GET", "/api/v1/extensions/1002/sequential_ring", nil)
	sameJSON(t, "native", native, map[string]any{"id": 1.0, "extension": "1002", "enabled": true, "ring_base_first": true,
		"base_ring_time": 12.0, "numbers": []any{map[string]any{"number": "+442071838750", "ring_time": 18.0}}})

	// A partial PUT keeps the rest; PUT of the GET answer changes nothing.
	if code, _ := f.webex("PUT", "1002/sequentialRing", map[string]any{"enabled": false}); code != 204 {
		t.Fatalf("partial put: %d", code)
	}
	_, native = f.do("GET", "/api/v1/extensions/1002/sequential_ring", nil)
	if native["enabled"] != false || native["base_ring_time"] != 12.0 || len(native["numbers"].([]any)) != 1 {
		t.Errorf("after a partial put: %v", native)
	}
	_, before := f.webex("GET", "1002/sequentialRing", nil)
	if code, _ := f.webex("PUT", "1002/sequentialRing", before); code != 204 {
		t.Fatalf("put back: %d", code)
	}
	_, after := f.webex("GET", "1002/sequentialRing", nil)
	sameJSON(t, "put back", after, before)
}

func TestWebexErrors(t *testing.T) {
	f := newFixture(t)
	if code, _ := f.webex("POST", "1001/sequentialRing/criteria", map[string]any{"callsFrom": "ANY_PHONE_NUMBER", "ringEnabled": true}); code != 201 {
		t.Fatalf("criterion: %d", code)
	}
	cases := []struct {
		name, method, path string
		body               any
		status             int
		fields             []string
	}{
		{"unknown workspace settings", "GET", "9999/sequentialRing", nil, 404, nil},
		{"unknown workspace put", "PUT", "9999/sequentialRing", map[string]any{"enabled": true}, 404, nil},
		{"unknown workspace criteria", "GET", "9999/sequentialRing/criteria", nil, 404, nil},
		{"unknown workspace create", "POST", "9999/sequentialRing/criteria", map[string]any{"callsFrom": "ANY_PHONE_NUMBER", "ringEnabled": true}, 404, nil},
		{"unknown workspace criterion", "GET", "9999/sequentialRing/criteria/1", nil, 404, nil},
		{"another workspace's criterion", "GET", "1002/sequentialRing/criteria/1", nil, 404, nil},
		{"unknown criterion", "GET", "1001/sequentialRing/criteria/99", nil, 404, nil},
		{"unknown criterion put", "PUT", "1001/sequentialRing/criteria/99", map[string]any{"ringEnabled": true}, 404, nil},
		{"unknown criterion delete", "DELETE", "1001/sequentialRing/criteria/99", nil, 404, nil},
		{"malformed", "POST", "1001/sequentialRing/criteria", `{"ringEnabled": true,`, 400, nil},
		{"not an object", "PUT", "1001/sequentialRing", `[]`, 400, nil},
		{"empty", "PUT", "1001/sequentialRing/criteria/1", ``, 400, nil},
		{"unknown field", "POST", "1001/sequentialRing/criteria", `{"ringEnabled":true,"colour":"red"}`, 400, []string{"colour"}},
		{"wrong type", "POST", "1001/sequentialRing/criteria", `{"ringEnabled":"yes"}`, 400, []string{"ringEnabled"}},
		{"wrong type of rings", "PUT", "1001/sequentialRing", `{"baseLocationNumberOfRings":"two"}`, 400, []string{"baseLocationNumberOfRings"}},
		{"wrong nested type", "PUT", "1001/sequentialRing", `{"phoneNumbers":[{"phoneNumber":1}]}`, 400, []string{"phoneNumbers.phoneNumber"}},
		{"too large", "POST", "1001/sequentialRing/criteria", `{"scheduleName":"` + strings.Repeat("x", maxBody) + `"}`, 413, nil},
		{"criterion values", "POST", "1001/sequentialRing/criteria", map[string]any{"callsFrom": "FRIENDS", "scheduleType": "weekly"}, 422,
			[]string{"scheduleType", "callsFrom", "ringEnabled"}},
		{"criterion checks", "POST", "1001/sequentialRing/criteria", map[string]any{"callsFrom": "SELECT_PHONE_NUMBERS", "ringEnabled": true,
			"scheduleName": "Nowhere"}, 422, []string{"phoneNumbers", "scheduleName"}},
		{"criterion without callsFrom", "POST", "1001/sequentialRing/criteria", map[string]any{"ringEnabled": true}, 422, []string{"callsFrom"}},
		{"criterion phone number", "PUT", "1001/sequentialRing/criteria/1", map[string]any{"callsFrom": "SELECT_PHONE_NUMBERS",
			"phoneNumbers": []any{"+1555", "call me"}}, 422, []string{"phoneNumbers[1]"}},
		{"settings values", "PUT", "1001/sequentialRing", map[string]any{"baseLocationNumberOfRings": 21,
			"phoneNumbers": []any{map[string]any{"phoneNumber": ""}}}, 422,
			[]string{"baseLocationNumberOfRings", "phoneNumbers[0].phoneNumber", "phoneNumbers[0].numberOfRings"}},
		{"settings checks", "PUT", "1001/sequentialRing", map[string]any{"phoneNumbers": []any{
			map[string]any{"phoneNumber": "12ab", "numberOfRings": 3}, map[string]any{"phoneNumber": "1002", "numberOfRings": 0},
			map[string]any{"phoneNumber": "1003", "numberOfRings": 101}}}, 422,
			[]string{"phoneNumbers[0].phoneNumber", "phoneNumbers[1].numberOfRings", "phoneNumbers[2].numberOfRings"}},
		{"six numbers", "PUT", "1001/sequentialRing", map[string]any{"phoneNumbers": []any{
			map[string]any{"phoneNumber": "+3312345671", "numberOfRings": 2}, map[string]any{"phoneNumber": "+3312345672", "numberOfRings": 2},
			map[string]any{"phoneNumber": "+3312345673", "numberOfRings": 2}, map[string]any{"phoneNumber": "+3312345674", "numberOfRings": 2},
			map[string]any{"phoneNumber": "+3312345675", "numberOfRings": 2}, map[string]any{"phoneNumber": "+3312345676", "numberOfRings": 2}}}, 422,
			[]string{"phoneNumbers"}},
	}
	for _, c := range cases {
		code, p := f.webex(c.method, c.path, c.body)
		if code != c.status || p["status"] != float64(c.status) {
			t.Errorf("%s: %d %v, want %d", c.name, code, p, c.status)
			continue
		}
		got := fields(p)
		if c.fields != nil && strings.Join(got, " ") != strings.Join(c.fields, " ") {
			t.Errorf("%s: fields %q, want %q (%v)", c.name, got, c.fields, p)
		}
		for _, fld := range got {
			if strings.Contains(fld, "_") {
				t.Errorf("%s: field %q is named in ringd's terms", c.name, fld)
			}
		}
	}
	// Ring counts are explained in rings.
	_, p := f.webex("PUT", "1001/sequentialRing", map[string]any{"phoneNumbers": []any{map[string]any{"phoneNumber": "1002", "numberOfRings": 0}}})
	if msg := p["errors"].([]any)[0].(map[string]any)["message"].(string); !strings.Contains(msg, "one ring is 6 s") {
		t.Errorf("numberOfRings message %q", msg)
	}
	// Webex clients read the status: no token is the API's 401.
	if code, ctype, _ := f.send("GET", webexBase+"1001/sequentialRing", nil, nil); code != 401 || ctype != "application/problem+json" {
		t.Errorf("no token: %d %s", code, ctype)
	}
	// Nothing changed along the way.
	_, l := f.webex("GET", "1001/sequentialRing/criteria", nil)
	if items := l["criteria"].([]any); len(items) != 1 || items[0].(map[string]any)["callsFrom"] != "ANY_PHONE_NUMBER" {
		t.Errorf("refused changes left %v", l)
	}
	if _, sr := f.webex("GET", "1001/sequentialRing", nil); len(sr["phoneNumbers"].([]any)) != 0 {
		t.Errorf("refused settings stored: %v", sr)
	}
}
