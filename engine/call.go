package engine

import "github.com/ringd/ringd/strategy"

type phase uint8

const (
	phaseFree    phase = iota // slot unused
	phaseRinging              // members ring (paging: until the ring time ends, even once answered)
	phaseTalking              // answered; waits for the hangup to write the record
	phaseHeld                 // arrived, members not rung yet (the caller hears prompts first)
)

// call is one call's state. Slots and their buffers are reused, so a call
// in steady state allocates nothing.
type call struct {
	slot  int32
	gen   uint32
	id    CallID
	phase phase

	snap   *Snapshot
	caller string
	start  int64 // engine time of arrival
	wall   int64 // wall clock at arrival (Unix ns)

	first   GroupID // the dialled group
	g       *Group  // the group ringing now
	depth   int     // ring_group failovers taken
	visited [MaxChainDepth + 1]GroupID
	// diversion is the Diversion header value on legs of a chained group.
	diversion string

	plan       []int32 // member indices of g in ring order
	step       int     // serial / cumulative: plan position of the current step; timed: next entry to start
	newest     int     // serial / cumulative: the leg the current step started (-1: none)
	stepEnd    int64   // parallel / serial / cumulative: when the current step's ring time ends
	phaseStart int64   // when g started ringing (custom delays count from here)
	phaseLegs  int     // legs[phaseLegs:] belong to g
	live       int     // legs ringing now

	legs        []Leg
	answeredLeg int // -1 until a leg answers
	answer      int64

	failover *Destination
	reason   FailoverReason
	missed   bool

	rec CallRecord
}

func (c *call) reset(snap *Snapshot, caller string, now, wall int64, gid GroupID) {
	c.phase = phaseRinging
	c.snap, c.caller, c.start, c.wall = snap, caller, now, wall
	c.first, c.g, c.depth, c.diversion = gid, nil, 0, ""
	c.plan, c.legs = c.plan[:0], c.legs[:0]
	c.answeredLeg, c.answer = -1, 0
	c.failover, c.reason, c.missed = nil, 0, false
}

func (c *call) answered() bool { return c.answeredLeg >= 0 }

func (c *call) paging() bool { return c.g.Plan.Kind == strategy.PagingIntercom }

// enterGroup starts ringing group gid: the dialled group at arrival, or a
// ring_group failover destination.
func (e *Engine) enterGroup(c *call, gid GroupID, t int64, out []Action) []Action {
	g := c.snap.group(gid)
	c.g = g
	c.visited[c.depth] = gid
	if g.Schedule != nil && !g.Schedule.Open(c.wall+(t-c.start)) {
		return e.failover(c, ReasonOutOfSchedule, t, out)
	}
	st := e.state(gid)
	if st != nil && st.Group() != g.Plan {
		st = nil // the call runs an older definition: plan without memory
	}
	c.plan = g.Plan.Plan(st, e.members, c.plan)
	if len(c.plan) == 0 {
		return e.failover(c, ReasonNoAgent, t, out)
	}
	c.phaseStart, c.phaseLegs, c.newest = t, len(c.legs), -1
	switch g.Plan.Kind.Mode() {
	case strategy.Parallel:
		for _, m := range c.plan {
			out = e.startLeg(c, m, t, out)
		}
		c.stepEnd = t + int64(g.Plan.RingTime)
		e.arm(c)
		return out
	case strategy.Serial:
		c.step = 0
		return e.nextSerial(c, t, out)
	case strategy.Cumulative:
		c.step = -1
		out, _ = e.addCumulative(c, t, out)
		e.arm(c)
		return out
	default: // Timed
		c.step = 0
		return e.runTimed(c, t, out)
	}
}

