package cluster

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/redis/rueidis"
	"go.uber.org/zap"
)

// Timing of the cluster (SPEC §12).
const (
	Beat     = 3 * time.Second  // how often a node says it is alive
	Seen     = 10 * time.Second // a node unseen for this long is gone
	busyTTL  = 30 * time.Second // a node's busy marks outlive it at most this long
	channel  = "ringd:events"
	nodesKey = "ringd:nodes"
	bindKey  = "ringd:bindings"
	queueLen = 1 << 16         // changes waiting for Redis; beyond, they are dropped (and counted) until Resync
	retryFor = 5 * time.Second // how long a failed write is tried again
)

// Node is this process's membership of the cluster. Its methods are safe
// for concurrent use.
type Node struct {
	name    string
	sip     []string
	started time.Time
	client  rueidis.Client
	log     *zap.Logger
	now     func() time.Time

	queue   chan func(context.Context) error // writes, in order, by one goroutine
	dropped func()                           // counts a write the full queue refused

	mu       sync.Mutex
	handlers []func(Message)
	resyncs  []func()
	peers    map[string]NodeInfo  // the nodes seen at the last heartbeat, this one included
	lastSeen map[string]time.Time // when each peer was last in the node list, by this node's clock
	secret   []byte               // the digest nonces' secret every node shares

	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Options configure Open.
type Options struct {
	Name  string   // this node's name
	Redis string   // redis://host:port/db
	SIP   []string // this node's SIP listeners, for the others to route through it
	Log   *zap.Logger
	Now   func() time.Time // the clock (nil: time.Now)
	// Dropped, when set, is called for each change the full write queue
	// could not take.
	Dropped func()
}

// Open connects to Redis, announces the node and starts its heartbeat and
// its subscription. Handlers (OnMessage, OnResync) should be set before
// Start.
func Open(ctx context.Context, o Options) (*Node, error) {
	opt, err := rueidis.ParseURL(o.Redis)
	if err != nil {
		return nil, errors.New("cluster.redis: " + err.Error())
	}
	opt.DisableCache = true // the local view is fed by the events channel
	client, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, err
	}
	n := &Node{name: o.Name, sip: o.SIP, client: client, log: o.Log, now: o.Now, dropped: o.Dropped,
		queue: make(chan func(context.Context) error, queueLen)}
	if n.now == nil {
		n.now = time.Now
	}
	if n.log == nil {
		n.log = zap.NewNop()
	}
	if n.dropped == nil {
		n.dropped = func() {}
	}
	n.started = n.now()
	if n.secret, err = sharedSecret(ctx, client); err != nil {
		client.Close()
		return nil, err
	}
	// A node (re)starts with no call: the busy marks a previous run of it
	// left go, and the others are told to forget theirs (a restart quicker
	// than Seen is not seen as a departure).
	fresh := rueidis.Commands{
		client.B().Del().Key(busyKey(n.name)).Build(),
		client.B().Publish().Channel(channel).Message(`{"node":` + strconv.Quote(n.name) + `,"kind":"left"}`).Build(),
	}
	for _, r := range client.DoMulti(ctx, fresh...) {
		if err := r.Error(); err != nil {
			client.Close()
			return nil, err
		}
	}
	if err := n.beat(ctx); err != nil {
		client.Close()
		return nil, err
	}
	n.refreshPeers(ctx)
	return n, nil
}

// SetSIP gives the node's SIP listeners (udp://IP:PORT, ...), once they
// are bound: the others route through them.
func (n *Node) SetSIP(listeners []string) {
	n.mu.Lock()
	n.sip = append([]string(nil), listeners...)
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = n.beat(ctx)
}

// Secret is the secret the nodes share for their digest nonces, so that a
// challenge one node issued is answered on any node.
func (n *Node) Secret() []byte { return n.secret }

// Name is this node's name.
func (n *Node) Name() string { return n.name }

// OnMessage adds a handler for the other nodes' messages (called on the
// subscription's goroutine: it must return quickly).
func (n *Node) OnMessage(f func(Message)) {
	n.mu.Lock()
	n.handlers = append(n.handlers, f)
	n.mu.Unlock()
}

// OnResync adds a handler called whenever the subscription (re)starts:
// messages may have been missed, so the shared state is to be read again.
func (n *Node) OnResync(f func()) {
	n.mu.Lock()
	n.resyncs = append(n.resyncs, f)
	n.mu.Unlock()
}

// Start runs the heartbeat, the writer and the subscription until Close.
func (n *Node) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.done.Add(3)
	go func() { defer n.done.Done(); n.heartbeat(ctx) }()
	go func() { defer n.done.Done(); n.write(ctx) }()
	go func() { defer n.done.Done(); n.subscribe(ctx) }()
}

// Close stops the node: it leaves the cluster at once (its heartbeat and
// busy marks are removed) and closes the connection.
func (n *Node) Close() {
	if n.cancel != nil {
		n.cancel()
		n.done.Wait()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c := n.client
	_ = c.Do(ctx, c.B().Zrem().Key(nodesKey).Member(n.name).Build()).Error()
	_ = c.Do(ctx, c.B().Del().Key(busyKey(n.name)).Build()).Error()
	c.Close()
}

func nodeKey(name string) string { return "ringd:node:" + name }
func busyKey(name string) string { return "ringd:busy:" + name }
