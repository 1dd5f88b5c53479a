package engine

import (
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

// Calls placed one after another through three engines that share their
// memory (TakeShared -> EvShared on the others) ring the members of a
// cyclic and a least-worked group in exactly the order one engine rings
// them; wrap-ups and cooldowns carry over too.
func TestSharedMemoryIsOneOrder(t *testing.T) {
	spec := Spec{Domain: "ringd.local"}
	for _, n := range []string{"1001", "1002", "1003", "1004"} {
		spec.Extensions = append(spec.Extensions, ExtensionSpec{Number: n})
	}
	members := []MemberSpec{{Extension: "1001"}, {Extension: "1002"}, {Extension: "1003"}, {Extension: "1004"}}
	spec.Groups = []GroupSpec{
		{Number: "6000", Name: "Cyclic", Strategy: strategy.CyclicHunt, RingTime: 10 * time.Second, SkipBusy: true, Members: members},
		{Number: "6001", Name: "Least", Strategy: strategy.LeastWorkedHunt, RingTime: 10 * time.Second, SkipBusy: true, Members: members},
	}
	snap, err := Compile(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh := func() *Engine {
		e := New(snap)
		e.ShareMemory(true)
		for x := range 4 {
			e.SetMember(0, strategy.ExtID(x), strategy.Online, nil)
		}
		return e
	}
	// call places a call to group g at now on e, answers its first leg
	// after a number of no-answers given by skip, and returns who answered.
	call := func(e *Engine, g GroupID, now int64, skip int) strategy.ExtID {
		id, out := e.Step(Event{Kind: EvArrive, At: now, Group: g}, nil)
		for i := 0; ; i++ {
			var leg Action
			for _, a := range out {
				if a.Kind == ActStartLeg {
					leg = a
				}
			}
			if i == skip {
				out = e.Answered(now, id, leg.Leg, 200, out[:0])
				out = e.Hangup(now+int64(time.Second), id, out[:0])
				return leg.Ext
			}
			now += int64(10 * time.Second)
			out = e.Tick(now, out[:0])
		}
	}
	one := fresh()
	nodes := []*Engine{fresh(), fresh(), fresh()}
	for i := 0; i < 30; i++ {
		g, skip, now := GroupID(i%2), i%3, int64(i)*int64(time.Minute)
		want := call(one, g, now, skip)
		n := nodes[i%3]
		got := call(n, g, now, skip)
		if got != want {
			t.Fatalf("call %d to group %d: node %d rang %d to the answer, one engine %d", i, g, i%3, got, want)
		}
		n.TakeShared(func(s Shared) {
			for j, other := range nodes {
				if j != i%3 {
					other.Step(Event{Kind: EvShared, Share: s}, nil)
				}
			}
		})
	}
}
