package engine

import (
	"testing"
	"time"

	"github.com/ringd/ringd/strategy"
)

// random_hunt and weighted_hunt ring one member at a time, for ring_time
// each, in the order drawn from the arrival's seed: the same seed rings
// the same order, another seed another one (SPEC §11).
func TestRandomHuntsRingInTheDrawnOrder(t *testing.T) {
	for _, kind := range []strategy.Kind{strategy.RandomHunt, strategy.WeightedHunt} {
		spec := Spec{Domain: "ringd.local"}
		for _, n := range []string{"1001", "1002", "1003", "1004"} {
			spec.Extensions = append(spec.Extensions, ExtensionSpec{Number: n})
		}
		spec.Groups = []GroupSpec{{Number: "6000", Name: "Draw", Strategy: kind, RingTime: 10 * time.Second, SkipBusy: true,
			Members: []MemberSpec{{Extension: "1001", Weight: 10}, {Extension: "1002", Weight: 20}, {Extension: "1003", Weight: 30}, {Extension: "1004", Weight: 40}}}}
		snap, err := Compile(spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		order := func(seed uint64) []strategy.ExtID {
			e := New(snap)
			for x := range 4 {
				e.SetMember(0, strategy.ExtID(x), strategy.Online, nil)
			}
			var rung []strategy.ExtID
			id, out := e.Step(Event{Kind: EvArrive, Group: 0, Rand: seed}, nil)
			for now := int64(0); id != 0 && len(rung) < 5; now += int64(10 * time.Second) {
				if now > 0 {
					out = e.Tick(now, out[:0])
				}
				for _, a := range out {
					if a.Kind == ActStartLeg {
						if at := time.Duration(a.At); at != time.Duration(len(rung))*10*time.Second {
							t.Errorf("%v: member %d started at %v", kind, len(rung), at)
						}
						rung = append(rung, a.Ext)
					}
				}
				if e.ActiveCalls() == 0 {
					break
				}
			}
			return rung
		}
		a, b := order(42), order(42)
		if len(a) != 4 || len(b) != 4 {
			t.Fatalf("%v: rang %v, want all four, one after another", kind, a)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%v: seed 42 rang %v, then %v", kind, a, b)
			}
		}
		differs := false
		for seed := uint64(1); seed < 20 && !differs; seed++ {
			c := order(seed)
			for i := range c {
				differs = differs || c[i] != a[i]
			}
		}
		if !differs {
			t.Errorf("%v: twenty seeds rang the same order %v", kind, a)
		}
	}
}