// startLeg rings member m of the current group.
func (e *Engine) startLeg(c *call, m int32, t int64, out []Action) []Action {
	g := c.g
	ext := g.Plan.Members[m].Ext
	leg := len(c.legs)
	c.legs = append(c.legs, Leg{Group: g.ID, Ext: ext, Start: t, member: m})
	c.live++
	e.seq++
	if st := e.state(g.ID); st != nil {
		st.Rung(g.Plan, int(m), e.seq)
	}
	a := Action{Kind: ActStartLeg, At: t, Call: c.id, Leg: leg, Ext: ext, Group: g.ID, Headers: g.Headers, Diversion: c.diversion}
	if g.ToExtension {
		a.To = c.snap.Extensions[ext].ToURI
	}
	return append(out, a)
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

// cancelLive cancels every leg still ringing.
func (e *Engine) cancelLive(c *call, t int64, why CancelReason, out []Action) []Action {
	for i := c.phaseLegs; i < len(c.legs) && c.live > 0; i++ {
		if c.legs[i].Result == LegRinging {
			out = e.cancelLeg(c, i, t, why, out)
		}
	}
	return out
}

// available reports whether member m of the current group may ring now
// (members are checked again at each step of a hunt).
func (e *Engine) available(c *call, m int32) bool { return c.g.Plan.Available(int(m), e.members) }

// nextSerial starts the first member from plan position c.step on that is
// still available; with none left the group fails over.
func (e *Engine) nextSerial(c *call, t int64, out []Action) []Action {
	for ; c.step < len(c.plan); c.step++ {
		if m := c.plan[c.step]; e.available(c, m) {
			c.newest = len(c.legs)
			out = e.startLeg(c, m, t, out)
			c.stepEnd = t + int64(c.g.Plan.RingTime)
			e.arm(c)
			return out
		}
	}
	return e.failover(c, ReasonNoAnswer, t, out)
}

// addCumulative starts memory_hunt's next step: the next available member
// joins the legs already ringing. It reports false when no member is left.
func (e *Engine) addCumulative(c *call, t int64, out []Action) ([]Action, bool) {
	for c.step+1 < len(c.plan) {
		c.step++
		if m := c.plan[c.step]; e.available(c, m) {
			c.newest = len(c.legs)
			out = e.startLeg(c, m, t, out)
			c.stepEnd = t + int64(c.g.Plan.RingTime)
			return out, true
		}
	}
	return out, false
}

// runTimed brings a custom group up to time t: legs past their own timeout
// are cancelled, entries whose delay has come start (each at its own
// instant), and when nothing rings or waits any more the group fails over.
func (e *Engine) runTimed(c *call, t int64, out []Action) []Action {
	for i := c.phaseLegs; i < len(c.legs); i++ {
		if l := &c.legs[i]; l.Result == LegRinging && l.stop <= t {
			out = e.cancelLeg(c, i, l.stop, CancelNoAnswer, out)
		}
	}
	p := c.g.Plan
	for ; c.step < len(c.plan); c.step++ {
		m := c.plan[c.step]
		at := c.phaseStart + int64(p.Members[m].Delay)
		if at > t {
			break
		}
		if e.available(c, m) {
			out = e.startLeg(c, m, at, out)
			c.legs[len(c.legs)-1].stop = at + int64(p.MemberTimeout(int(m)))
		}
	}
	if c.live == 0 && c.step == len(c.plan) {
		return e.failover(c, ReasonNoAnswer, t, out)
	}
	e.arm(c)
	return out
}

// arm sets the call's one timer to its next deadline.
func (e *Engine) arm(c *call) {
	if c.phase != phaseRinging {
		e.timers.clear(c.slot)
		return
	}
	if c.g.Plan.Kind.Mode() != strategy.Timed {
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

// fire handles the call's deadline, due at t.
func (e *Engine) fire(c *call, t int64, out []Action) []Action {
	switch c.g.Plan.Kind.Mode() {
	case strategy.Parallel:
		out = e.cancelLive(c, t, CancelNoAnswer, out)
		return e.ringingOver(c, t, out)
	case strategy.Serial:
		out = e.cancelLeg(c, c.newest, t, CancelNoAnswer, out)
		c.step++
		return e.nextSerial(c, t, out)
	case strategy.Cumulative:
		out, added := e.addCumulative(c, t, out)
		if !added {
			out = e.cancelLive(c, t, CancelNoAnswer, out)
			return e.ringingOver(c, t, out)
		}
		e.arm(c)
		return out
	default:
		return e.runTimed(c, t, out)
	}
}

// legFailed moves the timeline on after a leg ended early (busy, declined,
// unreachable): the hunt advances at once.
func (e *Engine) legFailed(c *call, leg int, t int64, out []Action) []Action {
	switch c.g.Plan.Kind.Mode() {
	case strategy.Parallel:
		if c.live == 0 {
			return e.ringingOver(c, t, out)
		}
		return out
	case strategy.Serial:
		c.step++
		return e.nextSerial(c, t, out)
	case strategy.Cumulative:
		if leg == c.newest {
			out, _ = e.addCumulative(c, t, out)
		}
		if c.live == 0 {
			return e.ringingOver(c, t, out)
		}
		e.arm(c)
		return out
	default:
		return e.runTimed(c, t, out)
	}
}

// ringingOver ends a group's ringing with nobody left ringing: connected if
// a page was answered, else the group fails over for no answer.
func (e *Engine) ringingOver(c *call, t int64, out []Action) []Action {
	if c.answered() {
		c.phase = phaseTalking
		e.arm(c)
		return out
	}
	return e.failover(c, ReasonNoAnswer, t, out)
}

// failover runs the current group's failover stage.
func (e *Engine) failover(c *call, r FailoverReason, t int64, out []Action) []Action {
	g := c.g
	dest := g.destination(r)
	if dest.Type == DestRingGroup && !e.canChain(c, dest.Group) {
		dest = &endCall
	}
	div := g.diversion[r]
	c.failover, c.reason, c.missed = dest, r, g.RecordMissed
	out = append(out, Action{Kind: ActFailover, At: t, Call: c.id, Group: g.ID, Dest: dest, Reason: r, Diversion: div})
	switch dest.Type {
	case DestRingGroup:
		c.depth++
		c.diversion = div
		return e.enterGroup(c, dest.Group, t, out)
	case DestEndCall:
		out = append(out, Action{Kind: ActRespondCaller, At: t, Call: c.id, Code: 480})
	}
	return e.finish(c, t, r.outcome(), out)
}

// canChain reports whether the call may go on to ring group gid: it exists,
// the chain is not too deep, and the call has not run it already.
func (e *Engine) canChain(c *call, gid GroupID) bool {
	if c.snap.group(gid) == nil || c.depth >= MaxChainDepth {
		return false
	}
	for _, v := range c.visited[:c.depth+1] {
		if v == gid {
			return false
		}
	}
	return true
}

// finish ends the call and emits its record.
func (e *Engine) finish(c *call, t int64, o Outcome, out []Action) []Action {
	r := &c.rec
	*r = CallRecord{
		Call: c.id, Snapshot: c.snap, Group: c.first, LastGroup: c.g.ID, Caller: c.caller,
		Start: c.start, WallStart: c.wall, End: t, Outcome: o, AnsweredBy: -1, Legs: c.legs,
		Failover: c.failover, FailoverReason: c.reason, Missed: c.missed && c.failover != nil && o != OutcomeAnswered,
	}
	if c.answered() {
		r.Answer = c.answer
		r.AnsweredBy = c.legs[c.answeredLeg].Ext
	}
	e.release(c)
	return append(out, Action{Kind: ActRecord, At: t, Call: c.id, Record: r})
}
