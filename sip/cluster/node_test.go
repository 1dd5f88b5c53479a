package cluster

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ringd/ringd/sip/cluster/clustertest"
)

// received collects a node's messages from the others.
type received struct {
	mu   sync.Mutex
	msgs []Message
}

func (r *received) add(m Message) { r.mu.Lock(); r.msgs = append(r.msgs, m); r.mu.Unlock() }

func (r *received) wait(t *testing.T, n int) []Message {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		if len(r.msgs) >= n {
			out := append([]Message(nil), r.msgs...)
			r.mu.Unlock()
			return out
		}
		r.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%d messages within 3 s, want %d", len(r.msgs), n)
	return nil
}

func openNode(t *testing.T, redis, name string) (*Node, *received) {
	t.Helper()
	n, err := Open(context.Background(), Options{Name: name, Redis: redis, SIP: []string{"udp://127.0.0." + name[len(name)-1:] + ":5060"}})
	if err != nil {
		t.Fatal(err)
	}
	got := &received{}
	n.OnMessage(got.add)
	subscribed := make(chan struct{}, 4)
	n.OnResync(func() { subscribed <- struct{}{} })
	n.Start()
	t.Cleanup(n.Close)
	select {
	case <-subscribed:
	case <-time.After(3 * time.Second):
		t.Fatal("no subscription")
	}
	return n, got
}

// Two nodes see each other, share bindings and busy marks, and hear each
// other's changes; a node that closes leaves the list at once.
func TestNodesShareState(t *testing.T) {
	r := clustertest.StartRedis(t)
	ctx := context.Background()
	a, _ := openNode(t, r.URL, "node1")
	b, gotB := openNode(t, r.URL, "node2")

	nodes, err := b.Nodes(ctx)
	if err != nil || len(nodes) != 2 || nodes[0].SIP == nil {
		t.Fatalf("nodes %+v, %v", nodes, err)
	}
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	a.ShareBinding("1001", Binding{Contact: "sip:1001@127.0.0.9:5070", Expires: exp, CallID: "reg-1", CSeq: 3, Transport: "TCP"}, false)
	a.SetBusy("1002", true)
	a.ConfigChanged()
	msgs := gotB.wait(t, 3)
	if m := msgs[0]; m.Kind != KindBinding || m.Node != "node1" || m.Ext != "1001" || m.Binding.CSeq != 3 || m.Binding.Node != "node1" {
		t.Errorf("binding message %+v", m)
	}
	if m := msgs[1]; m.Kind != KindBusy || !m.Busy || m.Ext != "1002" {
		t.Errorf("busy message %+v", m)
	}
	if msgs[2].Kind != KindConfig {
		t.Errorf("config message %+v", msgs[2])
	}
	binds, err := b.Bindings(ctx)
	if err != nil || len(binds["1001"]) != 1 || !binds["1001"][0].Expires.Equal(exp) || binds["1001"][0].Transport != "TCP" {
		t.Errorf("bindings %+v, %v", binds, err)
	}
	busy, err := b.BusyMarks(ctx)
	if err != nil || len(busy["node1"]) != 1 || busy["node1"][0] != "1002" {
		t.Errorf("busy marks %+v, %v", busy, err)
	}
	a.ShareBinding("1001", Binding{Contact: "sip:1001@127.0.0.9:5070", Expires: exp}, true)
	a.SetBusy("1002", false)
	gotB.wait(t, 5)
	if binds, _ := b.Bindings(ctx); len(binds) != 0 {
		t.Errorf("after removal: %+v", binds)
	}
	if busy, _ := b.BusyMarks(ctx); len(busy["node1"]) != 0 {
		t.Errorf("after clearing: %+v", busy)
	}
	a.Close()
	if nodes, _ := b.Nodes(ctx); len(nodes) != 1 || nodes[0].Name != "node2" || !nodes[0].Self {
		t.Errorf("after node1 left: %+v", nodes)
	}
}

// A Redis restart: the node subscribes again, resyncs, and its writes go
// on.
func TestNodeSurvivesARedisRestart(t *testing.T) {
	r := clustertest.StartRedis(t)
	a, _ := openNode(t, r.URL, "node1")
	b, gotB := openNode(t, r.URL, "node2")
	_ = b
	resynced := make(chan struct{}, 4)
	b.OnResync(func() { resynced <- struct{}{} })
	r.Stop()
	r.Start()
	select {
	case <-resynced:
	case <-time.After(5 * time.Second):
		t.Fatal("node2 did not subscribe again after the restart")
	}
	a.SetBusy("1001", true)
	if m := gotB.wait(t, 1)[0]; m.Kind != KindBusy || m.Ext != "1001" {
		t.Errorf("message after the restart: %+v", m)
	}
}

// A ban one node started reaches the others and is read back until it ends.
func TestBansAreShared(t *testing.T) {
	r := clustertest.StartRedis(t)
	a, _ := openNode(t, r.URL, "node1")
	b, gotB := openNode(t, r.URL, "node2")
	until := time.Now().Add(time.Minute).Truncate(time.Millisecond)
	a.ShareBan("192.0.2.7", until, "auth_failures")
	m := gotB.wait(t, 1)[0]
	if m.Kind != KindBan || m.Source != "192.0.2.7" || m.Until != until.UnixNano() || m.Reason != "auth_failures" {
		t.Errorf("ban message %+v", m)
	}
	bans, err := b.Bans(context.Background())
	if err != nil || len(bans) != 1 || bans[0].Source != "192.0.2.7" || !bans[0].Until.Equal(until) || bans[0].Reason != "auth_failures" {
		t.Errorf("bans %+v, %v", bans, err)
	}
}

// A node that restarts (after a crash: no Close) under the same name
// drops the busy marks of its previous run and tells the others.
func TestARestartedNodeStartsWithoutBusyMarks(t *testing.T) {
	r := clustertest.StartRedis(t)
	a, _ := openNode(t, r.URL, "node1")
	b, gotB := openNode(t, r.URL, "node2")
	a.SetBusy("1001", true)
	gotB.wait(t, 1)
	again, err := Open(context.Background(), Options{Name: "node1", Redis: r.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if m := gotB.wait(t, 2)[1]; m.Kind != KindLeft || m.Node != "node1" {
		t.Errorf("after the restart node2 got %+v, want node1 left", m)
	}
	if busy, err := b.BusyMarks(context.Background()); err != nil || len(busy["node1"]) != 0 {
		t.Errorf("busy marks after the restart: %+v, %v", busy, err)
	}
}

// Every node reads the same nonce secret, and one that Redis lost comes
// back with the next resync.
func TestNodesShareTheNonceSecret(t *testing.T) {
	r := clustertest.StartRedis(t)
	a, _ := openNode(t, r.URL, "node1")
	b, _ := openNode(t, r.URL, "node2")
	if len(a.Secret()) != 32 || string(a.Secret()) != string(b.Secret()) {
		t.Fatalf("secrets %x and %x", a.Secret(), b.Secret())
	}
	resynced := make(chan struct{}, 4)
	a.OnResync(func() { resynced <- struct{}{} })
	r.Stop()
	r.Start()
	select { // node1 is back on Redis: it has put the secret back
	case <-resynced:
	case <-time.After(5 * time.Second):
		t.Fatal("node1 did not resync")
	}
	c, err := Open(context.Background(), Options{Name: "node3", Redis: r.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if string(c.Secret()) != string(a.Secret()) {
		t.Error("a node started after the Redis restart does not share the secret")
	}
}
