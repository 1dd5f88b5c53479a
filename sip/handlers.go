package sip

import (
	"time"

	"github.com/emiago/sipgo/sip"
)

// allow is the Allow header value of ringd's own responses.
const allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO, PRACK, REFER, NOTIFY, MESSAGE"

func (s *Server) routes() {
	s.handlers = map[sip.RequestMethod]func(*sip.Request, sip.ServerTransaction){
		sip.REGISTER: s.onRegister,
		sip.OPTIONS:  s.onOptions,
		sip.ACK:      s.onAck,
		sip.BYE:      s.onBye,
		sip.CANCEL:   s.onCancel,
	}
	// Registered last on the transaction layer, dispatch replaces
	// sipgo.Server's own request dispatch.
	s.ua.TransactionLayer().OnRequest(s.dispatch)
}

// gracefulTx is what sipgo's server transactions offer beyond the interface:
// end once the final response's retransmission timers are done.
type gracefulTx interface{ TerminateGracefully() }

// dispatch runs the handler of a request on the goroutine sipgo started for
// it, after counting it by method. As sipgo.Server does, it lets the
// transaction go when the handler returns - except for an INVITE to a ring
// group, which the driver holds (and lets go once the caller has its final
// response): no goroutine waits through the ringing of a group call.
func (s *Server) dispatch(req *sip.Request, stx *sip.ServerTx) {
	var tx sip.ServerTransaction
	if stx != nil { // an ACK of a 2xx has no transaction
		tx = stx
	}
	held := false
	if s.admitStream(req) { // else dropped without a reply: banned, flooding or a scanner
		held = s.handle(req, tx)
	}
	if stx != nil && !held {
		stx.TerminateGracefully()
	}
}

// handle counts a request and runs its method's handler; it reports
// whether the driver holds the transaction.
func (s *Server) handle(req *sip.Request, tx sip.ServerTransaction) bool {
	s.metrics.request(string(req.Method))
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
	rej := s.checkRequest(req)
	if rej == nil {
		return true
	}
	s.metrics.reject(rej.why)
	s.log.Sugar().Debugw("request refused", "method", req.Method, "code", rej.code, "reason", rej.why, "source", req.Source())
	if !req.IsAck() {
		s.respond(tx, req, rej.code, rej.reason, rej.header)
	}
	return false
}

// outOfDialog runs the request checks and loose-routes in-dialog requests;
// it reports whether the request is an acceptable initial request for the
// handler to serve.
func (s *Server) outOfDialog(req *sip.Request, tx sip.ServerTransaction) bool {
	if !s.checked(req, tx) {
		return false
	}
	if toTag(req) != "" {
		s.inDialog(req, tx)
		return false
	}
	return true
}

// onInvite serves an INVITE; it reports whether the driver holds the
// transaction (a ring group call) beyond its return.
func (s *Server) onInvite(req *sip.Request, tx sip.ServerTransaction) (held bool) {
	if !s.outOfDialog(req, tx) {
		return false
	}
	caller, ok := s.authenticateCaller(req, tx)
	if !ok {
		return false
	}
	number := req.Recipient.User
	st := s.settings.Load()
	if _, isGroup := st.Snapshot.Group(number); isGroup {
		return s.drv.ringGroup(req, tx, number, caller)
	}
	if _, isExt := st.Extensions[number]; isExt {
		if s.draining.Load() {
			s.respond(tx, req, 503, "Service Unavailable", sip.NewHeader("Retry-After", itoa(st.ShutdownRetryAfter)))
			return false
		}
		s.callExtension(req, tx, number, caller, nil)
		return false
	}
	s.respond(tx, req, 404, "Not Found")
	return false
}

// authenticateCaller admits INVITEs from trusted networks as they are and
// asks everyone else to authenticate as an extension (407). It returns the
// calling extension ("" when the caller is not one).
func (s *Server) authenticateCaller(req *sip.Request, tx sip.ServerTransaction) (string, bool) {
	if s.trusted(req.Source()) {
		from := ""
		if f := req.From(); f != nil {
			from = f.Address.User
		}
		if _, ok := s.settings.Load().Extensions[from]; ok {
			return from, true
		}
		return "", true
	}
	var cred string
	if h := req.GetHeader("Proxy-Authorization"); h != nil {
		cred = h.Value()
	}
	now := time.Now()
	user, res := s.auth.check(cred, string(req.Method), s.password, now)
	if res == authOK {
		return user, true
	}
	if res == authBad {
		s.authFailed(req)
	}
	s.respond(tx, req, 407, "Proxy Authentication Required",
		sip.NewHeader("Proxy-Authenticate", s.auth.challenge(now, res == authStale)))
	return "", false
}

func (s *Server) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	if !s.outOfDialog(req, tx) {
		return
	}
	s.respond(tx, req, 200, "OK", sip.NewHeader("Allow", allow), sip.NewHeader("Accept", "application/sdp"))
}

func (s *Server) onAck(req *sip.Request, tx sip.ServerTransaction) {
	if s.checkRequest(req) != nil || toTag(req) == "" {
		return // a stray ACK is absorbed, never answered
	}
	if _, local := s.local.Load(callID(req)); local && req.Route() == nil {
		id := callID(req)
		s.drv.postAsync(func() { s.drv.localAck(id) })
		return
	}
	s.inDialog(req, tx)
}

func (s *Server) onBye(req *sip.Request, tx sip.ServerTransaction) {
	if !s.checked(req, tx) {
		return
	}
	if _, local := s.local.Load(callID(req)); local && toTag(req) != "" {
		ended := false
		if s.drv.wait(func() { ended = s.drv.localBye(req) }) && ended {
			s.respond(tx, req, 200, "OK")
			return
		}
	}
	if toTag(req) == "" {
		s.respond(tx, req, 481, "Call/Transaction Does Not Exist")
		return
	}
	s.inDialog(req, tx)
}

// onCancel sees only CANCELs that match no INVITE transaction (sipgo answers
// the others itself, 200 then 487).
func (s *Server) onCancel(req *sip.Request, tx sip.ServerTransaction) {
	if !s.checked(req, tx) {
		return
	}
	s.respond(tx, req, 481, "Call/Transaction Does Not Exist")
}

// onOther answers the methods ringd does not serve outside a dialog: 405
// with Allow for a SIP method it knows, 501 for one it does not (RFC 3261
// §8.2.1, §21.5.2).
func (s *Server) onOther(req *sip.Request, tx sip.ServerTransaction) {
	if !s.outOfDialog(req, tx) {
		return
	}
	if !knownMethods[string(req.Method)] {
		s.respond(tx, req, 501, "Not Implemented", sip.NewHeader("Allow", allow))
		return
	}
	s.respond(tx, req, 405, "Method Not Allowed", sip.NewHeader("Allow", allow))
}
