package compat

import "testing"

func TestWebexField(t *testing.T) {
	for native, want := range map[string]string{
		"ring_enabled":                "ringEnabled",
		"calls_from":                  "callsFrom",
		"schedule_name":               "scheduleName",
		"schedule_type":               "scheduleType",
		"schedule_level":              "scheduleLevel",
		"anonymous_callers_enabled":   "anonymousCallersEnabled",
		"unavailable_callers_enabled": "unavailableCallersEnabled",
		"phone_numbers":               "phoneNumbers",
		"phone_numbers[2]":            "phoneNumbers[2]",
		"enabled":                     "enabled",
		"ring_base_first":             "ringBaseLocationFirstEnabled",
		"base_ring_time":              "baseLocationNumberOfRings",
		"numbers":                     "phoneNumbers",
		"numbers[1]":                  "phoneNumbers[1]",
		"numbers[1].number":           "phoneNumbers[1].phoneNumber",
		"numbers[0].ring_time":        "phoneNumbers[0].numberOfRings",
		"extension":                   "extension",
		"colour":                      "colour",
	} {
		check(t, native, WebexField(native), want)
	}
}
