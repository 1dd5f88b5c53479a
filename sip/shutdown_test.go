package sip

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// Close ends what is left as ringd stops, and every call writes its
// record: a connected call ends (answered), a call still ringing is
// aborted (its member's leg cancelled, the caller answered 503, outcome
// failed). No record comes after Close has returned.
func TestCloseEndsEveryCallWithItsRecord(t *testing.T) {
	t.Parallel()
	records := make(chan cdr.Record, 4)
	var after atomic.Bool
	late := make(chan struct{}, 1)
	r := startRingdWith(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000", "2001"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 10*time.Second, "1001"),
			group("7000", strategy.RingAll, 10*time.Second, "1002")},
	}, Hooks{Record: func(c cdr.Record) {
		if after.Load() {
			late <- struct{}{}
		}
		records <- c
	}})
	ms := registered(t, r, "1001", "1002")
	ms[1].SetBehaviour(siptest.RingForever)
	talking := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	if code := talking.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("first call: %d", code)
	}
	talking.Ack(t)
	ringing := siptest.NewAgent(t, "2001").Dial(context.Background(), r.addr, "7000")
	ms[1].WaitInvite(2 * time.Second)
	eventually(t, func() bool { return r.ActiveCalls() == 2 })

	r.Close()
	after.Store(true)
	if code := ringing.Wait(t, 3*time.Second); code != 503 {
		t.Errorf("the call ringing at shutdown got %d, want 503", code)
	}
	eventually(t, func() bool { _, cancels, _, _ := ms[1].Counts(); return cancels == 1 })
	got := map[string]cdr.Record{}
	for range 2 {
		select {
		case c := <-records:
			got[c.Group] = c
		case <-time.After(3 * time.Second):
			t.Fatalf("records at shutdown: %d of 2", len(got))
		}
	}
	if c := got["6000"]; c.Outcome != "answered" || c.AnsweredBy != "1001" || c.End.IsZero() {
		t.Errorf("connected call's record %+v", c)
	}
	if c := got["7000"]; c.Outcome != "failed" || len(c.Legs) != 1 {
		t.Errorf("ringing call's record %+v", c)
	}
	select {
	case <-late:
		t.Error("a record came after Close returned")
	case <-time.After(100 * time.Millisecond):
	}
}
