package media

import (
	"encoding/binary"
	"net"
	"net/netip"
	"testing"
	"time"
)

// rtpPacket is a source RTP packet with a CSRC and a 4-byte payload
// carrying i.
func rtpPacket(i int, seq uint16, ts uint32, marker bool) []byte {
	b := make([]byte, 12+4+4)
	b[0] = 0x81 // version 2, one CSRC
	b[1] = 8
	if marker {
		b[1] |= 0x80
	}
	binary.BigEndian.PutUint16(b[2:], seq)
	binary.BigEndian.PutUint32(b[4:], ts)
	binary.BigEndian.PutUint32(b[8:], 0xCAFEBABE)
	binary.BigEndian.PutUint32(b[12:], 0x01020304) // CSRC
	binary.BigEndian.PutUint32(b[16:], uint32(i))
	return b
}

// relayed is what a leg got: header fields and the payload index.
type relayed struct {
	seq    uint16
	ts     uint32
	ssrc   uint32
	marker bool
	pt     byte
	csrc   uint32
	i      int
}

func readRelayed(t *testing.T, c *net.UDPConn, n int) []relayed {
	t.Helper()
	var out []relayed
	for _, r := range readPackets(t, c, n, time.Second) {
		b := r.pkt
		if len(b) != 20 || b[0] != 0x81 {
			t.Fatalf("relayed packet % x", b)
		}
		out = append(out, relayed{
			seq: binary.BigEndian.Uint16(b[2:]), ts: binary.BigEndian.Uint32(b[4:]),
			ssrc: binary.BigEndian.Uint32(b[8:]), marker: b[1]&0x80 != 0, pt: b[1] & 0x7F,
			csrc: binary.BigEndian.Uint32(b[12:]), i: int(binary.BigEndian.Uint32(b[16:])),
		})
	}
	return out
}

// startRelay runs a relay on a fresh socket for source src.
func startRelay(t *testing.T, src *net.UDPConn) (*Relay, *net.UDPConn) {
	t.Helper()
	conn := listen(t)
	r := NewRelay(conn, addrOf(src))
	go r.Run()
	t.Cleanup(r.Close)
	return r, conn
}

// source sends packets [from,to) to the relay: the sequence wraps past
// 65535, timestamps step by 160 with a jump of 800 after packet 30 (a
// silence gap), marker on packet 0 and 31.
func source(t *testing.T, src *net.UDPConn, relay *net.UDPConn, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		ts := uint32(4294967000 + 160*i)
		if i > 30 {
			ts += 800
		}
		if _, err := src.WriteToUDPAddrPort(rtpPacket(i, uint16(65500+i), ts, i == 0 || i == 31), addrOf(relay)); err != nil {
			t.Fatal(err)
		}
	}
}

// checkLeg checks that got are source packets [from, from+len) with the
// leg's own SSRC, consecutive sequence numbers and the source's timestamp
// deltas, the marker on the first packet and where the source had it.
func checkLeg(t *testing.T, name string, got []relayed, from, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%s: %d packets, want %d", name, len(got), n)
	}
	f := got[0]
	srcTS := func(i int) uint32 {
		ts := uint32(4294967000 + 160*i)
		if i > 30 {
			ts += 800
		}
		return ts
	}
	for k, p := range got {
		i := from + k
		if p.i != i || p.ssrc != f.ssrc || p.pt != 8 || p.csrc != 0x01020304 {
			t.Fatalf("%s packet %d: %+v", name, k, p)
		}
		if p.seq != f.seq+uint16(k) || p.ts-f.ts != srcTS(i)-srcTS(from) {
			t.Fatalf("%s packet %d: seq %d ts %d, first %d %d", name, k, p.seq, p.ts, f.seq, f.ts)
		}
		if p.marker != (k == 0 || i == 31) {
			t.Errorf("%s packet %d (source %d): marker %v", name, k, i, p.marker)
		}
	}
	if f.ssrc == 0xCAFEBABE {
		t.Errorf("%s: source SSRC kept", name)
	}
}

