package engine

// How legs and calls end on ringd's side, whatever the stage: a leg
// cancelled, ringd's own final response to the caller, a group call's
// record, the end.

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

// finish ends the call: a group call's record, with outcome o unless its
// group stage ended with a failover already, then the end.
func (e *Engine) finish(c *call, t int64, o Outcome, out []Action) []Action {
	e.wrapUp(c, t)
	if c.first >= 0 && !c.recorded {
		if c.groupOutcome != 0 {
			o = c.groupOutcome
		}
		out = e.record(c, t, o, out)
	}
	e.release(c)
	return append(out, Action{Kind: ActEnd, At: t, Call: c.id})
}

// record writes the record of a group call when it ends.
func (e *Engine) record(c *call, t int64, o Outcome, out []Action) []Action {
	r := &c.rec
	*r = CallRecord{
		Call: c.id, Snapshot: c.snap, Group: c.first, LastGroup: c.g.ID, Caller: c.caller.Name,
		Start: c.start, WallStart: c.wall, End: t, Outcome: o, AnsweredBy: -1, Legs: c.legs,
		Failover: c.failover, FailoverReason: c.reason, Missed: c.missed && c.failover != nil && !c.answered(),
	}
	if c.answered() {
		r.Answered, r.Answer = true, c.answer
		r.AnsweredBy = c.answeredBy()
	}
	c.recorded = true
	e.groupCalls--
	return append(out, Action{Kind: ActRecord, At: t, Call: c.id, Record: r})
}
