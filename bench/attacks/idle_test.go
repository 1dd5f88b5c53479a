package attacks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/bench/internal/ringdtest"
	"github.com/ringd/ringd/sip/siptest"
)

// rssKB is a process's resident memory (VmRSS), in kB.
func rssKB(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// dialFrom is Dial from the loopback address src.
func dialFrom(ctx context.Context, transport, src, addr string) (*Conn, error) {
	saved := localIP
	localIP = src
	defer func() { localIP = saved }()
	return Dial(ctx, transport, addr)
}

// TestIdleConnections holds 2,000 TCP, TLS and WebSocket connections
// that each sent one OPTIONS and then wait, from 40 untrusted sources (50
// each, under protection.connections' 64), and stalls 300 TLS handshakes
// more: ringd's memory stays bounded, a new client is still answered at
// once, the 65th connection of one source is refused, and the stalled
// handshakes are cut after 10 s. It logs the figures.
func TestIdleConnections(t *testing.T) {
	ports := ringdtest.FreeUDPPorts(t, 3)
	cert, key := siptest.WriteCert(t, t.TempDir(), "ringd.local")
	addrs := map[string]string{"TCP": fmt.Sprintf("127.0.0.1:%d", ports[0]), "TLS": fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"WS": fmt.Sprintf("127.0.0.1:%d", ports[2]), "UDP": fmt.Sprintf("127.0.0.1:%d", ports[0])}
	cfg := filepath.Join(t.TempDir(), "ringd.yaml")
	yaml := fmt.Sprintf(`sip:
  listen: ["udp://%s", "tcp://%s", "tls://%s", "ws://%s"]
  domain: ringd.local
  trusted: ["127.0.0.1/32"]
  tls: { cert: %q, key: %q }
  protection: { requests: 0 }
store: "memory:"
log: { level: info, format: text }
`, addrs["UDP"], addrs["TCP"], addrs["TLS"], addrs["WS"], cert, key)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	pid := ringdtest.Serve(t, cfg)
	time.Sleep(300 * time.Millisecond)
	before := rssKB(t, pid)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var held []*Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	transports := []string{"TCP", "TLS", "WS"}
	n := 0
	for src := 1; src <= 40; src++ {
		ip := fmt.Sprintf("127.0.1.%d", src)
		for i := range 50 {
			tr := transports[(src+i)%3]
			c, err := dialFrom(ctx, tr, ip, addrs[tr])
			if err != nil {
				t.Fatalf("connection %d (%s from %s): %v", n, tr, ip, err)
			}
			held = append(held, c)
			n++
			msg := Options(tr, c.Local, "ringd.local", 200000+n)
			if err := c.Send(msg); err != nil {
				t.Fatal(err)
			}
			if code := c.Final(msg, 5*time.Second); code != 200 {
				t.Fatalf("OPTIONS on connection %d (%s): %d", n, tr, code)
			}
		}
	}
	// The 65th connection of one source: refused at its accept.
	for i := 50; i < 64; i++ {
		c, err := dialFrom(ctx, "TCP", "127.0.1.1", addrs["TCP"])
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	over, err := dialFrom(ctx, "TCP", "127.0.1.1", addrs["TCP"])
	if err == nil {
		msg := Options("TCP", over.Local, "ringd.local", 1)
		_ = over.Send(msg)
		if code := over.Final(msg, time.Second); code != -1 && code != 0 {
			t.Errorf("the 65th connection of a source was served: %d", code)
		}
		over.Close()
	}

	// 300 TLS handshakes that stall after their first bytes.
	var stalled []net.Conn
	for i := range 300 {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(fmt.Sprintf("127.0.2.%d", 1+i%100))}}
		c, err := d.DialContext(ctx, "tcp", addrs["TLS"])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write([]byte{0x16, 0x03, 0x01})
		stalled = append(stalled, c)
	}
	time.Sleep(500 * time.Millisecond)
	during := rssKB(t, pid)

	// A new client is answered at once, over UDP and over TCP.
	for _, tr := range []string{"UDP", "TCP"} {
		c, err := Dial(ctx, tr, addrs[tr])
		if err != nil {
			t.Fatal(err)
		}
		msg := Options(tr, c.Local, "ringd.local", 300000)
		start := time.Now()
		_ = c.Send(msg)
		code := c.Final(msg, 2*time.Second)
		took := time.Since(start)
		c.Close()
		if code != 200 || took > 500*time.Millisecond {
			t.Errorf("a new %s client while 2,000 connections are held: %d after %v", tr, code, took)
		}
		t.Logf("a new %s client's OPTIONS answered in %v", tr, took.Round(10*time.Microsecond))
	}

	// The stalled handshakes are cut (10 s after their accept).
	cut := 0
	deadline := time.Now().Add(15 * time.Second)
	for _, c := range stalled {
		_ = c.SetReadDeadline(deadline)
		if _, err := c.Read(make([]byte, 1)); err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				cut++
			}
		}
		c.Close()
	}
	if cut != len(stalled) {
		t.Errorf("%d of %d stalled TLS handshakes cut within 15 s", cut, len(stalled))
	}
	t.Logf("ringd RSS: %d kB before, %d kB with %d idle connections and %d stalled handshakes (%.1f kB each), %d cut",
		before, during, n, len(stalled), float64(during-before)/float64(n+len(stalled)), cut)
	if per := float64(during-before) / float64(n); per > 100 {
		t.Errorf("%.1f kB per idle connection, want at most 100", per)
	}
}
