package engine

// Reserve readies the call slots the next n arrivals take: built, with
// room for the plan and the legs of the snapshot's largest group, and the
// deadline heap sized for them. Without it, while the number of calls
// climbs to a new peak, each arrival builds its slot and grows the
// engine's tables inside the routing decision: allocations, new memory
// touched for the first time, now and then a table copied. The driver
// calls it after each arrival, outside the decision it times; it costs
// O(n) when the slots are ready already.
func (e *Engine) Reserve(n int) {
	room := e.legRoom()
	for i := len(e.free) - 1; i >= 0 && i >= len(e.free)-n; i-- { // alloc takes from the end
		if slot := e.free[i]; e.calls[slot] == nil { // Shrink let it go
			e.calls[slot] = newCall(slot, room)
		}
	}
	for len(e.free) < n {
		slot := int32(len(e.calls))
		e.calls = append(e.calls, newCall(slot, room))
		e.timers.grow(len(e.calls))
		e.free = append(e.free, slot)
	}
}

func newCall(slot int32, room int) *call {
	return &call{slot: slot, plan: make([]int32, 0, room), legs: make([]Leg, 0, room)}
}

// maxLegRoom bounds the room Reserve makes: a call to a larger group grows
// its slices once, and keeps them.
const maxLegRoom = 64

// legRoom is the member count of the snapshot's largest group, at least 4
// and at most maxLegRoom.
func (e *Engine) legRoom() int {
	if e.roomFor != e.snap {
		e.roomFor, e.room = e.snap, 4
		if e.snap != nil {
			for i := range e.snap.Groups {
				if p := e.snap.Groups[i].Plan; p != nil {
					e.room = max(e.room, min(len(p.Members), maxLegRoom))
				}
			}
		}
	}
	return e.room
}
