//go:build cluster

package cluster

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/siptest"
)

// Cases of SPEC §12, each on a cluster of its own: three ringd nodes on
// one PostgreSQL database and one Redis.

// (a) A phone registered through node 1 is rung for a call through node
// 2: directly over UDP, and through node 1 when its flow is a TCP
// connection node 1 holds.
func TestAnyNodeTakesAnyCall(t *testing.T) {
	c := startCluster(t, 3)
	n1, n2 := c.nodes[0], c.nodes[1]
	udp := phone(t, "1001", n1)
	contact := sip.Uri{Scheme: "sip", User: "1002", Host: "127.0.0.1", Port: 9, UriParams: sip.NewParams()}
	contact.UriParams.Add("transport", "tcp")
	tcp := siptest.NewStreamAgent(t, "1002", "TCP", contact)
	if res := tcp.Register(n1.sip, "pw1002", 600); res.StatusCode != 200 {
		t.Fatalf("register 1002 over TCP through node1: %d", res.StatusCode)
	}
	c.waitRegistered("1001", "1002")
	caller := siptest.NewAgent(t, "2000")

	mustCall(t, caller, callee{number: "6000", node: n2.sip}, 50*time.Millisecond)
	udp.Mu.Lock()
	inv := udp.Invites[len(udp.Invites)-1]
	udp.Mu.Unlock()
	if via := inv.Via(); via == nil || via.Host != n2.ip {
		t.Errorf("the UDP phone's INVITE came through Via %v; want node2 (%s) directly", via, n2.ip)
	}

	mustCall(t, caller, callee{number: "6001", node: n2.sip}, 50*time.Millisecond)
	tcp.Mu.Lock()
	inv = tcp.Invites[len(tcp.Invites)-1]
	tcp.Mu.Unlock()
	vias := inv.GetHeaders("Via") // node 1, node 2, the caller
	if !strings.EqualFold(inv.Transport(), "TCP") || len(vias) != 3 ||
		!strings.Contains(vias[0].Value(), n1.ip) || !strings.Contains(vias[1].Value(), n2.ip) {
		t.Errorf("the TCP phone's INVITE over %s with Vias %v; want over its connection, from node2 through node1", inv.Transport(), vias)
	}
	eventually(t, 3*time.Second, "the TCP phone's ACK and BYE", func() bool { _, _, acks, byes := tcp.Counts(); return acks == 1 && byes == 1 })
}

// (b) A member on a call through node 1 is skipped by node 3 (skip_busy)
// and rings again once that call has ended.
func TestBusyOnOneNodeIsBusyOnAll(t *testing.T) {
	c := startCluster(t, 3)
	n1, n3 := c.nodes[0], c.nodes[2]
	p1, p2 := phone(t, "1001", n1), phone(t, "1002", n3)
	c.waitRegistered("1001", "1002")

	answered, release, done := make(chan struct{}), make(chan struct{}), make(chan outcome, 1)
	go func() {
		done <- callHolding(siptest.NewAgent(t, "2000"), callee{number: "6000", node: n1.sip}, func() { close(answered); <-release })
	}()
	select {
	case <-answered:
	case o := <-done:
		t.Fatalf("the first call through node1: %v", o.err)
	case <-time.After(5 * time.Second):
		t.Fatal("the first call through node1 not answered within 5 s")
	}
	busyGroup := []string{`group="6010"`, `state="busy"`}
	d := eventually(t, 2*time.Second, "node3 counts 1001 busy in group 6010", func() bool { return metric(n3, "ringd_members", busyGroup...) == 1 })
	t.Logf("node3 saw 1001 busy %v after node1's call was answered", d.Round(time.Millisecond))

	caller := siptest.NewAgent(t, "2000")
	before1, before2 := invites(p1), invites(p2)
	mustCall(t, caller, callee{number: "6010", node: n3.sip}, 50*time.Millisecond)
	if got1, got2 := invites(p1)-before1, invites(p2)-before2; got1 != 0 || got2 != 1 {
		t.Errorf("with 1001 on a call through node1, node3's prioritized hunt (1001, 1002) rang 1001 %d times, 1002 %d times; want 0 and 1", got1, got2)
	}

	close(release)
	if o := <-done; o.err != nil {
		t.Fatalf("the first call through node1: %v", o.err)
	}
	d = eventually(t, 2*time.Second, "node3 counts 1001 free again", func() bool { return metric(n3, "ringd_members", busyGroup...) == 0 })
	t.Logf("node3 saw 1001 free %v after node1's call ended", d.Round(time.Millisecond))
	before1, before2 = invites(p1), invites(p2)
	mustCall(t, caller, callee{number: "6010", node: n3.sip}, 50*time.Millisecond)
	if got1, got2 := invites(p1)-before1, invites(p2)-before2; got1 != 1 || got2 != 0 {
		t.Errorf("after node1's call ended, node3's hunt rang 1001 %d times, 1002 %d times; want 1 and 0", got1, got2)
	}
}

