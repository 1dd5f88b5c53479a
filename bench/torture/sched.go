package torture

import "time"

// tortureSend is one message to send over one transport.
type tortureSend struct {
	msg       *TortureMessage
	transport string
	variant   bool
	raw       []byte
}

// planTorture orders the sends in passes: every message over UDP, then
// over each stream transport - TCP, TLS, WebSocket (each followed by its
// 6000 copy) - then the 6000 copies over UDP, so that a copy mostly comes
// after the UDP original's transaction is gone (see TortureConfig.Linger)
// without waiting after every message; the scheduler holds back the rest.
func planTorture(msgs []TortureMessage, transports []string) []tortureSend {
	has := map[string]bool{}
	for _, t := range transports {
		has[t] = true
	}
	var sends, later []tortureSend
	if has["udp"] {
		for i := range msgs {
			sends = append(sends, tortureSend{&msgs[i], "udp", false, msgs[i].Raw})
			if v, ok := msgs[i].Variant(); ok {
				later = append(later, tortureSend{&msgs[i], "udp", true, v})
			}
		}
	}
	for _, tr := range []string{"tcp", "tls", "ws"} {
		if !has[tr] {
			continue
		}
		for i := range msgs {
			sends = append(sends, tortureSend{&msgs[i], tr, false, msgs[i].Raw})
			if v, ok := msgs[i].Variant(); ok {
				sends = append(sends, tortureSend{&msgs[i], tr, true, v})
			}
		}
	}
	return append(sends, later...)
}

// scheduler hands out a run's sends in plan order, except that a send
// whose transaction ringd may still hold gives way: sipgo keeps a UDP
// server transaction for Linger after its final response, and an INVITE
// transaction whose failure was not acknowledged until Timer H on any
// transport (LingerUnacked), and matches
// requests to it by Via branch, sent-by and CSeq method only (txKey), so
// a copy over TCP, a 6000 copy, or another torture message reusing the
// branch (baddn and badvers, cparam01 and cparam02, ...) sent sooner would
// be taken for a retransmission and answered over the first one's
// transport, or not at all.
type scheduler struct {
	pending []tortureSend
	freeAt  map[string]time.Time // by txKey: when ringd lets its transaction go
	holder  map[string]string    // by txKey: the file whose send holds it
}

func newScheduler(sends []tortureSend) *scheduler {
	return &scheduler{pending: sends, freeAt: map[string]time.Time{}, holder: map[string]string{}}
}

// next takes the first pending send whose key is free at now; when none
// is, the one that frees first, with how long to wait and the file that
// holds its key. ok is false when nothing is left.
func (s *scheduler) next(now time.Time) (send tortureSend, wait time.Duration, holder string, ok bool) {
	if len(s.pending) == 0 {
		return tortureSend{}, 0, "", false
	}
	best := -1
	var bestFree time.Time
	for i, p := range s.pending {
		key := txKey(p.raw)
		free := now
		if t, held := s.freeAt[key]; held && t.After(now) {
			free = t
		}
		if !free.After(now) {
			best, bestFree = i, now
			break
		}
		if best < 0 || free.Before(bestFree) {
			best, bestFree = i, free
		}
	}
	send = s.pending[best]
	s.pending = append(s.pending[:best:best], s.pending[best+1:]...)
	if wait = bestFree.Sub(now); wait > 0 {
		holder = s.holder[txKey(send.raw)]
	}
	return send, wait, holder, true
}

// sent notes that ringd holds send's transaction from at on, for hold.
func (s *scheduler) sent(send tortureSend, at time.Time, hold time.Duration) {
	key := txKey(send.raw)
	s.freeAt[key] = at.Add(hold)
	s.holder[key] = send.msg.File
}
