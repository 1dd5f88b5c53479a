package sip

import (
	"context"

	"github.com/emiago/sipgo/sip"
)

// inDialog loose-routes a request inside a dialog ringd record-routed
// (RFC 3261 §16.4, §16.12): ringd's own Route entries are consumed and the
// request goes on to the next Route entry or to the Request-URI. ACK for a
// 2xx is forwarded without a transaction; a BYE ends the call's busy state.
func (s *Server) inDialog(req *sip.Request, tx sip.ServerTransaction) {
	routed := false
	if r := req.Route(); r != nil && s.isLocal(r.Address.Host, r.Address.Port) {
		routed = true
	}
	if !routed {
		if req.IsAck() {
			return // an ACK not routed through ringd: absorb, never answer
		}
		if s.isLocal(req.Recipient.Host, req.Recipient.Port) {
			s.respond(tx, req, 481, "Call/Transaction Does Not Exist")
		} else {
			s.respond(tx, req, 403, "Forbidden (no relaying)")
		}
		return
	}
	out := s.forward(req, req.Recipient, false, nil, nil)
	if req.IsAck() {
		s.dialogs.confirm(callID(req))
		if err := s.client.WriteRequest(out, prebuilt); err != nil {
			s.log.Sugar().Debugw("ACK not forwarded", "call_id", callID(req), "error", err)
		}
		return
	}
	if req.Method == sip.BYE {
		id := callID(req)
		s.memberChanged(s.dialogs.end(id)...)
		s.drv.post(func() { s.drv.hungUp(id) })
	}
	s.relay(req, tx, out)
}

// relay sends out (a forwarded copy of in) statefully and passes every
// response back on tx, until the final one. The client transaction keeps
// its own timers (Timer B/F), so relay always ends.
func (s *Server) relay(in *sip.Request, tx sip.ServerTransaction, out *sip.Request) {
	ctx := context.Background()
	ctl, err := s.client.TransactionRequest(ctx, out, prebuilt)
	if err != nil {
		s.respond(tx, in, 503, "Service Unavailable")
		return
	}
	defer ctl.Terminate()
	for {
		select {
		case res := <-ctl.Responses():
			if res.StatusCode == 100 {
				continue
			}
			_ = s.reply(tx, upstream(res, in, false))
			if res.StatusCode >= 200 {
				return
			}
		case <-ctl.Done():
			code := 408
			if err := ctl.Err(); err != nil && !isTimeout(err) {
				code = 503
			}
			s.respond(tx, in, code, reasonPhrase(code))
			return
		case <-tx.Done():
			return
		}
	}
}
