package engine

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

// FuzzEngine drives the engine with random event sequences over groups of
// every strategy, failover chains (with a loop) and failovers to
// extensions and services, calls to extensions (plain, sequential ring,
// voicemail), a closed schedule and hot applies, and checks the invariants
// of a call after every step:
//
//   - exactly one final response toward the caller (none when the caller
//     went away first), exactly one record per group call (when its group
//     stage ends) and none for a call to an extension;
//   - every started leg ends answered, cancelled (with an ActCancelLeg) or
//     failed (as reported) by the call's end, and the record lists the
//     legs of the group stage;
//   - no action for a call after its end, but the release of a stray 2xx;
//   - actions come out in time order and no deadline is left behind;
//   - nothing panics, and once everything has hung up nothing is left.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 0, 2, 0, 1, 5, 0})
	f.Add([]byte{0, 2, 8, 200, 3, 0, 0, 0, 4, 0, 8, 255, 8, 255, 5, 0})
	f.Add([]byte{0, 5, 8, 40, 2, 0, 0, 1, 2, 0, 0, 2, 10, 0, 8, 90, 0, 6, 6, 0})
	f.Add([]byte{7, 1, 7, 2, 0, 3, 0, 4, 0, 7, 0, 8, 0, 9, 8, 255, 8, 255, 8, 255})
	f.Fuzz(runFuzzInput)
}

func runFuzzInput(t *testing.T, data []byte) {
	fz := newFuzzer(t)
	for len(data) >= 2 {
		fz.step(data[0], data[1])
		data = data[2:]
	}
	fz.drain()
}

// TestRandomEventSequences runs the fuzz invariants over a fixed set of
// pseudo-random inputs, so that `make test` covers far more than the seeds.
func TestRandomEventSequences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		data := make([]byte, 2*(20+rng.IntN(200)))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		ok := t.Run("", func(t *testing.T) { runFuzzInput(t, data) })
		if !ok {
			t.Fatalf("sequence %d failed: %q", i, data)
		}
	}
}

// fuzzSpec has a group of every strategy over five extensions, chains and
// a loop, failovers to an extension (whose sequential ring always applies)
// and to the trunk; with voicemail, calls nobody takes at an extension go
// there.
func fuzzSpec(ringTime time.Duration, voicemail bool) Spec {
	spec := Spec{Domain: "fuzz.local", ServiceRingTime: ringTime, ExtensionRingTime: 2 * ringTime,
		Services: map[DestType]string{DestExternalNum: "sip:{number}@trunk.fuzz"}}
	if voicemail {
		spec.Services[DestExtVM] = "sip:vm-{value}@vm.fuzz"
	}
	for i := range 5 {
		spec.Extensions = append(spec.Extensions, ExtensionSpec{Number: strconv.Itoa(1001 + i)})
	}
	spec.Extensions[0].SeqRing = &SeqRingSpec{RingBaseFirst: true, BaseRingTime: ringTime / 2,
		Numbers:  []SeqNumberSpec{{Number: "1002"}, {Number: "5550100", RingTime: 3 * time.Second}, {Number: "1005"}},
		Criteria: []SeqCriterion{{AnyCaller: true, Ring: true}}}
	spec.Extensions[2].SeqRing = &SeqRingSpec{Numbers: []SeqNumberSpec{{Number: "1004"}},
		Criteria: []SeqCriterion{{AnyCaller: true, Ring: false}}} // never applies
	spec.ExtensionGroups = []ExtensionGroupSpec{{Name: "pair", Extensions: []string{"1004", "1005"}}}
	all := []MemberSpec{{Extension: "1001", Skill: 2, Weight: 5}, {Extension: "1002"}, {Extension: "1003", Skill: 2, Weight: 2}, {ExtGroup: "pair", Skill: 3}}
	timed := []MemberSpec{{Extension: "1001", Delay: 0, Timeout: 7 * time.Second}, {Extension: "1002", Delay: 3 * time.Second},
		{ExtGroup: "pair", Delay: 5 * time.Second, Timeout: 2 * time.Second}}
	for i, k := range strategy.Kinds {
		g := GroupSpec{Number: strconv.Itoa(6000 + i), Name: k.String(), Strategy: k, RingTime: ringTime, SkipBusy: i%2 == 0,
			PAI: true, ToExtension: i%3 == 0, Members: all, RecordMissed: true}
		switch {
		case k == strategy.Custom:
			g.Members = timed
		case i%3 == 1 && k != strategy.MemoryHunt: // delays and timeouts in other strategies (SPEC §11)
			g.Members = []MemberSpec{{Extension: "1001", Skill: 2, Delay: 2 * time.Second}, {Extension: "1002", Timeout: 3 * time.Second},
				{Extension: "1003", Delay: time.Second, Timeout: 4 * time.Second}, {ExtGroup: "pair", Skill: 3}}
		}
		// Chains: each group fails over to the next on no answer; the last
		// loops back to the first. No agent goes to an extension or a trunk.
		g.OnNoAnswer = DestinationSpec{Type: DestRingGroup, Value: strconv.Itoa(6000 + (i+1)%len(strategy.Kinds))}
		if i%4 == 3 {
			g.OnNoAnswer = DestinationSpec{Type: DestEndCall}
		}
		g.OnNoAgent = DestinationSpec{Type: DestExtension, Value: "1001"}
		if i%2 == 1 {
			g.OnNoAgent = DestinationSpec{Type: DestExternalNum, Value: "5550000", Prefix: "9"}
		}
		if i == 5 {
			g.Schedule = fixedSchedule(false)
			g.OutOfSchedule = DestinationSpec{Type: DestPlayGreeting, Value: "closed.wav", Repeat: 1}
		}
		spec.Groups = append(spec.Groups, g)
	}
	return spec
}

