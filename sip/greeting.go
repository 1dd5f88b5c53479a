package sip

import (
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/media"
)

// A play_greeting failover: ringd answers the caller with 200 and its own
// SDP and, once the caller has acknowledged it (a phone may drop audio that
// comes before its ACK), plays the prompt file the number of times the
// destination says, then hangs up with a BYE. A BYE from the caller stops
// it first.

// greetingAckWait is how long ringd waits for the ACK of its 200 before it
// gives the greeting up (Timer H, 64 * T1).
const greetingAckWait = 32 * time.Second

type greeting struct {
	gc     *groupCall
	m      *callMedia
	seq    []*media.Prompt // what to play once the ACK comes
	acked  bool            // the caller's ACK came
	played bool            // every repetition has been sent
	timer  *time.Timer
}

// playGreeting carries out a play_greeting destination.
func (d *driver) playGreeting(gc *groupCall, a *engine.Action) {
	if gc.final {
		return
	}
	p := d.s.settings.Load().Prompts.Get(a.Dest.Value)
	if p == nil { // validation keeps this from happening; a file removed since is logged
		d.s.log.Warn("play_greeting: prompt not loaded, answering 480", zap.String("call_id", callID(gc.req)), zap.String("prompt", a.Dest.Value))
		d.respondCaller(gc, 480)
		return
	}
	m := gc.media
	if m == nil {
		var code int
		var err error
		if m, code, err = d.s.openMedia(gc.req); err != nil {
			d.s.log.Info("play_greeting refused", zap.String("call_id", callID(gc.req)), zap.Int("code", code), zap.Error(err))
			d.respondCaller(gc, code)
			return
		}
	}
	m.stopPlayer()
	gc.media = nil // the greeting owns it from here
	id := callID(gc.req)
	seq := make([]*media.Prompt, a.Dest.Repeat)
	for i := range seq {
		seq[i] = p
	}
	// Known before the 200 leaves: the caller's ACK may come back before
	// this function returns, and onAck looks the dialog up in s.local.
	g := &greeting{gc: gc, m: m, seq: seq}
	d.greets[id] = g
	d.s.local.Store(id, struct{}{})
	g.timer = time.AfterFunc(greetingAckWait, func() {
		d.postAsync(func() {
			if !g.acked {
				d.endGreeting(g, false)
			}
		})
	})
	res := d.s.localResponse(gc.req, 200, "OK", m.tag, d.s.mediaSDP(m, gc.req.Transport(), "sendonly"))
	if d.s.reply(gc.tx, res) != nil {
		d.endGreeting(g, false)
	}
	gc.finish()
}

// localAck is the caller's ACK of a 200 ringd sent itself: the greeting
// starts.
func (d *driver) localAck(id string) {
	g, ok := d.greets[id]
	if !ok || g.acked {
		return
	}
	g.acked = true
	g.timer.Stop()
	d.play(g.m, g.seq, nil, func() {
		g.played = true
		d.greetingDone(g)
	})
}

// greetingDone hangs up once the prompt is played and the 200 acknowledged.
func (d *driver) greetingDone(g *greeting) {
	if g.played && g.acked {
		d.endGreeting(g, true)
	}
}

// endGreeting stops the greeting; with bye ringd hangs up the caller.
func (d *driver) endGreeting(g *greeting, bye bool) {
	id := callID(g.gc.req)
	if d.greets[id] != g {
		return
	}
	delete(d.greets, id)
	d.s.local.Delete(id)
	g.timer.Stop()
	g.m.close()
	if bye {
		req := d.s.uasBye(g.gc.req, g.m.tag)
		d.s.goSend(req)
	}
}
