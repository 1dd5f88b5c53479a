package sip

import "github.com/ringd/ringd/engine/cdr"

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
	}
	close(q.done)
}
