package sip

import (
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/strategy"
)

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
		q.states = make(map[string]strategy.MemberState, len(snap.Extensions))
		for i, x := range snap.Extensions {
			if x.Number != "" {
				q.states[x.Number] = d.eng.Member(strategy.ExtID(i))
			}
		}
	}
	close(q.done)
}
