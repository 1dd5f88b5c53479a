package transport

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"
)

// Requests that arrive back to back over UDP reach the handler in the
// order they came (an ACK before the BYE that follows it), with one
// scheduler thread as ringd runs on a small host: sipgo handles each
// message in a goroutine of its own, and Go runs the newest goroutine
// first.
func TestUDPRequestsKeepTheirOrder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ua, err := sipgo.NewUA()
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	var mu sync.Mutex
	var seen []uint32
	done := make(chan struct{})
	srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		mu.Lock()
		seen = append(seen, req.CSeq().SeqNo)
		if len(seen) == n {
			close(done)
		}
		mu.Unlock()
	})
	l := NewListeners(zap.NewNop(), "ringd.test", nil, nil)
	defer l.Close()
	if err := l.Listen(srv, Listener{Network: "udp", Addr: "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	to := l.Bound()[0].Addr
	c, err := net.Dial("udp", to)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 1; i <= n; i++ {
		msg := fmt.Sprintf("OPTIONS sip:ringd.test SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-order-%d\r\n"+
			"From: <sip:t@ringd.test>;tag=a\r\nTo: <sip:ringd.test>\r\nCall-ID: order-%d\r\nCSeq: %d OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
			c.LocalAddr(), i, i, i)
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		mu.Lock()
		t.Fatalf("%d of %d requests handled", len(seen), n)
	}
	mu.Lock()
	defer mu.Unlock()
	swapped := 0
	for i := 1; i < len(seen); i++ {
		if seen[i] < seen[i-1] {
			swapped++
		}
	}
	t.Logf("%d of %d requests handled before one that came earlier", swapped, n)
	if swapped > 0 {
		t.Errorf("%d requests handled before one that came earlier (order: %v)", swapped, seen[:min(len(seen), 60)])
	}
}
