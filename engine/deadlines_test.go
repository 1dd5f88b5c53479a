package engine

import (
	"math/rand/v2"
	"testing"
)

// TestDeadlinesMatchesModel checks the indexed heap against a plain map over
// random arms, moves and clears.
func TestDeadlinesMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var d deadlines
	const slots = 50
	d.grow(slots)
	model := map[int32]int64{}
	for i := range 20000 {
		s := int32(rng.IntN(slots))
		if rng.IntN(3) == 0 {
			d.clear(s)
			delete(model, s)
		} else {
			at := rng.Int64N(1000)
			d.set(s, at)
			model[s] = at
		}
		if rng.IntN(5) == 0 { // pop the minimum, as Engine.begin does
			if top, ok := d.next(); ok {
				d.clear(top.slot)
				delete(model, top.slot)
			}
		}
		best, bestSlot, any := int64(0), int32(-1), false
		for s, at := range model {
			if !any || at < best || at == best && s < bestSlot {
				best, bestSlot, any = at, s, true
			}
		}
		top, ok := d.next()
		if ok != any || ok && (top.at != best || top.slot != bestSlot) {
			t.Fatalf("step %d: heap top %+v %v, model %d@%d %v", i, top, ok, bestSlot, best, any)
		}
		if at, armed := d.armed(s); armed != hasKey(model, s) || armed && at != model[s] {
			t.Fatalf("step %d: slot %d armed %v at %d, model %v", i, s, armed, at, model[s])
		}
	}
}

func hasKey(m map[int32]int64, k int32) bool { _, ok := m[k]; return ok }
