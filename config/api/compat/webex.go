package compat

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/ringd/ringd/config"
)

// Webex Calling sequential ring of a workspace (sources:
// testdata/webex/README.md). In ringd the workspace id of the URL is the
// extension number.
//
// Criterion, Webex -> native (config.Criterion):
//
//	id                        -> ID (decimal; read-only, the URL's criteriaId)
//	scheduleName              -> ScheduleName
//	scheduleType              -> ScheduleType (businessHours -> business_hours, holidays -> holidays)
//	scheduleLevel             -> ScheduleLevel (GROUP)
//	callsFrom                 -> CallsFrom (ANY_PHONE_NUMBER | SELECT_PHONE_NUMBERS)
//	anonymousCallersEnabled   -> AnonymousCallersEnabled
//	unavailableCallersEnabled -> UnavailableCallersEnabled
//	phoneNumbers              -> PhoneNumbers
//	ringEnabled               -> RingEnabled (required)
//
// Settings, Webex -> native (config.SequentialRing):
//
//	enabled                             -> Enabled
//	ringBaseLocationFirstEnabled        -> RingBaseFirst
//	baseLocationNumberOfRings           -> BaseRingTime = rings × SecondsPerRing
//	continueIfBaseLocationIsBusyEnabled -> (none: accepted, ignored, read as false)
//	callsToVoicemailEnabled             -> (none: accepted, ignored, read as false)
//	phoneNumbers[i].phoneNumber         -> Numbers[i].Number
//	phoneNumbers[i].numberOfRings       -> Numbers[i].RingTime = rings × SecondsPerRing
//	phoneNumbers[i].answerConfirmationRequiredEnabled -> (none: accepted, ignored, read as false)
//	criteria[]                          -> (read-only summary of the criteria; ignored on input)

// SecondsPerRing converts Webex's ring counts to ringd's seconds: one ring
// cycle of the North American cadence (2 s ring, 4 s silence), which is
// also the usual rule of thumb for BroadWorks-style "number of rings".
// Seconds become rings by rounding to the nearest whole ring (3 s and up
// round up), so a round trip is exact for multiples of 6 s.
const SecondsPerRing = 6

// Webex's documented range of baseLocationNumberOfRings.
const (
	WebexMinBaseRings = 2
	WebexMaxBaseRings = 20
)

// WebexCriterion is a sequential-ring criterion as Webex writes it: the
// body of POST .../sequentialRing/criteria and of PUT and GET
// .../criteria/{id}.
type WebexCriterion struct {
	ID                        string   `json:"id,omitempty"`
	ScheduleName              string   `json:"scheduleName,omitempty"`
	ScheduleType              string   `json:"scheduleType,omitempty"`
	ScheduleLevel             string   `json:"scheduleLevel,omitempty"`
	CallsFrom                 string   `json:"callsFrom"`
	AnonymousCallersEnabled   bool     `json:"anonymousCallersEnabled"`
	UnavailableCallersEnabled bool     `json:"unavailableCallersEnabled"`
	PhoneNumbers              []string `json:"phoneNumbers,omitempty"`
	RingEnabled               *bool    `json:"ringEnabled,omitempty"`
}

// WebexCriterionSummary is an element of the settings' "criteria" list.
// source is ALL_NUMBERS or SPECIFIC_NUMBERS (callsFrom's ANY_PHONE_NUMBER
// and SELECT_PHONE_NUMBERS).
type WebexCriterionSummary struct {
	ID           string `json:"id"`
	ScheduleName string `json:"scheduleName"`
	Source       string `json:"source"`
	RingEnabled  bool   `json:"ringEnabled"`
}

// WebexSequentialRing is the body of GET and PUT .../sequentialRing.
type WebexSequentialRing struct {
	Enabled                             bool                    `json:"enabled"`
	RingBaseLocationFirstEnabled        bool                    `json:"ringBaseLocationFirstEnabled"`
	BaseLocationNumberOfRings           WebexRings              `json:"baseLocationNumberOfRings"`
	ContinueIfBaseLocationIsBusyEnabled bool                    `json:"continueIfBaseLocationIsBusyEnabled"`
	CallsToVoicemailEnabled             bool                    `json:"callsToVoicemailEnabled"`
	PhoneNumbers                        []WebexSequentialNumber `json:"phoneNumbers"`
	Criteria                            []WebexCriterionSummary `json:"criteria,omitempty"`
}

// WebexSequentialNumber is one number rung in sequence.
type WebexSequentialNumber struct {
	PhoneNumber                       string     `json:"phoneNumber"`
	AnswerConfirmationRequiredEnabled bool       `json:"answerConfirmationRequiredEnabled"`
	NumberOfRings                     WebexRings `json:"numberOfRings"`
}

