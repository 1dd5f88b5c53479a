package redisbench

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"
)

// casScript is the per-group "last rung member" compare-and-set.
const casScript = `if redis.call('GET',KEYS[1]) == ARGV[1] then redis.call('SET',KEYS[1],ARGV[2]) return 1 end return 0`

const (
	busyTTL   = 30 * time.Second // the busy mark's EX
	channel   = "ringd:members"  // the one channel every node subscribes to
	nodeName  = "node-a"
	nBusy     = 1000 // busy keys cycled through
	nVals     = 1024 // CAS values cycled through (a power of two, see casPair)
	nRegs     = 2000 // registrations in a node's local view
	cacheTTL  = time.Minute
	parallel  = 25 // b.SetParallelism: 25 x GOMAXPROCS 2 = 50 goroutines
	maxGroups = 256
)

// Precomputed so that the benchmarks allocate nothing of their own.
var (
	busyKeys  [nBusy]string
	vals      [nVals]string
	regKeys   [nRegs]string
	regVals   [nRegs]string
	groupKeys [maxGroups]string
	payloads  [nVals]string
)

func init() {
	for i := range busyKeys {
		busyKeys[i] = fmt.Sprintf("ringd:busy:%d", 1000+i)
	}
	for i := range vals {
		vals[i] = fmt.Sprintf("%d", 1000+i)
		payloads[i] = fmt.Sprintf(`{"member":%d,"busy":true,"seq":%d}`, 1000+i%nBusy, i)
	}
	for i := range regKeys {
		regKeys[i] = fmt.Sprintf("ringd:reg:%d", 1000+i)
		regVals[i] = fmt.Sprintf("sip:%d@192.0.2.%d:5060;transport=udp", 1000+i, i%250+1)
	}
	for i := range groupKeys {
		groupKeys[i] = fmt.Sprintf("ringd:last:g%d", i)
	}
}

// casPair is the i-th step of a group's CAS chain: the value the key holds
// before the step and the one it sets. Step 0 expects vals[0].
func casPair(i int) (old, nv string) {
	return vals[i%nVals], vals[(i+1)%nVals]
}

// writeSet is the per-call write set: the busy mark, the group's CAS and
// the PUBLISH that tells the other nodes.
type writeSet struct {
	busy, group, old, nv, msg string
}

// impl is one client, set up one way. Every method is one awaited call
// (WriteSetPipelined: the three commands in one round trip).
type impl interface {
	Set(ctx context.Context, key, val string) error              // SET key val EX 30
	CAS(ctx context.Context, key, old, nv string) (int64, error) // casScript: EVALSHA, EVAL on NOSCRIPT
	Publish(ctx context.Context, ch, msg string) error
	WriteSetPipelined(ctx context.Context, w *writeSet) error
	Get(ctx context.Context, key string) (string, error)
	// CachedGet reads through the client-side cache; hit tells whether the
	// value came from it (false where the client cannot tell).
	CachedGet(ctx context.Context, key string) (val string, hit bool, err error)
	// Subscribe calls fn for each message on ch until stop.
	Subscribe(ctx context.Context, ch string, fn func(payload string)) (stop func(), err error)
	Close()
}

type variant struct {
	name string
	new  func(addr string) (impl, error)
}

func variantsNamed(tb testing.TB, names ...string) []variant {
	var out []variant
	for _, n := range names {
		f, ok := variants[n]
		if !ok {
			tb.Fatalf("no variant %q", n)
		}
		out = append(out, variant{n, f})
	}
	return out
}

// variants: every client setup measured; see README.md for why each.
var variants = map[string]func(addr string) (impl, error){}

func register(name string, f func(addr string) (impl, error)) { variants[name] = f }

// writeSetSeq is the write set as three awaited calls.
func writeSetSeq(ctx context.Context, c impl, w *writeSet) error {
	if err := c.Set(ctx, w.busy, nodeName); err != nil {
		return err
	}
	n, err := c.CAS(ctx, w.group, w.old, w.nv)
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("CAS %s %s->%s: %d", w.group, w.old, w.nv, n)
	}
	return c.Publish(ctx, channel, w.msg)
}

// cpuMeter reports the CPU time per operation of this process (the
// client, with the benchmark loop) and of redis-server.
type cpuMeter struct{ self, srv time.Duration }

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuMeter { return cpuMeter{selfCPU(), srv.cpu()} }

func (m cpuMeter) report(b *testing.B) {
	self, s := selfCPU()-m.self, srv.cpu()-m.srv
	b.ReportMetric(float64(self.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(s.Nanoseconds())/float64(b.N), "srv-cpu-ns/op")
}

// reportLatency adds p50 and p99 of lat (microseconds) to the benchmark.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 {
		i := int(p * float64(len(lat)-1))
		return float64(lat[i].Nanoseconds()) / 1e3
	}
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
}

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }
