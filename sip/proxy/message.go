package proxy

import (
	"strings"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Self is what the proxy knows of its own addresses (transport.Listeners
// has them): the host:port it advertises per transport, the names and
// addresses that are its own, and the address its UDP requests leave
// from.
type Self interface {
	Advertised(transport string) (string, int)
	IsLocal(host string, port int) bool
	LocalAddr(transport string) sip.Addr
}

// Prebuilt tells sipgo's client that a request is complete as it is: ringd
// builds its own Via, Record-Route and Max-Forwards as a proxy must.
func Prebuilt(*sipgo.Client, *sip.Request) error { return nil }

// Via returns a new top Via of ringd for a request sent over transport.
func Via(self Self, transport string) *sip.ViaHeader {
	host, port := self.Advertised(transport)
	params := sip.NewParams()
	params.Add("branch", sip.GenerateBranch())
	return &sip.ViaHeader{ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: strings.ToUpper(transport), Host: host, Port: port, Params: params}
}

// recordRoute returns ringd's Record-Route entry for a transport.
func recordRoute(self Self, transport string) *sip.RecordRouteHeader {
	host, port := self.Advertised(transport)
	params := sip.NewParams()
	params.Add("transport", strings.ToLower(transport))
	params.Add("lr", "")
	return &sip.RecordRouteHeader{Address: sip.Uri{Scheme: "sip", Host: host, Port: port, UriParams: params}}
}

// URITransport is the transport a request to u travels over: its
// transport parameter, else UDP (TLS for sips).
func URITransport(u sip.Uri) string {
	if t, ok := u.UriParams.Get("transport"); ok && t != "" {
		return strings.ToUpper(t)
	}
	if u.IsEncrypted() {
		return "TLS"
	}
	return "UDP"
}

// Messages share header values. ringd never changes a header it received
// or sent: a header that must differ (Max-Forwards, Via, Record-Route, a
// rewritten To) is a new value in the new message's own header list, and
// sipgo copies what it puts in the responses it builds. So a forwarded
// request and a relayed response reuse the received headers instead of
// copying each one: under load those copies were a tenth of what ringd
// allocated and, held by transactions absorbing retransmissions, a third
// of its live heap.

// Forward copies an incoming request for forwarding to target as a proxy
// does (RFC 3261 §16.6): new Request-URI, Route entries naming ringd
// removed, Max-Forwards decremented, Record-Route and Via of ringd added on
// top, the target's Route set (a Path) before the incoming Route entries
// left. An incoming Route entry left (in a dialog: the route set beyond
// ringd) decides where the request goes; otherwise the target does.
func Forward(self Self, in *sip.Request, target Target, f Forwarding) *sip.Request {
	out := sip.NewRequest(in.Method, *target.URI.Clone())
	out.SipVersion = in.SipVersion
	// The leading Route entries that name ringd are ours to consume; the
	// first one left, if any, says where and over what the request goes.
	consume, routed := 0, false
	tp := URITransport(target.URI)
	for _, h := range in.Headers() {
		if h.Name() != "Route" {
			continue
		}
		r, ok := h.(*sip.RouteHeader)
		if ok && self.IsLocal(r.Address.Host, r.Address.Port) {
			consume++
			continue
		}
		if ok {
			tp, routed = URITransport(r.Address), true
		}
		break
	}
	if !routed {
		tp = target.apply(out, tp)
	}
	// Headers are appended top to bottom (sipgo takes the first Via and
	// Route appended as the message's own): ringd's Via, its Record-Route,
	// the target's Route set, then the incoming headers.
	out.AppendHeader(Via(self, tp))
	if f.RecordRoute {
		// Double Record-Route (RFC 5658) when the two sides reach ringd over
		// different transports: the callee uses the top entry, the caller
		// (reading the set in reverse) the one for its own transport.
		rrOut := recordRoute(self, tp)
		out.AppendHeader(rrOut)
		if !strings.EqualFold(tp, in.Transport()) {
			if rrIn := recordRoute(self, in.Transport()); rrIn.Value() != rrOut.Value() {
				out.AppendHeader(rrIn)
			}
		}
	}
	if !routed {
		for _, u := range target.Route {
			out.AppendHeader(&sip.RouteHeader{Address: *u.Clone()})
		}
	}
	replace := f.Replace
	for _, h := range in.Headers() {
		switch h.Name() {
		case "Route":
			if consume > 0 {
				consume--
				continue
			}
		case "Max-Forwards":
			mf := sip.MaxForwardsHeader(70)
			if in.MaxForwards() != nil {
				mf = sip.MaxForwardsHeader(in.MaxForwards().Val() - 1)
			}
			out.AppendHeader(&mf)
			continue
		case "Content-Length":
			continue
		}
		if f.Consumed != nil && credentials(h.Name()) && f.Consumed(h.Value()) {
			continue
		}
		if i := indexHeader(replace, h.Name()); i >= 0 {
			out.AppendHeader(replace[i])
			replace = append(replace[:i:i], replace[i+1:]...)
			continue
		}
		out.AppendHeader(h)
	}
	if in.MaxForwards() == nil {
		mf := sip.MaxForwardsHeader(70)
		out.AppendHeader(&mf)
	}
	for _, h := range f.Extra {
		out.AppendHeader(h)
	}
	out.SetBody(in.Body())
	out.SetTransport(tp)
	out.Laddr = self.LocalAddr(tp)
	return out
}

func indexHeader(hs []sip.Header, name string) int {
	for i, h := range hs {
		if strings.EqualFold(h.Name(), name) {
			return i
		}
	}
	return -1
}

// Upstream turns a response received on a forwarded request into the
// response to relay toward the sender of in: ringd's Via removed, sent back
// the way in came. When keepTo is set (to_extension rewrote the To of the
// forwarded request) the sender's own To comes back, with the tag of the
// response.
func Upstream(res *sip.Response, in *sip.Request, keepTo bool) *sip.Response {
	r := sip.NewResponse(res.StatusCode, res.Reason)
	r.SipVersion = res.SipVersion
	via := true // the first Via is ringd's
	for _, h := range res.Headers() {
		switch h.Name() {
		case "Via":
			if via {
				via = false
				continue
			}
		case "From":
			if orig := in.From(); orig != nil {
				h = orig // as the sender sent it (a cid_name_prefix was ours)
			}
		case "To":
			if to, orig := res.To(), in.To(); keepTo && to != nil && orig != nil {
				h = &sip.ToHeader{Address: orig.Address, DisplayName: orig.DisplayName, Params: to.Params}
			}
		case "Content-Length":
			continue
		}
		r.AppendHeader(h)
	}
	r.SetBody(res.Body())
	r.SetTransport(in.Transport())
	r.SetDestination(in.Source())
	return r
}

// Cancel builds the CANCEL of a forwarded INVITE (RFC 3261 §9.1), with a
// Reason header when one is given.
func Cancel(inv *sip.Request, reason string) *sip.Request {
	c := sameTransaction(inv, sip.CANCEL, inv.To())
	if reason != "" {
		c.AppendHeader(sip.NewHeader("Reason", reason))
	}
	return c
}

// sameTransaction builds a request that belongs to the forwarded INVITE's
// own transaction, a CANCEL (RFC 3261 §9.1) or the ACK of a failure
// (§17.1.1.3): the INVITE's Request-URI, its top Via only (same branch), its
// Route set, From, Call-ID and CSeq number, with to as the To header.
func sameTransaction(inv *sip.Request, method sip.RequestMethod, to *sip.ToHeader) *sip.Request {
	r := sip.NewRequest(method, *inv.Recipient.Clone())
	r.SipVersion = inv.SipVersion
	r.AppendHeader(inv.Via())
	for _, h := range inv.GetHeaders("Route") {
		r.AppendHeader(h)
	}
	mf := sip.MaxForwardsHeader(70)
	r.AppendHeader(&mf)
	r.AppendHeader(inv.From())
	r.AppendHeader(to)
	r.AppendHeader(inv.CallID())
	r.AppendHeader(&sip.CSeqHeader{SeqNo: inv.CSeq().SeqNo, MethodName: method})
	r.SetBody(nil)
	r.SetTransport(inv.Transport())
	r.SetDestination(inv.MessageData.Destination())
	r.Laddr = inv.Laddr
	return r
}

// InDialog builds a request ringd itself sends as the UAC of the dialog a
// 2xx established on the forwarded INVITE inv (the ACK and BYE of a 2xx
// nobody wants, of a page's member): to the callee's Contact, the way
// reach says (a registered contact's NAT binding, flow or Path; nil: as
// the URI says).
func InDialog(self Self, method sip.RequestMethod, inv *sip.Request, res *sip.Response, seq uint32, reach func(sip.Uri) Target) *sip.Request {
	target := Target{URI: inv.Recipient}
	if c := res.Contact(); c != nil {
		target.URI = c.Address
	}
	if reach != nil {
		target = reach(target.URI)
	}
	r, _ := UACRequest(self, method, target, sip.HeaderClone(inv.From()), sip.HeaderClone(res.To()), sip.HeaderClone(inv.CallID()), seq)
	r.SetBody(nil)
	return r
}

// UACRequest starts a request ringd sends as a UAC, to target: its
// Request-URI and destination, ringd's Via, the target's Route set,
// Max-Forwards, From, To, Call-ID and CSeq. It returns the transport.
func UACRequest(self Self, method sip.RequestMethod, t Target, from, to, callID sip.Header, seq uint32) (*sip.Request, string) {
	r := sip.NewRequest(method, *t.URI.Clone())
	tp := t.apply(r, URITransport(t.URI))
	r.AppendHeader(Via(self, tp))
	for _, u := range t.Route {
		r.AppendHeader(&sip.RouteHeader{Address: *u.Clone()})
	}
	mf := sip.MaxForwardsHeader(70)
	r.AppendHeader(&mf)
	r.AppendHeader(from)
	r.AppendHeader(to)
	r.AppendHeader(callID)
	r.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	r.SetTransport(tp)
	r.Laddr = self.LocalAddr(tp)
	return r, tp
}
