// Package clock is the SIP side's time: the Clock every package of sip
// reads the time and arms timers through (Real in production, Fake in
// tests, which move it by hand so that ring timelines, SIP timers and
// prompt pacing run without waiting), and Deadlines, the timers one
// goroutine waits on behind a single clock timer.
//
// It is a leaf: the standard library only.
package clock

import "time"

// Clock tells the time and makes timers.
type Clock interface {
	Now() time.Time
	// NewTimer returns a stopped timer.
	NewTimer() Timer
}

// Timer delivers the time on C once, when it fires.
type Timer interface {
	C() <-chan time.Time
	// Reset arms the timer to fire after d (at once when d <= 0), whether
	// it was armed or not; a time it delivered before and nobody read is
	// dropped.
	Reset(d time.Duration)
	// Stop disarms the timer; a time it delivered and nobody read is
	// dropped.
	Stop()
}

// Real is the system clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer() Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return realTimer{t}
}

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }

func (r realTimer) Reset(d time.Duration) { r.t.Reset(max(d, 0)) }

func (r realTimer) Stop() { r.t.Stop() }
