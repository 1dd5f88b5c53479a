package compat

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/ringd/ringd/config"
)

func boolp(b bool) *bool { return &b }

// The documented creation body, field by field, and rendered back.
func TestWebexDocCriterionCreate(t *testing.T) {
	body := readFixture(t, "webex/criterion_create_request.json")
	c, errs := DecodeWebexCriterion(body, "1001")
	noErrors(t, errs)
	check(t, "Extension", c.Extension, "1001")
	check(t, "ID", c.ID, 0)
	check(t, "ScheduleName", c.ScheduleName, "Business Vacation")
	check(t, "ScheduleType", c.ScheduleType, "holidays")
	check(t, "ScheduleLevel", c.ScheduleLevel, "GROUP")
	check(t, "CallsFrom", c.CallsFrom, "SELECT_PHONE_NUMBERS")
	check(t, "AnonymousCallersEnabled", c.AnonymousCallersEnabled, true)
	check(t, "UnavailableCallersEnabled", c.UnavailableCallersEnabled, false)
	if !slices.Equal(c.PhoneNumbers, []string{"+442071838750", "+442071839751"}) {
		t.Errorf("PhoneNumbers = %q", c.PhoneNumbers)
	}
	if c.RingEnabled == nil || !*c.RingEnabled {
		t.Errorf("RingEnabled = %v, want true", c.RingEnabled)
	}

	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatal(err)
	}
	sameKeys(t, "create body", asMap(t, ToWebexCriterion(c)), in)

	// The 201 answer carries the new id, as a string.
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(readFixture(t, "webex/criterion_create_response.json"), &created); err != nil || created.ID == "" {
		t.Fatalf("create response: %v %+v", err, created)
	}
	c.ID = 17
	check(t, "id", ToWebexCriterion(c).ID, "17")
}

// The documented GET answer: mapped in (the body id is ignored, it is
// Webex's opaque id) and rendered back with ringd's id.
func TestWebexDocCriterionGet(t *testing.T) {
	body := readFixture(t, "webex/criterion_get_response.json")
	c, errs := DecodeWebexCriterion(body, "1001")
	noErrors(t, errs)
	check(t, "ID", c.ID, 0)
	check(t, "ScheduleType", c.ScheduleType, "holidays")
	c.ID = 3
	out := asMap(t, ToWebexCriterion(c))
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatal(err)
	}
	in["id"] = "3"
	sameKeys(t, "get answer", out, in)
}

// The documented PUT body applied to a stored criterion.
func TestWebexDocCriterionPut(t *testing.T) {
	existing := config.Criterion{ID: 4, Extension: "1001", ScheduleName: "office", ScheduleType: "business_hours",
		ScheduleLevel: "GROUP", CallsFrom: "ANY_PHONE_NUMBER", PhoneNumbers: []string{"+1"}, RingEnabled: boolp(false)}
	c, errs := WebexCriterionUpdate(existing, readFixture(t, "webex/criterion_put_request.json"))
	noErrors(t, errs)
	want := config.Criterion{ID: 4, Extension: "1001", ScheduleName: "Business Vacation", ScheduleType: "holidays",
		ScheduleLevel: "GROUP", CallsFrom: "SELECT_PHONE_NUMBERS", AnonymousCallersEnabled: true,
		PhoneNumbers: []string{"+442071838750", "+442071839751"}, RingEnabled: boolp(true)}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("update:\n got %+v\nwant %+v", c, want)
	}

	// A partial PUT keeps the rest.
	c, errs = WebexCriterionUpdate(existing, []byte(`{"ringEnabled":true}`))
	noErrors(t, errs)
	want = existing
	want.RingEnabled = boolp(true)
	if !reflect.DeepEqual(c, want) {
		t.Errorf("partial update:\n got %+v\nwant %+v", c, want)
	}
}

func TestWebexCriterionRoundTrip(t *testing.T) {
	for _, c := range []config.Criterion{
		{ID: 1, Extension: "1001", ScheduleName: "office", ScheduleType: "business_hours", ScheduleLevel: "GROUP",
			CallsFrom: "ANY_PHONE_NUMBER", RingEnabled: boolp(false)},
		{ID: 2, Extension: "1001", CallsFrom: "SELECT_PHONE_NUMBERS", AnonymousCallersEnabled: true,
			UnavailableCallersEnabled: true, PhoneNumbers: []string{"+15550100"}, RingEnabled: boolp(true)},
	} {
		b, err := json.Marshal(ToWebexCriterion(c))
		if err != nil {
			t.Fatal(err)
		}
		got, errs := DecodeWebexCriterion(b, c.Extension)
		noErrors(t, errs)
		got.ID = c.ID // ids come from the URL
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, c)
		}
	}
}

func TestWebexCriterionErrors(t *testing.T) {
	_, errs := DecodeWebexCriterion([]byte(`{"scheduleType":"weekly","scheduleLevel":"PEOPLE","callsFrom":"FRIENDS"}`), "1001")
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	if want := []string{"scheduleType", "scheduleLevel", "callsFrom", "ringEnabled"}; !slices.Equal(fields, want) {
		t.Errorf("fields = %q, want %q", fields, want)
	}
	_, errs = DecodeWebexCriterion([]byte(`{"ringEnabled":true,"colour":"red"}`), "1001")
	if len(errs) != 1 || errs[0].Field != "colour" {
		t.Errorf("unknown key: %v", errs)
	}
	_, errs = DecodeWebexCriterion([]byte(`{"ringEnabled":"yes"}`), "1001")
	if len(errs) != 1 || errs[0].Field != "ringEnabled" {
		t.Errorf("wrong type: %v", errs)
	}
}

