package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/proxy"
)

// Relaying for another node of the cluster: a node that rings a contact
// this node holds on a connection (TCP, TLS, WebSocket) sends the INVITE
// here, with this node as its Route and the contact as its Request-URI,
// as an edge proxy would be used through a Path. This node forwards it
// over the phone's connection (an outbound leg to the contact: its own
// transaction, record-routed, ringing for services.ring_time at most).
// Only a trusted source (the nodes list each other in sip.trusted) may
// use it, and only for a contact registered here.

// relayTarget reports whether req is another node's INVITE for a contact
// this node holds: refused by the checks only because its Request-URI is
// not one of ringd's names, its Route entries all name this node, its
// source is trusted, and the Request-URI is a live binding made here.
func (s *Server) relayTarget(req *sip.Request) bool {
	if s.hooks.Cluster == nil || proxy.ToTag(req) != "" || !s.filter.Trusted(req.Source()) {
		return false
	}
	rej := proxy.Validate(s.listeners, req)
	if rej == nil || rej.Why != "relay" || len(req.GetHeaders("Route")) == 0 {
		return false
	}
	for _, h := range req.GetHeaders("Route") {
		if r, ok := h.(*sip.RouteHeader); !ok || !s.listeners.IsLocal(r.Address.Host, r.Address.Port) {
			return false
		}
	}
	b, ok := s.loc.Find(req.Recipient, s.clock.Now())
	return ok && b.Node == ""
}
