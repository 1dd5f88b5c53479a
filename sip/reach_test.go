package sip

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/sip/transport"
	"github.com/ringd/ringd/strategy"
)

// boundOn is the address ringd bound for a network.
func (r *testRingd) boundOn(network string) string {
	for _, b := range r.Bound() {
		if b.Network == network {
			return b.Addr
		}
	}
	panic("no " + network + " listener")
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func withListener(network, addr string) func(*Settings) {
	return func(s *Settings) { s.Listen = append(s.Listen, transport.Listener{Network: network, Addr: addr}) }
}

// A phone behind NAT registers a Contact that names its private address;
// ringd rings it at the address its REGISTER came from.
func TestNATContactIsRungAtTheRegisterSource(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}})
	phone := siptest.NewAgent(t, "1001")
	private := sip.Uri{Scheme: "sip", User: "1001", Host: "192.168.1.20", Port: 5060}
	phone.ContactURI = &private
	if res := phone.Register(r.addr, "pw1001", 600); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	b := r.loc.Bindings("1001", r.clock.Now())
	if len(b) != 1 || !b[0].NAT || b[0].Source != "127.0.0.1:"+itoa(phone.Port) {
		t.Fatalf("binding %+v; want NAT from the agent's socket", b)
	}
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	inv := phone.WaitInvite(3 * time.Second)
	if inv.Recipient.Host != "192.168.1.20" {
		t.Errorf("Request-URI %s; want the Contact as registered", inv.Recipient.String())
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call: %d", code)
	}
	call.AckAndBye(t)
	// The caller's ACK and BYE reach the phone too: in-dialog requests to
	// its Contact go to its source.
	eventually(t, func() bool { _, _, acks, byes := phone.Counts(); return acks == 1 && byes == 1 })
}

// A REGISTER through an edge proxy carries Path: ringd keeps it, echoes it
// with Supported: path, and sends calls to the contact through it.
func TestPathIsEchoedAndRoutesCallsThroughTheEdge(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}})
	edge := siptest.NewAgent(t, "edge") // plays the edge proxy and the phone behind it
	phone := sip.Uri{Scheme: "sip", User: "1001", Host: "10.9.9.9", Port: 5062}
	edge.ContactURI = &phone
	path := "<sip:127.0.0.1:" + itoa(edge.Port) + ";lr;received=sip:10.9.9.9:5062>"
	edge.Ext = "1001"
	res := edge.Register(r.addr, "pw1001", 600, sip.NewHeader("Path", path), sip.NewHeader("Supported", "path"))
	if res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	if h := res.GetHeader("Path"); h == nil || h.Value() != path {
		t.Errorf("200 Path %v; want %s echoed", h, path)
	}
	if h := res.GetHeader("Supported"); h == nil || !strings.Contains(h.Value(), "path") {
		t.Errorf("200 Supported %v; want path", h)
	}
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	inv := edge.WaitInvite(3 * time.Second)
	if rt := inv.Route(); rt == nil || rt.Address.Port != edge.Port {
		t.Errorf("INVITE's top Route %v; want the Path entry", rt)
	}
	if inv.Recipient.Host != "10.9.9.9" {
		t.Errorf("Request-URI %s; want the phone's Contact", inv.Recipient.String())
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call: %d", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { _, _, acks, byes := edge.Counts(); return acks == 1 && byes == 1 })
}

// A phone on TCP whose Contact nobody can connect to is rung over the
// connection its REGISTER came on (RFC 5626 flow).
func TestTCPPhoneIsRungOverItsOwnConnection(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}},
		withListener("tcp", "127.0.0.1:0"))
	contact := sip.Uri{Scheme: "sip", User: "1001", Host: "127.0.0.1", Port: 9, UriParams: sip.NewParams()}
	contact.UriParams.Add("transport", "tcp")
	phone := siptest.NewStreamAgent(t, "1001", "TCP", contact)
	if res := phone.Register(r.boundOn("tcp"), "pw1001", 600); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	inv := phone.WaitInvite(3 * time.Second)
	if !strings.EqualFold(inv.Transport(), "TCP") {
		t.Errorf("INVITE came over %s", inv.Transport())
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call: %d", code)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { _, _, acks, byes := phone.Counts(); return acks == 1 && byes == 1 })
}

