package sip

import (
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
)

// end forgets a call the engine has ended.
func (d *driver) end(c *call) {
	c.ended = true
	for _, l := range c.legs {
		d.legEnded(l)
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
