package strategy

import "testing"

func TestParseKindNamesAndAliases(t *testing.T) {
	cases := map[string]Kind{
		"ring_all": RingAll, "RING_SIMULTANEOUSLY": RingAll, "RING_ALL": RingAll,
		"prioritized_hunt": PrioritizedHunt, "PRIORITIZED_HUNT": PrioritizedHunt, "sequentially": PrioritizedHunt,
		"cyclic_hunt": CyclicHunt, "CYCLIC_HUNT": CyclicHunt,
		"least_worked_hunt": LeastWorkedHunt, "LEAST_WORKED_HUNT": LeastWorkedHunt,
		"memory_hunt":     MemoryHunt,
		"custom":          Custom,
		"paging_intercom": PagingIntercom, "PAGING_INTERCOM": PagingIntercom,
		"skill_prioritized_hunt": SkillPrioritizedHunt, "SKILL_BASED_ROUTING_PRIORITIZED_HUNT": SkillPrioritizedHunt,
		"skill_cyclic_hunt": SkillCyclicHunt, "SKILL_BASED_ROUTING_CYCLIC_HUNT": SkillCyclicHunt,
		"skill_least_worked_hunt": SkillLeastWorkedHunt, "SKILL_BASED_ROUTING_LEAST_WORKED_HUNT": SkillLeastWorkedHunt,
		"random_hunt": RandomHunt, "weighted_hunt": WeightedHunt,
	}
	for name, want := range cases {
		got, ok := ParseKind(name)
		if !ok || got != want {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", name, got, ok, want)
		}
	}
	for _, bad := range []string{"", "ring-all", "ringall", "hunt", "sequential"} {
		if k, ok := ParseKind(bad); ok {
			t.Errorf("ParseKind(%q) = %v, want refusal", bad, k)
		}
	}
}

func TestKindStringRoundTrip(t *testing.T) {
	if len(Kinds) != 12 {
		t.Fatalf("%d strategies, SPEC §3 and §11 have 12", len(Kinds))
	}
	for _, k := range Kinds {
		back, ok := ParseKind(k.String())
		if !ok || back != k || !k.Valid() {
			t.Errorf("%v does not round-trip", k)
		}
	}
	if Kind(0).Valid() || Kind(13).Valid() || Kind(200).String() != "" {
		t.Error("out-of-range kinds must be invalid")
	}
}

func TestModes(t *testing.T) {
	want := map[Kind]Mode{
		RingAll: Parallel, PagingIntercom: Parallel, MemoryHunt: Cumulative, Custom: Timed,
		PrioritizedHunt: Serial, CyclicHunt: Serial, LeastWorkedHunt: Serial,
		SkillPrioritizedHunt: Serial, SkillCyclicHunt: Serial, SkillLeastWorkedHunt: Serial,
		RandomHunt: Serial, WeightedHunt: Serial,
	}
	for k, m := range want {
		if k.Mode() != m {
			t.Errorf("%v mode %v, want %v", k, k.Mode(), m)
		}
	}
}

func TestAvailability(t *testing.T) {
	cases := []struct {
		s        MemberState
		skipBusy bool
		want     bool
	}{
		{0, false, false},
		{Online, true, true},
		{Online | DND, false, false},
		{Online | Busy, true, false},
		{Online | Busy, false, true},
		{DND | Busy, false, false},
	}
	for _, c := range cases {
		if got := c.s.Available(c.skipBusy); got != c.want {
			t.Errorf("%03b skipBusy=%v: %v, want %v", c.s, c.skipBusy, got, c.want)
		}
	}
	states := []MemberState{Online}
	if Lookup(states, 0) != Online || Lookup(states, 1) != 0 || Lookup(states, -1) != 0 {
		t.Error("Lookup outside the snapshot must be offline")
	}
}
