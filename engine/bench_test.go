package engine

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

// benchEngine builds an engine with n extensions, all online, and a group of
// the given strategy over all of them (number 6000), plus a ring_all group
// 6001 over the first three.
func benchEngine(tb testing.TB, kind strategy.Kind, n int) (*Engine, GroupID, GroupID) {
	tb.Helper()
	spec := Spec{Domain: "ringd.local"}
	var members []MemberSpec
	for i := range n {
		num := strconv.Itoa(1000 + i)
		spec.Extensions = append(spec.Extensions, ExtensionSpec{Number: num, Name: "Ext " + num})
		members = append(members, MemberSpec{Extension: num, Skill: 1 + i%3})
	}
	spec.Groups = []GroupSpec{
		{Number: "6000", Name: "Bench", Strategy: kind, RingTime: 20 * time.Second, SkipBusy: true, PAI: true, Members: members},
		{Number: "6001", Name: "Three", Strategy: strategy.RingAll, RingTime: 20 * time.Second, SkipBusy: true, PAI: true, Members: members[:3]},
	}
	snap, err := Compile(spec, nil)
	if err != nil {
		tb.Fatal(err)
	}
	e := New(snap)
	var out []Action
	for i := range n {
		out = e.SetMember(0, strategy.ExtID(i), strategy.Online, out[:0])
	}
	big, _ := snap.Group("6000")
	three, _ := snap.Group("6001")
	return e, big, three
}

// fullCall runs one call through the engine: arrive, three legs ring, one
// sends 180, another answers, the caller hangs up; it returns the actions
// buffer for reuse and checks the record came out.
func fullCall(tb testing.TB, e *Engine, g GroupID, now int64, out []Action) []Action {
	id, out := e.Arrive(now, now, g, Caller{Name: "bench"}, out[:0])
	out = e.Provisional(now+1e8, id, 0, 180, out[:0])
	out = e.Answered(now+2e9, id, 1, 200, out[:0])
	out = e.Hangup(now+3e9, id, out[:0])
	for i := range out {
		if a := &out[i]; a.Kind == ActRecord && a.Call == id && a.Record.Outcome == OutcomeAnswered {
			return out
		}
	}
	tb.Fatalf("call did not end with an answered record: %+v", out)
	return out
}

func TestFullCallAllocatesNothing(t *testing.T) {
	e, _, g := benchEngine(t, strategy.PrioritizedHunt, 32)
	out := make([]Action, 0, 64)
	now := int64(time.Hour)
	out = fullCall(t, e, g, now, out) // warm the slot
	allocs := testing.AllocsPerRun(1000, func() {
		now += int64(time.Second)
		out = fullCall(t, e, g, now, out)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per call in steady state, want 0", allocs)
	}
}

func TestHuntStepAllocatesNothing(t *testing.T) {
	e, g, _ := benchEngine(t, strategy.CyclicHunt, 32)
	out := make([]Action, 0, 64)
	now := int64(0)
	run := func() {
		id, o := e.Arrive(now, 0, g, Caller{Name: "bench"}, out[:0])
		for step := 0; step < 4; step++ { // three ring-time steps, then an early failure
			now += int64(20 * time.Second)
			o = e.Tick(now, o[:0])
		}
		o = e.Failed(now+1, id, 4, 486, o[:0])
		o = e.CallerCancel(now+2, id, o[:0])
		if len(o) < 2 || o[len(o)-2].Kind != ActRecord || o[len(o)-1].Kind != ActEnd {
			t.Fatalf("no record and end: %+v", o)
		}
		now += int64(time.Minute)
		out = o
	}
	run()
	if allocs := testing.AllocsPerRun(500, run); allocs != 0 {
		t.Errorf("%v allocations per hunt, want 0", allocs)
	}
}

// TestRetainedMemoryStaysFlat sends many calls of every outcome through one
// engine and checks that the heap retained after warm-up does not grow.
func TestRetainedMemoryStaysFlat(t *testing.T) {
	calls := 200_000
	if testing.Short() {
		calls = 20_000
	}
	e, g, three := benchEngine(t, strategy.MemoryHunt, 8)
	out := make([]Action, 0, 64)
	now := int64(0)
	mix := func(n int) {
		for i := range n {
			now += int64(time.Second) // memory hunts last 160 s: about 53 ring at once
			switch i % 3 {
			case 0:
				out = fullCall(t, e, three, now, out)
			case 1: // hunts to the end, 8 steps
				_, out = e.Arrive(now, 0, g, Caller{Name: "bench"}, out[:0])
			default: // several calls ringing at once, cancelled by their callers
				var id CallID
				id, out = e.Arrive(now, 0, three, Caller{Name: "bench"}, out[:0])
				out = e.CallerCancel(now+int64(time.Second), id, out[:0])
			}
			out = e.Tick(now, out[:0])
		}
	}
	retained := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	mix(calls / 10)
	before := retained()
	mix(calls)
	after := retained()
	if after > before+256<<10 {
		t.Errorf("retained heap grew from %d to %d bytes over %d calls", before, after, calls)
	}
	if e.ActiveCalls() > 200 {
		t.Errorf("%d calls still active: calls are not ending", e.ActiveCalls())
	}
}

func BenchmarkFullCall(b *testing.B) {
	e, _, g := benchEngine(b, strategy.RingAll, 32)
	out := make([]Action, 0, 64)
	now := int64(0)
	b.ReportAllocs()
	for b.Loop() {
		now += int64(time.Second)
		out = fullCall(b, e, g, now, out)
	}
}

// BenchmarkArrive measures the routing decision at arrival: plan the group
// and start its first legs (the whole group for ring_all).
func BenchmarkArrive(b *testing.B) {
	for _, c := range []struct {
		kind strategy.Kind
		n    int
	}{{strategy.PrioritizedHunt, 32}, {strategy.CyclicHunt, 32}, {strategy.SkillLeastWorkedHunt, 32}, {strategy.RingAll, 100}} {
		b.Run(c.kind.String()+"/"+strconv.Itoa(c.n), func(b *testing.B) {
			e, g, _ := benchEngine(b, c.kind, c.n)
			out := make([]Action, 0, 2*c.n)
			now := int64(0)
			b.ReportAllocs()
			for b.Loop() {
				now += int64(time.Second)
				var id CallID
				id, out = e.Arrive(now, 0, g, Caller{Name: "bench"}, out[:0])
				out = e.CallerCancel(now, id, out[:0])
			}
		})
	}
}

// BenchmarkMillionCalls pushes 1M calls through one engine and reports the
// heap retained afterwards next to the heap retained after the first 10k.
func BenchmarkMillionCalls(b *testing.B) {
	e, _, g := benchEngine(b, strategy.RingAll, 32)
	out := make([]Action, 0, 64)
	now := int64(0)
	retained := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc)
	}
	for b.Loop() {
		for i := range 1_000_000 {
			now += int64(time.Second)
			out = fullCall(b, e, g, now, out)
			if i == 10_000 {
				b.ReportMetric(retained(), "heap-after-10k-B")
			}
		}
		b.ReportMetric(retained(), "heap-after-1M-B")
	}
}
