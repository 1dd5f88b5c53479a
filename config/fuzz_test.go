package config

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse and, when they parse, to
// Compile: nothing may panic, and every failure is a non-empty Problems
// whose problems all say something.
func FuzzParse(f *testing.F) {
	f.Add(DemoYAML)
	f.Add([]byte(minimal))
	f.Add([]byte(manyMistakes))
	f.Add([]byte("a: &a\n  b: *a\n"))
	f.Add([]byte("ring_groups:\n  - &g { <<: *g }\n"))
	f.Add([]byte("---\n...\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err == nil {
			if c == nil {
				t.Fatal("nil Config without an error")
			}
			_, err = c.Compile(nil)
			_ = c.Listeners()
			_ = c.TrustedPrefixes()
		}
		if err == nil {
			return
		}
		var ps Problems
		if !errors.As(err, &ps) || len(ps) == 0 {
			t.Fatalf("error %T %v is not a non-empty Problems", err, err)
		}
		for _, p := range ps {
			if p.Message == "" {
				t.Fatalf("empty message in %v", ps)
			}
		}
	})
}

// FuzzScheduleParsers feeds arbitrary weekly and date ranges to the
// schedule parsers: a range they accept is within the day and the
// calendar, and a schedule made of them evaluates at any instant.
func FuzzScheduleParsers(f *testing.F) {
	for _, s := range [][2]string{
		{"mon-fri 09:00-17:00", "2026-12-24..2026-12-26"},
		{"fri-mon 22:00-06:00,13:00-24:00", "12-31..01-01"},
		{"sat 00:00-24:00", "02-29"},
		{"sun 9:00-17:00", "2026-02-30"},
		{"mon,wed,fri 08:00-08:00", "tomorrow"},
	} {
		f.Add(s[0], s[1], int64(1795600000e9))
	}
	f.Fuzz(func(t *testing.T, weekly, dates string, at int64) {
		w, msg := parseWeekly(weekly)
		if msg == "" {
			for _, sp := range w.spans {
				if sp.from < 0 || sp.to > 24*60 || sp.from == sp.to {
					t.Fatalf("%q gave span %v", weekly, sp)
				}
			}
		}
		d, dmsg := parseDates(dates)
		if dmsg == "" && !d.Yearly && d.To.Year < d.From.Year {
			t.Fatalf("%q gave a range that ends before it starts: %+v", dates, d)
		}
		c := Config{Schedules: []Schedule{
			{Name: "a", Type: "business_hours", Timezone: "Europe/Paris", Weekly: []string{weekly}, Dates: []string{dates}},
			{Name: "b", Type: "holidays", Timezone: "America/New_York", Dates: []string{dates}},
		}}
		for _, cal := range c.calendars() {
			_ = cal.Open(at)
		}
	})
}
