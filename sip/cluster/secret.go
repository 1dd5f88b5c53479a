package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/redis/rueidis"
	"go.uber.org/zap"
)

const secretKey = "ringd:secret"

// sharedSecret reads the secret the nodes share (ringd:secret), making it
// when no node has yet.
func sharedSecret(ctx context.Context, c rueidis.Client) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := c.Do(ctx, c.B().Set().Key(secretKey).Value(hex.EncodeToString(b)).Nx().Build()).Error(); err != nil && !rueidis.IsRedisNil(err) {
		return nil, err
	}
	v, err := c.Do(ctx, c.B().Get().Key(secretKey).Build()).ToString()
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

// keepSecret puts this node's secret back when Redis lost it (a restart):
// every node holds the same one, so whichever writes first writes it. It
// tries until ctx ends (the connection may still be coming back).
func (n *Node) keepSecret(ctx context.Context) {
	c := n.client
	for {
		err := c.Do(ctx, c.B().Set().Key(secretKey).Value(hex.EncodeToString(n.secret)).Nx().Build()).Error()
		if err == nil || rueidis.IsRedisNil(err) {
			return
		}
		select {
		case <-ctx.Done():
			n.log.Warn("cluster: the nonce secret could not be put back", zap.Error(err))
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}
