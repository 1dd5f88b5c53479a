package sip

import "sync"

// inbox is the driver's event queue. Putting never blocks (sipgo's
// transaction callbacks post from inside its locks) and never starts a
// goroutine. It is bounded where the network fills it: a new call is
// refused when arrivalLimit events wait already (the caller gets 503 with
// Retry-After), and a response to one of ringd's own transactions is
// dropped, as a lost datagram (its sender retransmits it), when
// networkLimit wait. What changes the state of a call ringd already
// carries - a CANCEL, the end of a transaction, the ACK or BYE of a
// connected call, a write done, a question of the admin API - is bounded
// by the calls and transactions in flight (and, from the network, by the
// flood protection), and always taken.
type inbox struct {
	mu     sync.Mutex
	items  []event
	spare  []event
	closed bool
	bell   chan struct{} // rung (without blocking) when items become non-empty
}

// How many waiting events refuse what more the network brings.
const (
	arrivalLimit = 4096
	networkLimit = 4 * arrivalLimit
)

// admission is how an event is let into the inbox.
type admission uint8

const (
	always  admission = iota // bounded by what is in flight: always taken
	arrival                  // a new call: refused beyond arrivalLimit
	network                  // a message from the network: dropped beyond networkLimit
)

func newInbox() *inbox { return &inbox{bell: make(chan struct{}, 1)} }

// put queues ev unless the inbox is full for its admission, or closed; it
// reports whether ev was taken.
func (q *inbox) put(ev event, a admission) bool {
	q.mu.Lock()
	n := len(q.items)
	if q.closed || a == arrival && n >= arrivalLimit || a == network && n >= networkLimit {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, ev)
	q.mu.Unlock()
	if n == 0 {
		select {
		case q.bell <- struct{}{}:
		default:
		}
	}
	return true
}

// take returns every waiting event, in order, and empties the inbox. The
// slice is the inbox's own until the next take.
func (q *inbox) take() []event {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	clear(q.spare)
	q.items, q.spare = q.spare[:0], items
	return items
}

// close refuses every event from now on.
func (q *inbox) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
}
