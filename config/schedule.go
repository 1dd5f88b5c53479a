package config

import (
	"strconv"
	"strings"
	"time"

	"github.com/ringd/ringd/engine/calendar"
)

// Schedule ranges: parsed here (mistakes reported with their path) and
// turned into calendar.Calendar values, which the engine evaluates.

var dayNames = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// weeklyRange is "mon-fri 09:00-12:00,13:00-17:00": the days it applies on
// and the spans of the day, in minutes from midnight [from, to).
type weeklyRange struct {
	days  [7]bool // by time.Weekday
	spans []span
}

type span struct{ from, to int }

// parseWeekly parses a weekly range: comma-separated days or day ranges
// (ranges may wrap: fri-mon), a space, comma-separated HH:MM-HH:MM spans
// (24:00 may end a span). A span that ends before it starts runs past
// midnight: "mon-fri 22:00-06:00" opens Monday 22:00 and closes Tuesday
// 06:00, ..., Saturday 06:00.
func parseWeekly(s string) (weeklyRange, string) {
	var w weeklyRange
	f := strings.Fields(s)
	if len(f) != 2 {
		return w, "must look like \"mon-fri 09:00-17:00\", got " + strconv.Quote(s)
	}
	for _, part := range strings.Split(f[0], ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, ok := weekday(a)
		if !ok {
			return w, "unknown day " + strconv.Quote(a) + " (mon, tue, wed, thu, fri, sat, sun)"
		}
		to := from
		if isRange {
			if to, ok = weekday(b); !ok {
				return w, "unknown day " + strconv.Quote(b) + " (mon, tue, wed, thu, fri, sat, sun)"
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			w.days[d] = true
			if d == to {
				break
			}
		}
	}
	for _, part := range strings.Split(f[1], ",") {
		a, b, ok := strings.Cut(part, "-")
		from, okFrom := clock(a)
		to, okTo := clock(b)
		switch {
		case !ok || !okFrom || !okTo:
			return w, "times must look like 09:00-17:00, got " + strconv.Quote(part)
		case from == to || from == 24*60:
			return w, "time range " + strconv.Quote(part) + " is empty"
		}
		w.spans = append(w.spans, span{from, to})
	}
	return w, ""
}

func weekday(s string) (int, bool) {
	for i, n := range dayNames {
		if strings.EqualFold(s, n) {
			return i, true
		}
	}
	return 0, false
}

// clock parses HH:MM (00:00-24:00) into minutes.
func clock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

// parseDates parses "2026-12-24..2026-12-26" (inclusive) or a single date,
// or the same without the year, which recurs every year and may wrap over
// the new year: "12-24..12-26", "12-31..01-01", "05-01".
func parseDates(s string) (calendar.DateRange, string) {
	a, b, isRange := strings.Cut(s, "..")
	if !isRange {
		b = a
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	bad := "must be a date or a date range like \"2026-12-24..2026-12-26\" (or \"12-24..12-26\" every year), got " + strconv.Quote(s)
	if len(a) == len("12-24") && len(b) == len("12-24") {
		from, err1 := time.Parse("01-02", a)
		to, err2 := time.Parse("01-02", b)
		if err1 != nil || err2 != nil {
			return calendar.DateRange{}, bad
		}
		return calendar.DateRange{From: calendar.Date{Month: from.Month(), Day: from.Day()},
			To: calendar.Date{Month: to.Month(), Day: to.Day()}, Yearly: true}, ""
	}
	from, err1 := time.Parse(time.DateOnly, a)
	to, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return calendar.DateRange{}, bad
	}
	if to.Before(from) {
		return calendar.DateRange{}, "date range " + strconv.Quote(s) + " ends before it starts"
	}
	return calendar.DateRange{From: calendar.Date{Year: from.Year(), Month: from.Month(), Day: from.Day()},
		To: calendar.Date{Year: to.Year(), Month: to.Month(), Day: to.Day()}}, ""
}

// calendars builds an calendar.Calendar for each schedule that parses, by
// name. A business_hours schedule is open in its weekly ranges and closed
// on its own dates and on the dates of every holidays schedule (public
// holidays close every group that keeps business hours). A holidays
// schedule is open except on its dates. Dates are local dates in the time
// zone of the schedule that uses them.
func (c *Config) calendars() map[string]*calendar.Calendar {
	var holidays []calendar.DateRange
	for _, s := range c.Schedules {
		if s.Type == "holidays" {
			holidays = append(holidays, s.dateRanges()...)
		}
	}
	out := make(map[string]*calendar.Calendar, len(c.Schedules))
	for _, s := range c.Schedules {
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil || s.Timezone == "" || s.Timezone == "Local" {
			continue // Validate reports it
		}
		cal := &calendar.Calendar{Loc: loc, Holidays: s.dateRanges()}
		if s.Type == "business_hours" {
			cal.Holidays = append(cal.Holidays, holidays...)
			for _, w := range s.Weekly {
				wr, msg := parseWeekly(w)
				if msg != "" {
					continue
				}
				for _, sp := range wr.spans {
					cal.Weekly = append(cal.Weekly, calendar.WeeklyRange{Days: wr.days, From: sp.from, To: sp.to})
				}
			}
		}
		out[s.Name] = cal
	}
	return out
}

// dateRanges are the schedule's dates that parse.
func (s *Schedule) dateRanges() []calendar.DateRange {
	var out []calendar.DateRange
	for _, d := range s.Dates {
		if r, msg := parseDates(d); msg == "" {
			out = append(out, r)
		}
	}
	return out
}
