package media

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// stream builds n RTP packets as ringd sends them: 160-byte payloads, PT 0,
// one SSRC, seq +1, timestamp +160, marker on the first; mod may change
// packet i before it is marshalled.
func stream(t testing.TB, n int, mod func(i int, p *rtp.Packet)) [][]byte {
	t.Helper()
	out := make([][]byte, n)
	for i := range n {
		p := &rtp.Packet{
			Header: rtp.Header{
				Version:        2,
				Marker:         i == 0,
				PayloadType:    0,
				SequenceNumber: uint16(65530 + i), // wraps
				Timestamp:      uint32(4294967000 + 160*i),
				SSRC:           0x1234abcd,
			},
			Payload: bytes.Repeat([]byte{0xff}, 160),
		}
		if mod != nil {
			mod(i, p)
		}
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

var (
	t0     = time.Unix(1700000000, 0)
	sender = netip.MustParseAddrPort("127.0.0.1:15100")
)

// feed adds the packets with arrival i×every (plus extra[i]).
func feed(pkts [][]byte, every time.Duration, extra map[int]time.Duration) *RTPStats {
	s := &RTPStats{}
	var shift time.Duration
	for i, b := range pkts {
		shift += extra[i]
		s.Add(b, sender, t0.Add(time.Duration(i)*every+shift))
	}
	return s
}

func TestRTPStatsGoodStream(t *testing.T) {
	s := feed(stream(t, 50, nil), 20*time.Millisecond, nil)
	w := DefaultRTPWant
	w.Min, w.Max, w.PT = 50, 50, 0
	if bad := s.Check(w); bad != nil {
		t.Fatalf("good stream rejected: %v", bad)
	}
	got := s.Summary()
	for _, want := range []string{"packets=50 ", "from=127.0.0.1:15100 ", "pt=0 ", "ssrcs=1 ", "seq_breaks=0 ", "ts_steps=160 ",
		"sizes=160 ", "markers=1 ", "mean=20.0ms ", "max_gap=20.0ms ", "duration=0.980s ", "first=1700000000.000000 ", "last=1700000000.980000"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q lacks %q", got, want)
		}
	}
}

func TestRTPStatsFaults(t *testing.T) {
	const n = 50
	ms := time.Millisecond
	for _, tc := range []struct {
		name  string
		pkts  [][]byte
		every time.Duration
		extra map[int]time.Duration
		want  func(w *RTPWant)
		fault string // in the one problem Check reports
	}{
		{name: "too few", pkts: stream(t, n, nil), want: func(w *RTPWant) { w.Min = 51 }, fault: "50 packets, want at least 51"},
		{name: "too many", pkts: stream(t, n, nil), want: func(w *RTPWant) { w.Max = 49 }, fault: "50 packets, want at most 49"},
		{name: "seq gap", pkts: stream(t, n, func(i int, p *rtp.Packet) {
			if i >= 10 {
				p.SequenceNumber++
			}
		}), fault: "sequence numbers not consecutive 1 times"},
		{name: "two SSRCs", pkts: stream(t, n, func(i int, p *rtp.Packet) {
			if i >= 25 {
				p.SSRC++
				p.Marker = false
			}
		}), fault: "2 SSRCs, want one"},
		{name: "ts step", pkts: stream(t, n, func(i int, p *rtp.Packet) { p.Timestamp = uint32(320 * i) }),
			fault: "timestamp step other than 160 49 times"},
		{name: "other PT", pkts: stream(t, n, func(i int, p *rtp.Packet) { p.PayloadType = 8 }),
			want: func(w *RTPWant) { w.PT = 0 }, fault: "50 packets with a payload type other than 0"},
		{name: "mixed PTs", pkts: stream(t, n, func(i int, p *rtp.Packet) {
			if i == 3 {
				p.PayloadType = 101
			}
		}), fault: "2 payload types, want one"},
		{name: "short payload", pkts: stream(t, n, func(i int, p *rtp.Packet) {
			if i == n-1 {
				p.Payload = p.Payload[:80]
			}
		}), fault: "1 payloads not of 160 bytes"},
		{name: "no marker", pkts: stream(t, n, func(i int, p *rtp.Packet) { p.Marker = false }),
			fault: "marker bit on 0 packets (first: false)"},
		{name: "marker twice", pkts: stream(t, n, func(i int, p *rtp.Packet) { p.Marker = p.Marker || i == 30 }),
			fault: "marker bit on 2 packets (first: true)"},
		{name: "slow", pkts: stream(t, n, nil), every: 23 * ms, fault: "mean inter-arrival 23.0ms, want 20.0ms±2.0ms"},
		{name: "fast", pkts: stream(t, n, nil), every: 17 * ms, fault: "mean inter-arrival 17.0ms"},
		// A stall of 50 ms, the mean stays within 20±2 ms (+1 ms).
		{name: "gap", pkts: stream(t, n, nil), extra: map[int]time.Duration{20: 50 * ms}, fault: "inter-arrival up to 70.0ms, want at most 60.0ms"},
		{name: "not RTP", pkts: append(stream(t, n, nil), []byte("hello, world")), fault: "1 datagrams are not RTP version 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := DefaultRTPWant
			if tc.want != nil {
				tc.want(&w)
			}
			every := tc.every
			if every == 0 {
				every = 20 * ms
			}
			bad := feed(tc.pkts, every, tc.extra).Check(w)
			if len(bad) != 1 || !strings.Contains(bad[0], tc.fault) {
				t.Fatalf("problems %q, want one with %q", bad, tc.fault)
			}
		})
	}
	t.Run("two senders", func(t *testing.T) {
		s := feed(stream(t, n, nil), 20*ms, nil)
		next := stream(t, n+1, nil)[n] // the stream's next packet, from elsewhere
		s.Add(next, netip.MustParseAddrPort("127.0.0.1:15102"), t0.Add(n*20*ms))
		if bad := s.Check(DefaultRTPWant); len(bad) != 1 || !strings.Contains(bad[0], "packets from 2 source addresses") {
			t.Fatalf("problems %q", bad)
		}
		if !strings.Contains(s.Summary(), "from=127.0.0.1:15100+1 ") {
			t.Fatalf("summary %q", s.Summary())
		}
	})
	t.Run("nothing", func(t *testing.T) {
		s := &RTPStats{}
		if bad := s.Check(DefaultRTPWant); len(bad) != 1 || bad[0] != "0 packets, want at least 1" {
			t.Fatalf("problems %q", bad)
		}
		if s.Summary() != "packets=0" {
			t.Fatalf("summary %q", s.Summary())
		}
	})
}

