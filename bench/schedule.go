package bench

import (
	"math"
	"time"
)

// schedule is the open-loop launch plan: call k (from 0) is due at a fixed
// offset from the start, whatever happened to the calls before it.
// Constant rate r: t_k = k/r. Linear ramp from a to b calls/s over D: the
// rate at t is a + (b-a)·t/D, so N(t) = a·t + (b-a)·t²/(2D) calls are due by
// t and call k is due at the t where N(t) = k.
type schedule struct {
	from, to float64       // calls/s at the start and at the end (equal: constant rate)
	window   time.Duration // 0 = no time limit
	calls    int           // 0 = no count limit
}

func newSchedule(c Config) schedule {
	s := schedule{from: c.Rate, to: c.Rate, window: c.Duration, calls: c.Calls}
	if c.Ramp {
		s.from, s.to = c.RampFrom, c.RampTo
	}
	return s
}

// due returns when call k is due, and false when k is past the end of the
// run (count or window).
func (s schedule) due(k int) (time.Duration, bool) {
	if s.calls > 0 && k >= s.calls {
		return 0, false
	}
	var t float64 // seconds
	slope := 0.0  // calls/s²
	if s.window > 0 {
		slope = (s.to - s.from) / s.window.Seconds()
	}
	switch {
	case k == 0:
		t = 0
	case slope == 0:
		t = float64(k) / s.from
	default:
		// slope/2·t² + from·t - k = 0, the positive root, written so that it
		// stays exact when from is 0 and does not cancel when slope < 0.
		t = 2 * float64(k) / (s.from + math.Sqrt(s.from*s.from+2*slope*float64(k)))
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return 0, false // a falling ramp that reaches 0 before k calls
		}
	}
	d := time.Duration(t * float64(time.Second))
	if s.window > 0 && d >= s.window {
		return 0, false
	}
	return d, true
}

// end is where the launch window closes once calls 0..n-1 were due: the
// window's end, or when call n would have been due.
func (s schedule) end(n int) time.Duration {
	u := s
	u.calls = 0
	if d, ok := u.due(n); ok {
		return d
	}
	return s.window
}

// rate is the target rate at offset t.
func (s schedule) rate(t time.Duration) float64 {
	if s.window <= 0 || s.from == s.to {
		return s.from
	}
	f := min(max(t.Seconds()/s.window.Seconds(), 0), 1)
	return s.from + (s.to-s.from)*f
}

// expected is how many calls the schedule launches in all (-1: unbounded).
func (s schedule) expected() int {
	if s.window <= 0 {
		return s.calls
	}
	n := int(math.Ceil((s.from + s.to) / 2 * s.window.Seconds()))
	if s.calls > 0 {
		n = min(n, s.calls)
	}
	return n
}
