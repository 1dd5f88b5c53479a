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
			d.legEnded(l)
			if l.fork != nil {
				reason := a.Cancel.Header()
				if a.Cancel == engine.CancelCompletedElsewhere {
					reason = l.fork.ElsewhereReason // "" when the group says answered_elsewhere: false
				}
				l.fork.Cancel(reason, d.now())
			}
		case engine.ActForwardProvisional:
			// with ringd's own early media the caller listens to ringd, not to the members
			if l := c.legs[a.Leg]; l.prov != nil && !c.final && c.media == nil {
				_ = d.replies.reply(c.tx, proxy.Upstream(l.prov, c.req, l.toRewritten))
			}
		case engine.ActAnswerCaller:
			l := c.legs[a.Leg]
			d.legEnded(l)
			c.stopMedia()
			d.answerCaller(c, l)
		case engine.ActAnswerLocal:
			d.answerLocal(c)
		case engine.ActJoinPage:
			l := c.legs[a.Leg]
			d.legEnded(l)
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
		case engine.ActPickup:
			if d.picking != nil && d.picking.c == c {
				d.pickedUp(c, d.picking)
				d.picking = nil
			}
		}
	}
}
