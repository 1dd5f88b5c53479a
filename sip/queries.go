package sip

import (
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/strategy"
)

// query is a question from outside the driver (the admin API, tests),
// answered on the driver goroutine (evQuery).
type query struct {
	kind  queryKind
	ext   string // qMember, qBusy
	calls []cdr.LiveCall
	n     int
	state strategy.MemberState
	busy  bool
	done  chan struct{}
}

type queryKind uint8

const (
	qCalls      queryKind = iota // the group calls in progress (GET /calls)
	qGroupCalls                  // how many group calls are in progress
	qMember                      // an extension's state as the engine knows it
	qBusy                        // whether an extension is on a call
	qConnected                   // how many calls are connected
)

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
	}
	close(q.done)
}
