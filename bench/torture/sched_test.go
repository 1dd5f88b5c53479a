package torture

import (
	"testing"
	"time"
)

// A send whose transaction key ringd still holds gives way to the next
// free one, and waits only when nothing else is free.
func TestTortureScheduler(t *testing.T) {
	a := &TortureMessage{File: "a.dat", Raw: []byte("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\n\r\n")}
	b := &TortureMessage{File: "b.dat", Raw: []byte("OPTIONS sip:y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 2 OPTIONS\r\n\r\n")}
	c := &TortureMessage{File: "c.dat", Raw: []byte("OPTIONS sip:z SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nCSeq: 1 OPTIONS\r\n\r\n")}
	s := newScheduler([]tortureSend{{a, "udp", false, a.Raw}, {b, "udp", false, b.Raw}, {c, "udp", false, c.Raw}})
	t0 := time.Unix(1000, 0)
	next := func(now time.Time, file string, wait time.Duration) {
		t.Helper()
		got, w, _, ok := s.next(now)
		if !ok || got.msg.File != file || w != wait {
			t.Fatalf("next at %v: %s, wait %v (ok %v); want %s, wait %v", now.Sub(t0), got.msg.File, w, ok, file, wait)
		}
		s.sent(got, now, 33*time.Second)
	}
	next(t0, "a.dat", 0)
	next(t0.Add(time.Second), "c.dat", 0) // b.dat shares a.dat's key: c.dat first
	next(t0.Add(2*time.Second), "b.dat", 31*time.Second)
	if _, _, _, ok := s.next(t0); ok {
		t.Fatal("a send left over")
	}
}
