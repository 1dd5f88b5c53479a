package sip

import (
	"context"
	"errors"
	"sync"

	"github.com/emiago/sipgo/sip"
)

// forkHandler receives the combined outcome of a fork. Calls come from the
// goroutines that read the branches' responses (or their timers), never
// with the fork's lock held.
type forkHandler interface {
	// provisional: a branch sent 180/183 (not 100) while the fork still rings.
	provisional(f *fork, res *sip.Response)
	// answered: the first 2xx. The other branches are being cancelled.
	answered(f *fork, b *branch, res *sip.Response)
	// failed: every branch ended without a 2xx; code is the best failure.
	failed(f *fork, code int)
	// retransmitted: a retransmission of the winning 2xx.
	retransmitted(f *fork, res *sip.Response)
}

// fork sends one INVITE to several targets in parallel and combines the
// answers as RFC 3261 §16.7 asks: provisionals as they come, the first 2xx
// wins (the other branches get CANCEL), else the best failure once every
// branch has one. A fork is one ring-group leg (all contacts of a member) or
// one plain proxied call (an extension's contacts, a trunk, a service).
type fork struct {
	s *Server
	h forkHandler

	mu        sync.Mutex
	branches  []*branch
	open      int // branches without a final response
	winner    *branch
	cancelled bool   // no 2xx wanted any more
	reason    string // Reason header of the CANCELs
	best      int    // best failure so far
	reported  bool   // answered or failed was called
}

// branch is one INVITE client transaction of a fork.
type branch struct {
	req         *sip.Request
	tx          *inviteTx
	provisional bool
	final       bool
	cancelSent  bool
	cancelOwed  bool // cancelled before its first provisional: counted in Server.owed
	answer      *sip.Response
}

// startFork sends one copy of each request and reports to h. Each branch
// is sent from a short-lived goroutine; its responses then arrive through
// its transaction's callbacks.
func (s *Server) startFork(reqs []*sip.Request, h forkHandler) *fork {
	f := &fork{s: s, h: h, open: len(reqs)}
	for _, r := range reqs {
		f.branches = append(f.branches, &branch{req: r})
	}
	for _, b := range f.branches {
		go f.send(b)
	}
	return f
}

func (f *fork) send(b *branch) {
	tx, err := f.s.sendInvite(b.req, func(res *sip.Response) { f.response(b, res) }, func(err error) { f.ended(b, err) })
	if err != nil {
		f.s.log.Sugar().Debugw("branch not sent", "to", b.req.Recipient.String(), "error", err)
		f.final(b, 503)
		return
	}
	f.mu.Lock()
	b.tx = tx
	cancelNow := f.cancelled && b.provisional && !b.cancelSent
	f.mu.Unlock()
	if cancelNow {
		tx.cancelled()
	}
	tx.setOnRetransmission(func(res *sip.Response) {
		f.mu.Lock()
		won := f.winner == b
		f.mu.Unlock()
		if won {
			f.h.retransmitted(f, res)
		}
	})
}

// ended: branch b's transaction is over. After a final response (err nil)
// that response has been handled already; otherwise the member never
// answered in time (408) or could not be reached (503).
func (f *fork) ended(b *branch, err error) {
	if err == nil {
		return
	}
	code := 408
	if !errors.Is(err, errInviteTimeout) {
		code = 503
	}
	f.final(b, code)
}

func (f *fork) response(b *branch, res *sip.Response) {
	code := res.StatusCode
	switch {
	case code < 200:
		// Any provisional, 100 Trying included, makes the branch
		// cancellable (RFC 3261 §9.1); 100 is hop-by-hop and not reported.
		f.mu.Lock()
		b.provisional = true
		if f.cancelled && !b.cancelSent && !b.final {
			b.cancelSent = true
			reason := f.reason
			f.mu.Unlock()
			f.sendCancel(b, reason)
			f.mu.Lock()
			f.settleOwedLocked(b) // after goSend counted the CANCEL itself
			f.mu.Unlock()
			return
		}
		report := code > 100 && !f.reported && !f.cancelled
		f.mu.Unlock()
		if report {
			f.h.provisional(f, res)
		}
	case code < 300:
		f.mu.Lock()
		if b.final {
			f.mu.Unlock()
			return
		}
		b.final, b.answer = true, res
		f.settleOwedLocked(b)
		f.open--
		if f.winner != nil || f.cancelled {
			f.mu.Unlock()
			f.release(b)
			return
		}
		f.winner, f.reported = b, true
		cancels := f.cancelLocked(ReasonCompletedElsewhere)
		f.mu.Unlock()
		f.sendCancels(cancels, ReasonCompletedElsewhere)
		f.h.answered(f, b, res)
	default:
		f.final(b, code)
	}
}

