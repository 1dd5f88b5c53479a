package attacks

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ringd/ringd/bench/internal/ringdtest"
	"github.com/ringd/ringd/sip/siptest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	ringdtest.Cleanup()
	os.Exit(code)
}

// maxMessage is ringd's default max_message, which the test's ringd keeps.
const maxMessage = 16384

// answers reports whether got (a status code, 0 for no answer, -1 for the
// connection closed) is what want asks of transport tr.
func answers(want string, got int, tr string) bool {
	closed := got == -1 && tr != "UDP"
	switch want {
	case "none":
		return got == 0 || closed
	case "oversize":
		if tr == "UDP" {
			return got == 0
		}
		return got == 513
	}
	code, _ := strconv.Atoi(want)
	return got == code
}

// TestAttacks sends every message of the set over UDP, TCP, TLS and
// WebSocket to a ringd that trusts 127.0.0.0/8: each gets its answer
// (never a 2xx), nothing reaches the member of ring group 6000, and ringd
// answers an OPTIONS 200 on the same connection after each.
func TestAttacks(t *testing.T) {
	member, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer member.Close()
	ports := ringdtest.FreeUDPPorts(t, 3)
	cert, key := siptest.WriteCert(t, t.TempDir(), "ringd.local")
	addrs := map[string]string{
		"UDP": fmt.Sprintf("127.0.0.1:%d", ports[0]), "TCP": fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"TLS": fmt.Sprintf("127.0.0.1:%d", ports[1]), "WS": fmt.Sprintf("127.0.0.1:%d", ports[2]),
	}
	cfg := filepath.Join(t.TempDir(), "ringd.yaml")
	yaml := fmt.Sprintf(`sip:
  listen: ["udp://%s", "tcp://%s", "tls://%s", "ws://%s"]
  domain: ringd.local
  trusted: ["127.0.0.0/8"]
  tls: { cert: %q, key: %q }
store: "memory:"
log: { level: info, format: text }
extensions:
  - { number: "1001", name: M, password: p1001, contact: "sip:1001@%s" }
ring_groups:
  - { number: "6000", name: Attacked, strategy: ring_all, ring_time: 5, members: [{ extension: "1001" }] }
`, addrs["UDP"], addrs["TCP"], addrs["TLS"], addrs["WS"], cert, key, member.LocalAddr())
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	ringdtest.Serve(t, cfg)

	reached := make(chan string, 100)
	go func() {
		buf := make([]byte, 65535)
		for {
			n, _, err := member.ReadFrom(buf)
			if err != nil {
				return
			}
			reached <- string(buf[:n])
		}
	}()

	set := Set("6000")
	if len(set) < 10 {
		t.Fatalf("%d messages in the set", len(set))
	}
	n := 0
	for _, tr := range []string{"UDP", "TCP", "TLS", "WS"} {
		for _, a := range set {
			n++
			t.Run(tr+"/"+a.Name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				c, err := Dial(ctx, tr, addrs[tr])
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				msg := a.Render(tr, c.Local, "ringd.local", n)
				if err := c.Send(msg); err != nil {
					t.Fatal(err)
				}
				wait := 2 * time.Second
				if a.Want == "none" || a.Want == "oversize" && tr == "UDP" {
					wait = 500 * time.Millisecond
				}
				want := a.Want
				if want == "oversize" && len(msg) <= maxMessage {
					want = "400" // a shorter Via (WebSocket's client host) keeps it within max_message: too many Vias
				}
				got := c.Final(msg, wait)
				if !answers(want, got, tr) {
					t.Errorf("%s (%s): %d bytes answered %d, want %s", a.Name, a.Class, len(msg), got, want)
				}
				if got == -1 { // the connection closed: the health check on a new one
					c.Close()
					if c, err = Dial(ctx, tr, addrs[tr]); err != nil {
						t.Fatal(err)
					}
				}
				ok := Options(tr, c.Local, "ringd.local", 100000+n)
				if err := c.Send(ok); err != nil {
					t.Fatalf("OPTIONS after the attack: %v", err)
				}
				if got := c.Final(ok, 2*time.Second); got != 200 {
					t.Errorf("OPTIONS after %s: %d, want 200 (ringd or the connection did not survive)", a.Name, got)
				}
			})
		}
	}
	select {
	case m := <-reached:
		t.Errorf("a message reached the member:\n%s", m)
	case <-time.After(300 * time.Millisecond):
	}
}