// WebexRings is a ring count. Webex's schema says integer, but its own
// examples write baseLocationNumberOfRings as a string ("2"), so both a
// JSON number and a string of digits are read; it is written as a number.
type WebexRings int

// UnmarshalJSON reads 3, 3.0 or "3".
func (r *WebexRings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: typeOfInt}
		}
		*r = WebexRings(n)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	if f != float64(int(f)) {
		return &json.UnmarshalTypeError{Value: "number " + string(b), Type: typeOfInt}
	}
	*r = WebexRings(f)
	return nil
}

var typeOfInt = reflect.TypeFor[int]()

// ringsToSeconds and secondsToRings convert with SecondsPerRing.
func ringsToSeconds(r WebexRings) int { return int(r) * SecondsPerRing }

func secondsToRings(s int) WebexRings {
	if s <= 0 {
		return 0
	}
	return WebexRings((s + SecondsPerRing/2) / SecondsPerRing)
}

var webexScheduleTypes = map[string]string{"businessHours": "business_hours", "holidays": "holidays"}

// FromWebexCriterion maps a Webex criterion to a native one of the given
// extension. The body's id is ignored (ids come from the URL). The
// FieldErrors, in Webex's names, are for values ringd cannot represent
// and for the missing ringEnabled.
func FromWebexCriterion(w WebexCriterion, extension string) (config.Criterion, []FieldError) {
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }
	c := config.Criterion{
		Extension:                 extension,
		ScheduleName:              w.ScheduleName,
		CallsFrom:                 w.CallsFrom,
		AnonymousCallersEnabled:   w.AnonymousCallersEnabled,
		UnavailableCallersEnabled: w.UnavailableCallersEnabled,
		PhoneNumbers:              w.PhoneNumbers,
		ScheduleLevel:             w.ScheduleLevel,
	}
	if w.ScheduleType != "" {
		if t, ok := webexScheduleTypes[w.ScheduleType]; ok {
			c.ScheduleType = t
		} else {
			bad("scheduleType", "must be businessHours or holidays, got "+strconv.Quote(w.ScheduleType))
		}
	}
	if w.ScheduleLevel != "" && w.ScheduleLevel != "GROUP" {
		bad("scheduleLevel", "must be GROUP (ringd's schedules are shared), got "+strconv.Quote(w.ScheduleLevel))
	}
	switch w.CallsFrom {
	case "ANY_PHONE_NUMBER", "SELECT_PHONE_NUMBERS", "":
	default:
		bad("callsFrom", "must be ANY_PHONE_NUMBER or SELECT_PHONE_NUMBERS, got "+strconv.Quote(w.CallsFrom))
	}
	if w.RingEnabled == nil {
		bad("ringEnabled", "required")
	} else {
		b := *w.RingEnabled
		c.RingEnabled = &b
	}
	return c, errs
}

// ToWebexCriterion maps a native criterion to Webex's JSON (id in decimal).
func ToWebexCriterion(c config.Criterion) WebexCriterion {
	w := WebexCriterion{
		ScheduleName:              c.ScheduleName,
		ScheduleType:              c.ScheduleType,
		ScheduleLevel:             c.ScheduleLevel,
		CallsFrom:                 c.CallsFrom,
		AnonymousCallersEnabled:   c.AnonymousCallersEnabled,
		UnavailableCallersEnabled: c.UnavailableCallersEnabled,
		PhoneNumbers:              c.PhoneNumbers,
	}
	if c.ID != 0 {
		w.ID = strconv.FormatInt(c.ID, 10)
	}
	if c.ScheduleType == "business_hours" {
		w.ScheduleType = "businessHours"
	}
	if c.RingEnabled != nil {
		b := *c.RingEnabled
		w.RingEnabled = &b
	}
	return w
}

// ToWebexCriterionSummary maps a native criterion to an element of the
// settings' "criteria" list.
func ToWebexCriterionSummary(c config.Criterion) WebexCriterionSummary {
	s := WebexCriterionSummary{ID: strconv.FormatInt(c.ID, 10), ScheduleName: c.ScheduleName, Source: "ALL_NUMBERS"}
	if c.CallsFrom == "SELECT_PHONE_NUMBERS" {
		s.Source = "SPECIFIC_NUMBERS"
	}
	if c.RingEnabled != nil {
		s.RingEnabled = *c.RingEnabled
	}
	return s
}

