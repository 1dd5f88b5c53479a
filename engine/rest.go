package engine

import "github.com/ringd/ringd/strategy"

// Wrap-up and reject cooldown (SPEC §11): times during which a member is
// not offered calls although it is online and free. Both are checked when
// a member would ring - at plan time and at each step - against the
// engine's time; nothing is armed for their end: a member simply becomes
// eligible again.
//
//   - wrap_up: after a member hangs up a call it answered from a group with
//     wrap_up, that extension rings for no group until the time is over.
//   - reject_cooldown: after a member declines (486, 600, 603) a call of a
//     group with reject_cooldown, that group does not ring it until then.

// SkipReason is why a member that could have rung was left out.
type SkipReason uint8

const (
	SkipWrapUp   SkipReason = iota + 1 // in its wrap-up
	SkipCooldown                       // in the group's reject cooldown
)

var skipNames = [...]string{SkipWrapUp: "wrap_up", SkipCooldown: "reject_cooldown"}

func (r SkipReason) String() string { return enumName(skipNames[:], r) }

// skip is one member left out, counted until the driver takes it.
type skip struct {
	group  GroupID
	reason SkipReason
}

// TakeSkips hands every member left out since the last call to f - its
// group and why (ringd_member_skips_total) - and forgets them.
func (e *Engine) TakeSkips(f func(GroupID, SkipReason)) {
	for _, s := range e.skips {
		f(s.group, s.reason)
	}
	e.skips = e.skips[:0]
}

// restingOrCooling reports whether a member otherwise free may not ring
// for group gid at t, and counts the skip.
func (e *Engine) restingOrCooling(gid GroupID, ext strategy.ExtID, t int64) bool {
	switch {
	case e.resting(ext, t):
		e.skips = append(e.skips, skip{gid, SkipWrapUp})
	case e.cooling(gid, ext, t):
		e.skips = append(e.skips, skip{gid, SkipCooldown})
	default:
		return false
	}
	return true
}

// WrapUpUntil reports whether ext is in its wrap-up at t, and until when
// (GET /api/v1/members shows it).
func (e *Engine) WrapUpUntil(ext strategy.ExtID, t int64) (int64, bool) {
	if e.resting(ext, t) {
		return e.rest[ext], true
	}
	return 0, false
}

// coolKey names a member of a group for its cooldown.
type coolKey struct {
	group GroupID
	ext   strategy.ExtID
}

// resting reports whether ext is in its wrap-up at t.
func (e *Engine) resting(ext strategy.ExtID, t int64) bool {
	return t < e.restLatest && int(ext) < len(e.rest) && t < e.rest[ext]
}

// cooling reports whether group gid declines to ring ext at t.
func (e *Engine) cooling(gid GroupID, ext strategy.ExtID, t int64) bool {
	if len(e.cool) == 0 {
		return false
	}
	until, ok := e.cool[coolKey{gid, ext}]
	if ok && t >= until {
		delete(e.cool, coolKey{gid, ext})
		return false
	}
	return ok
}

// wrapUp starts the wrap-up of the member that answered call c, when its
// group has one (the call ended at t).
func (e *Engine) wrapUp(c *call, t int64) {
	if !c.answered() || c.paging() {
		return
	}
	var g *Group
	ext := c.answeredBy()
	switch {
	case c.pickedBy >= 0 && c.stage == stageGroup:
		g = c.g // picked up from the group's call
	case c.answeredLeg >= 0:
		g = c.snap.group(c.legs[c.answeredLeg].Group)
	}
	if g == nil || g.WrapUp <= 0 || ext < 0 {
		return
	}
	for len(e.rest) <= int(ext) {
		e.rest = append(e.rest, 0)
	}
	until := t + g.WrapUp
	e.rest[ext] = until
	e.restLatest = max(e.restLatest, until)
	e.note(Shared{Kind: SharedRest, Group: -1, Ext: ext, Until: until})
}

// declined starts a group's cooldown for a member that declined its call.
func (e *Engine) declined(c *call, leg, code int, t int64) {
	l := &c.legs[leg]
	if l.Group < 0 || (code != 486 && code != 600 && code != 603) {
		return
	}
	g := c.snap.group(l.Group)
	if g == nil || g.RejectCooldown <= 0 {
		return
	}
	if e.cool == nil {
		e.cool = map[coolKey]int64{}
	}
	e.cool[coolKey{l.Group, l.Ext}] = t + g.RejectCooldown
	e.note(Shared{Kind: SharedCool, Group: l.Group, Ext: l.Ext, Until: t + g.RejectCooldown})
}

// withoutResting drops from the plan of call c the members in wrap-up or
// in the group's cooldown at t, in place.
func (e *Engine) withoutResting(c *call, t int64) {
	if t >= e.restLatest && len(e.cool) == 0 {
		return
	}
	kept := c.plan[:0]
	for _, m := range c.plan {
		if !e.restingOrCooling(c.g.ID, c.g.Plan.Members[m].Ext, t) {
			kept = append(kept, m)
		}
	}
	c.plan = kept
}
