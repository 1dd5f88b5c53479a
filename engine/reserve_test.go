package engine

import (
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

// While calls pile up to a new peak (10,000 ringing at once), an arrival
// allocates nothing once Reserve has readied the slots: the decision does
// not build call slots or grow the engine's tables. Without Reserve it
// does.
func TestArrivalsAllocateNothingWhileCallsPileUp(t *testing.T) {
	for _, reserve := range []bool{true, false} {
		e, big, _ := benchEngine(t, strategy.RingAll, 32)
		out := make([]Action, 0, 128)
		now := int64(time.Hour)
		var total float64
		for range 5000 { // AllocsPerRun(1, f) runs f twice: 10,000 calls in all
			if reserve {
				e.Reserve(4)
			}
			total += testing.AllocsPerRun(1, func() {
				now += int64(time.Millisecond)
				var id CallID
				id, out = e.Arrive(now, now, big, Caller{Name: "bench"}, out[:0])
				if id == 0 || len(out) == 0 {
					t.Fatal("the call did not ring")
				}
			})
		}
		if e.ActiveCalls() != 10000 {
			t.Fatalf("%d calls ringing, want 10000", e.ActiveCalls())
		}
		switch {
		case reserve && total != 0:
			t.Errorf("with Reserve: %v allocations over 5,000 measured arrivals, want 0", total)
		case !reserve && total == 0:
			t.Error("without Reserve the arrivals allocated nothing: the test measures nothing")
		}
	}
}

// Reserve rebuilds the slots Shrink let go before they are taken again,
// and the calls that take them ring like any other.
func TestReserveAfterShrink(t *testing.T) {
	e, _, g := benchEngine(t, strategy.PrioritizedHunt, 8)
	out := make([]Action, 0, 64)
	now := int64(time.Hour)
	var ids []CallID
	for range 300 {
		var id CallID
		id, out = e.Arrive(now, now, g, Caller{Name: "bench"}, out[:0])
		ids = append(ids, id)
	}
	for _, id := range ids {
		now += int64(time.Millisecond)
		out = e.CallerCancel(now, id, out[:0])
	}
	e.Shrink(10)
	e.Reserve(50)
	for range 50 {
		now += int64(time.Millisecond)
		out = fullCall(t, e, g, now, out)
	}
	if allocs := testing.AllocsPerRun(100, func() {
		now += int64(time.Second)
		out = fullCall(t, e, g, now, out)
	}); allocs != 0 {
		t.Errorf("%v allocations per call after Shrink and Reserve, want 0", allocs)
	}
}
