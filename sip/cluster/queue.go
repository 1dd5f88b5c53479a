package cluster

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/rueidis"
	"go.uber.org/zap"
)

// The writes of a node: one queue, one goroutine, in order.

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
