package cluster

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/rueidis"
	"go.uber.org/zap"
)

// The events channel: the other nodes' changes as they happen.

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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	n.keepSecret(ctx)
	cancel()
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
