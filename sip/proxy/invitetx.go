package proxy

import (
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/clock"
)

// Timers of ringd's own client transactions (RFC 3261 §17.1).
const (
	// TimerC bounds how long a forwarded INVITE may ring without a final
	// answer (RFC 3261 §16.6 step 11): longer than any ring time ringd
	// allows.
	TimerC = 11 * time.Minute
	// Linger is how long a finished transaction stays to absorb
	// retransmissions (RFC 3261's Timers D, K and M; 32 s by the RFC).
	// Five seconds, as Kamailio's tm keeps its finished transactions,
	// cover the retransmissions a peer sends after a lost reply (at T1,
	// 2*T1, 4*T1, ... of 500 ms); at 500 calls/s the RFC's 32 s would hold
	// ~16,000 calls' worth of messages.
	Linger = 5 * time.Second
)

// Event is what an input means for the owner of a client transaction.
type Event uint8

const (
	Absorbed     Event = iota // nothing for the owner (a retransmitted failure, a late response)
	Provisional               // a 1xx
	Success                   // the first 2xx
	SuccessAgain              // the 2xx again (the callee did not get the ACK yet)
	Failure                   // a final failure (>= 300)
	TimedOut                  // no final response in time: as 408
	Resend                    // a retransmission is due: write the request again
	Over                      // the transaction is done: forget it
)

type txState uint8

const (
	calling    txState = iota // sent, nothing back yet (Timer A retransmits on UDP, Timer B gives up)
	proceeding                // a provisional came (Timer C gives up)
	completed                 // a final failure came and was acknowledged; retransmissions of it are acknowledged again
	accepted                  // a 2xx came; its retransmissions go to the owner until Timer M
	terminated
)

// InviteTx is ringd's own INVITE client transaction (RFC 3261 §17.1.1)
// for the INVITEs it forwards. sipgo's one builds the ACK of a non-2xx
// final response with every Via of the INVITE, where §17.1.1.3 wants
// exactly one (ringd's): members would see the caller's Via in ringd's
// ACK.
//
// It has no goroutine, lock or timer of its own: its owner hands it every
// response (Receive), wakes it at the instant Next gives (Fire), and
// writes what it asks to be written, all on one goroutine. Times are
// nanoseconds on the owner's time line.
type InviteTx struct {
	clock.Deadline
	Req *sip.Request
	Key string // the branch of ringd's Via

	state    txState
	reliable bool
	interval time.Duration // Timer A's next interval
	resendAt int64         // Timer A (0: off)
	giveUpAt int64         // Timer B, C or the wait after a CANCEL (0: off)
	forgetAt int64         // Timer D or M (0: off)
	ack      *sip.Request  // the ACK of the final failure
}

// NewInviteTx is the transaction of a forwarded INVITE; Start it once the
// INVITE is written.
func NewInviteTx(req *sip.Request) *InviteTx {
	branch, _ := req.Via().Params.Get("branch")
	return &InviteTx{Req: req, Key: branch, reliable: sip.IsReliable(req.Transport()), interval: sip.T1}
}

// Start arms the timers of an INVITE written at now: A (retransmissions,
// on UDP) and B.
func (tx *InviteTx) Start(now int64) {
	if !tx.reliable {
		tx.resendAt = now + int64(tx.interval)
	}
	tx.giveUpAt = now + int64(64*sip.T1)
}

// Next is the instant the transaction wants Fire.
func (tx *InviteTx) Next() (int64, bool) { return earliest(tx.resendAt, tx.giveUpAt, tx.forgetAt) }

// Receive takes a response at now. It returns what the response means and
// a request to write: the ACK of a final failure (again when the failure
// comes again).
func (tx *InviteTx) Receive(res *sip.Response, now int64) (Event, *sip.Request) {
	code := res.StatusCode
	switch tx.state {
	case calling, proceeding:
		switch {
		case code < 200:
			if tx.state == calling {
				tx.state = proceeding
				tx.resendAt, tx.giveUpAt = 0, now+int64(TimerC)
			}
			return Provisional, nil
		case code < 300:
			tx.state = accepted
			tx.resendAt, tx.giveUpAt, tx.forgetAt = 0, 0, now+int64(Linger) // Timer M
			return Success, nil
		default:
			tx.state = completed
			tx.ack = tx.ackFor(res)
			tx.resendAt, tx.giveUpAt, tx.forgetAt = 0, 0, now // Timer D: 0 on a reliable transport
			if !tx.reliable {
				tx.forgetAt += int64(Linger)
			}
			return Failure, tx.ack
		}
	case completed:
		if code >= 300 {
			return Absorbed, tx.ack // the final again: our ACK was lost
		}
	case accepted:
		if code >= 200 && code < 300 {
			return SuccessAgain, nil
		}
	}
	return Absorbed, nil
}

// Fire runs the timer due at now: a timeout (then the transaction is
// over), a retransmission (Resend: write Req again), or the end of its
// linger (Over).
func (tx *InviteTx) Fire(now int64) Event {
	switch {
	case tx.giveUpAt != 0 && now >= tx.giveUpAt:
		tx.Stop()
		return TimedOut
	case tx.resendAt != 0 && now >= tx.resendAt:
		tx.interval *= 2
		tx.resendAt = now + int64(tx.interval)
		return Resend
	case tx.forgetAt != 0 && now >= tx.forgetAt:
		tx.Stop()
		return Over
	}
	return Absorbed
}

// Cancelled bounds the wait for the final response once a CANCEL went out
// at now: a callee that never answers it is given up after 64*T1 (RFC 3261
// §9.1).
func (tx *InviteTx) Cancelled(now int64) {
	if tx.state == calling || tx.state == proceeding {
		tx.giveUpAt = min(nonZero(tx.giveUpAt), now+int64(64*sip.T1))
	}
}

// Ended reports whether the transaction is over.
func (tx *InviteTx) Ended() bool { return tx.state == terminated }

// Stop ends the transaction at once: it timed out, its linger is over, or
// its request could not be written.
func (tx *InviteTx) Stop() {
	tx.state = terminated
	tx.resendAt, tx.giveUpAt, tx.forgetAt = 0, 0, 0
}

// ackFor builds the ACK of a final failure (RFC 3261 §17.1.1.3), with the
// response's To (and so its tag).
func (tx *InviteTx) ackFor(res *sip.Response) *sip.Request {
	to := res.To()
	if to == nil {
		to = tx.Req.To()
	}
	return sameTransaction(tx.Req, sip.ACK, to)
}

// earliest is the smallest of the instants that are set (not 0).
func earliest(ts ...int64) (int64, bool) {
	at, ok := int64(0), false
	for _, t := range ts {
		if t != 0 && (!ok || t < at) {
			at, ok = t, true
		}
	}
	return at, ok
}

// nonZero maps 0 (off) to the largest instant, for min.
func nonZero(t int64) int64 {
	if t == 0 {
		return 1<<63 - 1
	}
	return t
}
