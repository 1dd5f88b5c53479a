package calendar

import (
	"testing"
	"time"
)

func weekly(from, to int, days ...time.Weekday) WeeklyRange {
	r := WeeklyRange{From: from, To: to}
	for _, d := range days {
		r.Days[d] = true
	}
	return r
}

func hm(h, m int) int { return h*60 + m }

var monFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func TestCalendarOpen(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	office := &Calendar{Loc: london, Weekly: []WeeklyRange{weekly(hm(9, 0), hm(12, 0), monFri...), weekly(hm(13, 0), hm(17, 0), monFri...)}}
	night := &Calendar{Loc: newYork, Weekly: []WeeklyRange{weekly(hm(22, 0), hm(6, 0), monFri...)}}
	christmas := &Calendar{Loc: london, Weekly: office.Weekly, Holidays: []DateRange{
		{From: Date{2026, 12, 24}, To: Date{2026, 12, 26}},
		{From: Date{0, 12, 31}, To: Date{0, 1, 1}, Yearly: true},
	}}
	closedDays := &Calendar{Loc: newYork, Holidays: []DateRange{{From: Date{2026, 7, 4}, To: Date{2026, 7, 4}}}}
	nyEarly := &Calendar{Loc: newYork, Weekly: []WeeklyRange{weekly(hm(1, 0), hm(3, 30), time.Sunday)}}
	nyRepeat := &Calendar{Loc: newYork, Weekly: []WeeklyRange{weekly(hm(1, 0), hm(1, 30), time.Sunday)}}
	ukEarly := &Calendar{Loc: london, Weekly: []WeeklyRange{weekly(hm(0, 0), hm(1, 30), time.Sunday)}}
	utc := func(y int, mo time.Month, d, h, m int) time.Time { return time.Date(y, mo, d, h, m, 0, 0, time.UTC) }
	local := func(loc *time.Location, y int, mo time.Month, d, h, m int) time.Time {
		return time.Date(y, mo, d, h, m, 0, 0, loc)
	}

	for _, c := range []struct {
		name string
		cal  *Calendar
		at   time.Time
		open bool
	}{
		{"weekday morning", office, local(london, 2026, 11, 25, 10, 0), true},           // Wednesday
		{"lunch break", office, local(london, 2026, 11, 25, 12, 30), false},             // between the two ranges
		{"closing minute", office, local(london, 2026, 11, 25, 17, 0), false},           // To is excluded
		{"last minute", office, local(london, 2026, 11, 25, 16, 59), true},              //
		{"saturday", office, local(london, 2026, 11, 28, 10, 0), false},                 //
		{"sunday", office, local(london, 2026, 11, 29, 10, 0), false},                   //
		{"other zone, same instant", office, utc(2026, 7, 1, 8, 30), true},              // 09:30 BST
		{"before opening in summer", office, utc(2026, 7, 1, 7, 30), false},             // 08:30 BST
		{"overnight, evening", night, local(newYork, 2026, 11, 27, 23, 0), true},        // Friday 23:00
		{"overnight, morning after", night, local(newYork, 2026, 11, 28, 3, 0), true},   // Saturday 03:00, from Friday
		{"overnight, after closing", night, local(newYork, 2026, 11, 28, 6, 0), false},  // Saturday 06:00
		{"overnight, sunday night", night, local(newYork, 2026, 11, 29, 23, 0), false},  // Sunday not listed
		{"overnight, monday morning", night, local(newYork, 2026, 11, 30, 3, 0), false}, // Sunday not listed
		{"overnight, tuesday morning", night, local(newYork, 2026, 12, 1, 3, 0), true},  // from Monday
		{"overnight, daytime", night, local(newYork, 2026, 12, 1, 12, 0), false},        //
		{"holiday beats business hours", christmas, local(london, 2026, 12, 24, 10, 0), false},
		{"day before the holiday", christmas, local(london, 2026, 12, 23, 10, 0), true},
		{"last holiday", christmas, local(london, 2026, 12, 26, 23, 59), false},
		{"after the holidays", christmas, local(london, 2026, 12, 28, 10, 0), true}, // Monday
		{"yearly, new year's eve", christmas, local(london, 2030, 12, 31, 10, 0), false},
		{"yearly, new year's day", christmas, local(london, 2027, 1, 1, 10, 0), false},
		{"yearly, 2 january", christmas, local(london, 2027, 1, 4, 10, 0), true}, // Monday
		{"holiday is local: still 3 July in New York", closedDays, utc(2026, 7, 4, 3, 0), true},
		{"holiday is local: 4 July in New York", closedDays, utc(2026, 7, 4, 5, 0), false},
		{"no weekly ranges: open", closedDays, utc(2026, 7, 6, 5, 0), true},
		// New York springs forward on 8 March 2026 at 02:00 EST (07:00 UTC).
		{"NY spring: 01:30 EST", nyEarly, utc(2026, 3, 8, 6, 30), true},
		{"NY spring: 03:00 EDT, an instant later than 01:59", nyEarly, utc(2026, 3, 8, 7, 0), true},
		{"NY spring: 03:30 EDT closes", nyEarly, utc(2026, 3, 8, 7, 30), false},
		// New York falls back on 1 November 2026: 01:00-02:00 happens twice.
		{"NY fall: 01:15 EDT", nyRepeat, utc(2026, 11, 1, 5, 15), true},
		{"NY fall: 01:45 EDT", nyRepeat, utc(2026, 11, 1, 5, 45), false},
		{"NY fall: 01:15 EST, the second time", nyRepeat, utc(2026, 11, 1, 6, 15), true},
		{"NY fall: 01:45 EST", nyRepeat, utc(2026, 11, 1, 6, 45), false},
		// London springs forward on 29 March 2026 at 01:00 GMT: 01:00-02:00 never happens.
		{"UK spring: 00:45 GMT", ukEarly, utc(2026, 3, 29, 0, 45), true},
		{"UK spring: 02:15 BST", ukEarly, utc(2026, 3, 29, 1, 15), false},
		// London falls back on 25 October 2026 at 02:00 BST (01:00 UTC).
		{"UK fall: Saturday 09:00 BST", office, utc(2026, 10, 24, 8, 0), false}, // a Saturday anyway
		{"UK fall: Monday 08:30 GMT", office, utc(2026, 10, 26, 8, 30), false},
		{"UK fall: Monday 09:00 GMT", office, utc(2026, 10, 26, 9, 0), true},
		{"UK fall: Friday 09:00 BST", office, utc(2026, 10, 23, 8, 0), true},
	} {
		if got := c.cal.Open(c.at.UnixNano()); got != c.open {
			t.Errorf("%s (%s): open = %v, want %v", c.name, c.at.In(c.cal.Loc).Format("Mon 2006-01-02 15:04 MST"), got, c.open)
		}
	}
}

func TestCalendarOpenAllocatesNothing(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	c := &Calendar{Loc: loc, Weekly: []WeeklyRange{weekly(hm(9, 0), hm(17, 0), monFri...)},
		Holidays: []DateRange{{From: Date{0, 5, 1}, To: Date{0, 5, 1}, Yearly: true}}}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, loc).UnixNano()
	if n := testing.AllocsPerRun(100, func() { c.Open(at) }); n != 0 {
		t.Errorf("Open allocates %v times", n)
	}
}
