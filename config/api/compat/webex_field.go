package compat

import "strings"

// WebexField translates the path of a native validation problem about a
// sequential-ring criterion or an extension's sequential-ring settings
// ("ring_enabled", "phone_numbers[1]", "numbers[0].ring_time") into the
// Webex field it came from ("ringEnabled", "phoneNumbers[1]",
// "phoneNumbers[0].numberOfRings"), so that errors name the client's own
// fields. Native fields Webex has no word for keep their native names.
//
// The settings' seconds are Webex's rings (SecondsPerRing): a problem
// about base_ring_time or a number's ring_time is named after the ring
// count it was computed from.
func WebexField(nativePath string) string {
	name, rest := nativePath, ""
	if i := strings.IndexAny(nativePath, "[."); i >= 0 {
		name, rest = nativePath[:i], nativePath[i:]
	}
	if name == "numbers" {
		// numbers[i].number / numbers[i].ring_time
		idx, field, _ := strings.Cut(rest, ".")
		switch field {
		case "number":
			field = ".phoneNumber"
		case "ring_time":
			field = ".numberOfRings"
		case "":
		default:
			field = "." + field
		}
		return "phoneNumbers" + idx + field
	}
	if w, ok := webexNames[name]; ok {
		return w + rest
	}
	return nativePath
}

// webexNames are the native names of config.Criterion and
// config.SequentialRing and their Webex names.
var webexNames = map[string]string{
	"schedule_name":               "scheduleName",
	"schedule_type":               "scheduleType",
	"schedule_level":              "scheduleLevel",
	"calls_from":                  "callsFrom",
	"anonymous_callers_enabled":   "anonymousCallersEnabled",
	"unavailable_callers_enabled": "unavailableCallersEnabled",
	"phone_numbers":               "phoneNumbers",
	"ring_enabled":                "ringEnabled",
	"enabled":                     "enabled",
	"ring_base_first":             "ringBaseLocationFirstEnabled",
	"base_ring_time":              "baseLocationNumberOfRings",
}
