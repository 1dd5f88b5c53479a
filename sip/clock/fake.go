package clock

import (
	"sync"
	"time"
)

// Fake is a clock that moves only when told (Advance, Set). Its timers
// fire, in time order, as the clock passes their instant. Safe for
// concurrent use.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

// NewFake returns a fake clock reading start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now implements Clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer implements Clock.
func (f *Fake) NewTimer() Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	f.timers = append(f.timers, t)
	return t
}

// Advance moves the clock forward by d, firing every timer due on the
// way, each at its own instant.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the clock forward to t (never back), firing every timer due
// on the way.
func (f *Fake) Set(t time.Time) {
	for {
		f.mu.Lock()
		next := f.due(t)
		if next == nil {
			if t.After(f.now) {
				f.now = t
			}
			f.mu.Unlock()
			return
		}
		if next.at.After(f.now) {
			f.now = next.at
		}
		next.armed = false
		now := f.now
		f.mu.Unlock()
		next.deliver(now)
	}
}

// due returns the earliest armed timer due at or before t. Lock held.
func (f *Fake) due(t time.Time) *fakeTimer {
	var first *fakeTimer
	for _, x := range f.timers {
		if x.armed && !x.at.After(t) && (first == nil || x.at.Before(first.at)) {
			first = x
		}
	}
	return first
}

type fakeTimer struct {
	f     *Fake
	c     chan time.Time
	at    time.Time
	armed bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Reset(d time.Duration) {
	t.f.mu.Lock()
	t.drain()
	t.at, t.armed = t.f.now.Add(max(d, 0)), true
	fire := d <= 0
	if fire {
		t.armed = false
	}
	now := t.f.now
	t.f.mu.Unlock()
	if fire {
		t.deliver(now)
	}
}

func (t *fakeTimer) Stop() {
	t.f.mu.Lock()
	t.armed = false
	t.drain()
	t.f.mu.Unlock()
}

// drain drops a time delivered and not read.
func (t *fakeTimer) drain() {
	select {
	case <-t.c:
	default:
	}
}

// deliver sends now on C, unless a time waits there already.
func (t *fakeTimer) deliver(now time.Time) {
	select {
	case t.c <- now:
	default:
	}
}
