package engine

// Shrink lets go of the calls a past peak left behind: the engine keeps
// one call slot (a few hundred bytes with its legs and record) for each
// call of its busiest moment, so after a burst an idle engine would hold
// that memory for good. Shrink keeps keep free slots ready, the ones freed
// last, and drops the rest; slots past the last one in use are given back
// altogether. The driver calls it when load has fallen (it is not needed
// for correctness, and costs O(slots)).
func (e *Engine) Shrink(keep int) {
	e.free = append(e.free, e.freed...)
	e.freed = e.freed[:0]
	drop := len(e.free) - max(keep, 0)
	if drop <= 0 {
		return
	}
	for _, slot := range e.free[:drop] { // the oldest free slots
		e.calls[slot] = nil
	}
	n := len(e.calls)
	for n > 0 && e.calls[n-1] == nil {
		n--
	}
	free := make([]int32, 0, len(e.free))
	for _, slot := range e.free {
		if int(slot) < n {
			free = append(free, slot)
		}
	}
	e.free = free
	e.calls = append([]*call(nil), e.calls[:n]...)
	e.timers.shrink(n)
}
