package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
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
	peers    map[string]NodeInfo // the nodes seen at the last heartbeat, this one included

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

// heartbeat beats every Beat until ctx ends.
func (n *Node) heartbeat(ctx context.Context) {
	t := time.NewTicker(Beat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := n.beat(ctx); err != nil && ctx.Err() == nil {
				n.log.Warn("cluster heartbeat failed", zap.Error(err))
			}
			n.refreshPeers(ctx)
		}
	}
}

// beat records the node as alive and renews its busy marks.
func (n *Node) beat(ctx context.Context) error {
	c := n.client
	now := n.now()
	n.mu.Lock()
	sipList := strings.Join(n.sip, " ")
	n.mu.Unlock()
	cmds := rueidis.Commands{
		c.B().Zadd().Key(nodesKey).ScoreMember().ScoreMember(float64(now.UnixMilli()), n.name).Build(),
		c.B().Hset().Key(nodeKey(n.name)).FieldValue().FieldValue("sip", sipList).
			FieldValue("started", strconv.FormatInt(n.started.UnixMilli(), 10)).Build(),
		c.B().Expire().Key(nodeKey(n.name)).Seconds(int64(busyTTL / time.Second)).Build(),
		c.B().Expire().Key(busyKey(n.name)).Seconds(int64(busyTTL / time.Second)).Build(),
	}
	for _, r := range c.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil && !rueidis.IsRedisNil(err) {
			return err
		}
	}
	return nil
}

// refreshPeers reads the node list again; a node that is no longer in it
// has left (or was lost): the handlers get a KindLeft message for it.
func (n *Node) refreshPeers(ctx context.Context) {
	nodes, err := n.Nodes(ctx)
	if err != nil {
		return // Redis is away: the last list stands
	}
	peers := make(map[string]NodeInfo, len(nodes))
	for _, nd := range nodes {
		peers[nd.Name] = nd
	}
	n.mu.Lock()
	old := n.peers
	n.peers = peers
	hs := n.handlers
	n.mu.Unlock()
	for name := range old {
		if _, ok := peers[name]; !ok && name != n.name {
			n.log.Warn("cluster node gone", zap.String("node", name))
			for _, h := range hs {
				h(Message{Node: name, Kind: KindLeft})
			}
		}
	}
}

// Peer is what the last heartbeat saw of node name; a node it did not see
// (one that just started) is looked up at once.
func (n *Node) Peer(name string) (NodeInfo, bool) {
	n.mu.Lock()
	p, ok := n.peers[name]
	n.mu.Unlock()
	if !ok {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		n.refreshPeers(ctx)
		n.mu.Lock()
		p, ok = n.peers[name]
		n.mu.Unlock()
	}
	return p, ok
}

// Nodes lists the nodes seen in the last Seen.
func (n *Node) Nodes(ctx context.Context) ([]NodeInfo, error) {
	c := n.client
	now := n.now()
	min := strconv.FormatInt(now.Add(-Seen).UnixMilli(), 10)
	scores, err := c.Do(ctx, c.B().Zrangebyscore().Key(nodesKey).Min(min).Max("+inf").Withscores().Build()).AsZScores()
	if err != nil {
		return nil, err
	}
	out := make([]NodeInfo, 0, len(scores))
	for _, z := range scores {
		info := NodeInfo{Name: z.Member, LastSeen: time.UnixMilli(int64(z.Score)).UTC(), Self: z.Member == n.name}
		if h, err := c.Do(ctx, c.B().Hgetall().Key(nodeKey(z.Member)).Build()).AsStrMap(); err == nil {
			info.SIP = strings.Fields(h["sip"])
			if ms, err := strconv.ParseInt(h["started"], 10, 64); err == nil {
				info.Started = time.UnixMilli(ms).UTC()
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// Publish sends a change to the other nodes, after the shared state's own
// write (with, when set); it never blocks: a full queue drops it.
func (n *Node) Publish(m Message, with ...rueidis.Completed) {
	m.Node = n.name
	body, err := json.Marshal(m)
	if err != nil {
		return
	}
	c := n.client
	cmds := append(with, c.B().Publish().Channel(channel).Message(string(body)).Build())
	n.enqueue(func(ctx context.Context) error {
		for _, r := range c.DoMulti(ctx, cmds...) {
			if err := r.Error(); err != nil {
				return err
			}
		}
		return nil
	})
}

func (n *Node) enqueue(w func(context.Context) error) {
	select {
	case n.queue <- w:
	default:
		n.dropped()
	}
}

// write carries out the queued writes in order. A write that fails (Redis
// restarting) is tried again for up to retryFor; after that it is dropped
// and logged: the state comes back with the next resync, when each node
// pushes its own again.
func (n *Node) write(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case w := <-n.queue:
			deadline := time.Now().Add(retryFor)
			for {
				wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
				err := w(wctx)
				cancel()
				if err == nil || ctx.Err() != nil {
					break
				}
				if time.Now().After(deadline) {
					n.log.Warn("cluster write dropped", zap.Error(err))
					break
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
	}
}

// subscribe listens to the events channel, again after every failure.
// Each time the subscription is confirmed the resync handlers run (on
// their own goroutine): what was published while the node was not
// listening is read back from the shared state.
func (n *Node) subscribe(ctx context.Context) {
	for ctx.Err() == nil {
		dc, release := n.client.Dedicate()
		lost := dc.SetPubSubHooks(rueidis.PubSubHooks{
			OnMessage: n.received,
			OnSubscription: func(s rueidis.PubSubSubscription) {
				if s.Kind == "subscribe" {
					go n.resync()
				}
			},
		})
		err := dc.Do(ctx, dc.B().Subscribe().Channel(channel).Build()).Error()
		if err == nil {
			select {
			case err = <-lost:
			case <-ctx.Done():
			}
		}
		release()
		if ctx.Err() != nil {
			return
		}
		n.log.Warn("cluster subscription lost; subscribing again", zap.Error(err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (n *Node) resync() {
	n.mu.Lock()
	fs := append([]func(){}, n.resyncs...)
	n.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// received hands another node's message to the handlers.
func (n *Node) received(pm rueidis.PubSubMessage) {
	var m Message
	if json.Unmarshal([]byte(pm.Message), &m) != nil || m.Node == n.name {
		return
	}
	n.mu.Lock()
	hs := n.handlers
	n.mu.Unlock()
	for _, h := range hs {
		h(m)
	}
}

func nodeKey(name string) string { return "ringd:node:" + name }
func busyKey(name string) string { return "ringd:busy:" + name }