// ringd's TCP connections leave from its listener's address, not from
// whatever address the kernel would pick (fault b).
func TestTCPConnectionsLeaveFromTheListenerAddress(t *testing.T) {
	t.Parallel()
	phone := siptest.NewAgent(t, "1001")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = phone.Srv.ServeTCP(ln) }()
	contact := "sip:1001@" + ln.Addr().String() + ";transport=tcp"
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}},
		func(s *Settings) {
			s.Listen = []transport.Listener{{Network: "udp", Addr: "127.0.0.2:0"}, {Network: "tcp", Addr: "127.0.0.2:0"}}
			s.Extensions["1001"] = Extension{Contact: contact}
		})
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	inv := phone.WaitInvite(3 * time.Second)
	if host, _, _ := net.SplitHostPort(inv.Source()); host != "127.0.0.2" {
		t.Errorf("INVITE came from %s; want ringd's listener address 127.0.0.2", inv.Source())
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("call: %d", code)
	}
	call.AckAndBye(t)
}

// The caller's credentials for ringd's realm stop at ringd (fault c).
func TestConsumedCredentialsAreNotForwarded(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6000", strategy.RingAll, 5*time.Second, "1001")}},
		func(s *Settings) { s.Trusted = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} })
	ms := registered(t, r, "1001")
	call := siptest.NewAgent(t, "2000").DialWith(context.Background(), r.addr, "6000", sipgo.AnswerOptions{Username: "2000", Password: "pw2000"})
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("authenticated call: %d (%v)", code, call.Codes)
	}
	call.AckAndBye(t)
	ms[0].Mu.Lock()
	inv := ms[0].Invites[len(ms[0].Invites)-1]
	ms[0].Mu.Unlock()
	if h := inv.GetHeader("Proxy-Authorization"); h != nil {
		t.Errorf("the member got the caller's credentials: %s", h.Value())
	}
}

// Over TCP the ACK of ringd's 407 is absorbed by the INVITE's transaction
// as over UDP: never handled as a new request, never routed on (fault a).
func TestACKOfAFailureIsAbsorbedOverTCP(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001")}, Hooks{Metrics: reg},
		func(s *Settings) { s.Trusted = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} },
		withListener("tcp", "127.0.0.1:0"))
	addr := r.boundOn("tcp")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rd := bufio.NewReader(conn)
	local := conn.LocalAddr().String()
	head := func(method, cseq, to string) string {
		return method + " sip:6000@ringd.local SIP/2.0\n" +
			"Via: SIP/2.0/TCP " + local + ";branch=z9hG4bK-tcp-ack\n" +
			"Route: <sip:" + addr + ";transport=tcp;lr>\n" +
			"Max-Forwards: 70\nFrom: <sip:1001@ringd.local>;tag=probe\nTo: <sip:6000@ringd.local>" + to + "\n" +
			"Call-ID: tcp-ack-probe\nCSeq: " + cseq + "\nContent-Length: 0\n\n"
	}
	if _, err := conn.Write(crlf(head("INVITE", "1 INVITE", ""))); err != nil {
		t.Fatal(err)
	}
	res := readResponse(t, conn, rd)
	if res.StatusCode != 407 {
		t.Fatalf("INVITE: %d, want 407", res.StatusCode)
	}
	tag, _ := res.To().Params.Get("tag")
	if _, err := conn.Write(crlf(head("ACK", "1 ACK", ";tag="+tag))); err != nil {
		t.Fatal(err)
	}
	// An OPTIONS after it, on the same connection, is answered: by then
	// the ACK has been read.
	opts := strings.ReplaceAll(strings.ReplaceAll(head("OPTIONS", "2 OPTIONS", ""), "z9hG4bK-tcp-ack", "z9hG4bK-tcp-opt"), "Route: <sip:"+addr+";transport=tcp;lr>\n", "")
	if _, err := conn.Write(crlf(opts)); err != nil {
		t.Fatal(err)
	}
	if res := readResponse(t, conn, rd); res.StatusCode != 200 || res.CSeq().MethodName != sip.OPTIONS {
		t.Fatalf("after the ACK got %d %s; want the OPTIONS' 200 and nothing else", res.StatusCode, res.CSeq().MethodName)
	}
	if n := counterValue(reg, "ringd_sip_requests_total", map[string]string{"method": "ACK"}); n != 0 {
		t.Errorf("the ACK reached ringd's handlers %v times; want absorbed by its transaction", n)
	}
}

