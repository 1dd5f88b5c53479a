package proxy

import (
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Target is where a request ringd sends goes, and how it gets there: its
// Request-URI, and - for a registered contact - the edge proxies its
// REGISTER came through (Path, RFC 3327) and the address it must be sent to
// when that is not the URI's own (a phone behind NAT: the REGISTER's
// source; a phone on TCP, TLS or WebSocket: the connection it registered
// on, RFC 5626).
type Target struct {
	URI sip.Uri
	// Route is the binding's Path: the Route set the request carries.
	Route []sip.Uri
	// Dest is the host:port to send to ("" when the Route or URI says).
	Dest string
	// Transport goes with Dest: the transport the REGISTER came over.
	Transport string
}

// Forwarding says how Forward builds the copy of a request.
type Forwarding struct {
	// RecordRoute adds ringd's Record-Route (initial requests).
	RecordRoute bool
	// Replace lists headers to put in place of the incoming ones (a new To,
	// say); Extra lists headers to add.
	Replace, Extra []sip.Header
	// Consumed, when set, picks the credentials ringd consumed (its own
	// realm's Proxy-Authorization or Authorization): they are not
	// forwarded.
	Consumed func(value string) bool
}

// credentials reports whether a header carries digest credentials.
func credentials(name string) bool {
	return strings.EqualFold(name, "Proxy-Authorization") || strings.EqualFold(name, "Authorization")
}

// apply sets out's destination as the target says and returns the
// transport out travels over: the Route set's first entry decides, else
// Dest over Transport, else tp and out's Request-URI. The last is set as
// sipgo would work it out (host:port, the transport's default port), once:
// sipgo otherwise works it out for each write, looking for a Route header
// each time (an allocation when there is none).
func (t Target) apply(out *sip.Request, tp string) string {
	if len(t.Route) > 0 {
		return URITransport(t.Route[0])
	}
	if t.Dest != "" {
		out.SetDestination(t.Dest)
		if t.Transport != "" {
			return strings.ToUpper(t.Transport)
		}
		return tp
	}
	port := out.Recipient.Port
	if port <= 0 {
		port = sip.DefaultPort(tp)
	}
	out.SetDestination(out.Recipient.Host + ":" + strconv.Itoa(port))
	return tp
}
