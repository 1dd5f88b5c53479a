package sip

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// A feature code changes the caller's own state through SetState, then
// ringd answers 200, plays the confirmation tone once acknowledged, and
// hangs up.
func TestFeatureCodeSetsStateAndConfirms(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"), Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 30*time.Second, "1001")}},
		func(s *Settings) {
			s.SetState = func(ext string, ch StateChange) error {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case ch.DND != nil:
					got = append(got, ext+" dnd "+map[bool]string{true: "on", false: "off"}[*ch.DND])
				case ch.LoggedOut != nil:
					got = append(got, ext+" logged out "+map[bool]string{true: "yes", false: "no"}[*ch.LoggedOut])
				}
				return nil
			}
		})
	for _, code := range []string{"*78", "*79", "*45", "*46"} {
		a := siptest.NewAgent(t, "1001")
		sink := a.UseRTP(siptest.NewRTPSink(t))
		call := a.Dial(context.Background(), r.addr, code)
		if c := call.Wait(t, 3*time.Second); c != 200 {
			t.Fatalf("%s: %d, want 200", code, c)
		}
		call.Ack(t)
		tone := pump(t, r, sink, 30) // 600 ms of tone and silence
		checkStream(t, tone, 30, 0)
		for i := 0; i < 10; i++ {
			r.clock.Advance(frame)
		}
		eventually(t, func() bool { _, _, _, byes := a.Counts(); return byes == 1 })
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"1001 dnd on", "1001 dnd off", "1001 logged out yes", "1001 logged out no"}
	if len(got) != len(want) {
		t.Fatalf("state changes %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// A code turned off, a caller that is no extension, a store that fails.
func TestFeatureCodeRefusals(t *testing.T) {
	t.Parallel()
	fail := errors.New("disk full")
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002")}, func(s *Settings) {
		s.Features.DNDOn, s.Features.Off = "", []string{"*78"}
		s.SetState = func(ext string, ch StateChange) error {
			if ext == "1002" {
				return fail
			}
			return nil
		}
	})
	for _, tc := range []struct {
		from, code string
		want       int
	}{
		{"1001", "*78", 403}, // turned off
		{"3000", "*79", 403}, // not an extension
		{"3000", "*8", 403},  // only extensions pick up
		{"1002", "*79", 500}, // the change could not be written
	} {
		a := siptest.NewAgent(t, tc.from)
		if got := a.Dial(context.Background(), r.addr, tc.code).Wait(t, 3*time.Second); got != tc.want {
			t.Errorf("%s dialling %s: %d, want %d", tc.from, tc.code, got, tc.want)
		}
	}
}

// A logged-out extension (*45) rings for no group, but calls to it ring.
func TestLoggedOutMemberRingsOnlyForDirectCalls(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 30*time.Second, "1001", "1002")}},
		func(s *Settings) { s.Extensions["1001"] = Extension{Password: "pw1001", LoggedOut: true} })
	ms := registered(t, r, "1001", "1002")
	caller := siptest.NewAgent(t, "2000")
	if code := caller.Dial(context.Background(), r.addr, "6000").Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("group call: %d", code)
	}
	ms[1].WaitInvite(time.Second)
	ms[0].NoInvite(50 * time.Millisecond)
	if code := caller.Dial(context.Background(), r.addr, "1001").Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call to 1001: %d", code)
	}
	ms[0].WaitInvite(time.Second)
}

// MemberStates: what routing knows of each extension (GET /api/v1/members),
// the wrap-up with its end.
func TestMemberStates(t *testing.T) {
	t.Parallel()
	g := group("6000", strategy.RingAll, 5*time.Second, "1001")
	g.WrapUp = 30 * time.Second
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"), Groups: []engine.GroupSpec{g}},
		func(s *Settings) { s.Extensions["1002"] = Extension{Password: "pw1002", DND: true} })
	registered(t, r, "1001")
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call: %d", code)
	}
	call.Ack(t)
	eventually(t, func() bool { return r.MemberStates()["1001"].State&strategy.Busy != 0 })
	st := r.MemberStates()
	if st["1001"].State&strategy.Online == 0 || st["1002"].State&strategy.DND == 0 || st["2000"].State&strategy.Online != 0 ||
		!st["1001"].WrapUpUntil.IsZero() {
		t.Errorf("states %v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r.clock.Advance(2 * time.Second)
	if err := call.Sess.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return r.MemberStates()["1001"].State&strategy.Busy == 0 })
	if until, want := r.MemberStates()["1001"].WrapUpUntil, r.clock.Now().Add(30*time.Second); !until.Equal(want) {
		t.Errorf("wrap-up until %v, want %v (the BYE + 30 s)", until, want)
	}
	r.clock.Advance(30 * time.Second)
	if until := r.MemberStates()["1001"].WrapUpUntil; !until.IsZero() {
		t.Errorf("wrap-up still until %v after it ended", until)
	}
}
