package proxy

import "github.com/emiago/sipgo/sip"

// Fork sends one INVITE to several targets in parallel and combines the
// answers as RFC 3261 §16.7 asks: provisionals as they come, the first 2xx
// wins (the other branches get CANCEL), else the best failure once every
// branch has one. A fork is one leg of a call: every contact of an
// extension, or one URI.
//
// It is stepped by its owner on one goroutine (no lock): the owner hands
// it each response of a branch (Response), wakes a branch at the instant
// its transaction asks (Fire), and carries out what it decides through
// Owner.
type Fork struct {
	Branches []*Branch
	owner    Owner

	open      int // branches without a final response
	winner    *Branch
	cancelled bool   // no 2xx wanted any more
	reason    string // Reason header of the CANCELs
	// ElsewhereReason is the Reason of the CANCELs of the branches that
	// lost to another's 2xx: ReasonCompletedElsewhere unless the owner
	// says otherwise ("": none).
	ElsewhereReason string
	best            int  // best failure so far
	reported        bool // Answered or Failed was told
}

// Branch is one INVITE client transaction of a fork.
type Branch struct {
	*InviteTx
	Fork   *Fork
	Answer *sip.Response // its 2xx

	cancellable bool // a provisional came (RFC 3261 §9.1: only then may a CANCEL go)
	final       bool // it has its final response, or gave up
	cancelSent  bool
}

// Owner carries out what a fork decides, on the goroutine that steps it.
type Owner interface {
	// Send writes a request of branch b: its INVITE, a retransmission, the
	// ACK of its failure. A write that fails is reported with WriteFailed.
	Send(b *Branch, req *sip.Request)
	// Armed: b's transaction wants Fire at a new instant (InviteTx.Next),
	// or no more.
	Armed(b *Branch)
	// SendCancel sends the CANCEL of branch b (its own transaction).
	SendCancel(b *Branch, reason string)
	// Over: b's transaction is done; its deadline and its key may be
	// forgotten.
	Over(b *Branch)
	// Provisional: a branch sent 180/183 (not 100) while the fork rings.
	Provisional(res *sip.Response)
	// Answered: the first 2xx. The other branches are being cancelled.
	Answered(b *Branch, res *sip.Response)
	// Retransmitted: the winning 2xx again.
	Retransmitted(res *sip.Response)
	// Failed: every branch ended without a 2xx; code is the best failure.
	Failed(code int)
	// Release: a 2xx on b that nobody wants (another branch won, or the
	// fork was cancelled): acknowledge it and hang up.
	Release(b *Branch)
}

// NewFork makes a fork of one branch per request.
func NewFork(reqs []*sip.Request, owner Owner) *Fork {
	f := &Fork{owner: owner, open: len(reqs), Branches: make([]*Branch, 0, len(reqs)), ElsewhereReason: ReasonCompletedElsewhere}
	for _, r := range reqs {
		f.Branches = append(f.Branches, &Branch{InviteTx: NewInviteTx(r), Fork: f})
	}
	return f
}

// Start sends every branch's INVITE at now.
func (f *Fork) Start(now int64) {
	for _, b := range f.Branches {
		f.owner.Send(b, b.Req)
		if b.final { // the write failed at once
			continue
		}
		b.Start(now)
		f.owner.Armed(b)
	}
}

// Response hands the fork a response of branch b at now.
func (f *Fork) Response(b *Branch, res *sip.Response, now int64) {
	ev, ack := b.Receive(res, now)
	if ack != nil {
		f.owner.Send(b, ack)
	}
	f.owner.Armed(b)
	switch ev {
	case Provisional:
		// Any provisional, 100 Trying included, makes the branch
		// cancellable; 100 is hop-by-hop and not relayed.
		b.cancellable = true
		switch {
		case f.cancelled && !b.cancelSent && !b.final:
			f.cancel(b, now)
		case res.StatusCode > 100 && !f.reported && !f.cancelled:
			f.owner.Provisional(res)
		}
	case Success:
		b.final, b.Answer = true, res
		f.open--
		if f.winner != nil || f.cancelled {
			f.owner.Release(b)
			return
		}
		f.winner, f.reported = b, true
		f.cancelAll(f.ElsewhereReason, now)
		f.owner.Answered(b, res)
	case SuccessAgain:
		if f.winner == b {
			f.owner.Retransmitted(res)
		}
	case Failure:
		f.failed(b, res.StatusCode)
	}
}

// Fire runs branch b's timer due at now.
func (f *Fork) Fire(b *Branch, now int64) {
	switch b.InviteTx.Fire(now) {
	case Resend:
		f.owner.Send(b, b.Req)
	case TimedOut:
		f.owner.Over(b)
		f.failed(b, 408)
		return
	case Over:
		f.owner.Over(b)
		return
	}
	f.owner.Armed(b)
}

// WriteFailed: a request of branch b could not be written. Its INVITE not
// written before any answer came is a failure of the branch (503); an ACK
// lost is absorbed (the failure comes again).
func (f *Fork) WriteFailed(b *Branch, req *sip.Request) {
	if req != b.Req || b.final || b.state != calling {
		return
	}
	b.Stop()
	f.owner.Over(b)
	f.failed(b, 503)
}

// failed records a failure of branch b.
func (f *Fork) failed(b *Branch, code int) {
	if b.final {
		return
	}
	b.final = true
	f.open--
	f.best = betterFailure(f.best, code)
	if f.open == 0 && !f.reported && !f.cancelled {
		f.reported = true
		f.owner.Failed(f.best)
	}
}

// ReasonCompletedElsewhere is the Reason of the CANCELs of branches that
// lose to another branch of the same fork (RFC 3326).
const ReasonCompletedElsewhere = `SIP;cause=200;text="Call completed elsewhere"`

// Cancel stops the fork at now: CANCEL to every branch still ringing
// (once it has sent a provisional; a branch without one gets its CANCEL
// when its first provisional comes), and a 2xx arriving later is released.
// It does nothing once a branch has won.
func (f *Fork) Cancel(reason string, now int64) {
	if f.winner != nil || f.cancelled {
		return
	}
	f.cancelAll(reason, now)
}

func (f *Fork) cancelAll(reason string, now int64) {
	f.cancelled, f.reason = true, reason
	for _, b := range f.Branches {
		if !b.final && !b.cancelSent && b.cancellable {
			f.cancel(b, now)
		}
	}
}

func (f *Fork) cancel(b *Branch, now int64) {
	b.cancelSent = true
	b.Cancelled(now)
	f.owner.Armed(b)
	f.owner.SendCancel(b, f.reason)
}

// CancelOwed reports whether branch b is cancelled and waits for its
// first provisional before its CANCEL may go.
func (b *Branch) CancelOwed() bool {
	return b.Fork.cancelled && !b.final && !b.cancelSent && !b.cancellable
}

// Won returns the branch whose 2xx won, or nil.
func (f *Fork) Won() *Branch { return f.winner }

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
