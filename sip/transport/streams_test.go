package transport

import (
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/siptest"
)

// gatedEcho serves ln through the gate: every connection it accepts is
// read until it fails or closes, then closed.
func gatedEcho(t *testing.T, ln net.Listener, gate StreamGate) net.Listener {
	t.Helper()
	gl := &gatedListener{Listener: ln, gate: gate}
	go func() {
		for {
			c, err := gl.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	t.Cleanup(func() { _ = gl.Close() })
	return gl
}

// dialFrom opens a TCP connection to addr from the loopback address src.
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// closedSoon reports whether the server side closed c within d.
func closedSoon(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := c.Read(make([]byte, 1))
	return err == io.EOF || err != nil && !isTimeout(err)
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestStreamGate: an untrusted source holds at most protection.connections
// stream connections at once (a trusted one more); a banned source's
// connection is closed at its accept; a closed connection frees its place;
// a connection that sends nothing within FirstBytesTimeout is closed, one
// that sent bytes is kept.
func TestStreamGate(t *testing.T) {
	saved := FirstBytesTimeout
	FirstBytesTimeout = 300 * time.Millisecond
	t.Cleanup(func() { FirstBytesTimeout = saved })
	clk := clock.NewFake(time.Unix(1000, 0))
	f := NewFilter(Policy{Protection: Protection{Connections: 3, Ban: time.Hour, AuthFailures: 1, AuthWindow: time.Minute},
		Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.9/32")}}, clk, nil, zap.NewNop(), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := gatedEcho(t, ln, f).Addr().String()

	var held []net.Conn
	for range 3 {
		c := dialFrom(t, "127.0.0.5", addr)
		if _, err := c.Write([]byte("OPTIONS")); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	if extra := dialFrom(t, "127.0.0.5", addr); !closedSoon(extra, time.Second) {
		t.Error("a fourth connection from one source was kept")
	}
	for range 5 { // trusted: no limit of its own
		c := dialFrom(t, "127.0.0.9", addr)
		_, _ = c.Write([]byte("x"))
		held = append(held, c)
	}
	time.Sleep(2 * FirstBytesTimeout)
	for i, c := range held {
		if closedSoon(c, 50*time.Millisecond) {
			t.Errorf("connection %d, which sent bytes, was closed", i)
		}
	}
	if n := f.Streams(); n != 8 {
		t.Errorf("%d connections held, want 8", n)
	}
	held[0].Close()
	deadline := time.Now().Add(2 * time.Second)
	for f.Streams() != 7 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if c := dialFrom(t, "127.0.0.5", addr); closedSoon(c, 100*time.Millisecond) {
		t.Error("the place a closed connection freed was not given")
	} else if !closedSoon(c, 2*FirstBytesTimeout) {
		t.Error("a connection that sent nothing was kept past FirstBytesTimeout")
	}

	f.Impose(netip.MustParseAddr("127.0.0.6"), clk.Now().Add(time.Hour), banFlood)
	if c := dialFrom(t, "127.0.0.6", addr); !closedSoon(c, time.Second) {
		t.Error("a banned source's connection was kept")
	}
}

// TestSlowTLSHandshakeIsCut: a TLS client that opens and never ends its
// handshake is closed after FirstBytesTimeout, not held.
func TestSlowTLSHandshakeIsCut(t *testing.T) {
	saved := FirstBytesTimeout
	FirstBytesTimeout = 300 * time.Millisecond
	t.Cleanup(func() { FirstBytesTimeout = saved })
	f := NewFilter(Policy{Protection: Protection{Connections: 10}}, clock.NewFake(time.Unix(1000, 0)), nil, zap.NewNop(), nil)
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cert := testCertificate(t)
	addr := gatedEcho(t, tls.NewListener(raw, &tls.Config{Certificates: []tls.Certificate{cert}}), f).Addr().String()

	slow := dialFrom(t, "127.0.0.5", addr)
	if _, err := slow.Write([]byte{0x16, 0x03}); err != nil { // the start of a ClientHello, then nothing
		t.Fatal(err)
	}
	start := time.Now()
	if !closedSoon(slow, 3*time.Second) {
		t.Fatal("a stalled TLS handshake was held")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("closed after %v, want about %v", d, FirstBytesTimeout)
	}
	good, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("a real TLS client: %v", err)
	}
	defer good.Close()
	if _, err := good.Write([]byte("OPTIONS")); err != nil {
		t.Fatal(err)
	}
}

// testCertificate is a throwaway self-signed certificate.
func testCertificate(t *testing.T) tls.Certificate {
	t.Helper()
	cert, key := siptest.WriteCert(t, t.TempDir(), "ringd")
	c, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
