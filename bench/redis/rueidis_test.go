package redisbench

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/rueidis"
)

// rueidis setups. Defaults of v1.0.80 (rueidis.go, mux.go): RESP3;
// auto-pipelining: concurrent commands share PipelineMultiplex connections
// (log2(GOMAXPROCS) capped at 2, so 2^1 = 2 connections here), written and
// read by one goroutine pair each; client-side caching on, with CLIENT
// TRACKING OPTIN on every connection and 128 MiB of cache per connection; a
// pool of up to 1024 connections only for blocking commands; 0.5 MiB
// buffers per connection.
func init() {
	register("rueidis", func(addr string) (impl, error) {
		return newRueidis(rueidis.ClientOption{InitAddress: []string{addr}})
	})
	// Caching off. With tracking on, every connection keeps its reader
	// goroutine running (invalidations can arrive at any time), so even a
	// lone caller hands each command to it; with it off a lone caller writes
	// and reads the socket itself until calls overlap.
	register("rueidis-nocache", func(addr string) (impl, error) {
		return newRueidis(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	})
	// MaxFlushDelay: the writer goroutine waits up to 20 us after each
	// flush so that more commands go out in one write (rueidis's advice for
	// lower CPU under load; only in the parallel benchmarks).
	register("rueidis-flush20us", func(addr string) (impl, error) {
		return newRueidis(rueidis.ClientOption{InitAddress: []string{addr}, MaxFlushDelay: 20 * time.Microsecond})
	})
}

var rdScript = rueidis.NewLuaScript(casScript)

type rueidisC struct {
	c   rueidis.Client
	sha string
}

func newRueidis(opt rueidis.ClientOption) (*rueidisC, error) {
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	sha, err := c.Do(ctx, c.B().ScriptLoad().Script(casScript).Build()).ToString()
	if err != nil {
		c.Close()
		return nil, err
	}
	return &rueidisC{c: c, sha: sha}, nil
}

func (r *rueidisC) Set(ctx context.Context, key, val string) error {
	return r.c.Do(ctx, r.c.B().Set().Key(key).Value(val).ExSeconds(int64(busyTTL.Seconds())).Build()).Error()
}

func (r *rueidisC) CAS(ctx context.Context, key, old, nv string) (int64, error) {
	return rdScript.Exec(ctx, r.c, []string{key}, []string{old, nv}).AsInt64()
}

func (r *rueidisC) Publish(ctx context.Context, ch, msg string) error {
	return r.c.Do(ctx, r.c.B().Publish().Channel(ch).Message(msg).Build()).Error()
}

func (r *rueidisC) WriteSetPipelined(ctx context.Context, w *writeSet) error {
	res := r.c.DoMulti(ctx,
		r.c.B().Set().Key(w.busy).Value(nodeName).ExSeconds(int64(busyTTL.Seconds())).Build(),
		r.c.B().Evalsha().Sha1(r.sha).Numkeys(1).Key(w.group).Arg(w.old, w.nv).Build(),
		r.c.B().Publish().Channel(channel).Message(w.msg).Build())
	for _, x := range res {
		if err := x.Error(); err != nil {
			return err
		}
	}
	if n, err := res[1].AsInt64(); err != nil || n != 1 {
		return fmt.Errorf("CAS %s %s->%s: %d %v", w.group, w.old, w.nv, n, err)
	}
	return nil
}

func (r *rueidisC) Get(ctx context.Context, key string) (string, error) {
	return r.c.Do(ctx, r.c.B().Get().Key(key).Build()).ToString()
}

func (r *rueidisC) CachedGet(ctx context.Context, key string) (string, bool, error) {
	res := r.c.DoCache(ctx, r.c.B().Get().Key(key).Cache(), cacheTTL)
	v, err := res.ToString()
	return v, res.IsCacheHit(), err
}

func (r *rueidisC) Subscribe(ctx context.Context, ch string, fn func(string)) (func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- r.c.Receive(ctx, r.c.B().Subscribe().Channel(ch).Build(), func(m rueidis.PubSubMessage) {
			fn(m.Message)
		})
	}()
	// Receive returns only when the subscription ends; the caller waits for
	// a first message to know it is in place (see waitSubscribed).
	return func() { cancel(); <-done }, nil
}

func (r *rueidisC) Close() {
	r.c.Close()
}
