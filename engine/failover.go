package engine

// The failover stage (SPEC §3): where a group's call goes when nobody
// answered, nobody was available or the schedule is closed.

// failover runs the current group's failover stage. end_call answers 480
// and ring_group chains the next group inside the group stage; the other
// destinations end the group stage - the call's record is written - and
// the call goes on to ring the extension or the URI, or (play_greeting)
// the driver answers it and plays the prompt.
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
		return e.finish(c, t, r.outcome(), out)
	case DestPlayGreeting:
		return e.finish(c, t, r.outcome(), out)
	}
	out = e.record(c, t, r.outcome(), out)
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
