package sip

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// rejection is a request check's verdict: the response code and reason
// phrase, plus an extra header when the code needs one (420 Unsupported).
type rejection struct {
	code   int
	reason string
	why    string // the ringd_sip_rejected_total reason label
	header sip.Header
}

// singleValued are the headers a request may carry at most once.
var singleValued = []string{"Call-ID", "From", "To", "CSeq", "Max-Forwards", "Content-Length", "Content-Type"}

// mandatory are the headers every request must carry (RFC 3261 §8.1.1).
var mandatory = []string{"Call-ID", "From", "To", "CSeq", "Via"}

// checkRequest applies the checks of SPEC §2 that come before any routing.
// Nothing that fails here is forwarded or answered with 2xx.
func (s *Server) checkRequest(req *sip.Request) *rejection {
	if req.SipVersion != "SIP/2.0" {
		return &rejection{505, "Version Not Supported", "version", nil}
	}
	for _, name := range mandatory {
		if len(req.GetHeaders(name)) == 0 {
			return &rejection{400, "Missing " + name, "malformed", nil}
		}
	}
	for _, name := range singleValued {
		if len(req.GetHeaders(name)) > 1 {
			return &rejection{400, "Duplicate " + name, "malformed", nil}
		}
	}
	// sipgo upper-cases the request line's method but not CSeq's, so a
	// method the peer wrote in lower case (they are case-sensitive, and
	// RFC 4475's intmeth.dat has one) compares without case.
	if !strings.EqualFold(string(req.CSeq().MethodName), string(req.Method)) {
		return &rejection{400, "CSeq Method Mismatch", "malformed", nil}
	}
	if mf := req.MaxForwards(); mf != nil && mf.Val() == 0 {
		return &rejection{483, "Too Many Hops", "max_forwards", nil}
	}
	if sc := strings.ToLower(req.Recipient.Scheme); sc != "sip" && sc != "sips" {
		return &rejection{416, "Unsupported URI Scheme", "uri_scheme", nil}
	}
	if h := req.GetHeaders("Proxy-Require"); len(h) > 0 {
		return &rejection{420, "Bad Extension", "extension", sip.NewHeader("Unsupported", optionTags(h))}
	}
	if toTag(req) != "" {
		return nil // in-dialog: routed by the Route set, checked there
	}
	if req.Method == sip.REGISTER || req.Method == sip.OPTIONS {
		if h := req.GetHeaders("Require"); len(h) > 0 {
			return &rejection{420, "Bad Extension", "extension", sip.NewHeader("Unsupported", optionTags(h))}
		}
	}
	for _, h := range req.GetHeaders("Route") {
		r, ok := h.(*sip.RouteHeader)
		if !ok || !s.isLocal(r.Address.Host, r.Address.Port) {
			return &rejection{403, "Forbidden (no relaying)", "relay", nil}
		}
	}
	if !s.isLocalDomain(req.Recipient.Host, req.Recipient.Port) {
		return &rejection{403, "Forbidden (no relaying)", "relay", nil}
	}
	return nil
}

// optionTags joins the option tags of Require / Proxy-Require headers.
func optionTags(hs []sip.Header) string {
	var tags []string
	for _, h := range hs {
		for _, t := range strings.Split(h.Value(), ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	return strings.Join(tags, ", ")
}

// toTag returns the To tag of a request ("" outside a dialog).
func toTag(req *sip.Request) string {
	if to := req.To(); to != nil {
		if tag, ok := to.Params.Get("tag"); ok {
			return tag
		}
	}
	return ""
}

// fromTag returns the From tag of a request.
func fromTag(req *sip.Request) string {
	if f := req.From(); f != nil {
		if tag, ok := f.Params.Get("tag"); ok {
			return tag
		}
	}
	return ""
}

// toTagOf returns the To tag of a response.
func toTagOf(res *sip.Response) string {
	if to := res.To(); to != nil {
		if tag, ok := to.Params.Get("tag"); ok {
			return tag
		}
	}
	return ""
}

// respond answers a server transaction with a response of ringd's own,
// ignoring the error of a transaction that is already gone (the peer will
// retransmit or has given up).
func (s *Server) respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string, hdrs ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	res.SipVersion = "SIP/2.0" // sipgo copies the request's, even SIP/7.0 when it answers 505
	for _, h := range hdrs {
		if h != nil {
			res.AppendHeader(h)
		}
	}
	_ = s.reply(tx, res)
}

// reply sends a response (ringd's own or relayed) on a server transaction
// and counts it.
func (s *Server) reply(tx sip.ServerTransaction, res *sip.Response) error {
	err := tx.Respond(res)
	if err == nil {
		s.metrics.response(res.StatusCode)
	}
	return err
}

// reasonPhrase is the RFC 3261 reason phrase of the codes ringd sends itself.
func reasonPhrase(code int) string {
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
