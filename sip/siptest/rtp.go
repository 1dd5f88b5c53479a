package siptest

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// RTPSink is a UDP socket on 127.0.0.1 that keeps every RTP packet it
// receives, with its arrival time. Agents that use one offer and answer
// SDP pointing at it, and can send RTP from it.
type RTPSink struct {
	T    testing.TB
	Conn *net.UDPConn

	mu   sync.Mutex
	got  []Received
	more chan struct{}
}

// Received is one RTP packet and when it arrived.
type Received struct {
	From   netip.AddrPort
	Packet rtp.Packet
}

// NewRTPSink opens the socket and reads until the test ends.
func NewRTPSink(t testing.TB) *RTPSink {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s := &RTPSink{T: t, Conn: conn, more: make(chan struct{}, 1)}
	t.Cleanup(func() { _ = conn.Close() })
	go s.read()
	return s
}

func (s *RTPSink) read() {
	buf := make([]byte, 2048)
	for {
		n, from, err := s.Conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		var p rtp.Packet
		if p.Unmarshal(append([]byte(nil), buf[:n]...)) != nil {
			continue
		}
		s.mu.Lock()
		s.got = append(s.got, Received{From: from, Packet: p})
		s.mu.Unlock()
		select {
		case s.more <- struct{}{}:
		default:
		}
	}
}

// Port is the sink's UDP port.
func (s *RTPSink) Port() int { return s.Conn.LocalAddr().(*net.UDPAddr).Port }

// Packets returns a copy of what arrived so far.
func (s *RTPSink) Packets() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

// WaitCount waits until at least n packets arrived, or fails the test.
func (s *RTPSink) WaitCount(n int, d time.Duration) []Received {
	s.T.Helper()
	deadline := time.After(d)
	for {
		if got := s.Packets(); len(got) >= n {
			return got
		}
		select {
		case <-s.more:
		case <-deadline:
			s.T.Fatalf("RTP sink :%d: %d packets within %v, want %d", s.Port(), len(s.Packets()), d, n)
			return nil
		}
	}
}

// Quiet waits until no packet has arrived for d and returns the count.
func (s *RTPSink) Quiet(d time.Duration) int {
	for {
		n := len(s.Packets())
		time.Sleep(d)
		if len(s.Packets()) == n {
			return n
		}
	}
}

// Send sends one RTP packet from the sink's socket.
func (s *RTPSink) Send(to netip.AddrPort, p *rtp.Packet) {
	s.T.Helper()
	b, err := p.Marshal()
	if err != nil {
		s.T.Fatal(err)
	}
	if _, err := s.Conn.WriteToUDPAddrPort(b, to); err != nil {
		s.T.Fatal(err)
	}
}

// SDPAddr reads the audio address out of an SDP body (c= and m=audio).
func SDPAddr(body []byte) (netip.AddrPort, bool) {
	var ip netip.Addr
	port := 0
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "c=IN IP4 "); ok {
			ip, _ = netip.ParseAddr(strings.TrimSpace(rest))
		}
		if rest, ok := strings.CutPrefix(line, "m=audio "); ok {
			port, _ = strconv.Atoi(strings.Fields(rest)[0])
		}
	}
	if !ip.IsValid() || port == 0 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip, uint16(port)), true
}

// SDPFor is an audio offer or answer at 127.0.0.1:port with the given
// payload types (0 PCMU, 8 PCMA).
func SDPFor(port int, pts ...int) []byte {
	fmtList, maps := "", ""
	for _, pt := range pts {
		fmtList += " " + strconv.Itoa(pt)
		name := "PCMU"
		if pt == 8 {
			name = "PCMA"
		}
		maps += "a=rtpmap:" + strconv.Itoa(pt) + " " + name + "/8000\r\n"
	}
	return []byte("v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " +
		strconv.Itoa(port) + " RTP/AVP" + fmtList + "\r\n" + maps)
}
