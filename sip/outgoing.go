package sip

import (
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
)

// outgoing counts what ringd still owes the network as it stops: requests
// it originates (CANCEL, BYE, the ACK of an unwanted 2xx) that are on their
// way, and CANCELs waiting for a branch's first provisional (RFC 3261 §9.1
// forbids sending them earlier). Close lets them settle before it closes
// the transports, so a member cancelled at shutdown stops ringing.
type outgoing struct{ n atomic.Int64 }

func (o *outgoing) add()  { o.n.Add(1) }
func (o *outgoing) done() { o.n.Add(-1) }

// settle waits until nothing is owed or the time is up; false if it is up.
func (o *outgoing) settle(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for o.n.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// settleLimit bounds how long Close waits for what is owed: enough for a
// member to answer a CANCEL, not the 32 s of a transaction timeout.
const settleLimit = 2 * time.Second

// goSend runs send(req) on its own goroutine, counted as owed.
func (s *Server) goSend(req *sip.Request) {
	s.out.add()
	go func() {
		defer s.out.done()
		s.send(req)
	}()
}

// goWrite writes req (an ACK) once, without a transaction, counted as owed.
func (s *Server) goWrite(req *sip.Request) {
	s.out.add()
	go func() {
		defer s.out.done()
		_ = s.client.WriteRequest(req, prebuilt)
	}()
}
