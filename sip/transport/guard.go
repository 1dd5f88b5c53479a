package transport

import (
	"net/netip"
	"sort"
	"sync"
	"time"
)

// guard keeps, per source IP, the requests of its current window, its
// failed authentications and its ban. It is sharded so that the UDP
// readers (one per CPU) rarely wait on each other; the table is bounded
// (a flood from spoofed addresses cannot grow it without end: beyond
// guardMaxSources a new source takes the place of the one that came in
// longest ago, passing over banned ones - see evictOne).
type guard struct {
	shards  [guardShards]guardShard
	evicted func() // counts an eviction (nil: not counted)
}

const (
	guardShards     = 16
	guardMaxSources = 1 << 17 // 131,072 sources, ~10 MB at most
)

type guardShard struct {
	mu      sync.Mutex
	sources map[netip.Addr]*source
	// order is the sources in the order they came in (a FIFO from
	// order[head:]); an entry whose seq is not its source's any more was
	// forgotten (swept, lifted) and is skipped.
	order []queued
	head  int
	seq   uint64
}

type queued struct {
	ip  netip.Addr
	seq uint64
}

// source is one IP's state; times are Unix nanoseconds.
type source struct {
	seq         uint64 // its place in the shard's order
	winStart    int64
	requests    int
	authStart   int64
	authFails   int
	bannedUntil int64
	reason      string
}

func newGuard() *guard {
	g := &guard{}
	for i := range g.shards {
		g.shards[i].sources = map[netip.Addr]*source{}
	}
	return g
}

func (g *guard) shard(ip netip.Addr) *guardShard {
	b := ip.As16()
	return &g.shards[(b[15]^b[14]^b[13]^b[12])%guardShards]
}

// perShard is how many sources a shard holds at most.
const perShard = guardMaxSources / guardShards

// lookup returns ip's state, creating it when create is set (nil
// otherwise); a full shard forgets a source first (evictOne), and evicted
// is called when it did. The shard is locked by the caller.
func (sh *guardShard) lookup(ip netip.Addr, create bool, now int64, evicted func()) *source {
	s := sh.sources[ip]
	if s != nil || !create {
		return s
	}
	if len(sh.sources) >= perShard && sh.evictOne(now) && evicted != nil {
		evicted()
	}
	sh.seq++
	s = &source{seq: sh.seq}
	sh.sources[ip] = s
	sh.order = append(sh.order, queued{ip, sh.seq})
	return s
}

// evictOne forgets the source that came in longest ago. A banned one is
// moved to the back instead (its ban must outlive a flood of new
// addresses) unless every source of the shard is banned: then the one
// met first goes.
func (sh *guardShard) evictOne(now int64) bool {
	for tries := len(sh.order) - sh.head; tries > 0 && sh.head < len(sh.order); tries-- {
		q := sh.order[sh.head]
		sh.head++
		s := sh.sources[q.ip]
		if s == nil || s.seq != q.seq {
			continue // forgotten already
		}
		if s.bannedUntil > now && tries > 1 {
			sh.order = append(sh.order, q)
			continue
		}
		delete(sh.sources, q.ip)
		sh.compact()
		return true
	}
	sh.compact()
	return false
}

// compact drops the consumed front of order once it is most of it.
func (sh *guardShard) compact() {
	if sh.head > len(sh.order)/2 {
		sh.order = append(sh.order[:0], sh.order[sh.head:]...)
		sh.head = 0
	}
}

// verdict is what the guard says of a request or message.
type verdict uint8

const (
	pass     verdict = iota
	isBanned         // the source is banned: drop
	tipped           // this request went over the limit: drop, the ban starts
)

// banned reports whether ip is banned at now.
func (g *guard) banned(ip netip.Addr, now int64) bool {
	sh := g.shard(ip)
	sh.mu.Lock()
	s := sh.lookup(ip, false, now, nil)
	b := s != nil && s.bannedUntil > now
	sh.mu.Unlock()
	return b
}

