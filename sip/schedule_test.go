package sip

import (
	"context"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/calendar"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

func TestOutsideItsScheduleAGroupGoesToOutOfSchedule(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	office := &calendar.Calendar{Loc: paris, Weekly: []calendar.WeeklyRange{{
		Days: [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true},
		From: 9 * 60, To: 17 * 60}},
		Holidays: []calendar.DateRange{{From: calendar.Date{Month: 12, Day: 25}, To: calendar.Date{Month: 12, Day: 25}, Yearly: true}}}
	g := group("6000", strategy.RingAll, 5*time.Second, "1001")
	g.Schedule = office
	g.OutOfSchedule = engine.DestinationSpec{Type: engine.DestExtension, Value: "1009"}
	// Nothing sleeps until nine: the clock is set to each instant in turn.
	clk := clock.NewFake(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	records := make(chan cdr.Record, 8)
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "1009", "2000"), Groups: []engine.GroupSpec{g}},
		Hooks{Record: func(c cdr.Record) { records <- c }, Clock: clk})
	ms := registered(t, r, "1001", "1009")
	caller := siptest.NewAgent(t, "2000")

	for _, c := range []struct {
		name   string
		at     time.Time
		member int // who rings: 0 the group's member, 1 the out-of-schedule extension
	}{
		{"Wednesday 10:00", time.Date(2026, 11, 25, 10, 0, 0, 0, paris), 0},
		{"Wednesday 18:00", time.Date(2026, 11, 25, 18, 0, 0, 0, paris), 1},
		{"Saturday 10:00", time.Date(2026, 11, 28, 10, 0, 0, 0, paris), 1},
		{"Monday 09:00", time.Date(2026, 11, 30, 9, 0, 0, 0, paris), 0},
		{"Christmas, a Friday, 10:00", time.Date(2026, 12, 25, 10, 0, 0, 0, paris), 1},
	} {
		r.settle()
		clk.Set(c.at)
		for _, m := range ms { // days pass: the phones register again
			if res := m.Register(r.addr, "pw"+m.Ext, 600); res.StatusCode != 200 {
				t.Fatalf("%s: register %s: %d", c.name, m.Ext, res.StatusCode)
			}
		}
		call := caller.Dial(context.Background(), r.addr, "6000")
		inv := ms[c.member].WaitInvite(3 * time.Second)
		if c.member == 1 {
			if d := inv.GetHeader("Diversion"); d == nil || d.Value() != "<sip:6000@ringd.local>;reason=time-of-day" {
				t.Errorf("%s: Diversion = %v", c.name, d)
			}
		}
		ms[1-c.member].NoInvite(50 * time.Millisecond)
		if code := call.Wait(t, 3*time.Second); code != 200 {
			t.Fatalf("%s: caller got %d", c.name, code)
		}
		call.AckAndBye(t)
		rec := <-records
		want := "answered"
		if c.member == 1 {
			want = "out_of_schedule"
		}
		if rec.Outcome != want || !rec.Start.Equal(c.at) {
			t.Errorf("%s: record %s at %v, want %s at %v", c.name, rec.Outcome, rec.Start, want, c.at.UTC())
		}
	}
}
