package config

import (
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
)

func TestSchedulesBecomeCalendars(t *testing.T) {
	c := mustLoad(t, minimal+`  - { number: "6003", name: Office, strategy: ring_all, members: [{ extension: "1001" }], schedule: office,
      out_of_schedule: { dest: extension, value: "1002" } }
  - { number: "6001", name: Night, strategy: ring_all, members: [{ extension: "1002" }], schedule: night }
  - { number: "6002", name: Closed, strategy: ring_all, members: [{ extension: "1002" }], schedule: bank }
schedules:
  - { name: office, type: business_hours, timezone: Europe/London, weekly: ["mon-fri 09:00-12:00,13:00-17:00"], dates: ["2026-12-24"] }
  - { name: night, type: business_hours, timezone: America/New_York, weekly: ["mon-fri 22:00-06:00"] }
  - { name: bank, type: holidays, timezone: Europe/London, dates: ["12-25..12-26", "2026-08-31"] }
`)
	spec := c.Spec()
	london, _ := time.LoadLocation("Europe/London")
	ny, _ := time.LoadLocation("America/New_York")
	for _, k := range []struct {
		group int
		at    time.Time
		open  bool
	}{
		{0, time.Date(2026, 11, 25, 10, 0, 0, 0, london), true},
		{0, time.Date(2026, 11, 25, 12, 30, 0, 0, london), false},
		{0, time.Date(2026, 12, 24, 10, 0, 0, 0, london), false}, // the office's own date
		{0, time.Date(2027, 12, 27, 10, 0, 0, 0, london), true},  // a Monday after the bank holidays
		{0, time.Date(2030, 12, 25, 10, 0, 0, 0, london), false}, // a bank holiday (holidays schedules close business hours), a Wednesday
		{0, time.Date(2026, 8, 31, 10, 0, 0, 0, london), false},  // a one-off bank holiday
		{1, time.Date(2026, 11, 28, 3, 0, 0, 0, ny), true},       // Saturday 03:00, from Friday night
		{1, time.Date(2026, 11, 28, 12, 0, 0, 0, ny), false},
		{2, time.Date(2026, 12, 26, 12, 0, 0, 0, london), false}, // a holidays schedule closes on its dates
		{2, time.Date(2026, 12, 27, 12, 0, 0, 0, london), true},  // and is open otherwise
	} {
		s := spec.Groups[k.group+1].Schedule
		if s == nil {
			t.Fatalf("group %d has no schedule", k.group)
		}
		if got := s.Open(k.at.UnixNano()); got != k.open {
			t.Errorf("group %s at %v: open %v, want %v", spec.Groups[k.group+1].Number, k.at, got, k.open)
		}
	}
	if spec := (&Config{RingGroups: []RingGroup{NewRingGroup()}}).Spec(); spec.Groups[0].Schedule != nil {
		t.Error("a group without a schedule has one")
	}
}

func TestSeqRingSpecs(t *testing.T) {
	on, off := true, false
	c := mustLoad(t, minimal+`schedules:
  - { name: office, type: business_hours, timezone: Europe/Paris, weekly: ["mon-fri 09:00-17:00"] }
`)
	c.SequentialRings = []SequentialRing{
		{Extension: "1001", Enabled: true, RingBaseFirst: true, BaseRingTime: 10, Numbers: []SeqNumber{{"1002", 15}, {"0612345678", 20}}},
		{Extension: "1002", Enabled: false, Numbers: []SeqNumber{{"1001", 15}}},
	}
	c.Criteria = []Criterion{
		{Extension: "1001", CallsFrom: "ANY_PHONE_NUMBER", ScheduleName: "office", ScheduleType: "business_hours", RingEnabled: &on},
		{Extension: "1001", CallsFrom: "SELECT_PHONE_NUMBERS", AnonymousCallersEnabled: true, RingEnabled: &off},
		{Extension: "1001", CallsFrom: "ANY_PHONE_NUMBER", ScheduleName: "gone", RingEnabled: &on}, // no such schedule: never applies
	}
	plans := c.seqRingSpecs(c.calendars())
	if _, ok := plans["1002"]; ok || len(plans) != 1 {
		t.Fatalf("plans %v: want 1001's only (1002's is disabled)", plans)
	}
	p := plans["1001"]
	if !p.RingBaseFirst || p.BaseRingTime != 10*time.Second || len(p.Numbers) != 2 || len(p.Criteria) != 2 ||
		p.Numbers[1] != (engine.SeqNumberSpec{Number: "0612345678", RingTime: 20 * time.Second}) {
		t.Fatalf("plan %+v", p)
	}
	for _, e := range c.Spec().Extensions {
		if (e.Number == "1001") != (e.SeqRing != nil) {
			t.Errorf("extension %s in the engine's spec: sequential ring %v", e.Number, e.SeqRing)
		}
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	workday := time.Date(2026, 11, 25, 10, 0, 0, 0, paris).UnixNano()
	evening := time.Date(2026, 11, 25, 20, 0, 0, 0, paris).UnixNano()
	if !engine.SeqRingApplies(p.Criteria, workday, engine.ClassifyCaller("5550100", "")) {
		t.Error("a caller during office hours gets no sequential ring")
	}
	if engine.SeqRingApplies(p.Criteria, evening, engine.ClassifyCaller("5550100", "")) {
		t.Error("a caller in the evening gets the sequential ring")
	}
	if engine.SeqRingApplies(p.Criteria, workday, engine.ClassifyCaller("anonymous", "")) {
		t.Error("an anonymous caller gets the sequential ring (its criterion says no)")
	}
}