func TestRelay(t *testing.T) {
	src := listen(t)
	r, conn := startRelay(t, src)
	legs := []*net.UDPConn{listen(t), listen(t), listen(t)}
	for _, l := range legs {
		r.Add(addrOf(l))
	}
	r.Add(addrOf(legs[0])) // twice: no second stream

	source(t, src, conn, 0, 1)
	// Once the source has sent, a stranger's packet is dropped.
	stranger := listen(t)
	firsts := make([][]relayed, len(legs))
	for i, l := range legs {
		firsts[i] = readRelayed(t, l, 1)
	}
	if _, err := stranger.WriteToUDPAddrPort(rtpPacket(-1, 1, 1, false), addrOf(conn)); err != nil {
		t.Fatal(err)
	}
	source(t, src, conn, 1, 100)

	ssrcs := map[uint32]bool{}
	for i, l := range legs {
		got := append(firsts[i], readRelayed(t, l, 99)...) // the stranger's packet would have come second
		checkLeg(t, "leg "+string(rune('A'+i)), got, 0, 100)
		ssrcs[got[0].ssrc] = true
		leg := (*r.legs.Load())[i]
		if got[0].seq != leg.seq0 || got[0].ts != leg.ts0 {
			t.Errorf("leg %d starts at %d/%d, want its bases %d/%d", i, got[0].seq, got[0].ts, leg.seq0, leg.ts0)
		}
	}
	if len(ssrcs) != 3 {
		t.Errorf("legs share SSRCs: %v", ssrcs)
	}
	waitStats(t, r, 101, 300, 1)
}

// A source whose SDP names another address than the one it sends from
// (a phone behind NAT) is latched onto at its first packet.
func TestRelayLatchesOntoTheSource(t *testing.T) {
	src := listen(t)
	announced := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), addrOf(src).Port()+1) // nobody sends from there
	conn := listen(t)
	r := NewRelay(conn, announced)
	go r.Run()
	t.Cleanup(r.Close)
	leg := listen(t)
	r.Add(addrOf(leg))
	source(t, src, conn, 0, 10)
	checkLeg(t, "leg", readRelayed(t, leg, 10), 0, 10)
	stranger := listen(t)
	if _, err := stranger.WriteToUDPAddrPort(rtpPacket(10, 1, 1, false), addrOf(conn)); err != nil {
		t.Fatal(err)
	}
	waitStats(t, r, 11, 10, 1)
}

// waitStats waits (up to a second) for the relay's counters to reach the
// values given: a leg may read a packet before Forward has counted it.
func waitStats(t *testing.T, r *Relay, received, relayed, dropped uint64) {
	t.Helper()
	for range 1000 {
		rec, rel, drop := r.Stats()
		if rec == received && rel == relayed && drop == dropped {
			return
		}
		time.Sleep(time.Millisecond)
	}
	rec, rel, drop := r.Stats()
	t.Fatalf("Stats %d %d %d, want %d %d %d", rec, rel, drop, received, relayed, dropped)
}

func TestRelayAddRemove(t *testing.T) {
	src := listen(t)
	r, conn := startRelay(t, src)
	a, b, late := listen(t), listen(t), listen(t)
	r.Add(addrOf(a))
	r.Add(addrOf(b))
	source(t, src, conn, 0, 20)
	gotA := readRelayed(t, a, 20)
	checkLeg(t, "b", readRelayed(t, b, 20), 0, 20)

	// b leaves, late joins mid-stream; a's stream goes on unchanged.
	r.Remove(addrOf(b))
	r.Remove(addrOf(listen(t))) // unknown: nothing happens
	r.Add(addrOf(late))
	source(t, src, conn, 20, 50)
	checkLeg(t, "a", append(gotA, readRelayed(t, a, 30)...), 0, 50)
	checkLeg(t, "late", readRelayed(t, late, 30), 20, 30)
	if got := readPackets(t, b, 1, 100*time.Millisecond); len(got) != 0 {
		t.Errorf("removed leg got %d packets", len(got))
	}
	waitStats(t, r, 50, 20*2+30*2, 0)
}

