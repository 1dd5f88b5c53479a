package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/proxy"
)

// The dialogs ringd itself is an end of - a page (with its caller and with
// each member), a greeting - get their ACK and BYE from the handlers,
// which find them in localDialogs.

// localAck is the caller's ACK of a 200 ringd sent itself: the greeting
// starts.
func (d *driver) localAck(id string) {
	g, ok := d.greets[id]
	if !ok || g.acked {
		return
	}
	g.acked = true
	d.timers.Clear(g)
	d.play(g.m, g.seq, nil, &event{kind: evPromptsOver, call: g.c})
}

// promptsOver: the prompts played to call c before something else are
// over: a greeting's (ringd hangs up), or those its members wait for.
func (d *driver) promptsOver(c *call) {
	if g, ok := d.greets[c.callID]; ok && g.c == c {
		if g.acked {
			d.endGreeting(g, true)
		}
		return
	}
	d.startHeld(c)
}

// localBye handles a BYE for a dialog ringd is itself the end of: a page
// (from the caller, or from one member) or a greeting. It reports whether
// the BYE was one of those.
func (d *driver) localBye(req *sip.Request) bool {
	id := proxy.CallID(req)
	if g, ok := d.greets[id]; ok {
		d.endGreeting(g, false)
		return true
	}
	if _, ok := d.pages[id]; ok {
		return d.endPage(id)
	}
	if pk, ok := d.pickups[id]; ok {
		d.endPickup(pk, id)
		return true
	}
	l, ok := d.pageLegs[id]
	if !ok || l.left {
		return false
	}
	if c := l.c; l.rtp.IsValid() && c.media != nil && c.media.relay != nil {
		c.media.relay.Remove(l.rtp)
	}
	d.leavePage(l)
	return true
}
