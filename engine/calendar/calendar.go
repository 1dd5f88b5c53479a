// Package calendar evaluates the schedules of the config file: weekly
// opening ranges and closed dates in one time zone. A *Calendar implements
// engine.Schedule (a ring group's schedule, a sequential-ring criterion's);
// config builds one for each schedule of the file.
//
// The package is pure: standard library only, no clock reads, no I/O (the
// time zone is loaded by the caller). It must not import engine or any
// other ringd package (cmd/ringd/imports_test.go enforces it).
package calendar

import "time"

// Calendar is a schedule the engine can evaluate: weekly opening ranges
// and closed dates, read in one time zone's local wall clock. Reading the
// local clock is what makes it right across daylight-saving changes: a
// range 09:00-17:00 opens at nine local time whatever the offset, a range
// over the hour that is skipped in spring is shorter that day, and one
// over the hour that repeats in autumn is open in both. The time zone is
// loaded by the caller (config); evaluation does no I/O and keeps no clock.
type Calendar struct {
	Loc      *time.Location // nil means UTC
	Weekly   []WeeklyRange  // when it is open; none: every day, all day
	Holidays []DateRange    // local dates it is closed on, whatever Weekly says
}

// WeeklyRange is open on the listed days from From to To, in minutes
// after local midnight. To <= From runs past midnight: it opens at From
// on a listed day and closes at To on the day after (22:00-06:00).
type WeeklyRange struct {
	Days     [7]bool // by time.Weekday, the day the range opens
	From, To int     // 0-1440
}

// DateRange is a span of local dates, both ends included. A yearly range
// compares month and day only and may wrap over the new year
// (12-31..01-01).
type DateRange struct {
	From, To Date
	Yearly   bool
}

// Date is a calendar date (Year is ignored in a yearly range).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Open implements engine.Schedule.
func (c *Calendar) Open(unixNano int64) bool {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	t := time.Unix(0, unixNano).In(loc)
	y, m, d := t.Date()
	today := Date{y, m, d}
	for i := range c.Holidays {
		if c.Holidays[i].holds(today) {
			return false
		}
	}
	if len(c.Weekly) == 0 {
		return true
	}
	wd, now := t.Weekday(), t.Hour()*60+t.Minute()
	for i := range c.Weekly {
		if c.Weekly[i].holds(wd, now) {
			return true
		}
	}
	return false
}

// holds reports whether the range is open at minute now of weekday wd.
func (r *WeeklyRange) holds(wd time.Weekday, now int) bool {
	if r.From < r.To {
		return r.Days[wd] && now >= r.From && now < r.To
	}
	// Past midnight: the evening of a listed day, or the morning after one.
	return r.Days[wd] && now >= r.From || r.Days[(wd+6)%7] && now < r.To
}

// holds reports whether date d falls in the range.
func (r *DateRange) holds(d Date) bool {
	if !r.Yearly {
		return !d.before(r.From) && !r.To.before(d)
	}
	md := func(x Date) int { return int(x.Month)*32 + x.Day }
	from, to, at := md(r.From), md(r.To), md(d)
	if from <= to {
		return at >= from && at <= to
	}
	return at >= from || at <= to // wraps over the new year
}

func (d Date) before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}
