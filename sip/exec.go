package sip

import (
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
)

// exec carries out engine actions.
func (d *driver) exec(out []engine.Action) {
	for i := range out {
		a := &out[i]
		c := d.calls[a.Call]
		if c == nil {
			continue
		}
		switch a.Kind {
		case engine.ActStartLeg:
			d.startLeg(c, a)
		case engine.ActCancelLeg:
			l := c.legs[a.Leg]
			l.ended()
			if l.fork != nil {
				l.fork.Cancel(a.Cancel.Header(), d.now())
			}
		case engine.ActForwardProvisional:
			// with ringd's own early media the caller listens to ringd, not to the members
			if l := c.legs[a.Leg]; l.prov != nil && !c.final && c.media == nil {
				_ = d.replies.reply(c.tx, proxy.Upstream(l.prov, c.req, l.toRewritten))
			}
		case engine.ActAnswerCaller:
			l := c.legs[a.Leg]
			l.ended()
			c.stopMedia()
			d.answerCaller(c, l)
		case engine.ActAnswerLocal:
			d.answerLocal(c)
		case engine.ActJoinPage:
			l := c.legs[a.Leg]
			l.ended()
			d.joinPage(c, l)
		case engine.ActReleaseLeg:
			if l := c.legs[a.Leg]; l.fork != nil && l.fork.Won() != nil {
				d.releaseBranch(l.fork.Won())
			}
		case engine.ActRespondCaller:
			if !c.final {
				d.respondCaller(c, a.Code)
			}
		case engine.ActFailover:
			d.metrics.Failover(c.snap.Groups[a.Group].Number, a)
			switch t := a.Dest.Type; {
			case t == engine.DestPlayGreeting:
				d.playGreeting(c, a)
			case t != engine.DestEndCall && t != engine.DestRingGroup:
				c.stopMedia() // the caller goes on to an extension or a service
			}
		case engine.ActRecord:
			d.metrics.CallEnded(a.Record)
			d.record(c, a.Record)
		case engine.ActEnd:
			d.end(c)
		}
	}
}

// end forgets a call the engine has ended.
func (d *driver) end(c *call) {
	c.ended = true
	for _, l := range c.legs {
		l.ended()
	}
	if _, paging := d.pages[c.callID]; !paging {
		c.stopMedia()
	}
	delete(d.calls, c.id)
	if d.talking[c.callID] == c {
		delete(d.talking, c.callID)
	}
}

// answerCaller relays the winning 2xx and marks both ends busy. When the
// caller is already gone (its CANCEL crossed the answer), the member is
// hung up and the engine told.
func (d *driver) answerCaller(c *call, l *leg) {
	if l.answer == nil {
		return
	}
	// Busy before the 2xx leaves: the caller's ACK and BYE may overtake us.
	busy := d.dialogs.Add(c.callID, d.clock.Now(), l.ext, c.callerExt)
	if c.final || d.replies.reply(c.tx, proxy.Upstream(l.answer, c.req, l.toRewritten)) != nil {
		d.dialogs.End(c.callID)
		if w := l.fork.Won(); w != nil {
			d.releaseBranch(w)
		}
		d.feed(engine.Event{Kind: engine.EvHangup, At: d.now(), Call: c.id})
		return
	}
	c.finish()
	d.talking[c.callID] = c
	d.busyChanged(busy)
}

// respondCaller sends ringd's own final response to the caller, with
// ringd's To tag when it answered early with media.
func (d *driver) respondCaller(c *call, code int) {
	if c.media == nil {
		d.replies.respond(c.tx, c.req, code, proxy.ReasonPhrase(code))
	} else {
		_ = d.replies.reply(c.tx, proxy.LocalResponse(d.self, c.req, code, proxy.ReasonPhrase(code), c.media.tag, nil))
	}
	c.stopMedia()
	c.finish()
}
