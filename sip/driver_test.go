package sip

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// The events the driver feeds the engine, replayed into a fresh engine with
// the snapshot ringd started with, give the same call record as the real
// call: a call seen on the wire can be reproduced exactly.
func TestACallsEventsReplayIntoTheSameRecord(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []engine.Event
	records := make(chan cdr.Record, 1)
	r := startRingdWith(t, engine.Spec{
		Extensions: exts("1001", "1002", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.PrioritizedHunt, 10*time.Second, "1001", "1002")},
	}, Hooks{
		Events: func(ev engine.Event) { mu.Lock(); events = append(events, ev); mu.Unlock() },
		Record: func(c cdr.Record) { records <- c },
	})
	snap := r.settings.Load().Snapshot
	ms := registered(t, r, "1001", "1002")
	ms[0].SetBehaviour(siptest.RingForever)
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	ms[0].WaitInvite(2 * time.Second)
	r.advance(10 * time.Second) // 1001 rings out: 1002, which answers
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	call.AckAndBye(t)
	live := <-records

	mu.Lock()
	fed := append([]engine.Event(nil), events...)
	mu.Unlock()
	e := engine.New(snap)
	var replayed []cdr.Record
	var out []engine.Action
	for _, ev := range fed {
		_, out = e.Step(ev, out[:0])
		for _, a := range out {
			if a.Kind == engine.ActRecord {
				replayed = append(replayed, a.Record.Flatten(live.CallID))
			}
		}
	}
	if len(replayed) != 1 || !reflect.DeepEqual(replayed[0], live) {
		t.Fatalf("replay of %d events gave %+v\nlive record %+v", len(fed), replayed, live)
	}
	if live.Outcome != "answered" || live.AnsweredBy != "1002" || len(live.Legs) != 2 {
		t.Errorf("live record %+v", live)
	}
}

// When the driver's inbox holds as many events as it takes, a new call is
// answered 503 with Retry-After at once, and nothing else is lost: once the
// driver catches up, calls go through again.
func TestAFullInboxRefusesNewCallsWith503(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	var once sync.Once
	held := make(chan struct{})
	r := startRingdWith(t, engine.Spec{
		Extensions: exts("1001", "2000"),
		Groups:     []engine.GroupSpec{group("6000", strategy.RingAll, 10*time.Second, "1001")},
	}, Hooks{Events: func(ev engine.Event) {
		if ev.Kind == engine.EvArrive {
			once.Do(func() { close(held); <-hold }) // the first arrival stalls the driver
		}
	}})
	registered(t, r, "1001")
	caller := siptest.NewAgent(t, "2000")
	first := caller.Dial(context.Background(), r.addr, "6000")
	<-held
	for r.drv.post(event{kind: evMembers}, arrival) { // fill it up
	}
	refused := caller.Dial(context.Background(), r.addr, "6000")
	if code := refused.Wait(t, 3*time.Second); code != 503 {
		t.Fatalf("a call with the inbox full got %d, want 503", code)
	}
	refused.Mu.Lock()
	h := refused.Final.GetHeader("Retry-After")
	refused.Mu.Unlock()
	if h == nil || h.Value() != "30" {
		t.Errorf("Retry-After = %v, want 30", h)
	}
	close(hold)
	if code := first.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("the call that was in when the inbox filled got %d", code)
	}
	first.AckAndBye(t)
	if code := caller.Dial(context.Background(), r.addr, "6000").Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("a call once the driver caught up got %d", code)
	}
}
