package sip

import (
	"github.com/emiago/sipgo/sip"
	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/media"
)

// Paging. ringd answers the caller itself (200 with its own SDP, once the
// first member has auto-answered), offers every member its own SDP
// (sendonly, the caller's codec) and relays each RTP packet of the caller
// to every member that answered (media.Relay, one port per page). The
// caller hangs up with a BYE to ringd, which ends the page; a member that
// hangs up leaves the others on it.

// answerLocal answers a paging caller with ringd's own 200 OK.
func (d *driver) answerLocal(gc *groupCall) {
	if gc.final || gc.media == nil {
		return
	}
	m := gc.media
	// Known before the 200 leaves, as the caller's BYE may follow at once.
	d.pages[callID(gc.req)] = gc
	d.s.local.Store(callID(gc.req), struct{}{})
	res := d.s.localResponse(gc.req, 200, "OK", m.tag, d.s.mediaSDP(m, gc.req.Transport(), "recvonly"))
	_ = d.s.reply(gc.tx, res)
	gc.finish()
}

// pageOffer makes a member leg of a page ringd's own: its SDP offer and
// its Contact, so the member's audio path and its BYE come to ringd.
func (d *driver) pageOffer(gc *groupCall, req *sip.Request) {
	m := gc.media
	req.SetBody(d.s.mediaSDP(m, req.Transport(), "sendonly"))
	if req.GetHeader("Content-Type") == nil {
		req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	host, port := d.s.advertised(req.Transport())
	req.ReplaceHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "ringd", Host: host, Port: port}})
}

// joinPage acknowledges a member's auto-answer 2xx (ringd is its UAC) and
// starts relaying the caller's audio to the address its SDP answer gives.
func (d *driver) joinPage(gc *groupCall, ml *memberLeg) {
	if ml.fork == nil {
		return
	}
	ml.fork.ackWinner()
	id := callID(gc.req) + ";page=" + ml.ext
	d.busyChanged(d.s.dialogs.add(id, ml.ext))
	d.s.dialogs.confirm(id) // ringd itself sent the ACK
	if ml.answer == nil || gc.media == nil || gc.media.relay == nil {
		return
	}
	ans, err := media.ParseOffer(ml.answer.Body())
	if err != nil || ans.Dir == "sendonly" || ans.Dir == "inactive" {
		d.s.log.Info("page member takes no audio", zap.String("call_id", callID(gc.req)), zap.String("member", ml.ext), zap.Error(err), zap.String("dir", ans.Dir))
		return
	}
	ml.rtp = ans.Addr
	gc.media.relay.Add(ans.Addr)
}

// localBye handles a BYE for a dialog ringd is itself the end of: a page
// (from the caller, or from one member) or a greeting. It reports whether
// the BYE was one of those.
func (d *driver) localBye(req *sip.Request) bool {
	id := callID(req)
	if g, ok := d.greets[id]; ok {
		d.endGreeting(g, false)
		return true
	}
	gc, ok := d.pages[id]
	if !ok {
		return false
	}
	tag := fromTag(req)
	if tag == fromTag(gc.req) {
		return d.endPage(id)
	}
	for _, ml := range gc.legs {
		if ml.answer != nil && !ml.left && toTagOf(ml.answer) == tag {
			ml.left = true
			if ml.rtp.IsValid() && gc.media != nil && gc.media.relay != nil {
				gc.media.relay.Remove(ml.rtp)
			}
			d.busyChanged(d.s.dialogs.end(id + ";page=" + ml.ext))
			return true
		}
	}
	return false
}

// endPage is the caller's BYE to ringd for a page: hang up every joined
// member and let the engine write the record.
func (d *driver) endPage(id string) bool {
	gc, ok := d.pages[id]
	if !ok {
		return false
	}
	delete(d.pages, id)
	d.s.local.Delete(id)
	gc.stopMedia()
	for _, ml := range gc.legs {
		if ml.answer != nil && ml.fork != nil && !ml.left {
			ml.fork.byeWinner()
			d.busyChanged(d.s.dialogs.end(id + ";page=" + ml.ext))
		}
	}
	if !gc.over {
		d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.Hangup(now, gc.id, out) })
	}
	return true
}

// ackWinner sends the ACK for the winning branch's 2xx (ringd is the UAC).
func (f *fork) ackWinner() {
	w := f.won()
	if w == nil {
		return
	}
	ack := f.s.inDialogRequest(sip.ACK, w.req, w.answer, w.req.CSeq().SeqNo)
	f.s.goWrite(ack)
}

// byeWinner hangs up an acknowledged winning branch.
func (f *fork) byeWinner() {
	w := f.won()
	if w == nil {
		return
	}
	bye := f.s.inDialogRequest(sip.BYE, w.req, w.answer, w.req.CSeq().SeqNo+1)
	f.s.goSend(bye)
}
