package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/metrics"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/registrar"
)

// allow is the Allow header value of ringd's own responses.
const allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, SUBSCRIBE, UPDATE, INFO, PRACK, REFER, NOTIFY, MESSAGE"

// routes installs the handlers, in place of sipgo.Server's own dispatch
// (registered last on the transaction layer).
func (s *Server) routes() {
	s.handlers = map[sip.RequestMethod]func(*sip.Request, sip.ServerTransaction){
		sip.REGISTER:  s.onRegister,
		sip.OPTIONS:   s.onOptions,
		sip.ACK:       s.onAck,
		sip.BYE:       s.onBye,
		sip.CANCEL:    s.onCancel,
		sip.SUBSCRIBE: s.onSubscribe,
	}
	s.ua.TransactionLayer().OnRequest(s.dispatch)
}

// dispatch runs the handler of a request on the goroutine sipgo started
// for it, after the flood protection of streams. As sipgo.Server does, it
// lets the transaction go when the handler returns - but for an INVITE
// handed to the driver, which lets it go once the caller has its final
// response: no goroutine waits through the ringing of a call.
func (s *Server) dispatch(req *sip.Request, stx *sip.ServerTx) {
	var tx sip.ServerTransaction
	if stx != nil { // an ACK of a 2xx has no transaction
		tx = stx
	}
	if !s.filter.AdmitStream(req) { // dropped without a reply: banned, flooding or a scanner
		if stx != nil {
			stx.Terminate()
		}
		return
	}
	if held := s.handle(req, tx); stx != nil && !held {
		release(req, stx)
	}
}

// release lets a server transaction go once its handler is done. An INVITE
// answered with a failure on a reliable transport stays Completed until its
// ACK or Timer H (RFC 3261 §17.2.1), on every transport, so that the ACK is
// absorbed by it instead of arriving as a new request; sipgo's own
// TerminateGracefully would end it at once there.
func release(req *sip.Request, stx *sip.ServerTx) {
	if req.IsInvite() && sip.IsReliable(req.Transport()) {
		return // its state machine ends it: ACK or Timer H after a failure, at once after a 2xx
	}
	stx.TerminateGracefully()
}

// handle counts a request and runs its method's handler; it reports
// whether the driver holds the transaction.
func (s *Server) handle(req *sip.Request, tx sip.ServerTransaction) bool {
	s.metrics.Request(string(req.Method))
	if req.Method == sip.INVITE {
		return s.onInvite(req, tx)
	}
	if h, ok := s.handlers[req.Method]; ok {
		h(req, tx)
	} else {
		s.onOther(req, tx)
	}
	return false
}

// checked applies the request checks and answers a refused request; it
// reports whether the request may go on.
func (s *Server) checked(req *sip.Request, tx sip.ServerTransaction) bool {
	rej := proxy.Validate(s.listeners, req)
	if rej == nil {
		return true
	}
	s.metrics.Reject(rej.Why)
	s.log.Sugar().Debugw("request refused", "method", req.Method, "code", rej.Code, "reason", rej.Why, "source", req.Source())
	if !req.IsAck() {
		s.replies.respond(tx, req, rej.Code, rej.Reason, rej.Header)
	}
	return false
}

// outOfDialog runs the request checks and routes in-dialog requests; it
// reports whether the request is an acceptable initial request for the
// handler to serve.
func (s *Server) outOfDialog(req *sip.Request, tx sip.ServerTransaction) bool {
	if !s.checked(req, tx) {
		return false
	}
	if proxy.ToTag(req) != "" {
		s.inDialog(req, tx)
		return false
	}
	return true
}

// onInvite hands a new call to the driver; it reports whether the driver
// holds the transaction. When the driver's inbox is full the caller gets
// 503 with Retry-After at once.
func (s *Server) onInvite(req *sip.Request, tx sip.ServerTransaction) (held bool) {
	relay := s.relayTarget(req) // another node's call for a phone whose connection this node holds
	if !relay && !s.outOfDialog(req, tx) {
		return false
	}
	caller, ok := s.authenticateCaller(req, tx)
	if !ok {
		return false
	}
	c := newCall(req, tx, req.Recipient.User, caller)
	c.relay = relay
	if !relay && !s.feature(c) {
		return false
	}
	// The callbacks only post: sipgo calls them inside its own locks.
	if !tx.OnCancel(func(*sip.Request) {
		s.metrics.CancelAnswered()
		s.drv.post(event{kind: evCallerCancel, call: c}, always)
	}) {
		s.metrics.CancelAnswered()
		return false // cancelled before we got here: sipgo answered 487
	}
	if !tx.OnTerminate(func(string, error) { s.drv.post(event{kind: evCallerGone, call: c}, always) }) {
		return false // over already (the transport failed)
	}
	if !s.drv.post(event{kind: evInvite, call: c}, arrival) {
		s.metrics.Reject("overload")
		s.replies.respond(tx, req, 503, "Service Unavailable", retryAfter(s.settings.Load().ShutdownRetryAfter))
		return false
	}
	return true
}