func TestRelayClose(t *testing.T) {
	src := listen(t)
	conn := listen(t)
	r := NewRelay(conn, addrOf(src))
	ran := make(chan struct{})
	go func() { r.Run(); close(ran) }()
	leg := listen(t)
	r.Add(addrOf(leg))
	source(t, src, conn, 0, 3)
	if got := readRelayed(t, leg, 3); len(got) != 3 { // Run is in its loop
		t.Fatalf("%d packets relayed", len(got))
	}
	done := make(chan struct{})
	go func() { r.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Close did not return")
	}
	select {
	case <-ran:
	default:
		t.Fatal("Run still running after Close")
	}
	r.Close()

	// Close before Run: Run returns at once.
	r2 := NewRelay(listen(t), addrOf(src))
	r2.Close()
	ran2 := make(chan struct{})
	go func() { r2.Run(); close(ran2) }()
	select {
	case <-ran2:
	case <-time.After(time.Second):
		t.Fatal("Run after Close did not return")
	}
}

func TestRelayForwardChecks(t *testing.T) {
	r := NewRelay(listen(t), addrOf(listen(t)))
	leg := listen(t)
	r.Add(addrOf(leg))
	r.Forward(make([]byte, 11))          // too short
	r.Forward(make([]byte, 20))          // version 0
	r.Forward(make([]byte, 1501))        // too long
	r.Forward(rtpPacket(7, 1, 1, false)) // fine
	got := readRelayed(t, leg, 1)        // a bad packet relayed would have come first
	if len(got) != 1 || got[0].i != 7 || !got[0].marker {
		t.Errorf("got %+v", got)
	}
	if rec, rel, drop := r.Stats(); rec != 4 || rel != 1 || drop != 3 {
		t.Errorf("Stats %d %d %d, want 4 1 3", rec, rel, drop)
	}
}

// fanout makes a relay with n legs, each a real socket on 127.0.0.1.
func fanout(tb testing.TB, n int) *Relay {
	r := NewRelay(listen(tb), addrOf(listen(tb)))
	for range n {
		l := listen(tb)
		_ = l.SetReadBuffer(1 << 20)
		r.Add(addrOf(l))
	}
	return r
}

func TestRelayForwardAllocs(t *testing.T) {
	r := fanout(t, 50)
	pkt := make([]byte, 12+160)
	pkt[0] = 0x80
	seq := uint16(0)
	r.Forward(pkt) // first packets set the legs' bases
	allocs := testing.AllocsPerRun(200, func() {
		seq++
		binary.BigEndian.PutUint16(pkt[2:], seq)
		binary.BigEndian.PutUint32(pkt[4:], uint32(seq)*160)
		r.Forward(pkt)
	})
	if allocs != 0 {
		t.Errorf("Forward allocates %v times per packet with 50 legs", allocs)
	}
	// One packet before, one warm-up run, 200 runs.
	if _, rel, _ := r.Stats(); rel != 202*50 {
		t.Errorf("relayed %d, want %d", rel, 202*50)
	}
}

// BenchmarkRelayFanout50 forwards one 20 ms PCMU packet to 50 legs per
// op; goroutines drain the legs' sockets.
func BenchmarkRelayFanout50(b *testing.B) {
	r := NewRelay(listen(b), addrOf(listen(b)))
	for range 50 {
		l := listen(b)
		_ = l.SetReadBuffer(1 << 20)
		r.Add(addrOf(l))
		go func() {
			buf := make([]byte, 2048)
			for {
				if _, err := l.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	pkt := make([]byte, 12+160)
	pkt[0] = 0x80
	r.Forward(pkt)
	b.ReportAllocs()
	seq := uint16(0)
	for b.Loop() {
		seq++
		binary.BigEndian.PutUint16(pkt[2:], seq)
		binary.BigEndian.PutUint32(pkt[4:], uint32(seq)*160)
		r.Forward(pkt)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/packet")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/50, "ns/send")
}
