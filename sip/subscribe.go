package sip

import (
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/dialoginfo"
	"github.com/ringd/ringd/sip/proxy"
)

// onSubscribe serves SUBSCRIBE for the dialog event package (BLF, SPEC
// §11): the subscriber authenticates as an extension (401, as for
// REGISTER: even from a trusted source), an initial SUBSCRIBE names the
// watched extension in its Request-URI, and the driver answers and sends
// the NOTIFYs (blf.go). A SUBSCRIBE in a dialog that is not one of ringd's
// subscriptions is routed like any in-dialog request.
func (s *Server) onSubscribe(req *sip.Request, tx sip.ServerTransaction) {
	if !s.checked(req, tx) {
		return
	}
	refresh := proxy.ToTag(req) != ""
	if refresh && !s.local.has(proxy.CallID(req)) {
		s.inDialog(req, tx)
		return
	}
	if pkg := eventPackage(req); pkg != dialoginfo.Event {
		s.replies.respond(tx, req, 489, "Bad Event", sip.NewHeader("Allow-Events", dialoginfo.Event))
		return
	}
	user, ok := s.authenticateSubscriber(req, tx)
	if !ok {
		return
	}
	if _, known := s.settings.Load().Extensions[req.Recipient.User]; !refresh && !known {
		s.replies.respond(tx, req, 404, "Not Found")
		return
	}
	done := make(chan bool, 1)
	if !s.drv.post(event{kind: evSubscribe, req: req, tx: tx, id: user, ok: done}, always) {
		s.replies.respond(tx, req, 503, "Service Unavailable")
		return
	}
	select { // the driver answers on tx; the transaction must live until it has
	case <-done:
	case <-s.drv.exited:
	}
}

// eventPackage is the package an Event header names, without parameters
// and in lower case ("" without one).
func eventPackage(req *sip.Request) string {
	h := req.GetHeader("Event")
	if h == nil {
		return ""
	}
	pkg, _, _ := strings.Cut(h.Value(), ";")
	return strings.ToLower(strings.TrimSpace(pkg))
}

// authenticateSubscriber checks the subscriber's digest credentials
// (Authorization, realm sip.domain) and returns the extension; without
// good ones it answers 401 with a challenge.
func (s *Server) authenticateSubscriber(req *sip.Request, tx sip.ServerTransaction) (string, bool) {
	return s.checkDigest(req, tx, "Authorization", 401, "Unauthorized", "WWW-Authenticate")
}