// readResponse reads one SIP response from a stream.
func readResponse(t *testing.T, conn net.Conn, rd *bufio.Reader) *sip.Response {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	var msg strings.Builder
	length := 0
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read: %v (%q)", err, msg.String())
		}
		msg.WriteString(line)
		if v, ok := strings.CutPrefix(strings.ToLower(line), "content-length:"); ok {
			length = atoi(strings.TrimSpace(v))
		}
		if line == "\r\n" && msg.Len() > 2 {
			break
		}
	}
	body := make([]byte, length)
	if _, err := rd.Read(body); err != nil && length > 0 {
		t.Fatal(err)
	}
	m, err := sip.ParseMessage([]byte(msg.String() + string(body)))
	if err != nil {
		t.Fatalf("parse %q: %v", msg.String(), err)
	}
	res, ok := m.(*sip.Response)
	if !ok {
		t.Fatalf("got a request: %s", m.String())
	}
	return res
}

// A request routed through ringd whose Request-URI names ringd itself (its
// domain, here) is answered, not forwarded to itself nor looked up in DNS.
func TestInDialogRequestForRingdItselfIsAnswered(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001")}, Hooks{Metrics: reg})
	a := siptest.NewAgent(t, "1001")
	req := sip.NewRequest(sip.INFO, sip.Uri{Scheme: "sip", User: "6000", Host: "ringd.local"})
	lr, tag := sip.NewParams(), sip.NewParams()
	lr.Add("lr", "")
	tag.Add("tag", "x")
	req.AppendHeader(&sip.RouteHeader{Address: sip.Uri{Scheme: "sip", Host: "127.0.0.1", Port: portOf(r.addr), UriParams: lr}})
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: "6000", Host: "ringd.local"}, Params: tag})
	req.SetDestination(r.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	res, err := a.Client.Do(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 481 {
		t.Errorf("INFO to ringd's own domain in no dialog: %d, want 481", res.StatusCode)
	}
}

// A CRLF keep-alive ping on a TCP connection gets its pong (RFC 5626
// §3.5.1), and the connection stays usable.
func TestCRLFKeepaliveIsAnsweredOverTCP(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001")}, withListener("tcp", "127.0.0.1:0"))
	conn, err := net.Dial("tcp", r.boundOn("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	pong := make([]byte, 8)
	n, err := conn.Read(pong)
	if err != nil || string(pong[:n]) != "\r\n" {
		t.Fatalf("pong %q, %v; want CRLF", pong[:n], err)
	}
	local := conn.LocalAddr().String()
	opts := "OPTIONS sip:ringd.local SIP/2.0\nVia: SIP/2.0/TCP " + local + ";branch=z9hG4bK-crlf\nMax-Forwards: 70\n" +
		"From: <sip:1001@ringd.local>;tag=a\nTo: <sip:ringd.local>\nCall-ID: crlf\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n"
	if _, err := conn.Write(crlf(opts)); err != nil {
		t.Fatal(err)
	}
	res := readResponse(t, conn, bufio.NewReader(conn))
	if res.StatusCode != 200 {
		t.Fatalf("OPTIONS after the ping: %d", res.StatusCode)
	}
	if h := res.GetHeader("Supported"); h == nil || !strings.Contains(h.Value(), "path") {
		t.Errorf("OPTIONS 200 Supported %v; want path announced", h)
	}
}
