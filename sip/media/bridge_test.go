package media

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/ringd/ringd/sip/clock"
)

// A bridge carries each party's RTP to the other, from the port the other
// party talks to, both ways at once.
func TestBridgeRelaysBothWaysFromTheOtherPort(t *testing.T) {
	a, b := listen(t), listen(t)         // the two parties
	portA, portB := listen(t), listen(t) // ringd's two ports
	br := NewBridge(portA, portB, addrOf(a), addrOf(b))
	defer br.Close()

	for i := 0; i < 5; i++ {
		if _, err := a.WriteToUDPAddrPort(rtpPacket(i, uint16(100+i), uint32(160*i), false), addrOf(portA)); err != nil {
			t.Fatal(err)
		}
		if _, err := b.WriteToUDPAddrPort(rtpPacket(50+i, uint16(900+i), uint32(160*i), false), addrOf(portB)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		reader   func() ([]byte, string)
		from     string
		firstIdx int
	}{
		{"A to B", readFrom(t, b), addrOf(portB).String(), 0},
		{"B to A", readFrom(t, a), addrOf(portA).String(), 50},
	} {
		for i := 0; i < 5; i++ {
			pkt, from := tc.reader()
			if pkt == nil {
				t.Fatalf("%s: packet %d never came", tc.name, i)
			}
			if from != tc.from {
				t.Errorf("%s: packet from %s, want ringd's other port %s", tc.name, from, tc.from)
			}
			if got := int(binary.BigEndian.Uint32(pkt[16:])); got != tc.firstIdx+i {
				t.Errorf("%s: packet %d carries %d", tc.name, i, got)
			}
		}
	}
	if rcv, rel, drop := br.Stats(); rcv != 10 || rel != 10 || drop != 0 {
		t.Errorf("stats received %d relayed %d dropped %d", rcv, rel, drop)
	}
}

// readFrom reads one datagram at a time from c (waiting up to a second,
// real time: the network): its bytes and its source, nil when none came.
func readFrom(t *testing.T, c interface {
	SetReadDeadline(time.Time) error
	ReadFromUDPAddrPort([]byte) (int, netip.AddrPort, error)
}) func() ([]byte, string) {
	return func() ([]byte, string) {
		buf := make([]byte, 2048)
		if err := c.SetReadDeadline(clock.Real().Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			return nil, ""
		}
		return buf[:n], from.String()
	}
}
