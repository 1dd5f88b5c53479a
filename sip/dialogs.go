package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/proxy"
)

// inDialog loose-routes a request inside a dialog ringd record-routed
// (RFC 3261 §16.4, §16.12): ringd's own Route entries are consumed and the
// request goes on to the next Route entry or to the Request-URI. An ACK
// for a 2xx is forwarded without a transaction and confirms the dialog; a
// BYE ends it, which frees its extensions.
func (s *Server) inDialog(req *sip.Request, tx sip.ServerTransaction) {
	routed := false
	if r := req.Route(); r != nil && s.listeners.IsLocal(r.Address.Host, r.Address.Port) {
		routed = true
	}
	if !routed {
		if req.IsAck() {
			return // an ACK not routed through ringd: absorb, never answer
		}
		if s.listeners.IsLocal(req.Recipient.Host, req.Recipient.Port) {
			s.replies.respond(tx, req, 481, "Call/Transaction Does Not Exist")
		} else {
			s.replies.respond(tx, req, 403, "Forbidden (no relaying)")
		}
		return
	}
	target := s.reach.uri(req.Recipient)
	out := proxy.Forward(s.listeners, req, target, proxy.Forwarding{Consumed: s.auth.Ours})
	if out.Route() == nil && target.Dest == "" && len(target.Route) == 0 && s.listeners.IsLocal(req.Recipient.Host, req.Recipient.Port) {
		// Addressed to ringd itself past its own Route entries, in no dialog
		// ringd is an end of: never sent back to itself, never looked up
		// in DNS.
		if !req.IsAck() {
			s.replies.respond(tx, req, 481, "Call/Transaction Does Not Exist")
		}
		return
	}
	id := proxy.CallID(req)
	if req.IsAck() {
		s.drv.post(event{kind: evDialogAck, id: id}, always)
		if err := s.client.WriteRequest(out, proxy.Prebuilt); err != nil {
			s.log.Sugar().Debugw("ACK not forwarded", "call_id", id, "error", err)
		}
		return
	}
	if req.Method == sip.BYE {
		s.drv.post(event{kind: evDialogBye, id: id}, always)
	}
	proxy.Relay(s.client, req, tx, out, s.replies.reply)
}
