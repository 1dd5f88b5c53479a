package transport

import (
	"crypto/tls"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// MaxStreams bounds the TCP, TLS and WebSocket connections ringd holds in
// all, whatever their sources.
const MaxStreams = 16384

// FirstBytesTimeout is how long an accepted stream connection has to
// deliver its first message's bytes - for TLS, to end its handshake and
// send them; for WebSocket, sipgo gives the upgrade 10 s of its own. A
// connection that only opens and waits is closed then.
var FirstBytesTimeout = 10 * time.Second

// StreamGate admits the stream connections a listener accepts and hears
// when they close (the Filter is one).
type StreamGate interface {
	OpenStream(remote net.Addr) bool
	CloseStream(remote net.Addr)
}

// gatedListener is a stream listener whose connections pass a gate: a
// connection the gate refuses is closed at once, before any byte of it is
// read or any handshake made.
type gatedListener struct {
	net.Listener
	gate StreamGate
}

func (l *gatedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if !l.gate.OpenStream(c.RemoteAddr()) {
			_ = c.Close()
			continue
		}
		_ = c.SetReadDeadline(time.Now().Add(FirstBytesTimeout))
		gc := &gatedConn{Conn: c, gate: l.gate}
		gc.tls, _ = c.(*tls.Conn)
		return gc, nil
	}
}

// gatedConn is an admitted connection: it must bring its first bytes (its
// TLS handshake done) within FirstBytesTimeout of its accept, and tells
// the gate once when it closes.
type gatedConn struct {
	net.Conn
	gate    StreamGate
	tls     *tls.Conn
	started bool
	closed  atomic.Bool
}

func (c *gatedConn) Read(b []byte) (int, error) {
	if c.started {
		return c.Conn.Read(b)
	}
	if c.tls != nil {
		if err := c.tls.Handshake(); err != nil { // bounded by the deadline set at accept
			return 0, err
		}
	}
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.started = true
		_ = c.Conn.SetReadDeadline(time.Time{})
	}
	return n, err
}

func (c *gatedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.gate.CloseStream(c.RemoteAddr())
	}
	return c.Conn.Close()
}

// streamCount keeps the stream connections held, per source and in all.
type streamCount struct {
	mu    sync.Mutex
	total int
	per   map[netip.Addr]int
}

// open counts a connection from ip unless that would pass max per source
// (0: no limit; checked only when limited) or MaxStreams in all.
func (s *streamCount) open(ip netip.Addr, limited bool, max int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.total >= MaxStreams || limited && max > 0 && s.per[ip] >= max {
		return false
	}
	if s.per == nil {
		s.per = map[netip.Addr]int{}
	}
	s.total++
	s.per[ip]++
	return true
}

func (s *streamCount) close(ip netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.per[ip] <= 1 {
		delete(s.per, ip)
	} else {
		s.per[ip]--
	}
	if s.total > 0 {
		s.total--
	}
}

// held is the number of connections held now.
func (s *streamCount) held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}
