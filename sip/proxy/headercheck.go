package proxy

import (
	"net/netip"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// maxVias bounds the Via headers of a request ringd takes: a request that
// went through more proxies than Max-Forwards lets by default (70) is not
// a real one, and each Via is copied into every response.
const maxVias = 70

// badHeaders judges what sipgo parses without a word but a proxy must not
// pass on: a header whose name is not an RFC 3261 token (empty, with a
// control character or a space: a peer behind ringd may read it as
// another header - header smuggling), too many Vias, a Via that is not
// SIP/2.0 or whose sent-by host is not a host. It returns the reason
// phrase of the 400, or "".
func badHeaders(req *sip.Request) string {
	vias := 0
	for _, h := range req.Headers() {
		if !isToken(h.Name()) {
			return "Bad Header Name"
		}
		if !strings.EqualFold(h.Name(), "via") && h.Name() != "v" {
			continue
		}
		if vias++; vias > maxVias {
			return "Too Many Via Headers"
		}
		v, ok := h.(*sip.ViaHeader)
		if !ok || !strings.EqualFold(v.ProtocolName, "SIP") || v.ProtocolVersion != "2.0" || v.Transport == "" || !validHost(v.Host) {
			return "Bad Via"
		}
	}
	return ""
}

// isToken reports whether s is a non-empty RFC 3261 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-.!%*_+`'~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHost reports whether h is an IP address (IPv6 with or without its
// brackets) or a host name of letters, digits, '-' and '.'.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	if _, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")); err == nil {
		return true
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return h[0] != '.' && h[0] != '-'
}