// (c) 30 calls to a cyclic group of three, placed one after another
// round-robin through the three nodes, ring the members in the order one
// node would.
//
// Each call starts cyclicGap after the previous one ended. The nodes learn
// each other's rings through Redis, asynchronously (no decision waits on
// it): calls placed back to back, a few milliseconds apart, on this
// 2-core machine where the test's phones and three nodes share the CPUs,
// now and then reach a node before the previous ring does: while writing
// this test, 6 of 28 runs with pauses of 0-20 ms had one call of the 30
// start at the member the previous call had just rung (Redis's MONITOR
// showed that ring published 13 ms before the next node decided); none of
// 8 runs with 100 ms. A pause of 100 ms, far shorter than between two real
// calls, leaves the order to the cluster's sharing, not to the scheduler.
const cyclicGap = 100 * time.Millisecond

func TestCyclicOrderIsOneAcrossNodes(t *testing.T) {
	c := startCluster(t, 3)
	exts := []string{"1001", "1002", "1003"}
	var phones []*siptest.Agent
	for i, ext := range exts {
		phones = append(phones, phone(t, ext, c.nodes[i]))
	}
	c.waitRegistered(exts...)
	caller := siptest.NewAgent(t, "2000")
	var got, want []string
	for i := range 30 {
		before := make([]int, len(phones))
		for j, p := range phones {
			before[j] = invites(p)
		}
		mustCall(t, caller, callee{number: "6020", node: c.nodes[i%3].sip}, 0)
		time.Sleep(cyclicGap)
		rang := ""
		for j, p := range phones {
			if n := invites(p) - before[j]; n > 0 {
				rang += fmt.Sprintf("%s%s", strings.Repeat("+", n-1), exts[j])
			}
		}
		got = append(got, rang)
		want = append(want, exts[i%3])
	}
	if !slices.Equal(got, want) {
		t.Errorf("30 calls through node1, node2, node3, node1, ... rang\n%v\nwant\n%v", got, want)
	}
}

