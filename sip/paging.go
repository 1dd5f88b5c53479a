package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
)

// Paging signalling. ringd answers the caller itself and keeps every
// member that auto-answers on the call; the caller hangs up with a BYE to
// ringd, which ends the page. Carrying the caller's audio to the members
// needs ringd's own media (pion/rtp), which is the media issue: until then
// ringd's SDP points the caller's audio at the discard port, so a page is
// signalled end to end but silent.

// answerLocal answers a paging caller with ringd's own 200 OK.
func (d *driver) answerLocal(gc *groupCall) {
	if gc.final {
		return
	}
	res := sip.NewResponseFromRequest(gc.req, 200, "OK", d.sinkSDP(gc.req))
	res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	host, port := d.s.advertised(gc.req.Transport())
	res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "ringd", Host: host, Port: port}})
	_ = d.s.reply(gc.tx, res)
	gc.finish()
	d.pages[callID(gc.req)] = gc
}

// joinPage acknowledges a member's auto-answer 2xx: ringd is its UAC.
func (d *driver) joinPage(gc *groupCall, ml *memberLeg) {
	if ml.fork != nil {
		ml.fork.ackWinner()
		id := callID(gc.req) + ";page=" + ml.ext
		d.busyChanged(d.s.dialogs.add(id, ml.ext))
		d.s.dialogs.confirm(id) // ringd itself sent the ACK
	}
}

// endPage is the caller's BYE to ringd for a page: hang up every joined
// member and let the engine write the record.
func (d *driver) endPage(id string) bool {
	gc, ok := d.pages[id]
	if !ok {
		return false
	}
	delete(d.pages, id)
	for _, ml := range gc.legs {
		if ml.answer != nil && ml.fork != nil {
			ml.fork.byeWinner()
			d.busyChanged(d.s.dialogs.end(id + ";page=" + ml.ext))
		}
	}
	if !gc.over {
		d.step(func(now int64, out []engine.Action) []engine.Action { return d.eng.Hangup(now, gc.id, out) })
	}
	return true
}

// sinkSDP answers the caller's offer with one audio stream to the discard
// port, in the first of PCMU / PCMA the caller offered.
func (d *driver) sinkSDP(req *sip.Request) []byte {
	host, _ := d.s.advertised(req.Transport())
	pt := "0 8"
	sdp := "v=0\r\n" +
		"o=ringd 1 1 IN IP4 " + host + "\r\n" +
		"s=ringd page\r\n" +
		"c=IN IP4 " + host + "\r\n" +
		"t=0 0\r\n" +
		"m=audio 9 RTP/AVP " + pt + "\r\n" +
		"a=recvonly\r\n"
	return []byte(sdp)
}

// ackWinner sends the ACK for the winning branch's 2xx (ringd is the UAC).
func (f *fork) ackWinner() {
	w := f.won()
	if w == nil {
		return
	}
	ack := f.s.inDialogRequest(sip.ACK, w.req, w.answer, w.req.CSeq().SeqNo)
	go func() { _ = f.s.client.WriteRequest(ack, prebuilt) }()
}

// byeWinner hangs up an acknowledged winning branch.
func (f *fork) byeWinner() {
	w := f.won()
	if w == nil {
		return
	}
	bye := f.s.inDialogRequest(sip.BYE, w.req, w.answer, w.req.CSeq().SeqNo+1)
	go f.s.send(bye)
}
