package sip

import (
	"context"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// The strategies and failovers so far tested on the engine alone, over SIP
// with real agents on the fake clock.

// firstRung places a call to number and returns which agent got the first
// INVITE, and the call (still going: cancel ends it).
func firstRung(t *testing.T, r *testRingd, caller *siptest.Agent, number string, ms []*siptest.Agent) (int, *siptest.Call, context.CancelFunc) {
	t.Helper()
	before := make([]int, len(ms))
	for i, m := range ms {
		before[i], _, _, _ = m.Counts()
	}
	ctx, cancel := context.WithCancel(context.Background())
	call := caller.Dial(ctx, r.addr, number)
	got := -1
	eventually(t, func() bool {
		for i, m := range ms {
			if n, _, _, _ := m.Counts(); n > before[i] {
				got = i
				return true
			}
		}
		return false
	})
	return got, call, cancel
}

// cyclic_hunt starts each call with the member rung longest ago;
// least_worked_hunt with the member that answered longest ago.
func TestCyclicAndLeastWorkedOrdersOverSIP(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "1003", "2000"), Groups: []engine.GroupSpec{
		group("6000", strategy.CyclicHunt, 10*time.Second, "1001", "1002", "1003"),
		group("6001", strategy.LeastWorkedHunt, 10*time.Second, "1001", "1002", "1003"),
	}})
	ms := registered(t, r, "1001", "1002", "1003")
	for _, m := range ms {
		m.SetBehaviour(siptest.RingForever)
	}
	caller := siptest.NewAgent(t, "2000")
	for want := range 4 { // 1001, 1002, 1003, then 1001 again
		got, call, cancel := firstRung(t, r, caller, "6000", ms)
		if got != want%3 {
			t.Fatalf("cyclic call %d rang %s first, want %s", want+1, ms[got].Ext, ms[want%3].Ext)
		}
		cancel()
		call.Wait(t, 3*time.Second)
		eventually(t, func() bool { return r.ActiveCalls() == 0 })
	}
	// least-worked: 1001 answers the first call, so the second starts
	// with 1002 (never answered), which answers; the third starts with
	// 1003, the only one that never answered.
	for i, want := range []int{0, 1, 2} {
		for j, m := range ms {
			if j == want && i < 2 {
				m.SetBehaviour(siptest.AnswerAfter(0))
			} else {
				m.SetBehaviour(siptest.RingForever)
			}
		}
		got, call, cancel := firstRung(t, r, caller, "6001", ms)
		if got != want {
			t.Fatalf("least-worked call %d rang %s first, want %s", i+1, ms[got].Ext, ms[want].Ext)
		}
		if i < 2 {
			if code := call.Wait(t, 3*time.Second); code != 200 {
				t.Fatalf("least-worked call %d: %d", i+1, code)
			}
			call.AckAndBye(t)
		} else {
			cancel()
			call.Wait(t, 3*time.Second)
		}
		cancel()
		eventually(t, func() bool { return r.ActiveCalls() == 0 && !r.busy(ms[want].Ext) })
	}
}

// memory_hunt adds one member per ring time and keeps the earlier ones
// ringing; custom starts each member at its own delay and stops it after
// its own timeout.
func TestMemoryHuntAndCustomTimelinesOverSIP(t *testing.T) {
	t.Parallel()
	custom := group("6001", strategy.Custom, 20*time.Second, "1001", "1002")
	custom.Members[0].Timeout = 4 * time.Second
	custom.Members[1].Delay = 2 * time.Second
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "2000"), Groups: []engine.GroupSpec{
		group("6000", strategy.MemoryHunt, 5*time.Second, "1001", "1002"), custom,
	}})
	ms := registered(t, r, "1001", "1002")
	for _, m := range ms {
		m.SetBehaviour(siptest.RingForever)
	}
	caller := siptest.NewAgent(t, "2000")
	call := caller.Dial(context.Background(), r.addr, "6000")
	ms[0].WaitInvite(3 * time.Second)
	ms[1].NoInvite(50 * time.Millisecond)
	r.advance(5 * time.Second)
	ms[1].WaitInvite(3 * time.Second)
	if _, cancels, _, _ := ms[0].Counts(); cancels != 0 {
		t.Errorf("memory_hunt cancelled 1001 when 1002 joined")
	}
	r.advance(5 * time.Second)
	if code := call.Wait(t, 3*time.Second); code != 480 {
		t.Errorf("memory_hunt, nobody answered: %d", code)
	}
	for _, m := range ms {
		eventually(t, func() bool { _, c, _, _ := m.Counts(); return c == 1 })
	}

	call = caller.Dial(context.Background(), r.addr, "6001")
	ms[0].WaitInvite(3 * time.Second)
	ms[1].NoInvite(50 * time.Millisecond)
	r.advance(2 * time.Second) // 1002's delay
	ms[1].WaitInvite(3 * time.Second)
	r.advance(2 * time.Second) // 1001's own timeout (4 s)
	eventually(t, func() bool { _, c, _, _ := ms[0].Counts(); return c == 2 })
	if _, c, _, _ := ms[1].Counts(); c != 1 {
		t.Errorf("1002 cancelled with 1001 (cancels %d)", c)
	}
	r.advance(18 * time.Second) // 1002 rings the group's ring time from its start
	if code := call.Wait(t, 3*time.Second); code != 480 {
		t.Errorf("custom, nobody answered: %d", code)
	}
}

// The skill strategies ring level 1 first; a chain moves a call to the
// next group with Diversion; a member on DND is never rung.
func TestSkillChainAndDNDOverSIP(t *testing.T) {
	t.Parallel()
	skill := group("6000", strategy.SkillPrioritizedHunt, 5*time.Second, "1001", "1002")
	skill.Members[0].Skill, skill.Members[1].Skill = 2, 1
	skill.OnNoAnswer = engine.DestinationSpec{Type: engine.DestRingGroup, Value: "6001"}
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "1003", "1004", "2000"), Groups: []engine.GroupSpec{
		skill, group("6001", strategy.RingAll, 5*time.Second, "1003", "1004"),
	}}, func(s *Settings) { s.Extensions["1004"] = Extension{Password: "pw1004", DND: true} })
	ms := registered(t, r, "1001", "1002", "1003", "1004")
	for _, m := range ms[:2] {
		m.SetBehaviour(siptest.RingForever)
	}
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	ms[1].WaitInvite(3 * time.Second) // level 1 first
	ms[0].NoInvite(50 * time.Millisecond)
	r.advance(5 * time.Second)
	ms[0].WaitInvite(3 * time.Second)
	r.advance(5 * time.Second)
	inv := ms[2].WaitInvite(3 * time.Second) // the chain: 6001's 1003 (1004 is on DND)
	if h := inv.GetHeader("Diversion"); h == nil || h.Value() != "<sip:6000@ringd.local>;reason=no-answer" {
		t.Errorf("chained leg Diversion %v", h)
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("chain: %d", code)
	}
	call.AckAndBye(t)
	if n, _, _, _ := ms[3].Counts(); n != 0 {
		t.Errorf("1004 on DND got %d INVITEs", n)
	}
}
