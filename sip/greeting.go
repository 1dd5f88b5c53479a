package sip

import (
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/proxy"
)

// A play_greeting failover (and a feature code's confirmation tone):
// ringd answers the caller with 200 and its own SDP and, once the caller
// has acknowledged it (a phone may drop audio that comes before its ACK),
// plays the prompt file the number of times the destination says, then
// hangs up with a BYE. A BYE from the caller stops it first.

// greetingAckWait is how long ringd waits for the ACK of its 200 before it
// gives the greeting up (Timer H, 64 * T1).
const greetingAckWait = 32 * time.Second

// playGreeting carries out a play_greeting destination.
func (d *driver) playGreeting(c *call, a *engine.Action) {
	if c.final {
		return
	}
	p := d.set.Prompts.Get(a.Dest.Value)
	if p == nil { // validation keeps this from happening; a file removed since is logged
		d.log.Warn("play_greeting: prompt not loaded, answering 480", zap.String("call_id", c.callID), zap.String("prompt", a.Dest.Value))
		d.respondCaller(c, 480)
		return
	}
	seq := make([]*media.Prompt, a.Dest.Repeat)
	for i := range seq {
		seq[i] = p
	}
	d.answerAndPlay(c, seq, "play_greeting")
}

// answerAndPlay answers the caller 200 with ringd's SDP and, once it has
// acknowledged, plays seq and hangs up: a greeting, a feature code's tone.
// A caller whose offer ringd cannot serve gets 488 (503 without a free
// port); what names the purpose in the log.
func (d *driver) answerAndPlay(c *call, seq []*media.Prompt, what string) {
	m := c.media
	if m == nil {
		var code int
		var err error
		if m, code, err = d.openMedia(c.req); err != nil {
			d.log.Info(what+" refused", zap.String("call_id", c.callID), zap.Int("code", code), zap.Error(err))
			d.respondCaller(c, code)
			return
		}
	}
	m.stopPlayer()
	c.media = nil // the greeting owns it from here
	// Known before the 200 leaves: the caller's ACK may come back at once,
	// and the handler looks the dialog up in d.local.
	g := &greeting{c: c, m: m, seq: seq}
	d.greets[c.callID] = g
	d.local.add(c.callID)
	d.timers.Set(g, d.now()+int64(greetingAckWait))
	res := proxy.LocalResponse(d.self, c.req, 200, "OK", m.tag, d.mediaSDP(m, c.req.Transport(), "sendonly"))
	if d.replies.reply(c.tx, res) != nil {
		d.endGreeting(g, false)
	}
	c.finish()
}

// greetingTimeout: the caller never acknowledged the 200.
func (d *driver) greetingTimeout(g *greeting) {
	if !g.acked {
		d.endGreeting(g, false)
	}
}

// endGreeting stops the greeting; with bye ringd hangs up the caller.
func (d *driver) endGreeting(g *greeting, bye bool) {
	id := g.c.callID
	if d.greets[id] != g {
		return
	}
	delete(d.greets, id)
	d.local.remove(id)
	d.timers.Clear(g)
	g.m.close()
	if bye {
		d.originate(proxy.UASBye(d.self, g.c.req, g.m.tag))
	}
}
