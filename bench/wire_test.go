package bench

import (
	"testing"
	"time"
)

func msg(start, via, cseq string) []byte {
	return []byte(start + "\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=" + via + ";rport, SIP/2.0/UDP 10.0.0.1;branch=zzz\r\n" +
		"v: SIP/2.0/UDP 1.2.3.4;branch=other\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\nv=0\r\nCSeq: body\r\n")
}

func TestPeek(t *testing.T) {
	m, ok := peek(msg("INVITE sip:6000@127.0.0.1 SIP/2.0", "z9hG4bK.a", "1 INVITE"))
	if !ok || !m.request || m.method != "INVITE" || m.branch != "z9hG4bK.a" || m.cseq != "1 INVITE" {
		t.Fatalf("%+v", m)
	}
	m, ok = peek(msg("SIP/2.0 486 Busy Here", "z9hG4bK.b", "2 BYE"))
	if !ok || m.request || m.code != 486 || m.method != "BYE" || m.branch != "z9hG4bK.b" {
		t.Fatalf("%+v", m)
	}
	if _, ok := peek([]byte("garbage")); ok {
		t.Fatal("garbage parsed")
	}
}

// TestWireCountsRetransmissions: a request sent twice is one
// retransmission; a final response received twice one duplicate; the same
// branch with another CSeq method (CANCEL) is a new request.
func TestWireCountsRetransmissions(t *testing.T) {
	w := newWire()
	inv := msg("INVITE sip:6000@x SIP/2.0", "b1", "1 INVITE")
	w.observe(false, true, inv)
	w.observe(false, true, inv)
	w.observe(false, true, inv)
	w.observe(false, true, msg("CANCEL sip:6000@x SIP/2.0", "b1", "1 CANCEL"))
	ok := msg("SIP/2.0 200 OK", "b1", "1 INVITE")
	w.observe(false, false, msg("SIP/2.0 180 Ringing", "b1", "1 INVITE"))
	w.observe(false, false, msg("SIP/2.0 180 Ringing", "b1", "1 INVITE"))
	w.observe(false, false, ok)
	w.observe(false, false, ok)
	w.observe(true, false, inv)
	w.observe(true, false, inv)
	w.observe(true, true, ok)
	w.observe(true, true, ok)
	s := w.snapshot()
	if s.Retransmitted["INVITE"] != 2 || s.Retransmitted["CANCEL"] != 0 || s.DuplicateFinal["INVITE"] != 1 ||
		s.MemberRetransReceived["INVITE"] != 1 || s.MemberResentFinal["INVITE"] != 1 ||
		s.MembersGot["INVITE"] != 1 || s.MembersFinal["INVITE 200"] != 1 || s.CallerSent != 4 || s.CallerReceived != 4 {
		t.Fatalf("%+v", s)
	}
	// Keys outlive one rotation, not two.
	w.rotated = time.Now().Add(-time.Minute)
	w.observe(false, true, inv)
	w.rotated = time.Now().Add(-time.Minute)
	w.observe(false, true, msg("BYE sip:x SIP/2.0", "b2", "2 BYE"))
	w.rotated = time.Now().Add(-time.Minute)
	w.observe(false, true, inv)
	if s := w.snapshot(); s.Retransmitted["INVITE"] != 3 {
		t.Fatalf("after rotations: %v", s.Retransmitted)
	}
}
