package media

import (
	"encoding/binary"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// maxPacket is the largest RTP packet relayed; longer datagrams are
// dropped (they would not fit an Ethernet MTU anyway).
const maxPacket = 1500

// Relay carries one source's RTP to many legs, for paging: the caller's
// audio goes to every member that answered. Each leg is its own RTP
// stream: its own random SSRC, sequence number and timestamp bases.
//
// The packet path takes no lock: the legs are a copy-on-write slice
// behind an atomic pointer, so Add and Remove may be called from any
// goroutine at any time.
type Relay struct {
	conn    *net.UDPConn   // where the source's packets arrive
	out     *net.UDPConn   // where the legs' copies leave from: conn, or the other port of a bridge
	src     netip.AddrPort // where the source's packets come from (Run's goroutine only)
	latched bool           // src is settled: a packet came from it

	mu   sync.Mutex // serialises Add and Remove
	legs atomic.Pointer[[]*relayLeg]

	scratch [maxPacket]byte // Forward's output buffer

	received, relayed, dropped atomic.Uint64

	closed  atomic.Bool
	started atomic.Bool
	done    chan struct{} // closed when Run returns
}

// relayLeg is one destination. Only the goroutine calling Forward touches
// its mutable fields after Add has published it.
type relayLeg struct {
	to     netip.AddrPort
	ssrc   uint32
	seq0   uint16 // the leg's first sequence number
	ts0    uint32 // the leg's first timestamp
	begun  bool   // a packet has been sent to the leg
	inSeq0 uint16 // the source's sequence number of that first packet
	inTS0  uint32 // the source's timestamp of that first packet
}

// NewRelay relays the RTP packets that arrive on conn from the source to
// every leg added. src is the address the source's SDP names; as phones
// behind NAT send from another address than the one they announce, the
// relay latches onto the address of the first packet that arrives
// (symmetric RTP) and drops packets from any other address from then on.
// Start it with go r.Run().
func NewRelay(conn *net.UDPConn, src netip.AddrPort) *Relay { return newRelay(conn, conn, src) }

func newRelay(in, out *net.UDPConn, src netip.AddrPort) *Relay {
	r := &Relay{conn: in, out: out, src: unmapAddrPort(src), done: make(chan struct{})}
	r.legs.Store(&[]*relayLeg{})
	return r
}

// Add starts relaying to a leg. The first packet it gets carries the
// marker bit; after it, sequence numbers and timestamps keep the source's
// deltas. Adding a leg that is already there does nothing.
func (r *Relay) Add(to netip.AddrPort) {
	to = unmapAddrPort(to)
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.legs.Load()
	for _, l := range old {
		if l.to == to {
			return
		}
	}
	l := &relayLeg{to: to, seq0: uint16(rand.Uint32()), ts0: rand.Uint32()}
	for l.ssrc == 0 || ssrcTaken(old, l.ssrc) {
		l.ssrc = rand.Uint32()
	}
	legs := make([]*relayLeg, len(old), len(old)+1)
	copy(legs, old)
	legs = append(legs, l)
	r.legs.Store(&legs)
}

// Remove stops relaying to a leg; removing an unknown leg does nothing.
func (r *Relay) Remove(to netip.AddrPort) {
	to = unmapAddrPort(to)
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.legs.Load()
	legs := make([]*relayLeg, 0, len(old))
	for _, l := range old {
		if l.to != to {
			legs = append(legs, l)
		}
	}
	if len(legs) != len(old) {
		r.legs.Store(&legs)
	}
}

func ssrcTaken(legs []*relayLeg, ssrc uint32) bool {
	for _, l := range legs {
		if l.ssrc == ssrc {
			return true
		}
	}
	return false
}

// Run reads packets from conn and relays them until Close is called or
// reading fails. Call it once, in its own goroutine.
func (r *Relay) Run() {
	r.started.Store(true)
	defer close(r.done)
	if r.closed.Load() {
		return
	}
	var buf [maxPacket + 1]byte // one spare byte shows an oversized datagram
	for {
		n, from, err := r.conn.ReadFromUDPAddrPort(buf[:])
		if err != nil {
			return // closed, Close's deadline, or a failed socket
		}
		if from = unmapAddrPort(from); from != r.src && !r.latched {
			r.src = from // symmetric RTP: the source is where its packets come from
		}
		if from != r.src || n > maxPacket {
			r.received.Add(1)
			r.dropped.Add(1)
			continue
		}
		r.latched = true
		r.Forward(buf[:n])
	}
}

// Close stops Run and waits until it has returned (if it was started).
// It does not close conn, which belongs to the caller (give the Port
// back with Port.Close); it ends Run's read with a read deadline in the
// past, so reads on conn fail from then on. Safe to call more than once.
func (r *Relay) Close() {
	r.closed.Store(true)
	_ = r.conn.SetReadDeadline(time.Unix(1, 0))
	if r.started.Load() {
		<-r.done
	}
}

// Forward relays one packet from the source to every leg. It checks that
// the packet is RTP version 2 with at least the 12-byte fixed header
// (CSRCs and header extensions are copied as they are), rewrites the
// sequence number, timestamp and SSRC for each leg in a buffer of the
// relay and sends it. It does not allocate. Run calls it; it must not be
// called from two goroutines at once.
func (r *Relay) Forward(pkt []byte) {
	r.received.Add(1)
	if len(pkt) < 12 || len(pkt) > maxPacket || pkt[0]>>6 != 2 {
		r.dropped.Add(1)
		return
	}
	out := r.scratch[:len(pkt)]
	copy(out, pkt)
	b1 := pkt[1]
	seq := binary.BigEndian.Uint16(pkt[2:])
	ts := binary.BigEndian.Uint32(pkt[4:])
	var sent uint64
	for _, l := range *r.legs.Load() {
		out[1] = b1
		if !l.begun {
			l.begun, l.inSeq0, l.inTS0 = true, seq, ts
			out[1] |= 0x80 // marker: the leg's stream starts here
		}
		binary.BigEndian.PutUint16(out[2:], l.seq0+(seq-l.inSeq0))
		binary.BigEndian.PutUint32(out[4:], l.ts0+(ts-l.inTS0))
		binary.BigEndian.PutUint32(out[8:], l.ssrc)
		if _, err := r.out.WriteToUDPAddrPort(out, l.to); err == nil {
			sent++
		}
	}
	r.relayed.Add(sent)
}

// Stats are the relay's counters: datagrams received on conn, copies sent
// to legs, and datagrams dropped (wrong source address, not RTP, too
// long).
func (r *Relay) Stats() (received, relayed, dropped uint64) {
	return r.received.Load(), r.relayed.Load(), r.dropped.Load()
}

func unmapAddrPort(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}
