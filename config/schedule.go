package config

import (
	"strconv"
	"strings"
	"time"
)

// Schedule ranges are only parsed for now, to report mistakes early;
// evaluating them (engine.Schedule) is a later issue, which can build on
// these parsers.

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
// (24:00 may end a span; a span over midnight is two spans).
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
		case from >= to:
			return w, "time range " + strconv.Quote(part) + " ends before it starts (split a range over midnight in two)"
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

// dateRange is "2026-12-24..2026-12-26" (inclusive) or a single date.
type dateRange struct{ from, to time.Time }

func parseDates(s string) (dateRange, string) {
	a, b, isRange := strings.Cut(s, "..")
	if !isRange {
		b = a
	}
	from, err1 := time.Parse(time.DateOnly, strings.TrimSpace(a))
	to, err2 := time.Parse(time.DateOnly, strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return dateRange{}, "must be a date or a date range like \"2026-12-24..2026-12-26\", got " + strconv.Quote(s)
	}
	if to.Before(from) {
		return dateRange{}, "date range " + strconv.Quote(s) + " ends before it starts"
	}
	return dateRange{from, to}, ""
}
