package sip

import (
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/registrar"
)

// reach turns registered contacts into the targets requests to them go
// to (SPEC §10): through the binding's Path when it has one; over the
// connection its REGISTER came on while that is open (TCP, TLS,
// WebSocket: RFC 5626 flows); to the REGISTER's source when the phone is
// behind NAT; else to the Contact as written. Safe for concurrent use
// (the driver's legs and the in-dialog relay both ask).
type reach struct {
	loc   *registrar.Location
	clock clock.Clock
	// open reports whether a connection to addr over a reliable transport
	// is open (sipgo's connection pool).
	open func(transport, addr string) bool
}

// binding is the target of a registered (or static) contact.
func (r reach) binding(b registrar.Binding) proxy.Target {
	t := proxy.Target{URI: b.Contact, Route: b.Path}
	if len(b.Path) > 0 || b.Source == "" {
		return t
	}
	flow := b.Transport != "" && !strings.EqualFold(b.Transport, "UDP")
	switch {
	case flow && (r.open(b.Transport, b.Source) || b.NAT):
		// The phone's connection, while it is open; behind NAT (or with a
		// Contact like *.invalid) there is nothing else to try.
		t.Dest, t.Transport = b.Source, b.Transport
	case !flow && b.NAT:
		t.Dest, t.Transport = b.Source, "UDP"
	}
	return t
}

// uri is the target of a request to u: a registered contact's binding
// when u is one (an in-dialog request to a phone behind NAT or an edge
// proxy goes the way its calls go), else u as it is.
func (r reach) uri(u sip.Uri) proxy.Target {
	if b, ok := r.loc.Find(u, r.clock.Now()); ok {
		return r.binding(b)
	}
	return proxy.Target{URI: u}
}
