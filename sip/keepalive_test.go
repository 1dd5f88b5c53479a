package sip

import (
	"context"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/registrar"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// A phone registered from behind NAT over UDP gets an OPTIONS at its
// source every sip.nat.keepalive; three unanswered rounds in a row drop
// it, and the drop is reported like an unregistration.
func TestNATKeepalivesAndThreeMissesDropTheContact(t *testing.T) {
	t.Parallel()
	dropped := make(chan string, 4)
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "1002", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}},
		Hooks{Binding: func(ext string, b registrar.Binding, removed bool) {
			if removed {
				dropped <- ext
			}
		}},
		func(s *Settings) { s.NATKeepalive = 30 * time.Second })
	natted := siptest.NewAgent(t, "1001")
	private := sip.Uri{Scheme: "sip", User: "1001", Host: "192.168.1.20", Port: 5060}
	natted.ContactURI = &private
	if res := natted.Register(r.addr, "pw1001", 3600); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	direct := registered(t, r, "1002")[0] // not behind NAT: never pinged
	options := func(a *siptest.Agent) int { a.Mu.Lock(); defer a.Mu.Unlock(); return a.Options }

	r.advance(time.Second) // the first round goes out with the first housekeeping
	eventually(t, func() bool { return options(natted) == 1 })
	r.advance(29 * time.Second)
	if n := options(natted); n != 1 {
		t.Fatalf("%d OPTIONS before the interval passed", n)
	}
	r.advance(time.Second)
	eventually(t, func() bool { return options(natted) == 2 })

	// The phone goes quiet: two misses keep it, the third drops it.
	natted.Mu.Lock()
	natted.Quiet = true
	natted.Mu.Unlock()
	for round := 3; round <= 5; round++ {
		r.advance(30 * time.Second)
		eventually(t, func() bool { return options(natted) >= round })
		if n := options(natted); n != round {
			t.Fatalf("round %d: %d OPTIONS in all", round, n)
		}
		if len(r.loc.Contacts("1001", r.clock.Now())) != 1 {
			t.Fatalf("contact dropped after %d rounds", round)
		}
	}
	r.advance(30 * time.Second) // round 6 finds rounds 3, 4 and 5 unanswered
	eventually(t, func() bool { return len(r.loc.Contacts("1001", r.clock.Now())) == 0 })
	select {
	case ext := <-dropped:
		if ext != "1001" {
			t.Errorf("dropped %s", ext)
		}
	case <-time.After(2 * time.Second):
		t.Error("the drop was not reported to the Binding hook")
	}
	if n := options(direct); n != 0 {
		t.Errorf("the phone not behind NAT got %d OPTIONS", n)
	}
	if len(r.loc.Contacts("1002", r.clock.Now())) != 1 {
		t.Error("the phone not behind NAT lost its contact")
	}
	// The group now has no one to ring.
	if code := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000").Wait(t, 3*time.Second); code != 480 {
		t.Errorf("call after the drop: %d, want 480", code)
	}
}