type fuzzLeg uint8

const (
	fRinging fuzzLeg = iota + 1
	fCancelled
	fFailed
	fAnswered
)

type fuzzCall struct {
	legs       []fuzzLeg
	finals     int
	callerGone bool
	connected  bool
	recorded   bool
	ended      bool
	group      bool // a call to a group (else to an extension)
	picked     bool // an extension picked it up
}

type fuzzer struct {
	t       *testing.T
	eng     *Engine
	snaps   [2]*Snapshot
	which   int
	now     int64
	lastAt  int64
	ids     []CallID
	calls   map[CallID]*fuzzCall
	members []strategy.MemberState
	out     []Action
}

func newFuzzer(t *testing.T) *fuzzer {
	a, err := Compile(fuzzSpec(10*time.Second, true), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compile(fuzzSpec(4*time.Second, false), a)
	if err != nil {
		t.Fatal(err)
	}
	fz := &fuzzer{t: t, eng: New(a), snaps: [2]*Snapshot{a, b}, calls: map[CallID]*fuzzCall{},
		members: make([]strategy.MemberState, 5)}
	for i := range fz.members {
		fz.members[i] = strategy.Online
		fz.apply(fz.eng.SetMember(0, strategy.ExtID(i), strategy.Online, fz.out[:0]))
	}
	return fz
}

var fuzzCodes = [...]int{486, 480, 404, 408, 503, 603, 600, 500}

func (fz *fuzzer) pick(b byte) (CallID, int) {
	if len(fz.ids) == 0 {
		return CallID(b), int(b % 4)
	}
	return fz.ids[int(b)%len(fz.ids)], int(b>>5) % 6
}

func (fz *fuzzer) step(op, arg byte) {
	fz.now += int64(arg%8) * int64(250*time.Millisecond)
	if testing.Verbose() {
		id, leg := fz.pick(arg)
		fz.t.Logf("@%s op %d arg %d (call %x leg %d)", secs(fz.now), op%11, arg, id, leg)
	}
	out := fz.out[:0]
	if o := op % 11; o >= 2 && o <= 6 {
		// Fire due deadlines first, so that the tracker knows what state the
		// call is in when the event arrives. (Arrivals, provisionals and
		// member changes leave it to the event's own catch-up.)
		fz.apply(fz.eng.Tick(fz.now, out))
	}
	switch op % 11 {
	case 0:
		var id CallID
		caller := Caller{Name: "fuzz", Number: "2000"}
		group := arg&0xc0 != 0x40
		// Trackers exist before the actions come: a call may end in its
		// first event.
		track := func(id CallID) {
			if id == 0 {
				fz.t.Fatalf("arrival refused")
			}
			if fz.calls[id] != nil {
				fz.t.Fatalf("call ID %x issued twice", id)
			}
			fz.ids = append(fz.ids, id)
			fz.calls[id] = &fuzzCall{group: group}
		}
		switch {
		case !group: // a call to an extension
			id, out = fz.eng.Call(fz.now, fz.now, strategy.ExtID(int(arg)%len(fz.members)), caller, out)
		case arg&0x80 != 0: // held: members ring once Start comes (op 9)
			id, out = fz.eng.Hold(fz.now, fz.now, GroupID(int(arg)%len(strategy.Kinds)), caller, out)
		default:
			id, out = fz.eng.Arrive(fz.now, fz.now, GroupID(int(arg)%len(strategy.Kinds)), caller, out)
		}
		track(id)
	case 1:
		id, leg := fz.pick(arg)
		out = fz.eng.Provisional(fz.now, id, leg, 180+int(arg%4), out)
	case 2:
		id, leg := fz.pick(arg)
		fz.checkAnswered(id, leg, fz.eng.Answered(fz.now, id, leg, 200, out))
		return
	case 3:
		id, leg := fz.pick(arg)
		c := fz.calls[id]
		ringing := c != nil && !c.ended && leg < len(c.legs) && c.legs[leg] == fRinging
		out = fz.eng.Failed(fz.now, id, leg, fuzzCodes[arg%8], out)
		if ringing {
			c.legs[leg] = fFailed
		}
	case 4:
		id, _ := fz.pick(arg)
		out = fz.eng.CallerCancel(fz.now, id, out)
	case 5, 6:
		id, _ := fz.pick(arg)
		if c := fz.calls[id]; c != nil && !c.ended && !c.connected && op%11 == 5 {
			c.callerGone = true
		}
		if op%11 == 5 {
			out = fz.eng.Hangup(fz.now, id, out)
		} else {
			out = fz.eng.Abort(fz.now, id, 503, out)
		}
	case 7:
		ext := int(arg) % len(fz.members)
		fz.members[ext] = strategy.MemberState(arg>>3) & (strategy.Online | strategy.DND | strategy.Busy)
		out = fz.eng.SetMember(fz.now, strategy.ExtID(ext), fz.members[ext], out)
	case 8:
		fz.now += int64(arg) * int64(100*time.Millisecond)
		out = fz.eng.Tick(fz.now, out)
	case 9:
		id, _ := fz.pick(arg)
		switch arg % 3 {
		case 0:
			out = fz.eng.Start(fz.now, id, out) // a no-op but for the clock unless the call is held
		case 1:
			out = fz.eng.Pickup(fz.now, id, strategy.ExtID(int(arg>>1)%len(fz.members)), out)
		default: // another node's memory change (a cluster)
			sh := Shared{Kind: SharedKind(1 + arg/3%4), Group: GroupID(int(arg) % len(strategy.Kinds)),
				Ext: strategy.ExtID(int(arg>>2) % len(fz.members)), Until: fz.now + int64(arg)*int64(100*time.Millisecond)}
			_, out = fz.eng.Step(Event{Kind: EvShared, Share: sh}, out)
			out = fz.eng.Tick(fz.now, out) // EvShared takes no time: catch up on the clock
		}
	case 10:
		fz.which = 1 - fz.which
		fz.eng.SetSnapshot(fz.snaps[fz.which])
		out = fz.eng.Tick(fz.now, out) // SetSnapshot takes no time: catch up on the clock
	}
	fz.apply(out)
}

// checkAnswered: a 2xx on a ringing leg must be taken (answer or join), on
// any other leg released, except a repeat on an answered leg.
func (fz *fuzzer) checkAnswered(id CallID, leg int, out []Action) {
	c := fz.calls[id]
	taken, released := false, false
	for _, a := range out {
		if a.Call == id && a.Leg == leg {
			taken = taken || a.Kind == ActAnswerCaller || a.Kind == ActJoinPage
			released = released || a.Kind == ActReleaseLeg
		}
	}
	// Due deadlines fire first and may have ended the leg: judge by what the
	// tracker knows after applying those actions.
	fz.apply(out)
	switch {
	case c != nil && c.ended:
		// The call is over: the engine knows nothing of it any more, and a
		// 2xx for it is always released (the driver filters retransmissions).
		if taken || !released {
			fz.t.Fatalf("2xx for ended call %x/%d: taken %v released %v", id, leg, taken, released)
		}
	case c != nil && leg < len(c.legs) && c.legs[leg] == fAnswered:
		if !taken && released {
			fz.t.Fatalf("retransmitted 2xx on answered leg %x/%d released", id, leg)
		}
	case taken:
		fz.t.Fatalf("2xx on non-ringing leg %x/%d taken", id, leg)
	case !released:
		fz.t.Fatalf("stray 2xx on %x/%d neither taken nor released: %+v", id, leg, out)
	}
}

func (fz *fuzzer) apply(out []Action) {
	t := fz.t
	for i := range out {
		a := &out[i]
		if testing.Verbose() {
			t.Logf("  @%s %x %v leg=%d code=%d", secs(a.At), a.Call, a.Kind, a.Leg, a.Code)
		}
		if a.At < fz.lastAt || a.At > fz.now {
			t.Fatalf("action %v at %d out of order (last %d, now %d)", a.Kind, a.At, fz.lastAt, fz.now)
		}
		fz.lastAt = a.At
		c := fz.calls[a.Call]
		if c == nil {
			if a.Kind != ActReleaseLeg {
				t.Fatalf("%v for unknown call %x", a.Kind, a.Call)
			}
			continue
		}
		if c.ended && a.Kind != ActReleaseLeg {
			t.Fatalf("%v after the end of call %x", a.Kind, a.Call)
		}
		legState := func() fuzzLeg {
			if a.Leg < 0 || a.Leg >= len(c.legs) {
				t.Fatalf("%v on unknown leg %d of %x", a.Kind, a.Leg, a.Call)
			}
			return c.legs[a.Leg]
		}
		switch a.Kind {
		case ActStartLeg:
			if a.Leg != len(c.legs) || c.connected && !c.legsMayStart() {
				t.Fatalf("leg %d started out of turn (have %d, connected %v)", a.Leg, len(c.legs), c.connected)
			}
			c.legs = append(c.legs, fRinging)
		case ActCancelLeg:
			if legState() != fRinging {
				t.Fatalf("cancel of leg %d in state %d", a.Leg, c.legs[a.Leg])
			}
			c.legs[a.Leg] = fCancelled
		case ActForwardProvisional:
			if legState() != fRinging || c.connected {
				t.Fatalf("provisional relayed from leg %d in state %d (connected %v)", a.Leg, c.legs[a.Leg], c.connected)
			}
		case ActAnswerCaller:
			if legState() != fRinging {
				t.Fatalf("answer from leg %d in state %d", a.Leg, c.legs[a.Leg])
			}
			c.legs[a.Leg] = fAnswered
			c.finals++
			c.connected = true
		case ActAnswerLocal:
			c.finals++
			c.connected = true
		case ActPickup:
			if c.connected || c.finals > 0 {
				t.Fatalf("pickup of call %x: connected %v, %d final responses", a.Call, c.connected, c.finals)
			}
			c.finals++
			c.connected, c.picked = true, true
		case ActJoinPage:
			if legState() != fRinging {
				t.Fatalf("join from leg %d in state %d", a.Leg, c.legs[a.Leg])
			}
			c.legs[a.Leg] = fAnswered
		case ActRespondCaller:
			c.finals++
		case ActFailover:
			if a.Dest == nil || a.Diversion == "" || !c.group || c.recorded {
				t.Fatalf("failover without destination or Diversion, of a call to an extension, or after the record")
			}
			if a.Dest.Type == DestPlayGreeting { // the driver answers and plays
				c.finals++
			}
		case ActRecord:
			fz.checkRecord(a, c)
		case ActEnd:
			fz.checkEnd(a, c)
		}
	}
	if at, ok := fz.eng.NextDeadline(); ok && at <= fz.now {
		t.Fatalf("deadline %d left behind at %d", at, fz.now)
	}
}

// legsMayStart: once connected no leg may start (paging stays in its one step).
func (c *fuzzCall) legsMayStart() bool { return false }

func (fz *fuzzer) checkRecord(a *Action, c *fuzzCall) {
	t, r := fz.t, a.Record
	if !c.group || c.recorded {
		t.Fatalf("call %x: a record for a call to an extension, or a second one", a.Call)
	}
	c.recorded = true
	if c.finals > 1 { // the record comes once the caller has its one final response
		t.Fatalf("call %x: %d final responses (caller gone %v), outcome %v", a.Call, c.finals, c.callerGone, r.Outcome)
	}
	if len(r.Legs) != len(c.legs) {
		t.Fatalf("record lists %d legs, %d started", len(r.Legs), len(c.legs))
	}
	answered, inGroup := false, false
	for i, l := range r.Legs {
		want := map[fuzzLeg][]LegResult{
			fCancelled: {LegCancelled, LegNoAnswer}, fFailed: {LegBusy, LegFailed}, fAnswered: {LegAnswered},
		}[c.legs[i]]
		ok := false
		for _, w := range want {
			ok = ok || l.Result == w
		}
		if !ok || l.End < l.Start {
			t.Fatalf("leg %d: record says %v (%d-%d), tracker %d", i, l.Result, l.Start, l.End, c.legs[i])
		}
		answered = answered || l.Result == LegAnswered
		inGroup = inGroup || l.Result == LegAnswered && l.Group >= 0
	}
	if c.picked { // the picker answered, in the group stage or a failover's
		if !r.Answered || r.AnsweredBy < 0 || inGroup || answered {
			t.Fatalf("picked up: answered %v by %d, answered legs %v", r.Answered, r.AnsweredBy, answered)
		}
	} else if inGroup != (r.Outcome == OutcomeAnswered) || answered != r.Answered || r.AnsweredBy >= 0 && !answered {
		t.Fatalf("outcome %v, answered %v by %d, answered legs %v (in the group %v)", r.Outcome, r.Answered, r.AnsweredBy, answered, inGroup)
	}
	if r.Missed && answered {
		t.Fatalf("a missed-call record for an answered call")
	}
	if r.End < r.Start || r.Call != a.Call {
		t.Fatalf("record times %d-%d / id %x", r.Start, r.End, r.Call)
	}
}

// wantFinals is how many final responses a call's caller gets in all.
func (fz *fuzzer) wantFinals(c *fuzzCall) int {
	if c.callerGone {
		return 0
	}
	return 1
}

// checkEnd: at its end a call has had its one final response, its record
// if it is a group call, and no leg rings any more.
func (fz *fuzzer) checkEnd(a *Action, c *fuzzCall) {
	t := fz.t
	c.ended = true
	if c.finals != fz.wantFinals(c) {
		t.Fatalf("call %x: %d final responses (caller gone %v)", a.Call, c.finals, c.callerGone)
	}
	if c.recorded != c.group {
		t.Fatalf("call %x: group call %v, recorded %v", a.Call, c.group, c.recorded)
	}
	for i, l := range c.legs {
		if l == fRinging {
			t.Fatalf("call %x ended with leg %d ringing", a.Call, i)
		}
	}
}

// drain lets every timer run out, hangs up what is connected, and checks
// that nothing is left.
func (fz *fuzzer) drain() {
	for _, id := range fz.ids { // calls still held ring now
		fz.apply(fz.eng.Start(fz.now, id, fz.out[:0]))
	}
	fz.now += int64(24 * time.Hour)
	fz.apply(fz.eng.Tick(fz.now, fz.out[:0]))
	for _, id := range fz.ids {
		c := fz.calls[id]
		if !c.ended && !c.connected {
			fz.t.Fatalf("call %x still ringing a day later", id)
		}
		fz.apply(fz.eng.Hangup(fz.now, id, fz.out[:0]))
		if !c.ended {
			fz.t.Fatalf("call %x has not ended after its hangup", id)
		}
	}
	if n := fz.eng.GroupCalls(); n != 0 {
		fz.t.Fatalf("%d group calls active after all ended", n)
	}
	if n := fz.eng.ActiveCalls(); n != 0 {
		fz.t.Fatalf("%d calls active after all ended", n)
	}
	if _, ok := fz.eng.NextDeadline(); ok {
		fz.t.Fatalf("a deadline is armed with no call left")
	}
}