// authenticateCaller admits INVITEs from trusted networks as they are and
// asks everyone else to authenticate as an extension (407). It returns the
// calling extension ("" when the caller is not one).
func (s *Server) authenticateCaller(req *sip.Request, tx sip.ServerTransaction) (string, bool) {
	if s.filter.Trusted(req.Source()) {
		from := ""
		if f := req.From(); f != nil {
			from = f.Address.User
		}
		if _, ok := s.settings.Load().Extensions[from]; ok {
			return from, true
		}
		return "", true
	}
	return s.checkDigest(req, tx, "Proxy-Authorization", 407, "Proxy Authentication Required", "Proxy-Authenticate")
}

// checkDigest checks the digest credentials of header hdr against the
// extensions' passwords and returns the extension; without good ones it
// answers code with a challenge in header chal (a failed check counts
// toward the auth_failures ban).
func (s *Server) checkDigest(req *sip.Request, tx sip.ServerTransaction, hdr string, code int, reason, chal string) (string, bool) {
	var cred string
	if h := req.GetHeader(hdr); h != nil {
		cred = h.Value()
	}
	now := s.clock.Now()
	user, res := s.auth.Check(cred, string(req.Method), req.Recipient, s.password, now)
	if res == registrar.OK {
		return user, true
	}
	if res == registrar.Mismatch {
		s.replies.respond(tx, req, 400, "Credentials For Another Request-URI")
		return "", false
	}
	if res == registrar.Bad {
		s.filter.AuthFailed(req)
	}
	s.replies.respond(tx, req, code, reason, s.auth.ChallengeHeaders(chal, now, res == registrar.Stale)...)
	return "", false
}

func (s *Server) onRegister(req *sip.Request, tx sip.ServerTransaction) {
	if s.checked(req, tx) {
		_ = s.replies.reply(tx, s.registrar.Serve(req))
	}
}

func (s *Server) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	if !s.outOfDialog(req, tx) {
		return
	}
	s.replies.respond(tx, req, 200, "OK", sip.NewHeader("Allow", allow), sip.NewHeader("Accept", "application/sdp"), sip.NewHeader("Supported", "path"))
}

func (s *Server) onAck(req *sip.Request, tx sip.ServerTransaction) {
	if proxy.Validate(s.listeners, req) != nil || proxy.ToTag(req) == "" {
		return // a stray ACK is absorbed, never answered
	}
	if id := proxy.CallID(req); s.local.has(id) && req.Route() == nil {
		s.drv.post(event{kind: evLocalAck, id: id}, always)
		return
	}
	s.inDialog(req, tx)
}

func (s *Server) onBye(req *sip.Request, tx sip.ServerTransaction) {
	if !s.checked(req, tx) {
		return
	}
	if s.local.has(proxy.CallID(req)) && proxy.ToTag(req) != "" && s.endsLocally(req) {
		s.replies.respond(tx, req, 200, "OK")
		return
	}
	if proxy.ToTag(req) == "" {
		s.replies.respond(tx, req, 481, "Call/Transaction Does Not Exist")
		return
	}
	s.inDialog(req, tx)
}

// endsLocally asks the driver whether a BYE ends a dialog ringd is an end
// of (a page, a greeting), and lets it end it.
func (s *Server) endsLocally(req *sip.Request) bool {
	ok := make(chan bool, 1)
	if !s.drv.post(event{kind: evLocalBye, req: req, ok: ok}, always) {
		return false
	}
	select {
	case ended := <-ok:
		return ended
	case <-s.drv.exited:
		return false
	}
}

// onCancel sees only CANCELs that match no INVITE transaction (sipgo answers
// the others itself, 200 then 487).
func (s *Server) onCancel(req *sip.Request, tx sip.ServerTransaction) {
	if !s.checked(req, tx) {
		return
	}
	s.replies.respond(tx, req, 481, "Call/Transaction Does Not Exist")
}

// onOther answers the methods ringd does not serve outside a dialog: 405
// with Allow for a SIP method it knows, 501 for one it does not (RFC 3261
// §8.2.1, §21.5.2).
func (s *Server) onOther(req *sip.Request, tx sip.ServerTransaction) {
	if !s.outOfDialog(req, tx) {
		return
	}
	if !metrics.KnownMethod(string(req.Method)) {
		s.replies.respond(tx, req, 501, "Not Implemented", sip.NewHeader("Allow", allow))
		return
	}
	s.replies.respond(tx, req, 405, "Method Not Allowed", sip.NewHeader("Allow", allow))
}
