package sip

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
)

// trunkTo is the trunk service at agent a.
func trunkTo(a *siptest.Agent) map[engine.DestType]string {
	return map[engine.DestType]string{engine.DestExternalNum: "sip:{number}@127.0.0.1:" + strconv.Itoa(a.Port)}
}

// seqRingd serves extensions 1001-1003 and 2000; 1001 has a sequential
// ring: itself first, then 1002, 1003 and an external number on the trunk.
func seqRingd(t *testing.T, trunk *siptest.Agent, criteria ...engine.SeqCriterion) *testRingd {
	t.Helper()
	spec := engine.Spec{Extensions: exts("1001", "1002", "1003", "2000"), Services: trunkTo(trunk)}
	spec.Extensions[0].SeqRing = &engine.SeqRingSpec{RingBaseFirst: true, BaseRingTime: 400 * time.Millisecond, Criteria: criteria,
		Numbers: []engine.SeqNumberSpec{{Number: "1002", RingTime: 400 * time.Millisecond}, {Number: "1003", RingTime: 400 * time.Millisecond}, {Number: "5550123", RingTime: 2 * time.Second}}}
	return startRingd(t, spec)
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
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "1001")
	next := []*siptest.Agent{ms[1], ms[2], trunk}
	for i, m := range ms { // the base first, then each number, one at a time, each for its 400 ms
		m.WaitInvite(2 * time.Second)
		r.advance(399 * time.Millisecond)
		next[i].NoInvite(20 * time.Millisecond)
		r.advance(time.Millisecond)
		eventually(t, func() bool { _, c, _, _ := m.Counts(); return c == 1 }) // cancelled before the next rings
	}
	inv := trunk.WaitInvite(2 * time.Second)
	if inv.Recipient.User != "5550123" {
		t.Errorf("trunk got %s, want 5550123", inv.Recipient.String())
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
	ms[0].WaitInvite(2 * time.Second)
	r.advance(400 * time.Millisecond)
	ms[1].WaitInvite(2 * time.Second) // 1003: 1002 was passed over
	r.advance(400 * time.Millisecond)
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
	ms[1].NoInvite(50 * time.Millisecond)
	if n, _, _, _ := trunk.Counts(); n != 0 {
		t.Errorf("the trunk rang for an anonymous caller")
	}
}

func TestUnansweredExtensionCallsGoToVoicemail(t *testing.T) {
	t.Parallel()
	vm := siptest.NewAgent(t, "vm")
	trunk := siptest.NewAgent(t, "trunk")
	trunk.SetBehaviour(siptest.Refuse(486))
	spec := engine.Spec{Extensions: exts("1001", "1002", "1003", "2000"), ExtensionRingTime: 300 * time.Millisecond, Services: trunkTo(trunk)}
	spec.Services[engine.DestExtVM] = "sip:vm-{value}@127.0.0.1:" + strconv.Itoa(vm.Port)
	spec.Extensions[2].SeqRing = &engine.SeqRingSpec{Criteria: []engine.SeqCriterion{{AnyCaller: true, Ring: true}},
		Numbers: []engine.SeqNumberSpec{{Number: "1002", RingTime: 300 * time.Millisecond}, {Number: "5550123", RingTime: time.Second}}}
	r := startRingd(t, spec)
	ms := registered(t, r, "1001", "1002")
	for _, m := range ms {
		m.SetBehaviour(siptest.RingForever)
	}
	caller := siptest.NewAgent(t, "2000")
	for _, c := range []struct {
		name, ext string
		rings     *siptest.Agent // rings first, for 300 ms
	}{
		{"no answer in time", "1001", ms[0]},
		{"a sequential ring nobody takes", "1003", ms[1]}, // then the trunk refuses
	} {
		call := caller.Dial(context.Background(), r.addr, c.ext)
		c.rings.WaitInvite(2 * time.Second)
		r.advance(300 * time.Millisecond)
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