// FromWebexSequentialRing maps Webex's settings to the native settings of
// the given extension, converting rings to seconds (SecondsPerRing).
// continueIfBaseLocationIsBusyEnabled, callsToVoicemailEnabled and
// answerConfirmationRequiredEnabled have no ringd equivalent: they are
// accepted and ignored. criteria is read-only and ignored.
func FromWebexSequentialRing(w WebexSequentialRing, extension string) (config.SequentialRing, []FieldError) {
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }
	s := config.SequentialRing{
		Extension:     extension,
		Enabled:       w.Enabled,
		RingBaseFirst: w.RingBaseLocationFirstEnabled,
		BaseRingTime:  ringsToSeconds(w.BaseLocationNumberOfRings),
		Numbers:       make([]config.SeqNumber, 0, len(w.PhoneNumbers)),
	}
	if r := w.BaseLocationNumberOfRings; r != 0 && (r < WebexMinBaseRings || r > WebexMaxBaseRings) {
		bad("baseLocationNumberOfRings", "must be from 2 to 20, got "+strconv.Itoa(int(r)))
	}
	if len(w.PhoneNumbers) > config.MaxSeqNumbers {
		bad("phoneNumbers", "at most "+strconv.Itoa(config.MaxSeqNumbers)+" numbers, got "+strconv.Itoa(len(w.PhoneNumbers)))
	}
	for i, n := range w.PhoneNumbers {
		at := "phoneNumbers[" + strconv.Itoa(i) + "]"
		if n.PhoneNumber == "" {
			bad(at+".phoneNumber", "required")
		}
		if n.NumberOfRings < 0 {
			bad(at+".numberOfRings", "must not be negative, got "+strconv.Itoa(int(n.NumberOfRings)))
		}
		s.Numbers = append(s.Numbers, config.SeqNumber{Number: n.PhoneNumber, RingTime: ringsToSeconds(n.NumberOfRings)})
	}
	return s, errs
}

// ToWebexSequentialRing maps native settings, and the extension's
// criteria for the read-only "criteria" list, to Webex's JSON, converting
// seconds to rings (SecondsPerRing).
func ToWebexSequentialRing(s config.SequentialRing, criteria []config.Criterion) WebexSequentialRing {
	w := WebexSequentialRing{
		Enabled:                      s.Enabled,
		RingBaseLocationFirstEnabled: s.RingBaseFirst,
		BaseLocationNumberOfRings:    secondsToRings(s.BaseRingTime),
		PhoneNumbers:                 make([]WebexSequentialNumber, 0, len(s.Numbers)),
	}
	for _, n := range s.Numbers {
		w.PhoneNumbers = append(w.PhoneNumbers, WebexSequentialNumber{PhoneNumber: n.Number, NumberOfRings: secondsToRings(n.RingTime)})
	}
	for _, c := range criteria {
		w.Criteria = append(w.Criteria, ToWebexCriterionSummary(c))
	}
	return w
}

// DecodeWebexCriterion decodes the body of POST .../criteria (strict JSON,
// unknown keys are FieldErrors) into a native criterion of extension.
func DecodeWebexCriterion(body []byte, extension string) (config.Criterion, []FieldError) {
	var w WebexCriterion
	if errs := decodeOnto(body, &w, nil); errs != nil {
		return config.Criterion{}, errs
	}
	return FromWebexCriterion(w, extension)
}

// WebexCriterionUpdate applies the body of PUT .../criteria/{id} to the
// stored criterion: keys absent from the body keep their values
// (phoneNumbers, when present, replaces the list). The result keeps
// existing's ID and Extension.
func WebexCriterionUpdate(existing config.Criterion, body []byte) (config.Criterion, []FieldError) {
	w := ToWebexCriterion(existing)
	if errs := decodeOnto(body, &w, map[string]func(){"phoneNumbers": func() { w.PhoneNumbers = nil }}); errs != nil {
		return existing, errs
	}
	c, errs := FromWebexCriterion(w, existing.Extension)
	c.ID = existing.ID
	return c, errs
}

// WebexSequentialRingUpdate applies the body of PUT .../sequentialRing to
// the stored settings: keys absent from the body keep their values
// (phoneNumbers, when present, replaces the list). The result keeps
// existing's ID and Extension.
func WebexSequentialRingUpdate(existing config.SequentialRing, body []byte) (config.SequentialRing, []FieldError) {
	w := ToWebexSequentialRing(existing, nil)
	if errs := decodeOnto(body, &w, map[string]func(){
		"phoneNumbers": func() { w.PhoneNumbers = nil },
		"criteria":     func() { w.Criteria = nil },
	}); errs != nil {
		return existing, errs
	}
	s, errs := FromWebexSequentialRing(w, existing.Extension)
	s.ID = existing.ID
	// Seconds that are not whole rings survive an update that leaves the
	// ring counts as they were shown.
	if w.BaseLocationNumberOfRings == secondsToRings(existing.BaseRingTime) {
		s.BaseRingTime = existing.BaseRingTime
	}
	for i := range s.Numbers {
		if i < len(existing.Numbers) && s.Numbers[i].Number == existing.Numbers[i].Number &&
			w.PhoneNumbers[i].NumberOfRings == secondsToRings(existing.Numbers[i].RingTime) {
			s.Numbers[i].RingTime = existing.Numbers[i].RingTime
		}
	}
	return s, errs
}
