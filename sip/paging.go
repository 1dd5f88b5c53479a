package sip

import (
	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/proxy"
)

// Paging. ringd answers the caller itself (200 with its own SDP, once the
// first member has auto-answered), calls every member in a dialog of its
// own (proxy.Originate: its own Call-ID, tags, CSeq and Via; ringd's SDP,
// sendonly, the caller's codec) and relays each RTP packet of the caller
// to every member that answered (media.Relay, one port per page). The
// caller hangs up with a BYE to ringd, which ends the page; a member that
// hangs up leaves the others on it.

// openPage opens the relay of a paging call; a caller whose offer ringd
// cannot serve is refused (488, or 503 without a free port).
func (d *driver) openPage(c *call) bool {
	m, code, err := d.openMedia(c.req)
	if err != nil {
		d.log.Info("page refused", zap.String("call_id", c.callID), zap.Int("code", code), zap.Error(err))
		d.respondCaller(c, code)
		return false
	}
	c.media = m
	m.relay = media.NewRelay(m.port.Conn, m.offer.Addr)
	go m.relay.Run()
	return true
}

// answerLocal answers a paging caller with ringd's own 200 OK.
func (d *driver) answerLocal(c *call) {
	if c.final || c.media == nil {
		return
	}
	m := c.media
	// Known before the 200 leaves, as the caller's BYE may follow at once.
	d.pages[c.callID] = c
	d.local.add(c.callID)
	res := proxy.LocalResponse(d.self, c.req, 200, "OK", m.tag, d.mediaSDP(m, c.req.Transport(), "recvonly"))
	_ = d.replies.reply(c.tx, res)
	c.finish()
}

// joinPage acknowledges a member's auto-answer 2xx (ringd is its UAC) and
// starts relaying the caller's audio to the address its SDP answer gives.
func (d *driver) joinPage(c *call, l *leg) {
	w := l.fork.Won()
	if w == nil {
		return
	}
	d.ackBranch(w)
	id := proxy.CallID(w.Req) // the member's own dialog with ringd
	l.dialog = id
	d.pageLegs[id] = l
	d.local.add(id)
	d.busyChanged(d.dialogs.Add(id, d.clock.Now(), l.ext))
	d.dialogs.Confirm(id) // ringd itself sent the ACK
	if l.answer == nil || c.media == nil || c.media.relay == nil {
		return
	}
	ans, err := media.ParseOffer(l.answer.Body())
	if err != nil || ans.Dir == "sendonly" || ans.Dir == "inactive" {
		d.log.Info("page member takes no audio", zap.String("call_id", c.callID), zap.String("member", l.ext), zap.Error(err), zap.String("dir", ans.Dir))
		return
	}
	l.rtp = ans.Addr
	c.media.relay.Add(ans.Addr)
}

// leavePage ends a member's dialog of a page: it hung up, or the page
// ended.
func (d *driver) leavePage(l *leg) {
	l.left = true
	delete(d.pageLegs, l.dialog)
	d.local.remove(l.dialog)
	d.busyChanged(d.dialogs.End(l.dialog))
}

// endPage is the caller's BYE to ringd for a page: hang up every joined
// member and let the engine write the record.
func (d *driver) endPage(id string) bool {
	c, ok := d.pages[id]
	if !ok {
		return false
	}
	delete(d.pages, id)
	d.local.remove(id)
	c.stopMedia()
	for _, l := range c.legs {
		if l.dialog != "" && !l.left {
			d.byeBranch(l.fork.Won())
			d.leavePage(l)
		}
	}
	if !c.ended {
		d.feed(engine.Event{Kind: engine.EvHangup, At: d.now(), Call: c.id})
	}
	return true
}
