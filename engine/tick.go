package engine

// NextDeadline returns when Tick must be called next, if any call waits on
// a timer.
func (e *Engine) NextDeadline() (int64, bool) {
	d, ok := e.timers.next()
	return d.at, ok
}

// Tick fires every deadline at or before now, each at its own instant.
func (e *Engine) Tick(now int64, out []Action) []Action {
	return e.begin(now, out)
}

// begin opens every event: slots ended by the previous engine call become
// reusable, then due deadlines fire.
func (e *Engine) begin(now int64, out []Action) []Action {
	e.free = append(e.free, e.freed...)
	e.freed = e.freed[:0]
	for {
		d, ok := e.timers.next()
		if !ok || d.at > now {
			return out
		}
		e.timers.clear(d.slot)
		out = e.fire(e.calls[d.slot], d.at, out)
	}
}

// fire handles the call's deadline, due at t.
func (e *Engine) fire(c *call, t int64, out []Action) []Action {
	switch c.stage {
	case stageGroup:
		return e.fireGroup(c, t, out)
	case stageExtension:
		out = e.cancelLeg(c, c.newest, t, CancelNoAnswer, out)
		c.xCode = 0
		return e.nextExtensionStep(c, t, out)
	default:
		out = e.cancelLeg(c, c.newest, t, CancelNoAnswer, out)
		return e.respond(c, 480, t, out)
	}
}