// request counts one request from ip against p's limit.
func (g *guard) request(ip netip.Addr, now int64, p *Protection) verdict {
	sh := g.shard(ip)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s := sh.lookup(ip, p.Requests > 0, now, g.evicted)
	switch {
	case s == nil:
		return pass
	case s.bannedUntil > now:
		return isBanned
	case p.Requests <= 0:
		return pass
	}
	if now-s.winStart >= int64(p.Window) {
		s.winStart, s.requests = now, 0
	}
	s.requests++
	if s.requests <= p.Requests {
		return pass
	}
	s.ban(now, p.Ban, banFlood)
	return tipped
}

// authFailed counts a failed authentication from ip; it reports whether
// that started a ban.
func (g *guard) authFailed(ip netip.Addr, now int64, p *Protection) bool {
	if p.AuthFailures <= 0 {
		return false
	}
	sh := g.shard(ip)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s := sh.lookup(ip, true, now, g.evicted)
	if s == nil || s.bannedUntil > now {
		return false
	}
	if now-s.authStart >= int64(p.AuthWindow) {
		s.authStart, s.authFails = now, 0
	}
	s.authFails++
	if s.authFails < p.AuthFailures {
		return false
	}
	s.ban(now, p.Ban, banAuth)
	return true
}

func (s *source) ban(now int64, d time.Duration, reason string) {
	s.bannedUntil = now + int64(d)
	s.reason = reason
	s.requests, s.authFails = 0, 0
}

// sweep forgets sources that are neither banned nor inside a window that
// still counts, given the longest window maxWindow.
func (g *guard) sweep(now int64, maxWindow time.Duration) {
	for i := range g.shards {
		sh := &g.shards[i]
		sh.mu.Lock()
		for ip, s := range sh.sources {
			if s.bannedUntil <= now && now-s.winStart >= int64(maxWindow) && now-s.authStart >= int64(maxWindow) {
				delete(sh.sources, ip)
			}
		}
		sh.rebuildOrder()
		sh.mu.Unlock()
	}
}

// rebuildOrder drops from order the sources no longer kept, so that it
// never grows past the sources it holds for long.
func (sh *guardShard) rebuildOrder() {
	live := sh.order[:0]
	for _, q := range sh.order[sh.head:] {
		if s := sh.sources[q.ip]; s != nil && s.seq == q.seq {
			live = append(live, q)
		}
	}
	clear(sh.order[len(live):])
	sh.order, sh.head = live, 0
}

// bans lists the sources banned at now, soonest released first.
func (g *guard) bans(now int64) []Ban {
	var out []Ban
	for i := range g.shards {
		sh := &g.shards[i]
		sh.mu.Lock()
		for ip, s := range sh.sources {
			if s.bannedUntil > now {
				out = append(out, Ban{Source: ip.String(), Reason: s.reason, Until: time.Unix(0, s.bannedUntil)})
			}
		}
		sh.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Until.Before(out[j].Until) })
	return out
}

// bannedCount is the number of sources banned at now.
func (g *guard) bannedCount(now int64) int {
	n := 0
	for i := range g.shards {
		sh := &g.shards[i]
		sh.mu.Lock()
		for _, s := range sh.sources {
			if s.bannedUntil > now {
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}

// impose bans ip until until (unless a longer ban runs).
func (g *guard) impose(ip netip.Addr, now, until int64, reason string) {
	sh := g.shard(ip)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if s := sh.lookup(ip, true, now, g.evicted); s != nil && s.bannedUntil < until {
		s.bannedUntil, s.reason = until, reason
	}
}

// unban lifts ip's ban; it reports whether there was one.
func (g *guard) unban(ip netip.Addr, now int64) bool {
	sh := g.shard(ip)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s := sh.lookup(ip, false, now, nil)
	if s == nil || s.bannedUntil <= now {
		return false
	}
	delete(sh.sources, ip)
	return true
}
