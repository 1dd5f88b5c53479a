package engine

import "github.com/ringd/ringd/strategy"

// arm sets the call's one timer to its next deadline.
func (e *Engine) arm(c *call) {
	switch {
	case c.phase != phaseRinging:
		e.timers.clear(c.slot)
	case c.stage == stageGroup:
		e.armGroup(c)
	case c.live > 0:
		e.timers.set(c.slot, c.stepEnd)
	default:
		e.timers.clear(c.slot)
	}
}

// armGroup sets a ringing group call's timer: the step's end, or for
// custom the next delay or timeout.
func (e *Engine) armGroup(c *call) {
	if c.g.Plan.Mode() != strategy.Timed {
		e.timers.set(c.slot, c.stepEnd)
		return
	}
	next, ok := int64(0), false
	if c.step < len(c.plan) {
		next, ok = c.phaseStart+int64(c.g.Plan.Members[c.plan[c.step]].Delay), true
	}
	for i := c.phaseLegs; i < len(c.legs); i++ {
		if l := &c.legs[i]; l.Result == LegRinging && (!ok || l.stop < next) {
			next, ok = l.stop, true
		}
	}
	if ok {
		e.timers.set(c.slot, next)
	} else {
		e.timers.clear(c.slot)
	}
}
