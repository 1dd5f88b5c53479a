package engine

import (
	"testing"
	"time"

	"github.com/ringd/ringd/engine/calendar"
)

func TestClassifyCaller(t *testing.T) {
	for _, c := range []struct {
		user, privacy string
		want          Caller
	}{
		{"5550100", "", Caller{Number: "5550100"}},
		{"+33123456789", "", Caller{Number: "+33123456789"}},
		{"anonymous", "", Caller{Number: "anonymous", Anonymous: true}},
		{"Anonymous", "", Caller{Number: "Anonymous", Anonymous: true}},
		{"5550100", "id", Caller{Number: "5550100", Anonymous: true}},
		{"5550100", "header; id", Caller{Number: "5550100", Anonymous: true}},
		{"5550100", "none", Caller{Number: "5550100"}},
		{"", "", Caller{Unavailable: true}},
		{"unavailable", "", Caller{Number: "unavailable", Unavailable: true}},
		{"alice", "", Caller{Number: "alice", Unavailable: true}},
	} {
		if got := ClassifyCaller(c.user, c.privacy); got != c.want {
			t.Errorf("ClassifyCaller(%q, %q) = %+v, want %+v", c.user, c.privacy, got, c.want)
		}
	}
}

func TestSeqRingCriteriaPrecedence(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	monFri := [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}
	hours := &calendar.Calendar{Loc: paris, Weekly: []calendar.WeeklyRange{{Days: monFri, From: 9 * 60, To: 17 * 60}}}
	xmas := &calendar.Calendar{Loc: paris, Holidays: []calendar.DateRange{{From: calendar.Date{Month: 12, Day: 25}, To: calendar.Date{Month: 12, Day: 25}, Yearly: true}}}
	workday := time.Date(2026, 11, 25, 10, 0, 0, 0, paris).UnixNano()
	evening := time.Date(2026, 11, 25, 20, 0, 0, 0, paris).UnixNano()
	christmas := time.Date(2026, 12, 25, 10, 0, 0, 0, paris).UnixNano()
	boss := Caller{Number: "+33 1 23 45 67 89"}
	someone := Caller{Number: "5550100"}
	anon := ClassifyCaller("anonymous", "")
	hidden := ClassifyCaller("5550100", "id")
	nobody := ClassifyCaller("", "")

	any := func(ring bool) SeqCriterion { return SeqCriterion{AnyCaller: true, Ring: ring} }
	sel := func(ring bool, numbers ...string) SeqCriterion { return SeqCriterion{Numbers: numbers, Ring: ring} }
	during := func(c SeqCriterion, s Schedule, holidays bool) SeqCriterion {
		c.Schedule, c.Holidays = s, holidays
		return c
	}

	for _, c := range []struct {
		name     string
		criteria []SeqCriterion
		wall     int64
		caller   Caller
		want     bool
	}{
		{"no criteria: no sequential ring", nil, workday, someone, false},
		{"ANY, ring on", []SeqCriterion{any(true)}, workday, someone, true},
		{"ANY, ring off", []SeqCriterion{any(false)}, workday, someone, false},
		{"false wins over true", []SeqCriterion{any(true), sel(false, "5550100")}, workday, someone, false},
		{"false that does not apply does not win", []SeqCriterion{any(true), sel(false, "5550199")}, workday, someone, true},
		{"SELECT matches the number", []SeqCriterion{sel(true, "+33-1-23-45-67-89")}, workday, boss, true},
		{"SELECT does not match another number", []SeqCriterion{sel(true, "+33123456789")}, workday, someone, false},
		{"ANY covers anonymous callers", []SeqCriterion{any(true)}, workday, anon, true},
		{"SELECT: anonymous only when enabled", []SeqCriterion{sel(true, "anonymous")}, workday, anon, false},
		{"SELECT: anonymous enabled", []SeqCriterion{{Anonymous: true, Ring: true}}, workday, anon, true},
		{"SELECT: Privacy: id is anonymous", []SeqCriterion{{Anonymous: true, Ring: true}}, workday, hidden, true},
		{"SELECT: a hidden number does not match by number", []SeqCriterion{sel(true, "5550100")}, workday, hidden, false},
		{"SELECT: unavailable enabled", []SeqCriterion{{Unavailable: true, Ring: true}}, workday, nobody, true},
		{"SELECT: unavailable not enabled", []SeqCriterion{{Anonymous: true, Ring: true}}, workday, nobody, false},
		{"business hours: inside", []SeqCriterion{during(any(true), hours, false)}, workday, someone, true},
		{"business hours: outside", []SeqCriterion{during(any(true), hours, false)}, evening, someone, false},
		{"holidays: on the date", []SeqCriterion{during(any(true), xmas, true)}, christmas, someone, true},
		{"holidays: another day", []SeqCriterion{during(any(true), xmas, true)}, workday, someone, false},
		{"off during holidays beats on during the week", []SeqCriterion{any(true), during(any(false), xmas, true)}, christmas, someone, false},
		{"...and not the rest of the year", []SeqCriterion{any(true), during(any(false), xmas, true)}, workday, someone, true},
	} {
		if got := SeqRingApplies(c.criteria, c.wall, c.caller); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
