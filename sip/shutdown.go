package sip

import (
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
)

// How long the driver, stopping, waits for what it owes the network: the
// requests its writers have not written yet, and the CANCELs that wait
// for a branch's first provisional (RFC 3261 §9.1 forbids sending them
// earlier). A member that answers at all sends its 100 or 180 within T1
// (500 ms); one that never answers (unplugged, black-holed) would keep its
// CANCEL owed until its INVITE times out, so that wait is short.
const (
	owedLimit = 500 * time.Millisecond
	sendLimit = 2 * time.Second
)

// shutdown ends the calls ringd still carries as it stops, so that each
// leaves its record: a call still ringing (the grace period is over) is
// aborted - its legs cancelled, the caller answered 503 - and a connected
// one, whose BYE ringd will not see, ends now; pages and greetings hang
// up. The driver then returns once what it owes is sent (stopping).
func (d *driver) shutdown() {
	if d.stopping != nil {
		return
	}
	now := d.now()
	d.stopping = &stopping{owedUntil: now + int64(owedLimit), sendUntil: now + int64(sendLimit)}
	for _, g := range d.greets {
		d.endGreeting(g, true)
	}
	for id := range d.pages {
		d.endPage(id)
	}
	ringing, connected := 0, 0
	for id, c := range d.calls {
		if c.final {
			connected++
		} else {
			ringing++
		}
		d.feed(engine.Event{Kind: engine.EvAbort, At: now, Call: id, Code: 503})
	}
	if ringing+connected > 0 {
		d.log.Info("calls ended at shutdown", zap.Int("ringing", ringing), zap.Int("connected", connected))
	}
}

// over reports whether a stopping driver may return: nothing owed, or
// the time to wait for it is up. Until then its deadline wakes the driver
// to look again.
func (s *stopping) over(d *driver) bool {
	now := d.now()
	owed := now < s.owedUntil && d.owedCancels() > 0
	sending := now < s.sendUntil && d.send.pending > 0
	if !owed && !sending {
		if d.send.pending > 0 {
			d.log.Warn("closing with requests not yet written", zap.Int("requests", d.send.pending))
		}
		return true
	}
	if owed {
		d.timers.Set(s, s.owedUntil)
	} else {
		d.timers.Set(s, s.sendUntil)
	}
	return false
}

// owedCancels counts the branches cancelled before their first
// provisional.
func (d *driver) owedCancels() int {
	n := 0
	for _, b := range d.branches {
		if b.CancelOwed() {
			n++
		}
	}
	return n
}

// tellDrainers closes the channels of Drain once no call rings.
func (d *driver) tellDrainers() {
	if len(d.drainers) == 0 {
		return
	}
	for _, c := range d.calls {
		if !c.final {
			return
		}
	}
	for _, ch := range d.drainers {
		close(ch)
	}
	d.drainers = nil
}
