package sip

import (
	"context"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// The driver's shrink (after a burst, before memory goes back to the OS)
// leaves a ringing call to go on as before, and calls after it work.
func TestShrinkKeepsCallsGoing(t *testing.T) {
	t.Parallel()
	g := group("6000", strategy.RingAll, 10*time.Second, "1001")
	g.SkipBusy = false // the member takes the second call while on the first
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "2000"), Groups: []engine.GroupSpec{g}}, Hooks{})
	ms := registered(t, r, "1001")
	ms[0].SetBehaviour(siptest.AnswerAfter(300 * time.Millisecond))
	caller := siptest.NewAgent(t, "2000")
	ringing := caller.Dial(context.Background(), r.addr, "6000")
	ms[0].WaitInvite(2 * time.Second)
	r.Shrink()
	if code := ringing.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call ringing through shrink: %d", code)
	}
	ms[0].SetBehaviour(siptest.AnswerAfter(0))
	if code := caller.Dial(context.Background(), r.addr, "6000").Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call after shrink: %d", code)
	}
	if r.ActiveCalls() != 2 {
		t.Errorf("%d active calls, want the 2 connected", r.ActiveCalls())
	}
}