// runListener starts l.Run in the background.
func runListener(ctx context.Context, l *RTPListener, limit, idle time.Duration) <-chan listenResult {
	ch := make(chan listenResult, 1)
	go func() {
		s, end, err := l.Run(ctx, limit, idle)
		ch <- listenResult{s, end, err}
	}()
	return ch
}

type listenResult struct {
	s   *RTPStats
	end string
	err error
}

// TestRTPListenerUDP: a paced stream over real UDP on 127.0.0.1; the
// listener ends once the sender has been quiet for -idle.
func TestRTPListenerUDP(t *testing.T) {
	l, err := ListenRTP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	res := runListener(context.Background(), l, 10*time.Second, 300*time.Millisecond)
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(l.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	pkts := stream(t, 30, nil)
	for i, b := range pkts {
		time.Sleep(time.Until(start.Add(time.Duration(i) * 20 * time.Millisecond)))
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	sent := time.Now()
	r := <-res
	if r.err != nil || r.end != EndIdle {
		t.Fatalf("end %q, err %v; want idle", r.end, r.err)
	}
	if d := time.Since(sent); d < 300*time.Millisecond || d > 3*time.Second {
		t.Errorf("listener ended %s after the last packet, want about the idle time (300ms)", d)
	}
	from := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	if r.s.From != from {
		t.Errorf("from %s, want %s", r.s.From, from)
	}
	// Timing loosely: the machine may be busy (go test -race, other work).
	w := DefaultRTPWant
	w.Min, w.Max, w.PT, w.Tolerance, w.MaxGap = 30, 30, 0, 10*time.Millisecond, 0
	if bad := r.s.Check(w); bad != nil {
		t.Fatalf("%v (%s)", bad, r.s.Summary())
	}
}

func TestRTPListenerEnds(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		l, err := ListenRTP("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		r := <-runListener(context.Background(), l, 200*time.Millisecond, 50*time.Millisecond)
		if r.err != nil || r.end != EndTimeout || r.s.Packets != 0 {
			t.Fatalf("%q %v %d packets", r.end, r.err, r.s.Packets)
		}
		if d := time.Since(start); d < 200*time.Millisecond || d > 5*time.Second {
			t.Fatalf("took %s", d)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		l, err := ListenRTP("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		res := runListener(ctx, l, time.Minute, time.Minute)
		time.Sleep(50 * time.Millisecond)
		cancel()
		select {
		case r := <-res:
			if r.err != nil || r.end != EndInterrupted {
				t.Fatalf("%q %v", r.end, r.err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("still listening 5 s after the context was cancelled")
		}
	})
	t.Run("port taken", func(t *testing.T) {
		l, err := ListenRTP("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.conn.Close()
		if _, err := ListenRTP(l.Addr().String()); err == nil {
			t.Fatal("bound a port in use")
		}
	})
}

func TestRTPListenMain(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errs strings.Builder
		code := RTPListenMain(context.Background(), args, &out, &errs)
		return code, out.String(), errs.String()
	}
	code, out, _ := run("-addr", "127.0.0.1:0", "-for", "100ms", "-min", "0")
	if code != 0 || !strings.HasPrefix(out, "rtp-listen 127.0.0.1:") || !strings.HasSuffix(out, ": packets=0 end=timeout: ok\n") {
		t.Errorf("nothing expected: exit %d, %q", code, out)
	}
	code, out, _ = run("-addr", "127.0.0.1:0", "-for", "100ms")
	if code != 1 || !strings.HasSuffix(out, ": packets=0 end=timeout: FAIL 0 packets, want at least 1\n") {
		t.Errorf("a packet expected: exit %d, %q", code, out)
	}
	if code, _, errs := run("-bogus"); code != 2 || !strings.Contains(errs, "-bogus") {
		t.Errorf("bad flag: exit %d, %q", code, errs)
	}
	if code, _, errs := run("-addr", "nowhere:x"); code != 2 || errs == "" {
		t.Errorf("bad address: exit %d, %q", code, errs)
	}
	if code, _, errs := run("-h"); code != 0 || !strings.Contains(errs, "Usage: ringbench rtp-listen") {
		t.Errorf("-h: exit %d, %q", code, errs)
	}
}
