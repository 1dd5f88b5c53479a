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
	out = out[:0]
	o, bySkill := g.Kind.order()
	if st == nil || st.group != g {
		o = configured // no memory: as if nobody had ever been rung or answered
	}
	switch o {
	case configured:
		if g.Kind == Custom {
			return g.appendAvailable(out, g.byDelay, states)
		}
		if bySkill {
			return g.appendAvailable(out, g.bySkill, states)
		}
		return g.appendListed(out, states)
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
// hot loop of every plan: a dense ExtID slice, one mask test per member, and
// a branch-free append so that a scattering of busy members costs no
// mispredictions.
func (g *Group) appendAvailable(out, order []int32, states []MemberState) []int32 {
	n := len(out)
	out = grow(out, len(order))
	dst := out[n : n+len(order)]
	exts, mask := g.exts, g.mask // locals: the stores to dst must not force reloads
	k := 0
	for _, m := range order {
		e := exts[m]
		var s MemberState
		if uint(e) < uint(len(states)) {
			s = states[e]
		}
		dst[k] = m // k <= position in order < len(dst)
		if s&mask == Online {
			k++
		}
	}
	return out[:n+k]
}

// appendListed is appendAvailable over the configured order, without the
// order indirection: the most common plan, kept as tight as it goes.
func (g *Group) appendListed(out []int32, states []MemberState) []int32 {
	n := len(out)
	exts, mask := g.exts, g.mask
	out = grow(out, len(exts))
	dst := out[n : n+len(exts)]
	k := 0
	for i, e := range exts {
		var s MemberState
		if uint(e) < uint(len(states)) {
			s = states[e]
		}
		dst[k] = int32(i) // k <= i < len(dst)
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
func (g *Group) appendCyclic(out, seg []int32, lo int, rung recency, states []MemberState) []int32 {
	for _, m := range rung {
		if !g.available(int(m), states) {
			continue
		}
		start := int(m)
		if g.pos != nil {
			start = int(g.pos[m])
		}
		start -= lo
		out = g.appendAvailable(out, seg[start:], states)
		return g.appendAvailable(out, seg[:start], states)
	}
	return out
}
