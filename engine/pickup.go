package engine

import "github.com/ringd/ringd/strategy"

// Pickup: an extension takes a call that rings elsewhere (SPEC §11: *8,
// **EXT, INVITE with Replaces). Which call is the driver's choice, with
// Pickable and RingingAt; the engine then ends its ringing as an answer
// would - every leg still ringing is cancelled ("Call completed
// elsewhere") - and the driver answers the caller and the picker itself
// and relays their audio. The call's record says the picker answered it.

// Pickable reports whether call id can be picked up now: it rings (some
// leg ringing, no answer yet) and is not a page.
func (e *Engine) Pickable(id CallID) bool {
	c := e.lookup(id)
	return c != nil && c.phase == phaseRinging && !c.answered() && !c.paging() && c.live > 0
}

// RingingAt reports whether call id has a leg ringing at extension x.
func (e *Engine) RingingAt(id CallID, x strategy.ExtID) bool {
	c := e.lookup(id)
	if c == nil {
		return false
	}
	for i := c.phaseLegs; i < len(c.legs); i++ {
		if l := &c.legs[i]; l.Result == LegRinging && l.Ext == x {
			return true
		}
	}
	return false
}

// InGroup reports whether call id rings the members of a group that has
// extension x among its members (group pickup: *8).
func (e *Engine) InGroup(id CallID, x strategy.ExtID) bool {
	c := e.lookup(id)
	if c == nil || c.stage != stageGroup || c.g == nil {
		return false
	}
	for _, m := range c.g.Plan.Members {
		if m.Ext == x {
			return true
		}
	}
	return false
}

// Pickup hands a ringing call to extension picker: its ringing legs are
// cancelled as "completed elsewhere", the call is connected (ActPickup,
// for the driver to answer the caller and the picker) and waits for its
// hangup. A call that is not Pickable is left alone: no action.
func (e *Engine) Pickup(now int64, id CallID, picker strategy.ExtID, out []Action) []Action {
	out = e.begin(now, out)
	if !e.Pickable(id) {
		return out
	}
	c := e.lookup(id)
	c.pickedBy, c.answer = picker, now
	out = e.cancelLive(c, now, CancelCompletedElsewhere, out)
	out = append(out, Action{Kind: ActPickup, At: now, Call: id, Ext: picker})
	c.phase = phaseTalking
	e.arm(c)
	return out
}
