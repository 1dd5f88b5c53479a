package engine

import (
	"runtime"
	"testing"
	"time"

	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/strategy"
)

// After a peak of calls has passed, Shrink gives the slots back: the
// retained heap falls, the calls still in progress go on, and no ID issued
// before matches a call after.
func TestShrinkLetsThePeakGo(t *testing.T) {
	e, _, g := benchEngine(t, strategy.RingAll, 3)
	out := make([]Action, 0, 64)
	now := int64(time.Second)
	retained := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := retained()
	const peak = 20_000
	ids := make([]CallID, peak)
	for i := range ids {
		ids[i], out = e.Arrive(now, now, g, Caller{Name: "peak"}, out[:0])
	}
	// Two calls stay: one in the middle of the slots, one at the end.
	mid, last := ids[peak/2], ids[peak-1]
	for i, id := range ids {
		if id != mid && id != last {
			out = e.CallerCancel(now+int64(i), id, out[:0])
		}
	}
	grown := retained()
	e.Shrink(8)
	shrunk := retained()
	if grown-before < 2<<20 {
		t.Fatalf("the peak retained only %d bytes: nothing to shrink", grown-before)
	}
	if shrunk > before+(grown-before)/10 {
		t.Errorf("retained heap: %d before the peak, %d after it, %d after Shrink", before, grown, shrunk)
	}
	if e.ActiveCalls() != 2 {
		t.Fatalf("%d active calls, want 2", e.ActiveCalls())
	}
	// The two calls left are still routed: the middle one is answered.
	out = e.Answered(now+int64(time.Second), mid, 0, 200, out[:0])
	if !hasAction(out, ActAnswerCaller, mid) {
		t.Errorf("answer to a call kept through Shrink: %+v", out)
	}
	// Old IDs match nothing; new calls get fresh IDs, even in slots that
	// were let go and issued again.
	seen := map[CallID]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	for i := range 100 {
		id, o := e.Arrive(now, now, g, Caller{Name: "after"}, out[:0])
		out = o
		if seen[id] || id == 0 {
			t.Fatalf("call %d after Shrink got ID %x issued before", i, id)
		}
		seen[id] = true
	}
	// A 2xx for a call from before is a 2xx nobody wants: released.
	if o := e.Answered(now, ids[3], 0, 200, out[:0]); len(o) != 1 || o[0].Kind != ActReleaseLeg {
		t.Errorf("an ID from before Shrink still matches: %+v", o)
	}
	e.Calls(func(cdr.LiveCall) {}) // walks the slots let go without tripping
}

// Shrink keeps keep free slots, so the next calls reuse them without
// allocating.
func TestShrinkKeepsWarmSlots(t *testing.T) {
	e, _, g := benchEngine(t, strategy.RingAll, 3)
	out := make([]Action, 0, 64)
	now := int64(time.Second)
	ids := make([]CallID, 64)
	for i := range ids {
		ids[i], out = e.Arrive(now, now, g, Caller{Name: "x"}, out[:0])
	}
	for _, id := range ids {
		out = e.CallerCancel(now, id, out[:0])
	}
	e.Shrink(16)
	allocs := testing.AllocsPerRun(50, func() {
		var id CallID
		id, out = e.Arrive(now, now, g, Caller{Name: "x"}, out[:0])
		out = e.CallerCancel(now, id, out[:0])
	})
	if allocs != 0 {
		t.Errorf("%v allocations per call after Shrink(16), want 0", allocs)
	}
}

func hasAction(out []Action, kind ActionKind, id CallID) bool {
	for _, a := range out {
		if a.Kind == kind && a.Call == id {
			return true
		}
	}
	return false
}
