package sip

import (
	"net/netip"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
)

// leg is the driver's side of one engine leg: a fork of INVITEs to every
// contact of an extension, or to one URI. It is the fork's Owner: what
// the fork decides comes back here, on the driver goroutine.
type leg struct {
	d           *driver
	c           *call
	index       int
	ext         string // the extension rung, "" for a leg to a URI
	member      bool   // a ring-group member's leg: counts in ringd_ringing_legs
	counted     bool
	toRewritten bool
	fork        *proxy.Fork
	prov        *sip.Response  // last provisional, for ActForwardProvisional
	answer      *sip.Response  // the 2xx, for ActAnswerCaller / ActJoinPage
	rtp         netip.AddrPort // paging: where the member takes the relayed audio
	left        bool           // paging: the member hung up its leg of the page
}

// startLeg forks a leg to every contact of the extension (or to the URI),
// with the headers the engine decided. Nowhere to send it is a failure of
// the leg (480).
func (d *driver) startLeg(c *call, a *engine.Action) {
	l := &leg{d: d, c: c, index: a.Leg, member: a.Group >= 0}
	c.legs = append(c.legs, l)
	var targets []sip.Uri
	if a.Ext >= 0 {
		l.ext = c.snap.Extensions[a.Ext].Number
		targets = d.loc.Contacts(l.ext, d.clock.Now())
	} else {
		var u sip.Uri
		if err := sip.ParseUri(a.URI, &u); err == nil {
			targets = append(targets, u)
		}
	}
	if len(targets) == 0 {
		d.feed(engine.Event{Kind: engine.EvFailed, At: d.now(), Call: c.id, Leg: a.Leg, Code: 480})
		return
	}
	reqs := make([]*sip.Request, 0, len(targets))
	for _, t := range targets {
		var replace, extra []sip.Header
		for _, h := range a.Headers {
			extra = append(extra, sip.NewHeader(h.Name, h.Value))
		}
		if a.Diversion != "" {
			extra = append(extra, sip.NewHeader(engine.HeaderDiversion, a.Diversion))
		}
		if a.To != "" {
			replace = append(replace, &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: l.ext, Host: c.snap.Domain}, Params: sip.NewParams()})
			l.toRewritten = true
		}
		r := proxy.Forward(d.self, c.req, t, true, replace, extra)
		if c.media != nil && c.media.relay != nil {
			d.pageOffer(c, r)
		}
		reqs = append(reqs, r)
	}
	l.fork = proxy.NewFork(reqs, l)
	for _, b := range l.fork.Branches {
		d.branches[b.Key] = b
	}
	if l.member {
		l.counted = true
		d.metrics.LegRinging(1)
	}
	l.fork.Start(d.now())
}

// ended takes the leg out of ringd_ringing_legs (once).
func (l *leg) ended() {
	if l.counted {
		l.counted = false
		l.d.metrics.LegRinging(-1)
	}
}

// Send implements proxy.Owner.
func (l *leg) Send(b *proxy.Branch, req *sip.Request) {
	if err := l.d.write(req, b.Key); err != nil {
		l.fork.WriteFailed(b, req)
	}
}

// Armed implements proxy.Owner.
func (l *leg) Armed(b *proxy.Branch) {
	at, ok := b.Next()
	l.d.arm(b, at, ok)
}

// SendCancel implements proxy.Owner.
func (l *leg) SendCancel(b *proxy.Branch, reason string) { l.d.originate(proxy.Cancel(b.Req, reason)) }

// Over implements proxy.Owner.
func (l *leg) Over(b *proxy.Branch) {
	l.d.timers.Clear(b)
	delete(l.d.branches, b.Key)
}

// Provisional implements proxy.Owner.
func (l *leg) Provisional(res *sip.Response) {
	if l.c.ended {
		return
	}
	l.prov = res
	l.d.feed(engine.Event{Kind: engine.EvProvisional, At: l.d.now(), Call: l.c.id, Leg: l.index, Code: res.StatusCode})
}

// Answered implements proxy.Owner.
func (l *leg) Answered(b *proxy.Branch, res *sip.Response) {
	if l.c.ended {
		l.d.releaseBranch(b)
		return
	}
	l.answer = res
	l.d.feed(engine.Event{Kind: engine.EvAnswered, At: l.d.now(), Call: l.c.id, Leg: l.index, Code: res.StatusCode})
}

// Retransmitted implements proxy.Owner: the winning 2xx again goes to the
// caller again.
func (l *leg) Retransmitted(res *sip.Response) {
	if l.answer != nil {
		_ = l.d.replies.reply(l.c.tx, proxy.Upstream(res, l.c.req, l.toRewritten))
	}
}

// Failed implements proxy.Owner.
func (l *leg) Failed(code int) {
	l.ended()
	if !l.c.ended {
		l.d.feed(engine.Event{Kind: engine.EvFailed, At: l.d.now(), Call: l.c.id, Leg: l.index, Code: code})
	}
}

// Release implements proxy.Owner.
func (l *leg) Release(b *proxy.Branch) { l.d.releaseBranch(b) }

// releaseBranch acknowledges a 2xx nobody wants and hangs the session up.
func (d *driver) releaseBranch(b *proxy.Branch) {
	if b.Answer == nil {
		return
	}
	d.ackBranch(b)
	d.byeBranch(b)
}

// ackBranch acknowledges a branch's 2xx: ringd is the UAC of that dialog
// (a 2xx it releases, a page's member).
func (d *driver) ackBranch(b *proxy.Branch) {
	_ = d.write(proxy.InDialog(d.self, sip.ACK, b.Req, b.Answer, b.Req.CSeq().SeqNo), "")
}

// byeBranch hangs up an acknowledged branch.
func (d *driver) byeBranch(b *proxy.Branch) {
	d.originate(proxy.InDialog(d.self, sip.BYE, b.Req, b.Answer, b.Req.CSeq().SeqNo+1))
}
