package proxy

import (
	"strconv"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// A forwarded request and a relayed response share the received headers
// (message.go): building them must leave the received messages exactly as
// they were, and still make the changes a proxy makes.
func TestForwardAndRelayLeaveTheReceivedMessagesAlone(t *testing.T) {
	s := here{host: "127.0.0.1", port: 5060, names: []string{"ringd.local", "127.0.0.1:5060"}}
	raw := "INVITE sip:6000@ringd.local SIP/2.0\r\n" +
		"Via: SIP/2.0/TCP 127.0.0.9:5070;branch=z9hG4bK-caller;rport\r\n" +
		"Route: <sip:127.0.0.1:5060;lr>\r\n" +
		"Route: <sip:ringd.local;lr>\r\n" +
		"Route: <sip:127.0.0.7:5080;transport=udp;lr>\r\n" +
		"Max-Forwards: 69\r\n" +
		"From: <sip:1001@ringd.local>;tag=caller\r\n" +
		"To: <sip:6000@ringd.local>\r\n" +
		"Call-ID: forward-shares@127.0.0.9\r\n" +
		"CSeq: 1 INVITE\r\n" +
		"Contact: <sip:1001@127.0.0.9:5070;transport=tcp>\r\n" +
		"Content-Type: application/sdp\r\n" +
		"Content-Length: 4\r\n\r\nv=0\n"
	in, err := sip.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	req := in.(*sip.Request)
	req.SetTransport("TCP")
	before := req.String()

	to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: "2000", Host: "ringd.local"}, Params: sip.NewParams()}
	out := Forward(s, req, Target{URI: sip.Uri{Scheme: "sip", User: "2000", Host: "127.0.0.8", Port: 5090}}, Forwarding{RecordRoute: true, Replace: []sip.Header{to}, Extra: []sip.Header{sip.NewHeader("Alert-Info", "<urn:alert:service:normal>")}})
	got := out.String()
	for _, want := range []string{
		"INVITE sip:2000@127.0.0.8:5090 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=",
		"\r\nRecord-Route: <sip:127.0.0.1:5060;transport=udp;lr>\r\nRecord-Route: <sip:127.0.0.1:5060;transport=tcp;lr>\r\nVia: SIP/2.0/TCP 127.0.0.9:5070;branch=z9hG4bK-caller;rport",
		"\r\nRoute: <sip:127.0.0.7:5080;transport=udp;lr>\r\nMax-Forwards: 68\r\n",
		"\r\nTo: <sip:2000@ringd.local>\r\n",
		"\r\nAlert-Info: <urn:alert:service:normal>\r\nContent-Length: 4\r\n\r\nv=0\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("forwarded request lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "Route: <sip:127.0.0.1:5060;lr>")+strings.Count(got, "Route: <sip:ringd.local;lr>") != 0 {
		t.Errorf("the Route entries naming ringd were not consumed:\n%s", got)
	}
	if param(out.Via().Params, "branch") == "z9hG4bK-caller" || out.Transport() != "UDP" {
		t.Errorf("top Via %v over %s; want ringd's own, over UDP (the next Route's transport)", out.Via(), out.Transport())
	}
	_ = Cancel(out, "SIP;cause=200")

	res := sip.NewResponseFromRequest(out, 180, "Ringing", nil)
	res.To().Params.Add("tag", "callee")
	resBefore := res.String()
	up := Upstream(res, req, true)
	if v := up.Via(); v == nil || param(v.Params, "branch") != "z9hG4bK-caller" || len(up.GetHeaders("Via")) != 1 {
		t.Errorf("relayed response's Vias %v; want only the caller's", up.GetHeaders("Via"))
	}
	if to := up.To(); to == nil || to.Address.User != "6000" || ToTag(up) != "callee" {
		t.Errorf("relayed To %v; want the caller's own To with the callee's tag", up.To())
	}
	if req.String() != before {
		t.Errorf("the received request changed:\n%s\nwas\n%s", req.String(), before)
	}
	if res.String() != resBefore {
		t.Errorf("the received response changed:\n%s\nwas\n%s", res.String(), resBefore)
	}
}

func param(p sip.HeaderParams, name string) string {
	v, _ := p.Get(name)
	return v
}

// here is a proxy's own addresses for tests: one host and port on every
// transport, and the names it answers to.
type here struct {
	host  string
	port  int
	names []string // "host" or "host:port"
}

func (h here) Advertised(string) (string, int) { return h.host, h.port }

func (h here) IsLocal(host string, port int) bool {
	if port == 0 {
		port = 5060
	}
	for _, n := range h.names {
		if n == host || n == host+":"+strconv.Itoa(port) {
			return true
		}
	}
	return false
}

func (h here) LocalAddr(string) sip.Addr { return sip.Addr{} }
