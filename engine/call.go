package engine

import "github.com/ringd/ringd/strategy"

type phase uint8

const (
	phaseFree    phase = iota // slot unused
	phaseRinging              // legs ring (paging: until the ring time ends, even once answered)
	phaseTalking              // answered; waits for the hangup
	phaseHeld                 // arrived, members not rung yet (the caller hears prompts first)
)

// stage is what a ringing call rings.
type stage uint8

const (
	stageGroup     stage = iota // the members of g: the dialled group or one chained to it
	stageExtension              // an extension: all its contacts, or its sequential ring's steps
	stageService                // one leg to a URI: the trunk, a service, a voicemail
)

// call is one call's state. Slots and their buffers are reused, so a call
// in steady state allocates nothing.
type call struct {
	slot  int32
	gen   uint32
	id    CallID
	phase phase
	stage stage

	snap   *Snapshot
	caller Caller
	start  int64 // engine time of arrival
	wall   int64 // wall clock at arrival (Unix ns)

	first    GroupID // the dialled group; -1 for a call to an extension
	recorded bool    // the group call's record is out (its group stage ended)

	g       *Group // the group ringing now, or the last one that rang
	depth   int    // ring_group failovers taken
	visited [MaxChainDepth + 1]GroupID
	// diversion is the Diversion header value on legs after a failover.
	diversion string

	plan       []int32 // member indices of g in ring order
	step       int     // serial / cumulative: plan position of the current step; timed: next entry to start
	newest     int     // the leg the current step started (-1: none)
	stepEnd    int64   // when the current step's ring time ends
	phaseStart int64   // when the current stage started ringing (custom delays count from here)
	phaseLegs  int     // legs[phaseLegs:] belong to the current stage
	live       int     // legs ringing now

	x     strategy.ExtID // extension stage: the extension called
	seq   bool           // extension stage: its sequential ring applies
	xStep int            // extension stage: the step ringing
	xRing int64          // extension stage: the ring time of a step without its own
	xCode int            // extension stage: the last failure of one of its legs (0: rang out)
	hdrs  [1]Header      // the voicemail leg's Diversion header (the extension's)

	legs        []Leg
	answeredLeg int // -1 until a leg answers
	answer      int64

	failover *Destination
	reason   FailoverReason
	missed   bool

	rec CallRecord
}

func (c *call) reset(snap *Snapshot, caller Caller, now, wall int64, first GroupID) {
	c.phase, c.stage = phaseRinging, stageGroup
	c.snap, c.caller, c.start, c.wall = snap, caller, now, wall
	c.first, c.recorded = first, false
	c.g, c.depth, c.diversion = nil, 0, ""
	c.plan, c.legs = c.plan[:0], c.legs[:0]
	c.phaseLegs, c.live, c.newest = 0, 0, -1
	c.answeredLeg, c.answer = -1, 0
	c.failover, c.reason, c.missed = nil, 0, false
}

func (c *call) answered() bool { return c.answeredLeg >= 0 }

// paging reports whether the call rings a paging group.
func (c *call) paging() bool {
	return c.stage == stageGroup && c.g != nil && c.g.Plan.Kind == strategy.PagingIntercom
}

// wallAt is the wall clock at engine time t.
func (c *call) wallAt(t int64) int64 { return c.wall + (t - c.start) }

// newLeg appends a ringing leg and returns its index.
func (c *call) newLeg(l Leg) int {
	c.legs = append(c.legs, l)
	c.live++
	return len(c.legs) - 1
}

// endLeg marks a ringing leg ended.
func (c *call) endLeg(leg int, t int64, r LegResult, code int) {
	l := &c.legs[leg]
	l.End, l.Result, l.Code = t, r, code
	c.live--
}

// cancelLeg ends a ringing leg on ringd's side and tells the driver to CANCEL it.
func (e *Engine) cancelLeg(c *call, leg int, t int64, why CancelReason, out []Action) []Action {
	r := LegCancelled
	if why == CancelNoAnswer {
		r = LegNoAnswer
	}
	c.endLeg(leg, t, r, 487)
	return append(out, Action{Kind: ActCancelLeg, At: t, Call: c.id, Leg: leg, Cancel: why})
}

// cancelLive cancels every leg of the current stage still ringing.
func (e *Engine) cancelLive(c *call, t int64, why CancelReason, out []Action) []Action {
	for i := c.phaseLegs; i < len(c.legs) && c.live > 0; i++ {
		if c.legs[i].Result == LegRinging {
			out = e.cancelLeg(c, i, t, why, out)
		}
	}
	return out
}

// newStage starts the legs of a new stage at t.
func (c *call) newStage(s stage, t int64) {
	c.stage, c.phaseStart, c.phaseLegs, c.newest = s, t, len(c.legs), -1
}

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

// legFailed moves the timeline on after a leg ended early (busy, declined,
// unreachable).
func (e *Engine) legFailed(c *call, leg int, code int, t int64, out []Action) []Action {
	switch c.stage {
	case stageGroup:
		return e.groupLegFailed(c, leg, t, out)
	case stageExtension:
		c.xCode = code
		return e.nextExtensionStep(c, t, out)
	default:
		return e.respond(c, relayedFailure(code), t, out)
	}
}

// relayedFailure is the final response a caller gets when the one leg of a
// call to an extension or a service fails: the leg's own, but a timeout,
// which is nobody answering (480), not a protocol error.
func relayedFailure(code int) int {
	if code == 408 || code == 0 {
		return 480
	}
	return code
}

// respond ends a ringing call with a final response of ringd's own.
func (e *Engine) respond(c *call, code int, t int64, out []Action) []Action {
	out = append(out, Action{Kind: ActRespondCaller, At: t, Call: c.id, Code: code})
	return e.finish(c, t, OutcomeNoAnswer, out)
}

// finish ends the call: the record of a group call whose group stage has
// not ended yet, with outcome o, then the end.
func (e *Engine) finish(c *call, t int64, o Outcome, out []Action) []Action {
	if c.first >= 0 && !c.recorded {
		out = e.record(c, t, o, out)
	}
	e.release(c)
	return append(out, Action{Kind: ActEnd, At: t, Call: c.id})
}

// record writes the record of a group call: when it ends, or when its
// group stage hands it over to an extension or a service.
func (e *Engine) record(c *call, t int64, o Outcome, out []Action) []Action {
	r := &c.rec
	*r = CallRecord{
		Call: c.id, Snapshot: c.snap, Group: c.first, LastGroup: c.g.ID, Caller: c.caller.Name,
		Start: c.start, WallStart: c.wall, End: t, Outcome: o, AnsweredBy: -1, Legs: c.legs,
		Failover: c.failover, FailoverReason: c.reason, Missed: c.missed && c.failover != nil && o != OutcomeAnswered,
	}
	if c.answered() {
		r.Answer = c.answer
		r.AnsweredBy = c.legs[c.answeredLeg].Ext
	}
	c.recorded = true
	e.groupCalls--
	return append(out, Action{Kind: ActRecord, At: t, Call: c.id, Record: r})
}
