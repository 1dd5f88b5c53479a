package sip

import (
	"context"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
)

// seqRingd serves extensions 1001-1003 and 2000; 1001 has a sequential
// ring: itself first, then 1002, 1003 and an external number on the trunk.
func seqRingd(t *testing.T, trunk *siptest.Agent, criteria ...engine.SeqCriterion) *testRingd {
	t.Helper()
	return startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "1003", "2000")}, func(s *Settings) {
		s.Services = map[string]string{"trunk": "sip:{number}@127.0.0.1:" + itoa(trunk.Port)}
		e := s.Extensions["1001"]
		e.SeqRing = &SeqRing{RingBaseFirst: true, BaseRingTime: 400 * time.Millisecond, Criteria: criteria,
			Numbers: []SeqNumber{{"1002", 400 * time.Millisecond}, {"1003", 400 * time.Millisecond}, {"5550123", 2 * time.Second}}}
		s.Extensions["1001"] = e
	})
}

func TestSequentialRingReachesTheThirdNumber(t *testing.T) {
	t.Parallel()
	trunk := siptest.NewAgent(t, "trunk")
	trunk.SetBehaviour(siptest.AnswerAfter(100 * time.Millisecond))
	r := seqRingd(t, trunk, engine.SeqCriterion{AnyCaller: true, Ring: true})
	ms := registered(t, r, "1001", "1002", "1003")
	for _, m := range ms {
		m.SetBehaviour(siptest.RingForever)
	}
	start := time.Now()
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "1001")
	var at []time.Duration
	for _, m := range ms { // the base first, then each number, one at a time
		m.WaitInvite(2 * time.Second)
		at = append(at, time.Since(start))
		eventually(t, func() bool { _, c, _, _ := m.Counts(); return c == 1 }) // cancelled before the next rings
	}
	inv := trunk.WaitInvite(2 * time.Second)
	at = append(at, time.Since(start))
	if inv.Recipient.User != "5550123" {
		t.Errorf("trunk got %s, want 5550123", inv.Recipient.String())
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i] - at[i-1]; gap < 350*time.Millisecond || gap > 900*time.Millisecond {
			t.Errorf("step %d rang %v after step %d, want the 400 ms ring time", i, gap, i-1)
		}
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want the third number's 200", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { _, _, acks, byes := trunk.Counts(); return acks == 1 && byes == 1 })
}

func TestSequentialRingNobodyAnswers480(t *testing.T) {
	t.Parallel()
	trunk := siptest.NewAgent(t, "trunk")
	trunk.SetBehaviour(siptest.Refuse(486))
	r := seqRingd(t, trunk, engine.SeqCriterion{AnyCaller: true, Ring: true})
	ms := registered(t, r, "1001", "1003") // 1002 is offline: skipped
	for _, m := range ms {
		m.SetBehaviour(siptest.RingForever)
	}
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "1001")
	trunk.WaitInvite(3 * time.Second)
	if code := call.Wait(t, 3*time.Second); code != 480 {
		t.Errorf("caller got %d, want 480 when no step answers", code)
	}
}

func TestSequentialRingCriteriaDecide(t *testing.T) {
	t.Parallel()
	trunk := siptest.NewAgent(t, "trunk")
	// Everyone but anonymous callers gets the sequential ring.
	r := seqRingd(t, trunk, engine.SeqCriterion{AnyCaller: true, Ring: true}, engine.SeqCriterion{Anonymous: true, Ring: false})
	ms := registered(t, r, "1001", "1002")
	ms[0].SetBehaviour(siptest.AnswerAfter(600 * time.Millisecond)) // would be cancelled after 400 ms in a sequence
	caller := siptest.NewAgent(t, "2000")
	call := caller.Dial(context.Background(), r.addr, "1001", sip.NewHeader("Privacy", "id"))
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("anonymous caller got %d, want the extension's own 200 (no sequential ring)", code)
	}
	call.AckAndBye(t)
	ms[1].NoInvite(200 * time.Millisecond)
	if n, _, _, _ := trunk.Counts(); n != 0 {
		t.Errorf("the trunk rang for an anonymous caller")
	}
}

func TestUnansweredExtensionCallsGoToVoicemail(t *testing.T) {
	t.Parallel()
	vm := siptest.NewAgent(t, "vm")
	trunk := siptest.NewAgent(t, "trunk")
	trunk.SetBehaviour(siptest.Refuse(486))
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "1003", "2000")}, func(s *Settings) {
		s.ExtensionRingTime = 300 * time.Millisecond
		s.Services = map[string]string{"ext_vm": "sip:vm-{value}@127.0.0.1:" + itoa(vm.Port), "trunk": "sip:{number}@127.0.0.1:" + itoa(trunk.Port)}
		e := s.Extensions["1003"]
		e.SeqRing = &SeqRing{Criteria: []engine.SeqCriterion{{AnyCaller: true, Ring: true}},
			Numbers: []SeqNumber{{"1002", 300 * time.Millisecond}, {"5550123", time.Second}}}
		s.Extensions["1003"] = e
	})
	ms := registered(t, r, "1001", "1002")
	for _, m := range ms {
		m.SetBehaviour(siptest.RingForever)
	}
	caller := siptest.NewAgent(t, "2000")
	for _, c := range []struct{ name, ext string }{
		{"no answer in time", "1001"},
		{"a sequential ring nobody takes", "1003"},
	} {
		call := caller.Dial(context.Background(), r.addr, c.ext)
		inv := vm.WaitInvite(3 * time.Second)
		if inv.Recipient.User != "vm-"+c.ext {
			t.Errorf("%s: voicemail got %s, want vm-%s", c.name, inv.Recipient.String(), c.ext)
		}
		if d := inv.GetHeader("Diversion"); d == nil || d.Value() != "<sip:"+c.ext+"@ringd.local>;reason=no-answer" {
			t.Errorf("%s: Diversion %v", c.name, d)
		}
		if code := call.Wait(t, 3*time.Second); code != 200 {
			t.Fatalf("%s: caller got %d, want the voicemail's 200", c.name, code)
		}
		call.AckAndBye(t)
	}
	if n, _, _, _ := trunk.Counts(); n != 1 {
		t.Errorf("the trunk rang %d times, want once (the sequential ring's last number)", n)
	}
}
