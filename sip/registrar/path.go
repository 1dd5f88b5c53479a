package registrar

import (
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/grammar"
)

// paths reads a REGISTER's Path header fields (RFC 3327), top to bottom,
// each possibly a comma-separated list: the edge proxies, nearest to
// ringd first.
func paths(req *sip.Request) ([]sip.Uri, error) {
	var out []sip.Uri
	for _, h := range req.GetHeaders("Path") {
		p, err := ParsePath(h.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, p...)
	}
	return out, nil
}

// ParsePath reads a Path header value: comma-separated name-addrs.
func ParsePath(v string) ([]sip.Uri, error) {
	var out []sip.Uri
	for _, e := range splitList(v) {
		var u sip.Uri
		params := sip.NewParams()
		if _, err := sip.ParseAddressValue(e, &u, &params); err != nil || !grammar.Host(u.Host) || !writesBack(u) {
			return nil, errors.New("bad Path " + e)
		}
		out = append(out, u)
	}
	return out, nil
}

// writesBack reports whether a hop, written as FormatPath writes it, reads
// back as the same hop (a URI whose parameters or headers hold '>' or ','
// would not: the Path kept in the store would route elsewhere).
func writesBack(u sip.Uri) bool {
	var again sip.Uri
	params := sip.NewParams()
	_, err := sip.ParseAddressValue("<"+u.String()+">", &again, &params)
	return err == nil && !strings.ContainsAny(u.String(), ">,") && again.Host == u.Host && again.Port == u.Port && again.User == u.User
}

// FormatPath writes a Path header value (ParsePath reads it back).
func FormatPath(path []sip.Uri) string {
	vs := make([]string, len(path))
	for i, u := range path {
		vs[i] = "<" + u.String() + ">"
	}
	return strings.Join(vs, ", ")
}

// Restored is a binding kept across a restart, put back as the REGISTER
// made it: Path parsed, NAT worked out again from Contact, source and
// transport.
func Restored(contact sip.Uri, expires time.Time, callID string, cseq uint32, source, transport, path, userAgent string) (Binding, error) {
	p, err := ParsePath(path)
	if err != nil {
		return Binding{}, err
	}
	if transport == "" {
		transport = "UDP"
	}
	return Binding{Contact: contact, Expires: expires, CallID: callID, CSeq: cseq, Source: source,
		Transport: transport, NAT: behindNAT(contact, source, transport), Path: p, UserAgent: userAgent}, nil
}

// splitList splits a header value at the commas outside <...> and quotes.
func splitList(v string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			depth++
		case c == '>':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(v[start:i]))
			start = i + 1
		}
	}
	if last := strings.TrimSpace(v[start:]); last != "" {
		out = append(out, last)
	}
	return out
}

// pathHeader is the Path header field of a binding, for the 200 that echoes it.
func pathHeader(path []sip.Uri) sip.Header { return sip.NewHeader("Path", FormatPath(path)) }

// behindNAT reports whether a REGISTER came from somewhere else than its
// Contact says: the Contact's host is not an IP address (a name, or
// *.invalid as browser phones write), is another address than the
// source's, or - over UDP, where the source port is the phone's own -
// names another port. Over TCP, TLS and WebSocket the source port is the
// connection's, so only the addresses are compared.
func behindNAT(contact sip.Uri, source, transport string) bool {
	src, err := netip.ParseAddrPort(source)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(strings.Trim(contact.Host, "[]"))
	if err != nil {
		return true
	}
	if ip.Unmap() != src.Addr().Unmap() {
		return true
	}
	if !strings.EqualFold(transport, "UDP") {
		return false
	}
	port := contact.Port
	if port == 0 {
		port = 5060
	}
	return port != int(src.Port())
}
