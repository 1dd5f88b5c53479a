package redisbench

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// Which setups each benchmark runs; README.md says why.
var (
	seqClients      = []string{"goredis", "goredis-ap", "rueidis", "rueidis-nocache"}
	parClients      = []string{"goredis", "goredis-pool50", "goredis-ap", "rueidis", "rueidis-nocache", "rueidis-flush20us"}
	pipeClients     = []string{"goredis", "rueidis", "rueidis-nocache"}
	pipeParClients  = []string{"goredis", "goredis-pool50", "rueidis", "rueidis-nocache", "rueidis-flush20us"}
	getClients      = []string{"goredis", "rueidis", "rueidis-nocache"}
	cachedClients   = []string{"goredis-csc", "rueidis"}
	pubsubClients   = []string{"goredis", "goredis-chan", "rueidis"}
	invalidClients  = []string{"goredis-csc", "goredis-csc-1ms", "rueidis"}
	idleClients     = []string{"goredis", "goredis-csc", "goredis-csc-1ms", "rueidis", "rueidis-nocache"}
	invalidWriterOf = map[string]string{"goredis-csc": "goredis", "goredis-csc-1ms": "goredis", "rueidis": "rueidis-nocache"}
)

// each runs fn once per setup, as sub-benchmark client=NAME, with a fresh
// client (closed afterwards) for every run.
func each(b *testing.B, names []string, fn func(b *testing.B, c impl)) {
	for _, v := range variantsNamed(b, names...) {
		b.Run("client="+v.name, func(b *testing.B) {
			c, err := v.new(srv.addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			fn(b, c)
		})
	}
}

// seq times op, called b.N times from one goroutine, after 200 untimed calls.
func seq(b *testing.B, op func() error) {
	for range 200 {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	m := startCPU()
	for range b.N {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	m.report(b)
}

// par times op from parallel x GOMAXPROCS goroutines (50 here); mk makes
// the op of goroutine id. 20 untimed calls per goroutine first (groups 100
// and up), so that connections are open.
func par(b *testing.B, c impl, mk func(id int) func() error) {
	ctx := context.Background()
	goroutines := parallel * gomaxprocs()
	if 100+goroutines > maxGroups {
		b.Fatalf("%d goroutines, %d groups", goroutines, maxGroups)
	}
	for id := range 100 + goroutines {
		if err := c.Set(ctx, groupKeys[id], vals[0]); err != nil {
			b.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errc := make(chan error, goroutines)
	for id := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op := mk(100 + id)
			for range 20 {
				if err := op(); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errc:
		b.Fatal(err)
	default:
	}
	var ids atomic.Int32
	b.SetParallelism(parallel)
	b.ReportAllocs()
	b.ResetTimer()
	m := startCPU()
	b.RunParallel(func(pb *testing.PB) {
		op := mk(int(ids.Add(1) - 1))
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	m.report(b)
}

// writeOp returns the write set of group id as an op: each call marks the
// next busy key, moves the group's CAS chain one step and publishes.
func writeOp(ctx context.Context, c impl, id int, pipelined bool) func() error {
	k := 0
	w := &writeSet{group: groupKeys[id]}
	return func() error {
		w.busy = busyKeys[(id*7+k)%nBusy]
		w.old, w.nv = casPair(k)
		w.msg = payloads[k%nVals]
		k++
		if pipelined {
			return c.WriteSetPipelined(ctx, w)
		}
		return writeSetSeq(ctx, c, w)
	}
}

// (a) SET ringd:busy:N node-a EX 30, one round trip.
func BenchmarkSet(b *testing.B) {
	ctx := context.Background()
	each(b, seqClients, func(b *testing.B, c impl) {
		k := 0
		seq(b, func() error {
			k++
			return c.Set(ctx, busyKeys[k%nBusy], nodeName)
		})
	})
}

// (b) The CAS script, through each client's script helper (EVALSHA; the
// script is loaded, so never EVAL). Every call succeeds: the chain runs
// GET and SET in the script.
func BenchmarkEvalSha(b *testing.B) {
	ctx := context.Background()
	each(b, seqClients, func(b *testing.B, c impl) {
		if err := c.Set(ctx, groupKeys[0], vals[0]); err != nil {
			b.Fatal(err)
		}
		k := 0
		seq(b, func() error {
			old, nv := casPair(k)
			k++
			n, err := c.CAS(ctx, groupKeys[0], old, nv)
			if err == nil && n != 1 {
				b.Fatalf("CAS %s->%s: %d", old, nv, n)
			}
			return err
		})
	})
}

// (c) The per-call write set, three awaited round trips: busy SET EX, the
// CAS, PUBLISH (nobody subscribed: BenchmarkPubSubLatency has the fan-out).
func BenchmarkWriteSet(b *testing.B) {
	ctx := context.Background()
	each(b, seqClients, func(b *testing.B, c impl) {
		if err := c.Set(ctx, groupKeys[0], vals[0]); err != nil {
			b.Fatal(err)
		}
		seq(b, writeOp(ctx, c, 0, false))
	})
}

// (c) The same three commands written as one pipeline (one round trip).
func BenchmarkWriteSetPipelined(b *testing.B) {
	ctx := context.Background()
	each(b, pipeClients, func(b *testing.B, c impl) {
		if err := c.Set(ctx, groupKeys[0], vals[0]); err != nil {
			b.Fatal(err)
		}
		seq(b, writeOp(ctx, c, 0, true))
	})
}

// (c) The write set from 50 goroutines at once, each with its own group.
func BenchmarkWriteSetParallel(b *testing.B) {
	ctx := context.Background()
	each(b, parClients, func(b *testing.B, c impl) {
		par(b, c, func(id int) func() error { return writeOp(ctx, c, id, false) })
	})
}

func BenchmarkWriteSetPipelinedParallel(b *testing.B) {
	ctx := context.Background()
	each(b, pipeParClients, func(b *testing.B, c impl) {
		par(b, c, func(id int) func() error { return writeOp(ctx, c, id, true) })
	})
}

func loadRegs(b *testing.B, c impl) {
	ctx := context.Background()
	for i := range regKeys {
		if err := c.Set(ctx, regKeys[i], regVals[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// (e) A plain GET of one of 2,000 registrations.
func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	each(b, getClients, func(b *testing.B, c impl) {
		loadRegs(b, c)
		k := 0
		seq(b, func() error {
			i := k % nRegs
			k++
			v, err := c.Get(ctx, regKeys[i])
			if err == nil && v != regVals[i] {
				b.Fatalf("GET %s = %q", regKeys[i], v)
			}
			return err
		})
	})
}

// (e) The same read through the client-side cache, all 2,000 keys cached
// (rueidis DoCache with a 1-minute client TTL; go-redis GET with
// ClientSideCacheConfig). Reports the hit ratio.
func BenchmarkCachedGet(b *testing.B) {
	ctx := context.Background()
	each(b, cachedClients, func(b *testing.B, c impl) {
		loadRegs(b, c)
		for i := range regKeys { // fill the cache
			if _, _, err := c.CachedGet(ctx, regKeys[i]); err != nil {
				b.Fatal(err)
			}
		}
		h0, m0 := cacheCounts(c)
		var hits int
		k := 0
		seq(b, func() error {
			i := k % nRegs
			k++
			v, hit, err := c.CachedGet(ctx, regKeys[i])
			if err == nil && v != regVals[i] {
				b.Fatalf("GET %s = %q", regKeys[i], v)
			}
			if hit {
				hits++
			}
			return err
		})
		if h1, m1 := cacheCounts(c); h1+m1 > h0+m0 {
			b.ReportMetric(100*float64(h1-h0)/float64(h1-h0+m1-m0), "hit-%")
		} else {
			b.ReportMetric(100*float64(hits)/float64(b.N+200), "hit-%")
		}
	})
}

// cacheCounts: go-redis's cache hit and miss counters (0, 0 for rueidis,
// which says per call).
func cacheCounts(c impl) (hits, misses uint64) {
	if g, ok := c.(*goRedis); ok {
		s := g.c.CSCStats()
		return s.Hits, s.Misses
	}
	return 0, 0
}

func BenchmarkCachedGetParallel(b *testing.B) {
	ctx := context.Background()
	each(b, cachedClients, func(b *testing.B, c impl) {
		loadRegs(b, c)
		par(b, c, func(id int) func() error {
			k := id * 37
			return func() error {
				i := k % nRegs
				k++
				v, _, err := c.CachedGet(ctx, regKeys[i])
				if err == nil && v != regVals[i] {
					return &mismatch{regKeys[i], v}
				}
				return err
			}
		})
	})
}

type mismatch struct{ key, got string }

func (m *mismatch) Error() string { return "GET " + m.key + " = " + m.got }

type arrival struct {
	at      time.Time
	payload string
}

// subscribe subscribes sub to ch and returns once a message published by
// pub has come through.
func subscribe(b *testing.B, pub, sub impl, ch string) (<-chan arrival, func()) {
	ctx := context.Background()
	arrivals := make(chan arrival, 64)
	stop, err := sub.Subscribe(ctx, ch, func(p string) { arrivals <- arrival{time.Now(), p} })
	if err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := pub.Publish(ctx, ch, "warm-up"); err != nil {
			b.Fatal(err)
		}
		select {
		case <-arrivals:
			time.Sleep(20 * time.Millisecond)
			for len(arrivals) > 0 {
				<-arrivals
			}
			return arrivals, stop
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Fatal("subscription not in place after 5 s")
		}
	}
}

// (d) PUBLISH on one client, the time until the subscriber (another client
// of the same setup) has the message in its callback; one message at a
// time. ns/op is the whole turn; p50/p99 are publish-to-callback.
func BenchmarkPubSubLatency(b *testing.B) {
	ctx := context.Background()
	for _, v := range variantsNamed(b, pubsubClients...) {
		b.Run("client="+v.name, func(b *testing.B) {
			pub, err := v.new(srv.addr)
			if err != nil {
				b.Fatal(err)
			}
			defer pub.Close()
			sub, err := v.new(srv.addr)
			if err != nil {
				b.Fatal(err)
			}
			defer sub.Close()
			arrivals, stop := subscribe(b, pub, sub, channel)
			defer stop()
			lat := make([]time.Duration, b.N)
			timer := time.NewTimer(time.Hour)
			b.ReportAllocs()
			b.ResetTimer()
			m := startCPU()
			for i := range b.N {
				msg := payloads[i%nVals]
				t0 := time.Now()
				if err := pub.Publish(ctx, channel, msg); err != nil {
					b.Fatal(err)
				}
				timer.Reset(5 * time.Second)
				select {
				case a := <-arrivals:
					if a.payload != msg {
						b.Fatalf("got %q, want %q", a.payload, msg)
					}
					lat[i] = a.at.Sub(t0)
				case <-timer.C:
					b.Fatalf("message %d not delivered in 5 s", i)
				}
			}
			b.StopTimer()
			m.report(b)
			reportLatency(b, lat)
		})
	}
}

// invalReader makes the reading client of BenchmarkInvalidation with a
// hook that gets the time at which the invalidation of key reaches its
// cache.
func invalReader(name, addr, key string, seen chan<- time.Time) (impl, error) {
	signal := func() {
		select {
		case seen <- time.Now():
		default:
		}
	}
	switch name {
	case "rueidis":
		return newRueidis(rueidis.ClientOption{InitAddress: []string{addr},
			OnInvalidations: func(ms []rueidis.RedisMessage) {
				for _, m := range ms {
					if s, _ := m.ToString(); s == key {
						signal()
					}
				}
			}})
	case "goredis-csc", "goredis-csc-1ms":
		cfg := &redis.ClientSideCacheConfig{MaxEntries: 10000}
		if name == "goredis-csc-1ms" {
			cfg.DrainInterval = time.Millisecond
		}
		// go-redis has no invalidation callback beside its cache; a cache
		// that wraps the built-in one notes the delete. (DrainInterval is
		// still read from ClientSideCacheConfig.)
		tc := &timedCache{LocalCache: redis.NewLocalCache(*cfg), key: key, signal: signal}
		return newGoRedis(&redis.Options{Addr: addr, ClientSideCacheConfig: cfg, ClientSideCache: tc}, false, false)
	}
	return nil, nil
}

type timedCache struct {
	*redis.LocalCache
	key    string
	signal func()
}

func (t *timedCache) DeleteByRedisKey(k string) int {
	n := t.LocalCache.DeleteByRedisKey(k)
	if strings.HasSuffix(k, t.key) {
		t.signal()
	}
	return n
}

// (e) How soon an invalidation reaches the cache: the reader has the key
// cached (read twice), another client SETs it; timed from before that SET
// until the reader's cache drops the key. The reader is otherwise idle.
func BenchmarkInvalidation(b *testing.B) {
	ctx := context.Background()
	const key = "ringd:reg:inval"
	for _, name := range invalidClients {
		b.Run("client="+name, func(b *testing.B) {
			seen := make(chan time.Time, 1)
			r, err := invalReader(name, srv.addr, key, seen)
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			w, err := variants[invalidWriterOf[name]](srv.addr)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			if err := w.Set(ctx, key, vals[0]); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, b.N)
			timer := time.NewTimer(time.Hour)
			b.ReportAllocs()
			b.ResetTimer()
			m := startCPU()
			for i := range b.N {
				old, nv := casPair(i)
				for range 2 {
					v, _, err := r.CachedGet(ctx, key)
					if err != nil {
						b.Fatal(err)
					}
					if v != old {
						b.Fatalf("cached read %d = %q, want %q", i, v, old)
					}
				}
				select { // a late signal of the step before
				case <-seen:
				default:
				}
				t0 := time.Now()
				if err := w.Set(ctx, key, nv); err != nil {
					b.Fatal(err)
				}
				timer.Reset(5 * time.Second)
				select {
				case t1 := <-seen:
					lat[i] = t1.Sub(t0)
				case <-timer.C:
					b.Fatalf("no invalidation %d in 5 s", i)
				}
			}
			b.StopTimer()
			m.report(b)
			reportLatency(b, lat)
		})
	}
}

// What a client costs while the node does nothing: 2,000 keys cached where
// the setup caches, connections opened by 20 concurrent SETs, then each op
// is 10 ms of sleep. core-% is the client process's CPU over that time.
func BenchmarkIdle(b *testing.B) {
	ctx := context.Background()
	each(b, idleClients, func(b *testing.B, c impl) {
		loadRegs(b, c)
		for i := range regKeys {
			c.CachedGet(ctx, regKeys[i]) // an error where the setup has no cache
		}
		var wg sync.WaitGroup
		for id := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.Set(ctx, busyKeys[id], nodeName)
			}()
		}
		wg.Wait()
		time.Sleep(100 * time.Millisecond)
		b.ResetTimer()
		m := startCPU()
		start := time.Now()
		for range b.N {
			time.Sleep(10 * time.Millisecond)
		}
		b.StopTimer()
		m.report(b)
		b.ReportMetric(100*float64(selfCPU()-m.self)/float64(time.Since(start)), "core-%")
	})
}
