package proxy

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Rejection is the verdict of Validate on a request it refuses: the
// response code and reason phrase, plus an extra header when the code
// needs one (420 Unsupported).
type Rejection struct {
	Code   int
	Reason string
	Why    string // the ringd_sip_rejected_total reason label
	Header sip.Header
}

// singleValued are the headers a request may carry at most once.
var singleValued = []string{"Call-ID", "From", "To", "CSeq", "Max-Forwards", "Content-Length", "Content-Type"}

// mandatory are the headers every request must carry (RFC 3261 §8.1.1).
var mandatory = []string{"Call-ID", "From", "To", "CSeq", "Via"}

// Validate applies the checks a proxy makes before it routes a request
// (RFC 3261 §16.3, and SPEC §2's own); self tells ringd's names and
// addresses. It returns nil for a request that may go on. Nothing it
// refuses is forwarded or answered with 2xx.
func Validate(self Self, req *sip.Request) *Rejection {
	if req.SipVersion != "SIP/2.0" {
		return &Rejection{505, "Version Not Supported", "version", nil}
	}
	if why := badHeaders(req); why != "" {
		return &Rejection{400, why, "malformed", nil}
	}
	for _, name := range mandatory {
		if len(req.GetHeaders(name)) == 0 {
			return &Rejection{400, "Missing " + name, "malformed", nil}
		}
	}
	for _, name := range singleValued {
		if len(req.GetHeaders(name)) > 1 {
			return &Rejection{400, "Duplicate " + name, "malformed", nil}
		}
	}
	// sipgo upper-cases the request line's method but not CSeq's, so a
	// method the peer wrote in lower case (they are case-sensitive, and
	// RFC 4475's intmeth.dat has one) compares without case.
	if !strings.EqualFold(string(req.CSeq().MethodName), string(req.Method)) {
		return &Rejection{400, "CSeq Method Mismatch", "malformed", nil}
	}
	if mf := req.MaxForwards(); mf != nil && mf.Val() == 0 {
		return &Rejection{483, "Too Many Hops", "max_forwards", nil}
	}
	if sc := strings.ToLower(req.Recipient.Scheme); sc != "sip" && sc != "sips" {
		return &Rejection{416, "Unsupported URI Scheme", "uri_scheme", nil}
	}
	if h := req.GetHeaders("Proxy-Require"); len(h) > 0 {
		return &Rejection{420, "Bad Extension", "extension", sip.NewHeader("Unsupported", optionTags(h))}
	}
	if ToTag(req) != "" {
		return nil // in-dialog: routed by the Route set, checked there
	}
	if req.Method == sip.REGISTER || req.Method == sip.OPTIONS {
		if h := req.GetHeaders("Require"); len(h) > 0 {
			return &Rejection{420, "Bad Extension", "extension", sip.NewHeader("Unsupported", optionTags(h))}
		}
	}
	for _, h := range req.GetHeaders("Route") {
		r, ok := h.(*sip.RouteHeader)
		if !ok || !self.IsLocal(r.Address.Host, r.Address.Port) {
			return &Rejection{403, "Forbidden (no relaying)", "relay", nil}
		}
	}
	if !self.IsLocal(req.Recipient.Host, req.Recipient.Port) {
		return &Rejection{403, "Forbidden (no relaying)", "relay", nil}
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
