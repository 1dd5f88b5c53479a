package sip

import (
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"
)

// pending counts things ringd still owes the network as it stops, so that
// Close can let them finish before it closes the transports and a member
// cancelled at shutdown stops ringing. Server has two: requests ringd
// originates (CANCEL, BYE, the ACK of an unwanted 2xx) that are not written
// yet, and CANCELs waiting for a branch's first provisional response (RFC
// 3261 §9.1 forbids sending them earlier).
type pending struct{ n atomic.Int64 }

func (p *pending) add()  { p.n.Add(1) }
func (p *pending) done() { p.n.Add(-1) }

// settle waits until nothing is pending or the time is up; false if it is up.
func (p *pending) settle(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for p.n.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// Close waits this long for owed CANCELs: a member that answers at all sends
// its 100 or 180 within T1 (500 ms). One that never answers (unplugged,
// black-holed) keeps its CANCEL owed until its INVITE times out, so the
// wait is short.
const owedLimit = 500 * time.Millisecond

// sendLimit bounds Close's wait for requests to be written.
const sendLimit = 2 * time.Second

// settleOutgoing is Close's wait: first for owed CANCELs, as a provisional
// arriving now sends one, then for every request to be written.
func (s *Server) settleOutgoing() {
	s.owed.settle(owedLimit)
	if !s.sending.settle(sendLimit) {
		s.log.Warn("closing with requests not yet written", zap.Int64("requests", s.sending.n.Load()))
	}
}

// goSend runs send(req) on its own goroutine, pending until it has been
// written: its retransmissions and its answer are not waited for at Close.
func (s *Server) goSend(req *sip.Request) {
	s.sending.add()
	go s.send(req, s.sending.done)
}

// goWrite writes req (an ACK) once, without a transaction, pending until
// it has been written.
func (s *Server) goWrite(req *sip.Request) {
	s.sending.add()
	go func() {
		defer s.sending.done()
		_ = s.client.WriteRequest(req, prebuilt)
	}()
}