// (d) An API change on node 2 routes the next call on node 3 within 1 s:
// a new ring group, then its members replaced.
func TestAPIChangeReachesEveryNode(t *testing.T) {
	c := startCluster(t, 3)
	n2, n3 := c.nodes[1], c.nodes[2]
	p1, p2 := phone(t, "1001", c.nodes[0]), phone(t, "1002", c.nodes[0])
	c.waitRegistered("1001", "1002")
	caller := siptest.NewAgent(t, "2000")

	code, body, err := apiCall(n2, "POST", "/api/v1/ring_groups",
		`{"number":"6030","name":"New","strategy":"ring_all","ring_time":5,"members":[{"extension":"1001"}]}`)
	if err != nil || code != 201 {
		t.Fatalf("POST /api/v1/ring_groups on node2: %d %s %v", code, body, err)
	}
	created := time.Now()
	var id struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(body, &id); err != nil {
		t.Fatal(err)
	}
	before := invites(p1)
	took, tries := untilRouted(t, created, func() bool {
		o := call(caller, callee{number: "6030", node: n3.sip}, 0)
		return o.err == nil && invites(p1) > before
	})
	t.Logf("new group 6030 created on node2: node3 routed a call to it %v after the 201 (%d calls tried before)", took, tries)
	if took >= time.Second {
		t.Errorf("node3 routed the new group only %v after node2 created it; want < 1 s", took)
	}

	code, body, err = apiCall(n2, "PUT", fmt.Sprintf("/api/v1/ring_groups/%d", id.ID),
		`{"number":"6030","name":"New","strategy":"ring_all","ring_time":5,"members":[{"extension":"1002"}]}`)
	if err != nil || code != 200 {
		t.Fatalf("PUT /api/v1/ring_groups/%d on node2: %d %s %v", id.ID, code, body, err)
	}
	changed := time.Now()
	before = invites(p2)
	took, tries = untilRouted(t, changed, func() bool {
		o := call(caller, callee{number: "6030", node: n3.sip}, 0)
		return o.err == nil && invites(p2) > before
	})
	t.Logf("6030's members replaced on node2: node3 rang the new member %v after the 200 (%d calls before rang the old one)", took, tries)
	if took >= time.Second {
		t.Errorf("node3 rang the new member only %v after node2's change; want < 1 s", took)
	}
}

// untilRouted places calls (try) until one goes where it should, and
// returns how long after since that call started and how many calls went
// elsewhere before it.
func untilRouted(t *testing.T, since time.Time, try func() bool) (time.Duration, int) {
	t.Helper()
	for tries := 0; ; tries++ {
		start := time.Now()
		if try() {
			return start.Sub(since).Round(time.Millisecond), tries
		}
		if time.Since(since) > 5*time.Second {
			t.Fatalf("not routed 5 s after the change (%d calls tried)", tries+1)
		}
	}
}