// The documented settings answer: rings become seconds; what ringd lacks
// is ignored; rendered back, ringd shows its own criteria and false for
// the features it does not have.
func TestWebexDocSequentialRingGet(t *testing.T) {
	body := readFixture(t, "webex/sequential_ring_get_response.json")
	var w WebexSequentialRing
	if errs := decodeOnto(body, &w, nil); errs != nil {
		t.Fatal(errs)
	}
	check(t, "baseLocationNumberOfRings (a string in the doc)", w.BaseLocationNumberOfRings, 2)
	check(t, "criteria[0].source", w.Criteria[0].Source, "ALL_NUMBERS")

	s, errs := FromWebexSequentialRing(w, "1001")
	noErrors(t, errs)
	check(t, "Extension", s.Extension, "1001")
	check(t, "Enabled", s.Enabled, true)
	check(t, "RingBaseFirst", s.RingBaseFirst, true)
	check(t, "BaseRingTime", s.BaseRingTime, 2*SecondsPerRing)
	if !slices.Equal(s.Numbers, []config.SeqNumber{{Number: "+442071838750", RingTime: 3 * SecondsPerRing}}) {
		t.Errorf("Numbers = %+v", s.Numbers)
	}

	crit := config.Criterion{ID: 9, ScheduleName: "Business Vacation", CallsFrom: "ANY_PHONE_NUMBER", RingEnabled: boolp(true)}
	out := asMap(t, ToWebexSequentialRing(s, []config.Criterion{crit}))
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatal(err)
	}
	// What ringd answers differently from the doc's example, and why.
	in["baseLocationNumberOfRings"] = 2.0             // written as a number, as the schema says
	in["continueIfBaseLocationIsBusyEnabled"] = false // no ringd equivalent
	in["callsToVoicemailEnabled"] = false             // no ringd equivalent
	in["phoneNumbers"].([]any)[0].(map[string]any)["answerConfirmationRequiredEnabled"] = false
	in["criteria"].([]any)[0].(map[string]any)["id"] = "9" // ringd's id
	sameKeys(t, "settings answer", out, in)
}

func TestWebexDocSequentialRingPut(t *testing.T) {
	existing := config.SequentialRing{ID: 5, Extension: "1001", BaseRingTime: 20,
		Numbers: []config.SeqNumber{{Number: "2000", RingTime: 10}, {Number: "2001", RingTime: 10}}}
	s, errs := WebexSequentialRingUpdate(existing, readFixture(t, "webex/sequential_ring_put_request.json"))
	noErrors(t, errs)
	want := config.SequentialRing{ID: 5, Extension: "1001", Enabled: true, RingBaseFirst: true, BaseRingTime: 12,
		Numbers: []config.SeqNumber{{Number: "+442071838750", RingTime: 18}}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("update:\n got %+v\nwant %+v", s, want)
	}

	// Enabling only: seconds that are not whole rings are kept as they were.
	s, errs = WebexSequentialRingUpdate(existing, []byte(`{"enabled":true}`))
	noErrors(t, errs)
	want = existing
	want.Enabled = true
	if !reflect.DeepEqual(s, want) {
		t.Errorf("partial update:\n got %+v\nwant %+v", s, want)
	}

	// A client may PUT back what it got, criteria included (read-only).
	got := ToWebexSequentialRing(existing, []config.Criterion{{ID: 1, RingEnabled: boolp(true)}})
	b, _ := json.Marshal(got)
	s, errs = WebexSequentialRingUpdate(existing, b)
	noErrors(t, errs)
	if !reflect.DeepEqual(s, existing) {
		t.Errorf("PUT of the GET answer changed the settings:\n got %+v\nwant %+v", s, existing)
	}
}

func TestWebexSequentialRingRoundTrip(t *testing.T) {
	want := config.SequentialRing{ID: 1, Extension: "1001", Enabled: true, RingBaseFirst: true, BaseRingTime: 24,
		Numbers: []config.SeqNumber{{Number: "1002", RingTime: 12}, {Number: "+15550100", RingTime: 30}}}
	b, err := json.Marshal(ToWebexSequentialRing(want, nil))
	if err != nil {
		t.Fatal(err)
	}
	var w WebexSequentialRing
	if errs := decodeOnto(b, &w, nil); errs != nil {
		t.Fatal(errs)
	}
	got, errs := FromWebexSequentialRing(w, "1001")
	noErrors(t, errs)
	got.ID = want.ID
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestWebexRings(t *testing.T) {
	for s, want := range map[int]WebexRings{0: 0, 1: 0, 2: 0, 3: 1, 6: 1, 8: 1, 9: 2, 12: 2, 20: 3, 120: 20} {
		check(t, "secondsToRings", secondsToRings(s), want)
	}
	for in, want := range map[string]WebexRings{`3`: 3, `"3"`: 3, `3.0`: 3} {
		var r WebexRings
		if err := json.Unmarshal([]byte(in), &r); err != nil || r != want {
			t.Errorf("%s: %v %v", in, r, err)
		}
	}
	for _, in := range []string{`"three"`, `3.5`, `true`} {
		var r WebexRings
		if err := json.Unmarshal([]byte(in), &r); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
	_, errs := FromWebexSequentialRing(WebexSequentialRing{BaseLocationNumberOfRings: 21,
		PhoneNumbers: make([]WebexSequentialNumber, 6)}, "1001")
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	if !slices.Contains(fields, "baseLocationNumberOfRings") || !slices.Contains(fields, "phoneNumbers") ||
		!slices.Contains(fields, "phoneNumbers[0].phoneNumber") {
		t.Errorf("fields = %q", fields)
	}
	_, errs = DecodeWebexCriterion(nil, "1001")
	check(t, "empty body", len(errs), 1)
}
