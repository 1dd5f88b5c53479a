package proxy

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/clock"
)

// RequestTx is a non-INVITE client transaction (RFC 3261 §17.1.2) of a
// request ringd originates and whose answer it does not need: the CANCEL
// of a leg, the BYE of a call it hangs up. It retransmits on UDP (Timer E,
// from T1 doubling up to T2), gives up after 64*T1 (Timer F), and absorbs
// the response. Like InviteTx it is stepped by its owner on one goroutine.
type RequestTx struct {
	clock.Deadline
	Req *sip.Request
	Key string

	reliable bool
	done     bool
	interval int64
	resendAt int64 // Timer E (0: off)
	giveUpAt int64 // Timer F (0: off)
	forgetAt int64 // Timer K (0: off)
}

// NewRequestTx is the transaction of req; Start it once req is written.
func NewRequestTx(req *sip.Request) *RequestTx {
	branch, _ := req.Via().Params.Get("branch")
	return &RequestTx{Req: req, Key: branch, reliable: sip.IsReliable(req.Transport()), interval: int64(sip.T1)}
}

// Start arms the timers of a request written at now.
func (tx *RequestTx) Start(now int64) {
	if !tx.reliable {
		tx.resendAt = now + tx.interval
	}
	tx.giveUpAt = now + int64(64*sip.T1)
}

// Next is the instant the transaction wants Fire.
func (tx *RequestTx) Next() (int64, bool) { return earliest(tx.resendAt, tx.giveUpAt, tx.forgetAt) }

// Receive takes a response at now: a provisional stretches the
// retransmissions to T2; a final one ends the transaction once its
// retransmissions have been absorbed.
func (tx *RequestTx) Receive(res *sip.Response, now int64) {
	switch {
	case tx.done:
	case res.StatusCode < 200:
		if tx.resendAt != 0 {
			tx.interval = int64(sip.T2)
			tx.resendAt = now + tx.interval
		}
	default:
		tx.done = true
		tx.resendAt, tx.giveUpAt, tx.forgetAt = 0, 0, now
		if !tx.reliable {
			tx.forgetAt += int64(sip.T4)
		}
	}
}

// Fire runs the timer due at now: Resend (write Req again), or Over (the
// transaction gave up, or has absorbed what it had to).
func (tx *RequestTx) Fire(now int64) Event {
	switch {
	case tx.giveUpAt != 0 && now >= tx.giveUpAt, tx.forgetAt != 0 && now >= tx.forgetAt:
		tx.done = true
		tx.resendAt, tx.giveUpAt, tx.forgetAt = 0, 0, 0
		return Over
	case tx.resendAt != 0 && now >= tx.resendAt:
		tx.interval = min(2*tx.interval, int64(sip.T2))
		tx.resendAt = now + tx.interval
		return Resend
	}
	return Absorbed
}
