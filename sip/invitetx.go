package sip

import (
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// inviteTx is ringd's own INVITE client transaction (RFC 3261 §17.1.1) for
// the INVITEs it forwards. sipgo's one builds the ACK of a non-2xx final
// response with every Via of the INVITE, where §17.1.1.3 wants exactly one
// (ringd's): members would see the caller's Via in ringd's ACK. Responses
// reach it through sipgo's handler for responses that match no sipgo
// transaction; CANCEL, BYE and the rest still use sipgo's transactions.
//
// It has no goroutine of its own: responses are handed to onResponse on the
// goroutine that read them (sipgo's, one per message), and its end (a
// timeout, or the linger after a final response) to onEnd on a timer's.
// Ten thousand ringing legs are ten thousand structs, not ten thousand
// stacks.
type inviteTx struct {
	s          *Server
	req        *sip.Request
	key        string
	onResponse func(*sip.Response)
	onEnd      func(error) // nil error: ended after its final response

	mu        sync.Mutex
	state     txState
	err       error
	ack       *sip.Request
	timers    []*time.Timer
	intervalA time.Duration
	onRetrans func(*sip.Response)
}

type txState uint8

const (
	txCalling    txState = iota // sent, nothing back yet (Timer A retransmits on UDP, Timer B gives up)
	txProceeding                // a provisional came
	txCompleted                 // a final failure came and was ACKed; Timer D absorbs its retransmissions
	txAccepted                  // a 2xx came; its retransmissions go to onRetrans until Timer M
	txTerminated
)

// timerC bounds how long a forwarded INVITE may ring without a final
// answer (RFC 3261 §16.6 step 11): longer than any ring time ringd allows.
const timerC = 11 * time.Minute

var errInviteTimeout = errors.New("INVITE: no final response in time")

// sendInvite sends a forwarded INVITE and starts its transaction, which
// reports every response to onResponse and its end to onEnd.
func (s *Server) sendInvite(req *sip.Request, onResponse func(*sip.Response), onEnd func(error)) (*inviteTx, error) {
	branch, _ := req.Via().Params.Get("branch")
	tx := &inviteTx{s: s, req: req, key: branch, onResponse: onResponse, onEnd: onEnd, intervalA: sip.T1}
	s.invites.Store(branch, tx)
	if err := s.client.WriteRequest(req, prebuilt); err != nil {
		s.invites.Delete(branch)
		return nil, err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if !sip.IsReliable(req.Transport()) {
		tx.armA()
	}
	tx.after(64*sip.T1, func() { tx.timeout(txCalling) }) // Timer B
	return tx, nil
}

// onUnmatchedResponse receives every response sipgo's transaction layer
// does not know: those of ringd's own INVITE transactions.
func (s *Server) onUnmatchedResponse(res *sip.Response) {
	cseq, via := res.CSeq(), res.Via()
	if cseq == nil || via == nil || cseq.MethodName != sip.INVITE {
		return
	}
	branch, _ := via.Params.Get("branch")
	if tx, ok := s.invites.Load(branch); ok {
		tx.(*inviteTx).receive(res)
	}
}

func (tx *inviteTx) armA() {
	d := tx.intervalA
	tx.intervalA *= 2
	tx.after(d, func() {
		tx.mu.Lock()
		calling := tx.state == txCalling
		if calling {
			tx.armA()
		}
		tx.mu.Unlock()
		if calling {
			_ = tx.s.client.WriteRequest(tx.req, prebuilt)
		}
	})
}

// after runs f after d unless the transaction ends first. Lock held.
func (tx *inviteTx) after(d time.Duration, f func()) {
	tx.timers = append(tx.timers, time.AfterFunc(d, f))
}

func (tx *inviteTx) receive(res *sip.Response) {
	code := res.StatusCode
	tx.mu.Lock()
	switch tx.state {
	case txCalling, txProceeding:
		switch {
		case code < 200:
			if tx.state == txCalling {
				tx.state = txProceeding
				tx.after(timerC, func() { tx.timeout(txProceeding) })
			}
		case code < 300:
			tx.state = txAccepted
			tx.after(linger, func() { tx.terminate(nil) }) // Timer M
		default:
			tx.state = txCompleted
			tx.ack = tx.ackFor(res)
			d := linger // Timer D
			if sip.IsReliable(tx.req.Transport()) {
				d = 0
			}
			tx.after(d, func() { tx.terminate(nil) })
		}
		ack := tx.ack
		tx.mu.Unlock()
		if ack != nil && code >= 300 {
			_ = tx.s.client.WriteRequest(ack, prebuilt)
		}
		tx.onResponse(res)
	case txCompleted:
		ack := tx.ack
		tx.mu.Unlock()
		if code >= 300 {
			_ = tx.s.client.WriteRequest(ack, prebuilt) // the final again: our ACK was lost
		}
	case txAccepted:
		f := tx.onRetrans
		tx.mu.Unlock()
		if code >= 200 && code < 300 && f != nil {
			f(res)
		}
	default:
		tx.mu.Unlock()
	}
}

// ackFor builds the ACK of a final failure (RFC 3261 §17.1.1.3), with the
// response's To (and so its tag).
func (tx *inviteTx) ackFor(res *sip.Response) *sip.Request {
	to := res.To()
	if to == nil {
		to = tx.req.To()
	}
	return sameTransaction(tx.req, sip.ACK, to)
}

// timeout ends the transaction with errInviteTimeout if it is still in
// state st when its timer fires.
func (tx *inviteTx) timeout(st txState) {
	tx.mu.Lock()
	still := tx.state == st
	tx.mu.Unlock()
	if still {
		tx.terminate(errInviteTimeout)
	}
}

func (tx *inviteTx) terminate(err error) {
	tx.mu.Lock()
	if tx.state == txTerminated {
		tx.mu.Unlock()
		return
	}
	tx.state, tx.err = txTerminated, err
	for _, t := range tx.timers {
		t.Stop()
	}
	tx.mu.Unlock()
	tx.s.invites.Delete(tx.key)
	tx.onEnd(err)
}

// cancelled bounds the wait for the final answer once a CANCEL went out:
// a UAS that never answers it is given up after 64*T1 (RFC 3261 §9.1).
func (tx *inviteTx) cancelled() {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.state == txProceeding || tx.state == txCalling {
		tx.after(64*sip.T1, func() {
			tx.mu.Lock()
			still := tx.state == txProceeding || tx.state == txCalling
			tx.mu.Unlock()
			if still {
				tx.terminate(errInviteTimeout)
			}
		})
	}
}

func (tx *inviteTx) setOnRetransmission(f func(*sip.Response)) {
	tx.mu.Lock()
	tx.onRetrans = f
	tx.mu.Unlock()
}

func (tx *inviteTx) failure() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return tx.err
}

// localAddr is the address ringd's requests leave from on UDP: its
// listener, so that they come from the port their Via names.
func (s *Server) localAddr(transport string) sip.Addr {
	if strings.ToUpper(transport) != "UDP" {
		return sip.Addr{}
	}
	host, port := s.advertised("UDP")
	ip := net.ParseIP(host)
	if ip == nil {
		return sip.Addr{}
	}
	return sip.Addr{IP: ip, Port: port}
}
