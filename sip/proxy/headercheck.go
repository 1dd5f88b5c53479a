package proxy

import (
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/grammar"
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
		if !grammar.Token(h.Name()) {
			return "Bad Header Name"
		}
		if !strings.EqualFold(h.Name(), "via") && h.Name() != "v" {
			continue
		}
		if vias++; vias > maxVias {
			return "Too Many Via Headers"
		}
		v, ok := h.(*sip.ViaHeader)
		if !ok || !strings.EqualFold(v.ProtocolName, "SIP") || v.ProtocolVersion != "2.0" || v.Transport == "" || !grammar.Host(v.Host) {
			return "Bad Via"
		}
	}
	return ""
}
