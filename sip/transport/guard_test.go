package transport

import (
	"net/netip"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/clock"
)

func TestGuardBansAFloodForItsBanTime(t *testing.T) {
	g := newGuard()
	p := Protection{Requests: 3, Window: 2 * time.Second, Ban: 10 * time.Second}
	ip, other := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("192.0.2.8")
	at := func(s float64) int64 { return int64(s * float64(time.Second)) }
	steps := []struct {
		ip   netip.Addr
		at   float64
		want verdict
	}{
		{ip, 0, pass}, {ip, 0.5, pass}, {ip, 1.9, pass},
		{other, 1.9, pass}, // counted apart
		{ip, 2.1, pass},    // a new window
		{ip, 2.2, pass}, {ip, 2.3, pass},
		{ip, 2.4, tipped}, // the 4th in the window
		{ip, 2.5, isBanned},
		{other, 2.5, pass},
		{ip, 12.39, isBanned},
		{ip, 12.41, pass}, // ban over: a new window
	}
	for i, s := range steps {
		if got := g.request(s.ip, at(s.at), &p); got != s.want {
			t.Fatalf("step %d (%v at %.2f s): %v, want %v", i, s.ip, s.at, got, s.want)
		}
	}
	if !g.banned(ip, at(5)) || g.banned(ip, at(13)) || g.banned(other, at(5)) {
		t.Error("banned() disagrees with request()")
	}
}

func TestGuardAuthFailures(t *testing.T) {
	g := newGuard()
	p := Protection{AuthFailures: 3, AuthWindow: time.Minute, Ban: time.Hour}
	ip := netip.MustParseAddr("192.0.2.9")
	s := int64(time.Second)
	if g.authFailed(ip, 0, &p) || g.authFailed(ip, 10*s, &p) {
		t.Fatal("banned before the 3rd failure")
	}
	if g.authFailed(ip, 61*s, &p) { // the window started at 0 has passed
		t.Fatal("failures of an old window counted")
	}
	g.authFailed(ip, 62*s, &p)
	if !g.authFailed(ip, 63*s, &p) {
		t.Fatal("3 failures in a minute did not ban")
	}
	if g.request(ip, 64*s, &p) != isBanned {
		t.Fatal("an auth ban does not drop requests")
	}
	bans := g.bans(64 * s)
	if len(bans) != 1 || bans[0].Source != "192.0.2.9" || bans[0].Reason != banAuth {
		t.Fatalf("bans %+v", bans)
	}
	if !g.unban(ip, 65*s) || g.banned(ip, 65*s) || g.unban(ip, 65*s) {
		t.Fatal("unban")
	}
}

func TestGuardOffAndSweep(t *testing.T) {
	g := newGuard()
	off := Protection{}
	ip := netip.MustParseAddr("192.0.2.10")
	for range 1000 {
		if g.request(ip, 0, &off) != pass {
			t.Fatal("a limit of 0 limited")
		}
	}
	if g.authFailed(ip, 0, &off) {
		t.Fatal("auth failures of 0 banned")
	}
	p := Protection{Requests: 5, Window: time.Second, Ban: time.Minute}
	for i := range 256 {
		g.request(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), 0, &p)
	}
	for range 6 {
		g.request(ip, 0, &p)
	}
	g.sweep(int64(2*time.Second), time.Second)
	n := 0
	for i := range g.shards {
		n += len(g.shards[i].sources)
	}
	if n != 1 || g.bannedCount(int64(2*time.Second)) != 1 {
		t.Fatalf("after the sweep %d sources kept, want only the banned one", n)
	}
}

func TestGuardTableIsBounded(t *testing.T) {
	g := newGuard()
	p := Protection{Requests: 1, Window: time.Hour, Ban: time.Hour}
	for i := range guardMaxSources + 5000 {
		g.request(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 0, &p)
	}
	n := 0
	for i := range g.shards {
		n += len(g.shards[i].sources)
	}
	if n > guardMaxSources {
		t.Fatalf("%d sources tracked, bound %d", n, guardMaxSources)
	}
}

// A full table never stops counting: a new source takes the place of the
// one that came in longest ago (counted), and banned sources outlive a
// flood of new addresses.
func TestGuardEvictsTheOldestButKeepsBans(t *testing.T) {
	g := newGuard()
	evictions := 0
	g.evicted = func() { evictions++ }
	p := Protection{Requests: 2, Window: time.Hour, Ban: time.Hour}
	banned := netip.MustParseAddr("192.0.2.1")
	for range 3 {
		g.request(banned, 0, &p)
	}
	if !g.banned(banned, 1) {
		t.Fatal("not banned after 3 requests")
	}
	flood := guardMaxSources * 2
	for i := range flood {
		g.request(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 1, &p)
	}
	n := 0
	for i := range g.shards {
		n += len(g.shards[i].sources)
		if q := len(g.shards[i].order) - g.shards[i].head; q > 2*perShard {
			t.Errorf("shard %d: order holds %d entries", i, q)
		}
	}
	if n > guardMaxSources || evictions < flood-guardMaxSources {
		t.Errorf("%d sources kept, %d evictions; want at most %d and at least %d", n, evictions, guardMaxSources, flood-guardMaxSources)
	}
	if !g.banned(banned, 2) {
		t.Error("the flood of new addresses lifted the ban")
	}
	// The newest sources are still counted: one more request bans one.
	last := netip.AddrFrom4([4]byte{10, byte((flood - 1) >> 16), byte((flood - 1) >> 8), byte(flood - 1)})
	if v := g.request(last, 2, &p); v != pass {
		t.Fatalf("second request of the newest source: %v", v)
	}
	if v := g.request(last, 3, &p); v != tipped {
		t.Errorf("third request of the newest source: %v, want tipped (a ban)", v)
	}
	g.sweep(4, time.Hour)
	for i := range g.shards {
		if q := len(g.shards[i].order) - g.shards[i].head; q != len(g.shards[i].sources) {
			t.Errorf("shard %d after a sweep: order %d, sources %d", i, q, len(g.shards[i].sources))
		}
	}
}

// A ban another node decided (Impose) drops the source here until it ends;
// a trusted source is never banned; the filter tells OnBan of its own bans
// only.
func TestImposedBans(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	f := NewFilter(Policy{Protection: Protection{AuthFailures: 1, AuthWindow: time.Minute, Ban: time.Minute},
		Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, clk, nil, zap.NewNop(), nil)
	var told []string
	f.OnBan = func(ip netip.Addr, until time.Time, reason string) { told = append(told, ip.String()+" "+reason) }
	f.Impose(netip.MustParseAddr("192.0.2.7"), clk.Now().Add(30*time.Second), banFlood)
	f.Impose(netip.MustParseAddr("10.1.2.3"), clk.Now().Add(30*time.Second), banFlood)
	bans := f.Bans()
	if len(bans) != 1 || bans[0].Source != "192.0.2.7" || bans[0].Reason != banFlood || len(told) != 0 {
		t.Fatalf("bans %+v, told %v", bans, told)
	}
	clk.Advance(31 * time.Second)
	if len(f.Bans()) != 0 {
		t.Errorf("the imposed ban outlived its end")
	}
}
