package transport

import (
	"bytes"
	"strconv"
	"testing"
)

// FuzzRawScreening runs what the transports do with a datagram before
// sipgo parses it: the scanner User-Agents, the request line and the
// headers sipgo cannot parse and the stateless reply to them. None of it
// may panic, and a reply is a well-formed 400 or 416.
func FuzzRawScreening(f *testing.F) {
	for _, b := range tortureMessages() {
		f.Add(b)
	}
	needles := DefaultProtection().Scanners
	f.Fuzz(func(t *testing.T, data []byte) {
		h := readHeaders(data)
		_ = scanner(h.userAgent, needles)
		if isResponse(data) {
			return
		}
		code, reason := refusal(data, func() *rawHeaders { return &h })
		if code == 0 {
			return
		}
		if code != 400 && code != 416 {
			t.Fatalf("start line refused with %d", code)
		}
		if out := statelessReply(data, code, reason); out != nil &&
			(!bytes.HasPrefix(out, []byte("SIP/2.0 "+strconv.Itoa(code)+" ")) || !bytes.HasSuffix(out, []byte("\r\n\r\n"))) {
			t.Fatalf("stateless reply %q", out)
		}
	})
}
