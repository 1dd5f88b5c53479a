package sip

import (
	"time"

	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/strategy"
)

// MemberNow is an extension's state now, as routing sees it.
type MemberNow struct {
	State strategy.MemberState
	// WrapUpUntil is when its wrap-up ends (zero: not in a wrap-up).
	WrapUpUntil time.Time
}

// answer answers a question from outside the driver.
func (d *driver) answer(q *query) {
	switch q.kind {
	case qCalls:
		d.eng.Calls(func(v cdr.LiveCall) { q.calls = append(q.calls, v) })
	case qGroupCalls:
		q.n = d.eng.GroupCalls()
	case qMember:
		if id, ok := d.eng.Snapshot().Extension(q.ext); ok {
			q.state = d.eng.Member(id)
		}
	case qBusy:
		q.busy = d.dialogs.Busy(q.ext)
	case qConnected:
		q.n = d.dialogs.Len()
	case qPending:
		q.n = len(d.requests)
	case qRemembered:
		q.n = d.remembered
	case qMembers:
		snap := d.eng.Snapshot()
		q.states = make(map[string]MemberNow, len(snap.Extensions))
		now := d.now()
		for i, x := range snap.Extensions {
			if x.Number == "" {
				continue
			}
			m := MemberNow{State: d.eng.Member(strategy.ExtID(i))}
			if until, ok := d.eng.WrapUpUntil(strategy.ExtID(i), now); ok {
				m.WrapUpUntil = d.base.Add(time.Duration(until))
			}
			q.states[x.Number] = m
		}
	}
	close(q.done)
}
