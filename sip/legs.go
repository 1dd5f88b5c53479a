package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/proxy"
)

// startLeg forks a leg to every contact of the extension (or to the URI),
// with the headers the engine decided. Nowhere to send it is a failure of
// the leg (480).
func (d *driver) startLeg(c *call, a *engine.Action) {
	l := &leg{c: c, index: a.Leg, member: a.Group >= 0}
	c.legs = append(c.legs, l)
	var targets []proxy.Target
	var agents []string // each target's User-Agent (registered contacts)
	if a.Ext >= 0 {
		l.ext = c.snap.Extensions[a.Ext].Number
		for _, b := range d.loc.Contacts(l.ext, d.clock.Now()) {
			targets = append(targets, d.reach.binding(b))
			agents = append(agents, b.UserAgent)
		}
	} else {
		var u sip.Uri
		if err := sip.ParseUri(a.URI, &u); err == nil {
			targets = append(targets, d.reach.uri(u)) // a registered contact (a relay for another node) goes its own way
		}
	}
	if len(targets) == 0 {
		d.feed(engine.Event{Kind: engine.EvFailed, At: d.now(), Call: c.id, Leg: a.Leg, Code: 480})
		return
	}
	from := c.req.From()
	var quiet bool
	if a.Group >= 0 {
		g := &c.snap.Groups[a.Group]
		quiet = g.SilentCancel
		if g.CIDNamePrefix != "" && from != nil {
			from = prefixedFrom(from, g.CIDNamePrefix)
		}
	}
	reqs := make([]*sip.Request, 0, len(targets))
	paging := c.media != nil && c.media.relay != nil
	for i, t := range targets {
		var replace, extra []sip.Header
		if from != c.req.From() {
			replace = append(replace, from)
		}
		headers := a.Headers
		if paging && i < len(agents) {
			headers = pagingHeaders(d.set.PagingHeaders, agents[i], headers) // by device (paging_headers)
		}
		for _, h := range headers {
			extra = append(extra, sip.NewHeader(h.Name, h.Value))
		}
		if a.Diversion != "" {
			extra = append(extra, sip.NewHeader(engine.HeaderDiversion, a.Diversion))
		}
		if a.To != "" {
			replace = append(replace, &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: l.ext, Host: c.snap.Domain}, Params: sip.NewParams()})
			l.toRewritten = true
		}
		if paging {
			// A page's member: ringd calls it as a UA of its own.
			to := sip.Uri{Scheme: "sip", User: l.ext, Host: c.snap.Domain}
			reqs = append(reqs, proxy.Originate(d.self, t, from, to, d.mediaSDP(c.media, proxy.URITransport(t.URI), "sendonly"), extra...))
			continue
		}
		reqs = append(reqs, proxy.Forward(d.self, c.req, t, proxy.Forwarding{RecordRoute: true, Replace: replace, Extra: extra, Consumed: d.consumed}))
	}
	l.fork = proxy.NewFork(reqs, &forkOwner{d: d, l: l})
	if quiet {
		l.fork.ElsewhereReason = "" // answered_elsewhere: false
	}
	for _, b := range l.fork.Branches {
		d.branches[b.Key] = b
	}
	if l.member {
		l.counted = true
		d.metrics.LegRinging(1)
	}
	l.fork.Start(d.now())
}

// prefixedFrom is the caller's From with the group's cid_name_prefix in
// front of its display name (or of its number when it has none): the same
// address and tag, so the dialog stays the caller's.
func prefixedFrom(from *sip.FromHeader, prefix string) *sip.FromHeader {
	name := from.DisplayName
	if name == "" {
		name = from.Address.User
	}
	return &sip.FromHeader{DisplayName: prefix + name, Address: from.Address, Params: from.Params}
}

// legEnded takes a leg out of ringd_ringing_legs (once).
func (d *driver) legEnded(l *leg) {
	l.over = true
	if l.counted {
		l.counted = false
		d.metrics.LegRinging(-1)
	}
}

// forkOwner carries out what a leg's fork decides (proxy.Owner), on the
// driver goroutine.
type forkOwner struct {
	d *driver
	l *leg
}

func (o *forkOwner) Send(b *proxy.Branch, req *sip.Request) {
	if err := o.d.write(req, b.Key); err != nil {
		o.l.fork.WriteFailed(b, req)
	}
}

func (o *forkOwner) Armed(b *proxy.Branch) {
	at, ok := b.Next()
	o.d.arm(b, at, ok)
}

func (o *forkOwner) SendCancel(b *proxy.Branch, reason string) {
	o.d.originate(proxy.Cancel(b.Req, reason))
}

func (o *forkOwner) Over(b *proxy.Branch) {
	o.d.timers.Clear(b)
	delete(o.d.branches, b.Key)
}

func (o *forkOwner) Provisional(res *sip.Response) {
	if c := o.l.c; !c.ended {
		o.l.prov = res
		o.d.feed(engine.Event{Kind: engine.EvProvisional, At: o.d.now(), Call: c.id, Leg: o.l.index, Code: res.StatusCode})
	}
}

func (o *forkOwner) Answered(b *proxy.Branch, res *sip.Response) {
	c := o.l.c
	if c.ended {
		o.d.releaseBranch(b)
		return
	}
	o.l.answer = res
	o.d.feed(engine.Event{Kind: engine.EvAnswered, At: o.d.now(), Call: c.id, Leg: o.l.index, Code: res.StatusCode})
}

// Retransmitted: the winning 2xx again goes to the caller again.
func (o *forkOwner) Retransmitted(res *sip.Response) {
	if o.l.answer != nil {
		_ = o.d.replies.reply(o.l.c.tx, proxy.Upstream(res, o.l.c.req, o.l.toRewritten))
	}
}

func (o *forkOwner) Failed(code int) {
	o.d.legEnded(o.l)
	if c := o.l.c; !c.ended {
		o.d.feed(engine.Event{Kind: engine.EvFailed, At: o.d.now(), Call: c.id, Leg: o.l.index, Code: code})
	}
}

func (o *forkOwner) Release(b *proxy.Branch) { o.d.releaseBranch(b) }

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
	_ = d.write(proxy.InDialog(d.self, sip.ACK, b.Req, b.Answer, b.Req.CSeq().SeqNo, d.reach.uri), "")
}

// byeBranch hangs up an acknowledged branch.
func (d *driver) byeBranch(b *proxy.Branch) {
	d.originate(proxy.InDialog(d.self, sip.BYE, b.Req, b.Answer, b.Req.CSeq().SeqNo+1, d.reach.uri))
}
