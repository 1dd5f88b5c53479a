package sip

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/cluster"
	"github.com/ringd/ringd/sip/cluster/clustertest"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/sip/transport"
	"github.com/ringd/ringd/strategy"
)

// clusterOf starts n ringd nodes on one Redis, each with a UDP and a TCP
// listener on its own loopback address (127.0.0.2, .3, ...), serving the
// same spec; they trust each other (127.0.0.0/8).
func clusterOf(t *testing.T, n int, spec engine.Spec) []*testRingd {
	t.Helper()
	redis := clustertest.StartRedis(t)
	var nodes []*testRingd
	for i := 0; i < n; i++ {
		name := "node" + itoa(i+1)
		node, err := cluster.Open(context.Background(), cluster.Options{Name: name, Redis: redis.URL})
		if err != nil {
			t.Fatal(err)
		}
		ip := "127.0.0." + itoa(i+2)
		r := startRingdWith(t, spec, Hooks{Cluster: node}, func(s *Settings) {
			s.Listen = []transport.Listener{{Network: "udp", Addr: ip + ":0"}, {Network: "tcp", Addr: ip + ":0"}}
		})
		var sipList []string
		for _, b := range r.Bound() {
			sipList = append(sipList, b.Network+"://"+b.Addr)
		}
		node.SetSIP(sipList)
		subscribed := make(chan struct{}, 8)
		node.OnResync(func() { subscribed <- struct{}{} })
		node.Start()
		t.Cleanup(node.Close)
		select {
		case <-subscribed:
		case <-time.After(3 * time.Second):
			t.Fatalf("%s never subscribed", name)
		}
		nodes = append(nodes, r)
	}
	return nodes
}

// A phone registered through node 1 rings for a call through node 2:
// directly over UDP; through node 1 when its contact is a TCP connection
// node 1 holds.
func TestClusterAnyNodeTakesAnyCall(t *testing.T) {
	t.Parallel()
	nodes := clusterOf(t, 2, engine.Spec{Extensions: exts("1001", "1002", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001"), group("6001", strategy.RingAll, 5*time.Second, "1002")}})
	udpPhone := siptest.NewAgent(t, "1001")
	if res := udpPhone.Register(nodes[0].addr, "pw1001", 600); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	contact := sip.Uri{Scheme: "sip", User: "1002", Host: "127.0.0.1", Port: 9, UriParams: sip.NewParams()}
	contact.UriParams.Add("transport", "tcp")
	tcpPhone := siptest.NewStreamAgent(t, "1002", "TCP", contact)
	if res := tcpPhone.Register(nodes[0].boundOn("tcp"), "pw1002", 600); res.StatusCode != 200 {
		t.Fatalf("register over TCP: %d", res.StatusCode)
	}
	// node 2 learns both registrations
	eventually(t, func() bool {
		return len(nodes[1].Registrations()["1001"]) == 1 && len(nodes[1].Registrations()["1002"]) == 1
	})

	call := siptest.NewAgent(t, "2000").Dial(context.Background(), nodes[1].addr, "6000")
	inv := udpPhone.WaitInvite(3 * time.Second)
	if via := inv.Via(); via == nil || via.Host != "127.0.0.3" {
		t.Errorf("UDP phone's INVITE came from %v, want node 2 directly", via)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call through node 2: %d", code)
	}
	call.AckAndBye(t)

	call = siptest.NewAgent(t, "2000").Dial(context.Background(), nodes[1].addr, "6001")
	inv = tcpPhone.WaitInvite(3 * time.Second)
	vias := inv.GetHeaders("Via") // node 1, node 2, the caller
	if !strings.EqualFold(inv.Transport(), "TCP") || len(vias) != 3 || !strings.Contains(vias[0].Value(), "127.0.0.2") ||
		!strings.Contains(vias[1].Value(), "127.0.0.3") {
		t.Errorf("TCP phone's INVITE over %s, Vias %v: want over its connection, through node 1 from node 2", inv.Transport(), vias)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call to the TCP phone through node 2: %d", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { _, _, acks, byes := tcpPhone.Counts(); return acks == 1 && byes == 1 })
}

// A member on a call through node 1 is busy for node 2's groups.
func TestClusterBusyOnOneNodeIsBusyOnAll(t *testing.T) {
	t.Parallel()
	nodes := clusterOf(t, 2, engine.Spec{Extensions: exts("1001", "1002", "2000", "2001"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001"), group("6001", strategy.RingAll, 5*time.Second, "1001", "1002")}})
	phones := map[string]*siptest.Agent{}
	for _, ext := range []string{"1001", "1002"} {
		phones[ext] = siptest.NewAgent(t, ext)
		if res := phones[ext].Register(nodes[0].addr, "pw"+ext, 600); res.StatusCode != 200 {
			t.Fatalf("register %s: %d", ext, res.StatusCode)
		}
	}
	eventually(t, func() bool { return len(nodes[1].Registrations()["1002"]) == 1 })
	first := siptest.NewAgent(t, "2000").Dial(context.Background(), nodes[0].addr, "6000")
	if code := first.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("first call: %d", code)
	}
	first.Ack(t)
	phones["1001"].WaitInvite(time.Second) // the first call's
	eventually(t, func() bool { return nodes[1].memberState("1001")&strategy.Busy != 0 })
	second := siptest.NewAgent(t, "2001").Dial(context.Background(), nodes[1].addr, "6001")
	phones["1002"].WaitInvite(3 * time.Second)
	phones["1001"].NoInvite(100 * time.Millisecond) // busy through node 1: node 2 passes it over
	if code := second.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("second call: %d", code)
	}
	second.AckAndBye(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := first.Sess.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return nodes[1].memberState("1001")&strategy.Busy == 0 })
}

// Calls to a cyclic group placed one after another through three nodes
// ring the members in the order one node would: 1001, 1002, 1003, 1001...
func TestClusterCyclicOrderIsOne(t *testing.T) {
	t.Parallel()
	nodes := clusterOf(t, 3, engine.Spec{Extensions: exts("1001", "1002", "1003", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.CyclicHunt, 5*time.Second, "1001", "1002", "1003")}})
	phones := registered(t, nodes[0], "1001", "1002", "1003")
	for _, r := range nodes[1:] {
		eventually(t, func() bool { return len(r.Registrations()) == 3 })
	}
	answered := 0
	for i := 0; i < 9; i++ {
		r := nodes[i%3]
		call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
		want := phones[i%3]
		want.WaitInvite(3 * time.Second)
		for _, p := range phones {
			if p != want {
				p.NoInvite(0)
			}
		}
		if code := call.Wait(t, 3*time.Second); code != 200 {
			t.Fatalf("call %d through node %d: %d", i, i%3+1, code)
		}
		call.AckAndBye(t)
		answered++
		// every other node has taken this call's ring and answer
		for j, other := range nodes {
			if j != i%3 {
				eventually(t, func() bool {
					q := &query{kind: qRemembered}
					other.ask(q)
					return q.n >= 2*answered-2*countOn(j, answered)
				})
			}
		}
	}
}

// countOn is how many of the first n calls went through node j (they
// were placed round-robin).
func countOn(j, n int) int { return (n - j + 2) / 3 }
