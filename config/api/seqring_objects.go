package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
)

// An extension's sequential ring and its criteria (SPEC §5) as the native
// endpoints and the Webex façade both handle them: finding them in the
// data, storing them, and the checks of SPEC §5.

// extensionExists reports whether number is an extension.
func extensionExists(d *store.Data, number string) bool {
	return slices.ContainsFunc(d.Extensions, func(e config.Extension) bool { return e.Number == number })
}

// noExtension is the 404 of an unknown extension.
func noExtension(number string) *Problem {
	return problem(http.StatusNotFound, "no such extension: "+number)
}

// sequentialRingOf returns an extension's settings, or the default (off).
func sequentialRingOf(d *store.Data, number string) (config.SequentialRing, int) {
	i := slices.IndexFunc(d.SequentialRings, func(r config.SequentialRing) bool { return r.Extension == number })
	if i < 0 {
		return config.SequentialRing{Extension: number, Numbers: []config.SeqNumber{}}, -1
	}
	return d.SequentialRings[i], i
}

// criteriaOf lists an extension's criteria.
func criteriaOf(d *store.Data, number string) []config.Criterion {
	var out []config.Criterion
	for _, c := range d.Criteria {
		if c.Extension == number {
			out = append(out, c)
		}
	}
	return out
}

// findCriterion returns the index of criterion {id} of extension number, or -1.
func findCriterion(d *store.Data, number, ref string) int {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return -1
	}
	return slices.IndexFunc(d.Criteria, func(c config.Criterion) bool { return c.ID == id && c.Extension == number })
}

// noCriterion is the 404 of an unknown criterion.
func noCriterion(ref string) *Problem { return problem(http.StatusNotFound, "no such criterion: "+ref) }

// storeSequentialRing puts an extension's settings in place of its
// current ones (keeping their ID) or adds them, and returns the change.
func storeSequentialRing(d *store.Data, in *config.SequentialRing) store.Change {
	if cur, i := sequentialRingOf(d, in.Extension); i >= 0 {
		in.ID = cur.ID
		d.SequentialRings[i] = *in
	} else {
		in.ID = live.NextID(d.SequentialRings, func(v *config.SequentialRing) *int64 { return &v.ID })
		d.SequentialRings = append(d.SequentialRings, *in)
	}
	return store.Change{Kind: store.KindSequentialRing, ID: in.ID, Doc: *in}
}

// checkSequentialRing applies SPEC §5: at most 5 numbers, each an
// extension number or an E.164 number, ring times 1-600 s.
func checkSequentialRing(d *store.Data, in config.SequentialRing) []FieldError {
	var errs []FieldError
	if in.BaseRingTime < 0 || in.BaseRingTime > 600 {
		errs = append(errs, FieldError{"base_ring_time", "must be 0-600 s"})
	}
	if len(in.Numbers) > config.MaxSeqNumbers {
		errs = append(errs, FieldError{"numbers", "at most 5 numbers"})
	}
	for i, n := range in.Numbers {
		at := "numbers[" + strconv.Itoa(i) + "]"
		if !phoneNumber(d, n.Number) {
			errs = append(errs, FieldError{at + ".number", "must be an extension number or an E.164 number like +33123456789, got " + strconv.Quote(n.Number)})
		}
		if n.RingTime < 1 || n.RingTime > 600 {
			errs = append(errs, FieldError{at + ".ring_time", "must be 1-600 s"})
		}
	}
	return errs
}

// phoneNumber reports whether s is an extension's number or an E.164
// number (+, a country code not starting with 0, at most 15 digits).
func phoneNumber(d *store.Data, s string) bool {
	if extensionExists(d, s) {
		return true
	}
	digits, ok := strings.CutPrefix(s, "+")
	if !ok || len(digits) < 2 || len(digits) > 15 || digits[0] == '0' {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// checkCriterion applies SPEC §5 to a criterion.
func checkCriterion(d *store.Data, c config.Criterion) []FieldError {
	var errs []FieldError
	if c.RingEnabled == nil {
		errs = append(errs, FieldError{"ring_enabled", "required"})
	}
	switch c.CallsFrom {
	case "ANY_PHONE_NUMBER":
	case "SELECT_PHONE_NUMBERS":
		if len(c.PhoneNumbers) == 0 && !c.AnonymousCallersEnabled && !c.UnavailableCallersEnabled {
			errs = append(errs, FieldError{"phone_numbers", "required when calls_from is SELECT_PHONE_NUMBERS (or enable anonymous / unavailable callers)"})
		}
	default:
		errs = append(errs, FieldError{"calls_from", "must be ANY_PHONE_NUMBER or SELECT_PHONE_NUMBERS"})
	}
	if i := slices.IndexFunc(d.Schedules, func(s config.Schedule) bool { return s.Name == c.ScheduleName }); c.ScheduleName != "" && i < 0 {
		errs = append(errs, FieldError{"schedule_name", "unknown schedule " + strconv.Quote(c.ScheduleName)})
	} else if c.ScheduleName != "" && c.ScheduleType != "" && d.Schedules[i].Type != c.ScheduleType {
		errs = append(errs, FieldError{"schedule_type", "schedule " + strconv.Quote(c.ScheduleName) + " is a " + d.Schedules[i].Type + " schedule"})
	}
	if c.ScheduleType != "" && c.ScheduleType != "business_hours" && c.ScheduleType != "holidays" {
		errs = append(errs, FieldError{"schedule_type", "must be business_hours or holidays"})
	}
	if c.ScheduleLevel != "" && c.ScheduleLevel != "GROUP" {
		errs = append(errs, FieldError{"schedule_level", "must be GROUP"})
	}
	for i, n := range c.PhoneNumbers {
		if !phoneNumber(d, n) {
			errs = append(errs, FieldError{"phone_numbers[" + strconv.Itoa(i) + "]", "must be an extension number or an E.164 number like +33123456789"})
		}
	}
	return errs
}
