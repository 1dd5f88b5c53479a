package redisbench

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// go-redis v9 setups. Defaults of v9.23.0 (options.go): RESP3, PoolSize
// 10 x GOMAXPROCS (20 here), a separate pipeline pool of 10 connections for
// Pipeline(), 32 KiB buffers, 3 retries. Each command takes a pooled
// connection for its round trip; nothing is pipelined unless asked.
func init() {
	register("goredis", func(addr string) (impl, error) {
		return newGoRedis(&redis.Options{Addr: addr}, false, false)
	})
	// A pool as large as the 50 goroutines of the parallel benchmarks, so
	// that none waits for a connection.
	register("goredis-pool50", func(addr string) (impl, error) {
		return newGoRedis(&redis.Options{Addr: addr, PoolSize: 50}, false, false)
	})
	// The blocking auto-pipeliner (experimental in v9.23): the same call
	// shape, concurrent callers' commands batched into pipelines.
	// DefaultBlockingAutoPipelineOptions: MaxBatchSize 300, one ordered
	// batch in flight.
	register("goredis-ap", func(addr string) (impl, error) {
		return newGoRedis(&redis.Options{Addr: addr}, true, false)
	})
	// Client-side caching (experimental in v9.23): every GET of the client
	// goes through the cache; the invalidations of idle connections are
	// read by a drainer every DrainInterval (default 5 ms).
	register("goredis-csc", func(addr string) (impl, error) {
		return newGoRedis(&redis.Options{Addr: addr,
			ClientSideCacheConfig: &redis.ClientSideCacheConfig{MaxEntries: 10000}}, false, false)
	})
	register("goredis-csc-1ms", func(addr string) (impl, error) {
		return newGoRedis(&redis.Options{Addr: addr,
			ClientSideCacheConfig: &redis.ClientSideCacheConfig{MaxEntries: 10000, DrainInterval: time.Millisecond}}, false, false)
	})
	// Subscriber through PubSub.Channel() (a goroutine and a Go channel
	// between the connection and the callback) instead of ReceiveMessage.
	register("goredis-chan", func(addr string) (impl, error) {
		return newGoRedis(&redis.Options{Addr: addr}, false, true)
	})
}

var grScript = redis.NewScript(casScript)

type goRedis struct {
	c       *redis.Client
	cmd     redis.Cmdable  // c, or its auto-pipeliner
	scr     redis.Scripter // the same
	subChan bool
	csc     bool
}

func newGoRedis(opt *redis.Options, autoPipeline, subChan bool) (*goRedis, error) {
	c := redis.NewClient(opt)
	g := &goRedis{c: c, cmd: c, scr: c, subChan: subChan,
		csc: opt.ClientSideCacheConfig != nil || opt.ClientSideCache != nil}
	if autoPipeline {
		ap, err := c.AutoPipeline()
		if err != nil {
			c.Close()
			return nil, err
		}
		g.cmd, g.scr = ap, ap
	}
	ctx := context.Background()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, err
	}
	// Loaded once, as a node would at start; Run still falls back to EVAL.
	if err := grScript.Load(ctx, c).Err(); err != nil {
		c.Close()
		return nil, err
	}
	return g, nil
}

func (g *goRedis) Set(ctx context.Context, key, val string) error {
	return g.cmd.Set(ctx, key, val, busyTTL).Err()
}

func (g *goRedis) CAS(ctx context.Context, key, old, nv string) (int64, error) {
	return grScript.Run(ctx, g.scr, []string{key}, old, nv).Int64()
}

func (g *goRedis) Publish(ctx context.Context, ch, msg string) error {
	return g.cmd.Publish(ctx, ch, msg).Err()
}

func (g *goRedis) WriteSetPipelined(ctx context.Context, w *writeSet) error {
	p := g.c.Pipeline()
	p.Set(ctx, w.busy, nodeName, busyTTL)
	cas := p.EvalSha(ctx, grScript.Hash(), []string{w.group}, w.old, w.nv)
	p.Publish(ctx, channel, w.msg)
	if _, err := p.Exec(ctx); err != nil {
		return err
	}
	if n, err := cas.Int64(); err != nil || n != 1 {
		return fmt.Errorf("CAS %s %s->%s: %d %v", w.group, w.old, w.nv, n, err)
	}
	return nil
}

func (g *goRedis) Get(ctx context.Context, key string) (string, error) {
	return g.cmd.Get(ctx, key).Result()
}

// CachedGet is a GET of a client with client-side caching on; go-redis
// does not say per call whether it was a hit (CSCStats counts them).
func (g *goRedis) CachedGet(ctx context.Context, key string) (string, bool, error) {
	if !g.csc {
		return "", false, fmt.Errorf("client-side caching is off")
	}
	v, err := g.c.Get(ctx, key).Result()
	return v, false, err
}

func (g *goRedis) Subscribe(ctx context.Context, ch string, fn func(string)) (func(), error) {
	ps := g.c.Subscribe(ctx, ch)
	if _, err := ps.Receive(ctx); err != nil { // the subscribe confirmation
		ps.Close()
		return nil, err
	}
	done := make(chan struct{})
	if g.subChan {
		msgs := ps.Channel()
		go func() {
			defer close(done)
			for m := range msgs {
				fn(m.Payload)
			}
		}()
	} else {
		go func() {
			defer close(done)
			for {
				m, err := ps.ReceiveMessage(ctx)
				if err != nil {
					return
				}
				fn(m.Payload)
			}
		}()
	}
	return func() { ps.Close(); <-done }, nil
}

func (g *goRedis) Close() {
	g.c.Close()
}
