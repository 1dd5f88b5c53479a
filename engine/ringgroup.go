package engine

import "github.com/ringd/ringd/strategy"

// The group stage: the members of a ring group ring as its strategy's
// timeline says (SPEC §3), each leg to every contact of one member.
//
// The failover stage (SPEC §3), where a group's call goes when nobody
// answered, nobody was available or the schedule is closed, is part of it:
// a ring_group destination enters the next group.

// enterGroup starts ringing group gid: the dialled group at arrival, or a
// ring_group failover destination.
func (e *Engine) enterGroup(c *call, gid GroupID, t int64, out []Action) []Action {
	g := c.snap.group(gid)
	c.g = g
	c.visited[c.depth] = gid
	if g.Schedule != nil && !g.Schedule.Open(c.wallAt(t)) {
		return e.failover(c, ReasonOutOfSchedule, t, out)
	}
	c.round = 0
	return e.ringRound(c, t, out)
}

// ringRound plans the current group and runs one round of its timeline:
// the first, or a repeat (repeats), planned afresh - cyclic and
// least-worked orders as they are now, a random order drawn again.
func (e *Engine) ringRound(c *call, t int64, out []Action) []Action {
	g := c.g
	st := e.state(g.ID)
	if st != nil && st.Group() != g.Plan {
		st = nil // the call runs an older definition: plan without memory
	}
	c.plan = g.Plan.Plan(st, e.members, c.plan)
	if g.Plan.Kind.Random() {
		g.Plan.Shuffle(c.plan, &c.rand)
	}
	e.withoutResting(c, t)
	if len(c.plan) == 0 {
		if c.round > 0 { // a repeat found nobody: the rounds rang before
			return e.failover(c, ReasonNoAnswer, t, out)
		}
		return e.failover(c, ReasonNoAgent, t, out)
	}
	c.newStage(stageGroup, t)
	switch g.Plan.Mode() {
	case strategy.Parallel:
		for _, m := range c.plan {
			out = e.startMember(c, m, t, out)
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

// startMember rings member m of the current group.
func (e *Engine) startMember(c *call, m int32, t int64, out []Action) []Action {
	g := c.g
	ext := g.Plan.Members[m].Ext
	leg := c.newLeg(Leg{Group: g.ID, Ext: ext, Start: t, member: m})
	e.seq++
	if st := e.state(g.ID); st != nil {
		st.Rung(g.Plan, int(m), e.seq)
		if g.Plan.Kind == strategy.CyclicHunt || g.Plan.Kind == strategy.SkillCyclicHunt {
			e.note(Shared{Kind: SharedRung, Group: g.ID, Ext: ext})
		}
	}
	a := Action{Kind: ActStartLeg, At: t, Call: c.id, Leg: leg, Ext: ext, Group: g.ID, Headers: g.Headers, Diversion: c.diversion}
	if g.ToExtension {
		a.To = c.snap.Extensions[ext].ToURI
	}
	return append(out, a)
}

// available reports whether member m of the current group may ring at t
// (members are checked again at each step of a hunt): available by its
// state, and in neither wrap-up nor the group's cooldown.
func (e *Engine) available(c *call, m int32, t int64) bool {
	return c.g.Plan.Available(int(m), e.members) && !e.restingOrCooling(c.g.ID, c.g.Plan.Members[m].Ext, t)
}

// nextSerial starts the first member from plan position c.step on that is
// still available; with none left the group fails over.
func (e *Engine) nextSerial(c *call, t int64, out []Action) []Action {
	for ; c.step < len(c.plan); c.step++ {
		if m := c.plan[c.step]; e.available(c, m, t) {
			if d := int64(c.g.Plan.Members[m].Delay); d > 0 {
				c.waiting = true // the step's member rings once its delay is over
				c.stepEnd = t + d
				e.arm(c)
				return out
			}
			return e.ringStep(c, m, t, out)
		}
	}
	return e.failover(c, ReasonNoAnswer, t, out)
}

// ringStep rings member m for the current step of a hunt, for its own
// timeout (the group's ring time when it has none).
func (e *Engine) ringStep(c *call, m int32, t int64, out []Action) []Action {
	c.newest = len(c.legs)
	out = e.startMember(c, m, t, out)
	c.stepEnd = t + int64(c.g.Plan.MemberTimeout(int(m)))
	e.arm(c)
	return out
}

// addCumulative starts memory_hunt's next step: the next available member
// joins the legs already ringing. It reports false when no member is left.
func (e *Engine) addCumulative(c *call, t int64, out []Action) ([]Action, bool) {
	for c.step+1 < len(c.plan) {
		c.step++
		if m := c.plan[c.step]; e.available(c, m, t) {
			c.newest = len(c.legs)
			out = e.startMember(c, m, t, out)
			c.stepEnd = t + int64(c.g.Plan.RingTime)
			return out, true
		}
	}
	return out, false
}

// runTimed brings a custom group (or a ring_all or page whose members
// have delays or timeouts) up to time t: legs past their own timeout are
// cancelled, entries whose delay has come start (each at its own instant),
// and when nothing rings or waits any more the group fails over.
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
		if e.available(c, m, t) {
			out = e.startMember(c, m, at, out)
			c.legs[len(c.legs)-1].stop = at + int64(p.MemberTimeout(int(m)))
		}
	}
	if c.live == 0 && c.step == len(c.plan) {
		return e.ringingOver(c, t, out) // a page some member answered stays connected
	}
	e.arm(c)
	return out
}

// fireGroup handles a group call's deadline, due at t.
func (e *Engine) fireGroup(c *call, t int64, out []Action) []Action {
	switch c.g.Plan.Mode() {
	case strategy.Parallel:
		out = e.cancelLive(c, t, CancelNoAnswer, out)
		return e.ringingOver(c, t, out)
	case strategy.Serial:
		if c.waiting { // the step's delay is over: its member rings, if still available
			c.waiting = false
			if m := c.plan[c.step]; e.available(c, m, t) {
				return e.ringStep(c, m, t, out)
			}
			c.step++
			return e.nextSerial(c, t, out)
		}
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

// groupLegFailed moves a group's timeline on after a leg ended early: the
// hunt advances at once.
func (e *Engine) groupLegFailed(c *call, leg int, t int64, out []Action) []Action {
	switch c.g.Plan.Mode() {
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

// endCall is the destination a chain falls back to when it is cut.
var endCall = Destination{Type: DestEndCall, Group: -1}

// failover runs the current group's failover stage. end_call answers 480
// and ring_group chains the next group inside the group stage; the other
// destinations end the group stage - the record, written when the call
// ends, keeps this outcome - and the call goes on to ring the extension or the URI, or (play_greeting)
// the driver answers it and plays the prompt.
func (e *Engine) failover(c *call, r FailoverReason, t int64, out []Action) []Action {
	g := c.g
	if r == ReasonNoAnswer && c.round < g.Repeats {
		c.round++ // nobody answered: the whole plan again (repeats)
		return e.ringRound(c, t, out)
	}
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
		return e.finish(c, t, r.outcome(), out)
	case DestPlayGreeting:
		return e.finish(c, t, r.outcome(), out)
	}
	c.groupOutcome = r.outcome()
	c.diversion = div
	if dest.Type == DestExtension {
		x, _ := c.snap.Extension(dest.Value)
		return e.enterExtension(c, x, c.snap.serviceRing, t, out)
	}
	return e.enterService(c, dest.URI, nil, t, out)
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
