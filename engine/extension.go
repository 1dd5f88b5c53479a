package engine

import "github.com/ringd/ringd/strategy"

// The extension stage: a call to an extension (dialled, or a group's
// failover destination) rings all its contacts at once - one leg, which
// the driver forks to every contact - for the call's ring time. When the
// extension's sequential ring applies (its criteria, SPEC §5), the steps
// ring one after another instead: the extension itself first if so set,
// then each number for its own ring time; a step whose extension is
// offline or on DND is passed over, and one that fails ends at once.
//
// An extension on DND answers 486. When nothing answered: the call goes to
// the extension's voicemail when services.ext_vm is configured; otherwise
// a sequential ring, or a plain call that rang out, answers 480, and a
// plain call whose leg failed relays that failure (a timeout as 480).
//
// The service stage: one leg to a URI (the trunk, a service, a voicemail)
// for the service ring time; its failure is relayed (a timeout as 480),
// and nobody answering in time is 480.

// enterExtension starts ringing extension x; ring is the ring time of a
// step that has none of its own.
func (e *Engine) enterExtension(c *call, x strategy.ExtID, ring int64, t int64, out []Action) []Action {
	c.newStage(stageExtension, t)
	c.x, c.xRing, c.xCode, c.xStep = x, ring, 0, -1
	if e.Member(x)&strategy.DND != 0 {
		return e.respond(c, 486, t, out)
	}
	s := c.snap.Extensions[x].seq
	c.seq = s != nil && SeqRingApplies(s.criteria, c.wallAt(t), c.caller)
	return e.nextExtensionStep(c, t, out)
}

// steps is how many steps the extension stage has: the sequential ring's,
// or the one plain step.
func (c *call) steps() int {
	if c.seq {
		return len(c.snap.Extensions[c.x].seq.steps)
	}
	return 1
}

// stepAt is step i of the extension stage: the extension or URI it rings
// and for how long.
func (c *call) stepAt(i int) (strategy.ExtID, string, int64) {
	if !c.seq {
		return c.x, "", c.xRing
	}
	s := &c.snap.Extensions[c.x].seq.steps[i]
	ring := s.ring
	if ring <= 0 {
		ring = c.xRing
	}
	return s.ext, s.uri, ring
}

// nextExtensionStep rings the next step that can ring; with none left the
// call goes to voicemail, or is answered 480 or the last failure.
func (e *Engine) nextExtensionStep(c *call, t int64, out []Action) []Action {
	for c.xStep++; c.xStep < c.steps(); c.xStep++ {
		ext, uri, ring := c.stepAt(c.xStep)
		if ext >= 0 && e.Member(ext)&(strategy.Online|strategy.DND) != strategy.Online {
			continue
		}
		out = e.startTarget(c, ext, uri, nil, t, out)
		c.stepEnd = t + ring
		e.arm(c)
		return out
	}
	if vm := c.snap.Extensions[c.x].Voicemail; vm != "" {
		c.hdrs[0] = Header{HeaderDiversion, c.snap.Extensions[c.x].noAnswer}
		return e.enterService(c, vm, c.hdrs[:1], t, out)
	}
	if c.seq {
		return e.respond(c, 480, t, out)
	}
	return e.respond(c, relayedFailure(c.xCode), t, out)
}

// enterService rings uri, with extra headers before the call's Diversion;
// without a URI (the service is not configured) the caller gets 480.
func (e *Engine) enterService(c *call, uri string, extra []Header, t int64, out []Action) []Action {
	c.newStage(stageService, t)
	if uri == "" {
		return e.respond(c, 480, t, out)
	}
	out = e.startTarget(c, -1, uri, extra, t, out)
	c.stepEnd = t + c.snap.serviceRing
	e.arm(c)
	return out
}

// startTarget starts a leg of the extension or service stage: to extension
// ext (all its contacts), or to uri when ext is -1.
func (e *Engine) startTarget(c *call, ext strategy.ExtID, uri string, extra []Header, t int64, out []Action) []Action {
	leg := c.newLeg(Leg{Group: -1, Ext: ext, URI: uri, Start: t})
	c.newest = leg
	return append(out, Action{Kind: ActStartLeg, At: t, Call: c.id, Leg: leg, Ext: ext, Group: -1,
		URI: uri, Headers: extra, Diversion: c.diversion})
}
