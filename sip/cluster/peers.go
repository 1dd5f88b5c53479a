package cluster

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"
	"go.uber.org/zap"
)

// The heartbeat and the list of nodes.

// heartbeat beats every Beat until ctx ends.
func (n *Node) heartbeat(ctx context.Context) {
	t := time.NewTicker(Beat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			bctx, cancel := context.WithTimeout(ctx, Beat)
			if err := n.beat(bctx); err != nil && ctx.Err() == nil {
				n.log.Warn("cluster heartbeat failed", zap.Error(err))
			}
			n.refreshPeers(bctx)
			cancel()
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

// refreshPeers reads the node list again. A node that has not been in it
// for Seen - by this node's own clock, so that a Redis that restarted
// empty does not make every node look gone until they beat again - has
// left (or was lost): the handlers get a KindLeft message for it.
func (n *Node) refreshPeers(ctx context.Context) {
	nodes, err := n.Nodes(ctx)
	if err != nil {
		return // Redis is away: the last list stands
	}
	now := n.now()
	n.mu.Lock()
	if n.lastSeen == nil {
		n.lastSeen = map[string]time.Time{}
	}
	peers := make(map[string]NodeInfo, len(nodes))
	for _, nd := range nodes {
		peers[nd.Name] = nd
		n.lastSeen[nd.Name] = now
	}
	for name, p := range n.peers {
		if _, ok := peers[name]; !ok && now.Sub(n.lastSeen[name]) < Seen {
			peers[name] = p // not gone yet
		}
	}
	var gone []string
	for name := range n.peers {
		if _, ok := peers[name]; !ok && name != n.name {
			gone = append(gone, name)
			delete(n.lastSeen, name)
		}
	}
	n.peers = peers
	hs := n.handlers
	n.mu.Unlock()
	for _, name := range gone {
		n.log.Warn("cluster node gone", zap.String("node", name))
		for _, h := range hs {
			h(Message{Node: name, Kind: KindLeft})
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

// PeerCount is how many nodes the last heartbeat saw, this one included.
func (n *Node) PeerCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.peers)
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
