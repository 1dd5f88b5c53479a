package strategy

import (
	"math"
	"slices"
	"testing"
)

// Over 10,000 calls each member's share of first rings is within 2 % of
// its expected share (SPEC §11): 1/n for random_hunt, weight/total for
// weighted_hunt; every plan is a permutation of the available members.
func TestRandomAndWeightedShares(t *testing.T) {
	weights := []int{1, 2, 3, 4, 10}
	total := 0
	var entries []Entry
	for i, w := range weights {
		entries = append(entries, Entry{Exts: []ExtID{ExtID(i)}, Weight: w})
		total += w
	}
	states := make([]MemberState, len(weights))
	for i := range states {
		states[i] = Online
	}
	for _, kind := range []Kind{RandomHunt, WeightedHunt} {
		g, err := NewGroup(kind, 20e9, true, entries)
		if err != nil {
			t.Fatal(err)
		}
		const calls = 10000
		first := make([]int, len(weights))
		r := NewRand(20261207)
		var plan []int32
		for range calls {
			plan = g.Plan(nil, states, plan)
			g.Shuffle(plan, &r)
			first[plan[0]]++
			sorted := slices.Clone(plan)
			slices.Sort(sorted)
			if !slices.Equal(sorted, []int32{0, 1, 2, 3, 4}) {
				t.Fatalf("%v: plan %v is not a permutation of the members", kind, plan)
			}
		}
		for m, n := range first {
			want := 1 / float64(len(weights))
			if kind == WeightedHunt {
				want = float64(weights[m]) / float64(total)
			}
			if got := float64(n) / calls; math.Abs(got-want) > 0.02 {
				t.Errorf("%v: member %d rang first %.3f of the calls, want %.3f ± 0.02", kind, m, got, want)
			}
		}
	}
}

// A busy member is left out of the draw; the same seed draws the same
// order (a run replays).
func TestShuffleSkipsUnavailableAndReplays(t *testing.T) {
	g, err := NewGroup(WeightedHunt, 20e9, true, []Entry{
		{Exts: []ExtID{0}, Weight: 100}, {Exts: []ExtID{1}, Weight: 1}, {Exts: []ExtID{2}, Weight: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	states := []MemberState{Online | Busy, Online, Online}
	a, b := NewRand(7), NewRand(7)
	for range 50 {
		p := g.Plan(nil, states, nil)
		g.Shuffle(p, &a)
		q := g.Plan(nil, states, nil)
		g.Shuffle(q, &b)
		if len(p) != 2 || slices.Contains(p, 0) || !slices.Equal(p, q) {
			t.Fatalf("plans %v and %v: want the two available members, the same order for the same seed", p, q)
		}
	}
	if _, err := NewGroup(WeightedHunt, 20e9, true, []Entry{{Exts: []ExtID{0}, Weight: 101}}); err == nil {
		t.Error("weight 101 accepted")
	}
}