// (e) kill -9 of node 1 while calls run at 50 calls/s through nodes 2 and
// 3: none of those calls fails; node 2 stops listing node 1 10-13 s after;
// a phone registered through node 1 over UDP is still rung from node 2.
func TestNodeKilledUnderLoad(t *testing.T) {
	c := startCluster(t, 3)
	n1, n2, n3 := c.nodes[0], c.nodes[1], c.nodes[2]
	for i, ext := range []string{"1101", "1102", "1103", "1104"} {
		phone(t, ext, c.nodes[1+i%2])
	}
	lost := phone(t, "1005", n1)
	c.waitRegistered("1101", "1102", "1103", "1104", "1005")

	var killed time.Time
	var gone time.Duration
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(3 * time.Second)
		killed = time.Now()
		c.kill(n1)
		for time.Since(killed) < 20*time.Second {
			if names, err := c.members(n2); err == nil && !slices.Contains(names, n1.name) {
				gone = time.Since(killed)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	out := load(t, callers(t, 8), 50, 10*time.Second, 200*time.Millisecond, func(i int) callee {
		return callee{number: "6040", node: []*node{n2, n3}[i%2].sip}
	})
	wg.Wait()
	if f := failures(out); len(f) > 0 {
		t.Errorf("%d of %d calls through node2 and node3 failed with node1 killed:\n%s", len(f), len(out), strings.Join(f, "\n"))
	}
	t.Logf("%d calls at 50 calls/s through node2 and node3, node1 killed 3 s in: %d failed; setup %s", len(out), len(failures(out)), setupStats(out))
	switch {
	case gone == 0:
		t.Errorf("node2 still lists node1 20 s after kill -9")
	case gone > 13*time.Second:
		t.Errorf("node2 stopped listing node1 %v after kill -9; want within 13 s", gone.Round(100*time.Millisecond))
	default:
		t.Logf("node2 stopped listing node1 %v after kill -9", gone.Round(100*time.Millisecond))
	}
	before := invites(lost)
	mustCall(t, siptest.NewAgent(t, "2000"), callee{number: "6005", node: n2.sip}, 50*time.Millisecond)
	if invites(lost) != before+1 {
		t.Errorf("the UDP phone registered through the killed node1 was not rung for a call through node2")
	}
}

// setupStats is the median, 99th percentile and maximum of the calls'
// INVITE-to-final times.
func setupStats(out []outcome) string {
	var d []time.Duration
	for _, o := range out {
		if o.code != 0 {
			d = append(d, o.setup)
		}
	}
	if len(d) == 0 {
		return "-"
	}
	slices.Sort(d)
	q := func(p float64) time.Duration {
		return d[min(len(d)-1, int(p*float64(len(d))))].Round(100 * time.Microsecond)
	}
	return fmt.Sprintf("p50 %v, p99 %v, max %v", q(0.5), q(0.99), d[len(d)-1].Round(100*time.Microsecond))
}

// (f) A Redis restart under light load: calls go on, and a registration
// made through node 1 while Redis was down (longer than a node retries a
// write) reaches the other nodes once it is back.
func TestRedisRestart(t *testing.T) {
	c := startCluster(t, 3)
	for i, ext := range []string{"1101", "1102", "1103", "1104"} {
		phone(t, ext, c.nodes[i%3])
	}
	c.waitRegistered("1101", "1102", "1103", "1104")

	var out []outcome
	done := make(chan struct{})
	cs := callers(t, 2)
	go func() {
		defer close(done)
		out = load(t, cs, 4, 16*time.Second, 200*time.Millisecond, func(i int) callee {
			return callee{number: "6040", node: c.nodes[i%3].sip}
		})
	}()
	time.Sleep(3 * time.Second)
	c.redis.Stop()
	// What the node list answers without Redis (SPEC §12 does not say):
	// logged, not held to anything.
	listed := make(chan string, 1)
	go func() {
		asked := time.Now()
		code, body, err := apiCallWithin(c.nodes[1], "GET", "/api/v1/cluster", 15*time.Second)
		listed <- fmt.Sprintf("GET /api/v1/cluster on node2 with Redis down: %d %s (error: %v) after %v", code,
			strings.TrimSpace(string(body)), err, time.Since(asked).Round(time.Millisecond))
	}()
	time.Sleep(500 * time.Millisecond)
	p := phone(t, "1201", c.nodes[0])   // the registrar does not wait on Redis
	time.Sleep(5500 * time.Millisecond) // past the 5 s a node retries a write
	for _, nd := range c.nodes[1:] {
		if registered(nd, "1201") {
			t.Errorf("%s sees 1201 while Redis is down: it cannot have learnt it", nd.name)
		}
	}
	c.redis.Start()
	back := time.Now()
	for _, nd := range c.nodes[1:] {
		eventually(t, 10*time.Second, nd.name+" sees 1201 after Redis came back", func() bool { return registered(nd, "1201") })
	}
	t.Logf("node2 and node3 saw the registration made during the outage %v after Redis was back", time.Since(back).Round(time.Millisecond))
	t.Log(<-listed)
	<-done
	if f := failures(out); len(f) > 0 {
		t.Errorf("%d of %d calls failed across the Redis restart:\n%s", len(f), len(out), strings.Join(f, "\n"))
	}
	t.Logf("%d calls at 4 calls/s across a 6-s Redis outage: %d failed; setup %s", len(out), len(failures(out)), setupStats(out))
	for _, nd := range c.nodes {
		eventually(t, 10*time.Second, nd.name+" lists the three nodes again", func() bool {
			names, err := c.members(nd)
			return err == nil && len(names) == 3
		})
	}
	before := invites(p)
	mustCall(t, siptest.NewAgent(t, "2000"), callee{number: "6050", node: c.nodes[2].sip}, 50*time.Millisecond)
	if invites(p) != before+1 {
		t.Errorf("1201 (registered through node1 while Redis was down) was not rung for a call through node3")
	}
}
