package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

// TestReplayGivesTheSameActions records the events of a random run fed
// through Step and replays them into a fresh engine: every action comes
// out the same, so a recorded call can be reproduced exactly.
func TestReplayGivesTheSameActions(t *testing.T) {
	snap, err := Compile(fuzzSpec(10*time.Second, true), nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 9))
	live := New(snap)
	var events []Event
	var want []string
	var ids []CallID
	now := int64(0)
	for range 3000 {
		now += int64(rng.IntN(3000)) * int64(time.Millisecond)
		ev := randomEvent(rng, now, ids)
		id, out := live.Step(ev, nil)
		if id != 0 {
			ids = append(ids, id)
		}
		events = append(events, ev)
		want = append(want, renderActions(id, out))
	}
	replay := New(snap)
	for i, ev := range events {
		id, out := replay.Step(ev, nil)
		if got := renderActions(id, out); got != want[i] {
			t.Fatalf("event %d (%v): replay gave\n%s\nwant\n%s", i, ev.Kind, got, want[i])
		}
	}
	if live.ActiveCalls() != replay.ActiveCalls() {
		t.Errorf("active calls %d after the run, %d after the replay", live.ActiveCalls(), replay.ActiveCalls())
	}
}

func randomEvent(rng *rand.Rand, now int64, ids []CallID) Event {
	ev := Event{At: now, Wall: now, Caller: Caller{Name: "2000", Number: "2000"}}
	var call CallID
	if len(ids) > 0 {
		call = ids[rng.IntN(len(ids))]
	}
	switch rng.IntN(10) {
	case 0:
		ev.Kind, ev.Group, ev.Rand = EvArrive, GroupID(rng.IntN(len(strategy.Kinds))), rng.Uint64()
	case 1:
		ev.Kind, ev.Ext = EvCall, strategy.ExtID(rng.IntN(5))
	case 2:
		ev.Kind, ev.Call, ev.Leg, ev.Code = EvProvisional, call, rng.IntN(4), 180
	case 3:
		ev.Kind, ev.Call, ev.Leg, ev.Code = EvAnswered, call, rng.IntN(4), 200
	case 4:
		ev.Kind, ev.Call, ev.Leg, ev.Code = EvFailed, call, rng.IntN(4), fuzzCodes[rng.IntN(len(fuzzCodes))]
	case 5:
		ev.Kind, ev.Call = EvCallerCancel, call
	case 6:
		ev.Kind, ev.Call = EvHangup, call
	case 7:
		ev.Kind, ev.Ext = EvMember, strategy.ExtID(rng.IntN(5))
		ev.State = strategy.MemberState(rng.IntN(8))
	default:
		ev.Kind = EvTick
	}
	return ev
}

// renderActions writes actions with their values, not their pointers.
func renderActions(id CallID, out []Action) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%x", id)
	for _, a := range out {
		fmt.Fprintf(&b, "\n%v@%d call=%x leg=%d ext=%d group=%d uri=%s code=%d cancel=%v to=%s div=%s hdrs=%v",
			a.Kind, a.At, a.Call, a.Leg, a.Ext, a.Group, a.URI, a.Code, a.Cancel, a.To, a.Diversion, a.Headers)
		if a.Dest != nil {
			fmt.Fprintf(&b, " dest=%v/%s/%s", a.Dest.Type, a.Dest.Value, a.Dest.URI)
		}
		if r := a.Record; r != nil {
			fmt.Fprintf(&b, " record=%v/%d-%d/by=%d/legs=%v", r.Outcome, r.Start, r.End, r.AnsweredBy, r.Legs)
		}
	}
	return b.String()
}
