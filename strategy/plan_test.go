package strategy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// group builds a group whose member i is extension exts[i], skill skills[i]
// (when given).
func group(t testing.TB, k Kind, exts []ExtID, skills ...int) *Group {
	t.Helper()
	ms := make([]Entry, len(exts))
	for i, e := range exts {
		ms[i].Exts = []ExtID{e}
		if i < len(skills) {
			ms[i].Skill = skills[i]
		}
	}
	g, err := NewGroup(k, 20*time.Second, true, ms)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func online(n int) []MemberState {
	s := make([]MemberState, n)
	for i := range s {
		s[i] = Online
	}
	return s
}

// exts maps planned member indices back to extension IDs.
func exts(g *Group, plan []int32) []ExtID {
	out := make([]ExtID, len(plan))
	for i, m := range plan {
		out[i] = g.Members[m].Ext
	}
	return out
}

func TestPlanLeavesOutUnavailableMembers(t *testing.T) {
	states := online(5)
	states[1] = Online | Busy
	states[2] = Online | DND
	states[3] = 0 // not registered
	for _, k := range Kinds {
		g := group(t, k, []ExtID{0, 1, 2, 3, 4})
		got := exts(g, g.Plan(NewState(g), states, nil))
		if !slices.Equal(got, []ExtID{0, 4}) {
			t.Errorf("%v: plan %v, want [0 4]", k, got)
		}
	}
}

func TestPlanKeepsBusyMembersWithoutSkipBusy(t *testing.T) {
	g, err := NewGroup(RingAll, 20*time.Second, false, []Entry{one(0), one(1)})
	if err != nil {
		t.Fatal(err)
	}
	states := []MemberState{Online | Busy, Online}
	if got := exts(g, g.Plan(nil, states, nil)); !slices.Equal(got, []ExtID{0, 1}) {
		t.Errorf("plan %v, want both members", got)
	}
}

func TestNewGroupDeduplicatesFirstOccurrenceWins(t *testing.T) {
	// 7 named directly, then an extension group [5 7 9] with skill 3, then 5 again.
	g, err := NewGroup(SkillPrioritizedHunt, 20*time.Second, true, []Entry{
		{Exts: []ExtID{7}, Skill: 2}, {Exts: []ExtID{5, 7, 9}, Skill: 3}, {Exts: []ExtID{5}, Skill: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []ExtID
	for _, m := range g.Members {
		got = append(got, m.Ext)
	}
	if !slices.Equal(got, []ExtID{7, 5, 9}) || g.Members[0].Skill != 2 || g.Members[1].Skill != 3 {
		t.Errorf("members %+v, want 7(skill 2) 5(skill 3) 9", g.Members)
	}
}

func TestNewGroupReportsEveryProblem(t *testing.T) {
	_, err := NewGroup(Kind(0), 0, true, []Entry{
		{Exts: []ExtID{-1}}, {Exts: []ExtID{1}, Skill: -2, Delay: -time.Second, Timeout: 601 * time.Second},
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"strategy", "ring_time", "members[0]", "members[1].skill_level", "members[1].delay", "members[1].timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	for _, empty := range [][]Entry{nil, {{Exts: nil}}} {
		if _, err := NewGroup(RingAll, 20*time.Second, true, empty); err == nil || !strings.Contains(err.Error(), "members:") {
			t.Errorf("no members: %v", err)
		}
	}
	if _, err := NewGroup(RingAll, 601*time.Second, true, []Entry{one(1)}); err == nil {
		t.Error("ring_time 601 s accepted")
	}
}

func TestPrioritizedAndSkillPrioritizedOrder(t *testing.T) {
	g := group(t, PrioritizedHunt, []ExtID{0, 1, 2, 3})
	if got := exts(g, g.Plan(nil, online(4), nil)); !slices.Equal(got, []ExtID{0, 1, 2, 3}) {
		t.Errorf("prioritized %v", got)
	}
	// skill levels 3,1,2,1 -> level 1 (members 1,3 in listed order), level 2, level 3.
	g = group(t, SkillPrioritizedHunt, []ExtID{0, 1, 2, 3}, 3, 1, 2, 1)
	if got := exts(g, g.Plan(nil, online(4), nil)); !slices.Equal(got, []ExtID{1, 3, 2, 0}) {
		t.Errorf("skill prioritized %v, want [1 3 2 0]", got)
	}
	if g.Levels() != 3 {
		t.Errorf("%d levels, want 3", g.Levels())
	}
}

// call simulates one hunt call: the plan is rung member by member until
// answeredBy (an extension, or -1 for nobody) answers.
func call(g *Group, st *State, states []MemberState, seq *uint64, answeredBy ExtID) []ExtID {
	plan := g.Plan(st, states, nil)
	for _, m := range plan {
		*seq++
		st.Rung(g, int(m), *seq)
		if g.Members[m].Ext == answeredBy {
			*seq++
			st.Answered(g, int(m), *seq)
			break
		}
	}
	return exts(g, plan)
}

func TestCyclicHuntRotatesAcrossCalls(t *testing.T) {
	g := group(t, CyclicHunt, []ExtID{0, 1, 2})
	st, states := NewState(g), online(3)
	var seq uint64
	steps := []struct {
		answer ExtID
		want   []ExtID
	}{
		{0, []ExtID{0, 1, 2}},  // nobody rung yet: configured order
		{1, []ExtID{1, 2, 0}},  // 1 and 2 never rung: 1 first
		{2, []ExtID{2, 0, 1}},  // 2 never rung
		{-1, []ExtID{0, 1, 2}}, // 0 rung longest ago; nobody answers, all rung
		{-1, []ExtID{0, 1, 2}}, // 0 again rung longest ago
	}
	for i, s := range steps {
		if got := call(g, st, states, &seq, s.answer); !slices.Equal(got, s.want) {
			t.Fatalf("call %d: order %v, want %v", i+1, got, s.want)
		}
	}
	// The member rung longest ago is offline: start from the longest-ago available one.
	states[0] = 0
	if got := exts(g, g.Plan(st, states, nil)); !slices.Equal(got, []ExtID{1, 2}) {
		t.Errorf("with 0 offline: %v, want [1 2]", got)
	}
}

func TestLeastWorkedOrdersByLastAnswer(t *testing.T) {
	g := group(t, LeastWorkedHunt, []ExtID{0, 1, 2, 3})
	st, states := NewState(g), online(4)
	var seq uint64
	steps := []struct {
		answer ExtID
		want   []ExtID
	}{
		{2, []ExtID{0, 1, 2, 3}}, // nobody answered yet
		{0, []ExtID{0, 1, 3, 2}}, // 2 answered most recently
		{-1, []ExtID{1, 3, 2, 0}},
		{3, []ExtID{1, 3, 2, 0}}, // unanswered calls change nothing
		{1, []ExtID{1, 2, 0, 3}},
		{-1, []ExtID{2, 0, 3, 1}},
	}
	for i, s := range steps {
		if got := call(g, st, states, &seq, s.answer); !slices.Equal(got, s.want) {
			t.Fatalf("call %d: order %v, want %v", i+1, got, s.want)
		}
	}
}

func TestSkillCyclicRotatesWithinLevels(t *testing.T) {
	// level 1: 0, 2; level 2: 1, 3.
	g := group(t, SkillCyclicHunt, []ExtID{0, 1, 2, 3}, 1, 2, 1, 2)
	st, states := NewState(g), online(4)
	var seq uint64
	if got := call(g, st, states, &seq, 0); !slices.Equal(got, []ExtID{0, 2, 1, 3}) {
		t.Fatalf("call 1: %v", got)
	}
	// 2 never rung: level 1 starts at 2; level 2 still never rung: 1 first.
	if got := call(g, st, states, &seq, 1); !slices.Equal(got, []ExtID{2, 0, 1, 3}) {
		t.Fatalf("call 2: %v", got)
	}
	// Call 2 rang 2, then 0, then 1: in level 1, 2 is the one rung longest
	// ago; in level 2, 3 was never rung.
	if got := call(g, st, states, &seq, -1); !slices.Equal(got, []ExtID{2, 0, 3, 1}) {
		t.Fatalf("call 3: %v", got)
	}
}

func TestSkillLeastWorkedOrdersWithinLevels(t *testing.T) {
	// level 1: 0, 2, 4; level 2: 1, 3.
	g := group(t, SkillLeastWorkedHunt, []ExtID{0, 1, 2, 3, 4}, 1, 2, 1, 2, 1)
	st, states := NewState(g), online(5)
	var seq uint64
	if got := call(g, st, states, &seq, 0); !slices.Equal(got, []ExtID{0, 2, 4, 1, 3}) {
		t.Fatalf("call 1: %v", got)
	}
	if got := call(g, st, states, &seq, 2); !slices.Equal(got, []ExtID{2, 4, 0, 1, 3}) {
		t.Fatalf("call 2: %v", got)
	}
	states[4] = Online | DND
	if got := exts(g, g.Plan(st, states, nil)); !slices.Equal(got, []ExtID{0, 2, 1, 3}) {
		t.Fatalf("call 3 with 4 in DND: %v", got)
	}
	// Answers in level 2 reorder level 2 only.
	st.Answered(g, 1, 100)
	if got := exts(g, g.Plan(st, online(5), nil)); !slices.Equal(got, []ExtID{4, 0, 2, 3, 1}) {
		t.Fatalf("after 1 answered: %v", got)
	}
}

func TestStateSyncKeepsMemoryOfRemainingMembers(t *testing.T) {
	g := group(t, LeastWorkedHunt, []ExtID{10, 11, 12})
	st := NewState(g)
	st.Answered(g, 0, 5) // 10 answered
	st.Rung(g, 2, 7)     // 12 rung
	// New definition: 12 first, 10 kept, 11 removed, 13 added.
	g2 := group(t, LeastWorkedHunt, []ExtID{12, 10, 13})
	st.Sync(g2)
	if st.Group() != g2 || st.LastRung(0) != 7 || st.LastAnswered(1) != 5 || st.LastAnswered(2) != 0 {
		t.Fatalf("state not carried over: rung %v answered %v", st.lastRung, st.lastAnswered)
	}
	if got := exts(g2, g2.Plan(st, online(14), nil)); !slices.Equal(got, []ExtID{12, 13, 10}) {
		t.Errorf("least worked after sync: %v, want [12 13 10]", got)
	}
	// A call still using the old definition records against the new one by extension.
	st.Answered(g, 2, 9) // 12 via the old definition
	if st.LastAnswered(0) != 9 {
		t.Errorf("answer through the old definition lost")
	}
	st.Rung(g, 1, 11) // 11 is gone: ignored
}

func TestPlanWithoutStatePlansAsFresh(t *testing.T) {
	for _, k := range []Kind{CyclicHunt, LeastWorkedHunt, SkillCyclicHunt, SkillLeastWorkedHunt} {
		g := group(t, k, []ExtID{0, 1, 2}, 2, 1, 1)
		other := group(t, k, []ExtID{0, 1, 2})
		want := exts(g, g.Plan(NewState(g), online(3), nil))
		for _, st := range []*State{nil, NewState(other)} {
			if got := exts(g, g.Plan(st, online(3), nil)); !slices.Equal(got, want) {
				t.Errorf("%v: plan without aligned state %v, want %v", k, got, want)
			}
		}
	}
}

func TestMemberTimeoutDefaultsToRingTime(t *testing.T) {
	g, err := NewGroup(Custom, 15*time.Second, true, []Entry{{Exts: []ExtID{1}, Timeout: 5 * time.Second}, one(2)})
	if err != nil {
		t.Fatal(err)
	}
	if g.MemberTimeout(0) != 5*time.Second || g.MemberTimeout(1) != 15*time.Second {
		t.Errorf("timeouts %v %v", g.MemberTimeout(0), g.MemberTimeout(1))
	}
}

func TestCustomPlansByDelay(t *testing.T) {
	g, err := NewGroup(Custom, 20*time.Second, true, []Entry{
		{Exts: []ExtID{0}, Delay: 10 * time.Second}, {Exts: []ExtID{1}, Delay: 0}, {Exts: []ExtID{2}, Delay: 10 * time.Second}, {Exts: []ExtID{3}, Delay: 5 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := exts(g, g.Plan(nil, online(4), nil)); !slices.Equal(got, []ExtID{1, 3, 0, 2}) {
		t.Errorf("custom plan %v, want by delay, ties listed: [1 3 0 2]", got)
	}
}

func one(e ExtID) Entry { return Entry{Exts: []ExtID{e}} }