// final records a failure of branch b.
func (f *fork) final(b *branch, code int) {
	f.mu.Lock()
	if b.final {
		f.mu.Unlock()
		return
	}
	b.final = true
	f.settleOwedLocked(b)
	f.open--
	f.best = betterFailure(f.best, code)
	fire := f.open == 0 && !f.reported && !f.cancelled
	if fire {
		f.reported = true
	}
	best := f.best
	f.mu.Unlock()
	if fire {
		f.h.failed(f, best)
	}
}

// ReasonCompletedElsewhere mirrors engine.ReasonCompletedElsewhere for
// branches that lose to another branch of the same fork.
const ReasonCompletedElsewhere = `SIP;cause=200;text="Call completed elsewhere"`

// cancel stops the fork: CANCEL to every branch still ringing (once it has
// sent a provisional), a 2xx arriving later is acknowledged and hung up.
// It does nothing once a branch has won.
func (f *fork) cancel(reason string) {
	f.mu.Lock()
	if f.winner != nil || f.cancelled {
		f.mu.Unlock()
		return
	}
	cancels := f.cancelLocked(reason)
	f.mu.Unlock()
	f.sendCancels(cancels, reason)
}

func (f *fork) cancelLocked(reason string) []*branch {
	f.cancelled, f.reason = true, reason
	var now []*branch
	for _, b := range f.branches {

		switch {
		case b.final || b.cancelSent:
		case b.provisional:
			b.cancelSent = true
			now = append(now, b)
		case !b.cancelOwed:
			b.cancelOwed = true
			f.s.owed.add()
		}
	}
	return now
}

func (f *fork) sendCancels(bs []*branch, reason string) {
	for _, b := range bs {
		f.sendCancel(b, reason)
	}
}

func (f *fork) sendCancel(b *branch, reason string) {
	f.mu.Lock()
	tx := b.tx
	f.mu.Unlock()
	if tx != nil {
		tx.cancelled()
	}
	f.s.goSend(cancelFor(b.req, reason))
}

// settleOwedLocked marks branch b's owed CANCEL as no longer owed (it is sent,
// or b has its final response). The caller holds f.mu.
func (f *fork) settleOwedLocked(b *branch) {
	if b.cancelOwed {
		b.cancelOwed = false
		f.s.owed.done()
	}
}

// send runs a request ringd originates (CANCEL, BYE) as a client
// transaction to its final response, and discards the answer. sent, if not
// nil, is called once the request has been written (or could not be).
func (s *Server) send(req *sip.Request, sent func()) {
	tx, err := s.client.TransactionRequest(context.Background(), req, prebuilt)
	if sent != nil {
		sent()
	}
	if err != nil {
		return
	}
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res.StatusCode >= 200 {
				return
			}
		case <-tx.Done():
			return
		}
	}
}

// release acknowledges a 2xx nobody wants and hangs the session up.
func (f *fork) release(b *branch) {
	res := b.answer
	if res == nil {
		return
	}
	ack := f.s.inDialogRequest(sip.ACK, b.req, res, b.req.CSeq().SeqNo)
	bye := f.s.inDialogRequest(sip.BYE, b.req, res, b.req.CSeq().SeqNo+1)
	f.s.sending.add()
	go func() {
		_ = f.s.client.WriteRequest(ack, prebuilt)
		f.s.send(bye, f.s.sending.done)
	}()
}

// releaseWinner hangs up the winning branch (its 2xx lost a race upstream).
func (f *fork) releaseWinner() {
	if w := f.won(); w != nil {
		f.release(w)
	}
}

// won returns the branch whose 2xx won, or nil.
func (f *fork) won() *branch {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.winner == nil || f.winner.answer == nil {
		return nil
	}
	return f.winner
}

// betterFailure picks the final response to pass on when every branch
// failed (RFC 3261 §16.7, simplified): 6xx first, then 486 Busy Here, then
// other 4xx, 3xx, 5xx, and a timeout last.
func betterFailure(a, b int) int {
	if a == 0 || failureRank(b) < failureRank(a) {
		return b
	}
	return a
}

func failureRank(code int) int {
	switch {
	case code >= 600:
		return 0
	case code == 486:
		return 1
	case code == 408:
		return 5
	case code >= 500:
		return 4
	case code >= 400:
		return 2
	case code >= 300:
		return 3
	}
	return 6
}
