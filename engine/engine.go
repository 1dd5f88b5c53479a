package engine

import "github.com/ringd/ringd/strategy"

// Engine routes calls. It is not safe for concurrent use: one driver
// goroutine owns it (see the package comment).
type Engine struct {
	snap    *Snapshot
	members []strategy.MemberState // by ExtID
	states  []*strategy.State      // per-group memory, by GroupID
	calls   []*call                // slots; nil: a free slot whose call Shrink let go
	free    []int32                // slots ready for reuse
	freed   []int32                // slots ended during this engine call: reusable from the next one
	timers  deadlines
	seq     uint64 // orders rings and answers for cyclic / least-worked memory
	seed    uint64 // seeds the random draws of the next call started (Event.Rand)
	// rest is each extension's end of wrap-up (by ExtID), restLatest the
	// latest of them; cool the groups' reject cooldowns (rest.go).
	rest       []int64
	restLatest int64
	cool       map[coolKey]int64
	skips      []skip   // members left out since TakeSkips
	sharing    bool     // note the memory changes for TakeShared (a cluster)
	shared     []Shared // memory changes since TakeShared
	gen        uint32   // generation of the newest call ID
	active     int      // calls in the engine
	// groupCalls are the group calls whose record is not out yet (their
	// group stage goes on).
	groupCalls int

	roomFor *Snapshot // the snapshot room was worked out for (legRoom)
	room    int
}

// New returns an engine routing with snapshot s. Every member starts
// offline: the driver reports registrations and static contacts with
// SetMember.
func New(s *Snapshot) *Engine {
	e := &Engine{}
	e.SetSnapshot(s)
	return e
}

// Snapshot returns the snapshot new calls use.
func (e *Engine) Snapshot() *Snapshot { return e.snap }

// SetSnapshot applies a new configuration to calls that arrive from now on;
// calls already ringing keep the snapshot they started with. Per-group
// memory (cyclic and least-worked order) carries over for groups and
// members that remain. Extensions whose ID is new in s start offline.
func (e *Engine) SetSnapshot(s *Snapshot) {
	e.snap = s
	for len(e.members) < len(s.Extensions) {
		e.members = append(e.members, 0)
	}
	for len(e.states) < len(s.Groups) {
		e.states = append(e.states, nil)
	}
	for id := range s.Groups {
		switch g := &s.Groups[id]; {
		case g.Plan == nil:
			e.states[id] = nil
		case e.states[id] == nil:
			e.states[id] = strategy.NewState(g.Plan)
		default:
			e.states[id].Sync(g.Plan)
		}
	}
}

// Member returns an extension's live state as the engine knows it.
func (e *Engine) Member(ext strategy.ExtID) strategy.MemberState {
	return strategy.Lookup(e.members, ext)
}

// ActiveCalls is the number of calls in progress (ringing or connected),
// to groups and to extensions.
func (e *Engine) ActiveCalls() int { return e.active }

// GroupCalls is the number of calls to ring groups in progress whose group
// stage goes on (it ends with the record: when the call ends, or when it
// fails over to an extension or a service).
func (e *Engine) GroupCalls() int { return e.groupCalls }

// lookup returns the call with this ID, or nil if it is over.
func (e *Engine) lookup(id CallID) *call {
	s := id.slot()
	if s < 0 || int(s) >= len(e.calls) {
		return nil
	}
	if c := e.calls[s]; c != nil && c.id == id && c.phase != phaseFree {
		return c
	}
	return nil
}

// alloc takes a free call slot.
func (e *Engine) alloc() *call {
	var c *call
	if n := len(e.free); n > 0 {
		slot := e.free[n-1]
		e.free = e.free[:n-1]
		if c = e.calls[slot]; c == nil {
			c = &call{slot: slot}
			e.calls[slot] = c
		}
	} else {
		c = &call{slot: int32(len(e.calls))}
		e.calls = append(e.calls, c)
		e.timers.grow(len(e.calls))
	}
	// One generation counter for every slot: a slot whose call Shrink let
	// go must not issue an ID it issued before.
	e.gen++
	if e.gen == 0 {
		e.gen = 1
	}
	c.gen = e.gen
	c.id = CallID(uint64(c.gen)<<32 | uint64(uint32(c.slot)))
	e.active++
	return c
}

// release ends a call's life: its ID stops matching at once; its slot (and
// the record the last action points into) is reused from the next engine
// call on.
func (e *Engine) release(c *call) {
	c.phase = phaseFree
	e.timers.clear(c.slot)
	e.freed = append(e.freed, c.slot)
	e.active--
}

// state returns the per-group memory for group id, or nil if the group no
// longer exists.
func (e *Engine) state(id GroupID) *strategy.State {
	if id < 0 || int(id) >= len(e.states) {
		return nil
	}
	return e.states[id]
}
