package proxy

import "github.com/emiago/sipgo/sip"

// Responses and requests ringd sends as an end of a dialog: its own final
// responses, the 183 and 200 it answers a caller with itself (prompts, a
// greeting, a page), and the BYE that hangs such a caller up.

// Response is a response of ringd's own to req, with extra headers (nil
// ones skipped).
func Response(req *sip.Request, code int, reason string, hdrs ...sip.Header) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	res.SipVersion = "SIP/2.0" // sipgo copies the request's, even SIP/7.0 when it answers 505
	for _, h := range hdrs {
		if h != nil {
			res.AppendHeader(h)
		}
	}
	return res
}

// LocalResponse is a response ringd sends as the caller's UAS: its own To
// tag, its Contact, and an SDP body when one is given.
func LocalResponse(self Self, req *sip.Request, code int, reason, tag string, sdp []byte) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, sdp)
	if to := res.To(); to != nil {
		to.Params.Add("tag", tag) // replaces the random one sipgo put there
	}
	if sdp != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	if code < 300 {
		res.AppendHeader(Contact(self, req.Transport()))
	}
	return res
}

// Contact is ringd's own Contact for a transport.
func Contact(self Self, transport string) *sip.ContactHeader {
	host, port := self.Advertised(transport)
	return &sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "ringd", Host: host, Port: port}}
}

// UASBye builds the BYE ringd sends as the caller's UAS (a greeting that
// has been played): to the caller's Contact through the route set the
// caller's INVITE recorded (RFC 3261 §12.1.1, §12.2.1.1).
func UASBye(self Self, inv *sip.Request, tag string) *sip.Request {
	target := inv.Recipient
	if c := inv.Contact(); c != nil {
		target = c.Address
	}
	r := sip.NewRequest(sip.BYE, *target.Clone())
	tp := URITransport(target)
	rr := inv.GetHeaders("Record-Route")
	for _, h := range rr {
		if rh, ok := h.(*sip.RecordRouteHeader); ok {
			r.AppendHeader(&sip.RouteHeader{Address: *rh.Address.Clone()})
		}
	}
	if len(rr) > 0 {
		if rh, ok := rr[0].(*sip.RecordRouteHeader); ok {
			tp = URITransport(rh.Address) // loose routing; strict routers are not supported
		}
	}
	r.PrependHeader(Via(self, tp))
	mf := sip.MaxForwardsHeader(70)
	r.AppendHeader(&mf)
	from := &sip.FromHeader{Address: *inv.To().Address.Clone(), DisplayName: inv.To().DisplayName, Params: sip.NewParams()}
	from.Params.Add("tag", tag)
	r.AppendHeader(from)
	to := &sip.ToHeader{Address: *inv.From().Address.Clone(), DisplayName: inv.From().DisplayName, Params: inv.From().Params.Clone()}
	r.AppendHeader(to)
	r.AppendHeader(sip.HeaderClone(inv.CallID()))
	r.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.BYE})
	r.SetBody(nil)
	r.SetTransport(tp)
	r.Laddr = self.LocalAddr(tp)
	return r
}

// ReasonPhrase is the RFC 3261 reason phrase of the codes ringd sends itself.
func ReasonPhrase(code int) string {
	switch code {
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 408:
		return "Request Timeout"
	case 480:
		return "Temporarily Unavailable"
	case 481:
		return "Call/Transaction Does Not Exist"
	case 486:
		return "Busy Here"
	case 488:
		return "Not Acceptable Here"
	case 487:
		return "Request Terminated"
	case 500:
		return "Server Internal Error"
	case 503:
		return "Service Unavailable"
	case 600:
		return "Busy Everywhere"
	case 603:
		return "Decline"
	}
	return "Error"
}

// Tag reads the tag parameter of a From or To header ("" for none).
func Tag(params sip.HeaderParams) string {
	if params == nil {
		return ""
	}
	tag, _ := params.Get("tag")
	return tag
}

// ToTag is the To tag of a request or response ("" outside a dialog).
func ToTag(m interface{ To() *sip.ToHeader }) string {
	if to := m.To(); to != nil {
		return Tag(to.Params)
	}
	return ""
}

// FromTag is the From tag of a request.
func FromTag(req *sip.Request) string {
	if f := req.From(); f != nil {
		return Tag(f.Params)
	}
	return ""
}

// CallID is the Call-ID of a message ("" for none).
func CallID(m interface{ CallID() *sip.CallIDHeader }) string {
	if h := m.CallID(); h != nil {
		return h.Value()
	}
	return ""
}

// Originate builds an INVITE ringd sends as the UAC of a new dialog of its
// own (a page's member): to the target, with its own Call-ID, From tag,
// CSeq and Via - nothing of the caller's dialog but the caller's identity
// in From - ringd's Contact, the headers given and an SDP body.
func Originate(self Self, t Target, from *sip.FromHeader, to sip.Uri, sdp []byte, hdrs ...sip.Header) *sip.Request {
	f := &sip.FromHeader{Address: *from.Address.Clone(), DisplayName: from.DisplayName, Params: sip.NewParams()}
	f.Params.Add("tag", sip.GenerateTagN(16))
	cid := sip.CallIDHeader(sip.GenerateTagN(24) + "@ringd")
	r, tp := UACRequest(self, sip.INVITE, t, f, &sip.ToHeader{Address: to, Params: sip.NewParams()}, &cid, 1)
	r.AppendHeader(Contact(self, tp))
	for _, h := range hdrs {
		r.AppendHeader(h)
	}
	r.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	r.SetBody(sdp)
	return r
}
