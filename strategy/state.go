package strategy

import "slices"

// State is one group's memory across calls: when each member was last rung
// and last answered. Cyclic hunts start from the member rung longest ago;
// least-worked hunts order by last answer. The engine owns one State per
// group and passes it to Plan.
//
// Times are sequence numbers supplied by the caller (any strictly increasing
// counter, such as the engine's event sequence): two legs started in the same
// nanosecond still have an order. 0 means never.
type State struct {
	group        *Group
	lastRung     []uint64
	lastAnswered []uint64
	// rung and answered are recency lists: member indices ordered by last
	// ring / last answer, oldest first, never-rung / never-answered first in
	// configured order. For skill strategies each skill level is a
	// contiguous segment (the group's levelStart offsets). They are kept
	// sorted as legs start and answer, so that a plan never sorts.
	rung, answered recency
	bySkill        bool // lists are segmented by level
	keepRung       bool // only cyclic strategies read the rung list
}

// recency is a ring order, least recent first.
type recency []slot

// touch moves member j to the back of its segment, which ends at end.
func (r recency) touch(j int32, end int) {
	pos := slices.IndexFunc(r, func(o slot) bool { return o.m == j })
	moved := r[pos]
	copy(r[pos:end-1], r[pos+1:end])
	r[end-1] = moved
}

// NewState returns an empty State aligned with g.
func NewState(g *Group) *State {
	s := &State{}
	s.Sync(g)
	return s
}

// Group is the definition the state is aligned with.
func (s *State) Group() *Group { return s.group }

// Sync realigns the state with a new definition of the same group, keeping
// what is known about members that are still in it. It allocates; call it
// when configuration changes, not per call.
func (s *State) Sync(g *Group) {
	if s.group == g {
		return
	}
	n := len(g.Members)
	rung := make([]uint64, n)
	answered := make([]uint64, n)
	if s.group != nil {
		for i, m := range g.Members {
			if j := s.group.IndexOf(m.Ext); j >= 0 {
				rung[i], answered[i] = s.lastRung[j], s.lastAnswered[j]
			}
		}
	}
	o, bySkill := g.Kind.order()
	s.group, s.lastRung, s.lastAnswered = g, rung, answered
	s.bySkill, s.keepRung = bySkill, o == cyclic
	s.rung = s.sortedBy(rung)
	s.answered = s.sortedBy(answered)
}

// sortedBy returns the members ordered by (level, when), ties in configured order.
func (s *State) sortedBy(when []uint64) recency {
	g := s.group
	r := slices.Clone(g.listed)
	slices.SortStableFunc(r, func(a, b slot) int {
		if s.bySkill && g.level[a.m] != g.level[b.m] {
			return int(g.level[a.m] - g.level[b.m])
		}
		x, y := when[a.m], when[b.m]
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return r
}

// segmentEnd is where member j's segment of a recency list ends.
func (s *State) segmentEnd(j int) int {
	if s.bySkill {
		return int(s.group.levelStart[s.group.level[j]+1])
	}
	return len(s.group.Members)
}

// index maps member i of g (possibly an older or newer definition of this
// group than the one the state is aligned with) to the state's index.
func (s *State) index(g *Group, i int) int {
	if g == s.group {
		return i
	}
	if i < 0 || i >= len(g.Members) {
		return -1
	}
	return s.group.IndexOf(g.Members[i].Ext)
}

// Rung records that member i of g started ringing at sequence seq.
func (s *State) Rung(g *Group, i int, seq uint64) {
	if j := s.index(g, i); j >= 0 {
		s.lastRung[j] = seq
		if s.keepRung {
			s.rung.touch(int32(j), s.segmentEnd(j))
		}
	}
}

// Answered records that member i of g answered at sequence seq (its 2xx won).
// The member moves to the back of the least-worked order (of its skill level,
// for skill strategies).
func (s *State) Answered(g *Group, i int, seq uint64) {
	if j := s.index(g, i); j >= 0 {
		s.lastAnswered[j] = seq
		s.answered.touch(int32(j), s.segmentEnd(j))
	}
}

// LastRung returns the sequence at which member i last rang (0 = never).
func (s *State) LastRung(i int) uint64 { return s.lastRung[i] }

// LastAnswered returns the sequence at which member i last answered (0 = never).
func (s *State) LastAnswered(i int) uint64 { return s.lastAnswered[i] }
