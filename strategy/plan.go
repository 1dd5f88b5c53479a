package strategy

// Plan writes into out (from out[:0]) the indices of the members to ring, in
// ring order, leaving out members that are not available now. Custom plans
// are in order of start delay (ties in configured order). states is the
// member-state snapshot indexed by ExtID.
//
// st is the group's memory; it must be aligned with g (see State.Sync). A nil
// or misaligned st plans as if the group had never rung anyone.
//
// Plan allocates nothing when cap(out) >= len(g.Members).
func (g *Group) Plan(st *State, states []MemberState, out []int32) []int32 {
	out = grow(out[:0], len(g.Members)) // every append below fits
	o, bySkill := g.Kind.order()
	if st == nil || st.group != g {
		o = configured // no memory: as if nobody had ever been rung or answered
	}
	switch o {
	case configured, random: // a random strategy's plan is drawn afterwards (Shuffle)
		if g.Kind == Custom || g.Mode() == Timed {
			return g.appendAvailable(out, g.byDelay, states)
		}
		if bySkill {
			return g.appendAvailable(out, g.bySkill, states)
		}
		return g.appendAvailable(out, g.listed, states)
	case cyclic:
		if !bySkill {
			return g.appendCyclic(out, g.listed, 0, st.rung, states)
		}
		for l := 0; l+1 < len(g.levelStart); l++ {
			lo, hi := g.levelStart[l], g.levelStart[l+1]
			out = g.appendCyclic(out, g.bySkill[lo:hi], int(lo), st.rung[lo:hi], states)
		}
		return out
	default: // leastWorked: the state keeps the order (by level first for skill strategies)
		return g.appendAvailable(out, st.answered, states)
	}
}

// Available reports whether member i may ring now.
func (g *Group) Available(i int, states []MemberState) bool { return g.available(i, states) }

func (g *Group) available(i int, states []MemberState) bool {
	e := g.exts[i]
	return uint(e) < uint(len(states)) && states[e]&g.mask == Online
}

// appendAvailable appends the members of order that are available. It is the
// hot loop of every plan: one sequential pass, one mask test per member, and
// a branch-free append so that a scattering of busy members costs no
// mispredictions.
//
// out must have room for len(order) more members (Plan makes it so).
func (g *Group) appendAvailable(out []int32, order []slot, states []MemberState) []int32 {
	n := len(out)
	dst := out[n : n+len(order)]
	mask := g.mask // a local: the stores to dst must not force reloads
	k := 0
	for _, o := range order {
		var s MemberState
		if uint(o.e) < uint(len(states)) {
			s = states[o.e]
		}
		dst[k] = o.m // k <= position in order < len(dst)
		if s&mask == Online {
			k++
		}
	}
	return out[:n+k]
}

// grow makes room for extra more elements without changing len(out).
func grow(out []int32, extra int) []int32 {
	if cap(out)-len(out) >= extra {
		return out
	}
	grown := make([]int32, len(out), len(out)+extra)
	copy(grown, out)
	return grown
}

// appendCyclic appends the available members of seg (the configured order,
// or one skill level starting at position lo of the skill order) starting
// with the one rung longest ago (never rung first, ties by position) and
// wrapping around. rung is the matching segment of the state's recency list:
// its first available member is the start, usually found at once.
func (g *Group) appendCyclic(out []int32, seg []slot, lo int, rung recency, states []MemberState) []int32 {
	for _, o := range rung {
		if !g.available(int(o.m), states) {
			continue
		}
		start := int(o.m)
		if g.pos != nil {
			start = int(g.pos[o.m])
		}
		start -= lo
		out = g.appendAvailable(out, seg[start:], states)
		return g.appendAvailable(out, seg[:start], states)
	}
	return out
}
