package engine

import (
	"time"

	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/strategy"
)

// Calls calls f with a view of every group call in its group stage. Start
// is in wall-clock time.
func (e *Engine) Calls(f func(cdr.LiveCall)) {
	for _, c := range e.calls {
		if c == nil || c.phase == phaseFree || c.first < 0 || c.groupOutcome != 0 {
			continue
		}
		v := cdr.LiveCall{Group: c.snap.Groups[c.first].Number, Caller: c.caller.Name,
			Start: time.Unix(0, c.wall).UTC(), Connected: c.answered()}
		for i := c.phaseLegs; i < len(c.legs); i++ {
			if c.legs[i].Result == LegRinging {
				v.Ringing = append(v.Ringing, c.snap.Extensions[c.legs[i].Ext].Number)
			}
		}
		f(v)
	}
}

// Planned calls f with the extensions the call's current group plans to
// ring, in ring order (the members available when it started ringing).
func (e *Engine) Planned(id CallID, f func(ext strategy.ExtID)) {
	c := e.lookup(id)
	if c == nil || c.g == nil {
		return
	}
	for _, m := range c.plan {
		f(c.g.Plan.Members[m].Ext)
	}
}
