package media

import (
	"net"
	"net/netip"
)

// Bridge connects two parties through two of ringd's ports, for a call
// ringd answered on both sides (a pickup): what A sends to port a goes to
// B from port b, and what B sends to port b goes to A from port a. Each
// direction is a Relay with one leg, so the latching (symmetric RTP) and
// the rewriting of each stream are the paging relay's.
type Bridge struct {
	ab, ba *Relay
}

// NewBridge starts relaying between A (reached at addrA, its SDP's
// address, talking to port a) and B (addrB, port b).
func NewBridge(a, b *net.UDPConn, addrA, addrB netip.AddrPort) *Bridge {
	br := &Bridge{ab: newRelay(a, b, addrA), ba: newRelay(b, a, addrB)}
	br.ab.Add(addrB)
	br.ba.Add(addrA)
	go br.ab.Run()
	go br.ba.Run()
	return br
}

// Close stops both directions and waits for them; the ports stay open.
func (br *Bridge) Close() {
	br.ab.Close()
	br.ba.Close()
}

// Stats adds up both directions' counters (see Relay.Stats).
func (br *Bridge) Stats() (received, relayed, dropped uint64) {
	r1, s1, d1 := br.ab.Stats()
	r2, s2, d2 := br.ba.Stats()
	return r1 + r2, s1 + s2, d1 + d2
}
