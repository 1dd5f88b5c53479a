package udpsink

import (
	"strings"
	"testing"
	"time"
)

func TestSinkStatsCountsMethodsAndLegs(t *testing.T) {
	s := SinkStats{InviteCalls: map[string]bool{}}
	inv := func(id string) []byte {
		return []byte("INVITE sip:1002@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1\r\ni: " + id + "\r\nCSeq: 1 INVITE\r\n\r\nv=0\r\nCall-ID: body\r\n")
	}
	now := time.Unix(1700000000, 123456000)
	for _, b := range [][]byte{inv("a"), inv("a"), inv("b"), []byte("CANCEL sip:x SIP/2.0\r\n\r\n"), []byte("ACK sip:x SIP/2.0\r\n\r\n"), []byte("junk")} {
		s.add(b, now)
	}
	got := s.Summary()
	for _, want := range []string{"datagrams=6 ", "invites=3 ", "invite_calls=2 ", "cancels=1 ", "acks=1 ", "byes=0 ", "other=1 ", "first=1700000000.123456 "} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q lacks %q", got, want)
		}
	}
	if h := sipHeader(inv("x"), "Call-ID", "i"); h != "x" {
		t.Errorf("compact Call-ID: %q", h)
	}
}
