package engine

import "github.com/ringd/ringd/strategy"

// Sharing the member memory with the other nodes of a cluster (SPEC §12):
// when each member of a group last rang and last answered (the order of
// cyclic and least-worked hunts), wrap-ups and reject cooldowns. With
// ShareMemory on, the engine notes each such change of its own; the
// driver takes them (TakeShared) and publishes them, and feeds the other
// nodes' back as EvShared events, which change the memory as if the ring,
// the answer or the decline had happened here. So calls placed through
// any node, one after another, follow the one order a single node would.

// SharedKind is what a Shared change is.
type SharedKind uint8

const (
	SharedRung     SharedKind = iota + 1 // Ext of Group started ringing
	SharedAnswered                       // Ext of Group answered
	SharedRest                           // Ext is in its wrap-up until Until
	SharedCool                           // Group does not ring Ext until Until
)

var sharedNames = [...]string{SharedRung: "rung", SharedAnswered: "answered", SharedRest: "rest", SharedCool: "cool"}

func (k SharedKind) String() string { return enumName(sharedNames[:], k) }

// Shared is one change of the member memory.
type Shared struct {
	Kind  SharedKind
	Group GroupID        // rung, answered, cool (-1 for rest)
	Ext   strategy.ExtID //
	Until int64          // rest, cool: engine time it ends
}

// ShareMemory turns the noting of the engine's own changes on or off.
func (e *Engine) ShareMemory(on bool) { e.sharing = on }

// TakeShared hands every change noted since the last call to f and
// forgets them.
func (e *Engine) TakeShared(f func(Shared)) {
	for _, s := range e.shared {
		f(s)
	}
	e.shared = e.shared[:0]
}

// note records a change for TakeShared, when sharing.
func (e *Engine) note(s Shared) {
	if e.sharing {
		e.shared = append(e.shared, s)
	}
}

// applyShared takes another node's change (EvShared). A change naming a
// group or extension this snapshot does not have is ignored; wrap-ups and
// cooldowns only ever grow.
func (e *Engine) applyShared(s Shared) {
	if s.Ext < 0 || int(s.Ext) >= len(e.snap.Extensions) {
		return
	}
	switch s.Kind {
	case SharedRung, SharedAnswered:
		st, g := e.state(s.Group), e.snap.group(s.Group)
		if st == nil || g == nil {
			return
		}
		i := g.Plan.IndexOf(s.Ext)
		if i < 0 {
			return
		}
		e.seq++
		if s.Kind == SharedRung {
			st.Rung(g.Plan, i, e.seq)
		} else {
			st.Answered(g.Plan, i, e.seq)
		}
	case SharedRest:
		for len(e.rest) <= int(s.Ext) {
			e.rest = append(e.rest, 0)
		}
		e.rest[s.Ext] = max(e.rest[s.Ext], s.Until)
		e.restLatest = max(e.restLatest, s.Until)
	case SharedCool:
		if e.snap.group(s.Group) == nil {
			return
		}
		if e.cool == nil {
			e.cool = map[coolKey]int64{}
		}
		k := coolKey{s.Group, s.Ext}
		e.cool[k] = max(e.cool[k], s.Until)
	}
}
