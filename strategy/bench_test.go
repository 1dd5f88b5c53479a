package strategy

import (
	"testing"
	"time"
)

// benchGroup is an n-member group of kind k with a few members unavailable
// and a few skill levels, its state warmed by a few answers.
func benchGroup(tb testing.TB, k Kind, n int) (*Group, *State, []MemberState) {
	ms := make([]Entry, n)
	states := make([]MemberState, n)
	for i := range ms {
		ms[i] = Entry{Exts: []ExtID{ExtID(i)}, Skill: 1 + i%3}
		states[i] = Online
		if i%7 == 3 {
			states[i] |= Busy
		}
	}
	g, err := NewGroup(k, 20*time.Second, true, ms)
	if err != nil {
		tb.Fatal(err)
	}
	st := NewState(g)
	for i := 0; i < n; i += 5 {
		st.Rung(g, i, uint64(i+1))
		st.Answered(g, i, uint64(i+1))
	}
	return g, st, states
}

func TestPlanAllocatesNothing(t *testing.T) {
	for _, k := range Kinds {
		g, st, states := benchGroup(t, k, 32)
		buf := make([]int32, 0, 32)
		if a := testing.AllocsPerRun(100, func() { buf = g.Plan(st, states, buf) }); a != 0 {
			t.Errorf("%v: %v allocs per plan, want 0", k, a)
		}
		if len(buf) == 0 {
			t.Errorf("%v: empty plan", k)
		}
	}
	g, st, _ := benchGroup(t, LeastWorkedHunt, 32)
	if a := testing.AllocsPerRun(100, func() { st.Rung(g, 3, 99); st.Answered(g, 4, 100) }); a != 0 {
		t.Errorf("state update: %v allocs, want 0", a)
	}
}

func benchmarkPlan(b *testing.B, k Kind, n int) {
	g, st, states := benchGroup(b, k, n)
	buf := make([]int32, 0, n)
	b.ReportAllocs()
	for b.Loop() {
		buf = g.Plan(st, states, buf)
	}
}

func BenchmarkPlan(b *testing.B) {
	for _, c := range []struct {
		k Kind
		n int
	}{
		{PrioritizedHunt, 32}, {CyclicHunt, 32}, {LeastWorkedHunt, 32},
		{SkillPrioritizedHunt, 32}, {SkillCyclicHunt, 32}, {SkillLeastWorkedHunt, 32},
		{MemoryHunt, 32}, {Custom, 32}, {RingAll, 100},
	} {
		b.Run(c.k.String()+"/"+itoa(c.n), func(b *testing.B) { benchmarkPlan(b, c.k, c.n) })
	}
}

func itoa(n int) string {
	if n >= 100 {
		return string(rune('0'+n/100)) + itoa(n%100)
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
